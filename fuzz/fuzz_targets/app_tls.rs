//! `strata_wire::app::tls`: the input as a stream of records (`record_header_ok`,
//! `record_len`, `Record::parse`, `handshakes`), every handshake message's ClientHello /
//! ServerHello with every accessor (cipher suites, extensions, `extension`, `server_name`,
//! `alpn`, `supported_versions`, `negotiated_version`); the input also as a bare handshake
//! body (`Handshakes::new`) and as a hello body of each kind (`Hello::parse`).
//! Checks: no panic or hang; every returned slice inside the input; record and handshake
//! lengths consistent with what they announce; a bounded number of items.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_wire::app::tls::{self, Handshakes, Hello, Record};

#[path = "slices.rs"]
mod slices;

fn hello(input: &[u8], h: &Hello, client: bool) {
    assert_eq!(h.client, client);
    assert_eq!(h.random.len(), 32);
    slices::offset_in(input, h.random);
    slices::offset_in(input, h.session_id);
    assert!(h.session_id.len() <= 255);
    let n = h.cipher_suites().count();
    if !client {
        assert_eq!(n, 1, "a ServerHello has one cipher suite");
    }
    let mut exts = 0;
    for (ty, data) in h.extensions() {
        slices::offset_in(input, data);
        exts += 1;
        assert!(exts <= input.len() / 4 + 1);
        assert_eq!(
            h.extension(ty).map(|d| d.as_ptr()).is_some(),
            true,
            "extension({ty}) finds the type just iterated"
        );
    }
    if let Some(sni) = h.server_name() {
        slices::offset_in(input, sni);
        assert!(h.extension(tls::ext::SERVER_NAME).is_some());
    }
    for p in h.alpn().take(4096) {
        slices::offset_in(input, p);
    }
    let vs = h.supported_versions().take(65536).count();
    assert!(vs <= input.len() / 2 + 1);
    let v = h.negotiated_version();
    let _ = tls::version_name(v);
    let _ = tls::version_name(h.version);
}

fn handshakes(input: &[u8], it: Handshakes, mut budget: usize) {
    for hs in it {
        budget -= 1;
        assert!(budget > 0, "more handshake messages than 4-byte headers");
        slices::offset_in(input, hs.body);
        assert!(hs.body.len() <= hs.len as usize);
        assert_eq!(hs.complete, hs.body.len() == hs.len as usize);
        if let Some(h) = hs.client_hello() {
            assert_eq!(hs.msg_type, tls::handshake::CLIENT_HELLO);
            hello(input, &h, true);
        }
        if let Some(h) = hs.server_hello() {
            assert_eq!(hs.msg_type, tls::handshake::SERVER_HELLO);
            hello(input, &h, false);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    // Records back to back, as on a TCP stream.
    let mut s = data;
    for _ in 0..256 {
        let ok = tls::record_header_ok(s);
        let Some(n) = tls::record_len(s) else {
            assert!(!ok || s.len() < tls::RECORD_HEADER_LEN);
            assert!(Record::parse(s).is_none());
            break;
        };
        assert!(ok && n >= tls::RECORD_HEADER_LEN && n <= tls::RECORD_HEADER_LEN + 0xffff);
        let r = Record::parse(s).expect("record_len accepted the header");
        assert_eq!(r.content_type, s[0]);
        assert_eq!(r.version, u16::from_be_bytes([s[1], s[2]]));
        let at = slices::offset_in(data, r.fragment);
        assert!(r.fragment.is_empty() || at == slices::offset_in(data, s) + 5);
        assert_eq!(r.fragment.len(), (n - 5).min(s.len() - 5));
        handshakes(data, r.handshakes(), r.fragment.len() / 4 + 2);
        if n > s.len() {
            break;
        }
        s = &s[n..];
    }
    // A handshake protocol body on its own (as reassembled across records).
    handshakes(data, Handshakes::new(data), data.len() / 4 + 2);
    // Hello bodies.
    for client in [true, false] {
        if let Some(h) = Hello::parse(data, client) {
            hello(data, &h, client);
        }
    }
});
