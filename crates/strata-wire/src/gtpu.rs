//! GTP-U v1 (3GPP TS 29.281) over UDP 2152: header, optional fields, extension header chain.

use crate::bytes::{be16, be32, put16, put32, u8_at};
use crate::error::{need, room, Result, WireError};

pub const UDP_PORT: u16 = 2152;
/// G-PDU: the message type that carries a user IP packet.
pub const MSG_GPDU: u8 = 0xff;
/// Extension header chains longer than this are treated as malformed.
pub const MAX_EXT: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub flags: u8,
    pub msg_type: u8,
    pub length: u16,
    pub teid: u32,
    pub header_len: usize,
}

pub fn parse(b: &[u8]) -> Result<Header> {
    need("gtp", b, 8)?;
    let flags = u8_at(b, 0);
    if flags >> 5 != 1 {
        return Err(WireError::Malformed {
            proto: "gtp",
            what: "version is not 1",
        });
    }
    let mut header_len = 8;
    if flags & 0x07 != 0 {
        // Sequence number, N-PDU number and next extension header type are all present.
        need("gtp", b, 12)?;
        header_len = 12;
        let mut next = u8_at(b, 11);
        let mut n = 0;
        if flags & 0x04 != 0 {
            while next != 0 {
                n += 1;
                if n > MAX_EXT {
                    return Err(WireError::Malformed {
                        proto: "gtp",
                        what: "extension header chain too long",
                    });
                }
                need("gtp", b, header_len + 1)?;
                let len = u8_at(b, header_len) as usize * 4;
                if len == 0 {
                    return Err(WireError::Malformed {
                        proto: "gtp",
                        what: "zero-length extension header",
                    });
                }
                need("gtp", b, header_len + len)?;
                next = u8_at(b, header_len + len - 1);
                header_len += len;
            }
        }
    }
    Ok(Header {
        flags,
        msg_type: u8_at(b, 1),
        length: be16(b, 2),
        teid: be32(b, 4),
        header_len,
    })
}

/// Flag bits of the first octet (`gtp.flags`): version 1, protocol type GTP (PT=1), then E, S
/// and PN.
const FLAGS_V1_GTP: u8 = 0x30;
const FLAG_E: u8 = 0x04;
const FLAG_S: u8 = 0x02;
const FLAG_PN: u8 = 0x01;

/// A GTP-U v1 header as values (`gtp.message`, `gtp.length`, `gtp.teid`, `gtp.seq_number`,
/// `gtp.npdu_number`, `gtp.next`). Extension headers are kept as raw bytes (each one is a
/// length octet, content, and the next type), since their contents are type-specific.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr<'a> {
    /// [`MSG_GPDU`] for user data; 1/2 echo request/response, 26 error indication, 254 end marker.
    pub msg_type: u8,
    /// `gtp.length`: bytes after the mandatory 8-byte header (optional fields, extension
    /// headers and payload).
    pub length: u16,
    /// Tunnel endpoint identifier.
    pub teid: u32,
    /// Sequence number (S flag).
    pub seq: Option<u16>,
    /// N-PDU number (PN flag).
    pub npdu: Option<u8>,
    /// Type of the first extension header (E flag when non-zero), e.g. 0x85 PDU session
    /// container.
    pub next_ext: u8,
    /// The extension header chain, a multiple of 4 bytes whose last byte is 0.
    pub extensions: &'a [u8],
}

impl<'a> Repr<'a> {
    pub fn parse(b: &'a [u8]) -> Result<Repr<'a>> {
        let h = parse(b)?;
        if h.flags & 0x10 == 0 {
            // PT=0 is GTP' (charging), a different protocol.
            return Err(WireError::Malformed {
                proto: "gtp",
                what: "protocol type is GTP'",
            });
        }
        let opt = h.flags & 0x07 != 0;
        Ok(Repr {
            msg_type: h.msg_type,
            length: h.length,
            teid: h.teid,
            seq: (h.flags & FLAG_S != 0).then(|| be16(b, 8)),
            npdu: (h.flags & FLAG_PN != 0).then(|| u8_at(b, 10)),
            next_ext: if opt && h.flags & FLAG_E != 0 {
                u8_at(b, 11)
            } else {
                0
            },
            extensions: b.get(12.min(h.header_len)..h.header_len).unwrap_or(&[]),
        })
    }
    /// True when the 4 optional octets (sequence, N-PDU, next type) are present: any of E, S,
    /// PN being set brings in all three (TS 29.281 §5.1).
    fn has_optional(&self) -> bool {
        self.seq.is_some() || self.npdu.is_some() || self.next_ext != 0
    }
    pub fn buffer_len(&self) -> usize {
        if self.has_optional() {
            12 + self.extensions.len()
        } else {
            8
        }
    }
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize> {
        if (self.next_ext == 0) != self.extensions.is_empty()
            || !self.extensions.len().is_multiple_of(4)
        {
            return Err(WireError::Malformed {
                proto: "gtp",
                what: "extension chain does not match the next-extension type",
            });
        }
        let n = self.buffer_len();
        room("gtp", buf, n)?;
        let mut flags = FLAGS_V1_GTP;
        if self.next_ext != 0 {
            flags |= FLAG_E;
        }
        if self.seq.is_some() {
            flags |= FLAG_S;
        }
        if self.npdu.is_some() {
            flags |= FLAG_PN;
        }
        buf[0] = flags;
        buf[1] = self.msg_type;
        put16(buf, 2, self.length);
        put32(buf, 4, self.teid);
        if self.has_optional() {
            put16(buf, 8, self.seq.unwrap_or(0));
            buf[10] = self.npdu.unwrap_or(0);
            buf[11] = self.next_ext;
            buf[12..n].copy_from_slice(self.extensions);
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_plain_and_with_extension() {
        let plain = Repr {
            msg_type: MSG_GPDU,
            length: 20,
            teid: 0x0102_0304,
            seq: None,
            npdu: None,
            next_ext: 0,
            extensions: &[],
        };
        let mut buf = [0u8; 16];
        assert_eq!(plain.emit(&mut buf).unwrap(), 8);
        assert_eq!(&buf[..8], &[0x30, 0xff, 0, 20, 1, 2, 3, 4]);
        assert_eq!(Repr::parse(&buf[..8]).unwrap(), plain);

        // PDU session container (0x85): length 1 word, QFI 9, then "no more extensions".
        let ext = [0x01, 0x10, 0x09, 0x00];
        let r = Repr {
            seq: Some(0x0abc),
            next_ext: 0x85,
            extensions: &ext,
            ..plain
        };
        assert_eq!(r.emit(&mut buf).unwrap(), 16);
        assert_eq!(buf[0], 0x36);
        assert_eq!(parse(&buf).unwrap().header_len, 16);
        assert_eq!(Repr::parse(&buf).unwrap(), r);
        let bad = Repr { next_ext: 0, ..r };
        assert!(bad.emit(&mut buf).is_err());
    }

    #[test]
    fn hostile_truncations() {
        let ext = [0x01, 0x10, 0x09, 0x00];
        let r = Repr {
            msg_type: MSG_GPDU,
            length: 8,
            teid: 1,
            seq: None,
            npdu: Some(3),
            next_ext: 0x85,
            extensions: &ext,
        };
        let mut buf = [0u8; 16];
        r.emit(&mut buf).unwrap();
        for cut in 0..buf.len() {
            assert!(Repr::parse(&buf[..cut]).is_err(), "cut {cut}");
        }
        // A self-referencing chain of max-length extensions stops at MAX_EXT or the buffer end.
        let mut evil = [0u8; 64];
        evil[..12].copy_from_slice(&[0x34, 0xff, 0, 52, 0, 0, 0, 1, 0, 0, 0, 0x85]);
        for i in (12..64).step_by(4) {
            evil[i..i + 4].copy_from_slice(&[1, 0, 0, 0x85]);
        }
        assert!(Repr::parse(&evil).is_err());
    }
}
