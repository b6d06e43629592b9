//! PPP (RFC 1661) framing as it appears in captures: optional HDLC address/control bytes, then
//! a 1- or 2-byte protocol field (RFC 1661 §6.5 protocol field compression).

use crate::bytes::{put16, u8_at};
use crate::error::{need, room, Result, WireError};

const PROTO: &str = "ppp";

pub mod protocol {
    pub const IPV4: u16 = 0x0021;
    pub const IPV6: u16 = 0x0057;
    pub const MPLS_UC: u16 = 0x0281;
    pub const LCP: u16 = 0xc021;
    pub const IPCP: u16 = 0x8021;
    pub const PAP: u16 = 0xc023;
    pub const CHAP: u16 = 0xc223;
}

/// Parses the PPP header at the start of `buf`: returns (protocol, header length).
pub fn parse(buf: &[u8]) -> Result<(u16, usize)> {
    need(PROTO, buf, 1)?;
    // Address 0xff and control 0x03 are present unless compressed away (ACFC).
    let start = if buf.len() >= 2 && buf[0] == 0xff && buf[1] == 0x03 {
        2
    } else {
        0
    };
    let first = u8_at(buf, start);
    need(PROTO, buf, start + 1)?;
    if first & 1 == 1 {
        // An odd first byte is a compressed 1-byte protocol.
        Ok((first as u16, start + 1))
    } else {
        need(PROTO, buf, start + 2)?;
        Ok((
            ((first as u16) << 8) | u8_at(buf, start + 1) as u16,
            start + 2,
        ))
    }
}

/// A PPP header as values. The two compressions (LCP-negotiated, RFC 1661 §6.5-6.6) are kept
/// explicit because they change the header length and a capture must round-trip byte for byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr {
    /// Address 0xff / control 0x03 present (false = Address-and-Control-Field-Compression).
    pub address_control: bool,
    /// `ppp.protocol`.
    pub protocol: u16,
    /// Protocol-Field-Compression: the protocol is sent as one byte. Only legal for values
    /// below 0x100 (which are always odd, per the ISO 3309 extension mechanism).
    pub compressed_protocol: bool,
}

impl Repr {
    pub fn parse(b: &[u8]) -> Result<Repr> {
        let (protocol, len) = parse(b)?;
        let address_control = b.len() >= 2 && b[0] == 0xff && b[1] == 0x03;
        Ok(Repr {
            address_control,
            protocol,
            compressed_protocol: len == address_control as usize * 2 + 1,
        })
    }
    pub fn buffer_len(&self) -> usize {
        self.address_control as usize * 2 + if self.compressed_protocol { 1 } else { 2 }
    }
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize> {
        if self.compressed_protocol && (self.protocol > 0xff || self.protocol & 1 == 0) {
            return Err(WireError::Malformed {
                proto: PROTO,
                what: "protocol cannot be field-compressed",
            });
        }
        let n = self.buffer_len();
        room(PROTO, buf, n)?;
        let mut off = 0;
        if self.address_control {
            buf[0] = 0xff;
            buf[1] = 0x03;
            off = 2;
        }
        if self.compressed_protocol {
            buf[off] = self.protocol as u8;
        } else {
            put16(buf, off, self.protocol);
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_all_compressions() {
        for (ac, pc) in [(true, false), (false, false), (true, true), (false, true)] {
            let r = Repr {
                address_control: ac,
                protocol: protocol::IPV4,
                compressed_protocol: pc,
            };
            let mut buf = [0u8; 4];
            let n = r.emit(&mut buf).unwrap();
            assert_eq!(n, r.buffer_len());
            assert_eq!(parse(&buf[..n]).unwrap(), (protocol::IPV4, n));
            assert_eq!(Repr::parse(&buf[..n]).unwrap(), r);
        }
        let lcp = Repr {
            address_control: true,
            protocol: protocol::LCP,
            compressed_protocol: true,
        };
        assert!(lcp.emit(&mut [0u8; 4]).is_err());
    }

    #[test]
    fn hostile_truncations() {
        let b = [0xff, 0x03, 0xc0, 0x21];
        for cut in 0..b.len() {
            // A cut may still read as a shorter valid header (that is PPP's ambiguity), but
            // the result never claims more bytes than it was given.
            if let Ok((_, len)) = parse(&b[..cut]) {
                assert!(len <= cut);
            }
            let _ = Repr::parse(&b[..cut]);
        }
        assert!(Repr::parse(&[]).is_err());
        assert!(Repr::parse(&[0xff, 0x03]).is_err());
        assert!(Repr::parse(&[0xff, 0x03, 0xc0]).is_err());
    }
}
