//! `strata_wire::app::ber`: `read` over the input as a sequence of elements, descending into
//! constructed ones (bounded depth), and `integer` on every primitive value.
//! Checks: no panic or hang; an element's tag is its first byte and its number the low five
//! bits; its value lies inside the input, right after a header of 2-6 bytes whose length
//! field gives the value's length; the rest is exactly what follows the value; `integer` is
//! the value read as a big-endian two's-complement number of 1-8 bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_wire::app::ber;

#[path = "slices.rs"]
mod slices;

const MAX_DEPTH: u32 = 32;

fn check_integer(v: &[u8]) {
    match ber::integer(v) {
        Some(x) => {
            assert!((1..=8).contains(&v.len()));
            let fill = if v[0] & 0x80 != 0 { 0xff } else { 0 };
            let mut be = [fill; 8];
            be[8 - v.len()..].copy_from_slice(v);
            assert_eq!(x, i64::from_be_bytes(be));
        }
        None => assert!(v.is_empty() || v.len() > 8),
    }
}

fn walk(b: &[u8], depth: u32, count: &mut u32) {
    let mut rest = b;
    while !rest.is_empty() && *count < 4096 {
        *count += 1;
        let Some((e, after)) = ber::read(rest) else {
            return;
        };
        assert_eq!(e.tag, rest[0]);
        assert_eq!(e.number, e.tag & 0x1f);
        let at = slices::offset_in(rest, e.value);
        let hdr = if e.value.is_empty() {
            rest.len() - after.len()
        } else {
            at
        };
        assert!((2..=6).contains(&hdr), "header of {hdr} bytes");
        let l = rest[1];
        if l & 0x80 == 0 {
            assert_eq!(hdr, 2);
            assert_eq!(e.value.len(), l as usize);
        } else {
            let n = (l & 0x7f) as usize;
            assert!((1..=4).contains(&n) && hdr == 2 + n);
            let len = rest[2..2 + n]
                .iter()
                .fold(0usize, |a, &x| a << 8 | x as usize);
            assert_eq!(e.value.len(), len);
        }
        assert_eq!(hdr + e.value.len() + after.len(), rest.len());
        if !after.is_empty() {
            assert_eq!(slices::offset_in(rest, after), hdr + e.value.len());
        }
        if e.tag & 0x20 != 0 && depth < MAX_DEPTH {
            walk(e.value, depth + 1, count);
        } else {
            check_integer(e.value);
        }
        rest = after;
    }
}

fuzz_target!(|data: &[u8]| {
    let mut count = 0;
    walk(data, 0, &mut count);
    check_integer(data);
});
