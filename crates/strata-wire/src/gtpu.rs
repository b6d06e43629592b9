//! GTP-U v1 (3GPP TS 29.281) over UDP 2152: header, optional fields, extension header chain.

use crate::bytes::{be16, be32, u8_at};
use crate::error::{need, Result, WireError};

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
