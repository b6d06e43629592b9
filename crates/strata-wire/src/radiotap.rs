//! Radiotap (radiotap.org): the length, the present bitmaps and the fields Wireshark summarises
//! (TSFT, flags, rate, channel, antenna signal), walked with radiotap's alignment rules.

use crate::bytes::{le16, le32, u8_at};
use crate::error::{need, Result, WireError};

const PROTO: &str = "radiotap";
/// The `flags` bit saying the 802.11 frame ends with a 4-byte FCS.
pub const FLAG_FCS: u8 = 0x10;

/// The radiotap fields Strata reads; absent ones are `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Header {
    pub version: u8,
    pub length: u16,
    /// The first present bitmap.
    pub present: u32,
    pub tsft: Option<u64>,
    pub flags: Option<u8>,
    /// In 500 kb/s units.
    pub rate: Option<u8>,
    pub channel_freq: Option<u16>,
    pub channel_flags: Option<u16>,
    pub dbm_antsignal: Option<i8>,
}

impl Header {
    /// True when the 802.11 frame carries a trailing FCS.
    pub fn has_fcs(&self) -> bool {
        self.flags.is_some_and(|f| f & FLAG_FCS != 0)
    }
}

/// (alignment, size) of the fields below bit 14, in bit order (radiotap.org defined fields).
const FIELDS: [(usize, usize); 14] = [
    (8, 8), // 0 TSFT
    (1, 1), // 1 Flags
    (1, 1), // 2 Rate
    (2, 4), // 3 Channel
    (2, 2), // 4 FHSS
    (1, 1), // 5 dBm antenna signal
    (1, 1), // 6 dBm antenna noise
    (2, 2), // 7 Lock quality
    (2, 2), // 8 TX attenuation
    (2, 2), // 9 dB TX attenuation
    (1, 1), // 10 dBm TX power
    (1, 1), // 11 Antenna
    (1, 1), // 12 dB antenna signal
    (1, 1), // 13 dB antenna noise
];

pub fn parse(b: &[u8]) -> Result<Header> {
    need(PROTO, b, 8)?;
    let length = le16(b, 2);
    if (length as usize) < 8 {
        return Err(WireError::Malformed {
            proto: PROTO,
            what: "header length < 8",
        });
    }
    need(PROTO, b, length as usize)?;
    let hdr_bytes = &b[..length as usize];
    let present = le32(b, 4);
    let mut h = Header {
        version: u8_at(b, 0),
        length,
        present,
        ..Header::default()
    };
    // Skip extended present bitmaps (bit 31 chains another word).
    let mut off = 8;
    let mut word = present;
    while word & 0x8000_0000 != 0 {
        if off + 4 > hdr_bytes.len() {
            return Ok(h);
        }
        word = le32(hdr_bytes, off);
        off += 4;
    }
    for (bit, &(align, size)) in FIELDS.iter().enumerate() {
        if present & (1 << bit) == 0 {
            continue;
        }
        off = off.div_ceil(align) * align;
        if off + size > hdr_bytes.len() {
            break;
        }
        let f = &hdr_bytes[off..off + size];
        match bit {
            0 => h.tsft = Some(u64::from_le_bytes(crate::bytes::array(f, 0))),
            1 => h.flags = Some(f[0]),
            2 => h.rate = Some(f[0]),
            3 => {
                h.channel_freq = Some(le16(f, 0));
                h.channel_flags = Some(le16(f, 2));
            }
            5 => h.dbm_antsignal = Some(f[0] as i8),
            _ => {}
        }
        off += size;
    }
    Ok(h)
}
