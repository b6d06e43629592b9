#!/usr/bin/env python3
"""Seed corpora for the application-parser fuzz targets, from a directory of captures.

    python3 fuzz/tools/app_seeds.py /work/shared/corpus/pcap fuzz/corpus [MAX_PER_TARGET]

Reads every capture with seeds.py's reader, finds each packet's IPv4/IPv6 TCP or UDP payload
(Ethernet with VLAN tags, raw IP, NULL/LOOP, SLL, SLL2; IP fragments and truncated headers
skipped) and writes, under fuzz/corpus/ (gitignored), one file per distinct input:

  app_dns/       UDP payloads on 53/5353/5355, and TCP 53 messages without their 2-byte
                 length (plus the raw TCP payloads, which the target also reads as a stream)
  app_http/      TCP payloads starting with an HTTP method or HTTP/, UDP 1900 (SSDP)
  app_tls/       TCP payloads starting with a TLS record header, and their handshake bodies
  app_dhcp/      UDP 67/68 payloads
  app_ntp/       UDP 123 payloads
  app_ssh/       TCP 22 payloads (banners and binary packets)
  app_quic/      UDP payloads with a long header (mode byte 0: parse), and 5 round-trip
                 inputs (mode bit 0) carrying RFC 9001's ClientHello CRYPTO frame
  app_vnc/       TCP conversations whose first payload is an RFB greeting, as pieces (byte 0:
                 1 from the server) joined by the marker b"\xffRFB"
  app_line/      TCP 21/25/587/110/143 and TCP/UDP 5060 payloads (FTP, SMTP, POP3, IMAP, SIP)
  app_snmp/      UDP 161/162 payloads
  app_kerberos/  UDP/TCP 88 payloads
  app_ldap/      TCP/UDP 389 and 3268 payloads
  app_ber/       the SNMP, Kerberos and LDAP payloads (without the Kerberos TCP record mark)
  app_modbus/    TCP 502 payloads
  app_stun/      UDP/TCP 3478/19302 payloads, and UDP payloads with the magic cookie
  app_syslog/    UDP 514 payloads
  app_tftp/      UDP 69 payloads, and the UDP conversations that follow a TFTP request
  app_radius/    UDP 1812/1813/1645/1646 payloads
  app_mqtt/      TCP 1883 payloads
  app_bittorrent/ TCP payloads starting with a BitTorrent handshake, and TCP 6881-6889
  app_dhcpv6/    UDP 546/547 payloads
  app_smb/       TCP 139/445 payloads
  app_nbns/      UDP 137 payloads
  app_rdp/       TCP 3389 payloads
  app_x509/      TLS Certificate handshake bodies (TCP streams put in sequence order, their
                 handshake records joined), and each certificate's DER alone
  app_ocsp/      TLS CertificateStatus handshake bodies (stapled OCSP responses), found the
                 same way
  app_dispatch/  source port, destination port (2 bytes each) + payload, of every payload
  dissect_app/, flow_classify/
                 conversations in fuzz_targets/conv.rs's format: per 5-tuple, the first 48
                 packets (TCP: SYN/FIN/RST and payload packets; UDP: datagrams), direction from
                 the first packet, in order (offset byte 0). Both targets share the corpus;
                 flow_classify also gets 3 QUIC seeds (RFC 9001's ClientHello CRYPTO frame,
                 whole and split), which the target protects as client Initials.

Each directory gets at most MAX_PER_TARGET (default 3000) inputs, round-robin over the
capture files so that every capture contributes.
"""
import hashlib
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from seeds import packets  # noqa: E402

MARKER = b"\xffSEG"
CONV_PKTS = 48
HTTP_START = (b"GET ", b"POST ", b"HEAD ", b"PUT ", b"DELETE ", b"OPTIONS ", b"CONNECT ",
              b"NOTIFY ", b"M-SEARCH ", b"SUBSCRIBE ", b"PROPFIND ", b"PATCH ", b"HTTP/1.")


def l3(lt, p):
    if lt == 1:
        o, et = 14, p[12:14]
        while et in (b"\x81\x00", b"\x88\xa8") and len(p) >= o + 4:
            et, o = p[o + 2:o + 4], o + 4
        return o if et in (b"\x08\x00", b"\x86\xdd") else None
    if lt in (12, 14, 101, 228, 229):
        return 0
    if lt in (0, 108):
        return 4
    if lt == 113:
        return 16 if p[14:16] in (b"\x08\x00", b"\x86\xdd") else None
    if lt == 276:
        return 20 if p[0:2] in (b"\x08\x00", b"\x86\xdd") else None
    return None


def l4(lt, p):
    """(proto, src, dst, sport, dport, flags, payload) or None."""
    o = l3(lt, p)
    if o is None or len(p) < o + 20:
        return None
    v = p[o] >> 4
    if v == 4:
        ihl = (p[o] & 15) * 4
        tot = struct.unpack(">H", p[o + 2:o + 4])[0]
        if ihl < 20 or struct.unpack(">H", p[o + 6:o + 8])[0] & 0x3FFF:
            return None
        proto, src, dst = p[o + 9], p[o + 12:o + 16], p[o + 16:o + 20]
        end = min(len(p), o + tot) if tot >= ihl else len(p)
        o += ihl
    elif v == 6:
        if len(p) < o + 40:
            return None
        plen = struct.unpack(">H", p[o + 4:o + 6])[0]
        proto, src, dst = p[o + 6], p[o + 8:o + 24], p[o + 24:o + 40]
        end = min(len(p), o + 40 + plen)
        o += 40
    else:
        return None
    if proto == 6 and end >= o + 20:
        off = (p[o + 12] >> 4) * 4
        if off < 20 or o + off > end:
            return None
        sp, dp = struct.unpack(">HH", p[o:o + 4])
        return 6, src, dst, sp, dp, p[o + 13] & 0x3F, p[o + off:end]
    if proto == 17 and end >= o + 8:
        sp, dp = struct.unpack(">HH", p[o:o + 4])
        return 17, src, dst, sp, dp, 0, p[o + 8:end]
    return None


def tcp_seq(lt, p):
    """The TCP sequence number of a packet that l4() reads as TCP."""
    o = l3(lt, p)
    if o is None:
        return None
    o += (p[o] & 15) * 4 if p[o] >> 4 == 4 else 40
    return struct.unpack(">I", p[o + 4:o + 8])[0] if len(p) >= o + 8 else None


def ports(sp, dp, *want):
    return sp in want or dp in want


def tls_start(b):
    return len(b) >= 5 and 20 <= b[0] <= 24 and b[1] == 3 and b[2] <= 4


# RFC 9001 Appendix A.2: the client Initial's CRYPTO frame (a ClientHello for example.com).
RFC9001_FRAMES = bytes.fromhex(
    "060040f1010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e868"
    "04fe3a47f06a2b69484c00000413011302010000c000000010000e00000b6578"
    "616d706c652e636f6dff01000100000a00080006001d00170018001000070005"
    "04616c706e000500050100000000003300260024001d00209370b2c9caa47fba"
    "baf4559fedba753de171fa71f50f1ce15d43e994ec74d748002b000302030400"
    "0d0010000e0403050306030203080408050806002d00020101001c0002400100"
    "3900320408ffffffffffffffff05048000ffff07048000ffff08011001048000"
    "75300901100f088394c8f03e51570806048000ffff")


def quic_seeds():
    """flow_classify conversations whose UDP segments (flag 0x20) the target protects as QUIC
    Initials: the RFC's CRYPTO frame whole, split over two packets, and reversed, with an
    ACK and a PING frame in front."""
    hello = RFC9001_FRAMES[4:]  # after type 06, offset 00, 2-byte length

    def crypto(off, data):
        return bytes([6, 0x40 | off >> 8, off & 0xFF, 0x40 | len(data) >> 8, len(data) & 0xFF]) + data

    hdr = bytes([1]) + struct.pack(">HH", 51000, 443)
    seg = lambda frames, server=False: bytes([(0x80 if server else 0) | 0x20, 0]) + frames
    a, b = crypto(0, hello[:100]), crypto(100, hello[100:])
    return [
        hdr + seg(RFC9001_FRAMES),
        hdr + MARKER.join([seg(b"\x02\x00\x00\x00\x00\x01" + a), seg(b, True), seg(b)]),
        hdr + MARKER.join([seg(b), seg(a)]),
    ]


NEW_TARGETS = ["app_line", "app_snmp", "app_kerberos", "app_ldap", "app_ber", "app_modbus",
               "app_stun", "app_syslog", "app_tftp", "app_radius", "app_mqtt", "app_bittorrent",
               "app_dhcpv6", "app_smb", "app_nbns", "app_rdp", "app_x509", "app_ocsp"]


def by_port(proto, sp, dp, pl, got, tftp):
    """The late parsers' seeds of one payload (ports as Wireshark's defaults)."""
    udp, tcp = proto == 17, proto == 6
    if tcp and ports(sp, dp, 21, 25, 587, 110, 143) or ports(sp, dp, 5060):
        got["app_line"].append(pl)
    if udp and ports(sp, dp, 161, 162):
        got["app_snmp"].append(pl)
        got["app_ber"].append(pl)
    if ports(sp, dp, 88):
        got["app_kerberos"].append(pl)
        got["app_ber"].append(pl[4:] if tcp else pl)
    if ports(sp, dp, 389, 3268):
        got["app_ldap"].append(pl)
        got["app_ber"].append(pl)
    if tcp and ports(sp, dp, 502):
        got["app_modbus"].append(pl)
    if ports(sp, dp, 3478, 19302) or udp and pl[4:8] == b"\x21\x12\xa4\x42":
        got["app_stun"].append(pl)
    if udp and ports(sp, dp, 514):
        got["app_syslog"].append(pl)
    if udp and (ports(sp, dp, 69) or (sp, dp) in tftp or (dp, sp) in tftp):
        got["app_tftp"].append(pl)
    if udp and ports(sp, dp, 69) and pl[:2] in (b"\0\1", b"\0\2"):
        tftp.add((sp, dp))  # the transfer continues on the server's new port
        tftp.add((dp, sp))
    if udp and ports(sp, dp, 1812, 1813, 1645, 1646):
        got["app_radius"].append(pl)
    if tcp and ports(sp, dp, 1883):
        got["app_mqtt"].append(pl)
    if tcp and (pl.startswith(b"\x13BitTorrent protocol") or 6881 <= sp <= 6889
                or 6881 <= dp <= 6889):
        got["app_bittorrent"].append(pl)
    if udp and ports(sp, dp, 546, 547):
        got["app_dhcpv6"].append(pl)
    if tcp and ports(sp, dp, 139, 445):
        got["app_smb"].append(pl)
    if udp and ports(sp, dp, 137):
        got["app_nbns"].append(pl)
    if tcp and ports(sp, dp, 3389):
        got["app_rdp"].append(pl)


def certificates(segs, msg_type=11):
    """TLS Certificate bodies (or those of another handshake type) of one direction's TCP
    segments [(seq, payload)]: the stream in sequence order (first copy of each sequence
    number), its handshake records' bodies joined, the messages of that type; for
    certificates, each certificate's DER too."""
    seen, stream = set(), b""
    for seq, pl in sorted(segs):
        if seq not in seen:
            seen.add(seq)
            stream += pl
    hs, o = b"", 0
    while o + 5 <= len(stream) and tls_start(stream[o:]):
        n = struct.unpack(">H", stream[o + 3:o + 5])[0]
        if stream[o] == 22:
            hs += stream[o + 5:o + 5 + n]
        o += 5 + n
    out, o = [], 0
    while o + 4 <= len(hs):
        n = int.from_bytes(hs[o + 1:o + 4], "big")
        if hs[o] == msg_type and o + 4 + n <= len(hs):
            body = hs[o + 4:o + 4 + n]
            out.append(body)
            c = 3
            while msg_type == 11 and c + 3 <= len(body):
                m = int.from_bytes(body[c:c + 3], "big")
                out.append(body[c + 3:c + 3 + m])
                c += 3 + m
        o += 4 + n
    return out


def main():
    src, dst = sys.argv[1], sys.argv[2]
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else 3000
    names = ["app_dns", "app_http", "app_tls", "app_dhcp", "app_ntp", "app_ssh", "app_dispatch",
             "dissect_app", "app_quic", "app_vnc"] + NEW_TARGETS
    per = {n: [] for n in names}  # per target: list (per capture) of lists of seeds
    for fname in sorted(os.listdir(src)):
        _, pkts = packets(os.path.join(src, fname))
        got = {n: [] for n in names}
        convs = {}
        tftp = set()
        tls_dirs = {}
        for lt, p in pkts:
            r = l4(lt, p)
            if r is None:
                continue
            proto, s, d, sp, dp, flags, pl = r
            if pl:
                got["app_dispatch"].append(struct.pack(">HH", sp, dp) + pl)
            if pl:
                by_port(proto, sp, dp, pl, got, tftp)
            if proto == 17 and pl:
                if ports(sp, dp, 53, 5353, 5355):
                    got["app_dns"].append(pl)
                if ports(sp, dp, 67, 68):
                    got["app_dhcp"].append(pl)
                if ports(sp, dp, 123):
                    got["app_ntp"].append(pl)
                if ports(sp, dp, 1900):
                    got["app_http"].append(pl)
                if pl[0] & 0x80 and len(pl) >= 7:
                    got["app_quic"].append(b"\0" + pl)  # a long header: mode 0 (parse)
            if proto == 6 and pl and len(tls_dirs) < 4096:
                # The raw TCP sequence number, for putting TLS streams in order.
                seq = tcp_seq(lt, p)
                if seq is not None:
                    tls_dirs.setdefault((s, sp, d, dp), []).append((seq, pl))
            if proto == 6 and pl:
                if ports(sp, dp, 53):
                    got["app_dns"].append(pl)
                    if len(pl) > 2:
                        got["app_dns"].append(pl[2:])
                if pl.startswith(HTTP_START):
                    got["app_http"].append(pl)
                if tls_start(pl):
                    got["app_tls"].append(pl)
                    if pl[0] == 22 and len(pl) > 9:
                        got["app_tls"].append(pl[5:])  # the handshake protocol body
                        got["app_tls"].append(pl[9:])  # the first message's body (a hello)
                if ports(sp, dp, 22):
                    got["app_ssh"].append(pl)
            # Conversations.
            key = (proto,) + tuple(sorted([(s, sp), (d, dp)]))
            c = convs.get(key)
            if c is None:
                if proto == 6 and not pl and not flags & 2:
                    continue
                c = convs[key] = {"client": (s, sp), "v6": len(s) == 16, "proto": proto,
                                  "cport": sp, "sport": dp, "segs": []}
            if len(c["segs"]) >= CONV_PKTS or (proto == 6 and not pl and not flags & 7):
                continue
            server = (s, sp) != c["client"]
            ctl = (0x80 if server else 0) | flags
            c["segs"].append(bytes([ctl, 0]) + pl)
            if pl:
                c.setdefault("rfb", []).append(bytes([1 if server else 0]) + pl)
        for segs in tls_dirs.values():
            if any(tls_start(pl) and pl[0] == 22 for _, pl in segs[:8]):
                got["app_x509"].extend(certificates(segs))
                got["app_ocsp"].extend(certificates(segs, 22))
        for c in convs.values():
            hdr = bytes([(1 if c["proto"] == 17 else 0) | (2 if c["v6"] else 0)])
            hdr += struct.pack(">HH", c["cport"], c["sport"])
            got["dissect_app"].append(hdr + MARKER.join(c["segs"]))
            rfb = c.get("rfb", [])
            if any(x[1:].startswith(b"RFB 00") for x in rfb[:2]):
                got["app_vnc"].append(b"\xffRFB".join(rfb))
        for n in names:
            if got[n]:
                per[n].append(list(dict.fromkeys(got[n])))
    quic_dir = os.path.join(dst, "flow_classify")
    os.makedirs(quic_dir, exist_ok=True)
    for q in quic_seeds():
        with open(os.path.join(quic_dir, hashlib.sha1(q).hexdigest()), "wb") as f:
            f.write(q)
    # app_quic round trips (mode bit 0): DCID length 8, no token, the RFC's DCID, packet
    # number 2, its frames; v1 / v2, client / server keys, 1- and 4-byte packet numbers.
    os.makedirs(os.path.join(dst, "app_quic"), exist_ok=True)
    for mode in (0x07, 0x01, 0x0F, 0x17, 0x1F):
        q = bytes([mode, 8, 0]) + bytes.fromhex("8394c8f03e515708") + b"\0\0\0\2" + RFC9001_FRAMES
        with open(os.path.join(dst, "app_quic", hashlib.sha1(q).hexdigest()), "wb") as f:
            f.write(q)
    for n in names:
        outdirs = [os.path.join(dst, n)]
        if n == "dissect_app":
            outdirs.append(os.path.join(dst, "flow_classify"))
        for d in outdirs:
            os.makedirs(d, exist_ok=True)
        lists, count, i, seen = per[n], 0, 0, set()
        while count < limit and any(i < len(u) for u in lists):
            for u in lists:
                if i < len(u) and count < limit:
                    s = u[i][:65536]
                    h = hashlib.sha1(s).hexdigest()
                    if h in seen:
                        continue
                    seen.add(h)
                    for d in outdirs:
                        with open(os.path.join(d, h), "wb") as f:
                            f.write(s)
                    count += 1
            i += 1
        print(f"{n}: {count} seeds from {len(lists)} captures"
              + (" (also flow_classify)" if n == "dissect_app" else ""))


if __name__ == "__main__":
    main()
