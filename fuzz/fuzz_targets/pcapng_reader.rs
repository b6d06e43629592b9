//! Arbitrary bytes as a pcapng file: the reader must return packets and at most one error,
//! never panic, never hang, and every packet must respect the reader's documented limits.
#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use strata_capture::pcap::MAX_SNAPLEN;
use strata_capture::pcapng::PcapngReader;
use strata_capture::PacketSource;

fuzz_target!(|data: &[u8]| {
    if let Ok(mut reader) = PcapngReader::new(Cursor::new(data), "fuzz.pcapng") {
        let _ = reader.link_types();
        while let Ok(Some(p)) = reader.next_packet() {
            assert!(p.data.len() <= MAX_SNAPLEN as usize);
            assert!(p.ts.nanos < 1_000_000_000);
            let _ = reader.last_comment();
            let _ = reader.interfaces();
        }
        // Finished after the end or the first error.
        assert!(matches!(reader.next_packet(), Ok(None)));
    }
});
