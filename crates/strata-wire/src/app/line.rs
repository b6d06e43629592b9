//! Helpers for the text protocols whose messages are command and reply lines (FTP, SMTP,
//! POP3, IMAP, SIP): the first line of a payload and its words.

/// The first line of `b`, without its CR LF (the whole of `b` if it has no LF).
pub fn first_line(b: &[u8]) -> &[u8] {
    let l = match b.iter().position(|&c| c == b'\n') {
        Some(i) => &b[..i],
        None => b,
    };
    l.strip_suffix(b"\r").unwrap_or(l)
}

/// The first space-separated word of `l` and the rest after the separating spaces.
pub fn split_word(l: &[u8]) -> (&[u8], &[u8]) {
    match l.iter().position(|&c| c == b' ') {
        Some(i) => {
            let rest = &l[i + 1..];
            let skip = rest.iter().take_while(|&&c| c == b' ').count();
            (&l[..i], &rest[skip..])
        }
        None => (l, &[]),
    }
}

/// A reply line's three-digit code and its text (`220-` continuation lines included).
pub fn reply_code(l: &[u8]) -> Option<(u16, &[u8])> {
    let d = l.get(..3)?;
    if !d.iter().all(u8::is_ascii_digit) || !matches!(l.get(3), None | Some(b' ' | b'-')) {
        return None;
    }
    let code = d.iter().fold(0u16, |a, &c| a * 10 + (c - b'0') as u16);
    Some((code, l.get(4..).unwrap_or(&[])))
}

/// A request line: a command word of letters, and its argument.
pub fn command(l: &[u8]) -> Option<(&[u8], &[u8])> {
    let (cmd, arg) = split_word(l);
    (!cmd.is_empty() && cmd.len() <= 16 && cmd.iter().all(u8::is_ascii_alphabetic))
        .then_some((cmd, arg))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_words() {
        assert_eq!(first_line(b"USER anonymous\r\nPASS x"), b"USER anonymous");
        assert_eq!(
            command(b"USER  anonymous"),
            Some((&b"USER"[..], &b"anonymous"[..]))
        );
        assert_eq!(reply_code(b"220-Welcome"), Some((220, &b"Welcome"[..])));
        assert_eq!(reply_code(b"22x ok"), None);
        assert_eq!(command(b"220 ok"), None);
        assert_eq!(split_word(b"NOOP"), (&b"NOOP"[..], &b""[..]));
    }
}
