//! `strata scan HOST -p PORTS [--udp]`: SYN and UDP port scans with `sr`, with nmap's states.
//!
//! TCP SYN: a SYN-ACK means open (and the half-open connection is reset: a RST goes back,
//! whatever the kernel already did), a RST means closed, an ICMP unreachable or silence after
//! every retry means filtered. UDP: any UDP answer means open, ICMP port unreachable closed,
//! another ICMP unreachable filtered, silence open|filtered.

use crate::active::{host, pause, secs, DEFAULT_RATE};
use clap::Args as ClapArgs;
use std::net::IpAddr;
use std::process::ExitCode;
use strata_craft::net::answers::L4;
use strata_craft::net::fill::Filler;
use strata_craft::net::send::L3Socket;
use strata_craft::net::sr::{self, SrOptions};
use strata_craft::{Ip, Ipv6, Packet, Tcp, Udp};

/// Most ports one scan probes.
const MAX_PORTS: usize = 65_536;

#[derive(ClapArgs)]
pub struct Args {
    /// Target address (or name).
    host: String,
    /// Ports: `22,80,8000-8010`.
    #[arg(short = 'p', value_name = "PORTS")]
    ports: String,
    /// UDP scan instead of TCP SYN.
    #[arg(long)]
    udp: bool,
    /// Seconds to wait for answers after the last probe of a round.
    #[arg(long, default_value_t = 1.0, value_name = "S", value_parser = crate::active::seconds)]
    timeout: f64,
    /// Rounds of re-sending to silent ports.
    #[arg(long, default_value_t = 1, value_name = "N")]
    retry: u32,
    /// Probes per second at most.
    #[arg(long, default_value_t = DEFAULT_RATE)]
    rate: f64,
}

/// `22,80,8000-8010` to a sorted, deduplicated list.
fn parse_ports(s: &str) -> Result<Vec<u16>, String> {
    let mut out = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let bad = || format!("scan: bad port or range '{part}'");
        let (lo, hi) = match part.split_once('-') {
            Some((a, b)) => (
                a.parse::<u16>().map_err(|_| bad())?,
                b.parse::<u16>().map_err(|_| bad())?,
            ),
            None => {
                let p = part.parse::<u16>().map_err(|_| bad())?;
                (p, p)
            }
        };
        if lo > hi {
            return Err(bad());
        }
        out.extend(lo..=hi);
        if out.len() > MAX_PORTS {
            return Err("scan: too many ports".into());
        }
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

fn over_ip(dst: IpAddr, l4: Packet) -> Packet {
    match dst {
        IpAddr::V4(d) => Ip::new().dst(d) / l4,
        IpAddr::V6(d) => Ipv6::new().dst(d) / l4,
    }
}

pub fn run(a: Args) -> Result<ExitCode, String> {
    let dst = host(&a.host)?;
    let ports = parse_ports(&a.ports)?;
    let sport = 40_000 + (std::process::id() % 20_000) as u16;
    let probes: Vec<Packet> = ports
        .iter()
        .map(|&p| {
            let l4: Packet = if a.udp {
                Udp::new().sport(sport).dport(p).into()
            } else {
                Tcp::new()
                    .sport(sport)
                    .dport(p)
                    .flags("S")
                    .seq(0x5354_0000u32 | u32::from(p))
                    .into()
            };
            over_ip(dst, l4)
        })
        .collect();
    let opts = SrOptions {
        timeout: secs(a.timeout),
        retry: a.retry,
        inter: pause(None, a.rate),
        iface: None,
    };
    let kind = if a.udp { "udp" } else { "tcp" };
    println!("Scanning {dst}: {} {kind} ports", ports.len());
    let res = sr::sr(probes, &opts).map_err(|e| format!("scan: {e}"))?;
    let mut state: Vec<&str> = vec![if a.udp { "open|filtered" } else { "filtered" }; ports.len()];
    let mut resets = Vec::new();
    for (p, r) in &res.answered {
        let s = match r.summary.l4 {
            L4::Tcp { flags, ack, .. } if flags & 0x12 == 0x12 => {
                resets.push((ports[p.index], ack));
                "open"
            }
            L4::Tcp { flags, .. } if flags & 0x04 != 0 => "closed",
            L4::Udp { .. } => "open",
            L4::Icmp { ty: 3, code: 3, .. } if a.udp => "closed",
            L4::Icmpv6 { ty: 1, code: 4, .. } if a.udp => "closed",
            L4::Icmp { ty: 3, .. } | L4::Icmpv6 { ty: 1, .. } => "filtered",
            _ => continue,
        };
        state[p.index] = s;
    }
    // Tear down the half-open connections we caused (RST with the SYN-ACK's ack as seq).
    if !resets.is_empty() {
        let mut sock = L3Socket::new();
        let mut filler = Filler::new(None);
        for (port, ack) in resets {
            let mut rst = over_ip(
                dst,
                Tcp::new()
                    .sport(sport)
                    .dport(port)
                    .flags("R")
                    .seq(ack)
                    .into(),
            );
            // Best effort: the kernel has usually reset the connection already.
            if filler.layer3(&mut rst).is_ok() {
                if let Ok(b) = rst.build() {
                    let _ = sock.send(&b);
                }
            }
        }
    }
    println!("PORT      STATE");
    for (port, s) in ports.iter().zip(&state) {
        println!("{:<9} {s}", format!("{port}/{kind}"));
    }
    println!("{}", res.scapy_line());
    Ok(ExitCode::SUCCESS)
}
