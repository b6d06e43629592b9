//! `strata_flow::classify` (TLS with JA4 / JA3S, QUIC Initial decryption, DNS, HTTP, SSDP and
//! the small protocols of `misc`): one TCP or UDP conversation (format in `conv.rs`), each
//! segment an Ethernet frame read by `strata_flow::packet::parse` (NFStream's packet parser),
//! the first packet starting the `Flow`, each packet then given to `classify::inspect` with
//! its direction, and `classify::finish` at the end (the expiry-time port guess).
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
    for s in &c.segs {
        b.build(&c, s);
        let Ok(p) = packet::parse(
            LinkType::ETHERNET,
            &b.frame,
            b.frame.len() as u32,
            Compat::Strict,
        ) else {
            continue;
        };
        assert!(
            p.payload_offset as usize + p.payload_len as usize <= b.frame.len(),
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
    }
});
