#!/usr/bin/env python3
"""Build the benchmark inputs of BENCHMARKS.md into lab/out/ (not committed).

  replay10.pcap  NFStream's Ethernet test captures (../shared/corpus/nfstream/tests/pcaps),
                 replayed ten times in time order: each capture's packets are shifted so the
                 whole sequence is monotonic, one capture after the other, ten rounds (≈1M
                 packets, the input of NFStream's own PERF.md).
  udp250k.pcap   250,000 concurrent UDP flows of 4 packets each (1M packets): every flow sends
                 its 4 packets interleaved with all others, so all 250k are active at once.

Pure Python, standard library only: reads and writes classic pcap (micro/nanosecond, both
byte orders in; microsecond little-endian out). pcapng inputs go through `editcap -F pcap`.
"""
import os, struct, sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "lab", "out")
PCAPS = os.path.join(HERE, "..", "..", "shared", "corpus", "nfstream", "tests", "pcaps")


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return None, []
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        return None, []
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    link = struct.unpack(e + "I", data[20:24])[0] & 0x0FFFFFFF
    off, pkts = 24, []
    while off + 16 <= len(data):
        s, us, incl, orig = struct.unpack(e + "IIII", data[off:off + 16])
        off += 16
        if incl > 262144 or off + incl > len(data):
            break
        t = s * 1_000_000 + (us // 1000 if nano else us)
        pkts.append((t, data[off:off + incl], orig))
        off += incl
    return link, pkts


def write_pcap(path, packets):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        for t, frame, orig in packets:
            f.write(struct.pack("<IIII", t // 1_000_000, t % 1_000_000, len(frame), orig))
            f.write(frame)


def replay10():
    caps = []
    import subprocess, tempfile
    tmp = tempfile.mkdtemp()
    for name in sorted(os.listdir(PCAPS)):
        path = os.path.join(PCAPS, name)
        link, pkts = read_pcap(path)
        if link is None:
            # pcapng: converted to pcap by editcap (Wireshark's), when it is installed.
            conv = os.path.join(tmp, name + ".pcap")
            if subprocess.run(["editcap", "-F", "pcap", path, conv], capture_output=True).returncode == 0:
                link, pkts = read_pcap(conv)
                os.remove(conv)
        if link == 1 and pkts:
            caps.append(pkts)
    out, clock = [], 1_700_000_000_000_000
    for _ in range(10):
        for pkts in caps:
            last, prev = clock, pkts[0][0]
            for t, frame, orig in pkts:
                # Keep each capture's own spacing, never going back in time; gaps above 60 s
                # (fuzzed timestamps) are cut to 60 s.
                last += min(max(t - prev, 0), 60_000_000)
                prev = t
                out.append((last, frame, orig & 0xFFFFFFFF))
            # Two idle timeouts between captures, so flows never merge across captures.
            clock = last + 300_000_000
    write_pcap(os.path.join(OUT, "replay10.pcap"), out)
    return len(out)


def udp1flow():
    """The control for udp250k: the same 1M packets of the same size, all in one flow, so
    (peak RSS of udp250k - peak RSS of udp1flow) / 250,000 is the memory per active flow."""
    return udp250k(flows=1, per_flow=1_000_000, name="udp1flow.pcap")


def udp250k(flows=250_000, per_flow=4, name="udp250k.pcap"):
    eth = bytes.fromhex("020000000002" "020000000001" "0800")
    out = []
    t = 1_700_000_000_000_000
    for k in range(per_flow):
        for i in range(flows):
            src = bytes([10, (i >> 16) & 0xFF, (i >> 8) & 0xFF, i & 0xFF])
            dst = bytes([198, 18, 0, 1])
            payload = b"x" * 32
            udp = struct.pack(">HHHH", 10000 + (i % 50000), 53, 8 + len(payload), 0) + payload
            ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i & 0xFFFF, 0, 64, 17, 0, src, dst)
            frame = eth + ip + udp
            out.append((t, frame, len(frame)))
            t += 1
    write_pcap(os.path.join(OUT, name), out)
    return len(out)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    what = sys.argv[1:] or ["replay10", "udp250k", "udp1flow"]
    for w in what:
        n = {"replay10": replay10, "udp250k": udp250k, "udp1flow": udp1flow}[w]()
        print("%s: %d packets" % (w, n))
