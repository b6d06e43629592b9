//! `strata_wire::app::ntp`: `Packet::new_checked` and every getter (`leap`, `version`, `mode`,
//! `stratum`, `reference_id`).
//! Checks: no panic; accepted from one byte; bit fields in range and as in byte 0; a stratum
//! only for modes 0-5 and only when byte 1 is there; the reference id only from 16 bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_wire::app::ntp::Packet;

fuzz_target!(|data: &[u8]| {
    let Ok(p) = Packet::new_checked(data) else {
        assert!(data.is_empty());
        return;
    };
    let b0 = data[0];
    assert!(p.leap() <= 3 && p.version() <= 7 && p.mode() <= 7);
    assert_eq!((p.leap() << 6) | (p.version() << 3) | p.mode(), b0);
    match p.stratum() {
        Some(s) => {
            assert!(p.mode() <= 5);
            assert_eq!(Some(&s), data.get(1));
        }
        None => assert!(p.mode() > 5 || data.len() < 2),
    }
    match p.reference_id() {
        Some(r) => assert_eq!(r.to_be_bytes(), data[12..16]),
        None => assert!(data.len() < 16),
    }
});
