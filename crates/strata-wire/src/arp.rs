//! ARP (RFC 826) for any hardware/protocol sizes; Ethernet/IPv4 accessors for the common case.

use crate::bytes::{array, be16, put16, u8_at};
use crate::error::{need, room, Result, WireError};
use crate::ethernet::MacAddr;
use core::net::Ipv4Addr;

pub const HEADER_LEN: usize = 8;
const PROTO: &str = "arp";

pub mod opcode {
    pub const REQUEST: u16 = 1;
    pub const REPLY: u16 = 2;
    pub const RARP_REQUEST: u16 = 3;
    pub const RARP_REPLY: u16 = 4;
}

/// A zero-copy view of an ARP packet; `new_checked` guarantees the address fields are present.
#[derive(Debug, Clone, Copy)]
pub struct Packet<T: AsRef<[u8]>> {
    buf: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    pub fn new_checked(buf: T) -> Result<Packet<T>> {
        let b = buf.as_ref();
        need(PROTO, b, HEADER_LEN)?;
        let p = Packet { buf };
        need(PROTO, p.buf.as_ref(), p.total_len())?;
        Ok(p)
    }
    pub fn hardware_type(&self) -> u16 {
        be16(self.buf.as_ref(), 0)
    }
    pub fn protocol_type(&self) -> u16 {
        be16(self.buf.as_ref(), 2)
    }
    pub fn hw_size(&self) -> u8 {
        u8_at(self.buf.as_ref(), 4)
    }
    pub fn proto_size(&self) -> u8 {
        u8_at(self.buf.as_ref(), 5)
    }
    pub fn opcode(&self) -> u16 {
        be16(self.buf.as_ref(), 6)
    }
    /// Header plus the four addresses.
    pub fn total_len(&self) -> usize {
        HEADER_LEN + 2 * (self.hw_size() as usize + self.proto_size() as usize)
    }
    fn field(&self, idx: usize) -> &[u8] {
        let (h, p) = (self.hw_size() as usize, self.proto_size() as usize);
        let off = HEADER_LEN + [0, h, h + p, 2 * h + p][idx];
        let len = if idx.is_multiple_of(2) { h } else { p };
        self.buf.as_ref().get(off..off + len).unwrap_or(&[])
    }
    pub fn sender_hw(&self) -> &[u8] {
        self.field(0)
    }
    pub fn sender_proto(&self) -> &[u8] {
        self.field(1)
    }
    pub fn target_hw(&self) -> &[u8] {
        self.field(2)
    }
    pub fn target_proto(&self) -> &[u8] {
        self.field(3)
    }
    /// True for Ethernet (6-byte) hardware and IPv4 (4-byte) protocol addresses.
    pub fn is_ether_ipv4(&self) -> bool {
        self.hw_size() == 6 && self.proto_size() == 4 && self.protocol_type() == 0x0800
    }
}

/// An Ethernet/IPv4 ARP packet as values (the only form Strata crafts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr {
    pub hardware_type: u16,
    pub protocol_type: u16,
    pub opcode: u16,
    pub sender_hw: MacAddr,
    pub sender_ip: Ipv4Addr,
    pub target_hw: MacAddr,
    pub target_ip: Ipv4Addr,
}

impl Repr {
    pub fn parse<T: AsRef<[u8]>>(p: &Packet<T>) -> Result<Repr> {
        if p.hw_size() != 6 || p.proto_size() != 4 {
            return Err(WireError::Malformed {
                proto: PROTO,
                what: "not Ethernet/IPv4 address sizes",
            });
        }
        Ok(Repr {
            hardware_type: p.hardware_type(),
            protocol_type: p.protocol_type(),
            opcode: p.opcode(),
            sender_hw: MacAddr(array(p.sender_hw(), 0)),
            sender_ip: Ipv4Addr::from(array::<4>(p.sender_proto(), 0)),
            target_hw: MacAddr(array(p.target_hw(), 0)),
            target_ip: Ipv4Addr::from(array::<4>(p.target_proto(), 0)),
        })
    }
    pub fn buffer_len(&self) -> usize {
        28
    }
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize> {
        room(PROTO, buf, 28)?;
        put16(buf, 0, self.hardware_type);
        put16(buf, 2, self.protocol_type);
        buf[4] = 6;
        buf[5] = 4;
        put16(buf, 6, self.opcode);
        buf[8..14].copy_from_slice(&self.sender_hw.0);
        buf[14..18].copy_from_slice(&self.sender_ip.octets());
        buf[18..24].copy_from_slice(&self.target_hw.0);
        buf[24..28].copy_from_slice(&self.target_ip.octets());
        Ok(28)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn round_trip_request() {
        let r = Repr {
            hardware_type: 1,
            protocol_type: 0x0800,
            opcode: opcode::REQUEST,
            sender_hw: MacAddr([0, 1, 2, 3, 4, 5]),
            sender_ip: Ipv4Addr::new(198, 18, 0, 1),
            target_hw: MacAddr::default(),
            target_ip: Ipv4Addr::new(198, 18, 0, 2),
        };
        let mut buf = [0u8; 28];
        r.emit(&mut buf).unwrap();
        let p = Packet::new_checked(&buf[..]).unwrap();
        assert!(p.is_ether_ipv4());
        assert_eq!(Repr::parse(&p).unwrap(), r);
        assert!(Packet::new_checked(&buf[..27]).is_err());
    }

    #[test]
    fn hostile_truncations() {
        let r = Repr {
            hardware_type: 1,
            protocol_type: 0x0800,
            opcode: opcode::REPLY,
            sender_hw: MacAddr([2, 0, 0, 0, 0, 1]),
            sender_ip: Ipv4Addr::new(10, 0, 0, 1),
            target_hw: MacAddr([2, 0, 0, 0, 0, 2]),
            target_ip: Ipv4Addr::new(10, 0, 0, 2),
        };
        let mut buf = [0u8; 28];
        r.emit(&mut buf).unwrap();
        for cut in 0..buf.len() {
            assert!(Packet::new_checked(&buf[..cut]).is_err(), "cut {cut}");
        }
        // Huge declared address sizes need 8 + 2 * (255 + 255) bytes: refused, not overread.
        buf[4] = 0xff;
        buf[5] = 0xff;
        assert!(Packet::new_checked(&buf[..]).is_err());
        // Non-Ethernet/IPv4 sizes view fine but have no Repr.
        buf[4] = 6;
        buf[5] = 2;
        let p = Packet::new_checked(&buf[..24]).unwrap();
        assert!(Repr::parse(&p).is_err());
    }
}
