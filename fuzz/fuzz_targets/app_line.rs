//! `strata_wire::app::line` (FTP / SMTP / POP3 / IMAP / SIP lines): `first_line`, `split_word`,
//! `reply_code`, `command`, on the input and on each of its lines in turn.
//! Checks: no panic; the first line is the input's prefix up to the first LF, less one CR
//! before it; a word is a prefix of the line without a space, the rest a suffix starting
//! after the separating spaces; a reply code is the line's three digits (0-999) and its text
//! the line from byte 4; a command is 1-16 letters, a prefix of the line.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_wire::app::line;

#[path = "slices.rs"]
mod slices;

fn check_line(l: &[u8]) {
    let (w, rest) = line::split_word(l);
    assert_eq!(slices::offset_in(l, w), 0);
    assert!(!w.contains(&b' '));
    if w.len() == l.len() {
        assert!(rest.is_empty());
    } else {
        assert_eq!(l[w.len()], b' ');
        assert!(!rest.starts_with(b" "));
        if !rest.is_empty() {
            assert_eq!(slices::offset_in(l, rest) + rest.len(), l.len());
        }
        assert!(l[w.len()..l.len() - rest.len()].iter().all(|&c| c == b' '));
    }
    match line::reply_code(l) {
        Some((code, text)) => {
            assert!(code <= 999);
            let digits = format!("{code:03}");
            assert_eq!(&l[..3], digits.as_bytes());
            assert!(matches!(l.get(3), None | Some(b' ' | b'-')));
            assert_eq!(text, l.get(4..).unwrap_or(&[]));
            if !text.is_empty() {
                assert_eq!(slices::offset_in(l, text), 4);
            }
        }
        None => assert!(
            l.len() < 3
                || !l[..3].iter().all(u8::is_ascii_digit)
                || !matches!(l.get(3), None | Some(b' ' | b'-'))
        ),
    }
    if let Some((cmd, arg)) = line::command(l) {
        assert_eq!((cmd, arg), (w, rest));
        assert!((1..=16).contains(&cmd.len()) && cmd.iter().all(u8::is_ascii_alphabetic));
        assert!(line::reply_code(l).is_none(), "a command is not a reply");
    }
}

fuzz_target!(|data: &[u8]| {
    let mut b = data;
    // Every line of the input, as a dissector walking a payload would.
    for _ in 0..1024 {
        let l = line::first_line(b);
        assert_eq!(slices::offset_in(b, l), 0);
        assert!(!l.contains(&b'\n'));
        let nl = b.iter().position(|&c| c == b'\n');
        match nl {
            Some(i) => {
                assert!(l.len() == i || (l.len() + 1 == i && b[l.len()] == b'\r'));
            }
            None => {
                assert!(l.len() == b.len() || (l.len() + 1 == b.len() && b[l.len()] == b'\r'));
            }
        }
        check_line(l);
        match nl {
            Some(i) => b = &b[i + 1..],
            None => break,
        }
    }
});
