//! Capture filters (pcap-filter text): any text must compile or be refused with a filter
//! error whose column lies within the text (or just past it), never panic, on every link type
//! the compiler knows; a compiled program must pass the kernel's checks (`bpf::validate`) and
//! run over a frame to a verdict. Input: filter text, then optionally a NUL and a frame to run
//! it on (a fixed Ethernet/IPv4/TCP frame otherwise).
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_capture::{bpf, CaptureError, LinkType};

/// Ethernet / IPv4 / TCP 1234 → 80 SYN with payload "GET".
const FRAME: &[u8] = &[
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x08, 0x00, 0x45, 0x00,
    0x00, 0x2b, 0x00, 0x01, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00,
    0x00, 0x02, 0x04, 0xd2, 0x00, 0x50, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x50, 0x02,
    0x20, 0x00, 0x00, 0x00, 0x00, 0x00, b'G', b'E', b'T',
];

const LINKS: [LinkType; 5] = [
    LinkType::ETHERNET,
    LinkType::LINUX_SLL,
    LinkType::RAW,
    LinkType::IPV4,
    LinkType::IPV6,
];

fuzz_target!(|data: &[u8]| {
    let (text, frame) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, FRAME),
    };
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    for link in LINKS {
        match bpf::compile(text, link, 262_144) {
            Err(CaptureError::Filter { column, .. }) => {
                assert!(column >= 1 && column <= text.chars().count() + 1, "column {column}")
            }
            Err(other) => panic!("not a filter error: {other}"),
            Ok(prog) => {
                assert!(bpf::validate(prog.insns()).is_ok(), "{prog}");
                let _ = prog.matches(frame, frame.len() as u32);
                // A snaplen-truncated capture of the same frame.
                let cut = &frame[..frame.len().min(20)];
                let _ = prog.matches(cut, frame.len() as u32);
            }
        }
    }
});
