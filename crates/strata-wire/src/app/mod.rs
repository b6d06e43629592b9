//! Application protocols: one zero-copy parser per protocol, shared by the dissector, the
//! flow classifier and the crafter, and the port / heuristic dispatch that picks one for an
//! L4 payload the way Wireshark does (the lower port first, then the higher, then heuristics).

pub mod ber;
pub mod bitcoin;
pub mod bittorrent;
pub mod dhcp;
pub mod dhcpv6;
pub mod dns;
pub mod ftp;
pub mod http;
pub mod kerberos;
pub mod ldap;
pub mod line;
pub mod modbus;
pub mod mqtt;
pub mod nbns;
pub mod ntp;
pub mod ocsp;
pub mod quic;
pub mod radius;
pub mod rdp;
pub mod smb;
pub mod snmp;
pub mod ssh;
pub mod stun;
pub mod syslog;
pub mod tftp;
pub mod tls;
pub mod vnc;
pub mod x509;

use crate::decode::Proto;

/// The flavour of a [`Proto::Dns`] layer (same grammar, different port and column name).
pub mod dns_flavor {
    pub const DNS: u8 = 0;
    pub const MDNS: u8 = 1;
    pub const LLMNR: u8 = 2;
}

/// The application protocol registered on a UDP port, with its flavour.
pub fn udp_port(port: u16) -> Option<(Proto, u8)> {
    Some(match port {
        53 => (Proto::Dns, dns_flavor::DNS),
        5353 => (Proto::Dns, dns_flavor::MDNS),
        5355 => (Proto::Dns, dns_flavor::LLMNR),
        67 | 68 => (Proto::Dhcp, 0),
        123 => (Proto::Ntp, 0),
        1900 => (Proto::Http, 1),
        _ => return None,
    })
}

/// The application protocol registered on a TCP port.
pub fn tcp_port(port: u16) -> Option<(Proto, u8)> {
    Some(match port {
        53 => (Proto::Dns, dns_flavor::DNS),
        5353 => (Proto::Dns, dns_flavor::MDNS),
        5355 => (Proto::Dns, dns_flavor::LLMNR),
        22 => (Proto::Ssh, 0),
        80 | 3128 | 3132 | 5985 | 8080 | 8088 | 11371 | 1900 | 2869 | 2710 => (Proto::Http, 0),
        // Not 5223 (XMPP over TLS): TShark 4.0 leaves it to the heuristics.
        443 | 465 | 563 | 636 | 853 | 989 | 990 | 992 | 993 | 994 | 995 | 3269 | 5061 | 8443 => {
            (Proto::Tls, 0)
        }
        _ => return None,
    })
}

/// Wireshark's order: the lower port's protocol, then the higher's.
pub fn by_ports(
    sport: u16,
    dport: u16,
    table: fn(u16) -> Option<(Proto, u8)>,
) -> Option<(Proto, u8)> {
    let (lo, hi) = if sport <= dport {
        (sport, dport)
    } else {
        (dport, sport)
    };
    table(lo).or_else(|| table(hi))
}

/// Heuristic recognition of a TCP stream's first payload when no port claims it.
pub fn tcp_heuristic(payload: &[u8]) -> Option<(Proto, u8)> {
    if http::looks_like(payload) {
        return Some((Proto::Http, 0));
    }
    // No SSH here: Wireshark 4.0 has no SSH heuristic (a banner on port 8000 stays TCP).
    if payload.len() >= 6 && tls::record_header_ok(payload) && payload[0] == tls::content::HANDSHAKE
    {
        return Some((Proto::Tls, 0));
    }
    None
}

/// The [`NAMES`] index of VNC, which [`vnc::Framer`] frames.
pub const VNC: u8 = 0;

/// Application protocols Strata names (Wireshark's Protocol column) but does not dissect yet.
pub const NAMES: &[&str] = &[
    "VNC",
    "SMB2",
    "SMB",
    "NBNS",
    "CIP I/O",
    "ISAKMP",
    "ESP",
    "Bitcoin",
    "PFCP",
    "OpcUa",
    "OpenVPN",
    "Modbus/TCP",
    "SIP",
    "XMPP/XML",
    "FTP",
    "RTSP",
    "SMTP",
    "STUN",
    "Syslog",
    "SNMP",
    "POP",
    "AMQP",
    "TELNET",
    "PGSQL",
    "BGP",
    "DHCPv6",
    "KRB5",
    "Kafka",
    "TDS",
    "IMAP",
    "NNTP",
    "RSYNC",
    "Git",
    "MGCP",
    "TFTP",
    "GQUIC",
    "QUIC",
    "BitTorrent",
    "CIP",
    "MQTT",
    "RADIUS",
    "LDAP",
    "MySQL",
    "Redis",
    "IRC",
    "RDP",
    "COTP",
    "T.125",
    "TPKT",
    "NFS",
    "MOUNT",
    "Portmap",
    "sFlow",
    "WireGuard",
    "DNP 3.0",
    "CAPWAP-Control",
    "CAPWAP-Data",
    "DTLSv1.0",
    "DTLSv1.2",
    "802.11",
    "FTP-DATA",
];

/// Wireshark's filter name (the display-filter and protocol-hierarchy name) of a [`NAMES`]
/// entry, by its index.
pub fn filter_name(kind: u8) -> &'static str {
    match NAMES.get(kind as usize).copied().unwrap_or("") {
        "VNC" => "vnc",
        "SMB2" => "smb2",
        "SMB" => "smb",
        "NBNS" => "nbns",
        "CIP I/O" => "cipio",
        "ISAKMP" => "isakmp",
        "ESP" => "esp",
        "Bitcoin" => "bitcoin",
        "PFCP" => "pfcp",
        "OpcUa" => "opcua",
        "OpenVPN" => "openvpn",
        "Modbus/TCP" => "mbtcp",
        "SIP" => "sip",
        "XMPP/XML" => "xmpp",
        "FTP" => "ftp",
        "RTSP" => "rtsp",
        "SMTP" => "smtp",
        "STUN" => "stun",
        "Syslog" => "syslog",
        "SNMP" => "snmp",
        "POP" => "pop",
        "AMQP" => "amqp",
        "TELNET" => "telnet",
        "PGSQL" => "pgsql",
        "BGP" => "bgp",
        "DHCPv6" => "dhcpv6",
        "KRB5" => "kerberos",
        "Kafka" => "kafka",
        "TDS" => "tds",
        "IMAP" => "imap",
        "NNTP" => "nntp",
        "RSYNC" => "rsync",
        "Git" => "git",
        "MGCP" => "mgcp",
        "TFTP" => "tftp",
        "GQUIC" => "gquic",
        "QUIC" => "quic",
        "BitTorrent" => "bittorrent",
        "CIP" => "cip",
        "MQTT" => "mqtt",
        "RADIUS" => "radius",
        "LDAP" => "ldap",
        "MySQL" => "mysql",
        "Redis" => "redis",
        "IRC" => "irc",
        "RDP" => "rdp",
        "COTP" => "cotp",
        "T.125" => "t125",
        "TPKT" => "tpkt",
        "NFS" => "nfs",
        "MOUNT" => "mount",
        "Portmap" => "portmap",
        "sFlow" => "sflow",
        "WireGuard" => "wg",
        "DNP 3.0" => "dnp3",
        "CAPWAP-Control" => "capwap",
        "CAPWAP-Data" => "capwap.data",
        "DTLSv1.0" | "DTLSv1.2" => "dtls",
        "802.11" => "wlan",
        "FTP-DATA" => "ftp-data",
        _ => "data",
    }
}

/// The [`NAMES`] index of `name`, for constants (a name not in the table fails the build):
/// `const FTP: u8 = app::kind_of("FTP");` compares no strings per packet.
pub const fn kind_of(name: &str) -> u8 {
    let (want, mut i) = (name.as_bytes(), 0);
    while i < NAMES.len() {
        let have = NAMES[i].as_bytes();
        if have.len() == want.len() {
            let mut j = 0;
            while j < have.len() && have[j] == want[j] {
                j += 1;
            }
            if j == have.len() {
                return i as u8;
            }
        }
        i += 1;
    }
    panic!("not a NAMES entry")
}

/// The dispatch value of a [`NAMES`] protocol.
pub fn named_kind(name: &str) -> Option<(Proto, u8)> {
    named(name)
}

fn named(name: &str) -> Option<(Proto, u8)> {
    NAMES
        .iter()
        .position(|n| *n == name)
        .map(|i| (Proto::AppNamed, i as u8))
}

/// A name-only protocol on a TCP port (Wireshark's registrations), checked on the payload
/// where the port is shared.
pub fn tcp_named(sport: u16, dport: u16, p: &[u8]) -> Option<(Proto, u8)> {
    let port = |x: u16| sport == x || dport == x;
    if port(445) || port(139) {
        let hdr = p.get(4..8)?;
        return named(match hdr {
            b"\xfeSMB" => "SMB2",
            b"\xffSMB" => "SMB",
            _ => return None,
        });
    }
    let (lo, hi) = (sport.min(dport), sport.max(dport));
    [lo, hi].into_iter().find_map(|x| {
        named(match x {
            8333 => "Bitcoin",
            4840 => "OpcUa",
            1194 => "OpenVPN",
            502 => "Modbus/TCP",
            5222 | 5269 => "XMPP/XML",
            21 => "FTP",
            554 | 8554 => "RTSP",
            25 | 587 => "SMTP",
            110 => "POP",
            143 => "IMAP",
            23 => "TELNET",
            5432 => "PGSQL",
            179 => "BGP",
            88 => "KRB5",
            9092 => "Kafka",
            1433 => "TDS",
            119 => "NNTP",
            873 => "RSYNC",
            9418 => "Git",
            5672 => "AMQP",
            1883 => "MQTT",
            44818 => "CIP",
            3478 => "STUN",
            389 => "LDAP",
            3306 => "MySQL",
            3389 => "RDP",
            20000 if p.starts_with(&[0x05, 0x64]) => "DNP 3.0",
            6379 => "Redis",
            6667 => "IRC",
            _ => return None,
        })
    })
}

/// Heuristics for name-only TCP protocols (VNC's `RFB 003.008` greeting, the BitTorrent
/// handshake).
pub fn tcp_named_heuristic(p: &[u8]) -> Option<(Proto, u8)> {
    if p.len() == 12 && p.starts_with(b"RFB 00") && p[11] == b'\n' {
        return named("VNC");
    }
    if p.starts_with(b"\x13BitTorrent protocol") {
        return named("BitTorrent");
    }
    None
}

/// A name-only protocol on a UDP port, checked on the payload where the port is shared.
pub fn udp_named(sport: u16, dport: u16, p: &[u8]) -> Option<(Proto, u8)> {
    let port = |x: u16| sport == x || dport == x;
    if port(5246) || port(5247) {
        return capwap(dport == 5247 || sport == 5247, p);
    }
    if port(2049) || port(111) || (sport < 1024 && dport < 1024 && sport != dport) {
        if let Some(n) = onc_rpc(p, port(2049)) {
            return named(n);
        }
    }
    if let Some(n) = wireguard(p) {
        return named(n);
    }
    // STUN on any port: a message type with the top two bits clear, a length that fits, and
    // RFC 5389's magic cookie.
    if p.len() >= 20
        && p[0] & 0xc0 == 0
        && p.get(4..8) == Some(&[0x21, 0x12, 0xa4, 0x42][..])
        && u16::from_be_bytes([p[2], p[3]]) as usize == p.len() - 20
    {
        return named("STUN");
    }
    if port(4500) {
        return named(if p.get(..4) == Some(&[0, 0, 0, 0][..]) {
            "ISAKMP"
        } else if p.len() == 1 && p[0] == 0xff {
            return None;
        } else {
            "ESP"
        });
    }
    if port(443) {
        let b0 = *p.first()?;
        return named(if b0 & 0x80 != 0 {
            if p.get(5..7) == Some(&b"Q0"[..]) || p.get(1..3) == Some(&b"Q0"[..]) {
                "GQUIC"
            } else {
                "QUIC"
            }
        } else if b0 & 0x40 != 0 {
            "QUIC"
        } else {
            "GQUIC"
        });
    }
    let (lo, hi) = (sport.min(dport), sport.max(dport));
    [lo, hi].into_iter().find_map(|x| {
        named(match x {
            137 => "NBNS",
            2222 => "CIP I/O",
            500 => "ISAKMP",
            8805 => "PFCP",
            5060 => "SIP",
            // Wireshark's STUN refuses a message whose length overruns the datagram or is
            // not a multiple of 4 (DTLS on a TURN port, say).
            3478 if stun::header(p)
                .is_some_and(|(_, len, _, _)| len % 4 == 0 && len as usize + 20 <= p.len()) =>
            {
                "STUN"
            }
            1194 => "OpenVPN",
            514 => "Syslog",
            161 | 162 => "SNMP",
            546 | 547 => "DHCPv6",
            69 => "TFTP",
            2427 | 2727 => "MGCP",
            6343 => "sFlow",
            88 => "KRB5",
            1812 | 1813 => "RADIUS",
            20000 if p.starts_with(&[0x05, 0x64]) => "DNP 3.0",
            _ => return None,
        })
    })
}

/// ONC RPC (RFC 5531) calls to NFS, MOUNT and the portmapper, by program number; replies
/// (message type 1) on the NFS port are NFS, as Wireshark matches them to their calls.
fn onc_rpc(p: &[u8], nfs_port: bool) -> Option<&'static str> {
    let be32 = |i: usize| Some(u32::from_be_bytes(p.get(i..i + 4)?.try_into().ok()?));
    match be32(4)? {
        1 if nfs_port => Some("NFS"),
        0 if be32(8)? == 2 => Some(match be32(12)? {
            100003 => "NFS",
            100005 => "MOUNT",
            100000 => "Portmap",
            _ => return None,
        }),
        _ => None,
    }
}

/// WireGuard's four message types, recognised by type, reserved zeros and exact length, as
/// Wireshark's heuristic does.
fn wireguard(p: &[u8]) -> Option<&'static str> {
    if p.len() < 4 || p[1..4] != [0, 0, 0] {
        return None;
    }
    let ok = match p[0] {
        1 => p.len() == 148,
        2 => p.len() == 92,
        3 => p.len() == 64,
        4 => p.len() >= 32 && (p.len() - 32).is_multiple_of(16),
        _ => false,
    };
    ok.then_some("WireGuard")
}

/// CAPWAP (RFC 5415): the preamble's type 1 wraps DTLS; a data-channel packet carrying a
/// native 802.11 frame (T bit, wireless binding 1) shows as 802.11.
fn capwap(data: bool, p: &[u8]) -> Option<(Proto, u8)> {
    let pre = *p.first()?;
    if pre >> 4 != 0 {
        return None;
    }
    if pre & 0x0f == 1 {
        // DTLS record after the 4-byte CAPWAP DTLS header.
        let v = u16::from_be_bytes(p.get(5..7)?.try_into().ok()?);
        return named(if v == 0xfefd { "DTLSv1.2" } else { "DTLSv1.0" });
    }
    if !data {
        return named("CAPWAP-Control");
    }
    // After the preamble: HLEN (5 bits), RID (5), WBID (5), T (1), then flags.
    let hdr = u32::from_be_bytes(p.get(0..4)?.try_into().ok()?);
    let wbid = (hdr >> 9) & 0x1f;
    let t = (hdr >> 8) & 1;
    named(if t == 1 && wbid == 1 {
        "802.11"
    } else {
        "CAPWAP-Data"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispatch() {
        assert_eq!(by_ports(53, 40000, udp_port), Some((Proto::Dns, 0)));
        assert_eq!(by_ports(5353, 5353, udp_port), Some((Proto::Dns, 1)));
        assert_eq!(by_ports(51000, 443, tcp_port), Some((Proto::Tls, 0)));
        assert_eq!(tcp_heuristic(b"GET / HTTP/1.1\r\n"), Some((Proto::Http, 0)));
        assert_eq!(
            tcp_heuristic(b"\x16\x03\x01\x00\x05\x01"),
            Some((Proto::Tls, 0))
        );
        assert_eq!(tcp_heuristic(b"hello"), None);
    }
}
