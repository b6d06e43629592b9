//! The frame's protocol chain: the one walk over a frame's layers that `frame.protocols`
//! (`-T fields`, `-T json`, `-V`, display filters) and the protocol hierarchy statistics
//! (`-z io,phs`) both read.
//!
//! TShark builds the two from different things: `frame.protocols` lists every dissector the
//! frame went through (so it has `ethertype` steps, IPv6 extension headers, the datagram an
//! ICMP error quotes and the `data` inside an ICMP echo), while the hierarchy counts the
//! top-level protocol items of the tree (so it has `[N Reassembled TCP Segments]` as
//! `tcp.segments`). A [`Step`] says in which of the two each name appears.

use crate::app::tls_kind;
use crate::frame::{filter_name, is_app, Frame};
use strata_wire::app::{self, http, tls};
use strata_wire::{Layer, LinkType, Proto};

/// One step of the chain, with its name in each view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// The name `frame.protocols` lists, if it lists this step.
    pub listed: Option<&'static str>,
    /// The name of the protocol hierarchy node, if the step is one.
    pub node: Option<&'static str>,
}

impl Step {
    pub const fn both(name: &'static str) -> Step {
        Step {
            listed: Some(name),
            node: Some(name),
        }
    }
    pub const fn listed(name: &'static str) -> Step {
        Step {
            listed: Some(name),
            node: None,
        }
    }
    pub const fn node(name: &'static str) -> Step {
        Step {
            listed: None,
            node: Some(name),
        }
    }
}

impl<'a> Frame<'a> {
    /// Calls `each` with every step of the frame's protocol chain, outermost first.
    pub fn chain(&self, mut each: impl FnMut(Step)) {
        walk(self, &mut each)
    }
}

/// The media-type dissector Wireshark hands an HTTP message's body to, if it has one.
fn http_media(msg: &[u8]) -> Option<&'static str> {
    let http::Parse::Complete(head) = http::Head::parse(msg) else {
        return None;
    };
    if msg.len() <= head.len {
        return None;
    }
    let Some(ct) = head.header(b"content-type") else {
        return Some("data");
    };
    let ct = String::from_utf8_lossy(ct).to_ascii_lowercase();
    let mime = ct.split(';').next().unwrap_or("").trim();
    Some(match mime {
        "text/html"
        | "text/plain"
        | "text/css"
        | "text/javascript"
        | "text/csv"
        | "application/javascript"
        | "application/x-javascript"
        | "application/ecmascript"
        | "application/x-sh"
        | "application/x-tcl"
        | "text/vnd.wap.wml" => "data-text-lines",
        "application/json"
        | "application/json-rpc"
        | "application/jsonrequest"
        | "application/x-ndjson" => "json",
        "text/xml" | "application/xml" => "xml",
        "application/x-www-form-urlencoded" => "urlencoded-form",
        "image/jpeg" => "image-jfif",
        "image/png" => "png",
        "image/gif" => "image-gif",
        "application/octet-stream" => "data",
        m if m.starts_with("multipart/") => "mime_multipart",
        m if m.ends_with("+json") => "json",
        m if m.ends_with("+xml") => "xml",
        _ => "media",
    })
}

fn be16(h: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_be_bytes(h.get(i..i + 2)?.try_into().ok()?))
}

/// The ports of a TCP or UDP layer.
fn ports(f: &Frame, l4: &Layer) -> Option<(u16, u16)> {
    let h = f.header(l4);
    Some((be16(h, 0)?, be16(h, 2)?))
}

/// The protocol of the UDP datagram an ICMP error quotes, found by its ports.
fn quoted_udp_app(f: &Frame) -> Option<&'static str> {
    let udp = f.all_layers().find(|l| l.quoted && l.proto == Proto::Udp)?;
    let (sport, dport) = ports(f, udp)?;
    let payload = udp.payload(f.buffer(udp));
    match app::by_ports(sport, dport, app::udp_port)
        .or_else(|| app::udp_named(sport, dport, payload))
    {
        Some((proto, kind)) => Some(filter_name(&Layer {
            proto,
            ext_kind: kind,
            ..*udp
        })),
        None => (!payload.is_empty()).then_some("data"),
    }
}

/// `frame.protocols`' name of an IPv6 extension header (inside the `ipv6` tree item, so not a
/// hierarchy node).
fn ipv6_ext_name(kind: u8) -> Option<&'static str> {
    Some(match kind {
        0 => "ipv6.hopopts",
        43 => "ipv6.routing",
        44 => "ipv6.fraghdr",
        60 => "ipv6.dstopts",
        135 => "mipv6",
        _ => return None,
    })
}

/// Protocols Wireshark dissects on IP protocol numbers Strata does not decode.
fn ip_proto_name(p: u8) -> Option<&'static str> {
    Some(match p {
        46 => "rsvp",
        88 => "eigrp",
        89 => "ospf",
        103 => "pim",
        112 => "vrrp",
        _ => return None,
    })
}

/// Protocols Wireshark dissects on EtherTypes Strata does not decode, with the subtype step
/// where one follows.
fn ethertype_name(t: u16, payload: &[u8]) -> Option<(&'static str, Option<&'static str>)> {
    Some(match t {
        0x88cc => ("lldp", None),
        0x8899 => ("realtek", None),
        0x8809 => (
            "slow",
            match payload.first() {
                Some(1) => Some("lacp"),
                Some(2) => Some("marker"),
                Some(3) => Some("oampdu"),
                _ => None,
            },
        ),
        0x88e1 => ("homeplug-av", None),
        0x893a => ("ieee1905", None),
        _ => return None,
    })
}

/// What Wireshark hands an 802.2 LLC payload to, by SAP or SNAP protocol id, when Strata does
/// not decode it.
fn llc_name(h: &[u8]) -> Option<&'static str> {
    match (h.first()?, h.get(1)?) {
        (0x42, 0x42) => Some("stp"),
        (0xe0, 0xe0) => Some("ipx"),
        (0xaa, 0xaa) => match (h.get(3..6)?, be16(h, 6)?) {
            ([0, 0, 0x0c], 0x2000) => Some("cdp"),
            _ => None,
        },
        _ => None,
    }
}

/// The `tpkt` / `cotp` / `t125` steps Wireshark shows for a PDU on RDP's port, then the
/// PDU's own name (the layer is named after its content by `rdp::pdu_name`).
fn rdp_steps(name: &'static str, pdu: &[u8], each: &mut dyn FnMut(Step)) {
    if pdu.first() != Some(&3) {
        // Fast-path RDP: TPKT's dissector hands it to RDP.
        each(Step::both("tpkt"));
        each(Step::both(name));
        return;
    }
    each(Step::both("tpkt"));
    if name == "tpkt" {
        return;
    }
    each(Step::both("cotp"));
    let code = pdu.get(5).map_or(0, |c| c & 0xf0);
    let li = pdu.get(4).map_or(0, |&b| b as usize);
    let mcs = pdu.get(5 + li..).unwrap_or(&[]);
    if code == 0xf0 && !mcs.is_empty() {
        each(Step::both("t125"));
        match mcs {
            [0x7f, 0x65 | 0x66, ..] => each(Step::both("t124")),
            _ if name == "rdp" => each(Step::both("rdp")),
            _ => {}
        }
    } else if name == "rdp" {
        each(Step::both("rdp"));
    }
}

/// A TLS record completed from earlier segments whose 5-byte header itself was cut: TLS then
/// asked TCP for one more segment, so the whole segment is in the reassembled call and gets
/// no TLS item of its own.
fn header_split(f: &Frame, l4: Option<&Layer>, rec: &Layer) -> bool {
    let Some(l4) = l4 else { return false };
    let seg = l4.payload(f.buffer(l4));
    let rec = rec.bytes(f.buffer(rec));
    (1..tls::RECORD_HEADER_LEN).any(|p| rec.len() > p && seg.starts_with(&rec[p..]))
}

fn walk(f: &Frame, each: &mut dyn FnMut(Step)) {
    if matches!(
        f.link,
        LinkType::RAW | LinkType::RAW_BSD | LinkType::RAW_OPENBSD
    ) {
        each(Step::both("raw"));
    }
    let mut it = f.all_layers().peekable();
    // The innermost top-level layer so far, and the last L4 one.
    let mut last: Option<&Layer> = None;
    let mut l4: Option<&Layer> = None;
    let mut tcp = false;
    // The last step was a TLS item; whether it was for a record completed from earlier
    // segments (TCP hands the rest of the segment to TLS again: a second item).
    let mut tls_item: Option<bool> = None;
    let mut first_app = true;
    let mut segments = false;
    let mut tls_spanning: Option<&Layer> = None;
    while let Some(l) = it.next() {
        let next = it.peek().copied();
        if l.proto == Proto::Ipv6Ext {
            if let Some(n) = ipv6_ext_name(l.ext_kind) {
                each(Step::listed(n));
            }
            continue;
        }
        let name = filter_name(l);
        if name.is_empty() {
            continue;
        }
        if l.quoted {
            // Inside the ICMP error's tree.
            each(Step::listed(name));
            continue;
        }
        let app_layer = is_app(l.proto);
        let was_tls = tls_item.take();
        match l.proto {
            Proto::Tls if l.ext_kind & tls_kind::IN_QUIC != 0 => {
                // QUIC's CRYPTO frames: TLS inside the QUIC tree.
                each(Step::listed("tls"));
            }
            // The NFLOG header is not a tree item of its own in the hierarchy.
            Proto::Nflog => each(Step::listed(name)),
            Proto::Tls => {
                let spanning = first_app
                    && tcp
                    && l.reassembled
                    && f.reassembled.is_empty()
                    && !header_split(f, l4, l);
                if was_tls == Some(false) {
                    // More records of the same call.
                    tls_item = Some(false);
                } else {
                    each(Step::both("tls"));
                    tls_item = Some(spanning);
                    if spanning {
                        tls_spanning = Some(l);
                    }
                }
            }
            Proto::AppNamed if name == "tpkt" && last.is_some_and(|p| filter_name(p) == "tpkt") => {
                // TPKT continuation bytes of one segment are one item.
            }
            Proto::AppNamed => named(f, l, l4, name, each),
            Proto::Igmp => {
                // The version's dissector lists it again.
                each(Step::both("igmp"));
                each(Step::listed("igmp"));
            }
            _ => each(Step::both(name)),
        }
        if l.proto == Proto::Http {
            if let Some(media) = http_media(f.header(l)) {
                each(Step::both(media));
            }
        }
        if matches!(l.proto, Proto::Tcp | Proto::Udp) {
            l4 = Some(l);
        }
        tcp |= l.proto == Proto::Tcp;
        if app_layer && tcp && l.reassembled && !segments {
            // Wireshark's "[N Reassembled TCP Segments]" item follows the message it
            // completed.
            segments = true;
            each(Step::node("tcp.segments"));
        }
        if app_layer {
            first_app = false;
        }
        if l.proto == Proto::Radiotap {
            each(Step::both("wlan_radio"));
        }
        if matches!(
            l.proto,
            Proto::Eth | Proto::Vlan | Proto::Ieee8021ad | Proto::Sll | Proto::Sll2
        ) && next.is_none_or(|n| n.proto != Proto::Llc)
        {
            each(Step::listed("ethertype"));
        }
        last = Some(l);
    }
    let Some(last) = last else { return };
    if let Some(l) = tls_spanning.filter(|_| tls_item == Some(true)) {
        // The record completed from earlier segments was the only one: any bytes after it
        // start a record and get a TLS item of their own.
        if let Some(l4) = l4 {
            let seg = l4.payload(f.buffer(l4));
            let rec = l.bytes(f.buffer(l));
            if seg.len() > rec.len() || !rec.ends_with(seg) {
                each(Step::both("tls"));
            }
        }
    }
    if tls_spanning.is_none() && tcp && f.claimed && !f.retransmission && first_app {
        if let Some(l4) = l4 {
            // A segment that starts a record it does not complete is handed to TLS, which
            // shows an item before asking for more.
            let seg = l4.payload(f.buffer(l4));
            if seg.len() >= tls::RECORD_HEADER_LEN
                && (0x14..=0x17).contains(&seg[0])
                && tls::record_header_ok(seg)
            {
                each(Step::both("tls"));
            }
        }
    }
    if f.all_layers().last().is_some_and(|x| {
        x.end > x.start + x.len
            && match x.proto {
                Proto::Icmp => matches!(f.header(x).first(), Some(0 | 8)),
                Proto::Icmpv6 => matches!(f.header(x).first(), Some(128 | 129)),
                _ => false,
            }
    }) {
        // An echo's data, inside the ICMP tree (quoted or not).
        each(Step::listed("data"));
    }
    let payload = last.end > last.start + last.len;
    match last.proto {
        // Payload nothing claims is `data`; a segment of a known protocol's stream that
        // completes no message shows nothing.
        Proto::Tcp if payload && !f.claimed && !f.retransmission => each(Step::both("data")),
        // VNC's dissector sees every segment of a message (and names it) before asking for
        // the rest, so the segment lists it.
        Proto::Tcp if payload && f.vnc_message.is_some() && !f.retransmission => {
            each(Step::both("vnc"))
        }
        Proto::Udp if payload => each(Step::both("data")),
        Proto::Ipv4 | Proto::Ipv6 if payload && !last.partial => {
            let h = f.header(last);
            let p = match last.proto {
                Proto::Ipv4 => h.get(9).copied(),
                _ => h.get(6).copied(),
            };
            each(Step::both(p.and_then(ip_proto_name).unwrap_or("data")))
        }
        // An ICMP error's quoted UDP datagram is handed to its port's dissector, whose tree is
        // top-level.
        Proto::Icmp | Proto::Icmpv6 => {
            if let Some(n) = quoted_udp_app(f) {
                each(Step::both(n))
            }
        }
        Proto::Eth | Proto::Vlan | Proto::Ieee8021ad | Proto::Sll | Proto::Sll2 if payload => {
            let h = f.header(last);
            let t = match last.proto {
                Proto::Eth => be16(h, h.len().saturating_sub(2)),
                Proto::Vlan | Proto::Ieee8021ad => be16(h, 2),
                Proto::Sll2 => be16(h, 0),
                _ => be16(h, h.len().saturating_sub(2)),
            };
            match t.and_then(|t| ethertype_name(t, last.payload(f.buffer(last)))) {
                Some((n, sub)) => {
                    each(Step::both(n));
                    if let Some(s) = sub {
                        each(Step::both(s));
                    }
                }
                None => each(Step::both("data")),
            }
        }
        Proto::Llc => {
            if let Some(n) = llc_name(f.header(last)).or_else(|| {
                // The header may stop at the SAPs: look at the bytes after them.
                llc_name(last.bytes(f.buffer(last)))
            }) {
                each(Step::both(n));
            }
        }
        Proto::Chdlc if payload => {
            let h = f.header(last);
            match be16(h, 2) {
                Some(0x8035) => each(Step::both("slarp")),
                Some(0x2000) => each(Step::both("cdp")),
                _ => {}
            }
        }
        _ => {}
    }
}

/// The steps of an application protocol Strata knows by name, with the wrapper protocols
/// TShark shows around it.
fn named(f: &Frame, l: &Layer, l4: Option<&Layer>, name: &'static str, each: &mut dyn FnMut(Step)) {
    let on_tcp = l4.is_some_and(|x| x.proto == Proto::Tcp);
    let port = |p: u16| {
        l4.and_then(|x| ports(f, x))
            .is_some_and(|(s, d)| s == p || d == p)
    };
    match name {
        "smb" | "smb2" if on_tcp => {
            each(Step::both("nbss"));
            each(Step::both(name));
        }
        "esp" | "isakmp" if port(4500) => {
            each(Step::both("udpencap"));
            each(Step::both(name));
        }
        "cip" if on_tcp => {
            each(Step::both("enip"));
            each(Step::both("cip"));
        }
        "cipio" => {
            each(Step {
                listed: Some("cipio"),
                node: Some("enip"),
            });
            each(Step::both("cipio"));
        }
        "nfs" | "mount" | "portmap" => {
            each(Step::both("rpc"));
            each(Step::both(name));
        }
        "mbtcp" => {
            each(Step::both("mbtcp"));
            each(Step::both("modbus"));
        }
        "xmpp" => {
            each(Step::both("xmpp"));
            each(Step::listed("xml"));
        }
        "dtls" => {
            each(Step::both("capwap"));
            each(Step::both("dtls"));
        }
        "bitcoin" => {
            // The heuristic and the port dissector each list it.
            each(Step::both("bitcoin"));
            each(Step::listed("bitcoin"));
        }
        "rdp" | "cotp" | "t125" | "tpkt" => rdp_steps(name, f.header(l), each),
        "tftp" => {
            each(Step::both("tftp"));
            let h = f.header(l);
            if be16(h, 0) == Some(3) && h.len() > 4 {
                each(Step::both("data"));
            }
        }
        _ => each(Step::both(name)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_by_number() {
        assert_eq!(llc_name(&[0x42, 0x42, 0x03]), Some("stp"));
        assert_eq!(llc_name(&[0xe0, 0xe0, 0x03]), Some("ipx"));
        assert_eq!(
            llc_name(&[0xaa, 0xaa, 0x03, 0, 0, 0x0c, 0x20, 0x00]),
            Some("cdp")
        );
        assert_eq!(llc_name(&[0xf0, 0xf0, 0x03]), None);
        assert_eq!(ethertype_name(0x8809, &[1]), Some(("slow", Some("lacp"))));
        assert_eq!(ethertype_name(0x88cc, &[]), Some(("lldp", None)));
        assert_eq!(ip_proto_name(103), Some("pim"));
        assert_eq!(ipv6_ext_name(0), Some("ipv6.hopopts"));
    }

    #[test]
    fn rdp_wrappers() {
        let steps = |name, pdu: &[u8]| {
            let mut v = Vec::new();
            rdp_steps(name, pdu, &mut |s: Step| v.push(s.listed.unwrap()));
            v.join(":")
        };
        // Fast-path RDP (no TPKT version byte).
        assert_eq!(steps("rdp", &[0x44, 0x10]), "tpkt:rdp");
        // X.224 Data carrying an MCS Connect Initial (T.124 inside).
        assert_eq!(
            steps("rdp", &[3, 0, 0, 12, 2, 0xf0, 0x80, 0x7f, 0x65, 0x82]),
            "tpkt:cotp:t125:t124"
        );
        // X.224 Data carrying an MCS sendDataRequest.
        assert_eq!(
            steps("rdp", &[3, 0, 0, 12, 2, 0xf0, 0x80, 0x64, 0x00]),
            "tpkt:cotp:t125:rdp"
        );
        assert_eq!(steps("tpkt", &[3, 0, 0, 4]), "tpkt");
    }
}
