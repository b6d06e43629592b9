//! Scapy's names for enum fields, so `IP(proto='udp')`, `ARP(op='is-at')` and
//! `DNSQR(qtype='AAAA')` read as they do in Scapy, and `show()` prints the same names.

/// Looks a value's name up (for `show()`).
pub fn name_of(table: &[(&'static str, u64)], v: u64) -> Option<&'static str> {
    table.iter().find(|(_, x)| *x == v).map(|(n, _)| *n)
}

/// EtherTypes Scapy names (`ETHER_TYPES`).
pub const ETHER_TYPES: &[(&str, u64)] = &[
    ("IPv4", 0x0800),
    ("ARP", 0x0806),
    ("RARP", 0x8035),
    ("n_802_1Q", 0x8100),
    ("IPv6", 0x86dd),
    ("802_1AD", 0x88a8),
    ("MPLS", 0x8847),
    ("PPPoED", 0x8863),
    ("PPPoE", 0x8864),
    ("LLDP", 0x88cc),
    ("LOOP", 0x9000),
];

/// IP protocol numbers (Scapy's `IP_PROTOS`, lower-case names).
pub const IP_PROTOS: &[(&str, u64)] = &[
    ("hopopt", 0),
    ("icmp", 1),
    ("igmp", 2),
    ("ipencap", 4),
    ("tcp", 6),
    ("udp", 17),
    ("ipv6", 41),
    ("ipv6_route", 43),
    ("ipv6_frag", 44),
    ("gre", 47),
    ("esp", 50),
    ("ah", 51),
    ("ipv6_icmp", 58),
    ("ipv6_nonxt", 59),
    ("ipv6_opts", 60),
    ("sctp", 132),
];

/// IPv6 next-header names as Scapy's `ipv6nh` prints them.
pub const IPV6_NH: &[(&str, u64)] = &[
    ("Hop-by-Hop Option Header", 0),
    ("IP", 4),
    ("TCP", 6),
    ("UDP", 17),
    ("IPv6", 41),
    ("Routing Header", 43),
    ("Fragment Header", 44),
    ("ICMPv6", 58),
    ("No Next Header", 59),
    ("Destination Option Header", 60),
];

pub const ARP_OPS: &[(&str, u64)] = &[
    ("who-has", 1),
    ("is-at", 2),
    ("RARP-req", 3),
    ("RARP-rep", 4),
    ("Dyn-RARP-req", 5),
    ("Dyn-RAR-rep", 6),
    ("Dyn-RARP-err", 7),
    ("InARP-req", 8),
    ("InARP-rep", 9),
];

/// ICMP types (Scapy's `icmptypes`).
pub const ICMP_TYPES: &[(&str, u64)] = &[
    ("echo-reply", 0),
    ("dest-unreach", 3),
    ("source-quench", 4),
    ("redirect", 5),
    ("echo-request", 8),
    ("router-advertisement", 9),
    ("router-solicitation", 10),
    ("time-exceeded", 11),
    ("parameter-problem", 12),
    ("timestamp-request", 13),
    ("timestamp-reply", 14),
    ("information-request", 15),
    ("information-response", 16),
    ("address-mask-request", 17),
    ("address-mask-reply", 18),
];

/// ICMPv6 types (Scapy's `icmp6types`, the ones Strata crafts).
pub const ICMPV6_TYPES: &[(&str, u64)] = &[
    ("Destination unreachable", 1),
    ("Packet too big", 2),
    ("Time exceeded", 3),
    ("Parameter problem", 4),
    ("Echo Request", 128),
    ("Echo Reply", 129),
    ("Router Solicitation", 133),
    ("Router Advertisement", 134),
    ("Neighbor Solicitation", 135),
    ("Neighbor Advertisement", 136),
    ("Redirect Message", 137),
];

/// A few well-known ports by their `/etc/services` names (Scapy's `TCP_SERVICES`).
pub const SERVICES: &[(&str, u64)] = &[
    ("ftp_data", 20),
    ("ftp", 21),
    ("ssh", 22),
    ("telnet", 23),
    ("smtp", 25),
    ("domain", 53),
    ("bootps", 67),
    ("bootpc", 68),
    ("http", 80),
    ("pop3", 110),
    ("ntp", 123),
    ("imap2", 143),
    ("snmp", 161),
    ("https", 443),
    ("mdns", 5353),
];

pub const DNS_TYPES: &[(&str, u64)] = &[
    ("A", 1),
    ("NS", 2),
    ("MD", 3),
    ("MF", 4),
    ("CNAME", 5),
    ("SOA", 6),
    ("PTR", 12),
    ("HINFO", 13),
    ("MX", 15),
    ("TXT", 16),
    ("AAAA", 28),
    ("SRV", 33),
    ("NAPTR", 35),
    ("DNAME", 39),
    ("OPT", 41),
    ("DS", 43),
    ("RRSIG", 46),
    ("NSEC", 47),
    ("DNSKEY", 48),
    ("SVCB", 64),
    ("HTTPS", 65),
    ("AXFR", 252),
    ("ALL", 255),
    ("CAA", 257),
];

pub const DNS_CLASSES: &[(&str, u64)] = &[("IN", 1), ("CS", 2), ("CH", 3), ("HS", 4), ("ANY", 255)];

pub const DNS_OPCODES: &[(&str, u64)] = &[
    ("QUERY", 0),
    ("IQUERY", 1),
    ("STATUS", 2),
    ("NOTIFY", 4),
    ("UPDATE", 5),
];

pub const DNS_RCODES: &[(&str, u64)] = &[
    ("ok", 0),
    ("format-error", 1),
    ("server-failure", 2),
    ("name-error", 3),
    ("not-implemented", 4),
    ("refused", 5),
];
