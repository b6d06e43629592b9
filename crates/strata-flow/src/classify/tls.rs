//! TLS over TCP: record and handshake reassembly of the first packets, ClientHello (SNI,
//! JA4 as nDPI 5.0 computes it) and ServerHello (JA3S). The ClientHello parser is shared with
//! QUIC (`client_hello`).

use super::{set_server_name, set_with_host, Flow};
use crate::packet::FlowPacket;
use md5::{Digest as _, Md5};
use sha2::Sha256;

/// Stream bytes kept per direction while waiting for a handshake message to complete.
const MAX_BUF: usize = 32 * 1024;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsState {
    started: bool,
    client_done: bool,
    server_done: bool,
    stop: [bool; 2],
    next_seq: [Option<u32>; 2],
    /// Reassembly buffers, allocated only for flows whose handshake spans packets (most flows
    /// never need them; keeping them out of line saves ~90 bytes per flow).
    bufs: Option<Box<TlsBufs>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct TlsBufs {
    /// Record-layer bytes not yet parsed, per direction.
    buf: [Vec<u8>; 2],
    /// Handshake-layer bytes (record bodies) not yet parsed, per direction.
    hs: [Vec<u8>; 2],
}

impl TlsState {
    fn bufs(&mut self) -> &mut TlsBufs {
        self.bufs.get_or_insert_with(Box::default)
    }

    /// Still collecting hellos.
    pub fn active(&self) -> bool {
        self.started && !(self.client_done && self.server_done) && !(self.stop[0] && self.stop[1])
    }
}

/// A TLS handshake record header (`16 03 0x`).
pub fn looks_like(p: &[u8]) -> bool {
    p.len() >= 6 && p[0] == 0x16 && p[1] == 0x03 && p[2] <= 0x04 && matches!(p[5], 1 | 2)
}

/// One TCP packet of a (possible) TLS flow.
pub fn on_tcp(f: &mut Flow, p: &FlowPacket, d: usize, payload: &[u8]) {
    let st = &mut f.app.state.tls;
    if !st.started {
        st.started = true;
    }
    if st.stop[d] {
        finish_if_done(f);
        return;
    }
    // In-order bytes only: retransmissions are skipped, a gap ends this direction.
    if let Some(next) = st.next_seq[d] {
        let diff = p.tcp_seq.wrapping_sub(next) as i32;
        if diff < 0 {
            return;
        }
        if diff > 0 {
            st.stop[d] = true;
            finish_if_done(f);
            return;
        }
    } else if !looks_like(payload) {
        st.stop[d] = true;
        finish_if_done(f);
        return;
    }
    st.next_seq[d] = Some(p.tcp_seq.wrapping_add(p.payload_size as u32));
    st.bufs().buf[d].extend_from_slice(payload);
    if payload.len() < p.payload_size as usize {
        // Bytes missing from the capture (or beyond the classifier's per-packet window):
        // what follows cannot be reassembled.
        st.stop[d] = true;
    }
    loop {
        let st = &mut f.app.state.tls;
        let b = &st.bufs().buf[d];
        if b.len() < 5 {
            break;
        }
        let (ty, len) = (b[0], u16::from_be_bytes([b[3], b[4]]) as usize);
        if !(20..=23).contains(&ty) || b[1] != 3 {
            st.stop[d] = true;
            break;
        }
        if b.len() < 5 + len {
            if b.len() > MAX_BUF {
                st.stop[d] = true;
            }
            break;
        }
        if ty != 22 {
            st.stop[d] = true;
            break;
        }
        let body: Vec<u8> = st.bufs().buf[d].drain(..5 + len).skip(5).collect();
        st.bufs().hs[d].extend_from_slice(&body);
        handshake(f, d);
        if f.app.state.tls.stop[d] {
            break;
        }
    }
    let st = &mut f.app.state.tls;
    if st.stop[d] && st.bufs().buf[d].len() > 5 && st.bufs().buf[d][0] == 22 {
        // The last record is cut short: its complete handshake messages still count
        // (a ServerHello at the start of a long ServerHello…Certificate record).
        let body: Vec<u8> = st.bufs().buf[d].drain(..).skip(5).collect();
        st.bufs().hs[d].extend_from_slice(&body);
        handshake(f, d);
    }
    let st = &mut f.app.state.tls;
    if st.stop[d] {
        if let Some(b) = st.bufs.as_mut() {
            b.buf[d] = Vec::new();
            b.hs[d] = Vec::new();
        }
    }
    finish_if_done(f);
}

fn finish_if_done(f: &mut Flow) {
    let st = &f.app.state.tls;
    if !st.active() {
        f.app.state.done = f.app.state.detected;
        if !f.app.state.detected {
            // Not TLS after all: let the other parsers look at later packets.
            f.app.state.tls.started = false;
            f.app.state.tls.stop = [true, true];
        }
    }
}

/// Parses the complete handshake messages collected in direction `d`.
fn handshake(f: &mut Flow, d: usize) {
    loop {
        let hs = &f.app.state.tls.bufs().hs[d];
        if hs.len() < 4 {
            return;
        }
        let len = (hs[1] as usize) << 16 | (hs[2] as usize) << 8 | hs[3] as usize;
        if hs.len() < 4 + len {
            if len > MAX_BUF {
                f.app.state.tls.stop[d] = true;
            }
            return;
        }
        let msg: Vec<u8> = f.app.state.tls.bufs().hs[d].drain(..4 + len).collect();
        match msg[0] {
            1 => {
                if !f.app.state.tls.client_done {
                    if let Some(ch) = client_hello(&msg[4..], b't') {
                        apply_client_hello(f, &ch, "TLS");
                    }
                    f.app.state.tls.client_done = true;
                }
                f.app.state.tls.stop[d] = true;
                return;
            }
            2 => {
                // nDPI fingerprints the server only in flows whose ClientHello it saw.
                if !f.app.state.tls.server_done && f.app.state.tls.client_done {
                    if let Some(fp) = ja3s(&msg[4..]) {
                        f.app.server_fingerprint = fp;
                        if !f.app.state.detected {
                            super::set(f, "TLS", "Web");
                        }
                    }
                    f.app.state.tls.server_done = true;
                    if !f.app.state.tls.client_done && f.app.state.detected {
                        // No ClientHello will come from the client side any more.
                        f.app.state.tls.client_done = f.app.state.tls.stop[d ^ 1];
                    }
                }
                f.app.state.tls.stop[d] = true;
                return;
            }
            _ => {}
        }
    }
}

/// Fills the flow from a parsed ClientHello: `master` (TLS or QUIC) with the SNI's service.
pub fn apply_client_hello(f: &mut Flow, ch: &ClientHello, master: &str) {
    if !ch.sni.is_empty() {
        set_server_name(f, &ch.sni);
    }
    let host = f.app.requested_server_name.clone();
    set_with_host(f, master, "Web", &host);
    f.app.client_fingerprint = ch.ja4.clone();
}

/// What the flow keeps of a ClientHello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientHello {
    pub sni: Vec<u8>,
    pub ja4: String,
    pub alpn: Vec<u8>,
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn is_grease(v: u16) -> bool {
    (v >> 8) == (v & 0xff) && (v & 0x0f) == 0x0a
}

/// Parses a ClientHello body (after the 4-byte handshake header). `proto` is JA4's first
/// character: `t` (TCP), `q` (QUIC) or `d` (DTLS, whose hello has a cookie).
pub fn client_hello(b: &[u8], proto: u8) -> Option<ClientHello> {
    let version = be16(b, 0)?;
    let mut off = 34;
    let sid = *b.get(off)? as usize;
    off += 1 + sid;
    if proto == b'd' {
        let cookie = *b.get(off)? as usize;
        off += 1 + cookie;
    }
    let cs_len = be16(b, off)? as usize;
    off += 2;
    let cs = b.get(off..off + cs_len)?;
    off += cs_len;
    let mut ciphers: Vec<u16> = cs
        .chunks_exact(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .filter(|&c| !is_grease(c))
        .collect();
    let comp = *b.get(off)? as usize;
    off += 1 + comp;
    let mut exts: Vec<u16> = Vec::new();
    let mut sigalgs: Vec<u16> = Vec::new();
    let mut sni: Vec<u8> = Vec::new();
    let mut alpn: Vec<u8> = Vec::new();
    let mut best_version = version;
    if let Some(ext_len) = be16(b, off) {
        off += 2;
        let end = (off + ext_len as usize).min(b.len());
        while off + 4 <= end {
            let id = be16(b, off)?;
            let len = be16(b, off + 2)? as usize;
            let Some(data) = b.get(off + 4..off + 4 + len) else {
                break;
            };
            off += 4 + len;
            if !is_grease(id) {
                exts.push(id);
            }
            match id {
                0 if data.len() >= 5 && data[2] == 0 => {
                    let n = u16::from_be_bytes([data[3], data[4]]) as usize;
                    if let Some(name) = data.get(5..5 + n) {
                        sni = name.to_vec();
                    }
                }
                16 => {
                    if let Some(&l) = data.get(2) {
                        if let Some(first) = data.get(3..3 + l as usize) {
                            alpn = first.to_vec();
                        }
                    }
                }
                13 => {
                    if let Some(n) = be16(data, 0) {
                        let list = data.get(2..).unwrap_or(&[]);
                        let list = &list[..list.len().min(n as usize)];
                        sigalgs.extend(
                            list.chunks_exact(2)
                                .map(|c| u16::from_be_bytes([c[0], c[1]])),
                        );
                    }
                }
                43 => {
                    if let Some(&n) = data.first() {
                        if n as usize == data.len() - 1 {
                            for c in data[1..].chunks_exact(2) {
                                let v = u16::from_be_bytes([c[0], c[1]]);
                                if !is_grease(v) && v > best_version {
                                    best_version = v;
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let numeric = !sni.is_empty() && sni.iter().all(|c| c.is_ascii_digit() || *c == b'.');
    let mut ja4 = String::with_capacity(36);
    ja4.push(proto as char);
    ja4.push_str(match best_version {
        0x0304 => "13",
        0x0303 => "12",
        0x0302 => "11",
        0x0301 => "10",
        0x0300 => "s3",
        0x0002 => "s2",
        0xfeff => "d1",
        0xfefd => "d2",
        0xfefc => "d3",
        _ => "00",
    });
    ja4.push(if sni.is_empty() || numeric { 'i' } else { 'd' });
    push_2d(&mut ja4, ciphers.len().min(99));
    push_2d(&mut ja4, exts.len().min(99));
    match (alpn.first(), alpn.last()) {
        (Some(&a), Some(&z)) => {
            ja4.push(a as char);
            ja4.push(z as char);
        }
        _ => ja4.push_str("00"),
    }
    ja4.push('_');
    ciphers.sort_unstable();
    let mut s = String::with_capacity(ciphers.len() * 5 + exts.len() * 5 + sigalgs.len() * 5);
    join_hex(&mut s, &ciphers);
    push_hash12(&mut ja4, &s, ciphers.is_empty());
    ja4.push('_');
    s.clear();
    exts.retain(|&e| e != 0 && e != 0x10);
    exts.sort_unstable();
    join_hex(&mut s, &exts);
    if !sigalgs.is_empty() {
        s.push('_');
        join_hex(&mut s, &sigalgs);
    }
    push_hash12(&mut ja4, &s, false);
    Some(ClientHello { sni, ja4, alpn })
}

fn push_2d(s: &mut String, n: usize) {
    s.push((b'0' + (n / 10) as u8) as char);
    s.push((b'0' + (n % 10) as u8) as char);
}

fn join_hex(s: &mut String, v: &[u16]) {
    use std::fmt::Write as _;
    for (i, x) in v.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        let _ = write!(s, "{x:04x}");
    }
}

fn push_hash12(out: &mut String, s: &str, zero: bool) {
    use std::fmt::Write as _;
    if zero {
        out.push_str("000000000000");
        return;
    }
    let h = Sha256::digest(s.as_bytes());
    for b in &h[..6] {
        let _ = write!(out, "{b:02x}");
    }
}

/// JA3S of a ServerHello body: MD5 of `version,cipher,ext-ext-…`.
pub fn ja3s(b: &[u8]) -> Option<String> {
    use std::fmt::Write as _;
    let version = be16(b, 0)?;
    let sid = *b.get(34)? as usize;
    let mut off = 35 + sid;
    let cipher = be16(b, off)?;
    off += 3;
    let mut s = String::with_capacity(64);
    let _ = write!(s, "{version},{cipher},");
    if let Some(ext_len) = be16(b, off) {
        off += 2;
        let end = (off + ext_len as usize).min(b.len());
        let mut first = true;
        while off + 4 <= end {
            let id = be16(b, off)?;
            let len = be16(b, off + 2)? as usize;
            if off + 4 + len > b.len() {
                break;
            }
            if !first {
                s.push('-');
            }
            first = false;
            let _ = write!(s, "{id}");
            off += 4 + len;
        }
    }
    let h = Md5::digest(s.as_bytes());
    let mut out = String::with_capacity(32);
    for x in h.iter() {
        let _ = write!(out, "{x:02x}");
    }
    Some(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A minimal ClientHello body: TLS 1.2, ciphers {GREASE, 0x1301, 0xc02f}, SNI
    /// "example.com", ALPN h2, supported_versions {1.3, 1.2}, signature_algorithms {0x0403}.
    pub fn sample_client_hello() -> Vec<u8> {
        let mut b = vec![0x03, 0x03];
        b.extend_from_slice(&[0u8; 32]);
        b.push(0); // session id
        b.extend_from_slice(&[0, 6, 0x0a, 0x0a, 0x13, 0x01, 0xc0, 0x2f]);
        b.extend_from_slice(&[1, 0]); // compression
        let mut ext = Vec::new();
        let name = b"example.com";
        ext.extend_from_slice(&[
            0,
            0,
            0,
            (name.len() + 5) as u8,
            0,
            (name.len() + 3) as u8,
            0,
            0,
        ]);
        ext.push(name.len() as u8);
        ext.extend_from_slice(name);
        ext.extend_from_slice(&[0, 16, 0, 5, 0, 3, 2, b'h', b'2']);
        ext.extend_from_slice(&[0, 43, 0, 5, 4, 3, 4, 3, 3]);
        ext.extend_from_slice(&[0, 13, 0, 4, 0, 2, 4, 3]);
        b.extend_from_slice(&(ext.len() as u16).to_be_bytes());
        b.extend_from_slice(&ext);
        b
    }

    #[test]
    fn ja4_of_sample() {
        let ch = client_hello(&sample_client_hello(), b't').unwrap();
        assert_eq!(ch.sni, b"example.com");
        assert_eq!(&ch.ja4[..11], "t13d0204h2_");
        // sha256("1301,c02f")[..6] and sha256("002b,000d_0403") sorted: "000d,002b_0403"
        let h = |s: &str| {
            let d = Sha256::digest(s.as_bytes());
            d[..6]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        };
        assert_eq!(&ch.ja4[11..23], h("1301,c02f"));
        assert_eq!(&ch.ja4[24..], h("000d,002b_0403"));
    }

    #[test]
    fn truncated_hellos_do_not_panic() {
        let b = sample_client_hello();
        for n in 0..b.len() {
            let _ = client_hello(&b[..n], b't');
            let _ = client_hello(&b[..n], b'd');
            let _ = ja3s(&b[..n]);
        }
    }

    #[test]
    fn ja3s_golden() {
        let mut b = vec![0x03, 0x03];
        b.extend_from_slice(&[0u8; 32]);
        b.push(0);
        b.extend_from_slice(&[0xc0, 0x2f, 0]);
        b.extend_from_slice(&[0, 9, 0xff, 0x01, 0, 1, 0, 0, 0x0b, 0, 0]);
        // "771,49199,65281-11"
        let want = Md5::digest(b"771,49199,65281-11");
        let want: String = want.iter().map(|x| format!("{x:02x}")).collect();
        assert_eq!(ja3s(&b).unwrap(), want);
    }
}
