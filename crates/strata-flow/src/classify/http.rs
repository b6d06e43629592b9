//! HTTP/1.x (request line + Host / User-Agent, response Content-Type) and SSDP (HTTP over
//! UDP multicast).

use super::{set, set_server_name, set_text, set_with_host, Flow};
use crate::packet::FlowPacket;

const METHODS: [&[u8]; 10] = [
    b"GET ",
    b"POST ",
    b"HEAD ",
    b"PUT ",
    b"DELETE ",
    b"OPTIONS ",
    b"CONNECT ",
    b"PATCH ",
    b"TRACE ",
    b"PROPFIND ",
];

/// The value of header `name` (case-insensitive) in an HTTP head, trimmed.
fn header<'a>(head: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    for line in head.split(|&c| c == b'\n').skip(1) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break;
        }
        let Some(colon) = line.iter().position(|&c| c == b':') else {
            continue;
        };
        if line[..colon].eq_ignore_ascii_case(name) {
            return Some(line[colon + 1..].trim_ascii());
        }
    }
    None
}

/// `host[:port]` without the port (IPv6 literals in brackets keep their colons).
fn strip_port(h: &[u8]) -> &[u8] {
    if h.first() == Some(&b'[') {
        return h;
    }
    match h.iter().rposition(|&c| c == b':') {
        Some(i) if h[i + 1..].iter().all(u8::is_ascii_digit) => &h[..i],
        _ => h,
    }
}

/// Returns true when the packet was recognised as HTTP.
pub fn on_tcp(f: &mut Flow, p: &FlowPacket, _d: usize, payload: &[u8]) -> bool {
    if METHODS.iter().any(|m| payload.starts_with(m)) {
        let head = &payload[..payload.len().min(4096)];
        let proxy = [8080, 3128].contains(&p.dst_port) || [8080, 3128].contains(&p.src_port);
        let master = if proxy { "HTTP_Proxy" } else { "HTTP" };
        if let Some(h) = header(head, b"host") {
            set_server_name(f, strip_port(h));
        }
        let host = f.app.requested_server_name.clone();
        set_with_host(f, master, "Web", &host);
        if let Some(ua) = header(head, b"user-agent") {
            set_text(&mut f.app.user_agent, ua, 255);
        }
        f.app.state.http_wait_response = true;
        return true;
    }
    if payload.starts_with(b"HTTP/1.") {
        set(f, "HTTP", "Web");
        response(f, payload);
        return true;
    }
    false
}

/// A later packet of an HTTP flow: the response's Content-Type.
pub fn on_continue(f: &mut Flow, _d: usize, payload: &[u8]) {
    if payload.starts_with(b"HTTP/1.") {
        response(f, payload);
    }
}

fn response(f: &mut Flow, payload: &[u8]) {
    let head = &payload[..payload.len().min(4096)];
    if let Some(ct) = header(head, b"content-type") {
        // nDPI keeps the media type only (parameters after ';' dropped).
        let ct = ct.split(|&c| c == b';').next().unwrap_or(ct).trim_ascii();
        set_text(&mut f.app.content_type, ct, 63);
        // nDPI's content-based category for downloads and media.
        let c = f.app.content_type.to_ascii_lowercase();
        if c.starts_with("application/octet-stream") {
            f.app.category.clear();
            f.app.category.push_str("Download");
        } else if c.starts_with("audio/") || c.starts_with("video/") {
            f.app.category.clear();
            f.app.category.push_str("Media");
        }
    }
    f.app.state.http_wait_response = false;
    f.app.state.done = true;
}

/// SSDP: HTTP-style request over UDP 1900.
pub fn udp(f: &mut Flow, p: &FlowPacket, payload: &[u8]) -> bool {
    let port = |x: u16| p.src_port == x || p.dst_port == x;
    if port(1900)
        && (payload.starts_with(b"M-SEARCH")
            || payload.starts_with(b"NOTIFY")
            || payload.starts_with(b"HTTP/1.1"))
    {
        let head = &payload[..payload.len().min(2048)];
        if let Some(h) = header(head, b"host") {
            set_server_name(f, strip_port(h));
        }
        set(f, "SSDP", "System");
        f.app.state.done = true;
        return true;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers() {
        let req = b"GET / HTTP/1.1\r\nHost: Example.com:8080\r\nUser-Agent: curl/8\r\n\r\nbody";
        assert_eq!(header(req, b"HOST"), Some(&b"Example.com:8080"[..]));
        assert_eq!(strip_port(b"Example.com:8080"), b"Example.com");
        assert_eq!(strip_port(b"[::1]:80"), b"[::1]:80");
        assert_eq!(header(req, b"user-agent"), Some(&b"curl/8"[..]));
        assert_eq!(header(req, b"cookie"), None);
        for n in 0..req.len() {
            let _ = header(&req[..n], b"host");
        }
    }
}
