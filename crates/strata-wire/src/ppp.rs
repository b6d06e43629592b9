//! PPP (RFC 1661) framing as it appears in captures: optional HDLC address/control bytes, then
//! a 1- or 2-byte protocol field (RFC 1661 §6.5 protocol field compression).

use crate::bytes::u8_at;
use crate::error::{need, Result};

const PROTO: &str = "ppp";

pub mod protocol {
    pub const IPV4: u16 = 0x0021;
    pub const IPV6: u16 = 0x0057;
    pub const MPLS_UC: u16 = 0x0281;
    pub const LCP: u16 = 0xc021;
    pub const IPCP: u16 = 0x8021;
    pub const PAP: u16 = 0xc023;
    pub const CHAP: u16 = 0xc223;
}

/// Parses the PPP header at the start of `buf`: returns (protocol, header length).
pub fn parse(buf: &[u8]) -> Result<(u16, usize)> {
    need(PROTO, buf, 1)?;
    // Address 0xff and control 0x03 are present unless compressed away (ACFC).
    let start = if buf.len() >= 2 && buf[0] == 0xff && buf[1] == 0x03 {
        2
    } else {
        0
    };
    let first = u8_at(buf, start);
    need(PROTO, buf, start + 1)?;
    if first & 1 == 1 {
        // An odd first byte is a compressed 1-byte protocol.
        Ok((first as u16, start + 1))
    } else {
        need(PROTO, buf, start + 2)?;
        Ok((
            ((first as u16) << 8) | u8_at(buf, start + 1) as u16,
            start + 2,
        ))
    }
}
