//! `strata_wire::app::ssh`: `banner`, `banner_major`, `packet_header`, on the input and on what
//! follows the banner line (the first binary packet).
//! Checks: no panic; a banner only for input starting `SSH-`, inside the first 255 bytes,
//! without its line end (`\n`, one `\r` before it); major version 1 or 2; the packet header as its 6 bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_wire::app::ssh;

#[path = "slices.rs"]
mod slices;

fn header(b: &[u8]) {
    match ssh::packet_header(b) {
        Some((len, pad, code)) => {
            assert_eq!(len.to_be_bytes(), b[..4]);
            assert_eq!((pad, code), (b[4], b[5]));
        }
        None => assert!(b.len() < 6),
    }
}

fuzz_target!(|data: &[u8]| {
    header(data);
    let major = ssh::banner_major(data);
    assert!(major == 1 || major == 2);
    if let Some(b) = ssh::banner(data) {
        assert!(data.starts_with(b"SSH-") && b.starts_with(b"SSH-"));
        assert_eq!(slices::offset_in(data, b), 0);
        assert!(b.len() < 255 && !b.contains(&b'\n'));
        let m = ssh::banner_major(b);
        assert!(m == 1 || m == 2);
        let nl = data[b.len()..].iter().position(|&c| c == b'\n').unwrap();
        assert!(nl <= 1, "banner ends at its line end");
        header(&data[b.len() + nl + 1..]);
    } else if data.starts_with(b"SSH-") {
        assert!(!data.iter().take(255).any(|&c| c == b'\n'));
    }
});
