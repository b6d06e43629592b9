//! Modbus/TCP: the MBAP header (transaction, protocol, length, unit) and the function code.

/// (transaction id, protocol id, length, unit id, function code) of an MBAP frame.
pub fn mbap(b: &[u8]) -> Option<(u16, u16, u16, u8, Option<u8>)> {
    let h = b.get(..7)?;
    let be = |i: usize| u16::from_be_bytes([h[i], h[i + 1]]);
    // Protocol 0 and a PDU of at most 253 bytes (+ unit id): anything else is not MBAP.
    if be(2) != 0 || !(2..=254).contains(&be(4)) {
        return None;
    }
    Some((be(0), be(2), be(4), h[6], b.get(7).map(|f| f & 0x7f)))
}
