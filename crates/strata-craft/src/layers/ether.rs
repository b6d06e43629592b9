//! Ethernet II (Scapy `Ether`).

use super::{bound_ethertype, hex, l3_above, multicast_mac};
use crate::error::{CraftError, Result};
use crate::names::{name_of, ETHER_TYPES};
use crate::packet::{builders, deferred_impl, opt, Cx, Proto};
use crate::value::{discard, Conv, Value};
use strata_wire::{ethernet, MacAddr};

/// Ethernet II. Defaults as Scapy: `type` from the payload (`bind_layers`), else 0x9000.
///
/// Addresses Scapy resolves at build time: `dst` is the multicast/broadcast MAC of an IP
/// multicast, IPv6 multicast, broadcast or ARP payload, as in Scapy; for any other payload
/// Scapy asks ARP and falls back to broadcast — Strata does not resolve neighbours offline and
/// writes `ff:ff:ff:ff:ff:ff`. `src` is the outgoing interface's MAC in Scapy; Strata writes
/// `00:00:00:00:00:00` unless it is set.
#[derive(Debug, Clone, Default)]
pub struct Ether {
    pub dst: Option<MacAddr>,
    pub src: Option<MacAddr>,
    pub r#type: Option<u16>,
    deferred: Option<Box<CraftError>>,
}

builders!(Ether { dst => "dst", src => "src", type_ => "type" });

impl Ether {
    pub fn new() -> Ether {
        Ether::default()
    }
    fn ethertype(&self, cx: &Cx) -> u16 {
        self.r#type
            .or_else(|| bound_ethertype(cx.payload()))
            .unwrap_or(0x9000)
    }
}

impl Proto for Ether {
    fn class(&self) -> &'static str {
        "Ether"
    }
    fn title(&self) -> &'static str {
        "Ethernet"
    }
    fn fields(&self) -> &'static [&'static str] {
        &["dst", "src", "type"]
    }
    fn set(&mut self, field: &str, v: Value) -> Conv<()> {
        self.try_set(field, v, true).map(drop)
    }
    fn try_set(&mut self, field: &str, v: Value, _: bool) -> Conv<bool> {
        match field {
            "dst" => self.dst = opt(&v, Value::mac)?,
            "src" => self.src = opt(&v, Value::mac)?,
            "type" => self.r#type = opt(&v, |v| v.enumerated(16, ETHER_TYPES))?.map(|t| t as u16),
            _ => return Ok(false),
        }
        discard(v);
        Ok(true)
    }
    deferred_impl!();
    fn header_len(&self, _: &Cx) -> usize {
        ethernet::HEADER_LEN
    }
    fn emit(&self, cx: &Cx, out: &mut [u8]) -> Result<()> {
        let repr = ethernet::Repr {
            dst: self
                .dst
                .or_else(|| {
                    let (l3, over) = l3_above(cx);
                    multicast_mac(l3, over)
                })
                .unwrap_or(MacAddr::BROADCAST),
            src: self.src.unwrap_or_default(),
            ethertype: self.ethertype(cx),
        };
        repr.emit(out).map_err(wire_err("Ether"))?;
        Ok(())
    }
    fn show(&self, _: &Cx, out: &[u8]) -> Vec<(&'static str, String)> {
        let Ok(p) = ethernet::Packet::new_checked(out) else {
            return Vec::new();
        };
        let t = p.ethertype() as u64;
        vec![
            ("dst", p.dst().to_string()),
            ("src", p.src().to_string()),
            (
                "type",
                name_of(ETHER_TYPES, t).map_or_else(|| hex(t), str::to_string),
            ),
        ]
    }
}

/// Maps a wire emit error (only "buffer too small", a sizing bug) to a build error.
pub(crate) fn wire_err(layer: &'static str) -> impl Fn(strata_wire::WireError) -> CraftError {
    move |e| CraftError::Build {
        layer,
        msg: e.to_string(),
    }
}
