//! IEEE 802.11 MAC headers: frame control, addresses, and the header length that leads from a
//! data frame into its LLC/SNAP payload.

use crate::bytes::{array, le16, u8_at};
use crate::error::{need, Result};
use crate::ethernet::MacAddr;

const PROTO: &str = "wlan";

pub mod frame_type {
    pub const MANAGEMENT: u8 = 0;
    pub const CONTROL: u8 = 1;
    pub const DATA: u8 = 2;
    pub const EXTENSION: u8 = 3;
}

/// The parsed MAC header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Frame control as Wireshark prints `wlan.fc` (first byte high).
    pub fc: u16,
    pub frame_type: u8,
    pub subtype: u8,
    pub flags: u8,
    pub duration: u16,
    pub addr1: MacAddr,
    pub addr2: Option<MacAddr>,
    pub addr3: Option<MacAddr>,
    pub addr4: Option<MacAddr>,
    pub header_len: usize,
}

impl Header {
    pub fn to_ds(&self) -> bool {
        self.flags & 1 != 0
    }
    pub fn from_ds(&self) -> bool {
        self.flags & 2 != 0
    }
    pub fn protected(&self) -> bool {
        self.flags & 0x40 != 0
    }
    /// Data frames that carry an MSDU (not Null / QoS Null / CF-only subtypes).
    pub fn carries_data(&self) -> bool {
        self.frame_type == frame_type::DATA && self.subtype & 0x4 == 0
    }
    /// Wireshark's `wlan.sa`: source address by the DS bits.
    pub fn source(&self) -> Option<MacAddr> {
        match (self.to_ds(), self.from_ds()) {
            (false, false) | (true, false) => self.addr2,
            (false, true) => self.addr3,
            (true, true) => self.addr4,
        }
    }
    /// Wireshark's `wlan.da`.
    pub fn destination(&self) -> Option<MacAddr> {
        match (self.to_ds(), self.from_ds()) {
            (false, false) | (false, true) => Some(self.addr1),
            (true, _) => self.addr3,
        }
    }
}

pub fn parse(b: &[u8]) -> Result<Header> {
    need(PROTO, b, 10)?;
    let fc0 = u8_at(b, 0);
    let flags = u8_at(b, 1);
    let frame_type = (fc0 >> 2) & 3;
    let subtype = fc0 >> 4;
    let mac = |at: usize| (b.len() >= at + 6).then(|| MacAddr(array(b, at)));
    let header_len = match frame_type {
        frame_type::CONTROL => match subtype {
            // CTS and ACK carry only the receiver address.
            0xc | 0xd => 10,
            // Control wrapper.
            0x7 => 16,
            _ => 16,
        },
        frame_type::DATA => {
            let mut n = 24;
            if flags & 3 == 3 {
                n += 6;
            }
            if subtype & 0x8 != 0 {
                n += 2; // QoS control
                if flags & 0x80 != 0 {
                    n += 4; // HT control (order bit on QoS data)
                }
            }
            n
        }
        _ => 24,
    };
    need(PROTO, b, header_len)?;
    Ok(Header {
        fc: ((fc0 as u16) << 8) | flags as u16,
        frame_type,
        subtype,
        flags,
        duration: le16(b, 2),
        addr1: MacAddr(array(b, 4)),
        addr2: if header_len >= 16 { mac(10) } else { None },
        addr3: if header_len >= 24 { mac(16) } else { None },
        addr4: if header_len >= 30 && flags & 3 == 3 {
            mac(24)
        } else {
            None
        },
        header_len,
    })
}
