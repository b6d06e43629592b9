//! `strata_wire::app::snmp::header`: version and community of an SNMP message.
//! Checks: no panic; accepted only for a SEQUENCE (0x30) whose first element is the version
//! INTEGER; the community is the OCTET STRING that follows it, inside the input, and only
//! for v1 / v2c (version < 3).
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_wire::app::{ber, snmp};

#[path = "slices.rs"]
mod slices;

fuzz_target!(|data: &[u8]| {
    let Some((v, community)) = snmp::header(data) else {
        return;
    };
    let (msg, _) = ber::read(data).expect("an accepted message is one element");
    assert_eq!(msg.tag, 0x30);
    let (ver, rest) = ber::read(msg.value).expect("with the version first");
    assert_eq!(ber::integer(ver.value), Some(v));
    match community {
        Some(c) => {
            assert!(v < 3, "a community only for v1 / v2c");
            slices::offset_in(msg.value, c);
            let (e, _) = ber::read(rest).unwrap();
            assert_eq!((e.tag, e.value), (0x04, c));
        }
        None => assert!(v >= 3 || ber::read(rest).is_none_or(|(e, _)| e.tag != 0x04)),
    }
});
