//! `strata_wire::app::dhcp`: `Packet::new_checked`, `op`, `client_mac`, `is_dhcp`, the
//! options iterator, `option` for every code and `message_type`.
//! Checks: no panic or hang; accepted only from the fixed BOOTP length; options only after
//! the magic cookie, each inside the input, never PAD or END, in input order, and
//! `option(code)` returning the first of that code.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_wire::app::dhcp::{self, opt, Packet};

#[path = "slices.rs"]
mod slices;

fuzz_target!(|data: &[u8]| {
    let Ok(p) = Packet::new_checked(data) else {
        assert!(data.len() < dhcp::BOOTP_LEN);
        return;
    };
    assert!(data.len() >= dhcp::BOOTP_LEN);
    assert_eq!(p.op(), data[0]);
    assert_eq!(&p.client_mac()[..], &data[28..34]);
    let is_dhcp = p.is_dhcp();
    assert_eq!(is_dhcp, data[236..].starts_with(&dhcp::MAGIC));
    let mut last = dhcp::BOOTP_LEN + 4;
    let mut first_of = [None::<usize>; 256];
    let mut n = 0;
    for (code, d) in p.options() {
        assert!(is_dhcp, "options without the magic cookie");
        assert!(code != opt::PAD && code != opt::END);
        let at = slices::offset_in(data, d);
        assert!(d.is_empty() || at >= last + 2, "option {code} out of order");
        assert!(d.len() <= 255);
        last = at + d.len();
        first_of[code as usize].get_or_insert(at);
        n += 1;
        assert!(n <= data.len());
    }
    for code in 0..=255u8 {
        match p.option(code) {
            Some(d) => {
                let at = slices::offset_in(data, d);
                assert!(d.is_empty() || first_of[code as usize] == Some(at));
            }
            None => assert!(first_of[code as usize].is_none(), "option {code} lost"),
        }
    }
    if let Some(t) = p.message_type() {
        assert_eq!(
            Some(t),
            p.option(opt::MESSAGE_TYPE).and_then(|d| d.first().copied())
        );
    }
});
