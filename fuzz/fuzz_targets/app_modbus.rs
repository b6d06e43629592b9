//! `strata_wire::app::modbus::mbap`: the MBAP header and function code of a Modbus/TCP frame.
//! Checks: no panic; accepted exactly when 7 header bytes are there, the protocol id is 0 and
//! the length 2-254; every field as in the bytes (big-endian), the function code without its
//! exception bit and only when byte 7 is there.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_wire::app::modbus;

fuzz_target!(|data: &[u8]| {
    let be = |i: usize| u16::from_be_bytes([data[i], data[i + 1]]);
    match modbus::mbap(data) {
        Some((tid, pid, len, unit, func)) => {
            assert!(data.len() >= 7);
            assert_eq!((tid, pid, len, unit), (be(0), 0, be(4), data[6]));
            assert!((2..=254).contains(&len));
            assert_eq!(func, data.get(7).map(|f| f & 0x7f));
        }
        None => assert!(data.len() < 7 || be(2) != 0 || !(2..=254).contains(&be(4))),
    }
});
