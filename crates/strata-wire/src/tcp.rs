//! TCP (RFC 9293): header, every option kind (RFC 7323, 2018, 5925, 7413, 8684 ...), checksum.

use crate::bytes::{be16, be32, put16, put32, u8_at};
use crate::checksum::PseudoHeader;
use crate::error::{need, room, Result, WireError};
use crate::ipv4::protocol;

pub const MIN_HEADER_LEN: usize = 20;
const PROTO: &str = "tcp";

/// Flag bits as Wireshark numbers them in `tcp.flags` (12 bits, including the reserved bits and
/// the AE / former NS bit).
pub mod flags {
    pub const FIN: u16 = 0x001;
    pub const SYN: u16 = 0x002;
    pub const RST: u16 = 0x004;
    pub const PSH: u16 = 0x008;
    pub const ACK: u16 = 0x010;
    pub const URG: u16 = 0x020;
    pub const ECE: u16 = 0x040;
    pub const CWR: u16 = 0x080;
    pub const AE: u16 = 0x100;
}

/// A zero-copy view of a TCP header; `new_checked` guarantees the options are present.
#[derive(Debug, Clone, Copy)]
pub struct Packet<T: AsRef<[u8]>> {
    buf: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    pub fn new_checked(buf: T) -> Result<Packet<T>> {
        let b = buf.as_ref();
        need(PROTO, b, MIN_HEADER_LEN)?;
        let hlen = ((b[12] >> 4) as usize) * 4;
        if hlen < MIN_HEADER_LEN {
            return Err(WireError::Malformed {
                proto: PROTO,
                what: "data offset < 5",
            });
        }
        need(PROTO, b, hlen)?;
        Ok(Packet { buf })
    }
    fn b(&self) -> &[u8] {
        self.buf.as_ref()
    }
    pub fn src_port(&self) -> u16 {
        be16(self.b(), 0)
    }
    pub fn dst_port(&self) -> u16 {
        be16(self.b(), 2)
    }
    pub fn seq(&self) -> u32 {
        be32(self.b(), 4)
    }
    pub fn ack(&self) -> u32 {
        be32(self.b(), 8)
    }
    pub fn header_len(&self) -> usize {
        ((u8_at(self.b(), 12) >> 4) as usize) * 4
    }
    /// The 12 flag bits (reserved, AE, CWR, ECE, URG, ACK, PSH, RST, SYN, FIN).
    pub fn flags(&self) -> u16 {
        be16(self.b(), 12) & 0x0fff
    }
    pub fn window(&self) -> u16 {
        be16(self.b(), 14)
    }
    pub fn checksum(&self) -> u16 {
        be16(self.b(), 16)
    }
    pub fn urgent(&self) -> u16 {
        be16(self.b(), 18)
    }
    pub fn options(&self) -> &[u8] {
        self.b()
            .get(MIN_HEADER_LEN..self.header_len())
            .unwrap_or(&[])
    }
    pub fn payload(&self) -> &[u8] {
        self.b().get(self.header_len()..).unwrap_or(&[])
    }
}

/// A TCP option. Unknown kinds are kept with their bytes (an open enum).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TcpOption<'a> {
    EndOfList,
    NoOp,
    MaxSegmentSize(u16),
    WindowScale(u8),
    SackPermitted,
    /// Left/right edge pairs, raw (at most 4 blocks fit).
    Sack(&'a [u8]),
    Timestamps {
        tsval: u32,
        tsecr: u32,
    },
    /// TCP Fast Open cookie (RFC 7413).
    FastOpen(&'a [u8]),
    /// Multipath TCP (RFC 8684): subtype in the high nibble of the first byte.
    Mptcp(&'a [u8]),
    /// TCP-AO (RFC 5925).
    Authentication(&'a [u8]),
    /// TCP MD5 signature (RFC 2385).
    Md5(&'a [u8]),
    Unknown {
        kind: u8,
        data: &'a [u8],
    },
}

/// Iterates the options; a malformed length ends the iteration with `Err` once.
pub fn options(opts: &[u8]) -> impl Iterator<Item = Result<TcpOption<'_>>> {
    let mut rest = opts;
    let mut done = false;
    core::iter::from_fn(move || {
        if done {
            return None;
        }
        let (&kind, tail) = rest.split_first()?;
        match kind {
            0 => {
                done = true;
                Some(Ok(TcpOption::EndOfList))
            }
            1 => {
                rest = tail;
                Some(Ok(TcpOption::NoOp))
            }
            _ => {
                let len = match tail.first() {
                    Some(&l) if l >= 2 && (l as usize) <= rest.len() => l as usize,
                    _ => {
                        done = true;
                        return Some(Err(WireError::Malformed {
                            proto: PROTO,
                            what: "option length",
                        }));
                    }
                };
                let data = &rest[2..len];
                rest = &rest[len..];
                Some(Ok(match (kind, data.len()) {
                    (2, 2) => TcpOption::MaxSegmentSize(be16(data, 0)),
                    (3, 1) => TcpOption::WindowScale(data[0]),
                    (4, 0) => TcpOption::SackPermitted,
                    (5, _) => TcpOption::Sack(data),
                    (8, 8) => TcpOption::Timestamps {
                        tsval: be32(data, 0),
                        tsecr: be32(data, 4),
                    },
                    (19, _) => TcpOption::Md5(data),
                    (29, _) => TcpOption::Authentication(data),
                    (30, _) => TcpOption::Mptcp(data),
                    (34, _) => TcpOption::FastOpen(data),
                    _ => TcpOption::Unknown { kind, data },
                }))
            }
        }
    })
}

impl TcpOption<'_> {
    /// Appends the option's wire form to `out`.
    pub fn emit(&self, out: &mut Vec<u8>) {
        let mut tlv = |kind: u8, data: &[u8]| {
            out.push(kind);
            out.push((data.len() + 2) as u8);
            out.extend_from_slice(data);
        };
        match *self {
            TcpOption::EndOfList => out.push(0),
            TcpOption::NoOp => out.push(1),
            TcpOption::MaxSegmentSize(m) => tlv(2, &m.to_be_bytes()),
            TcpOption::WindowScale(s) => tlv(3, &[s]),
            TcpOption::SackPermitted => tlv(4, &[]),
            TcpOption::Sack(d) => tlv(5, d),
            TcpOption::Timestamps { tsval, tsecr } => {
                let mut d = [0u8; 8];
                d[..4].copy_from_slice(&tsval.to_be_bytes());
                d[4..].copy_from_slice(&tsecr.to_be_bytes());
                tlv(8, &d)
            }
            TcpOption::Md5(d) => tlv(19, d),
            TcpOption::Authentication(d) => tlv(29, d),
            TcpOption::Mptcp(d) => tlv(30, d),
            TcpOption::FastOpen(d) => tlv(34, d),
            TcpOption::Unknown { kind, data } => tlv(kind, data),
        }
    }
}

/// A TCP header as values. `checksum: None` computes it on emit; `data_offset: None` from the
/// options' length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repr {
    pub src_port: u16,
    pub dst_port: u16,
    pub seq: u32,
    pub ack: u32,
    pub data_offset: Option<u8>,
    pub flags: u16,
    pub window: u16,
    pub checksum: Option<u16>,
    pub urgent: u16,
    /// Raw option bytes; emit pads them with zeros to a multiple of 4.
    pub options: Vec<u8>,
}

impl Default for Repr {
    /// Scapy's defaults: sport 20, dport 80, SYN, window 8192.
    fn default() -> Repr {
        Repr {
            src_port: 20,
            dst_port: 80,
            seq: 0,
            ack: 0,
            data_offset: None,
            flags: flags::SYN,
            window: 8192,
            checksum: None,
            urgent: 0,
            options: Vec::new(),
        }
    }
}

impl Repr {
    pub fn parse<T: AsRef<[u8]>>(p: &Packet<T>) -> Result<Repr> {
        Ok(Repr {
            src_port: p.src_port(),
            dst_port: p.dst_port(),
            seq: p.seq(),
            ack: p.ack(),
            data_offset: Some((p.header_len() / 4) as u8),
            flags: p.flags(),
            window: p.window(),
            checksum: Some(p.checksum()),
            urgent: p.urgent(),
            options: p.options().to_vec(),
        })
    }
    pub fn buffer_len(&self) -> usize {
        MIN_HEADER_LEN + self.options.len().div_ceil(4) * 4
    }
    /// Writes the header into `segment[..buffer_len()]`; the payload must already follow it in
    /// `segment`, which is what the checksum covers.
    pub fn emit(&self, segment: &mut [u8], pseudo: &PseudoHeader) -> Result<usize> {
        let hlen = self.buffer_len();
        room(PROTO, segment, hlen)?;
        put16(segment, 0, self.src_port);
        put16(segment, 2, self.dst_port);
        put32(segment, 4, self.seq);
        put32(segment, 8, self.ack);
        let off = self.data_offset.unwrap_or((hlen / 4) as u8);
        put16(
            segment,
            12,
            ((off as u16 & 0xf) << 12) | (self.flags & 0x0fff),
        );
        put16(segment, 14, self.window);
        put16(segment, 16, 0);
        put16(segment, 18, self.urgent);
        segment[20..20 + self.options.len()].copy_from_slice(&self.options);
        segment[20 + self.options.len()..hlen].fill(0);
        let sum = self
            .checksum
            .unwrap_or_else(|| pseudo.checksum(protocol::TCP, segment));
        put16(segment, 16, sum);
        Ok(hlen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::net::Ipv4Addr;

    #[test]
    fn options_parse_every_common_kind() {
        let opts = [
            2, 4, 5, 0xb4, 1, 3, 3, 7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 0xfe, 3, 9, 0,
        ];
        let v: Vec<_> = options(&opts).collect::<Result<_>>().unwrap();
        assert_eq!(v[0], TcpOption::MaxSegmentSize(1460));
        assert_eq!(v[2], TcpOption::WindowScale(7));
        assert_eq!(v[3], TcpOption::SackPermitted);
        assert_eq!(v[4], TcpOption::Timestamps { tsval: 1, tsecr: 0 });
        assert_eq!(
            v[5],
            TcpOption::Unknown {
                kind: 0xfe,
                data: &[9]
            }
        );
        let mut out = Vec::new();
        for o in &v {
            o.emit(&mut out);
        }
        assert_eq!(out, opts);
    }

    #[test]
    fn bad_option_length_is_an_error_not_a_panic() {
        let v: Vec<_> = options(&[2, 40, 1]).collect();
        assert!(v[0].is_err());
        let v: Vec<_> = options(&[8, 1]).collect();
        assert!(v[0].is_err());
    }

    #[test]
    fn emit_checksum_verifies() {
        let pseudo = PseudoHeader::V4 {
            src: Ipv4Addr::new(198, 18, 0, 1),
            dst: Ipv4Addr::new(198, 18, 0, 2),
        };
        let r = Repr {
            options: vec![2, 4, 5, 0xb4],
            ..Repr::default()
        };
        let mut seg = vec![0u8; r.buffer_len() + 3];
        seg[24..].copy_from_slice(b"abc");
        r.emit(&mut seg, &pseudo).unwrap();
        assert!(pseudo.verify(protocol::TCP, &seg));
        let p = Packet::new_checked(&seg[..]).unwrap();
        assert_eq!(p.header_len(), 24);
        assert_eq!(p.payload(), b"abc");
        assert_eq!(p.flags(), flags::SYN);
    }
}
