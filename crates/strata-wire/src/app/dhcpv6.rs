//! DHCPv6 (RFC 8415) client/server header: message type and transaction id.

/// (message type, transaction id) of a client/server message (relay messages have no xid).
pub fn header(b: &[u8]) -> Option<(u8, Option<u32>)> {
    let ty = *b.first()?;
    if ty == 12 || ty == 13 {
        return Some((ty, None));
    }
    let x = b.get(1..4)?;
    Some((ty, Some(u32::from_be_bytes([0, x[0], x[1], x[2]]))))
}
