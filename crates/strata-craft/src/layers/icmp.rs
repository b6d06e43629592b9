//! ICMP for IPv4 (Scapy `ICMP`).

use super::ether::wire_err;
use super::hex;
use crate::error::{CraftError, Result};
use crate::names::{name_of, ICMP_TYPES};
use crate::packet::{builders, deferred_impl, opt, Cx, Proto};
use crate::value::{Conv, Value};
use core::net::Ipv4Addr;
use strata_wire::bytes::{be16, be32, put32};
use strata_wire::icmp;

/// Types whose header carries an identifier and sequence number (Scapy's `icmp_id_seq_types`).
const ID_SEQ_TYPES: &[u8] = &[0, 8, 13, 14, 15, 16, 17, 18, 37, 38];
/// Types whose "rest of header" is not Scapy's 32-bit `unused` field.
const NO_UNUSED_INT: &[u8] = &[0, 3, 5, 8, 11, 12, 13, 14, 15, 16, 17, 18];

/// ICMP. Scapy's defaults: type 8 (echo-request), code 0, id 0, seq 0; the checksum over the
/// message and everything after it. Which fields are written depends on `type`, as Scapy's
/// conditional fields do: id/seq for echo and friends, `gw` for redirect, `ptr` for parameter
/// problem, `reserved`/`length`/`nexthopmtu` for destination unreachable, the three
/// timestamps for timestamp messages, `addr_mask` for address-mask messages.
///
/// Timestamps left unset are milliseconds since midnight UTC now, as in Scapy.
#[derive(Debug, Clone, Default)]
pub struct Icmp {
    pub r#type: Option<u8>,
    pub code: Option<u8>,
    pub chksum: Option<u16>,
    pub id: Option<u16>,
    pub seq: Option<u16>,
    pub ts_ori: Option<u32>,
    pub ts_rx: Option<u32>,
    pub ts_tx: Option<u32>,
    pub gw: Option<Ipv4Addr>,
    pub ptr: Option<u8>,
    pub reserved: Option<u8>,
    pub length: Option<u8>,
    pub addr_mask: Option<Ipv4Addr>,
    pub nexthopmtu: Option<u16>,
    pub unused: Option<u32>,
    deferred: Option<Box<CraftError>>,
}

builders!(Icmp {
    type_ => "type", code => "code", chksum => "chksum", id => "id", seq => "seq",
    ts_ori => "ts_ori", ts_rx => "ts_rx", ts_tx => "ts_tx", gw => "gw", ptr => "ptr",
    reserved => "reserved", length => "length", addr_mask => "addr_mask",
    nexthopmtu => "nexthopmtu", unused => "unused",
});

fn ms_since_midnight() -> u32 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    ((now.as_millis()) % 86_400_000) as u32
}

impl Icmp {
    pub fn new() -> Icmp {
        Icmp::default()
    }
    fn ty(&self) -> u8 {
        self.r#type.unwrap_or(8)
    }
    /// Bytes after the 8-byte header that the type adds (timestamps, address mask, or the
    /// second word of types that have both id/seq and `unused`).
    fn extra_len(&self) -> usize {
        let t = self.ty();
        let mut n = match t {
            13 | 14 => 12,
            17 | 18 => 4,
            _ => 0,
        };
        if ID_SEQ_TYPES.contains(&t) && !NO_UNUSED_INT.contains(&t) {
            n += 4;
        }
        n
    }
    /// The four bytes after the checksum.
    fn rest(&self) -> u32 {
        let t = self.ty();
        let short =
            |hi: u8, lo: u8, tail: u16| ((hi as u32) << 24) | ((lo as u32) << 16) | tail as u32;
        if ID_SEQ_TYPES.contains(&t) {
            return ((self.id.unwrap_or(0) as u32) << 16) | self.seq.unwrap_or(0) as u32;
        }
        let unused16 = self.unused.unwrap_or(0) as u16;
        match t {
            3 => short(
                self.reserved.unwrap_or(0),
                self.length.unwrap_or(0),
                self.nexthopmtu.unwrap_or(0),
            ),
            5 => u32::from(self.gw.unwrap_or(Ipv4Addr::UNSPECIFIED)),
            11 => short(
                self.reserved.unwrap_or(0),
                self.length.unwrap_or(0),
                unused16,
            ),
            12 => short(self.ptr.unwrap_or(0), self.length.unwrap_or(0), unused16),
            _ => self.unused.unwrap_or(0),
        }
    }
}

impl Proto for Icmp {
    fn class(&self) -> &'static str {
        "ICMP"
    }
    fn title(&self) -> &'static str {
        "ICMP"
    }
    fn fields(&self) -> &'static [&'static str] {
        &[
            "type",
            "code",
            "chksum",
            "id",
            "seq",
            "ts_ori",
            "ts_rx",
            "ts_tx",
            "gw",
            "ptr",
            "reserved",
            "length",
            "addr_mask",
            "nexthopmtu",
            "unused",
        ]
    }
    fn set(&mut self, field: &str, v: Value) -> Conv<()> {
        match field {
            "type" => self.r#type = opt(&v, |v| v.enumerated(8, ICMP_TYPES).map(|x| x as u8))?,
            "code" => self.code = opt(&v, Value::u8)?,
            "chksum" => self.chksum = opt(&v, Value::u16)?,
            "id" => self.id = opt(&v, Value::u16)?,
            "seq" => self.seq = opt(&v, Value::u16)?,
            "ts_ori" => self.ts_ori = opt(&v, Value::u32)?,
            "ts_rx" => self.ts_rx = opt(&v, Value::u32)?,
            "ts_tx" => self.ts_tx = opt(&v, Value::u32)?,
            "gw" => self.gw = opt(&v, Value::ipv4)?,
            "ptr" => self.ptr = opt(&v, Value::u8)?,
            "reserved" => self.reserved = opt(&v, Value::u8)?,
            "length" => self.length = opt(&v, Value::u8)?,
            "addr_mask" => self.addr_mask = opt(&v, Value::ipv4)?,
            "nexthopmtu" => self.nexthopmtu = opt(&v, Value::u16)?,
            _ => self.unused = opt(&v, Value::u32)?,
        }
        Ok(())
    }
    deferred_impl!();
    fn header_len(&self, _: &Cx) -> usize {
        icmp::HEADER_LEN + self.extra_len()
    }
    fn emit(&self, cx: &Cx, out: &mut [u8]) -> Result<()> {
        if out.len() < self.header_len(cx) {
            return Err(CraftError::Build {
                layer: "ICMP",
                msg: "buffer too small".into(),
            });
        }
        let t = self.ty();
        let mut at = icmp::HEADER_LEN;
        if ID_SEQ_TYPES.contains(&t) && !NO_UNUSED_INT.contains(&t) {
            put32(out, at, self.unused.unwrap_or(0));
            at += 4;
        }
        match t {
            13 | 14 => {
                let now = ms_since_midnight();
                put32(out, at, self.ts_ori.unwrap_or(now));
                put32(out, at + 4, self.ts_rx.unwrap_or(now));
                put32(out, at + 8, self.ts_tx.unwrap_or(now));
            }
            17 | 18 => put32(
                out,
                at,
                u32::from(self.addr_mask.unwrap_or(Ipv4Addr::UNSPECIFIED)),
            ),
            _ => {}
        }
        let repr = icmp::Repr {
            msg_type: t,
            code: self.code.unwrap_or(0),
            checksum: self.chksum,
            rest: self.rest(),
        };
        repr.emit(out).map_err(wire_err("ICMP"))?;
        Ok(())
    }
    fn show(&self, _: &Cx, out: &[u8]) -> Vec<(&'static str, String)> {
        let t = out.first().copied().unwrap_or(0);
        let rest = be32(out, 4);
        let mut v = vec![
            (
                "type",
                name_of(ICMP_TYPES, t as u64).map_or_else(|| t.to_string(), str::to_string),
            ),
            ("code", out.get(1).copied().unwrap_or(0).to_string()),
            ("chksum", hex(be16(out, 2) as u64)),
        ];
        if ID_SEQ_TYPES.contains(&t) {
            v.push(("id", hex((rest >> 16) as u64)));
            v.push(("seq", hex((rest & 0xffff) as u64)));
        }
        match t {
            13 | 14 => v.extend([
                ("ts_ori", be32(out, 8).to_string()),
                ("ts_rx", be32(out, 12).to_string()),
                ("ts_tx", be32(out, 16).to_string()),
            ]),
            5 => v.push(("gw", Ipv4Addr::from(rest).to_string())),
            3 | 11 | 12 => {
                let first = if t == 12 { "ptr" } else { "reserved" };
                v.push((first, (rest >> 24).to_string()));
                v.push(("length", ((rest >> 16) & 0xff).to_string()));
                let last = if t == 3 { "nexthopmtu" } else { "unused" };
                v.push((last, (rest & 0xffff).to_string()));
            }
            _ if !NO_UNUSED_INT.contains(&t) => v.push(("unused", rest.to_string())),
            _ => {}
        }
        v
    }
}
