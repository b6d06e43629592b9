//! Geneve (RFC 8926) over UDP 6081: base header, options length, protocol type.

use crate::bytes::{be16, be32, put16, put32, u8_at};
use crate::error::{need, room, Result, WireError};

pub const BASE_LEN: usize = 8;
pub const UDP_PORT: u16 = 6081;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub version: u8,
    pub options_len: usize,
    /// An EtherType: 0x6558 for Ethernet.
    pub protocol: u16,
    pub vni: u32,
    pub header_len: usize,
}

pub fn parse(b: &[u8]) -> Result<Header> {
    need("geneve", b, BASE_LEN)?;
    let version = u8_at(b, 0) >> 6;
    if version != 0 {
        return Err(WireError::Malformed {
            proto: "geneve",
            what: "version is not 0",
        });
    }
    let options_len = ((u8_at(b, 0) & 0x3f) as usize) * 4;
    need("geneve", b, BASE_LEN + options_len)?;
    Ok(Header {
        version,
        options_len,
        protocol: be16(b, 2),
        vni: be32(b, 4) >> 8,
        header_len: BASE_LEN + options_len,
    })
}

/// Longest options area the 6-bit `Opt Len` field (in 4-byte words) can describe.
pub const MAX_OPTIONS_LEN: usize = 63 * 4;

/// A Geneve header as values (`geneve.version`, `geneve.flags.oam`, `geneve.flags.critical`,
/// `geneve.proto_type`, `geneve.vni`, and the raw options). Options are kept as bytes: their
/// TLVs are class-specific, and keeping them raw lets any header round-trip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr<'a> {
    /// O bit: a control packet for the tunnel endpoint, not a payload to forward.
    pub oam: bool,
    /// C bit: at least one option is critical (an endpoint that does not know it must drop).
    pub critical: bool,
    /// An EtherType: 0x6558 for Ethernet.
    pub protocol: u16,
    /// 24-bit Virtual Network Identifier.
    pub vni: u32,
    /// Option TLVs; a multiple of 4 bytes, at most [`MAX_OPTIONS_LEN`].
    pub options: &'a [u8],
}

impl<'a> Repr<'a> {
    pub fn parse(b: &'a [u8]) -> Result<Repr<'a>> {
        let h = parse(b)?;
        let flags = u8_at(b, 1);
        Ok(Repr {
            oam: flags & 0x80 != 0,
            critical: flags & 0x40 != 0,
            protocol: h.protocol,
            vni: h.vni,
            options: b.get(BASE_LEN..h.header_len).unwrap_or(&[]),
        })
    }
    pub fn buffer_len(&self) -> usize {
        BASE_LEN + self.options.len()
    }
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize> {
        let olen = self.options.len();
        if !olen.is_multiple_of(4) || olen > MAX_OPTIONS_LEN {
            return Err(WireError::Malformed {
                proto: "geneve",
                what: "options length not a multiple of 4 up to 252",
            });
        }
        let n = self.buffer_len();
        room("geneve", buf, n)?;
        // Version 0 in the top two bits.
        buf[0] = (olen / 4) as u8;
        buf[1] = if self.oam { 0x80 } else { 0 } | if self.critical { 0x40 } else { 0 };
        put16(buf, 2, self.protocol);
        // The low byte after the VNI is reserved.
        put32(buf, 4, (self.vni & 0xff_ffff) << 8);
        buf[BASE_LEN..n].copy_from_slice(self.options);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_options() {
        // One option: class 0x0102, type 0x80 (critical), length 1 word, 4 data bytes.
        let opts = [0x01, 0x02, 0x80, 0x01, 0xaa, 0xbb, 0xcc, 0xdd];
        let r = Repr {
            oam: false,
            critical: true,
            protocol: 0x6558,
            vni: 0x12_3456,
            options: &opts,
        };
        let mut buf = [0u8; 16];
        assert_eq!(r.emit(&mut buf).unwrap(), 16);
        assert_eq!(&buf[..8], &[0x02, 0x40, 0x65, 0x58, 0x12, 0x34, 0x56, 0x00]);
        let h = parse(&buf).unwrap();
        assert_eq!((h.options_len, h.header_len), (8, 16));
        assert_eq!(Repr::parse(&buf).unwrap(), r);
        let bad = Repr {
            options: &opts[..3],
            ..r
        };
        assert!(bad.emit(&mut buf).is_err());
        assert!(r.emit(&mut buf[..15]).is_err());
    }

    #[test]
    fn hostile_truncations() {
        let r = Repr {
            oam: true,
            critical: false,
            protocol: 0x0800,
            vni: 7,
            options: &[0, 1, 2, 1, 9, 9, 9, 9],
        };
        let mut buf = [0u8; 16];
        r.emit(&mut buf).unwrap();
        for cut in 0..buf.len() {
            assert!(Repr::parse(&buf[..cut]).is_err(), "cut {cut}");
        }
        // A claimed 252-byte options area in a short buffer is an error, not an overread.
        let mut b = buf;
        b[0] = 0x3f;
        assert!(parse(&b).is_err());
    }
}
