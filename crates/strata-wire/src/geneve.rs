//! Geneve (RFC 8926) over UDP 6081: base header, options length, protocol type.

use crate::bytes::{be16, be32, u8_at};
use crate::error::{need, Result, WireError};

pub const BASE_LEN: usize = 8;
pub const UDP_PORT: u16 = 6081;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub version: u8,
    pub options_len: usize,
    /// An EtherType: 0x6558 for Ethernet.
    pub protocol: u16,
    pub vni: u32,
    pub header_len: usize,
}

pub fn parse(b: &[u8]) -> Result<Header> {
    need("geneve", b, BASE_LEN)?;
    let version = u8_at(b, 0) >> 6;
    if version != 0 {
        return Err(WireError::Malformed {
            proto: "geneve",
            what: "version is not 0",
        });
    }
    let options_len = ((u8_at(b, 0) & 0x3f) as usize) * 4;
    need("geneve", b, BASE_LEN + options_len)?;
    Ok(Header {
        version,
        options_len,
        protocol: be16(b, 2),
        vni: be32(b, 4) >> 8,
        header_len: BASE_LEN + options_len,
    })
}
