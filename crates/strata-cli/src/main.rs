//! `strata`: argument parsing and wiring only; the work happens in the library crates.

mod active;
mod arping;
mod bench;
mod bench_craft;
mod craft;
mod dissect;
mod flows;
mod interfaces;
mod ping;
mod scan;
mod send;
mod sniff;
mod sr;
mod traceroute;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "strata",
    version,
    about = "Multi-layer network traffic analysis: dissection, flows, crafting, detection"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// List interfaces with addresses, flags and counters; mark the one `-i auto` picks.
    Interfaces(interfaces::Args),
    /// Dissect packets like tshark: summary lines, or `-T fields -e FIELD ...`.
    Dissect(Box<dissect::Args>),
    /// Meter packets into NFStream-compatible bidirectional flows (CSV / JSON lines).
    Flows(Box<flows::Args>),
    /// Build packets written in Scapy syntax: hex lines, a show() tree, or a pcap.
    Craft(craft::Args),
    /// Send packets written in Scapy syntax (layer 2 if the spec starts with Ether).
    Send(send::Args),
    /// Send probes and match their answers (Scapy's sr / srp).
    Sr(sr::Args),
    /// ICMP echo to a host.
    Ping(ping::Args),
    /// ARP scan of a subnet.
    Arping(arping::Args),
    /// Trace the route to a host with ICMP, UDP or TCP probes.
    Traceroute(traceroute::Args),
    /// TCP SYN or UDP port scan: open / closed / filtered.
    Scan(scan::Args),
    /// Capture with a filter, a count and a timeout; print or write a pcap.
    Sniff(sniff::Args),
    /// Benchmarks against the peers on the same input, one run, with ratios.
    Bench(bench::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let r = match cli.cmd {
        Cmd::Interfaces(a) => interfaces::run(a),
        Cmd::Dissect(a) => dissect::run(*a),
        Cmd::Bench(a) => bench::run(a),
        Cmd::Flows(a) => flows::run(*a),
        Cmd::Craft(a) => craft::run(a),
        Cmd::Send(a) => send::run(a),
        Cmd::Sr(a) => sr::run(a),
        Cmd::Ping(a) => ping::run(a),
        Cmd::Arping(a) => arping::run(a),
        Cmd::Traceroute(a) => traceroute::run(a),
        Cmd::Scan(a) => scan::run(a),
        Cmd::Sniff(a) => sniff::run(a),
    };
    match r {
        Ok(code) => code,
        Err(e) => {
            eprintln!("strata: {e}");
            ExitCode::from(2)
        }
    }
}
