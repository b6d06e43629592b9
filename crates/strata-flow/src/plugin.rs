//! Plugins: NFStream's NFPlugin model (on_init / on_update / on_expire) in Rust. A plugin adds
//! columns (named `udps.<name>` as in NFStream) computed from the packets of each flow.

use crate::columns::ColumnKind;
use crate::packet::FlowPacket;
use crate::value::Value;

/// What a plugin sees of a packet.
pub struct PacketCtx<'a> {
    /// 1-based frame number in the capture (the key to drill down from a flow to its packets).
    pub frame_number: u64,
    /// Packet time in ms (NFStream's clock), whatever `FlowOptions::time_unit`.
    pub time_ms: u64,
    /// Packet time in µs, for sub-millisecond measurements.
    pub time_us: i64,
    /// 0 = src→dst, 1 = dst→src.
    pub direction: u8,
    pub packet: &'a FlowPacket,
    pub frame: &'a [u8],
}

/// A plugin: a factory of per-flow states plus the names of the columns they fill.
pub trait Plugin: Send + Sync {
    /// Column names, without the `udps.` prefix.
    fn columns(&self) -> Vec<String>;
    /// The type of each column, in `columns` order, for typed writers (Parquet). The default,
    /// strings, fits any value: a typed writer prints scalars into string columns.
    fn column_kinds(&self) -> Vec<ColumnKind> {
        vec![ColumnKind::Str; self.columns().len()]
    }
    /// A new state for a flow, given its first packet (`on_init`).
    fn on_init(&self, ctx: &PacketCtx) -> Box<dyn PluginState>;
}

/// The per-flow state of a plugin.
pub trait PluginState: Send + std::fmt::Debug {
    /// Every later packet of the flow (`on_update`).
    fn on_update(&mut self, ctx: &PacketCtx);
    /// The column values when the flow expires (`on_expire`), one per `Plugin::columns`.
    fn on_expire(&mut self) -> Vec<Value>;
}

/// `udps.packet_indices`: the frame numbers of the flow's packets, the link from a flow to its
/// exact packets. Bounded: past `cap` indices per flow, the rest are counted in
/// `udps.packet_indices_dropped`.
pub struct PacketIndices {
    pub cap: usize,
}

impl Default for PacketIndices {
    fn default() -> PacketIndices {
        PacketIndices { cap: 1 << 16 }
    }
}

#[derive(Debug)]
struct PacketIndicesState {
    cap: usize,
    indices: Vec<u64>,
    dropped: u64,
}

impl Plugin for PacketIndices {
    fn columns(&self) -> Vec<String> {
        vec!["packet_indices".into(), "packet_indices_dropped".into()]
    }
    fn column_kinds(&self) -> Vec<ColumnKind> {
        vec![ColumnKind::ListInt, ColumnKind::Int]
    }
    fn on_init(&self, ctx: &PacketCtx) -> Box<dyn PluginState> {
        Box::new(PacketIndicesState {
            cap: self.cap,
            indices: vec![ctx.frame_number],
            dropped: 0,
        })
    }
}

impl PluginState for PacketIndicesState {
    fn on_update(&mut self, ctx: &PacketCtx) {
        if self.indices.len() < self.cap {
            self.indices.push(ctx.frame_number);
        } else {
            self.dropped += 1;
        }
    }
    fn on_expire(&mut self) -> Vec<Value> {
        vec![
            Value::ListU64(std::mem::take(&mut self.indices)),
            Value::UInt(self.dropped),
        ]
    }
}

/// `udps.tcp_syn_synack_us`, `udps.tcp_synack_ack_us`, `udps.tcp_handshake_rtt_us`: the TCP
/// three-way handshake timings as seen at the capture point (client side = SYN→SYN-ACK,
/// server side = SYN-ACK→ACK, total = their sum). Empty when the flow has no complete handshake.
pub struct TcpHandshakeRtt;

#[derive(Debug, Default)]
struct RttState {
    syn: Option<(i64, u32)>,
    synack: Option<(i64, u32)>,
    ack: Option<i64>,
}

impl Plugin for TcpHandshakeRtt {
    fn columns(&self) -> Vec<String> {
        vec![
            "tcp_syn_synack_us".into(),
            "tcp_synack_ack_us".into(),
            "tcp_handshake_rtt_us".into(),
        ]
    }
    fn column_kinds(&self) -> Vec<ColumnKind> {
        vec![ColumnKind::Int; 3]
    }
    fn on_init(&self, ctx: &PacketCtx) -> Box<dyn PluginState> {
        let mut s = RttState::default();
        s.on_update(ctx);
        Box::new(s)
    }
}

impl PluginState for RttState {
    fn on_update(&mut self, ctx: &PacketCtx) {
        let p = ctx.packet;
        if p.protocol != 6 {
            return;
        }
        let (syn, ack) = (p.tcp_flags & 0x02 != 0, p.tcp_flags & 0x10 != 0);
        match (syn, ack, ctx.direction) {
            (true, false, 0) if self.syn.is_none() => self.syn = Some((ctx.time_us, p.tcp_seq)),
            (true, true, 1) if self.syn.is_some() && self.synack.is_none() => {
                let (_, isn) = self.syn.unwrap_or_default();
                if p.tcp_ack == isn.wrapping_add(1) {
                    self.synack = Some((ctx.time_us, p.tcp_seq));
                }
            }
            (false, true, 0) if self.synack.is_some() && self.ack.is_none() => {
                let (_, isn) = self.synack.unwrap_or_default();
                if p.tcp_ack == isn.wrapping_add(1) {
                    self.ack = Some(ctx.time_us);
                }
            }
            _ => {}
        }
    }
    fn on_expire(&mut self) -> Vec<Value> {
        match (self.syn, self.synack, self.ack) {
            // Saturating: the times are the capture's timestamps as they are (they may go
            // backwards, and a pcapng file can put them anywhere in the i64 range).
            (Some((t0, _)), Some((t1, _)), Some(t2)) => vec![
                Value::Int(t1.saturating_sub(t0)),
                Value::Int(t2.saturating_sub(t1)),
                Value::Int(t2.saturating_sub(t0)),
            ],
            (Some((t0, _)), Some((t1, _)), None) => {
                vec![Value::Int(t1.saturating_sub(t0)), Value::Null, Value::Null]
            }
            _ => vec![Value::Null, Value::Null, Value::Null],
        }
    }
}
