//! `strata_wire::app::dhcpv6::header`: message type and transaction id.
//! Checks: no panic; the type is byte 0; relay messages (12, 13) have no transaction id, the
//! others the 24-bit id of bytes 1-3, and are refused when those are cut.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_wire::app::dhcpv6;

fuzz_target!(|data: &[u8]| match dhcpv6::header(data) {
    Some((ty, xid)) => {
        assert_eq!(ty, data[0]);
        match xid {
            Some(x) => {
                assert!(ty != 12 && ty != 13 && x < 1 << 24);
                assert_eq!(x.to_be_bytes()[1..], data[1..4]);
            }
            None => assert!(ty == 12 || ty == 13),
        }
    }
    None => assert!(data.is_empty() || (data.len() < 4 && !matches!(data[0], 12 | 13))),
});
