//! The application classifier: payload inspection of a flow's first packets (up to
//! `--dissections`), with nDPI's protocol and category names so `application_name` reads as
//! NFStream's (nDPI 5.0). Ports are only a last-resort guess at expiry (`finish`), flagged in
//! `application_is_guessed`.
//!
//! One file per protocol family: `tls` (TLS over TCP, JA4, JA3S), `quic` (Initial decryption,
//! gQUIC CHLO), `dns` (DNS, mDNS, LLMNR, NetBIOS), `http` (HTTP/1.x, SSDP), `misc` (small
//! protocols recognised by their grammar), `services` (host name → service and category, as
//! nDPI's content-match lists), `ports` (the give-up guess).

use crate::flow::Flow;
use crate::packet::FlowPacket;

mod dns;
mod http;
mod misc;
mod ports;
mod quic;
mod services;
mod tls;

/// Payload bytes per packet the classifier looks at (the threaded streamer's copy size).
const MAX_PAYLOAD: usize = 2048;

/// nDPI confidence values (NFStream 6.6 / nDPI 5.0).
pub mod confidence {
    pub const UNKNOWN: u8 = 0;
    pub const MATCH_BY_PORT: u8 = 1;
    pub const DPI: u8 = 6;
}

/// Per-flow classifier state. Buffers stay empty (no allocation) unless a handshake spans
/// several packets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    /// Nothing more to learn from this flow's packets.
    done: bool,
    /// A protocol was recognised (more metadata may still come).
    detected: bool,
    /// Payload-carrying packets seen per direction.
    pkts: [u16; 2],
    tls: tls::TlsState,
    quic: quic::QuicState,
    /// At least one packet had a whole L4 header and payload (nDPI saw the ports).
    l4_ok: bool,
    /// HTTP: waiting for the response's Content-Type.
    http_wait_response: bool,
}

/// Sets the application to a single protocol name.
fn set(f: &mut Flow, name: &str, category: &str) {
    f.app.name.clear();
    f.app.name.push_str(name);
    f.app.category.clear();
    f.app.category.push_str(category);
    f.app.is_guessed = false;
    f.app.confidence = confidence::DPI;
    f.app.state.detected = true;
}

/// Sets `master` (with its category) refined by the service `host` belongs to, as nDPI's
/// host-name match does: `TLS.Google`, `DNS.Apple`, … DNS-family masters keep their category.
fn set_with_host(f: &mut Flow, master: &str, master_cat: &str, host: &str) {
    match services::lookup(host) {
        Some(svc) if svc.name.is_empty() => {
            let cat = if matches!(master, "DNS" | "MDNS" | "LLMNR") {
                master_cat
            } else {
                svc.category
            };
            set(f, master, cat);
        }
        Some(svc) => {
            let mut name = String::with_capacity(master.len() + 1 + svc.name.len());
            name.push_str(master);
            name.push('.');
            name.push_str(svc.name);
            let cat = if matches!(master, "DNS" | "MDNS" | "LLMNR") {
                master_cat
            } else {
                svc.category
            };
            set(f, &name, cat);
        }
        None => set(f, master, master_cat),
    }
}

/// nDPI's `host_server_name`: lower-cased, at most 79 bytes.
fn set_server_name(f: &mut Flow, name: &[u8]) {
    f.app.requested_server_name.clear();
    for &c in name.iter().take(79) {
        if c == 0 {
            break;
        }
        f.app
            .requested_server_name
            .push(c.to_ascii_lowercase() as char);
    }
}

/// Copies printable ASCII of `v` into `out`, at most `max` bytes.
fn set_text(out: &mut String, v: &[u8], max: usize) {
    out.clear();
    for &c in v.iter().take(max) {
        out.push(if (0x20..0x7f).contains(&c) {
            c as char
        } else {
            '?'
        });
    }
}

/// Inspects one packet of `f` (direction `dir`); its L4 payload is at `p.payload_offset` in `frame`.
pub fn inspect(f: &mut Flow, p: &FlowPacket, dir: u8, frame: &[u8]) {
    if f.app.state.done {
        return;
    }
    let start = p.payload_offset as usize;
    // The threaded streamer hands over at most this much payload per packet; the classifier
    // reads no more in any mode so that output does not depend on `--threads`.
    let len = (p.payload_len as usize).min(MAX_PAYLOAD);
    let payload = frame.get(start..start.saturating_add(len)).unwrap_or(&[]);
    match p.protocol {
        1 => return final_set(f, "ICMP", "Network"),
        58 => return final_set(f, "ICMPV6", "Network"),
        2 => return final_set(f, "IGMP", "Network"),
        89 => return final_set(f, "OSPF", "Network"),
        50 => return final_set(f, "ESP", "VPN"),
        47 => return final_set(f, "GRE", "Network"),
        _ => {}
    }
    if p.protocol == 17 && len < p.payload_size as usize && len < MAX_PAYLOAD {
        // nDPI does not dissect packets whose IP datagram was not captured whole (snap length,
        // first fragments).
        return;
    }
    f.app.state.l4_ok = true;
    if payload.is_empty() {
        return;
    }
    let d = (dir & 1) as usize;
    f.app.state.pkts[d] = f.app.state.pkts[d].saturating_add(1);
    match p.protocol {
        6 => tcp(f, p, d, payload),
        17 => udp(f, p, d, payload),
        _ => {}
    }
}

fn final_set(f: &mut Flow, name: &str, cat: &str) {
    set(f, name, cat);
    f.app.state.done = true;
}

fn tcp(f: &mut Flow, p: &FlowPacket, d: usize, payload: &[u8]) {
    // Protocols already recognised that still have metadata to give.
    if f.app.state.detected {
        if f.app.state.tls.active() {
            tls::on_tcp(f, p, d, payload);
            return;
        }
        if f.app.state.http_wait_response {
            http::on_continue(f, d, payload);
            return;
        }
        if f.app.name == "SSH" {
            misc::tcp(f, p, d, payload);
            give_up_after(f, 8);
            return;
        }
        f.app.state.done = true;
        return;
    }
    if tls::looks_like(payload) || f.app.state.tls.active() {
        tls::on_tcp(f, p, d, payload);
        if f.app.state.detected {
            return;
        }
    }
    if http::on_tcp(f, p, d, payload) {
        return;
    }
    misc::tcp(f, p, d, payload);
    give_up_after(f, 12);
}

fn udp(f: &mut Flow, p: &FlowPacket, d: usize, payload: &[u8]) {
    if f.app.state.detected {
        if f.app.state.quic.active() {
            quic::on_udp(f, p, d, payload);
            return;
        }
        f.app.state.done = true;
        return;
    }
    if dns::udp(f, p, d, payload) {
        return;
    }
    if http::udp(f, p, payload) {
        return;
    }
    if quic::on_udp(f, p, d, payload) {
        return;
    }
    misc::udp(f, p, d, payload);
    give_up_after(f, 12);
}

/// Stops inspecting a flow nothing was recognised in after `n` payload packets.
fn give_up_after(f: &mut Flow, n: u16) {
    if f.app.state.pkts[0] + f.app.state.pkts[1] >= n {
        f.app.state.done = true;
    }
}

/// At expiry: nDPI's give-up. A flow nothing was recognised in gets the protocol its port
/// suggests (`application_is_guessed` = 1, confidence MATCH_BY_PORT).
pub fn finish(f: &mut Flow) {
    if f.app.state.detected || !f.app.name.is_empty() || !f.app.state.l4_ok {
        return;
    }
    if let Some((name, cat)) = ports::guess(f.protocol, f.src_port, f.dst_port) {
        f.app.name.push_str(name);
        f.app.category.push_str(cat);
        f.app.is_guessed = true;
        f.app.confidence = confidence::MATCH_BY_PORT;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_name_is_lowercased_and_truncated() {
        let p = crate::packet::FlowPacket::default();
        let mut f = Flow::new(&p, 0);
        set_server_name(&mut f, b"WWW.Example.COM");
        assert_eq!(f.app.requested_server_name, "www.example.com");
        set_server_name(&mut f, &[b'a'; 100]);
        assert_eq!(f.app.requested_server_name.len(), 79);
    }
}
