//! DNS messages (Scapy `DNS`, `DNSQR`, `DNSRR`). Strata has no DNS emitter in `strata-wire`
//! (the flow classifier only reads DNS), so the encoding lives here.
//!
//! Names are encoded as Scapy's `dns_encode` does — labels cut at 63 bytes, no compression —
//! so the bytes match Scapy's `raw()`.

use super::hex;
use crate::error::{CraftError, Result};
use crate::names::{name_of, DNS_CLASSES, DNS_OPCODES, DNS_RCODES, DNS_TYPES};
use crate::packet::{builders, deferred_impl, opt, Cx, Layer, Proto};
use crate::value::{discard, escape_bytes, Conv, Value};
use core::net::{Ipv4Addr, Ipv6Addr};
use std::borrow::Cow;
use strata_wire::bytes::{be16, put16};

/// A DNS message. Scapy's defaults: id 0, rd 1, one question `DNSQR()` for
/// `www.example.com.` type A class IN; the four counts from the lists unless set. Over TCP the
/// two-byte `length` prefix is added (computed unless set).
#[derive(Debug, Clone)]
pub struct Dns {
    pub length: Option<u16>,
    pub id: Option<u16>,
    pub qr: Option<u8>,
    pub opcode: Option<u8>,
    pub aa: Option<u8>,
    pub tc: Option<u8>,
    pub rd: Option<u8>,
    pub ra: Option<u8>,
    pub z: Option<u8>,
    pub ad: Option<u8>,
    pub cd: Option<u8>,
    pub rcode: Option<u8>,
    pub qdcount: Option<u16>,
    pub ancount: Option<u16>,
    pub nscount: Option<u16>,
    pub arcount: Option<u16>,
    /// The records of each section: qd, an, ns, ar (boxed, as the largest part of any layer:
    /// every layer of a packet is as large as the largest kind).
    sections: Box<[Section; 4]>,
    deferred: Option<Box<CraftError>>,
}

#[derive(Debug, Clone, Default)]
struct Section {
    /// The records, encoded (borrowed for the default question, so `DNS()` costs nothing).
    bytes: Cow<'static, [u8]>,
    count: usize,
    /// The records as given, which `show()` summarises (`None` for the default question).
    given: Value<'static>,
}

builders!(Dns {
    length => "length", id => "id", qr => "qr", opcode => "opcode", aa => "aa", tc => "tc",
    rd => "rd", ra => "ra", z => "z", ad => "ad", cd => "cd", rcode => "rcode",
    qdcount => "qdcount", ancount => "ancount", nscount => "nscount", arcount => "arcount",
    qd => "qd", an => "an", ns => "ns", ar => "ar",
});

impl Default for Dns {
    fn default() -> Dns {
        Dns::new()
    }
}

impl Dns {
    pub fn new() -> Dns {
        let mut d = Dns {
            length: None,
            id: None,
            qr: None,
            opcode: None,
            aa: None,
            tc: None,
            rd: None,
            ra: None,
            z: None,
            ad: None,
            cd: None,
            rcode: None,
            qdcount: None,
            ancount: None,
            nscount: None,
            arcount: None,
            sections: Default::default(),
            deferred: None,
        };
        d.sections[0] = default_question();
        d
    }

    /// Length of the message without the TCP length prefix.
    fn message_len(&self) -> usize {
        12 + self.sections.iter().map(|s| s.bytes.len()).sum::<usize>()
    }

    /// Writes the message (without the TCP length prefix) into `out`, `message_len()` long.
    fn write_message(&self, out: &mut [u8]) {
        let b = |v: Option<u8>, d: u8| v.unwrap_or(d) as u16;
        let flags = (b(self.qr, 0) << 15)
            | (b(self.opcode, 0) << 11)
            | (b(self.aa, 0) << 10)
            | (b(self.tc, 0) << 9)
            | (b(self.rd, 1) << 8)
            | (b(self.ra, 0) << 7)
            | (b(self.z, 0) << 6)
            | (b(self.ad, 0) << 5)
            | (b(self.cd, 0) << 4)
            | b(self.rcode, 0);
        let counts = [self.qdcount, self.ancount, self.nscount, self.arcount];
        put16(out, 0, self.id.unwrap_or(0));
        put16(out, 2, flags);
        let mut at = 4;
        for (c, s) in counts.iter().zip(self.sections.iter()) {
            put16(out, at, c.unwrap_or(s.count as u16));
            at += 2;
        }
        for s in self.sections.iter() {
            out[at..at + s.bytes.len()].copy_from_slice(&s.bytes);
            at += s.bytes.len();
        }
    }
}

/// Scapy's `DNSQR()`: `www.example.com.`, type A, class IN (checked against
/// `encode_record` in the tests).
const DEFAULT_QUESTION: &[u8] = b"\x03www\x07example\x03com\x00\x00\x01\x00\x01";

/// The question section of `DNS()`: one `DNSQR()`.
fn default_question() -> Section {
    Section {
        bytes: Cow::Borrowed(DEFAULT_QUESTION),
        count: 1,
        given: Value::None,
    }
}

/// The class and field names of the records a section keeps for `show()`, shared instead
/// of copied.
const RECORD_NAMES: &[&str] = &[
    "DNSQR",
    "DNSRR",
    "qname",
    "qtype",
    "unicastresponse",
    "qclass",
    "rrname",
    "type",
    "cacheflush",
    "rclass",
    "ttl",
    "rdlen",
    "rdata",
];

/// Scapy's `dns_encode`, appended to `out`: length-prefixed labels cut at 63 bytes, ending
/// with the root label.
pub fn encode_name(name: &[u8], out: &mut Vec<u8>) {
    if name.is_empty() || name == b"." {
        out.push(0);
        return;
    }
    for label in name.split(|&c| c == b'.') {
        let label = &label[..label.len().min(63)];
        out.push(label.len() as u8);
        out.extend(label);
    }
    // (The last byte is the name's: at least one label length was just written.)
    if out.last() != Some(&0) {
        out.push(0);
    }
}

/// Encodes one `DNSQR(...)` (question) or `DNSRR(...)` (resource record) at the end of `out`.
fn encode_record(v: &Value, question: bool, out: &mut Vec<u8>) -> Conv<()> {
    let (name, args) = match v {
        Value::Call { name, args } => (&**name, args),
        other => {
            return Err(format!(
                "expects DNSQR()/DNSRR() items, got {}",
                other.describe()
            ))
        }
    };
    let want = if question { "DNSQR" } else { "DNSRR" };
    if name != want {
        return Err(format!("expects {want}() items, got {name}()"));
    }
    let known: &[&str] = if question {
        &["qname", "qtype", "unicastresponse", "qclass"]
    } else {
        &[
            "rrname",
            "type",
            "cacheflush",
            "rclass",
            "ttl",
            "rdlen",
            "rdata",
        ]
    };
    for (k, _) in args {
        match k {
            Some(k) if !known.contains(&&**k) => {
                return Err(format!(
                    "{name} has no field '{k}'{}",
                    crate::error::did_you_mean(k, known.iter().copied())
                ))
            }
            None => return Err(format!("{name} takes keyword arguments only")),
            _ => {}
        }
    }
    let arg = |k: &str| {
        args.iter()
            .find(|(n, _)| n.as_deref() == Some(k))
            .map(|(_, v)| v)
    };
    let int = |k: &str, bits: u32, d: u64| arg(k).map_or(Ok(d), |v| v.uint(bits));
    let named = |k: &str, bits: u32, table: &[(&str, u64)], d: u64| {
        arg(k).map_or(Ok(d), |v| v.enumerated(bits, table))
    };
    if question {
        let qname = match arg("qname") {
            Some(v) => v.as_bytes()?,
            None => b"www.example.com.",
        };
        encode_name(qname, out);
        out.extend((named("qtype", 16, DNS_TYPES, 1)? as u16).to_be_bytes());
        let class = ((int("unicastresponse", 1, 0)? as u16) << 15)
            | named("qclass", 15, DNS_CLASSES, 1)? as u16;
        out.extend(class.to_be_bytes());
        return Ok(());
    }
    let rrname = arg("rrname").map_or(Ok(&[][..]), Value::as_bytes)?;
    let ty = named("type", 16, DNS_TYPES, 1)? as u16;
    encode_name(rrname, out);
    out.extend(ty.to_be_bytes());
    let class =
        ((int("cacheflush", 1, 0)? as u16) << 15) | named("rclass", 15, DNS_CLASSES, 1)? as u16;
    out.extend(class.to_be_bytes());
    out.extend((int("ttl", 32, 0)? as u32).to_be_bytes());
    let rdata = arg("rdata");
    let rdata: Vec<u8> = match ty {
        1 => rdata
            .map_or(Ok(Ipv4Addr::UNSPECIFIED), Value::ipv4)?
            .octets()
            .to_vec(),
        28 => rdata
            .map_or(Ok(Ipv6Addr::UNSPECIFIED), Value::ipv6)?
            .octets()
            .to_vec(),
        2 | 3 | 4 | 5 | 12 | 39 => {
            let mut name = Vec::new();
            encode_name(rdata.map_or(Ok(&[][..]), Value::as_bytes)?, &mut name);
            name
        }
        16 => {
            // TXT: character-strings of at most 255 bytes each.
            let strings = rdata.map_or(vec![Value::Str(Cow::Borrowed(""))], Value::items);
            let mut b = Vec::new();
            for s in strings {
                let s = s.bytes()?;
                if s.is_empty() {
                    b.push(0);
                }
                for chunk in s.chunks(255) {
                    b.push(chunk.len() as u8);
                    b.extend(chunk);
                }
            }
            b
        }
        _ => rdata.map_or(Ok(Vec::new()), Value::bytes)?,
    };
    let rdlen = int("rdlen", 16, rdata.len() as u64)? as u16;
    out.extend(rdlen.to_be_bytes());
    out.extend(rdata);
    Ok(())
}

/// One line per record for `show()`.
fn summary(v: &Value) -> String {
    match v {
        Value::Call { name, args } => {
            let inner: Vec<String> = args
                .iter()
                .map(|(k, v)| format!("{}={}", k.as_deref().unwrap_or("?"), v.describe()))
                .collect();
            format!("{name}({})", inner.join(", "))
        }
        v => v.describe(),
    }
}

impl Dns {
    /// [`Proto::set`]; the records as given are kept for `show()` only if `shown`.
    fn set_as(&mut self, field: &str, v: Value, shown: bool) -> Conv<bool> {
        let bit = |v: &Value| opt(v, |v| v.uint(1).map(|x| x as u8));
        match field {
            "length" => self.length = opt(&v, Value::u16)?,
            "id" => self.id = opt(&v, Value::u16)?,
            "qr" => self.qr = bit(&v)?,
            "opcode" => self.opcode = opt(&v, |v| v.enumerated(4, DNS_OPCODES).map(|x| x as u8))?,
            "aa" => self.aa = bit(&v)?,
            "tc" => self.tc = bit(&v)?,
            "rd" => self.rd = bit(&v)?,
            "ra" => self.ra = bit(&v)?,
            "z" => self.z = bit(&v)?,
            "ad" => self.ad = bit(&v)?,
            "cd" => self.cd = bit(&v)?,
            "rcode" => self.rcode = opt(&v, |v| v.enumerated(4, DNS_RCODES).map(|x| x as u8))?,
            "qdcount" => self.qdcount = opt(&v, Value::u16)?,
            "ancount" => self.ancount = opt(&v, Value::u16)?,
            "nscount" => self.nscount = opt(&v, Value::u16)?,
            "arcount" => self.arcount = opt(&v, Value::u16)?,
            section @ ("qd" | "an" | "ns" | "ar") => {
                let i = ["qd", "an", "ns", "ar"]
                    .iter()
                    .position(|s| *s == section)
                    .unwrap_or(3);
                if i == 0 && matches!(v, Value::None) {
                    self.sections[0] = default_question();
                    return Ok(true);
                }
                // The count goes in a 16-bit field (Scapy's struct.pack fails the same way).
                if v.item_slice().len() > usize::from(u16::MAX) {
                    return Err(format!(
                        "{} records: the count field holds at most 65535",
                        v.item_slice().len()
                    ));
                }
                // Room for a question or a short record without regrowing.
                let mut bytes = Vec::with_capacity(64);
                for item in v.item_slice() {
                    encode_record(item, i == 0, &mut bytes)?;
                }
                self.sections[i] = Section {
                    bytes: bytes.into(),
                    count: v.item_slice().len(),
                    given: if shown {
                        v.into_owned_with(RECORD_NAMES)
                    } else {
                        Value::None
                    },
                };
                return Ok(true);
            }
            _ => return Ok(false),
        }
        discard(v);
        Ok(true)
    }
}

impl Proto for Dns {
    fn class(&self) -> &'static str {
        "DNS"
    }
    fn title(&self) -> &'static str {
        "DNS"
    }
    fn fields(&self) -> &'static [&'static str] {
        &[
            "length", "id", "qr", "opcode", "aa", "tc", "rd", "ra", "z", "ad", "cd", "rcode",
            "qdcount", "ancount", "nscount", "arcount", "qd", "an", "ns", "ar",
        ]
    }
    fn set(&mut self, field: &str, v: Value) -> Conv<()> {
        self.set_as(field, v, true).map(drop)
    }
    fn set_unshown(&mut self, field: &str, v: Value) -> Conv<()> {
        self.set_as(field, v, false).map(drop)
    }
    fn try_set(&mut self, field: &str, v: Value, shown: bool) -> Conv<bool> {
        self.set_as(field, v, shown)
    }
    deferred_impl!();
    fn header_len(&self, cx: &Cx) -> usize {
        let prefix = if matches!(cx.under(), Some(Layer::Tcp(_))) {
            2
        } else {
            0
        };
        prefix + self.message_len()
    }
    fn emit(&self, cx: &Cx, out: &mut [u8]) -> Result<()> {
        let over_tcp = matches!(cx.under(), Some(Layer::Tcp(_)));
        let at = if over_tcp { 2 } else { 0 };
        let Some(dst) = out.get_mut(at..at + self.message_len()) else {
            return Err(CraftError::Build {
                layer: "DNS",
                msg: "buffer too small".into(),
            });
        };
        self.write_message(dst);
        if over_tcp {
            // Scapy: the length of the message and whatever follows it.
            let total = out.len().saturating_sub(2).min(0xffff) as u16;
            put16(out, 0, self.length.unwrap_or(total));
        }
        Ok(())
    }
    fn show(&self, cx: &Cx, out: &[u8]) -> Vec<(&'static str, String)> {
        let over_tcp = matches!(cx.under(), Some(Layer::Tcp(_)));
        let mut v = Vec::new();
        let m = if over_tcp {
            v.push(("length", be16(out, 0).to_string()));
            out.get(2..).unwrap_or_default()
        } else {
            out
        };
        let flags = be16(m, 2);
        let bit = |n: u16| ((flags >> n) & 1).to_string();
        let opcode = ((flags >> 11) & 0xf) as u64;
        let rcode = (flags & 0xf) as u64;
        v.extend([
            ("id", be16(m, 0).to_string()),
            ("qr", bit(15)),
            (
                "opcode",
                name_of(DNS_OPCODES, opcode).map_or_else(|| opcode.to_string(), str::to_string),
            ),
            ("aa", bit(10)),
            ("tc", bit(9)),
            ("rd", bit(8)),
            ("ra", bit(7)),
            ("z", bit(6)),
            ("ad", bit(5)),
            ("cd", bit(4)),
            (
                "rcode",
                name_of(DNS_RCODES, rcode).map_or_else(|| rcode.to_string(), str::to_string),
            ),
            ("qdcount", be16(m, 4).to_string()),
            ("ancount", be16(m, 6).to_string()),
            ("nscount", be16(m, 8).to_string()),
            ("arcount", be16(m, 10).to_string()),
        ]);
        for (i, (name, s)) in ["qd", "an", "ns", "ar"]
            .iter()
            .zip(self.sections.iter())
            .enumerate()
        {
            let shown: Vec<String> = if i == 0 && s.given == Value::None {
                vec!["DNSQR()".into()]
            } else {
                s.given.item_slice().iter().map(summary).collect()
            };
            v.push((name, format!("[{}]", shown.join(", "))));
        }
        let _ = (hex, escape_bytes, name_of(DNS_TYPES, 0));
        v
    }
}

/// A question for `Dns::qd`: `DnsQr::new().qname("a.example").qtype("AAAA")`.
#[derive(Debug, Clone, Default)]
pub struct DnsQr(Vec<(Option<Cow<'static, str>>, Value<'static>)>);

/// A resource record for `Dns::an` / `ns` / `ar`: `DnsRr::new().rrname("a.example").rdata("192.0.2.1")`.
#[derive(Debug, Clone, Default)]
pub struct DnsRr(Vec<(Option<Cow<'static, str>>, Value<'static>)>);

macro_rules! record_builders {
    ($t:ident, $class:literal { $($m:ident => $f:literal),* $(,)? }) => {
        impl $t {
            pub fn new() -> $t {
                $t(Vec::new())
            }
            $(
                #[doc = concat!("Sets Scapy's `", $f, "`.")]
                pub fn $m<'v>(mut self, v: impl Into<Value<'v>>) -> $t {
                    self.0.push((Some(Cow::Borrowed($f)), v.into().into_owned()));
                    self
                }
            )*
        }
        impl From<$t> for Value<'_> {
            fn from(r: $t) -> Self {
                Value::Call { name: $class.into(), args: r.0 }
            }
        }
    };
}

record_builders!(DnsQr, "DNSQR" {
    qname => "qname", qtype => "qtype", unicastresponse => "unicastresponse", qclass => "qclass",
});
record_builders!(DnsRr, "DNSRR" {
    rrname => "rrname", type_ => "type", cacheflush => "cacheflush", rclass => "rclass",
    ttl => "ttl", rdlen => "rdlen", rdata => "rdata",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_question_is_dnsqr() {
        let q = Value::Call {
            name: "DNSQR".into(),
            args: Vec::new(),
        };
        let mut b = Vec::new();
        encode_record(&q, true, &mut b).unwrap();
        assert_eq!(b, DEFAULT_QUESTION);
    }
}
