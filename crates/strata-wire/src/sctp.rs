//! SCTP (RFC 9260) common header and the chunk list.

use crate::bytes::{be16, be32, put16, put32, u8_at};
use crate::error::{need, room, Result};

pub const HEADER_LEN: usize = 12;
const PROTO: &str = "sctp";

#[derive(Debug, Clone, Copy)]
pub struct Packet<T: AsRef<[u8]>> {
    buf: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    pub fn new_checked(buf: T) -> Result<Packet<T>> {
        need(PROTO, buf.as_ref(), HEADER_LEN)?;
        Ok(Packet { buf })
    }
    pub fn src_port(&self) -> u16 {
        be16(self.buf.as_ref(), 0)
    }
    pub fn dst_port(&self) -> u16 {
        be16(self.buf.as_ref(), 2)
    }
    pub fn verification_tag(&self) -> u32 {
        be32(self.buf.as_ref(), 4)
    }
    pub fn checksum(&self) -> u32 {
        be32(self.buf.as_ref(), 8)
    }
    /// True when the CRC32c checksum field matches the packet (RFC 9260 §6.8). Wireshark
    /// shows the field (`sctp.checksum`) as the big-endian read of the four bytes, as
    /// [`checksum`](Self::checksum) does; the CRC itself is stored least significant byte first.
    pub fn verify_checksum(&self) -> bool {
        let b = self.buf.as_ref();
        b.len() >= HEADER_LEN && self.checksum() == wire_checksum(b)
    }
    /// The type of the first chunk, if any.
    pub fn first_chunk_type(&self) -> Option<u8> {
        (self.buf.as_ref().len() > HEADER_LEN).then(|| u8_at(self.buf.as_ref(), HEADER_LEN))
    }
}

/// CRC-32C (Castagnoli) lookup table for the reflected polynomial 0x82F63B78, built at compile
/// time (RFC 9260 Appendix B).
const CRC32C_TABLE: [u32; 256] = {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                (c >> 1) ^ 0x82f6_3b78
            } else {
                c >> 1
            };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
};

/// Feeds `data` into a running (pre-inversion) CRC-32C register.
fn crc32c_update(mut crc: u32, data: &[u8]) -> u32 {
    for &byte in data {
        crc = CRC32C_TABLE[((crc ^ byte as u32) & 0xff) as usize] ^ (crc >> 8);
    }
    crc
}

/// CRC-32C of `data` (initial value and final XOR all ones): `crc32c(b"123456789")` is
/// 0xe3069283, the standard check value.
pub fn crc32c(data: &[u8]) -> u32 {
    !crc32c_update(!0, data)
}

/// The checksum field value, as [`Packet::checksum`] reads it, that `packet` should carry: the
/// CRC over the whole packet with the checksum field taken as zero, whatever it holds now.
fn wire_checksum(packet: &[u8]) -> u32 {
    let head = packet.get(..8).unwrap_or(packet);
    let tail = packet.get(HEADER_LEN..).unwrap_or(&[]);
    let crc = !crc32c_update(crc32c_update(crc32c_update(!0, head), &[0; 4]), tail);
    // The CRC goes on the wire least significant byte first (RFC 9260 Appendix B).
    crc.swap_bytes()
}

/// An SCTP common header as values (`sctp.srcport`, `sctp.dstport`, `sctp.verification_tag`,
/// `sctp.checksum`). Chunks are the caller's: they follow the header in the emit buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr {
    pub src_port: u16,
    pub dst_port: u16,
    /// Zero only in packets carrying INIT (RFC 9260 §8.5.1).
    pub verification_tag: u32,
    /// `None` computes the CRC32c on emit; `Some` writes this value verbatim (as
    /// [`Packet::checksum`] reads it), e.g. to craft a bad checksum.
    pub checksum: Option<u32>,
}

impl Repr {
    pub fn parse<T: AsRef<[u8]>>(p: &Packet<T>) -> Result<Repr> {
        Ok(Repr {
            src_port: p.src_port(),
            dst_port: p.dst_port(),
            verification_tag: p.verification_tag(),
            checksum: Some(p.checksum()),
        })
    }
    pub fn buffer_len(&self) -> usize {
        HEADER_LEN
    }
    /// Writes the header into `packet[..12]`. The chunks must already follow it: the checksum
    /// covers the whole of `packet`.
    pub fn emit(&self, packet: &mut [u8]) -> Result<usize> {
        room(PROTO, packet, HEADER_LEN)?;
        put16(packet, 0, self.src_port);
        put16(packet, 2, self.dst_port);
        put32(packet, 4, self.verification_tag);
        let sum = self.checksum.unwrap_or_else(|| wire_checksum(packet));
        put32(packet, 8, sum);
        Ok(HEADER_LEN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32c_check_value() {
        assert_eq!(crc32c(b"123456789"), 0xe306_9283);
        assert_eq!(crc32c(b""), 0);
        // RFC 3720 B.4: 32 bytes of zeros.
        assert_eq!(crc32c(&[0u8; 32]), 0x8a91_36aa);
    }

    #[test]
    fn checksum_matches_wireshark_on_a_real_packet() {
        // suricata-verify sctp-max-chunks: 12-byte header then 16143 ABORT chunks; Wireshark
        // reports "Checksum (CRC32C): 0x767d446a [correct]".
        let mut pkt = vec![
            0x30, 0x39, 0x8e, 0x3c, 0x11, 0x22, 0x33, 0x44, 0x76, 0x7d, 0x44, 0x6a,
        ];
        for _ in 0..16143 {
            pkt.extend_from_slice(&[0x06, 0x00, 0x00, 0x04]);
        }
        let p = Packet::new_checked(&pkt[..]).unwrap();
        assert_eq!(p.checksum(), 0x767d_446a);
        assert!(p.verify_checksum());
        let r = Repr {
            checksum: None,
            ..Repr::parse(&p).unwrap()
        };
        let mut out = pkt.clone();
        out[..12].fill(0);
        r.emit(&mut out).unwrap();
        assert_eq!(out, pkt);
    }

    #[test]
    fn round_trip_with_computed_checksum() {
        let r = Repr {
            src_port: 2905,
            dst_port: 2905,
            verification_tag: 0xdead_beef,
            checksum: None,
        };
        // Header + one 4-byte COOKIE ACK chunk.
        let mut buf = [0u8; 16];
        buf[12..].copy_from_slice(&[11, 0, 0, 4]);
        assert_eq!(r.emit(&mut buf).unwrap(), 12);
        let p = Packet::new_checked(&buf[..]).unwrap();
        assert!(p.verify_checksum());
        assert_eq!(p.first_chunk_type(), Some(11));
        let back = Repr::parse(&p).unwrap();
        assert_eq!(
            Repr {
                checksum: None,
                ..back
            },
            r
        );
        // Re-emitting the parsed value (explicit checksum) gives the same bytes.
        let mut again = buf;
        back.emit(&mut again).unwrap();
        assert_eq!(again, buf);
        // Any flipped bit is caught.
        buf[13] ^= 1;
        assert!(!Packet::new_checked(&buf[..]).unwrap().verify_checksum());
        assert!(r.emit(&mut [0u8; 11]).is_err());
    }

    #[test]
    fn hostile_truncations() {
        let r = Repr {
            src_port: 1,
            dst_port: 2,
            verification_tag: 3,
            checksum: None,
        };
        let mut buf = [0u8; 16];
        buf[12..].copy_from_slice(&[1, 0, 0, 4]);
        r.emit(&mut buf).unwrap();
        for cut in 0..HEADER_LEN {
            assert!(Packet::new_checked(&buf[..cut]).is_err());
        }
        for cut in HEADER_LEN..buf.len() {
            // A cut packet parses, but its checksum no longer verifies.
            let p = Packet::new_checked(&buf[..cut]).unwrap();
            assert!(!p.verify_checksum());
        }
    }
}
