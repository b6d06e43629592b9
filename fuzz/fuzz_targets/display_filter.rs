//! Display filters: any text must compile or be refused with an error whose column lies
//! within the text (or just past it), never panic; a compiled filter then runs over a frame.
//! Input: filter text, then optionally a NUL and an Ethernet frame to run it on (a fixed
//! Ethernet/IPv4/TCP frame otherwise).
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_capture::{LinkType, Packet, Timestamp};
use strata_dissect::filter::Filter;
use strata_dissect::Dissector;

/// Ethernet / IPv4 / TCP 1234 → 80 SYN with payload "GET".
const FRAME: &[u8] = &[
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x08, 0x00, 0x45, 0x00,
    0x00, 0x2b, 0x00, 0x01, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00,
    0x00, 0x02, 0x04, 0xd2, 0x00, 0x50, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x50, 0x02,
    0x20, 0x00, 0x00, 0x00, 0x00, 0x00, b'G', b'E', b'T',
];

fuzz_target!(|data: &[u8]| {
    let (text, frame) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, FRAME),
    };
    let Ok(text) = std::str::from_utf8(text) else {
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
