#!/usr/bin/env python3
"""Seeds for the text fuzz targets, taken from the project's own sources and tests:
capture filters (string literals that read like pcap-filter expressions) into
corpus/capture_filter, craft specs (literals with a `Layer(` call) into corpus/craft_spec.
Run from the repository root: python3 fuzz/tools/text_seeds.py"""
import glob
import hashlib
import os
import re

LITERAL = re.compile(r'"((?:[^"\\]|\\.){1,300})"')


def literals(paths):
    for p in paths:
        yield from LITERAL.findall(open(p, encoding="utf-8").read())


def save(folder, texts):
    os.makedirs(folder, exist_ok=True)
    n = 0
    for t in sorted(set(texts)):
        name = hashlib.sha1(t.encode()).hexdigest()[:16]
        with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
            f.write(t)
        n += 1
    print(f"{folder}: {n} seeds")


bpf_sources = glob.glob("crates/strata-capture/src/bpf*.rs") + glob.glob(
    "crates/strata-capture/src/bpf/*.rs") + glob.glob("crates/*/tests/*.rs")
words = re.compile(r"\b(host|port|tcp|udp|ip6?|net|ether|vlan|icmp6?|arp|len|src|dst|proto|"
                   r"portrange|greater|less)\b")
save("fuzz/corpus/capture_filter",
     [t for t in literals(bpf_sources) if words.search(t) and "{" not in t])

craft_sources = glob.glob("crates/strata-craft/**/*.rs", recursive=True)
call = re.compile(r"[A-Z][A-Za-z0-9]*\(")
save("fuzz/corpus/craft_spec",
     [t.replace('\\"', '"') for t in literals(craft_sources) if call.search(t)])
