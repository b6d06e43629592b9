//! The addresses Scapy fills in when a packet is sent rather than only built: the IP source
//! from the route, the Ethernet source from the egress interface, the Ethernet destination
//! from neighbour resolution, ARP's `hwsrc` / `psrc`. Fields the user set are left alone, so
//! spoofed or wrong values still go out as written.

use super::neigh;
use super::route::{self, Route};
use super::{NetError, Result};
use crate::layers::multicast_mac;
use crate::{Layer, Packet};
use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Duration;
use strata_wire::MacAddr;

/// How long neighbour resolution may take per destination.
pub const RESOLVE_TIMEOUT: Duration = Duration::from_secs(1);

/// The destination of a packet's network layer (IP / IPv6 `dst`, ARP `pdst`), from `start`.
pub fn destination(p: &Packet, start: usize) -> Option<IpAddr> {
    let layers = p.layers.get(start..)?;
    let i = layers
        .iter()
        .position(|l| !matches!(l, Layer::Ether(_) | Layer::Dot1Q(_)))?;
    Some(match layers.get(i)? {
        Layer::Ip(ip) => ip.resolved_dst().into(),
        Layer::Ipv6(ip6) => ip6.resolved_dst(layers.get(i + 1)).into(),
        Layer::Arp(a) => a.pdst.unwrap_or(std::net::Ipv4Addr::UNSPECIFIED).into(),
        _ => return None,
    })
}

/// Fills packets for sending, remembering routes and neighbours per destination so a scan of
/// a thousand ports reads the routing table and resolves the MAC once.
#[derive(Debug, Default)]
pub struct Filler {
    iface: Option<String>,
    routes: HashMap<IpAddr, Route>,
    macs: HashMap<IpAddr, MacAddr>,
}

impl Filler {
    /// `iface` forces the egress interface (`-i`); `None` follows the routing table.
    pub fn new(iface: Option<&str>) -> Filler {
        Filler {
            iface: iface.map(str::to_string),
            ..Filler::default()
        }
    }

    fn route(&mut self, dst: IpAddr) -> Result<Route> {
        if let Some(r) = self.routes.get(&dst) {
            return Ok(r.clone());
        }
        let r = match &self.iface {
            Some(name) => route::via_interface(name, dst)?,
            None => route::route(dst)?,
        };
        self.routes.insert(dst, r.clone());
        Ok(r)
    }

    /// Fills a layer-3 packet (starting with IP or IPv6) for `send` / `sr`: the source
    /// address, from the route to its destination. Returns that route (where answers arrive).
    pub fn layer3(&mut self, p: &mut Packet) -> Result<Route> {
        let dst = match p.layers.first() {
            Some(Layer::Ip(_) | Layer::Ipv6(_)) => destination(p, 0),
            _ => None,
        }
        .ok_or_else(|| {
            NetError::Unsupported("a layer-3 packet starts with IP() or IPv6()".into())
        })?;
        let r = self.route(dst)?;
        fill_sources(p, &r);
        Ok(r)
    }

    /// Fills a layer-2 packet (starting with Ether) for `sendp` / `srp`: Ethernet source and
    /// destination (multicast mapping, else the next hop's neighbour entry), then the layer-3
    /// sources.
    pub fn layer2(&mut self, p: &mut Packet) -> Result<Route> {
        let dst = destination(p, 0);
        let r = match (dst, &self.iface) {
            (Some(d), _) => self.route(d)?,
            (None, Some(name)) => {
                route::via_interface(name, std::net::Ipv4Addr::UNSPECIFIED.into())?
            }
            (None, None) => {
                return Err(NetError::Unsupported(
                    "a frame without IP / IPv6 / ARP needs an interface (-i)".into(),
                ))
            }
        };
        fill_sources(p, &r);
        if !matches!(p.layers.first(), Some(Layer::Ether(e)) if e.dst.is_none()) {
            return Ok(r);
        }
        let i = p
            .layers
            .iter()
            .position(|l| !matches!(l, Layer::Ether(_) | Layer::Dot1Q(_)));
        let l3 = i.and_then(|i| p.layers.get(i));
        let over = i.and_then(|i| p.layers.get(i + 1));
        let mac = match (multicast_mac(l3, over), dst) {
            (Some(m), _) => m,
            (None, Some(d)) => {
                let hop = r.next_hop(d);
                match self.macs.get(&hop) {
                    Some(m) => *m,
                    None => {
                        let m = neigh::resolve(hop, &r, RESOLVE_TIMEOUT)?;
                        self.macs.insert(hop, m);
                        m
                    }
                }
            }
            (None, None) => MacAddr::BROADCAST,
        };
        if let Some(Layer::Ether(e)) = p.layers.first_mut() {
            e.dst = Some(mac);
        }
        Ok(r)
    }
}

/// Sets every unset source in the stack from the route: Ether `src`, IP / IPv6 `src`, ARP
/// `hwsrc` / `psrc`. Only the outermost network layer takes the route's address.
pub fn fill_sources(p: &mut Packet, r: &Route) {
    let mut l3_done = false;
    for l in &mut p.layers {
        match l {
            Layer::Ether(e) if e.src.is_none() => e.src = r.mac,
            Layer::Ip(ip) if !l3_done => {
                l3_done = true;
                if let (None, IpAddr::V4(s)) = (ip.src, r.src) {
                    ip.src = Some(s);
                }
            }
            Layer::Ipv6(ip6) if !l3_done => {
                l3_done = true;
                if let (None, IpAddr::V6(s)) = (ip6.src, r.src) {
                    ip6.src = Some(s);
                }
            }
            Layer::Arp(a) => {
                if a.hwsrc.is_none() {
                    a.hwsrc = r.mac;
                }
                if let (None, IpAddr::V4(s)) = (a.psrc, r.src) {
                    a.psrc = Some(s);
                }
            }
            _ => {}
        }
    }
}
