//! One file per layer. Each layer is a struct of `Option` fields — `None` is Scapy's default
//! or "compute it at build" — with Scapy's field names, builder methods of the same names, and
//! a [`Proto`](crate::packet::Proto) implementation that fills the `strata-wire` `Repr` and
//! calls its `emit`.

mod arp;
mod dns;
mod dot1q;
mod ether;
mod icmp;
mod icmpv6;
mod ip;
mod ipv6;
mod raw;
mod tcp;
mod udp;

pub use arp::Arp;
pub use dns::{Dns, DnsQr, DnsRr};
pub use dot1q::Dot1Q;
pub use ether::Ether;
pub use icmp::Icmp;
pub use icmpv6::{Icmpv6, Icmpv6Class, NdOpt, NdOptClass};
pub use ip::Ip;
pub use ipv6::{Ipv6, Ipv6Ext, Ipv6ExtKind};
pub use raw::Raw;
pub use tcp::Tcp;
pub use udp::Udp;

use crate::packet::{Cx, Layer};
use core::net::{Ipv4Addr, Ipv6Addr};
use strata_wire::MacAddr;

/// `0x1a2b`-style hex for `show()` (Scapy's `XShortField`).
pub(crate) fn hex(v: u64) -> String {
    format!("{v:#x}")
}

/// Scapy's `getmacbyip` / `in6_getnsmac` for multicast and broadcast: the destination MAC that
/// needs no neighbour resolution.
pub(crate) fn multicast_mac(l3: Option<&Layer>, payload: Option<&Layer>) -> Option<MacAddr> {
    match l3? {
        Layer::Ip(ip) => {
            let d = ip.resolved_dst();
            let o = d.octets();
            if d == Ipv4Addr::BROADCAST {
                Some(MacAddr::BROADCAST)
            } else if d.is_multicast() {
                Some(MacAddr([0x01, 0x00, 0x5e, o[1] & 0x7f, o[2], o[3]]))
            } else {
                None
            }
        }
        Layer::Ipv6(ip6) => {
            let d: Ipv6Addr = ip6.resolved_dst(payload);
            let o = d.octets();
            d.is_multicast()
                .then_some(MacAddr([0x33, 0x33, o[12], o[13], o[14], o[15]]))
        }
        Layer::Arp(_) => Some(MacAddr::BROADCAST),
        _ => None,
    }
}

/// The EtherType Scapy's `bind_layers` gives a link layer (Ether, Dot1Q) carrying `payload`.
pub(crate) fn bound_ethertype(payload: Option<&Layer>) -> Option<u16> {
    Some(match payload? {
        Layer::Ip(_) => 0x0800,
        Layer::Ipv6(_) => 0x86dd,
        Layer::Arp(_) => 0x0806,
        Layer::Dot1Q(_) => 0x8100,
        _ => return None,
    })
}

/// The L3 layer a link layer's destination MAC depends on (through any VLAN tags), and the
/// layer over that L3 (an IPv6 destination can come from its payload).
pub(crate) fn l3_above<'a>(cx: &'a Cx) -> (Option<&'a Layer>, Option<&'a Layer>) {
    match cx.above.iter().position(|l| !matches!(l, Layer::Dot1Q(_))) {
        Some(i) => (cx.above.get(i), cx.above.get(i + 1)),
        None => (None, None),
    }
}
