//! `strata_wire::app::stun`: `header` (type, length, magic cookie, transaction id),
//! `attributes` and `address`. Checks: no panic; the header accepted exactly for 20 bytes or
//! more with the two top bits of the type clear, its fields as in the bytes; every attribute
//! value a slice of the input after the header, at most one attribute per 4 bytes; an
//! address has the family's length and XOR-ing it twice gives the bytes back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_wire::app::stun;

#[path = "slices.rs"]
mod slices;

fuzz_target!(|data: &[u8]| {
    header(data);
    let mut n = 0;
    for (_, value) in stun::attributes(data) {
        n += 1;
        assert!(slices::offset_in(data, value) >= 24);
        assert!(n * 4 <= data.len());
        let tid = data.get(8..20).unwrap_or_default();
        if let Some((family, port, addr)) = stun::address(value, true, tid) {
            assert_eq!(addr.len(), if family == 1 { 4 } else { 16 });
            let mut again = value.to_vec();
            again[2..4].copy_from_slice(&port.to_be_bytes());
            again[4..4 + addr.len()].copy_from_slice(&addr);
            let back = stun::address(&again, true, tid).map(|(_, p, a)| (p, a));
            let plain = stun::address(value, false, tid).map(|(_, p, a)| (p, a));
            assert_eq!(back, plain, "XOR twice is the identity");
        }
    }
});

fn header(data: &[u8]) {
    match stun::header(data) {
        Some((ty, len, cookie, id)) => {
            assert!(data.len() >= 20 && ty & 0xc000 == 0);
            assert_eq!(ty.to_be_bytes(), data[..2]);
            assert_eq!(len.to_be_bytes(), data[2..4]);
            assert_eq!((cookie.len(), id.len()), (4, 12));
            assert_eq!(slices::offset_in(data, cookie), 4);
            assert_eq!(slices::offset_in(data, id), 8);
        }
        None => assert!(data.len() < 20 || data[0] & 0xc0 != 0),
    }
}
