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

/// The block number of DATA (3) and ACK (4); None when the capture cut it off.
pub fn block(b: &[u8]) -> Option<u16> {
    if !matches!(opcode(b)?, 3 | 4) {
        return None;
    }
    Some(u16::from_be_bytes(b.get(2..4)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packets() {
        assert_eq!(
            request(b"\0\x01a.txt\0octet\0"),
            Some((&b"a.txt"[..], &b"octet"[..]))
        );
        assert_eq!(block(b"\0\x03\x01\x02data"), Some(0x0102));
        assert_eq!(block(b"\0\x01\x01\x02"), None);
    }

    /// Fuzz finding (app_tftp): an ACK or DATA cut after its opcode panicked on `b[2]`.
    #[test]
    fn cut_block_number() {
        assert_eq!(block(&[0, 4]), None);
        assert_eq!(block(&[0, 3, 7]), None);
    }
}
