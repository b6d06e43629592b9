//! What the flow meter needs from one packet, extracted the way NFStream 6.6's C engine does it
//! (../shared/reference/nfstream-semantics.md §6), on top of `strata-wire`'s views.
//!
//! Strata's own decoder (`strata_wire::decode`) is stricter than NFStream: it follows the
//! EtherType, decodes 802.1ad, and never reads a non-IP payload as IP. The flow meter follows
//! NFStream by default so its output matches column for column; [`Compat::Strict`] keeps the
//! quirks, [`Compat::Strata`] drops the bogus ones (see `FlowOptions::compat`).

use strata_wire::bytes::{be16, be32, u8_at};
use strata_wire::ipv4::protocol;
use strata_wire::LinkType;

/// How closely to follow NFStream's packet parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Compat {
    /// NFStream's behaviour, bugs included: any L2 payload whose first nibble is 4 or 6 is
    /// parsed as IP, whatever the EtherType says (nfstream-semantics §6).
    #[default]
    Strict,
    /// As NFStream, except that non-IP EtherTypes (FabricPath, LLDP, ...) are not read as IP,
    /// which removes NFStream's stray bogus flows.
    Strata,
}

/// One packet's flow-relevant fields. Addresses are 16 bytes (IPv4 in the first 4).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FlowPacket {
    pub src_ip: [u8; 16],
    pub dst_ip: [u8; 16],
    pub src_port: u16,
    pub dst_port: u16,
    pub protocol: u8,
    pub ip_version: u8,
    pub vlan_id: u16,
    pub tunnel_id: u8,
    pub src_mac: [u8; 6],
    pub dst_mac: [u8; 6],
    /// TCP flags byte (FIN..CWR), 0 for other protocols.
    pub tcp_flags: u8,
    /// Sizes for the four accounting modes (uint16 like NFStream).
    pub raw_size: u16,
    pub ip_size: u16,
    pub transport_size: u16,
    pub payload_size: u16,
    /// Offset and length of the L4 payload in the frame (for application inspection).
    pub payload_offset: u32,
    pub payload_len: u32,
    /// TCP sequence / ack numbers (for plugins such as the handshake RTT).
    pub tcp_seq: u32,
    pub tcp_ack: u32,
}

/// Why a packet is not part of any flow (NFStream's "ignored" packets), for the counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ignored {
    LinkType,
    TooShort,
    NotIp,
    Fragment,
    TruncatedIpv6,
    Malformed,
}

const ETH_P_IP: u16 = 0x0800;
const ETH_P_IPV6: u16 = 0x86dd;

/// Extracts the flow fields of a frame, or why it is ignored.
pub fn parse(
    link: LinkType,
    data: &[u8],
    orig_len: u32,
    compat: Compat,
) -> Result<FlowPacket, Ignored> {
    let mut p = FlowPacket {
        raw_size: orig_len as u16,
        ..FlowPacket::default()
    };
    let caplen = data.len();
    // (ip offset, the EtherType-like type that led there)
    let (mut ip_off, mut ty) = match link {
        LinkType::NULL => {
            if caplen < 4 {
                return Err(Ignored::TooShort);
            }
            // NFStream: family 2 is IPv4, anything else IPv6 (both byte orders of 2).
            let fam = u32::from_le_bytes([data[0], data[1], data[2], data[3]]);
            let ty = if fam == 2 || fam == 0x0200_0000 {
                ETH_P_IP
            } else {
                ETH_P_IPV6
            };
            (4, ty)
        }
        LinkType::ETHERNET => {
            if caplen < 14 {
                return Err(Ignored::TooShort);
            }
            p.dst_mac.copy_from_slice(&data[0..6]);
            p.src_mac.copy_from_slice(&data[6..12]);
            (14, be16(data, 12))
        }
        LinkType::C_HDLC => (4, be16(data, 2)),
        // Cisco HDLC framing (address 0x0f / 0x8f) also shows up under the PPP link types.
        LinkType::PPP | LinkType::PPP_HDLC if matches!(u8_at(data, 0), 0x0f | 0x8f) => {
            (4, be16(data, 2))
        }
        LinkType::PPP | LinkType::PPP_HDLC => {
            // Address/control 0xff 0x03 may be compressed away (ACFC).
            let (proto, len) = strata_wire::ppp::parse(data).map_err(|_| Ignored::TooShort)?;
            let ty = match proto {
                0x0021 => ETH_P_IP,
                0x0057 => ETH_P_IPV6,
                p => p,
            };
            (len, ty)
        }
        LinkType::RAW
        | LinkType::RAW_BSD
        | LinkType::RAW_OPENBSD
        | LinkType::IPV4
        | LinkType::IPV6 => {
            let ty = match u8_at(data, 0) >> 4 {
                6 => ETH_P_IPV6,
                _ => ETH_P_IP,
            };
            (0, ty)
        }
        LinkType::LINUX_SLL => (16, be16(data, 14)),
        LinkType::IEEE802_11_RADIOTAP => return radiotap(data, orig_len, p, compat),
        _ => return Err(Ignored::LinkType),
    };
    // L2.5: 802.3/LLC, VLAN tags, MPLS, PPPoE (nfstream-semantics §6).
    let mut depth = 0;
    loop {
        depth += 1;
        if depth > 16 {
            return Err(Ignored::Malformed);
        }
        match ty {
            0x8100 => {
                if caplen < ip_off + 4 {
                    return Err(Ignored::TooShort);
                }
                p.vlan_id = be16(data, ip_off) & 0x0fff;
                ty = be16(data, ip_off + 2);
                ip_off += 4;
            }
            0x8847 | 0x8848 => {
                // Skip the label stack; IPv4 is assumed after it.
                loop {
                    if caplen < ip_off + 4 {
                        return Err(Ignored::TooShort);
                    }
                    let bos = be32(data, ip_off) & 0x100 != 0;
                    ip_off += 4;
                    if bos {
                        break;
                    }
                }
                ty = ETH_P_IP;
            }
            0x8864 => {
                ip_off += 8;
                ty = ETH_P_IP;
            }
            t if t <= 1500 && link == LinkType::ETHERNET && depth == 1 => {
                // 802.3 + LLC: SNAP carries the type; spanning tree BPDUs are dropped.
                let dsap = u8_at(data, ip_off);
                if dsap == 0x42 {
                    return Err(Ignored::NotIp);
                }
                if dsap == 0xaa {
                    ty = be16(data, ip_off + 6);
                    ip_off += 8;
                } else {
                    return Err(Ignored::NotIp);
                }
            }
            _ => break,
        }
    }
    ip(data, ip_off, ty, p, compat, 0)
}

/// Radiotap + 802.11 data frame + LLC/SNAP (frames with a bad FCS or not data are dropped).
fn radiotap(
    data: &[u8],
    orig_len: u32,
    mut p: FlowPacket,
    compat: Compat,
) -> Result<FlowPacket, Ignored> {
    let rt = strata_wire::radiotap::parse(data).map_err(|_| Ignored::TooShort)?;
    if rt.flags.is_some_and(|f| f & 0x40 != 0) {
        return Err(Ignored::Malformed); // bad FCS
    }
    let off = rt.length as usize;
    let h = strata_wire::ieee80211::parse(data.get(off..).unwrap_or(&[]))
        .map_err(|_| Ignored::TooShort)?;
    if h.frame_type != strata_wire::ieee80211::frame_type::DATA {
        return Err(Ignored::NotIp);
    }
    // NFStream (nDPI's wifi header: rcvr, trsm, dest) takes addr2 as the source and addr3 as
    // the destination, whatever the DS bits say.
    p.src_mac = h.addr2.unwrap_or_default().0;
    p.dst_mac = h.addr3.unwrap_or_default().0;
    let llc = off + h.header_len;
    if u8_at(data, llc) != 0xaa {
        return Err(Ignored::NotIp);
    }
    let ty = be16(data, llc + 6);
    let _ = orig_len;
    ip(data, llc + 8, ty, p, compat, 0)
}

/// Parses the IP packet at `off`, decapsulating IP-in-IP and UDP tunnels.
fn ip(
    data: &[u8],
    off: usize,
    ty: u16,
    mut p: FlowPacket,
    compat: Compat,
    depth: u8,
) -> Result<FlowPacket, Ignored> {
    if depth > 4 {
        return Err(Ignored::Malformed);
    }
    let caplen = data.len();
    if compat == Compat::Strata && depth == 0 && ty != ETH_P_IP && ty != ETH_P_IPV6 {
        return Err(Ignored::NotIp);
    }
    // NFStream ignores frames shorter than the link offset plus 28 bytes.
    if depth == 0 && caplen < off + 28 {
        return Err(Ignored::TooShort);
    }
    let b = data.get(off..).unwrap_or(&[]);
    let version = u8_at(b, 0) >> 4;
    // An inner header (IP-in-IP, tunnels) replaces the outer transport fields.
    p.src_port = 0;
    p.dst_port = 0;
    p.tcp_flags = 0;
    p.transport_size = 0;
    p.payload_size = 0;
    let (proto, l4_off, l4_len) = match version {
        4 => {
            // NFStream does not check the IHL: a header length below 20 is taken as it is.
            let ihl = ((u8_at(b, 0) & 0x0f) as usize) * 4;
            if b.len() < 20 {
                return Err(Ignored::Malformed);
            }
            let tot = be16(b, 2) as usize;
            let frag = be16(b, 6);
            // Fragment detection only runs when the type said IPv4 (nfstream-semantics §6).
            if ty == ETH_P_IP && frag & 0x1fff != 0 {
                return Err(Ignored::Fragment);
            }
            p.ip_version = 4;
            p.src_ip = [0; 16];
            p.dst_ip = [0; 16];
            p.src_ip[..4].copy_from_slice(&b[12..16]);
            p.dst_ip[..4].copy_from_slice(&b[16..20]);
            p.ip_size = tot as u16;
            (u8_at(b, 9), off + ihl, tot.saturating_sub(ihl))
        }
        6 => {
            if b.len() < 40 {
                return Err(Ignored::TooShort);
            }
            let plen = be16(b, 4) as usize;
            if caplen < off + 40 + plen {
                return Err(Ignored::TruncatedIpv6);
            }
            p.ip_version = 6;
            p.src_ip.copy_from_slice(&b[8..24]);
            p.dst_ip.copy_from_slice(&b[24..40]);
            p.ip_size = (40 + plen) as u16;
            let mut nh = u8_at(b, 6);
            let mut l4 = off + 40;
            let mut left = plen;
            let mut n = 0;
            while matches!(
                nh,
                protocol::HOPOPT
                    | protocol::ROUTING
                    | protocol::FRAGMENT
                    | protocol::DST_OPTS
                    | protocol::MOBILITY
            ) {
                n += 1;
                if n > 8 || left < 8 {
                    return Err(Ignored::Malformed);
                }
                let e = data.get(l4..).unwrap_or(&[]);
                let len = if nh == protocol::FRAGMENT {
                    if be16(e, 2) >> 3 != 0 {
                        return Err(Ignored::Fragment);
                    }
                    8
                } else {
                    (u8_at(e, 1) as usize + 1) * 8
                };
                if len > left {
                    return Err(Ignored::Malformed);
                }
                nh = u8_at(e, 0);
                l4 += len;
                left -= len;
            }
            (nh, l4, left)
        }
        _ => return Err(Ignored::NotIp),
    };
    // IP-in-IP is always decapsulated; only the inner header counts.
    if proto == protocol::IPIP || proto == protocol::IPV6 {
        let ty = if proto == protocol::IPIP {
            ETH_P_IP
        } else {
            ETH_P_IPV6
        };
        return ip(data, l4_off, ty, p, compat, depth + 1);
    }
    p.protocol = proto;
    let l4 = data.get(l4_off..).unwrap_or(&[]);
    p.payload_offset = l4_off as u32;
    match proto {
        protocol::TCP if l4_len >= 20 => {
            p.src_port = be16(l4, 0);
            p.dst_port = be16(l4, 2);
            p.tcp_seq = be32(l4, 4);
            p.tcp_ack = be32(l4, 8);
            p.tcp_flags = u8_at(l4, 13);
            let doff = ((u8_at(l4, 12) >> 4) as usize) * 4;
            p.transport_size = l4_len as u16;
            p.payload_size = l4_len.saturating_sub(doff) as u16;
            p.payload_offset = (l4_off + doff) as u32;
        }
        protocol::UDP if l4_len >= 8 => {
            p.src_port = be16(l4, 0);
            p.dst_port = be16(l4, 2);
            p.transport_size = l4_len as u16;
            p.payload_size = (l4_len - 8) as u16;
            p.payload_offset = (l4_off + 8) as u32;
            if let Some(r) = udp_tunnel(data, l4_off, &p, compat, depth) {
                return r;
            }
        }
        protocol::ICMP | protocol::ICMPV6 => {
            p.transport_size = l4_len as u16;
            p.payload_size = l4_len.saturating_sub(8) as u16;
            p.payload_offset = (l4_off + 8) as u32;
        }
        _ => {}
    }
    let avail = caplen.saturating_sub(p.payload_offset as usize);
    p.payload_len = (p.payload_size as usize).min(avail) as u32;
    Ok(p)
}

/// GTP-U (2152), CAPWAP data (5247) and TZSP (37008), decoded as NFStream's `decode_tunnels`.
fn udp_tunnel(
    data: &[u8],
    udp_off: usize,
    outer: &FlowPacket,
    compat: Compat,
    depth: u8,
) -> Option<Result<FlowPacket, Ignored>> {
    let inner = udp_off + 8;
    let b = data.get(inner..).unwrap_or(&[]);
    let port = |x: u16| outer.src_port == x || outer.dst_port == x;
    let mut p = *outer;
    if port(strata_wire::gtpu::UDP_PORT) {
        let h = strata_wire::gtpu::parse(b).ok()?;
        if h.msg_type != strata_wire::gtpu::MSG_GPDU {
            return None;
        }
        let off = inner + h.header_len;
        let ty = match u8_at(data, off) >> 4 {
            4 => ETH_P_IP,
            6 => ETH_P_IPV6,
            _ => return None,
        };
        p.tunnel_id = 1;
        return Some(ip(data, off, ty, p, compat, depth + 1));
    }
    if port(37008) {
        // TZSP: version, type, encapsulation, then tagged fields up to END (1).
        p.tunnel_id = 3;
        if b.len() < 4 || b[0] != 1 {
            return None;
        }
        let mut off = 4;
        loop {
            match b.get(off) {
                Some(1) => {
                    off += 1;
                    break;
                }
                Some(0) => off += 1,
                Some(_) => off += 2 + *b.get(off + 1)? as usize,
                None => return None,
            }
        }
        let e = inner + off;
        if data.len() < e + 14 {
            return None;
        }
        p.dst_mac.copy_from_slice(&data[e..e + 6]);
        p.src_mac.copy_from_slice(&data[e + 6..e + 12]);
        let ty = be16(data, e + 12);
        return Some(ip(data, e + 14, ty, p, compat, depth + 1));
    }
    if outer.dst_port == 5247 || outer.src_port == 5247 {
        // CAPWAP data: header length in 4-byte words, then an 802.11 frame (T bit set).
        if b.len() < 8 {
            return None;
        }
        // Preamble, then HLEN (5 bits, 4-byte words), RID (5), WBID (5), T (1), ...
        let hlen = ((u8_at(b, 1) >> 3) as usize) * 4;
        let low = be16(b, 2);
        let wbid = (low >> 9) & 0x1f;
        let native = low & 0x100 != 0;
        // WBID 1 with the T bit: a native IEEE 802.11 frame follows.
        if wbid != 1 || !native {
            return None;
        }
        let w = inner + hlen;
        let h = strata_wire::ieee80211::parse(data.get(w..)?).ok()?;
        p.tunnel_id = 2;
        // addr2 / addr3, as for radiotap frames.
        p.src_mac = h.addr2.unwrap_or_default().0;
        p.dst_mac = h.addr3.unwrap_or_default().0;
        // NFStream reads past the MAC header and an LLC/SNAP header whatever the frame type.
        let llc = w + h.header_len;
        let ty = be16(data, llc + 6);
        return Some(ip(data, llc + 8, ty, p, compat, depth + 1));
    }
    None
}
