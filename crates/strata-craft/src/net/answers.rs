//! Scapy's `answers()`: whether a received packet is the reply to a probe.
//!
//! Both sides are first reduced to a [`Summary`] (the few fields the rules read), decoded by
//! `strata-wire` so a truncated reply is never a panic. The rules are Scapy's with its default
//! `conf` (`checkIPaddr` on, `checkIPID` and `check_TCPerror_seqack` off):
//! - ARP: an `is-at` whose `psrc` is the `who-has`'s `pdst`.
//! - IP: the reply comes from the probe's destination and carries the same protocol, then the
//!   layer over it decides; an ICMP / ICMPv6 error answers when the datagram it quotes has the
//!   probe's addresses, protocol and ports (or ICMP type / id / seq).
//! - TCP: ports swapped; a SYN-ACK answers only a SYN; `ack` within 2 of the probe's `seq`
//!   (unless the probe is a bare SYN); a reset without ACK answers whatever it matches.
//! - UDP: ports swapped, and for DNS the same `id` with `qr` set in the reply.
//! - ICMP: echo / timestamp / information / mask replies with the request's id and seq;
//!   ICMPv6 echo likewise, and a neighbour advertisement for the solicited target.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use strata_wire::decode::{decode, Decoded, Layer, Proto};
use strata_wire::{LinkType, MacAddr};

/// The network layer of a summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpInfo {
    pub src: IpAddr,
    pub dst: IpAddr,
    /// IPv4 protocol / the IPv6 header's next header.
    pub proto: u8,
    pub ttl: u8,
}

/// An ARP packet's operation and addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArpInfo {
    pub op: u16,
    pub hwsrc: MacAddr,
    pub psrc: Ipv4Addr,
    pub pdst: Ipv4Addr,
}

/// The transport (or ICMP) layer of a summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum L4 {
    #[default]
    None,
    Tcp {
        sport: u16,
        dport: u16,
        seq: u32,
        ack: u32,
        flags: u16,
        payload_len: usize,
    },
    Udp {
        sport: u16,
        dport: u16,
        /// DNS id and `qr` when a port is 53 / 5353 and the payload has a header.
        dns: Option<(u16, bool)>,
    },
    Icmp {
        ty: u8,
        code: u8,
        id: u16,
        seq: u16,
    },
    Icmpv6 {
        ty: u8,
        code: u8,
        id: u16,
        seq: u16,
        /// The target of a neighbour solicitation / advertisement.
        target: Option<Ipv6Addr>,
    },
}

impl L4 {
    fn is_icmp_error(&self) -> bool {
        match *self {
            L4::Icmp { ty, .. } => matches!(ty, 3 | 4 | 5 | 11 | 12),
            L4::Icmpv6 { ty, .. } => (1..=4).contains(&ty),
            _ => false,
        }
    }
}

/// What the matching rules read from one packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    pub arp: Option<ArpInfo>,
    pub ip: Option<IpInfo>,
    pub l4: L4,
    /// The datagram an ICMP error quotes.
    pub quoted_ip: Option<IpInfo>,
    pub quoted_l4: L4,
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}
fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
        *b.get(at + 2)?,
        *b.get(at + 3)?,
    ]))
}
fn v4(b: &[u8], at: usize) -> Option<Ipv4Addr> {
    Some(Ipv4Addr::from(be32(b, at)?))
}
fn v6(b: &[u8], at: usize) -> Option<Ipv6Addr> {
    let s: [u8; 16] = b.get(at..at + 16)?.try_into().ok()?;
    Some(Ipv6Addr::from(s))
}

impl Summary {
    /// Summarises a frame of `link` (Ethernet for captures, raw IP for layer-3 probes).
    pub fn of(link: LinkType, frame: &[u8], scratch: &mut Decoded) -> Summary {
        decode(link, frame, scratch);
        let mut s = Summary::default();
        for l in scratch.layers() {
            let h = l.header(frame);
            match l.proto {
                Proto::Arp => {
                    s.arp = (|| {
                        Some(ArpInfo {
                            op: be16(h, 6)?,
                            hwsrc: MacAddr(h.get(8..14)?.try_into().ok()?),
                            psrc: v4(h, 14)?,
                            pdst: v4(h, 24)?,
                        })
                    })()
                }
                Proto::Ipv4 | Proto::Ipv6 => {
                    let info = ip_info(l, h);
                    if l.quoted {
                        s.quoted_ip = s.quoted_ip.or(info);
                    } else if s.ip.is_none() {
                        s.ip = info;
                    }
                }
                Proto::Tcp | Proto::Udp | Proto::Icmp | Proto::Icmpv6 => {
                    let l4 = l4_info(l, h, frame);
                    if l.quoted {
                        if s.quoted_l4 == L4::None {
                            s.quoted_l4 = l4;
                        }
                    } else if s.l4 == L4::None {
                        s.l4 = l4;
                    }
                }
                _ => {}
            }
        }
        // The IPv6 next header of interest is the transport's, past any extension headers.
        let fix = |ip: &mut Option<IpInfo>, l4: &L4| {
            if let Some(ip) = ip {
                ip.proto = match l4 {
                    L4::Tcp { .. } => 6,
                    L4::Udp { .. } => 17,
                    L4::Icmp { .. } => 1,
                    L4::Icmpv6 { .. } => 58,
                    L4::None => ip.proto,
                };
            }
        };
        fix(&mut s.ip, &s.l4);
        fix(&mut s.quoted_ip, &s.quoted_l4);
        s
    }
}

fn ip_info(l: &Layer, h: &[u8]) -> Option<IpInfo> {
    if l.proto == Proto::Ipv4 {
        Some(IpInfo {
            src: v4(h, 12)?.into(),
            dst: v4(h, 16)?.into(),
            proto: *h.get(9)?,
            ttl: *h.get(8)?,
        })
    } else {
        Some(IpInfo {
            src: v6(h, 8)?.into(),
            dst: v6(h, 24)?.into(),
            proto: *h.get(6)?,
            ttl: *h.get(7)?,
        })
    }
}

/// Fields of a transport / ICMP header; a quoted header may hold only its first 8 bytes, so
/// every read is checked and missing parts read as zero.
fn l4_info(l: &Layer, h: &[u8], frame: &[u8]) -> L4 {
    let z16 = |at| be16(h, at).unwrap_or(0);
    match l.proto {
        Proto::Tcp => L4::Tcp {
            sport: z16(0),
            dport: z16(2),
            seq: be32(h, 4).unwrap_or(0),
            ack: be32(h, 8).unwrap_or(0),
            flags: z16(12) & 0x1ff,
            payload_len: l.payload(frame).len(),
        },
        Proto::Udp => {
            let (sport, dport) = (z16(0), z16(2));
            let p = l.payload(frame);
            let dns_port = [53, 5353].iter().any(|&x| x == sport || x == dport);
            let dns = (dns_port && p.len() >= 12)
                .then(|| Some((be16(p, 0)?, p.get(2)? & 0x80 != 0)))
                .flatten();
            L4::Udp { sport, dport, dns }
        }
        Proto::Icmp => L4::Icmp {
            ty: h.first().copied().unwrap_or(0),
            code: h.get(1).copied().unwrap_or(0),
            id: z16(4),
            seq: z16(6),
        },
        _ => {
            let ty = h.first().copied().unwrap_or(0);
            let target = if ty == 135 || ty == 136 {
                v6(l.bytes(frame), 8)
            } else {
                None
            };
            L4::Icmpv6 {
                ty,
                code: h.get(1).copied().unwrap_or(0),
                id: z16(4),
                seq: z16(6),
                target,
            }
        }
    }
}

/// Scapy's `reply.answers(probe)`.
pub fn answers(reply: &Summary, probe: &Summary) -> bool {
    if let (Some(r), Some(p)) = (reply.arp, probe.arp) {
        return r.op == 2 && p.op == 1 && r.psrc == p.pdst;
    }
    let (Some(rip), Some(pip)) = (reply.ip, probe.ip) else {
        return false;
    };
    if reply.l4.is_icmp_error() && !probe.l4.is_icmp_error() {
        // IPerror.answers: the quoted datagram is the probe.
        let Some(q) = reply.quoted_ip else {
            return false;
        };
        if q.src != pip.src || q.dst != pip.dst || q.proto != pip.proto {
            return false;
        }
        return quoted_answers(&reply.quoted_l4, &probe.l4);
    }
    // checkIPaddr: the reply comes from where the probe went (multicast / broadcast probes
    // are answered by anyone).
    let any_peer = match pip.dst {
        IpAddr::V4(d) => d.is_multicast() || d.is_broadcast() || d.octets()[3] == 255,
        IpAddr::V6(d) => d.is_multicast(),
    };
    if (!any_peer && rip.src != pip.dst) || rip.proto != pip.proto {
        return false;
    }
    l4_answers(&reply.l4, &probe.l4)
}

/// TCPerror / UDPerror / ICMPerror: the quoted header carries the probe's own values.
fn quoted_answers(q: &L4, p: &L4) -> bool {
    match (*q, *p) {
        (
            L4::Tcp { sport, dport, .. },
            L4::Tcp {
                sport: ps,
                dport: pd,
                ..
            },
        )
        | (
            L4::Udp { sport, dport, .. },
            L4::Udp {
                sport: ps,
                dport: pd,
                ..
            },
        ) => sport == ps && dport == pd,
        (
            L4::Icmp { ty, id, seq, .. },
            L4::Icmp {
                ty: pt,
                id: pi,
                seq: psq,
                ..
            },
        )
        | (
            L4::Icmpv6 { ty, id, seq, .. },
            L4::Icmpv6 {
                ty: pt,
                id: pi,
                seq: psq,
                ..
            },
        ) => ty == pt && id == pi && seq == psq,
        (L4::None, L4::None) => true,
        _ => false,
    }
}

fn l4_answers(r: &L4, p: &L4) -> bool {
    match (*r, *p) {
        (
            L4::Tcp {
                sport,
                dport,
                seq,
                ack,
                flags,
                ..
            },
            L4::Tcp {
                sport: ps,
                dport: pd,
                seq: pseq,
                ack: pack,
                flags: pf,
                payload_len: plen,
            },
        ) => {
            let (syn, rst, ackf) = (0x02, 0x04, 0x10);
            if pf & rst != 0 {
                return false; // RST packets don't get answers
            }
            if flags & syn != 0 && (flags & ackf == 0 || pf & syn == 0) {
                return false; // only a SYN-ACK answers, and only a SYN
            }
            if sport != pd || dport != ps {
                return false;
            }
            let bare_syn = pf & syn != 0 && pf & ackf == 0;
            if !bare_syn && (pack.wrapping_sub(seq) as i32 as i64).abs() > 2 {
                return false;
            }
            if flags & rst != 0 && flags & ackf == 0 {
                return true;
            }
            (pseq.wrapping_sub(ack) as i32 as i64).abs() <= 2 + plen as i64
        }
        (
            L4::Udp { sport, dport, dns },
            L4::Udp {
                sport: ps,
                dport: pd,
                dns: pdns,
            },
        ) => {
            if sport != pd || dport != ps {
                return false;
            }
            match (dns, pdns) {
                (Some((id, qr)), Some((pid, pqr))) => id == pid && qr && !pqr,
                _ => true,
            }
        }
        (
            L4::Icmp { ty, id, seq, .. },
            L4::Icmp {
                ty: pt,
                id: pi,
                seq: psq,
                ..
            },
        ) => matches!((pt, ty), (8, 0) | (13, 14) | (15, 16) | (17, 18)) && id == pi && seq == psq,
        (
            L4::Icmpv6 {
                ty,
                id,
                seq,
                target,
                ..
            },
            L4::Icmpv6 {
                ty: pt,
                id: pi,
                seq: psq,
                target: ptarget,
                ..
            },
        ) => match (pt, ty) {
            (128, 129) => id == pi && seq == psq,
            (135, 136) => target == ptarget,
            (133, 134) => true,
            _ => false,
        },
        (L4::None, L4::None) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::craft_spec;

    fn sum(spec: &str) -> Summary {
        let b = craft_spec(spec).unwrap().remove(0);
        let link = if spec.starts_with("Ether") {
            LinkType::ETHERNET
        } else {
            LinkType::RAW
        };
        Summary::of(link, &b, &mut Decoded::new())
    }

    #[test]
    fn tcp_syn_ack_and_rst_answer_a_syn() {
        let p = sum("IP(src='10.0.0.1',dst='10.0.0.2')/TCP(sport=1234,dport=80,flags='S',seq=100)");
        let sa = sum(
            "IP(src='10.0.0.2',dst='10.0.0.1')/TCP(sport=80,dport=1234,flags='SA',ack=101,seq=7)",
        );
        let ra =
            sum("IP(src='10.0.0.2',dst='10.0.0.1')/TCP(sport=80,dport=1234,flags='RA',ack=101)");
        let other =
            sum("IP(src='10.0.0.2',dst='10.0.0.1')/TCP(sport=81,dport=1234,flags='SA',ack=101)");
        let syn = sum("IP(src='10.0.0.2',dst='10.0.0.1')/TCP(sport=80,dport=1234,flags='S')");
        assert!(answers(&sa, &p));
        assert!(answers(&ra, &p));
        assert!(!answers(&other, &p));
        assert!(!answers(&syn, &p));
        assert!(!answers(&p, &p));
    }

    #[test]
    fn icmp_echo_and_errors_quoting_the_probe() {
        let p = sum("IP(src='10.0.0.1',dst='10.0.9.9',ttl=1)/ICMP(id=7,seq=3)");
        let rep = sum("IP(src='10.0.9.9',dst='10.0.0.1')/ICMP(type=0,id=7,seq=3)");
        let wrong = sum("IP(src='10.0.9.9',dst='10.0.0.1')/ICMP(type=0,id=7,seq=4)");
        let te = sum("IP(src='10.0.5.1',dst='10.0.0.1')/ICMP(type=11)/IP(src='10.0.0.1',dst='10.0.9.9',ttl=0)/ICMP(id=7,seq=3)");
        let te_other = sum("IP(src='10.0.5.1',dst='10.0.0.1')/ICMP(type=11)/IP(src='10.0.0.1',dst='10.0.9.9',ttl=0)/ICMP(id=7,seq=9)");
        assert!(answers(&rep, &p));
        assert!(!answers(&wrong, &p));
        assert!(answers(&te, &p));
        assert!(!answers(&te_other, &p));
        let u = sum("IP(src='10.0.0.1',dst='10.0.9.9')/UDP(sport=5000,dport=33434)");
        let unreach = sum("IP(src='10.0.9.9',dst='10.0.0.1')/ICMP(type=3,code=3)/IP(src='10.0.0.1',dst='10.0.9.9')/UDP(sport=5000,dport=33434)");
        assert!(answers(&unreach, &u));
    }

    #[test]
    fn dns_id_and_arp() {
        let q = sum("IP(src='10.0.0.1',dst='10.0.0.53')/UDP(sport=5353,dport=53)/DNS(id=42,rd=1,qd=DNSQR(qname='x.test'))");
        let a = sum("IP(src='10.0.0.53',dst='10.0.0.1')/UDP(sport=53,dport=5353)/DNS(id=42,qr=1,qd=DNSQR(qname='x.test'))");
        let b = sum("IP(src='10.0.0.53',dst='10.0.0.1')/UDP(sport=53,dport=5353)/DNS(id=43,qr=1,qd=DNSQR(qname='x.test'))");
        assert!(answers(&a, &q));
        assert!(!answers(&b, &q));
        let who = sum("Ether()/ARP(pdst='10.0.0.7',psrc='10.0.0.1')");
        let is_at =
            sum("Ether()/ARP(op=2,psrc='10.0.0.7',pdst='10.0.0.1',hwsrc='02:00:00:00:00:07')");
        assert!(answers(&is_at, &who));
        assert!(!answers(&who, &who));
    }
}
