//! NTP (RFC 5905): the 48-byte header of modes 1-5; control (6) and private (7) messages
//! have no stratum.

use crate::bytes::{be32, u8_at};
use crate::error::{need, Result};

pub const HEADER_LEN: usize = 48;
const PROTO: &str = "ntp";

#[derive(Debug, Clone, Copy)]
pub struct Packet<'a> {
    buf: &'a [u8],
}

impl<'a> Packet<'a> {
    /// Accepts anything with the first byte; fields past the end read as absent.
    pub fn new_checked(buf: &'a [u8]) -> Result<Packet<'a>> {
        need(PROTO, buf, 1)?;
        Ok(Packet { buf })
    }
    pub fn leap(&self) -> u8 {
        u8_at(self.buf, 0) >> 6
    }
    pub fn version(&self) -> u8 {
        (u8_at(self.buf, 0) >> 3) & 7
    }
    pub fn mode(&self) -> u8 {
        u8_at(self.buf, 0) & 7
    }
    /// The stratum of a time packet (modes 1-5), if present.
    pub fn stratum(&self) -> Option<u8> {
        if !(1..=5).contains(&self.mode()) && self.mode() != 0 {
            return None;
        }
        self.buf.get(1).copied()
    }
    pub fn reference_id(&self) -> Option<u32> {
        (self.buf.len() >= 16).then(|| be32(self.buf, 12))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_request() {
        let mut b = [0u8; 48];
        b[0] = 0x23; // v4, client
        b[1] = 2;
        let p = Packet::new_checked(&b[..]).unwrap();
        assert_eq!((p.version(), p.mode(), p.stratum()), (4, 3, Some(2)));
        b[0] = 0x16; // v2, control
        assert_eq!(Packet::new_checked(&b[..]).unwrap().stratum(), None);
        assert!(Packet::new_checked(&[]).is_err());
    }
}
