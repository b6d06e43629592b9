//! Radiotap (radiotap.org): the length, the present bitmaps and the fields Wireshark summarises
//! (TSFT, flags, rate, channel, antenna signal), walked with radiotap's alignment rules.

use crate::bytes::{le16, le32, u8_at};
use crate::error::{need, room, Result, WireError};

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

/// Present bits of the fields [`Repr`] writes.
const REPR_BITS: [usize; 5] = [0, 1, 2, 3, 5];

/// A radiotap channel field: centre frequency in MHz and the channel flags (0x0080 2 GHz,
/// 0x0100 5 GHz, 0x0020 CCK, 0x0040 OFDM).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Channel {
    pub freq: u16,
    pub flags: u16,
}

/// A minimal version-0 radiotap header as values: the fields an injected or synthetic frame
/// needs (`radiotap.tsft`, `radiotap.flags`, `radiotap.datarate`, `radiotap.channel.freq`,
/// `radiotap.dbm_antsignal`). Each field is written at its natural alignment relative to the
/// start of the header, with zero padding, as radiotap.org requires; a reader that skips a
/// field it does not know can only find the next one through those rules.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Repr {
    /// Bit 0: MAC timestamp in microseconds (8-byte aligned).
    pub tsft: Option<u64>,
    /// Bit 1: [`FLAG_FCS`] and friends.
    pub flags: Option<u8>,
    /// Bit 2: in 500 kb/s units.
    pub rate: Option<u8>,
    /// Bit 3 (2-byte aligned).
    pub channel: Option<Channel>,
    /// Bit 5: antenna signal in dBm.
    pub dbm_antsignal: Option<i8>,
}

impl Repr {
    /// Reads the fields this Repr models; other present fields are skipped, not rejected.
    pub fn parse(b: &[u8]) -> Result<Repr> {
        let h = parse(b)?;
        if h.version != 0 {
            return Err(WireError::Malformed {
                proto: PROTO,
                what: "version is not 0",
            });
        }
        Ok(Repr {
            tsft: h.tsft,
            flags: h.flags,
            rate: h.rate,
            channel: match (h.channel_freq, h.channel_flags) {
                (Some(freq), Some(flags)) => Some(Channel { freq, flags }),
                _ => None,
            },
            dbm_antsignal: h.dbm_antsignal,
        })
    }
    fn has(&self, bit: usize) -> bool {
        match bit {
            0 => self.tsft.is_some(),
            1 => self.flags.is_some(),
            2 => self.rate.is_some(),
            3 => self.channel.is_some(),
            5 => self.dbm_antsignal.is_some(),
            _ => false,
        }
    }
    /// The `it_present` word.
    pub fn present(&self) -> u32 {
        REPR_BITS
            .iter()
            .filter(|&&bit| self.has(bit))
            .fold(0, |acc, &bit| acc | 1 << bit)
    }
    /// Offsets of each present field, in bit order, and the total header length.
    fn layout(&self) -> ([usize; 5], usize) {
        let mut at = [0usize; 5];
        let mut off: usize = 8;
        for (i, &bit) in REPR_BITS.iter().enumerate() {
            if !self.has(bit) {
                continue;
            }
            let (align, size) = FIELDS[bit];
            off = off.div_ceil(align) * align;
            at[i] = off;
            off += size;
        }
        (at, off)
    }
    pub fn buffer_len(&self) -> usize {
        self.layout().1
    }
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize> {
        let (at, n) = self.layout();
        room(PROTO, buf, n)?;
        buf[..n].fill(0);
        buf[2..4].copy_from_slice(&(n as u16).to_le_bytes());
        buf[4..8].copy_from_slice(&self.present().to_le_bytes());
        if let Some(v) = self.tsft {
            buf[at[0]..at[0] + 8].copy_from_slice(&v.to_le_bytes());
        }
        if let Some(v) = self.flags {
            buf[at[1]] = v;
        }
        if let Some(v) = self.rate {
            buf[at[2]] = v;
        }
        if let Some(c) = self.channel {
            buf[at[3]..at[3] + 2].copy_from_slice(&c.freq.to_le_bytes());
            buf[at[3] + 2..at[3] + 4].copy_from_slice(&c.flags.to_le_bytes());
        }
        if let Some(v) = self.dbm_antsignal {
            buf[at[4]] = v as u8;
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> Repr {
        Repr {
            tsft: Some(0x0102_0304_0506_0708),
            flags: Some(FLAG_FCS),
            rate: Some(108),
            channel: Some(Channel {
                freq: 5180,
                flags: 0x0140,
            }),
            dbm_antsignal: Some(-42),
        }
    }

    #[test]
    fn round_trip_and_alignment() {
        let r = full();
        let mut buf = [0xeeu8; 32];
        let n = r.emit(&mut buf).unwrap();
        // 8 header + 8 TSFT + flags + rate + channel (aligned at 18) + signal = 23.
        assert_eq!(n, 23);
        assert_eq!(r.present(), 0x2f);
        assert_eq!(&buf[18..22], &[0x3c, 0x14, 0x40, 0x01]);
        assert_eq!(Repr::parse(&buf[..n]).unwrap(), r);
        assert!(parse(&buf[..n]).unwrap().has_fcs());

        // Without TSFT, flags sits at 8 and the channel needs one pad byte after it: 8 flags,
        // 9 pad, 10..14 channel, 14 signal.
        let r = Repr {
            tsft: None,
            rate: None,
            ..full()
        };
        let n = r.emit(&mut buf).unwrap();
        assert_eq!(n, 15);
        assert_eq!(buf[9], 0);
        assert_eq!(&buf[10..12], &5180u16.to_le_bytes());
        assert_eq!(Repr::parse(&buf[..n]).unwrap(), r);

        let empty = Repr::default();
        assert_eq!(empty.emit(&mut buf).unwrap(), 8);
        assert_eq!(Repr::parse(&buf[..8]).unwrap(), empty);
        assert!(full().emit(&mut buf[..22]).is_err());
    }

    #[test]
    fn hostile_truncations() {
        let mut buf = [0u8; 32];
        let n = full().emit(&mut buf).unwrap();
        for cut in 0..n {
            assert!(Repr::parse(&buf[..cut]).is_err(), "cut {cut}");
        }
        // A header whose length field is shorter than its present fields claim gives a
        // partial result, never an overread.
        buf[2] = 12;
        let h = parse(&buf[..n]).unwrap();
        assert_eq!(h.tsft, None);
        // Endless extended bitmaps stop at the header end.
        let mut evil = [0xffu8; 16];
        evil[0] = 0;
        evil[2..4].copy_from_slice(&16u16.to_le_bytes());
        assert!(parse(&evil).is_ok());
    }
}
