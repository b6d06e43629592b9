//! `strata_wire::app::syslog::message`: the `<PRI>` prefix and the message after it.
//! Checks: no panic; accepted only for `<` then 1-3 digits of at most 191 and `>`; facility
//! and level are PRI / 8 and PRI % 8; the message is inside the input, starts right after
//! the `>` and runs to the input's end.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_wire::app::syslog;

#[path = "slices.rs"]
mod slices;

fuzz_target!(|data: &[u8]| {
    let Some((fac, lvl, msg)) = syslog::message(data) else {
        return;
    };
    assert!(fac <= 23 && lvl <= 7);
    assert_eq!(data[0], b'<');
    let gt = data.iter().position(|&c| c == b'>').unwrap();
    assert!((2..=4).contains(&gt));
    let pri: u32 = std::str::from_utf8(&data[1..gt]).unwrap().parse().unwrap();
    assert_eq!(pri, fac as u32 * 8 + lvl as u32);
    if !msg.is_empty() {
        assert_eq!(slices::offset_in(data, msg), gt + 1);
    }
    assert_eq!(gt + 1 + msg.len(), data.len());
});
