//! MQTT (v3.1.1 / v5) fixed header: message type and remaining length, and a PUBLISH's topic.

/// (message type, remaining length, header bytes) of the fixed header at the front of `b`.
pub fn fixed_header(b: &[u8]) -> Option<(u8, u64, usize)> {
    let ty = *b.first()? >> 4;
    if ty == 0 {
        return None;
    }
    let (mut len, mut shift) = (0u64, 0);
    for i in 1..5 {
        let c = *b.get(i)?;
        len |= ((c & 0x7f) as u64) << shift;
        if c & 0x80 == 0 {
            return Some((ty, len, i + 1));
        }
        shift += 7;
    }
    None
}

/// The topic of a PUBLISH (type 3).
pub fn topic(b: &[u8]) -> Option<&[u8]> {
    let (ty, _, at) = fixed_header(b)?;
    if ty != 3 {
        return None;
    }
    let n = u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?) as usize;
    b.get(at + 2..at + 2 + n)
}
