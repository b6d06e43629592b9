//! The application classifier: payload inspection of a flow's first packets (up to
//! `--dissections`), with nDPI's protocol and category names so `application_name` reads as
//! NFStream's. Ports are only a last-resort guess, flagged in `application_is_guessed`.
//!
//! Coverage is the protocols below; everything else stays `Unknown` (as nDPI says when it does
//! not know).

use crate::flow::Flow;
use crate::packet::FlowPacket;

/// nDPI confidence values (NFStream 6.6 / nDPI 5.0).
pub mod confidence {
    pub const UNKNOWN: u8 = 0;
    pub const MATCH_BY_PORT: u8 = 1;
    pub const DPI: u8 = 6;
}

fn set(f: &mut Flow, name: &str, category: &str) {
    f.app.name.clear();
    f.app.name.push_str(name);
    f.app.category.clear();
    f.app.category.push_str(category);
    f.app.is_guessed = false;
    f.app.confidence = confidence::DPI;
}

/// Inspects one packet of `f` (direction `dir`); `frame` is the whole captured frame.
pub fn inspect(f: &mut Flow, p: &FlowPacket, dir: u8, frame: &[u8]) {
    if f.app.confidence == confidence::DPI && !f.app.name.is_empty() {
        return;
    }
    let start = p.payload_offset as usize;
    let payload = frame
        .get(start..start + p.payload_len as usize)
        .unwrap_or(&[]);
    match p.protocol {
        1 => return set(f, "ICMP", "Network"),
        58 => return set(f, "ICMPV6", "Network"),
        2 => return set(f, "IGMP", "Network"),
        _ => {}
    }
    if payload.is_empty() {
        return;
    }
    let port = |x: u16| p.src_port == x || p.dst_port == x;
    if p.protocol == 17 {
        if (port(53) || port(5353) || port(5355)) && dns_name(payload, 0).is_some() {
            let (name, cat) = if port(5353) {
                ("MDNS", "Network")
            } else if port(5355) {
                ("LLMNR", "Network")
            } else {
                ("DNS", "Network")
            };
            set(f, name, cat);
            if let Some(q) = dns_name(payload, 0) {
                f.app.requested_server_name = truncate(q, 79);
            }
            return;
        }
        if port(1900)
            && (payload.starts_with(b"M-SEARCH")
                || payload.starts_with(b"NOTIFY")
                || payload.starts_with(b"HTTP/1.1"))
        {
            return set(f, "SSDP", "System");
        }
        if port(123) && payload.len() >= 48 && matches!((payload[0] >> 3) & 7, 1..=4) {
            return set(f, "NTP", "System");
        }
        if (port(67) || port(68))
            && payload.len() >= 240
            && payload[236..240] == [0x63, 0x82, 0x53, 0x63]
        {
            return set(f, "DHCP", "Network");
        }
        if port(137) && payload.len() >= 12 {
            return set(f, "NetBIOS", "System");
        }
    }
    if p.protocol == 6 {
        if let Some(host) = http_request(payload) {
            set(f, "HTTP", "Web");
            if let Some(h) = host.0 {
                f.app.requested_server_name = truncate(h, 79);
            }
            if let Some(ua) = host.1 {
                f.app.user_agent = truncate(ua, 255);
            }
            return;
        }
        if payload.starts_with(b"SSH-") {
            return set(f, "SSH", "RemoteAccess");
        }
    }
    if let Some(sni) = tls_client_hello_sni(payload) {
        set(f, "TLS", "Web");
        f.app.requested_server_name = truncate(sni, 79);
    }
    let _ = dir;
}

fn truncate(s: String, n: usize) -> String {
    if s.len() <= n {
        return s;
    }
    let mut end = n;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

/// The first question name of a DNS message, if it parses.
fn dns_name(m: &[u8], _id: u16) -> Option<String> {
    if m.len() < 12 {
        return None;
    }
    let qd = u16::from_be_bytes([m[4], m[5]]);
    if qd == 0 || m[2] & 0x78 != 0 {
        return None;
    }
    let mut off = 12;
    let mut name = String::new();
    loop {
        let len = *m.get(off)? as usize;
        if len == 0 {
            break;
        }
        if len & 0xc0 != 0 || name.len() > 253 {
            return None;
        }
        let label = m.get(off + 1..off + 1 + len)?;
        if !name.is_empty() {
            name.push('.');
        }
        name.extend(label.iter().map(|&c| c as char));
        off += 1 + len;
    }
    m.get(off + 1..off + 5)?;
    Some(name)
}

/// For an HTTP/1.x request: (Host, User-Agent).
fn http_request(p: &[u8]) -> Option<(Option<String>, Option<String>)> {
    const METHODS: [&[u8]; 9] = [
        b"GET ",
        b"POST ",
        b"HEAD ",
        b"PUT ",
        b"DELETE ",
        b"OPTIONS ",
        b"CONNECT ",
        b"PATCH ",
        b"TRACE ",
    ];
    if !METHODS.iter().any(|m| p.starts_with(m)) {
        return None;
    }
    let text = &p[..p.len().min(4096)];
    let mut host = None;
    let mut ua = None;
    for line in text.split(|&c| c == b'\n').skip(1) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break;
        }
        let Some(colon) = line.iter().position(|&c| c == b':') else {
            continue;
        };
        let (k, v) = (&line[..colon], &line[colon + 1..]);
        let v = String::from_utf8_lossy(v).trim().to_string();
        if k.eq_ignore_ascii_case(b"host") {
            host = Some(v);
        } else if k.eq_ignore_ascii_case(b"user-agent") {
            ua = Some(v);
        }
    }
    Some((host, ua))
}

/// The server_name of a TLS ClientHello in this record, if present.
fn tls_client_hello_sni(p: &[u8]) -> Option<String> {
    if p.len() < 9 || p[0] != 0x16 || p[1] != 0x03 || p[5] != 0x01 {
        return None;
    }
    let hs = p.get(9..)?;
    // client_version(2) random(32) session_id
    let mut off = 34;
    let sid = *hs.get(off)? as usize;
    off += 1 + sid;
    let cs = u16::from_be_bytes([*hs.get(off)?, *hs.get(off + 1)?]) as usize;
    off += 2 + cs;
    let comp = *hs.get(off)? as usize;
    off += 1 + comp;
    let ext_len = u16::from_be_bytes([*hs.get(off)?, *hs.get(off + 1)?]) as usize;
    off += 2;
    let end = (off + ext_len).min(hs.len());
    while off + 4 <= end {
        let ty = u16::from_be_bytes([hs[off], hs[off + 1]]);
        let len = u16::from_be_bytes([hs[off + 2], hs[off + 3]]) as usize;
        let body = hs.get(off + 4..off + 4 + len)?;
        if ty == 0 && body.len() >= 5 && body[2] == 0 {
            let n = u16::from_be_bytes([body[3], body[4]]) as usize;
            let name = body.get(5..5 + n)?;
            return Some(String::from_utf8_lossy(name).into_owned());
        }
        off += 4 + len;
    }
    None
}
