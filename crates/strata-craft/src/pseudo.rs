//! Scapy's transport checksums: `in4_chksum` and `in6_chksum`, i.e. which addresses and which
//! length go into the pseudo-header, including Scapy's rules for crafted packets:
//! an IPv4 `len` set by hand shortens or lengthens the pseudo-header length, and an IPv6
//! routing header with segments left puts its last address in place of the destination, and
//! a Home Address option puts its address in place of the source.

use crate::layers::{Ipv6Ext, Ipv6ExtKind};
use crate::packet::{Cx, Layer};
use strata_wire::checksum::{finish, sum, PseudoHeader};

/// The checksum TCP or UDP gets over `segment` (header with a zero checksum, plus payload), or
/// `None` when the layer under it is not IP — Scapy then leaves the field 0.
pub fn transport(cx: &Cx, proto: u8, segment: &[u8]) -> Option<u16> {
    match cx.under()? {
        Layer::Ip(ip) => {
            let len = match ip.len {
                // Scapy: the IP length minus the header length the packet claims.
                Some(total) => (total as usize).saturating_sub(4 * ip.resolved_ihl() as usize),
                None => segment.len(),
            };
            let pseudo = PseudoHeader::V4 {
                src: ip.resolved_src(),
                dst: ip.resolved_dst(),
            };
            Some(finish(sum(pseudo.sum(proto, len as u32), segment)))
        }
        Layer::Ipv6(_) | Layer::Ipv6Ext(_) => Some(pseudo6(cx)?.checksum(proto, segment)),
        _ => None,
    }
}

/// The IPv6 pseudo-header for a layer over `below` (Scapy's `in6_chksum` walk): the nearest
/// IPv6 header under it, with the final destination of a routing header in between. `None`
/// when there is no IPv6 header under the layer at all.
pub fn pseudo6(cx: &Cx) -> Option<PseudoHeader> {
    let mut final_dst = None;
    let mut home = None;
    for (i, l) in cx.below.iter().enumerate().rev() {
        match l {
            Layer::Ipv6Ext(Ipv6Ext {
                home_address: Some(a),
                ..
            }) => home = Some(*a),
            Layer::Ipv6Ext(Ipv6Ext {
                kind: Ipv6ExtKind::Routing,
                segleft,
                addresses,
                ..
            }) if final_dst.is_none() && segleft.is_none_or(|s| s != 0) => {
                final_dst = addresses.last().copied();
            }
            Layer::Ipv6(ip6) => {
                // What the IPv6 header carries decides its overloaded destination.
                let payload = cx.below.get(i + 1).unwrap_or(cx.this);
                let dst = ip6.resolved_dst(Some(payload));
                return Some(PseudoHeader::V6 {
                    src: home.unwrap_or_else(|| ip6.resolved_src(Some(payload))),
                    dst: final_dst.unwrap_or(dst),
                });
            }
            _ => {}
        }
    }
    None
}
