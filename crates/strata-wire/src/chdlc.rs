//! Cisco HDLC: address, control, then an EtherType-like protocol.

use crate::bytes::{be16, put16, u8_at};
use crate::error::{need, room, Result};

pub const HEADER_LEN: usize = 4;
/// Cisco's SLARP keepalive protocol.
pub const PROTO_SLARP: u16 = 0x8035;
/// Address byte of a unicast frame (`chdlc.address`).
pub const ADDR_UNICAST: u8 = 0x0f;
/// Address byte of a broadcast frame (keepalives, CDP).
pub const ADDR_BROADCAST: u8 = 0x8f;

/// Parses the header: (address, protocol).
pub fn parse(b: &[u8]) -> Result<(u8, u16)> {
    need("chdlc", b, HEADER_LEN)?;
    Ok((u8_at(b, 0), be16(b, 2)))
}

/// A Cisco HDLC header as values (`chdlc.address`, `chdlc.control`, `chdlc.protocol`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr {
    /// [`ADDR_UNICAST`] or [`ADDR_BROADCAST`].
    pub address: u8,
    /// Always 0 in practice; kept so odd captures round-trip.
    pub control: u8,
    /// An EtherType (0x0800, 0x86dd) or [`PROTO_SLARP`].
    pub protocol: u16,
}

impl Repr {
    pub fn parse(b: &[u8]) -> Result<Repr> {
        let (address, protocol) = parse(b)?;
        Ok(Repr {
            address,
            control: u8_at(b, 1),
            protocol,
        })
    }
    pub fn buffer_len(&self) -> usize {
        HEADER_LEN
    }
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize> {
        room("chdlc", buf, HEADER_LEN)?;
        buf[0] = self.address;
        buf[1] = self.control;
        put16(buf, 2, self.protocol);
        Ok(HEADER_LEN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let r = Repr {
            address: ADDR_UNICAST,
            control: 0,
            protocol: 0x0800,
        };
        let mut buf = [0u8; 4];
        assert_eq!(r.emit(&mut buf).unwrap(), 4);
        assert_eq!(buf, [0x0f, 0x00, 0x08, 0x00]);
        assert_eq!(Repr::parse(&buf).unwrap(), r);
        assert!(r.emit(&mut buf[..3]).is_err());
    }

    #[test]
    fn hostile_truncations() {
        let b = [0x8f, 0x00, 0x80, 0x35];
        for cut in 0..4 {
            assert!(Repr::parse(&b[..cut]).is_err());
        }
        assert_eq!(Repr::parse(&b).unwrap().protocol, PROTO_SLARP);
    }
}
