//! IPv4 with options (Scapy `IP`, `IPOption_*`).

use super::ether::wire_err;
use super::hex;
use crate::error::{CraftError, Result};
use crate::names::{name_of, IP_PROTOS};
use crate::packet::{builders, deferred_impl, opt, Cx, Layer, Proto};
use crate::value::{discard, escape_bytes, Conv, Value};
use core::net::Ipv4Addr;
use std::borrow::Cow;
use strata_wire::ipv4;

/// Scapy's IP flag names, bit 0 first.
const IP_FLAGS: &[&str] = &["MF", "DF", "evil"];

/// IPv4. Scapy's defaults: ttl 64, id 1, flags 0, dst 127.0.0.1; `ihl`, `len`, `chksum` and
/// `proto` (from the payload) computed unless set.
///
/// `src`: Scapy takes the source address of the route to `dst`. Strata writes 127.0.0.1 for a
/// loopback `dst` (as Scapy does) and 0.0.0.0 otherwise, unless `src` is set.
#[derive(Debug, Clone, Default)]
pub struct Ip {
    pub version: Option<u8>,
    pub ihl: Option<u8>,
    pub tos: Option<u8>,
    pub len: Option<u16>,
    pub id: Option<u16>,
    pub flags: Option<u8>,
    pub frag: Option<u16>,
    pub ttl: Option<u8>,
    pub proto: Option<u8>,
    pub chksum: Option<u16>,
    pub src: Option<Ipv4Addr>,
    pub dst: Option<Ipv4Addr>,
    /// Option bytes as encoded from the `IPOption_*` list (padded with zeros at build).
    pub options: Vec<u8>,
    deferred: Option<Box<CraftError>>,
}

builders!(Ip {
    version => "version", ihl => "ihl", tos => "tos", len => "len", id => "id",
    flags => "flags", frag => "frag", ttl => "ttl", proto => "proto", chksum => "chksum",
    src => "src", dst => "dst", options => "options",
});

impl Ip {
    pub fn new() -> Ip {
        Ip::default()
    }
    pub fn resolved_dst(&self) -> Ipv4Addr {
        self.dst.unwrap_or(Ipv4Addr::LOCALHOST)
    }
    pub fn resolved_src(&self) -> Ipv4Addr {
        self.src.unwrap_or_else(|| {
            if self.resolved_dst().is_loopback() {
                Ipv4Addr::LOCALHOST
            } else {
                Ipv4Addr::UNSPECIFIED
            }
        })
    }
    /// The IHL the header claims: set, or 5 plus the options in words.
    pub fn resolved_ihl(&self) -> u8 {
        self.ihl.unwrap_or(5 + self.options.len().div_ceil(4) as u8)
    }
    fn protocol(&self, cx: &Cx) -> u8 {
        self.proto.unwrap_or(match cx.payload() {
            Some(Layer::Tcp(_)) => 6,
            Some(Layer::Udp(_)) => 17,
            Some(Layer::Icmp(_)) => 1,
            Some(Layer::Ip(_)) => 4,
            Some(Layer::Ipv6(_)) => 41,
            _ => 0,
        })
    }
    fn repr(&self, cx: &Cx) -> ipv4::Repr {
        ipv4::Repr {
            version: self.version.unwrap_or(4),
            tos: self.tos.unwrap_or(0),
            total_len: self.len,
            ident: self.id.unwrap_or(1),
            flags: self.flags.unwrap_or(0),
            frag_offset: self.frag.unwrap_or(0),
            ttl: self.ttl.unwrap_or(64),
            protocol: self.protocol(cx),
            checksum: self.chksum,
            src: self.resolved_src(),
            dst: self.resolved_dst(),
            options: self.options.clone(),
            ihl_override: self.ihl,
        }
    }
}

/// Encodes Scapy's `options=[IPOption_RR(routers=[...]), IPOption_NOP(), ...]`, or raw bytes.
fn encode_options(v: &Value) -> Conv<Vec<u8>> {
    if matches!(v, Value::Bytes(_) | Value::Str(_)) {
        return v.bytes();
    }
    let mut out = Vec::new();
    for item in v.item_slice() {
        match item {
            Value::Call { name, args } => out.extend(encode_option(name, args)?),
            Value::Bytes(b) => out.extend(b.iter()),
            other => {
                return Err(format!(
                    "expects IPOption_*() items, got {}",
                    other.describe()
                ))
            }
        }
    }
    if out.len() > 40 {
        return Err(format!("{} bytes of options: IPv4 allows 40", out.len()));
    }
    Ok(out)
}

/// One `IPOption_*` call: (class, number) bits from the class, then its body.
fn encode_option(name: &str, args: &[(Option<Cow<str>>, Value)]) -> Conv<Vec<u8>> {
    let arg = |k: &str| {
        args.iter()
            .find(|(n, _)| n.as_deref() == Some(k))
            .map(|(_, v)| v)
    };
    let positional = args.iter().find(|(n, _)| n.is_none()).map(|(_, v)| v);
    for (n, _) in args.iter().filter_map(|(n, v)| n.as_ref().map(|n| (n, v))) {
        let known = [
            "copy_flag",
            "optclass",
            "option",
            "length",
            "pointer",
            "routers",
            "alert",
            "value",
            "mtu",
            "security",
        ];
        if !known.contains(&&**n) {
            return Err(format!("{name} has no field '{n}'"));
        }
    }
    // IPOption(b'...') is the option's raw bytes, as Scapy dissects them.
    if name == "IPOption" {
        if let Some(raw) = positional {
            return raw.bytes();
        }
    }
    let (copy, class, number) = match name {
        "IPOption_EOL" => (0, 0, 0),
        "IPOption_NOP" => (0, 0, 1),
        "IPOption_RR" => (0, 0, 7),
        "IPOption_LSRR" => (1, 0, 3),
        "IPOption_SSRR" => (1, 0, 9),
        "IPOption_Router_Alert" => (1, 0, 20),
        "IPOption_MTU_Probe" => (0, 0, 11),
        "IPOption_MTU_Reply" => (0, 0, 12),
        "IPOption_Stream_Id" => (1, 0, 8),
        "IPOption" => (0, 0, 0),
        _ => return Err(format!("unknown IP option class '{name}'")),
    };
    let bits = |k: &str, n: u32, d: u64| arg(k).map_or(Ok(d), |v| v.uint(n));
    let kind = ((bits("copy_flag", 1, copy)? << 7)
        | (bits("optclass", 2, class)? << 5)
        | bits("option", 5, number)?) as u8;
    let body: Vec<u8> = match name {
        "IPOption_EOL" | "IPOption_NOP" => return Ok(vec![kind]),
        "IPOption_RR" | "IPOption_LSRR" | "IPOption_SSRR" => {
            let mut b = vec![bits("pointer", 8, 4)? as u8];
            for r in arg("routers").map(Value::items).unwrap_or_default() {
                b.extend(r.ipv4()?.octets());
            }
            b
        }
        "IPOption_Router_Alert" => (bits("alert", 16, 0)? as u16).to_be_bytes().to_vec(),
        "IPOption_MTU_Probe" | "IPOption_MTU_Reply" => {
            (bits("mtu", 16, 0)? as u16).to_be_bytes().to_vec()
        }
        "IPOption_Stream_Id" => (bits("security", 16, 0)? as u16).to_be_bytes().to_vec(),
        _ => arg("value").map_or(Ok(Vec::new()), Value::bytes)?,
    };
    let len = bits("length", 8, (body.len() + 2) as u64)? as u8;
    let mut out = vec![kind, len];
    out.extend(body);
    Ok(out)
}

impl Proto for Ip {
    fn class(&self) -> &'static str {
        "IP"
    }
    fn title(&self) -> &'static str {
        "IP"
    }
    fn fields(&self) -> &'static [&'static str] {
        &[
            "version", "ihl", "tos", "len", "id", "flags", "frag", "ttl", "proto", "chksum", "src",
            "dst", "options",
        ]
    }
    fn set(&mut self, field: &str, v: Value) -> Conv<()> {
        self.try_set(field, v, true).map(drop)
    }
    fn try_set(&mut self, field: &str, v: Value, _: bool) -> Conv<bool> {
        match field {
            "version" => self.version = opt(&v, |v| v.uint(4).map(|x| x as u8))?,
            "ihl" => self.ihl = opt(&v, |v| v.uint(4).map(|x| x as u8))?,
            "tos" => self.tos = opt(&v, Value::u8)?,
            "len" => self.len = opt(&v, Value::u16)?,
            "id" => self.id = opt(&v, Value::u16)?,
            "flags" => self.flags = opt(&v, |v| v.flags(3, IP_FLAGS).map(|x| x as u8))?,
            "frag" => self.frag = opt(&v, |v| v.uint(13).map(|x| x as u16))?,
            "ttl" => self.ttl = opt(&v, Value::u8)?,
            "proto" => self.proto = opt(&v, |v| v.enumerated(8, IP_PROTOS).map(|x| x as u8))?,
            "chksum" => self.chksum = opt(&v, Value::u16)?,
            "src" => self.src = opt(&v, Value::ipv4)?,
            "dst" => self.dst = opt(&v, Value::ipv4)?,
            "options" => self.options = encode_options(&v)?,
            _ => return Ok(false),
        }
        discard(v);
        Ok(true)
    }
    deferred_impl!();
    fn header_len(&self, _: &Cx) -> usize {
        ipv4::MIN_HEADER_LEN + self.options.len().div_ceil(4) * 4
    }
    fn emit(&self, cx: &Cx, out: &mut [u8]) -> Result<()> {
        let hlen = self.header_len(cx);
        let payload_len = out.len().saturating_sub(hlen);
        self.repr(cx)
            .emit(out, payload_len)
            .map_err(wire_err("IP"))?;
        Ok(())
    }
    fn show(&self, _: &Cx, out: &[u8]) -> Vec<(&'static str, String)> {
        let p = ipv4::Packet::new_unchecked(out);
        let proto = p.protocol() as u64;
        let flags: Vec<&str> = (0..3)
            .filter(|i| p.flags() & (1 << i) != 0)
            .map(|i| IP_FLAGS[i])
            .collect();
        vec![
            ("version", p.version().to_string()),
            ("ihl", (out.first().copied().unwrap_or(0) & 0xf).to_string()),
            ("tos", hex(p.tos() as u64)),
            ("len", p.total_len().to_string()),
            ("id", p.ident().to_string()),
            ("flags", flags.join("+")),
            ("frag", p.frag_offset().to_string()),
            ("ttl", p.ttl().to_string()),
            (
                "proto",
                name_of(IP_PROTOS, proto).map_or_else(|| proto.to_string(), str::to_string),
            ),
            ("chksum", hex(p.checksum() as u64)),
            ("src", p.src().to_string()),
            ("dst", p.dst().to_string()),
            ("options", format!("b'{}'", escape_bytes(&self.options))),
        ]
    }
}
