//! IPv6 (RFC 8200): the fixed header and every extension header (hop-by-hop, routing, fragment,
//! destination options, AH, mobility, HIP, shim6).

use crate::bytes::{array, be16, be32, put16, put32, u8_at};
use crate::error::{need, room, Result, WireError};
use crate::ipv4::protocol;
use core::net::Ipv6Addr;

pub const HEADER_LEN: usize = 40;
const PROTO: &str = "ipv6";
/// Extension headers the decoder follows before giving up: a chain longer than this is hostile.
pub const MAX_EXT_HEADERS: usize = 16;

/// A zero-copy view of the fixed IPv6 header.
#[derive(Debug, Clone, Copy)]
pub struct Packet<T: AsRef<[u8]>> {
    buf: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    pub fn new_checked(buf: T) -> Result<Packet<T>> {
        let b = buf.as_ref();
        need(PROTO, b, HEADER_LEN)?;
        if b[0] >> 4 != 6 {
            return Err(WireError::Malformed {
                proto: PROTO,
                what: "version is not 6",
            });
        }
        Ok(Packet { buf })
    }
    pub fn new_unchecked(buf: T) -> Packet<T> {
        Packet { buf }
    }
    fn b(&self) -> &[u8] {
        self.buf.as_ref()
    }
    pub fn traffic_class(&self) -> u8 {
        ((be16(self.b(), 0) >> 4) & 0xff) as u8
    }
    pub fn flow_label(&self) -> u32 {
        be32(self.b(), 0) & 0x000f_ffff
    }
    pub fn payload_len(&self) -> u16 {
        be16(self.b(), 4)
    }
    pub fn next_header(&self) -> u8 {
        u8_at(self.b(), 6)
    }
    pub fn hop_limit(&self) -> u8 {
        u8_at(self.b(), 7)
    }
    pub fn src(&self) -> Ipv6Addr {
        Ipv6Addr::from(array::<16>(self.b(), 8))
    }
    pub fn dst(&self) -> Ipv6Addr {
        Ipv6Addr::from(array::<16>(self.b(), 24))
    }
    /// Everything after the fixed header, bounded by the payload length when captured whole
    /// (a zero payload length is a jumbogram or TSO: take what was captured).
    pub fn payload(&self) -> &[u8] {
        let b = self.b();
        let rest = b.get(HEADER_LEN..).unwrap_or(&[]);
        match self.payload_len() as usize {
            0 => rest,
            n => &rest[..n.min(rest.len())],
        }
    }
}

/// True when `nh` is an extension header this module walks.
pub fn is_extension(nh: u8) -> bool {
    matches!(
        nh,
        protocol::HOPOPT
            | protocol::ROUTING
            | protocol::FRAGMENT
            | protocol::DST_OPTS
            | protocol::AH
            | protocol::MOBILITY
            | protocol::HIP
            | protocol::SHIM6
    )
}

/// One extension header, borrowed: its type, the next header it names, and its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExtHeader<'a> {
    pub kind: u8,
    pub next_header: u8,
    /// The whole extension header including its first two bytes.
    pub data: &'a [u8],
}

impl<'a> ExtHeader<'a> {
    /// Parses the extension header of type `kind` at the start of `buf`.
    pub fn parse(kind: u8, buf: &'a [u8]) -> Result<ExtHeader<'a>> {
        let name = "ipv6.ext";
        need(name, buf, 2)?;
        let len = match kind {
            protocol::FRAGMENT => 8,
            // AH counts its length in 4-byte words minus 2 (RFC 4302 §2.2).
            protocol::AH => (buf[1] as usize + 2) * 4,
            _ => (buf[1] as usize + 1) * 8,
        };
        need(name, buf, len)?;
        Ok(ExtHeader {
            kind,
            next_header: buf[0],
            data: &buf[..len],
        })
    }
    pub fn len(&self) -> usize {
        self.data.len()
    }
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
    /// For a fragment header: (offset in 8-byte units, more fragments, identification).
    pub fn fragment(&self) -> Option<FragmentHeader> {
        if self.kind != protocol::FRAGMENT {
            return None;
        }
        let off_flags = be16(self.data, 2);
        Some(FragmentHeader {
            offset: off_flags >> 3,
            more: off_flags & 1 != 0,
            ident: be32(self.data, 4),
        })
    }
    /// For a routing header: (routing type, segments left).
    pub fn routing(&self) -> Option<(u8, u8)> {
        (self.kind == protocol::ROUTING).then(|| (u8_at(self.data, 2), u8_at(self.data, 3)))
    }
}

/// The fields of an IPv6 fragment header (RFC 8200 §4.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FragmentHeader {
    /// In 8-byte units.
    pub offset: u16,
    pub more: bool,
    pub ident: u32,
}

impl FragmentHeader {
    pub fn emit(&self, next_header: u8, buf: &mut [u8]) -> Result<usize> {
        room("ipv6.fraghdr", buf, 8)?;
        buf[0] = next_header;
        buf[1] = 0;
        put16(buf, 2, (self.offset << 3) | self.more as u16);
        put32(buf, 4, self.ident);
        Ok(8)
    }
}

/// A fixed IPv6 header as values; `payload_len: None` computes it on emit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr {
    /// 6 unless crafting a wrong one.
    pub version: u8,
    pub traffic_class: u8,
    pub flow_label: u32,
    pub payload_len: Option<u16>,
    pub next_header: u8,
    pub hop_limit: u8,
    pub src: Ipv6Addr,
    pub dst: Ipv6Addr,
}

impl Default for Repr {
    fn default() -> Repr {
        Repr {
            version: 6,
            traffic_class: 0,
            flow_label: 0,
            payload_len: None,
            next_header: protocol::NO_NEXT,
            hop_limit: 64,
            src: Ipv6Addr::UNSPECIFIED,
            dst: Ipv6Addr::LOCALHOST,
        }
    }
}

impl Repr {
    pub fn parse<T: AsRef<[u8]>>(p: &Packet<T>) -> Result<Repr> {
        Ok(Repr {
            version: (u8_at(p.b(), 0) >> 4),
            traffic_class: p.traffic_class(),
            flow_label: p.flow_label(),
            payload_len: Some(p.payload_len()),
            next_header: p.next_header(),
            hop_limit: p.hop_limit(),
            src: p.src(),
            dst: p.dst(),
        })
    }
    pub fn buffer_len(&self) -> usize {
        HEADER_LEN
    }
    pub fn emit(&self, buf: &mut [u8], payload_len: usize) -> Result<usize> {
        room(PROTO, buf, HEADER_LEN)?;
        put32(
            buf,
            0,
            (((self.version & 0xf) as u32) << 28)
                | ((self.traffic_class as u32) << 20)
                | (self.flow_label & 0xf_ffff),
        );
        put16(
            buf,
            4,
            self.payload_len.unwrap_or(payload_len.min(0xffff) as u16),
        );
        buf[6] = self.next_header;
        buf[7] = self.hop_limit;
        buf[8..24].copy_from_slice(&self.src.octets());
        buf[24..40].copy_from_slice(&self.dst.octets());
        Ok(HEADER_LEN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_ext_headers() {
        let r = Repr {
            next_header: protocol::FRAGMENT,
            src: "fd00:5472::1".parse().unwrap(),
            dst: "fd00:5472::2".parse().unwrap(),
            flow_label: 0x12345,
            traffic_class: 0xb8,
            ..Repr::default()
        };
        let mut buf = [0u8; 48];
        r.emit(&mut buf, 8).unwrap();
        FragmentHeader {
            offset: 185,
            more: true,
            ident: 7,
        }
        .emit(protocol::UDP, &mut buf[40..])
        .unwrap();
        let p = Packet::new_checked(&buf[..]).unwrap();
        assert_eq!(Repr::parse(&p).unwrap().payload_len, Some(8));
        assert_eq!(p.flow_label(), 0x12345);
        assert_eq!(p.traffic_class(), 0xb8);
        let e = ExtHeader::parse(p.next_header(), p.payload()).unwrap();
        assert_eq!(e.next_header, protocol::UDP);
        assert_eq!(
            e.fragment(),
            Some(FragmentHeader {
                offset: 185,
                more: true,
                ident: 7
            })
        );
    }

    #[test]
    fn ext_header_length_is_checked() {
        // Hop-by-hop claiming 16 bytes with 8 present.
        assert!(ExtHeader::parse(0, &[17, 1, 0, 0, 0, 0, 0, 0]).is_err());
        // AH: payload len 4 -> (4+2)*4 = 24 bytes.
        let ah = [
            6u8, 4, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ];
        assert_eq!(ExtHeader::parse(protocol::AH, &ah).unwrap().len(), 24);
    }
}
