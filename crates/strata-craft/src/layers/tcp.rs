//! TCP with options (Scapy `TCP`).

use super::ether::wire_err;
use super::hex;
use super::udp::{fill_checksum, NO_PSEUDO};
use crate::error::{CraftError, Result};
use crate::names::SERVICES;
use crate::packet::{builders, deferred_impl, opt, Cx, Layer, Proto};
use crate::value::{discard, Conv, Value};
use strata_wire::bytes::{be16, be32, u8_at};
use strata_wire::tcp;

/// Scapy's TCP flag letters, bit 0 first (N is the old NS bit, now AE).
const TCP_FLAGS: &[&str] = &["F", "S", "R", "P", "A", "U", "E", "C", "N"];

/// TCP. Scapy's defaults: sport 20, dport 80, seq 0, ack 0, flags `S`, window 8192;
/// `dataofs` and `chksum` computed unless set (no IP under it: checksum 0, as Scapy).
/// A DNS payload sets an unset `sport` to 53 (Scapy's last `bind_layers(TCP, DNS, ...)`).
///
/// `options` takes Scapy's list of pairs: `[('MSS', 1460), ('SAckOK', b''),
/// ('Timestamp', (1, 0)), ('WScale', 7), ('NOP', None), (30, b'raw')]`.
#[derive(Debug, Clone, Default)]
pub struct Tcp {
    pub sport: Option<u16>,
    pub dport: Option<u16>,
    pub seq: Option<u32>,
    pub ack: Option<u32>,
    pub dataofs: Option<u8>,
    pub reserved: Option<u8>,
    pub flags: Option<u16>,
    pub window: Option<u16>,
    pub chksum: Option<u16>,
    pub urgptr: Option<u16>,
    /// Encoded options (before the zero padding to a multiple of 4).
    pub options: Vec<u8>,
    /// The option list as given, which `show()` prints (kept rather than printed when set:
    /// most packets are built, few are shown).
    options_given: Value<'static>,
    deferred: Option<Box<CraftError>>,
}

builders!(Tcp {
    sport => "sport", dport => "dport", seq => "seq", ack => "ack", dataofs => "dataofs",
    reserved => "reserved", flags => "flags", window => "window", chksum => "chksum",
    urgptr => "urgptr", options => "options",
});

impl Tcp {
    pub fn new() -> Tcp {
        Tcp::default()
    }
}

/// Scapy's `TCPOptions` names and numbers.
const OPTION_NAMES: &[(&str, u8)] = &[
    ("EOL", 0),
    ("NOP", 1),
    ("MSS", 2),
    ("WScale", 3),
    ("SAckOK", 4),
    ("SAck", 5),
    ("Timestamp", 8),
    ("AltChkSum", 14),
    ("AltChkSumOpt", 15),
    ("MD5", 19),
    ("Mood", 25),
    ("UTO", 28),
    ("AO", 29),
    ("TFO", 34),
];

/// The option names alone, which the kept option list shares instead of copying.
const OPTION_NAME_TEXT: [&str; OPTION_NAMES.len()] = {
    let mut t = [""; OPTION_NAMES.len()];
    let mut i = 0;
    while i < t.len() {
        t[i] = OPTION_NAMES[i].0;
        i += 1;
    }
    t
};

/// Big-endian integers of the given widths from an int or a tuple of ints (Scapy packs the
/// option's `struct` format), appended to `out`.
fn pack(v: &Value, widths: &[u32], out: &mut Vec<u8>) -> Conv<()> {
    let items = match v {
        Value::Tuple(t) | Value::List(t) => t.as_slice(),
        v => core::slice::from_ref(v),
    };
    if items.len() != widths.len() {
        return Err(format!(
            "expects {} integer(s), got {}",
            widths.len(),
            items.len()
        ));
    }
    for (item, &w) in items.iter().zip(widths) {
        let x = item.uint(w * 8)?;
        out.extend(&x.to_be_bytes()[8 - w as usize..]);
    }
    Ok(())
}

/// Scapy's `TCPOptionsField.i2m` for one `(name, value)` pair, appended to `out`.
fn encode_option(pair: &Value, out: &mut Vec<u8>) -> Conv<()> {
    let (name, val) = match pair {
        Value::Tuple(t) | Value::List(t) if t.len() == 2 => (&t[0], &t[1]),
        other => {
            return Err(format!(
                "expects (name, value) pairs, got {}",
                other.describe()
            ))
        }
    };
    let kind = match name {
        Value::Str(s) => OPTION_NAMES
            .iter()
            .find(|(n, _)| n == s)
            .map(|(_, k)| *k)
            .ok_or_else(|| format!("unknown TCP option '{s}'"))?,
        v => v.u8()?,
    };
    // EOL and NOP are one byte, whatever the value.
    if kind <= 1 {
        out.push(kind);
        return Ok(());
    }
    // Any other option is kind, length, data (what `TcpOption::emit` writes for every kind):
    // the data is written in place and the length filled in after.
    let at = out.len();
    out.extend([kind, 0]);
    let is_bytes = matches!(val, Value::Str(_) | Value::Bytes(_));
    match (kind, name) {
        // A number instead of a name: the value must be the raw bytes.
        (_, Value::Int(_)) => out.extend_from_slice(val.as_bytes()?),
        (2 | 28, _) if !is_bytes => pack(val, &[2], out)?,
        (3, _) if !is_bytes => pack(val, &[1], out)?,
        (8 | 34, _) if !is_bytes => pack(val, &[4, 4], out)?,
        (14, _) if !is_bytes => pack(val, &[1, 2], out)?,
        (5, _) if !is_bytes => {
            let n = val.item_slice().len();
            pack(val, &vec![4; n], out)?
        }
        // MD5 is a 16-byte string in Scapy's format: cut or zero-padded to 16.
        (19, _) => {
            let b = val.as_bytes()?;
            out.extend_from_slice(&b[..b.len().min(16)]);
            out.resize(at + 2 + 16, 0);
        }
        // Mood is a Pascal string: one length byte, then the text.
        (25, _) => {
            let s = val.as_bytes()?;
            out.push(s.len().min(255) as u8);
            out.extend(s.iter().take(255));
        }
        _ => out.extend_from_slice(val.as_bytes()?),
    }
    let len = out.len() - at - 2;
    if len > 253 {
        return Err(format!("option {kind} has {len} bytes: at most 253 fit"));
    }
    out[at + 1] = (len + 2) as u8;
    Ok(())
}

impl Tcp {
    /// [`Proto::set`]; the option list as given is kept for `show()` only if `shown`.
    fn set_as(&mut self, field: &str, v: Value, shown: bool) -> Conv<bool> {
        let port = |v: &Value| opt(v, |v| v.enumerated(16, SERVICES).map(|x| x as u16));
        match field {
            "sport" => self.sport = port(&v)?,
            "dport" => self.dport = port(&v)?,
            "seq" => self.seq = opt(&v, Value::u32)?,
            "ack" => self.ack = opt(&v, Value::u32)?,
            "dataofs" => self.dataofs = opt(&v, |v| v.uint(4).map(|x| x as u8))?,
            "reserved" => self.reserved = opt(&v, |v| v.uint(3).map(|x| x as u8))?,
            "flags" => self.flags = opt(&v, |v| v.flags(9, TCP_FLAGS).map(|x| x as u16))?,
            "window" => self.window = opt(&v, Value::u16)?,
            "chksum" => self.chksum = opt(&v, Value::u16)?,
            "urgptr" => self.urgptr = opt(&v, Value::u16)?,
            "options" => {
                // Room for TCP's 40 bytes of options: no regrowing while encoding.
                let mut out = Vec::with_capacity(40);
                if let Value::Bytes(b) = &v {
                    out.extend_from_slice(b);
                } else {
                    for pair in v.item_slice() {
                        encode_option(pair, &mut out)?;
                    }
                }
                if out.len() > 40 {
                    return Err(format!("{} bytes of options: TCP allows 40", out.len()));
                }
                self.options = out;
                self.options_given = if shown {
                    v.into_owned_with(&OPTION_NAME_TEXT)
                } else {
                    Value::None
                };
                return Ok(true);
            }
            _ => return Ok(false),
        }
        discard(v);
        Ok(true)
    }
}

impl Proto for Tcp {
    fn class(&self) -> &'static str {
        "TCP"
    }
    fn title(&self) -> &'static str {
        "TCP"
    }
    fn fields(&self) -> &'static [&'static str] {
        &[
            "sport", "dport", "seq", "ack", "dataofs", "reserved", "flags", "window", "chksum",
            "urgptr", "options",
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
    fn header_len(&self, _: &Cx) -> usize {
        tcp::MIN_HEADER_LEN + self.options.len().div_ceil(4) * 4
    }
    fn emit(&self, cx: &Cx, out: &mut [u8]) -> Result<()> {
        let bound_sport = matches!(cx.payload(), Some(Layer::Dns(_))).then_some(53);
        let repr = tcp::Repr {
            src_port: self.sport.or(bound_sport).unwrap_or(20),
            dst_port: self.dport.unwrap_or(80),
            seq: self.seq.unwrap_or(0),
            ack: self.ack.unwrap_or(0),
            data_offset: self.dataofs,
            flags: ((self.reserved.unwrap_or(0) as u16) << 9) | self.flags.unwrap_or(2),
            window: self.window.unwrap_or(8192),
            checksum: Some(self.chksum.unwrap_or(0)),
            urgent: self.urgptr.unwrap_or(0),
            options: self.options.clone(),
        };
        repr.emit(out, &NO_PSEUDO).map_err(wire_err("TCP"))?;
        if self.chksum.is_none() {
            fill_checksum(cx, 6, out, 16, false);
        }
        Ok(())
    }
    fn show(&self, _: &Cx, out: &[u8]) -> Vec<(&'static str, String)> {
        let fl = be16(out, 12) & 0x1ff;
        let flags: String = (0..9)
            .filter(|i| fl & (1 << i) != 0)
            .map(|i| TCP_FLAGS[i])
            .collect();
        vec![
            ("sport", be16(out, 0).to_string()),
            ("dport", be16(out, 2).to_string()),
            ("seq", be32(out, 4).to_string()),
            ("ack", be32(out, 8).to_string()),
            ("dataofs", (u8_at(out, 12) >> 4).to_string()),
            ("reserved", ((u8_at(out, 12) >> 1) & 7).to_string()),
            ("flags", flags),
            ("window", be16(out, 14).to_string()),
            ("chksum", hex(be16(out, 16) as u64)),
            ("urgptr", be16(out, 18).to_string()),
            ("options", option_list_text(&self.options_given)),
        ]
    }
}

/// Python-like text of the option list for `show()`: `[('MSS', 1460), ('NOP', None)]`.
fn option_list_text(v: &Value) -> String {
    fn text(v: &Value) -> String {
        match v {
            Value::Tuple(t) => {
                let inner: Vec<String> = t.iter().map(text).collect();
                format!("({})", inner.join(", "))
            }
            Value::List(t) => {
                let inner: Vec<String> = t.iter().map(text).collect();
                format!("[{}]", inner.join(", "))
            }
            v => v.describe(),
        }
    }
    text(&Value::List(v.items()))
}
