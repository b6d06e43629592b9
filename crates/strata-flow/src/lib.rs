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
use strata_capture::file::SharedMap;
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

/// The most metering threads a run starts; more are metered by this many (the output is the
/// same whatever the count). `strata flows --threads` refuses more.
pub const MAX_THREADS: usize = 256;

/// The longest early-flow sequence `strata flows --splt` accepts: each flow row carries
/// three lists of this many values, padded.
pub const MAX_SPLT: usize = 65_535;

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
    #[error("starting a metering thread: {0}")]
    Spawn(std::io::Error),
}

/// Where expired flows go, in expiry order, with their encoded row ("" without an encoder).
type SinkFn<'a> = dyn FnMut(&mut Flow, &str) -> std::io::Result<()> + 'a;

/// Expired flows in expiry order and, once encoded, their rows: row `i` is
/// `text[ends[i - 1]..ends[i]]`. The buffers go round between threads and are reused.
#[derive(Default)]
struct Done {
    flows: Vec<Flow>,
    text: String,
    ends: Vec<usize>,
}

impl Done {
    fn encode(&mut self, enc: &Encoder) {
        self.text.clear();
        self.ends.clear();
        for f in &mut self.flows {
            enc(f, &mut self.text);
            self.ends.push(self.text.len());
        }
    }

    /// The row of flow `i` ("" when not encoded).
    fn row<'t>(text: &'t str, ends: &[usize], i: usize) -> &'t str {
        match ends.get(i) {
            Some(&end) => &text[if i == 0 { 0 } else { ends[i - 1] }..end],
            None => "",
        }
    }
}

/// Numbers flows and hands them to the sink; with one meter, sends them through the encoder
/// thread first.
struct Out<'a> {
    pipe: Option<EncodePipe>,
    spare: Vec<Done>,
    next_id: u64,
    sink: &'a mut SinkFn<'a>,
}

impl Out<'_> {
    fn deliver_one(
        &mut self,
        f: &mut Flow,
        row: &str,
        stats: &mut RunStats,
    ) -> std::io::Result<()> {
        f.id = self.next_id;
        self.next_id += 1;
        stats.flows += 1;
        (self.sink)(f, row)
    }

    /// Delivers every flow of `d` (in order), leaving its buffers empty for reuse.
    fn deliver(&mut self, d: &mut Done, stats: &mut RunStats) -> std::io::Result<()> {
        for (i, f) in d.flows.iter_mut().enumerate() {
            self.deliver_one(f, Done::row(&d.text, &d.ends, i), stats)?;
        }
        d.flows.clear();
        d.text.clear();
        d.ends.clear();
        Ok(())
    }

    /// The flows one meter expired during a batch: ordered, encoded (on the encoder thread,
    /// coming back a batch or two later) and delivered. `flows` is left empty for reuse.
    fn emit(&mut self, flows: &mut Vec<Flow>, stats: &mut RunStats) -> std::io::Result<()> {
        if flows.is_empty() {
            return Ok(());
        }
        if !flows.is_sorted_by_key(|f| f.order) {
            flows.sort_by_key(|f| f.order);
        }
        let mut d = self.spare.pop().unwrap_or_default();
        std::mem::swap(&mut d.flows, flows);
        let ready = match &mut self.pipe {
            Some(p) => p.push(Some(d)),
            None => vec![d],
        };
        for mut r in ready {
            self.deliver(&mut r, stats)?;
            self.spare.push(r);
        }
        Ok(())
    }

    /// Delivers what the encoder thread still holds.
    fn finish(&mut self, stats: &mut RunStats) -> std::io::Result<()> {
        let ready = match &mut self.pipe {
            Some(p) => p.push(None),
            None => Vec::new(),
        };
        for mut r in ready {
            self.deliver(&mut r, stats)?;
        }
        Ok(())
    }
}

/// Packets per batch handed to the meters; expired flows are ordered per batch.
const BATCH: usize = 4096;
/// How many packets ahead a metering thread prefetches the flow table (the flows at half that).
const PREFETCH: usize = 8;
/// Payload bytes copied per packet for the classifier and plugins when threaded and the
/// source is not a mapped file (standard input); from a mapped file workers read the packet
/// where it lies, whole.
const PAYLOAD_COPY: usize = 2048;

/// Where a worker finds the bytes of a packet it meters.
#[derive(Clone, Copy)]
enum Bytes {
    /// The packet's payload, copied into the batch arena (`FlowPacket::payload_offset` is 0).
    Arena(u32, u32),
    /// The whole frame, at this offset and length in the batch's [`SharedMap`].
    Mapped(usize, u32),
}

/// One unit of meter work: a packet or an idle scan, in capture order.
#[derive(Clone, Copy)]
enum Work {
    Packet {
        index: u64,
        /// Packet time in the clock unit, clamped to the clock.
        t: u64,
        time_us: i64,
        packet: FlowPacket,
        /// `FlowKey::shard_hash` of the packet.
        hash: u64,
        /// The bytes the classifier and plugins read.
        bytes: Bytes,
    },
    Scan {
        index: u64,
        tick: u64,
    },
}

/// A batch of work for one meter; it comes back emptied for reuse.
struct Batch {
    work: Vec<Work>,
    arena: Vec<u8>,
    /// The mapped file of the `Bytes::Mapped` packets (one per batch: a packet of another
    /// file is copied instead).
    map: Option<SharedMap>,
    last: bool,
}

/// Flows a meter expired, in its expiry order: the whole answer to a batch, or (the end of
/// input flush, in pieces so rows never pile up) a part of it with more to come.
struct Chunk {
    done: Done,
    /// The batch, emptied (with the first chunk of its answer).
    batch: Option<Batch>,
    more: bool,
    stats: MeterStats,
}

/// Where one shard's answer to a batch is being read.
struct Cursor {
    done: Done,
    next: usize,
    more: bool,
}

/// Reads every shard's answer to the oldest batch in flight and delivers its flows merged
/// into the single meter's order (each shard's are in order: a k-way merge), returning the
/// emptied buffers to their shards.
fn collect_batch(
    from: &[mpsc::Receiver<Chunk>],
    back: &[mpsc::Sender<Done>],
    pool: &mut [Vec<Batch>],
    meter_stats: &mut [MeterStats],
    out: &mut Out,
    stats: &mut RunStats,
) -> Result<(), FlowError> {
    let mut recv = |w: usize| -> Result<Cursor, FlowError> {
        let c = from[w].recv().map_err(|_| FlowError::Worker)?;
        if let Some(b) = c.batch {
            pool[w].push(b);
        }
        meter_stats[w] = c.stats;
        Ok(Cursor {
            done: c.done,
            next: 0,
            more: c.more,
        })
    };
    let give_back = |w: usize, mut c: Cursor| {
        c.done.flows.clear();
        c.done.text.clear();
        c.done.ends.clear();
        let _ = back[w].send(c.done);
    };
    let mut cur = Vec::with_capacity(from.len());
    for w in 0..from.len() {
        cur.push(recv(w)?);
    }
    loop {
        for (w, c) in cur.iter_mut().enumerate() {
            while c.more && c.next >= c.done.flows.len() {
                let old = std::mem::replace(c, recv(w)?);
                give_back(w, old);
            }
        }
        let mut best: Option<(usize, (u64, u8, u64))> = None;
        for (w, c) in cur.iter_mut().enumerate() {
            if let Some(f) = c.done.flows.get(c.next) {
                if best.is_none_or(|(_, o)| f.order < o) {
                    best = Some((w, f.order));
                }
            }
        }
        let Some((w, _)) = best else { break };
        let c = &mut cur[w];
        let i = c.next;
        c.next += 1;
        let row = Done::row(&c.done.text, &c.done.ends, i);
        out.deliver_one(&mut c.done.flows[i], row, stats)?;
    }
    for (w, c) in cur.into_iter().enumerate() {
        give_back(w, c);
    }
    Ok(())
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

/// Turns an expired flow into its output row, appended to the buffer (see
/// [`Streamer::run_rows`]).
pub type Encoder = dyn Fn(&mut Flow, &mut String) + Send + Sync;

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
    pub fn with_encoder(
        mut self,
        enc: impl Fn(&mut Flow, &mut String) + Send + Sync + 'static,
    ) -> Streamer {
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
    /// flushed and delivered. An encoder set with [`Streamer::with_encoder`] still runs, but
    /// its rows are only seen through [`Streamer::run_rows`].
    pub fn run<S, F>(&mut self, src: S, mut sink: F) -> Result<RunStats, FlowError>
    where
        S: PacketSource,
        F: FnMut(Flow) -> std::io::Result<()>,
    {
        self.run_inner(src, &mut |f: &mut Flow, _: &str| sink(std::mem::take(f)))
    }

    /// As [`Streamer::run`], with each flow's row as the encoder made it (everything after the
    /// `id` column, which is only known here; "" without an encoder).
    pub fn run_rows<S, F>(&mut self, src: S, mut sink: F) -> Result<RunStats, FlowError>
    where
        S: PacketSource,
        F: FnMut(&Flow, &str) -> std::io::Result<()>,
    {
        self.run_inner(src, &mut |f: &mut Flow, row: &str| sink(f, row))
    }

    fn run_inner<S: PacketSource>(
        &mut self,
        mut src: S,
        sink: &mut SinkFn,
    ) -> Result<RunStats, FlowError> {
        let threads = self.opts.threads.clamp(1, MAX_THREADS);
        // With one metering thread the encoder runs on a helper thread (flows go there in
        // expiry order and come back encoded, a batch behind); threaded, the workers run it.
        let mut out = Out {
            pipe: if threads == 1 {
                self.encoder.clone().and_then(EncodePipe::spawn)
            } else {
                None
            },
            spare: Vec::new(),
            next_id: 0,
            sink,
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
                    out.emit(&mut expired, &mut stats)?;
                }
            }
            loop {
                let more = meter.flush_some(BATCH);
                meter.take_expired(&mut expired);
                out.emit(&mut expired, &mut stats)?;
                if !more {
                    break;
                }
            }
            // The last encoded batches come back from the pipe.
            out.finish(&mut stats)?;
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
                &mut out,
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
        let mut deliver =
            |expired: &mut Vec<Flow>, stats: &mut RunStats, sink: &mut F| -> std::io::Result<()> {
                for mut f in expired.drain(..) {
                    f.id = next_id;
                    next_id += 1;
                    stats.flows += 1;
                    sink(f)?;
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
        out: &mut Out,
    ) -> Result<Option<CaptureError>, FlowError> {
        let mut to_workers = Vec::new();
        let mut from_workers = Vec::new();
        let mut spares = Vec::new();
        let mut handles = Vec::new();
        for _ in 0..threads {
            let (tx, rx) = mpsc::sync_channel::<Batch>(2);
            let (rtx, rrx) = mpsc::sync_channel::<Chunk>(2);
            let (back_tx, back_rx) = mpsc::channel::<Done>();
            let opts = self.opts.clone();
            let plugins = self.plugins.clone();
            let encoder = self.encoder.clone();
            let spawned = std::thread::Builder::new().spawn(move || {
                let mut meter = Meter::new(opts, plugins);
                while let Ok(mut b) = rx.recv() {
                    for (k, w) in b.work.iter().enumerate() {
                        // With the batch at hand, start the table and flow loads of the
                        // packets a little ahead (a large table misses the cache on each).
                        if let Some(Work::Packet { hash, .. }) = b.work.get(k + PREFETCH) {
                            meter.prefetch_table(*hash);
                        }
                        if let Some(Work::Packet { hash, .. }) = b.work.get(k + PREFETCH / 2) {
                            meter.prefetch_flow(*hash);
                        }
                        match *w {
                            Work::Scan { index, tick } => meter.scan(tick, index),
                            Work::Packet {
                                index,
                                t,
                                time_us,
                                ref packet,
                                hash,
                                bytes,
                            } => {
                                let frame = match bytes {
                                    Bytes::Arena(from, to) => {
                                        b.arena.get(from as usize..to as usize)
                                    }
                                    Bytes::Mapped(at, len) => b.map.as_ref().and_then(|m| {
                                        m.bytes().get(at..at.saturating_add(len as usize))
                                    }),
                                }
                                .unwrap_or(&[]);
                                meter.process_hashed(packet, hash, index, t, time_us, frame);
                            }
                        }
                    }
                    let last = b.last;
                    b.work.clear();
                    b.arena.clear();
                    b.map = None;
                    b.last = false;
                    let mut batch = Some(b);
                    loop {
                        // At the end of input, flush in pieces of BATCH flows.
                        let more = last && meter.flush_some(BATCH);
                        let mut d = back_rx.try_recv().unwrap_or_default();
                        meter.take_expired(&mut d.flows);
                        if !d.flows.is_sorted_by_key(|f| f.order) {
                            d.flows.sort_by_key(|f| f.order);
                        }
                        if let Some(enc) = &encoder {
                            d.encode(&**enc);
                        }
                        let chunk = Chunk {
                            done: d,
                            batch: batch.take(),
                            more,
                            stats: meter.stats,
                        };
                        if rtx.send(chunk).is_err() {
                            return;
                        }
                        if !more {
                            break;
                        }
                    }
                    if last {
                        return;
                    }
                }
            });
            // The workers already started see their channel close and end.
            handles.push(spawned.map_err(FlowError::Spawn)?);
            to_workers.push(tx);
            from_workers.push(rrx);
            spares.push(back_tx);
        }
        // Emptied batches back from each worker, reused for that worker.
        let mut pool: Vec<Vec<Batch>> = (0..threads).map(|_| Vec::new()).collect();
        let new_batches = |pool: &mut Vec<Vec<Batch>>| -> Vec<Batch> {
            pool.iter_mut()
                .map(|p| {
                    p.pop().unwrap_or_else(|| Batch {
                        work: Vec::with_capacity(BATCH),
                        arena: Vec::new(),
                        map: None,
                        last: false,
                    })
                })
                .collect()
        };
        let mut batches = new_batches(&mut pool);
        let mut index = 0u64;
        let mut in_flight = 0usize;
        let mut failure = None;
        let mut meter_stats = vec![MeterStats::default(); threads];
        let collect = |stats: &mut RunStats,
                       meter_stats: &mut Vec<MeterStats>,
                       pool: &mut Vec<Vec<Batch>>,
                       out: &mut Out|
         -> Result<(), FlowError> {
            collect_batch(&from_workers, &spares, pool, meter_stats, out, stats)
        };
        let mut queued = 0usize;
        // Only the classifier and plugins read packet bytes.
        let need_bytes = self.opts.dissections > 0 || !self.plugins.is_empty();
        // The file the packets come from, when mapped: workers read them there.
        let mut map = if need_bytes { src.shared_map() } else { None };
        let mut map_missed = false;
        loop {
            if map_missed {
                // A packet outside the map: the source moved to another file (or is not
                // mapped any more). Asked here, where no packet borrows the source.
                map = src.shared_map();
                map_missed = false;
            }
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
                        let hash = key::FlowKey::of(&fp).shard_hash();
                        let shard = (hash % threads as u64) as usize;
                        let b = &mut batches[shard];
                        let mapped = match &map {
                            Some(m) if b.map.as_ref().is_none_or(|bm| bm.same(m)) => {
                                m.offset_of(pkt.data).map(|at| (m, at))
                            }
                            _ => None,
                        };
                        let bytes = match mapped {
                            // The worker reads the frame where it lies in the file.
                            Some((m, at)) => {
                                if b.map.is_none() {
                                    b.map = Some(m.clone());
                                }
                                Bytes::Mapped(at, pkt.data.len() as u32)
                            }
                            // Copy the bytes the classifier and plugins read; re-base the
                            // offset.
                            None => {
                                map_missed |= need_bytes && map.is_some();
                                let start = fp.payload_offset as usize;
                                let n = if need_bytes {
                                    (fp.payload_len as usize).min(PAYLOAD_COPY)
                                } else {
                                    0
                                };
                                let at = b.arena.len();
                                b.arena.extend_from_slice(
                                    pkt.data.get(start..start + n).unwrap_or(&[]),
                                );
                                fp.payload_offset = 0;
                                fp.payload_len = (b.arena.len() - at) as u32;
                                Bytes::Arena(at as u32, b.arena.len() as u32)
                            }
                        };
                        b.work.push(Work::Packet {
                            index: frame_index,
                            t,
                            time_us: pkt.ts.as_micros(),
                            packet: fp,
                            hash,
                            bytes,
                        });
                        queued += 1;
                    }
                    Err(_) => stats.ignored += 1,
                }
            }
            if done || queued >= BATCH {
                queued = 0;
                let next = if done {
                    Vec::new()
                } else {
                    new_batches(&mut pool)
                };
                let full = std::mem::replace(&mut batches, next);
                for (i, mut b) in full.into_iter().enumerate() {
                    b.last = done;
                    to_workers[i].send(b).map_err(|_| FlowError::Worker)?;
                }
                in_flight += 1;
                // Keep one batch in flight while reading the next.
                if in_flight > 1 {
                    collect(stats, &mut meter_stats, &mut pool, out)?;
                    in_flight -= 1;
                }
            }
            if done {
                break;
            }
        }
        while in_flight > 0 {
            collect(stats, &mut meter_stats, &mut pool, out)?;
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
/// in order.
struct EncodePipe {
    tx: Option<mpsc::SyncSender<Done>>,
    rx: mpsc::Receiver<Done>,
    handle: Option<std::thread::JoinHandle<()>>,
    in_flight: usize,
}

impl EncodePipe {
    fn spawn(enc: Arc<Encoder>) -> Option<EncodePipe> {
        let (tx, jobs) = mpsc::sync_channel::<Done>(4);
        let (done, rx) = mpsc::sync_channel::<Done>(4);
        let handle = std::thread::Builder::new()
            .name("strata-encode".into())
            .spawn(move || {
                while let Ok(mut batch) = jobs.recv() {
                    batch.encode(&*enc);
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
    /// when `batch` is None: the end of the run).
    fn push(&mut self, batch: Option<Done>) -> Vec<Done> {
        let mut ready = Vec::new();
        let last = batch.is_none();
        if let (Some(batch), Some(tx)) = (batch, &self.tx) {
            if tx.send(batch).is_ok() {
                self.in_flight += 1;
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
