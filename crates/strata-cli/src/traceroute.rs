//! `strata traceroute HOST`: Scapy's `traceroute`: one probe per TTL, all sent at the rate
//! limit, answers matched (routers' time-exceeded quoting the probe, or the destination's own
//! reply); hops printed up to the first TTL the destination answered.
//!
//! Each TTL's probe differs in a field an ICMP error quotes (ICMP seq, UDP destination port,
//! TCP source port), so an error for one TTL can never be taken for another's.

use crate::active::{host, pause, secs, DEFAULT_RATE};
use clap::{Args as ClapArgs, ValueEnum};
use std::net::IpAddr;
use std::process::ExitCode;
use strata_craft::net::answers::L4;
use strata_craft::net::sr::{self, SrOptions};
use strata_craft::{Icmp, Icmpv6, Ip, Ipv6, Packet, Tcp, Udp};

#[derive(Clone, Copy, ValueEnum)]
enum ProbeProto {
    Icmp,
    Udp,
    Tcp,
}

#[derive(ClapArgs)]
pub struct Args {
    /// Destination address (or name).
    host: String,
    /// Probe protocol.
    #[arg(long, value_enum, default_value = "icmp")]
    proto: ProbeProto,
    /// Highest TTL probed.
    #[arg(long, default_value_t = 30, value_name = "N")]
    max_ttl: u8,
    /// TCP destination port (UDP: the first of the 33434+ series).
    #[arg(long, value_name = "PORT")]
    dport: Option<u16>,
    /// Seconds to wait for answers after the last probe.
    #[arg(long, default_value_t = 2.0, value_name = "S", value_parser = crate::active::seconds)]
    timeout: f64,
    /// Probes per second at most.
    #[arg(long, default_value_t = DEFAULT_RATE)]
    rate: f64,
}

fn probe(dst: IpAddr, ttl: u8, proto: ProbeProto, dport: Option<u16>, id: u16) -> Packet {
    let l4: Packet = match (proto, dst) {
        (ProbeProto::Icmp, IpAddr::V4(_)) => Icmp::new().id(id).seq(ttl).into(),
        (ProbeProto::Icmp, IpAddr::V6(_)) => Icmpv6::echo_request().id(id).seq(ttl).into(),
        (ProbeProto::Udp, _) => Udp::new()
            .sport(id | 0x8000)
            .dport(dport.unwrap_or(33434).wrapping_add(u16::from(ttl) - 1))
            .into(),
        (ProbeProto::Tcp, _) => Tcp::new()
            .sport((id | 0x8000).wrapping_add(u16::from(ttl)))
            .dport(dport.unwrap_or(80))
            .flags("S")
            .into(),
    };
    match dst {
        IpAddr::V4(d) => Ip::new().dst(d).ttl(ttl).id(u16::from(ttl)) / l4,
        IpAddr::V6(d) => Ipv6::new().dst(d).hlim(ttl) / l4,
    }
}

pub fn run(a: Args) -> Result<ExitCode, String> {
    let dst = host(&a.host)?;
    let max = a.max_ttl.clamp(1, 64);
    let id = (std::process::id() & 0x7fff) as u16;
    let probes = (1..=max)
        .map(|t| probe(dst, t, a.proto, a.dport, id))
        .collect();
    let opts = SrOptions {
        timeout: secs(a.timeout),
        retry: 0,
        inter: pause(None, a.rate),
        iface: None,
    };
    println!("traceroute to {dst}, {max} hops max");
    let res = sr::sr(probes, &opts).map_err(|e| format!("traceroute: {e}"))?;
    let mut hops: Vec<Option<(IpAddr, f64, String)>> = vec![None; usize::from(max)];
    for (p, r) in &res.answered {
        let Some(ip) = r.summary.ip else { continue };
        let note = match r.summary.l4 {
            L4::Tcp { flags, .. } => format!(" {}", crate::active::tcp_flags(flags)),
            L4::Icmp { ty: 3, code, .. } => format!(" unreachable code {code}"),
            _ => String::new(),
        };
        if let Some(slot) = hops.get_mut(p.index) {
            *slot = Some((ip.src, p.rtt(r).as_secs_f64() * 1000.0, note));
        }
    }
    let last = hops
        .iter()
        .position(|h| h.as_ref().is_some_and(|(ip, _, _)| *ip == dst))
        .unwrap_or(hops.len().saturating_sub(1));
    for (i, h) in hops.iter().enumerate().take(last + 1) {
        match h {
            Some((ip, ms, note)) => println!("{:>3}  {ip}  {ms:.3} ms{note}", i + 1),
            None => println!("{:>3}  *", i + 1),
        }
    }
    Ok(ExitCode::SUCCESS)
}
