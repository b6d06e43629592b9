//! The protocol tree of a frame and TShark's views of it: `-V` (text tree), `-x` (hex and
//! ASCII), `-T json` (TShark's `_source.layers` layout) and `-T jsonl` (one object per line).
//!
//! The tree is built from the field registry: each protocol layer of the frame is a node,
//! titled as Wireshark titles it, holding every registered field of that protocol the layer
//! carries. The datagram an ICMP error quotes is a child of the ICMP node, as in Wireshark.
//! The tree shows the fields Strata extracts, not every field Wireshark has.

use crate::fields::{FieldDef, Values, FIELDS};
use crate::frame::{is_app, Frame};
use crate::text;
use strata_wire::{Layer, Proto};

/// One protocol node: its Wireshark filter name, its layer (`None` for the frame node), and
/// the nodes nested in it.
pub struct Node<'a> {
    pub name: &'static str,
    pub layer: Option<&'a Layer>,
    pub children: Vec<Node<'a>>,
}

impl Node<'_> {
    /// The line `-V` shows for this node ("Internet Protocol Version 4, Src: ..., Dst: ...").
    pub fn title(&self, f: &Frame) -> String {
        let mut out = Vec::new();
        title(f, self, &mut out);
        String::from_utf8_lossy(&out).into_owned()
    }
    /// The node's fields with their values, as `-T fields` formats them.
    pub fn fields(&self, f: &Frame) -> Vec<(&'static str, String)> {
        let mut v = Vec::new();
        fields_of(f, self, |def, val| {
            v.push((def.name, String::from_utf8_lossy(val).into_owned()))
        });
        v
    }
}

/// The protocol nodes of `f`: `frame`, then every layer in order; IPv6 extension headers
/// belong to their IPv6 node and are not listed.
pub fn build<'a>(f: &Frame<'a>) -> Vec<Node<'a>> {
    let mut nodes = vec![Node {
        name: "frame",
        layer: None,
        children: Vec::new(),
    }];
    for l in f.all_layers().filter(|l| l.proto != Proto::Ipv6Ext) {
        let node = Node {
            name: crate::frame::filter_name(l),
            layer: Some(l),
            children: Vec::new(),
        };
        match nodes.last_mut() {
            Some(icmp)
                if l.quoted
                    && icmp
                        .layer
                        .is_some_and(|i| matches!(i.proto, Proto::Icmp | Proto::Icmpv6)) =>
            {
                icmp.children.push(node)
            }
            _ => nodes.push(node),
        }
    }
    nodes
}

/// The registered fields of a node with their values, in registry order.
fn fields_of(f: &Frame, node: &Node, mut each: impl FnMut(&'static FieldDef, &[u8])) {
    let mut vals = Values::default();
    let (proto, layer) = match node.layer {
        Some(l) => (Some(l.proto), l),
        None => (None, &crate::printer::FRAME_LAYER),
    };
    let on_node = |d: &FieldDef| match proto {
        Some(p) => d.carried_by(p),
        None => d.proto.is_none(),
    };
    for def in FIELDS.iter().filter(|d| on_node(d)) {
        vals.clear();
        if (def.extract)(f, layer, &mut vals) {
            for v in vals.iter() {
                each(def, v);
            }
        }
    }
}

fn be16(h: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_be_bytes(h.get(i..i + 2)?.try_into().ok()?))
}

/// The line Wireshark shows for a protocol node.
fn title(f: &Frame, node: &Node, out: &mut Vec<u8>) {
    let start = out.len();
    let Some(l) = node.layer else {
        let (len, cap) = (f.len as u64, f.cap_len() as u64);
        out.extend_from_slice(
            format!(
                "Frame {}: {len} bytes on wire ({} bits), {cap} bytes captured ({} bits)",
                f.number,
                len * 8,
                cap * 8
            )
            .as_bytes(),
        );
        return;
    };
    let h = f.header(l);
    let src_dst = |out: &mut Vec<u8>, name: &str, a: &str, b: &str| {
        let (mut s, mut d) = (Vec::new(), Vec::new());
        let ok = match l.proto {
            Proto::Eth if h.len() >= 12 => {
                text::colon_hex(&mut d, &h[0..6]);
                text::colon_hex(&mut s, &h[6..12]);
                true
            }
            Proto::Ipv4 if h.len() >= 20 => {
                text::ipv4(&mut s, [h[12], h[13], h[14], h[15]].into());
                text::ipv4(&mut d, [h[16], h[17], h[18], h[19]].into());
                true
            }
            Proto::Ipv6 if h.len() >= 40 => {
                let a: [u8; 16] = h[8..24].try_into().unwrap_or([0; 16]);
                let b: [u8; 16] = h[24..40].try_into().unwrap_or([0; 16]);
                text::ipv6(&mut s, a.into());
                text::ipv6(&mut d, b.into());
                true
            }
            Proto::Tcp | Proto::Udp | Proto::Sctp if h.len() >= 4 => {
                text::dec(&mut s, be16(h, 0).unwrap_or(0) as u64);
                text::dec(&mut d, be16(h, 2).unwrap_or(0) as u64);
                true
            }
            _ => false,
        };
        out.extend_from_slice(name.as_bytes());
        if ok {
            out.extend_from_slice(format!(", {a}: ").as_bytes());
            out.extend_from_slice(&s);
            out.extend_from_slice(format!(", {b}: ").as_bytes());
            out.extend_from_slice(&d);
        }
    };
    match l.proto {
        Proto::Eth => src_dst(out, "Ethernet II", "Src", "Dst"),
        Proto::Ipv4 => src_dst(out, "Internet Protocol Version 4", "Src", "Dst"),
        Proto::Ipv6 => src_dst(out, "Internet Protocol Version 6", "Src", "Dst"),
        Proto::Udp => src_dst(out, "User Datagram Protocol", "Src Port", "Dst Port"),
        Proto::Sctp => src_dst(
            out,
            "Stream Control Transmission Protocol",
            "Src Port",
            "Dst Port",
        ),
        Proto::Tcp => {
            src_dst(out, "Transmission Control Protocol", "Src Port", "Dst Port");
            if !l.partial && !l.quoted {
                let len = (l.end - l.start).saturating_sub(l.len);
                out.extend_from_slice(format!(", Len: {len}").as_bytes());
            }
        }
        Proto::Vlan => {
            let tci = be16(h, 0).unwrap_or(0);
            out.extend_from_slice(
                format!(
                    "802.1Q Virtual LAN, PRI: {}, DEI: {}, ID: {}",
                    tci >> 13,
                    (tci >> 12) & 1,
                    tci & 0xfff
                )
                .as_bytes(),
            );
        }
        Proto::Arp => out.extend_from_slice(match be16(h, 6) {
            Some(1) => b"Address Resolution Protocol (request)",
            Some(2) => b"Address Resolution Protocol (reply)",
            _ => b"Address Resolution Protocol",
        }),
        Proto::Dns => {
            let response = h.get(2).is_some_and(|b| b & 0x80 != 0);
            let name: &[u8] = match l.ext_kind {
                strata_wire::app::dns_flavor::MDNS => b"Multicast Domain Name System",
                strata_wire::app::dns_flavor::LLMNR => b"Link-local Multicast Name Resolution",
                _ => b"Domain Name System",
            };
            out.extend_from_slice(name);
            out.extend_from_slice(if response {
                b" (response)"
            } else {
                b" (query)"
            });
        }
        p => out.extend_from_slice(
            match p {
                Proto::Icmp => "Internet Control Message Protocol",
                Proto::Icmpv6 => "Internet Control Message Protocol v6",
                Proto::Igmp => "Internet Group Management Protocol",
                Proto::Ieee8021ad => "IEEE 802.1ad",
                Proto::Llc => "Logical-Link Control",
                Proto::Mpls => "MultiProtocol Label Switching Header",
                Proto::PppoeSession => "PPP-over-Ethernet Session",
                Proto::PppoeDiscovery => "PPP-over-Ethernet Discovery",
                Proto::Ppp => "Point-to-Point Protocol",
                Proto::Chdlc => "Cisco HDLC",
                Proto::Sll => "Linux cooked capture v1",
                Proto::Sll2 => "Linux cooked capture v2",
                Proto::Null => "Null/Loopback",
                Proto::Radiotap => "Radiotap Header",
                Proto::Wlan => "IEEE 802.11",
                Proto::Gre => "Generic Routing Encapsulation",
                Proto::Vxlan => "Virtual eXtensible Local Area Network",
                Proto::Geneve => "Generic Network Virtualization Encapsulation",
                Proto::CapwapData => "Control And Provisioning of Wireless Access Points - Data",
                Proto::GtpU => "GPRS Tunneling Protocol",
                Proto::Teredo => "Teredo IPv6 over UDP tunneling",
                Proto::Esp => "Encapsulating Security Payload",
                Proto::Http => "Hypertext Transfer Protocol",
                Proto::Tls => "Transport Layer Security",
                Proto::Dhcp => "Dynamic Host Configuration Protocol",
                Proto::Ntp => "Network Time Protocol",
                Proto::Ssh => "SSH Protocol",
                _ => "",
            }
            .as_bytes(),
        ),
    }
    if out.len() == start {
        // A protocol Strata only names: its Protocol column name.
        let name = match l.proto {
            Proto::AppNamed => strata_wire::app::NAMES
                .get(l.ext_kind as usize)
                .copied()
                .unwrap_or("Data"),
            p => p.filter_name(),
        };
        out.extend_from_slice(name.as_bytes());
    }
}

/// Wireshark's label of a registered field (the text before the colon in `-V`).
pub fn label(name: &str) -> &str {
    match name {
        "frame.number" => "Frame Number",
        "frame.time_epoch" => "Epoch Time",
        "frame.len" => "Frame Length",
        "frame.cap_len" => "Capture Length",
        "eth.dst" => "Destination",
        "eth.src" => "Source",
        "eth.type" => "Type",
        "eth.len" => "Length",
        "vlan.id" => "ID",
        "vlan.priority" => "Priority",
        "vlan.etype" => "Type",
        "ip.version" | "ipv6.version" => "Version",
        "ip.hdr_len" => "Header Length",
        "ip.dsfield" => "Differentiated Services Field",
        "ip.len" => "Total Length",
        "ip.id" => "Identification",
        "ip.flags" => "Flags",
        "ip.flags.rb" => "Reserved bit",
        "ip.flags.df" => "Don't fragment",
        "ip.flags.mf" => "More fragments",
        "ip.frag_offset" => "Fragment Offset",
        "ip.ttl" => "Time to Live",
        "ip.proto" => "Protocol",
        "ip.checksum" => "Header Checksum",
        "ip.src" => "Source Address",
        "ip.dst" => "Destination Address",
        "ipv6.tclass" => "Traffic Class",
        "ipv6.flow" => "Flow Label",
        "ipv6.plen" => "Payload Length",
        "ipv6.nxt" => "Next Header",
        "ipv6.hlim" => "Hop Limit",
        "ipv6.src" => "Source Address",
        "ipv6.dst" => "Destination Address",
        "tcp.srcport" | "udp.srcport" | "sctp.srcport" => "Source Port",
        "tcp.dstport" | "udp.dstport" | "sctp.dstport" => "Destination Port",
        "tcp.seq_raw" => "Sequence Number (raw)",
        "tcp.ack_raw" => "Acknowledgment number (raw)",
        "tcp.hdr_len" => "Header Length",
        "tcp.flags" => "Flags",
        "tcp.flags.syn" => "Syn",
        "tcp.flags.ack" => "Acknowledgment",
        "tcp.flags.fin" => "Fin",
        "tcp.flags.reset" => "Reset",
        "tcp.flags.push" => "Push",
        "tcp.window_size_value" => "Window",
        "tcp.checksum" | "udp.checksum" | "icmp.checksum" => "Checksum",
        "tcp.urgent_pointer" => "Urgent Pointer",
        "tcp.len" => "TCP Segment Len",
        "udp.length" => "Length",
        "icmp.type" | "icmpv6.type" | "igmp.type" => "Type",
        "icmp.code" | "icmpv6.code" => "Code",
        "icmp.ident" => "Identifier (BE)",
        "icmp.seq" => "Sequence Number (BE)",
        "arp.hw.type" => "Hardware type",
        "arp.proto.type" => "Protocol type",
        "arp.opcode" => "Opcode",
        "arp.src.hw_mac" => "Sender MAC address",
        "arp.src.proto_ipv4" => "Sender IP address",
        "arp.dst.hw_mac" => "Target MAC address",
        "arp.dst.proto_ipv4" => "Target IP address",
        "dns.id" => "Transaction ID",
        "dns.flags.response" => "Response",
        "dns.qry.name" => "Name",
        "dns.qry.type" => "Type",
        "dns.a" => "Address",
        "dns.aaaa" => "AAAA Address",
        "http.request.method" => "Request Method",
        "http.request.uri" => "Request URI",
        "http.host" => "Host",
        "http.user_agent" => "User-Agent",
        "http.response.code" => "Status Code",
        "tls.handshake.type" => "Handshake Type",
        "tls.handshake.version" => "Version",
        "tls.handshake.extensions_server_name" => "Server Name",
        "tls.handshake.extensions_alpn_str" => "ALPN Next Protocol",
        "tls.handshake.ciphersuite" => "Cipher Suite",
        "dhcp.option.dhcp" => "DHCP",
        "dhcp.option.hostname" => "Host Name",
        "ntp.stratum" => "Peer Clock Stratum",
        "ssh.protocol" => "Protocol",
        "ssh.direction" => "Direction",
        "ssh.packet_length" => "Packet Length",
        "ssh.padding_length" => "Padding Length",
        "ssh.message_code" => "Message Code",
        "ssh.cookie" => "Cookie",
        "ssh.kex_algorithms_length" => "kex_algorithms length",
        "ssh.kex_algorithms" => "kex_algorithms string",
        "ssh.server_host_key_algorithms_length" => "server_host_key_algorithms length",
        "ssh.server_host_key_algorithms" => "server_host_key_algorithms string",
        "ssh.encryption_algorithms_client_to_server_length" => {
            "encryption_algorithms_client_to_server length"
        }
        "ssh.encryption_algorithms_client_to_server" => {
            "encryption_algorithms_client_to_server string"
        }
        "ssh.encryption_algorithms_server_to_client_length" => {
            "encryption_algorithms_server_to_client length"
        }
        "ssh.encryption_algorithms_server_to_client" => {
            "encryption_algorithms_server_to_client string"
        }
        "ssh.mac_algorithms_client_to_server_length" => "mac_algorithms_client_to_server length",
        "ssh.mac_algorithms_client_to_server" => "mac_algorithms_client_to_server string",
        "ssh.mac_algorithms_server_to_client_length" => "mac_algorithms_server_to_client length",
        "ssh.mac_algorithms_server_to_client" => "mac_algorithms_server_to_client string",
        "ssh.compression_algorithms_client_to_server_length" => {
            "compression_algorithms_client_to_server length"
        }
        "ssh.compression_algorithms_client_to_server" => {
            "compression_algorithms_client_to_server string"
        }
        "ssh.compression_algorithms_server_to_client_length" => {
            "compression_algorithms_server_to_client length"
        }
        "ssh.compression_algorithms_server_to_client" => {
            "compression_algorithms_server_to_client string"
        }
        "ssh.languages_client_to_server_length" => "languages_client_to_server length",
        "ssh.languages_client_to_server" => "languages_client_to_server string",
        "ssh.languages_server_to_client_length" => "languages_server_to_client length",
        "ssh.languages_server_to_client" => "languages_server_to_client string",
        "ssh.first_kex_packet_follows" => "First KEX Packet Follows",
        "ssh.kex.reserved" => "Reserved",
        "ssh.kex.hassh_algorithms" => "hasshAlgorithms",
        "ssh.kex.hasshserver_algorithms" => "hasshServerAlgorithms",
        "ssh.kex.hassh" => "hassh",
        "ssh.kex.hasshserver" => "hasshServer",
        "ssh.padding_string" => "Padding String",
        "tls.handshake.certificates_length" => "Certificates Length",
        "tls.handshake.certificate_length" => "Certificate Length",
        "tls.handshake.certificate" => "Certificate",
        "x509af.version" => "version",
        "x509af.serialNumber" => "serialNumber",
        "x509af.algorithm.id" => "Algorithm Id",
        "x509if.rdnSequence" => "rdnSequence",
        "x509af.rdnSequence" => "rdnSequence",
        "x509sat.CountryName" => "CountryName",
        "x509sat.printableString" => "printableString",
        "x509sat.uTF8String" => "uTF8String",
        "x509sat.teletexString" => "teletexString",
        "x509sat.bmpString" => "bmpString",
        "x509sat.IA5String" => "IA5String",
        "x509sat.PrintableString" => "PrintableString",
        "x509af.utcTime" => "utcTime",
        "x509af.generalizedTime" => "generalizedTime",
        "x509af.subjectPublicKey" => "subjectPublicKey",
        "x509af.extension.id" => "Extension Id",
        "x509af.critical" => "critical",
        "x509ce.SubjectKeyIdentifier" => "SubjectKeyIdentifier",
        "x509ce.keyIdentifier" => "keyIdentifier",
        "x509ce.cA" => "cA",
        "x509ce.pathLenConstraint" => "pathLenConstraint",
        "x509ce.KeyPurposeId" => "KeyPurposeId",
        "x509ce.uniformResourceIdentifier" => "uniformResourceIdentifier",
        "x509ce.dNSName" => "dNSName",
        "dns.flags" => "Flags",
        "dns.response_to" => "Request In",
        "dns.time" => "Time",
        "icmp.resp_to" | "icmpv6.resp_to" => "Response To",
        "icmp.resptime" | "icmpv6.resptime" => "Response Time",
        "dns.flags.opcode" => "Opcode",
        "dns.flags.authoritative" => "Authoritative",
        "dns.flags.truncated" => "Truncated",
        "dns.flags.recdesired" => "Recursion desired",
        "dns.flags.recavail" => "Recursion available",
        "dns.flags.z" => "Z",
        "dns.flags.authenticated" => "Answer authenticated",
        "dns.flags.checkdisable" => "Non-authenticated data",
        "dns.flags.rcode" => "Reply code",
        "dns.count.queries" => "Questions",
        "dns.count.answers" => "Answer RRs",
        "dns.count.auth_rr" => "Authority RRs",
        "dns.count.add_rr" => "Additional RRs",
        "dns.qry.class" => "Class",
        "dns.resp.name" => "Name",
        "dns.resp.type" => "Type",
        "dns.resp.class" => "Class",
        "dns.resp.ttl" => "Time to live",
        "dns.resp.len" => "Data length",
        "dns.rr.udp_payload_size" => "UDP payload size",
        "dns.resp.ext_rcode" => "Higher bits in extended RCODE",
        "dns.resp.edns0_version" => "EDNS0 version",
        "dns.resp.z" => "Z",
        "dns.resp.z.do" => "DO bit",
        "dns.resp.z.reserved" => "Reserved",
        "dns.opt.code" => "Option Code",
        "dns.opt.len" => "Option Length",
        "dns.cname" => "CNAME",
        "dns.ns" => "Name Server",
        "dns.ptr.domain_name" => "Domain Name",
        "dns.mx.preference" => "Preference",
        "dns.mx.mail_exchange" => "Mail Exchange",
        "dns.txt" => "TXT",
        "dns.txt.length" => "TXT Length",
        "dns.soa.mname" => "Primary name server",
        "dns.soa.rname" => "Responsible authority's mailbox",
        "dns.soa.serial_number" => "Serial Number",
        "dns.soa.refresh_interval" => "Refresh Interval",
        "dns.soa.retry_interval" => "Retry Interval",
        "dns.soa.expire_limit" => "Expire limit",
        "dns.soa.minimum_ttl" => "Minimum TTL",
        "dns.srv.priority" => "Priority",
        "dns.srv.weight" => "Weight",
        "dns.srv.port" => "Port",
        "dns.srv.target" => "Target",
        "gre.proto" => "Protocol Type",
        "vxlan.vni" => "VXLAN Network Identifier (VNI)",
        "mpls.label" => "MPLS Label",
        "gtp.teid" => "TEID",
        "sll.pkttype" => "Packet type",
        "sll.etype" => "Protocol",
        other => other,
    }
}

/// The output view of `-V`, `-T json` and `-T jsonl`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// `-V`: the indented text tree.
    Text,
    /// `-T json`: one JSON array of packets, TShark's layout.
    Json,
    /// `-T jsonl`: one compact JSON object per packet and line.
    Jsonl,
}

/// Prints frames in one of the tree views, optionally followed by `-x` hex dumps.
pub struct TreePrinter {
    view: Option<View>,
    hex: bool,
    /// Repeated protocols as arrays (`--no-duplicate-keys`) instead of repeated keys.
    pub no_duplicate_keys: bool,
    printed: u64,
}

impl TreePrinter {
    /// `view` None with `hex` prints hex dumps only (`tshark -x`).
    pub fn new(view: Option<View>, hex: bool) -> TreePrinter {
        TreePrinter {
            view,
            hex,
            no_duplicate_keys: false,
            printed: 0,
        }
    }

    pub fn frame(&mut self, f: &Frame, out: &mut Vec<u8>) {
        let nodes = build(f);
        match self.view {
            Some(View::Text) => {
                for n in &nodes {
                    text_node(f, n, 0, out);
                }
                out.push(b'\n');
            }
            Some(View::Json) => {
                out.extend_from_slice(if self.printed == 0 { b"[\n" } else { b",\n" });
                json_packet(f, &nodes, self.no_duplicate_keys, self.hex, out);
            }
            Some(View::Jsonl) => {
                jsonl_packet(f, &nodes, self.hex, out);
            }
            None => {}
        }
        if self.hex && self.view != Some(View::Json) && self.view != Some(View::Jsonl) {
            hex_dumps(f, out);
        }
        self.printed += 1;
    }

    /// Closes the JSON array.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        if self.view == Some(View::Json) {
            out.extend_from_slice(if self.printed == 0 {
                b"[\n\n]\n"
            } else {
                b"\n]\n"
            });
        }
    }
}

fn text_node(f: &Frame, n: &Node, depth: usize, out: &mut Vec<u8>) {
    let indent = "    ".repeat(depth);
    out.extend_from_slice(indent.as_bytes());
    title(f, n, out);
    out.push(b'\n');
    let inner = "    ".repeat(depth + 1);
    fields_of(f, n, |def, v| {
        out.extend_from_slice(inner.as_bytes());
        out.extend_from_slice(label(def.name).as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(v);
        out.push(b'\n');
    });
    if n.layer.is_none() {
        out.extend_from_slice(inner.as_bytes());
        out.extend_from_slice(b"[Protocols in frame: ");
        f.protocols(out);
        out.extend_from_slice(b"]\n");
    }
    for c in &n.children {
        text_node(f, c, depth + 1, out);
    }
}

/// Appends `s` as a JSON string.
fn json_str(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    for ch in String::from_utf8_lossy(s).chars() {
        match ch {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            c if (c as u32) < 0x20 => {
                out.extend_from_slice(format!("\\u{:04x}", c as u32).as_bytes())
            }
            c => {
                let mut b = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
            }
        }
    }
    out.push(b'"');
}

/// Writes one node's object body (fields, then nested nodes) at `depth`; `pretty` indents
/// as TShark does, else compact.
fn json_node_body(
    f: &Frame,
    n: &Node,
    all: &[Node],
    depth: usize,
    pretty: bool,
    arrays: bool,
    out: &mut Vec<u8>,
) {
    let pad = |out: &mut Vec<u8>, d: usize| {
        if pretty {
            out.push(b'\n');
            out.extend_from_slice("  ".repeat(d).as_bytes());
        }
    };
    let sep: &[u8] = if pretty { b": " } else { b":" };
    out.push(b'{');
    let mut first = true;
    let mut values: Vec<(&'static str, Vec<u8>)> = Vec::new();
    fields_of(f, n, |def, v| values.push((def.name, v.to_vec())));
    let mut i = 0;
    while i < values.len() {
        // With `arrays`, a field with several values is one key holding them all.
        let mut j = i + 1;
        while arrays && j < values.len() && values[j].0 == values[i].0 {
            j += 1;
        }
        if !first {
            out.push(b',');
        }
        first = false;
        pad(out, depth + 1);
        json_str(out, values[i].0.as_bytes());
        out.extend_from_slice(sep);
        if j - i > 1 {
            out.push(b'[');
            for (k, (_, v)) in values[i..j].iter().enumerate() {
                if k > 0 {
                    out.push(b',');
                }
                json_str(out, v);
            }
            out.push(b']');
        } else {
            json_str(out, &values[i].1);
        }
        i = j;
    }
    if n.layer.is_none() {
        if !first {
            out.push(b',');
        }
        first = false;
        pad(out, depth + 1);
        json_str(out, b"frame.protocols");
        out.extend_from_slice(sep);
        let mut p = Vec::new();
        f.protocols(&mut p);
        json_str(out, &p);
    }
    json_members(
        f,
        &n.children,
        all,
        depth + 1,
        pretty,
        arrays,
        &mut first,
        out,
    );
    pad(out, depth);
    out.push(b'}');
}

/// Writes nodes as members `"name": {...}`; with `arrays`, a repeated name once with an
/// array of objects.
#[allow(clippy::too_many_arguments)]
fn json_members(
    f: &Frame,
    nodes: &[Node],
    all: &[Node],
    depth: usize,
    pretty: bool,
    arrays: bool,
    first: &mut bool,
    out: &mut Vec<u8>,
) {
    let sep: &[u8] = if pretty { b": " } else { b":" };
    let mut done = vec![false; nodes.len()];
    for i in 0..nodes.len() {
        if done[i] {
            continue;
        }
        if !*first {
            out.push(b',');
        }
        *first = false;
        if pretty {
            out.push(b'\n');
            out.extend_from_slice("  ".repeat(depth).as_bytes());
        }
        json_str(out, nodes[i].name.as_bytes());
        out.extend_from_slice(sep);
        let same: Vec<usize> = if arrays {
            (i..nodes.len())
                .filter(|&j| nodes[j].name == nodes[i].name)
                .collect()
        } else {
            vec![i]
        };
        if same.len() > 1 {
            out.push(b'[');
            for (k, &j) in same.iter().enumerate() {
                if k > 0 {
                    out.push(b',');
                }
                json_node_body(f, &nodes[j], all, depth, pretty, arrays, out);
                done[j] = true;
            }
            out.push(b']');
        } else {
            json_node_body(f, &nodes[i], all, depth, pretty, arrays, out);
            done[i] = true;
        }
    }
}

/// The date part of TShark's `_index` (`packets-YYYY-MM-DD`), in UTC.
fn index_date(secs: i64) -> String {
    // Days to civil date (Howard Hinnant's algorithm).
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("packets-{y:04}-{m:02}-{d:02}")
}

fn json_packet(f: &Frame, nodes: &[Node], arrays: bool, hex: bool, out: &mut Vec<u8>) {
    out.extend_from_slice(b"  {\n    \"_index\": ");
    json_str(out, index_date(f.ts.secs).as_bytes());
    out.extend_from_slice(b",\n    \"_type\": \"doc\",\n    \"_score\": null,\n    \"_source\": {\n      \"layers\": {");
    let mut first = true;
    json_members(f, nodes, nodes, 4, true, arrays, &mut first, out);
    if hex {
        out.extend_from_slice(b",\n        \"frame_raw\": ");
        json_hex(f.data, out);
    }
    out.extend_from_slice(b"\n      }\n    }\n  }");
}

fn jsonl_packet(f: &Frame, nodes: &[Node], hex: bool, out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"timestamp\":");
    let mut ts = Vec::new();
    text::epoch(&mut ts, f.ts.secs, f.ts.nanos);
    out.extend_from_slice(&ts);
    out.extend_from_slice(b",\"layers\":{");
    let mut first = true;
    json_members(f, nodes, nodes, 0, false, true, &mut first, out);
    if hex {
        out.extend_from_slice(b",\"frame_raw\":");
        json_hex(f.data, out);
    }
    out.extend_from_slice(b"}}\n");
}

fn json_hex(b: &[u8], out: &mut Vec<u8>) {
    out.push(b'"');
    for c in b {
        out.extend_from_slice(format!("{c:02x}").as_bytes());
    }
    out.push(b'"');
}

/// `-x`: the frame's bytes, then any reassembled buffer, each titled when there are several.
fn hex_dumps(f: &Frame, out: &mut Vec<u8>) {
    let mut sources: Vec<(String, &[u8])> =
        vec![(format!("Frame ({} bytes):", f.data.len()), f.data)];
    if !f.reassembled.is_empty() {
        let v = if f.first(Proto::Ipv6).is_some() && f.first(Proto::Ipv4).is_none() {
            "IPv6"
        } else {
            "IPv4"
        };
        sources.push((
            format!("Reassembled {v} ({} bytes):", f.reassembled.len()),
            f.reassembled,
        ));
    }
    if !f.stream.is_empty() && f.app.iter().any(|l| l.reassembled && is_app(l.proto)) {
        sources.push((
            format!("Reassembled TCP ({} bytes):", f.stream.len()),
            f.stream,
        ));
    }
    let titled = sources.len() > 1;
    for (name, bytes) in sources {
        if titled {
            out.extend_from_slice(name.as_bytes());
            out.push(b'\n');
        }
        hex_dump(bytes, out);
    }
    out.push(b'\n');
}

/// TShark's `-x` lines: offset (as many digits as the buffer needs, at least four), 16 bytes,
/// three spaces, the printable text.
pub fn hex_dump(b: &[u8], out: &mut Vec<u8>) {
    let digits = match b.len() {
        0..=0xffff => 4,
        0x1_0000..=0xf_ffff => 5,
        0x10_0000..=0xff_ffff => 6,
        _ => 8,
    };
    for (i, line) in b.chunks(16).enumerate() {
        let mut s = format!("{:0digits$x}  ", i * 16);
        for (j, c) in line.iter().enumerate() {
            if j > 0 {
                s.push(' ');
            }
            s.push_str(&format!("{c:02x}"));
        }
        s.push_str(&" ".repeat(3 * (16 - line.len()) + 3));
        s.extend(line.iter().map(|&c| {
            if (0x20..0x7f).contains(&c) {
                c as char
            } else {
                '.'
            }
        }));
        s.push('\n');
        out.extend_from_slice(s.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_dates() {
        assert_eq!(index_date(1_795_750_090), "packets-2026-11-27");
        assert_eq!(index_date(0), "packets-1970-01-01");
        assert_eq!(index_date(951_782_400), "packets-2000-02-29");
    }

    #[test]
    fn hex_dump_lines() {
        let mut out = Vec::new();
        hex_dump(b"\x02\x53ABCDEFGHIJKLMN\xb1\x73", &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "0000  02 53 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e   .SABCDEFGHIJKLMN\n\
             0010  b1 73                                             .s\n"
        );
    }
}
