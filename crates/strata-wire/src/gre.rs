//! GRE (RFC 2784, RFC 2890 keys and sequence numbers, RFC 1701 routing) and PPTP's enhanced GRE.

use crate::bytes::{be16, be32, put16, put32};
use crate::error::{need, room, Result, WireError};

const PROTO: &str = "gre";

/// A parsed GRE header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub flags_version: u16,
    /// An EtherType (0x6558 = transparent Ethernet bridging, 0x880b = PPP in PPTP).
    pub protocol: u16,
    pub checksum: Option<u16>,
    pub key: Option<u32>,
    pub seq: Option<u32>,
    pub ack: Option<u32>,
    pub header_len: usize,
}

impl Header {
    pub fn version(&self) -> u8 {
        (self.flags_version & 7) as u8
    }
}

pub fn parse(b: &[u8]) -> Result<Header> {
    need(PROTO, b, 4)?;
    let fv = be16(b, 0);
    let protocol = be16(b, 2);
    let (c, r, k, s) = (
        fv & 0x8000 != 0,
        fv & 0x4000 != 0,
        fv & 0x2000 != 0,
        fv & 0x1000 != 0,
    );
    let version = fv & 7;
    let ack_present = version == 1 && fv & 0x0080 != 0;
    if version > 1 {
        return Err(WireError::Malformed {
            proto: PROTO,
            what: "unknown version",
        });
    }
    let mut off = 4;
    let mut h = Header {
        flags_version: fv,
        protocol,
        checksum: None,
        key: None,
        seq: None,
        ack: None,
        header_len: 0,
    };
    if c || r {
        need(PROTO, b, off + 4)?;
        h.checksum = c.then(|| be16(b, off));
        off += 4;
    }
    if k {
        need(PROTO, b, off + 4)?;
        h.key = Some(be32(b, off));
        off += 4;
    }
    if s {
        need(PROTO, b, off + 4)?;
        h.seq = Some(be32(b, off));
        off += 4;
    }
    if ack_present {
        need(PROTO, b, off + 4)?;
        h.ack = Some(be32(b, off));
        off += 4;
    }
    if r {
        // RFC 1701 source route entries: (af, offset, length) until a NULL entry.
        loop {
            need(PROTO, b, off + 4)?;
            let len = b[off + 3] as usize;
            off += 4 + len;
            if len == 0 {
                break;
            }
        }
    }
    need(PROTO, b, off)?;
    h.header_len = off;
    Ok(h)
}

/// A version-0 GRE header as values (RFC 2784 / 2890).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Repr {
    pub protocol: u16,
    pub key: Option<u32>,
    pub seq: Option<u32>,
}

impl Repr {
    pub fn buffer_len(&self) -> usize {
        4 + 4 * (self.key.is_some() as usize + self.seq.is_some() as usize)
    }
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize> {
        let n = self.buffer_len();
        room(PROTO, buf, n)?;
        let flags = if self.key.is_some() { 0x2000 } else { 0 }
            | if self.seq.is_some() { 0x1000 } else { 0 };
        put16(buf, 0, flags);
        put16(buf, 2, self.protocol);
        let mut off = 4;
        for v in [self.key, self.seq].into_iter().flatten() {
            put32(buf, off, v);
            off += 4;
        }
        Ok(n)
    }
}
