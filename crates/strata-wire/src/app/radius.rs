//! RADIUS (RFC 2865) header: code, identifier, length.

/// (code, identifier, length) of a RADIUS packet.
pub fn header(b: &[u8]) -> Option<(u8, u8, u16)> {
    let h = b.get(..20)?;
    let len = u16::from_be_bytes([h[2], h[3]]);
    (len >= 20).then_some((h[0], h[1], len))
}
