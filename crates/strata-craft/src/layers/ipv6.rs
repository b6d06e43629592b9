//! IPv6 and its extension headers (Scapy `IPv6`, `IPv6ExtHdrHopByHop`, `IPv6ExtHdrRouting`,
//! `IPv6ExtHdrDestOpt`, `IPv6ExtHdrFragment`, and the options `Pad1`, `PadN`, `RouterAlert`,
//! `Jumbo`, `HAO`).

use super::ether::wire_err;
use super::icmpv6::nd_overload;
use crate::error::{CraftError, Result};
use crate::names::{name_of, IPV6_NH};
use crate::packet::{builders, deferred_impl, opt, Cx, Layer, Proto};
use crate::value::{discard, escape_bytes, Conv, Value};
use core::net::Ipv6Addr;
use strata_wire::bytes::{be16, be32, put32};
use strata_wire::ipv6;

/// IPv6. Scapy's defaults: hlim 64, nh from the payload (else 59, no next header),
/// dst `::1`; neighbour discovery messages set dst (`ff02::1` / `ff02::2`) and hlim 255 when
/// they are left unset, as their Scapy `overload_fields` do.
///
/// `src`: Scapy takes the source of the route to `dst`; Strata writes `::1` for dst `::1`
/// and `::` otherwise, unless `src` is set.
#[derive(Debug, Clone, Default)]
pub struct Ipv6 {
    pub version: Option<u8>,
    pub tc: Option<u8>,
    pub fl: Option<u32>,
    pub plen: Option<u16>,
    pub nh: Option<u8>,
    pub hlim: Option<u8>,
    pub src: Option<Ipv6Addr>,
    pub dst: Option<Ipv6Addr>,
    deferred: Option<Box<CraftError>>,
}

builders!(Ipv6 {
    version => "version", tc => "tc", fl => "fl", plen => "plen", nh => "nh", hlim => "hlim",
    src => "src", dst => "dst",
});

/// The next-header value Scapy binds for a payload of an IPv6 header or extension header.
pub(crate) fn bound_nh(payload: Option<&Layer>) -> u8 {
    match payload {
        Some(Layer::Tcp(_)) => 6,
        Some(Layer::Udp(_)) => 17,
        Some(Layer::Ip(_)) => 4,
        Some(Layer::Ipv6(_)) => 41,
        Some(Layer::Icmpv6(_)) => 58,
        Some(Layer::Ipv6Ext(e)) => e.kind.code(),
        _ => 59,
    }
}

impl Ipv6 {
    pub fn new() -> Ipv6 {
        Ipv6::default()
    }
    /// `dst` as built: set, else what the payload overloads (neighbour discovery), else `::1`.
    pub fn resolved_dst(&self, payload: Option<&Layer>) -> Ipv6Addr {
        self.dst
            .or_else(|| nd_overload(payload).map(|(dst, _)| dst))
            .unwrap_or(Ipv6Addr::LOCALHOST)
    }
    pub fn resolved_src(&self, payload: Option<&Layer>) -> Ipv6Addr {
        self.src.unwrap_or_else(|| {
            if self.resolved_dst(payload) == Ipv6Addr::LOCALHOST {
                Ipv6Addr::LOCALHOST
            } else {
                Ipv6Addr::UNSPECIFIED
            }
        })
    }
}

impl Proto for Ipv6 {
    fn class(&self) -> &'static str {
        "IPv6"
    }
    fn title(&self) -> &'static str {
        "IPv6"
    }
    fn fields(&self) -> &'static [&'static str] {
        &["version", "tc", "fl", "plen", "nh", "hlim", "src", "dst"]
    }
    fn set(&mut self, field: &str, v: Value) -> Conv<()> {
        self.try_set(field, v, true).map(drop)
    }
    fn try_set(&mut self, field: &str, v: Value, _: bool) -> Conv<bool> {
        match field {
            "version" => self.version = opt(&v, |v| v.uint(4).map(|x| x as u8))?,
            "tc" => self.tc = opt(&v, Value::u8)?,
            "fl" => self.fl = opt(&v, |v| v.uint(20).map(|x| x as u32))?,
            "plen" => self.plen = opt(&v, Value::u16)?,
            "nh" => self.nh = opt(&v, |v| v.enumerated(8, IPV6_NH).map(|x| x as u8))?,
            "hlim" => self.hlim = opt(&v, Value::u8)?,
            "src" => self.src = opt(&v, Value::ipv6)?,
            "dst" => self.dst = opt(&v, Value::ipv6)?,
            _ => return Ok(false),
        }
        discard(v);
        Ok(true)
    }
    deferred_impl!();
    fn header_len(&self, _: &Cx) -> usize {
        ipv6::HEADER_LEN
    }
    fn emit(&self, cx: &Cx, out: &mut [u8]) -> Result<()> {
        let payload = cx.payload();
        let repr = ipv6::Repr {
            version: self.version.unwrap_or(6),
            traffic_class: self.tc.unwrap_or(0),
            flow_label: self.fl.unwrap_or(0),
            payload_len: self.plen,
            next_header: self.nh.unwrap_or_else(|| bound_nh(payload)),
            hop_limit: self
                .hlim
                .or_else(|| nd_overload(payload).map(|(_, hlim)| hlim))
                .unwrap_or(64),
            src: self.resolved_src(payload),
            dst: self.resolved_dst(payload),
        };
        let payload_len = out.len().saturating_sub(ipv6::HEADER_LEN);
        repr.emit(out, payload_len).map_err(wire_err("IPv6"))?;
        Ok(())
    }
    fn show(&self, _: &Cx, out: &[u8]) -> Vec<(&'static str, String)> {
        let p = ipv6::Packet::new_unchecked(out);
        let nh = p.next_header() as u64;
        vec![
            (
                "version",
                (out.first().copied().unwrap_or(0) >> 4).to_string(),
            ),
            ("tc", p.traffic_class().to_string()),
            ("fl", p.flow_label().to_string()),
            ("plen", p.payload_len().to_string()),
            (
                "nh",
                name_of(IPV6_NH, nh).map_or_else(|| nh.to_string(), str::to_string),
            ),
            ("hlim", p.hop_limit().to_string()),
            ("src", p.src().to_string()),
            ("dst", p.dst().to_string()),
        ]
    }
}

/// Which extension header an [`Ipv6Ext`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ipv6ExtKind {
    HopByHop,
    Routing,
    DestOpt,
    Fragment,
}

impl Ipv6ExtKind {
    /// The next-header value that announces this header.
    pub fn code(self) -> u8 {
        match self {
            Ipv6ExtKind::HopByHop => 0,
            Ipv6ExtKind::Routing => 43,
            Ipv6ExtKind::Fragment => 44,
            Ipv6ExtKind::DestOpt => 60,
        }
    }
}

/// An IPv6 extension header with Scapy's fields for its kind:
/// - `IPv6ExtHdrHopByHop` / `IPv6ExtHdrDestOpt`: nh, len, autopad, options;
/// - `IPv6ExtHdrRouting`: nh, len, type, segleft, reserved, addresses;
/// - `IPv6ExtHdrFragment`: nh, res1, offset, res2, m, id.
///
/// Defaults as Scapy: nh from the payload, `len` and `segleft` computed, options padded to a
/// multiple of 8 with Pad1 / PadN honouring each option's alignment (`autopad=1`).
#[derive(Debug, Clone)]
pub struct Ipv6Ext {
    pub kind: Ipv6ExtKind,
    pub nh: Option<u8>,
    pub len: Option<u8>,
    pub autopad: bool,
    /// Encoded options (hop-by-hop / destination options), padding included.
    options: Vec<u8>,
    options_shown: String,
    pub r#type: Option<u8>,
    pub segleft: Option<u8>,
    pub reserved: Option<u32>,
    pub addresses: Vec<Ipv6Addr>,
    pub res1: Option<u8>,
    pub offset: Option<u16>,
    pub res2: Option<u8>,
    pub m: Option<u8>,
    pub id: Option<u32>,
    /// The option list as given, re-encoded when `autopad` changes.
    options_value: Value<'static>,
    /// A destination-options header whose only option is a Home Address (Mobile IPv6): Scapy
    /// then checksums upper layers with this address as the source.
    pub(crate) home_address: Option<Ipv6Addr>,
    deferred: Option<Box<CraftError>>,
}

builders!(Ipv6Ext {
    nh => "nh", len => "len", autopad => "autopad", options => "options", type_ => "type",
    segleft => "segleft", reserved => "reserved", addresses => "addresses", res1 => "res1",
    offset => "offset", res2 => "res2", m => "m", id => "id",
});

impl Ipv6Ext {
    pub const CLASSES: [&'static str; 4] = [
        "IPv6ExtHdrHopByHop",
        "IPv6ExtHdrRouting",
        "IPv6ExtHdrDestOpt",
        "IPv6ExtHdrFragment",
    ];
    pub fn new(kind: Ipv6ExtKind) -> Ipv6Ext {
        Ipv6Ext {
            kind,
            nh: None,
            len: None,
            autopad: true,
            options: vec![1, 4, 0, 0, 0, 0],
            options_shown: "[]".into(),
            r#type: None,
            segleft: None,
            reserved: None,
            addresses: Vec::new(),
            res1: None,
            offset: None,
            res2: None,
            m: None,
            id: None,
            options_value: Value::List(Vec::new()),
            home_address: None,
            deferred: None,
        }
    }
    pub fn hop_by_hop() -> Ipv6Ext {
        Ipv6Ext::new(Ipv6ExtKind::HopByHop)
    }
    pub fn routing() -> Ipv6Ext {
        Ipv6Ext::new(Ipv6ExtKind::Routing)
    }
    pub fn dest_opt() -> Ipv6Ext {
        Ipv6Ext::new(Ipv6ExtKind::DestOpt)
    }
    pub fn fragment() -> Ipv6Ext {
        Ipv6Ext::new(Ipv6ExtKind::Fragment)
    }
    pub fn by_class(name: &str) -> Option<Ipv6Ext> {
        Some(match name {
            "IPv6ExtHdrHopByHop" => Ipv6Ext::hop_by_hop(),
            "IPv6ExtHdrRouting" => Ipv6Ext::routing(),
            "IPv6ExtHdrDestOpt" => Ipv6Ext::dest_opt(),
            "IPv6ExtHdrFragment" => Ipv6Ext::fragment(),
            _ => return None,
        })
    }
    fn reencode(&mut self) -> Conv<()> {
        self.options = encode_tlv_options(&self.options_value, self.autopad)?;
        self.home_address = None;
        if let (Ipv6ExtKind::DestOpt, [Value::Call { name, args }]) =
            (self.kind, self.options_value.item_slice())
        {
            if name == "HAO" {
                let hoa = args.iter().find(|(n, _)| n.as_deref() == Some("hoa"));
                self.home_address = Some(hoa.map_or(Ok(Ipv6Addr::UNSPECIFIED), |(_, v)| v.ipv6())?);
            }
        }
        self.options_shown = match &self.options_value {
            Value::List(v) if v.is_empty() => "[]".into(),
            v => v.describe(),
        };
        Ok(())
    }
}

/// One hop-by-hop / destination option: its bytes and Scapy's alignment rule `xn + y`.
fn encode_tlv_option(v: &Value) -> Conv<(Vec<u8>, usize, usize)> {
    let (name, args) = match v {
        Value::Call { name, args } => (&**name, args),
        Value::Bytes(b) => return Ok((b.to_vec(), 1, 0)),
        other => return Err(format!("expects option objects, got {}", other.describe())),
    };
    let arg = |k: &str| {
        args.iter()
            .find(|(n, _)| n.as_deref() == Some(k))
            .map(|(_, v)| v)
    };
    let int = |k: &str, bits: u32, d: u64| arg(k).map_or(Ok(d), |v| v.uint(bits));
    Ok(match name {
        "Pad1" => (vec![0], 1, 0),
        "PadN" => {
            let data = arg("optdata").map_or(Ok(Vec::new()), Value::bytes)?;
            let len = int("optlen", 8, data.len() as u64)? as u8;
            let mut b = vec![int("otype", 8, 1)? as u8, len];
            b.extend(data);
            (b, 1, 0)
        }
        "RouterAlert" => {
            let mut b = vec![int("otype", 8, 5)? as u8, int("optlen", 8, 2)? as u8];
            b.extend((int("value", 16, 0)? as u16).to_be_bytes());
            (b, 2, 0)
        }
        "Jumbo" => {
            let mut b = vec![int("otype", 8, 194)? as u8, int("optlen", 8, 4)? as u8];
            b.extend((int("jumboplen", 32, 0)? as u32).to_be_bytes());
            (b, 4, 2)
        }
        "HAO" => {
            let mut b = vec![int("otype", 8, 201)? as u8, int("optlen", 8, 16)? as u8];
            let hoa = arg("hoa").map_or(Ok(Ipv6Addr::UNSPECIFIED), Value::ipv6)?;
            b.extend(hoa.octets());
            (b, 8, 6)
        }
        _ => return Err(format!("unknown IPv6 option class '{name}'")),
    })
}

/// Scapy's `_OptionsField.i2m`: each option preceded by the Pad1 / PadN its alignment needs,
/// the whole padded so the header (2 bytes + options) is a multiple of 8.
fn encode_tlv_options(v: &Value, autopad: bool) -> Conv<Vec<u8>> {
    fn pad(out: &mut Vec<u8>, d: usize) {
        match d {
            0 => {}
            1 => out.push(0),
            _ => {
                out.extend([1, (d - 2) as u8]);
                out.extend(std::iter::repeat_n(0, d - 2));
            }
        }
    }
    let mut out = Vec::new();
    let mut pos = 2;
    for item in v.item_slice() {
        let (bytes, x, y) = encode_tlv_option(item)?;
        if autopad {
            // Scapy's alignment_delta: distance to the next position of the form x*n + y.
            let (p, x, y) = (pos as i64, x as i64, y as i64);
            let d = (x * (p - y + x - 1).div_euclid(x) + y - p).max(0) as usize;
            pad(&mut out, d);
            pos += d;
        }
        pos += bytes.len();
        out.extend(bytes);
    }
    if autopad && pos % 8 != 0 {
        pad(&mut out, 8 - pos % 8);
    }
    if out.len() > 2040 {
        return Err("options longer than an extension header can be".into());
    }
    Ok(out)
}

impl Proto for Ipv6Ext {
    fn class(&self) -> &'static str {
        match self.kind {
            Ipv6ExtKind::HopByHop => "IPv6ExtHdrHopByHop",
            Ipv6ExtKind::Routing => "IPv6ExtHdrRouting",
            Ipv6ExtKind::DestOpt => "IPv6ExtHdrDestOpt",
            Ipv6ExtKind::Fragment => "IPv6ExtHdrFragment",
        }
    }
    fn title(&self) -> &'static str {
        match self.kind {
            Ipv6ExtKind::HopByHop => "IPv6 Extension Header - Hop-by-Hop Options Header",
            Ipv6ExtKind::Routing => "IPv6 Option Header Routing",
            Ipv6ExtKind::DestOpt => "IPv6 Extension Header - Destination Options Header",
            Ipv6ExtKind::Fragment => "IPv6 Extension Header - Fragmentation header",
        }
    }
    fn fields(&self) -> &'static [&'static str] {
        match self.kind {
            Ipv6ExtKind::HopByHop | Ipv6ExtKind::DestOpt => &["nh", "len", "autopad", "options"],
            Ipv6ExtKind::Routing => &["nh", "len", "type", "segleft", "reserved", "addresses"],
            Ipv6ExtKind::Fragment => &["nh", "res1", "offset", "res2", "m", "id"],
        }
    }
    fn set(&mut self, field: &str, v: Value) -> Conv<()> {
        match field {
            "nh" => self.nh = opt(&v, |v| v.enumerated(8, IPV6_NH).map(|x| x as u8))?,
            "len" => self.len = opt(&v, Value::u8)?,
            "autopad" => {
                self.autopad = opt(&v, |v| v.uint(1))?.is_none_or(|a| a == 1);
                self.reencode()?;
            }
            "options" => {
                self.options_value = match v {
                    Value::None => Value::List(Vec::new()),
                    v => v.into_owned(),
                };
                self.reencode()?;
            }
            "type" => self.r#type = opt(&v, Value::u8)?,
            "segleft" => self.segleft = opt(&v, Value::u8)?,
            "reserved" => self.reserved = opt(&v, Value::u32)?,
            "addresses" => {
                // The header length (in 8-byte units, two per address) is one byte.
                if v.item_slice().len() > 127 {
                    return Err(format!(
                        "{} addresses: a routing header holds at most 127",
                        v.item_slice().len()
                    ));
                }
                self.addresses = v
                    .item_slice()
                    .iter()
                    .map(Value::ipv6)
                    .collect::<Conv<_>>()?;
            }
            "res1" => self.res1 = opt(&v, Value::u8)?,
            "offset" => self.offset = opt(&v, |v| v.uint(13).map(|x| x as u16))?,
            "res2" => self.res2 = opt(&v, |v| v.uint(2).map(|x| x as u8))?,
            "m" => self.m = opt(&v, |v| v.uint(1).map(|x| x as u8))?,
            _ => self.id = opt(&v, Value::u32)?,
        }
        Ok(())
    }
    deferred_impl!();
    fn header_len(&self, _: &Cx) -> usize {
        match self.kind {
            Ipv6ExtKind::HopByHop | Ipv6ExtKind::DestOpt => 2 + self.options.len(),
            Ipv6ExtKind::Routing => 8 + 16 * self.addresses.len(),
            Ipv6ExtKind::Fragment => 8,
        }
    }
    fn emit(&self, cx: &Cx, out: &mut [u8]) -> Result<()> {
        let hlen = self.header_len(cx);
        let nh = self.nh.unwrap_or_else(|| bound_nh(cx.payload()));
        if out.len() < hlen {
            return Err(CraftError::Build {
                layer: self.class(),
                msg: "buffer too small".into(),
            });
        }
        match self.kind {
            Ipv6ExtKind::Fragment => {
                let frag = ipv6::FragmentHeader {
                    offset: self.offset.unwrap_or(0),
                    more: self.m.unwrap_or(0) == 1,
                    ident: self.id.unwrap_or(0),
                };
                frag.emit(nh, out).map_err(wire_err("IPv6ExtHdrFragment"))?;
                // Scapy can set the two reserved fields, which the wire Repr always zeroes.
                out[1] = self.res1.unwrap_or(0);
                out[3] |= (self.res2.unwrap_or(0) & 3) << 1;
            }
            Ipv6ExtKind::HopByHop | Ipv6ExtKind::DestOpt => {
                // No wire emitter for these: two bytes and the encoded options.
                out[0] = nh;
                out[1] = self.len.unwrap_or(hlen.div_ceil(8).saturating_sub(1) as u8);
                out[2..hlen].copy_from_slice(&self.options);
            }
            Ipv6ExtKind::Routing => {
                out[0] = nh;
                out[1] = self.len.unwrap_or((2 * self.addresses.len()) as u8);
                out[2] = self.r#type.unwrap_or(0);
                out[3] = self.segleft.unwrap_or(self.addresses.len() as u8);
                put32(out, 4, self.reserved.unwrap_or(0));
                for (i, a) in self.addresses.iter().enumerate() {
                    out[8 + 16 * i..24 + 16 * i].copy_from_slice(&a.octets());
                }
            }
        }
        Ok(())
    }
    fn show(&self, cx: &Cx, out: &[u8]) -> Vec<(&'static str, String)> {
        let b = |i: usize| out.get(i).copied().unwrap_or(0).to_string();
        let nh = out.first().copied().unwrap_or(0) as u64;
        let nh = (
            "nh",
            name_of(IPV6_NH, nh).map_or_else(|| nh.to_string(), str::to_string),
        );
        match self.kind {
            Ipv6ExtKind::HopByHop | Ipv6ExtKind::DestOpt => vec![
                nh,
                ("len", b(1)),
                ("autopad", u8::from(self.autopad).to_string()),
                (
                    "options",
                    format!("{} b'{}'", self.options_shown, escape_bytes(&self.options)),
                ),
            ],
            Ipv6ExtKind::Routing => vec![
                nh,
                ("len", b(1)),
                ("type", b(2)),
                ("segleft", b(3)),
                ("reserved", be32(out, 4).to_string()),
                (
                    "addresses",
                    format!(
                        "[{}]",
                        self.addresses
                            .iter()
                            .map(|a| a.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
            ],
            Ipv6ExtKind::Fragment => {
                let w = be16(out, 2);
                let _ = cx;
                vec![
                    nh,
                    ("res1", b(1)),
                    ("offset", (w >> 3).to_string()),
                    ("res2", ((w >> 1) & 3).to_string()),
                    ("m", (w & 1).to_string()),
                    ("id", be32(out, 4).to_string()),
                ]
            }
        }
    }
}
