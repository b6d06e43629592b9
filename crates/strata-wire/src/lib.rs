//! Protocol types for Strata: per protocol a zero-copy view (`Packet<T: AsRef<[u8]>>` with
//! `new_checked` and accessors that cannot panic) and, where Strata builds the protocol, a
//! `Repr` with `parse` / `buffer_len` / `emit`; the Internet checksum; the layer-stack decoder
//! ([`decode`]); and IP fragment reassembly ([`frag`]).
//!
//! No I/O; decoding allocates nothing.

pub mod addr;
pub mod bytes;
pub mod checksum;
pub mod decode;
pub mod error;
pub mod frag;
pub mod hash;
pub mod linktype;
pub mod text;

// Link layer.
pub mod chdlc;
pub mod ethernet;
pub mod ieee80211;
pub mod llc;
pub mod mpls;
pub mod null;
pub mod ppp;
pub mod pppoe;
pub mod radiotap;
pub mod sll;
pub mod vlan;
// Network layer.
pub mod arp;
pub mod icmp;
pub mod icmpv6;
pub mod igmp;
pub mod ipv4;
pub mod ipv6;
// Transport layer.
pub mod sctp;
pub mod tcp;
pub mod udp;
// Tunnels.
pub mod capwap;
pub mod geneve;
pub mod gre;
pub mod gtpu;
pub mod vxlan;
// Application layer.
pub mod app;

pub use decode::{decode, Decoded, Layer, Proto};
pub use error::WireError;
pub use ethernet::MacAddr;
pub use linktype::LinkType;
