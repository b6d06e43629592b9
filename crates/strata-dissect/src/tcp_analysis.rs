//! TCP sequence analysis as Wireshark's `tcp_analyze_sequence_number` does it: relative
//! sequence numbers, the window scaling each side's SYN announced, and the analysis flags
//! (retransmission, duplicate ACK, window update, ...) that the `tcp.analysis.*` fields and
//! the Info column show.
//!
//! The [`crate::Dissector`] runs it on every frame's outermost TCP header (not the one an
//! ICMP error quotes), so a display filter that hides frames does not change what the shown
//! ones say. State is kept per direction, for at most [`TcpAnalysis::MAX_STREAMS`]
//! directions; past that, new streams show raw numbers and no analysis, counted in
//! [`TcpAnalysis::dropped`].

use crate::frame::Frame;
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use strata_wire::tcp::TcpOption;
use strata_wire::{Layer, Proto};

/// Analysis flags, one bit each (Wireshark's `TCP_A_*`).
pub mod flag {
    pub const RETRANSMISSION: u16 = 1 << 0;
    pub const LOST_SEGMENT: u16 = 1 << 1;
    pub const ACK_LOST_SEGMENT: u16 = 1 << 2;
    pub const KEEP_ALIVE: u16 = 1 << 3;
    pub const DUPLICATE_ACK: u16 = 1 << 4;
    pub const ZERO_WINDOW: u16 = 1 << 5;
    pub const ZERO_WINDOW_PROBE: u16 = 1 << 6;
    pub const ZERO_WINDOW_PROBE_ACK: u16 = 1 << 7;
    pub const KEEP_ALIVE_ACK: u16 = 1 << 8;
    pub const OUT_OF_ORDER: u16 = 1 << 9;
    pub const FAST_RETRANSMISSION: u16 = 1 << 10;
    pub const WINDOW_UPDATE: u16 = 1 << 11;
    pub const WINDOW_FULL: u16 = 1 << 12;
    pub const SPURIOUS_RETRANSMISSION: u16 = 1 << 13;
}

const FIN: u16 = 0x001;
const SYN: u16 = 0x002;
const RST: u16 = 0x004;
const ACK: u16 = 0x010;

/// A fast retransmission follows the duplicate ACKs within this time (Wireshark's 20 ms).
const FAST_RETRANSMISSION_NS: i64 = 20_000_000;
/// Out-of-order threshold when no handshake RTT is known (Wireshark's 3 ms).
const DEFAULT_OOO_NS: i64 = 3_000_000;

/// Window scale shift before any SYN was seen, and when a SYN without the option rules
/// scaling out for both sides.
const WS_UNKNOWN: i8 = -1;
const WS_NONE: i8 = -2;

/// A direction: source and destination address, source and destination port.
type StreamKey = ([u8; 16], [u8; 16], u16, u16);

/// A connection's key (its lower endpoint first) and which of its two directions `k` is.
fn connection(k: StreamKey) -> (StreamKey, usize) {
    if (k.0, k.2) <= (k.1, k.3) {
        (k, 0)
    } else {
        ((k.1, k.0, k.3, k.2), 1)
    }
}

/// What the analysis says about one frame's TCP header.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TcpInfo {
    /// Where the analysed TCP header starts (to tell it from a quoted one).
    pub layer_start: u32,
    /// `tcp.seq`: relative to the direction's initial sequence number.
    pub seq: u32,
    /// `tcp.ack`: relative to the other direction's.
    pub ack: u32,
    /// `tcp.nxtseq`: the relative sequence number after this segment (SYN and FIN count
    /// one).
    pub next_seq: Option<u32>,
    /// The other direction's initial sequence number (SACK edges are relative to it).
    pub peer_base: u32,
    /// `tcp.window_size`: the window after scaling.
    pub window: u64,
    /// `tcp.window_size_scalefactor`: 1 << shift, or -1 unknown / -2 no scaling.
    pub scale_factor: i64,
    /// The [`flag`] bits.
    pub analysis: u16,
    /// For a duplicate ACK: the frame it repeats and which repeat this is (1, 2, ...).
    pub dup_ack: Option<(u64, u32)>,
}

#[derive(Clone, Copy)]
struct Dir {
    base: u32,
    ws: i8,
    /// Raw sequence number after the highest segment seen, when and in which frame.
    next_seq: Option<u32>,
    next_seq_ns: i64,
    /// The highest contiguous sequence number seen, which the peer should acknowledge.
    max_to_be_acked: Option<u32>,
    /// Raw ACK number and (unscaled) window of the last segment, and when.
    last_ack: Option<u32>,
    last_ack_ns: i64,
    window: Option<u16>,
    last_flags: u16,
    /// Duplicate ACKs in a row; -1 after an ACK of unseen data was reported against this
    /// direction, until it sends a new ACK (Wireshark reports one per stall).
    dup_acks: i32,
    last_non_dup: u64,
    /// When this side sent its SYN, and the handshake's round trip once known (0: not yet).
    syn_ns: Option<i64>,
    first_rtt_ns: i64,
}

impl Dir {
    fn new(base: u32) -> Dir {
        Dir {
            base,
            ws: WS_UNKNOWN,
            next_seq: None,
            next_seq_ns: 0,
            max_to_be_acked: None,
            last_ack: None,
            last_ack_ns: 0,
            window: None,
            last_flags: 0,
            dup_acks: 0,
            last_non_dup: 0,
            syn_ns: None,
            first_rtt_ns: 0,
        }
    }
}

/// The header fields the analysis reads, taken from a frame.
#[derive(Debug, Clone, Copy)]
pub struct Segment {
    layer_start: u32,
    key: StreamKey,
    seq: u32,
    ack: u32,
    flags: u16,
    win: u16,
    /// The window scale option's shift, if the header has one.
    ws_option: Option<u8>,
    /// Payload bytes.
    len: u32,
}

/// `a` after `b` in sequence space.
fn gt(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) > 0
}
fn lt(a: u32, b: u32) -> bool {
    gt(b, a)
}

impl Segment {
    /// The frame's outermost TCP header that is whole enough to analyse.
    pub fn of(f: &Frame) -> Option<Segment> {
        let l = f
            .decoded
            .layers()
            .iter()
            .find(|l| l.proto == Proto::Tcp && !l.quoted && !l.partial)?;
        let h = f.header(l);
        let be16 = |i: usize| Some(u16::from_be_bytes(h.get(i..i + 2)?.try_into().ok()?));
        let be32 = |i: usize| Some(u32::from_be_bytes(h.get(i..i + 4)?.try_into().ok()?));
        let (src, dst) = endpoints(f, l);
        let ws_option = strata_wire::tcp::options(h.get(20..).unwrap_or(&[]))
            .map_while(Result::ok)
            .find_map(|o| match o {
                TcpOption::WindowScale(s) => Some(s.min(14)),
                _ => None,
            });
        Some(Segment {
            layer_start: l.start,
            key: (src, dst, be16(0)?, be16(2)?),
            seq: be32(4)?,
            ack: be32(8)?,
            flags: be16(12)? & 0xfff,
            win: be16(14)?,
            ws_option,
            len: (l.end - l.start).saturating_sub(l.len),
        })
    }
}

/// The addresses of the IP header just outside a TCP header (zero when there is none).
pub(crate) fn endpoints(f: &Frame, tcp: &Layer) -> ([u8; 16], [u8; 16]) {
    f.decoded
        .layers()
        .iter()
        .rev()
        .filter(|l| l.start < tcp.start && l.quoted == tcp.quoted)
        .find(|l| matches!(l.proto, Proto::Ipv4 | Proto::Ipv6))
        .map_or(([0; 16], [0; 16]), |l| {
            crate::frame::ip_addresses(l.proto, f.header(l))
        })
}

/// Per-connection analysis state: both directions under one key, so a segment costs one
/// table lookup.
#[derive(Default)]
pub struct TcpAnalysis {
    conns: HashMap<StreamKey, [Option<Dir>; 2], strata_wire::hash::FxBuild>,
    /// Segments not analysed because the table was full.
    pub dropped: u64,
}

impl TcpAnalysis {
    /// The most connections followed at once (about 230 bytes each with the table's key,
    /// so at most about 60 MiB).
    pub const MAX_STREAMS: usize = 1 << 18;

    /// Analyses frame `number`'s segment, seen at `now` (nanoseconds).
    pub fn analyze(&mut self, number: u64, now: i128, s: &Segment) -> TcpInfo {
        // Nanoseconds since 1970 fit an i64 until 2262; later or earlier ones saturate.
        let now = now.clamp(i64::MIN as i128, i64::MAX as i128) as i64;
        let syn = s.flags & SYN != 0;
        let ack_flag = s.flags & ACK != 0;
        let mut info = TcpInfo {
            layer_start: s.layer_start,
            seq: s.seq,
            ack: s.ack,
            window: s.win as u64,
            scale_factor: WS_UNKNOWN as i64,
            ..TcpInfo::default()
        };
        let (key, fi) = connection(s.key);
        let full = self.conns.len() >= Self::MAX_STREAMS;
        let dirs = match self.conns.entry(key) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(_) if full => {
                self.dropped += 1;
                return info;
            }
            Entry::Vacant(v) => v.insert([None, None]),
        };
        // A new SYN (not a retransmitted one) starts the direction over. The SYN's sequence
        // number is relative 0; without one, the first segment seen is relative 1, as if
        // its SYN had just been missed (Wireshark's choice).
        let fresh = dirs[fi].is_none_or(|d| syn && !ack_flag && d.base != s.seq);
        if fresh {
            let base = if syn { s.seq } else { s.seq.wrapping_sub(1) };
            dirs[fi] = Some(Dir::new(base));
        }
        if ack_flag && dirs[fi ^ 1].is_none() {
            // An ACK for a direction not seen yet: what it acknowledges is relative 1 there.
            dirs[fi ^ 1] = Some(Dir::new(s.ack.wrapping_sub(1)));
        }
        let Some(mut d) = dirs[fi] else {
            return info;
        };
        let r = dirs[fi ^ 1];

        // Window scaling: each SYN announces its side's shift; a SYN (or SYN-ACK) without
        // the option means neither side scales.
        if syn {
            d.ws = s.ws_option.map_or(WS_NONE, |x| x as i8);
            if !ack_flag {
                d.syn_ns = Some(now);
            }
        }
        let mut peer_ws = r.map_or(WS_UNKNOWN, |r| r.ws);
        if syn && ack_flag && (s.ws_option.is_none() || peer_ws == WS_NONE) {
            d.ws = WS_NONE;
            peer_ws = WS_NONE;
        }
        let window = if d.ws >= 0 && !syn {
            (s.win as u64) << d.ws
        } else {
            s.win as u64
        };
        info.window = window;
        info.scale_factor = if d.ws >= 0 { 1 << d.ws } else { d.ws as i64 };
        info.seq = s.seq.wrapping_sub(d.base);
        info.ack = r.map_or(s.ack, |r| s.ack.wrapping_sub(r.base));
        info.peer_base = r.map_or(0, |r| r.base);
        let seglen = s.len;
        let counts = seglen + u32::from(s.flags & (SYN | FIN) != 0);
        info.next_seq = Some(s.seq.wrapping_add(counts).wrapping_sub(d.base));

        // The handshake's round trip: SYN to the ACK that completes it.
        if !syn && ack_flag && d.first_rtt_ns == 0 {
            if let Some(t) = d.syn_ns {
                d.first_rtt_ns = now.saturating_sub(t);
            }
        }

        let mut a = 0u16;
        let no_sfr = s.flags & (SYN | FIN | RST) == 0;
        let win = s.win;
        let r_window = r.and_then(|r| r.window);
        let same_place = d.next_seq == Some(s.seq) && d.last_ack == Some(s.ack) && no_sfr;
        let peer_flags = r.map_or(0, |r| r.last_flags);
        // Zero window probe: one byte at the expected place into a closed window.
        if seglen == 1 && d.next_seq == Some(s.seq) && r_window == Some(0) {
            a |= flag::ZERO_WINDOW_PROBE;
        } else {
            if win == 0 && no_sfr {
                a |= flag::ZERO_WINDOW;
            }
            if d.next_seq.is_some_and(|n| gt(s.seq, n)) && s.flags & RST == 0 {
                a |= flag::LOST_SEGMENT;
            }
            if seglen <= 1 && no_sfr && d.next_seq.map(|n| n.wrapping_sub(1)) == Some(s.seq) {
                a |= flag::KEEP_ALIVE;
            }
            if seglen == 0 && win != 0 && d.window != Some(win) && same_place {
                a |= flag::WINDOW_UPDATE;
            }
            // Data up to the right edge of the window the peer last offered.
            if seglen > 0 && no_sfr && peer_ws != WS_UNKNOWN {
                if let (Some(rl), Some(rw)) = (r.and_then(|r| r.last_ack), r_window) {
                    let shift = if peer_ws >= 0 { peer_ws as u32 } else { 0 };
                    let edge = rl.wrapping_add((rw as u32) << shift);
                    if s.seq.wrapping_add(seglen) == edge {
                        a |= flag::WINDOW_FULL;
                    }
                }
            }
            let repeat = seglen == 0 && d.window == Some(win) && same_place;
            if repeat && win != 0 && peer_flags & flag::KEEP_ALIVE != 0 {
                a |= flag::KEEP_ALIVE_ACK;
            } else if repeat && win == 0 && peer_flags & flag::ZERO_WINDOW_PROBE != 0 {
                a |= flag::ZERO_WINDOW_PROBE_ACK;
            } else if repeat && win != 0 {
                d.dup_acks = if d.dup_acks == -1 { 1 } else { d.dup_acks + 1 };
                a |= flag::DUPLICATE_ACK;
                info.dup_ack = Some((d.last_non_dup, d.dup_acks as u32));
            }
        }
        if d.last_ack != Some(s.ack) {
            d.last_non_dup = number;
            d.dup_acks = 0;
        }
        // An ACK past everything the peer was seen sending: reported once, then again only
        // after the peer sends another ACK of its own.
        let mut r_max = r.and_then(|r| r.max_to_be_acked);
        let mut r_dup = r.map(|r| r.dup_acks);
        if let (Some(rd), Some(m)) = (r, r_max) {
            if ack_flag && gt(s.ack, m) {
                match rd.next_seq {
                    Some(n) if gt(m, n) => {
                        r_max = Some(n);
                        a |= flag::ACK_LOST_SEGMENT;
                    }
                    _ => {
                        if rd.dup_acks == 0 {
                            a |= flag::ACK_LOST_SEGMENT;
                        }
                        r_dup = Some(-1);
                    }
                }
            }
        }

        // A segment with data (or SYN/FIN) that does not advance the sequence.
        if counts > 0 && a & flag::KEEP_ALIVE == 0 {
            let mut not_advanced = d.next_seq.is_some_and(|n| lt(s.seq, n));
            if seglen > 1 && d.next_seq.map(|n| n.wrapping_sub(1)) == Some(s.seq) {
                not_advanced = false;
            }
            let r_last_ack = r.and_then(|r| r.last_ack);
            let rd = r.unwrap_or(Dir::new(0));
            let ooo_ns = if d.first_rtt_ns > 0 {
                d.first_rtt_ns
            } else {
                DEFAULT_OOO_NS
            };
            if seglen > 0 && r_last_ack.is_some_and(|la| !gt(s.seq.wrapping_add(seglen), la)) {
                a |= flag::SPURIOUS_RETRANSMISSION;
            } else if not_advanced
                && now.saturating_sub(rd.last_ack_ns) < FAST_RETRANSMISSION_NS
                && rd.dup_acks >= 2
                && rd.last_ack == Some(s.seq)
            {
                a |= flag::FAST_RETRANSMISSION;
            } else if not_advanced
                && now.saturating_sub(d.next_seq_ns) < ooo_ns
                && d.next_seq != Some(s.seq.wrapping_add(counts))
            {
                a |= flag::OUT_OF_ORDER;
            } else if not_advanced {
                a |= flag::RETRANSMISSION;
            }
        }

        // Remember the highest sequence seen (pure ACKs included), the contiguous part, the
        // ACK and the window.
        let next = s.seq.wrapping_add(counts);
        if a & flag::ZERO_WINDOW_PROBE == 0 {
            if d.next_seq.is_none_or(|n| gt(next, n)) {
                d.next_seq = Some(next);
                d.next_seq_ns = now;
            }
            if d.max_to_be_acked.is_none_or(|m| m == s.seq) {
                d.max_to_be_acked = d.next_seq;
            }
        }
        d.window = Some(win);
        d.last_ack = Some(s.ack);
        d.last_ack_ns = now;
        d.last_flags = a;
        info.analysis = a;
        dirs[fi] = Some(d);
        if let Some(rd) = dirs[fi ^ 1].as_mut() {
            rd.ws = peer_ws;
            rd.max_to_be_acked = r_max.or(rd.max_to_be_acked);
            rd.dup_acks = r_dup.unwrap_or(rd.dup_acks);
            if rd.first_rtt_ns == 0 {
                rd.first_rtt_ns = d.first_rtt_ns;
            }
        }
        info
    }
}

/// The Info column's analysis prefixes, as Wireshark prepends them (the last prepended
/// shows first).
pub fn write_prefix(info: &TcpInfo, out: &mut Vec<u8>) {
    let a = info.analysis;
    let mut parts: [&str; 14] = [""; 14];
    let mut n = 0;
    let mut push = |s: &'static str| {
        parts[n] = s;
        n += 1;
    };
    // Wireshark's order of prepending (retransmissions, lost segments, window, keep-alive,
    // duplicate ACK, zero window); printed in reverse.
    let order = [
        (flag::RETRANSMISSION, "[TCP Retransmission] "),
        (flag::FAST_RETRANSMISSION, "[TCP Fast Retransmission] "),
        (
            flag::SPURIOUS_RETRANSMISSION,
            "[TCP Spurious Retransmission] ",
        ),
        (flag::OUT_OF_ORDER, "[TCP Out-Of-Order] "),
        (flag::LOST_SEGMENT, "[TCP Previous segment not captured] "),
        (flag::ACK_LOST_SEGMENT, "[TCP ACKed unseen segment] "),
        (flag::WINDOW_UPDATE, "[TCP Window Update] "),
        (flag::WINDOW_FULL, "[TCP Window Full] "),
        (flag::KEEP_ALIVE, "[TCP Keep-Alive] "),
        (flag::KEEP_ALIVE_ACK, "[TCP Keep-Alive ACK] "),
        (flag::DUPLICATE_ACK, ""),
        (flag::ZERO_WINDOW_PROBE, "[TCP ZeroWindowProbe] "),
        (flag::ZERO_WINDOW, "[TCP ZeroWindow] "),
        (flag::ZERO_WINDOW_PROBE_ACK, "[TCP ZeroWindowProbeAck] "),
    ];
    for (bit, text) in order {
        if a & bit != 0 {
            push(text);
        }
    }
    for p in parts[..n].iter().rev() {
        if p.is_empty() {
            // The duplicate ACK's text carries numbers.
            if let Some((frame, num)) = info.dup_ack {
                out.extend_from_slice(b"[TCP Dup ACK ");
                crate::text::dec(out, frame);
                out.push(b'#');
                crate::text::dec(out, num as u64);
                out.extend_from_slice(b"] ");
            }
        } else {
            out.extend_from_slice(p.as_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const C: [u8; 16] = [10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const S: [u8; 16] = [10, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    fn seg(from_client: bool, seq: u32, ack: u32, flags: u16, win: u16, len: u32) -> Segment {
        let key = if from_client {
            (C, S, 40000, 80)
        } else {
            (S, C, 80, 40000)
        };
        Segment {
            layer_start: 34,
            key,
            seq,
            ack,
            flags,
            win,
            ws_option: (flags & SYN != 0).then_some(7),
            len,
        }
    }

    /// A handshake with window scaling, data, a lost segment, three duplicate ACKs, a fast
    /// retransmission, a later plain retransmission and a window update.
    #[test]
    fn flags_like_wireshark() {
        let mut t = TcpAnalysis::default();
        let ms = 1_000_000i128;
        let mut n = 0u64;
        let mut go = |s: Segment, at: i128| {
            n += 1;
            t.analyze(n, at * ms, &s)
        };
        let syn = go(seg(true, 1000, 0, SYN, 64240, 0), 0);
        assert_eq!((syn.seq, syn.analysis), (0, 0));
        let synack = go(seg(false, 5000, 1001, SYN | ACK, 65160, 0), 1);
        assert_eq!((synack.seq, synack.ack), (0, 1));
        let ack = go(seg(true, 1001, 5001, ACK, 502, 0), 2);
        assert_eq!(ack.window, 502 << 7);
        assert_eq!(ack.scale_factor, 128);
        let d1 = go(seg(false, 5001, 1001, ACK, 509, 100), 10);
        assert_eq!((d1.seq, d1.next_seq, d1.analysis), (1, Some(101), 0));
        // 5101..5201 is lost; 5201 arrives.
        let d3 = go(seg(false, 5201, 1001, ACK, 509, 100), 11);
        assert_eq!(d3.analysis, flag::LOST_SEGMENT);
        let a1 = go(seg(true, 1001, 5101, ACK, 502, 0), 12);
        assert_eq!(a1.analysis, 0);
        let a2 = go(seg(true, 1001, 5101, ACK, 502, 0), 13);
        assert_eq!(a2.analysis, flag::DUPLICATE_ACK);
        assert_eq!(a2.dup_ack, Some((6, 1)));
        let a3 = go(seg(true, 1001, 5101, ACK, 502, 0), 14);
        assert_eq!(a3.dup_ack, Some((6, 2)));
        let fast = go(seg(false, 5101, 1001, ACK, 509, 100), 15);
        assert_eq!(fast.analysis, flag::FAST_RETRANSMISSION);
        let up = go(seg(true, 1001, 5301, ACK, 600, 0), 16);
        assert_eq!(up.analysis, 0);
        let upd = go(seg(true, 1001, 5301, ACK, 700, 0), 17);
        assert_eq!(upd.analysis, flag::WINDOW_UPDATE);
        let retr = go(seg(false, 5201, 1001, ACK, 509, 100), 500);
        assert_eq!(retr.analysis, flag::SPURIOUS_RETRANSMISSION);
        let d4 = go(seg(false, 5301, 1001, ACK, 509, 100), 501);
        assert_eq!(d4.analysis, 0);
        let rto = go(seg(false, 5301, 1001, ACK, 509, 100), 900);
        assert_eq!(rto.analysis, flag::RETRANSMISSION);
        let mut text = Vec::new();
        write_prefix(&a3, &mut text);
        assert_eq!(text, b"[TCP Dup ACK 6#2] ");
    }

    #[test]
    fn state_stays_small() {
        // What MAX_STREAMS connections cost: both directions and the key.
        assert!(core::mem::size_of::<[Option<Dir>; 2]>() + 36 <= 240);
    }

    #[test]
    fn without_a_handshake_numbers_start_at_one() {
        let mut t = TcpAnalysis::default();
        let d = t.analyze(1, 0, &seg(false, 7000, 3000, ACK, 100, 10));
        assert_eq!((d.seq, d.ack, d.scale_factor), (1, 1, -1));
        let a = t.analyze(2, 1, &seg(true, 2999, 7010, ACK, 100, 0));
        assert_eq!((a.seq, a.ack), (0, 11));
    }
}
