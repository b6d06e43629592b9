//! `strata ping HOST`: ICMP (or ICMPv6) echo requests with `sr`, printed like ping(8).

use crate::active::{host, pause, secs, DEFAULT_RATE};
use clap::Args as ClapArgs;
use std::net::IpAddr;
use std::process::ExitCode;
use strata_craft::net::answers::L4;
use strata_craft::net::sr::{self, SrOptions};
use strata_craft::{Icmp, Icmpv6, Ip, Ipv6, Packet};

#[derive(ClapArgs)]
pub struct Args {
    /// Destination address (or name).
    host: String,
    /// Echo requests to send.
    #[arg(short = 'c', default_value_t = 4, value_name = "N")]
    count: u16,
    /// Seconds between requests.
    #[arg(short = 'i', default_value_t = 1.0, value_name = "S", value_parser = crate::active::seconds)]
    interval: f64,
    /// Seconds to wait for the last reply.
    #[arg(short = 'W', long, default_value_t = 1.0, value_name = "S", value_parser = crate::active::seconds)]
    timeout: f64,
    /// Data bytes per request (ping's -s).
    #[arg(short = 's', default_value_t = 56, value_name = "N")]
    size: usize,
    /// Requests per second at most.
    #[arg(long, default_value_t = DEFAULT_RATE)]
    rate: f64,
}

pub fn run(a: Args) -> Result<ExitCode, String> {
    let dst = host(&a.host)?;
    let id = (std::process::id() & 0xffff) as u16;
    let data: Vec<u8> = (0..a.size.min(65_000)).map(|i| i as u8).collect();
    let probes: Vec<Packet> = (0..a.count)
        .map(|seq| match dst {
            IpAddr::V4(d) => Ip::new().dst(d) / Icmp::new().id(id).seq(seq) / data.clone(),
            IpAddr::V6(d) => {
                Ipv6::new().dst(d) / Icmpv6::echo_request().id(id).seq(seq).data(data.clone())
            }
        })
        .collect();
    let opts = SrOptions {
        timeout: secs(a.timeout),
        retry: 0,
        inter: pause(Some(a.interval), a.rate),
        iface: None,
    };
    println!("PING {} {} data bytes", dst, a.size);
    let res = sr::sr(probes, &opts).map_err(|e| format!("ping: {e}"))?;
    let mut rtts = Vec::new();
    let mut answered = res.answered;
    answered.sort_by_key(|(p, _)| p.index);
    for (p, r) in &answered {
        let rtt = p.rtt(r).as_secs_f64() * 1000.0;
        rtts.push(rtt);
        let seq = match r.summary.l4 {
            L4::Icmp { seq, .. } | L4::Icmpv6 { seq, .. } => seq,
            _ => 0,
        };
        let ttl = r.summary.ip.map_or(0, |i| i.ttl);
        let bytes = r
            .data
            .len()
            .saturating_sub(if r.summary.ip.is_some_and(|i| i.src.is_ipv4()) {
                14 + 20
            } else {
                14 + 40
            });
        println!("{bytes} bytes from {dst}: icmp_seq={seq} ttl={ttl} time={rtt:.3} ms");
    }
    let sent = u64::from(a.count);
    let got = rtts.len() as u64;
    let loss = (sent - got)
        .checked_mul(100)
        .and_then(|x| x.checked_div(sent))
        .unwrap_or(0);
    println!("--- {dst} ping statistics ---");
    println!("{sent} packets transmitted, {got} received, {loss}% packet loss");
    if !rtts.is_empty() {
        let min = rtts.iter().copied().fold(f64::INFINITY, f64::min);
        let max = rtts.iter().copied().fold(0.0, f64::max);
        let avg = rtts.iter().sum::<f64>() / rtts.len() as f64;
        println!("rtt min/avg/max = {min:.3}/{avg:.3}/{max:.3} ms");
    }
    Ok(if got > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
