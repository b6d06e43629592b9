//! `strata_wire::app::bitcoin`: `message_len`, `command`, `starts_message`, `resync`.
//! Checks: no panic; a message is never shorter than its header; the length is the header's
//! when the header is cut, else header + the little-endian payload length at bytes 16-19; a
//! command is 1-12 printable bytes inside the header; `resync` only towards a magic and only
//! from a pending "message" longer than any real one.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_wire::app::bitcoin;

fuzz_target!(|data: &[u8]| {
    let n = bitcoin::message_len(data);
    assert!(n >= bitcoin::HEADER_LEN);
    match data.get(16..20) {
        Some(l) => assert_eq!(
            n,
            bitcoin::HEADER_LEN + u32::from_le_bytes([l[0], l[1], l[2], l[3]]) as usize
        ),
        None => assert_eq!(n, bitcoin::HEADER_LEN),
    }
    if let Some(c) = bitcoin::command(data) {
        assert!((1..=12).contains(&c.len()));
        assert_eq!(c, &data[4..4 + c.len()]);
        assert!(c.iter().all(u8::is_ascii_graphic));
    }
    let (a, b) = data.split_at(data.len() / 2);
    if bitcoin::resync(a, b) {
        assert!(bitcoin::starts_message(b));
        assert!(bitcoin::message_len(a) > bitcoin::HEADER_LEN + bitcoin::MAX_PAYLOAD);
    }
});
