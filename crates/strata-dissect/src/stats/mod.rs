//! TShark's `-z` statistics: taps that see every dissected frame and print a table at the end.
//!
//! As in TShark, a statistic sees every frame read (a `-Y` display filter does not narrow it);
//! its own filter (`-z conv,tcp,FILTER`) does. Tables print in the reverse order of their
//! `-z` options, as TShark draws them.

pub mod conv;
pub mod follow;
pub mod phs;
pub mod streams;

use crate::filter::Filter;
use crate::frame::Frame;

/// What one `-z` option computes.
enum Kind {
    Conv(conv::ConvTable),
    Phs(phs::Hierarchy),
    Follow(follow::Follow),
}

/// One `-z` statistic with its optional filter.
pub struct Stat {
    kind: Kind,
    filter: Option<(String, Filter)>,
}

impl Stat {
    /// Parses a `-z` argument: `conv,eth|ip|ipv6|tcp|udp[,FILTER]`, `io,phs[,FILTER]` or
    /// `follow,tcp,ascii|raw|hex,STREAM`.
    pub fn parse(arg: &str) -> Result<Stat, String> {
        if let Some(rest) = arg.strip_prefix("follow,") {
            return Ok(Stat {
                kind: Kind::Follow(
                    follow::Follow::parse(rest).map_err(|e| format!("-z {arg}: {e}"))?,
                ),
                filter: None,
            });
        }
        let mut parts = arg.splitn(3, ',');
        let (what, sub) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let filter = match parts.next() {
            Some(f) if !f.trim().is_empty() => Some((
                f.to_string(),
                Filter::new(f).map_err(|e| format!("-z {arg}: filter {f:?}: {e}"))?,
            )),
            _ => None,
        };
        let kind = match (what, sub) {
            ("conv", t) => Kind::Conv(conv::ConvTable::new(conv::ConvType::parse(t).ok_or_else(
                || format!("-z {arg}: unknown conversation type {t:?} (expected eth, ip, ipv6, tcp or udp)"),
            )?)),
            ("io", "phs") => Kind::Phs(phs::Hierarchy::default()),
            _ => {
                return Err(format!(
                    "-z {arg}: unsupported statistic (expected conv,TYPE[,FILTER], io,phs[,FILTER] or follow,tcp,ascii|raw|hex,N)"
                ))
            }
        };
        Ok(Stat { kind, filter })
    }

    /// Counts `f`; `rel` is its time relative to the capture's first frame, in nanoseconds.
    pub fn frame(&mut self, f: &Frame, rel: i128, streams: &streams::TcpStreams) {
        if let Some((_, flt)) = &mut self.filter {
            if !flt.matches(f) {
                return;
            }
        }
        match &mut self.kind {
            Kind::Conv(t) => t.frame(f, rel, streams),
            Kind::Phs(h) => h.frame(f),
            Kind::Follow(fo) => fo.frame(f, streams),
        }
    }

    /// Appends the finished table.
    pub fn draw(&self, out: &mut Vec<u8>) {
        let filter = self.filter.as_ref().map(|(s, _)| s.as_str());
        match &self.kind {
            Kind::Conv(t) => t.draw(filter, out),
            Kind::Phs(h) => h.draw(filter, out),
            Kind::Follow(fo) => fo.draw(out),
        }
    }
}

/// Every `-z` statistic of a run, fed in frame order.
#[derive(Default)]
pub struct Stats {
    stats: Vec<Stat>,
    first_ns: Option<i128>,
    streams: streams::TcpStreams,
}

impl Stats {
    pub fn push(&mut self, s: Stat) {
        self.stats.push(s);
    }
    pub fn is_empty(&self) -> bool {
        self.stats.is_empty()
    }
    pub fn frame(&mut self, f: &Frame) {
        let now = f.ts.as_nanos();
        let rel = now - *self.first_ns.get_or_insert(now);
        self.streams.frame(f);
        for s in &mut self.stats {
            s.frame(f, rel, &self.streams);
        }
    }
    /// Appends every table, last `-z` first.
    pub fn draw(&self, out: &mut Vec<u8>) {
        for s in self.stats.iter().rev() {
            s.draw(out);
        }
    }
}
