//! IEEE 802.2 LLC and SNAP (RFC 1042), which follow 802.3 length framing and 802.11 data frames.

use crate::bytes::{be16, u8_at};
use crate::error::{need, room, Result};

const PROTO: &str = "llc";
pub const SAP_SNAP: u8 = 0xaa;
pub const SAP_STP: u8 = 0x42;
pub const SAP_NETWARE: u8 = 0xe0;

/// A zero-copy view of an LLC header (3 bytes, or 4 for I/S frames), with SNAP when DSAP=0xaa.
#[derive(Debug, Clone, Copy)]
pub struct Packet<T: AsRef<[u8]>> {
    buf: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    pub fn new_checked(buf: T) -> Result<Packet<T>> {
        let p = Packet { buf };
        need(PROTO, p.buf.as_ref(), p.header_len())?;
        Ok(p)
    }
    pub fn dsap(&self) -> u8 {
        u8_at(self.buf.as_ref(), 0)
    }
    pub fn ssap(&self) -> u8 {
        u8_at(self.buf.as_ref(), 1)
    }
    pub fn control(&self) -> u8 {
        u8_at(self.buf.as_ref(), 2)
    }
    pub fn is_snap(&self) -> bool {
        self.dsap() == SAP_SNAP && self.ssap() == SAP_SNAP
    }
    /// LLC (3 or 4 bytes) plus SNAP (5 bytes) when present.
    pub fn header_len(&self) -> usize {
        // U-frames have control low bits 11 and one control byte; I and S frames have two.
        let llc = if self.control() & 3 == 3 { 3 } else { 4 };
        if self.is_snap() {
            llc + 5
        } else {
            llc
        }
    }
    /// SNAP organisation code (0 = encapsulated Ethernet, RFC 1042).
    pub fn snap_oui(&self) -> Option<u32> {
        let b = self.buf.as_ref();
        self.is_snap()
            .then(|| ((u8_at(b, 3) as u32) << 16) | (be16(b, 4) as u32))
    }
    /// SNAP protocol id: an EtherType when the OUI is 0.
    pub fn snap_pid(&self) -> Option<u16> {
        self.is_snap().then(|| be16(self.buf.as_ref(), 6))
    }
}

/// An LLC/SNAP header carrying an EtherType (RFC 1042), as crafted for 802.3 / 802.11.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SnapRepr {
    pub oui: u32,
    pub pid: u16,
}

impl SnapRepr {
    pub fn buffer_len(&self) -> usize {
        8
    }
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize> {
        room(PROTO, buf, 8)?;
        buf[..3].copy_from_slice(&[SAP_SNAP, SAP_SNAP, 0x03]);
        buf[3..6].copy_from_slice(&self.oui.to_be_bytes()[1..]);
        buf[6..8].copy_from_slice(&self.pid.to_be_bytes());
        Ok(8)
    }
}
