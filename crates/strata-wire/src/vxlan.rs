//! VXLAN (RFC 7348): 8 bytes of flags and VNI over UDP 4789, then an Ethernet frame.

use crate::bytes::{be32, put32, u8_at};
use crate::error::{need, room, Result};

pub const HEADER_LEN: usize = 8;
pub const UDP_PORT: u16 = 4789;

/// Reads (flags, VNI).
pub fn parse(b: &[u8]) -> Result<(u8, u32)> {
    need("vxlan", b, HEADER_LEN)?;
    Ok((u8_at(b, 0), be32(b, 4) >> 8))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr {
    pub vni: u32,
}

impl Repr {
    pub fn buffer_len(&self) -> usize {
        HEADER_LEN
    }
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize> {
        room("vxlan", buf, HEADER_LEN)?;
        put32(buf, 0, 0x0800_0000);
        put32(buf, 4, (self.vni & 0xff_ffff) << 8);
        Ok(HEADER_LEN)
    }
}
