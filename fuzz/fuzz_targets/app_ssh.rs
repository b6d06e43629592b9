//! `strata_wire::app::ssh`: `banner`, `banner_major`, `packet_header`, on the input and on what
//! follows the banner line; there, the binary packets back to back (`packet_len`, `packet`,
//! `kexinit`), as the dissector frames them until NEWKEYS.
//! Checks: no panic; a banner only for input starting `SSH-`, inside the first 255 bytes,
//! without its line end (`\n`, one `\r` before it); major version 1 or 2; the packet header as
//! its 6 bytes; a packet length within MAX_PACKET and above the padding, the payload and
//! padding inside the packet and adding up; a KEXINIT only for code 20, its cookie and ten
//! name-lists inside the payload, each after its 4-byte length, back to back.
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

fn packets(mut b: &[u8]) {
    for _ in 0..256 {
        let Some(n) = ssh::packet_len(b) else {
            if b.len() >= 5 {
                let len = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
                assert!(len <= b[4] as u32 + 1 || len > ssh::MAX_PACKET);
            }
            return;
        };
        assert!(n > 5 && n <= 4 + ssh::MAX_PACKET as usize);
        let Some(p) = ssh::packet(b) else {
            assert!(b.len() < n);
            return;
        };
        assert_eq!(p.packet_length as usize + 4, n);
        assert_eq!(p.padding_length, b[4]);
        assert_eq!(slices::offset_in(b, p.payload), 5);
        assert_eq!(p.padding.len(), p.padding_length as usize);
        assert_eq!(5 + p.payload.len() + p.padding.len(), n);
        if !p.padding.is_empty() {
            assert_eq!(slices::offset_in(b, p.padding), 5 + p.payload.len());
        }
        assert_eq!(p.message_code(), p.payload.first().copied());
        if let Some(k) = ssh::kexinit(p.payload) {
            assert_eq!(p.message_code(), Some(ssh::msg::KEXINIT));
            assert_eq!(slices::offset_in(p.payload, k.cookie), 1);
            assert_eq!(k.cookie.len(), 16);
            let mut at = 17;
            for l in k.lists {
                let len = u32::from_be_bytes(p.payload[at..at + 4].try_into().unwrap());
                assert_eq!(l.len(), len as usize);
                if !l.is_empty() {
                    assert_eq!(slices::offset_in(p.payload, l), at + 4);
                }
                at += 4 + l.len();
            }
            assert_eq!(k.first_kex_packet_follows, p.payload[at]);
            assert_eq!(k.reserved, &p.payload[at + 1..at + 5]);
        }
        b = &b[n..];
    }
}

fuzz_target!(|data: &[u8]| {
    header(data);
    packets(data);
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
        packets(&data[b.len() + nl + 1..]);
    } else if data.starts_with(b"SSH-") {
        assert!(!data.iter().take(255).any(|&c| c == b'\n'));
    }
});
