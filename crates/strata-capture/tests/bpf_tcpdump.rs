//! The filter compiler + interpreter against the reference: for real captures and many
//! filters, the packets `bpf::run` accepts must be exactly the packets `tcpdump -r FILE -w -
//! FILTER` writes out (same bytes, same order).
//!
//! Needs tcpdump and ../shared/corpus. Without them the test prints SKIPPED, or fails if `CI`
//! is set.

use std::path::{Path, PathBuf};
use std::process::Command;

use strata_capture::{bpf, LinkType};

/// Filters valid on every link type we support (Ethernet-only ones are added below).
const FILTERS: &[&str] = &[
    "ip",
    "ip6",
    "arp",
    "tcp",
    "udp",
    "icmp",
    "icmp6",
    "sctp",
    "tcp port 80",
    "port 53",
    "port 53 or 80",
    "udp port domain",
    "src port 80",
    "dst port 80 or dst port 443",
    "portrange 1-1024",
    "tcp dst portrange 1024-65535",
    "src or dst port 443",
    "net 10.0.0.0/8",
    "net 192.168",
    "src net 172.16.0.0/12",
    "dst net 192.168.0.0 mask 255.255.0.0",
    "not net 10.0.0.0/8 and ip",
    "ip6 net fe80::/10",
    "ip6 multicast",
    "ip multicast",
    "ip broadcast",
    "tcp[13] & 2 != 0",
    "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn",
    "tcp[tcpflags] & tcp-rst != 0 || tcp[tcpflags] & tcp-fin != 0",
    "icmp[icmptype] == icmp-echo or icmp[icmptype] = icmp-echoreply",
    "icmp6[icmp6type] == icmp6-neighborsolicit",
    "less 100",
    "greater 1000",
    "len - 14 > 500",
    "ip[8] < 64",
    "ip proto 17",
    "ip proto \\tcp",
    "proto 6",
    "ip6 proto 58",
    "(tcp or udp) and not port 443",
    "! ip and ! ip6",
    "ip[2:2] > 576 && udp",
    "udp[8:2] = 0",
    "udp[4:2] - 8 > 100",
    "ip[6:2] & 0x1fff != 0",
    "ip[6] & 0x20 != 0",
    "tcp and (src port 80 or dst port 80) and ip[2:2] - ((ip[0]&0xf)<<2) - ((tcp[12]&0xf0)>>2) != 0",
    "ip and ip[0] & 0xf > 5",
    "tcp[0:2] > 1023 and tcp[2:2] < 1024",
    "not (port 80 or port 443 or port 53)",
];

const ETHERNET_FILTERS: &[&str] = &[
    "ether broadcast",
    "ether multicast",
    "multicast",
    "broadcast or arp",
    "ether proto 0x0806",
    "ether proto \\ip6",
    "vlan",
    "vlan and tcp",
    "vlan and (port 53 or icmp)",
    "ether[0] & 1 = 0 && ip[2:2] > 576",
    "ether[12:2] = 0x800",
    "rarp",
];

/// (file, link type) pairs used; the file set covers Ethernet, VLAN, IPv6, fragments, SCTP,
/// Linux cooked and raw IP.
const FILES: &[&str] = &[
    "chrissanders-packets__tcp_handshake.pcapng",
    "chrissanders-packets__http_ip4and6.pcapng",
    "chrissanders-packets__dns_axfr.pcapng",
    "chrissanders-packets__arppoison.pcapng",
    "chrissanders-packets__icmp_traceroute.pcapng",
    "chrissanders-packets__ip_frag_source.pcapng",
    "chrissanders-packets__ipv6_fragments.pcapng",
    "chrissanders-packets__dhcp6_outlease_acquisition.pcapng",
    "chrissanders-packets__tcp_ports.pcapng",
    "chrissanders-packets__sessionhijacking.pcapng",
    "chrissanders-packets__http_espn.pcapng",
    "suricata-verify__detect-vlan-id_input.pcap",
    "suricata-verify__eve-flow-vlan_input.pcap",
    "suricata-verify__arp_detect-arp-03-vlan_input.pcap",
    "ndpi__sctp.cap",
    "ndpi__dns_fragmented.pcap",
    "ndpi__rtsp.pcap",
    "tcpdump__mptcp-v1.pcap",
    "scapy__pfcp.pcap",
    "tcpdump__LINKTYPE_RAW_ipv6.pcap",
    "suricata-verify__sctp-max-chunks_sctp-max-chunks.pcap",
    "tcpdump__LINKTYPE_IPV6.pcap",
];

fn skip(why: &str) {
    if std::env::var_os("CI").is_some() {
        panic!("{why} (CI is set, so this is a failure)");
    }
    eprintln!("\n*** SKIPPED: {why} ***\n");
}

fn tcpdump() -> Option<PathBuf> {
    ["/usr/sbin/tcpdump", "/usr/bin/tcpdump"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/pcap")
}

// ---------------------------------------------------------------------------------------------
// A minimal pcap/pcapng reader, private to this test so it does not depend on file.rs.
// ---------------------------------------------------------------------------------------------

struct Capture {
    link_type: u32,
    /// (captured bytes, original length)
    packets: Vec<(Vec<u8>, u32)>,
}

fn read_capture(bytes: &[u8]) -> Capture {
    let u32_at = |b: &[u8], off: usize, le: bool| {
        let a = [b[off], b[off + 1], b[off + 2], b[off + 3]];
        if le {
            u32::from_le_bytes(a)
        } else {
            u32::from_be_bytes(a)
        }
    };
    let magic = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    let mut packets = Vec::new();
    if magic == 0x0a0d_0d0a {
        // pcapng: SHB sets the byte order; one link type per IDB (we require all equal).
        let mut le = true;
        let mut link_types = Vec::new();
        let mut off = 0;
        while off + 12 <= bytes.len() {
            let block_type = u32_at(bytes, off, le);
            if block_type == 0x0a0d_0d0a {
                le = u32::from_le_bytes([
                    bytes[off + 8],
                    bytes[off + 9],
                    bytes[off + 10],
                    bytes[off + 11],
                ]) == 0x1a2b_3c4d;
                link_types.clear();
            }
            let len = u32_at(bytes, off + 4, le) as usize;
            assert!(
                len >= 12 && off + len <= bytes.len(),
                "corrupt pcapng block at {off}"
            );
            let body = &bytes[off + 8..off + len - 4];
            match block_type {
                // IDB: a 16-bit link type first.
                1 => link_types.push(if le {
                    u16::from_le_bytes([body[0], body[1]])
                } else {
                    u16::from_be_bytes([body[0], body[1]])
                } as u32),
                // EPB, and the obsolete Packet Block with the same layout.
                2 | 6 => {
                    let caplen = u32_at(body, 12, le) as usize;
                    let orig = u32_at(body, 16, le);
                    packets.push((body[20..20 + caplen].to_vec(), orig));
                }
                3 => {
                    let orig = u32_at(body, 0, le);
                    let caplen = (orig as usize).min(body.len() - 4);
                    packets.push((body[4..4 + caplen].to_vec(), orig));
                }
                _ => {}
            }
            off += len;
        }
        link_types.dedup();
        assert_eq!(link_types.len(), 1, "test files must have one link type");
        Capture {
            link_type: link_types[0],
            packets,
        }
    } else {
        let le = match magic {
            0xa1b2_c3d4 | 0xa1b2_3c4d => true,
            0xd4c3_b2a1 | 0x4d3c_b2a1 => false,
            _ => panic!("not a capture file (magic {magic:#x})"),
        };
        let link_type = u32_at(bytes, 20, le) & 0x0fff_ffff;
        let mut off = 24;
        while off + 16 <= bytes.len() {
            let caplen = u32_at(bytes, off + 8, le) as usize;
            let orig = u32_at(bytes, off + 12, le);
            let end = (off + 16 + caplen).min(bytes.len());
            packets.push((bytes[off + 16..end].to_vec(), orig));
            off += 16 + caplen;
        }
        Capture { link_type, packets }
    }
}

/// The packets tcpdump keeps, or None when tcpdump rejects the filter.
fn tcpdump_accepts(tcpdump: &Path, file: &Path, filter: &str, out: &Path) -> Option<Vec<Vec<u8>>> {
    let status = Command::new(tcpdump)
        .arg("-r")
        .arg(file)
        .arg("-w")
        .arg(out)
        .arg(filter)
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("run tcpdump");
    if !status.status.success() {
        let stderr = String::from_utf8_lossy(&status.stderr);
        if stderr.contains("expression rejects all packets") {
            return Some(Vec::new());
        }
        return None;
    }
    let bytes = std::fs::read(out).expect("read tcpdump output");
    Some(
        read_capture(&bytes)
            .packets
            .into_iter()
            .map(|(d, _)| d)
            .collect(),
    )
}

/// Filters built from addresses seen in the file, so `host`/`ether host` have something to hit.
fn address_filters(cap: &Capture, lt: LinkType) -> Vec<String> {
    let mut out = Vec::new();
    let ip = bpf::compile("ip", lt, 65535).unwrap();
    let ip6 = bpf::compile("ip6", lt, 65535).unwrap();
    let nl = match lt {
        LinkType::ETHERNET => 14,
        LinkType::LINUX_SLL => 16,
        _ => 0,
    };
    if let Some((d, _)) = cap
        .packets
        .iter()
        .find(|(d, o)| ip.matches(d, *o) && d.len() >= nl + 20)
    {
        let a = std::net::Ipv4Addr::new(d[nl + 12], d[nl + 13], d[nl + 14], d[nl + 15]);
        out.push(format!("host {a}"));
        out.push(format!("src host {a} and tcp"));
        out.push(format!("dst {a} or udp"));
        out.push(format!("ip host {a} and not port 80"));
        out.push(format!("src and dst net {a}/16"));
        out.push(format!("arp host {a}"));
    }
    if let Some((d, _)) = cap
        .packets
        .iter()
        .find(|(d, o)| ip6.matches(d, *o) && d.len() >= nl + 40)
    {
        let mut o = [0u8; 16];
        o.copy_from_slice(&d[nl + 8..nl + 24]);
        let a = std::net::Ipv6Addr::from(o);
        out.push(format!("host {a}"));
        out.push(format!("ip6 dst host {a}"));
        out.push(format!("net {a}/128 and icmp6"));
        let mut prefix = o;
        prefix[8..].fill(0);
        out.push(format!("src net {}/64", std::net::Ipv6Addr::from(prefix)));
    }
    if lt == LinkType::ETHERNET {
        if let Some((d, _)) = cap.packets.iter().find(|(d, _)| d.len() >= 14) {
            let mac: Vec<String> = d[6..12].iter().map(|b| format!("{b:02x}")).collect();
            let mac = mac.join(":");
            out.push(format!("ether src {mac}"));
            out.push(format!("ether host {mac} and ip"));
            out.push(format!("ether dst {mac}"));
        }
    }
    out
}

#[test]
fn accepts_exactly_what_tcpdump_accepts() {
    let Some(tcpdump) = tcpdump() else {
        return skip("tcpdump not found in /usr/sbin or /usr/bin");
    };
    let dir = corpus();
    if !dir.is_dir() {
        return skip(&format!("{} missing", dir.display()));
    }
    let tmp = std::env::temp_dir().join(format!("strata-bpf-{}.pcap", std::process::id()));
    let mut compared = 0;
    let mut matched_total = 0usize;
    let mut failures = Vec::new();
    for name in FILES {
        let path = dir.join(name);
        let Ok(bytes) = std::fs::read(&path) else {
            failures.push(format!("{name}: missing"));
            continue;
        };
        let cap = read_capture(&bytes);
        let lt = LinkType(cap.link_type);
        let mut filters: Vec<String> = FILTERS.iter().map(|s| s.to_string()).collect();
        if lt == LinkType::ETHERNET {
            filters.extend(ETHERNET_FILTERS.iter().map(|s| s.to_string()));
        }
        filters.extend(address_filters(&cap, lt));
        let mut line = format!(
            "{name} ({} packets, link type {}):",
            cap.packets.len(),
            cap.link_type
        );
        for filter in &filters {
            let ours = match bpf::compile(filter, lt, 262144) {
                Ok(p) => p,
                Err(e) => {
                    // Acceptable only where libpcap refuses too.
                    if tcpdump_accepts(&tcpdump, &path, filter, &tmp).is_some() {
                        failures.push(format!(
                            "{name}: {filter:?}: we refuse ({e}), tcpdump accepts"
                        ));
                    }
                    continue;
                }
            };
            let expected = match tcpdump_accepts(&tcpdump, &path, filter, &tmp) {
                Some(v) => v,
                None => {
                    failures.push(format!(
                        "{name}: {filter:?}: tcpdump refuses, we compiled it"
                    ));
                    continue;
                }
            };
            let got: Vec<Vec<u8>> = cap
                .packets
                .iter()
                .filter(|(d, o)| ours.matches(d, *o))
                .map(|(d, _)| d.clone())
                .collect();
            compared += 1;
            matched_total += got.len();
            if got != expected {
                failures.push(format!(
                    "{name}: {filter:?}: we accept {}, tcpdump {}\n{ours}",
                    got.len(),
                    expected.len()
                ));
            }
            line.push_str(&format!(" [{filter}]={}", got.len()));
        }
        println!("{line}");
    }
    let _ = std::fs::remove_file(&tmp);
    println!("compared {compared} (file, filter) pairs, {matched_total} packet matches in total");
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        compared > 500 && matched_total > 1000,
        "too little was compared"
    );
}
