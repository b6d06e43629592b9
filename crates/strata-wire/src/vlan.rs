//! IEEE 802.1Q / 802.1ad VLAN tags (any depth: the decoder loops while the type is a tag).

use crate::bytes::{be16, put16};
use crate::error::{need, room, Result};

pub const HEADER_LEN: usize = 4;
const PROTO: &str = "vlan";

/// A zero-copy view of a VLAN tag (the 4 bytes after the outer EtherType).
#[derive(Debug, Clone, Copy)]
pub struct Packet<T: AsRef<[u8]>> {
    buf: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    pub fn new_checked(buf: T) -> Result<Packet<T>> {
        need(PROTO, buf.as_ref(), HEADER_LEN)?;
        Ok(Packet { buf })
    }
    fn tci(&self) -> u16 {
        be16(self.buf.as_ref(), 0)
    }
    /// Priority code point (802.1p).
    pub fn pcp(&self) -> u8 {
        (self.tci() >> 13) as u8
    }
    /// Drop eligible indicator (formerly CFI).
    pub fn dei(&self) -> bool {
        self.tci() & 0x1000 != 0
    }
    pub fn vid(&self) -> u16 {
        self.tci() & 0x0fff
    }
    /// The EtherType (or 802.3 length) of what follows.
    pub fn ethertype(&self) -> u16 {
        be16(self.buf.as_ref(), 2)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Repr {
    pub pcp: u8,
    pub dei: bool,
    pub vid: u16,
    pub ethertype: u16,
}

impl Repr {
    pub fn parse<T: AsRef<[u8]>>(p: &Packet<T>) -> Result<Repr> {
        Ok(Repr {
            pcp: p.pcp(),
            dei: p.dei(),
            vid: p.vid(),
            ethertype: p.ethertype(),
        })
    }
    pub fn buffer_len(&self) -> usize {
        HEADER_LEN
    }
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize> {
        room(PROTO, buf, HEADER_LEN)?;
        let tci = ((self.pcp as u16 & 7) << 13) | ((self.dei as u16) << 12) | (self.vid & 0xfff);
        put16(buf, 0, tci);
        put16(buf, 2, self.ethertype);
        Ok(HEADER_LEN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn round_trip() {
        let bytes = [0x66, 0x58, 0x08, 0x00];
        let r = Repr::parse(&Packet::new_checked(&bytes[..]).unwrap()).unwrap();
        assert_eq!((r.pcp, r.dei, r.vid), (3, false, 1624));
        let mut out = [0u8; 4];
        r.emit(&mut out).unwrap();
        assert_eq!(out, bytes);
    }
}
