//! Golden frames: one real frame per encapsulation, cut from the shared corpus captures, decoded
//! with [`strata_wire::decode`] and checked against the layer sequence and header offsets
//! TShark reports for the same frame (`tshark -T pdml`: each `<proto>`'s `pos`). TShark
//! protocols with no Strata layer (`ethertype`, `wlan_radio`, `data`, application protocols)
//! are left out of the expected sequences.

use strata_wire::decode::Proto::{self, *};
use strata_wire::{decode, Decoded, LinkType};

/// Hex text (whitespace-free chunks) to bytes.
fn hex(chunks: &[&str]) -> Vec<u8> {
    let s: String = chunks.concat();
    assert!(s.len().is_multiple_of(2), "odd hex length");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex digit"))
        .collect()
}

fn run(link: LinkType, frame: &[u8]) -> Decoded {
    let mut d = Decoded::new();
    decode(link, frame, &mut d);
    d
}

/// Compares the (protocol, start offset) sequence as a whole, so a failure shows both stacks.
fn assert_layers(d: &Decoded, expected: &[(Proto, u32)]) {
    let got: Vec<(Proto, u32)> = d.layers().iter().map(|l| (l.proto, l.start)).collect();
    assert_eq!(got, expected, "layers (stop: {:?})", d.stop);
}

/// Each layer's header length, in order.
fn lens(d: &Decoded) -> Vec<u32> {
    d.layers().iter().map(|l| l.len).collect()
}

/// suricata-verify__detect-vlan-id_input.pcap frame 1; TShark: `eth:ethertype:vlan:ethertype:vlan:ethertype:vlan:ethertype:ip:icmp`.
const VLAN_TRIPLE: &[&str] = &[
    "222222222222111111111111810000c88100012c8100019008004500001c0001",
    "0000400174db01010101020202020800f7ff00000000",
];

#[test]
fn vlan_triple() {
    let frame = hex(VLAN_TRIPLE);
    let d = run(LinkType::ETHERNET, &frame);
    assert_layers(
        &d,
        &[
            (Eth, 0),
            (Vlan, 14),
            (Vlan, 18),
            (Vlan, 22),
            (Ipv4, 26),
            (Icmp, 46),
        ],
    );
    // Three stacked 802.1Q tags, each 4 bytes, as TShark's vlan@14+4, @18+4, @22+4.
    assert_eq!(lens(&d), [14, 4, 4, 4, 20, 8]);
    assert_eq!(d.stop, None);
}

/// tcpdump__802.1ad_QinQ.pcap frame 1; TShark: `eth:ethertype:ieee8021ad:ethertype:vlan:ethertype:arp`.
const QINQ_8021AD: &[&str] = &[
    "ffffffffffff0020d25afb3f88a800c8810007d1080600010800060400010020",
    "d25afb3fac154f61000000000000ac154f640000000000000000000000000000",
];

#[test]
fn qinq_8021ad() {
    let frame = hex(QINQ_8021AD);
    let d = run(LinkType::ETHERNET, &frame);
    assert_layers(&d, &[(Eth, 0), (Ieee8021ad, 14), (Vlan, 18), (Arp, 22)]);
    // The 802.1ad S-tag keeps its own layer before the C-tag; ARP is 28 bytes (arp@22+28)
    // and the Ethernet padding after it belongs to no layer.
    assert_eq!(lens(&d), [14, 4, 4, 28]);
    assert_eq!(d.last(Arp).map(|l| l.end), Some(50));
}

/// tcpdump__mpls-traceroute.pcap frame 1; TShark: `ppp:mpls:ip:udp:data`.
const PPP_MPLS: &[&str] = &[
    "ff0302811896010145000028a54c00000111f76f0c0404040c010101a54b829b",
    "00140000000000000000000000000000",
];

#[test]
fn ppp_mpls() {
    let frame = hex(PPP_MPLS);
    let d = run(LinkType::PPP, &frame);
    assert_layers(&d, &[(Ppp, 0), (Mpls, 4), (Ipv4, 8), (Udp, 28)]);
    // PPP with address/control (ppp@0+4), one label, then IPv4 guessed from the first nibble.
    assert_eq!(lens(&d), [4, 4, 20, 8]);
    assert_eq!(d.app, Some((36, 48)));
}

/// tcpdump__mpls-over-udp.pcap frame 1; TShark: `eth:ethertype:ip:udp:mpls:ip:icmp:data`.
const MPLS_OVER_UDP: &[&str] = &[
    "529a00c84f88529a00825c62080045000074676f00004011e3fb0a640caa0a64",
    "0d9de54b19eb006000000001513f45000054676f40003f01c0220a03000a0a01",
    "000a08007643a6eb001094073f5e000000004588030000000000101112131415",
    "161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435",
    "3637",
];

#[test]
fn mpls_over_udp() {
    let frame = hex(MPLS_OVER_UDP);
    let d = run(LinkType::ETHERNET, &frame);
    assert_layers(
        &d,
        &[
            (Eth, 0),
            (Ipv4, 14),
            (Udp, 34),
            (Mpls, 42),
            (Ipv4, 46),
            (Icmp, 66),
        ],
    );
    assert_eq!(lens(&d), [14, 20, 8, 4, 20, 8]);
}

/// tcpdump__pppoes.pcap frame 1; TShark: `eth:ethertype:pppoes:ppp:lcp`.
const PPPOE_SESSION_LCP: &[&str] = &[
    "000218030007000423a95d8e886411000017000ec021096a000ca4cbea340ee2",
    "f609",
];

#[test]
fn pppoe_session_lcp() {
    let frame = hex(PPPOE_SESSION_LCP);
    let d = run(LinkType::ETHERNET, &frame);
    assert_layers(&d, &[(Eth, 0), (PppoeSession, 14), (Ppp, 20)]);
    // pppoes@14+6 bounds the session payload at 14 + 6 + 14 = 34; ppp@20+2 (no
    // address/control in PPPoE), and LCP is not decoded further.
    assert_eq!(lens(&d), [14, 6, 2]);
    assert_eq!(d.first(PppoeSession).map(|l| l.end), Some(34));
}

/// ndpi__rtsp.pcap frame 1; TShark: `sll:ethertype:ip:tcp:rtsp`.
const SLL_RTSP: &[&str] = &[
    "000300010006000c29f31e7200000800450000bd56de400080068c4e0a01010a",
    "0a020202ccf6216a3be26f8261076fc250180401cc5e00004745545f50415241",
    "4d4554455220727473703a2f2f31302e322e322e323a383535342f2052545350",
    "2f312e300d0a435365713a20370d0a557365722d4167656e743a204c6962564c",
    "432f332e302e313620284c4956453535352053747265616d696e67204d656469",
    "612076323031362e31312e3238290d0a53657373696f6e3a2036363066633463",
    "3063366164343361310d0a0d0a",
];

#[test]
fn sll_rtsp() {
    let frame = hex(SLL_RTSP);
    let d = run(LinkType::LINUX_SLL, &frame);
    assert_layers(&d, &[(Sll, 0), (Ipv4, 16), (Tcp, 36)]);
    // sll@0+16; the RTSP payload is TShark's rtsp@56+149.
    assert_eq!(lens(&d), [16, 20, 20]);
    assert_eq!(d.app, Some((56, 205)));
}

/// suricata-verify__decode-sll2-01_input.pcap frame 1; TShark: `sll:ethertype:ip:tcp`.
const SLL2_TCP: &[&str] = &[
    "080000000000000200010406aa763071b0e700004500003c45a94000400670b0",
    "c0a801fdc0a80115dc9e00508b0b439300000000a002faf0d70c0000020405b4",
    "0402080ac5be80530000000001030307",
];

#[test]
fn sll2_tcp() {
    let frame = hex(SLL2_TCP);
    let d = run(LinkType::LINUX_SLL2, &frame);
    assert_layers(&d, &[(Sll2, 0), (Ipv4, 20), (Tcp, 40)]);
    // SLL2 is 20 bytes (TShark names it `sll` too); TCP with options, tcp@40+40.
    assert_eq!(lens(&d), [20, 20, 40]);
}

/// ndpi__rdp.pcap frame 1; TShark: `null:ip:tcp`.
const NULL_TCP: &[&str] = &[
    "0200000045000040000040004006c8b8ac1002b9c0a8028ecd0e0d3df9bce258",
    "00000000b0c2ffffb8aa0000020404f9010303050101080a0b504a9c00000000",
    "04020000",
];

#[test]
fn null_tcp() {
    let frame = hex(NULL_TCP);
    let d = run(LinkType::NULL, &frame);
    assert_layers(&d, &[(Null, 0), (Ipv4, 4), (Tcp, 24)]);
    assert_eq!(lens(&d), [4, 20, 44]);
}

/// tcpdump__mpls-traceroute.pcap frame 14; TShark: `ppp:ip:icmp:ip:udp`.
const PPP_ICMP_ERROR: &[&str] = &[
    "ff03002145000038c5a74000fd019b130c0101010c0404040303d4fb00000000",
    "45000028a55200000111f7690c0404040c010101a54b82a100140000",
];

#[test]
fn ppp_icmp_error() {
    let frame = hex(PPP_ICMP_ERROR);
    let d = run(LinkType::PPP, &frame);
    assert_layers(
        &d,
        &[(Ppp, 0), (Ipv4, 4), (Icmp, 24), (Ipv4, 32), (Udp, 52)],
    );
    // An ICMP error quoting IPv4+UDP: the quote starts after the 8-byte ICMP header (TShark's
    // quoted ip@32) and its layers are flagged, so the outer ICMP stays the top layer.
    assert_eq!(lens(&d), [4, 20, 8, 20, 8]);
    let quoted: Vec<bool> = d.layers().iter().map(|l| l.quoted).collect();
    assert_eq!(quoted, [false, false, false, true, true]);
    assert_eq!(d.top().map(|l| (l.proto, l.start)), Some((Icmp, 24)));
    assert_eq!(d.app, None);
}

/// suricata-verify__decode-chdlc-01_hdlc-http_1tx.pcap frame 1; TShark: `chdlc:ip:tcp`.
const CHDLC_TCP: &[&str] = &[
    "0f00080045000030155a400080066cd0c0a80207413774b7134a00509c34096c",
    "000000007002400011470000020405b401010402",
];

#[test]
fn chdlc_tcp() {
    let frame = hex(CHDLC_TCP);
    let d = run(LinkType::C_HDLC, &frame);
    assert_layers(&d, &[(Chdlc, 0), (Ipv4, 4), (Tcp, 24)]);
    assert_eq!(lens(&d), [4, 20, 28]);
}

/// chrissanders-packets__3e80211_wpaauth.pcapng frame 8; TShark: `radiotap:wlan_radio:wlan:llc:eapol`.
const RADIOTAP_WLAN_EAPOL: &[&str] = &[
    "00001400ee18000010306c09c000ee9c4400005288022c00accf5c786c9c28c6",
    "8eab961628c68eab961620000000aaaa03000000888e0203005ffe0089002000",
    "00000000000001c03d0f88f4d79265ea395370b28efc4ef67ba9f46b83eec7e4",
    "14bfd57b349f5300000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000083fd060b",
];

#[test]
fn radiotap_wlan_eapol() {
    let frame = hex(RADIOTAP_WLAN_EAPOL);
    let d = run(LinkType::IEEE802_11_RADIOTAP, &frame);
    assert_layers(&d, &[(Radiotap, 0), (Wlan, 20), (Llc, 46)]);
    // QoS Data (wlan@20+26), LLC/SNAP llc@46+8; EAPOL is not a Strata layer. The radiotap
    // flags announce an FCS, so the last 4 bytes belong to no layer.
    assert_eq!(lens(&d), [20, 26, 8]);
    assert_eq!(d.fcs_len, 4);
    assert_eq!(d.last(Llc).map(|l| l.end), Some(153));
}

/// chrissanders-packets__3e80211_wpaauth.pcapng frame 12; TShark: `radiotap:wlan_radio:wlan:data`.
const RADIOTAP_WLAN_DATA: &[&str] = &[
    "00001400ee18000010166c09a000ed9c640000510842000033330000000228c6",
    "8eab9616accf5c786c9cd0010020016000000000435a51d08f7d731c3b9a88f6",
    "a1f97087d2200559c6bba1d9d5b53d8946ae5639280621db071cc405467b21c2",
    "322619f061c528d4f7df93e3967ff918634c1a8377cf1213d223bb5363777483",
    "172d282b",
];

#[test]
fn radiotap_wlan_data() {
    let frame = hex(RADIOTAP_WLAN_DATA);
    let d = run(LinkType::IEEE802_11_RADIOTAP, &frame);
    assert_layers(&d, &[(Radiotap, 0), (Wlan, 20)]);
    // A protected (TKIP) Data frame, From DS. TShark's wlan@20+32 also counts the 8-byte TKIP
    // parameters; Strata's Wlan layer is the 24-byte MAC header and decoding stops there.
    assert_eq!(lens(&d), [20, 24]);
    assert_eq!(d.fcs_len, 4);
    assert_eq!(d.last(Wlan).map(|l| l.end), Some(128));
}

/// suricata-verify__bug-5633-gre-01_gre-udp.pcap frame 1; TShark: `eth:ethertype:vlan:ethertype:ip:gre:ip:udp:syslog`.
const GRE_IP: &[&str] = &[
    "ffffffffffff0001020304058100000608004500003800010000402f76920101",
    "010201010101000008004500002000010000401172c402020203020202023039",
    "0202000c36f04556494c",
];

#[test]
fn gre_ip() {
    let frame = hex(GRE_IP);
    let d = run(LinkType::ETHERNET, &frame);
    assert_layers(
        &d,
        &[
            (Eth, 0),
            (Vlan, 14),
            (Ipv4, 18),
            (Gre, 38),
            (Ipv4, 42),
            (Udp, 62),
        ],
    );
    // Plain 4-byte GRE (gre@38+4); the syslog payload is TShark's syslog@70+4.
    assert_eq!(lens(&d), [14, 4, 20, 4, 20, 8]);
    assert_eq!(d.app, Some((70, 74)));
}

/// ndpi__vxlan.pcap frame 1; TShark: `eth:ethertype:vlan:ethertype:ip:udp:vxlan:eth:ethertype:ip:udp:dns`.
const VXLAN_DNS: &[&str] = &[
    "000cbd063a74000cbd063a758100000508004500006c033f00004011c9e8c0a8",
    "1604c0a81605edd712b500586a040800000000045700667a50aaff9a1eea692a",
    "6fcf08004500003a35b040004011d6e50a0a140408080808ad950035002617e2",
    "90c6010000010000000000000866616365626f6f6b03636f6d0000010001",
];

#[test]
fn vxlan_dns() {
    let frame = hex(VXLAN_DNS);
    let d = run(LinkType::ETHERNET, &frame);
    assert_layers(
        &d,
        &[
            (Eth, 0),
            (Vlan, 14),
            (Ipv4, 18),
            (Udp, 38),
            (Vxlan, 46),
            (Eth, 54),
            (Ipv4, 68),
            (Udp, 88),
        ],
    );
    // vxlan@46+8, inner Ethernet at 54, DNS payload dns@96+30.
    assert_eq!(lens(&d), [14, 4, 20, 8, 8, 14, 20, 8]);
    assert_eq!(d.app, Some((96, 126)));
}

/// tcpdump__geneve.pcap frame 3; TShark: `eth:ethertype:ip:udp:geneve:eth:ethertype:ip:tcp`.
const GENEVE_TCP: &[&str] = &[
    "001b213cab64001b213cac3008004500006e8806400040118a76140000021400",
    "0001a9b317c1005a00000000655800000b00b69ed2495148fe71d883724f0800",
    "4500003c5a1140004006a4a81e0000021e000001c819001617b30caf00000000",
    "a0023908e4370000020405b40402080aab6d56be0000000001030307",
];

#[test]
fn geneve_tcp() {
    let frame = hex(GENEVE_TCP);
    let d = run(LinkType::ETHERNET, &frame);
    assert_layers(
        &d,
        &[
            (Eth, 0),
            (Ipv4, 14),
            (Udp, 34),
            (Geneve, 42),
            (Eth, 50),
            (Ipv4, 64),
            (Tcp, 84),
        ],
    );
    // Geneve with no options (geneve@42+8), inner Ethernet at 50.
    assert_eq!(lens(&d), [14, 20, 8, 8, 14, 20, 40]);
}

/// ndpi__ipv6_in_gtp.pcap frame 1; TShark: `eth:ethertype:vlan:ethertype:vlan:ethertype:ip:udp:gtp:ipv6:udp:data`.
const GTPU_IPV6: &[&str] = &[
    "00000000000234b35407ca5681000ca18100600508004568008068490000ff11",
    "ee790aee501a0aeefe4b08680868006c000030ff005c12808fb86008b8520034",
    "11402607fc204052039e490aea4d17fee09cfd00976abc67193e000000000000",
    "0007bfe0643a00343748806e1597c35ac22f32b5ab35f3f8171e4e61ee025025",
    "e03ece7388f973f214ffdbb74b976c6da896cf2e4ac4",
];

#[test]
fn gtpu_ipv6() {
    let frame = hex(GTPU_IPV6);
    let d = run(LinkType::ETHERNET, &frame);
    assert_layers(
        &d,
        &[
            (Eth, 0),
            (Vlan, 14),
            (Vlan, 18),
            (Ipv4, 22),
            (Udp, 42),
            (GtpU, 50),
            (Ipv6, 58),
            (Udp, 98),
        ],
    );
    // GTP-U G-PDU with no optional fields (gtp@50+8) carrying IPv6, under two 802.1Q tags.
    assert_eq!(lens(&d), [14, 4, 4, 20, 8, 8, 40, 8]);
    assert_eq!(d.app, Some((106, 150)));
}

/// ndpi__4in6tunnel.pcap frame 1; TShark: `eth:ethertype:ipv6:ip:tcp`.
const IP4_IN_IP6: &[&str] = &[
    "000102ba768e00000049f48786dd600000000034043f22e01685eda738cc58bd",
    "f3f1aa3f22d8344aba94152aac34000000000000002a450000347bf040007f06",
    "ab1fc0a800010a0a0a01fbc701bbdfe13e82000000008002ffff7ea500000204",
    "0584010303080101040200000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000",
];

#[test]
fn ip4_in_ip6() {
    let frame = hex(IP4_IN_IP6);
    let d = run(LinkType::ETHERNET, &frame);
    assert_layers(&d, &[(Eth, 0), (Ipv6, 14), (Ipv4, 54), (Tcp, 74)]);
    // IPv4 in IPv6 (next header 4); the IPv6 payload length ends the packet at 106 and the
    // rest of the 154-byte frame is trailer.
    assert_eq!(lens(&d), [14, 40, 20, 32]);
    assert_eq!(d.first(Ipv6).map(|l| l.end), Some(106));
}

/// ndpi__6in4tunnel.pcap frame 22; TShark: `eth:ethertype:ip:ipv6:tcp`.
const IP6_IN_IP4: &[&str] = &[
    "002290de3bd9000024ce8134080045000064b8984000ff291438ae034918b869",
    "ff1a600000000028063f200104701f17013f3e970efffe734dec2a0328801010",
    "6f03faceb00c00000002cff201bb277558ac00000000a00270801f2700000204",
    "05a00402080a2779e3f20000000001030307",
];

#[test]
fn ip6_in_ip4() {
    let frame = hex(IP6_IN_IP4);
    let d = run(LinkType::ETHERNET, &frame);
    assert_layers(&d, &[(Eth, 0), (Ipv4, 14), (Ipv6, 34), (Tcp, 74)]);
    // IPv6 in IPv4 (protocol 41).
    assert_eq!(lens(&d), [14, 20, 40, 40]);
}

/// ndpi__teredo.pcap frame 15; TShark: `eth:ethertype:ip:udp:teredo:ipv6`.
const TEREDO: &[&str] = &[
    "001b170001156c416a8c808908004500004c31c4000072111d56c2881c4c0a70",
    "10430dd8ca64003811d90000f2273d77e3b36000000000003b15fe8000000000",
    "00008000f2273d77e3b320010000c2881c4c20f3359b46f93f46",
];

#[test]
fn teredo() {
    let frame = hex(TEREDO);
    let d = run(LinkType::ETHERNET, &frame);
    assert_layers(
        &d,
        &[(Eth, 0), (Ipv4, 14), (Udp, 34), (Teredo, 42), (Ipv6, 50)],
    );
    // Teredo origin indication (8 bytes, 42..50) before the IPv6 header at 50, as TShark's
    // ipv6@50 (its teredo@42+48 spans the encapsulated packet too).
    assert_eq!(lens(&d), [14, 20, 8, 8, 40]);
}

/// tcpdump__ipv6-srh-ext-header.pcap frame 1; TShark: `eth:ethertype:ipv6:ipv6.routing:ipv6:icmpv6:data`.
const IPV6_SRH: &[&str] = &[
    "080027206bcf080027c22da586dd600889ad00902b40000a000b000c00120000",
    "000000000001000a000b000c00020000000000f100002904040101000000000a",
    "000b000c000300000000000000d6000a000b000c00020000000000f100006008",
    "89ad00403a40000a000b000c0012000000000000000100b20000000000000000",
    "0000000000028000635e06ee000103c5475a000000000a5e0000000000001011",
    "12131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031",
    "323334353637",
];

#[test]
fn ipv6_srh() {
    let frame = hex(IPV6_SRH);
    let d = run(LinkType::ETHERNET, &frame);
    assert_layers(
        &d,
        &[
            (Eth, 0),
            (Ipv6, 14),
            (Ipv6Ext, 54),
            (Ipv6, 94),
            (Icmpv6, 134),
        ],
    );
    // Segment routing header (routing type 4): one Ipv6Ext layer of kind 43, 40 bytes
    // (ipv6.routing@54+40), then the inner IPv6 at 94.
    assert_eq!(lens(&d), [14, 40, 40, 40, 8]);
    assert_eq!(d.first(Ipv6Ext).map(|l| l.ext_kind), Some(43));
}

/// chrissanders-packets__icmp_traceroute.pcapng frame 2; TShark: `eth:ethertype:ip:icmp:ip:icmp`.
const ICMP_TIME_EXCEEDED: &[&str] = &[
    "0016d4b859b10012804bc07f080045c00038491a0000ff01280ec0a86401c0a8",
    "648a0b00f4ff000000004500005cff51000001018f1ac0a8648a040202010800",
    "baff05003800",
];

#[test]
fn icmp_time_exceeded() {
    let frame = hex(ICMP_TIME_EXCEEDED);
    let d = run(LinkType::ETHERNET, &frame);
    assert_layers(
        &d,
        &[(Eth, 0), (Ipv4, 14), (Icmp, 34), (Ipv4, 42), (Icmp, 62)],
    );
    // Time exceeded quoting IPv4+ICMP echo: quoted ip@42, quoted icmp@62.
    assert_eq!(lens(&d), [14, 20, 8, 20, 8]);
    let quoted: Vec<bool> = d.layers().iter().map(|l| l.quoted).collect();
    assert_eq!(quoted, [false, false, false, true, true]);
}

/// The header bytes of the first layer of `proto` in a golden frame.
fn header_of(link: LinkType, chunks: &[&str], proto: Proto) -> (Vec<u8>, Vec<u8>) {
    let frame = hex(chunks);
    let d = run(link, &frame);
    let l = *d.first(proto).expect("layer present");
    (frame.clone(), l.header(&frame).to_vec())
}

/// The Reprs reproduce real headers byte for byte: parse the captured header, emit it into a
/// fresh buffer, compare. This checks field placement against what real stacks sent, which a
/// Repr-to-Repr round trip cannot.
#[test]
fn reprs_re_emit_captured_headers() {
    use strata_wire::{chdlc, geneve, gtpu, ieee80211, llc, null, ppp, pppoe, sll};

    let (_, h) = header_of(LinkType::LINUX_SLL, SLL_RTSP, Sll);
    let r = sll::Repr::parse(&h, sll::Version::V1).unwrap();
    let mut out = vec![0u8; r.buffer_len()];
    r.emit(&mut out).unwrap();
    assert_eq!(out, h);

    let (_, h) = header_of(LinkType::LINUX_SLL2, SLL2_TCP, Sll2);
    let r = sll::Repr::parse(&h, sll::Version::V2).unwrap();
    assert_eq!(r.protocol, 0x0800);
    let mut out = vec![0u8; r.buffer_len()];
    r.emit(&mut out).unwrap();
    assert_eq!(out, h);

    let (_, h) = header_of(LinkType::NULL, NULL_TCP, Null);
    let r = null::Repr::parse(&h, false).unwrap();
    assert_eq!(r.kind(), null::Family::Ipv4);
    let mut out = vec![0u8; r.buffer_len()];
    r.emit(&mut out).unwrap();
    assert_eq!(out, h);

    let (_, h) = header_of(LinkType::C_HDLC, CHDLC_TCP, Chdlc);
    let r = chdlc::Repr::parse(&h).unwrap();
    let mut out = vec![0u8; r.buffer_len()];
    r.emit(&mut out).unwrap();
    assert_eq!(out, h);

    for (link, chunks) in [
        (LinkType::PPP, PPP_MPLS),
        (LinkType::ETHERNET, PPPOE_SESSION_LCP),
    ] {
        let (_, h) = header_of(link, chunks, Ppp);
        let r = ppp::Repr::parse(&h).unwrap();
        let mut out = vec![0u8; r.buffer_len()];
        r.emit(&mut out).unwrap();
        assert_eq!(out, h);
    }

    let (_, h) = header_of(LinkType::ETHERNET, PPPOE_SESSION_LCP, PppoeSession);
    let r = pppoe::Repr::parse(&pppoe::Packet::new_checked(&h[..]).unwrap()).unwrap();
    assert_eq!(r.payload_len, 14);
    let mut out = vec![0u8; r.buffer_len()];
    r.emit(&mut out).unwrap();
    assert_eq!(out, h);

    let (_, h) = header_of(LinkType::IEEE802_11_RADIOTAP, RADIOTAP_WLAN_EAPOL, Wlan);
    let r = ieee80211::Repr::parse(&h).unwrap();
    assert!(r.qos_control.is_some());
    let mut out = vec![0u8; r.buffer_len()];
    r.emit(&mut out).unwrap();
    assert_eq!(out, h);

    let (_, h) = header_of(LinkType::IEEE802_11_RADIOTAP, RADIOTAP_WLAN_DATA, Wlan);
    let r = ieee80211::Repr::parse(&h).unwrap();
    assert_eq!(
        r.flags,
        ieee80211::flags::FROM_DS | ieee80211::flags::PROTECTED
    );
    let mut out = vec![0u8; r.buffer_len()];
    r.emit(&mut out).unwrap();
    assert_eq!(out, h);

    let (_, h) = header_of(LinkType::IEEE802_11_RADIOTAP, RADIOTAP_WLAN_EAPOL, Llc);
    let r = llc::Repr::parse(&llc::Packet::new_checked(&h[..]).unwrap()).unwrap();
    assert_eq!(r.snap.map(|s| s.pid), Some(0x888e));
    let mut out = vec![0u8; r.buffer_len()];
    r.emit(&mut out).unwrap();
    assert_eq!(out, h);

    let (_, h) = header_of(LinkType::ETHERNET, GENEVE_TCP, Geneve);
    let r = geneve::Repr::parse(&h).unwrap();
    let mut out = vec![0u8; r.buffer_len()];
    r.emit(&mut out).unwrap();
    assert_eq!(out, h);

    let (_, h) = header_of(LinkType::ETHERNET, GTPU_IPV6, GtpU);
    let r = gtpu::Repr::parse(&h).unwrap();
    assert_eq!(r.msg_type, gtpu::MSG_GPDU);
    let mut out = vec![0u8; r.buffer_len()];
    r.emit(&mut out).unwrap();
    assert_eq!(out, h);
}

/// The radiotap Repr reads the fields it models from a real header (which also carries
/// fields it does not model, so it is not re-emitted byte for byte).
#[test]
fn radiotap_repr_reads_a_captured_header() {
    let (_, h) = header_of(LinkType::IEEE802_11_RADIOTAP, RADIOTAP_WLAN_DATA, Radiotap);
    let r = strata_wire::radiotap::Repr::parse(&h).unwrap();
    // TShark: 11 Mb/s, 2412 MHz, -19 dBm, FCS present.
    assert_eq!(r.rate, Some(22));
    assert_eq!(r.channel.map(|c| c.freq), Some(2412));
    assert_eq!(r.dbm_antsignal, Some(-19));
    assert!(r
        .flags
        .is_some_and(|f| f & strata_wire::radiotap::FLAG_FCS != 0));
}
