//! PPPoE (RFC 2516) session and discovery headers.

use crate::bytes::{be16, u8_at};
use crate::error::{need, Result};

pub const HEADER_LEN: usize = 6;
const PROTO: &str = "pppoe";

#[derive(Debug, Clone, Copy)]
pub struct Packet<T: AsRef<[u8]>> {
    buf: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    pub fn new_checked(buf: T) -> Result<Packet<T>> {
        need(PROTO, buf.as_ref(), HEADER_LEN)?;
        Ok(Packet { buf })
    }
    pub fn version(&self) -> u8 {
        u8_at(self.buf.as_ref(), 0) >> 4
    }
    pub fn code(&self) -> u8 {
        u8_at(self.buf.as_ref(), 1)
    }
    pub fn session_id(&self) -> u16 {
        be16(self.buf.as_ref(), 2)
    }
    pub fn payload_len(&self) -> u16 {
        be16(self.buf.as_ref(), 4)
    }
}
