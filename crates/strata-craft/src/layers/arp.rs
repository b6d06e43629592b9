//! ARP for Ethernet/IPv4 (Scapy `ARP`).

use super::ether::wire_err;
use super::hex;
use crate::error::{CraftError, Result};
use crate::names::{name_of, ARP_OPS, ETHER_TYPES};
use crate::packet::{builders, deferred_impl, opt, Cx, Proto};
use crate::value::{discard, Conv, Value};
use core::net::Ipv4Addr;
use strata_wire::{arp, MacAddr};

/// ARP. Scapy's defaults: hwtype 1, ptype 0x0800, op 1 (`who-has`), hwdst and pdst all zero.
/// `hwsrc` / `psrc` are the outgoing interface's MAC and address in Scapy; Strata writes zeros
/// unless they are set. `hwlen` / `plen` default to 6 / 4 and can be set to anything (only the
/// length bytes change: the addresses stay Ethernet/IPv4-sized).
#[derive(Debug, Clone, Default)]
pub struct Arp {
    pub hwtype: Option<u16>,
    pub ptype: Option<u16>,
    pub hwlen: Option<u8>,
    pub plen: Option<u8>,
    pub op: Option<u16>,
    pub hwsrc: Option<MacAddr>,
    pub psrc: Option<Ipv4Addr>,
    pub hwdst: Option<MacAddr>,
    pub pdst: Option<Ipv4Addr>,
    deferred: Option<Box<CraftError>>,
}

builders!(Arp {
    hwtype => "hwtype", ptype => "ptype", hwlen => "hwlen", plen => "plen", op => "op",
    hwsrc => "hwsrc", psrc => "psrc", hwdst => "hwdst", pdst => "pdst",
});

impl Arp {
    pub fn new() -> Arp {
        Arp::default()
    }
}

impl Proto for Arp {
    fn class(&self) -> &'static str {
        "ARP"
    }
    fn title(&self) -> &'static str {
        "ARP"
    }
    fn fields(&self) -> &'static [&'static str] {
        &[
            "hwtype", "ptype", "hwlen", "plen", "op", "hwsrc", "psrc", "hwdst", "pdst",
        ]
    }
    fn set(&mut self, field: &str, v: Value) -> Conv<()> {
        self.try_set(field, v, true).map(drop)
    }
    fn try_set(&mut self, field: &str, v: Value, _: bool) -> Conv<bool> {
        match field {
            "hwtype" => self.hwtype = opt(&v, Value::u16)?,
            "ptype" => self.ptype = opt(&v, |v| v.enumerated(16, ETHER_TYPES).map(|x| x as u16))?,
            "hwlen" => self.hwlen = opt(&v, Value::u8)?,
            "plen" => self.plen = opt(&v, Value::u8)?,
            "op" => self.op = opt(&v, |v| v.enumerated(16, ARP_OPS).map(|x| x as u16))?,
            "hwsrc" => self.hwsrc = opt(&v, Value::mac)?,
            "psrc" => self.psrc = opt(&v, Value::ipv4)?,
            "hwdst" => self.hwdst = opt(&v, Value::mac)?,
            "pdst" => self.pdst = opt(&v, Value::ipv4)?,
            _ => return Ok(false),
        }
        discard(v);
        Ok(true)
    }
    deferred_impl!();
    fn header_len(&self, _: &Cx) -> usize {
        28
    }
    fn emit(&self, _: &Cx, out: &mut [u8]) -> Result<()> {
        let repr = arp::Repr {
            hardware_type: self.hwtype.unwrap_or(1),
            protocol_type: self.ptype.unwrap_or(0x0800),
            opcode: self.op.unwrap_or(1),
            sender_hw: self.hwsrc.unwrap_or_default(),
            sender_ip: self.psrc.unwrap_or(Ipv4Addr::UNSPECIFIED),
            target_hw: self.hwdst.unwrap_or_default(),
            target_ip: self.pdst.unwrap_or(Ipv4Addr::UNSPECIFIED),
        };
        repr.emit(out).map_err(wire_err("ARP"))?;
        // The wire Repr is Ethernet/IPv4 only; odd length bytes are a craft-only request.
        out[4] = self.hwlen.unwrap_or(6);
        out[5] = self.plen.unwrap_or(4);
        Ok(())
    }
    fn show(&self, _: &Cx, out: &[u8]) -> Vec<(&'static str, String)> {
        let Ok(p) = arp::Packet::new_checked(out) else {
            return Vec::new();
        };
        let Ok(r) = arp::Repr::parse(&p) else {
            return Vec::new();
        };
        let op = r.opcode as u64;
        let pt = r.protocol_type as u64;
        vec![
            ("hwtype", hex(r.hardware_type as u64)),
            (
                "ptype",
                name_of(ETHER_TYPES, pt).map_or_else(|| hex(pt), str::to_string),
            ),
            ("hwlen", p.hw_size().to_string()),
            ("plen", p.proto_size().to_string()),
            (
                "op",
                name_of(ARP_OPS, op).map_or_else(|| op.to_string(), str::to_string),
            ),
            ("hwsrc", r.sender_hw.to_string()),
            ("psrc", r.sender_ip.to_string()),
            ("hwdst", r.target_hw.to_string()),
            ("pdst", r.target_ip.to_string()),
        ]
    }
}
