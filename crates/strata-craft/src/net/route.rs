//! Which interface and source address reach a destination: Scapy's `conf.route.route(dst)`.
//!
//! The interface comes from the kernel's main table as `/proc/net/route` and
//! `/proc/net/ipv6_route` show it (longest prefix, then lowest metric), read in the calling
//! process's network namespace. The source address comes from the kernel itself: a UDP socket
//! `connect`ed to the destination (nothing is sent) reports the address the kernel would pick,
//! policy routing and `src` hints included, which no table parse gets exactly right.

use super::{NetError, Result};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, UdpSocket};
use strata_capture::interfaces::{self, Interface};
use strata_wire::MacAddr;

/// `RTF_GATEWAY` and `RTF_REJECT` from <linux/route.h>.
const RTF_GATEWAY: u32 = 0x0002;
const RTF_REJECT: u32 = 0x0200;

/// The way out to one destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// Egress interface name (`lo` for local addresses).
    pub iface: String,
    pub ifindex: u32,
    /// The source address the kernel picks for this destination.
    pub src: IpAddr,
    /// The next hop when the destination is not on-link.
    pub gateway: Option<IpAddr>,
    /// The interface's MAC (`None` on interfaces without one: tun, WireGuard).
    pub mac: Option<MacAddr>,
    pub loopback: bool,
}

impl Route {
    /// The address whose MAC a frame to `dst` carries: the gateway, or `dst` itself.
    pub fn next_hop(&self, dst: IpAddr) -> IpAddr {
        self.gateway.unwrap_or(dst)
    }
}

/// One row of the kernel table.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    dest: IpAddr,
    prefix: u8,
    gateway: Option<IpAddr>,
    metric: u32,
    iface: String,
}

/// The route to `dst`, as the kernel would take it.
pub fn route(dst: IpAddr) -> Result<Route> {
    let ifaces = interfaces::list()?;
    let src = source_for(dst)?;
    let own = |i: &Interface| i.addresses.iter().any(|a| a.addr == dst);
    // Local destinations (our own addresses, 127/8, ::1) go through the loopback device; the
    // main table does not list them (they live in table `local`).
    let (iface_name, gateway) = if dst.is_loopback() || ifaces.iter().any(own) {
        let lo = ifaces.iter().find(|i| i.flags.loopback);
        (
            lo.map_or_else(|| "lo".to_string(), |i| i.name.clone()),
            None,
        )
    } else {
        let rows = match dst {
            IpAddr::V4(_) => parse_v4(&read("/proc/net/route")?),
            IpAddr::V6(_) => parse_v6(&read("/proc/net/ipv6_route")?),
        };
        let best = best_match(&rows, dst).ok_or(NetError::NoRoute(dst))?;
        (best.iface.clone(), best.gateway)
    };
    let iface = ifaces
        .iter()
        .find(|i| i.name == iface_name)
        .ok_or(NetError::NoRoute(dst))?;
    Ok(Route {
        iface: iface.name.clone(),
        ifindex: iface.index,
        src,
        gateway,
        mac: iface.mac.map(MacAddr),
        loopback: iface.flags.loopback,
    })
}

/// The interface called `name` as a route (for `-i IFACE`, arping and sniff): its first
/// address of `dst`'s family as the source.
pub fn via_interface(name: &str, dst: IpAddr) -> Result<Route> {
    let (iface, _) = interfaces::resolve(name)?;
    let src = iface
        .addresses
        .iter()
        .map(|a| a.addr)
        .find(|a| a.is_ipv4() == dst.is_ipv4())
        .unwrap_or(match dst {
            IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
        });
    Ok(Route {
        ifindex: iface.index,
        src,
        gateway: None,
        mac: iface.mac.map(MacAddr),
        loopback: iface.flags.loopback,
        iface: iface.name,
    })
}

/// The kernel's source address for `dst`: connect a UDP socket (no packet leaves) and read
/// its local address.
fn source_for(dst: IpAddr) -> Result<IpAddr> {
    let io = |what: &str| {
        let what = format!("{what} (source address for {dst})");
        move |source| NetError::Io { what, source }
    };
    let any: IpAddr = match dst {
        IpAddr::V4(_) => Ipv4Addr::UNSPECIFIED.into(),
        IpAddr::V6(_) => Ipv6Addr::UNSPECIFIED.into(),
    };
    let sock = UdpSocket::bind((any, 0)).map_err(io("bind"))?;
    if dst.is_ipv4() {
        // A broadcast destination needs SO_BROADCAST even to connect.
        sock.set_broadcast(true).map_err(io("SO_BROADCAST"))?;
    }
    match sock.connect((dst, 9)) {
        Ok(()) => Ok(sock.local_addr().map_err(io("getsockname"))?.ip()),
        Err(e) if e.raw_os_error() == Some(libc::ENETUNREACH) => Err(NetError::NoRoute(dst)),
        Err(e) => Err(io("connect")(e)),
    }
}

fn read(path: &str) -> Result<String> {
    std::fs::read_to_string(path).map_err(|source| NetError::Io {
        what: format!("read {path}"),
        source,
    })
}

/// `/proc/net/route`: addresses are the in-memory `__be32` printed as a native-endian hex
/// integer, so `to_ne_bytes` gives the octets back in order.
fn parse_v4(text: &str) -> Vec<Row> {
    let hex4 = |s: &str| {
        u32::from_str_radix(s, 16)
            .ok()
            .map(|n| Ipv4Addr::from(n.to_ne_bytes()))
    };
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let (iface, dest, gw, flags, metric, mask) = (
                f.first()?,
                f.get(1)?,
                f.get(2)?,
                f.get(3)?,
                f.get(6)?,
                f.get(7)?,
            );
            let flags = u32::from_str_radix(flags, 16).ok()?;
            if flags & RTF_REJECT != 0 {
                return None;
            }
            let gateway = hex4(gw).filter(|g| flags & RTF_GATEWAY != 0 && !g.is_unspecified());
            Some(Row {
                dest: hex4(dest)?.into(),
                prefix: u32::from_be_bytes(hex4(mask)?.octets()).leading_ones() as u8,
                gateway: gateway.map(IpAddr::V4),
                metric: metric.parse().ok()?,
                iface: iface.to_string(),
            })
        })
        .collect()
}

/// `/proc/net/ipv6_route`: dest, prefix, src, src prefix, next hop, metric, refcnt, use,
/// flags, device; addresses as 32 hex digits in network order.
fn parse_v6(text: &str) -> Vec<Row> {
    let hex16 = |s: &str| u128::from_str_radix(s, 16).ok().map(Ipv6Addr::from);
    text.lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let flags = u32::from_str_radix(f.get(8)?, 16).ok()?;
            if flags & RTF_REJECT != 0 {
                return None;
            }
            let gw = hex16(f.get(4)?)?;
            Some(Row {
                dest: hex16(f.first()?)?.into(),
                prefix: u8::from_str_radix(f.get(1)?, 16).ok()?,
                gateway: (!gw.is_unspecified()).then_some(IpAddr::V6(gw)),
                metric: u32::from_str_radix(f.get(5)?, 16).ok()?,
                iface: f.get(9)?.to_string(),
            })
        })
        .collect()
}

/// Longest prefix containing `dst`, then the lowest metric.
fn best_match(rows: &[Row], dst: IpAddr) -> Option<&Row> {
    rows.iter()
        .filter(|r| contains(r.dest, r.prefix, dst))
        .max_by(|a, b| a.prefix.cmp(&b.prefix).then(b.metric.cmp(&a.metric)))
}

/// Whether `addr` is in `net/prefix` (false across families).
pub fn contains(net: IpAddr, prefix: u8, addr: IpAddr) -> bool {
    match (net, addr) {
        (IpAddr::V4(n), IpAddr::V4(a)) => {
            let mask = u32::MAX
                .checked_shl(32 - u32::from(prefix.min(32)))
                .unwrap_or(0);
            u32::from(n) & mask == u32::from(a) & mask
        }
        (IpAddr::V6(n), IpAddr::V6(a)) => {
            let mask = u128::MAX
                .checked_shl(128 - u32::from(prefix.min(128)))
                .unwrap_or(0);
            u128::from(n) & mask == u128::from(a) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_net_route_longest_prefix() {
        let text =
            "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n\
            eth0\t00000000\t0100A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n\
            eth0\t0000A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n\
            veth1\t000712C6\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n";
        let rows = parse_v4(text);
        assert_eq!(rows.len(), 3);
        let r = best_match(&rows, "198.18.7.9".parse().unwrap()).unwrap();
        assert_eq!(r.iface, "veth1");
        assert_eq!(r.prefix, 24);
        let d = best_match(&rows, "8.8.8.8".parse().unwrap()).unwrap();
        assert_eq!(d.gateway, Some("192.168.0.1".parse().unwrap()));
    }

    #[test]
    fn proc_net_ipv6_route() {
        let text = "20010db8000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0\n\
            00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n";
        let rows = parse_v6(text);
        assert_eq!(rows.len(), 1);
        assert!(best_match(&rows, "2001:db8::5".parse().unwrap()).is_some());
        assert!(best_match(&rows, "2001:db9::5".parse().unwrap()).is_none());
    }
}
