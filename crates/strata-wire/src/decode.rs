//! The layer-stack decoder: one pass over a frame that records, for each protocol header found,
//! where it starts and how long it is. Nothing is copied and nothing allocated; the consumers
//! (dissector, flow meter, crafter's `show`) build their views from the recorded offsets.
//!
//! A truncated or malformed header does not lose the frame: the layers before it stay, the
//! broken one is recorded as `partial` with what was present, and [`Decoded::stop`] says where
//! and why decoding stopped.

use crate::bytes::{be16, u8_at};
use crate::error::WireError;
use crate::ethernet::ethertype;
use crate::ipv4::protocol;
use crate::linktype::LinkType;
use crate::{
    arp, capwap, chdlc, ethernet, geneve, gre, gtpu, icmp, icmpv6, ieee80211, igmp, ipv4, ipv6,
    llc, mpls, null, ppp, pppoe, radiotap, sctp, sll, tcp, udp, vlan, vxlan,
};

/// MPLS-in-UDP's destination port (RFC 7510), which Wireshark decodes by default.
pub const MPLS_UDP_PORT: u16 = 6635;

/// Most layers a frame may have; deeper stacks (tunnel bombs) stop with an error.
pub const MAX_LAYERS: usize = 32;

/// The protocols the decoder recognises, named after their Wireshark filter names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Proto {
    /// BSD loopback (`null`).
    Null,
    /// Linux cooked v1 (`sll`).
    Sll,
    /// Linux cooked v2 (`sll` in Wireshark too).
    Sll2,
    Eth,
    Llc,
    Vlan,
    /// IEEE 802.1ad service tag (EtherType 0x88a8), `ieee8021ad` in Wireshark.
    Ieee8021ad,
    /// Cisco FabricPath outer header (EtherType 0x8903).
    Cfp,
    Mpls,
    PppoeSession,
    PppoeDiscovery,
    Ppp,
    Chdlc,
    Radiotap,
    /// IEEE 802.11 MAC header (`wlan`).
    Wlan,
    Arp,
    Ipv4,
    Ipv6,
    /// One IPv6 extension header; `ext_kind` tells which.
    Ipv6Ext,
    Icmp,
    Icmpv6,
    Igmp,
    Tcp,
    Udp,
    Sctp,
    Gre,
    Vxlan,
    Geneve,
    GtpU,
    /// CAPWAP data channel header (`capwap.data`) before a tunnelled 802.11 or 802.3 frame.
    CapwapData,
    /// Teredo (RFC 4380) framing before the IPv6 header it carries.
    Teredo,
    /// ESP (RFC 4303): encrypted, decoding ends here.
    Esp,
    /// ERSPAN type II / III header after GRE.
    Erspan,
    /// Solaris IPNET header (LINKTYPE_IPNET).
    Ipnet,
    /// Frame Relay (Q.922 address + NLPID).
    Fr,
    /// Linux NFLOG header and TLVs.
    Nflog,
    /// Per-Packet Information header (LINKTYPE_PPI).
    Ppi,
    // Application layers (`crate::app`), after the L4 layer; `Layer::ext_kind` holds the
    // flavour (for Dns: `app::dns_flavor`; for Http: 1 = SSDP).
    Dns,
    Http,
    Tls,
    Dhcp,
    Ntp,
    Ssh,
    /// An application protocol known by name only (`app::NAMES[ext_kind]`): no fields yet.
    AppNamed,
}

impl Proto {
    /// Wireshark's protocol filter name.
    pub fn filter_name(self) -> &'static str {
        match self {
            Proto::Null => "null",
            Proto::Sll | Proto::Sll2 => "sll",
            Proto::Eth => "eth",
            Proto::Llc => "llc",
            Proto::Vlan => "vlan",
            Proto::Ieee8021ad => "ieee8021ad",
            Proto::Cfp => "cfp",
            Proto::Mpls => "mpls",
            Proto::PppoeSession | Proto::PppoeDiscovery => "pppoe",
            Proto::Ppp => "ppp",
            Proto::Chdlc => "chdlc",
            Proto::Radiotap => "radiotap",
            Proto::Wlan => "wlan",
            Proto::Arp => "arp",
            Proto::Ipv4 => "ip",
            Proto::Ipv6 | Proto::Ipv6Ext => "ipv6",
            Proto::Icmp => "icmp",
            Proto::Icmpv6 => "icmpv6",
            Proto::Igmp => "igmp",
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
            Proto::Sctp => "sctp",
            Proto::Gre => "gre",
            Proto::Vxlan => "vxlan",
            Proto::Geneve => "geneve",
            Proto::GtpU => "gtp",
            Proto::CapwapData => "capwap.data",
            Proto::Teredo => "teredo",
            Proto::Esp => "esp",
            Proto::Erspan => "erspan",
            Proto::Ipnet => "ipnet",
            Proto::Fr => "fr",
            Proto::Nflog => "nflog",
            Proto::Ppi => "ppi",
            Proto::Dns => "dns",
            Proto::Http => "http",
            Proto::Tls => "tls",
            Proto::Dhcp => "dhcp",
            Proto::Ntp => "ntp",
            Proto::Ssh => "ssh",
            Proto::AppNamed => "data",
        }
    }
}

/// One decoded header: where it is in the frame and how much of it was present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layer {
    pub proto: Proto,
    /// Offset of the header in the frame.
    pub start: u32,
    /// Header bytes present (the whole header unless `partial`).
    pub len: u32,
    /// End of this layer's extent (header + payload as its length field bounds it).
    pub end: u32,
    /// The header was cut short or malformed; only `len` bytes of it are usable.
    pub partial: bool,
    /// Inside the quoted datagram of an ICMP / ICMPv6 error.
    pub quoted: bool,
    /// For `Ipv6Ext`: the extension header type (0, 43, 44, 60, 51, ...).
    pub ext_kind: u8,
    /// Decoded from a reassembled datagram ([`decode_reassembled`]), not the frame: offsets
    /// are into that datagram's payload.
    pub reassembled: bool,
}

impl Layer {
    /// The header's bytes within `frame`.
    pub fn header<'a>(&self, frame: &'a [u8]) -> &'a [u8] {
        frame
            .get(self.start as usize..(self.start + self.len) as usize)
            .unwrap_or(&[])
    }
    /// The header and everything after it up to the layer's end.
    pub fn bytes<'a>(&self, frame: &'a [u8]) -> &'a [u8] {
        frame
            .get(self.start as usize..self.end as usize)
            .unwrap_or(&[])
    }
    /// The bytes after the header up to the layer's end.
    pub fn payload<'a>(&self, frame: &'a [u8]) -> &'a [u8] {
        frame
            .get((self.start + self.len) as usize..self.end as usize)
            .unwrap_or(&[])
    }
}

/// Why and where decoding stopped early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stop {
    /// Frame offset of the header that could not be decoded.
    pub offset: u32,
    pub error: WireError,
}

/// The layer stack of one frame. Reused across frames: `decode` clears it.
#[derive(Debug, Clone)]
pub struct Decoded {
    layers: [Layer; MAX_LAYERS],
    n: usize,
    /// Set when a header was truncated or malformed.
    pub stop: Option<Stop>,
    /// The application payload (after the innermost unquoted TCP/UDP/SCTP header): start, end.
    pub app: Option<(u32, u32)>,
    /// The frame ends with an 802.11 FCS (radiotap flag) that is not part of any layer.
    pub fcs_len: u8,
    /// `app` points into a reassembled datagram, not the frame.
    pub app_reassembled: bool,
}

const EMPTY: Layer = Layer {
    proto: Proto::Eth,
    start: 0,
    len: 0,
    end: 0,
    partial: false,
    quoted: false,
    ext_kind: 0,
    reassembled: false,
};

impl Default for Decoded {
    fn default() -> Decoded {
        Decoded {
            layers: [EMPTY; MAX_LAYERS],
            n: 0,
            stop: None,
            app: None,
            fcs_len: 0,
            app_reassembled: false,
        }
    }
}

impl Decoded {
    pub fn new() -> Decoded {
        Decoded::default()
    }
    pub fn layers(&self) -> &[Layer] {
        &self.layers[..self.n]
    }
    /// The first layer of `proto` (Wireshark's first occurrence).
    pub fn first(&self, proto: Proto) -> Option<&Layer> {
        self.layers().iter().find(|l| l.proto == proto)
    }
    /// The last layer of `proto` (the innermost).
    pub fn last(&self, proto: Proto) -> Option<&Layer> {
        self.layers().iter().rev().find(|l| l.proto == proto)
    }
    pub fn has(&self, proto: Proto) -> bool {
        self.first(proto).is_some()
    }
    /// The innermost layer that is not inside an ICMP error quote.
    pub fn top(&self) -> Option<&Layer> {
        self.layers().iter().rev().find(|l| !l.quoted)
    }
    // Inlined so the layer is written in place: built on the stack with narrow stores and
    // copied with wide loads, it stalled on store forwarding (a sixth of decode time).
    #[inline(always)]
    fn push(&mut self, layer: Layer) -> bool {
        if self.n == MAX_LAYERS {
            self.stop = Some(Stop {
                offset: layer.start,
                error: WireError::Malformed {
                    proto: layer.proto.filter_name(),
                    what: "too many layers",
                },
            });
            return false;
        }
        self.layers[self.n] = layer;
        self.n += 1;
        true
    }
}

/// What the decoder expects next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    Eth,
    Llc,
    EtherType(u16),
    IpVersion,
    Ipv4,
    Ipv6,
    IpProto(u8),
    Ppp,
    /// Application payload (or an unknown protocol): decoding ends.
    Done,
}

/// Decodes `frame` of link type `link` into `out` (cleared first). Never panics.
pub fn decode(link: LinkType, frame: &[u8], out: &mut Decoded) {
    out.n = 0;
    out.stop = None;
    out.app = None;
    out.fcs_len = 0;
    out.app_reassembled = false;
    let mut d = Decoder {
        frame,
        out,
        off: 0,
        end: frame.len(),
        quoted: false,
        reassembled: false,
    };
    let next = d.link(link);
    d.run(next);
}

/// Appends to `out` the layers of a reassembled IP datagram's `payload`, whose upper-layer
/// protocol is `ip_proto`. The new layers are marked `reassembled`.
pub fn decode_reassembled(ip_proto: u8, payload: &[u8], out: &mut Decoded) {
    let mut d = Decoder {
        frame: payload,
        out,
        off: 0,
        end: payload.len(),
        quoted: false,
        reassembled: true,
    };
    d.run(Next::IpProto(ip_proto));
    if d.out.app.is_some() && d.reassembled {
        d.out.app_reassembled = true;
    }
}

/// Where a fragment sits, for the caller that reassembles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fragment {
    /// An IPv4 fragment: the index of its `Ipv4` layer.
    V4 { layer: usize },
    /// An IPv6 fragment: the indexes of its `Ipv6` layer and its fragment header layer.
    V6 { ip: usize, frag: usize },
}

impl Decoded {
    /// The unquoted IP fragment decoding stopped at, if its bytes were captured whole (a
    /// fragment cut by the snaplen can never be reassembled).
    pub fn fragment(&self, frame: &[u8]) -> Option<Fragment> {
        let (i, last) = self.layers().iter().enumerate().next_back()?;
        if last.quoted || last.partial || last.reassembled {
            return None;
        }
        match last.proto {
            Proto::Ipv4 => {
                let p = ipv4::Packet::new_unchecked(last.header(frame));
                let total = p.total_len() as usize;
                let whole = total >= p.header_len() && last.start as usize + total <= frame.len();
                (p.is_fragment() && whole).then_some(Fragment::V4 { layer: i })
            }
            Proto::Ipv6Ext if last.ext_kind == protocol::FRAGMENT => {
                let ip = self.layers()[..i]
                    .iter()
                    .rposition(|l| l.proto == Proto::Ipv6)?;
                let l = &self.layers()[ip];
                let plen = ipv6::Packet::new_unchecked(l.header(frame)).payload_len() as usize;
                let whole = l.start as usize + ipv6::HEADER_LEN + plen <= frame.len();
                whole.then_some(Fragment::V6 { ip, frag: i })
            }
            _ => None,
        }
    }
}

struct Decoder<'a, 'o> {
    frame: &'a [u8],
    out: &'o mut Decoded,
    /// Where the next header starts.
    off: usize,
    /// Where the current extent ends (an IP total length or UDP length bounds what follows).
    end: usize,
    quoted: bool,
    /// Decoding a reassembled datagram: layers are marked so.
    reassembled: bool,
}

impl<'a> Decoder<'a, '_> {
    fn rest(&self) -> &'a [u8] {
        self.frame.get(self.off..self.end).unwrap_or(&[])
    }

    /// Records a complete header of `len` bytes whose extent ends at `end`, and moves past it.
    #[inline]
    fn layer(&mut self, proto: Proto, len: usize, end: usize) -> bool {
        let end = end.clamp(self.off + len.min(self.end - self.off), self.end);
        let ok = self.out.push(Layer {
            proto,
            start: self.off as u32,
            len: len as u32,
            end: end as u32,
            partial: false,
            quoted: self.quoted,
            ext_kind: 0,
            reassembled: self.reassembled,
        });
        self.off += len;
        self.end = end;
        ok
    }

    /// Records what is left as a partial header of `proto` and the reason decoding stops.
    fn fail(&mut self, proto: Proto, error: WireError) -> Next {
        let have = self.end.saturating_sub(self.off);
        self.fail_with(proto, error, have)
    }

    /// Like `fail`, keeping only the first `usable` bytes: the fields before a malformed one.
    fn fail_with(&mut self, proto: Proto, error: WireError, usable: usize) -> Next {
        let have = self.end.saturating_sub(self.off).min(usable);
        if have > 0 {
            self.out.push(Layer {
                proto,
                start: self.off as u32,
                len: have as u32,
                end: self.end as u32,
                partial: true,
                quoted: self.quoted,
                ext_kind: 0,
                reassembled: self.reassembled,
            });
        }
        // A truncated quote inside an ICMP error is normal (RFC 792 quotes 8 bytes): not an error.
        if !self.quoted {
            self.out.stop = Some(Stop {
                offset: self.off as u32,
                error,
            });
        }
        Next::Done
    }

    fn link(&mut self, link: LinkType) -> Next {
        match link {
            LinkType::ETHERNET => Next::Eth,
            LinkType::RAW | LinkType::RAW_BSD | LinkType::RAW_OPENBSD => Next::IpVersion,
            // Wireshark dispatches on the version nibble even for the typed raw-IP link types.
            LinkType::IPV4 | LinkType::IPV6 => Next::IpVersion,
            LinkType::IPNET => {
                // Solaris IPNET: version, family (2 = IPv4, 26 = IPv6), 22 more bytes.
                if self.rest().len() < 24 {
                    return self.fail(
                        Proto::Ipnet,
                        WireError::Truncated {
                            proto: "ipnet",
                            needed: 24,
                            had: self.rest().len(),
                        },
                    );
                }
                let family = u8_at(self.rest(), 1);
                self.layer(Proto::Ipnet, 24, self.end);
                match family {
                    2 => Next::Ipv4,
                    26 => Next::Ipv6,
                    _ => Next::Done,
                }
            }
            LinkType::FRELAY => self.frelay(),
            LinkType::NFLOG => self.nflog(),
            LinkType::PPI => self.ppi(),
            LinkType::NULL | LinkType::LOOP => {
                let be = link == LinkType::LOOP;
                match null::parse(self.rest(), be) {
                    Ok(f) => {
                        self.layer(Proto::Null, null::HEADER_LEN, self.end);
                        match f {
                            null::Family::Ipv4 => Next::Ipv4,
                            null::Family::Ipv6 => Next::Ipv6,
                            null::Family::Other(_) => Next::Done,
                        }
                    }
                    Err(e) => self.fail(Proto::Null, e),
                }
            }
            LinkType::LINUX_SLL | LinkType::LINUX_SLL2 => {
                let (proto, r) = if link == LinkType::LINUX_SLL {
                    (Proto::Sll, sll::parse_v1(self.rest()))
                } else {
                    (Proto::Sll2, sll::parse_v2(self.rest()))
                };
                match r {
                    Ok(h) => {
                        self.layer(proto, h.header_len, self.end);
                        match h.protocol {
                            sll::eth_p::ETH_P_802_2 => Next::Llc,
                            p if h.hatype == 824 || h.hatype == 825 => {
                                // Netlink / IP-over-something: the protocol is not an EtherType.
                                let _ = p;
                                Next::Done
                            }
                            p => Next::EtherType(p),
                        }
                    }
                    Err(e) => self.fail(proto, e),
                }
            }
            LinkType::PPP | LinkType::PPP_HDLC => Next::Ppp,
            LinkType::PPP_ETHER => Next::EtherType(ethertype::PPPOE_SESS),
            LinkType::C_HDLC => match chdlc::parse(self.rest()) {
                Ok((_, proto)) => {
                    self.layer(Proto::Chdlc, chdlc::HEADER_LEN, self.end);
                    if proto == chdlc::PROTO_SLARP {
                        Next::Done
                    } else {
                        Next::EtherType(proto)
                    }
                }
                Err(e) => self.fail(Proto::Chdlc, e),
            },
            LinkType::IEEE802_11_RADIOTAP => match radiotap::parse(self.rest()) {
                Ok(h) => {
                    self.layer(Proto::Radiotap, h.length as usize, self.end);
                    if h.has_fcs() && self.end >= self.off + 4 {
                        self.end -= 4;
                        self.out.fcs_len = 4;
                    }
                    self.wlan()
                }
                Err(e) => self.fail(Proto::Radiotap, e),
            },
            LinkType::IEEE802_11 => self.wlan(),
            _ => Next::Done,
        }
    }

    /// Frame Relay: Q.922 address (2 bytes), UI control 0x03, NLPID (RFC 2427).
    fn frelay(&mut self) -> Next {
        let b = self.rest();
        if b.len() < 4 {
            return self.fail(
                Proto::Fr,
                WireError::Truncated {
                    proto: "fr",
                    needed: 4,
                    had: b.len(),
                },
            );
        }
        match (b[2], b[3]) {
            (0x03, 0xcc) => {
                self.layer(Proto::Fr, 4, self.end);
                Next::Ipv4
            }
            (0x03, 0x8e) => {
                self.layer(Proto::Fr, 4, self.end);
                Next::Ipv6
            }
            // NLPID 0x80: SNAP with one pad byte before it (RFC 2427 §4.1).
            (0x03, 0x00) if b.len() >= 10 && b[4] == 0x80 => {
                let pid = be16(b, 8);
                self.layer(Proto::Fr, 10, self.end);
                Next::EtherType(pid)
            }
            // Cisco's encapsulation: the address, then an EtherType.
            _ if be16(b, 2) >= 0x0600 => {
                let t = be16(b, 2);
                self.layer(Proto::Fr, 4, self.end);
                Next::EtherType(t)
            }
            _ => {
                self.layer(Proto::Fr, 2, self.end);
                Next::Done
            }
        }
    }

    /// Linux NFLOG: family, version, resource id, then TLVs (host byte order, little-endian on
    /// every capture seen); TLV type 9 holds the packet.
    fn nflog(&mut self) -> Next {
        let b = self.rest();
        if b.len() < 4 {
            return self.fail(
                Proto::Nflog,
                WireError::Truncated {
                    proto: "nflog",
                    needed: 4,
                    had: b.len(),
                },
            );
        }
        let family = b[0];
        let mut off = 4;
        while off + 4 <= b.len() {
            let len = crate::bytes::le16(b, off) as usize;
            let ty = crate::bytes::le16(b, off + 2);
            if len < 4 {
                break;
            }
            if ty == 9 {
                let end = (self.off + off + len).min(self.end);
                self.layer(Proto::Nflog, off + 4, end);
                return match family {
                    2 => Next::Ipv4,
                    10 => Next::Ipv6,
                    _ => Next::Done,
                };
            }
            off += len.div_ceil(4) * 4;
        }
        self.layer(Proto::Nflog, b.len(), self.end);
        Next::Done
    }

    /// PPI: version, flags, header length (LE), the DLT of what follows (LE).
    fn ppi(&mut self) -> Next {
        let b = self.rest();
        let len = crate::bytes::le16(b, 2) as usize;
        if b.len() < 8 || len < 8 || b.len() < len {
            return self.fail(
                Proto::Ppi,
                WireError::Truncated {
                    proto: "ppi",
                    needed: len.max(8),
                    had: b.len(),
                },
            );
        }
        let dlt = crate::bytes::le32(b, 4);
        self.layer(Proto::Ppi, len, self.end);
        match LinkType(dlt) {
            LinkType::PPI | LinkType::NFLOG => Next::Done,
            l => self.link(l),
        }
    }

    fn wlan(&mut self) -> Next {
        self.wlan_with(ieee80211::parse)
    }

    fn wlan_with(&mut self, parse: fn(&[u8]) -> Result<ieee80211::Header, WireError>) -> Next {
        match parse(self.rest()) {
            Ok(h) => {
                self.layer(Proto::Wlan, h.header_len, self.end);
                if h.carries_data() && !h.protected() {
                    Next::Llc
                } else {
                    Next::Done
                }
            }
            Err(e) => self.fail(Proto::Wlan, e),
        }
    }

    fn run(&mut self, mut next: Next) {
        while next != Next::Done {
            if self.out.stop.is_some() || self.out.n == MAX_LAYERS {
                return;
            }
            next = match next {
                Next::Eth => self.eth(),
                Next::Llc => self.llc(),
                Next::EtherType(t) => self.ethertype(t),
                Next::IpVersion => match self.rest().first().map(|b| b >> 4) {
                    Some(4) => Next::Ipv4,
                    Some(6) => Next::Ipv6,
                    _ => Next::Done,
                },
                Next::Ipv4 => self.ipv4(),
                Next::Ipv6 => self.ipv6(),
                Next::IpProto(p) => self.ip_proto(p),
                Next::Ppp => self.ppp(),
                Next::Done => Next::Done,
            };
        }
    }

    fn eth(&mut self) -> Next {
        match ethernet::Packet::new_checked(self.rest()) {
            Ok(p) => {
                let t = p.ethertype();
                let end = if t <= ethertype::MAX_8023_LEN {
                    // 802.3: the length bounds the LLC payload (the rest is padding).
                    (self.off + ethernet::HEADER_LEN + t as usize).min(self.end)
                } else {
                    self.end
                };
                self.layer(Proto::Eth, ethernet::HEADER_LEN, end);
                if t <= ethertype::MAX_8023_LEN {
                    // Novell raw 802.3 starts with 0xffff instead of an LLC header.
                    if be16(self.rest(), 0) == 0xffff {
                        Next::Done
                    } else {
                        Next::Llc
                    }
                } else {
                    Next::EtherType(t)
                }
            }
            Err(e) => self.fail(Proto::Eth, e),
        }
    }

    fn llc(&mut self) -> Next {
        match llc::Packet::new_checked(self.rest()) {
            Ok(p) => {
                self.layer(Proto::Llc, p.header_len(), self.end);
                match (p.snap_oui(), p.snap_pid()) {
                    // RFC 1042 / 802.1H: an EtherType follows.
                    (Some(0) | Some(0xf8), Some(pid)) => Next::EtherType(pid),
                    _ => Next::Done,
                }
            }
            Err(e) => self.fail(Proto::Llc, e),
        }
    }

    fn ethertype(&mut self, t: u16) -> Next {
        match t {
            ethertype::IPV4 => Next::Ipv4,
            ethertype::IPV6 => Next::Ipv6,
            ethertype::ARP | ethertype::RARP => match arp::Packet::new_checked(self.rest()) {
                Ok(p) => {
                    let n = p.total_len();
                    self.layer(Proto::Arp, n, self.off + n);
                    Next::Done
                }
                Err(e) => self.fail(Proto::Arp, e),
            },
            ethertype::VLAN | ethertype::QINQ | ethertype::QINQ_OLD1 | ethertype::QINQ_OLD2 => {
                let proto = if t == ethertype::QINQ {
                    Proto::Ieee8021ad
                } else {
                    Proto::Vlan
                };
                match vlan::Packet::new_checked(self.rest()) {
                    Ok(p) => {
                        let t = p.ethertype();
                        self.layer(proto, vlan::HEADER_LEN, self.end);
                        if t <= ethertype::MAX_8023_LEN {
                            Next::Llc
                        } else {
                            Next::EtherType(t)
                        }
                    }
                    Err(e) => self.fail(proto, e),
                }
            }
            ethertype::FABRICPATH => {
                // FabricPath: the outer MACs and EtherType were taken for Ethernet; re-label
                // them, skip FTAG/TTL and continue with the inner Ethernet frame.
                if self.out.n > 0 && self.out.layers[self.out.n - 1].proto == Proto::Eth {
                    let l = &mut self.out.layers[self.out.n - 1];
                    l.proto = Proto::Cfp;
                    l.len += 2;
                    self.off += 2;
                    Next::Eth
                } else {
                    Next::Done
                }
            }
            ethertype::MPLS_UC | ethertype::MPLS_MC => self.mpls(),
            ethertype::PPPOE_SESS | ethertype::PPPOE_DISC => {
                let (proto, disc) = if t == ethertype::PPPOE_DISC {
                    (Proto::PppoeDiscovery, true)
                } else {
                    (Proto::PppoeSession, false)
                };
                match pppoe::Packet::new_checked(self.rest()) {
                    Ok(p) => {
                        let end = self.off + pppoe::HEADER_LEN + p.payload_len() as usize;
                        self.layer(proto, pppoe::HEADER_LEN, end);
                        if disc {
                            Next::Done
                        } else {
                            Next::Ppp
                        }
                    }
                    Err(e) => self.fail(proto, e),
                }
            }
            ethertype::TEB => Next::Eth,
            _ => Next::Done,
        }
    }

    fn mpls(&mut self) -> Next {
        for _ in 0..mpls::MAX_LABELS {
            match mpls::Packet::new_checked(self.rest()) {
                Ok(p) => {
                    let bos = p.bottom_of_stack();
                    if !self.layer(Proto::Mpls, mpls::ENTRY_LEN, self.end) {
                        return Next::Done;
                    }
                    if bos {
                        // No payload type on the wire: guess from the first nibble.
                        return match self.rest().first().map(|b| b >> 4) {
                            Some(4) => Next::Ipv4,
                            Some(6) => Next::Ipv6,
                            Some(0) => {
                                // Pseudowire control word then Ethernet (RFC 4385).
                                if self.rest().len() >= 4 + ethernet::HEADER_LEN {
                                    self.off += 4;
                                    Next::Eth
                                } else {
                                    Next::Done
                                }
                            }
                            _ => Next::Done,
                        };
                    }
                }
                Err(e) => return self.fail(Proto::Mpls, e),
            }
        }
        self.fail(
            Proto::Mpls,
            WireError::Malformed {
                proto: "mpls",
                what: "label stack deeper than MAX_LABELS",
            },
        )
    }

    fn ppp(&mut self) -> Next {
        match ppp::parse(self.rest()) {
            Ok((proto, len)) => {
                self.layer(Proto::Ppp, len, self.end);
                match proto {
                    ppp::protocol::IPV4 => Next::Ipv4,
                    ppp::protocol::IPV6 => Next::Ipv6,
                    ppp::protocol::MPLS_UC => self.mpls(),
                    _ => Next::Done,
                }
            }
            Err(e) => self.fail(Proto::Ppp, e),
        }
    }

    fn ipv4(&mut self) -> Next {
        // Wireshark's "ip" dissector hands version 6 to IPv6.
        if self.rest().first().map(|b| b >> 4) == Some(6) {
            return Next::Ipv6;
        }
        let p = match ipv4::Packet::new_checked(self.rest()) {
            Ok(p) => p,
            // A bad version or IHL: Wireshark shows only the first byte.
            Err(e @ WireError::Malformed { .. }) => return self.fail_with(Proto::Ipv4, e, 1),
            Err(e) => return self.fail(Proto::Ipv4, e),
        };
        let hlen = p.header_len();
        let total = p.total_len() as usize;
        // A total length below the header length (TSO, or a quote) means "to the end".
        let end = if total < hlen {
            self.end
        } else {
            self.off + total
        };
        let (proto, frag_off, frag) = (p.protocol(), p.frag_offset(), p.is_fragment());
        // Whether the whole fragment was captured: only then can it be reassembled.
        let whole = total >= hlen && self.off + total <= self.end;
        self.layer(Proto::Ipv4, hlen, end);
        if frag_off != 0 {
            // Non-first fragments carry no transport header.
            return Next::Done;
        }
        if frag && !self.quoted && whole {
            // First fragments are left to reassembly (as Wireshark does by default); one cut
            // by the snaplen can never be reassembled, so its transport header is decoded.
            return Next::Done;
        }
        Next::IpProto(proto)
    }

    fn ipv6(&mut self) -> Next {
        let p = match ipv6::Packet::new_checked(self.rest()) {
            Ok(p) => p,
            Err(e @ WireError::Malformed { .. }) => return self.fail_with(Proto::Ipv6, e, 1),
            Err(e) => return self.fail(Proto::Ipv6, e),
        };
        let plen = p.payload_len() as usize;
        let end = if plen == 0 {
            self.end
        } else {
            self.off + ipv6::HEADER_LEN + plen
        };
        let mut nh = p.next_header();
        self.layer(Proto::Ipv6, ipv6::HEADER_LEN, end);
        let mut count = 0;
        while ipv6::is_extension(nh) {
            count += 1;
            if count > ipv6::MAX_EXT_HEADERS {
                return self.fail(
                    Proto::Ipv6Ext,
                    WireError::Malformed {
                        proto: "ipv6",
                        what: "more than MAX_EXT_HEADERS extension headers",
                    },
                );
            }
            match ipv6::ExtHeader::parse(nh, self.rest()) {
                Ok(e) => {
                    let frag = e.fragment();
                    let len = e.len();
                    let start = self.off;
                    if !self.layer(Proto::Ipv6Ext, len, self.end) {
                        return Next::Done;
                    }
                    self.out.layers[self.out.n - 1].ext_kind = nh;
                    let _ = start;
                    nh = e.next_header;
                    if let Some(f) = frag {
                        if f.offset != 0 || f.more {
                            return Next::Done;
                        }
                    }
                }
                Err(e) => {
                    let r = self.fail(Proto::Ipv6Ext, e);
                    if self.out.n > 0 && self.out.layers[self.out.n - 1].proto == Proto::Ipv6Ext {
                        self.out.layers[self.out.n - 1].ext_kind = nh;
                    }
                    return r;
                }
            }
        }
        Next::IpProto(nh)
    }

    fn ip_proto(&mut self, p: u8) -> Next {
        match p {
            protocol::TCP => self.tcp(),
            protocol::UDP => self.udp(),
            protocol::ICMP => self.icmp(),
            protocol::ICMPV6 => self.icmpv6(),
            protocol::IGMP => match igmp::Packet::new_checked(self.rest()) {
                Ok(_) => {
                    let n = self.rest().len();
                    self.layer(Proto::Igmp, n, self.end);
                    Next::Done
                }
                Err(e) => self.fail(Proto::Igmp, e),
            },
            protocol::IPIP => Next::Ipv4,
            protocol::IPV6 => Next::Ipv6,
            protocol::GRE => self.gre(),
            protocol::SCTP => match sctp::Packet::new_checked(self.rest()) {
                Ok(_) => {
                    self.layer(Proto::Sctp, sctp::HEADER_LEN, self.end);
                    self.app();
                    Next::Done
                }
                Err(e) => self.fail(Proto::Sctp, e),
            },
            protocol::ESP => {
                let n = self.rest().len().min(8);
                if n == 8 {
                    self.layer(Proto::Esp, 8, self.end);
                } else {
                    let _ = self.fail(
                        Proto::Esp,
                        WireError::Truncated {
                            proto: "esp",
                            needed: 8,
                            had: n,
                        },
                    );
                }
                Next::Done
            }
            _ => Next::Done,
        }
    }

    /// Records the application payload range (for unquoted transports).
    fn app(&mut self) {
        if !self.quoted {
            self.out.app = Some((self.off.min(self.end) as u32, self.end as u32));
        }
    }

    fn tcp(&mut self) -> Next {
        match tcp::Packet::new_checked(self.rest()) {
            Ok(p) => {
                self.layer(Proto::Tcp, p.header_len(), self.end);
                self.app();
                Next::Done
            }
            // A data offset < 5: Wireshark shows the ports and sequence number, then stops.
            Err(e @ WireError::Malformed { .. }) => self.fail_with(Proto::Tcp, e, 8),
            Err(e) => self.fail(Proto::Tcp, e),
        }
    }

    fn udp(&mut self) -> Next {
        let p = match udp::Packet::new_checked(self.rest()) {
            Ok(p) => p,
            Err(e) => return self.fail(Proto::Udp, e),
        };
        let (sport, dport, len) = (p.src_port(), p.dst_port(), p.len() as usize);
        let end = if len >= udp::HEADER_LEN && self.off + len <= self.end {
            self.off + len
        } else {
            self.end
        };
        self.layer(Proto::Udp, udp::HEADER_LEN, end);
        if self.quoted || len < udp::HEADER_LEN {
            // A length below 8 is bogus: Wireshark stops after the UDP header.
            return Next::Done;
        }
        let port = |p: u16| sport == p || dport == p;
        if port(vxlan::UDP_PORT) {
            match vxlan::parse(self.rest()) {
                Ok(_) => {
                    self.layer(Proto::Vxlan, vxlan::HEADER_LEN, self.end);
                    return Next::Eth;
                }
                Err(e) => return self.fail(Proto::Vxlan, e),
            }
        }
        if port(geneve::UDP_PORT) {
            match geneve::parse(self.rest()) {
                Ok(h) => {
                    self.layer(Proto::Geneve, h.header_len, self.end);
                    return Next::EtherType(h.protocol);
                }
                Err(e) => return self.fail(Proto::Geneve, e),
            }
        }
        if port(gtpu::UDP_PORT) {
            match gtpu::parse(self.rest()) {
                Ok(h) => {
                    self.layer(Proto::GtpU, h.header_len, self.end);
                    if h.msg_type == gtpu::MSG_GPDU {
                        return Next::IpVersion;
                    }
                    return Next::Done;
                }
                Err(e) => return self.fail(Proto::GtpU, e),
            }
        }
        if port(capwap::DATA_PORT) {
            // Not CAPWAP after all (or DTLS): the port's application naming decides.
            if let Ok(h) = capwap::parse(self.rest()) {
                self.layer(Proto::CapwapData, h.header_len, self.end);
                return match h.payload() {
                    // Frame Control swapped, Wireshark's default for CAPWAP.
                    capwap::Payload::Ieee80211 => self.wlan_with(ieee80211::parse_swapped_fc),
                    capwap::Payload::Ethernet => Next::Eth,
                    capwap::Payload::Other => Next::Done,
                };
            }
        }
        if port(MPLS_UDP_PORT) {
            // MPLS over UDP (RFC 7510).
            return self.mpls();
        }
        if port(3544) {
            if let Some(n) = teredo_prefix(self.rest()) {
                if n > 0 {
                    self.layer(Proto::Teredo, n, self.end);
                }
                return Next::Ipv6;
            }
        }
        self.app();
        Next::Done
    }

    fn icmp(&mut self) -> Next {
        let p = match icmp::Packet::new_checked(self.rest()) {
            Ok(p) => p,
            Err(e) => return self.fail(Proto::Icmp, e),
        };
        let ty = p.msg_type();
        let hlen = self.rest().len().min(icmp::HEADER_LEN);
        self.layer(Proto::Icmp, hlen, self.end);
        if icmp::is_error(ty) && !self.quoted && self.rest().first().map(|b| b >> 4) == Some(4) {
            self.quoted = true;
            return Next::Ipv4;
        }
        Next::Done
    }

    fn icmpv6(&mut self) -> Next {
        let p = match icmpv6::Packet::new_checked(self.rest()) {
            Ok(p) => p,
            Err(e) => return self.fail(Proto::Icmpv6, e),
        };
        let ty = p.msg_type();
        let hlen = self.rest().len().min(icmpv6::HEADER_LEN);
        self.layer(Proto::Icmpv6, hlen, self.end);
        if icmpv6::is_error(ty) && !self.quoted && self.rest().first().map(|b| b >> 4) == Some(6) {
            self.quoted = true;
            return Next::Ipv6;
        }
        Next::Done
    }

    fn gre(&mut self) -> Next {
        match gre::parse(self.rest()) {
            Ok(h) => {
                self.layer(Proto::Gre, h.header_len, self.end);
                match h.protocol {
                    // PPTP carries PPP.
                    0x880b => Next::Ppp,
                    0x88be | 0x22eb => self.erspan(h.protocol, h.seq.is_some()),
                    t => Next::EtherType(t),
                }
            }
            Err(e) => self.fail(Proto::Gre, e),
        }
    }
}

impl Decoder<'_, '_> {
    /// ERSPAN: type I (0x88be without a sequence number) has no header; type II 8 bytes;
    /// type III (0x22eb) 12 bytes plus an 8-byte platform sub-header when its O flag is set.
    fn erspan(&mut self, proto: u16, has_seq: bool) -> Next {
        let b = self.rest();
        let len = match (proto, has_seq) {
            (0x88be, false) => return Next::Eth,
            (0x88be, true) => 8,
            _ => 12 + if u8_at(b, 11) & 1 != 0 { 8 } else { 0 },
        };
        if b.len() < len {
            return self.fail(
                Proto::Erspan,
                WireError::Truncated {
                    proto: "erspan",
                    needed: len,
                    had: b.len(),
                },
            );
        }
        self.layer(Proto::Erspan, len, self.end);
        Next::Eth
    }
}

/// Length of Teredo's optional authentication / origin indication headers before an IPv6
/// header (RFC 4380 §5.1.1), or `None` when the payload is not Teredo-framed IPv6.
fn teredo_prefix(b: &[u8]) -> Option<usize> {
    let mut off = 0;
    if be16(b, off) == 0x0001 && b.len() >= 4 {
        let id_len = u8_at(b, 2) as usize;
        let au_len = u8_at(b, 3) as usize;
        off += 4 + id_len + au_len + 9;
    }
    if be16(b, off) == 0x0000 && b.len() >= off + 8 {
        off += 8;
    }
    (b.len() >= off + ipv6::HEADER_LEN && u8_at(b, off) >> 4 == 6).then_some(off)
}
