//! ICMPv6 (RFC 4443) and Neighbor Discovery (RFC 4861) message headers.

use crate::bytes::{be16, put16, u8_at};
use crate::checksum::PseudoHeader;
use crate::error::{need, room, Result};
use crate::ipv4::protocol;

pub const HEADER_LEN: usize = 8;
const PROTO: &str = "icmpv6";

pub mod types {
    pub const DEST_UNREACHABLE: u8 = 1;
    pub const PACKET_TOO_BIG: u8 = 2;
    pub const TIME_EXCEEDED: u8 = 3;
    pub const PARAMETER_PROBLEM: u8 = 4;
    pub const ECHO_REQUEST: u8 = 128;
    pub const ECHO_REPLY: u8 = 129;
    pub const MLD_QUERY: u8 = 130;
    pub const ROUTER_SOLICIT: u8 = 133;
    pub const ROUTER_ADVERT: u8 = 134;
    pub const NEIGHBOR_SOLICIT: u8 = 135;
    pub const NEIGHBOR_ADVERT: u8 = 136;
    pub const REDIRECT: u8 = 137;
    pub const MLDV2_REPORT: u8 = 143;
}

/// True for the error messages (type < 128) that quote the offending packet.
pub fn is_error(ty: u8) -> bool {
    ty < 128
}

#[derive(Debug, Clone, Copy)]
pub struct Packet<T: AsRef<[u8]>> {
    buf: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    pub fn new_checked(buf: T) -> Result<Packet<T>> {
        need(PROTO, buf.as_ref(), 4)?;
        Ok(Packet { buf })
    }
    fn b(&self) -> &[u8] {
        self.buf.as_ref()
    }
    pub fn msg_type(&self) -> u8 {
        u8_at(self.b(), 0)
    }
    pub fn code(&self) -> u8 {
        u8_at(self.b(), 1)
    }
    pub fn checksum(&self) -> u16 {
        be16(self.b(), 2)
    }
    pub fn ident(&self) -> u16 {
        be16(self.b(), 4)
    }
    pub fn seq(&self) -> u16 {
        be16(self.b(), 6)
    }
    /// For NS / NA / redirect: the target address at offset 8.
    pub fn nd_target(&self) -> Option<core::net::Ipv6Addr> {
        let t = self.msg_type();
        if !(types::NEIGHBOR_SOLICIT..=types::REDIRECT).contains(&t) {
            return None;
        }
        let b: [u8; 16] = self.b().get(8..24)?.try_into().ok()?;
        Some(b.into())
    }
    pub fn payload(&self) -> &[u8] {
        self.b().get(HEADER_LEN..).unwrap_or(&[])
    }
    pub fn verify_checksum(&self, pseudo: &PseudoHeader) -> bool {
        pseudo.verify(protocol::ICMPV6, self.b())
    }
}

/// An ICMPv6 header as values: type, code, and the 4 message-specific bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr {
    pub msg_type: u8,
    pub code: u8,
    pub checksum: Option<u16>,
    pub rest: u32,
}

impl Repr {
    pub fn parse<T: AsRef<[u8]>>(p: &Packet<T>) -> Result<Repr> {
        need(PROTO, p.b(), HEADER_LEN)?;
        Ok(Repr {
            msg_type: p.msg_type(),
            code: p.code(),
            checksum: Some(p.checksum()),
            rest: ((p.ident() as u32) << 16) | p.seq() as u32,
        })
    }
    pub fn buffer_len(&self) -> usize {
        HEADER_LEN
    }
    /// Writes the header into `msg[..8]`; the body must already follow it.
    pub fn emit(&self, msg: &mut [u8], pseudo: &PseudoHeader) -> Result<usize> {
        room(PROTO, msg, HEADER_LEN)?;
        msg[0] = self.msg_type;
        msg[1] = self.code;
        put16(msg, 2, 0);
        msg[4..8].copy_from_slice(&self.rest.to_be_bytes());
        let sum = self
            .checksum
            .unwrap_or_else(|| pseudo.checksum(protocol::ICMPV6, msg));
        put16(msg, 2, sum);
        Ok(HEADER_LEN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn echo_checksum_verifies() {
        let pseudo = PseudoHeader::V6 {
            src: "fd00::1".parse().unwrap(),
            dst: "fd00::2".parse().unwrap(),
        };
        let r = Repr {
            msg_type: types::ECHO_REQUEST,
            code: 0,
            checksum: None,
            rest: 0x0001_0002,
        };
        let mut m = [0u8; 8];
        r.emit(&mut m, &pseudo).unwrap();
        let p = Packet::new_checked(&m[..]).unwrap();
        assert!(p.verify_checksum(&pseudo));
        assert_eq!(p.seq(), 2);
    }
}
