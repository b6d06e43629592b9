//! IGMP v1/v2/v3 (RFC 1112, 2236, 3376): type, max response time, checksum, group address.

use crate::bytes::{array, be16, put16, u8_at};
use crate::checksum;
use crate::error::{need, room, Result, WireError};
use core::net::Ipv4Addr;

pub const MIN_LEN: usize = 8;
const PROTO: &str = "igmp";

/// `igmp.type` values.
pub mod msg_type {
    /// Membership query (all versions; v3 when 12+ bytes long).
    pub const QUERY: u8 = 0x11;
    pub const V1_REPORT: u8 = 0x12;
    pub const V2_REPORT: u8 = 0x16;
    pub const V2_LEAVE: u8 = 0x17;
    pub const V3_REPORT: u8 = 0x22;
}

#[derive(Debug, Clone, Copy)]
pub struct Packet<T: AsRef<[u8]>> {
    buf: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    pub fn new_checked(buf: T) -> Result<Packet<T>> {
        need(PROTO, buf.as_ref(), MIN_LEN)?;
        Ok(Packet { buf })
    }
    pub fn msg_type(&self) -> u8 {
        u8_at(self.buf.as_ref(), 0)
    }
    pub fn max_resp(&self) -> u8 {
        u8_at(self.buf.as_ref(), 1)
    }
    pub fn checksum(&self) -> u16 {
        be16(self.buf.as_ref(), 2)
    }
    /// The group address (0.0.0.0 in v3 reports, whose groups sit in records).
    pub fn group(&self) -> Ipv4Addr {
        Ipv4Addr::from(array::<4>(self.buf.as_ref(), 4))
    }
    /// IGMP version as Wireshark infers it: v3 for 0x22 reports and long queries.
    pub fn version(&self) -> u8 {
        match self.msg_type() {
            0x22 => 3,
            0x11 if self.buf.as_ref().len() >= 12 => 3,
            0x11 if self.max_resp() == 0 => 1,
            0x12 => 1,
            _ => 2,
        }
    }
    pub fn verify_checksum(&self) -> bool {
        checksum::checksum(self.buf.as_ref()) == 0
    }
}

/// An IGMPv1/v2 message as values (`igmp.type`, `igmp.max_resp`, `igmp.maddr`): the fixed
/// 8-byte form. IGMPv3 queries and reports carry source lists and group records, which
/// Strata reads through [`Packet`] but does not craft, so `parse` rejects them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr {
    /// A [`msg_type`] value.
    pub msg_type: u8,
    /// Max response time in 1/10 s (v2 queries; 0 in v1 queries and in reports).
    pub max_resp: u8,
    /// The group (0.0.0.0 in general queries).
    pub group: Ipv4Addr,
}

impl Repr {
    pub fn parse<T: AsRef<[u8]>>(p: &Packet<T>) -> Result<Repr> {
        if p.version() == 3 {
            return Err(WireError::Malformed {
                proto: PROTO,
                what: "IGMPv3 message has no fixed-size Repr",
            });
        }
        Ok(Repr {
            msg_type: p.msg_type(),
            max_resp: p.max_resp(),
            group: p.group(),
        })
    }
    pub fn buffer_len(&self) -> usize {
        MIN_LEN
    }
    /// Writes the message and its checksum (over the 8 bytes written).
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize> {
        room(PROTO, buf, MIN_LEN)?;
        buf[0] = self.msg_type;
        buf[1] = self.max_resp;
        put16(buf, 2, 0);
        buf[4..8].copy_from_slice(&self.group.octets());
        let sum = checksum::checksum(&buf[..MIN_LEN]);
        put16(buf, 2, sum);
        Ok(MIN_LEN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_v2_report() {
        let r = Repr {
            msg_type: msg_type::V2_REPORT,
            max_resp: 0,
            group: Ipv4Addr::new(239, 255, 255, 250),
        };
        let mut buf = [0u8; 8];
        assert_eq!(r.emit(&mut buf).unwrap(), 8);
        // RFC 1071 sum of 0x1600 + 0x0000 + 0xefff + 0xfffa, complemented: 0xfa04.
        assert_eq!(buf, [0x16, 0x00, 0xfa, 0x04, 0xef, 0xff, 0xff, 0xfa]);
        let p = Packet::new_checked(&buf[..]).unwrap();
        assert!(p.verify_checksum());
        assert_eq!(p.version(), 2);
        assert_eq!(Repr::parse(&p).unwrap(), r);
        assert!(r.emit(&mut buf[..7]).is_err());
    }

    #[test]
    fn v3_is_refused_not_misread() {
        let mut b = [0u8; 12];
        b[0] = msg_type::QUERY;
        let p = Packet::new_checked(&b[..]).unwrap();
        assert!(Repr::parse(&p).is_err());
    }

    #[test]
    fn hostile_truncations() {
        let r = Repr {
            msg_type: msg_type::QUERY,
            max_resp: 100,
            group: Ipv4Addr::UNSPECIFIED,
        };
        let mut buf = [0u8; 8];
        r.emit(&mut buf).unwrap();
        for cut in 0..buf.len() {
            assert!(Packet::new_checked(&buf[..cut]).is_err());
        }
    }
}
