//! IPv4 (RFC 791): header, options, fragmentation fields, header checksum.

use crate::bytes::{array, be16, put16, u8_at};
use crate::checksum;
use crate::error::{need, room, Result, WireError};
use core::net::Ipv4Addr;

pub const MIN_HEADER_LEN: usize = 20;
pub const MAX_HEADER_LEN: usize = 60;
const PROTO: &str = "ip";

/// IP protocol numbers (IANA), shared by IPv4's protocol and IPv6's next header.
pub mod protocol {
    pub const HOPOPT: u8 = 0;
    pub const ICMP: u8 = 1;
    pub const IGMP: u8 = 2;
    pub const IPIP: u8 = 4;
    pub const TCP: u8 = 6;
    pub const UDP: u8 = 17;
    pub const IPV6: u8 = 41;
    pub const ROUTING: u8 = 43;
    pub const FRAGMENT: u8 = 44;
    pub const GRE: u8 = 47;
    pub const ESP: u8 = 50;
    pub const AH: u8 = 51;
    pub const ICMPV6: u8 = 58;
    pub const NO_NEXT: u8 = 59;
    pub const DST_OPTS: u8 = 60;
    pub const SCTP: u8 = 132;
    pub const MOBILITY: u8 = 135;
    pub const HIP: u8 = 139;
    pub const SHIM6: u8 = 140;
}

/// A zero-copy view of an IPv4 header. `new_checked` guarantees the fixed header and the options
/// the IHL announces are present; the payload may be shorter than total length says (snaplen).
#[derive(Debug, Clone, Copy)]
pub struct Packet<T: AsRef<[u8]>> {
    buf: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    pub fn new_checked(buf: T) -> Result<Packet<T>> {
        let b = buf.as_ref();
        need(PROTO, b, MIN_HEADER_LEN)?;
        if b[0] >> 4 != 4 {
            return Err(WireError::Malformed {
                proto: PROTO,
                what: "version is not 4",
            });
        }
        let ihl = ((b[0] & 0x0f) as usize) * 4;
        if ihl < MIN_HEADER_LEN {
            return Err(WireError::Malformed {
                proto: PROTO,
                what: "header length < 20",
            });
        }
        need(PROTO, b, ihl)?;
        Ok(Packet { buf })
    }
    /// A view without checks, for a header `new_checked` already accepted.
    pub fn new_unchecked(buf: T) -> Packet<T> {
        Packet { buf }
    }
    fn b(&self) -> &[u8] {
        self.buf.as_ref()
    }
    pub fn version(&self) -> u8 {
        u8_at(self.b(), 0) >> 4
    }
    pub fn header_len(&self) -> usize {
        ((u8_at(self.b(), 0) & 0x0f) as usize) * 4
    }
    pub fn dscp(&self) -> u8 {
        u8_at(self.b(), 1) >> 2
    }
    pub fn ecn(&self) -> u8 {
        u8_at(self.b(), 1) & 3
    }
    pub fn tos(&self) -> u8 {
        u8_at(self.b(), 1)
    }
    pub fn total_len(&self) -> u16 {
        be16(self.b(), 2)
    }
    pub fn ident(&self) -> u16 {
        be16(self.b(), 4)
    }
    /// The three flag bits (reserved, DF, MF) in the low bits.
    pub fn flags(&self) -> u8 {
        u8_at(self.b(), 6) >> 5
    }
    pub fn reserved_flag(&self) -> bool {
        self.flags() & 4 != 0
    }
    pub fn dont_frag(&self) -> bool {
        self.flags() & 2 != 0
    }
    pub fn more_frags(&self) -> bool {
        self.flags() & 1 != 0
    }
    /// Fragment offset in 8-byte units (Wireshark's `ip.frag_offset` value).
    pub fn frag_offset(&self) -> u16 {
        be16(self.b(), 6) & 0x1fff
    }
    /// True for any fragment (first, middle or last).
    pub fn is_fragment(&self) -> bool {
        self.more_frags() || self.frag_offset() != 0
    }
    pub fn ttl(&self) -> u8 {
        u8_at(self.b(), 8)
    }
    pub fn protocol(&self) -> u8 {
        u8_at(self.b(), 9)
    }
    pub fn checksum(&self) -> u16 {
        be16(self.b(), 10)
    }
    pub fn src(&self) -> Ipv4Addr {
        Ipv4Addr::from(array::<4>(self.b(), 12))
    }
    pub fn dst(&self) -> Ipv4Addr {
        Ipv4Addr::from(array::<4>(self.b(), 16))
    }
    pub fn options(&self) -> &[u8] {
        self.b()
            .get(MIN_HEADER_LEN..self.header_len())
            .unwrap_or(&[])
    }
    /// True when the header checksum verifies.
    pub fn verify_checksum(&self) -> bool {
        match self.b().get(..self.header_len()) {
            Some(h) => checksum::checksum(h) == 0,
            None => false,
        }
    }
    /// The payload: bounded by total length when the capture holds it all, else what was captured.
    pub fn payload(&self) -> &[u8] {
        let b = self.b();
        let start = self.header_len().min(b.len());
        let end = (self.total_len() as usize).clamp(start, b.len());
        // A total length shorter than the header (TSO captures write 0) means "to the end".
        let end = if (self.total_len() as usize) < self.header_len() {
            b.len()
        } else {
            end
        };
        &b[start..end]
    }
}

/// One IPv4 option (RFC 791 §3.1), borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpOption<'a> {
    pub kind: u8,
    pub data: &'a [u8],
}

/// Iterates over the options of a header; stops at End of Option List or malformed lengths.
pub fn options(mut opts: &[u8]) -> impl Iterator<Item = IpOption<'_>> {
    core::iter::from_fn(move || {
        let (&kind, rest) = opts.split_first()?;
        match kind {
            0 => None,
            1 => {
                opts = rest;
                Some(IpOption { kind, data: &[] })
            }
            _ => {
                let len = *rest.first()? as usize;
                if len < 2 || len > opts.len() {
                    opts = &[];
                    return None;
                }
                let o = IpOption {
                    kind,
                    data: &opts[2..len],
                };
                opts = &opts[len..];
                Some(o)
            }
        }
    })
}

/// An IPv4 header as values. `checksum: None` computes it on emit; `total_len: None` computes it
/// from the payload length given to `emit`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repr {
    /// 4 unless crafting a wrong one (written as given, before the checksum is computed).
    pub version: u8,
    pub tos: u8,
    pub total_len: Option<u16>,
    pub ident: u16,
    pub flags: u8,
    pub frag_offset: u16,
    pub ttl: u8,
    pub protocol: u8,
    pub checksum: Option<u16>,
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    /// Raw option bytes; emit pads them to a multiple of 4 with End of Option List.
    pub options: Vec<u8>,
    /// Header length in 32-bit words to write instead of the computed one (to craft bad IHLs).
    pub ihl_override: Option<u8>,
}

impl Default for Repr {
    fn default() -> Repr {
        Repr {
            version: 4,
            tos: 0,
            total_len: None,
            ident: 1,
            flags: 0,
            frag_offset: 0,
            ttl: 64,
            protocol: 0,
            checksum: None,
            src: Ipv4Addr::UNSPECIFIED,
            dst: Ipv4Addr::LOCALHOST,
            options: Vec::new(),
            ihl_override: None,
        }
    }
}

impl Repr {
    pub fn parse<T: AsRef<[u8]>>(p: &Packet<T>) -> Result<Repr> {
        Ok(Repr {
            version: p.version(),
            tos: p.tos(),
            total_len: Some(p.total_len()),
            ident: p.ident(),
            flags: p.flags(),
            frag_offset: p.frag_offset(),
            ttl: p.ttl(),
            protocol: p.protocol(),
            checksum: Some(p.checksum()),
            src: p.src(),
            dst: p.dst(),
            options: p.options().to_vec(),
            ihl_override: None,
        })
    }
    pub fn buffer_len(&self) -> usize {
        MIN_HEADER_LEN + self.options.len().div_ceil(4) * 4
    }
    /// Writes the header for a payload of `payload_len` bytes; returns the header length.
    pub fn emit(&self, buf: &mut [u8], payload_len: usize) -> Result<usize> {
        let hlen = self.buffer_len();
        room(PROTO, buf, hlen)?;
        let ihl = self.ihl_override.unwrap_or((hlen / 4) as u8);
        buf[0] = ((self.version & 0x0f) << 4) | (ihl & 0x0f);
        buf[1] = self.tos;
        let total = self
            .total_len
            .unwrap_or((hlen + payload_len).min(0xffff) as u16);
        put16(buf, 2, total);
        put16(buf, 4, self.ident);
        put16(
            buf,
            6,
            ((self.flags as u16 & 7) << 13) | (self.frag_offset & 0x1fff),
        );
        buf[8] = self.ttl;
        buf[9] = self.protocol;
        put16(buf, 10, 0);
        buf[12..16].copy_from_slice(&self.src.octets());
        buf[16..20].copy_from_slice(&self.dst.octets());
        buf[20..20 + self.options.len()].copy_from_slice(&self.options);
        buf[20 + self.options.len()..hlen].fill(0);
        let sum = self
            .checksum
            .unwrap_or_else(|| checksum::checksum(&buf[..hlen]));
        put16(buf, 10, sum);
        Ok(hlen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 172.16.16.128 -> 212.58.226.142 TCP SYN header (chrissanders tcp_handshake frame 1).
    const HDR: [u8; 20] = [
        0x45, 0x00, 0x00, 0x34, 0x31, 0x7f, 0x40, 0x00, 0x80, 0x06, 0x00, 0x00, 0xac, 0x10, 0x10,
        0x80, 0xd4, 0x3a, 0xe2, 0x8e,
    ];

    #[test]
    fn emit_computes_checksum_that_verifies() {
        let mut r = Repr::parse(&Packet::new_checked(&HDR[..]).unwrap()).unwrap();
        r.checksum = None;
        r.total_len = None;
        let mut buf = [0u8; 20];
        r.emit(&mut buf, 32).unwrap();
        let p = Packet::new_checked(&buf[..]).unwrap();
        assert!(p.verify_checksum());
        assert_eq!(p.total_len(), 52);
        assert_eq!(p.ident(), 0x317f);
        assert!(p.dont_frag());
    }

    #[test]
    fn rejects_bad_ihl_and_version() {
        let mut b = HDR;
        b[0] = 0x44;
        assert!(Packet::new_checked(&b[..]).is_err());
        b[0] = 0x65;
        assert!(Packet::new_checked(&b[..]).is_err());
        let mut b = HDR;
        b[0] = 0x46; // claims 24 bytes, has 20
        assert!(matches!(
            Packet::new_checked(&b[..]),
            Err(WireError::Truncated {
                needed: 24,
                had: 20,
                ..
            })
        ));
    }

    #[test]
    fn options_iterate() {
        let opts = [1, 1, 0x44, 6, 5, 0, 0, 0, 0];
        let v: Vec<_> = options(&opts).collect();
        assert_eq!(v.len(), 3);
        assert_eq!(v[2].kind, 0x44);
        assert_eq!(v[2].data.len(), 4);
    }
}
