//! IPv4 and IPv6 fragment reassembly, as a component the dissector and the flow meter call.
//!
//! Bounded by [`Limits`]: datagrams in progress, bytes per datagram and in total, and a timeout;
//! whatever a limit drops is counted in [`Stats`]. Overlapping fragments keep the bytes that
//! arrived first (the BSD/Linux "first" policy), and each overlap is counted.

use crate::error::WireError;
use crate::ipv4;
use crate::ipv6::FragmentHeader;
use std::collections::HashMap;

/// Caps on reassembly state.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Datagrams being reassembled at once.
    pub max_datagrams: usize,
    /// Largest reassembled payload (IPv4's and IPv6's 16-bit lengths cap it at 65535).
    pub max_datagram_len: usize,
    /// Bytes buffered across all datagrams.
    pub max_total_bytes: usize,
    /// A datagram not completed within this many nanoseconds of its first fragment is dropped
    /// (Linux: 30 s; Wireshark keeps them forever).
    pub timeout_ns: i128,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_datagrams: 4096,
            max_datagram_len: 65535,
            max_total_bytes: 64 << 20,
            timeout_ns: 30_000_000_000,
        }
    }
}

/// What reassembly did, for reports and anomaly notes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub fragments: u64,
    pub completed: u64,
    pub timed_out: u64,
    /// Fragments dropped because a limit was reached.
    pub dropped_limit: u64,
    /// Fragments whose bytes overlapped earlier ones.
    pub overlaps: u64,
    /// Fragments with impossible offsets or lengths.
    pub malformed: u64,
}

/// Identifies one datagram's fragments (RFC 791: src, dst, protocol, id; RFC 8200: src, dst, id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub src: [u8; 16],
    pub dst: [u8; 16],
    pub id: u32,
    /// IPv4's protocol; 0 for IPv6 (not part of its key).
    pub proto: u8,
    pub v6: bool,
}

struct Pending {
    first_ns: i128,
    data: Vec<u8>,
    /// Received byte ranges, sorted and merged.
    have: Vec<(usize, usize)>,
    /// Known once the last fragment (MF = 0) arrives.
    total: Option<usize>,
    /// The upper-layer protocol (from the first fragment for IPv6).
    proto: u8,
}

/// A completed datagram's payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Datagram {
    pub key: Key,
    /// The upper-layer protocol (IPv4 protocol / IPv6 next header after the fragment header).
    pub proto: u8,
    pub payload: Vec<u8>,
}

/// The reassembly table.
#[derive(Default)]
pub struct Reassembler {
    limits: Limits,
    pending: HashMap<Key, Pending>,
    buffered: usize,
    pub stats: Stats,
}

impl Reassembler {
    pub fn new(limits: Limits) -> Reassembler {
        Reassembler {
            limits,
            ..Reassembler::default()
        }
    }

    /// Datagrams in progress.
    pub fn in_progress(&self) -> usize {
        self.pending.len()
    }

    /// Feeds an IPv4 fragment (a header `ipv4::Packet::new_checked` accepted). Returns the
    /// datagram when this fragment completes it.
    pub fn push_ipv4<T: AsRef<[u8]>>(
        &mut self,
        now_ns: i128,
        ip: &ipv4::Packet<T>,
    ) -> Result<Option<Datagram>, WireError> {
        let mut src = [0u8; 16];
        let mut dst = [0u8; 16];
        src[..4].copy_from_slice(&ip.src().octets());
        dst[..4].copy_from_slice(&ip.dst().octets());
        let key = Key {
            src,
            dst,
            id: ip.ident() as u32,
            proto: ip.protocol(),
            v6: false,
        };
        let off = ip.frag_offset() as usize * 8;
        let payload = ip.payload();
        let complete_len = ip.total_len() as usize;
        if complete_len > ip.header_len() && payload.len() < complete_len - ip.header_len() {
            // Cut by the snaplen: the datagram can never be completed from this capture.
            return Err(WireError::Truncated {
                proto: "ip.fragment",
                needed: complete_len - ip.header_len(),
                had: payload.len(),
            });
        }
        self.push(now_ns, key, ip.protocol(), off, ip.more_frags(), payload)
    }

    /// Feeds an IPv6 fragment: the addresses, the fragment header, the next header it names
    /// and the fragmentable part after it.
    pub fn push_ipv6(
        &mut self,
        now_ns: i128,
        src: core::net::Ipv6Addr,
        dst: core::net::Ipv6Addr,
        frag: FragmentHeader,
        next_header: u8,
        payload: &[u8],
    ) -> Result<Option<Datagram>, WireError> {
        let key = Key {
            src: src.octets(),
            dst: dst.octets(),
            id: frag.ident,
            proto: 0,
            v6: true,
        };
        self.push(
            now_ns,
            key,
            next_header,
            frag.offset as usize * 8,
            frag.more,
            payload,
        )
    }

    fn push(
        &mut self,
        now_ns: i128,
        key: Key,
        proto: u8,
        off: usize,
        more: bool,
        payload: &[u8],
    ) -> Result<Option<Datagram>, WireError> {
        self.stats.fragments += 1;
        self.expire(now_ns);
        let end = off + payload.len();
        if end > self.limits.max_datagram_len || (more && !payload.len().is_multiple_of(8)) {
            self.stats.malformed += 1;
            return Err(WireError::Malformed {
                proto: "ip.fragment",
                what: "offset + length beyond 65535, or a non-final fragment not a multiple of 8",
            });
        }
        if !self.pending.contains_key(&key) && self.pending.len() >= self.limits.max_datagrams {
            self.stats.dropped_limit += 1;
            return Ok(None);
        }
        let p = self.pending.entry(key).or_insert_with(|| Pending {
            first_ns: now_ns,
            data: Vec::new(),
            have: Vec::new(),
            total: None,
            proto,
        });
        if off == 0 {
            p.proto = proto;
        }
        if !more {
            p.total = Some(end);
        }
        let grow = end.saturating_sub(p.data.len());
        if self.buffered + grow > self.limits.max_total_bytes {
            self.stats.dropped_limit += 1;
            return Ok(None);
        }
        if grow > 0 {
            p.data.resize(end, 0);
            self.buffered += grow;
        }
        // Copy only the parts not already present (first arrival wins).
        let mut cursor = off;
        let mut overlapped = false;
        for &(a, b) in &p.have {
            if b <= cursor || a >= end {
                continue;
            }
            overlapped = true;
            if a > cursor {
                p.data[cursor..a].copy_from_slice(&payload[cursor - off..a - off]);
            }
            cursor = cursor.max(b);
        }
        if cursor < end {
            p.data[cursor..end].copy_from_slice(&payload[cursor - off..]);
        }
        if overlapped {
            self.stats.overlaps += 1;
        }
        insert_range(&mut p.have, off, end);
        let done = matches!(p.total, Some(t) if p.have.first() == Some(&(0, t)));
        if !done {
            return Ok(None);
        }
        let Some(p) = self.pending.remove(&key) else {
            return Ok(None);
        };
        self.buffered -= p.data.len();
        self.stats.completed += 1;
        let mut payload = p.data;
        payload.truncate(p.total.unwrap_or(0));
        Ok(Some(Datagram {
            key,
            proto: p.proto,
            payload,
        }))
    }

    /// Drops datagrams older than the timeout.
    pub fn expire(&mut self, now_ns: i128) {
        let timeout = self.limits.timeout_ns;
        let before = self.pending.len();
        let mut freed = 0;
        self.pending.retain(|_, p| {
            let keep = now_ns - p.first_ns <= timeout;
            if !keep {
                freed += p.data.len();
            }
            keep
        });
        self.buffered -= freed;
        self.stats.timed_out += (before - self.pending.len()) as u64;
    }
}

/// Inserts [a, b) into a sorted list of disjoint ranges, merging neighbours.
fn insert_range(v: &mut Vec<(usize, usize)>, a: usize, b: usize) {
    if a >= b {
        return;
    }
    let (mut a, mut b) = (a, b);
    v.retain(|&(x, y)| {
        if y < a || x > b {
            true
        } else {
            a = a.min(x);
            b = b.max(y);
            false
        }
    });
    let pos = v.partition_point(|&(x, _)| x < a);
    v.insert(pos, (a, b));
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::net::Ipv4Addr;

    fn frag(id: u16, off8: u16, more: bool, data: &[u8]) -> Vec<u8> {
        let r = ipv4::Repr {
            ident: id,
            flags: if more { 1 } else { 0 },
            frag_offset: off8,
            protocol: 17,
            src: Ipv4Addr::new(198, 18, 0, 1),
            dst: Ipv4Addr::new(198, 18, 0, 2),
            ..ipv4::Repr::default()
        };
        let mut b = vec![0u8; 20 + data.len()];
        b[20..].copy_from_slice(data);
        r.emit(&mut b, data.len()).unwrap();
        b
    }

    #[test]
    fn out_of_order_with_overlap() {
        let payload: Vec<u8> = (0..40u8).collect();
        let mut r = Reassembler::default();
        let f3 = frag(7, 4, false, &payload[32..]);
        let f1 = frag(7, 0, true, &payload[..16]);
        let f2 = frag(7, 1, true, &payload[8..32]); // overlaps f1's second half
        for f in [&f3, &f1] {
            let p = ipv4::Packet::new_checked(&f[..]).unwrap();
            assert_eq!(r.push_ipv4(0, &p).unwrap(), None);
        }
        let p = ipv4::Packet::new_checked(&f2[..]).unwrap();
        let d = r.push_ipv4(0, &p).unwrap().unwrap();
        assert_eq!(d.payload, payload);
        assert_eq!(d.proto, 17);
        assert_eq!(r.stats.overlaps, 1);
        assert_eq!(r.in_progress(), 0);
    }

    #[test]
    fn timeout_and_limits_are_counted() {
        let mut r = Reassembler::new(Limits {
            max_datagrams: 1,
            timeout_ns: 10,
            ..Limits::default()
        });
        let a = frag(1, 0, true, &[0; 8]);
        let b = frag(2, 0, true, &[0; 8]);
        r.push_ipv4(0, &ipv4::Packet::new_checked(&a[..]).unwrap())
            .unwrap();
        r.push_ipv4(1, &ipv4::Packet::new_checked(&b[..]).unwrap())
            .unwrap();
        assert_eq!(r.stats.dropped_limit, 1);
        r.expire(100);
        assert_eq!(r.stats.timed_out, 1);
        assert_eq!(r.in_progress(), 0);
    }

    #[test]
    fn hostile_offsets_are_errors() {
        let mut r = Reassembler::default();
        let f = frag(3, 0x1fff, false, &[0; 16]);
        assert!(r
            .push_ipv4(0, &ipv4::Packet::new_checked(&f[..]).unwrap())
            .is_err());
        let f = frag(3, 0, true, &[0; 5]); // not a multiple of 8
        assert!(r
            .push_ipv4(0, &ipv4::Packet::new_checked(&f[..]).unwrap())
            .is_err());
    }
}
