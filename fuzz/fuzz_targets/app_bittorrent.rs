//! `strata_wire::app::bittorrent`: `handshake`, `msg_type` and `msg_types`, on the input and
//! on what follows a handshake (the first messages usually share its segment).
//! Checks: no panic; a handshake only after the length byte 19 and "BitTorrent protocol",
//! with the info hash (bytes 28-48) and, when all 68 bytes are there, the peer id (48-68),
//! all inside the input; a message type only for a non-zero length and at most 20;
//! `msg_types` yields at most one type per 5 bytes, each at most 20, the first one
//! `msg_type`'s when the input is not a handshake and starts with a whole message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_wire::app::bittorrent::{self, PROTOCOL};

#[path = "slices.rs"]
mod slices;

fn message(b: &[u8]) {
    if let Some(t) = bittorrent::msg_type(b) {
        assert!(t <= 20 && b.len() >= 5 && b[0] != 19);
        assert_ne!(&b[..4], &[0, 0, 0, 0]);
        assert_eq!(t, b[4]);
    }
}

fuzz_target!(|data: &[u8]| {
    message(data);
    let types: Vec<u8> = bittorrent::msg_types(data).collect();
    assert!(types.len() * 5 <= data.len());
    assert!(types.iter().all(|&t| t <= 20));
    if let (Some(&first), None) = (types.first(), bittorrent::handshake(data)) {
        if data[..4] != [0, 0, 0, 0] {
            assert_eq!(Some(first), bittorrent::msg_type(data));
        }
    }
    let Some(h) = bittorrent::handshake(data) else {
        assert!(data.len() < 48 || data[0] != 19 || &data[1..20] != PROTOCOL);
        return;
    };
    assert_eq!(h.protocol, PROTOCOL);
    assert_eq!(slices::offset_in(data, h.protocol), 1);
    assert_eq!(h.info_hash.len(), 20);
    assert_eq!(slices::offset_in(data, h.info_hash), 28);
    match h.peer_id {
        Some(p) => {
            assert_eq!(p.len(), 20);
            assert_eq!(slices::offset_in(data, p), 48);
        }
        None => assert!(data.len() < 68),
    }
    if let Some(rest) = data.get(68..) {
        message(rest);
    }
});
