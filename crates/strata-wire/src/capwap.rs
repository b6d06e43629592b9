//! CAPWAP data channel (RFC 5415 §4.3, RFC 5416): the header before the frames an access
//! point tunnels to its controller over UDP 5247 — an IEEE 802.11 frame in the binding's
//! native format, or an IEEE 802.3 (Ethernet) frame. Control messages (UDP 5246) and DTLS
//! are not decoded.

use crate::bytes::u8_at;
use crate::error::{need, Result, WireError};

/// The UDP port of the data channel.
pub const DATA_PORT: u16 = 5247;
/// The fixed part of the header (preamble, lengths, flags, fragment id and offset).
pub const MIN_HEADER_LEN: usize = 8;
/// Wireless Binding ID of IEEE 802.11 (RFC 5416).
pub const WBID_IEEE80211: u8 = 1;

/// What a data-channel header says about the frame after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// HLEN × 4: the header with its optional Radio MAC and Wireless Specific fields.
    pub header_len: usize,
    pub radio_id: u8,
    pub wbid: u8,
    /// T: the payload is in the binding's native format (else IEEE 802.3).
    pub native: bool,
    /// F: a fragment (the payload is only part of a frame).
    pub fragment: bool,
    /// K: a keep-alive (message elements, no frame).
    pub keep_alive: bool,
}

/// What follows a data-channel header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payload {
    Ieee80211,
    Ethernet,
    /// A fragment, a keep-alive or a binding Strata does not decode.
    Other,
}

impl Header {
    pub fn payload(&self) -> Payload {
        if self.fragment || self.keep_alive {
            Payload::Other
        } else if !self.native {
            Payload::Ethernet
        } else if self.wbid == WBID_IEEE80211 {
            Payload::Ieee80211
        } else {
            Payload::Other
        }
    }
}

/// Reads a data-channel header: preamble version 0 and type 0 (type 1 is DTLS), and a
/// header length that covers the fixed part and fits in `b`.
pub fn parse(b: &[u8]) -> Result<Header> {
    need("capwap.data", b, MIN_HEADER_LEN)?;
    let preamble = u8_at(b, 0);
    if preamble != 0 {
        return Err(WireError::Malformed {
            proto: "capwap.data",
            what: "preamble is not version 0, CAPWAP header",
        });
    }
    let bits = u32::from_be_bytes([0, u8_at(b, 1), u8_at(b, 2), u8_at(b, 3)]);
    let header_len = ((bits >> 19) & 0x1f) as usize * 4;
    if header_len < MIN_HEADER_LEN {
        return Err(WireError::Malformed {
            proto: "capwap.data",
            what: "header length below 8 bytes",
        });
    }
    need("capwap.data", b, header_len)?;
    Ok(Header {
        header_len,
        radio_id: ((bits >> 14) & 0x1f) as u8,
        wbid: ((bits >> 9) & 0x1f) as u8,
        native: bits & (1 << 8) != 0,
        fragment: bits & (1 << 7) != 0,
        keep_alive: bits & (1 << 3) != 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header of ndpi__capwap.pcap's frame 280 (HLEN 4, radio 1, IEEE 802.11, native,
    /// wireless specific information present), as TShark 4.0 shows it.
    #[test]
    fn data_header() {
        let b = [
            0x00, 0x20, 0x43, 0x20, 0, 0, 0, 0, 0x01, 0x04, 0x04, 0xed, 0x4d, 0x00, 0xed, 0x4d,
        ];
        let h = parse(&b).unwrap();
        assert_eq!(h.header_len, 16);
        assert_eq!(h.radio_id, 1);
        assert_eq!(h.wbid, WBID_IEEE80211);
        assert!(h.native && !h.fragment && !h.keep_alive);
        assert_eq!(h.payload(), Payload::Ieee80211);
        assert!(parse(&b[..12]).is_err());
        let mut dtls = b;
        dtls[0] = 0x01;
        assert!(parse(&dtls).is_err());
        let mut frag = b;
        frag[3] |= 0x80;
        assert_eq!(parse(&frag).unwrap().payload(), Payload::Other);
        let mut eth = b;
        eth[2] &= !0x01;
        assert_eq!(parse(&eth).unwrap().payload(), Payload::Ethernet);
    }
}
