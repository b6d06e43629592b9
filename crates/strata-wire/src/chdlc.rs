//! Cisco HDLC: address, control, then an EtherType-like protocol.

use crate::bytes::{be16, u8_at};
use crate::error::{need, Result};

pub const HEADER_LEN: usize = 4;
/// Cisco's SLARP keepalive protocol.
pub const PROTO_SLARP: u16 = 0x8035;

/// Parses the header: (address, protocol).
pub fn parse(b: &[u8]) -> Result<(u8, u16)> {
    need("chdlc", b, HEADER_LEN)?;
    Ok((u8_at(b, 0), be16(b, 2)))
}
