//! STUN (RFC 5389) message header: type, length, magic cookie, transaction id.

/// The 20-byte header: (type, length, cookie, transaction id).
pub fn header(b: &[u8]) -> Option<(u16, u16, &[u8], &[u8])> {
    let h = b.get(..20)?;
    if h[0] & 0xc0 != 0 {
        return None;
    }
    Some((
        u16::from_be_bytes([h[0], h[1]]),
        u16::from_be_bytes([h[2], h[3]]),
        &h[4..8],
        &h[8..20],
    ))
}
