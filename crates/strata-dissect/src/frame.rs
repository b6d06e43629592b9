//! One frame as the dissector sees it: capture metadata plus the decoded layer stack.

use strata_capture::Timestamp;
use strata_wire::{Decoded, Layer, LinkType, Proto};

/// A captured frame with its layer stack, borrowed for the time it is printed or filtered.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    /// 1-based, as Wireshark numbers frames.
    pub number: u64,
    pub ts: Timestamp,
    /// Bytes on the wire.
    pub len: u32,
    pub link: LinkType,
    pub data: &'a [u8],
    pub decoded: &'a Decoded,
    /// The payload of an IP datagram this frame completed (empty otherwise); layers marked
    /// `reassembled` point into it.
    pub reassembled: &'a [u8],
    /// The application layers after the L4 layer (DNS, HTTP, TLS records, ...), in order.
    pub app: &'a [Layer],
    /// Reassembled application messages; app layers marked `reassembled` point into it.
    pub stream: &'a [u8],
    /// The TCP payload belongs to a stream of a known application protocol.
    pub claimed: bool,
    /// The TCP payload ends in a message of this protocol that a later segment completes.
    pub pending: Option<Proto>,
    /// That message starts in this frame.
    pub pending_starts: bool,
    /// The head of the chunked HTTP message the TCP segment continues (empty otherwise).
    pub pending_head: &'a [u8],
    /// The Info column text of the frame's QUIC packet (empty without one).
    pub quic_info: &'a [u8],
    /// The VNC message the TCP segment belongs to.
    pub vnc_message: Option<strata_wire::app::vnc::Message>,
    /// The TCP segment repeats bytes already seen: Wireshark hands it to no dissector.
    pub retransmission: bool,
    /// The sequence analysis of the outermost TCP header (relative numbers, the scaled
    /// window, `tcp.analysis.*`).
    pub tcp: Option<crate::tcp_analysis::TcpInfo>,
    /// The request this frame's ICMP echo reply or DNS response answers.
    pub answer: Option<crate::transactions::Answer>,
}

/// An IPv4 or IPv6 header's source and destination, IPv4 in the first four bytes; zero
/// when the header is cut.
pub(crate) fn ip_addresses(proto: Proto, h: &[u8]) -> ([u8; 16], [u8; 16]) {
    let mut src = [0u8; 16];
    let mut dst = [0u8; 16];
    match proto {
        Proto::Ipv4 if h.len() >= 20 => {
            src[..4].copy_from_slice(&h[12..16]);
            dst[..4].copy_from_slice(&h[16..20]);
        }
        Proto::Ipv6 if h.len() >= 40 => {
            src.copy_from_slice(&h[8..24]);
            dst.copy_from_slice(&h[24..40]);
        }
        _ => {}
    }
    (src, dst)
}

/// True for the application-layer protocols (found by `app`, not the L2-L4 decoder).
pub fn is_app(p: Proto) -> bool {
    matches!(
        p,
        Proto::Dns
            | Proto::Http
            | Proto::Tls
            | Proto::Dhcp
            | Proto::Ntp
            | Proto::Ssh
            | Proto::AppNamed
    )
}

/// Wireshark's filter name of a layer's protocol (`ip`, `mdns`, `pppoes`, `vnc`, ...), the
/// name display filters, the protocol tree and the hierarchy statistics use. An IPv6
/// extension header is part of the `ipv6` item, not a protocol of its own: "".
pub fn filter_name(l: &Layer) -> &'static str {
    use strata_wire::app::dns_flavor;
    match l.proto {
        Proto::Dns => match l.ext_kind {
            dns_flavor::MDNS => "mdns",
            dns_flavor::LLMNR => "llmnr",
            _ => "dns",
        },
        Proto::Http if l.ext_kind == 1 => "ssdp",
        Proto::PppoeSession => "pppoes",
        Proto::PppoeDiscovery => "pppoed",
        Proto::AppNamed => strata_wire::app::filter_name(l.ext_kind),
        Proto::Ipv6Ext => "",
        p => p.filter_name(),
    }
}

impl<'a> Frame<'a> {
    pub fn cap_len(&self) -> u32 {
        self.data.len() as u32
    }
    /// The layers of `proto`, outermost first.
    pub fn layers_of(&self, proto: Proto) -> impl Iterator<Item = &'a Layer> + 'a {
        self.all_layers().filter(move |l| l.proto == proto)
    }
    /// Every layer, the decoded L2-L4 stack then the application layers.
    pub fn all_layers(&self) -> impl DoubleEndedIterator<Item = &'a Layer> + 'a {
        self.decoded.layers().iter().chain(self.app.iter())
    }
    pub fn first(&self, proto: Proto) -> Option<&'a Layer> {
        self.decoded.first(proto)
    }
    /// The buffer a layer's offsets refer to.
    pub fn buffer(&self, layer: &Layer) -> &'a [u8] {
        if is_app(layer.proto) {
            if layer.reassembled {
                self.stream
            } else {
                self.data
            }
        } else if layer.reassembled {
            self.reassembled
        } else {
            self.data
        }
    }
    /// The header bytes of `layer`.
    pub fn header(&self, layer: &Layer) -> &'a [u8] {
        layer.header(self.buffer(layer))
    }
    /// `frame.protocols` as TShark builds it (`eth:ethertype:ip:tcp:tls`): the listed steps
    /// of [`Frame::chain`], joined by colons.
    pub fn protocols(&self, out: &mut Vec<u8>) {
        let start = out.len();
        self.chain(|s| {
            if let Some(name) = s.listed {
                if out.len() > start {
                    out.push(b':');
                }
                out.extend_from_slice(name.as_bytes());
            }
        });
    }
}
