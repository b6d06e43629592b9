//! Golden frames: real frames (from the project's own lab captures and from RFC examples) with
//! the field values TShark 4.0 prints for them.

use strata_capture::{LinkType, Packet, Timestamp};
use strata_dissect::Dissector;

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn fields(link: LinkType, bytes: &[u8], names: &[&str]) -> Vec<Option<String>> {
    let mut d = Dissector::new();
    let pkt = Packet {
        ts: Timestamp::new(1262893114, 341_715_000),
        orig_len: bytes.len() as u32,
        link_type: link,
        interface_id: 0,
        data: bytes,
    };
    let f = d.dissect(&pkt);
    names.iter().map(|n| f.field(n)).collect()
}

/// TCP SYN, Ethernet/IPv4 (chrissanders tcp_handshake frame 1; TShark's values in the comment).
#[test]
fn tcp_syn_over_ethernet() {
    let frame = hex("00055d21994c 00216a5b7d4a 0800
         4500 0034 317f 4000 8006 0000 ac101080 d43ae28e
         0b0a 0050 dc02 2474 0000 0000 8002 2000 0000 0000
         020405b4 01030302 01010402");
    let got = fields(
        LinkType::ETHERNET,
        &frame,
        &[
            "frame.time_epoch",
            "eth.src",
            "eth.type",
            "ip.id",
            "ip.ttl",
            "ip.flags.mf",
            "tcp.srcport",
            "tcp.dstport",
            "tcp.flags",
            "tcp.seq_raw",
            "tcp.window_size_value",
            "tcp.len",
            "udp.srcport",
        ],
    );
    let want = [
        "1262893114.341715000",
        "00:21:6a:5b:7d:4a",
        "0x0800",
        "0x317f",
        "128",
        "0",
        "2826",
        "80",
        "0x0002",
        "3691127924",
        "8192",
        "0",
    ];
    for (g, w) in got.iter().zip(want) {
        assert_eq!(g.as_deref(), Some(w));
    }
    assert_eq!(got[12], None);
}

/// An ICMP port unreachable quoting a UDP datagram: `ip.*` is the outer header (first
/// occurrence), `udp.*` comes from the quote, as in TShark.
#[test]
fn icmp_error_quotes_are_dissected() {
    let frame = hex("45000038 0001 0000 40 01 0000 c6120002 c6120001
         0303 0000 00000000
         4500001d 0002 0000 40 11 0000 c6120001 c6120002
         d431 0035 0009 0000");
    let got = fields(
        LinkType::RAW,
        &frame,
        &[
            "ip.src",
            "ip.proto",
            "icmp.type",
            "icmp.code",
            "udp.srcport",
            "udp.dstport",
        ],
    );
    let want = ["198.18.0.2", "1", "3", "3", "54321", "53"];
    for (g, w) in got.iter().zip(want) {
        assert_eq!(g.as_deref(), Some(w));
    }
}

/// 802.1Q inside 802.1ad: `vlan.id` is the inner C-tag, `ieee8021ad.id` the S-tag.
#[test]
fn qinq_tags() {
    let frame = hex("ffffffffffff 020000000001 88a8 0064 8100 00c8 0806
         0001 0800 06 04 0001 020000000001 c6120001 000000000000 c6120002");
    let got = fields(
        LinkType::ETHERNET,
        &frame,
        &[
            "eth.type",
            "ieee8021ad.id",
            "vlan.id",
            "arp.opcode",
            "arp.dst.proto_ipv4",
        ],
    );
    let want = ["0x88a8", "100", "200", "1", "198.18.0.2"];
    for (g, w) in got.iter().zip(want) {
        assert_eq!(g.as_deref(), Some(w));
    }
}

/// A frame cut inside the TCP header keeps every field before the cut.
#[test]
fn truncated_tcp_keeps_what_it_has() {
    let frame = hex("4500 0028 0001 0000 40 06 0000 c6120001 c6120002 1f90 0050 0000");
    let got = fields(
        LinkType::RAW,
        &frame,
        &["ip.dst", "tcp.srcport", "tcp.dstport", "tcp.seq_raw"],
    );
    assert_eq!(got[0].as_deref(), Some("198.18.0.2"));
    assert_eq!(got[1].as_deref(), Some("8080"));
    assert_eq!(got[2].as_deref(), Some("80"));
    assert_eq!(got[3], None);
}
