//! `-z conv,eth|ip|ipv6|tcp|udp`: TShark's conversation tables.
//!
//! A conversation is an unordered pair of endpoints. Its "A" side is the source of the first
//! packet seen; `->` counts A→B, `<-` counts B→A, as in TShark's `tap-iousers.c`. Every layer
//! of the type counts (an IP-in-IP frame is in two IP conversations); a frame's bytes are its
//! length on the wire; the datagram quoted by an ICMP error is not counted. Rows are printed by total frames, descending, ties in the order the
//! conversations began. A TCP conversation is one `tcp.stream` ([`super::streams`]), so a port
//! reused by a new connection is a new row.

use super::streams::TcpStreams;
use crate::frame::Frame;
use crate::text;
use core::net::{Ipv4Addr, Ipv6Addr};
use std::collections::HashMap;
use strata_wire::{Layer, Proto};

/// Which endpoints a table pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConvType {
    Eth,
    Ipv4,
    Ipv6,
    Tcp,
    Udp,
}

impl ConvType {
    pub fn parse(s: &str) -> Option<ConvType> {
        Some(match s {
            "eth" => ConvType::Eth,
            "ip" => ConvType::Ipv4,
            "ipv6" => ConvType::Ipv6,
            "tcp" => ConvType::Tcp,
            "udp" => ConvType::Udp,
            _ => return None,
        })
    }
    fn title(self) -> &'static str {
        match self {
            ConvType::Eth => "Ethernet",
            ConvType::Ipv4 => "IPv4",
            ConvType::Ipv6 => "IPv6",
            ConvType::Tcp => "TCP",
            ConvType::Udp => "UDP",
        }
    }
    fn has_ports(self) -> bool {
        matches!(self, ConvType::Tcp | ConvType::Udp)
    }
}

/// An endpoint address, comparable so a pair can be normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Addr {
    Mac([u8; 6]),
    V4([u8; 4]),
    V6([u8; 16]),
}

impl Addr {
    fn write(&self, out: &mut Vec<u8>) {
        match self {
            Addr::Mac(m) => text::colon_hex(out, m),
            Addr::V4(a) => text::ipv4(out, Ipv4Addr::from(*a)),
            Addr::V6(a) => text::ipv6(out, Ipv6Addr::from(*a)),
        }
    }
}

type Endpoint = (Addr, u16);

/// The hash key: the endpoints in canonical order, and for TCP the stream number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    lo: Endpoint,
    hi: Endpoint,
    stream: u32,
}

#[derive(Debug, Clone)]
struct Conv {
    a: Endpoint,
    b: Endpoint,
    /// Frames and bytes B→A (`<-`) and A→B (`->`).
    rx_frames: u64,
    rx_bytes: u64,
    tx_frames: u64,
    tx_bytes: u64,
    /// Relative to the capture's first frame, in nanoseconds.
    start: i128,
    stop: i128,
}

/// One conversation table being filled.
pub struct ConvTable {
    pub kind: ConvType,
    map: HashMap<Key, usize>,
    convs: Vec<Conv>,
}

impl ConvTable {
    pub fn new(kind: ConvType) -> ConvTable {
        ConvTable {
            kind,
            map: HashMap::new(),
            convs: Vec::new(),
        }
    }

    /// Counts every layer of this table's type in `f`; `rel` is the frame's time relative to
    /// the capture's first frame.
    pub fn frame(&mut self, f: &Frame, rel: i128, streams: &TcpStreams) {
        let mut ip = None;
        // The datagram an ICMP error quotes is not tapped (Wireshark dissects it "in error").
        for l in f.all_layers().filter(|l| !l.quoted) {
            if let Some((src, dst)) = self.endpoints(f, ip, l) {
                let stream = match l.proto {
                    Proto::Tcp => match streams.of(l) {
                        Some(s) => s.stream,
                        None => continue,
                    },
                    _ => u32::MAX,
                };
                self.add(src, dst, stream, f.len as u64, rel);
            }
            if matches!(l.proto, Proto::Ipv4 | Proto::Ipv6) {
                ip = Some(l);
            }
        }
    }

    /// The source and destination of `l` if it is this table's layer (`ip`: the innermost IP
    /// layer before it).
    fn endpoints(&self, f: &Frame, ip: Option<&Layer>, l: &Layer) -> Option<(Endpoint, Endpoint)> {
        let h = f.header(l);
        match (self.kind, l.proto) {
            (ConvType::Eth, Proto::Eth) => {
                let dst = Addr::Mac(h.get(0..6)?.try_into().ok()?);
                let src = Addr::Mac(h.get(6..12)?.try_into().ok()?);
                Some(((src, 0), (dst, 0)))
            }
            (ConvType::Ipv4, Proto::Ipv4) | (ConvType::Ipv6, Proto::Ipv6) => {
                let (s, d) = ip_addrs(f, l)?;
                Some(((s, 0), (d, 0)))
            }
            (ConvType::Tcp, Proto::Tcp) | (ConvType::Udp, Proto::Udp) => {
                let (s, d) = ip_addrs(f, ip?)?;
                let sport = u16::from_be_bytes(h.get(0..2)?.try_into().ok()?);
                let dport = u16::from_be_bytes(h.get(2..4)?.try_into().ok()?);
                Some(((s, sport), (d, dport)))
            }
            _ => None,
        }
    }

    fn add(&mut self, src: Endpoint, dst: Endpoint, stream: u32, bytes: u64, rel: i128) {
        let (lo, hi) = if src <= dst { (src, dst) } else { (dst, src) };
        let key = Key { lo, hi, stream };
        let i = match self.map.get(&key).copied() {
            Some(i) => i,
            None => {
                self.convs.push(Conv {
                    a: src,
                    b: dst,
                    rx_frames: 0,
                    rx_bytes: 0,
                    tx_frames: 0,
                    tx_bytes: 0,
                    start: rel,
                    stop: rel,
                });
                self.map.insert(key, self.convs.len() - 1);
                self.convs.len() - 1
            }
        };
        let c = &mut self.convs[i];
        let forward = c.a == src && c.b == dst;
        if forward {
            c.tx_frames += 1;
            c.tx_bytes += bytes;
        } else {
            c.rx_frames += 1;
            c.rx_bytes += bytes;
        }
        if rel > c.stop {
            c.stop = rel;
        } else if rel < c.start {
            c.start = rel;
        }
    }

    /// Prints the table as TShark 4.0 does.
    pub fn draw(&self, filter: Option<&str>, out: &mut Vec<u8>) {
        const RULE: &str =
            "================================================================================\n";
        out.extend_from_slice(RULE.as_bytes());
        out.extend_from_slice(self.kind.title().as_bytes());
        out.extend_from_slice(b" Conversations\nFilter:");
        out.extend_from_slice(filter.unwrap_or("<No Filter>").as_bytes());
        out.push(b'\n');
        let (w, pad) = if self.kind.has_ports() {
            (26, 59)
        } else {
            (20, 47)
        };
        let sp = " ".repeat(pad);
        out.extend_from_slice(format!("{sp}|       <-      | |       ->      | |     Total     |    Relative    |   Duration   |\n").as_bytes());
        out.extend_from_slice(format!("{sp}| Frames  Bytes | | Frames  Bytes | | Frames  Bytes |      Start     |              |\n").as_bytes());
        // Descending total frames; ties in creation order (a stable sort keeps it).
        let mut order: Vec<usize> = (0..self.convs.len()).collect();
        order
            .sort_by_key(|&i| std::cmp::Reverse(self.convs[i].rx_frames + self.convs[i].tx_frames));
        let mut addr = Vec::new();
        for i in order {
            let c = &self.convs[i];
            let mut side = |e: &Endpoint| {
                addr.clear();
                e.0.write(&mut addr);
                if self.kind.has_ports() {
                    addr.push(b':');
                    text::dec(&mut addr, e.1 as u64);
                }
                String::from_utf8_lossy(&addr).into_owned()
            };
            let (a, b) = (side(&c.a), side(&c.b));
            let line = format!(
                "{a:<w$} <-> {b:<w$}  {:>6} {:<9}  {:>6} {:<9}  {:>6} {:<9}  {:>14.9}   {:>12.4}\n",
                c.rx_frames,
                format_size(c.rx_bytes),
                c.tx_frames,
                format_size(c.tx_bytes),
                c.rx_frames + c.tx_frames,
                format_size(c.rx_bytes + c.tx_bytes),
                nstime_to_sec(c.start),
                nstime_to_sec(c.stop) - nstime_to_sec(c.start),
            );
            out.extend_from_slice(line.as_bytes());
        }
        out.extend_from_slice(RULE.as_bytes());
    }
}

fn ip_addrs(f: &Frame, l: &Layer) -> Option<(Addr, Addr)> {
    let h = f.header(l);
    match l.proto {
        Proto::Ipv4 => Some((
            Addr::V4(h.get(12..16)?.try_into().ok()?),
            Addr::V4(h.get(16..20)?.try_into().ok()?),
        )),
        Proto::Ipv6 => Some((
            Addr::V6(h.get(8..24)?.try_into().ok()?),
            Addr::V6(h.get(24..40)?.try_into().ok()?),
        )),
        _ => None,
    }
}

/// Wireshark's `nstime_to_sec`: seconds and nanoseconds (same sign) summed as doubles.
pub fn nstime_to_sec(ns: i128) -> f64 {
    let secs = ns / 1_000_000_000;
    let nanos = ns % 1_000_000_000;
    secs as f64 + nanos as f64 / 1e9
}

/// Wireshark's `format_size(n, FORMAT_SIZE_UNIT_BYTES, 0)`: SI prefixes once the value
/// reaches ten of them, truncated ("34 kB", "8083 bytes").
pub fn format_size(n: u64) -> String {
    const PREFIX: [(u64, &str); 5] = [
        (1_000_000_000_000_000, "P"),
        (1_000_000_000_000, "T"),
        (1_000_000_000, "G"),
        (1_000_000, "M"),
        (1_000, "k"),
    ];
    for (p, name) in PREFIX {
        if n / p >= 10 {
            return format!("{} {name}B", n / p);
        }
    }
    format!("{n} bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_as_wireshark() {
        assert_eq!(format_size(9999), "9999 bytes");
        assert_eq!(format_size(10_000), "10 kB");
        assert_eq!(format_size(34_999), "34 kB");
        assert_eq!(format_size(12_345_678), "12 MB");
    }

    #[test]
    fn negative_relative_times_keep_their_sign() {
        assert_eq!(
            format!("{:14.9}", nstime_to_sec(-4_272_873_503_000)),
            "-4272.873503000"
        );
    }
}
