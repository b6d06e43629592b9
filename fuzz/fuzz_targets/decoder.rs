//! One frame: input byte 0 picks the link type (`common::LINKS`), the rest is the frame.
//! `strata_wire::decode` must not panic and must keep every layer inside the frame; then the
//! dissector, every registered field extractor and both printers run over the same frame.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_capture::Timestamp;
use strata_wire::Decoded;

#[path = "common.rs"]
mod common;

thread_local! {
    static NAMES: Vec<String> = common::all_field_names();
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, frame)) = data.split_first() else {
        return;
    };
    let link = common::link_of(sel);
    let mut d = Decoded::new();
    common::decode_and_walk(link, frame, &mut d);
    NAMES.with(|names| {
        let mut p = common::Printers::new(names);
        p.frame(link, frame, Timestamp::new(1_700_000_000, 123_456_789));
    });
});
