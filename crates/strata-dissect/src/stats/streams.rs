//! Wireshark's `tcp.stream`: TCP conversations numbered from 0 in the order they begin.
//!
//! A conversation is an unordered address and port pair; a SYN (without ACK) whose sequence
//! number differs from the first one seen in its direction starts a new one on the same pair
//! (port reuse), as `packet-tcp.c` does. The datagram an ICMP error quotes is not numbered.

use crate::frame::Frame;
use std::collections::HashMap;
use strata_wire::{Layer, Proto};

/// An IP address (v4 mapped into 16 bytes with a length tag) and a port.
pub type Endpoint = ([u8; 16], u8, u16);

struct Stream {
    a: Endpoint,
    /// The first sequence number seen from A and from B.
    base_seq: [Option<u32>; 2],
}

/// One TCP segment of the current frame: which stream, and whether it goes A→B.
#[derive(Debug, Clone, Copy)]
pub struct Segment {
    /// The TCP layer's offset and whether it is in a reassembled datagram.
    pub at: (u32, bool),
    pub stream: u32,
    pub forward: bool,
    pub src: Endpoint,
    pub dst: Endpoint,
}

/// Numbers TCP conversations over a whole capture.
#[derive(Default)]
pub struct TcpStreams {
    map: HashMap<(Endpoint, Endpoint), u32>,
    streams: Vec<Stream>,
    /// The current frame's segments (reused from frame to frame).
    current: Vec<Segment>,
}

/// The source and destination addresses of an IP layer.
pub fn ip_endpoints(f: &Frame, ip: &Layer) -> Option<([u8; 16], [u8; 16], u8)> {
    let h = f.header(ip);
    let (mut s, mut d) = ([0u8; 16], [0u8; 16]);
    match ip.proto {
        Proto::Ipv4 => {
            s[..4].copy_from_slice(h.get(12..16)?);
            d[..4].copy_from_slice(h.get(16..20)?);
            Some((s, d, 4))
        }
        Proto::Ipv6 => {
            s.copy_from_slice(h.get(8..24)?);
            d.copy_from_slice(h.get(24..40)?);
            Some((s, d, 16))
        }
        _ => None,
    }
}

impl TcpStreams {
    /// Numbers the TCP segments of `f`; they are then in [`TcpStreams::segments`].
    pub fn frame(&mut self, f: &Frame) {
        self.current.clear();
        let mut ip = None;
        for l in f.all_layers().filter(|l| !l.quoted) {
            match l.proto {
                Proto::Ipv4 | Proto::Ipv6 => ip = Some(l),
                // Wireshark numbers no stream for a header too short or cut off.
                Proto::Tcp if !l.partial && l.len >= 20 => {
                    if let Some(seg) = ip.and_then(|ip| self.segment(f, ip, l)) {
                        self.current.push(seg);
                    }
                }
                _ => {}
            }
        }
    }

    fn segment(&mut self, f: &Frame, ip: &Layer, tcp: &Layer) -> Option<Segment> {
        let (s, d, alen) = ip_endpoints(f, ip)?;
        let h = f.header(tcp);
        let sport = u16::from_be_bytes(h.get(0..2)?.try_into().ok()?);
        let dport = u16::from_be_bytes(h.get(2..4)?.try_into().ok()?);
        let seq = h
            .get(4..8)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
        let pure_syn = h.get(13).is_some_and(|fl| fl & 0x12 == 0x02);
        let (src, dst) = ((s, alen, sport), (d, alen, dport));
        let key = if src <= dst { (src, dst) } else { (dst, src) };
        let mut idx = self.map.get(&key).copied();
        if let (Some(i), Some(seq), true) = (idx, seq, pure_syn) {
            let st = &self.streams[i as usize];
            let dir = usize::from(st.a != src);
            if st.base_seq[dir].is_some_and(|b| b != seq) {
                idx = None;
            }
        }
        let i = match idx {
            Some(i) => i,
            None => {
                self.streams.push(Stream {
                    a: src,
                    base_seq: [None; 2],
                });
                let i = (self.streams.len() - 1) as u32;
                self.map.insert(key, i);
                i
            }
        };
        let st = &mut self.streams[i as usize];
        let forward = st.a == src;
        if let Some(seq) = seq {
            st.base_seq[usize::from(!forward)].get_or_insert(seq);
        }
        Some(Segment {
            at: (tcp.start, tcp.reassembled),
            stream: i,
            forward,
            src,
            dst,
        })
    }

    /// The current frame's TCP segments.
    pub fn segments(&self) -> &[Segment] {
        &self.current
    }

    /// The stream of the TCP layer `l` of the current frame.
    pub fn of(&self, l: &Layer) -> Option<&Segment> {
        self.current
            .iter()
            .find(|s| s.at == (l.start, l.reassembled))
    }
}
