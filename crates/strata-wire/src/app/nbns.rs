//! NetBIOS Name Service (RFC 1002): transaction id, response flag, question count, and the
//! first question's name (first-level decoded: "WORKGROUP<1d>" as Wireshark prints it, other
//! unprintable bytes as `<xx>` too).

/// (transaction id, response flag, question count) of the header.
pub fn header(b: &[u8]) -> Option<(u16, bool, u16)> {
    let h = b.get(..12)?;
    Some((
        u16::from_be_bytes([h[0], h[1]]),
        h[2] & 0x80 != 0,
        u16::from_be_bytes([h[4], h[5]]),
    ))
}

/// The first name (question, else answer) decoded into `out`: 15 characters with trailing
/// spaces trimmed, then the suffix byte as `<xx>`.
pub fn first_name(b: &[u8], out: &mut Vec<u8>) -> Option<()> {
    let len = *b.get(12)? as usize;
    if len != 32 {
        return None;
    }
    let enc = b.get(13..13 + 32)?;
    let mut name = [0u8; 16];
    for (i, pair) in enc.chunks(2).enumerate() {
        let (hi, lo) = (pair[0].wrapping_sub(b'A'), pair[1].wrapping_sub(b'A'));
        if hi > 15 || lo > 15 {
            return None;
        }
        name[i] = hi << 4 | lo;
    }
    let text = &name[..15];
    let end = text.iter().rposition(|&c| c != b' ').map_or(0, |i| i + 1);
    for &c in &text[..end] {
        if c.is_ascii_graphic() || c == b' ' {
            out.push(c);
        } else {
            out.extend_from_slice(format!("<{c:02x}>").as_bytes());
        }
    }
    out.extend_from_slice(format!("<{:02x}>", name[15]).as_bytes());
    Some(())
}
