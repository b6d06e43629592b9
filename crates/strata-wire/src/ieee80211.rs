//! IEEE 802.11 MAC headers: frame control, addresses, and the header length that leads from a
//! data frame into its LLC/SNAP payload.

use crate::bytes::{array, le16, u8_at};
use crate::error::{need, room, Result, WireError};
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
    parse_fc(b, u8_at(b, 0), u8_at(b, 1))
}

/// Like [`parse`], for a frame whose two Frame Control bytes come swapped, as Cisco access
/// points tunnel them in CAPWAP (Wireshark's default "swap frame control" there).
pub fn parse_swapped_fc(b: &[u8]) -> Result<Header> {
    need(PROTO, b, 10)?;
    parse_fc(b, u8_at(b, 1), u8_at(b, 0))
}

fn parse_fc(b: &[u8], fc0: u8, flags: u8) -> Result<Header> {
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

/// Data subtypes [`Repr`] models (`wlan.fc.type_subtype` 0x0020 and 0x0028).
pub mod data_subtype {
    pub const DATA: u8 = 0x0;
    pub const QOS_DATA: u8 = 0x8;
}

/// `wlan.flags` bits.
pub mod flags {
    pub const TO_DS: u8 = 0x01;
    pub const FROM_DS: u8 = 0x02;
    pub const MORE_FRAGMENTS: u8 = 0x04;
    pub const RETRY: u8 = 0x08;
    pub const PWR_MGT: u8 = 0x10;
    pub const MORE_DATA: u8 = 0x20;
    pub const PROTECTED: u8 = 0x40;
    /// +HTC/Order: on QoS frames, a 4-byte HT control field follows QoS control.
    pub const ORDER: u8 = 0x80;
}

/// An 802.11 Data or QoS Data MAC header as values. The address meanings depend on the DS
/// bits (see [`Header::source`]); the fourth address exists only when both are set (a WDS /
/// mesh frame between two distribution systems). HT control is not modelled, so the Order bit
/// is refused on QoS frames rather than emitted with a missing field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr {
    /// `wlan.flags` (see [`flags`]); the DS bits must agree with `addr4`.
    pub flags: u8,
    /// `wlan.duration`: NAV in microseconds.
    pub duration: u16,
    pub addr1: MacAddr,
    pub addr2: MacAddr,
    pub addr3: MacAddr,
    /// `wlan.seq` << 4 | `wlan.frag`, as on the wire.
    pub seq_ctrl: u16,
    pub addr4: Option<MacAddr>,
    /// QoS control (`wlan.qos`, TID in the low 4 bits); present makes this a QoS Data frame.
    pub qos_control: Option<u16>,
}

impl Repr {
    pub fn parse(b: &[u8]) -> Result<Repr> {
        let h = parse(b)?;
        if h.frame_type != frame_type::DATA
            || (h.subtype != data_subtype::DATA && h.subtype != data_subtype::QOS_DATA)
        {
            return Err(WireError::Malformed {
                proto: PROTO,
                what: "not a Data or QoS Data frame",
            });
        }
        let qos = h.subtype == data_subtype::QOS_DATA;
        if qos && h.flags & flags::ORDER != 0 {
            return Err(WireError::Malformed {
                proto: PROTO,
                what: "HT control is not modelled",
            });
        }
        let (Some(addr2), Some(addr3)) = (h.addr2, h.addr3) else {
            return Err(WireError::Truncated {
                proto: PROTO,
                needed: 24,
                had: b.len(),
            });
        };
        let qos_at = if h.addr4.is_some() { 30 } else { 24 };
        Ok(Repr {
            flags: h.flags,
            duration: h.duration,
            addr1: h.addr1,
            addr2,
            addr3,
            seq_ctrl: le16(b, 22),
            addr4: h.addr4,
            qos_control: qos.then(|| le16(b, qos_at)),
        })
    }
    pub fn buffer_len(&self) -> usize {
        24 + if self.addr4.is_some() { 6 } else { 0 }
            + if self.qos_control.is_some() { 2 } else { 0 }
    }
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize> {
        let four = self.flags & (flags::TO_DS | flags::FROM_DS) == flags::TO_DS | flags::FROM_DS;
        if four != self.addr4.is_some() {
            return Err(WireError::Malformed {
                proto: PROTO,
                what: "addr4 present iff both ToDS and FromDS are set",
            });
        }
        if self.qos_control.is_some() && self.flags & flags::ORDER != 0 {
            return Err(WireError::Malformed {
                proto: PROTO,
                what: "HT control is not modelled",
            });
        }
        let n = self.buffer_len();
        room(PROTO, buf, n)?;
        let subtype = if self.qos_control.is_some() {
            data_subtype::QOS_DATA
        } else {
            data_subtype::DATA
        };
        // Frame control: protocol version 0, type Data (2) in bits 2-3, subtype in 4-7.
        buf[0] = (subtype << 4) | (frame_type::DATA << 2);
        buf[1] = self.flags;
        buf[2..4].copy_from_slice(&self.duration.to_le_bytes());
        buf[4..10].copy_from_slice(&self.addr1.0);
        buf[10..16].copy_from_slice(&self.addr2.0);
        buf[16..22].copy_from_slice(&self.addr3.0);
        buf[22..24].copy_from_slice(&self.seq_ctrl.to_le_bytes());
        let mut off = 24;
        if let Some(a) = self.addr4 {
            buf[24..30].copy_from_slice(&a.0);
            off = 30;
        }
        if let Some(q) = self.qos_control {
            buf[off..off + 2].copy_from_slice(&q.to_le_bytes());
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mac(x: u8) -> MacAddr {
        MacAddr([0x02, 0, 0, 0, 0, x])
    }

    fn sample() -> Repr {
        Repr {
            flags: flags::TO_DS,
            duration: 44,
            addr1: mac(1),
            addr2: mac(2),
            addr3: mac(3),
            seq_ctrl: 0x1230,
            addr4: None,
            qos_control: None,
        }
    }

    #[test]
    fn round_trip_three_and_four_addresses_with_and_without_qos() {
        let variants = [
            sample(),
            Repr {
                qos_control: Some(0x0005),
                ..sample()
            },
            Repr {
                flags: flags::TO_DS | flags::FROM_DS,
                addr4: Some(mac(4)),
                ..sample()
            },
            Repr {
                flags: flags::TO_DS | flags::FROM_DS | flags::PROTECTED,
                addr4: Some(mac(4)),
                qos_control: Some(0x0006),
                ..sample()
            },
        ];
        for (r, len) in variants.iter().zip([24, 26, 30, 32]) {
            let mut buf = [0u8; 32];
            assert_eq!(r.emit(&mut buf).unwrap(), len);
            let h = parse(&buf[..len]).unwrap();
            assert_eq!(h.header_len, len);
            assert!(h.carries_data());
            assert_eq!(Repr::parse(&buf[..len]).unwrap(), *r);
        }
        // ToDS: the destination is addr3 and the source addr2, as Wireshark reports.
        let mut buf = [0u8; 24];
        sample().emit(&mut buf).unwrap();
        assert_eq!(buf[0], 0x08);
        let h = parse(&buf).unwrap();
        assert_eq!((h.source(), h.destination()), (Some(mac(2)), Some(mac(3))));
    }

    #[test]
    fn inconsistent_reprs_are_refused() {
        let mut buf = [0u8; 32];
        let four_no_addr = Repr {
            flags: flags::TO_DS | flags::FROM_DS,
            ..sample()
        };
        assert!(four_no_addr.emit(&mut buf).is_err());
        let htc = Repr {
            flags: flags::ORDER,
            qos_control: Some(0),
            ..sample()
        };
        assert!(htc.emit(&mut buf).is_err());
        assert!(sample().emit(&mut buf[..23]).is_err());
        // A beacon (management) is not a data frame.
        buf[..24].fill(0);
        buf[0] = 0x80;
        assert!(Repr::parse(&buf[..24]).is_err());
    }

    #[test]
    fn hostile_truncations() {
        let r = Repr {
            flags: flags::TO_DS | flags::FROM_DS,
            addr4: Some(mac(4)),
            qos_control: Some(7),
            ..sample()
        };
        let mut buf = [0u8; 32];
        let n = r.emit(&mut buf).unwrap();
        for cut in 0..n {
            assert!(Repr::parse(&buf[..cut]).is_err(), "cut {cut}");
            assert!(parse(&buf[..cut]).is_err(), "cut {cut}");
        }
    }
}
