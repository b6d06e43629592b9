//! Smaller protocols recognised by their grammar (magic bytes, fixed headers with a length that
//! must agree with the payload), never by port alone: ports only narrow where a grammar is
//! tried, as nDPI's dissectors do.

use super::{set, set_server_name, set_text, Flow};
use crate::packet::FlowPacket;
use md5::{Digest as _, Md5};

fn done(f: &mut Flow, name: &str, cat: &str) {
    set(f, name, cat);
    f.app.state.done = true;
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
        *b.get(at + 2)?,
        *b.get(at + 3)?,
    ]))
}

pub fn udp(f: &mut Flow, p: &FlowPacket, d: usize, m: &[u8]) {
    let port = |x: u16| p.src_port == x || p.dst_port == x;
    // DNSCrypt v1 client magic, or a resolver certificate query for "2.dnscrypt…".
    if (m.len() >= 64 && m.starts_with(b"r6fnvWj8"))
        || m.get(13..23)
            .is_some_and(|s| s.eq_ignore_ascii_case(b"2\rdnscrypt"))
    {
        return done(f, "DNScrypt", "Network");
    }
    if m.get(12..34)
        .is_some_and(|s| s.eq_ignore_ascii_case(b"\x012\x09securedns\x05avast\x03com"))
    {
        return done(f, "AVASTSecureDNS", "Network");
    }
    if (port(67) || port(68)) && m.get(236..240) == Some(&[0x63, 0x82, 0x53, 0x63]) {
        dhcp(f, m);
        return done(f, "DHCP", "Network");
    }
    if (port(546) || port(547)) && matches!(m.first(), Some(1..=13)) && m.len() >= 4 {
        return done(f, "DHCPV6", "Network");
    }
    if port(123) && m.len() >= 48 && matches!((m[0] >> 3) & 7, 1..=4) {
        return done(f, "NTP", "System");
    }
    if stun(m) {
        return done(f, "STUN", "Network");
    }
    if port(17500) && contains(m, b"\"host_int\"") {
        return done(f, "Dropbox", "Cloud");
    }
    if port(57621) && m.starts_with(b"SpotUdp0") {
        return done(f, "Spotify", "Music");
    }
    if m.starts_with(b"d1:ad2:id20:") || m.starts_with(b"d1:rd2:id20:") {
        return done(f, "BitTorrent", "Download");
    }
    if port(30303) && m.len() > 98 && m.len() < 1280 && matches!(m[97], 1..=4) && m[98] >= 0xc0 {
        return done(f, "ETHEREUM", "Crypto_Currency");
    }
    if port(6000) && m.len() == 16 && p.dst_port == 6000 {
        return done(f, "EAQ", "Network");
    }
    if port(88) && matches!(m.first(), Some(0x6a | 0x6b | 0x6c | 0x6d | 0x7e)) {
        return done(f, "Kerberos", "Network");
    }
    if port(5683) && coap(m) {
        return done(f, "COAP", "RPC");
    }
    if sip(m) {
        return done(f, "SIP", "VoIP");
    }
    let _ = d;
}

pub fn tcp(f: &mut Flow, p: &FlowPacket, d: usize, m: &[u8]) {
    let port = |x: u16| p.src_port == x || p.dst_port == x;
    if m.starts_with(b"SSH-") {
        return ssh_banner(f, d);
    }
    if f.app.name == "SSH" {
        return ssh_kexinit(f, d, m);
    }
    if m.starts_with(b"\x13BitTorrent protocol") {
        return done(f, "BitTorrent", "Download");
    }
    if m.starts_with(b"8=FIX") {
        return done(f, "FIX", "RPC");
    }
    if m.starts_with(b"RFB 00") {
        return done(f, "VNC", "RemoteAccess");
    }
    if m.starts_with(&[0xf9, 0xbe, 0xb4, 0xd9]) {
        return done(f, "BITCOIN", "Crypto_Currency");
    }
    if m.len() >= 10 && m[0] == 0x05 && m[1] == 0x64 && m[2] as usize >= 5 {
        return done(f, "DNP3", "IoT-Scada");
    }
    if port(2404) && m.len() >= 6 && m[0] == 0x68 && m[1] as usize == m.len() - 2 {
        return done(f, "IEC60870", "IoT-Scada");
    }
    if port(88)
        && m.len() > 4
        && be32(m, 0) == Some(m.len() as u32 - 4)
        && matches!(m[4], 0x6a | 0x6b | 0x6c | 0x6d | 0x7e)
    {
        return done(f, "Kerberos", "Network");
    }
    if m.len() >= 8
        && matches!(
            m[0],
            0x01 | 0x02 | 0x03 | 0x04 | 0x07 | 0x0e | 0x10 | 0x11 | 0x12 | 0x17
        )
        && m[1] <= 0x1f
        && be16(m, 2) == Some(m.len() as u16)
        && (port(1433) || port(1434) || m[0] == 0x12)
    {
        return done(f, "MsSQL-TDS", "Database");
    }
    if m.first() == Some(&0x10)
        && (contains(m.get(..16).unwrap_or(m), b"MQTT") || contains(m, b"MQIsdp"))
    {
        return done(f, "MQTT", "RPC");
    }
    if stun_tcp(m) {
        done(f, "STUN", "Network");
    }
}

fn contains(h: &[u8], n: &[u8]) -> bool {
    h.windows(n.len()).any(|w| w == n)
}

/// STUN (RFC 5389): message type, length = payload − 20, magic cookie.
fn stun(m: &[u8]) -> bool {
    m.len() >= 20
        && m[0] & 0xc0 == 0
        && be16(m, 2).map(|l| l as usize + 20) == Some(m.len())
        && be32(m, 4) == Some(0x2112_a442)
}

fn stun_tcp(m: &[u8]) -> bool {
    m.len() >= 22 && be16(m, 0).map(|l| l as usize + 2) == Some(m.len()) && stun(&m[2..])
}

fn coap(m: &[u8]) -> bool {
    m.len() >= 4
        && m[0] >> 6 == 1
        && m[0] & 0x0f <= 8
        && matches!(m[1], 0..=4 | 65..=69 | 128..=134 | 140..=143 | 160..=165)
}

fn sip(m: &[u8]) -> bool {
    const START: [&[u8]; 8] = [
        b"INVITE sip:",
        b"REGISTER sip:",
        b"OPTIONS sip:",
        b"SIP/2.0 ",
        b"NOTIFY sip:",
        b"BYE sip:",
        b"ACK sip:",
        b"SUBSCRIBE sip:",
    ];
    START.iter().any(|s| m.starts_with(s))
}

/// DHCP: host name (option 12) and nDPI's fingerprint, the option-55 parameter list.
fn dhcp(f: &mut Flow, m: &[u8]) {
    let mut off = 240;
    while let Some(&code) = m.get(off) {
        if code == 255 {
            break;
        }
        if code == 0 {
            off += 1;
            continue;
        }
        let Some(&len) = m.get(off + 1) else { break };
        let Some(v) = m.get(off + 2..off + 2 + len as usize) else {
            break;
        };
        match code {
            12 => set_server_name(f, v),
            55 => {
                use std::fmt::Write as _;
                f.app.client_fingerprint.clear();
                for (i, x) in v.iter().enumerate() {
                    if i > 0 {
                        f.app.client_fingerprint.push(',');
                    }
                    let _ = write!(f.app.client_fingerprint, "{x}");
                }
            }
            _ => {}
        }
        off += 2 + len as usize;
    }
}

fn ssh_banner(f: &mut Flow, _d: usize) {
    if f.app.name != "SSH" {
        set(f, "SSH", "RemoteAccess");
    }
}

/// HASSH: MD5 of `kex;ciphers;macs;compression` of a KEXINIT (client → server lists for the
/// client, server → client for the server).
fn ssh_kexinit(f: &mut Flow, d: usize, m: &[u8]) {
    // binary packet: len(4) padding(1) type(1)=20 cookie(16) name-lists…
    if m.get(5) != Some(&20) {
        return;
    }
    let mut off = 22;
    let mut lists: [&[u8]; 10] = [&[]; 10];
    for l in lists.iter_mut() {
        let Some(n) = be32(m, off) else { return };
        let Some(v) = m.get(off + 4..off + 4 + n as usize) else {
            return;
        };
        *l = v;
        off += 4 + n as usize;
    }
    // kex, hostkey, enc c2s, enc s2c, mac c2s, mac s2c, comp c2s, comp s2c
    let (enc, mac, comp) = if d == 0 {
        (lists[2], lists[4], lists[6])
    } else {
        (lists[3], lists[5], lists[7])
    };
    let mut s = Vec::with_capacity(lists[0].len() + enc.len() + mac.len() + comp.len() + 3);
    for (i, part) in [lists[0], enc, mac, comp].iter().enumerate() {
        if i > 0 {
            s.push(b';');
        }
        s.extend_from_slice(part);
    }
    let h = Md5::digest(&s);
    let hex: String = h.iter().map(|x| format!("{x:02x}")).collect();
    let out = if d == 0 {
        &mut f.app.client_fingerprint
    } else {
        &mut f.app.server_fingerprint
    };
    set_text(out, hex.as_bytes(), 32);
    if !f.app.client_fingerprint.is_empty() && !f.app.server_fingerprint.is_empty() {
        f.app.state.done = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grammars() {
        let mut s = vec![0, 1, 0, 4, 0x21, 0x12, 0xa4, 0x42];
        s.extend_from_slice(&[0; 12]);
        s.extend_from_slice(&[0; 4]);
        assert!(stun(&s));
        assert!(!stun(&s[..20]));
        assert!(coap(&[0x40, 0x01, 0x12, 0x34]));
        assert!(!coap(&[0x80, 0x01, 0x12, 0x34]));
        assert!(sip(b"INVITE sip:bob@example.com SIP/2.0\r\n"));
        for n in 0..s.len() {
            let _ = stun(&s[..n]);
            let _ = stun_tcp(&s[..n]);
            let _ = coap(&s[..n]);
        }
    }

    #[test]
    fn dhcp_fingerprint() {
        let p = FlowPacket::default();
        let mut f = Flow::new(&p, 0);
        let mut m = vec![0u8; 236];
        m.extend_from_slice(&[0x63, 0x82, 0x53, 0x63, 53, 1, 1, 12, 3, b'P', b'C', b'1']);
        m.extend_from_slice(&[55, 4, 1, 3, 6, 15, 255]);
        dhcp(&mut f, &m);
        assert_eq!(f.app.client_fingerprint, "1,3,6,15");
        assert_eq!(f.app.requested_server_name, "pc1");
        for n in 0..m.len() {
            dhcp(&mut f, &m[..n]);
        }
    }
}
