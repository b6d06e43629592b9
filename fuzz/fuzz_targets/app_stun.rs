//! `strata_wire::app::stun::header`: type, length, magic cookie and transaction id.
//! Checks: no panic; accepted exactly for 20 bytes or more with the two top bits of the type
//! clear; the fields as in the bytes, the cookie and the transaction id the input's bytes 4-8
//! and 8-20.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_wire::app::stun;

#[path = "slices.rs"]
mod slices;

fuzz_target!(|data: &[u8]| match stun::header(data) {
    Some((ty, len, cookie, id)) => {
        assert!(data.len() >= 20 && ty & 0xc000 == 0);
        assert_eq!(ty.to_be_bytes(), data[..2]);
        assert_eq!(len.to_be_bytes(), data[2..4]);
        assert_eq!((cookie.len(), id.len()), (4, 12));
        assert_eq!(slices::offset_in(data, cookie), 4);
        assert_eq!(slices::offset_in(data, id), 8);
    }
    None => assert!(data.len() < 20 || data[0] & 0xc0 != 0),
});
