//! Compiling a parsed filter against the field registry, and running it on frames.
//!
//! Field values are the registry's extractors' text (what `-T fields` prints) parsed back per
//! [`Kind`] into typed values; the buffers are reused, so a frame costs no allocation unless
//! a filter compares two fields with each other.

use super::lexer::CmpOp;
use super::parser::{self, Atom, Expr, Operand, Range, SetItem, Test};
use super::FilterError;
use crate::fields::{self, FieldDef, Kind, Values};
use crate::frame::Frame;
use crate::printer::FRAME_LAYER;
use core::cmp::Ordering;
use core::net::{Ipv4Addr, Ipv6Addr};
use regex::bytes::{Regex, RegexBuilder};
use strata_wire::Layer;

/// A compiled display filter. Compile once with [`Filter::new`], then call
/// [`Filter::matches`] for each frame.
pub struct Filter {
    root: Node,
    scratch: Scratch,
}

impl std::fmt::Debug for Filter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Filter").finish_non_exhaustive()
    }
}

#[derive(Default)]
struct Scratch {
    text: Values,
    bytes: Vec<u8>,
    slice: Vec<u8>,
}

impl Filter {
    /// Parses and type-checks `src`; every error is found here, before any packet is read.
    pub fn new(src: &str) -> Result<Filter, FilterError> {
        let ast = parser::parse(src)?;
        let root = Compiler { src }.expr(&ast)?;
        Ok(Filter {
            root,
            scratch: Scratch::default(),
        })
    }

    /// True if the frame passes the filter.
    pub fn matches(&mut self, f: &Frame) -> bool {
        eval(&self.root, f, &mut self.scratch)
    }
}

/// The type of a value, for type checks and for reading constants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    UInt,
    Bool,
    Str,
    Bytes,
    Mac,
    V4,
    V6,
    Time,
}

impl Ty {
    fn of(k: Kind) -> Ty {
        #[allow(unreachable_patterns)]
        match k {
            Kind::UInt => Ty::UInt,
            Kind::Bool => Ty::Bool,
            Kind::Str => Ty::Str,
            Kind::Mac => Ty::Mac,
            Kind::Ipv4 => Ty::V4,
            Kind::Ipv6 => Ty::V6,
            Kind::Bytes => Ty::Bytes,
            Kind::Time => Ty::Time,
            _ => Ty::Str,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Ty::UInt => "an unsigned integer",
            Ty::Bool => "a boolean",
            Ty::Str => "a character string",
            Ty::Bytes => "a byte sequence",
            Ty::Mac => "an Ethernet address",
            Ty::V4 => "an IPv4 address",
            Ty::V6 => "an IPv6 address",
            Ty::Time => "a time",
        }
    }
    fn bytes_like(self) -> bool {
        matches!(self, Ty::Str | Ty::Bytes | Ty::Mac)
    }
    fn numeric(self) -> bool {
        matches!(self, Ty::UInt | Ty::Bool)
    }
}

/// Where the values of an operand come from.
#[derive(Clone, Copy)]
enum Base {
    Field(&'static FieldDef),
    /// Either-side fields (`ip.addr`, `tcp.port`, ...): both fields of each layer.
    Either(&'static FieldDef, &'static FieldDef),
    /// A protocol: the bytes of each of its layers, from its header to the layer's end.
    Proto(&'static str),
    /// `frame`: the captured bytes.
    Frame,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Func {
    Len,
    Count,
}

struct Src {
    base: Base,
    /// The type of the base values.
    ty: Ty,
    layer: Option<i64>,
    slice: Option<Vec<Range>>,
    func: Option<Func>,
}

impl Src {
    /// The type of the values this operand yields.
    fn out_ty(&self) -> Ty {
        match (self.func, &self.slice) {
            (Some(_), _) => Ty::UInt,
            (None, Some(_)) => Ty::Bytes,
            (None, None) => self.ty,
        }
    }
}

enum Const {
    U(u64),
    Bool(bool),
    B(Vec<u8>),
    V4 { addr: u32, mask: u32 },
    V6 { addr: u128, mask: u128 },
    T(i128),
    Re(Regex),
}

enum Rhs {
    Const(Const),
    Field(Src),
}

enum Node {
    Or(Box<Node>, Box<Node>),
    And(Box<Node>, Box<Node>),
    Not(Box<Node>),
    Exists(Src),
    Cmp {
        src: Src,
        op: CmpOp,
        rhs: Rhs,
    },
    In {
        src: Src,
        items: Vec<(Const, Option<Const>)>,
        negated: bool,
    },
}

/// A value of one occurrence.
#[derive(Debug, Clone, Copy)]
enum Val<'a> {
    U(u64),
    B(&'a [u8]),
    V4(u32),
    V6(u128),
    T(i128),
}

/// Protocol names a filter may test, as Wireshark spells them.
const PROTOCOLS: &[&str] = &[
    "null",
    "sll",
    "eth",
    "llc",
    "vlan",
    "ieee8021ad",
    "cfp",
    "mpls",
    "pppoes",
    "pppoed",
    "ppp",
    "chdlc",
    "radiotap",
    "wlan",
    "arp",
    "ip",
    "ipv6",
    "icmp",
    "icmpv6",
    "igmp",
    "tcp",
    "udp",
    "sctp",
    "gre",
    "vxlan",
    "geneve",
    "gtp",
    "teredo",
    "esp",
    "erspan",
    "ipnet",
    "fr",
    "nflog",
    "ppi",
    "dns",
    "mdns",
    "llmnr",
    "http",
    "ssdp",
    "tls",
    "dhcp",
    "ntp",
    "ssh",
];

/// Either-side fields and the two fields they stand for.
const EITHER: &[(&str, &str, &str)] = &[
    ("ip.addr", "ip.src", "ip.dst"),
    ("ipv6.addr", "ipv6.src", "ipv6.dst"),
    ("tcp.port", "tcp.srcport", "tcp.dstport"),
    ("udp.port", "udp.srcport", "udp.dstport"),
    ("sctp.port", "sctp.srcport", "sctp.dstport"),
    ("eth.addr", "eth.src", "eth.dst"),
];

/// Wireshark's protocol name of a layer.
fn layer_name(l: &Layer) -> &'static str {
    crate::frame::filter_name(l)
}

/// Looks a name up: a field, an either-side field, a protocol or `frame`.
fn resolve(name: &str) -> Option<(Base, Ty)> {
    if let Some(&(_, a, b)) = EITHER.iter().find(|e| e.0 == name) {
        if let (Some(a), Some(b)) = (fields::lookup(a), fields::lookup(b)) {
            return Some((Base::Either(a, b), Ty::of(a.kind)));
        }
    }
    if name == "frame" {
        return Some((Base::Frame, Ty::Bytes));
    }
    if let Some(def) = fields::lookup(name) {
        return Some((Base::Field(def), Ty::of(def.kind)));
    }
    PROTOCOLS
        .iter()
        .copied()
        .chain(app_protocols())
        .find(|&p| p == name)
        .map(|p| (Base::Proto(p), Ty::Bytes))
}

/// The filter names of the application protocols Strata names (`ftp`, `smb2`, `snmp`, ...).
fn app_protocols() -> impl Iterator<Item = &'static str> {
    (0..strata_wire::app::NAMES.len())
        .map(|i| strata_wire::app::filter_name(i as u8))
        .filter(|&n| n != "data")
}

/// The known name closest to `name`, if close enough to be a likely typo.
fn suggest(name: &str) -> Option<&'static str> {
    let names = fields::FIELDS
        .iter()
        .map(|f| f.name)
        .chain(EITHER.iter().map(|e| e.0))
        .chain(PROTOCOLS.iter().copied())
        .chain(app_protocols())
        .chain(["frame"]);
    let (d, best) = names
        .map(|n| (edit_distance(name, n), n))
        .min_by_key(|&(d, _)| d)?;
    (d <= 2.max(name.len() / 4)).then_some(best)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

struct Compiler<'s> {
    src: &'s str,
}

fn op_name(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "==",
        CmpOp::Ne => "!=",
        CmpOp::AllEq => "===",
        CmpOp::AnyNe => "!==",
        CmpOp::Gt => ">",
        CmpOp::Ge => ">=",
        CmpOp::Lt => "<",
        CmpOp::Le => "<=",
        CmpOp::Contains => "contains",
        CmpOp::Matches => "matches",
        CmpOp::BitAnd => "&",
    }
}

impl Compiler<'_> {
    fn err(&self, at: usize, msg: impl Into<String>) -> FilterError {
        FilterError::at(self.src, at, msg)
    }
    fn text(&self, o: &Operand) -> &str {
        self.src.get(o.start..o.end).unwrap_or("")
    }

    fn expr(&self, e: &Expr) -> Result<Node, FilterError> {
        Ok(match e {
            Expr::Or(a, b) => Node::Or(Box::new(self.expr(a)?), Box::new(self.expr(b)?)),
            Expr::And(a, b) => Node::And(Box::new(self.expr(a)?), Box::new(self.expr(b)?)),
            Expr::Not(a) => Node::Not(Box::new(self.expr(a)?)),
            Expr::Test(t) => self.test(t)?,
        })
    }

    fn test(&self, t: &Test) -> Result<Node, FilterError> {
        match t {
            Test::Exists(o) => Ok(Node::Exists(self.field(o)?)),
            Test::Cmp {
                lhs,
                op,
                op_at,
                rhs,
            } => {
                let src = self.field(lhs)?;
                let ty = src.out_ty();
                let opn = op_name(*op);
                match op {
                    CmpOp::Contains if !ty.bytes_like() => {
                        return Err(self.err(
                            *op_at,
                            format!(
                                "\"{opn}\" needs a string or bytes field; {} is {}",
                                self.text(lhs),
                                ty.name()
                            ),
                        ))
                    }
                    CmpOp::Matches if !matches!(ty, Ty::Str | Ty::Bytes) => {
                        return Err(self.err(
                            *op_at,
                            format!(
                                "\"{opn}\" needs a string or bytes field; {} is {}",
                                self.text(lhs),
                                ty.name()
                            ),
                        ))
                    }
                    CmpOp::BitAnd if !ty.numeric() => {
                        return Err(self.err(
                            *op_at,
                            format!(
                                "\"{opn}\" needs an integer field; {} is {}",
                                self.text(lhs),
                                ty.name()
                            ),
                        ))
                    }
                    _ => {}
                }
                // A word naming a field on the right compares two fields.
                if let Atom::Word(w) = &rhs.atom {
                    let is_field = fields::lookup(w).is_some() || EITHER.iter().any(|e| e.0 == w);
                    if is_field && !matches!(op, CmpOp::Matches) {
                        let r = self.field(rhs)?;
                        let rt = r.out_ty();
                        let ok = rt == ty
                            || (rt.numeric() && ty.numeric())
                            || (rt.bytes_like() && ty.bytes_like());
                        if !ok {
                            return Err(self.err(
                                rhs.start,
                                format!(
                                    "{} is {} and cannot be compared with {} ({})",
                                    self.text(rhs),
                                    rt.name(),
                                    self.text(lhs),
                                    ty.name()
                                ),
                            ));
                        }
                        return Ok(Node::Cmp {
                            src,
                            op: *op,
                            rhs: Rhs::Field(r),
                        });
                    }
                }
                let c = self.constant(rhs, ty, *op, self.text(lhs))?;
                Ok(Node::Cmp {
                    src,
                    op: *op,
                    rhs: Rhs::Const(c),
                })
            }
            Test::In {
                lhs,
                items,
                negated,
            } => {
                let src = self.field(lhs)?;
                let ty = src.out_ty();
                let name = self.text(lhs).to_string();
                let mut out = Vec::with_capacity(items.len());
                for it in items {
                    match it {
                        SetItem::One(o) => {
                            // `8000-8080` for an integer field is a range too.
                            if let (Atom::Word(w), true) = (&o.atom, ty == Ty::UInt) {
                                if let Some((a, b)) = w.split_once('-') {
                                    if let (Some(a), Some(b)) = (parse_int(a), parse_int(b)) {
                                        out.push((Const::U(a), Some(Const::U(b))));
                                        continue;
                                    }
                                }
                            }
                            out.push((self.constant(o, ty, CmpOp::Eq, &name)?, None));
                        }
                        SetItem::Range(a, b) => {
                            let ca = self.constant(a, ty, CmpOp::Ge, &name)?;
                            let cb = self.constant(b, ty, CmpOp::Le, &name)?;
                            out.push((ca, Some(cb)));
                        }
                    }
                }
                Ok(Node::In {
                    src,
                    items: out,
                    negated: *negated,
                })
            }
        }
    }

    /// An operand that must name a field, a protocol or a function of one.
    fn field(&self, o: &Operand) -> Result<Src, FilterError> {
        let (base, ty, func) = match &o.atom {
            Atom::Word(w) => {
                let (b, t) = self.lookup(w, o.start)?;
                (b, t, None)
            }
            Atom::Func(name, arg) => {
                let func = match name.as_str() {
                    "len" => Func::Len,
                    "count" => Func::Count,
                    _ => {
                        return Err(self.err(
                            o.start,
                            format!("\"{name}\" is not a function Strata knows (len, count)"),
                        ))
                    }
                };
                let inner = self.field(arg)?;
                if inner.func.is_some() {
                    return Err(self.err(arg.start, "a function of a function is not supported"));
                }
                let lengthy =
                    inner.out_ty().bytes_like() || matches!(inner.out_ty(), Ty::V4 | Ty::V6);
                if func == Func::Len && !lengthy {
                    return Err(self.err(
                        arg.start,
                        format!(
                            "len() needs a string, bytes or address; {} is {}",
                            self.text(arg),
                            inner.out_ty().name()
                        ),
                    ));
                }
                if o.slice.is_some() {
                    return Err(self.err(o.start, "the result of a function cannot be sliced"));
                }
                return Ok(Src {
                    func: Some(func),
                    ..inner
                });
            }
            Atom::Str(_) | Atom::Char(_) => {
                return Err(self.err(
                    o.start,
                    format!(
                        "expected a field or a protocol, found the value {}",
                        self.text(o)
                    ),
                ))
            }
        };
        if o.slice.is_some() && !matches!(ty, Ty::Str | Ty::Bytes | Ty::Mac | Ty::V4 | Ty::V6) {
            return Err(self.err(
                o.start,
                format!(
                    "\"{}\" is {} and cannot be sliced into a sequence of bytes",
                    self.text(o).split('[').next().unwrap_or(""),
                    ty.name()
                ),
            ));
        }
        let layered = match base {
            Base::Field(d) => d.proto.is_some(),
            Base::Either(..) | Base::Proto(_) => true,
            Base::Frame => false,
        };
        if o.layer.is_some() && !layered {
            return Err(self.err(o.start, "a frame field has one layer; \"#\" does not apply"));
        }
        Ok(Src {
            base,
            ty,
            layer: o.layer,
            slice: o.slice.clone(),
            func,
        })
    }

    fn lookup(&self, w: &str, at: usize) -> Result<(Base, Ty), FilterError> {
        resolve(w).ok_or_else(|| {
            let hint = match suggest(w) {
                Some(s) => format!(" (did you mean {s}?)"),
                None => String::new(),
            };
            self.err(at, format!("\"{w}\" is not a valid field{hint}"))
        })
    }

    /// A constant for a comparison with a value of type `ty`.
    fn constant(&self, o: &Operand, ty: Ty, op: CmpOp, lhs: &str) -> Result<Const, FilterError> {
        if o.slice.is_some() || o.layer.is_some() || matches!(o.atom, Atom::Func(..)) {
            return Err(self.err(o.start, format!("expected a value, found {}", self.text(o))));
        }
        let bad = |what: &str| {
            self.err(
                o.start,
                format!("{} is not {what} (the type of {lhs})", self.text(o)),
            )
        };
        if op == CmpOp::Matches {
            let pat = match &o.atom {
                Atom::Str(s) => String::from_utf8_lossy(s).into_owned(),
                Atom::Word(w) => w.clone(),
                _ => return Err(bad("a regular expression")),
            };
            return RegexBuilder::new(&pat)
                .case_insensitive(true)
                .build()
                .map(Const::Re)
                .map_err(|e| {
                    let first = e.to_string();
                    let last = first.lines().last().unwrap_or("").trim().to_string();
                    self.err(o.start, format!("invalid regular expression: {last}"))
                });
        }
        let bytes_of = |o: &Operand| -> Option<Vec<u8>> {
            match &o.atom {
                Atom::Str(s) => Some(s.clone()),
                Atom::Char(c) => Some(vec![*c]),
                Atom::Word(w) => parse_bytes(w),
                Atom::Func(..) => None,
            }
        };
        match ty {
            Ty::UInt | Ty::Bool => match &o.atom {
                Atom::Char(c) => Ok(Const::U(*c as u64)),
                Atom::Word(w) if ty == Ty::Bool => match w.as_str() {
                    "True" | "true" | "TRUE" => Ok(Const::Bool(true)),
                    "False" | "false" | "FALSE" => Ok(Const::Bool(false)),
                    _ => parse_int(w)
                        .map(|v| Const::Bool(v != 0))
                        .ok_or_else(|| bad("a boolean (1, 0, True or False)")),
                },
                Atom::Word(w) => parse_int(w)
                    .map(Const::U)
                    .ok_or_else(|| bad("an unsigned integer")),
                _ => Err(bad("an unsigned integer")),
            },
            Ty::Str => match &o.atom {
                Atom::Str(s) => Ok(Const::B(s.clone())),
                Atom::Char(c) => Ok(Const::B(vec![*c])),
                Atom::Word(w) => Ok(Const::B(w.as_bytes().to_vec())),
                Atom::Func(..) => Err(bad("a string")),
            },
            Ty::Bytes => bytes_of(o)
                .map(Const::B)
                .ok_or_else(|| bad("a byte string (aa:bb:cc, aabbcc or \"text\")")),
            Ty::Mac => {
                let b = bytes_of(o).ok_or_else(|| bad("an Ethernet address"))?;
                if b.len() != 6 && op != CmpOp::Contains {
                    return Err(bad("an Ethernet address (6 bytes)"));
                }
                Ok(Const::B(b))
            }
            Ty::V4 => match &o.atom {
                Atom::Word(w) => parse_v4(w).ok_or_else(|| bad("an IPv4 address or network")),
                _ => Err(bad("an IPv4 address or network")),
            },
            Ty::V6 => match &o.atom {
                Atom::Word(w) => parse_v6(w).ok_or_else(|| bad("an IPv6 address or network")),
                _ => Err(bad("an IPv6 address or network")),
            },
            Ty::Time => match &o.atom {
                Atom::Word(w) => parse_time(w)
                    .map(Const::T)
                    .ok_or_else(|| bad("a time in seconds since the epoch")),
                _ => Err(bad("a time in seconds since the epoch")),
            },
        }
    }
}

/// Decimal, `0x` hex, `0b` binary or leading-`0` octal.
fn parse_int(w: &str) -> Option<u64> {
    let w = w.trim();
    if let Some(h) = w.strip_prefix("0x").or_else(|| w.strip_prefix("0X")) {
        u64::from_str_radix(h, 16).ok()
    } else if let Some(b) = w.strip_prefix("0b").or_else(|| w.strip_prefix("0B")) {
        u64::from_str_radix(b, 2).ok()
    } else if w.len() > 1 && w.starts_with('0') {
        u64::from_str_radix(&w[1..], 8).ok()
    } else {
        w.parse().ok()
    }
}

/// `aa:bb:cc`, `aa-bb-cc`, `aabb.ccdd` or `aabbcc`.
fn parse_bytes(w: &str) -> Option<Vec<u8>> {
    let hex = |s: &str| -> Option<Vec<u8>> {
        if s.is_empty() || s.len() % 2 == 1 && s.len() > 1 {
            return None;
        }
        if s.len() == 1 {
            return u8::from_str_radix(s, 16).ok().map(|v| vec![v]);
        }
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
            .collect()
    };
    for sep in [':', '-'] {
        if w.contains(sep) {
            return w
                .split(sep)
                .map(|p| {
                    if p.is_empty() || p.len() > 2 {
                        None
                    } else {
                        u8::from_str_radix(p, 16).ok()
                    }
                })
                .collect();
        }
    }
    if w.contains('.') {
        let mut out = Vec::new();
        for p in w.split('.') {
            out.extend(hex(p)?);
        }
        return Some(out);
    }
    hex(w)
}

fn prefix_split(w: &str) -> (&str, Option<&str>) {
    match w.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (w, None),
    }
}

fn parse_v4(w: &str) -> Option<Const> {
    let (a, p) = prefix_split(w);
    let addr = u32::from(a.parse::<Ipv4Addr>().ok()?);
    let bits: u32 = match p {
        Some(p) => p.parse().ok().filter(|&b| b <= 32)?,
        None => 32,
    };
    let mask = if bits == 0 {
        0
    } else {
        u32::MAX << (32 - bits)
    };
    Some(Const::V4 { addr, mask })
}

fn parse_v6(w: &str) -> Option<Const> {
    let (a, p) = prefix_split(w);
    let addr = u128::from(a.parse::<Ipv6Addr>().ok()?);
    let bits: u32 = match p {
        Some(p) => p.parse().ok().filter(|&b| b <= 128)?,
        None => 128,
    };
    let mask = if bits == 0 {
        0
    } else {
        u128::MAX << (128 - bits)
    };
    Some(Const::V6 { addr, mask })
}

/// Seconds (with an optional fraction) to nanoseconds.
fn parse_time(w: &str) -> Option<i128> {
    let (neg, w) = match w.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, w),
    };
    let (s, frac) = w.split_once('.').unwrap_or((w, ""));
    if s.is_empty() && frac.is_empty() {
        return None;
    }
    let secs: i128 = if s.is_empty() { 0 } else { s.parse().ok()? };
    let mut nanos: i128 = 0;
    for (i, c) in frac.chars().enumerate() {
        let d = c.to_digit(10)? as i128;
        if i < 9 {
            nanos += d * 10i128.pow(8 - i as u32);
        }
    }
    // A value past i128's nanoseconds is not a time any frame has: refused, not wrapped.
    let v = secs.checked_mul(1_000_000_000)?.checked_add(nanos)?;
    Some(if neg { -v } else { v })
}

// ---------------------------------------------------------------------------------------
// Evaluation

fn eval(n: &Node, f: &Frame, s: &mut Scratch) -> bool {
    match n {
        Node::Or(a, b) => eval(a, f, s) || eval(b, f, s),
        Node::And(a, b) => eval(a, f, s) && eval(b, f, s),
        Node::Not(a) => !eval(a, f, s),
        Node::Exists(src) => visit(src, f, s, &mut |_| true),
        Node::Cmp { src, op, rhs } => match rhs {
            Rhs::Const(c) => compare(src, *op, core::slice::from_ref(c), f, s),
            Rhs::Field(r) => {
                let mut consts = Vec::new();
                visit(r, f, s, &mut |v| {
                    consts.push(to_const(v));
                    false
                });
                !consts.is_empty() && compare(src, *op, &consts, f, s)
            }
        },
        Node::In {
            src,
            items,
            negated,
        } => {
            let hit = visit(src, f, s, &mut |v| {
                items.iter().any(|(a, b)| match b {
                    None => eq(&v, a),
                    Some(b) => {
                        matches!(ord(&v, a), Some(Ordering::Greater | Ordering::Equal))
                            && matches!(ord(&v, b), Some(Ordering::Less | Ordering::Equal))
                    }
                })
            });
            hit != *negated
        }
    }
}

fn to_const(v: Val) -> Const {
    match v {
        Val::U(x) => Const::U(x),
        Val::B(b) => Const::B(b.to_vec()),
        Val::V4(a) => Const::V4 {
            addr: a,
            mask: u32::MAX,
        },
        Val::V6(a) => Const::V6 {
            addr: a,
            mask: u128::MAX,
        },
        Val::T(t) => Const::T(t),
    }
}

fn compare(src: &Src, op: CmpOp, cs: &[Const], f: &Frame, s: &mut Scratch) -> bool {
    match op {
        CmpOp::Ne => {
            let mut seen = false;
            let hit = visit(src, f, s, &mut |v| {
                seen = true;
                cs.iter().any(|c| eq(&v, c))
            });
            seen && !hit
        }
        CmpOp::AllEq => {
            let mut seen = false;
            let miss = visit(src, f, s, &mut |v| {
                seen = true;
                !cs.iter().any(|c| eq(&v, c))
            });
            seen && !miss
        }
        _ => visit(src, f, s, &mut |v| cs.iter().any(|c| holds(op, &v, c))),
    }
}

fn holds(op: CmpOp, v: &Val, c: &Const) -> bool {
    match op {
        CmpOp::Eq => eq(v, c),
        CmpOp::AnyNe | CmpOp::Ne => !eq(v, c),
        CmpOp::AllEq => eq(v, c),
        CmpOp::Gt => ord(v, c) == Some(Ordering::Greater),
        CmpOp::Ge => matches!(ord(v, c), Some(Ordering::Greater | Ordering::Equal)),
        CmpOp::Lt => ord(v, c) == Some(Ordering::Less),
        CmpOp::Le => matches!(ord(v, c), Some(Ordering::Less | Ordering::Equal)),
        CmpOp::Contains => match (v, c) {
            (Val::B(h), Const::B(n)) => contains(h, n),
            _ => false,
        },
        CmpOp::Matches => match (v, c) {
            (Val::B(h), Const::Re(r)) => r.is_match(h),
            _ => false,
        },
        CmpOp::BitAnd => match (v, c) {
            (Val::U(x), Const::U(m)) => x & m != 0,
            (Val::U(x), Const::Bool(b)) => *b && *x != 0,
            _ => false,
        },
    }
}

fn contains(h: &[u8], n: &[u8]) -> bool {
    n.is_empty() || h.windows(n.len()).any(|w| w == n)
}

fn eq(v: &Val, c: &Const) -> bool {
    match (v, c) {
        (Val::U(x), Const::U(y)) => x == y,
        (Val::U(x), Const::Bool(b)) => (*x != 0) == *b,
        (Val::B(x), Const::B(y)) => x == &y.as_slice(),
        (Val::V4(x), Const::V4 { addr, mask }) => x & mask == addr & mask,
        (Val::V6(x), Const::V6 { addr, mask }) => x & mask == addr & mask,
        (Val::T(x), Const::T(y)) => x == y,
        _ => false,
    }
}

fn ord(v: &Val, c: &Const) -> Option<Ordering> {
    Some(match (v, c) {
        (Val::U(x), Const::U(y)) => x.cmp(y),
        (Val::U(x), Const::Bool(b)) => x.cmp(&u64::from(*b)),
        (Val::B(x), Const::B(y)) => (*x).cmp(y.as_slice()),
        (Val::V4(x), Const::V4 { addr, .. }) => x.cmp(addr),
        (Val::V6(x), Const::V6 { addr, .. }) => x.cmp(addr),
        (Val::T(x), Const::T(y)) => x.cmp(y),
        _ => return None,
    })
}

/// Calls `g` on each value of `src` until it returns true; returns whether it did.
fn visit(src: &Src, f: &Frame, s: &mut Scratch, g: &mut dyn FnMut(Val) -> bool) -> bool {
    let Scratch { text, bytes, slice } = s;
    match (src.func, &src.slice) {
        (Some(Func::Count), _) => {
            let mut n = 0u64;
            raw(src, f, text, bytes, &mut |_| {
                n += 1;
                false
            });
            n > 0 && g(Val::U(n))
        }
        (Some(Func::Len), _) => raw(src, f, text, bytes, &mut |v| {
            let n = match v {
                Val::B(b) => b.len(),
                Val::V4(_) => 4,
                Val::V6(_) => 16,
                Val::U(_) | Val::T(_) => return false,
            };
            g(Val::U(n as u64))
        }),
        (None, Some(ranges)) => raw(src, f, text, bytes, &mut |v| {
            let v4;
            let v6;
            let b: &[u8] = match v {
                Val::B(b) => b,
                Val::V4(a) => {
                    v4 = a.to_be_bytes();
                    &v4
                }
                Val::V6(a) => {
                    v6 = a.to_be_bytes();
                    &v6
                }
                Val::U(_) | Val::T(_) => return false,
            };
            slice.clear();
            for r in ranges {
                match cut(b, *r) {
                    Some(part) => slice.extend_from_slice(part),
                    None => return false,
                }
            }
            g(Val::B(slice))
        }),
        (None, None) => raw(src, f, text, bytes, g),
    }
}

/// One range of a slice; None when it reaches outside the value.
fn cut(b: &[u8], r: Range) -> Option<&[u8]> {
    let n = b.len() as i64;
    let abs = |i: i64| if i < 0 { n + i } else { i };
    let (start, end) = match r {
        Range::Len { start, len } => {
            let s = abs(start);
            (s, len.map_or(n, |l| s + l))
        }
        Range::To { start, end } => (abs(start), abs(end) + 1),
        Range::One(i) => (abs(i), abs(i) + 1),
    };
    if start < 0 || start >= end || end > n {
        return None;
    }
    b.get(start as usize..end as usize)
}

/// The layers an operand reads, honouring `#N`.
fn each_layer<'a>(
    f: &Frame<'a>,
    layer: Option<i64>,
    want: &dyn Fn(&Layer) -> bool,
    g: &mut dyn FnMut(&'a Layer) -> bool,
) -> bool {
    match layer {
        None => {
            for l in f.all_layers() {
                if want(l) && g(l) {
                    return true;
                }
            }
            false
        }
        Some(k) => {
            let idx = if k > 0 {
                (k - 1) as usize
            } else {
                let total = f.all_layers().filter(|l| want(l)).count();
                match total.checked_sub(k.unsigned_abs() as usize) {
                    Some(i) => i,
                    None => return false,
                }
            };
            f.all_layers().filter(|l| want(l)).nth(idx).is_some_and(g)
        }
    }
}

/// The values of the operand's base, before slicing or functions.
fn raw(
    src: &Src,
    f: &Frame,
    text: &mut Values,
    bytes: &mut Vec<u8>,
    g: &mut dyn FnMut(Val) -> bool,
) -> bool {
    // Every value of one layer, typed, until `g` says stop.
    let mut layer_values = |defs: &[&FieldDef], l: &Layer, g: &mut dyn FnMut(Val) -> bool| {
        text.clear();
        for d in defs {
            (d.extract)(f, l, text);
        }
        text.iter().any(|v| typed(src.ty, v, bytes, g))
    };
    match src.base {
        Base::Frame => g(Val::B(f.data)),
        Base::Proto(name) => each_layer(f, src.layer, &|l| layer_name(l) == name, &mut |l| {
            g(Val::B(l.bytes(f.buffer(l))))
        }),
        Base::Field(def) => match def.proto {
            None => layer_values(&[def], &FRAME_LAYER, g),
            Some(_) => each_layer(f, src.layer, &|l| def.carried_by(l.proto), &mut |l| {
                layer_values(&[def], l, g)
            }),
        },
        Base::Either(a, b) => {
            let Some(p) = a.proto else {
                return false;
            };
            each_layer(f, src.layer, &|l| l.proto == p, &mut |l| {
                layer_values(&[a, b], l, g)
            })
        }
    }
}

/// Reads one printed occurrence back as a typed value and hands it to `g`.
fn typed(ty: Ty, text: &[u8], bytes: &mut Vec<u8>, g: &mut dyn FnMut(Val) -> bool) -> bool {
    match ty {
        Ty::UInt | Ty::Bool => {
            let v = match text {
                b"True" => Some(1),
                b"False" => Some(0),
                _ => core::str::from_utf8(text)
                    .ok()
                    .and_then(|t| match t.strip_prefix("0x") {
                        Some(h) => u64::from_str_radix(h, 16).ok(),
                        None => t.parse().ok(),
                    }),
            };
            v.is_some_and(|v| g(Val::U(v)))
        }
        Ty::Str => g(Val::B(text)),
        Ty::Bytes | Ty::Mac => {
            bytes.clear();
            let ok = text
                .split(|&c| c == b':')
                .flat_map(|p| p.chunks(2))
                .all(|h| {
                    let v = core::str::from_utf8(h)
                        .ok()
                        .and_then(|h| u8::from_str_radix(h, 16).ok());
                    v.map(|v| bytes.push(v)).is_some()
                });
            ok && g(Val::B(bytes))
        }
        Ty::V4 => core::str::from_utf8(text)
            .ok()
            .and_then(|t| t.parse::<Ipv4Addr>().ok())
            .is_some_and(|a| g(Val::V4(u32::from(a)))),
        Ty::V6 => core::str::from_utf8(text)
            .ok()
            .and_then(|t| t.parse::<Ipv6Addr>().ok())
            .is_some_and(|a| g(Val::V6(u128::from(a)))),
        Ty::Time => core::str::from_utf8(text)
            .ok()
            .and_then(parse_time)
            .is_some_and(|t| g(Val::T(t))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_out_of_range_are_refused() {
        assert_eq!(parse_time("1.5"), Some(1_500_000_000));
        assert_eq!(parse_time("-2"), Some(-2_000_000_000));
        assert_eq!(parse_time("99999999999999999999999999999999999"), None);
        assert!(Filter::new("frame.time_epoch > 99999999999999999999999999999999999").is_err());
    }

    #[test]
    fn ints() {
        assert_eq!(parse_int("80"), Some(80));
        assert_eq!(parse_int("0x50"), Some(80));
        assert_eq!(parse_int("0120"), Some(80));
        assert_eq!(parse_int("0b1010000"), Some(80));
        assert_eq!(parse_int("0"), Some(0));
        assert_eq!(parse_int("8x"), None);
    }

    #[test]
    fn byte_strings() {
        assert_eq!(parse_bytes("00:11:22"), Some(vec![0, 0x11, 0x22]));
        assert_eq!(parse_bytes("00-11-22"), Some(vec![0, 0x11, 0x22]));
        assert_eq!(parse_bytes("0011.2233"), Some(vec![0, 0x11, 0x22, 0x33]));
        assert_eq!(parse_bytes("0800"), Some(vec![8, 0]));
        assert_eq!(parse_bytes("8"), Some(vec![8]));
        assert_eq!(parse_bytes("080"), None);
        assert_eq!(parse_bytes("zz"), None);
    }

    #[test]
    fn slices() {
        let b = [0u8, 1, 2, 3, 4, 5];
        assert_eq!(
            cut(
                &b,
                Range::Len {
                    start: 0,
                    len: Some(3)
                }
            ),
            Some(&b[0..3])
        );
        assert_eq!(
            cut(
                &b,
                Range::Len {
                    start: 4,
                    len: None
                }
            ),
            Some(&b[4..])
        );
        assert_eq!(cut(&b, Range::To { start: 1, end: 2 }), Some(&b[1..3]));
        assert_eq!(cut(&b, Range::One(-1)), Some(&b[5..6]));
        assert_eq!(
            cut(
                &b,
                Range::Len {
                    start: 4,
                    len: Some(3)
                }
            ),
            None
        );
    }

    #[test]
    fn times() {
        assert_eq!(parse_time("1.5"), Some(1_500_000_000));
        assert_eq!(parse_time("1300000000"), Some(1_300_000_000_000_000_000));
    }
}
