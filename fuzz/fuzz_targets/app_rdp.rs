//! `strata_wire::app::rdp`: `tpkt_len`, and on each TPKT PDU of the input in turn (cut to its
//! length, as the dissector frames them) `pdu_name`, `negotiation` and `cookie`.
//! Checks: no panic or hang; a TPKT length only after `03 00`, at least 6, as in bytes 2-3;
//! a name from the fixed set; a negotiation of type 1-3 whose 8 bytes end the X.224 header;
//! a cookie inside the PDU at byte 11, starting `Cookie: `, ending before a CR LF.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_wire::app::rdp;

#[path = "slices.rs"]
mod slices;

fn pdu(p: &[u8]) {
    let name = rdp::pdu_name(p);
    assert!(["RDP", "COTP", "T.125", "TPKT"].contains(&name), "{name}");
    if let Some((ty, _flags, _proto)) = rdp::negotiation(p) {
        assert!((1..=3).contains(&ty));
        let li = p[4] as usize;
        assert!(li >= 14);
        let end = (5 + li).min(p.len());
        assert_eq!(p[end - 8], ty);
        assert_eq!(&p[end - 6..end - 4], &[8, 0]);
    }
    if let Some(c) = rdp::cookie(p) {
        assert_eq!(slices::offset_in(p, c), 11);
        assert!(c.starts_with(b"Cookie: ") && !c.windows(2).any(|w| w == b"\r\n"));
        assert_eq!(&p[11 + c.len()..13 + c.len()], b"\r\n");
    }
}

fuzz_target!(|data: &[u8]| {
    pdu(data);
    let mut b = data;
    for _ in 0..256 {
        let Some(len) = rdp::tpkt_len(b) else {
            assert!(b.len() < 4 || b[..2] != [3, 0] || u16::from_be_bytes([b[2], b[3]]) < 6);
            return;
        };
        assert!(len >= 6 && b[..2] == [3, 0]);
        assert_eq!(len, u16::from_be_bytes([b[2], b[3]]) as usize);
        let used = len.min(b.len());
        pdu(&b[..used]);
        b = &b[used..];
        if b.is_empty() {
            return;
        }
    }
});
