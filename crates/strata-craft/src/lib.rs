//! Strata's crafting core: packets composed layer by layer on Scapy's model.
//!
//! Every layer has Scapy's field names and defaults; automatic fields (lengths, checksums,
//! protocol numbers, EtherTypes, counts) are computed at build time unless set, and any field
//! can be set to any value its width holds, wrong ones included. The bytes come from the
//! `strata-wire` emitters, so the crafter and the dissector share one definition of each header.
//!
//! ```
//! use strata_craft::{Ether, Ip, Tcp};
//! let pkt = Ether::new().dst("02:00:00:00:00:02").src("02:00:00:00:00:01")
//!     / Ip::new().src("198.18.0.1").dst("198.18.0.2")
//!     / Tcp::new().dport(80).flags("S");
//! let bytes = pkt.build().unwrap();
//! assert_eq!(bytes.len(), 54);
//! ```
//!
//! The same packets as text, in Scapy's syntax: [`craft_spec`].

pub mod error;
pub mod layers;
pub mod names;
pub mod packet;
mod pseudo;
pub mod spec;
pub mod value;

pub use error::{CraftError, Result};
pub use layers::*;
pub use packet::{Layer, Packet};
pub use value::Value;

/// Parses a Scapy expression (`"Ether()/IP(dst='198.18.0.2')/TCP(dport=[22,80])"`) into
/// its packets, expanded as Scapy expands lists, ranges and networks.
pub fn parse_spec(spec: &str) -> Result<Vec<Packet>> {
    spec::parse(spec)
}

/// The bytes of every packet a spec stands for: Scapy's `[raw(p) for p in SPEC]`.
pub fn craft_spec(spec: &str) -> Result<Vec<Vec<u8>>> {
    parse_spec(spec)?.iter().map(Packet::build).collect()
}
