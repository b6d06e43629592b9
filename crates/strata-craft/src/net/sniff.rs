//! Scapy's `sniff`: capture on one interface with a BPF, hand each packet to a callback that
//! keeps it, skips it (Scapy's `lfilter`) or keeps it and stops (`stop_filter`), until `count`
//! packets were kept or `timeout` passed — whichever comes first, so a sniff always ends when
//! either is set.
//!
//! Display filters run in the callback (the CLI applies `strata-dissect`'s when it has one):
//! this crate sits below the dissector and does not depend on it.

use super::Result;
use std::time::{Duration, Instant};
use strata_capture::live::{LiveCapture, LiveOptions, StopHandle};
use strata_capture::{LinkType, Packet};

/// Scapy's `sniff()` arguments.
#[derive(Debug, Clone, Default)]
pub struct SniffOptions {
    /// Interface name (or `auto`).
    pub iface: String,
    /// tcpdump filter, compiled to kernel BPF.
    pub filter: Option<String>,
    /// Stop after this many kept packets.
    pub count: Option<u64>,
    /// Stop after this long.
    pub timeout: Option<Duration>,
    /// Promiscuous mode (Scapy's default is on).
    pub promisc: bool,
}

/// What the callback decides for one packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Counted (and the caller did what it wanted with it).
    Keep,
    /// Not counted (Scapy's `lfilter` returning false).
    Skip,
    /// Counted, and the sniff ends (Scapy's `stop_filter` returning true).
    Stop,
}

/// An open capture, ready to [`run`](Sniffer::run).
pub struct Sniffer {
    cap: LiveCapture,
    opts: SniffOptions,
}

/// How a sniff ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SniffStats {
    /// Packets the callback kept.
    pub kept: u64,
    /// Packets seen (kept or skipped).
    pub seen: u64,
    /// Kernel drops (buffer full).
    pub dropped: u64,
}

impl Sniffer {
    /// Opens the capture: packets are queued from here on, so a probe sent after `open`
    /// cannot be missed.
    pub fn open(opts: SniffOptions) -> Result<Sniffer> {
        let cap = LiveCapture::open(
            &opts.iface,
            LiveOptions {
                filter: opts.filter.clone(),
                promisc: opts.promisc,
                timeout: Duration::from_millis(50),
                ..LiveOptions::default()
            },
        )?;
        Ok(Sniffer { cap, opts })
    }

    pub fn link_type(&self) -> LinkType {
        self.cap.link_type()
    }

    /// Ends `run` from another thread within one poll interval.
    pub fn stop_handle(&self) -> StopHandle {
        self.cap.stop_handle()
    }

    /// Captures until `count`, `timeout`, the callback's [`Verdict::Stop`] or the stop handle.
    pub fn run(mut self, mut on_packet: impl FnMut(&Packet) -> Verdict) -> Result<SniffStats> {
        let deadline = self.opts.timeout.map(|t| Instant::now() + t);
        let mut st = SniffStats::default();
        let stop = self.cap.stop_handle();
        while !stop.is_stopped() {
            if self.opts.count.is_some_and(|c| st.kept >= c)
                || deadline.is_some_and(|d| Instant::now() >= d)
            {
                break;
            }
            let Some(p) = self.cap.next_packet_timeout()? else {
                continue;
            };
            st.seen += 1;
            match on_packet(&p) {
                Verdict::Keep => st.kept += 1,
                Verdict::Skip => {}
                Verdict::Stop => {
                    st.kept += 1;
                    break;
                }
            }
        }
        st.dropped = self.cap.stats()?.dropped_kernel;
        Ok(st)
    }
}

/// `sniff(iface, filter, count, timeout)` into a list of (link type, bytes).
pub fn sniff(opts: SniffOptions) -> Result<Vec<(LinkType, Vec<u8>)>> {
    let mut out = Vec::new();
    Sniffer::open(opts)?.run(|p| {
        out.push((p.link_type, p.data.to_vec()));
        Verdict::Keep
    })?;
    Ok(out)
}
