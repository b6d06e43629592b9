//! One bidirectional flow and its NFStream features.

use crate::packet::FlowPacket;
use crate::stats::Welford;

/// Counters of one direction (or both).
#[derive(Debug, Clone, Copy, Default)]
pub struct DirStats {
    /// First and last packet times, in the meter's time unit (`FlowOptions::time_unit`).
    pub first_seen: u64,
    pub last_seen: u64,
    pub packets: u64,
    pub bytes: u64,
    pub ps: Welford,
    pub piat: Welford,
}

/// SYN, CWR, ECE, URG, ACK, PSH, RST, FIN bits (NFStream's column order).
const FLAG_BITS: [u8; 8] = [0x02, 0x80, 0x40, 0x20, 0x10, 0x08, 0x04, 0x01];

impl DirStats {
    #[inline]
    fn add(&mut self, t: u64, ps: u64) {
        if self.packets == 0 {
            self.first_seen = t;
        } else {
            self.piat.push(t - self.last_seen);
        }
        self.last_seen = t;
        self.packets += 1;
        self.bytes += ps;
        self.ps.push(ps);
    }
    /// Last minus first packet time, in the meter's time unit.
    pub fn duration(&self) -> u64 {
        self.last_seen - self.first_seen
    }
}

/// One of a flow's first packets (SPLT): direction, size, gap to the previous packet. Packed
/// in 8 bytes so the sequence is one small allocation per flow.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SpltEntry {
    pub direction: u8,
    /// NFStream's sizes are uint16.
    pub ps: u16,
    /// Gap in the meter's time unit; saturates at u32::MAX (49 days in ms, 71 minutes in µs,
    /// both beyond the idle timeout that would have ended the flow).
    pub piat: u32,
}

/// How a flow ended (NFStream's `expiration_id`, plus Strata's own reasons).
pub mod expiration {
    /// Idle timeout or end of input (NFStream cannot tell them apart either).
    pub const IDLE: i8 = 0;
    pub const ACTIVE: i8 = 1;
    /// A plugin asked for it (NFStream's custom expiry).
    pub const CUSTOM: i8 = -1;
    /// Strata only: evicted because the table was full (`--max-flows`).
    pub const EVICTED: i8 = 2;
    /// Strata only: TCP FIN from both sides or RST (`--tcp-close`).
    pub const TCP_CLOSE: i8 = 3;
}

/// A bidirectional flow.
#[derive(Debug, Default)]
pub struct Flow {
    /// Expiry order, assigned when the flow is written.
    pub id: u64,
    pub expiration_id: i8,
    pub src_ip: [u8; 16],
    pub dst_ip: [u8; 16],
    pub src_mac: [u8; 6],
    pub dst_mac: [u8; 6],
    pub src_port: u16,
    pub dst_port: u16,
    pub protocol: u8,
    pub ip_version: u8,
    pub vlan_id: u16,
    pub tunnel_id: u8,
    pub bi: DirStats,
    pub s2d: DirStats,
    pub d2s: DirStats,
    /// Packets with each TCP flag set, per direction (src→dst, dst→src), in NFStream's column
    /// order SYN, CWR, ECE, URG, ACK, PSH, RST, FIN; the bidirectional counts are their sums.
    pub flags: [[u32; 8]; 2],
    /// The first `--splt` packets (empty when SPLT is off).
    pub splt: Vec<SpltEntry>,
    /// The flow's most recent packet time (clock unit), for SPLT gaps.
    last_any: u64,
    /// TCP FIN seen from src / dst, for `--tcp-close`.
    pub fin_seen: [bool; 2],
    pub rst_seen: bool,
    /// Application classification and metadata.
    pub app: crate::app::AppInfo,
    /// Per-plugin state.
    pub plugins: Vec<Box<dyn crate::plugin::PluginState>>,
    /// Sort key of the expiry event (for deterministic output across threads).
    pub(crate) order: (u64, u8, u64),
}

impl Flow {
    /// The first `--splt` packets.
    #[inline]
    pub fn splt(&self) -> &[SpltEntry] {
        &self.splt
    }

    pub fn new(p: &FlowPacket, splt: usize) -> Flow {
        Flow {
            id: 0,
            expiration_id: expiration::IDLE,
            src_ip: p.src_ip,
            dst_ip: p.dst_ip,
            src_mac: p.src_mac,
            dst_mac: p.dst_mac,
            src_port: p.src_port,
            dst_port: p.dst_port,
            protocol: p.protocol,
            ip_version: p.ip_version,
            vlan_id: p.vlan_id,
            tunnel_id: p.tunnel_id,
            bi: DirStats::default(),
            s2d: DirStats::default(),
            d2s: DirStats::default(),
            flags: [[0; 8]; 2],
            // Reserve for the usual short sequences only: `splt` is a user's number, and
            // Vec::with_capacity panics ("capacity overflow") or aborts for a huge one.
            splt: Vec::with_capacity(splt.min(32)),
            last_any: 0,
            fin_seen: [false; 2],
            rst_seen: false,
            app: crate::app::AppInfo::default(),
            plugins: Vec::new(),
            order: (0, 0, 0),
        }
    }

    /// NFStream's direction rule: 1 when the ports differ from the flow's, or when they match
    /// and the addresses differ.
    #[inline]
    pub fn direction(&self, p: &FlowPacket) -> u8 {
        u8::from(
            p.src_port != self.src_port
                || p.dst_port != self.dst_port
                || p.src_ip != self.src_ip
                || p.dst_ip != self.dst_ip,
        )
    }

    /// Adds a packet at time `t` (clock unit, already clamped to the meter clock) of size `ps`.
    #[inline]
    pub fn update(
        &mut self,
        p: &FlowPacket,
        t: u64,
        ps: u64,
        dir: u8,
        splt_max: usize,
        count_flags: bool,
    ) {
        let gap = if self.bi.packets == 0 {
            0
        } else {
            t - self.last_any
        };
        self.bi.add(t, ps);
        if dir == 0 {
            self.s2d.add(t, ps);
        } else {
            self.d2s.add(t, ps);
        }
        if count_flags && p.tcp_flags != 0 {
            let counts = &mut self.flags[dir as usize & 1];
            for (c, b) in counts.iter_mut().zip(FLAG_BITS) {
                if p.tcp_flags & b != 0 {
                    *c += 1;
                }
            }
        }
        self.last_any = t;
        if self.splt.len() < splt_max {
            self.splt.push(SpltEntry {
                direction: dir,
                ps: ps as u16,
                piat: gap.min(u32::MAX as u64) as u32,
            });
        }
        if p.protocol == 6 {
            if p.tcp_flags & 0x01 != 0 {
                self.fin_seen[dir as usize] = true;
            }
            if p.tcp_flags & 0x04 != 0 {
                self.rst_seen = true;
            }
        }
    }
}
