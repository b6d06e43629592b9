//! Syslog (RFC 3164 / 5424) over UDP: the `<PRI>` prefix (facility * 8 + level) and the
//! message after it.

/// (facility, level, message) of a syslog datagram.
pub fn message(b: &[u8]) -> Option<(u8, u8, &[u8])> {
    let rest = b.strip_prefix(b"<")?;
    let end = rest.iter().take(4).position(|&c| c == b'>')?;
    let digits = &rest[..end];
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let pri = digits.iter().fold(0u32, |a, &c| a * 10 + (c - b'0') as u32);
    if pri > 191 {
        return None;
    }
    // Everything after the priority, trailing newlines included (TShark 4.0 prints them
    // escaped); a string field ends at a NUL when it is shown.
    let msg = &rest[end + 1..];
    Some(((pri / 8) as u8, (pri % 8) as u8, msg))
}
