//! Text as Wireshark prints it from packet bytes: control bytes as `\xNN`, valid UTF-8 kept,
//! and each byte of an invalid UTF-8 sequence as U+FFFD, so output is always valid UTF-8
//! whatever the packet holds (TShark prints `f4 87 86 dd 60` as four U+FFFD and a backtick).

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends `bytes` to `out` in Wireshark's printable form.
pub fn push_printable(out: &mut Vec<u8>, bytes: &[u8]) {
    push_utf8_escaped(out, bytes, |out, c| {
        if !c.is_ascii_control() {
            return false;
        }
        out.extend_from_slice(b"\\x");
        out.push(HEX[(c >> 4) as usize]);
        out.push(HEX[(c & 0xf) as usize]);
        true
    });
}

/// Appends `bytes` as valid UTF-8: each byte of an invalid sequence as U+FFFD, and each
/// ASCII byte through `escape`, which writes its replacement and returns true, or returns
/// false to keep it. The escaping rules differ between Wireshark's views; this is their
/// common frame.
pub fn push_utf8_escaped(
    out: &mut Vec<u8>,
    mut bytes: &[u8],
    mut escape: impl FnMut(&mut Vec<u8>, u8) -> bool,
) {
    while !bytes.is_empty() {
        let (good, bad) = match core::str::from_utf8(bytes) {
            Ok(s) => (s.len(), 0),
            Err(e) => (
                e.valid_up_to(),
                e.error_len().unwrap_or(bytes.len() - e.valid_up_to()),
            ),
        };
        for &c in &bytes[..good] {
            if !(c.is_ascii() && escape(out, c)) {
                out.push(c);
            }
        }
        for _ in 0..bad {
            out.extend_from_slice("\u{fffd}".as_bytes());
        }
        bytes = &bytes[good + bad..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_tshark() {
        let mut o = Vec::new();
        push_printable(
            &mut o,
            &[0xf4, 0x87, 0x86, 0xdd, 0x60, b'a', 0x01, 0xc3, 0xa9],
        );
        assert_eq!(
            String::from_utf8(o).unwrap(),
            "\u{fffd}\u{fffd}\u{fffd}\u{fffd}`a\\x01\u{e9}"
        );
    }
}
