//! The flow table: creation, update, NFStream's expiry rules, an LRU for the idle scan, and a
//! cap on the number of flows with evictions counted.
//!
//! Flows live inline in a slab (`Vec<Slot>` with a free list) and are found through an
//! open-addressing table of 8-byte entries (32-bit key hash, slab index), probed linearly: a
//! lookup reads one table line and then the flow itself. The LRU order is a doubly linked list
//! in its own compact array, so moving a flow to the back touches 8-byte links, not flows.

use crate::flow::{expiration, Flow};
use crate::key::FlowKey;
use crate::packet::FlowPacket;
use crate::plugin::{PacketCtx, Plugin};
use crate::FlowOptions;
use std::sync::Arc;

const NIL: u32 = u32::MAX;

/// One slab entry: a flow (None when free) and what the table and LRU need of it.
#[derive(Default)]
struct Slot {
    flow: Option<Flow>,
    /// Packet index of the last update (LRU position, and the output order of idle expiries).
    touched: u64,
    /// The key hash (its table entry's tag).
    tag: u32,
}

/// LRU neighbours of a slab entry.
#[derive(Clone, Copy)]
struct Link {
    prev: u32,
    next: u32,
}

/// Fewest table entries (a power of two); the table doubles past half full.
const MIN_TABLE_BITS: u32 = 10;

/// Counters a run reports at the end.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MeterStats {
    pub packets_seen: u64,
    pub packets_accepted: u64,
    pub packets_ignored: u64,
    pub flows_created: u64,
    pub flows_expired: u64,
    /// Flows evicted because the table was at `max_flows`.
    pub flows_evicted: u64,
    pub max_active_flows: u64,
}

/// One flow meter (one shard when threaded).
pub struct Meter {
    opts: Arc<FlowOptions>,
    plugins: Arc<Vec<Box<dyn Plugin>>>,
    slots: Vec<Slot>,
    links: Vec<Link>,
    free: Vec<u32>,
    /// Open addressing, linear probing: `tag << 32 | (slab index + 1)`, 0 = empty. An entry's
    /// home position is the top `bits` bits of its tag.
    table: Vec<u64>,
    bits: u32,
    /// Flows in the table.
    live: usize,
    /// The end-of-input flush has emptied the table (not the slab) without removing entries.
    table_dropped: bool,
    head: u32,
    tail: u32,
    /// The meter clock (in `FlowOptions::time_unit`): never goes backwards.
    pub tick: u64,
    /// The timeouts in the clock unit.
    idle_timeout: u64,
    active_timeout: u64,
    pub stats: MeterStats,
    /// Expiries caused by the packet being processed (orders them after the idle scan's).
    seq: u64,
    /// Flows expired since the last drain, in expiry order.
    out: Vec<Flow>,
}

/// The table tag of a key hash (`FlowKey::shard_hash`): 32 well-mixed bits of it.
#[inline]
fn tag_of(h: u64) -> u32 {
    let m = (h ^ (h >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    ((m ^ (m >> 32)) >> 32) as u32
}

/// Whether `f` is the flow of `key` (the key is not stored: it follows from the flow's first
/// packet).
#[inline]
fn same_flow(f: &Flow, k: &FlowKey) -> bool {
    if f.protocol != k.protocol || f.vlan_id != k.vlan_id || f.tunnel_id != k.tunnel_id {
        return false;
    }
    let a = (&f.src_ip, f.src_port);
    let b = (&f.dst_ip, f.dst_port);
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    lo.1 == k.port_lo && hi.1 == k.port_hi && *lo.0 == k.ip_lo && *hi.0 == k.ip_hi
}

/// A cache prefetch hint for `*v` (no effect on other targets).
#[inline(always)]
fn prefetch<T>(v: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch only hints the cache; it never faults, and `v` is a valid reference.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
            (v as *const T).cast::<i8>(),
        );
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = v;
}

impl Meter {
    pub fn new(opts: Arc<FlowOptions>, plugins: Arc<Vec<Box<dyn Plugin>>>) -> Meter {
        let unit = opts.time_unit;
        Meter {
            idle_timeout: unit.ms_to_ticks(opts.idle_timeout_ms),
            active_timeout: unit.ms_to_ticks(opts.active_timeout_ms),
            opts,
            plugins,
            slots: Vec::new(),
            links: Vec::new(),
            free: Vec::new(),
            table: Vec::new(),
            bits: 0,
            live: 0,
            table_dropped: false,
            head: NIL,
            tail: NIL,
            tick: 0,
            stats: MeterStats::default(),
            seq: 0,
            out: Vec::new(),
        }
    }

    pub fn active_flows(&self) -> usize {
        self.live
    }

    /// Takes the flows expired so far.
    pub fn drain(&mut self) -> std::vec::Drain<'_, Flow> {
        self.out.drain(..)
    }

    /// Moves the flows expired so far into `into` (reusing both buffers).
    pub fn take_expired(&mut self, into: &mut Vec<Flow>) {
        if into.is_empty() {
            std::mem::swap(into, &mut self.out);
        } else {
            into.append(&mut self.out);
        }
    }

    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    #[inline]
    fn home(&self, tag: u32) -> usize {
        // `bits` is 0 only while the table is empty (and the shift would overflow).
        tag.checked_shr(32 - self.bits).unwrap_or(0) as usize
    }

    /// The slab index of the flow of `key`.
    #[inline]
    fn find(&self, key: &FlowKey, tag: u32) -> Option<u32> {
        if self.table.is_empty() {
            return None;
        }
        let mask = self.table.len() - 1;
        let mut i = self.home(tag);
        loop {
            let e = self.table[i];
            if e == 0 {
                return None;
            }
            if (e >> 32) as u32 == tag {
                let idx = (e as u32).wrapping_sub(1);
                if let Some(f) = &self.slots[idx as usize].flow {
                    if same_flow(f, key) {
                        return Some(idx);
                    }
                }
            }
            i = (i + 1) & mask;
        }
    }

    fn table_put(table: &mut [u64], home: usize, e: u64) {
        let mask = table.len() - 1;
        let mut i = home;
        while table[i] != 0 {
            i = (i + 1) & mask;
        }
        table[i] = e;
    }

    fn table_insert(&mut self, tag: u32, idx: u32) {
        if (self.live + 1) * 2 > self.table.len() {
            let bits = (self.bits + 1).max(MIN_TABLE_BITS);
            let mut table = vec![0u64; 1 << bits];
            for &e in &self.table {
                if e != 0 {
                    Self::table_put(&mut table, ((e >> 32) as u32 >> (32 - bits)) as usize, e);
                }
            }
            self.table = table;
            self.bits = bits;
        }
        let home = self.home(tag);
        Self::table_put(&mut self.table, home, (tag as u64) << 32 | (idx as u64 + 1));
    }

    /// Removes slab index `idx` (tag `tag`) from the table, shifting later entries of its probe
    /// run back (no tombstones).
    fn table_remove(&mut self, tag: u32, idx: u32) {
        let mask = self.table.len() - 1;
        let want = (tag as u64) << 32 | (idx as u64 + 1);
        let mut i = self.home(tag);
        loop {
            let e = self.table[i];
            if e == want {
                break;
            }
            if e == 0 {
                return;
            }
            i = (i + 1) & mask;
        }
        let mut j = i;
        loop {
            j = (j + 1) & mask;
            let e = self.table[j];
            if e == 0 {
                break;
            }
            let home = self.home((e >> 32) as u32);
            // The entry at j may fill the hole at i unless its home lies in (i, j].
            if (j.wrapping_sub(home) & mask) >= (j.wrapping_sub(i) & mask) {
                self.table[i] = e;
                i = j;
            }
        }
        self.table[i] = 0;
    }

    /// Puts the table back after a flush that dropped it (only if metering goes on).
    fn rebuild_table(&mut self) {
        self.table_dropped = false;
        self.table = Vec::new();
        self.bits = 0;
        let live = std::mem::take(&mut self.live);
        for i in 0..self.slots.len() {
            if self.slots[i].flow.is_some() {
                let tag = self.slots[i].tag;
                self.table_insert(tag, i as u32);
                self.live += 1;
            }
        }
        debug_assert_eq!(live, self.live);
    }

    #[inline]
    fn unlink(&mut self, i: u32) {
        let Link { prev: p, next: n } = self.links[i as usize];
        if p == NIL {
            self.head = n;
        } else {
            self.links[p as usize].next = n;
        }
        if n == NIL {
            self.tail = p;
        } else {
            self.links[n as usize].prev = p;
        }
    }

    #[inline]
    fn push_back(&mut self, i: u32) {
        self.links[i as usize] = Link {
            prev: self.tail,
            next: NIL,
        };
        if self.tail == NIL {
            self.head = i;
        } else {
            self.links[self.tail as usize].next = i;
        }
        self.tail = i;
    }

    /// Runs NFStream's idle scan at clock `tick` (before packet `index`): expires flows idle
    /// for at least the idle timeout, least recently updated first.
    pub fn scan(&mut self, tick: u64, index: u64) {
        if tick > self.tick {
            self.tick = tick;
        }
        self.idle_scan(index);
    }

    fn idle_scan(&mut self, index: u64) {
        let idle = self.idle_timeout;
        while self.head != NIL {
            let i = self.head;
            let slot = &self.slots[i as usize];
            let last = slot.flow.as_ref().map_or(0, |f| f.bi.last_seen);
            if self.tick < idle.saturating_add(last) {
                break;
            }
            // Idle scans run before the packet at `index`: phase 0, in LRU order.
            let touched = slot.touched;
            self.expire(i, expiration::IDLE, (index, 0, touched));
        }
    }

    fn expire(&mut self, i: u32, why: i8, order: (u64, u8, u64)) {
        self.unlink(i);
        let slot = &mut self.slots[i as usize];
        if let Some(mut f) = slot.flow.take() {
            let tag = slot.tag;
            if !self.table_dropped {
                self.table_remove(tag, i);
            }
            self.live -= 1;
            crate::classify::finish(&mut f);
            f.expiration_id = why;
            f.order = order;
            self.out.push(f);
            self.stats.flows_expired += 1;
        }
        self.free.push(i);
    }

    /// Starts loading what the packet with key hash `hash` (`FlowKey::shard_hash`) will read
    /// of the table, a few packets ahead of it.
    #[inline]
    pub fn prefetch_table(&self, hash: u64) {
        if let Some(e) = self.table.get(self.home(tag_of(hash))) {
            prefetch(e);
        }
    }

    /// Starts loading the flow the packet with key hash `hash` most likely belongs to (the
    /// first of its table probe), once its table line is in cache ([`Meter::prefetch_table`]).
    #[inline]
    pub fn prefetch_flow(&self, hash: u64) {
        if let Some(&e) = self.table.get(self.home(tag_of(hash))) {
            if let Some(Some(f)) = self
                .slots
                .get((e as u32).wrapping_sub(1) as usize)
                .map(|s| &s.flow)
            {
                prefetch(&f.src_port);
                prefetch(&f.bi);
            }
        }
    }

    /// Adds one parsed packet (`index` is its 0-based position in the capture, `frame` its
    /// bytes, `t` its time in the clock unit clamped to the clock, `time_us` its timestamp).
    pub fn process(&mut self, p: &FlowPacket, index: u64, t: u64, time_us: i64, frame: &[u8]) {
        let hash = FlowKey::of(p).shard_hash();
        self.process_hashed(p, hash, index, t, time_us, frame);
    }

    /// [`Meter::process`] with the key hash (`FlowKey::shard_hash`) already computed.
    pub fn process_hashed(
        &mut self,
        p: &FlowPacket,
        hash: u64,
        index: u64,
        t: u64,
        time_us: i64,
        frame: &[u8],
    ) {
        if self.table_dropped {
            self.rebuild_table();
        }
        self.stats.packets_accepted += 1;
        self.seq = 0;
        if t > self.tick {
            self.tick = t;
        }
        let o = &*self.opts;
        let ps = match o.accounting {
            crate::Accounting::Link => p.raw_size,
            crate::Accounting::Ip => p.ip_size,
            crate::Accounting::Transport => p.transport_size,
            crate::Accounting::Payload => p.payload_size,
        } as u64;
        let key = FlowKey::of(p);
        let tag = tag_of(hash);
        let (idle, active) = (self.idle_timeout, self.active_timeout);
        if let Some(i) = self.find(&key, tag) {
            let f = self.slots[i as usize].flow.as_ref();
            let expire = f.map(|f| {
                if t - f.bi.last_seen >= idle {
                    Some(expiration::IDLE)
                } else if t - f.bi.first_seen >= active {
                    Some(expiration::ACTIVE)
                } else {
                    None
                }
            });
            match expire.flatten() {
                Some(why) => {
                    let seq = self.next_seq();
                    self.expire(i, why, (index, 1, seq));
                }
                None => {
                    self.update(i, p, t, ps, index, time_us, frame);
                    return;
                }
            }
        }
        self.create(tag, p, t, ps, index, time_us, frame);
    }

    #[allow(clippy::too_many_arguments)]
    fn update(
        &mut self,
        i: u32,
        p: &FlowPacket,
        t: u64,
        ps: u64,
        index: u64,
        time_us: i64,
        frame: &[u8],
    ) {
        let o = &*self.opts;
        let slot = &mut self.slots[i as usize];
        slot.touched = index;
        let Some(f) = slot.flow.as_mut() else { return };
        let dir = f.direction(p);
        f.update(p, t, ps, dir, o.splt, o.statistics);
        if o.dissections > 0 && f.bi.packets <= o.dissections as u64 {
            crate::classify::inspect(f, p, dir, frame);
        }
        if !self.plugins.is_empty() {
            let ctx = PacketCtx {
                frame_number: index + 1,
                time_ms: t / o.time_unit.per_ms(),
                time_us,
                direction: dir,
                packet: p,
                frame,
            };
            for s in &mut f.plugins {
                s.on_update(&ctx);
            }
        }
        let close = o.tcp_close && (f.rst_seen || (f.fin_seen[0] && f.fin_seen[1]));
        if self.tail != i {
            self.unlink(i);
            self.push_back(i);
        }
        if close {
            let seq = self.next_seq();
            self.expire(i, expiration::TCP_CLOSE, (index, 1, seq));
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn create(
        &mut self,
        tag: u32,
        p: &FlowPacket,
        t: u64,
        ps: u64,
        index: u64,
        time_us: i64,
        frame: &[u8],
    ) {
        let o = self.opts.clone();
        if o.max_flows > 0 && self.live >= o.max_flows && self.head != NIL {
            let h = self.head;
            let seq = self.next_seq();
            self.expire(h, expiration::EVICTED, (index, 1, seq));
            self.stats.flows_evicted += 1;
        }
        let i = match self.free.pop() {
            Some(i) => i,
            None => {
                self.slots.push(Slot::default());
                self.links.push(Link {
                    prev: NIL,
                    next: NIL,
                });
                (self.slots.len() - 1) as u32
            }
        };
        let slot = &mut self.slots[i as usize];
        slot.touched = index;
        slot.tag = tag;
        let f = slot.flow.insert(Flow::new(p, o.splt));
        f.update(p, t, ps, 0, o.splt, o.statistics);
        if o.dissections > 0 {
            crate::classify::inspect(f, p, 0, frame);
        }
        if !self.plugins.is_empty() {
            let ctx = PacketCtx {
                frame_number: index + 1,
                time_ms: t / o.time_unit.per_ms(),
                time_us,
                direction: 0,
                packet: p,
                frame,
            };
            f.plugins = self.plugins.iter().map(|pl| pl.on_init(&ctx)).collect();
        }
        self.table_insert(tag, i);
        self.live += 1;
        self.push_back(i);
        self.stats.flows_created += 1;
        self.stats.max_active_flows = self.stats.max_active_flows.max(self.live as u64);
    }

    /// Expires every flow (end of input), least recently updated first.
    pub fn flush(&mut self) {
        while self.flush_some(usize::MAX) {}
    }

    /// Expires up to `max` flows of the end-of-input flush; true while flows remain. Lets the
    /// caller write them in chunks instead of holding every flow twice.
    pub fn flush_some(&mut self, max: usize) -> bool {
        // Nothing is looked up while flushing: drop the table instead of removing each flow
        // (it is rebuilt if a packet comes after all).
        if self.head != NIL && !self.table_dropped {
            self.table_dropped = true;
            self.table = Vec::new();
            self.bits = 0;
        }
        let mut n = 0;
        while self.head != NIL && n < max {
            let h = self.head;
            let touched = self.slots[h as usize].touched;
            self.expire(h, expiration::IDLE, (u64::MAX, 0, touched));
            n += 1;
        }
        if self.head == NIL {
            // The table is empty: give its memory back before the last flows are written.
            self.slots = Vec::new();
            self.links = Vec::new();
            self.free = Vec::new();
            self.table = Vec::new();
            self.bits = 0;
            self.table_dropped = false;
        }
        self.head != NIL
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet(n: u32) -> FlowPacket {
        let mut p = FlowPacket {
            src_port: 1000 + (n % 50000) as u16,
            dst_port: 53,
            protocol: 17,
            ip_version: 4,
            raw_size: 60,
            ..FlowPacket::default()
        };
        p.src_ip[..4].copy_from_slice(&[10, (n >> 16) as u8, (n >> 8) as u8, n as u8]);
        p.dst_ip[..4].copy_from_slice(&[10, 0, 0, 1]);
        p
    }

    /// Creates, finds in both directions and removes many flows; the table stays consistent.
    #[test]
    fn table_survives_churn() {
        let opts = Arc::new(FlowOptions {
            dissections: 0,
            max_flows: 3000,
            ..FlowOptions::default()
        });
        let mut m = Meter::new(opts, Arc::new(Vec::new()));
        let mut index = 0;
        for round in 0..3u32 {
            for n in 0..5000u32 {
                let mut p = packet(n * 7 + round);
                if n % 2 == 1 {
                    std::mem::swap(&mut p.src_ip, &mut p.dst_ip);
                    std::mem::swap(&mut p.src_port, &mut p.dst_port);
                }
                m.process(&p, index, 0, 0, &[]);
                index += 1;
                // The reverse direction joins the same flow.
                let mut r = p;
                std::mem::swap(&mut r.src_ip, &mut r.dst_ip);
                std::mem::swap(&mut r.src_port, &mut r.dst_port);
                m.process(&r, index, 0, 0, &[]);
                index += 1;
            }
        }
        assert_eq!(m.active_flows(), 3000);
        assert_eq!(m.stats.flows_created, 15000);
        assert_eq!(m.stats.flows_evicted, 12000);
        let mut out = Vec::new();
        m.take_expired(&mut out);
        assert!(out.iter().all(|f| f.bi.packets == 2));
        m.flush();
        m.take_expired(&mut out);
        assert_eq!(out.len(), 15000);
        assert!(out[12000..].windows(2).all(|w| w[0].order < w[1].order));
    }
}
