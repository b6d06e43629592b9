//! PPPoE (RFC 2516) session and discovery headers.

use crate::bytes::{be16, put16, u8_at};
use crate::error::{need, room, Result, WireError};

pub const HEADER_LEN: usize = 6;
const PROTO: &str = "pppoe";

/// `pppoe.code`: 0 in session frames, the discovery stage otherwise (RFC 2516 §5).
pub mod code {
    pub const SESSION: u8 = 0x00;
    pub const PADI: u8 = 0x09;
    pub const PADO: u8 = 0x07;
    pub const PADR: u8 = 0x19;
    pub const PADS: u8 = 0x65;
    pub const PADT: u8 = 0xa7;
}
/// EtherType of discovery frames.
pub const ETHERTYPE_DISCOVERY: u16 = 0x8863;
/// EtherType of session frames.
pub const ETHERTYPE_SESSION: u16 = 0x8864;

#[derive(Debug, Clone, Copy)]
pub struct Packet<T: AsRef<[u8]>> {
    buf: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    pub fn new_checked(buf: T) -> Result<Packet<T>> {
        need(PROTO, buf.as_ref(), HEADER_LEN)?;
        Ok(Packet { buf })
    }
    pub fn version(&self) -> u8 {
        u8_at(self.buf.as_ref(), 0) >> 4
    }
    /// `pppoe.type`: must be 1 (RFC 2516 §4).
    pub fn ptype(&self) -> u8 {
        u8_at(self.buf.as_ref(), 0) & 0x0f
    }
    pub fn code(&self) -> u8 {
        u8_at(self.buf.as_ref(), 1)
    }
    pub fn session_id(&self) -> u16 {
        be16(self.buf.as_ref(), 2)
    }
    pub fn payload_len(&self) -> u16 {
        be16(self.buf.as_ref(), 4)
    }
}

/// A PPPoE header as values (`pppoe.version`, `pppoe.type`, `pppoe.code`, `pppoe.session_id`,
/// `pppoe.payload_length`). Version and type are both fixed at 1 by RFC 2516, so they are
/// checked on parse rather than stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr {
    /// A [`code`] value.
    pub code: u8,
    pub session_id: u16,
    /// Bytes after this header (the PPP frame, or the discovery tags).
    pub payload_len: u16,
}

impl Repr {
    pub fn parse<T: AsRef<[u8]>>(p: &Packet<T>) -> Result<Repr> {
        if p.version() != 1 || p.ptype() != 1 {
            return Err(WireError::Malformed {
                proto: PROTO,
                what: "version or type is not 1",
            });
        }
        Ok(Repr {
            code: p.code(),
            session_id: p.session_id(),
            payload_len: p.payload_len(),
        })
    }
    pub fn buffer_len(&self) -> usize {
        HEADER_LEN
    }
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize> {
        room(PROTO, buf, HEADER_LEN)?;
        buf[0] = 0x11;
        buf[1] = self.code;
        put16(buf, 2, self.session_id);
        put16(buf, 4, self.payload_len);
        Ok(HEADER_LEN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let r = Repr {
            code: code::SESSION,
            session_id: 0x1234,
            payload_len: 42,
        };
        let mut buf = [0u8; 6];
        assert_eq!(r.emit(&mut buf).unwrap(), 6);
        assert_eq!(buf, [0x11, 0x00, 0x12, 0x34, 0x00, 0x2a]);
        let p = Packet::new_checked(&buf[..]).unwrap();
        assert_eq!(Repr::parse(&p).unwrap(), r);
        buf[0] = 0x21;
        let p = Packet::new_checked(&buf[..]).unwrap();
        assert!(Repr::parse(&p).is_err());
    }

    #[test]
    fn hostile_truncations() {
        let b = [0x11, code::PADI, 0, 0, 0, 4];
        for cut in 0..b.len() {
            assert!(Packet::new_checked(&b[..cut]).is_err());
        }
    }
}
