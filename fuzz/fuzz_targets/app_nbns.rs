//! `strata_wire::app::nbns`: `header` and `first_name` (the first-level decoded NetBIOS name).
//! Checks: no panic; the header fields as in the first 12 bytes; a name only from a length
//! byte of 32 and 32 bytes of `A`-`P`, written as printable ASCII of at most 15 characters
//! (each at most `<xx>`) and the suffix `<xx>`, matching an independent decode; nothing
//! written when refused.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_wire::app::nbns;

#[path = "slices.rs"]
mod slices;

fuzz_target!(|data: &[u8]| {
    match nbns::header(data) {
        Some((id, resp, qd)) => {
            assert_eq!(id.to_be_bytes(), data[..2]);
            assert_eq!(resp, data[2] & 0x80 != 0);
            assert_eq!(qd.to_be_bytes(), data[4..6]);
        }
        None => assert!(data.len() < 12),
    }
    let mut out = b"x".to_vec();
    if nbns::first_name(data, &mut out).is_none() {
        assert_eq!(out, b"x", "a refused name writes nothing");
        return;
    }
    assert_eq!(data[12], 32);
    let enc = &data[13..45];
    assert!(enc.iter().all(|c| (b'A'..=b'P').contains(c)));
    let name = &out[1..];
    slices::utf8(name);
    assert!(name.iter().all(|c| c.is_ascii_graphic() || *c == b' '));
    assert!(name.len() >= 4 && name.len() <= 15 * 4 + 4);
    let suffix = (enc[30] - b'A') << 4 | (enc[31] - b'A');
    assert!(name.ends_with(format!("<{suffix:02x}>").as_bytes()));
    assert!(
        !name[..name.len() - 4].ends_with(b" "),
        "trailing spaces trimmed"
    );
});
