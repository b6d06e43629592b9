//! The flow key (direction-independent, NFStream's 9-tuple) and a fast symmetric hash.

use crate::packet::FlowPacket;
use std::hash::Hasher;

/// (lower endpoint, higher endpoint, protocol, vlan, tunnel): the same for both directions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FlowKey {
    pub ip_lo: [u8; 16],
    pub ip_hi: [u8; 16],
    pub port_lo: u16,
    pub port_hi: u16,
    pub protocol: u8,
    pub tunnel_id: u8,
    pub vlan_id: u16,
}

impl FlowKey {
    #[inline]
    pub fn of(p: &FlowPacket) -> FlowKey {
        let a = (p.src_ip, p.src_port);
        let b = (p.dst_ip, p.dst_port);
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        FlowKey {
            ip_lo: lo.0,
            ip_hi: hi.0,
            port_lo: lo.1,
            port_hi: hi.1,
            protocol: p.protocol,
            tunnel_id: p.tunnel_id,
            vlan_id: p.vlan_id,
        }
    }

    /// The key of an existing flow (from its first packet's fields).
    #[inline]
    pub fn of_flow(f: &crate::Flow) -> FlowKey {
        FlowKey::of(&FlowPacket {
            src_ip: f.src_ip,
            dst_ip: f.dst_ip,
            src_port: f.src_port,
            dst_port: f.dst_port,
            protocol: f.protocol,
            vlan_id: f.vlan_id,
            tunnel_id: f.tunnel_id,
            ..FlowPacket::default()
        })
    }

    /// A hash that is the same for both directions (the key is already canonical), used to
    /// shard flows over threads.
    #[inline]
    pub fn shard_hash(&self) -> u64 {
        let mut h = FxHasher::default();
        h.write(&self.ip_lo);
        h.write(&self.ip_hi);
        h.write_u64(
            (self.port_lo as u64) << 32
                | (self.port_hi as u64) << 16
                | (self.protocol as u64) << 8
                | self.tunnel_id as u64,
        );
        h.write_u16(self.vlan_id);
        h.finish()
    }
}

pub use strata_wire::hash::{FxBuild, FxHasher};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_is_direction_independent() {
        let mut p = FlowPacket {
            src_port: 1234,
            dst_port: 80,
            protocol: 6,
            ..FlowPacket::default()
        };
        p.src_ip[..4].copy_from_slice(&[10, 0, 0, 2]);
        p.dst_ip[..4].copy_from_slice(&[10, 0, 0, 1]);
        let mut r = p;
        std::mem::swap(&mut r.src_ip, &mut r.dst_ip);
        std::mem::swap(&mut r.src_port, &mut r.dst_port);
        assert_eq!(FlowKey::of(&p), FlowKey::of(&r));
        assert_eq!(FlowKey::of(&p).shard_hash(), FlowKey::of(&r).shard_hash());
        r.vlan_id = 7;
        assert_ne!(FlowKey::of(&p), FlowKey::of(&r));
    }
}
