//! `-z io,phs`: TShark's protocol hierarchy statistics.
//!
//! Each frame contributes its chain of top-level protocols (Wireshark filter names: `eth`,
//! `ip`, `tcp`, `tls`, ...) to a tree; every node on the chain counts the frame and its length
//! on the wire. Headers Wireshark shows inside another protocol's subtree are not top-level and
//! are left out: IPv6 extension headers, and the datagram quoted by an ICMP error. Payload no
//! dissector claims is `data`.

use crate::frame::Frame;
use strata_wire::app::{self, http};
use strata_wire::{Layer, Proto};

struct Node {
    name: &'static str,
    frames: u64,
    bytes: u64,
    children: Vec<usize>,
}

/// The hierarchy being filled; node 0 is the (unprinted) frame root.
pub struct Hierarchy {
    nodes: Vec<Node>,
}

impl Default for Hierarchy {
    fn default() -> Hierarchy {
        Hierarchy {
            nodes: vec![Node {
                name: "frame",
                frames: 0,
                bytes: 0,
                children: Vec::new(),
            }],
        }
    }
}

/// The name a layer has in the protocol hierarchy, or `None` when it is not a top-level item
/// (IPv6 extension headers, the datagram an ICMP error quotes).
fn node_name(l: &Layer) -> Option<&'static str> {
    let name = crate::frame::filter_name(l);
    (!l.quoted && !name.is_empty()).then_some(name)
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

/// The protocol of the UDP datagram an ICMP error quotes, found by its ports.
fn quoted_udp_app(f: &Frame) -> Option<&'static str> {
    let udp = f.all_layers().find(|l| l.quoted && l.proto == Proto::Udp)?;
    let h = f.header(udp);
    let sport = u16::from_be_bytes(h.get(0..2)?.try_into().ok()?);
    let dport = u16::from_be_bytes(h.get(2..4)?.try_into().ok()?);
    let payload = udp.payload(f.buffer(udp));
    let (proto, kind) = app::by_ports(sport, dport, app::udp_port)
        .or_else(|| app::udp_named(sport, dport, payload))?;
    Some(crate::frame::filter_name(&Layer {
        proto,
        ext_kind: kind,
        ..*udp
    }))
}

impl Hierarchy {
    pub fn frame(&mut self, f: &Frame) {
        let bytes = f.len as u64;
        let mut at = 0;
        self.count(at, bytes);
        let mut last: Option<&Layer> = None;
        let mut tcp = false;
        for l in f.all_layers() {
            if let Some(name) = node_name(l) {
                if l.proto == Proto::Tls && last.is_some_and(|p| p.proto == Proto::Tls) {
                    // The records of one segment are one TLS item in Wireshark's tree.
                    continue;
                }
                at = self.child(at, name);
                self.count(at, bytes);
                last = Some(l);
                tcp |= l.proto == Proto::Tcp;
                if l.proto == Proto::Http {
                    if let Some(media) = http_media(f.header(l)) {
                        at = self.child(at, media);
                        self.count(at, bytes);
                    }
                }
            }
        }
        let Some(last) = last else { return };
        let tail = match last.proto {
            // An application message reassembled from several segments is followed by
            // Wireshark's "[N Reassembled TCP Segments]" item.
            p if crate::frame::is_app(p) => {
                (tcp && f.app.iter().any(|l| l.reassembled)).then_some("tcp.segments")
            }
            // Payload nothing claims is `data`; a segment of a known protocol's stream that
            // completes no message shows nothing.
            Proto::Tcp => (last.end > last.start + last.len && !f.claimed).then_some("data"),
            Proto::Udp => (last.end > last.start + last.len).then_some("data"),
            Proto::Ipv4 | Proto::Ipv6 => {
                (last.end > last.start + last.len && !last.partial).then_some("data")
            }
            // An ICMP error's quoted UDP datagram is handed to its port's dissector, whose
            // tree is top-level.
            Proto::Icmp | Proto::Icmpv6 => quoted_udp_app(f),
            _ => None,
        };
        if let Some(name) = tail {
            at = self.child(at, name);
            self.count(at, bytes);
        }
    }

    fn count(&mut self, at: usize, bytes: u64) {
        self.nodes[at].frames += 1;
        self.nodes[at].bytes += bytes;
    }

    fn child(&mut self, at: usize, name: &'static str) -> usize {
        if let Some(&c) = self.nodes[at]
            .children
            .iter()
            .find(|&&c| self.nodes[c].name == name)
        {
            return c;
        }
        self.nodes.push(Node {
            name,
            frames: 0,
            bytes: 0,
            children: Vec::new(),
        });
        let c = self.nodes.len() - 1;
        self.nodes[at].children.push(c);
        c
    }

    /// Prints the tree as TShark 4.0 does: children in the order first seen, two spaces of
    /// indent per level, the name padded to 41 columns with its indent.
    pub fn draw(&self, filter: Option<&str>, out: &mut Vec<u8>) {
        const RULE: &str = "===================================================================\n";
        out.extend_from_slice(b"\n");
        out.extend_from_slice(RULE.as_bytes());
        out.extend_from_slice(b"Protocol Hierarchy Statistics\nFilter: ");
        out.extend_from_slice(filter.unwrap_or("").as_bytes());
        out.extend_from_slice(b"\n\n");
        for &c in &self.nodes[0].children {
            self.draw_node(c, 0, out);
        }
        out.extend_from_slice(RULE.as_bytes());
    }

    fn draw_node(&self, at: usize, depth: usize, out: &mut Vec<u8>) {
        let n = &self.nodes[at];
        let label = format!("{}{}", "  ".repeat(depth), n.name);
        out.extend_from_slice(
            format!("{label:<40} frames:{} bytes:{}\n", n.frames, n.bytes).as_bytes(),
        );
        for &c in &n.children {
            self.draw_node(c, depth + 1, out);
        }
    }
}
