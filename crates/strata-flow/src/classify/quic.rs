//! QUIC: the client's Initial packets are decrypted (RFC 9001 §5: HKDF-derived initial keys,
//! header protection, AES-128-GCM), their CRYPTO frames reassembled and the TLS ClientHello
//! parsed for the SNI and JA4 (`q…`). Google QUIC (Q0xx) carries a plaintext CHLO whose `SNI`
//! tag is read directly.

use super::{set, set_server_name, set_with_host, tls, Flow};
use crate::packet::FlowPacket;
use strata_wire::app::quic::{crypto_frames, decrypt_initial, version_salt, CryptoStream};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuicState {
    started: bool,
    client_dir: u8,
    hello_done: bool,
    packets: u8,
    /// The CRYPTO stream being reassembled; out of line so non-QUIC flows carry one pointer.
    bufs: Option<Box<CryptoStream>>,
}

impl QuicState {
    pub fn active(&self) -> bool {
        self.started && !self.hello_done && self.packets < 8
    }
}

/// Returns true when the packet was recognised as QUIC.
pub fn on_udp(f: &mut Flow, p: &FlowPacket, d: usize, m: &[u8]) -> bool {
    let st = &mut f.app.state.quic;
    if st.started {
        if d as u8 != st.client_dir {
            return true;
        }
        st.packets = st.packets.saturating_add(1);
        if !st.active() {
            f.app.state.done = true;
            return true;
        }
        ietf_initial(f, m);
        if !f.app.state.quic.active() {
            f.app.state.done = true;
        }
        return true;
    }
    let _ = p;
    // As nDPI: a flow whose first payload packet is not QUIC is not QUIC.
    if f.app.state.pkts[0] + f.app.state.pkts[1] != 1 {
        return false;
    }
    let Some(&b0) = m.first() else { return false };
    // Google QUIC with a plaintext CHLO (Q043 and older public header, Q046 long header).
    if let Some(v) = m.get(1..5).or(m.get(9..13)) {
        let gquic_version = |v: &[u8]| v[0] == b'Q' && v[1..].iter().all(u8::is_ascii_digit);
        let long = b0 & 0x80 != 0 && m.get(1..5).is_some_and(gquic_version);
        let public = b0 & 0x80 == 0 && b0 & 0x01 != 0 && m.get(9..13).is_some_and(gquic_version);
        if long || public {
            let _ = v;
            set(f, "QUIC", "Web");
            if let Some(sni) = chlo_tag(m, b"SNI\0") {
                set_server_name(f, sni);
                let host = f.app.requested_server_name.clone();
                set_with_host(f, "QUIC", "Web", &host);
            }
            f.app.state.done = true;
            return true;
        }
    }
    if b0 & 0x80 == 0 || m.len() < 1200 {
        return false;
    }
    let Some(version) = m
        .get(1..5)
        .map(|v| u32::from_be_bytes([v[0], v[1], v[2], v[3]]))
    else {
        return false;
    };
    if version_salt(version).is_none() {
        return false;
    }
    let st = &mut f.app.state.quic;
    st.started = true;
    st.client_dir = d as u8;
    st.packets = 1;
    set(f, "QUIC", "Web");
    ietf_initial(f, m);
    if !f.app.state.quic.active() {
        f.app.state.done = true;
    }
    true
}

fn ietf_initial(f: &mut Flow, m: &[u8]) {
    let Some(frames) = decrypt_initial(m) else {
        return;
    };
    let st = &mut f.app.state.quic;
    let bufs = st.bufs.get_or_insert_with(Box::default);
    crypto_frames(&frames, |o, d| {
        bufs.add(o, d);
    });
    let c = bufs.contiguous();
    if c.len() < 4 || c[0] != 1 {
        return;
    }
    let len = (c[1] as usize) << 16 | (c[2] as usize) << 8 | c[3] as usize;
    if c.len() < 4 + len {
        return;
    }
    let ch = tls::client_hello(&c[4..4 + len], b'q');
    st.hello_done = true;
    st.bufs = None;
    if let Some(ch) = ch {
        tls::apply_client_hello(f, &ch, "QUIC");
    }
}

/// The value of `tag` in a gQUIC CHLO message found in `m`.
fn chlo_tag<'a>(m: &'a [u8], tag: &[u8; 4]) -> Option<&'a [u8]> {
    let at = m.windows(4).position(|w| w == b"CHLO")?;
    let msg = &m[at..];
    let n = u16::from_le_bytes([*msg.get(4)?, *msg.get(5)?]) as usize;
    let values = 8 + n * 8;
    let mut start = 0usize;
    for i in 0..n {
        let e = msg.get(8 + i * 8..16 + i * 8)?;
        let end = u32::from_le_bytes([e[4], e[5], e[6], e[7]]) as usize;
        if &e[..4] == tag {
            return msg.get(values + start..values + end);
        }
        start = end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gquic_chlo() {
        let mut m = b"junkCHLO".to_vec();
        m.extend_from_slice(&[2, 0, 0, 0]);
        m.extend_from_slice(b"SNI\0");
        m.extend_from_slice(&5u32.to_le_bytes());
        m.extend_from_slice(b"UAID");
        m.extend_from_slice(&7u32.to_le_bytes());
        m.extend_from_slice(b"a.comxy");
        assert_eq!(chlo_tag(&m, b"SNI\0"), Some(&b"a.com"[..]));
        assert_eq!(chlo_tag(&m, b"UAID"), Some(&b"xy"[..]));
        for n in 0..m.len() {
            let _ = chlo_tag(&m[..n], b"SNI\0");
        }
    }
}
