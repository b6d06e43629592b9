//! `strata send SPEC`: Scapy's `send` (layer 3) or `sendp` (layer 2, when the spec starts with
//! `Ether`), `--count` times over, at most `--rate` packets per second.

use crate::active::{pause, DEFAULT_RATE};
use clap::Args as ClapArgs;
use std::process::ExitCode;
use strata_craft::net::fill::Filler;
use strata_craft::net::send::{L2Socket, L3Socket};
use strata_craft::Layer;

#[derive(ClapArgs)]
pub struct Args {
    /// The packets in Scapy syntax, e.g. "IP(dst='198.18.0.2')/ICMP()".
    spec: String,
    /// Egress interface (default: from the routing table).
    #[arg(short = 'i', value_name = "IFACE")]
    iface: Option<String>,
    /// Send the whole list N times (Scapy's `count`).
    #[arg(long, default_value_t = 1, value_name = "N")]
    count: u64,
    /// Seconds between packets (Scapy's `inter`).
    #[arg(long, value_name = "S", value_parser = crate::active::seconds)]
    interval: Option<f64>,
    /// Packets per second at most.
    #[arg(long, default_value_t = DEFAULT_RATE)]
    rate: f64,
}

pub fn run(a: Args) -> Result<ExitCode, String> {
    let err = |e: strata_craft::net::NetError| format!("send: {e}");
    let mut packets = strata_craft::parse_spec(&a.spec).map_err(|e| format!("send: {e}"))?;
    let l2 = matches!(
        packets.first().and_then(|p| p.layers.first()),
        Some(Layer::Ether(_))
    );
    let mut filler = Filler::new(a.iface.as_deref());
    let mut frames = Vec::with_capacity(packets.len());
    let mut egress = None;
    for p in &mut packets {
        let r = if l2 {
            filler.layer2(p).map_err(err)?
        } else {
            filler.layer3(p).map_err(err)?
        };
        egress.get_or_insert(r.iface);
        frames.push(p.build().map_err(|e| format!("send: {e}"))?);
    }
    let gap = pause(a.interval, a.rate);
    let mut sent = 0u64;
    if l2 {
        let iface = egress.unwrap_or_default();
        let sock = L2Socket::open(&iface).map_err(err)?;
        for _ in 0..a.count {
            for f in &frames {
                if sent > 0 {
                    std::thread::sleep(gap);
                }
                sock.send(f).map_err(err)?;
                sent += 1;
            }
        }
    } else {
        let mut sock = match &a.iface {
            Some(i) => L3Socket::bound_to(i),
            None => L3Socket::new(),
        };
        for _ in 0..a.count {
            for f in &frames {
                if sent > 0 {
                    std::thread::sleep(gap);
                }
                sock.send(f).map_err(err)?;
                sent += 1;
            }
        }
    }
    println!("Sent {sent} packets.");
    Ok(ExitCode::SUCCESS)
}
