//! [`Packet`]: a stack of layers built with `/`, its build to bytes and its `show()` tree.
//!
//! Building works like Scapy's: every layer sees the layers under it (for checksums over a
//! pseudo-header) and over it (to fill its type / protocol / next-header field the way Scapy's
//! `bind_layers` does), and automatic fields are computed only when the user left them unset.
//! Unlike Scapy, the frame is sized once and each layer writes its header in place, last layer
//! first, so a build is one allocation.

use crate::error::{did_you_mean, CraftError, Result};
use crate::layers::*;
use crate::value::{same_name, Conv, Value};
use core::ops::Div;

/// What every layer provides. The crate implements it for each layer; users go through
/// [`Packet`] and the layers' builder methods.
pub trait Proto {
    /// Scapy's class name, as spec strings write it (`IP`, `ICMPv6ND_NS`).
    fn class(&self) -> &'static str;
    /// Scapy's long name, the title of a `show()` block (`Ethernet`, `IP`, `802.1Q`).
    fn title(&self) -> &'static str;
    /// The field names the layer accepts, in Scapy's order.
    fn fields(&self) -> &'static [&'static str];
    /// Sets one field (already known to be in `fields()`); `Value::None` restores the default.
    /// The value is given, not lent, so a layer that keeps it (payload bytes, the option list
    /// `show()` prints as written) need not copy it.
    fn set(&mut self, field: &str, v: Value) -> Conv<()>;
    /// [`Proto::set`] for a layer that is built but never shown (`craft_spec`, `Crafter`): the
    /// layer may skip what only `show()` reads (the option list or records as given, which
    /// would have to be copied out of the spec). The bytes are the same.
    fn set_unshown(&mut self, field: &str, v: Value) -> Conv<()> {
        self.set(field, v)
    }
    /// Sets the field named `field` if the layer has one, `Ok(false)` (the value unread) if it
    /// has none; `shown` picks [`Proto::set`] or [`Proto::set_unshown`]. The spec parser's
    /// entry: the common layers override it with one match on the name, instead of a search
    /// of `fields()` followed by `set`'s own match.
    fn try_set(&mut self, field: &str, v: Value, shown: bool) -> Conv<bool> {
        let Some(&f) = self.fields().iter().find(|f| same_name(f, field)) else {
            return Ok(false);
        };
        let set = if shown {
            self.set(f, v)
        } else {
            self.set_unshown(f, v)
        };
        set.map(|()| true)
    }
    /// Where a builder method keeps the first error until `build()` reports it (boxed: every
    /// layer carries the slot, rarely filled, and a small layer is cheap to move and clone).
    fn deferred(&mut self) -> &mut Option<Box<CraftError>>;
    fn deferred_ref(&self) -> &Option<Box<CraftError>>;
    /// Bytes this layer writes in front of its payload.
    fn header_len(&self, cx: &Cx) -> usize;
    /// Writes the header into `out[..header_len]`; `out[header_len..]` already holds the payload.
    fn emit(&self, cx: &Cx, out: &mut [u8]) -> Result<()>;
    /// The field lines of `show()`, read from the built bytes (`out` as given to `emit`).
    fn show(&self, cx: &Cx, out: &[u8]) -> Vec<(&'static str, String)>;
}

/// The neighbours of the layer being built.
pub struct Cx<'a> {
    /// The layers under this one, outermost first (`below.last()` is Scapy's `underlayer`).
    pub below: &'a [Layer],
    /// The layer being built.
    pub this: &'a Layer,
    /// The layers over this one (`above.first()` is the payload).
    pub above: &'a [Layer],
}

impl Cx<'_> {
    pub fn under(&self) -> Option<&Layer> {
        self.below.last()
    }
    pub fn payload(&self) -> Option<&Layer> {
        self.above.first()
    }
}

/// Sets a field by name with the checks every entry point shares: the field must exist (with a
/// suggestion when it does not), and the value must convert.
pub fn set_field(p: &mut dyn Proto, field: &str, v: Value) -> Result<()> {
    if !p.fields().contains(&field) {
        return Err(CraftError::UnknownField {
            col: None,
            layer: p.class(),
            field: field.to_string(),
            hint: did_you_mean(field, p.fields().iter().copied()),
        });
    }
    set_known_field(p, field, v)
}

/// [`set_field`] for a field name already found in `p.fields()` (the spec parser looks it up
/// once per argument).
pub(crate) fn set_known_field(p: &mut dyn Proto, field: &str, v: Value) -> Result<()> {
    set_known_field_as(p, field, v, true)
}

/// [`set_known_field`], through [`Proto::set_unshown`] unless `shown`.
pub(crate) fn set_known_field_as(
    p: &mut dyn Proto,
    field: &str,
    v: Value,
    shown: bool,
) -> Result<()> {
    let set = if shown {
        p.set(field, v)
    } else {
        p.set_unshown(field, v)
    };
    set.map_err(|msg| CraftError::BadValue {
        col: None,
        layer: p.class(),
        field: field.to_string(),
        msg,
    })
}

/// The builder methods' path: a bad value is kept and reported by `build()`, so builders chain
/// without `Result`s.
pub(crate) fn set_or_defer(p: &mut dyn Proto, field: &str, v: Value) {
    if let Err(e) = set_field(p, field, v) {
        let slot = p.deferred();
        if slot.is_none() {
            *slot = Some(Box::new(e));
        }
    }
}

/// `Option<T>` from a value, `None` meaning "default / automatic".
#[inline(always)]
pub(crate) fn opt<'v, T>(v: &Value<'v>, f: impl FnOnce(&Value<'v>) -> Conv<T>) -> Conv<Option<T>> {
    match v {
        Value::None => Ok(None),
        v => f(v).map(Some),
    }
}

/// Generates the chained builder methods of a layer: `Ip::new().dst("198.18.0.2").ttl(1)`.
macro_rules! builders {
    ($t:ty { $($method:ident => $field:literal),* $(,)? }) => {
        impl $t {
            $(
                #[doc = concat!("Sets Scapy's `", $field, "` field (any value, including wrong ones).")]
                pub fn $method<'v>(mut self, v: impl Into<$crate::value::Value<'v>>) -> Self {
                    $crate::packet::set_or_defer(&mut self, $field, v.into());
                    self
                }
            )*
        }
    };
}
pub(crate) use builders;

/// Generates the deferred-error plumbing every layer shares.
macro_rules! deferred_impl {
    () => {
        fn deferred(&mut self) -> &mut Option<Box<$crate::error::CraftError>> {
            &mut self.deferred
        }
        fn deferred_ref(&self) -> &Option<Box<$crate::error::CraftError>> {
            &self.deferred
        }
    };
}
pub(crate) use deferred_impl;

macro_rules! layer_enum {
    ($($variant:ident($t:ty)),* $(,)?) => {
        /// One layer of a packet.
        #[derive(Debug, Clone)]
        pub enum Layer {
            $($variant($t)),*
        }

        impl Layer {
            pub fn proto(&self) -> &dyn Proto {
                match self {
                    $(Layer::$variant(l) => l),*
                }
            }
            pub fn proto_mut(&mut self) -> &mut dyn Proto {
                match self {
                    $(Layer::$variant(l) => l),*
                }
            }
            /// [`Proto::header_len`], [`Proto::emit`] and [`Proto::deferred_ref`] called
            /// directly, not through a trait object (every build calls them for each layer).
            #[inline(always)]
            fn header_len_of(&self, cx: &Cx) -> usize {
                match self {
                    $(Layer::$variant(l) => l.header_len(cx)),*
                }
            }
            #[inline(always)]
            fn emit_into(&self, cx: &Cx, out: &mut [u8]) -> Result<()> {
                match self {
                    $(Layer::$variant(l) => l.emit(cx, out)),*
                }
            }
            #[inline(always)]
            fn deferred_error(&self) -> &Option<Box<CraftError>> {
                match self {
                    $(Layer::$variant(l) => l.deferred_ref()),*
                }
            }
            /// [`Proto::try_set`] called directly, not through a trait object (the spec
            /// parser's call for every argument).
            #[inline(always)]
            pub(crate) fn try_set(&mut self, field: &str, v: Value, shown: bool) -> Conv<bool> {
                match self {
                    $(Layer::$variant(l) => l.try_set(field, v, shown)),*
                }
            }
        }

        $(
            impl From<$t> for Layer {
                fn from(l: $t) -> Layer {
                    Layer::$variant(l)
                }
            }
            impl From<$t> for Packet {
                fn from(l: $t) -> Packet {
                    Packet { layers: vec![Layer::$variant(l)] }
                }
            }
            impl<R: Into<Packet>> Div<R> for $t {
                type Output = Packet;
                fn div(self, rhs: R) -> Packet {
                    Packet::from(self) / rhs
                }
            }
        )*
    };
}

layer_enum! {
    Ether(Ether),
    Dot1Q(Dot1Q),
    Arp(Arp),
    Ip(Ip),
    Ipv6(Ipv6),
    Ipv6Ext(Ipv6Ext),
    Icmp(Icmp),
    Icmpv6(Icmpv6),
    NdOpt(NdOpt),
    Tcp(Tcp),
    Udp(Udp),
    Dns(Dns),
    Raw(Raw),
}

impl Layer {
    /// A fresh layer with Scapy's defaults, by Scapy class name (the spec parser's entry).
    pub fn by_class(name: &str) -> Option<Layer> {
        Some(match name {
            "Ether" => Ether::new().into(),
            "Dot1Q" => Dot1Q::new().into(),
            "ARP" => Arp::new().into(),
            "IP" => Ip::new().into(),
            "IPv6" => Ipv6::new().into(),
            "TCP" => Tcp::new().into(),
            "UDP" => Udp::new().into(),
            "ICMP" => Icmp::new().into(),
            "DNS" => Dns::new().into(),
            "Raw" => Raw::new().into(),
            "Padding" => Raw::padding().into(),
            // The other classes share a prefix: names without it (`DNSQR`, `IPOption_NOP`,
            // typos) are not compared with them.
            _ if name.starts_with("IPv6Ext") => Ipv6Ext::by_class(name)?.into(),
            _ if name.starts_with("ICMPv6") => match Icmpv6::by_class(name) {
                Some(m) => m.into(),
                None => NdOpt::by_class(name)?.into(),
            },
            _ => return None,
        })
    }

    /// [`Layer::by_class`] added to `layers` (the spec parser's call); `false` if `name` is
    /// no layer. The common layers are written into the vector as they are made, not moved
    /// into it.
    pub(crate) fn push_class(name: &str, layers: &mut Vec<Layer>) -> bool {
        match name {
            "Ether" => layers.push(Layer::Ether(Ether::new())),
            "IP" => layers.push(Layer::Ip(Ip::new())),
            "IPv6" => layers.push(Layer::Ipv6(Ipv6::new())),
            "TCP" => layers.push(Layer::Tcp(Tcp::new())),
            "UDP" => layers.push(Layer::Udp(Udp::new())),
            "ARP" => layers.push(Layer::Arp(Arp::new())),
            _ => match Layer::by_class(name) {
                Some(l) => layers.push(l),
                None => return false,
            },
        }
        true
    }

    /// Every class name `by_class` knows (for "did you mean").
    pub fn classes() -> Vec<&'static str> {
        let mut v = vec![
            "Ether", "Dot1Q", "ARP", "IP", "IPv6", "TCP", "UDP", "ICMP", "DNS", "Raw", "Padding",
        ];
        v.extend(Ipv6Ext::CLASSES);
        v.extend(Icmpv6::CLASSES);
        v.extend(NdOpt::CLASSES);
        v
    }
}

/// A stack of layers, outermost first: `Ether::new() / Ip::new() / Tcp::new()`.
#[derive(Debug, Clone, Default)]
pub struct Packet {
    pub layers: Vec<Layer>,
}

impl<R: Into<Packet>> Div<R> for Packet {
    type Output = Packet;
    /// Stacks `rhs` on top (Scapy's `/`).
    fn div(mut self, rhs: R) -> Packet {
        self.layers.extend(rhs.into().layers);
        self
    }
}

impl From<&str> for Packet {
    /// A string payload is a `Raw` layer, as in Scapy.
    fn from(s: &str) -> Packet {
        Raw::new().load(s).into()
    }
}
impl From<String> for Packet {
    fn from(s: String) -> Packet {
        Raw::new().load(s).into()
    }
}
impl From<&[u8]> for Packet {
    fn from(b: &[u8]) -> Packet {
        Raw::new().load(b).into()
    }
}
impl From<Vec<u8>> for Packet {
    fn from(b: Vec<u8>) -> Packet {
        Raw::new().load(b).into()
    }
}

impl Packet {
    pub fn new() -> Packet {
        Packet::default()
    }

    fn cx(&self, i: usize) -> Cx<'_> {
        Cx {
            below: &self.layers[..i],
            this: &self.layers[i],
            above: &self.layers[i + 1..],
        }
    }

    /// The first error a builder method kept, if any.
    fn check(&self) -> Result<()> {
        for l in &self.layers {
            if let Some(e) = l.deferred_error() {
                return Err(CraftError::clone(e));
            }
        }
        Ok(())
    }

    /// Each layer's offset in the built frame, plus the frame length.
    fn layout(&self) -> (Vec<usize>, usize) {
        let mut offsets = Vec::with_capacity(self.layers.len());
        let mut off = 0;
        for (i, l) in self.layers.iter().enumerate() {
            offsets.push(off);
            off += l.proto().header_len(&self.cx(i));
        }
        (offsets, off)
    }

    /// The frame's bytes: Scapy's `raw(pkt)`.
    pub fn build(&self) -> Result<Vec<u8>> {
        let mut buf = Vec::new();
        self.build_into(&mut buf)?;
        Ok(buf)
    }

    /// [`Packet::build`] into `buf` (its old contents replaced), so a loop building many frames
    /// can reuse one buffer.
    pub fn build_into(&self, buf: &mut Vec<u8>) -> Result<()> {
        self.check()?;
        // Each layer's header length, asked once (most packets have a few layers: no
        // allocation for the lengths).
        let mut lens = [0usize; 8];
        let mut more = Vec::new();
        let lens: &mut [usize] = if self.layers.len() <= lens.len() {
            &mut lens[..self.layers.len()]
        } else {
            more.resize(self.layers.len(), 0);
            &mut more
        };
        for (i, len) in lens.iter_mut().enumerate() {
            *len = self.layers[i].header_len_of(&self.cx(i));
        }
        let total = lens.iter().sum();
        buf.clear();
        buf.resize(total, 0);
        // Last layer first: each starts where the headers over it begin.
        let mut start = total;
        for i in (0..self.layers.len()).rev() {
            start = start.saturating_sub(lens[i]);
            let out = buf.get_mut(start..).unwrap_or_default();
            self.layers[i].emit_into(&self.cx(i), out)?;
        }
        Ok(())
    }

    /// Scapy's `show2()` tree: every field as built, automatic ones computed.
    pub fn show(&self) -> Result<String> {
        let bytes = self.build()?;
        let (offsets, _) = self.layout();
        let mut s = String::new();
        for (i, l) in self.layers.iter().enumerate() {
            let p = l.proto();
            s.push_str(&format!("###[ {} ]###\n", p.title()));
            let indent = " ".repeat(2 + 3 * i);
            let out = bytes.get(offsets[i]..).unwrap_or_default();
            for (name, value) in p.show(&self.cx(i), out) {
                s.push_str(&format!("{indent}{name:<10}= {value}\n"));
            }
        }
        Ok(s)
    }
}
