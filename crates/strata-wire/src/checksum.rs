//! The Internet checksum (RFC 1071) and the IPv4/IPv6 pseudo-headers of TCP, UDP and ICMPv6.

use core::net::{Ipv4Addr, Ipv6Addr};

/// One's-complement sum of `data` (not yet folded or inverted), 16-bit big-endian words, an odd
/// trailing byte padded with zero.
pub fn sum(mut acc: u32, data: &[u8]) -> u32 {
    let mut chunks = data.chunks_exact(2);
    // Summing into u64 in 32-bit words would be faster; this is not on the decode hot path.
    for c in &mut chunks {
        acc = acc.wrapping_add(u16::from_be_bytes([c[0], c[1]]) as u32);
        if acc > 0xffff_0000 {
            acc = (acc & 0xffff) + (acc >> 16);
        }
    }
    if let [b] = chunks.remainder() {
        acc = acc.wrapping_add((*b as u32) << 8);
    }
    acc
}

/// Folds a sum to 16 bits and inverts it: the value to put in a checksum field.
pub fn finish(mut acc: u32) -> u16 {
    while acc > 0xffff {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    !(acc as u16)
}

/// The checksum of `data` alone (IPv4 header, ICMP, IGMP).
pub fn checksum(data: &[u8]) -> u16 {
    finish(sum(0, data))
}

/// The source and destination addresses a transport checksum covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PseudoHeader {
    V4 { src: Ipv4Addr, dst: Ipv4Addr },
    V6 { src: Ipv6Addr, dst: Ipv6Addr },
}

impl PseudoHeader {
    /// Sum of the pseudo-header for `next_header` carrying `len` bytes (RFC 793 / RFC 8200 §8.1).
    pub fn sum(&self, next_header: u8, len: u32) -> u32 {
        match self {
            PseudoHeader::V4 { src, dst } => {
                let mut acc = sum(0, &src.octets());
                acc = sum(acc, &dst.octets());
                acc + next_header as u32 + (len & 0xffff)
            }
            PseudoHeader::V6 { src, dst } => {
                let mut acc = sum(0, &src.octets());
                acc = sum(acc, &dst.octets());
                acc + (len >> 16) + (len & 0xffff) + next_header as u32
            }
        }
    }

    /// The checksum of `segment` (header with its checksum field zeroed, plus payload).
    pub fn checksum(&self, next_header: u8, segment: &[u8]) -> u16 {
        finish(sum(self.sum(next_header, segment.len() as u32), segment))
    }

    /// True when `segment` (with its checksum field as sent) verifies.
    pub fn verify(&self, next_header: u8, segment: &[u8]) -> bool {
        finish(sum(self.sum(next_header, segment.len() as u32), segment)) == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc1071_example() {
        // RFC 1071 §3: the sum of 00 01 f2 03 f4 f5 f6 f7 is ddf2.
        let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        assert_eq!(finish(sum(0, &data)), !0xddf2);
    }

    #[test]
    fn odd_length_pads_with_zero() {
        assert_eq!(checksum(&[0x12]), checksum(&[0x12, 0x00]));
    }
}
