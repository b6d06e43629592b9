//! FTP's data connections (RFC 959, RFC 2428): the control-connection lines that announce
//! where the next data connection will be, so a dissector can call that connection FTP-DATA
//! as Wireshark does. The command and reply lines themselves are read with [`super::line`].

use super::line;

/// Where a data connection is expected: an address and a port. `addr` is `None` when the line
/// gives only a port (EPSV's 229 reply), meaning the address of the side that sent the line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DataEndpoint {
    pub addr: Option<DataAddr>,
    pub port: u16,
}

/// The address part of a [`DataEndpoint`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataAddr {
    V4([u8; 4]),
    V6([u8; 16]),
}

/// The data endpoint a control-connection line announces, if it is one of:
/// - `227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)` (PASV reply, server side);
/// - `229 Entering Extended Passive Mode (|||port|)` (EPSV reply: the server's address);
/// - `PORT h1,h2,h3,h4,p1,p2` (client side);
/// - `EPRT |1|a.b.c.d|port|` or `EPRT |2|ipv6|port|` (client side, any delimiter).
pub fn data_endpoint(payload: &[u8]) -> Option<DataEndpoint> {
    let l = line::first_line(payload);
    if let Some((code, text)) = line::reply_code(l) {
        return match code {
            227 => {
                // The six numbers follow the first digit (the parentheses are optional).
                let at = text.iter().position(u8::is_ascii_digit)?;
                host_port(&text[at..])
            }
            229 => {
                let open = text.iter().position(|&c| c == b'(')?;
                let (_, addr, port) = extended(text.get(open + 1..)?)?;
                addr.is_empty().then_some(())?;
                Some(DataEndpoint { addr: None, port })
            }
            _ => None,
        };
    }
    let (cmd, arg) = line::command(l)?;
    if cmd.eq_ignore_ascii_case(b"PORT") {
        host_port(arg)
    } else if cmd.eq_ignore_ascii_case(b"EPRT") {
        let (proto, addr, port) = extended(arg)?;
        let text = std::str::from_utf8(addr).ok()?;
        let addr = match proto {
            b"1" => DataAddr::V4(text.parse::<std::net::Ipv4Addr>().ok()?.octets()),
            b"2" => DataAddr::V6(text.parse::<std::net::Ipv6Addr>().ok()?.octets()),
            _ => return None,
        };
        Some(DataEndpoint {
            addr: Some(addr),
            port,
        })
    } else {
        None
    }
}

/// `h1,h2,h3,h4,p1,p2` (RFC 959's host-port), stopping at the first character that is not a
/// digit or a comma.
fn host_port(s: &[u8]) -> Option<DataEndpoint> {
    let end = s
        .iter()
        .position(|&c| !(c.is_ascii_digit() || c == b','))
        .unwrap_or(s.len());
    let mut n = [0u8; 6];
    let mut parts = s[..end].split(|&c| c == b',');
    for v in &mut n {
        *v = number(parts.next()?)?.try_into().ok()?;
    }
    if parts.next().is_some() {
        return None;
    }
    Some(DataEndpoint {
        addr: Some(DataAddr::V4([n[0], n[1], n[2], n[3]])),
        port: u16::from_be_bytes([n[4], n[5]]),
    })
}

/// RFC 2428's `<d>proto<d>addr<d>port<d>` with any printable delimiter `d`: the three fields.
fn extended(s: &[u8]) -> Option<(&[u8], &[u8], u16)> {
    let d = *s.first()?;
    if !d.is_ascii_graphic() || d.is_ascii_alphanumeric() {
        return None;
    }
    let mut f = s[1..].split(|&c| c == d);
    let proto = f.next()?;
    let addr = f.next()?;
    let port = number(f.next()?)?;
    f.next()?; // the closing delimiter
    Some((proto, addr, u16::try_from(port).ok().filter(|&p| p != 0)?))
}

/// A decimal number of 1 to 5 digits.
fn number(s: &[u8]) -> Option<u32> {
    if s.is_empty() || s.len() > 5 || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0u32, |a, &c| a * 10 + (c - b'0') as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(a: [u8; 4], port: u16) -> Option<DataEndpoint> {
        Some(DataEndpoint {
            addr: Some(DataAddr::V4(a)),
            port,
        })
    }

    #[test]
    fn announcements() {
        assert_eq!(
            data_endpoint(b"227 Entering Passive Mode (90,130,70,73,100,85).\r\n"),
            v4([90, 130, 70, 73], 25685)
        );
        assert_eq!(
            data_endpoint(b"227 =147,234,1,253,230,119\r\n"),
            v4([147, 234, 1, 253], 58999)
        );
        assert_eq!(
            data_endpoint(b"229 Entering Extended Passive Mode (|||58612|)\r\n"),
            Some(DataEndpoint {
                addr: None,
                port: 58612
            })
        );
        assert_eq!(
            data_endpoint(b"PORT 192,168,1,2,7,138\r\n"),
            v4([192, 168, 1, 2], 1930)
        );
        assert_eq!(
            data_endpoint(b"EPRT |1|132.235.1.2|6275|\r\n"),
            v4([132, 235, 1, 2], 6275)
        );
        let v6 = data_endpoint(b"eprt !2!1080::8:800:200C:417A!5282!\r\n").unwrap();
        assert_eq!(v6.port, 5282);
        assert!(matches!(v6.addr, Some(DataAddr::V6(a)) if a[0] == 0x10 && a[15] == 0x7a));
    }

    #[test]
    fn refusals() {
        for l in [
            &b"227 Entering Passive Mode (90,130,70,73,100)"[..],
            b"227 Entering Passive Mode (90,130,70,973,100,85)",
            b"229 Entering Extended Passive Mode (|||0|)",
            b"229 Entering Extended Passive Mode (|||70000|)",
            b"229 Entering Extended Passive Mode (|1|1.2.3.4|21|)",
            b"200 PORT command successful",
            b"PORT 1,2,3,4,5",
            b"EPRT |3|x|1|",
            b"EPRT |1|1.2.3.4|21",
            b"PASV",
            b"",
            b"\xff\xfe",
        ] {
            assert_eq!(data_endpoint(l), None, "{}", String::from_utf8_lossy(l));
        }
    }
}
