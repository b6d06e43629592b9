//! Link-layer header types, as numbered by tcpdump.org's LINKTYPE_ registry (the values pcap and
//! pcapng files carry). An open newtype: unknown values are kept, not rejected.

use core::fmt;

/// A LINKTYPE_ value from <https://www.tcpdump.org/linktypes.html>.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LinkType(pub u32);

impl LinkType {
    /// BSD loopback: a 4-byte address family in the host byte order of the capturing machine.
    pub const NULL: LinkType = LinkType(0);
    pub const ETHERNET: LinkType = LinkType(1);
    pub const PPP: LinkType = LinkType(9);
    pub const RAW: LinkType = LinkType(101);
    /// DLT_RAW on OpenBSD (14) is also raw IP.
    pub const RAW_OPENBSD: LinkType = LinkType(14);
    /// DLT_RAW on most BSDs (12) is also raw IP.
    pub const RAW_BSD: LinkType = LinkType(12);
    pub const C_HDLC: LinkType = LinkType(104);
    pub const IEEE802_11: LinkType = LinkType(105);
    /// OpenBSD loopback: like NULL, but the address family is always big-endian.
    pub const LOOP: LinkType = LinkType(108);
    pub const LINUX_SLL: LinkType = LinkType(113);
    pub const IEEE802_11_RADIOTAP: LinkType = LinkType(127);
    pub const PPP_HDLC: LinkType = LinkType(50);
    pub const PPP_ETHER: LinkType = LinkType(51);
    pub const IPV4: LinkType = LinkType(228);
    pub const IPV6: LinkType = LinkType(229);
    pub const LINUX_SLL2: LinkType = LinkType(276);
    pub const FRELAY: LinkType = LinkType(107);
    pub const PPI: LinkType = LinkType(192);
    pub const IPNET: LinkType = LinkType(226);
    pub const NFLOG: LinkType = LinkType(239);

    /// The short name libpcap gives this link type (`pcap_datalink_val_to_name`), lower-cased.
    pub fn name(self) -> &'static str {
        match self.0 {
            0 => "null",
            1 => "ether",
            9 => "ppp",
            12 | 14 | 101 => "rawip",
            50 => "ppp_hdlc",
            51 => "pppoes",
            104 => "c_hdlc",
            105 => "ieee802_11",
            108 => "loop",
            113 => "linux_sll",
            127 => "ieee802_11_radio",
            228 => "ipv4",
            229 => "ipv6",
            276 => "linux_sll2",
            107 => "frelay",
            192 => "ppi",
            226 => "ipnet",
            239 => "nflog",
            _ => "unknown",
        }
    }
}

impl fmt::Debug for LinkType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LinkType({}:{})", self.0, self.name())
    }
}

impl fmt::Display for LinkType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name(), self.0)
    }
}
