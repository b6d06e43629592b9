//! Linux "cooked" capture headers: SLL (LINKTYPE_LINUX_SLL, 16 bytes) and SLL2 (20 bytes).

use crate::bytes::{be16, be32, put16, put32, u8_at};
use crate::error::{need, room, Result};

pub const SLL_LEN: usize = 16;
pub const SLL2_LEN: usize = 20;

/// Packet types (`sll.pkttype`): who the packet was for.
pub mod pkttype {
    pub const HOST: u16 = 0;
    pub const BROADCAST: u16 = 1;
    pub const MULTICAST: u16 = 2;
    pub const OTHERHOST: u16 = 3;
    pub const OUTGOING: u16 = 4;
}

/// The fields common to SLL and SLL2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub pkttype: u16,
    pub hatype: u16,
    pub halen: u8,
    /// Link-layer address (first `halen` bytes valid, at most 8).
    pub addr: [u8; 8],
    /// The protocol: an EtherType, or a Linux `ETH_P_` value for non-Ethernet payloads.
    pub protocol: u16,
    /// SLL2 only: the interface index.
    pub ifindex: Option<u32>,
    pub header_len: usize,
}

fn addr(b: &[u8], at: usize) -> [u8; 8] {
    crate::bytes::array(b, at)
}

/// Parses an SLL (v1) header.
pub fn parse_v1(b: &[u8]) -> Result<Header> {
    need("sll", b, SLL_LEN)?;
    Ok(Header {
        pkttype: be16(b, 0),
        hatype: be16(b, 2),
        halen: be16(b, 4).min(8) as u8,
        addr: addr(b, 6),
        protocol: be16(b, 14),
        ifindex: None,
        header_len: SLL_LEN,
    })
}

/// Parses an SLL2 header (protocol first, then interface index, then the v1 fields).
pub fn parse_v2(b: &[u8]) -> Result<Header> {
    need("sll2", b, SLL2_LEN)?;
    Ok(Header {
        protocol: be16(b, 0),
        ifindex: Some(be32(b, 4)),
        hatype: be16(b, 8),
        pkttype: u8_at(b, 10) as u16,
        halen: u8_at(b, 11).min(8),
        addr: addr(b, 12),
        header_len: SLL2_LEN,
    })
}

/// Linux `ETH_P_` values that appear in the protocol field instead of an EtherType.
pub mod eth_p {
    /// 802.3 frame without LLC (Novell raw).
    pub const ETH_P_802_3: u16 = 0x0001;
    /// 802.2 LLC follows.
    pub const ETH_P_802_2: u16 = 0x0004;
    pub const ETH_P_CAN: u16 = 0x000c;
}

/// Which cooked header a [`Repr`] describes: they carry the same facts in different layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// LINKTYPE_LINUX_SLL (113): 16 bytes, protocol last.
    V1,
    /// LINKTYPE_LINUX_SLL2 (276): 20 bytes, protocol first, with the interface index.
    V2,
}

/// An SLL or SLL2 header as values. Wireshark's field names: `sll.pkttype`, `sll.hatype`,
/// `sll.halen`, `sll.src.eth` (the address), `sll.etype`/`sll.ltype`, `sll.ifindex`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr {
    pub version: Version,
    /// A [`pkttype`] value; SLL2 stores it in one byte, so only the low 8 bits survive there.
    pub pkttype: u16,
    /// ARPHRD_ type of the capturing interface (1 = Ethernet, 772 = loopback).
    pub hatype: u16,
    /// Valid bytes of `addr` (at most 8: the header has no room for more).
    pub halen: u8,
    pub addr: [u8; 8],
    /// An EtherType or an [`eth_p`] value.
    pub protocol: u16,
    /// SLL2 only; ignored (not emitted) for SLL v1.
    pub ifindex: u32,
}

impl Repr {
    /// Parses a header of the given version (the link type says which; the bytes cannot).
    pub fn parse(b: &[u8], version: Version) -> Result<Repr> {
        let h = match version {
            Version::V1 => parse_v1(b)?,
            Version::V2 => parse_v2(b)?,
        };
        Ok(Repr {
            version,
            pkttype: h.pkttype,
            hatype: h.hatype,
            halen: h.halen,
            addr: h.addr,
            protocol: h.protocol,
            ifindex: h.ifindex.unwrap_or(0),
        })
    }
    pub fn buffer_len(&self) -> usize {
        match self.version {
            Version::V1 => SLL_LEN,
            Version::V2 => SLL2_LEN,
        }
    }
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize> {
        let n = self.buffer_len();
        let halen = self.halen.min(8);
        match self.version {
            Version::V1 => {
                room("sll", buf, n)?;
                put16(buf, 0, self.pkttype);
                put16(buf, 2, self.hatype);
                put16(buf, 4, halen as u16);
                buf[6..14].copy_from_slice(&self.addr);
                put16(buf, 14, self.protocol);
            }
            Version::V2 => {
                room("sll2", buf, n)?;
                put16(buf, 0, self.protocol);
                // Reserved (MBZ).
                put16(buf, 2, 0);
                put32(buf, 4, self.ifindex);
                put16(buf, 8, self.hatype);
                buf[10] = self.pkttype as u8;
                buf[11] = halen;
                buf[12..20].copy_from_slice(&self.addr);
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(version: Version) -> Repr {
        Repr {
            version,
            pkttype: pkttype::OUTGOING,
            hatype: 1,
            halen: 6,
            addr: [0x00, 0x1b, 0x21, 0x3c, 0x4d, 0x5e, 0, 0],
            protocol: 0x86dd,
            ifindex: if version == Version::V2 { 3 } else { 0 },
        }
    }

    #[test]
    fn round_trip_v1_and_v2() {
        for v in [Version::V1, Version::V2] {
            let r = sample(v);
            let mut buf = [0u8; 20];
            let n = r.emit(&mut buf).unwrap();
            assert_eq!(n, r.buffer_len());
            assert_eq!(Repr::parse(&buf[..n], v).unwrap(), r);
        }
    }

    #[test]
    fn v1_layout_matches_wireshark() {
        let mut buf = [0u8; 16];
        sample(Version::V1).emit(&mut buf).unwrap();
        assert_eq!(
            buf,
            [0, 4, 0, 1, 0, 6, 0x00, 0x1b, 0x21, 0x3c, 0x4d, 0x5e, 0, 0, 0x86, 0xdd]
        );
        assert!(sample(Version::V1).emit(&mut buf[..15]).is_err());
    }

    #[test]
    fn hostile_truncations() {
        for v in [Version::V1, Version::V2] {
            let mut buf = [0u8; 20];
            let n = sample(v).emit(&mut buf).unwrap();
            for cut in 0..n {
                assert!(Repr::parse(&buf[..cut], v).is_err(), "{v:?} cut {cut}");
            }
        }
        // An absurd halen is clamped, not trusted.
        let mut buf = [0xffu8; 16];
        buf[4] = 0xff;
        assert_eq!(Repr::parse(&buf, Version::V1).unwrap().halen, 8);
    }
}
