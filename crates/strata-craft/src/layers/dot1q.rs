//! IEEE 802.1Q VLAN tag (Scapy `Dot1Q`).

use super::ether::wire_err;
use super::{bound_ethertype, hex};
use crate::error::{CraftError, Result};
use crate::names::{name_of, ETHER_TYPES};
use crate::packet::{builders, deferred_impl, opt, Cx, Proto};
use crate::value::{Conv, Value};
use strata_wire::vlan;

/// An 802.1Q tag. Scapy's defaults: prio 0, dei 0, vlan 1, type from the payload, else 0.
#[derive(Debug, Clone, Default)]
pub struct Dot1Q {
    pub prio: Option<u8>,
    pub dei: Option<bool>,
    pub vlan: Option<u16>,
    pub r#type: Option<u16>,
    deferred: Option<Box<CraftError>>,
}

builders!(Dot1Q { prio => "prio", dei => "dei", vlan => "vlan", type_ => "type" });

impl Dot1Q {
    pub fn new() -> Dot1Q {
        Dot1Q::default()
    }
}

impl Proto for Dot1Q {
    fn class(&self) -> &'static str {
        "Dot1Q"
    }
    fn title(&self) -> &'static str {
        "802.1Q"
    }
    fn fields(&self) -> &'static [&'static str] {
        &["prio", "dei", "vlan", "type"]
    }
    fn set(&mut self, field: &str, v: Value) -> Conv<()> {
        match field {
            "prio" => self.prio = opt(&v, |v| v.uint(3).map(|x| x as u8))?,
            "dei" => self.dei = opt(&v, |v| v.uint(1).map(|x| x == 1))?,
            "vlan" => self.vlan = opt(&v, |v| v.uint(12).map(|x| x as u16))?,
            _ => self.r#type = opt(&v, |v| v.enumerated(16, ETHER_TYPES))?.map(|t| t as u16),
        }
        Ok(())
    }
    deferred_impl!();
    fn header_len(&self, _: &Cx) -> usize {
        vlan::HEADER_LEN
    }
    fn emit(&self, cx: &Cx, out: &mut [u8]) -> Result<()> {
        let repr = vlan::Repr {
            pcp: self.prio.unwrap_or(0),
            dei: self.dei.unwrap_or(false),
            vid: self.vlan.unwrap_or(1),
            ethertype: self
                .r#type
                .or_else(|| bound_ethertype(cx.payload()))
                .unwrap_or(0),
        };
        repr.emit(out).map_err(wire_err("Dot1Q"))?;
        Ok(())
    }
    fn show(&self, _: &Cx, out: &[u8]) -> Vec<(&'static str, String)> {
        let Ok(p) = vlan::Packet::new_checked(out) else {
            return Vec::new();
        };
        let t = p.ethertype() as u64;
        vec![
            ("prio", p.pcp().to_string()),
            ("dei", u8::from(p.dei()).to_string()),
            ("vlan", p.vid().to_string()),
            (
                "type",
                name_of(ETHER_TYPES, t).map_or_else(|| hex(t), str::to_string),
            ),
        ]
    }
}
