//! What the active subcommands (`send`, `sr`, `ping`, `arping`, `traceroute`, `scan`, `sniff`)
//! share: the rate limit, host parsing and Scapy-like one-line summaries of packets.

use std::net::{IpAddr, ToSocketAddrs};
use std::time::{Duration, Instant};
use strata_craft::net::answers::{Summary, L4};
use strata_wire::app::dns;
use strata_wire::decode::{Decoded, Proto};
use strata_wire::LinkType;

/// Default ceiling on probes per second for every active tool (`--rate` raises it).
pub const DEFAULT_RATE: f64 = 100.0;

/// The pause between probes: the asked interval, but never faster than `rate` per second.
pub fn pause(interval: Option<f64>, rate: f64) -> Duration {
    let floor = if rate > 0.0 { 1.0 / rate } else { 0.0 };
    secs(interval.unwrap_or(0.0).max(floor).min(3600.0))
}

/// Seconds from the command line (a bounded, non-negative duration). `f64::clamp` keeps a
/// NaN, which `Duration::from_secs_f64` panics on: NaN is zero here (and [`seconds`] refuses
/// it when parsing the arguments).
pub fn secs(s: f64) -> Duration {
    Duration::try_from_secs_f64(s.clamp(0.0, 86_400.0)).unwrap_or(Duration::ZERO)
}

/// clap's parser for a number of seconds: finite and not negative (`inf`, `nan`, `1e300` and
/// `-1` parse as `f64`, and turning them into a `Duration` panics).
pub fn seconds(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number of seconds"))?;
    if !v.is_finite() || v < 0.0 {
        return Err(format!("`{s}`: seconds must be a finite number, 0 or more"));
    }
    Ok(v)
}

/// `secs` seconds after `from`, or None when that is past what an `Instant` can hold (also for
/// a NaN or negative `secs`): a deadline that never comes.
pub fn deadline(from: Instant, secs: f64) -> Option<Instant> {
    Duration::try_from_secs_f64(secs)
        .ok()
        .and_then(|d| from.checked_add(d))
}

/// A numeric address, or a name resolved by the system resolver.
pub fn host(s: &str) -> Result<IpAddr, String> {
    if let Ok(ip) = s.parse() {
        return Ok(ip);
    }
    (s, 0)
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .map(|a| a.ip())
        .ok_or_else(|| format!("cannot resolve host '{s}'"))
}

/// Scapy's `summary()`-like line: `IP / TCP 198.18.0.2:80 > 198.18.0.1:20 SA`.
pub fn summary(link: LinkType, data: &[u8]) -> String {
    let mut d = Decoded::new();
    let s = Summary::of(link, data, &mut d);
    let mut parts = Vec::new();
    if d.has(Proto::Eth) {
        parts.push("Ether".to_string());
    }
    if let Some(a) = s.arp {
        let what = match a.op {
            1 => format!("ARP who has {} says {}", a.pdst, a.psrc),
            2 => format!("ARP is at {} says {}", a.hwsrc, a.psrc),
            op => format!("ARP op {op} {} > {}", a.psrc, a.pdst),
        };
        parts.push(what);
        return parts.join(" / ");
    }
    let Some(ip) = s.ip else {
        parts.push(format!("{} bytes", data.len()));
        return parts.join(" / ");
    };
    parts.push(if ip.src.is_ipv4() { "IP" } else { "IPv6" }.to_string());
    let (src, dst) = (ip.src, ip.dst);
    match s.l4 {
        L4::Tcp {
            sport,
            dport,
            flags,
            ..
        } => parts.push(format!(
            "TCP {} > {} {}",
            endpoint(src, sport),
            endpoint(dst, dport),
            tcp_flags(flags)
        )),
        L4::Udp { sport, dport, dns } => {
            parts.push(format!(
                "UDP {} > {}",
                endpoint(src, sport),
                endpoint(dst, dport)
            ));
            if dns.is_some() {
                if let Some(app) = d.last(Proto::Udp).map(|l| l.payload(data)) {
                    parts.push(dns_summary(app));
                }
            }
        }
        L4::Icmp { ty, code, .. } => {
            parts.push(format!("ICMP {src} > {dst} {} {code}", icmp_type(ty)));
            if let (Some(q), ql4) = (s.quoted_ip, s.quoted_l4) {
                parts.push(format!("IPerror {} > {} {}", q.src, q.dst, quoted(ql4)));
            }
        }
        L4::Icmpv6 { ty, code, .. } => {
            parts.push(format!("ICMPv6 {src} > {dst} type {ty} code {code}"))
        }
        L4::None => parts.push(format!("{src} > {dst} proto {}", ip.proto)),
    }
    parts.join(" / ")
}

fn endpoint(ip: IpAddr, port: u16) -> String {
    match ip {
        IpAddr::V4(a) => format!("{a}:{port}"),
        IpAddr::V6(a) => format!("[{a}]:{port}"),
    }
}

fn quoted(l4: L4) -> String {
    match l4 {
        L4::Tcp { sport, dport, .. } => format!("TCPerror {sport} > {dport}"),
        L4::Udp { sport, dport, .. } => format!("UDPerror {sport} > {dport}"),
        L4::Icmp { id, seq, .. } => format!("ICMPerror id={id} seq={seq}"),
        _ => String::new(),
    }
}

/// Scapy's flag string (`FSRPAUECN` order: `SA`, `RA`, ...).
pub fn tcp_flags(f: u16) -> String {
    "FSRPAUECN"
        .chars()
        .enumerate()
        .filter(|(i, _)| f & (1 << i) != 0)
        .map(|(_, c)| c)
        .collect()
}

fn icmp_type(t: u8) -> String {
    match t {
        0 => "echo-reply".into(),
        3 => "dest-unreach".into(),
        8 => "echo-request".into(),
        11 => "time-exceeded".into(),
        t => t.to_string(),
    }
}

/// `DNS Ans x.strata.test. A 198.18.0.99` / `DNS Qry x.strata.test.`.
pub fn dns_summary(msg: &[u8]) -> String {
    let Ok(m) = dns::Message::new_checked(msg) else {
        return "DNS (malformed)".into();
    };
    let name = |n: dns::Name| {
        let mut v = Vec::new();
        n.write(&mut v);
        String::from_utf8_lossy(&v).into_owned() + "."
    };
    if !m.is_response() {
        let q = m
            .questions()
            .next()
            .map(|q| name(q.name))
            .unwrap_or_default();
        return format!("DNS Qry {q}");
    }
    let mut answers = Vec::new();
    for r in m.records() {
        if r.section != dns::Section::Answer {
            continue;
        }
        let value = if let Some(a) = r.a() {
            format!("A {}", std::net::Ipv4Addr::from(a))
        } else if let Some(a) = r.aaaa() {
            format!("AAAA {}", std::net::Ipv6Addr::from(a))
        } else if let Some(t) = r.target() {
            format!("type {} {}", r.rtype, name(t))
        } else {
            format!("type {}", r.rtype)
        };
        answers.push(format!("{} {value}", name(r.name)));
    }
    if answers.is_empty() {
        format!("DNS Ans rcode={} (no answer)", m.rcode())
    } else {
        format!("DNS Ans {}", answers.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_never_panic() {
        assert_eq!(secs(f64::NAN), Duration::ZERO);
        assert_eq!(secs(f64::INFINITY), Duration::from_secs(86_400));
        assert_eq!(secs(-1.0), Duration::ZERO);
        assert_eq!(pause(Some(f64::NAN), f64::NAN), Duration::ZERO);
        assert_eq!(pause(Some(f64::INFINITY), 1.0), Duration::from_secs(3600));
        assert_eq!(pause(None, f64::MIN_POSITIVE), Duration::from_secs(3600));
        let now = Instant::now();
        assert_eq!(deadline(now, 1e300), None);
        assert_eq!(deadline(now, f64::NAN), None);
        assert_eq!(deadline(now, 2.0), Some(now + Duration::from_secs(2)));
        assert!(seconds("1.5").is_ok());
        for bad in ["nan", "inf", "-inf", "-1", "1e400", "x"] {
            assert!(seconds(bad).is_err(), "{bad}");
        }
    }
}
