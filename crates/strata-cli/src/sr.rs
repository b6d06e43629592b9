//! `strata sr SPEC`: Scapy's `sr` / `srp` (layer 2 when the spec starts with `Ether`): send,
//! match answers, print Scapy's closing line and one `probe ==> answer` line per answer.

use crate::active::{pause, secs, summary, DEFAULT_RATE};
use clap::Args as ClapArgs;
use std::process::ExitCode;
use strata_craft::net::sr::{self, SrOptions};
use strata_craft::Layer;

#[derive(ClapArgs)]
pub struct Args {
    /// The probes in Scapy syntax, e.g. "IP(dst='198.18.0.2')/TCP(dport=[22,80],flags='S')".
    spec: String,
    /// Seconds to wait for answers after the last probe.
    #[arg(long, default_value_t = 2.0, value_name = "S", value_parser = crate::active::seconds)]
    timeout: f64,
    /// Send unanswered probes again N times.
    #[arg(long, default_value_t = 0, value_name = "N")]
    retry: u32,
    /// Egress interface (default: from the routing table).
    #[arg(short = 'i', value_name = "IFACE")]
    iface: Option<String>,
    /// Seconds between probes.
    #[arg(long, value_name = "S", value_parser = crate::active::seconds)]
    interval: Option<f64>,
    /// Probes per second at most.
    #[arg(long, default_value_t = DEFAULT_RATE)]
    rate: f64,
    /// Also list the unanswered probes.
    #[arg(long)]
    unanswered: bool,
}

pub fn run(a: Args) -> Result<ExitCode, String> {
    let packets = strata_craft::parse_spec(&a.spec).map_err(|e| format!("sr: {e}"))?;
    let l2 = matches!(
        packets.first().and_then(|p| p.layers.first()),
        Some(Layer::Ether(_))
    );
    let n = packets.len();
    let opts = SrOptions {
        timeout: secs(a.timeout),
        retry: a.retry,
        inter: pause(a.interval, a.rate),
        iface: a.iface,
    };
    println!("Begin emission");
    let res = if l2 {
        sr::srp(packets, &opts)
    } else {
        sr::sr(packets, &opts)
    }
    .map_err(|e| format!("sr: {e}"))?;
    println!("Finished sending {n} packets");
    println!("{}", res.scapy_line());
    for (p, r) in &res.answered {
        println!(
            "{} ==> {}",
            summary(p.link, &p.bytes),
            summary(r.link, &r.data)
        );
    }
    if a.unanswered {
        for p in &res.unanswered {
            println!("unanswered: {}", summary(p.link, &p.bytes));
        }
    }
    Ok(ExitCode::SUCCESS)
}
