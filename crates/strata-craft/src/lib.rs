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
pub mod net;
pub mod packet;
mod pseudo;
pub mod spec;
pub mod value;

pub use error::{CraftError, Result};
pub use layers::*;
pub use packet::{Layer, Packet};
pub use spec::Crafter;
pub use value::Value;

/// Parses a Scapy expression (`"Ether()/IP(dst='198.18.0.2')/TCP(dport=[22,80])"`) into
/// its packets, expanded as Scapy expands lists, ranges and networks.
pub fn parse_spec(spec: &str) -> Result<Vec<Packet>> {
    spec::parse(spec)
}

/// The bytes of every packet a spec stands for: Scapy's `[raw(p) for p in SPEC]`. A loop
/// crafting many specs can keep its buffers with a [`Crafter`].
pub fn craft_spec(spec: &str) -> Result<Vec<Vec<u8>>> {
    spec::craft(spec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_api_and_spec_build_the_same_bytes() {
        let api = Ether::new()
            .src("02:00:00:00:00:01")
            .dst("02:00:00:00:00:02")
            / Ip::new().src("198.18.0.1").dst("198.18.0.2")
            / Tcp::new()
                .dport(80)
                .flags("S")
                .options(vec![Value::from(("MSS", 1460)), ("NOP", ()).into()])
            / "payload";
        let spec = "Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02')\
                    /IP(src='198.18.0.1', dst='198.18.0.2')\
                    /TCP(dport=80, flags='S', options=[('MSS', 1460), ('NOP', None)])/'payload'";
        assert_eq!(api.build().unwrap(), craft_spec(spec).unwrap()[0]);
    }

    #[test]
    fn builder_errors_surface_at_build() {
        let p = Ip::new().dst("198.18.0.x") / Tcp::new().window(70000);
        let e = p.build().unwrap_err().to_string();
        assert!(
            e.starts_with("IP.dst: '198.18.0.x' is not an IPv4 address"),
            "{e}"
        );
    }

    #[test]
    fn dns_question_builder() {
        let p = Udp::new() / Dns::new().qd(DnsQr::new().qname("a.example").qtype("AAAA"));
        let b = p.build().unwrap();
        assert_eq!(&b[20..31], b"\x01a\x07example\x00");
        assert_eq!(&b[31..35], [0, 28, 0, 1]);
    }
}
