//! Requests matched with their responses across frames, as Wireshark matches them in one
//! pass: an ICMP or ICMPv6 echo reply names its request (`icmp.resp_to`, `icmp.resptime`,
//! `icmpv6.resp_to`, `icmpv6.resptime`, and "(request in N)" in the Info column), a DNS
//! response its query (`dns.response_to`, `dns.time`).
//!
//! Keys follow Wireshark's dissectors:
//! - **echo** (`packet-icmp.c`, `packet-icmpv6.c`): the pair of addresses, the identifier
//!   and sequence number, and the request's checksum (a reply's checksum adjusted by the
//!   type difference), so a reply matches only a request with the same payload. A request
//!   is matched once; a second identical reply names nothing.
//! - **DNS** (`packet-dns.c`): the transport conversation (addresses and ports, either
//!   way) and the transaction id. A query repeating the id of an unanswered one within 5 s
//!   is its retransmission; the first response names the first query, a repeated response
//!   names nothing.
//!
//! The tables are bounded ([`MAX_PENDING`] each); when one is full the oldest half is
//! dropped and counted in [`Transactions::dropped`].

use std::collections::HashMap;

use strata_wire::hash::FxBuild;
use strata_wire::Proto;

use crate::frame::ip_addresses;
use crate::Frame;

/// Wireshark's `dns.retransmission_timer` (5 s): a query repeating an unanswered one's id
/// within it is a retransmission, later a new query.
const DNS_RETRANSMISSION_NS: i128 = 5_000_000_000;

/// Requests kept waiting for their response, per table.
pub const MAX_PENDING: usize = 1 << 18;

/// The request a response answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    /// The protocol of the response layer (Icmp, Icmpv6 or Dns).
    pub proto: Proto,
    /// The request's frame number.
    pub request: u64,
    /// Response time minus request time, in nanoseconds.
    pub delta_ns: i128,
}

/// Addresses (ordered low, high), then protocol-specific words.
type Key = ([u8; 16], [u8; 16], u64, u32);

/// Request and response matching state across a capture.
#[derive(Default)]
pub struct Transactions {
    echo: HashMap<Key, Request, FxBuild>,
    dns: HashMap<Key, Request, FxBuild>,
    /// Requests forgotten because a table was full.
    pub dropped: u64,
}

#[derive(Clone, Copy)]
struct Request {
    frame: u64,
    ts_ns: i128,
    /// A response named it (DNS only: a later query with its id starts a new transaction).
    answered: bool,
}

impl Transactions {
    /// Records the requests of a frame and returns the request its response answers, if any.
    pub fn track(&mut self, f: &Frame) -> Option<Answer> {
        let (number, ts_ns) = (f.number, f.ts.as_nanos());
        let layers = f.decoded.layers();
        for (i, l) in layers.iter().enumerate() {
            if l.quoted || l.partial || !matches!(l.proto, Proto::Icmp | Proto::Icmpv6) {
                continue;
            }
            let ip = layers[..i]
                .iter()
                .rev()
                .find(|x| matches!(x.proto, Proto::Ipv4 | Proto::Ipv6))?;
            let (src, dst) = ip_addresses(ip.proto, f.header(ip));
            return self.echo(l.proto, number, ts_ns, src, dst, f.header(l));
        }
        let dns = f.app.iter().find(|l| l.proto == Proto::Dns && !l.quoted)?;
        let (a, b, ports) = transport(f)?;
        let h = f.header(dns);
        let (id, flags) = (be16(h, 0)?, be16(h, 2)?);
        let key = (a, b, ports as u64, id as u32);
        if flags & 0x8000 == 0 {
            // A query with the id of one still unanswered, less than Wireshark's
            // `dns.retransmission_timer` after it, is its retransmission: responses name the
            // first one.
            let resent = |r: &Request| !r.answered && ts_ns - r.ts_ns < DNS_RETRANSMISSION_NS;
            if self.dns.get(&key).is_some_and(resent) {
                return None;
            }
            insert(&mut self.dns, &mut self.dropped, key, number, ts_ns);
            return None;
        }
        let r = self.dns.get_mut(&key)?;
        if r.answered {
            // A retransmitted response: Wireshark names no request for it.
            return None;
        }
        r.answered = true;
        Some(Answer {
            proto: Proto::Dns,
            request: r.frame,
            delta_ns: ts_ns - r.ts_ns,
        })
    }

    fn echo(
        &mut self,
        proto: Proto,
        number: u64,
        ts_ns: i128,
        src: [u8; 16],
        dst: [u8; 16],
        h: &[u8],
    ) -> Option<Answer> {
        let ty = *h.first()?;
        let (request, reply, type_diff) = match proto {
            Proto::Icmp => (8, 0, 0x0800),
            _ => (128, 129, 0x0100),
        };
        if ty != request && ty != reply {
            return None;
        }
        let checksum = be16(h, 2)?;
        let id_seq = (be16(h, 4)? as u32) << 16 | be16(h, 6)? as u32;
        // The checksum the request had: the reply's type word differs by `type_diff`.
        let request_checksum = if ty == reply {
            // ICMP: the reply's type is 0x0800 lower, so its sum is lower and its checksum
            // higher; ICMPv6: the reply's type is 0x0100 higher.
            if proto == Proto::Icmp {
                ones_sub(checksum, type_diff)
            } else {
                ones_add(checksum, type_diff)
            }
        } else {
            checksum
        };
        let (a, b) = if src <= dst { (src, dst) } else { (dst, src) };
        let key = (a, b, request_checksum as u64, id_seq);
        if ty == request {
            insert(&mut self.echo, &mut self.dropped, key, number, ts_ns);
            return None;
        }
        let r = self.echo.remove(&key)?;
        Some(Answer {
            proto,
            request: r.frame,
            delta_ns: ts_ns - r.ts_ns,
        })
    }
}

fn insert(
    table: &mut HashMap<Key, Request, FxBuild>,
    dropped: &mut u64,
    key: Key,
    frame: u64,
    ts_ns: i128,
) {
    if table.len() >= MAX_PENDING && !table.contains_key(&key) {
        // Forget the older half of the waiting requests.
        let mut frames: Vec<u64> = table.values().map(|r| r.frame).collect();
        frames.sort_unstable();
        let cut = frames[frames.len() / 2];
        let before = table.len();
        table.retain(|_, r| r.frame > cut);
        *dropped += (before - table.len()) as u64;
    }
    table.insert(
        key,
        Request {
            frame,
            ts_ns,
            answered: false,
        },
    );
}

/// `a + b` in ones' complement (16 bits).
fn ones_add(a: u16, b: u16) -> u16 {
    let s = a as u32 + b as u32;
    ((s & 0xffff) + (s >> 16)) as u16
}

/// `a - b` in ones' complement (16 bits).
fn ones_sub(a: u16, b: u16) -> u16 {
    ones_add(a, !b)
}

/// The big-endian `u16` at `i`, if the header has it.
fn be16(h: &[u8], i: usize) -> Option<u16> {
    h.get(i..i + 2).map(|b| u16::from_be_bytes([b[0], b[1]]))
}

/// The two endpoints (address and port) of the innermost unquoted TCP or UDP header and the
/// IP header before it, lower endpoint first so either direction keys alike, with the ports
/// and the transport protocol packed in one word.
fn transport(f: &Frame) -> Option<([u8; 16], [u8; 16], u32)> {
    let layers = f.decoded.layers();
    let i = layers
        .iter()
        .rposition(|l| !l.quoted && matches!(l.proto, Proto::Tcp | Proto::Udp))?;
    let l4 = &layers[i];
    let ip = layers[..i]
        .iter()
        .rev()
        .find(|x| matches!(x.proto, Proto::Ipv4 | Proto::Ipv6))?;
    let (src, dst) = ip_addresses(ip.proto, f.header(ip));
    let h = f.header(l4);
    let (sport, dport) = (be16(h, 0)?, be16(h, 2)?);
    let ((a, pa), (b, pb)) = if (src, sport) <= (dst, dport) {
        ((src, sport), (dst, dport))
    } else {
        ((dst, dport), (src, sport))
    };
    let t = if l4.proto == Proto::Tcp {
        1u32 << 31
    } else {
        0
    };
    Some((a, b, t | (pa as u32) << 16 | pb as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ones_complement_adjusts_the_type_word() {
        // An echo request (type 8) with checksum 0xf7ff has sum 0x0800; its reply (type 0)
        // sums to 0 and has checksum 0xffff.
        assert_eq!(ones_sub(0xffff, 0x0800), 0xf7ff);
        assert_eq!(ones_add(0xfeff, 0x0100), 0xffff);
        assert_eq!(ones_add(0xffff, 0x0001), 0x0001);
    }
}
