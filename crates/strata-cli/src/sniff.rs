//! `strata sniff -i IFACE`: Scapy's `sniff` with a capture filter, a packet count and a
//! timeout; one summary line per packet, or a pcap with `-w`. It always ends: without
//! `--timeout` it stops after 60 seconds.

use crate::active::{secs, summary};
use clap::Args as ClapArgs;
use std::path::PathBuf;
use std::process::ExitCode;
use strata_capture::pcap::Precision;
use strata_capture::writer::PcapWriter;
use strata_craft::net::sniff::{SniffOptions, Sniffer, Verdict};

#[derive(ClapArgs)]
pub struct Args {
    /// Interface (or `auto`).
    #[arg(short = 'i', value_name = "IFACE")]
    iface: String,
    /// Capture filter (tcpdump syntax), run in the kernel.
    #[arg(short = 'f', value_name = "BPF")]
    filter: Option<String>,
    /// Display filter (Wireshark syntax), run on the dissected packet: only matching packets
    /// are printed, written and counted.
    #[arg(short = 'Y', value_name = "FILTER")]
    display_filter: Option<String>,
    /// Stop after N packets.
    #[arg(short = 'c', value_name = "N")]
    count: Option<u64>,
    /// Stop after S seconds (default 60).
    #[arg(long, default_value_t = 60.0, value_name = "S", value_parser = crate::active::seconds)]
    timeout: f64,
    /// Write the packets to a pcap instead of printing them.
    #[arg(short = 'w', value_name = "OUT.pcap")]
    write: Option<PathBuf>,
    /// Leave the interface out of promiscuous mode.
    #[arg(long)]
    no_promisc: bool,
}

pub fn run(a: Args) -> Result<ExitCode, String> {
    // A bad display filter is refused before anything is captured.
    let mut display = match &a.display_filter {
        Some(y) => Some(
            strata_dissect::filter::Filter::new(y).map_err(|e| format!("sniff: -Y {y:?}: {e}"))?,
        ),
        None => None,
    };
    let mut dissector = strata_dissect::Dissector::new();
    let sniffer = Sniffer::open(SniffOptions {
        iface: a.iface,
        filter: a.filter,
        count: a.count,
        timeout: Some(secs(a.timeout)),
        promisc: !a.no_promisc,
    })
    .map_err(|e| format!("sniff: {e}"))?;
    let mut writer = match &a.write {
        Some(path) => Some(
            PcapWriter::create(path, sniffer.link_type(), Precision::Nano)
                .map_err(|e| format!("sniff: {e}"))?,
        ),
        None => None,
    };
    let mut failed = None;
    let stats = sniffer
        .run(|p| {
            if let Some(y) = &mut display {
                if !y.matches(&dissector.dissect(p)) {
                    return Verdict::Skip;
                }
            }
            match &mut writer {
                Some(w) => {
                    if let Err(e) = w.write_packet(p) {
                        failed = Some(e.to_string());
                        return Verdict::Stop;
                    }
                }
                None => println!(
                    "{}.{:06} {}",
                    p.ts.secs,
                    p.ts.nanos / 1000,
                    summary(p.link_type, p.data)
                ),
            }
            Verdict::Keep
        })
        .map_err(|e| format!("sniff: {e}"))?;
    if let Some(e) = failed {
        return Err(format!("sniff: {e}"));
    }
    if let Some(w) = writer {
        w.finish().map_err(|e| format!("sniff: {e}"))?;
    }
    eprintln!(
        "{} packets captured, {} dropped by the kernel",
        stats.kept, stats.dropped
    );
    Ok(ExitCode::SUCCESS)
}
