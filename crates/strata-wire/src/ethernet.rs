//! Ethernet II and IEEE 802.3 framing (the 802.3 length form continues into LLC).

use crate::bytes::{array, be16, put16};
use crate::error::{need, room, Result};
use core::fmt;

pub const HEADER_LEN: usize = 14;
const PROTO: &str = "eth";

/// A 48-bit MAC address, printed as Wireshark does (`00:11:22:33:44:55`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct MacAddr(pub [u8; 6]);

impl MacAddr {
    pub const BROADCAST: MacAddr = MacAddr([0xff; 6]);
    pub fn is_multicast(&self) -> bool {
        self.0[0] & 1 != 0
    }
}

impl fmt::Display for MacAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = self.0;
        write!(
            f,
            "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            b[0], b[1], b[2], b[3], b[4], b[5]
        )
    }
}

impl fmt::Debug for MacAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl core::str::FromStr for MacAddr {
    type Err = ();
    fn from_str(s: &str) -> core::result::Result<MacAddr, ()> {
        let mut out = [0u8; 6];
        let mut n = 0;
        for part in s.split([':', '-']) {
            if n == 6 || part.len() != 2 {
                return Err(());
            }
            out[n] = u8::from_str_radix(part, 16).map_err(|_| ())?;
            n += 1;
        }
        if n == 6 {
            Ok(MacAddr(out))
        } else {
            Err(())
        }
    }
}

/// EtherType values (IEEE registry), an open set.
pub mod ethertype {
    pub const IPV4: u16 = 0x0800;
    pub const ARP: u16 = 0x0806;
    pub const RARP: u16 = 0x8035;
    pub const VLAN: u16 = 0x8100;
    pub const IPV6: u16 = 0x86dd;
    pub const QINQ: u16 = 0x88a8;
    /// Pre-standard Q-in-Q tag types seen in the wild.
    pub const QINQ_OLD1: u16 = 0x9100;
    pub const QINQ_OLD2: u16 = 0x9200;
    pub const MPLS_UC: u16 = 0x8847;
    pub const MPLS_MC: u16 = 0x8848;
    pub const PPPOE_DISC: u16 = 0x8863;
    pub const PPPOE_SESS: u16 = 0x8864;
    pub const TEB: u16 = 0x6558;
    pub const LLDP: u16 = 0x88cc;
    /// Cisco FabricPath.
    pub const FABRICPATH: u16 = 0x8903;
    /// Values ≤ 1500 are an 802.3 length, not a type.
    pub const MAX_8023_LEN: u16 = 1500;
}

/// A zero-copy view of an Ethernet header.
#[derive(Debug, Clone, Copy)]
pub struct Packet<T: AsRef<[u8]>> {
    buf: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    pub fn new_checked(buf: T) -> Result<Packet<T>> {
        need(PROTO, buf.as_ref(), HEADER_LEN)?;
        Ok(Packet { buf })
    }
    pub fn dst(&self) -> MacAddr {
        MacAddr(array(self.buf.as_ref(), 0))
    }
    pub fn src(&self) -> MacAddr {
        MacAddr(array(self.buf.as_ref(), 6))
    }
    /// The EtherType, or the 802.3 length when ≤ 1500.
    pub fn ethertype(&self) -> u16 {
        be16(self.buf.as_ref(), 12)
    }
    pub fn is_8023(&self) -> bool {
        self.ethertype() <= ethertype::MAX_8023_LEN
    }
    pub fn payload(&self) -> &[u8] {
        self.buf.as_ref().get(HEADER_LEN..).unwrap_or(&[])
    }
}

/// An Ethernet header as values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr {
    pub dst: MacAddr,
    pub src: MacAddr,
    pub ethertype: u16,
}

impl Repr {
    pub fn parse<T: AsRef<[u8]>>(p: &Packet<T>) -> Result<Repr> {
        Ok(Repr {
            dst: p.dst(),
            src: p.src(),
            ethertype: p.ethertype(),
        })
    }
    pub fn buffer_len(&self) -> usize {
        HEADER_LEN
    }
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize> {
        room(PROTO, buf, HEADER_LEN)?;
        buf[0..6].copy_from_slice(&self.dst.0);
        buf[6..12].copy_from_slice(&self.src.0);
        put16(buf, 12, self.ethertype);
        Ok(HEADER_LEN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRAME: [u8; 14] = [
        0x00, 0x05, 0x5d, 0x21, 0x99, 0x4c, 0x00, 0x21, 0x6a, 0x5b, 0x7d, 0x4a, 0x08, 0x00,
    ];

    #[test]
    fn parse_and_emit_round_trip() {
        let p = Packet::new_checked(&FRAME[..]).unwrap();
        let r = Repr::parse(&p).unwrap();
        assert_eq!(r.src.to_string(), "00:21:6a:5b:7d:4a");
        assert_eq!(r.ethertype, ethertype::IPV4);
        let mut out = [0u8; 14];
        r.emit(&mut out).unwrap();
        assert_eq!(out, FRAME);
    }

    #[test]
    fn short_frame_is_truncated_error() {
        assert!(Packet::new_checked(&FRAME[..13]).is_err());
    }

    #[test]
    fn mac_from_str() {
        let m: MacAddr = "00:21:6a:5b:7d:4a".parse().unwrap();
        assert_eq!(m.to_string(), "00:21:6a:5b:7d:4a");
        assert!("00:21".parse::<MacAddr>().is_err());
    }
}
