//! NFStream-compatible bidirectional flows: the flow key, NFStream's expiry rules, its
//! statistical and early-flow (SPLT) features, application columns, plugins, deterministic
//! multi-threaded metering and the writers.
//!
//! ```no_run
//! use strata_capture::file::FileReader;
//! use strata_flow::{FlowOptions, Streamer};
//!
//! let src = FileReader::open("samples/lab-mixed.pcap").unwrap();
//! let opts = FlowOptions { statistics: true, splt: 10, ..FlowOptions::default() };
//! let mut n = 0;
//! Streamer::new(opts).run(src, |flow| { n += 1; let _ = flow.bi.packets; Ok(()) }).unwrap();
//! ```

pub mod app;
pub mod classify;
pub mod columns;
pub mod flow;
pub mod key;
pub mod meter;
pub mod packet;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod plugin;
pub mod pyfmt;
pub mod stats;
pub mod value;
pub mod writer;

pub use columns::ColumnKind;
pub use flow::Flow;
pub use meter::{Meter, MeterStats};
pub use packet::{Compat, FlowPacket};
pub use plugin::{PacketIndices, Plugin, TcpHandshakeRtt};

use std::sync::mpsc;
use std::sync::Arc;
use strata_capture::{CaptureError, PacketSource};

/// Which packet size `*_bytes`, `*_ps` and `splt_ps` use (NFStream's `accounting_mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Accounting {
    /// The wire length, link header included (mode 0, the default).
    #[default]
    Link,
    /// The IP total length (mode 1).
    Ip,
    /// The L4 segment with its header (mode 2).
    Transport,
    /// The L4 payload (mode 3).
    Payload,
}

/// The unit of the meter clock and of every time column (`*_ms` or `*_us` columns).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimeUnit {
    /// Milliseconds, as NFStream (the default).
    #[default]
    Ms,
    /// Microseconds (columns named `*_us`).
    Us,
}

impl TimeUnit {
    /// Clock ticks per millisecond.
    pub fn per_ms(self) -> u64 {
        match self {
            TimeUnit::Ms => 1,
            TimeUnit::Us => 1000,
        }
    }

    /// The column name suffix: `ms` or `us`.
    pub fn suffix(self) -> &'static str {
        match self {
            TimeUnit::Ms => "ms",
            TimeUnit::Us => "us",
        }
    }

    /// A packet timestamp (µs since the epoch) in this unit, floored, negatives as 0.
    pub fn micros_to_ticks(self, micros: i64) -> u64 {
        let us = micros.max(0) as u64;
        match self {
            TimeUnit::Ms => us / 1000,
            TimeUnit::Us => us,
        }
    }

    /// `ms` milliseconds in this unit (saturating).
    pub fn ms_to_ticks(self, ms: u64) -> u64 {
        ms.saturating_mul(self.per_ms())
    }
}

/// The flow meter's settings; defaults are NFStream's.
#[derive(Debug, Clone)]
pub struct FlowOptions {
    pub idle_timeout_ms: u64,
    pub active_timeout_ms: u64,
    /// The 48 post-mortem statistics (NFStream's `statistical_analysis`).
    pub statistics: bool,
    /// Early-flow sequence length (`splt_analysis`), 0 = off.
    pub splt: usize,
    /// Packets per flow the classifier inspects (`n_dissections`); 0 removes the L7 columns.
    pub dissections: u32,
    pub accounting: Accounting,
    /// Most flows kept at once; past it the least recently updated flow is evicted (counted).
    /// 0 = unbounded, as NFStream.
    pub max_flows: usize,
    /// Expire TCP flows on RST or FIN from both sides (not in NFStream).
    pub tcp_close: bool,
    pub compat: Compat,
    /// Metering threads; the output is identical whatever the count.
    pub threads: usize,
    /// Unit of the meter clock and the time columns (the timeouts above stay in ms).
    pub time_unit: TimeUnit,
}

impl Default for FlowOptions {
    fn default() -> FlowOptions {
        FlowOptions {
            idle_timeout_ms: 120_000,
            active_timeout_ms: 1_800_000,
            statistics: false,
            splt: 0,
            dissections: 20,
            accounting: Accounting::Link,
            max_flows: 0,
            tcp_close: false,
            compat: Compat::Strict,
            threads: 1,
            time_unit: TimeUnit::Ms,
        }
    }
}

/// What a run did.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunStats {
    /// Packets the capture filter rejected.
    pub filtered: u64,
    pub packets: u64,
    pub ignored: u64,
    pub flows: u64,
    pub evicted: u64,
    pub max_active_flows: u64,
}

/// Errors of a flow run: the capture's, or the sink's.
#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    #[error(transparent)]
    Capture(#[from] CaptureError),
    #[error("writing flows: {0}")]
    Sink(#[from] std::io::Error),
    #[error("a metering thread stopped unexpectedly")]
    Worker,
}

/// Where merged, ordered batches of expired flows go.
type EmitFn<'a> = dyn FnMut(Vec<Box<Flow>>, &mut RunStats) -> std::io::Result<()> + 'a;

/// Packets per batch handed to the meters; expired flows are ordered per batch.
const BATCH: usize = 4096;
/// Payload bytes copied per packet for the classifier and plugins when threaded.
const PAYLOAD_COPY: usize = 2048;

/// One unit of meter work: a packet or an idle scan, in capture order.
#[derive(Clone, Copy)]
enum Work {
    Packet {
        index: u64,
        /// Packet time in the clock unit, clamped to the clock.
        t: u64,
        time_us: i64,
        packet: FlowPacket,
        /// Range in the batch arena holding the bytes the classifier needs.
        bytes: (u32, u32),
    },
    Scan {
        index: u64,
        tick: u64,
    },
}

/// The NFStreamer of Rust: meters a packet source into flows.
pub struct Streamer {
    pub opts: Arc<FlowOptions>,
    plugins: Arc<Vec<Box<dyn Plugin>>>,
    /// Packets for which this returns false are skipped (a capture filter on files).
    filter: Option<Box<PacketFilter>>,
    /// Runs on each expired flow before it reaches the sink — on the metering threads when
    /// threaded, so formatting scales with them (see [`Streamer::with_encoder`]).
    encoder: Option<Arc<Encoder>>,
    pub stats: RunStats,
}

/// Turns an expired flow into its output (typically fills `Flow::encoded`).
pub type Encoder = dyn Fn(&mut Flow) + Send + Sync;

/// A predicate on captured packets.
pub type PacketFilter = dyn FnMut(&strata_capture::Packet) -> bool + Send;

impl Streamer {
    pub fn new(opts: FlowOptions) -> Streamer {
        Streamer {
            opts: Arc::new(opts),
            plugins: Arc::new(Vec::new()),
            filter: None,
            encoder: None,
            stats: RunStats::default(),
        }
    }

    /// Skips packets for which `f` is false (they count as filtered, not ignored).
    pub fn with_filter(
        mut self,
        f: impl FnMut(&strata_capture::Packet) -> bool + Send + 'static,
    ) -> Streamer {
        self.filter = Some(Box::new(f));
        self
    }

    /// Runs `enc` on every expired flow before the sink sees it, on the metering threads when
    /// `threads > 1` (row formatting is a large share of the work; the sink then only writes).
    pub fn with_encoder(mut self, enc: impl Fn(&mut Flow) + Send + Sync + 'static) -> Streamer {
        self.encoder = Some(Arc::new(enc));
        self
    }

    pub fn with_plugins(mut self, plugins: Vec<Box<dyn Plugin>>) -> Streamer {
        self.plugins = Arc::new(plugins);
        self
    }

    /// Column names of the flows this streamer produces.
    pub fn column_names(&self) -> Vec<String> {
        let pc: Vec<String> = self.plugins.iter().flat_map(|p| p.columns()).collect();
        columns::names(&self.opts, &pc)
    }

    /// Column kinds of the flows this streamer produces, in `column_names` order.
    pub fn column_kinds(&self) -> Vec<ColumnKind> {
        let pk: Vec<ColumnKind> = self.plugins.iter().flat_map(|p| p.column_kinds()).collect();
        columns::kinds(&self.opts, &pk)
    }

    /// Meters `src` to its end, calling `sink` with each expired flow in expiry order (ids
    /// assigned 0, 1, 2, ...). A capture error ends the run after the flows before it are
    /// flushed and delivered.
    pub fn run<S, F>(&mut self, mut src: S, mut sink: F) -> Result<RunStats, FlowError>
    where
        S: PacketSource,
        F: FnMut(Flow) -> std::io::Result<()>,
    {
        let threads = self.opts.threads.max(1);
        let mut next_id = 0u64;
        // With one metering thread the encoder runs on a helper thread (flows go there in
        // expiry order and come back encoded, a batch behind); threaded, the workers ran it.
        let mut pipe = if threads == 1 {
            self.encoder.clone().and_then(EncodePipe::spawn)
        } else {
            None
        };
        let mut deliver =
            |batch: Vec<Box<Flow>>, sink: &mut F, stats: &mut RunStats| -> std::io::Result<()> {
                for mut f in batch {
                    f.id = next_id;
                    next_id += 1;
                    stats.flows += 1;
                    sink(*f)?;
                }
                Ok(())
            };
        let mut emit = |flows: &mut Vec<Box<Flow>>,
                        sink: &mut F,
                        stats: &mut RunStats|
         -> std::io::Result<()> {
            // One meter expires in order already; merged shards need the sort.
            if !flows.is_sorted_by_key(|f| f.order) {
                flows.sort_by_key(|f| f.order);
            }
            match &mut pipe {
                // Nothing expired in this batch: nothing to hand over (an empty push means the
                // end of the run, see below).
                Some(_) if flows.is_empty() => Ok(()),
                Some(p) => {
                    for batch in p.push(std::mem::take(flows)) {
                        deliver(batch, sink, stats)?;
                    }
                    Ok(())
                }
                None => deliver(std::mem::take(flows), sink, stats),
            }
        };
        let mut stats = RunStats::default();
        let mut clock = Clock::new(self.opts.time_unit);
        let mut failure = None;
        if threads == 1 {
            let mut meter = Meter::new(self.opts.clone(), self.plugins.clone());
            let mut expired = Vec::new();
            let mut index = 0u64;
            loop {
                let pkt = match src.next_packet() {
                    Ok(Some(p)) => p,
                    Ok(None) => break,
                    Err(e) => {
                        failure = Some(e);
                        break;
                    }
                };
                let frame_index = index;
                index += 1;
                if let Some(f) = &mut self.filter {
                    if !f(&pkt) {
                        stats.filtered += 1;
                        continue;
                    }
                }
                stats.packets += 1;
                match packet::parse(pkt.link_type, pkt.data, pkt.orig_len, self.opts.compat) {
                    Ok(fp) => {
                        let (t, scan) = clock.tick(pkt.ts.as_micros());
                        if scan {
                            meter.scan(t, frame_index);
                        }
                        meter.process(&fp, frame_index, t, pkt.ts.as_micros(), pkt.data);
                    }
                    Err(_) => stats.ignored += 1,
                }
                if stats.packets % BATCH as u64 == 0 {
                    meter.take_expired(&mut expired);
                    emit(&mut expired, &mut sink, &mut stats)?;
                }
            }
            loop {
                let more = meter.flush_some(BATCH);
                meter.take_expired(&mut expired);
                emit(&mut expired, &mut sink, &mut stats)?;
                if !more {
                    break;
                }
            }
            // The last encoded batches come back from the pipe.
            if let Some(p) = &mut pipe {
                for batch in p.push(Vec::new()) {
                    deliver(batch, &mut sink, &mut stats)?;
                }
            }
            stats.evicted = meter.stats.flows_evicted;
            stats.max_active_flows = meter.stats.max_active_flows;
        } else {
            let mut filter = self.filter.take();
            failure = self.run_threaded(
                &mut src,
                threads,
                &mut filter,
                &mut clock,
                &mut stats,
                &mut |mut flows, stats| emit(&mut flows, &mut sink, stats),
            )?;
        }
        self.stats = stats;
        match failure {
            Some(e) => Err(FlowError::Capture(e)),
            None => Ok(stats),
        }
    }

    /// Meters a live capture: every flow is handed to `sink` as soon as it expires, and idle
    /// flows expire on the wall clock when traffic stops (NFStream only advances its clock on
    /// packets, nfstream#193/#196). Runs until `stop()` is true or the capture stops; then the
    /// remaining flows are flushed. One meter (live rates fit one core; `threads` is ignored).
    pub fn run_live<F>(
        &mut self,
        cap: &mut strata_capture::live::LiveCapture,
        stop: impl Fn() -> bool,
        mut sink: F,
    ) -> Result<RunStats, FlowError>
    where
        F: FnMut(Flow) -> std::io::Result<()>,
    {
        let mut meter = Meter::new(self.opts.clone(), self.plugins.clone());
        let mut clock = Clock::new(self.opts.time_unit);
        let mut stats = RunStats::default();
        let mut expired = Vec::new();
        let mut next_id = 0u64;
        let mut index = 0u64;
        let mut failure = None;
        let mut deliver = |expired: &mut Vec<Box<Flow>>,
                           stats: &mut RunStats,
                           sink: &mut F|
         -> std::io::Result<()> {
            for mut f in expired.drain(..) {
                f.id = next_id;
                next_id += 1;
                stats.flows += 1;
                sink(*f)?;
            }
            Ok(())
        };
        while !stop() {
            let got = match cap.next_packet_timeout() {
                Ok(g) => g,
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            };
            match got {
                Some(pkt) => {
                    let frame_index = index;
                    index += 1;
                    if self.filter.as_mut().is_some_and(|f| !f(&pkt)) {
                        stats.filtered += 1;
                        continue;
                    }
                    stats.packets += 1;
                    match packet::parse(pkt.link_type, pkt.data, pkt.orig_len, self.opts.compat) {
                        Ok(fp) => {
                            let (t, scan) = clock.tick(pkt.ts.as_micros());
                            if scan {
                                meter.scan(t, frame_index);
                            }
                            meter.process(&fp, frame_index, t, pkt.ts.as_micros(), pkt.data);
                        }
                        Err(_) => stats.ignored += 1,
                    }
                }
                None => {
                    // No packet within the poll timeout: let the wall clock expire idle flows.
                    let now = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| d.as_micros() as i64);
                    let (t, _) = clock.tick(now);
                    meter.scan(t, index);
                }
            }
            meter.take_expired(&mut expired);
            deliver(&mut expired, &mut stats, &mut sink)?;
        }
        meter.flush();
        meter.take_expired(&mut expired);
        deliver(&mut expired, &mut stats, &mut sink)?;
        stats.evicted = meter.stats.flows_evicted;
        stats.max_active_flows = meter.stats.max_active_flows;
        self.stats = stats;
        match failure {
            Some(e) => Err(FlowError::Capture(e)),
            None => Ok(stats),
        }
    }

    /// Shards flows over `threads` meters by the symmetric hash of their key. The reader
    /// thread keeps the one clock and decides idle scans, so every meter expires exactly what a
    /// single meter would, and flows are merged per batch in the single meter's order.
    fn run_threaded<S: PacketSource>(
        &self,
        src: &mut S,
        threads: usize,
        filter: &mut Option<Box<PacketFilter>>,
        clock: &mut Clock,
        stats: &mut RunStats,
        emit: &mut EmitFn,
    ) -> Result<Option<CaptureError>, FlowError> {
        struct Batch {
            work: Vec<Work>,
            arena: Vec<u8>,
            last: bool,
        }
        type Reply = (Vec<Box<Flow>>, MeterStats);
        let mut to_workers = Vec::new();
        let mut from_workers = Vec::new();
        let mut handles = Vec::new();
        for _ in 0..threads {
            let (tx, rx) = mpsc::sync_channel::<Batch>(2);
            let (rtx, rrx) = mpsc::sync_channel::<Reply>(2);
            let opts = self.opts.clone();
            let plugins = self.plugins.clone();
            let encoder = self.encoder.clone();
            handles.push(std::thread::spawn(move || {
                let mut meter = Meter::new(opts, plugins);
                while let Ok(b) = rx.recv() {
                    for w in &b.work {
                        match *w {
                            Work::Scan { index, tick } => meter.scan(tick, index),
                            Work::Packet {
                                index,
                                t,
                                time_us,
                                packet,
                                bytes,
                            } => {
                                let frame = b
                                    .arena
                                    .get(bytes.0 as usize..bytes.1 as usize)
                                    .unwrap_or(&[]);
                                meter.process(&packet, index, t, time_us, frame);
                            }
                        }
                    }
                    if b.last {
                        meter.flush();
                    }
                    let mut flows: Vec<Box<Flow>> = meter.drain().collect();
                    if let Some(enc) = &encoder {
                        for f in &mut flows {
                            enc(f);
                        }
                    }
                    if rtx.send((flows, meter.stats)).is_err() {
                        return;
                    }
                    if b.last {
                        return;
                    }
                }
            }));
            to_workers.push(tx);
            from_workers.push(rrx);
        }
        let new_batches = || -> Vec<Batch> {
            (0..threads)
                .map(|_| Batch {
                    work: Vec::with_capacity(BATCH),
                    arena: Vec::with_capacity(BATCH * 256),
                    last: false,
                })
                .collect()
        };
        let mut batches = new_batches();
        let mut index = 0u64;
        let mut in_flight = 0usize;
        let mut failure = None;
        let mut meter_stats = vec![MeterStats::default(); threads];
        let mut collect =
            |stats: &mut RunStats, meter_stats: &mut Vec<MeterStats>| -> Result<(), FlowError> {
                let mut all = Vec::new();
                for (i, rx) in from_workers.iter().enumerate() {
                    let (flows, ms) = rx.recv().map_err(|_| FlowError::Worker)?;
                    all.extend(flows);
                    meter_stats[i] = ms;
                }
                emit(all, stats)?;
                Ok(())
            };
        let mut queued = 0usize;
        loop {
            let pkt = match src.next_packet() {
                Ok(Some(p)) => Some(p),
                Ok(None) => None,
                Err(e) => {
                    failure = Some(e);
                    None
                }
            };
            let done = pkt.is_none();
            if let Some(pkt) = pkt {
                let frame_index = index;
                index += 1;
                if filter.as_mut().is_some_and(|f| !f(&pkt)) {
                    stats.filtered += 1;
                    continue;
                }
                stats.packets += 1;
                match packet::parse(pkt.link_type, pkt.data, pkt.orig_len, self.opts.compat) {
                    Ok(mut fp) => {
                        let (t, scan) = clock.tick(pkt.ts.as_micros());
                        if scan {
                            for b in &mut batches {
                                b.work.push(Work::Scan {
                                    index: frame_index,
                                    tick: t,
                                });
                            }
                        }
                        let shard = (key::FlowKey::of(&fp).shard_hash() % threads as u64) as usize;
                        let b = &mut batches[shard];
                        // Copy the bytes the classifier and plugins read; re-base the offset.
                        let start = fp.payload_offset as usize;
                        let n = (fp.payload_len as usize).min(PAYLOAD_COPY);
                        let at = b.arena.len();
                        b.arena
                            .extend_from_slice(pkt.data.get(start..start + n).unwrap_or(&[]));
                        fp.payload_offset = 0;
                        fp.payload_len = (b.arena.len() - at) as u32;
                        b.work.push(Work::Packet {
                            index: frame_index,
                            t,
                            time_us: pkt.ts.as_micros(),
                            packet: fp,
                            bytes: (at as u32, b.arena.len() as u32),
                        });
                        queued += 1;
                    }
                    Err(_) => stats.ignored += 1,
                }
            }
            if done || queued >= BATCH {
                queued = 0;
                let mut full = std::mem::replace(&mut batches, new_batches());
                for (i, mut b) in full.drain(..).enumerate() {
                    b.last = done;
                    to_workers[i].send(b).map_err(|_| FlowError::Worker)?;
                }
                in_flight += 1;
                // Keep one batch in flight while reading the next.
                if in_flight > 1 {
                    collect(stats, &mut meter_stats)?;
                    in_flight -= 1;
                }
            }
            if done {
                break;
            }
        }
        while in_flight > 0 {
            collect(stats, &mut meter_stats)?;
            in_flight -= 1;
        }
        for h in handles {
            h.join().map_err(|_| FlowError::Worker)?;
        }
        stats.evicted = meter_stats.iter().map(|m| m.flows_evicted).sum();
        stats.max_active_flows = meter_stats.iter().map(|m| m.max_active_flows).sum();
        Ok(failure)
    }
}

/// The encoder on its own thread, for one metering thread: batches in, encoded batches out,
/// in order. An empty batch asks for everything still in flight.
// Boxed flows on purpose: a batch moves through two channels.
#[allow(clippy::vec_box)]
struct EncodePipe {
    tx: Option<mpsc::SyncSender<Vec<Box<Flow>>>>,
    rx: mpsc::Receiver<Vec<Box<Flow>>>,
    handle: Option<std::thread::JoinHandle<()>>,
    in_flight: usize,
}

#[allow(clippy::vec_box)]
impl EncodePipe {
    fn spawn(enc: Arc<Encoder>) -> Option<EncodePipe> {
        let (tx, jobs) = mpsc::sync_channel::<Vec<Box<Flow>>>(4);
        let (done, rx) = mpsc::sync_channel::<Vec<Box<Flow>>>(4);
        let handle = std::thread::Builder::new()
            .name("strata-encode".into())
            .spawn(move || {
                while let Ok(mut batch) = jobs.recv() {
                    for f in &mut batch {
                        enc(f);
                    }
                    if done.send(batch).is_err() {
                        return;
                    }
                }
            })
            .ok()?;
        Some(EncodePipe {
            tx: Some(tx),
            rx,
            handle: Some(handle),
            in_flight: 0,
        })
    }

    /// Hands a batch over and returns the batches encoded meanwhile (all of them, in order,
    /// when `batch` is empty: the end of the run).
    fn push(&mut self, batch: Vec<Box<Flow>>) -> Vec<Vec<Box<Flow>>> {
        let mut ready = Vec::new();
        let last = batch.is_empty();
        if !last {
            if let Some(tx) = &self.tx {
                if tx.send(batch).is_ok() {
                    self.in_flight += 1;
                }
            }
        }
        // Keep up to two batches in flight while metering goes on.
        let keep = if last { 0 } else { 2 };
        while self.in_flight > keep {
            match self.rx.recv() {
                Ok(b) => {
                    self.in_flight -= 1;
                    ready.push(b);
                }
                Err(_) => {
                    self.in_flight = 0;
                    break;
                }
            }
        }
        ready
    }
}

impl Drop for EncodePipe {
    fn drop(&mut self) {
        self.tx = None;
        while self.rx.recv().is_ok() {}
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// NFStream's meter clock: milliseconds (or µs with `TimeUnit::Us`), never backwards, idle
/// scan every ≥ 10 ms.
struct Clock {
    unit: TimeUnit,
    tick: u64,
    last_scan: u64,
    started: bool,
}

impl Clock {
    fn new(unit: TimeUnit) -> Clock {
        Clock {
            unit,
            tick: 0,
            last_scan: 0,
            started: false,
        }
    }

    /// Returns (packet time in the clock unit clamped to the clock, whether an idle scan runs
    /// first).
    fn tick(&mut self, micros: i64) -> (u64, bool) {
        let t = self.unit.micros_to_ticks(micros);
        if !self.started {
            self.started = true;
            self.tick = t;
            self.last_scan = t;
        }
        if t > self.tick {
            self.tick = t;
        }
        let scan = self.tick >= self.last_scan + 10 * self.unit.per_ms();
        if scan {
            self.last_scan = self.tick;
        }
        (self.tick, scan)
    }
}
