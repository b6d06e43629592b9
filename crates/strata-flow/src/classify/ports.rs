//! nDPI's give-up guess: the protocol a flow's port is registered for in nDPI's defaults.
//! Used only at expiry for flows nothing was recognised in (`application_is_guessed` = 1).

/// (protocol, port) → (name, category). Ranges are inclusive.
#[rustfmt::skip]
static TCP: &[(u16, u16, &str, &str)] = &[
    (20, 20, "FTP_DATA", "Download"), (21, 21, "FTP_CONTROL", "Download"), (22, 22, "SSH", "RemoteAccess"),
    (23, 23, "Telnet", "RemoteAccess"), (25, 25, "SMTP", "Email"), (43, 43, "Whois-DAS", "Network"),
    (53, 53, "DNS", "Network"), (80, 80, "HTTP", "Web"), (88, 88, "Kerberos", "Network"),
    (110, 110, "POP3", "Email"), (111, 111, "SunRPC", "RPC"), (119, 119, "NNTP", "Web"),
    (135, 135, "DCERPC", "RPC"), (139, 139, "NetBIOS", "System"), (143, 143, "IMAP", "Email"),
    (179, 179, "BGP", "Network"), (389, 389, "LDAP", "System"), (427, 427, "Service_Location_Protocol", "RPC"),
    (443, 443, "TLS", "Web"), (445, 445, "SMBv23", "System"), (465, 465, "SMTPS", "Email"),
    (500, 500, "IPSec", "VPN"), (502, 502, "Modbus", "IoT-Scada"), (513, 513, "Rlogin", "RemoteAccess"),
    (514, 514, "Syslog", "System"), (548, 548, "AFP", "DataTransfer"), (554, 554, "RTSP", "Media"),
    (563, 563, "NNTP", "Web"), (587, 587, "SMTP", "Email"), (631, 631, "IPP", "System"),
    (636, 636, "LDAP", "System"), (646, 646, "LDP", "Network"), (853, 853, "DoH_DoT", "Network"),
    (873, 873, "RSYNC", "DataTransfer"), (902, 903, "VMware", "RemoteAccess"), (993, 993, "IMAPS", "Email"),
    (995, 995, "POPS", "Email"), (1080, 1080, "SOCKS", "Web"), (1099, 1099, "JRMI", "RPC"),
    (1119, 1119, "Blizzard", "Game"), (1194, 1194, "OpenVPN", "VPN"), (1352, 1352, "HCL_Notes", "Collaborative"),
    (1433, 1434, "MsSQL-TDS", "Database"), (1494, 1494, "Citrix", "Network"), (1521, 1521, "Oracle", "Database"),
    (1719, 1720, "H323", "VoIP"), (1723, 1723, "PPTP", "VPN"), (1812, 1813, "Radius", "Network"),
    (1883, 1883, "MQTT", "RPC"), (1935, 1935, "RTMP", "Media"), (2000, 2000, "CiscoSkinny", "VoIP"),
    (2002, 2002, "Roughtime", "System"), (2049, 2049, "NFS", "DataTransfer"), (2190, 2190, "TiVoConnect", "Network"),
    (2404, 2404, "IEC60870", "IoT-Scada"), (2598, 2598, "Citrix", "Network"), (2604, 2604, "OSPF", "Network"),
    (2605, 2605, "BGP", "Network"), (3128, 3128, "HTTP_Proxy", "Web"), (3300, 3300, "Ceph", "DataTransfer"),
    (3306, 3306, "MySQL", "Database"), (3389, 3389, "RDP", "RemoteAccess"), (3478, 3478, "STUN", "Network"),
    (4000, 4000, "NoMachine", "RemoteAccess"), (4343, 4343, "Whois-DAS", "Network"), (4899, 4899, "Radmin", "RemoteAccess"),
    (5001, 5001, "TargusDataspeed", "Network"), (5060, 5061, "SIP", "VoIP"), (5222, 5222, "Jabber", "Chat"),
    (5432, 5432, "PostgreSQL", "Database"), (5672, 5672, "AMQP", "RPC"), (5800, 5801, "VNC", "RemoteAccess"),
    (5900, 5901, "VNC", "RemoteAccess"), (6112, 6112, "GuildWars2", "Game"), (6379, 6379, "Redis", "Database"),
    (6667, 6667, "IRC", "Chat"), (6789, 6789, "Ceph", "DataTransfer"), (6881, 6889, "BitTorrent", "Download"),
    (7000, 7001, "Cassandra", "Database"), (8008, 8008, "CiscoVPN", "VPN"), (8009, 8010, "AJP", "Web"),
    (8080, 8080, "HTTP_Proxy", "Web"), (8333, 8333, "BITCOIN", "Crypto_Currency"), (9042, 9042, "Cassandra", "Database"),
    (9418, 9418, "Git", "Collaborative"), (9999, 9999, "TPLINK_SHP", "IoT-Scada"), (10000, 10000, "CiscoVPN", "VPN"),
    (11211, 11211, "Memcached", "Network"), (20000, 20000, "DNP3", "IoT-Scada"), (27017, 27017, "MongoDB", "Database"),
    (30303, 30303, "ETHEREUM", "Crypto_Currency"),
];

#[rustfmt::skip]
static UDP: &[(u16, u16, &str, &str)] = &[
    (53, 53, "DNS", "Network"), (67, 68, "DHCP", "Network"), (69, 69, "TFTP", "DataTransfer"),
    (123, 123, "NTP", "System"), (137, 137, "NetBIOS", "System"), (138, 138, "NetBIOS", "System"),
    (161, 162, "SNMP", "Network"), (443, 443, "QUIC", "Web"), (500, 500, "IPSec", "VPN"),
    (514, 514, "Syslog", "System"), (546, 547, "DHCPV6", "Network"), (1119, 1119, "Blizzard", "Game"),
    (1194, 1194, "OpenVPN", "VPN"), (1701, 1701, "L2TP", "VPN"), (1812, 1813, "Radius", "Network"),
    (1900, 1900, "SSDP", "System"), (3478, 3478, "STUN", "Network"), (4500, 4500, "IPSec", "VPN"),
    (5060, 5061, "SIP", "VoIP"), (5353, 5353, "MDNS", "Network"), (5355, 5355, "LLMNR", "Network"),
    (5683, 5683, "COAP", "RPC"), (17500, 17500, "Dropbox", "Cloud"),
    (51820, 51820, "WireGuard", "VPN"),
];

/// The guess for a flow's ports (destination first, then source).
pub fn guess(protocol: u8, sport: u16, dport: u16) -> Option<(&'static str, &'static str)> {
    let table = match protocol {
        6 => TCP,
        17 => UDP,
        _ => return None,
    };
    let find = |port: u16| {
        table
            .iter()
            .find(|&&(lo, hi, _, _)| (lo..=hi).contains(&port))
            .map(|&(_, _, n, c)| (n, c))
    };
    find(dport).or_else(|| find(sport))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_port() {
        assert_eq!(guess(6, 51000, 443), Some(("TLS", "Web")));
        assert_eq!(guess(6, 443, 51000), Some(("TLS", "Web")));
        assert_eq!(guess(17, 51000, 443), Some(("QUIC", "Web")));
        assert_eq!(guess(6, 51000, 51001), None);
        assert_eq!(guess(1, 0, 0), None);
    }
}
