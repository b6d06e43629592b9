//! `strata_wire::app::quic`: `varint`, `long_header`, `decrypt_packet` / `decrypt_initial`,
//! `crypto_frames`, `CryptoStream` and `first_handshake`.
//! Input byte 0, bit 0 clear: the rest is parsed as a datagram (long header, decryption
//! attempts with the client's keys and with the server's, varints) and as decrypted frames
//! (CRYPTO frames into a stream, the first handshake message and its TLS hello).
//! Bit 0 set: a round trip. Bytes 1-2 give the DCID length (<= 20) and token length, then the
//! DCID, the token, 4 packet-number bytes and the plaintext frames follow; the target protects
//! them as an Initial (bits 1-2: packet-number length - 1; bit 3: QUIC v2, else v1; bit 4:
//! the server's keys) with `initial_keys`, appends a coalesced tail, and `decrypt_packet`
//! must return exactly the plaintext and the packet's end; then the frames are parsed as above.
//! Checks: no panic or hang; slices inside the input; the stream within `MAX_CRYPTO`,
//! its contiguous prefix as added; a first handshake message of the length it announces.
#![no_main]

use aes::cipher::{BlockEncrypt, KeyInit};
use aes::Aes128;
use aes_gcm::aead::AeadInPlace;
use aes_gcm::{Aes128Gcm, Nonce};
use libfuzzer_sys::fuzz_target;
use strata_wire::app::quic::{self, CryptoStream};
use strata_wire::app::tls;

#[path = "slices.rs"]
mod slices;

fn frames(f: &[u8]) {
    // Frame names for the Info column: at most one per byte, never past the end.
    let mut names = 0;
    quic::frame_names(f, |_| names += 1);
    assert!(names <= f.len(), "more frame names than bytes");
    let mut s = CryptoStream::default();
    let mut shadow = vec![None::<u8>; quic::MAX_CRYPTO];
    let mut n = 0;
    quic::crypto_frames(f, |off, data| {
        slices::offset_in(f, data);
        n += 1;
        assert!(n <= f.len(), "more CRYPTO frames than bytes");
        let fits = off
            .checked_add(data.len() as u64)
            .is_some_and(|e| e <= quic::MAX_CRYPTO as u64);
        assert_eq!(s.add(off, data), fits, "add({off}, {})", data.len());
        if fits {
            for (i, &b) in data.iter().enumerate() {
                shadow[off as usize + i] = Some(b);
            }
        }
    });
    let c = s.contiguous().to_vec();
    assert!(c.len() <= quic::MAX_CRYPTO);
    let want: Vec<u8> = shadow.iter().map_while(|b| *b).collect();
    assert_eq!(c, want, "contiguous prefix differs from what was added");
    if let Some(h) = quic::first_handshake(&c) {
        assert_eq!(h.as_ptr(), c.as_ptr());
        let len = (h[1] as usize) << 16 | (h[2] as usize) << 8 | h[3] as usize;
        assert_eq!(h.len(), 4 + len);
        if let Some(hs) = tls::Handshakes::new(h).next() {
            let _ = hs
                .client_hello()
                .map(|x| (x.server_name(), x.alpn().count()));
            let _ = hs.server_hello().map(|x| x.negotiated_version());
        }
    }
}

fn datagram(d: &[u8]) {
    let mut off = 0;
    for _ in 0..64 {
        let before = off;
        match quic::varint(d, &mut off) {
            Some(v) => {
                assert!(off > before && off <= d.len() && v < 1 << 62);
            }
            None => {
                assert_eq!(off, before);
                break;
            }
        }
    }
    if let Some((_, ptype, dcid, end)) = quic::long_header(d) {
        assert!(ptype <= 3);
        slices::offset_in(d, dcid);
        assert!(end <= d.len());
        if let Some(o) = quic::decrypt_packet(d, Some(dcid)) {
            assert!(o.end <= d.len());
            frames(&o.frames);
        }
    }
    if let Some(p) = quic::decrypt_initial(d) {
        frames(&p);
    }
}

fn roundtrip(mode: u8, d: &[u8]) {
    let Some((&dl, rest)) = d.split_first() else {
        return;
    };
    let Some((&tl, rest)) = rest.split_first() else {
        return;
    };
    let (dl, tl) = (dl as usize % 21, tl as usize % 64);
    if rest.len() < dl + tl + 4 {
        return;
    }
    let (dcid, rest) = rest.split_at(dl);
    let (token, rest) = rest.split_at(tl);
    let (pn, rest) = rest.split_at(4);
    let pn_len = ((mode >> 1) & 3) as usize + 1;
    let v2 = mode & 8 != 0;
    let server = mode & 16 != 0;
    // The plaintext and a coalesced tail after the packet.
    let cut = rest.len().saturating_sub(rest.len() / 8);
    let (plain, tail) = rest.split_at(cut);
    let mut plain = plain[..plain.len().min(16000)].to_vec();
    if plain.len() < 4 {
        plain.resize(4, 0);
    }
    let version: u32 = if v2 { 0x6b33_43cf } else { 1 };
    let (salt, is_v2) = quic::version_salt(version).unwrap();
    assert_eq!(is_v2, v2);
    let (key, iv, hp) = quic::initial_keys(dcid, salt, v2, server).unwrap();
    let mut h = vec![0xc0 | if v2 { 0x10 } else { 0 } | (pn_len as u8 - 1)];
    h.extend_from_slice(&version.to_be_bytes());
    h.push(dl as u8);
    h.extend_from_slice(dcid);
    h.push(0);
    h.push(tl as u8); // 1-byte varint (< 64)
    h.extend_from_slice(token);
    let length = (pn_len + plain.len() + 16) as u16;
    h.extend_from_slice(&(length | 0x4000).to_be_bytes());
    let pn_off = h.len();
    h.extend_from_slice(&pn[..pn_len]);
    let mut nonce = iv;
    for i in 0..pn_len {
        nonce[12 - pn_len + i] ^= h[pn_off + i];
    }
    let mut ct = plain.clone();
    let tag = Aes128Gcm::new(&key.into())
        .encrypt_in_place_detached(Nonce::from_slice(&nonce), &h, &mut ct)
        .unwrap();
    ct.extend_from_slice(&tag);
    let mut mask = aes::Block::clone_from_slice(&ct[4 - pn_len..20 - pn_len]);
    Aes128::new(&hp.into()).encrypt_block(&mut mask);
    h[0] ^= mask[0] & 0x0f;
    for i in 0..pn_len {
        h[pn_off + i] ^= mask[1 + i];
    }
    let mut pkt = h;
    pkt.extend_from_slice(&ct);
    let end = pkt.len();
    pkt.extend_from_slice(tail);
    let got = quic::decrypt_packet(&pkt, server.then_some(dcid));
    assert_eq!(
        got.map(|o| (o.frames, o.end)),
        Some((plain.clone(), end)),
        "round trip"
    );
    if !server {
        assert_eq!(quic::decrypt_initial(&pkt), Some(plain.clone()));
    }
    let (ver, ptype, d2, e2) = quic::long_header(&pkt).expect("our long header");
    assert_eq!((ver, ptype, d2, e2), (version, 0, dcid, end));
    frames(&plain);
    datagram(&pkt);
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode & 1 == 0 {
        datagram(rest);
        frames(rest);
    } else {
        roundtrip(mode, rest);
    }
});
