//! SCTP (RFC 9260) common header and the chunk list.

use crate::bytes::{be16, be32, u8_at};
use crate::error::{need, Result};

pub const HEADER_LEN: usize = 12;
const PROTO: &str = "sctp";

#[derive(Debug, Clone, Copy)]
pub struct Packet<T: AsRef<[u8]>> {
    buf: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    pub fn new_checked(buf: T) -> Result<Packet<T>> {
        need(PROTO, buf.as_ref(), HEADER_LEN)?;
        Ok(Packet { buf })
    }
    pub fn src_port(&self) -> u16 {
        be16(self.buf.as_ref(), 0)
    }
    pub fn dst_port(&self) -> u16 {
        be16(self.buf.as_ref(), 2)
    }
    pub fn verification_tag(&self) -> u32 {
        be32(self.buf.as_ref(), 4)
    }
    pub fn checksum(&self) -> u32 {
        be32(self.buf.as_ref(), 8)
    }
    /// The type of the first chunk, if any.
    pub fn first_chunk_type(&self) -> Option<u8> {
        (self.buf.as_ref().len() > HEADER_LEN).then(|| u8_at(self.buf.as_ref(), HEADER_LEN))
    }
}
