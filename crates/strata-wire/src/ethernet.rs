//! Ethernet II and IEEE 802.3 framing (the 802.3 length form continues into LLC).

use crate::addr::hex_digit;
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
    /// Six two-character hexadecimal groups separated by `:` or `-` (`02:00:00:00:00:01`),
    /// read in place. A group is what `u8::from_str_radix(group, 16)` takes, so `+f` is 15.
    fn from_str(s: &str) -> core::result::Result<MacAddr, ()> {
        let b = s.as_bytes();
        if b.len() != 17 {
            return Err(());
        }
        let mut out = [0u8; 6];
        for (i, byte) in out.iter_mut().enumerate() {
            let at = 3 * i;
            if i > 0 && !matches!(b[at - 1], b':' | b'-') {
                return Err(());
            }
            let low = hex_digit(b[at + 1]).ok_or(())?;
            *byte = match b[at] {
                b'+' => low,
                high => hex_digit(high).ok_or(())? << 4 | low,
            };
        }
        Ok(MacAddr(out))
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

    /// The split-based reader the direct one replaced, as the reference.
    fn split_mac(s: &str) -> Option<MacAddr> {
        let mut out = [0u8; 6];
        let mut n = 0;
        for part in s.split([':', '-']) {
            if n == 6 || part.len() != 2 {
                return None;
            }
            out[n] = u8::from_str_radix(part, 16).ok()?;
            n += 1;
        }
        (n == 6).then_some(MacAddr(out))
    }

    #[test]
    fn mac_reader_agrees_with_the_split_reader() {
        let parts = [
            "02", "ff", "FF", "aB", "0g", "+f", "-f", "+", "é", "0", "001", ":", "-", "",
        ];
        let mut x: u64 = 3;
        for _ in 0..200_000 {
            let mut s = String::new();
            for _ in 0..(x % 13) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                s.push_str(parts[(x % parts.len() as u64) as usize]);
            }
            x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
            assert_eq!(s.parse::<MacAddr>().ok(), split_mac(&s), "{s:?}");
        }
        // Six groups from near misses, with either separator.
        let mut y: u64 = 17;
        for _ in 0..100_000 {
            let mut s = String::new();
            for i in 0..6 {
                y ^= y << 13;
                y ^= y >> 7;
                y ^= y << 17;
                if i > 0 {
                    s.push_str([":", "-", "::", "."][(y % 4) as usize]);
                }
                s.push_str(parts[((y >> 8) % parts.len() as u64) as usize]);
            }
            assert_eq!(s.parse::<MacAddr>().ok(), split_mac(&s), "{s:?}");
        }
        for s in [
            "02:00:00:00:00:01",
            "02-00-00-00-00-01",
            "02:00-00:00:00:01",
            "+2:00:00:00:00:01",
        ] {
            assert_eq!(s.parse::<MacAddr>().ok(), split_mac(s), "{s:?}");
            assert!(split_mac(s).is_some());
        }
    }
}
