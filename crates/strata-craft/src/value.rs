//! [`Value`]: what a field is set to, from the Rust API or a spec string, and the conversions a
//! layer's setter uses to turn it into a typed field (with Scapy's rules: enum names, flag
//! strings, addresses as text).

use core::net::{Ipv4Addr, Ipv6Addr};
use std::borrow::Cow;
use strata_wire::MacAddr;

/// A field value as Scapy's expression syntax writes it.
///
/// Text and bytes are [`Cow`]s so a value can borrow what it was made from: the spec parser
/// hands a layer the literal where it lies in the spec, and the layer reads it there (an
/// address, a flag string) without a copy; the few layers that keep a value (payloads, option
/// lists shown by `show()`) take it with [`Value::into_owned`].
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value<'a> {
    /// Python's `None`: "compute it" for automatic fields.
    #[default]
    None,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(Cow<'a, str>),
    Bytes(Cow<'a, [u8]>),
    List(Vec<Value<'a>>),
    Tuple(Vec<Value<'a>>),
    /// A constructor used as a value, e.g. `DNSQR(qname='a.example')` or `IPOption_NOP()`.
    Call {
        name: Cow<'a, str>,
        args: Vec<(Option<Cow<'a, str>>, Value<'a>)>,
    },
}

/// A conversion failure; the layer adds its name and the field.
pub type Conv<T> = core::result::Result<T, String>;

impl Value<'_> {
    /// How many values this one holds, itself and everything nested in it (saturating): what
    /// a repeat multiplies, so `[[X()]*65535]*65535` can be refused before it is built.
    pub fn weight(&self) -> usize {
        match self {
            Value::List(v) | Value::Tuple(v) => {
                v.iter().fold(1usize, |n, x| n.saturating_add(x.weight()))
            }
            Value::Call { args, .. } => args
                .iter()
                .fold(1usize, |n, (_, x)| n.saturating_add(x.weight())),
            _ => 1,
        }
    }

    /// The value with everything it borrows copied, for a layer that keeps it.
    pub fn into_owned(self) -> Value<'static> {
        self.into_owned_with(&[])
    }

    /// [`Value::into_owned`], except that text equal to one of `names` becomes that static
    /// name instead of a copy: a layer keeping a value for `show()` passes the names such a
    /// value usually holds (TCP option names, `DNSQR` and its fields), so keeping it copies
    /// little.
    pub(crate) fn into_owned_with(self, names: &[&'static str]) -> Value<'static> {
        let text = |s: Cow<str>| -> Cow<'static, str> {
            match names.iter().find(|n| same_name(n, &s)) {
                Some(n) => Cow::Borrowed(n),
                None => Cow::Owned(s.into_owned()),
            }
        };
        let all = |v: Vec<Value>| v.into_iter().map(|v| v.into_owned_with(names)).collect();
        match self {
            Value::None => Value::None,
            Value::Bool(b) => Value::Bool(b),
            Value::Int(i) => Value::Int(i),
            Value::Float(f) => Value::Float(f),
            Value::Str(s) => Value::Str(text(s)),
            Value::Bytes(b) => Value::Bytes(Cow::Owned(b.into_owned())),
            Value::List(v) => Value::List(all(v)),
            Value::Tuple(v) => Value::Tuple(all(v)),
            Value::Call { name, args } => Value::Call {
                name: text(name),
                args: args
                    .into_iter()
                    .map(|(k, v)| (k.map(text), v.into_owned_with(names)))
                    .collect(),
            },
        }
    }

    /// A short description for error messages (`'abc'`, `3`, `[...]`).
    pub fn describe(&self) -> String {
        match self {
            Value::None => "None".into(),
            Value::Bool(b) => if *b { "True" } else { "False" }.into(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            Value::Str(s) => format!("'{s}'"),
            Value::Bytes(b) => format!("b'{}'", escape_bytes(b)),
            Value::List(_) => "a list".into(),
            Value::Tuple(_) => "a tuple".into(),
            Value::Call { name, .. } => format!("{name}(...)"),
        }
    }

    /// An unsigned integer that fits in `bits` bits (booleans count as 0/1, as in Python).
    #[inline]
    pub fn uint(&self, bits: u32) -> Conv<u64> {
        let i = match self {
            Value::Int(i) => *i,
            Value::Bool(b) => *b as i128,
            v => return Err(not_an_integer(v)),
        };
        let max = match bits {
            0 => 0,
            b => u64::MAX >> (64 - b.min(64)),
        };
        match u64::try_from(i) {
            Ok(u) if u <= max => Ok(u),
            _ => Err(does_not_fit(i, bits, max)),
        }
    }

    pub fn u8(&self) -> Conv<u8> {
        self.uint(8).map(|v| v as u8)
    }
    pub fn u16(&self) -> Conv<u16> {
        self.uint(16).map(|v| v as u16)
    }
    pub fn u32(&self) -> Conv<u32> {
        self.uint(32).map(|v| v as u32)
    }

    /// An integer or one of the names of an enum field (Scapy's `EnumField.any2i`).
    pub fn enumerated(&self, bits: u32, names: &[(&str, u64)]) -> Conv<u64> {
        match self {
            Value::Str(s) => names
                .iter()
                .find(|(n, _)| *n == &**s)
                .map(|(_, v)| *v)
                .ok_or_else(|| {
                    let known: Vec<&str> = names.iter().map(|(n, _)| *n).collect();
                    format!("unknown name '{s}' (known: {})", known.join(", "))
                }),
            v => v.uint(bits),
        }
    }

    /// An integer or a flag string (Scapy's `FlagsField.any2i`): names of one letter are read
    /// letter by letter (`'SA'`), longer names are joined with `+` (`'DF+MF'`). `names[i]` is bit i.
    pub fn flags(&self, bits: u32, names: &[&str]) -> Conv<u64> {
        let s = match self {
            Value::Str(s) => s,
            v => return v.uint(bits),
        };
        let bit = |n: &str| {
            names
                .iter()
                .position(|x| *x == n)
                .map(|i| 1u64 << i)
                .ok_or_else(|| format!("unknown flag '{n}' (flags: {})", names.join(" ")))
        };
        let mut v = 0;
        if names.iter().any(|n| n.len() > 1) {
            for part in s.split('+').filter(|p| !p.is_empty()) {
                v |= bit(part)?;
            }
        } else {
            for c in s.chars() {
                v |= bit(c.encode_utf8(&mut [0; 4]))?;
            }
        }
        Ok(v)
    }

    /// Bytes of a `str`/`bytes` value (Scapy's `bytes_encode`: str is UTF-8).
    pub fn bytes(&self) -> Conv<Vec<u8>> {
        match self {
            Value::Str(s) => Ok(s.as_bytes().to_vec()),
            Value::Bytes(b) => Ok(b.to_vec()),
            v => Err(format!("expects str or bytes, got {}", v.describe())),
        }
    }

    /// [`Value::bytes`] borrowed, for values that are read, not kept (DNS names).
    pub fn as_bytes(&self) -> Conv<&[u8]> {
        match self {
            Value::Str(s) => Ok(s.as_bytes()),
            Value::Bytes(b) => Ok(b),
            v => Err(format!("expects str or bytes, got {}", v.describe())),
        }
    }

    /// [`Value::bytes`] of a value the caller owns: the bytes are moved, not copied.
    pub fn into_bytes(self) -> Conv<Vec<u8>> {
        match self {
            Value::Str(s) => Ok(s.into_owned().into_bytes()),
            Value::Bytes(b) => Ok(b.into_owned()),
            v => Err(format!("expects str or bytes, got {}", v.describe())),
        }
    }

    /// Text of a `str` (or UTF-8 `bytes`) value.
    pub fn text(&self) -> Conv<String> {
        self.as_text().map(str::to_string)
    }

    /// [`Value::text`] borrowed, for values that are parsed, not kept (addresses).
    #[inline(always)]
    pub fn as_text(&self) -> Conv<&str> {
        match self {
            Value::Str(s) => Ok(s),
            Value::Bytes(b) => core::str::from_utf8(b).map_err(|_| "expects text".into()),
            v => Err(format!("expects a string, got {}", v.describe())),
        }
    }

    pub fn ipv4(&self) -> Conv<Ipv4Addr> {
        let s = self.as_text()?;
        strata_wire::addr::parse_ipv4(s)
            .ok_or_else(|| format!("'{s}' is not an IPv4 address (names are not resolved)"))
    }

    pub fn ipv6(&self) -> Conv<Ipv6Addr> {
        let s = self.as_text()?;
        strata_wire::addr::parse_ipv6(s)
            .ok_or_else(|| format!("'{s}' is not an IPv6 address (names are not resolved)"))
    }

    pub fn mac(&self) -> Conv<MacAddr> {
        match self {
            Value::Bytes(b) if b.len() == 6 => {
                let mut m = [0; 6];
                m.copy_from_slice(b);
                Ok(MacAddr(m))
            }
            v => {
                let s = v.as_text()?;
                s.parse()
                    .map_err(|_| format!("'{s}' is not a MAC address (aa:bb:cc:dd:ee:ff)"))
            }
        }
    }

    /// The items of a list field: a list or tuple as is, a single value as a list of one
    /// (Scapy accepts `qd=DNSQR()` for `qd=[DNSQR()]`).
    pub fn items(&self) -> Vec<Value<'_>> {
        self.item_slice().to_vec()
    }

    /// [`Value::items`] without copying them.
    pub fn item_slice(&self) -> &[Value<'_>] {
        match self {
            Value::List(v) | Value::Tuple(v) => v,
            Value::None => &[],
            v => core::slice::from_ref(v),
        }
    }
}

/// [`Value::uint`]'s errors, out of its way.
#[cold]
fn not_an_integer(v: &Value) -> String {
    format!("expects an integer, got {}", v.describe())
}
#[cold]
fn does_not_fit(i: i128, bits: u32, max: u64) -> String {
    format!("{i} does not fit in {bits} bits (0..={max})")
}

/// Drops a value a setter has read, without a call to its drop glue when it owns nothing (a
/// number, `None`, a literal borrowed from the spec: nearly every spec argument).
#[inline(always)]
pub(crate) fn discard(v: Value) {
    let owns_nothing = matches!(
        &v,
        Value::None
            | Value::Bool(_)
            | Value::Int(_)
            | Value::Float(_)
            | Value::Str(Cow::Borrowed(_))
            | Value::Bytes(Cow::Borrowed(_))
    );
    if owns_nothing {
        core::mem::forget(v);
    }
}

/// Whether two (short) names are equal, compared in line: cheaper than `==`'s call to
/// `memcmp` for the field and class names the spec parser matches.
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    // The first byte tells most names of one length apart.
    a.len() == b.len() && a.first() == b.first() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// Escapes bytes the way Python's `repr(bytes)` does.
pub fn escape_bytes(b: &[u8]) -> String {
    let mut s = String::new();
    for &c in b {
        match c {
            b'\\' => s.push_str("\\\\"),
            b'\'' => s.push_str("\\'"),
            b'\n' => s.push_str("\\n"),
            b'\r' => s.push_str("\\r"),
            b'\t' => s.push_str("\\t"),
            0x20..=0x7e => s.push(c as char),
            _ => s.push_str(&format!("\\x{c:02x}")),
        }
    }
    s
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Value<'_> {
            fn from(v: $t) -> Self {
                Value::Int(v as i128)
            }
        }
    )*};
}
from_int!(u8, u16, u32, u64, i32, i64, usize);

impl From<bool> for Value<'_> {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl From<f64> for Value<'_> {
    fn from(v: f64) -> Self {
        Value::Float(v)
    }
}
impl<'a> From<&'a str> for Value<'a> {
    fn from(v: &'a str) -> Self {
        Value::Str(Cow::Borrowed(v))
    }
}
impl From<String> for Value<'_> {
    fn from(v: String) -> Self {
        Value::Str(Cow::Owned(v))
    }
}
impl<'a> From<&'a [u8]> for Value<'a> {
    fn from(v: &'a [u8]) -> Self {
        Value::Bytes(Cow::Borrowed(v))
    }
}
impl<'a, const N: usize> From<&'a [u8; N]> for Value<'a> {
    fn from(v: &'a [u8; N]) -> Self {
        Value::Bytes(Cow::Borrowed(v))
    }
}
impl From<Vec<u8>> for Value<'_> {
    fn from(v: Vec<u8>) -> Self {
        Value::Bytes(Cow::Owned(v))
    }
}
impl From<Ipv4Addr> for Value<'_> {
    fn from(v: Ipv4Addr) -> Self {
        Value::Str(Cow::Owned(v.to_string()))
    }
}
impl From<Ipv6Addr> for Value<'_> {
    fn from(v: Ipv6Addr) -> Self {
        Value::Str(Cow::Owned(v.to_string()))
    }
}
impl From<MacAddr> for Value<'_> {
    fn from(v: MacAddr) -> Self {
        Value::Str(Cow::Owned(v.to_string()))
    }
}
impl<'a> From<Vec<Value<'a>>> for Value<'a> {
    fn from(v: Vec<Value<'a>>) -> Self {
        Value::List(v)
    }
}
impl<'a, A: Into<Value<'a>>, B: Into<Value<'a>>> From<(A, B)> for Value<'a> {
    /// A pair, as in TCP options: `("MSS", 1460)`.
    fn from((a, b): (A, B)) -> Self {
        Value::Tuple(vec![a.into(), b.into()])
    }
}
impl From<()> for Value<'_> {
    /// `()` stands for Python's `None` in option pairs: `("NOP", ())`.
    fn from(_: ()) -> Self {
        Value::None
    }
}
