//! `strata flows`: NFStream's flows, columns and CSV, at native speed.

use clap::Args as ClapArgs;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Instant;
use strata_capture::bpf::{self, Program};
use strata_capture::file::MultiFileReader;
use strata_capture::{CaptureError, LinkType, Packet, PacketSource};
use strata_flow::columns;
use strata_flow::value::Value;
use strata_flow::writer::{FlowWriter, Format, RowEncoder};
use strata_flow::{
    Accounting, Compat, FlowOptions, PacketIndices, Plugin, Streamer, TcpHandshakeRtt, TimeUnit,
};

#[derive(ClapArgs)]
pub struct Args {
    /// Capture file(s); several are read in order as one capture.
    #[arg(
        short = 'r',
        value_name = "FILE",
        required_unless_present = "interface"
    )]
    read: Vec<String>,
    /// Meter a live interface ("auto" picks one); flows are written as they expire.
    #[arg(short = 'i', value_name = "IFACE", conflicts_with = "read")]
    interface: Option<String>,
    /// Seconds without a packet before a flow expires (NFStream: 120).
    #[arg(long, default_value_t = 120)]
    idle_timeout: u64,
    /// Seconds after its first packet a flow is cut (NFStream: 1800).
    #[arg(long, default_value_t = 1800)]
    active_timeout: u64,
    /// Add the 48 post-mortem statistics (NFStream's statistical_analysis).
    #[arg(long)]
    statistics: bool,
    /// Add the early-flow sequences of the first N packets (NFStream's splt_analysis).
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = at_most::<{ strata_flow::MAX_SPLT }>)]
    splt: usize,
    /// Packets per flow the classifier inspects; 0 removes the application columns.
    #[arg(long, value_name = "N", default_value_t = 20)]
    dissections: u32,
    /// Packet size used for bytes and sizes: link (wire length), ip, transport or payload.
    #[arg(long, default_value = "link")]
    accounting: String,
    /// Metering threads (flows sharded by a symmetric hash; output identical to one thread).
    #[arg(long, default_value_t = 1, value_parser = at_most::<{ strata_flow::MAX_THREADS }>)]
    threads: usize,
    /// Capture filter (tcpdump syntax), applied to files too, as NFStream's bpf_filter.
    #[arg(short = 'f', value_name = "BPF")]
    filter: Option<String>,
    /// Output format: csv (NFStream's to_csv), jsonl, or parquet (typed columns; needs -o FILE).
    #[arg(long, default_value = "csv")]
    format: String,
    /// Unit of the time columns: ms (NFStream's *_ms columns) or us (*_us columns, microseconds).
    #[arg(long, value_name = "UNIT", default_value = "ms")]
    time_unit: String,
    /// Output file, or - for standard output (csv and jsonl only).
    #[arg(short = 'o', value_name = "OUT", default_value = "-")]
    output: String,
    /// Most flows in the table; the least recently updated is evicted past it (0 = unbounded).
    #[arg(long, default_value_t = 0)]
    max_flows: usize,
    /// Expire TCP flows on RST or a FIN from both sides (NFStream never does).
    #[arg(long)]
    tcp_close: bool,
    /// Packet parsing: "nfstream" (default, NFStream's quirks included) or "strata" (non-IP
    /// EtherTypes are never read as IP, removing NFStream's stray bogus flows).
    #[arg(long, default_value = "nfstream")]
    compat: String,
    /// Plugins adding columns: packet-indices (frame numbers per flow), tcp-rtt (handshake).
    #[arg(long, value_delimiter = ',')]
    plugin: Vec<String>,
    /// Live only: stop after this many seconds (else on Ctrl-C), then flush the flows.
    #[arg(long, value_name = "S", value_parser = crate::active::seconds)]
    duration: Option<f64>,
}

/// clap's parser for a count of at most `MAX` (a huge `--splt` or `--threads` ran out of
/// memory or panicked starting threads).
fn at_most<const MAX: usize>(s: &str) -> Result<usize, String> {
    let n: usize = s.parse().map_err(|e| format!("{e}"))?;
    if n > MAX {
        return Err(format!("at most {MAX}"));
    }
    Ok(n)
}

pub fn run(a: Args) -> Result<ExitCode, String> {
    let accounting = match a.accounting.as_str() {
        "link" | "0" => Accounting::Link,
        "ip" | "1" => Accounting::Ip,
        "transport" | "2" => Accounting::Transport,
        "payload" | "3" => Accounting::Payload,
        o => {
            return Err(format!(
                "--accounting {o}: expected link, ip, transport or payload"
            ))
        }
    };
    let compat = match a.compat.as_str() {
        "nfstream" => Compat::Strict,
        "strata" => Compat::Strata,
        o => return Err(format!("--compat {o}: expected nfstream or strata")),
    };
    let format = match a.format.as_str() {
        "csv" => OutFormat::Text(Format::Csv),
        "jsonl" => OutFormat::Text(Format::Jsonl),
        "parquet" => OutFormat::Parquet,
        o => return Err(format!("--format {o}: expected csv, jsonl or parquet")),
    };
    if format == OutFormat::Parquet {
        if !cfg!(feature = "parquet") {
            return Err("--format parquet: not built into this binary (cargo feature \"parquet\"); use csv or jsonl".into());
        }
        if a.output == "-" {
            return Err("--format parquet writes a file (its footer is written last): give -o FILE, not standard output".into());
        }
    }
    let time_unit = match a.time_unit.as_str() {
        "ms" => TimeUnit::Ms,
        "us" => TimeUnit::Us,
        o => return Err(format!("--time-unit {o}: expected ms or us")),
    };
    let mut plugins: Vec<Box<dyn Plugin>> = Vec::new();
    for p in &a.plugin {
        match p.as_str() {
            "packet-indices" => plugins.push(Box::new(PacketIndices::default())),
            "tcp-rtt" => plugins.push(Box::new(TcpHandshakeRtt)),
            o => return Err(format!("--plugin {o}: expected packet-indices or tcp-rtt")),
        }
    }
    let opts = FlowOptions {
        idle_timeout_ms: a.idle_timeout.saturating_mul(1000),
        active_timeout_ms: a.active_timeout.saturating_mul(1000),
        statistics: a.statistics,
        splt: a.splt,
        dissections: a.dissections,
        accounting,
        max_flows: a.max_flows,
        tcp_close: a.tcp_close,
        compat,
        threads: a.threads.max(1),
        time_unit,
    };
    let mut streamer = Streamer::new(opts.clone()).with_plugins(plugins);
    let names = streamer.column_names();
    // Text rows are encoded straight from each flow, where flows expire: on the metering
    // threads when threaded, on a helper thread with one meter.
    let row_encoder = match format {
        OutFormat::Text(text) => Some(std::sync::Arc::new(RowEncoder::new(
            text,
            &streamer.opts,
            &names,
        ))),
        OutFormat::Parquet => None,
    };
    if let (Some(enc), None) = (&row_encoder, &a.interface) {
        let enc = enc.clone();
        streamer = streamer.with_encoder(move |flow, out| enc.encode(flow, out));
    }
    let mut w = Sink::open(format, &a.output, names, streamer.column_kinds())?;
    let started = Instant::now();
    if let Some(iface) = &a.interface {
        let mut cap = crate::interfaces::open_capture(iface, 262_144, true, a.filter.as_deref())?;
        crate::interfaces::install_stop_handler();
        let deadline = a
            .duration
            .and_then(|d| crate::active::deadline(started, d.max(0.0)));
        let opts_ref = streamer.opts.clone();
        let stop =
            || crate::interfaces::stop_requested() || deadline.is_some_and(|d| Instant::now() >= d);
        let mut row = String::new();
        let result = streamer.run_live(&mut cap, stop, |mut flow| {
            match (&mut w, &row_encoder) {
                (Sink::Text(t), Some(enc)) => {
                    row.clear();
                    enc.encode(&mut flow, &mut row);
                    t.write_encoded(flow.id, &row)?;
                }
                _ => w.write_row(&columns::values(&mut flow, &opts_ref))?,
            }
            // Each flow is written as it expires.
            w.flush()
        });
        w.finish().map_err(|e| format!("{}: {e}", a.output))?;
        let s = streamer.stats;
        let k = cap.stats().map_err(|e| e.to_string())?;
        eprintln!(
            "strata: {iface}: {} packets received, {} dropped by the kernel; {} flows, {} packets not part of any flow, {} evicted by --max-flows",
            k.received, k.dropped_kernel, s.flows, s.ignored, s.evicted
        );
        return result.map(|_| ExitCode::SUCCESS).map_err(|e| e.to_string());
    }
    // Concrete (not boxed): the packet loop inlines the reader.
    let src = {
        let reader = MultiFileReader::new(a.read.clone());
        let total: u64 = a
            .read
            .iter()
            .filter_map(|p| std::fs::metadata(p).ok())
            .map(|m| m.len())
            .sum();
        let progress = std::io::stderr().is_terminal().then_some(total);
        Progress::new(reader, progress)
    };
    if let (Some(f), None) = (&a.filter, &a.interface) {
        // Files: the filter runs in userspace, compiled once per link type. Live capture
        // attaches it to the socket instead.
        let filter = f.clone();
        let mut compiled: Vec<(LinkType, Program)> = Vec::new();
        streamer = streamer.with_filter(move |p: &Packet| {
            if !compiled.iter().any(|(l, _)| *l == p.link_type) {
                match bpf::compile(&filter, p.link_type, 262_144) {
                    Ok(prog) => compiled.push((p.link_type, prog)),
                    Err(_) => return false,
                }
            }
            compiled
                .iter()
                .find(|(l, _)| *l == p.link_type)
                .is_some_and(|(_, prog)| prog.matches(p.data, p.orig_len))
        });
        // Refuse a bad filter before reading anything.
        bpf::compile(f, LinkType::ETHERNET, 262_144).map_err(|e| e.to_string())?;
    }
    let result = match &mut w {
        // Encoded already: the row after its id.
        Sink::Text(t) => streamer.run_rows(src, |flow, row| t.write_encoded(flow.id, row)),
        #[cfg(feature = "parquet")]
        Sink::Parquet(_) => {
            let opts_ref = streamer.opts.clone();
            streamer.run(src, |mut flow| {
                let v = columns::values(&mut flow, &opts_ref);
                w.write_row(&v)
            })
        }
    };
    // A closed pipe (`strata flows ... | head`) ends output quietly, as in `strata dissect`.
    let closed = |e: &std::io::Error| e.kind() == std::io::ErrorKind::BrokenPipe;
    if matches!(&result, Err(strata_flow::FlowError::Sink(e)) if closed(e)) {
        return Ok(ExitCode::SUCCESS);
    }
    // Finished even after a capture error: the flows before it make a valid file.
    match w.finish() {
        Err(e) if closed(&e) => return Ok(ExitCode::SUCCESS),
        Err(e) => return Err(format!("{}: {e}", a.output)),
        Ok(()) => {}
    }
    let s = streamer.stats;
    eprintln!(
        "strata: {} packets ({} not part of any flow), {} flows, {} evicted by --max-flows, peak {} active, {:.2}s",
        s.packets,
        s.ignored,
        s.flows,
        s.evicted,
        s.max_active_flows,
        started.elapsed().as_secs_f64()
    );
    match result {
        Ok(_) => Ok(ExitCode::SUCCESS),
        Err(e) => {
            eprintln!("strata: {e} (flows before it were written)");
            Ok(ExitCode::from(2))
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum OutFormat {
    Text(Format),
    Parquet,
}

/// Where the flows go: a text writer (CSV, JSON lines) or a Parquet file.
enum Sink {
    Text(FlowWriter<Box<dyn Write>>),
    #[cfg(feature = "parquet")]
    Parquet(Box<strata_flow::parquet::ParquetWriter<std::io::BufWriter<std::fs::File>>>),
}

impl Sink {
    fn open(
        format: OutFormat,
        output: &str,
        names: Vec<String>,
        #[allow(unused_variables)] kinds: Vec<strata_flow::ColumnKind>,
    ) -> Result<Sink, String> {
        let create = || -> Result<std::io::BufWriter<std::fs::File>, String> {
            let f = std::fs::File::create(output).map_err(|e| format!("{output}: {e}"))?;
            Ok(std::io::BufWriter::with_capacity(1 << 20, f))
        };
        match format {
            OutFormat::Text(format) => {
                let out: Box<dyn Write> = if output == "-" {
                    Box::new(std::io::BufWriter::with_capacity(
                        1 << 20,
                        std::io::stdout().lock(),
                    ))
                } else {
                    Box::new(create()?)
                };
                let w = FlowWriter::new(out, format, names).map_err(|e| e.to_string())?;
                Ok(Sink::Text(w))
            }
            #[cfg(feature = "parquet")]
            OutFormat::Parquet => {
                let w = strata_flow::parquet::ParquetWriter::new(create()?, names, kinds)
                    .map_err(|e| format!("{output}: {e}"))?;
                Ok(Sink::Parquet(Box::new(w)))
            }
            #[cfg(not(feature = "parquet"))]
            OutFormat::Parquet => Err("--format parquet: not built into this binary".into()),
        }
    }

    fn write_row(&mut self, v: &[Value]) -> std::io::Result<()> {
        match self {
            Sink::Text(w) => w.write_row(v),
            #[cfg(feature = "parquet")]
            Sink::Parquet(w) => w.write_row(v),
        }
    }

    /// Makes the rows written so far visible (text formats; a Parquet file shows its rows
    /// only once finished).
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Text(w) => w.flush(),
            #[cfg(feature = "parquet")]
            Sink::Parquet(_) => Ok(()),
        }
    }

    /// Flushes the text output, or writes the last row group and the footer.
    fn finish(self) -> std::io::Result<()> {
        match self {
            Sink::Text(mut w) => w.flush(),
            #[cfg(feature = "parquet")]
            Sink::Parquet(w) => w.finish()?.flush(),
        }
    }
}

/// Prints a progress line on stderr (only when it is a terminal).
struct Progress {
    inner: MultiFileReader,
    total: Option<u64>,
    done_bytes: u64,
    packets: u64,
    last: Instant,
}

impl Progress {
    fn new(inner: MultiFileReader, total: Option<u64>) -> Progress {
        Progress {
            inner,
            total,
            done_bytes: 0,
            packets: 0,
            last: Instant::now(),
        }
    }
}

impl PacketSource for Progress {
    #[inline]
    fn next_packet(&mut self) -> Result<Option<Packet<'_>>, CaptureError> {
        self.packets += 1;
        if let Some(total) = self.total {
            if self.packets.is_multiple_of(65536) && self.last.elapsed().as_millis() >= 250 {
                self.last = Instant::now();
                self.done_bytes = self.inner.bytes_read();
                let pct = 100.0 * self.done_bytes as f64 / total.max(1) as f64;
                eprint!("\rstrata flows: {pct:5.1}%  {} packets", self.packets);
                let _ = std::io::stderr().flush();
            }
        }
        let r = self.inner.next_packet();
        if self.total.is_some() && matches!(r, Ok(None) | Err(_)) {
            eprint!("\r\x1b[K");
        }
        r
    }

    fn shared_map(&self) -> Option<strata_capture::file::SharedMap> {
        self.inner.shared_map()
    }
}
