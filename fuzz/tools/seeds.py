#!/usr/bin/env python3
"""Seed corpora for the fuzz targets from a directory of capture files.

    python3 fuzz/tools/seeds.py /work/shared/corpus/pcap fuzz/corpus [MAX_DECODER_SEEDS]

Writes (all under fuzz/corpus/, which is gitignored):
  decoder/    one file per distinct packet: a link-type index byte (see LINKS, which must stay
              in the order of fuzz_targets/common.rs) then the packet bytes; round-robin over
              the capture files so every file and link type is represented.
  fragments/  per capture, runs of IPv4/IPv6 fragments (each packet prefixed like decoder/,
              joined with the marker b"FRAG"), plus a few runs of consecutive packets.
  pcap_reader/, pcapng_reader/  copies of the capture files of that format.

Best-effort parser (classic pcap in all byte orders / nanosecond / Kuznetzov variants, and
pcapng EPB/SPB/OPB); a file it cannot read is skipped.
"""
import hashlib
import os
import shutil
import struct
import sys

LINKS = [0, 1, 9, 12, 14, 50, 51, 101, 104, 105, 107, 108, 113, 127, 192, 226, 228, 229, 239,
         276, 147]
UNKNOWN = len(LINKS) - 1
MARKER = b"FRAG"


def link_index(lt):
    return LINKS.index(lt) if lt in LINKS else UNKNOWN


def read_pcap(b):
    magic = b[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1", b"\x34\xcd\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d", b"\xa1\xb2\xcd\x34"):
        e = ">"
    else:
        return
    kuz = magic in (b"\x34\xcd\xb2\xa1", b"\xa1\xb2\xcd\x34")
    lt = struct.unpack(e + "I", b[20:24])[0] & 0x0FFFFFFF
    off = 24
    rec = 24 if kuz else 16
    while off + rec <= len(b):
        incl = struct.unpack(e + "I", b[off + 8:off + 12])[0]
        off += rec
        if incl > 262144 or off + incl > len(b):
            return
        yield lt, b[off:off + incl]
        off += incl


def read_pcapng(b):
    off = 0
    e = "<"
    ifaces = []
    while off + 12 <= len(b):
        btype = struct.unpack(e + "I", b[off:off + 4])[0]
        if btype == 0x0A0D0D0A:
            bom = b[off + 8:off + 12]
            e = "<" if bom == b"\x4d\x3c\x2b\x1a" else ">"
            ifaces = []
        blen = struct.unpack(e + "I", b[off + 4:off + 8])[0]
        if blen < 12 or off + blen > len(b):
            return
        body = b[off + 8:off + blen - 4]
        if btype == 1 and len(body) >= 8:
            ifaces.append(struct.unpack(e + "H", body[:2])[0])
        elif btype == 6 and len(body) >= 20:
            iid, _, _, cap, _ = struct.unpack(e + "IIIII", body[:20])
            if iid < len(ifaces):
                yield ifaces[iid], body[20:20 + cap]
        elif btype == 3 and len(body) >= 4 and ifaces:
            orig = struct.unpack(e + "I", body[:4])[0]
            yield ifaces[0], body[4:4 + orig]
        elif btype == 2 and len(body) >= 20:
            iid, _, _, _, cap, _ = struct.unpack(e + "HHIIII", body[:20])
            if iid < len(ifaces):
                yield ifaces[iid], body[20:20 + cap]
        off += blen


def packets(path):
    with open(path, "rb") as f:
        b = f.read()
    try:
        if b[:4] == b"\x0a\x0d\x0d\x0a":
            return "pcapng", list(read_pcapng(b))
        return "pcap", list(read_pcap(b))
    except (struct.error, IndexError):
        return None, []


def l3_offset(lt, p):
    """Where the IP header starts for the common link types (None if unknown)."""
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
        return 16
    if lt == 276:
        return 20
    return None


def is_fragment(lt, p):
    o = l3_offset(lt, p)
    if o is None or len(p) < o + 40:
        return False
    v = p[o] >> 4
    if v == 4:
        fo = struct.unpack(">H", p[o + 6:o + 8])[0]
        return (fo & 0x3FFF) != 0
    if v == 6:
        return p[o + 6] == 44
    return False


def synthetic_fragments():
    """Raw-IP (LINKTYPE_RAW) IPv4 and IPv6 fragment trains of a UDP datagram: in order,
    reversed, overlapping, and with a duplicate, so reassembly has something to start from."""
    raw = bytes([LINKS.index(101)])
    payload = struct.pack(">HHHH", 5353, 53, 8 + 64, 0) + bytes(range(64))

    def v4(off, mf, chunk, ident=0x1234):
        fo = (off // 8) | (0x2000 if mf else 0)
        h = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(chunk), ident, fo, 64, 17, 0,
                        bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
        return raw + h + chunk

    def v6(off, mf, chunk, ident=0xabcdef):
        fh = struct.pack(">BBHI", 17, 0, off | (1 if mf else 0), ident)
        h = struct.pack(">IHBB16s16s", 0x60000000, 8 + len(chunk), 44, 64,
                        b"\xfe\x80" + bytes(13) + b"\x01", b"\xfe\x80" + bytes(13) + b"\x02")
        return raw + h + fh + chunk

    out = []
    for mk in (v4, v6):
        parts = [mk(o, o + 24 < len(payload), payload[o:o + 24]) for o in range(0, len(payload), 24)]
        out.append(parts)
        out.append(parts[::-1])
        out.append(parts[:1] + parts)
        out.append([mk(0, True, payload[:32]), mk(16, True, payload[16:48]), mk(40, False, payload[40:])])
    return [MARKER.join(x) for x in out]


def write(dirpath, data):
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(dirpath, name), "wb") as f:
        f.write(data)


def main():
    src, dst = sys.argv[1], sys.argv[2]
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else 4000
    dirs = {k: os.path.join(dst, k) for k in ("decoder", "fragments", "pcap_reader", "pcapng_reader")}
    for d in dirs.values():
        os.makedirs(d, exist_ok=True)
    per_file = []
    nfrag = 0
    for name in sorted(os.listdir(src)):
        path = os.path.join(src, name)
        kind, pkts = packets(path)
        if kind is None:
            continue
        shutil.copy(path, os.path.join(dirs[kind + "_reader"], name))
        seen, uniq = set(), []
        for lt, p in pkts:
            s = bytes([link_index(lt)]) + p
            if s not in seen:
                seen.add(s)
                uniq.append(s)
        per_file.append(uniq)
        # Fragment runs: every fragment of the file in order, in chunks of up to 64.
        frags = [bytes([link_index(lt)]) + p for lt, p in pkts if is_fragment(lt, p)]
        for i in range(0, len(frags), 64):
            write(dirs["fragments"], MARKER.join(frags[i:i + 64]))
            nfrag += 1
        # And the file's first 16 packets as one sequence.
        if pkts:
            write(dirs["fragments"], MARKER.join(bytes([link_index(lt)]) + p for lt, p in pkts[:16]))
    for seed in synthetic_fragments():
        write(dirs["fragments"], seed)
        nfrag += 1
    n, i = 0, 0
    while n < limit and any(i < len(u) for u in per_file):
        for u in per_file:
            if i < len(u) and n < limit:
                write(dirs["decoder"], u[i])
                n += 1
        i += 1
    print(f"decoder: {n} seeds; fragments: {nfrag} fragment runs + per-file sequences; "
          f"{len(per_file)} capture files copied")


if __name__ == "__main__":
    main()
