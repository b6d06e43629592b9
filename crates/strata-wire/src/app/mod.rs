//! Application protocols: one zero-copy parser per protocol, shared by the dissector, the
//! flow classifier and the crafter, and the port / heuristic dispatch that picks one for an
//! L4 payload the way Wireshark does (the lower port first, then the higher, then heuristics).

pub mod dhcp;
pub mod dns;
pub mod http;
pub mod ntp;
pub mod ssh;
pub mod tls;

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
        443 | 465 | 563 | 636 | 853 | 989 | 990 | 992 | 993 | 994 | 995 | 3269 | 5061 | 5223
        | 8443 => (Proto::Tls, 0),
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
    if ssh::banner(payload).is_some() || payload.starts_with(b"SSH-") {
        return Some((Proto::Ssh, 0));
    }
    if payload.len() >= 6 && tls::record_header_ok(payload) && payload[0] == tls::content::HANDSHAKE
    {
        return Some((Proto::Tls, 0));
    }
    None
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
