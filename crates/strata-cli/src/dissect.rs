//! `strata dissect`: tshark's flags, Strata's speed.

use clap::Args as ClapArgs;
use std::io::Write;
use std::process::ExitCode;
use strata_capture::file::FileReader;
use strata_capture::live::Backend;
use strata_capture::pcap::Precision;
use strata_capture::writer::{PcapWriter, PcapngWriter};
use strata_capture::{CaptureError, PacketSource};
use strata_dissect::printer::{parse_e_option, FieldsOptions, FieldsPrinter, SummaryPrinter};
use strata_dissect::Dissector;

#[derive(ClapArgs)]
pub struct Args {
    /// Read packets from this pcap or pcapng file ("-" for standard input).
    #[arg(short = 'r', value_name = "FILE", conflicts_with = "interface")]
    read: Option<String>,
    /// Capture live on this interface ("auto" picks one, see `strata interfaces`).
    #[arg(short = 'i', value_name = "IFACE")]
    interface: Option<String>,
    /// Stop after this many packets.
    #[arg(short = 'c', value_name = "N")]
    count: Option<u64>,
    /// Disable name resolution (Strata never resolves names; accepted for tshark compatibility).
    #[arg(short = 'n')]
    no_resolve: bool,
    /// Output format: text (summary lines, or the tree with -V), fields, json (TShark's
    /// layout) or jsonl (one compact object per packet).
    #[arg(short = 'T', value_name = "FORMAT", default_value = "text")]
    format: String,
    /// A field to print with `-T fields` (repeatable), Wireshark names.
    #[arg(short = 'e', value_name = "FIELD")]
    fields: Vec<String>,
    /// `-T fields` options: header=y, separator=/t|/s|C, occurrence=f|l|a|N, aggregator=C, quote=d|s|n.
    #[arg(short = 'E', value_name = "OPTION")]
    e_opts: Vec<String>,
    /// Write the packets read to this file (pcapng unless `-F pcap`); with `-P` also print.
    #[arg(short = 'w', value_name = "OUT")]
    write: Option<String>,
    /// Format of the `-w` file: pcapng (default) or pcap.
    #[arg(short = 'F', value_name = "FORMAT", default_value = "pcapng")]
    write_format: String,
    /// Print packet summaries even when writing with `-w`.
    #[arg(short = 'P')]
    print: bool,
    /// Display filter (Wireshark syntax): only matching frames are printed or written.
    #[arg(short = 'Y', value_name = "FILTER")]
    display_filter: Option<String>,
    /// Capture filter (BPF, tcpdump syntax) for live capture.
    #[arg(short = 'f', value_name = "FILTER")]
    capture_filter: Option<String>,
    /// Print a glossary instead of reading packets: `fields` (every field `-e` and `-Y`
    /// accept, as tshark -G fields).
    #[arg(short = 'G', value_name = "REPORT")]
    glossary: Option<String>,
    /// Print the protocol tree of each packet.
    #[arg(short = 'V')]
    verbose: bool,
    /// Print each packet's bytes in hex and ASCII.
    #[arg(short = 'x')]
    hex: bool,
    /// With -T json: a protocol seen twice in a packet is one key holding an array.
    #[arg(long)]
    no_duplicate_keys: bool,
    /// Statistics, printed at the end: conv,eth|ip|ipv6|tcp|udp[,FILTER], io,phs[,FILTER],
    /// follow,tcp,ascii|raw|hex,STREAM (repeatable; as tshark's `-z`).
    #[arg(short = 'z', value_name = "STATISTIC")]
    stats: Vec<String>,
    /// Quiet: print no per-packet output.
    #[arg(short = 'q')]
    quiet: bool,
    /// Refuse `-e` fields Strata does not extract instead of printing them empty (with a warning).
    #[arg(long)]
    strict_fields: bool,
    /// Snapshot length for live capture.
    #[arg(short = 's', value_name = "SNAPLEN", default_value_t = 262144)]
    snaplen: u32,
    /// Do not put the interface into promiscuous mode.
    #[arg(short = 'p')]
    no_promisc: bool,
    /// Stop a live capture after this many seconds (`-a duration:N` in tshark).
    #[arg(short = 'a', value_name = "duration:N")]
    autostop: Option<String>,
    /// Capture through the system libpcap instead of Strata's AF_PACKET socket (the filter is
    /// then compiled by libpcap). Needs a build with the `libpcap` feature.
    #[arg(long, requires = "interface", conflicts_with = "read")]
    libpcap: bool,
}

impl Args {
    /// The live capture backend `--libpcap` asks for.
    fn backend(&self) -> Result<Backend, String> {
        match self.libpcap {
            false => Ok(Backend::AfPacket),
            #[cfg(feature = "libpcap")]
            true => Ok(Backend::Libpcap),
            #[cfg(not(feature = "libpcap"))]
            true => Err("--libpcap: this strata was built without the libpcap feature".into()),
        }
    }
}

enum Mode {
    Summary(SummaryPrinter),
    Tree(Box<strata_dissect::tree::TreePrinter>),
    Fields(Box<FieldsPrinter>),
    Silent,
}

/// The `-w` output. A pcap file holds one link type, known at the first packet.
enum Sink {
    PcapPending(String),
    Pcap(PcapWriter<std::fs::File>),
    Pcapng(PcapngWriter<std::fs::File>),
}

impl Sink {
    fn write(&mut self, pkt: &strata_capture::Packet) -> Result<(), CaptureError> {
        if let Sink::PcapPending(path) = self {
            *self = Sink::Pcap(PcapWriter::create(
                path.as_str(),
                pkt.link_type,
                Precision::Micro,
            )?);
        }
        match self {
            Sink::Pcap(w) => w.write_packet(pkt),
            Sink::Pcapng(w) => w.write_packet(pkt),
            Sink::PcapPending(_) => Ok(()),
        }
    }

    fn finish(self) -> Result<(), CaptureError> {
        match self {
            Sink::Pcap(w) => w.finish().map(|_| ()),
            Sink::Pcapng(w) => w.finish().map(|_| ()),
            Sink::PcapPending(path) => {
                // No packet: still leave a valid (empty) Ethernet pcap, as tshark does.
                PcapWriter::create(
                    path.as_str(),
                    strata_capture::LinkType::ETHERNET,
                    Precision::Micro,
                )?
                .finish()
                .map(|_| ())
            }
        }
    }
}

pub fn run(a: Args) -> Result<ExitCode, String> {
    let _ = a.no_resolve;
    if let Some(report) = &a.glossary {
        if report != "fields" {
            return Err(format!(
                "-G {report}: the glossary Strata prints is `fields`"
            ));
        }
        let mut out = Vec::new();
        strata_dissect::fields::glossary(&mut out);
        return match std::io::stdout().lock().write_all(&out) {
            Ok(()) => Ok(ExitCode::SUCCESS),
            Err(e) => broken_pipe_ok(e),
        };
    }
    // A bad filter is refused before any file is opened or packet read.
    let mut filter = match a.display_filter.as_deref() {
        None => None,
        Some(f) if f.trim().is_empty() => None,
        Some(f) => {
            Some(strata_dissect::filter::Filter::new(f).map_err(|e| format!("-Y {f:?}: {e}"))?)
        }
    };
    let mut stats = strata_dissect::stats::Stats::default();
    for z in &a.stats {
        stats.push(strata_dissect::stats::Stat::parse(z)?);
    }
    let mut sink = match &a.write {
        None => None,
        Some(path) => Some(match a.write_format.as_str() {
            "pcap" | "libpcap" => Sink::PcapPending(path.clone()),
            "pcapng" => Sink::Pcapng(PcapngWriter::create(path).map_err(|e| e.to_string())?),
            other => return Err(format!("-F {other}: expected pcap or pcapng")),
        }),
    };
    let mode = if a.quiet || (a.write.is_some() && !a.print) {
        Mode::Silent
    } else {
        use strata_dissect::tree::{TreePrinter, View};
        let tree = |view: Option<View>| {
            let mut p = TreePrinter::new(view, a.hex);
            p.no_duplicate_keys = a.no_duplicate_keys;
            Mode::Tree(Box::new(p))
        };
        match a.format.as_str() {
            "text" if a.verbose => tree(Some(View::Text)),
            "text" if a.hex => tree(None),
            "text" => Mode::Summary(SummaryPrinter::default()),
            "json" => tree(Some(View::Json)),
            "jsonl" => tree(Some(View::Jsonl)),
            "fields" => {
                if a.fields.is_empty() {
                    return Err("-T fields needs at least one -e FIELD".into());
                }
                let mut opts = FieldsOptions::default();
                for e in &a.e_opts {
                    parse_e_option(&mut opts, e)?;
                }
                if !a.strict_fields {
                    for f in &a.fields {
                        if !strata_dissect::printer::is_known(f) {
                            eprintln!("strata: warning: -e {f}: Strata does not extract this field yet; its column stays empty");
                        }
                    }
                }
                Mode::Fields(Box::new(FieldsPrinter::new(
                    &a.fields,
                    opts,
                    !a.strict_fields,
                )?))
            }
            other => return Err(format!("-T {other}: expected text, fields, json or jsonl")),
        }
    };
    let live = a.read.is_none();
    let mut src: Box<dyn PacketSource> = match (&a.read, &a.interface) {
        (Some(path), _) => {
            if a.capture_filter.is_some() {
                return Err(
                    "-f applies to live capture; use a display filter on files (as tshark)".into(),
                );
            }
            Box::new(FileReader::open(path).map_err(|e| e.to_string())?)
        }
        (None, Some(iface)) => crate::interfaces::open_live(
            iface,
            a.snaplen,
            !a.no_promisc,
            a.capture_filter.as_deref(),
            a.autostop.as_deref(),
            a.backend()?,
        )?,
        (None, None) => return Err("give -r FILE or -i IFACE".into()),
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 20);
    let mut dissector = Dissector::new();
    let mut mode = mode;
    if let Mode::Fields(p) = &mode {
        p.header(&mut buf);
    }
    let mut n = 0u64;
    let mut failure: Option<CaptureError> = None;
    loop {
        if a.count.is_some_and(|c| n >= c) {
            break;
        }
        let pkt = match src.next_packet() {
            Ok(Some(p)) => p,
            Ok(None) => break,
            Err(e) => {
                failure = Some(e);
                break;
            }
        };
        n += 1;
        let frame = dissector.dissect(&pkt);
        if !stats.is_empty() {
            stats.frame(&frame);
        }
        // As tshark: frames keep their numbers, `-c` counts frames read, and only the
        // frames that pass are printed and written.
        if let Some(flt) = &mut filter {
            if !flt.matches(&frame) {
                if let Mode::Summary(p) = &mut mode {
                    p.observe(&frame);
                }
                continue;
            }
        }
        if let Some(s) = &mut sink {
            s.write(&pkt).map_err(|e| e.to_string())?;
        }
        match &mut mode {
            Mode::Summary(p) => p.frame(&frame, &mut buf),
            Mode::Fields(p) => p.frame(&frame, &mut buf),
            Mode::Tree(p) => p.frame(&frame, &mut buf),
            Mode::Silent => {}
        }
        // Live output is written per packet so a reader sees it as it happens.
        if live || buf.len() >= 1 << 20 {
            if let Err(e) = out.write_all(&buf) {
                return broken_pipe_ok(e);
            }
            buf.clear();
        }
    }
    if let Mode::Tree(p) = &mut mode {
        p.finish(&mut buf);
    }
    stats.draw(&mut buf);
    if let Err(e) = out.write_all(&buf).and_then(|_| out.flush()) {
        return broken_pipe_ok(e);
    }
    if let Some(s) = sink {
        s.finish().map_err(|e| e.to_string())?;
    }
    // Bounded state gave something up: say what, so no analysis is silently partial.
    let (st, fr, tcp, tx) = (
        dissector.stream_stats(),
        dissector.reassembly_stats(),
        dissector.tcp_analysis_dropped(),
        dissector.transactions_dropped(),
    );
    if st.oversize + st.convs_dropped + fr.dropped_limit + tcp + tx > 0 {
        eprintln!(
            "strata: limits reached: {} messages over {} bytes not reassembled, {} TCP \
             conversations not followed (table of {}), {} IP fragments dropped, {} TCP \
             segments without sequence analysis (table of {} connections), {} requests \
             forgotten before their response (tables of {})",
            st.oversize,
            strata_dissect::app::MAX_BUF,
            st.convs_dropped,
            strata_dissect::app::MAX_CONVS,
            fr.dropped_limit,
            tcp,
            strata_dissect::tcp_analysis::TcpAnalysis::MAX_STREAMS,
            tx,
            strata_dissect::transactions::MAX_PENDING
        );
    }
    if let Some(e) = failure {
        // Every good packet before the damage was printed; now say where it broke.
        eprintln!("strata: {e} (after packet {n})");
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

/// A closed pipe (`strata ... | head`) ends output quietly, as tshark does.
fn broken_pipe_ok(e: std::io::Error) -> Result<ExitCode, String> {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Ok(ExitCode::SUCCESS)
    } else {
        Err(format!("stdout: {e}"))
    }
}
