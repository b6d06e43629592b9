//! BSD loopback (LINKTYPE_NULL / LINKTYPE_LOOP): a 4-byte address family.

use crate::bytes::{be32, le32};
use crate::error::{need, Result};

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
