//! `strata`: argument parsing and wiring only; the work happens in the library crates.

mod bench;
mod craft;
mod dissect;
mod flows;
mod interfaces;

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
    };
    match r {
        Ok(code) => code,
        Err(e) => {
            eprintln!("strata: {e}");
            ExitCode::from(2)
        }
    }
}
