//! `strata_wire::app::mqtt`: `fixed_header` and `topic`, on each control packet of the input
//! in turn (several may share a TCP segment).
//! Checks: no panic; the type is byte 0's high nibble, never 0; the remaining length is the
//! 1-4-byte variable-length integer after it (< 2^28), the header 2-5 bytes; a topic only
//! for PUBLISH, inside the input, right after the header and its 2-byte length, of that length.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_wire::app::mqtt;

#[path = "slices.rs"]
mod slices;

fuzz_target!(|data: &[u8]| {
    let mut b = data;
    for _ in 0..256 {
        let Some((ty, len, at)) = mqtt::fixed_header(b) else {
            assert_eq!(mqtt::topic(b), None);
            return;
        };
        assert!((1..=15).contains(&ty) && ty == b[0] >> 4);
        assert!((2..=5).contains(&at) && len < 1 << 28);
        let mut want = 0u64;
        for (i, &c) in b[1..at].iter().enumerate() {
            assert_eq!(c & 0x80 != 0, i + 2 < at, "continuation bits");
            want |= ((c & 0x7f) as u64) << (7 * i);
        }
        assert_eq!(len, want);
        match mqtt::topic(b) {
            Some(t) => {
                assert_eq!(ty, 3);
                let n = u16::from_be_bytes([b[at], b[at + 1]]) as usize;
                assert_eq!(t.len(), n);
                if n > 0 {
                    assert_eq!(slices::offset_in(b, t), at + 2);
                }
            }
            None => assert!(
                ty != 3
                    || b.len() < at + 2
                    || b.len() < at + 2 + u16::from_be_bytes([b[at], b[at + 1]]) as usize
            ),
        }
        // The next packet, if this one is complete.
        match at.checked_add(len as usize).and_then(|end| b.get(end..)) {
            Some(rest) if !rest.is_empty() => b = rest,
            _ => return,
        }
    }
});
