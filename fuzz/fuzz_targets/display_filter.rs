//! Display filters: any text must compile or be refused with an error whose column lies
//! within the text (or just past it), never panic; a compiled filter then runs over a frame.
//! Input: filter text, then optionally a NUL and an Ethernet frame to run it on (a fixed
//! Ethernet/IPv4/TCP frame otherwise).
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_capture::{LinkType, Packet, Timestamp};
use strata_dissect::filter::Filter;
use strata_dissect::Dissector;

#[path = "tcp_frame.rs"]
mod tcp_frame;

fuzz_target!(|data: &[u8]| {
    let Some((text, frame)) = tcp_frame::text_and_frame(data) else {
        return;
    };
    match Filter::new(text) {
        Err(e) => assert!(e.column >= 1 && e.column <= text.chars().count() + 1, "{e}"),
        Ok(mut f) => {
            let pkt = Packet {
                ts: Timestamp::new(1_700_000_000, 0),
                orig_len: frame.len() as u32,
                link_type: LinkType::ETHERNET,
                interface_id: 0,
                data: frame,
            };
            let mut d = Dissector::new();
            let fr = d.dissect(&pkt);
            let _ = f.matches(&fr);
        }
    }
});
