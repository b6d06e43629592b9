//! ICMP for IPv4 (RFC 792): the common header, echo id/seq, and the quoted datagram of errors.

use crate::bytes::{be16, put16, u8_at};
use crate::checksum;
use crate::error::{need, room, Result};

pub const HEADER_LEN: usize = 8;
const PROTO: &str = "icmp";

pub mod types {
    pub const ECHO_REPLY: u8 = 0;
    pub const DEST_UNREACHABLE: u8 = 3;
    pub const SOURCE_QUENCH: u8 = 4;
    pub const REDIRECT: u8 = 5;
    pub const ECHO_REQUEST: u8 = 8;
    pub const TIME_EXCEEDED: u8 = 11;
    pub const PARAMETER_PROBLEM: u8 = 12;
    pub const TIMESTAMP: u8 = 13;
    pub const TIMESTAMP_REPLY: u8 = 14;
}

/// True for the error types whose body quotes the offending IP header (RFC 792, RFC 1812).
pub fn is_error(ty: u8) -> bool {
    matches!(
        ty,
        types::DEST_UNREACHABLE
            | types::SOURCE_QUENCH
            | types::REDIRECT
            | types::TIME_EXCEEDED
            | types::PARAMETER_PROBLEM
    )
}

/// A zero-copy view of an ICMP message. Wireshark shows type and code from 4 bytes on, so
/// `new_checked` accepts 4; id/seq read as 0 when absent.
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
    /// Echo identifier (also timestamp / information messages).
    pub fn ident(&self) -> u16 {
        be16(self.b(), 4)
    }
    pub fn seq(&self) -> u16 {
        be16(self.b(), 6)
    }
    /// Bytes after the 8-byte header: echo data, or the quoted datagram of an error.
    pub fn payload(&self) -> &[u8] {
        self.b().get(HEADER_LEN..).unwrap_or(&[])
    }
    pub fn verify_checksum(&self) -> bool {
        checksum::checksum(self.b()) == 0
    }
}

/// An ICMP message header as values: type, code, and the 4 "rest of header" bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr {
    pub msg_type: u8,
    pub code: u8,
    pub checksum: Option<u16>,
    /// For echo: id (high 16 bits) and seq (low 16); for errors: unused / pointer / gateway.
    pub rest: u32,
}

impl Default for Repr {
    /// Scapy's default: echo request, id 0, seq 0.
    fn default() -> Repr {
        Repr {
            msg_type: types::ECHO_REQUEST,
            code: 0,
            checksum: None,
            rest: 0,
        }
    }
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
    /// Writes the header into `msg[..8]`; the body must already follow, the checksum covers it.
    pub fn emit(&self, msg: &mut [u8]) -> Result<usize> {
        room(PROTO, msg, HEADER_LEN)?;
        msg[0] = self.msg_type;
        msg[1] = self.code;
        put16(msg, 2, 0);
        msg[4..8].copy_from_slice(&self.rest.to_be_bytes());
        let sum = self.checksum.unwrap_or_else(|| checksum::checksum(msg));
        put16(msg, 2, sum);
        Ok(HEADER_LEN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn echo_round_trip() {
        let r = Repr {
            rest: 0x1234_0007,
            ..Repr::default()
        };
        let mut m = [0u8; 12];
        m[8..].copy_from_slice(b"ping");
        r.emit(&mut m).unwrap();
        let p = Packet::new_checked(&m[..]).unwrap();
        assert!(p.verify_checksum());
        assert_eq!((p.ident(), p.seq()), (0x1234, 7));
        assert_eq!(p.payload(), b"ping");
        assert!(!is_error(p.msg_type()));
    }
}
