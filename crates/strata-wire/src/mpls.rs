//! MPLS label stack entries (RFC 3032). The payload type is guessed from the first nibble after
//! the bottom of stack, as Wireshark does by default.

use crate::bytes::{be32, put32};
use crate::error::{need, room, Result};

pub const ENTRY_LEN: usize = 4;
const PROTO: &str = "mpls";
/// Label stacks deeper than this are treated as malformed.
pub const MAX_LABELS: usize = 16;

#[derive(Debug, Clone, Copy)]
pub struct Packet<T: AsRef<[u8]>> {
    buf: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    pub fn new_checked(buf: T) -> Result<Packet<T>> {
        need(PROTO, buf.as_ref(), ENTRY_LEN)?;
        Ok(Packet { buf })
    }
    fn entry(&self) -> u32 {
        be32(self.buf.as_ref(), 0)
    }
    pub fn label(&self) -> u32 {
        self.entry() >> 12
    }
    pub fn exp(&self) -> u8 {
        ((self.entry() >> 9) & 7) as u8
    }
    pub fn bottom_of_stack(&self) -> bool {
        self.entry() & 0x100 != 0
    }
    pub fn ttl(&self) -> u8 {
        (self.entry() & 0xff) as u8
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr {
    pub label: u32,
    pub exp: u8,
    pub bottom_of_stack: bool,
    pub ttl: u8,
}

impl Repr {
    pub fn buffer_len(&self) -> usize {
        ENTRY_LEN
    }
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize> {
        room(PROTO, buf, ENTRY_LEN)?;
        put32(
            buf,
            0,
            (self.label << 12)
                | ((self.exp as u32 & 7) << 9)
                | ((self.bottom_of_stack as u32) << 8)
                | self.ttl as u32,
        );
        Ok(ENTRY_LEN)
    }
}
