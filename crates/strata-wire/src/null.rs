//! BSD loopback (LINKTYPE_NULL / LINKTYPE_LOOP): a 4-byte address family.

use crate::bytes::{be32, le32};
use crate::error::{need, room, Result};

pub const HEADER_LEN: usize = 4;

/// What the address family says follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Ipv4,
    Ipv6,
    Other(u32),
}

/// Reads the family. NULL is in the capturing host's byte order, so both are tried (as
/// Wireshark does); LOOP (`big_endian`) is always network order.
pub fn parse(b: &[u8], big_endian: bool) -> Result<Family> {
    need("null", b, HEADER_LEN)?;
    let v = if big_endian {
        be32(b, 0)
    } else {
        let le = le32(b, 0);
        if le & 0xffff_0000 != 0 {
            be32(b, 0)
        } else {
            le
        }
    };
    // AF_INET is 2 everywhere; AF_INET6 is 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (macOS), 10 (Linux).
    Ok(match v {
        2 => Family::Ipv4,
        10 | 24 | 28 | 30 => Family::Ipv6,
        other => Family::Other(other),
    })
}

/// The raw family value (for `null.family`).
pub fn family_value(b: &[u8], big_endian: bool) -> u32 {
    if big_endian {
        return be32(b, 0);
    }
    let le = le32(b, 0);
    if le & 0xffff_0000 != 0 {
        be32(b, 0)
    } else {
        le
    }
}

/// The byte order a NULL header was written in: the capturing host's, which the file does not
/// record, so it is inferred from which order gives a small value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteOrder {
    Little,
    Big,
}

/// A NULL / LOOP header as values (`null.family`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr {
    /// The raw address family (`AF_INET` = 2; `AF_INET6` varies by OS, see [`parse`]).
    pub family: u32,
    pub byte_order: ByteOrder,
}

impl Repr {
    /// Reads the header; `big_endian` is true for LINKTYPE_LOOP, which is always network order.
    pub fn parse(b: &[u8], big_endian: bool) -> Result<Repr> {
        need("null", b, HEADER_LEN)?;
        // Same inference as `family_value`: a little-endian family never has high bits set.
        let byte_order = if big_endian || le32(b, 0) & 0xffff_0000 != 0 {
            ByteOrder::Big
        } else {
            ByteOrder::Little
        };
        Ok(Repr {
            family: family_value(b, big_endian),
            byte_order,
        })
    }
    /// What the family means to the decoder.
    pub fn kind(&self) -> Family {
        let mut b = [0u8; 4];
        b.copy_from_slice(&self.family.to_be_bytes());
        parse(&b, true).unwrap_or(Family::Other(self.family))
    }
    pub fn buffer_len(&self) -> usize {
        HEADER_LEN
    }
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize> {
        room("null", buf, HEADER_LEN)?;
        let bytes = match self.byte_order {
            ByteOrder::Little => self.family.to_le_bytes(),
            ByteOrder::Big => self.family.to_be_bytes(),
        };
        buf[..HEADER_LEN].copy_from_slice(&bytes);
        Ok(HEADER_LEN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_both_orders() {
        for (family, order, big) in [
            (2, ByteOrder::Little, false),
            (30, ByteOrder::Little, false),
            (24, ByteOrder::Big, false),
            (28, ByteOrder::Big, true),
        ] {
            let r = Repr {
                family,
                byte_order: order,
            };
            let mut buf = [0u8; 4];
            assert_eq!(r.emit(&mut buf).unwrap(), 4);
            assert_eq!(Repr::parse(&buf, big).unwrap(), r);
        }
        let r = Repr {
            family: 30,
            byte_order: ByteOrder::Little,
        };
        assert_eq!(r.kind(), Family::Ipv6);
        assert!(r.emit(&mut [0u8; 3]).is_err());
    }

    #[test]
    fn hostile_truncations() {
        let b = [2u8, 0, 0, 0];
        for cut in 0..4 {
            assert!(Repr::parse(&b[..cut], false).is_err());
            assert!(parse(&b[..cut], true).is_err());
        }
        assert_eq!(family_value(&b[..1], false), 0);
    }
}
