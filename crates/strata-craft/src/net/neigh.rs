//! The MAC behind an on-link address: Scapy's `getmacbyip` / `getmacbyip6`.
//!
//! IPv4 first reads the kernel's ARP cache (`/proc/net/arp`, per network namespace): a
//! complete entry costs nothing on the wire. Otherwise, like Scapy, we ask: an ARP `who-has`
//! (IPv4) or a neighbour solicitation to the solicited-node group (IPv6), sent on the egress
//! interface, answered within `timeout`, a bounded number of tries.

use super::route::Route;
use super::send::L2Socket;
use super::{NetError, Result};
use crate::{Arp, Ether, Icmpv6, Ipv6, NdOpt};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::{Duration, Instant};
use strata_capture::live::{LiveCapture, LiveOptions};
use strata_wire::MacAddr;

/// ATF_COM: the entry is complete (the MAC is known).
const ATF_COM: u32 = 0x2;

/// Tries per resolution; each waits `timeout / TRIES`.
const TRIES: u32 = 3;

/// The MAC to put in a frame for `ip` leaving by `route`. Loopback needs none (zeros).
pub fn resolve(ip: IpAddr, route: &Route, timeout: Duration) -> Result<MacAddr> {
    if route.loopback {
        return Ok(MacAddr::default());
    }
    if let IpAddr::V4(v4) = ip {
        if let Some(mac) = arp_cache(v4, &route.iface) {
            return Ok(mac);
        }
    }
    let per_try = (timeout / TRIES).max(Duration::from_millis(100));
    for _ in 0..TRIES {
        if let Some(mac) = solicit(ip, route, per_try)? {
            return Ok(mac);
        }
    }
    Err(NetError::NoNeighbour(ip, route.iface.clone()))
}

/// A complete `/proc/net/arp` entry for `ip` on `iface`.
pub fn arp_cache(ip: Ipv4Addr, iface: &str) -> Option<MacAddr> {
    let text = std::fs::read_to_string("/proc/net/arp").ok()?;
    parse_arp_cache(&text, ip, iface)
}

fn parse_arp_cache(text: &str, ip: Ipv4Addr, iface: &str) -> Option<MacAddr> {
    text.lines().skip(1).find_map(|line| {
        let f: Vec<&str> = line.split_whitespace().collect();
        let flags = u32::from_str_radix(f.get(2)?.trim_start_matches("0x"), 16).ok()?;
        let ok = f.first()?.parse::<Ipv4Addr>().ok()? == ip
            && f.get(5)? == &iface
            && flags & ATF_COM != 0;
        ok.then(|| parse_mac(f.get(3)?)).flatten()
    })
}

fn parse_mac(s: &str) -> Option<MacAddr> {
    let mut m = [0u8; 6];
    let mut parts = s.split(':');
    for b in &mut m {
        *b = u8::from_str_radix(parts.next()?, 16).ok()?;
    }
    parts.next().is_none().then_some(MacAddr(m))
}

/// Sends one ARP request / neighbour solicitation and waits for the matching reply.
fn solicit(ip: IpAddr, route: &Route, wait: Duration) -> Result<Option<MacAddr>> {
    let mac = route.mac.unwrap_or_default();
    let (frame, filter) = match (ip, route.src) {
        (IpAddr::V4(dst), IpAddr::V4(src)) => (
            (Ether::new().dst(MacAddr::BROADCAST).src(mac)
                / Arp::new().hwsrc(mac).psrc(src).pdst(dst))
            .build()?,
            format!("arp and arp src host {dst}"),
        ),
        (IpAddr::V6(dst), IpAddr::V6(src)) => {
            let o = dst.octets();
            let group = Ipv6Addr::new(
                0xff02,
                0,
                0,
                0,
                0,
                1,
                0xff00 | u16::from(o[13]),
                u16::from_be_bytes([o[14], o[15]]),
            );
            (
                (Ether::new().src(mac)
                    / Ipv6::new().src(src).dst(group).hlim(255)
                    / Icmpv6::nd_ns().tgt(dst)
                    / NdOpt::src_lladdr().lladdr(mac))
                .build()?,
                format!("icmp6 and src host {dst}"),
            )
        }
        _ => return Ok(None),
    };
    let opts = LiveOptions {
        filter: Some(filter),
        timeout: Duration::from_millis(20),
        promisc: false,
        ..LiveOptions::default()
    };
    let mut cap = LiveCapture::open(&route.iface, opts)?;
    L2Socket::open(&route.iface)?.send(&frame)?;
    let deadline = Instant::now() + wait;
    while Instant::now() < deadline {
        let Some(p) = cap.next_packet_timeout()? else {
            continue;
        };
        let d = p.data;
        let found = match ip {
            // ARP is-at from the address we asked about: its sender MAC.
            IpAddr::V4(_) => (d.len() >= 28 && d.get(20..22) == Some(&[0, 2]))
                .then(|| d.get(22..28)?.try_into().ok().map(MacAddr))
                .flatten(),
            // Neighbour advertisement (136) for our target: the link-layer source of the frame.
            IpAddr::V6(t) => (d.get(54) == Some(&136) && d.get(62..78) == Some(&t.octets()[..]))
                .then(|| d.get(6..12)?.try_into().ok().map(MacAddr))
                .flatten(),
        };
        if found.is_some() {
            return Ok(found);
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_net_arp() {
        let t = "IP address       HW type     Flags       HW address            Mask     Device\n\
                 198.18.7.2       0x1         0x2         aa:bb:cc:dd:ee:ff     *        veth0\n\
                 198.18.7.3       0x1         0x0         00:00:00:00:00:00     *        veth0\n";
        let ip = |s: &str| s.parse().unwrap();
        assert_eq!(
            parse_arp_cache(t, ip("198.18.7.2"), "veth0"),
            Some(MacAddr([0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff]))
        );
        assert_eq!(parse_arp_cache(t, ip("198.18.7.3"), "veth0"), None);
        assert_eq!(parse_arp_cache(t, ip("198.18.7.2"), "eth0"), None);
    }
}
