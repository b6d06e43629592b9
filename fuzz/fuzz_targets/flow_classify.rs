//! `strata_flow::classify` (TLS with JA4 / JA3S, QUIC Initial decryption, DNS, HTTP, SSDP and
//! the small protocols of `misc`): one TCP or UDP conversation (format in `conv.rs`), each
//! segment an Ethernet frame read by `strata_flow::packet::parse` (NFStream's packet parser),
//! the first packet starting the `Flow`, each packet then given to `classify::inspect` with
//! its direction, and `classify::finish` at the end (the expiry-time port guess).
//! A UDP segment with flag bit 5 (0x20, URG in TCP) is a QUIC v1 client Initial's plaintext
//! (frames): the target pads it to a 1200-byte datagram and protects it as RFC 9001 says
//! (fixed DCID, packet number = segment index), so the fuzzer reaches the CRYPTO-frame
//! reassembly and the QUIC ClientHello / JA4 past the AEAD that random bytes never pass.
//! Checks: no panic or hang; after every packet the application columns obey their limits:
//! confidence one of nDPI's 0 / 1 / 6 (1 exactly when guessed, only at `finish`), a category
//! with every name, the server name at most 79 characters, the user agent (255) and content
//! type (63) printable ASCII.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_capture::LinkType;
use strata_flow::classify::{self, confidence};
use strata_flow::packet::{self, Compat};
use strata_flow::Flow;

#[path = "conv.rs"]
mod conv;

mod quic {
    use aes::cipher::{BlockEncrypt, KeyInit};
    use aes::Aes128;
    use aes_gcm::aead::AeadInPlace;
    use aes_gcm::{Aes128Gcm, Nonce};
    use hkdf::Hkdf;
    use sha2::Sha256;

    const SALT_V1: [u8; 20] = [
        0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17, 0x9a, 0xe6, 0xa4, 0xc8, 0x0c,
        0xad, 0xcc, 0xbb, 0x7f, 0x0a,
    ];
    /// RFC 9001 Appendix A's DCID.
    const DCID: [u8; 8] = [0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08];

    fn expand(prk: &Hkdf<Sha256>, label: &[u8], out: &mut [u8]) {
        let mut info = Vec::with_capacity(32);
        info.extend_from_slice(&(out.len() as u16).to_be_bytes());
        info.push(6 + label.len() as u8);
        info.extend_from_slice(b"tls13 ");
        info.extend_from_slice(label);
        info.push(0);
        prk.expand(&info, out).unwrap();
    }

    pub struct Keys {
        key: [u8; 16],
        iv: [u8; 12],
        hp: [u8; 16],
    }

    pub fn keys() -> Keys {
        let (initial, _) = Hkdf::<Sha256>::extract(Some(&SALT_V1), &DCID);
        let initial = Hkdf::<Sha256>::from_prk(&initial).unwrap();
        let mut secret = [0u8; 32];
        expand(&initial, b"client in", &mut secret);
        let cs = Hkdf::<Sha256>::from_prk(&secret).unwrap();
        let mut k = Keys {
            key: [0; 16],
            iv: [0; 12],
            hp: [0; 16],
        };
        expand(&cs, b"quic key", &mut k.key);
        expand(&cs, b"quic iv", &mut k.iv);
        expand(&cs, b"quic hp", &mut k.hp);
        k
    }

    /// A protected client Initial (QUIC v1) carrying `frames`, padded to 1200 bytes.
    pub fn initial(k: &Keys, frames: &[u8], pn: u32) -> Vec<u8> {
        let mut plain = frames[..frames.len().min(8000)].to_vec();
        if plain.len() < 1162 {
            plain.resize(1162, 0);
        }
        let length = (4 + plain.len() + 16) as u16 | 0x4000;
        let mut pkt = vec![0xc3, 0, 0, 0, 1, 8];
        pkt.extend_from_slice(&DCID);
        pkt.extend_from_slice(&[0, 0]);
        pkt.extend_from_slice(&length.to_be_bytes());
        pkt.extend_from_slice(&pn.to_be_bytes());
        let mut nonce = k.iv;
        for (n, p) in nonce[8..].iter_mut().zip(pn.to_be_bytes()) {
            *n ^= p;
        }
        let tag = Aes128Gcm::new(&k.key.into())
            .encrypt_in_place_detached(Nonce::from_slice(&nonce), &pkt, &mut plain)
            .unwrap();
        let mut mask = aes::Block::clone_from_slice(&plain[0..16]);
        Aes128::new(&k.hp.into()).encrypt_block(&mut mask);
        pkt[0] ^= mask[0] & 0x0f;
        for i in 0..4 {
            pkt[18 + i] ^= mask[1 + i];
        }
        pkt.extend_from_slice(&plain);
        pkt.extend_from_slice(&tag);
        pkt
    }
}

thread_local! {
    static KEYS: quic::Keys = quic::keys();
}

fn printable(s: &str, max: usize, what: &str) {
    assert!(s.len() <= max, "{what} of {} bytes", s.len());
    assert!(
        s.bytes().all(|c| (0x20..0x7f).contains(&c)),
        "{what} not printable: {s:?}"
    );
}

fn check(f: &Flow, finished: bool) {
    let a = &f.app;
    assert!(
        matches!(
            a.confidence,
            confidence::UNKNOWN | confidence::MATCH_BY_PORT | confidence::DPI
        ),
        "confidence {}",
        a.confidence
    );
    assert_eq!(a.is_guessed, a.confidence == confidence::MATCH_BY_PORT);
    assert!(finished || !a.is_guessed, "guessed before finish");
    if !a.name.is_empty() {
        assert!(!a.category.is_empty(), "{} without a category", a.name);
        assert_ne!(
            a.confidence,
            confidence::UNKNOWN,
            "{} with confidence 0",
            a.name
        );
    }
    assert!(
        a.requested_server_name.chars().count() <= 79,
        "server name {:?}",
        a.requested_server_name
    );
    printable(&a.user_agent, 255, "user agent");
    printable(&a.content_type, 63, "content type");
    std::hint::black_box((
        a.name_or_unknown(),
        a.category_or_unspecified(),
        a.client_fingerprint.len(),
        a.server_fingerprint.len(),
    ));
}

fuzz_target!(|data: &[u8]| {
    let Some(c) = conv::parse(data) else { return };
    let mut b = conv::Builder::default();
    let mut flow: Option<Flow> = None;
    for (i, s) in c.segs.iter().enumerate() {
        if c.udp && s.flags & 0x20 != 0 {
            let dgram = KEYS.with(|k| quic::initial(k, s.payload, i as u32));
            let q = conv::Seg {
                payload: &dgram,
                ..*s
            };
            b.build(&c, &q);
        } else {
            b.build(&c, s);
        }
        let Ok(p) = packet::parse(
            LinkType::ETHERNET,
            &b.frame,
            b.frame.len() as u32,
            Compat::Strict,
        ) else {
            continue;
        };
        assert!(
            // The offset follows the IP / TCP lengths and may lie past a cut frame, with
            // `payload_len` 0 (what was captured): readers use `get`.
            p.payload_len == 0
                || p.payload_offset as usize + p.payload_len as usize <= b.frame.len(),
            "payload {}+{} past the frame ({})",
            p.payload_offset,
            p.payload_len,
            b.frame.len()
        );
        let f = flow.get_or_insert_with(|| Flow::new(&p, 0));
        let dir = if p.src_ip == f.src_ip && p.src_port == f.src_port && p.protocol == f.protocol {
            0
        } else {
            1
        };
        classify::inspect(f, &p, dir, &b.frame);
        check(f, false);
    }
    if let Some(mut f) = flow {
        classify::finish(&mut f);
        check(&f, true);
        if std::env::var_os("FLOW_CLASSIFY_DEBUG").is_some() {
            eprintln!("{:?}", f.app);
        }
    }
});
