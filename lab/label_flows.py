#!/usr/bin/env python3
"""Turn a capture plus the lab's action log into a per-flow label table.

Usage: label_flows.py ACTIONS.tsv CAPTURE.pcap NAME [--header]

ACTIONS.tsv is written by make-captures.sh, one rule per line:
    t0 t1 label tool proto client_ips server_ips server_ports note
  t0/t1        epoch seconds of the window in which the tool ran
  proto        tcp | udp | icmp (echo, v4 or v6) | any
  client_ips   comma list of the initiating host's addresses, or *
  server_ips   comma list of the responding host's addresses, or *
  server_ports comma list / a-b ranges of the server's port, or *

Each flow found in CAPTURE is given the label of the rule whose window
contains the flow's first packet and whose endpoints match (if several do, the
one that started last; on a tie, the first listed) (for proto "any"
the orientation may be reversed, so ICMP errors and RSTs of a scan count too).
ARP, NDP, MLD and IGMP are labelled background/*; whatever else is left is
"unlabelled". One TSV line per flow goes to stdout.

Flows: TCP/UDP by bidirectional 5-tuple (a new SYN after FIN/RST starts a new
flow); ICMP/ICMPv6 echo by address pair + echo id; other ICMP by address pair +
type; ARP by address pair. IP fragments are joined to the flow of their first
fragment. Only pcap (not pcapng) with Ethernet link type is read; that is what
the lab's tcpdump writes.
"""
import ipaddress
import struct
import sys

SLACK = 0.5  # seconds after a rule's end during which a flow may still start

NDP_TYPES = {133, 134, 135, 136, 137}
MLD_TYPES = {130, 131, 132, 143}
ICMP4_ERR = {3, 4, 5, 11, 12}
ICMP6_ERR = {1, 2, 3, 4}


def ip4(b):
    return str(ipaddress.IPv4Address(b))


def ip6(b):
    return str(ipaddress.IPv6Address(b))


def read_pcap(path):
    with open(path, "rb") as f:
        hdr = f.read(24)
        if len(hdr) < 24:
            return
        magic = hdr[:4]
        if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
            e = "<"
        elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
            e = ">"
        else:
            sys.exit(f"{path}: not a pcap file (pcapng is not supported here)")
        nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
        linktype = struct.unpack(e + "I", hdr[20:24])[0] & 0x0FFFFFFF
        if linktype != 1:
            sys.exit(f"{path}: link type {linktype}, expected Ethernet (1)")
        div = 1e9 if nano else 1e6
        rec = struct.Struct(e + "IIII")
        while True:
            h = f.read(16)
            if len(h) < 16:
                return
            sec, frac, incl, orig = rec.unpack(h)
            data = f.read(incl)
            if len(data) < incl:
                return
            yield sec + frac / div, orig, data


def parse(pkt):
    """Return (kind, info) for one Ethernet frame.

    kind: 'l4' with info (ipver, proto, src, dst, sport, dport, flags)
          'frag' with info (ipver, proto, src, dst, fragid)  (non-first fragment)
          'arp' with (spa, tpa)
          'icmp' with (ipver, src, dst, type, code, echo_id)
          'igmp' / 'other' with a string
    """
    off = 12
    et = struct.unpack_from("!H", pkt, off)[0]
    off += 2
    while et in (0x8100, 0x88A8) and len(pkt) >= off + 4:
        et = struct.unpack_from("!H", pkt, off + 2)[0]
        off += 4
    if et == 0x0806:
        if len(pkt) < off + 28:
            return "other", "arp-short"
        return "arp", (ip4(pkt[off + 14:off + 18]), ip4(pkt[off + 24:off + 28]))
    if et == 0x0800:
        if len(pkt) < off + 20:
            return "other", "ipv4-short"
        ihl = (pkt[off] & 0x0F) * 4
        proto = pkt[off + 9]
        ipid = struct.unpack_from("!H", pkt, off + 4)[0]
        fo = struct.unpack_from("!H", pkt, off + 6)[0]
        src, dst = ip4(pkt[off + 12:off + 16]), ip4(pkt[off + 16:off + 20])
        if fo & 0x1FFF:
            return "frag", (4, proto, src, dst, ipid)
        first_frag = (4, proto, src, dst, ipid) if fo & 0x2000 else None
        return l4(4, proto, src, dst, pkt, off + ihl, first_frag)
    if et == 0x86DD:
        if len(pkt) < off + 40:
            return "other", "ipv6-short"
        nh = pkt[off + 6]
        src, dst = ip6(pkt[off + 8:off + 24]), ip6(pkt[off + 24:off + 40])
        p = off + 40
        first_frag = None
        while nh in (0, 43, 44, 60) and len(pkt) >= p + 8:
            if nh == 44:
                fo = struct.unpack_from("!H", pkt, p + 2)[0]
                fid = struct.unpack_from("!I", pkt, p + 4)[0]
                nxt = pkt[p]
                if fo & 0xFFF8:
                    return "frag", (6, nxt, src, dst, fid)
                first_frag = (6, nxt, src, dst, fid)
                nh, p = nxt, p + 8
            else:
                nh, p = pkt[p], p + (pkt[p + 1] + 1) * 8
        return l4(6, nh, src, dst, pkt, p, first_frag)
    return "other", f"ethertype-0x{et:04x}"


def l4(ver, proto, src, dst, pkt, p, first_frag):
    if proto in (6, 17) and len(pkt) >= p + 4:
        sport, dport = struct.unpack_from("!HH", pkt, p)
        flags = pkt[p + 13] if proto == 6 and len(pkt) >= p + 14 else 0
        return "l4", (ver, proto, src, dst, sport, dport, flags, first_frag)
    if (ver == 4 and proto == 1) or (ver == 6 and proto == 58):
        if len(pkt) < p + 2:
            return "other", "icmp-short"
        t, c = pkt[p], pkt[p + 1]
        echo = (t in (0, 8)) if ver == 4 else (t in (128, 129))
        eid = struct.unpack_from("!H", pkt, p + 4)[0] if echo and len(pkt) >= p + 6 else None
        return "icmp", (ver, src, dst, t, c, eid, first_frag)
    if ver == 4 and proto == 2:
        return "igmp", (src, dst)
    return "l4", (ver, proto, src, dst, 0, 0, 0, first_frag)


def port_match(spec, port):
    if spec == "*":
        return True
    if port is None:
        return False
    for part in spec.split(","):
        if "-" in part:
            a, b = part.split("-")
            if int(a) <= port <= int(b):
                return True
        elif part and int(part) == port:
            return True
    return False


def ip_match(spec, ip):
    return spec == "*" or ip in spec.split(",")


class Flow:
    __slots__ = ("n", "first", "last", "ver", "l4", "cip", "cport", "sip", "sport",
                 "pkts", "bytes", "closed", "bg", "echo")

    def __init__(self, n, ts, ver, l4name, cip, cport, sip, sport, bg=None, echo=False):
        self.n, self.first, self.last = n, ts, ts
        self.ver, self.l4 = ver, l4name
        self.cip, self.cport, self.sip, self.sport = cip, cport, sip, sport
        self.pkts = self.bytes = 0
        self.closed = False
        self.bg = bg
        self.echo = echo


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 3:
        sys.exit(__doc__)
    actions, capture, name = args
    rules = []
    with open(actions) as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            r = line.rstrip("\n").split("\t")
            rules.append((float(r[0]), float(r[1])) + tuple(r[2:9]))

    flows = {}      # key -> current Flow
    order = []      # all flows in order of first packet
    frags = {}      # fragment id key -> flow
    names = {6: "tcp", 17: "udp", 132: "sctp"}

    def get(key, ts, make):
        fl = flows.get(key)
        if fl is None:
            fl = make()
            flows[key] = fl
            order.append(fl)
        return fl

    for ts, orig, pkt in read_pcap(capture):
        if len(pkt) < 14:
            continue
        kind, info = parse(pkt)
        fl = None
        if kind == "l4":
            ver, proto, src, dst, sp, dp, flags, ff = info
            a, b = (src, sp), (dst, dp)
            key = ("l4", ver, proto) + (min(a, b), max(a, b))
            fl = flows.get(key)
            syn_only = proto == 6 and flags & 0x12 == 0x02
            if fl is not None and fl.closed and syn_only:
                fl = None
            if fl is None:
                # initiator: sender of the first packet, unless it is a SYN-ACK
                if proto == 6 and flags & 0x12 == 0x12:
                    c, s = b, a
                else:
                    c, s = a, b
                fl = Flow(len(order) + 1, ts, ver, names.get(proto, f"ip-proto-{proto}"),
                          c[0], c[1], s[0], s[1])
                flows[key] = fl
                order.append(fl)
            if proto == 6 and flags & 0x05:  # FIN or RST
                fl.closed = True
            if ff:
                frags[ff] = fl
        elif kind == "frag":
            fl = frags.get(info)
            if fl is None:
                ver, proto, src, dst, _ = info
                fl = get(("frag",) + info, ts, lambda: Flow(
                    len(order) + 1, ts, ver, f"ip-proto-{proto}-fragment", src, None, dst, None))
        elif kind == "icmp":
            ver, src, dst, t, c, eid, ff = info
            l4n = "icmp" if ver == 4 else "icmpv6"
            if eid is not None:
                key = ("echo", ver, min(src, dst), max(src, dst), eid)
                req = t in (8, 128)
                fl = get(key, ts, lambda: Flow(len(order) + 1, ts, ver, l4n,
                                               src if req else dst, None,
                                               dst if req else src, None, echo=True))
            else:
                bg = None
                if ver == 6 and t in NDP_TYPES:
                    bg = "background/ndp"
                elif ver == 6 and t in MLD_TYPES:
                    bg = "background/mld"
                key = ("icmp", ver, src, dst, t)
                fl = get(key, ts, lambda: Flow(len(order) + 1, ts, ver, f"{l4n}-type-{t}",
                                               src, None, dst, None, bg=bg))
            if ff:
                frags[ff] = fl
        elif kind == "arp":
            spa, tpa = info
            key = ("arp", min(spa, tpa), max(spa, tpa))
            fl = get(key, ts, lambda: Flow(len(order) + 1, ts, 0, "arp", spa, None, tpa, None,
                                           bg="background/arp"))
        elif kind == "igmp":
            src, dst = info
            fl = get(("igmp", src, dst), ts, lambda: Flow(len(order) + 1, ts, 4, "igmp",
                                                          src, None, dst, None,
                                                          bg="background/igmp"))
        else:
            fl = get(("other", info), ts, lambda: Flow(len(order) + 1, ts, 0, info,
                                                       "", None, "", None,
                                                       bg="background/other"))
        fl.last = ts
        fl.pkts += 1
        fl.bytes += orig

    out = sys.stdout
    if "--header" in sys.argv:
        out.write("capture\tflow\tfirst_ts\tlast_ts\tip\tl4\tclient_ip\tclient_port\t"
                  "server_ip\tserver_port\tpackets\tbytes\tlabel\ttool\tnote\n")
    counts = {}
    for fl in order:
        label, tool, note = "unlabelled", "-", "-"
        if fl.bg:
            label, tool, note = fl.bg, "kernel", "-"
        else:
            best = None
            for t0, t1, rl, rtool, rproto, rc, rs, rp, rnote in rules:
                if not (t0 - 0.05 <= fl.first <= t1 + SLACK):
                    continue
                if rproto == "icmp":
                    if not fl.echo:
                        continue
                elif rproto != "any" and rproto != fl.l4:
                    continue
                fwd = ip_match(rc, fl.cip) and ip_match(rs, fl.sip) and port_match(rp, fl.sport)
                rev = rproto == "any" and ip_match(rc, fl.sip) and ip_match(rs, fl.cip) and \
                    port_match(rp, fl.cport)
                if rproto == "any" and rp != "*" and fl.sport is None and not fl.echo:
                    # ICMP error or fragment: no ports to check, endpoints suffice
                    fwd = fwd or (ip_match(rc, fl.cip) and ip_match(rs, fl.sip))
                    rev = rev or (ip_match(rc, fl.sip) and ip_match(rs, fl.cip))
                # several rules may match (a window plus its slack overlaps the
                # next action): the one that started last before the flow wins
                if (fwd or rev) and (best is None or t0 > best[0]):
                    best = (t0, rl, rtool, rnote)
            if best:
                _, label, tool, note = best
        counts[label] = counts.get(label, 0) + 1
        ipv = {4: "ipv4", 6: "ipv6"}.get(fl.ver, "-")
        out.write("\t".join(str(x) for x in (
            name, fl.n, f"{fl.first:.6f}", f"{fl.last:.6f}", ipv, fl.l4,
            fl.cip or "-", "-" if fl.cport is None else fl.cport,
            fl.sip or "-", "-" if fl.sport is None else fl.sport,
            fl.pkts, fl.bytes, label, tool, note)) + "\n")
    summary = ", ".join(f"{k}={v}" for k, v in sorted(counts.items()))
    print(f"{name}: {len(order)} flows: {summary}", file=sys.stderr)


if __name__ == "__main__":
    main()
