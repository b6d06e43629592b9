//! `strata_wire::app::tftp`: `opcode`, `request` (file name and mode) and `block`.
//! Checks: no panic; the opcode is bytes 0-1 and 1-6; a request only for RRQ / WRQ, its file
//! name from byte 2 up to the first NUL, the mode from after it up to the next NUL (or the
//! end), both inside the input; a block number only for DATA / ACK, as bytes 2-3.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_wire::app::tftp;

#[path = "slices.rs"]
mod slices;

fuzz_target!(|data: &[u8]| {
    let op = tftp::opcode(data);
    match op {
        Some(o) => {
            assert!((1..=6).contains(&o));
            assert_eq!(o.to_be_bytes(), data[..2]);
        }
        None => {
            assert!(data.len() < 2 || !(1..=6).contains(&u16::from_be_bytes([data[0], data[1]])))
        }
    }
    if let Some((file, mode)) = tftp::request(data) {
        assert!(matches!(op, Some(1 | 2)));
        assert!(!file.contains(&0) && !mode.contains(&0));
        if !file.is_empty() {
            assert_eq!(slices::offset_in(data, file), 2);
        }
        assert_eq!(
            data.get(2 + file.len()),
            Some(&0),
            "the file name ends at a NUL"
        );
        if !mode.is_empty() {
            assert_eq!(slices::offset_in(data, mode), 3 + file.len());
        }
    } else if matches!(op, Some(1 | 2)) {
        assert!(
            !data[2..].contains(&0),
            "a request with a NUL has a file name"
        );
    }
    match tftp::block(data) {
        Some(n) => {
            assert!(matches!(op, Some(3 | 4)));
            assert_eq!(n.to_be_bytes(), data[2..4]);
        }
        None => assert!(!matches!(op, Some(3 | 4)) || data.len() < 4),
    }
});
