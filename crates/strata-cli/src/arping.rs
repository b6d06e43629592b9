//! `strata arping CIDR`: Scapy's `arping(net)`: an ARP `who-has` to every address of the
//! subnet, broadcast on the interface that routes there, and one `MAC IP` line per answer.

use crate::active::{pause, secs, DEFAULT_RATE};
use clap::Args as ClapArgs;
use std::net::Ipv4Addr;
use std::process::ExitCode;
use strata_craft::net::route;
use strata_craft::net::sr::{self, SrOptions};
use strata_craft::{Arp, Ether, Packet};
use strata_wire::MacAddr;

/// Largest subnet arping will sweep (a /20).
const MAX_HOSTS: u32 = 4096;

#[derive(ClapArgs)]
pub struct Args {
    /// IPv4 subnet, e.g. 198.18.7.0/29 (or one address).
    net: String,
    /// Interface (default: the one that routes to the subnet).
    #[arg(short = 'i', value_name = "IFACE")]
    iface: Option<String>,
    /// Seconds to wait for answers after the last request.
    #[arg(long, default_value_t = 2.0, value_name = "S", value_parser = crate::active::seconds)]
    timeout: f64,
    /// Send unanswered requests again N times.
    #[arg(long, default_value_t = 0, value_name = "N")]
    retry: u32,
    /// Requests per second at most.
    #[arg(long, default_value_t = DEFAULT_RATE)]
    rate: f64,
}

/// The addresses of `a.b.c.d/len` (all of them, as Scapy's `Net` iterates).
fn hosts(net: &str) -> Result<Vec<Ipv4Addr>, String> {
    let (addr, len) = net.split_once('/').unwrap_or((net, "32"));
    let addr: Ipv4Addr = addr
        .parse()
        .map_err(|_| format!("arping: '{addr}' is not an IPv4 address"))?;
    let len: u32 = len
        .parse()
        .ok()
        .filter(|l| *l <= 32)
        .ok_or_else(|| format!("arping: bad prefix length in '{net}'"))?;
    let size = 1u64 << (32 - len);
    if size > u64::from(MAX_HOSTS) {
        return Err(format!(
            "arping: {net} has {size} addresses; at most {MAX_HOSTS}"
        ));
    }
    let base = u32::from(addr) & u32::MAX.checked_shl(32 - len).unwrap_or(0);
    Ok((0..size as u32).map(|i| Ipv4Addr::from(base + i)).collect())
}

pub fn run(a: Args) -> Result<ExitCode, String> {
    let targets = hosts(&a.net)?;
    // The interface that routes to the subnet: the route of its first address that is not
    // one of ours (our own address routes through the loopback).
    let iface = match a.iface {
        Some(i) => i,
        None => targets
            .iter()
            .find_map(|ip| route::route((*ip).into()).ok().filter(|r| !r.loopback))
            .map(|r| r.iface)
            .ok_or_else(|| format!("arping: no interface routes to {}", a.net))?,
    };
    let probes: Vec<Packet> = targets
        .iter()
        .map(|ip| Ether::new().dst(MacAddr::BROADCAST) / Arp::new().pdst(*ip))
        .collect();
    let opts = SrOptions {
        timeout: secs(a.timeout),
        retry: a.retry,
        inter: pause(None, a.rate),
        iface: Some(iface),
    };
    let res = sr::srp(probes, &opts).map_err(|e| format!("arping: {e}"))?;
    println!("{}", res.scapy_line());
    let mut found: Vec<(Ipv4Addr, MacAddr)> = res
        .answered
        .iter()
        .filter_map(|(_, r)| r.summary.arp.map(|a| (a.psrc, a.hwsrc)))
        .collect();
    found.sort();
    for (ip, mac) in &found {
        println!("  {mac} {ip}");
    }
    Ok(ExitCode::SUCCESS)
}
