//! TFTP (RFC 1350): opcode, the file name and mode of requests, the block number of data and
//! acknowledgements.

/// A TFTP packet's opcode.
pub fn opcode(b: &[u8]) -> Option<u16> {
    let op = u16::from_be_bytes(b.get(..2)?.try_into().ok()?);
    (1..=6).contains(&op).then_some(op)
}

/// A read or write request's (file name, mode), each NUL-terminated.
pub fn request(b: &[u8]) -> Option<(&[u8], &[u8])> {
    if !matches!(opcode(b)?, 1 | 2) {
        return None;
    }
    let mut parts = b[2..].split(|&c| c == 0);
    Some((parts.next()?, parts.next()?))
}

/// The block number of DATA (3) and ACK (4).
pub fn block(b: &[u8]) -> Option<u16> {
    matches!(opcode(b)?, 3 | 4).then(|| u16::from_be_bytes([b[2], b[3]]))
}
