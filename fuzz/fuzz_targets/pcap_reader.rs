//! Arbitrary bytes as a pcap file: the reader must return packets and at most one error,
//! never panic, never hang, and every packet must respect the reader's documented limits.
#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use strata_capture::file::FileReader;
use strata_capture::pcap::{PcapReader, MAX_SNAPLEN};
use strata_capture::PacketSource;

fuzz_target!(|data: &[u8]| {
    if let Ok(mut reader) = PcapReader::new(Cursor::new(data), "fuzz.pcap") {
        while let Ok(Some(p)) = reader.next_packet() {
            assert!(p.data.len() <= MAX_SNAPLEN as usize);
            assert!(p.ts.nanos < 1_000_000_000);
        }
        // Finished after the end or the first error.
        assert!(matches!(reader.next_packet(), Ok(None)));
    }
    // The autodetecting front door over the same bytes.
    if let Ok(mut reader) = FileReader::from_reader(Cursor::new(data.to_vec()), "fuzz") {
        while let Ok(Some(_)) = reader.next_packet() {}
    }
});
