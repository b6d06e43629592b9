//! UDP (RFC 768) and its checksum over the IPv4 or IPv6 pseudo-header.

use crate::bytes::{be16, put16};
use crate::checksum::PseudoHeader;
use crate::error::{need, room, Result};
use crate::ipv4::protocol;

pub const HEADER_LEN: usize = 8;
const PROTO: &str = "udp";

#[derive(Debug, Clone, Copy)]
pub struct Packet<T: AsRef<[u8]>> {
    buf: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    pub fn new_checked(buf: T) -> Result<Packet<T>> {
        need(PROTO, buf.as_ref(), HEADER_LEN)?;
        Ok(Packet { buf })
    }
    fn b(&self) -> &[u8] {
        self.buf.as_ref()
    }
    pub fn src_port(&self) -> u16 {
        be16(self.b(), 0)
    }
    pub fn dst_port(&self) -> u16 {
        be16(self.b(), 2)
    }
    pub fn len(&self) -> u16 {
        be16(self.b(), 4)
    }
    pub fn is_empty(&self) -> bool {
        self.len() as usize <= HEADER_LEN
    }
    pub fn checksum(&self) -> u16 {
        be16(self.b(), 6)
    }
    /// The payload, bounded by the length field when it is sane, else what was captured.
    pub fn payload(&self) -> &[u8] {
        let b = self.b();
        let rest = b.get(HEADER_LEN..).unwrap_or(&[]);
        let n = self.len() as usize;
        if n >= HEADER_LEN && n - HEADER_LEN <= rest.len() {
            &rest[..n - HEADER_LEN]
        } else {
            rest
        }
    }
}

/// A UDP header as values; `len`/`checksum: None` are computed on emit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr {
    pub src_port: u16,
    pub dst_port: u16,
    pub len: Option<u16>,
    pub checksum: Option<u16>,
}

impl Default for Repr {
    /// Scapy's defaults: both ports 53.
    fn default() -> Repr {
        Repr {
            src_port: 53,
            dst_port: 53,
            len: None,
            checksum: None,
        }
    }
}

impl Repr {
    pub fn parse<T: AsRef<[u8]>>(p: &Packet<T>) -> Result<Repr> {
        Ok(Repr {
            src_port: p.src_port(),
            dst_port: p.dst_port(),
            len: Some(p.len()),
            checksum: Some(p.checksum()),
        })
    }
    pub fn buffer_len(&self) -> usize {
        HEADER_LEN
    }
    /// Writes the header into `datagram[..8]`; the payload must already follow it.
    pub fn emit(&self, datagram: &mut [u8], pseudo: &PseudoHeader) -> Result<usize> {
        room(PROTO, datagram, HEADER_LEN)?;
        put16(datagram, 0, self.src_port);
        put16(datagram, 2, self.dst_port);
        put16(
            datagram,
            4,
            self.len.unwrap_or(datagram.len().min(0xffff) as u16),
        );
        put16(datagram, 6, 0);
        let sum = self.checksum.unwrap_or_else(|| {
            // RFC 768: a computed zero is sent as all ones.
            match pseudo.checksum(protocol::UDP, datagram) {
                0 => 0xffff,
                s => s,
            }
        });
        put16(datagram, 6, sum);
        Ok(HEADER_LEN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::net::Ipv6Addr;

    #[test]
    fn emit_v6_checksum_verifies() {
        let pseudo = PseudoHeader::V6 {
            src: Ipv6Addr::LOCALHOST,
            dst: "fd00::2".parse().unwrap(),
        };
        let mut d = vec![0u8; 8 + 5];
        d[8..].copy_from_slice(b"hello");
        Repr::default().emit(&mut d, &pseudo).unwrap();
        assert!(pseudo.verify(protocol::UDP, &d));
        let p = Packet::new_checked(&d[..]).unwrap();
        assert_eq!(p.len(), 13);
        assert_eq!(p.payload(), b"hello");
    }
}
