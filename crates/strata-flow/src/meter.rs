//! The flow table: creation, update, NFStream's expiry rules, an LRU for the idle scan, and a
//! cap on the number of flows with evictions counted.

use crate::flow::{expiration, Flow};
use crate::key::{FlowKey, FxBuild};
use crate::packet::FlowPacket;
use crate::plugin::{PacketCtx, Plugin};
use crate::FlowOptions;
use std::collections::HashMap;
use std::sync::Arc;

const NIL: u32 = u32::MAX;

struct Node {
    /// Boxed: a flow is ~1 KB, and it moves from table to output to writer; a box moves 8 bytes.
    flow: Option<Box<Flow>>,
    prev: u32,
    next: u32,
    /// Packet index of the last update (LRU position, and the output order of idle expiries).
    touched: u64,
}

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
    map: HashMap<FlowKey, u32, FxBuild>,
    nodes: Vec<Node>,
    free: Vec<u32>,
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
    // Boxes on purpose: expired flows move through several vectors before they are written.
    #[allow(clippy::vec_box)]
    out: Vec<Box<Flow>>,
}

impl Meter {
    pub fn new(opts: Arc<FlowOptions>, plugins: Arc<Vec<Box<dyn Plugin>>>) -> Meter {
        let unit = opts.time_unit;
        Meter {
            idle_timeout: unit.ms_to_ticks(opts.idle_timeout_ms),
            active_timeout: unit.ms_to_ticks(opts.active_timeout_ms),
            opts,
            plugins,
            map: HashMap::with_hasher(FxBuild),
            nodes: Vec::new(),
            free: Vec::new(),
            head: NIL,
            tail: NIL,
            tick: 0,
            stats: MeterStats::default(),
            seq: 0,
            out: Vec::new(),
        }
    }

    pub fn active_flows(&self) -> usize {
        self.map.len()
    }

    /// Takes the flows expired so far.
    pub fn drain(&mut self) -> std::vec::Drain<'_, Box<Flow>> {
        self.out.drain(..)
    }

    /// Moves the flows expired so far into `into` (reusing both buffers).
    pub fn take_expired(&mut self, into: &mut Vec<Box<Flow>>) {
        into.append(&mut self.out);
    }

    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    fn unlink(&mut self, i: u32) {
        let (p, n) = (self.nodes[i as usize].prev, self.nodes[i as usize].next);
        if p == NIL {
            self.head = n;
        } else {
            self.nodes[p as usize].next = n;
        }
        if n == NIL {
            self.tail = p;
        } else {
            self.nodes[n as usize].prev = p;
        }
    }

    fn push_back(&mut self, i: u32) {
        self.nodes[i as usize].prev = self.tail;
        self.nodes[i as usize].next = NIL;
        if self.tail == NIL {
            self.head = i;
        } else {
            self.nodes[self.tail as usize].next = i;
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
            let last = self.nodes[i as usize]
                .flow
                .as_ref()
                .map_or(0, |f| f.bi.last_seen);
            if self.tick < idle.saturating_add(last) {
                break;
            }
            // Idle scans run before the packet at `index`: phase 0, in LRU order.
            self.expire(
                i,
                expiration::IDLE,
                (index, 0, self.nodes[i as usize].touched),
            );
        }
    }

    fn expire(&mut self, i: u32, why: i8, order: (u64, u8, u64)) {
        self.unlink(i);
        let node = &mut self.nodes[i as usize];
        if let Some(mut f) = node.flow.take() {
            // The key is not stored twice: it follows from the flow's first packet.
            self.map.remove(&FlowKey::of_flow(&f));
            crate::classify::finish(&mut f);
            f.expiration_id = why;
            f.order = order;
            self.out.push(f);
            self.stats.flows_expired += 1;
        }
        self.free.push(i);
    }

    /// Adds one parsed packet (`index` is its 0-based position in the capture, `frame` its
    /// bytes, `t` its time in the clock unit clamped to the clock, `time_us` its timestamp).
    pub fn process(&mut self, p: &FlowPacket, index: u64, t: u64, time_us: i64, frame: &[u8]) {
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
        let (idle, active) = (self.idle_timeout, self.active_timeout);
        if let Some(&i) = self.map.get(&key) {
            let f = self.nodes[i as usize].flow.as_ref();
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
        self.create(key, p, t, ps, index, time_us, frame);
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
        let node = &mut self.nodes[i as usize];
        node.touched = index;
        let Some(f) = node.flow.as_mut() else { return };
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
        self.unlink(i);
        self.push_back(i);
        if close {
            let seq = self.next_seq();
            self.expire(i, expiration::TCP_CLOSE, (index, 1, seq));
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn create(
        &mut self,
        key: FlowKey,
        p: &FlowPacket,
        t: u64,
        ps: u64,
        index: u64,
        time_us: i64,
        frame: &[u8],
    ) {
        let o = self.opts.clone();
        if o.max_flows > 0 && self.map.len() >= o.max_flows && self.head != NIL {
            let h = self.head;
            let seq = self.next_seq();
            self.expire(h, expiration::EVICTED, (index, 1, seq));
            self.stats.flows_evicted += 1;
        }
        let mut f = Box::new(Flow::new(p, o.splt));
        f.update(p, t, ps, 0, o.splt, o.statistics);
        if o.dissections > 0 {
            crate::classify::inspect(&mut f, p, 0, frame);
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
        let node = Node {
            flow: Some(f),
            prev: NIL,
            next: NIL,
            touched: index,
        };
        let i = match self.free.pop() {
            Some(i) => {
                self.nodes[i as usize] = node;
                i
            }
            None => {
                self.nodes.push(node);
                (self.nodes.len() - 1) as u32
            }
        };
        self.map.insert(key, i);
        self.push_back(i);
        self.stats.flows_created += 1;
        self.stats.max_active_flows = self.stats.max_active_flows.max(self.map.len() as u64);
    }

    /// Expires every flow (end of input), least recently updated first.
    pub fn flush(&mut self) {
        while self.flush_some(usize::MAX) {}
    }

    /// Expires up to `max` flows of the end-of-input flush; true while flows remain. Lets the
    /// caller write them in chunks instead of holding every flow twice.
    pub fn flush_some(&mut self, max: usize) -> bool {
        let mut n = 0;
        while self.head != NIL && n < max {
            let h = self.head;
            let touched = self.nodes[h as usize].touched;
            self.expire(h, expiration::IDLE, (u64::MAX, 0, touched));
            n += 1;
        }
        if self.head == NIL {
            // The table is empty: give its memory back before the last flows are written.
            self.nodes = Vec::new();
            self.free = Vec::new();
            self.map = HashMap::with_hasher(FxBuild);
        }
        self.head != NIL
    }
}
