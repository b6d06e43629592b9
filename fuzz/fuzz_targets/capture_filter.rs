//! Capture filters (pcap-filter text): any text must compile or be refused with a filter
//! error whose column lies within the text (or just past it), never panic, on every link type
//! the compiler knows; a compiled program must pass the kernel's checks (`bpf::validate`) and
//! run over a frame to a verdict. Input: filter text, then optionally a NUL and a frame to run
//! it on (a fixed Ethernet/IPv4/TCP frame otherwise).
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_capture::{bpf, CaptureError, LinkType};

#[path = "tcp_frame.rs"]
mod tcp_frame;

const LINKS: [LinkType; 5] = [
    LinkType::ETHERNET,
    LinkType::LINUX_SLL,
    LinkType::RAW,
    LinkType::IPV4,
    LinkType::IPV6,
];

fuzz_target!(|data: &[u8]| {
    let Some((text, frame)) = tcp_frame::text_and_frame(data) else {
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
