//! `-z follow,tcp,ascii|raw|hex,N`: the bytes of TCP stream N in order, as TShark prints them.
//!
//! Each direction is put back in sequence order: retransmitted bytes are dropped, an overlap
//! keeps only its new bytes, and a segment that arrives early waits until the gap before it
//! fills (a gap that never fills is closed at the end of the capture, and counted). Each
//! segment's new bytes are one chunk; chunks from the server (node 1) are indented by a tab.
//! What is kept is bounded by [`MAX_BYTES`] and [`MAX_PENDING`]; bytes beyond are counted.

use super::streams::{Endpoint, TcpStreams};
use crate::frame::Frame;
use core::net::{Ipv4Addr, Ipv6Addr};
use std::collections::BTreeMap;
use strata_wire::Proto;

/// The most stream bytes kept for printing.
pub const MAX_BYTES: usize = 256 << 20;
/// The most out-of-order segments held per direction while waiting for a gap to fill.
pub const MAX_PENDING: usize = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Ascii,
    Raw,
    Hex,
}

#[derive(Default)]
struct Dir {
    next_seq: Option<u32>,
    /// Early segments by sequence number.
    pending: BTreeMap<u32, Vec<u8>>,
}

/// One `follow,tcp` statistic.
pub struct Follow {
    mode: Mode,
    stream: u32,
    nodes: Option<(Endpoint, Endpoint)>,
    dirs: [Dir; 2],
    /// (from node 1, bytes) in the order they became contiguous.
    chunks: Vec<(bool, Vec<u8>)>,
    kept: usize,
    /// Bytes not kept because of the caps.
    pub dropped: u64,
}

impl Follow {
    /// Parses what follows `follow,`: `tcp,ascii|raw|hex,N`.
    pub fn parse(rest: &str) -> Result<Follow, String> {
        let parts: Vec<&str> = rest.split(',').collect();
        let [proto, mode, n] = parts[..] else {
            return Err("expected follow,tcp,ascii|raw|hex,STREAM".into());
        };
        if proto != "tcp" {
            return Err(format!("follow,{proto}: only tcp is supported"));
        }
        let mode = match mode {
            "ascii" => Mode::Ascii,
            "raw" => Mode::Raw,
            "hex" => Mode::Hex,
            m => return Err(format!("follow mode {m:?}: expected ascii, raw or hex")),
        };
        let stream = n
            .trim()
            .parse()
            .map_err(|_| format!("follow stream {n:?}: expected a tcp.stream number"))?;
        Ok(Follow {
            mode,
            stream,
            nodes: None,
            dirs: Default::default(),
            chunks: Vec::new(),
            kept: 0,
            dropped: 0,
        })
    }

    pub fn frame(&mut self, f: &Frame, streams: &TcpStreams) {
        for l in f
            .all_layers()
            .filter(|l| l.proto == Proto::Tcp && !l.quoted)
        {
            let Some(seg) = streams.of(l) else { continue };
            if seg.stream != self.stream {
                continue;
            }
            let (a, b) = *self.nodes.get_or_insert((seg.src, seg.dst));
            let from_b = seg.src == b && seg.dst == a && a != b;
            let h = f.header(l);
            if l.partial || h.len() < 14 {
                continue;
            }
            let seq = u32::from_be_bytes([h[4], h[5], h[6], h[7]]);
            let syn = h[13] & 0x02 != 0;
            if h[13] & 0x10 != 0 {
                // The peer acknowledging bytes this side never delivered: they are lost.
                let ack = u32::from_be_bytes([h[8], h[9], h[10], h[11]]);
                self.acked(usize::from(!from_b), ack);
            }
            self.segment(from_b, seq, syn, l.payload(f.buffer(l)));
        }
    }

    fn segment(&mut self, from_b: bool, seq: u32, syn: bool, payload: &[u8]) {
        let d = usize::from(from_b);
        let next =
            *self.dirs[d]
                .next_seq
                .get_or_insert(if syn { seq.wrapping_add(1) } else { seq });
        let seq = if syn { seq.wrapping_add(1) } else { seq };
        if payload.is_empty() {
            return;
        }
        let rel = seq.wrapping_sub(next) as i32;
        if rel > 0 {
            if self.dirs[d].pending.len() < MAX_PENDING {
                self.dirs[d].pending.insert(seq, payload.to_vec());
            } else {
                self.dropped += payload.len() as u64;
            }
            return;
        }
        self.deliver(d, seq, payload);
        // Early segments the new bytes reached.
        while let Some((&s, _)) = self.dirs[d].pending.first_key_value() {
            let next = self.dirs[d].next_seq.unwrap_or(s);
            if (s.wrapping_sub(next) as i32) > 0 {
                break;
            }
            let Some(bytes) = self.dirs[d].pending.remove(&s) else {
                break;
            };
            self.deliver(d, s, &bytes);
        }
    }

    /// Gives up on the gap before early segments of direction `d` that the peer acknowledged:
    /// they are delivered after a note of the missing bytes, as TShark does.
    fn acked(&mut self, d: usize, ack: u32) {
        while let Some((&s, _)) = self.dirs[d].pending.first_key_value() {
            if (ack.wrapping_sub(s) as i32) <= 0 {
                break;
            }
            let Some(bytes) = self.dirs[d].pending.remove(&s) else {
                break;
            };
            let next = self.dirs[d].next_seq.unwrap_or(s);
            let missing = s.wrapping_sub(next) as i32;
            if missing > 0 {
                let note = format!("[{missing} bytes missing in capture file]\0");
                self.chunks.push((d == 1, note.into_bytes()));
                self.dirs[d].next_seq = Some(s);
            }
            self.deliver(d, s, &bytes);
        }
    }

    /// Appends the bytes of a segment starting at or before the expected sequence number.
    fn deliver(&mut self, d: usize, seq: u32, payload: &[u8]) {
        let next = self.dirs[d].next_seq.unwrap_or(seq);
        let old = next.wrapping_sub(seq) as usize;
        let Some(new) = payload.get(old..).filter(|n| !n.is_empty()) else {
            return;
        };
        self.dirs[d].next_seq = Some(next.wrapping_add(new.len() as u32));
        if self.kept + new.len() > MAX_BYTES {
            self.dropped += new.len() as u64;
            return;
        }
        self.kept += new.len();
        self.chunks.push((d == 1, new.to_vec()));
    }

    /// Prints the stream as TShark 4.0 does.
    pub fn draw(&self, out: &mut Vec<u8>) {
        const RULE: &str = "===================================================================\n";
        let mode = match self.mode {
            Mode::Ascii => "ascii",
            Mode::Raw => "raw",
            Mode::Hex => "hex",
        };
        out.extend_from_slice(b"\n");
        out.extend_from_slice(RULE.as_bytes());
        out.extend_from_slice(
            format!(
                "Follow: tcp,{mode}\nFilter: tcp.stream eq {}\n",
                self.stream
            )
            .as_bytes(),
        );
        for i in 0..2 {
            // A stream that never appeared has empty nodes, as in TShark.
            let n = match self.nodes {
                Some((a, b)) => node(if i == 0 { &a } else { &b }),
                None => ":0".to_string(),
            };
            out.extend_from_slice(format!("Node {i}: {n}\n").as_bytes());
        }
        let mut offsets = [0usize; 2];
        // Segments still waiting for a gap that never filled come last, in sequence order,
        // each gap announced as TShark does.
        let mut late: Vec<(bool, std::borrow::Cow<[u8]>)> = Vec::new();
        for (d, dir) in self.dirs.iter().enumerate() {
            let mut next = dir.next_seq;
            for (&seq, bytes) in &dir.pending {
                let at = next.unwrap_or(seq);
                let missing = seq.wrapping_sub(at) as i32;
                if missing > 0 {
                    let note = format!("[{missing} bytes missing in capture file]\0");
                    late.push((d == 1, note.into_bytes().into()));
                }
                let old = at.wrapping_sub(seq) as i32;
                let skip = if old > 0 { old as usize } else { 0 };
                if let Some(new) = bytes.get(skip..).filter(|b| !b.is_empty()) {
                    late.push((d == 1, new.into()));
                    next = Some(seq.wrapping_add(bytes.len() as u32));
                }
            }
        }
        let chunks = self.chunks.iter().map(|(d, b)| (*d, b.as_slice()));
        for (from_b, bytes) in chunks.chain(late.iter().map(|(d, b)| (*d, b.as_ref()))) {
            let indent: &[u8] = if from_b { b"\t" } else { b"" };
            match self.mode {
                Mode::Ascii => {
                    out.extend_from_slice(indent);
                    out.extend_from_slice(format!("{}\n", bytes.len()).as_bytes());
                    out.extend(bytes.iter().map(|&c| match c {
                        b'\n' | b'\r' | 0x20..=0x7e => c,
                        _ => b'.',
                    }));
                    out.push(b'\n');
                }
                Mode::Raw => {
                    out.extend_from_slice(indent);
                    for c in bytes {
                        out.extend_from_slice(format!("{c:02x}").as_bytes());
                    }
                    out.push(b'\n');
                }
                Mode::Hex => {
                    let off = &mut offsets[usize::from(from_b)];
                    for line in bytes.chunks(16) {
                        out.extend_from_slice(indent);
                        hex_line(*off, line, out);
                        *off += line.len();
                    }
                }
            }
        }
        out.extend_from_slice(RULE.as_bytes());
    }
}

/// `ADDR:PORT`, an IPv6 address in brackets.
fn node(e: &Endpoint) -> String {
    let (addr, len, port) = e;
    if *len == 4 {
        format!(
            "{}:{port}",
            Ipv4Addr::new(addr[0], addr[1], addr[2], addr[3])
        )
    } else {
        format!("[{}]:{port}", Ipv6Addr::from(*addr))
    }
}

/// One line of TShark's follow hex view: offset, 16 bytes in two groups, then the text.
fn hex_line(off: usize, line: &[u8], out: &mut Vec<u8>) {
    let mut s = format!("{off:08X}  ");
    for i in 0..16 {
        match line.get(i) {
            Some(c) => s.push_str(&format!("{c:02x} ")),
            None => s.push_str("   "),
        }
        if i == 7 {
            s.push(' ');
        }
    }
    s.push(' ');
    for (i, &c) in line.iter().enumerate() {
        if i == 8 {
            s.push(' ');
        }
        s.push(if (0x20..0x7f).contains(&c) {
            c as char
        } else {
            '.'
        });
    }
    // TShark trims the line's trailing blanks (a text column ending in spaces included).
    out.extend_from_slice(s.trim_end_matches(' ').as_bytes());
    out.push(b'\n');
}
