//! SSH (RFC 4253): the identification line (`SSH-2.0-software comments`) and the binary
//! packet header that follows it.

use crate::bytes::be32;

/// The identification line at the front of `b` without its line end, once the line end has
/// arrived; None if `b` does not start with `SSH-`.
pub fn banner(b: &[u8]) -> Option<&[u8]> {
    if !b.starts_with(b"SSH-") {
        return None;
    }
    let nl = b.iter().take(255).position(|&c| c == b'\n')?;
    let l = &b[..nl];
    Some(l.strip_suffix(b"\r").unwrap_or(l))
}

/// The protocol major version a banner announces: 2 for `SSH-2.0` and `SSH-1.99`, else 1.
pub fn banner_major(banner: &[u8]) -> u8 {
    if banner.starts_with(b"SSH-2.") || banner.starts_with(b"SSH-1.99") {
        2
    } else {
        1
    }
}

/// A cleartext binary packet header (before keys are in use): packet length, padding length
/// and message code (20 KEXINIT, 21 NEWKEYS, 30.. key exchange).
pub fn packet_header(b: &[u8]) -> Option<(u32, u8, u8)> {
    (b.len() >= 6).then(|| (be32(b, 0), b[4], b[5]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banners() {
        assert_eq!(
            banner(b"SSH-2.0-OpenSSH_9.6\r\n\0\0"),
            Some(&b"SSH-2.0-OpenSSH_9.6"[..])
        );
        assert_eq!(banner(b"SSH-2.0-Open"), None);
        assert_eq!(banner(b"GET /"), None);
        assert_eq!(banner_major(b"SSH-1.99-x"), 2);
        assert_eq!(banner_major(b"SSH-1.5-x"), 1);
        assert_eq!(packet_header(&[0, 0, 1, 0, 4, 20]), Some((256, 4, 20)));
    }
}
