//! The Bitcoin peer-to-peer protocol's message framing (Bitcoin Core's `CMessageHeader`): a
//! 24-byte header — network magic, a NUL-padded ASCII command, the payload length
//! (little-endian) and a checksum — then the payload. Enough to cut a TCP stream into
//! messages as Wireshark does; the payloads are not decoded.

/// The header's length.
pub const HEADER_LEN: usize = 24;

/// The length of the message at the front of `b` (header and payload), as its header says,
/// or [`HEADER_LEN`] while the header itself is incomplete. Like Wireshark, the magic is not
/// checked: after a gap the "header" may be any bytes, and its length says how much follows.
pub fn message_len(b: &[u8]) -> usize {
    match b.get(16..20) {
        Some(l) => HEADER_LEN.saturating_add(u32::from_le_bytes([l[0], l[1], l[2], l[3]]) as usize),
        None => HEADER_LEN,
    }
}

/// Bitcoin Core's largest message payload (`MAX_SIZE`, 32 MiB).
pub const MAX_PAYLOAD: usize = 0x0200_0000;

/// The network magics: main, testnet3, regtest, signet.
const MAGICS: [[u8; 4]; 4] = [
    [0xf9, 0xbe, 0xb4, 0xd9],
    [0x0b, 0x11, 0x09, 0x07],
    [0xfa, 0xbf, 0xb5, 0xda],
    [0x0a, 0x03, 0xcf, 0x40],
];

/// Whether `b` starts with a network magic.
pub fn starts_message(b: &[u8]) -> bool {
    b.get(..4).is_some_and(|m| MAGICS.iter().any(|x| x == m))
}

/// Whether a stream should drop `pending` (bytes waiting for the rest of their message) and
/// start over at `next`: the pending "message" announces more than any real one can hold (a
/// framing slip, e.g. after the 20-byte headers of protocol versions before 0.2.9) and `next`
/// starts with a magic. Wireshark's view of such streams shows the same resynchronisation.
pub fn resync(pending: &[u8], next: &[u8]) -> bool {
    message_len(pending) > HEADER_LEN + MAX_PAYLOAD && starts_message(next)
}

/// The command of a complete header (`version`, `tx`, ...): the ASCII name before the NUL
/// padding, or `None` if it is not printable ASCII padded with NULs.
pub fn command(b: &[u8]) -> Option<&[u8]> {
    let c = b.get(4..16)?;
    let n = c.iter().position(|&x| x == 0).unwrap_or(c.len());
    (n > 0 && c[..n].iter().all(u8::is_ascii_graphic) && c[n..].iter().all(|&x| x == 0))
        .then_some(&c[..n])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `verack` (empty payload) and a `version` header announcing 100 payload bytes.
    #[test]
    fn framing() {
        let mut verack = b"\xf9\xbe\xb4\xd9verack\0\0\0\0\0\0".to_vec();
        verack.extend_from_slice(&0u32.to_le_bytes());
        verack.extend_from_slice(&[0x5d, 0xf6, 0xe0, 0xe2]);
        assert_eq!(message_len(&verack), 24);
        assert_eq!(command(&verack), Some(&b"verack"[..]));
        let mut version = b"\xf9\xbe\xb4\xd9version\0\0\0\0\0".to_vec();
        version.extend_from_slice(&100u32.to_le_bytes());
        assert_eq!(message_len(&version), 124);
        assert_eq!(message_len(&version[..10]), HEADER_LEN);
        assert_eq!(command(b"\xf9\xbe\xb4\xd9ver\0sion\0\0\0\0\0"), None);
        let mut huge = version.clone();
        huge[16..20].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(message_len(&huge), 24 + u32::MAX as usize);
        assert!(resync(&huge, &verack));
        assert!(!resync(&huge, b"\0\0\0\0"));
        assert!(!resync(&version, &verack));
    }
}
