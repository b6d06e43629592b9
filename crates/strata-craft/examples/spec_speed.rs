//! Times `craft_spec` (parse + build) and `parse_spec` alone on a few specs, for profiling the
//! spec path with `perf` without building the whole CLI:
//! `cargo run --release -p strata-craft --example spec_speed -- [ITERATIONS]`.

use std::time::Instant;

/// A mix of layers, field kinds (addresses, enums, flags, lists, nested calls, bytes) and an
/// expansion, so no single code path dominates the figure.
const SPECS: &[&str] = &[
    "Ether(dst='02:00:00:00:00:02',src='02:00:00:00:00:01')/IP(src='198.18.0.1',dst='198.18.0.2')/TCP(sport=40000,dport=80,flags='S',options=[('MSS',1460),('NOP',None),('WScale',7)])",
    "IP(src='198.18.0.1',dst='198.18.0.2')/UDP(sport=5353,dport=53)/DNS(rd=1,qd=DNSQR(qname='www.example.com',qtype='AAAA'))",
    "Ether(dst='02:00:00:00:00:02',src='02:00:00:00:00:01')/IPv6(src='2001:db8::1',dst='2001:db8::2')/ICMPv6EchoRequest(id=7,seq=1,data=b'0123456789abcdef')",
    "Ether(dst='ff:ff:ff:ff:ff:ff',src='02:00:00:00:00:01')/ARP(hwsrc='02:00:00:00:00:01',psrc='198.18.0.1',pdst='198.18.0.2')",
    "Ether()/IP(dst='198.18.0.2', ttl=64, flags='DF')/TCP(dport=80, flags='S')",
    "IP(src='198.18.0.1', dst='198.18.0.2')/UDP(sport=40000, dport=40001)/('A'*10 + 'B')",
    "IPv6(dst='2001:db8::2')/IPv6ExtHdrHopByHop()/ICMPv6ND_NS(tgt='2001:db8::3')/ICMPv6NDOptSrcLLAddr(lladdr='02:00:00:00:00:01')",
    "IP(dst='198.18.0.2')/TCP(dport=[22,80,443], sport=0x1f90)",
];

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20_000);
    // An optional second argument keeps only the first N specs (the first 4 are `strata bench
    // craft`'s).
    let first: usize = std::env::args()
        .nth(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(SPECS.len());
    let specs = &SPECS[..first.min(SPECS.len())];
    for (name, only_parse) in [("craft_spec", false), ("parse_spec", true)] {
        let t = Instant::now();
        let mut sink = 0usize;
        for spec in specs {
            for _ in 0..n {
                sink += if only_parse {
                    strata_craft::parse_spec(spec).expect("spec").len()
                } else {
                    let pkts = strata_craft::craft_spec(spec).expect("spec");
                    pkts.iter().map(Vec::len).sum()
                };
            }
        }
        let s = t.elapsed().as_secs_f64();
        let total = n * specs.len() as u64;
        println!(
            "{name:<11} {:>10.0} specs/s  {:>7.2} µs/spec",
            total as f64 / s,
            s * 1e6 / total as f64
        );
        std::hint::black_box(sink);
    }
}
