//! Linux "cooked" capture headers: SLL (LINKTYPE_LINUX_SLL, 16 bytes) and SLL2 (20 bytes).

use crate::bytes::{be16, be32, u8_at};
use crate::error::{need, Result};

pub const SLL_LEN: usize = 16;
pub const SLL2_LEN: usize = 20;

/// Packet types (`sll.pkttype`): who the packet was for.
pub mod pkttype {
    pub const HOST: u16 = 0;
    pub const BROADCAST: u16 = 1;
    pub const MULTICAST: u16 = 2;
    pub const OTHERHOST: u16 = 3;
    pub const OUTGOING: u16 = 4;
}

/// The fields common to SLL and SLL2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub pkttype: u16,
    pub hatype: u16,
    pub halen: u8,
    /// Link-layer address (first `halen` bytes valid, at most 8).
    pub addr: [u8; 8],
    /// The protocol: an EtherType, or a Linux `ETH_P_` value for non-Ethernet payloads.
    pub protocol: u16,
    /// SLL2 only: the interface index.
    pub ifindex: Option<u32>,
    pub header_len: usize,
}

fn addr(b: &[u8], at: usize) -> [u8; 8] {
    crate::bytes::array(b, at)
}

/// Parses an SLL (v1) header.
pub fn parse_v1(b: &[u8]) -> Result<Header> {
    need("sll", b, SLL_LEN)?;
    Ok(Header {
        pkttype: be16(b, 0),
        hatype: be16(b, 2),
        halen: be16(b, 4).min(8) as u8,
        addr: addr(b, 6),
        protocol: be16(b, 14),
        ifindex: None,
        header_len: SLL_LEN,
    })
}

/// Parses an SLL2 header (protocol first, then interface index, then the v1 fields).
pub fn parse_v2(b: &[u8]) -> Result<Header> {
    need("sll2", b, SLL2_LEN)?;
    Ok(Header {
        protocol: be16(b, 0),
        ifindex: Some(be32(b, 4)),
        hatype: be16(b, 8),
        pkttype: u8_at(b, 10) as u16,
        halen: u8_at(b, 11).min(8),
        addr: addr(b, 12),
        header_len: SLL2_LEN,
    })
}

/// Linux `ETH_P_` values that appear in the protocol field instead of an EtherType.
pub mod eth_p {
    /// 802.3 frame without LLC (Novell raw).
    pub const ETH_P_802_3: u16 = 0x0001;
    /// 802.2 LLC follows.
    pub const ETH_P_802_2: u16 = 0x0004;
    pub const ETH_P_CAN: u16 = 0x000c;
}
