//! ICMPv6 (Scapy `ICMPv6EchoRequest`, `ICMPv6EchoReply`, the errors `ICMPv6DestUnreach`,
//! `ICMPv6PacketTooBig`, `ICMPv6TimeExceeded`, `ICMPv6ParamProblem`) and neighbour discovery
//! (`ICMPv6ND_RS`, `ICMPv6ND_RA`, `ICMPv6ND_NS`, `ICMPv6ND_NA` and the options
//! `ICMPv6NDOptSrcLLAddr`, `ICMPv6NDOptDstLLAddr`, `ICMPv6NDOptPrefixInfo`, `ICMPv6NDOptMTU`).
//!
//! One struct per family with Scapy's per-class field lists: the wire Repr writes type, code,
//! checksum and the four message bytes; the message body (echo data, target address, RA
//! timers) is written after them and covered by the checksum.

use super::ether::wire_err;
use super::hex;
use crate::error::{CraftError, Result};
use crate::names::{name_of, ICMPV6_TYPES};
use crate::packet::{builders, deferred_impl, opt, Cx, Layer, Proto};
use crate::pseudo::pseudo6;
use crate::value::{escape_bytes, Conv, Value};
use core::net::Ipv6Addr;
use strata_wire::bytes::{be16, be32};
use strata_wire::checksum::PseudoHeader;
use strata_wire::{icmpv6, MacAddr};

/// Which ICMPv6 message an [`Icmpv6`] is (Scapy's class).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Icmpv6Class {
    EchoRequest,
    EchoReply,
    DestUnreach,
    PacketTooBig,
    TimeExceeded,
    ParamProblem,
    RouterSolicit,
    RouterAdvert,
    NeighborSolicit,
    NeighborAdvert,
}

use Icmpv6Class as C;

/// An ICMPv6 message; which fields exist depends on the class, as in Scapy.
#[derive(Debug, Clone)]
pub struct Icmpv6 {
    pub class: Icmpv6Class,
    pub r#type: Option<u8>,
    pub code: Option<u8>,
    pub cksum: Option<u16>,
    pub id: Option<u16>,
    pub seq: Option<u16>,
    pub data: Vec<u8>,
    pub res: Option<u32>,
    pub tgt: Option<Ipv6Addr>,
    pub r: Option<u8>,
    pub s: Option<u8>,
    pub o: Option<u8>,
    pub chlim: Option<u8>,
    pub m: Option<u8>,
    pub h: Option<u8>,
    pub prf: Option<u8>,
    pub p: Option<u8>,
    pub routerlifetime: Option<u16>,
    pub reachabletime: Option<u32>,
    pub retranstimer: Option<u32>,
    pub length: Option<u8>,
    pub unused: Option<u32>,
    pub mtu: Option<u32>,
    pub ptr: Option<u32>,
    deferred: Option<Box<CraftError>>,
}

builders!(Icmpv6 {
    type_ => "type", code => "code", cksum => "cksum", id => "id", seq => "seq", data => "data",
    res => "res", tgt => "tgt", r => "R", s => "S", o => "O", chlim => "chlim", m => "M",
    h => "H", prf => "prf", p => "P", routerlifetime => "routerlifetime",
    reachabletime => "reachabletime", retranstimer => "retranstimer", length => "length",
    unused => "unused", mtu => "mtu", ptr => "ptr",
});

/// What a neighbour-discovery message directly over IPv6 sets in it when left unset
/// (Scapy's `overload_fields`): the destination and hop limit 255.
pub(crate) fn nd_overload(payload: Option<&Layer>) -> Option<(Ipv6Addr, u8)> {
    let Some(Layer::Icmpv6(m)) = payload else {
        return None;
    };
    let all_nodes = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 1);
    let all_routers = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 2);
    match m.class {
        C::RouterSolicit => Some((all_routers, 255)),
        C::RouterAdvert | C::NeighborSolicit | C::NeighborAdvert => Some((all_nodes, 255)),
        _ => None,
    }
}

impl Icmpv6 {
    pub const CLASSES: [&'static str; 10] = [
        "ICMPv6EchoRequest",
        "ICMPv6EchoReply",
        "ICMPv6DestUnreach",
        "ICMPv6PacketTooBig",
        "ICMPv6TimeExceeded",
        "ICMPv6ParamProblem",
        "ICMPv6ND_RS",
        "ICMPv6ND_RA",
        "ICMPv6ND_NS",
        "ICMPv6ND_NA",
    ];
    pub fn new(class: Icmpv6Class) -> Icmpv6 {
        Icmpv6 {
            class,
            r#type: None,
            code: None,
            cksum: None,
            id: None,
            seq: None,
            data: Vec::new(),
            res: None,
            tgt: None,
            r: None,
            s: None,
            o: None,
            chlim: None,
            m: None,
            h: None,
            prf: None,
            p: None,
            routerlifetime: None,
            reachabletime: None,
            retranstimer: None,
            length: None,
            unused: None,
            mtu: None,
            ptr: None,
            deferred: None,
        }
    }
    pub fn echo_request() -> Icmpv6 {
        Icmpv6::new(C::EchoRequest)
    }
    pub fn echo_reply() -> Icmpv6 {
        Icmpv6::new(C::EchoReply)
    }
    pub fn nd_ns() -> Icmpv6 {
        Icmpv6::new(C::NeighborSolicit)
    }
    pub fn nd_na() -> Icmpv6 {
        Icmpv6::new(C::NeighborAdvert)
    }
    pub fn nd_rs() -> Icmpv6 {
        Icmpv6::new(C::RouterSolicit)
    }
    pub fn nd_ra() -> Icmpv6 {
        Icmpv6::new(C::RouterAdvert)
    }
    pub fn by_class(name: &str) -> Option<Icmpv6> {
        let class = match name {
            "ICMPv6EchoRequest" => C::EchoRequest,
            "ICMPv6EchoReply" => C::EchoReply,
            "ICMPv6DestUnreach" => C::DestUnreach,
            "ICMPv6PacketTooBig" => C::PacketTooBig,
            "ICMPv6TimeExceeded" => C::TimeExceeded,
            "ICMPv6ParamProblem" => C::ParamProblem,
            "ICMPv6ND_RS" => C::RouterSolicit,
            "ICMPv6ND_RA" => C::RouterAdvert,
            "ICMPv6ND_NS" => C::NeighborSolicit,
            "ICMPv6ND_NA" => C::NeighborAdvert,
            _ => return None,
        };
        Some(Icmpv6::new(class))
    }
    fn default_type(&self) -> u8 {
        match self.class {
            C::DestUnreach => 1,
            C::PacketTooBig => 2,
            C::TimeExceeded => 3,
            C::ParamProblem => 4,
            C::EchoRequest => 128,
            C::EchoReply => 129,
            C::RouterSolicit => 133,
            C::RouterAdvert => 134,
            C::NeighborSolicit => 135,
            C::NeighborAdvert => 136,
        }
    }
    /// The four bytes after the checksum.
    fn rest(&self) -> u32 {
        let b = |v: Option<u8>, d: u8| v.unwrap_or(d) as u32;
        match self.class {
            C::EchoRequest | C::EchoReply => {
                ((self.id.unwrap_or(0) as u32) << 16) | self.seq.unwrap_or(0) as u32
            }
            C::RouterSolicit | C::NeighborSolicit => self.res.unwrap_or(0),
            C::NeighborAdvert => {
                (b(self.r, 1) << 31)
                    | (b(self.s, 0) << 30)
                    | (b(self.o, 1) << 29)
                    | (self.res.unwrap_or(0) & 0x1fff_ffff)
            }
            C::RouterAdvert => {
                (b(self.chlim, 0) << 24)
                    | (b(self.m, 0) << 23)
                    | (b(self.o, 0) << 22)
                    | (b(self.h, 0) << 21)
                    | (b(self.prf, 1) << 19)
                    | (b(self.p, 0) << 18)
                    | ((self.res.unwrap_or(0) & 3) << 16)
                    | self.routerlifetime.unwrap_or(1800) as u32
            }
            C::DestUnreach | C::TimeExceeded => {
                (b(self.length, 0) << 24) | (self.unused.unwrap_or(0) & 0xff_ffff)
            }
            C::PacketTooBig => self.mtu.unwrap_or(1280),
            C::ParamProblem => self.ptr.unwrap_or(6),
        }
    }
    /// Bytes after the 8-byte header that belong to the message itself.
    fn body_len(&self) -> usize {
        match self.class {
            C::EchoRequest | C::EchoReply => self.data.len(),
            C::NeighborSolicit | C::NeighborAdvert => 16,
            C::RouterAdvert => 8,
            _ => 0,
        }
    }
}

impl Proto for Icmpv6 {
    fn class(&self) -> &'static str {
        match self.class {
            C::EchoRequest => "ICMPv6EchoRequest",
            C::EchoReply => "ICMPv6EchoReply",
            C::DestUnreach => "ICMPv6DestUnreach",
            C::PacketTooBig => "ICMPv6PacketTooBig",
            C::TimeExceeded => "ICMPv6TimeExceeded",
            C::ParamProblem => "ICMPv6ParamProblem",
            C::RouterSolicit => "ICMPv6ND_RS",
            C::RouterAdvert => "ICMPv6ND_RA",
            C::NeighborSolicit => "ICMPv6ND_NS",
            C::NeighborAdvert => "ICMPv6ND_NA",
        }
    }
    fn title(&self) -> &'static str {
        match self.class {
            C::EchoRequest => "ICMPv6 Echo Request",
            C::EchoReply => "ICMPv6 Echo Reply",
            C::DestUnreach => "ICMPv6 Destination Unreachable",
            C::PacketTooBig => "ICMPv6 Packet Too Big",
            C::TimeExceeded => "ICMPv6 Time Exceeded",
            C::ParamProblem => "ICMPv6 Parameter Problem",
            C::RouterSolicit => "ICMPv6 Neighbor Discovery - Router Solicitation",
            C::RouterAdvert => "ICMPv6 Neighbor Discovery - Router Advertisement",
            C::NeighborSolicit => "ICMPv6 Neighbor Discovery - Neighbor Solicitation",
            C::NeighborAdvert => "ICMPv6 Neighbor Discovery - Neighbor Advertisement",
        }
    }
    fn fields(&self) -> &'static [&'static str] {
        match self.class {
            C::EchoRequest | C::EchoReply => &["type", "code", "cksum", "id", "seq", "data"],
            C::DestUnreach | C::TimeExceeded => &["type", "code", "cksum", "length", "unused"],
            C::PacketTooBig => &["type", "code", "cksum", "mtu"],
            C::ParamProblem => &["type", "code", "cksum", "ptr"],
            C::RouterSolicit => &["type", "code", "cksum", "res"],
            C::NeighborSolicit => &["type", "code", "cksum", "res", "tgt"],
            C::NeighborAdvert => &["type", "code", "cksum", "R", "S", "O", "res", "tgt"],
            C::RouterAdvert => &[
                "type",
                "code",
                "cksum",
                "chlim",
                "M",
                "O",
                "H",
                "prf",
                "P",
                "res",
                "routerlifetime",
                "reachabletime",
                "retranstimer",
            ],
        }
    }
    fn set(&mut self, field: &str, v: Value) -> Conv<()> {
        let bit = |v: &Value| opt(v, |v| v.uint(1).map(|x| x as u8));
        match field {
            "type" => self.r#type = opt(&v, |v| v.enumerated(8, ICMPV6_TYPES).map(|x| x as u8))?,
            "code" => self.code = opt(&v, Value::u8)?,
            "cksum" => self.cksum = opt(&v, Value::u16)?,
            "id" => self.id = opt(&v, Value::u16)?,
            "seq" => self.seq = opt(&v, Value::u16)?,
            "data" => {
                self.data = match v {
                    Value::None => Vec::new(),
                    v => v.into_bytes()?,
                }
            }
            "res" => {
                let bits = match self.class {
                    C::NeighborAdvert => 29,
                    C::RouterAdvert => 2,
                    _ => 32,
                };
                self.res = opt(&v, |v| v.uint(bits).map(|x| x as u32))?
            }
            "tgt" => self.tgt = opt(&v, Value::ipv6)?,
            "R" => self.r = bit(&v)?,
            "S" => self.s = bit(&v)?,
            "O" => self.o = bit(&v)?,
            "M" => self.m = bit(&v)?,
            "H" => self.h = bit(&v)?,
            "P" => self.p = bit(&v)?,
            "prf" => self.prf = opt(&v, |v| v.uint(2).map(|x| x as u8))?,
            "chlim" => self.chlim = opt(&v, Value::u8)?,
            "routerlifetime" => self.routerlifetime = opt(&v, Value::u16)?,
            "reachabletime" => self.reachabletime = opt(&v, Value::u32)?,
            "retranstimer" => self.retranstimer = opt(&v, Value::u32)?,
            "length" => self.length = opt(&v, Value::u8)?,
            "unused" => self.unused = opt(&v, |v| v.uint(24).map(|x| x as u32))?,
            "mtu" => self.mtu = opt(&v, Value::u32)?,
            _ => self.ptr = opt(&v, Value::u32)?,
        }
        Ok(())
    }
    deferred_impl!();
    fn header_len(&self, _: &Cx) -> usize {
        icmpv6::HEADER_LEN + self.body_len()
    }
    fn emit(&self, cx: &Cx, out: &mut [u8]) -> Result<()> {
        let body_end = icmpv6::HEADER_LEN + self.body_len();
        let Some(body) = out.get_mut(icmpv6::HEADER_LEN..body_end) else {
            return Err(CraftError::Build {
                layer: self.class(),
                msg: "buffer too small".into(),
            });
        };
        match self.class {
            C::EchoRequest | C::EchoReply => body.copy_from_slice(&self.data),
            C::NeighborSolicit | C::NeighborAdvert => {
                body.copy_from_slice(&self.tgt.unwrap_or(Ipv6Addr::UNSPECIFIED).octets())
            }
            C::RouterAdvert => {
                body[..4].copy_from_slice(&self.reachabletime.unwrap_or(0).to_be_bytes());
                body[4..].copy_from_slice(&self.retranstimer.unwrap_or(0).to_be_bytes());
            }
            _ => {}
        }
        // Scapy's in6_chksum: with no IPv6 header anywhere under the message it leaves 0.
        let pseudo = pseudo6(cx);
        let repr = icmpv6::Repr {
            msg_type: self.r#type.unwrap_or_else(|| self.default_type()),
            code: self.code.unwrap_or(0),
            checksum: self.cksum.or(if pseudo.is_none() { Some(0) } else { None }),
            rest: self.rest(),
        };
        let unspecified = PseudoHeader::V6 {
            src: Ipv6Addr::UNSPECIFIED,
            dst: Ipv6Addr::UNSPECIFIED,
        };
        repr.emit(out, &pseudo.unwrap_or(unspecified))
            .map_err(wire_err("ICMPv6"))?;
        Ok(())
    }
    fn show(&self, _: &Cx, out: &[u8]) -> Vec<(&'static str, String)> {
        let t = out.first().copied().unwrap_or(0) as u64;
        let byte = |i: usize| out.get(i).copied().unwrap_or(0);
        let rest = be32(out, 4);
        let bit = |n: u32| ((rest >> n) & 1).to_string();
        let mut v = vec![
            (
                "type",
                name_of(ICMPV6_TYPES, t).map_or_else(|| t.to_string(), str::to_string),
            ),
            ("code", byte(1).to_string()),
            ("cksum", hex(be16(out, 2) as u64)),
        ];
        let tgt = || {
            let mut a = [0u8; 16];
            if let Some(s) = out.get(8..24) {
                a.copy_from_slice(s);
            }
            Ipv6Addr::from(a).to_string()
        };
        match self.class {
            C::EchoRequest | C::EchoReply => v.extend([
                ("id", hex((rest >> 16) as u64)),
                ("seq", hex((rest & 0xffff) as u64)),
                ("data", format!("b'{}'", escape_bytes(&self.data))),
            ]),
            C::DestUnreach | C::TimeExceeded => v.extend([
                ("length", (rest >> 24).to_string()),
                ("unused", hex((rest & 0xff_ffff) as u64)),
            ]),
            C::PacketTooBig => v.push(("mtu", rest.to_string())),
            C::ParamProblem => v.push(("ptr", rest.to_string())),
            C::RouterSolicit => v.push(("res", rest.to_string())),
            C::NeighborSolicit => v.extend([("res", rest.to_string()), ("tgt", tgt())]),
            C::NeighborAdvert => v.extend([
                ("R", bit(31)),
                ("S", bit(30)),
                ("O", bit(29)),
                ("res", hex((rest & 0x1fff_ffff) as u64)),
                ("tgt", tgt()),
            ]),
            C::RouterAdvert => v.extend([
                ("chlim", (rest >> 24).to_string()),
                ("M", bit(23)),
                ("O", bit(22)),
                ("H", bit(21)),
                ("prf", ((rest >> 19) & 3).to_string()),
                ("P", bit(18)),
                ("res", ((rest >> 16) & 3).to_string()),
                ("routerlifetime", (rest & 0xffff).to_string()),
                ("reachabletime", be32(out, 8).to_string()),
                ("retranstimer", be32(out, 12).to_string()),
            ]),
        }
        v
    }
}

/// Which neighbour-discovery option an [`NdOpt`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NdOptClass {
    SrcLlAddr,
    DstLlAddr,
    PrefixInfo,
    Mtu,
}

/// A neighbour-discovery option, stacked after the message with `/` as in Scapy.
/// `lladdr` is the interface MAC in Scapy; Strata writes `00:00:00:00:00:00` unless set.
#[derive(Debug, Clone)]
pub struct NdOpt {
    pub class: NdOptClass,
    pub r#type: Option<u8>,
    pub len: Option<u8>,
    pub lladdr: Option<MacAddr>,
    pub prefixlen: Option<u8>,
    pub l: Option<u8>,
    pub a: Option<u8>,
    pub r: Option<u8>,
    pub res1: Option<u8>,
    pub validlifetime: Option<u32>,
    pub preferredlifetime: Option<u32>,
    pub res2: Option<u32>,
    pub prefix: Option<Ipv6Addr>,
    pub res: Option<u16>,
    pub mtu: Option<u32>,
    deferred: Option<Box<CraftError>>,
}

builders!(NdOpt {
    type_ => "type", len => "len", lladdr => "lladdr", prefixlen => "prefixlen", l => "L",
    a => "A", r => "R", res1 => "res1", validlifetime => "validlifetime",
    preferredlifetime => "preferredlifetime", res2 => "res2", prefix => "prefix", res => "res",
    mtu => "mtu",
});

impl NdOpt {
    pub const CLASSES: [&'static str; 4] = [
        "ICMPv6NDOptSrcLLAddr",
        "ICMPv6NDOptDstLLAddr",
        "ICMPv6NDOptPrefixInfo",
        "ICMPv6NDOptMTU",
    ];
    pub fn new(class: NdOptClass) -> NdOpt {
        NdOpt {
            class,
            r#type: None,
            len: None,
            lladdr: None,
            prefixlen: None,
            l: None,
            a: None,
            r: None,
            res1: None,
            validlifetime: None,
            preferredlifetime: None,
            res2: None,
            prefix: None,
            res: None,
            mtu: None,
            deferred: None,
        }
    }
    pub fn src_lladdr() -> NdOpt {
        NdOpt::new(NdOptClass::SrcLlAddr)
    }
    pub fn dst_lladdr() -> NdOpt {
        NdOpt::new(NdOptClass::DstLlAddr)
    }
    pub fn by_class(name: &str) -> Option<NdOpt> {
        Some(NdOpt::new(match name {
            "ICMPv6NDOptSrcLLAddr" => NdOptClass::SrcLlAddr,
            "ICMPv6NDOptDstLLAddr" => NdOptClass::DstLlAddr,
            "ICMPv6NDOptPrefixInfo" => NdOptClass::PrefixInfo,
            "ICMPv6NDOptMTU" => NdOptClass::Mtu,
            _ => return None,
        }))
    }
    fn size(&self) -> usize {
        match self.class {
            NdOptClass::PrefixInfo => 32,
            _ => 8,
        }
    }
}

impl Proto for NdOpt {
    fn class(&self) -> &'static str {
        match self.class {
            NdOptClass::SrcLlAddr => "ICMPv6NDOptSrcLLAddr",
            NdOptClass::DstLlAddr => "ICMPv6NDOptDstLLAddr",
            NdOptClass::PrefixInfo => "ICMPv6NDOptPrefixInfo",
            NdOptClass::Mtu => "ICMPv6NDOptMTU",
        }
    }
    fn title(&self) -> &'static str {
        match self.class {
            NdOptClass::SrcLlAddr => "ICMPv6 Neighbor Discovery Option - Source Link-Layer Address",
            NdOptClass::DstLlAddr => {
                "ICMPv6 Neighbor Discovery Option - Destination Link-Layer Address"
            }
            NdOptClass::PrefixInfo => "ICMPv6 Neighbor Discovery Option - Prefix Information",
            NdOptClass::Mtu => "ICMPv6 Neighbor Discovery Option - MTU",
        }
    }
    fn fields(&self) -> &'static [&'static str] {
        match self.class {
            NdOptClass::SrcLlAddr | NdOptClass::DstLlAddr => &["type", "len", "lladdr"],
            NdOptClass::PrefixInfo => &[
                "type",
                "len",
                "prefixlen",
                "L",
                "A",
                "R",
                "res1",
                "validlifetime",
                "preferredlifetime",
                "res2",
                "prefix",
            ],
            NdOptClass::Mtu => &["type", "len", "res", "mtu"],
        }
    }
    fn set(&mut self, field: &str, v: Value) -> Conv<()> {
        let bit = |v: &Value| opt(v, |v| v.uint(1).map(|x| x as u8));
        match field {
            "type" => self.r#type = opt(&v, Value::u8)?,
            "len" => self.len = opt(&v, Value::u8)?,
            "lladdr" => self.lladdr = opt(&v, Value::mac)?,
            "prefixlen" => self.prefixlen = opt(&v, Value::u8)?,
            "L" => self.l = bit(&v)?,
            "A" => self.a = bit(&v)?,
            "R" => self.r = bit(&v)?,
            "res1" => self.res1 = opt(&v, |v| v.uint(5).map(|x| x as u8))?,
            "validlifetime" => self.validlifetime = opt(&v, Value::u32)?,
            "preferredlifetime" => self.preferredlifetime = opt(&v, Value::u32)?,
            "res2" => self.res2 = opt(&v, Value::u32)?,
            "prefix" => self.prefix = opt(&v, Value::ipv6)?,
            "res" => self.res = opt(&v, Value::u16)?,
            _ => self.mtu = opt(&v, Value::u32)?,
        }
        Ok(())
    }
    deferred_impl!();
    fn header_len(&self, _: &Cx) -> usize {
        self.size()
    }
    fn emit(&self, _: &Cx, out: &mut [u8]) -> Result<()> {
        let Some(o) = out.get_mut(..self.size()) else {
            return Err(CraftError::Build {
                layer: self.class(),
                msg: "buffer too small".into(),
            });
        };
        // No wire emitter for ND options: type, length in 8-byte units, then the body.
        let (ty, len) = match self.class {
            NdOptClass::SrcLlAddr => (1, 1),
            NdOptClass::DstLlAddr => (2, 1),
            NdOptClass::PrefixInfo => (3, 4),
            NdOptClass::Mtu => (5, 1),
        };
        o[0] = self.r#type.unwrap_or(ty);
        o[1] = self.len.unwrap_or(len);
        match self.class {
            NdOptClass::SrcLlAddr | NdOptClass::DstLlAddr => {
                o[2..8].copy_from_slice(&self.lladdr.unwrap_or_default().0)
            }
            NdOptClass::PrefixInfo => {
                o[2] = self.prefixlen.unwrap_or(64);
                o[3] = (self.l.unwrap_or(1) << 7)
                    | (self.a.unwrap_or(1) << 6)
                    | (self.r.unwrap_or(0) << 5)
                    | self.res1.unwrap_or(0);
                o[4..8].copy_from_slice(&self.validlifetime.unwrap_or(u32::MAX).to_be_bytes());
                o[8..12].copy_from_slice(&self.preferredlifetime.unwrap_or(u32::MAX).to_be_bytes());
                o[12..16].copy_from_slice(&self.res2.unwrap_or(0).to_be_bytes());
                o[16..32].copy_from_slice(&self.prefix.unwrap_or(Ipv6Addr::UNSPECIFIED).octets());
            }
            NdOptClass::Mtu => {
                o[2..4].copy_from_slice(&self.res.unwrap_or(0).to_be_bytes());
                o[4..8].copy_from_slice(&self.mtu.unwrap_or(1280).to_be_bytes());
            }
        }
        Ok(())
    }
    fn show(&self, _: &Cx, out: &[u8]) -> Vec<(&'static str, String)> {
        let byte = |i: usize| out.get(i).copied().unwrap_or(0);
        let mut v = vec![("type", byte(0).to_string()), ("len", byte(1).to_string())];
        match self.class {
            NdOptClass::SrcLlAddr | NdOptClass::DstLlAddr => {
                let mut m = [0u8; 6];
                if let Some(s) = out.get(2..8) {
                    m.copy_from_slice(s);
                }
                v.push(("lladdr", MacAddr(m).to_string()));
            }
            NdOptClass::PrefixInfo => {
                let mut a = [0u8; 16];
                if let Some(s) = out.get(16..32) {
                    a.copy_from_slice(s);
                }
                let f = byte(3);
                v.extend([
                    ("prefixlen", byte(2).to_string()),
                    ("L", (f >> 7).to_string()),
                    ("A", ((f >> 6) & 1).to_string()),
                    ("R", ((f >> 5) & 1).to_string()),
                    ("res1", (f & 0x1f).to_string()),
                    ("validlifetime", hex(be32(out, 4) as u64)),
                    ("preferredlifetime", hex(be32(out, 8) as u64)),
                    ("res2", hex(be32(out, 12) as u64)),
                    ("prefix", Ipv6Addr::from(a).to_string()),
                ]);
            }
            NdOptClass::Mtu => v.extend([
                ("res", hex(be16(out, 2) as u64)),
                ("mtu", be32(out, 4).to_string()),
            ]),
        }
        v
    }
}
