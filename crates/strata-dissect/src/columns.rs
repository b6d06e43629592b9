//! The summary columns TShark shows per packet: Source, Destination, Protocol and Info.
//!
//! Like Wireshark, every layer may overwrite the columns, so the innermost layer wins — except
//! inside an ICMP error's quote, which Wireshark dissects with the columns locked.

use crate::frame::Frame;
use crate::text;
use strata_wire::{Layer, Proto};

/// Big-endian reads that give 0 past the end (a cut header shows zeros, as Wireshark's
/// columns do).
pub(crate) fn be16(b: &[u8], i: usize) -> u16 {
    b.get(i..i + 2)
        .map(|s| u16::from_be_bytes([s[0], s[1]]))
        .unwrap_or(0)
}
pub(crate) fn be32(b: &[u8], i: usize) -> u32 {
    b.get(i..i + 4)
        .map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
        .unwrap_or(0)
}

/// The innermost layer that sets columns (not inside an ICMP quote).
fn top<'a>(f: &Frame<'a>) -> Option<&'a Layer> {
    f.decoded.layers().iter().rev().find(|l| !l.quoted)
}

/// Name of an EtherType Wireshark dissects but Strata does not decode further.
fn ethertype_name(t: u16) -> Option<&'static str> {
    Some(match t {
        0x88cc => "LLDP",
        0x888e => "EAPOL",
        0x8809 => "Slow Protocols",
        0x8863 => "PPPoED",
        0x9000 => "LOOP",
        0x88f7 => "PTPv2",
        0x8892 => "PN-RT",
        0x88e5 => "MACsec",
        0x8137 => "IPX",
        0x809b => "ATP",
        0x0842 => "WOL",
        0x893a => "IEEE1905.1a",
        0x88e1 => "HomePlug AV",
        0x22f0 => "AVTP",
        _ => return None,
    })
}

/// The Protocol column of an IP payload Strata names but does not decode (OSPF, PIM, VRRP).
fn ip_payload_name(proto: u8, payload: &[u8]) -> Option<&'static str> {
    Some(match proto {
        89 => "OSPF",
        // PIM's version is the high nibble of its first byte.
        103 => match payload.first().map(|b| b >> 4) {
            Some(2) => "PIMv2",
            Some(1) => "PIMv1",
            _ => "PIM",
        },
        112 => "VRRP",
        88 => "EIGRP",
        _ => return None,
    })
}

/// Wireshark's short name of an IP protocol number, as the fragment Info shows it.
fn ip_proto_label(p: u8) -> &'static str {
    match p {
        1 => "ICMP",
        2 => "IGMP",
        4 => "IPIP",
        6 => "TCP",
        17 => "UDP",
        41 => "IPv6",
        47 => "GRE",
        50 => "ESP",
        51 => "AH",
        58 => "ICMPv6",
        89 => "OSPF IGP",
        103 => "PIM",
        112 => "VRRP",
        132 => "SCTP",
        _ => "Unknown",
    }
}

/// The Info of the IP protocols Strata names from their first bytes: PIMv2 and OSPF
/// message types.
fn ip_payload_info(proto: u8, payload: &[u8], out: &mut Vec<u8>) {
    let Some(&b0) = payload.first() else {
        return;
    };
    let name = match proto {
        103 if b0 >> 4 == 2 => match b0 & 0x0f {
            0 => "Hello",
            1 => "Register",
            2 => "Register-stop",
            3 => "Join/Prune",
            4 => "Bootstrap",
            5 => "Assert",
            6 => "Graft",
            7 => "Graft-Ack",
            8 => "Candidate-RP-Advertisement",
            9 => "State-Refresh",
            10 => "DF election",
            _ => return,
        },
        89 => match payload.get(1) {
            Some(1) => "Hello Packet",
            Some(2) => "DB Description",
            Some(3) => "LS Request",
            Some(4) => "LS Update",
            Some(5) => "LS Acknowledge",
            _ => return,
        },
        _ => return,
    };
    out.extend_from_slice(name.as_bytes());
}

/// Appends the Protocol column.
pub fn protocol(f: &Frame, out: &mut Vec<u8>) {
    if let Some(l) = f.app.last() {
        out.extend_from_slice(app_name(l).as_bytes());
        return;
    }
    let Some(l) = top(f) else {
        out.extend_from_slice(match f.link.0 {
            1 => b"Ethernet",
            _ => b"",
        });
        return;
    };
    let h = f.header(l);
    let name: &str = match l.proto {
        Proto::Tcp => "TCP",
        Proto::Udp => "UDP",
        Proto::Sctp => "SCTP",
        Proto::Icmp => "ICMP",
        Proto::Icmpv6 => "ICMPv6",
        Proto::Igmp => match h.first() {
            Some(0x22) => "IGMPv3",
            Some(0x11) if l.len >= 12 => "IGMPv3",
            Some(0x12) => "IGMPv1",
            _ => "IGMPv2",
        },
        Proto::Arp => match be16(h, 6) {
            3 | 4 => "RARP",
            _ => "ARP",
        },
        Proto::Ipv4 => {
            // A whole datagram of a protocol Strata does not decode: its name.
            let frag = be16(h, 6) & 0x3fff != 0 && !l.reassembled;
            match (frag, h.get(9)) {
                (false, Some(&p)) => ip_payload_name(p, l.payload(f.buffer(l))).unwrap_or("IPv4"),
                _ => "IPv4",
            }
        }
        Proto::Ipv6 | Proto::Ipv6Ext => {
            let next = if l.proto == Proto::Ipv6 {
                h.get(6)
            } else {
                h.first()
            };
            let frag = f
                .decoded
                .layers()
                .iter()
                .any(|x| x.proto == Proto::Ipv6Ext && x.ext_kind == 44 && !x.quoted);
            match (frag, next) {
                (false, Some(&p)) => ip_payload_name(p, l.payload(f.buffer(l))).unwrap_or("IPv6"),
                _ => "IPv6",
            }
        }
        Proto::Gre => "GRE",
        Proto::Esp => "ESP",
        Proto::Vxlan => "VXLAN",
        Proto::Geneve => "Geneve",
        Proto::CapwapData => "CAPWAP-Data",
        Proto::GtpU => "GTP",
        Proto::Teredo => "Teredo",
        Proto::Mpls => "MPLS",
        Proto::Ppp => match ppp_proto(h) {
            0xc021 => "PPP LCP",
            0x8021 => "PPP IPCP",
            0x8057 => "PPP IPV6CP",
            0xc023 => "PPP PAP",
            0xc223 => "PPP CHAP",
            0x80fd => "PPP CCP",
            _ => "PPP",
        },
        Proto::PppoeDiscovery => "PPPoED",
        Proto::PppoeSession => "PPPoES",
        Proto::Llc => match h.first() {
            Some(0x42) => "STP",
            Some(0xe0) => "IPX",
            Some(0xf0) => "NetBIOS",
            Some(0xfe) => "ISO",
            _ => "LLC",
        },
        Proto::Wlan | Proto::Radiotap => "802.11",
        Proto::Chdlc => match be16(h, 2) {
            0x8035 => "SLARP",
            0x2000 => "CDP",
            _ => "CHDLC",
        },
        Proto::Null => "NULL",
        Proto::Sll | Proto::Sll2 => "SLL",
        Proto::Erspan => "ERSPAN",
        Proto::Ipnet => "IPNET",
        Proto::Fr => "FR",
        Proto::Nflog => "NFLOG",
        Proto::Ppi => "PPI",
        Proto::Cfp => "CFP",
        Proto::Dns
        | Proto::Http
        | Proto::Tls
        | Proto::Dhcp
        | Proto::Ntp
        | Proto::Ssh
        | Proto::AppNamed => app_name(l),
        Proto::Vlan | Proto::Ieee8021ad => {
            let t = be16(h, 2);
            if let Some(n) = ethertype_name(t) {
                n
            } else {
                "802.1Q"
            }
        }
        Proto::Eth => {
            let t = be16(h, 12);
            if let Some(n) = ethertype_name(t) {
                n
            } else if t <= 1500 {
                "IPX"
            } else {
                out.extend_from_slice(b"0x");
                text::hex_bare(out, t as u64, 4);
                return;
            }
        }
    };
    out.extend_from_slice(name.as_bytes());
}

/// The Protocol column of an application layer.
fn app_name(l: &Layer) -> &'static str {
    use strata_wire::app::dns_flavor;
    match l.proto {
        Proto::Dns => match l.ext_kind {
            dns_flavor::MDNS => "MDNS",
            dns_flavor::LLMNR => "LLMNR",
            _ => "DNS",
        },
        Proto::Http if l.ext_kind == 1 => "SSDP",
        Proto::Http => "HTTP",
        Proto::Tls if l.ext_kind & crate::app::tls_kind::IN_QUIC != 0 => "QUIC",
        Proto::Tls => crate::app::tls_name(l.ext_kind),
        Proto::Dhcp => "DHCP",
        Proto::Ntp => "NTP",
        Proto::Ssh => match l.ext_kind & crate::app::ssh_kind::VERSION {
            2 => "SSHv2",
            1 => "SSHv1",
            _ => "SSH",
        },
        Proto::AppNamed => strata_wire::app::NAMES
            .get(l.ext_kind as usize)
            .copied()
            .unwrap_or(""),
        _ => "",
    }
}

fn ppp_proto(h: &[u8]) -> u16 {
    let s = if h.len() >= 2 && h[0] == 0xff && h[1] == 0x03 {
        2
    } else {
        0
    };
    match h.get(s) {
        Some(b) if b & 1 == 1 => *b as u16,
        _ => be16(h, s),
    }
}

/// Appends the Source (`dst == false`) or Destination column: the innermost unquoted network
/// address, else the link-layer address.
pub fn address(f: &Frame, dst: bool, out: &mut Vec<u8>) {
    for l in f.decoded.layers().iter().rev().filter(|l| !l.quoted) {
        let h = f.header(l);
        match l.proto {
            Proto::Ipv4 if h.len() >= 20 => {
                let at = if dst { 16 } else { 12 };
                text::ipv4(out, [h[at], h[at + 1], h[at + 2], h[at + 3]].into());
                return;
            }
            Proto::Ipv6 if h.len() >= 40 => {
                let at = if dst { 24 } else { 8 };
                if let Ok(a) = <[u8; 16]>::try_from(&h[at..at + 16]) {
                    text::ipv6(out, a.into());
                }
                return;
            }
            Proto::Eth if h.len() >= 12 => {
                let at = if dst { 0 } else { 6 };
                text::colon_hex(out, &h[at..at + 6]);
                return;
            }
            _ => {}
        }
    }
}

/// Appends the Info column.
pub fn info(f: &Frame, out: &mut Vec<u8>) {
    // An application's text, after TCP's analysis prefixes: TShark prepends those once the
    // payload's dissector has written the column.
    let start = out.len();
    if let Some(t) = f.tcp {
        crate::tcp_analysis::write_prefix(&t, out);
    }
    if crate::app_info::app_info(f, out) {
        return;
    }
    out.truncate(start);
    let Some(l) = top(f) else {
        return;
    };
    let h = f.header(l);
    match l.proto {
        // TLS clears the column before it asks for the rest of a record it starts reading.
        Proto::Tcp if f.pending == Some(Proto::Tls) && f.pending_starts && f.app.is_empty() => {
            tcp_prefix(f, l, out);
            out.extend_from_slice(b"[TCP segment of a reassembled PDU]");
        }
        // HTTP shows the start line of a message whose head this segment starts, before
        // asking for the body (else the TCP line, as for any segment of a message).
        Proto::Tcp if f.pending == Some(Proto::Http) && f.pending_starts && f.app.is_empty() => {
            let start = out.len();
            tcp_prefix(f, l, out);
            if !crate::app_info::http_head_info(l.payload(f.buffer(l)), out) {
                out.truncate(start);
                tcp_prefix(f, l, out);
                tcp_info(f, l, out);
            }
            out.extend_from_slice(b" [TCP segment of a reassembled PDU]");
        }
        // A chunked HTTP message is parsed again with every segment: each one shows its start
        // line before asking for the rest.
        Proto::Tcp
            if f.pending == Some(Proto::Http) && !f.pending_head.is_empty() && f.app.is_empty() =>
        {
            let start = out.len();
            tcp_prefix(f, l, out);
            if !crate::app_info::http_head_info(f.pending_head, out) {
                out.truncate(start);
                tcp_prefix(f, l, out);
                tcp_info(f, l, out);
            }
            out.extend_from_slice(b" [TCP segment of a reassembled PDU]");
        }
        // VNC names the message a segment belongs to before asking for the rest.
        Proto::Tcp if f.pending.is_some() && f.app.is_empty() && f.vnc_message.is_some() => {
            tcp_prefix(f, l, out);
            if let Some(m) = f.vnc_message {
                crate::app_info::vnc_message(m, &[], out);
            }
            out.extend_from_slice(b" [TCP segment of a reassembled PDU]");
        }
        Proto::Tcp if !l.partial => {
            tcp_prefix(f, l, out);
            tcp_info(f, l, out);
            if f.pending.is_some() {
                out.extend_from_slice(b" [TCP segment of a reassembled PDU]");
            }
        }
        Proto::Udp => {
            text::dec(out, be16(h, 0) as u64);
            out.extend_from_slice(" → ".as_bytes());
            text::dec(out, be16(h, 2) as u64);
            out.extend_from_slice(b" Len=");
            text::dec(out, be16(h, 4).saturating_sub(8) as u64);
        }
        Proto::Icmp => icmp_info(f, l, h, out),
        Proto::Icmpv6 => icmpv6_info(f, l, out),
        Proto::Arp => arp_info(h, out),
        Proto::Llc if h.first() == Some(&0x42) => stp_info(l.payload(f.buffer(l)), out),
        Proto::Ipv4 if be16(h, 6) & 0x3fff != 0 && !l.reassembled => {
            let proto = h.get(9).copied().unwrap_or(0);
            let off = be16(h, 6) & 0x1fff;
            out.extend_from_slice(b"Fragmented IP protocol (proto=");
            out.extend_from_slice(ip_proto_label(proto).as_bytes());
            out.push(b' ');
            text::dec(out, proto as u64);
            out.extend_from_slice(b", off=");
            text::dec(out, off as u64 * 8);
            out.extend_from_slice(b", ID=");
            text::hex_bare(out, be16(h, 4) as u64, 4);
            out.push(b')');
        }
        Proto::Ipv4 | Proto::Ipv6 | Proto::Ipv6Ext => {
            // A whole datagram of a protocol Strata names but does not decode.
            let next = match l.proto {
                Proto::Ipv4 => h.get(9),
                Proto::Ipv6 => h.get(6),
                _ => h.first(),
            };
            let payload = l.payload(f.buffer(l));
            if let Some(&p) = next {
                ip_payload_info(p, payload, out);
            }
        }
        _ => {}
    }
}

/// The analysis prefixes (`[TCP Retransmission] ` ...) of the frame's analysed TCP header.
fn tcp_prefix(f: &Frame, l: &Layer, out: &mut Vec<u8>) {
    if let Some(t) = f.tcp.filter(|t| t.layer_start == l.start) {
        crate::tcp_analysis::write_prefix(&t, out);
    }
}

fn tcp_info(f: &Frame, l: &Layer, out: &mut Vec<u8>) {
    let h = f.header(l);
    let (sport, dport) = (be16(h, 0), be16(h, 2));
    let flags = be16(h, 12) & 0xfff;
    // Relative numbers and the scaled window from the analysis; raw ones without it.
    let t = f.tcp.filter(|t| t.layer_start == l.start);
    let (seq, ack) = match t {
        Some(t) => (t.seq, t.ack),
        None => (be32(h, 4), be32(h, 8)),
    };
    let win = t.map_or(be16(h, 14) as u64, |t| t.window);
    let peer_base = t.map_or(0, |t| t.peer_base);
    text::dec(out, sport as u64);
    out.extend_from_slice(" → ".as_bytes());
    text::dec(out, dport as u64);
    out.extend_from_slice(b" [");
    let names = [
        (0x001, "FIN"),
        (0x002, "SYN"),
        (0x004, "RST"),
        (0x008, "PSH"),
        (0x010, "ACK"),
        (0x020, "URG"),
        (0x040, "ECE"),
        (0x080, "CWR"),
        (0x100, "AE"),
        (0xe00, "Reserved"),
    ];
    let mut first = true;
    for (bit, name) in names {
        if flags & bit != 0 {
            if !first {
                out.extend_from_slice(b", ");
            }
            out.extend_from_slice(name.as_bytes());
            first = false;
        }
    }
    if first {
        out.extend_from_slice(b"<None>");
    }
    out.extend_from_slice(b"] Seq=");
    text::dec(out, seq as u64);
    if flags & 0x010 != 0 {
        out.extend_from_slice(b" Ack=");
        text::dec(out, ack as u64);
    }
    out.extend_from_slice(b" Win=");
    text::dec(out, win);
    if flags & 0x020 != 0 {
        out.extend_from_slice(b" Urg=");
        text::dec(out, be16(h, 18) as u64);
    }
    out.extend_from_slice(b" Len=");
    text::dec(out, (l.end - l.start).saturating_sub(l.len) as u64);
    for opt in strata_wire::tcp::options(h.get(20..).unwrap_or(&[])) {
        use strata_wire::tcp::TcpOption::*;
        match opt {
            Ok(MaxSegmentSize(m)) => {
                out.extend_from_slice(b" MSS=");
                text::dec(out, m as u64);
            }
            Ok(WindowScale(s)) => {
                out.extend_from_slice(b" WS=");
                text::dec(out, 1u64 << s.min(14));
            }
            Ok(SackPermitted) => out.extend_from_slice(b" SACK_PERM"),
            Ok(Sack(blocks)) => {
                // Edges of the peer's sequence space, relative like Ack=.
                for b in blocks.chunks_exact(8) {
                    let (le, re) = (be32(b, 0), be32(b, 4));
                    let base = peer_base;
                    out.extend_from_slice(b" SLE=");
                    text::dec(out, le.wrapping_sub(base) as u64);
                    out.extend_from_slice(b" SRE=");
                    text::dec(out, re.wrapping_sub(base) as u64);
                }
            }
            Ok(Timestamps { tsval, tsecr }) => {
                out.extend_from_slice(b" TSval=");
                text::dec(out, tsval as u64);
                out.extend_from_slice(b" TSecr=");
                text::dec(out, tsecr as u64);
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
}

/// A spanning-tree BPDU (IEEE 802.1D / 802.1w) after its LLC header, as Wireshark sums
/// it up: the kind, then the root bridge (priority / system id extension / MAC), the root
/// path cost and the port.
fn stp_info(b: &[u8], out: &mut Vec<u8>) {
    let (Some(&version), Some(&kind)) = (b.get(2), b.get(3)) else {
        return;
    };
    let name: &[u8] = match (kind, version) {
        (0x80, _) => {
            out.extend_from_slice(b"Topology Change Notification");
            return;
        }
        (0x00, _) => b"Conf. Root = ",
        (0x02, 2) => b"RST. Root = ",
        (0x02, 3) => b"MST. Root = ",
        _ => return,
    };
    let Some(root) = b.get(5..13) else {
        return;
    };
    out.extend_from_slice(name);
    let id = u16::from_be_bytes([root[0], root[1]]);
    text::dec(out, (id & 0xf000) as u64);
    out.push(b'/');
    text::dec(out, (id & 0x0fff) as u64);
    out.push(b'/');
    text::colon_hex(out, &root[2..8]);
    out.extend_from_slice(b"  Cost = ");
    text::dec(out, be32(b, 13) as u64);
    out.extend_from_slice(b"  Port = ");
    text::hex(out, be16(b, 25) as u64, 4);
}

/// The last `proto` header before `l` in the frame's stack: the IP header that carries an
/// ICMP message (the inner one in a tunnel), whose TTL or hop limit the Info shows.
fn carrier<'a>(f: &Frame<'a>, l: &Layer, proto: Proto) -> Option<&'a Layer> {
    let layers = f.decoded.layers();
    let at = layers
        .iter()
        .position(|x| std::ptr::eq(x, l))
        .unwrap_or(layers.len());
    layers[..at].iter().rev().find(|x| x.proto == proto)
}

/// " (request in N)" after an echo reply that answers request N (`transactions`).
fn request_in(f: &Frame, l: &Layer, out: &mut Vec<u8>) {
    if let Some(a) = f.answer.filter(|a| a.proto == l.proto && !l.quoted) {
        out.extend_from_slice(b" (request in ");
        text::dec(out, a.request);
        out.push(b')');
    }
}

fn icmp_info(f: &Frame, l: &Layer, h: &[u8], out: &mut Vec<u8>) {
    let (ty, code) = (
        h.first().copied().unwrap_or(0),
        h.get(1).copied().unwrap_or(0),
    );
    // Wireshark's `icmp_type_str`, then its code string for the types that have one.
    let name = match ty {
        0 => "Echo (ping) reply",
        3 => "Destination unreachable",
        4 => "Source quench (flow control)",
        5 => "Redirect",
        6 => "Alternate host address",
        8 => "Echo (ping) request",
        9 => "Router advertisement",
        10 => "Router solicitation",
        11 => "Time-to-live exceeded",
        12 => "Parameter problem",
        13 => "Timestamp request",
        14 => "Timestamp reply",
        15 => "Information request",
        16 => "Information reply",
        17 => "Address mask request",
        18 => "Address mask reply",
        30 => "Traceroute",
        31 => "Datagram conversion error",
        32 => "Mobile host redirect",
        33 => "IPv6 where-are-you",
        34 => "IPv6 I-am-here",
        35 => "Mobile registration request",
        36 => "Mobile registration reply",
        37 => "Domain name request",
        38 => "Domain name reply",
        39 => "SKIP",
        40 => "Photuris",
        _ => "Unknown ICMP (obsolete or malformed?)",
    };
    let code_str = match (ty, code) {
        (3, 0) => "(Network unreachable)",
        (3, 1) => "(Host unreachable)",
        (3, 2) => "(Protocol unreachable)",
        (3, 3) => "(Port unreachable)",
        (3, 4) => "(Fragmentation needed)",
        (3, 5) => "(Source route failed)",
        (3, 6) => "(Destination network unknown)",
        (3, 7) => "(Destination host unknown)",
        (3, 8) => "(Source host isolated)",
        (3, 9) => "(Network administratively prohibited)",
        (3, 10) => "(Host administratively prohibited)",
        (3, 11) => "(Network unreachable for TOS)",
        (3, 12) => "(Host unreachable for TOS)",
        (3, 13) => "(Communication administratively filtered)",
        (3, 14) => "(Host precedence violation)",
        (3, 15) => "(Precedence cutoff in effect)",
        (5, 0) => "(Redirect for network)",
        (5, 1) => "(Redirect for host)",
        (5, 2) => "(Redirect for TOS and network)",
        (5, 3) => "(Redirect for TOS and host)",
        (11, 0) => "(Time to live exceeded in transit)",
        (11, 1) => "(Fragment reassembly time exceeded)",
        (12, 0) => "(Pointer indicates the error)",
        (12, 1) => "(Required option missing)",
        (12, 2) => "(Bad length)",
        _ => "",
    };
    // Wireshark writes the type name as `%-20s`, padding included.
    out.extend_from_slice(name.as_bytes());
    out.resize(out.len() + 20usize.saturating_sub(name.len()), b' ');
    if !code_str.is_empty() {
        out.push(b' ');
        out.extend_from_slice(code_str.as_bytes());
    }
    if ty == 0 || ty == 8 {
        let (id, seq) = (be16(h, 4), be16(h, 6));
        out.extend_from_slice(b" id=");
        text::hex(out, id as u64, 4);
        out.extend_from_slice(b", seq=");
        text::dec(out, seq as u64);
        out.push(b'/');
        text::dec(out, seq.swap_bytes() as u64);
        if let Some(ip) = carrier(f, l, Proto::Ipv4) {
            out.extend_from_slice(b", ttl=");
            text::dec(out, f.header(ip).get(8).copied().unwrap_or(0) as u64);
        }
        request_in(f, l, out);
    }
}

/// ICMPv6 as Wireshark's `packet-icmpv6.c` writes the Info column: the type name, the code
/// of errors, echo identifiers with the hop limit, Neighbor Discovery targets and link-layer
/// addresses.
fn icmpv6_info(f: &Frame, l: &Layer, out: &mut Vec<u8>) {
    // The whole message: Neighbor Discovery reads past the 8-byte header.
    let h = l.bytes(f.buffer(l));
    let (ty, code) = (
        h.first().copied().unwrap_or(0),
        h.get(1).copied().unwrap_or(0),
    );
    let name = match ty {
        1 => "Destination Unreachable",
        2 => "Packet Too Big",
        3 => "Time Exceeded",
        4 => "Parameter Problem",
        100 | 101 | 200 | 201 => "Private experimentation",
        127 => "Reserved for expansion of ICMPv6 error messages",
        128 => "Echo (ping) request",
        129 => "Echo (ping) reply",
        130 => "Multicast Listener Query",
        131 => "Multicast Listener Report",
        132 => "Multicast Listener Done",
        133 => "Router Solicitation",
        134 => "Router Advertisement",
        135 => "Neighbor Solicitation",
        136 => "Neighbor Advertisement",
        137 => "Redirect",
        138 => "Router Renumbering",
        139 => "Node Information Query",
        140 => "Node Information Reply",
        141 => "Inverse Neighbor Discovery Solicitation",
        142 => "Inverse Neighbor Discovery Advertisement",
        143 => "Multicast Listener Report Message v2",
        144 => "Home Agent Address Discovery Request",
        145 => "Home Agent Address Discovery Reply",
        146 => "Mobile Prefix Solicitation",
        147 => "Mobile Prefix Advertisement",
        148 => "Certification Path Solicitation",
        149 => "Certification Path Advertisement",
        150 => "Experimental Mobility",
        151 => "Multicast Router Advertisement",
        152 => "Multicast Router Solicitation",
        153 => "Multicast Router Termination",
        154 => "FMIPv6",
        155 => "RPL Control",
        156 => "Locator Update",
        157 => "Duplicate Address Request",
        158 => "Duplicate Address Confirmation",
        159 => "MPL Control Message",
        160 => "Extended Echo request",
        161 => "Extended Echo reply",
        255 => "Reserved for expansion of ICMPv6 informational messages",
        _ => {
            out.extend_from_slice(b"Unknown (");
            text::dec(out, ty as u64);
            out.push(b')');
            return;
        }
    };
    out.extend_from_slice(name.as_bytes());
    let code_str = match (ty, code) {
        (1, 0) => "no route to destination",
        (1, 1) => "Administratively prohibited",
        (1, 2) => "Beyond scope of source address",
        (1, 3) => "Address unreachable",
        (1, 4) => "Port unreachable",
        (1, 5) => "Source address failed ingress/egress policy",
        (1, 6) => "Reject route to destination",
        (1, 7) => "Error in Source Routing Header",
        (1, _) => "Unknown",
        (3, 0) => "hop limit exceeded in transit",
        (3, 1) => "fragment reassembly time exceeded",
        (4, 0) => "erroneous header field encountered",
        (4, 1) => "unrecognized Next Header type encountered",
        (4, 2) => "unrecognized IPv6 option encountered",
        (4, 3) => "IPv6 First Fragment has incomplete IPv6 Header Chain",
        _ => "",
    };
    if !code_str.is_empty() {
        out.extend_from_slice(b" (");
        out.extend_from_slice(code_str.as_bytes());
        out.push(b')');
    } else if matches!(ty, 3 | 4) {
        out.extend_from_slice(b" (Unknown (");
        text::dec(out, code as u64);
        out.extend_from_slice(b"))");
    }
    // A link-layer address option (`kind` 1: source, 2: target) among the options from `at`.
    let lla = |at: usize, kind: u8| -> Option<&[u8]> {
        let mut o = h.get(at..)?;
        while o.len() >= 8 {
            let len = o[1] as usize * 8;
            if len == 0 || len > o.len() {
                return None;
            }
            if o[0] == kind && len == 8 {
                return o.get(2..8);
            }
            o = &o[len..];
        }
        None
    };
    let target = |out: &mut Vec<u8>| {
        if let Some(t) = h.get(8..24).and_then(|t| <[u8; 16]>::try_from(t).ok()) {
            text::ipv6(out, t.into());
        }
    };
    match ty {
        128 | 129 => {
            out.extend_from_slice(b" id=");
            text::hex(out, be16(h, 4) as u64, 4);
            out.extend_from_slice(b", seq=");
            text::dec(out, be16(h, 6) as u64);
            if let Some(ip) = carrier(f, l, Proto::Ipv6) {
                out.extend_from_slice(b", hop limit=");
                text::dec(out, f.header(ip).get(7).copied().unwrap_or(0) as u64);
            }
            request_in(f, l, out);
        }
        133..=135 => {
            if ty == 135 {
                out.extend_from_slice(b" for ");
                target(out);
            }
            let options = match ty {
                133 => 8,
                134 => 16,
                _ => 24,
            };
            if let Some(mac) = lla(options, 1) {
                out.extend_from_slice(b" from ");
                push_mac(out, mac);
            }
        }
        136 => {
            out.push(b' ');
            target(out);
            let flags = h.get(4).copied().unwrap_or(0);
            let names = [(0x80, "rtr"), (0x40, "sol"), (0x20, "ovr")];
            out.extend_from_slice(b" (");
            let mut any = false;
            for (bit, n) in names {
                if flags & bit != 0 {
                    if any {
                        out.extend_from_slice(b", ");
                    }
                    out.extend_from_slice(n.as_bytes());
                    any = true;
                }
            }
            if !any {
                out.extend_from_slice(b"none");
            }
            out.push(b')');
            if let Some(mac) = lla(24, 2) {
                out.extend_from_slice(b" is at ");
                push_mac(out, mac);
            }
        }
        _ => {}
    }
}

/// A MAC address as `0a:0b:0c:0d:0e:0f`.
fn push_mac(out: &mut Vec<u8>, mac: &[u8]) {
    for (i, b) in mac.iter().enumerate() {
        if i > 0 {
            out.push(b':');
        }
        text::hex_bare(out, *b as u64, 2);
    }
}

fn arp_info(h: &[u8], out: &mut Vec<u8>) {
    if h.len() < 28 || h[4] != 6 || h[5] != 4 {
        out.extend_from_slice(b"ARP");
        return;
    }
    let v4 = |at: usize, out: &mut Vec<u8>| {
        text::ipv4(out, [h[at], h[at + 1], h[at + 2], h[at + 3]].into())
    };
    match be16(h, 6) {
        1 => {
            if h[14..18] == h[24..28] {
                out.extend_from_slice(b"Gratuitous ARP for ");
                v4(14, out);
                out.extend_from_slice(b" (Request)");
            } else {
                out.extend_from_slice(b"Who has ");
                v4(24, out);
                out.extend_from_slice(b"? Tell ");
                v4(14, out);
            }
        }
        2 => {
            v4(14, out);
            out.extend_from_slice(b" is at ");
            text::colon_hex(out, &h[8..14]);
        }
        op => {
            out.extend_from_slice(b"ARP opcode ");
            text::dec(out, op as u64);
        }
    }
}
