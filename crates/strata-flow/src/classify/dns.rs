//! DNS, mDNS, LLMNR (one grammar on different ports) and the NetBIOS name and datagram
//! services. The queried name becomes `requested_server_name` and, through the service table,
//! the sub-protocol (`DNS.Google`).

use super::{set, set_server_name, set_with_host, Flow};
use crate::packet::FlowPacket;

/// Returns true when the packet was recognised.
pub fn udp(f: &mut Flow, p: &FlowPacket, _d: usize, m: &[u8]) -> bool {
    let port = |x: u16| p.src_port == x || p.dst_port == x;
    if port(53) || port(5353) || port(5355) {
        let (master, ok) = if port(5353) {
            ("MDNS", header_ok(m, true))
        } else if port(5355) {
            ("LLMNR", header_ok(m, false))
        } else {
            ("DNS", header_ok(m, false))
        };
        if !ok {
            return false;
        }
        let mut name = [0u8; 256];
        let n = first_name(m, &mut name).unwrap_or(0);
        set_server_name(f, &name[..n]);
        let host = f.app.requested_server_name.clone();
        set_with_host(f, master, "Network", &host);
        f.app.state.done = true;
        return true;
    }
    if port(137) && m.len() >= 12 + 34 {
        let qd = u16::from_be_bytes([m[4], m[5]]);
        let an = u16::from_be_bytes([m[6], m[7]]);
        if (qd > 0 || an > 0) && m[12] == 0x20 {
            if let Some(name) = netbios_name(&m[13..45]) {
                set_server_name(f, &name);
            }
            set(f, "NetBIOS", "System");
            f.app.state.done = true;
            return true;
        }
    }
    if port(138) && m.len() >= 14 + 34 && matches!(m[0], 0x10..=0x16) && m[14] == 0x20 {
        if let Some(name) = netbios_name(&m[15..47]) {
            set_server_name(f, &name);
        }
        if m.windows(4).any(|w| w == b"\xffSMB") {
            set(f, "NetBIOS.SMBv1", "System");
        } else {
            set(f, "NetBIOS", "System");
        }
        f.app.state.done = true;
        return true;
    }
    false
}

/// A plausible DNS header: at least one question or record, sane opcode.
fn header_ok(m: &[u8], mdns: bool) -> bool {
    if m.len() < 12 {
        return false;
    }
    let flags = u16::from_be_bytes([m[2], m[3]]);
    let qd = u16::from_be_bytes([m[4], m[5]]);
    let an = u16::from_be_bytes([m[6], m[7]]);
    let opcode = (flags >> 11) & 0xf;
    if opcode > 5 {
        return false;
    }
    let response = flags & 0x8000 != 0;
    if mdns {
        return qd > 0 || an > 0;
    }
    if !response {
        qd > 0 && qd <= 16
    } else {
        qd <= 16 && (qd > 0 || an > 0)
    }
}

/// The first name after the header (question, or first answer), uncompressed labels.
fn first_name(m: &[u8], out: &mut [u8; 256]) -> Option<usize> {
    let mut off = 12;
    let mut n = 0;
    let mut hops = 0;
    loop {
        let len = *m.get(off)? as usize;
        if len == 0 {
            break;
        }
        if len & 0xc0 == 0xc0 {
            let ptr = ((len & 0x3f) << 8) | *m.get(off + 1)? as usize;
            hops += 1;
            if hops > 8 || ptr >= m.len() {
                return None;
            }
            off = ptr;
            continue;
        }
        if len & 0xc0 != 0 {
            return None;
        }
        let label = m.get(off + 1..off + 1 + len)?;
        if n + len + 1 > out.len() {
            break;
        }
        if n > 0 {
            out[n] = b'.';
            n += 1;
        }
        out[n..n + len].copy_from_slice(label);
        n += len;
        off += 1 + len;
    }
    Some(n)
}

/// Decodes a NetBIOS first-level encoded name (32 bytes 'A'..'P'): the 15-character name,
/// trailing spaces removed (the 16th byte is the service suffix).
fn netbios_name(enc: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(16);
    for pair in enc.get(..30)?.chunks_exact(2) {
        let (a, b) = (pair[0].wrapping_sub(b'A'), pair[1].wrapping_sub(b'A'));
        if a > 15 || b > 15 {
            return None;
        }
        let c = (a << 4) | b;
        if c == 0 {
            break;
        }
        out.push(c);
    }
    while out.last() == Some(&b' ') {
        out.pop();
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(name: &str) -> Vec<u8> {
        let mut m = vec![0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
        for l in name.split('.') {
            m.push(l.len() as u8);
            m.extend_from_slice(l.as_bytes());
        }
        m.extend_from_slice(&[0, 0, 1, 0, 1]);
        m
    }

    #[test]
    fn dns_query_name() {
        let m = query("www.Google.com");
        assert!(header_ok(&m, false));
        let mut buf = [0u8; 256];
        let n = first_name(&m, &mut buf).unwrap();
        assert_eq!(&buf[..n], b"www.Google.com");
        for k in 0..m.len() {
            let _ = first_name(&m[..k], &mut buf);
            let _ = header_ok(&m[..k], true);
        }
    }

    #[test]
    fn compression_loop_is_bounded() {
        let mut m = vec![0u8; 12];
        m.extend_from_slice(&[0xc0, 12]);
        let mut buf = [0u8; 256];
        assert_eq!(first_name(&m, &mut buf), None);
    }

    #[test]
    fn netbios_decode() {
        // "FRED" padded with spaces, suffix 0x00
        let mut enc = Vec::new();
        for c in b"FRED           \0" {
            enc.push(b'A' + (c >> 4));
            enc.push(b'A' + (c & 0xf));
        }
        assert_eq!(netbios_name(&enc).unwrap(), b"FRED");
        assert_eq!(netbios_name(&enc[..10]), None);
    }
}
