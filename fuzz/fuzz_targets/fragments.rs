//! A sequence of frames through one `Dissector`, so IP reassembly (`strata_wire::frag`, and
//! `decode_reassembled` on what it completes) sees many fragments. The input is split on the
//! 4-byte marker `FRAG`; in each piece byte 0 picks the link type (`common::LINKS`) and the
//! rest is the frame. Frames are 1 ms apart. Every frame is also printed with every field.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_capture::Timestamp;
use strata_wire::Decoded;

#[path = "common.rs"]
mod common;

pub const MARKER: &[u8] = b"FRAG";

thread_local! {
    static NAMES: Vec<String> = common::all_field_names();
}

fn split<'a>(mut data: &'a [u8]) -> impl Iterator<Item = &'a [u8]> + 'a {
    std::iter::from_fn(move || {
        if data.is_empty() {
            return None;
        }
        match data.windows(MARKER.len()).position(|w| w == MARKER) {
            Some(i) => {
                let piece = &data[..i];
                data = &data[i + MARKER.len()..];
                Some(piece)
            }
            None => Some(std::mem::take(&mut data)),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    NAMES.with(|names| {
        let mut p = common::Printers::new(names);
        let mut d = Decoded::new();
        for (i, piece) in split(data).enumerate().take(256) {
            let Some((&sel, frame)) = piece.split_first() else {
                continue;
            };
            let link = common::link_of(sel);
            common::decode_and_walk(link, frame, &mut d);
            let ts = Timestamp::new(
                1_700_000_000 + (i / 1000) as i64,
                (i % 1000) as u32 * 1_000_000,
            );
            p.frame(link, frame, ts);
        }
        let s = p.dissector.reassembly_stats();
        assert!(s.completed <= s.fragments, "{s:?}");
    });
});
