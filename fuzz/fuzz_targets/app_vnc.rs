//! `strata_wire::app::vnc::Framer`: one RFB connection's bytes, as pieces separated by the
//! 4-byte marker `\xffRFB`, each piece's byte 0 (bit 0) the direction (1 = server), the rest
//! its bytes, fed in order to one framer; and again to a second framer byte by byte.
//! Checks: no panic or hang; a direction once lost (`None`) stays lost (for non-empty input:
//! `feed(_, &[])` on a lost direction returns `Some(0)`); at most one message
//! ends per byte fed; the framing does not depend on how a piece is cut (the same messages
//! end per piece, and the direction is lost at the same piece, fed whole or byte by byte);
//! a framed non-empty piece names the message it belongs to (`segment_message`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_wire::app::vnc::Framer;

const MARKER: &[u8] = b"\xffRFB";

fn split(mut data: &[u8]) -> impl Iterator<Item = &[u8]> {
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
    let mut whole = Framer::new();
    let mut bytes = Framer::new();
    let mut lost = [false; 2];
    for (i, piece) in split(data).enumerate().take(256) {
        let Some((&ctl, b)) = piece.split_first() else {
            continue;
        };
        let server = ctl & 1 != 0;
        let d = server as usize;
        let a = whole.feed(server, b);
        // Empty input returns Some(0) even on a lost direction (reported, not checked).
        if lost[d] && !b.is_empty() {
            assert_eq!(a, None, "piece {i}: a lost direction came back");
        }
        if let Some(n) = a {
            assert!(
                n <= b.len() + 1,
                "piece {i}: {n} messages in {} bytes",
                b.len()
            );
            // A piece that was framed belongs to a message.
            if !b.is_empty() {
                assert!(
                    whole.segment_message(server).is_some(),
                    "piece {i}: framed bytes name no message"
                );
            }
        }
        let mut sum = Some(0usize);
        for &x in b {
            sum = match (sum, bytes.feed(server, &[x])) {
                (Some(s), Some(n)) => Some(s + n),
                _ => None,
            };
        }
        if b.is_empty() {
            sum = bytes.feed(server, b);
        }
        assert_eq!(
            a,
            sum,
            "piece {i} ({} bytes, server {server}): whole vs byte by byte",
            b.len()
        );
        lost[d] |= a.is_none();
    }
});
