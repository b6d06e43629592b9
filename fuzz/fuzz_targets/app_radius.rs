//! `strata_wire::app::radius::header`: code, identifier and length.
//! Checks: no panic; accepted exactly for 20 bytes or more with a length of at least 20; the
//! fields as in the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_wire::app::radius;

fuzz_target!(|data: &[u8]| match radius::header(data) {
    Some((code, id, len)) => {
        assert!(data.len() >= 20 && len >= 20);
        assert_eq!((code, id), (data[0], data[1]));
        assert_eq!(len.to_be_bytes(), data[2..4]);
    }
    None => assert!(data.len() < 20 || u16::from_be_bytes([data[2], data[3]]) < 20),
});
