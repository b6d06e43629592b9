//! UDP (Scapy `UDP`).

use super::ether::wire_err;
use super::hex;
use crate::error::{CraftError, Result};
use crate::names::SERVICES;
use crate::packet::{builders, deferred_impl, opt, Cx, Layer, Proto};
use crate::pseudo;
use crate::value::{discard, Conv, Value};
use strata_wire::bytes::{be16, put16};
use strata_wire::checksum::PseudoHeader;
use strata_wire::udp;

/// UDP. Scapy's defaults: sport 53, dport 53; `len` and `chksum` computed (a computed zero
/// checksum is sent as 0xffff, RFC 768); with no IP under it the checksum stays 0, as Scapy
/// leaves it. A DNS payload sets an unset `sport` to 53 (Scapy's last `bind_layers`).
#[derive(Debug, Clone, Default)]
pub struct Udp {
    pub sport: Option<u16>,
    pub dport: Option<u16>,
    pub len: Option<u16>,
    pub chksum: Option<u16>,
    deferred: Option<Box<CraftError>>,
}

builders!(Udp { sport => "sport", dport => "dport", len => "len", chksum => "chksum" });

impl Udp {
    pub fn new() -> Udp {
        Udp::default()
    }
}

/// Writes a TCP/UDP checksum the Scapy way once the segment is complete.
pub(crate) fn fill_checksum(cx: &Cx, proto: u8, segment: &mut [u8], at: usize, zero_as_ones: bool) {
    put16(segment, at, 0);
    let ck = match pseudo::transport(cx, proto, segment) {
        Some(0) if zero_as_ones => 0xffff,
        Some(ck) => ck,
        None => 0,
    };
    put16(segment, at, ck);
}

/// A placeholder pseudo-header: the wire emit is always given a checksum value here.
pub(crate) const NO_PSEUDO: PseudoHeader = PseudoHeader::V4 {
    src: core::net::Ipv4Addr::UNSPECIFIED,
    dst: core::net::Ipv4Addr::UNSPECIFIED,
};

impl Proto for Udp {
    fn class(&self) -> &'static str {
        "UDP"
    }
    fn title(&self) -> &'static str {
        "UDP"
    }
    fn fields(&self) -> &'static [&'static str] {
        &["sport", "dport", "len", "chksum"]
    }
    fn set(&mut self, field: &str, v: Value) -> Conv<()> {
        self.try_set(field, v, true).map(drop)
    }
    fn try_set(&mut self, field: &str, v: Value, _: bool) -> Conv<bool> {
        let port = |v: &Value| opt(v, |v| v.enumerated(16, SERVICES).map(|x| x as u16));
        match field {
            "sport" => self.sport = port(&v)?,
            "dport" => self.dport = port(&v)?,
            "len" => self.len = opt(&v, Value::u16)?,
            "chksum" => self.chksum = opt(&v, Value::u16)?,
            _ => return Ok(false),
        }
        discard(v);
        Ok(true)
    }
    deferred_impl!();
    fn header_len(&self, _: &Cx) -> usize {
        udp::HEADER_LEN
    }
    fn emit(&self, cx: &Cx, out: &mut [u8]) -> Result<()> {
        let bound_sport = matches!(cx.payload(), Some(Layer::Dns(_))).then_some(53);
        let repr = udp::Repr {
            src_port: self.sport.or(bound_sport).unwrap_or(53),
            dst_port: self.dport.unwrap_or(53),
            len: self.len,
            checksum: Some(self.chksum.unwrap_or(0)),
        };
        repr.emit(out, &NO_PSEUDO).map_err(wire_err("UDP"))?;
        if self.chksum.is_none() {
            fill_checksum(cx, 17, out, 6, true);
        }
        Ok(())
    }
    fn show(&self, _: &Cx, out: &[u8]) -> Vec<(&'static str, String)> {
        vec![
            ("sport", be16(out, 0).to_string()),
            ("dport", be16(out, 2).to_string()),
            ("len", be16(out, 4).to_string()),
            ("chksum", hex(be16(out, 6) as u64)),
        ]
    }
}
