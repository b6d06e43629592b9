//! IGMP v1/v2/v3 (RFC 1112, 2236, 3376): type, max response time, checksum, group address.

use crate::bytes::{array, be16, u8_at};
use crate::checksum;
use crate::error::{need, Result};
use core::net::Ipv4Addr;

pub const MIN_LEN: usize = 8;
const PROTO: &str = "igmp";

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
