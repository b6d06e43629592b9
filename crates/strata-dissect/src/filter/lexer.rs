//! Tokens of Wireshark's display-filter language.

use super::FilterError;

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `==`, `eq`, `any_eq`: some occurrence equals.
    Eq,
    /// `!=`, `ne`: the field is present and no occurrence equals (Wireshark ≥ 3.6).
    Ne,
    /// `===`, `all_eq`: the field is present and every occurrence equals.
    AllEq,
    /// `!==`, `~=`, `any_ne`: some occurrence differs.
    AnyNe,
    Gt,
    Ge,
    Lt,
    Le,
    Contains,
    /// `matches`, `~`: a regular expression (case-insensitive unless it says otherwise).
    Matches,
    /// `&`, `bitwise_and`: some occurrence has a bit of the mask set.
    BitAnd,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    LParen,
    RParen,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Comma,
    Hash,
    And,
    Or,
    Not,
    In,
    Cmp(CmpOp),
    /// A field or protocol name, or an unquoted value (`10.0.0.0/8`, `00:11:22`, `0x50`).
    Word(String),
    /// A quoted string, escapes resolved.
    Str(Vec<u8>),
    /// A character constant (`'a'`), an integer.
    Char(u8),
    Eof,
}

/// A token and where it is: byte offsets into the filter text.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub start: usize,
    pub end: usize,
}

fn word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-' | '/')
}

/// Splits `src` into tokens; the last one is [`Tok::Eof`].
pub fn lex(src: &str) -> Result<Vec<Token>, FilterError> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let two = b.get(i..i + 2).unwrap_or(&[]);
        let three = b.get(i..i + 3).unwrap_or(&[]);
        let (tok, len) = match c {
            b'(' => (Tok::LParen, 1),
            b')' => (Tok::RParen, 1),
            b'{' => (Tok::LBrace, 1),
            b'}' => (Tok::RBrace, 1),
            b'[' => (Tok::LBracket, 1),
            b']' => (Tok::RBracket, 1),
            b',' => (Tok::Comma, 1),
            b'#' => (Tok::Hash, 1),
            b'=' if three == b"===" => (Tok::Cmp(CmpOp::AllEq), 3),
            b'=' if two == b"==" => (Tok::Cmp(CmpOp::Eq), 2),
            b'=' => {
                return Err(FilterError::at(
                    src,
                    start,
                    "\"=\" is not an operator (did you mean \"==\"?)",
                ))
            }
            b'!' if three == b"!==" => (Tok::Cmp(CmpOp::AnyNe), 3),
            b'!' if two == b"!=" => (Tok::Cmp(CmpOp::Ne), 2),
            b'!' => (Tok::Not, 1),
            b'~' if two == b"~=" => (Tok::Cmp(CmpOp::AnyNe), 2),
            b'~' => (Tok::Cmp(CmpOp::Matches), 1),
            b'>' if two == b">=" => (Tok::Cmp(CmpOp::Ge), 2),
            b'>' => (Tok::Cmp(CmpOp::Gt), 1),
            b'<' if two == b"<=" => (Tok::Cmp(CmpOp::Le), 2),
            b'<' => (Tok::Cmp(CmpOp::Lt), 1),
            b'&' if two == b"&&" => (Tok::And, 2),
            b'&' => (Tok::Cmp(CmpOp::BitAnd), 1),
            b'|' if two == b"||" => (Tok::Or, 2),
            b'"' => {
                let (s, n) = string(src, i, false)?;
                (Tok::Str(s), n)
            }
            b'r' | b'R' if b.get(i + 1) == Some(&b'"') => {
                let (s, n) = string(src, i + 1, true)?;
                (Tok::Str(s), n + 1)
            }
            b'\'' => {
                let (v, n) = char_const(src, i)?;
                (Tok::Char(v), n)
            }
            _ if word_char(c as char) => {
                let n = src[i..]
                    .find(|ch: char| !word_char(ch))
                    .unwrap_or(src.len() - i);
                let w = &src[i..i + n];
                let tok = match w {
                    "and" => Tok::And,
                    "or" => Tok::Or,
                    "not" => Tok::Not,
                    "in" => Tok::In,
                    "eq" | "any_eq" => Tok::Cmp(CmpOp::Eq),
                    "ne" => Tok::Cmp(CmpOp::Ne),
                    "all_eq" => Tok::Cmp(CmpOp::AllEq),
                    "any_ne" => Tok::Cmp(CmpOp::AnyNe),
                    "gt" => Tok::Cmp(CmpOp::Gt),
                    "ge" => Tok::Cmp(CmpOp::Ge),
                    "lt" => Tok::Cmp(CmpOp::Lt),
                    "le" => Tok::Cmp(CmpOp::Le),
                    "contains" => Tok::Cmp(CmpOp::Contains),
                    "matches" => Tok::Cmp(CmpOp::Matches),
                    "bitwise_and" => Tok::Cmp(CmpOp::BitAnd),
                    _ => Tok::Word(w.to_string()),
                };
                (tok, n)
            }
            _ => {
                let ch = src[i..].chars().next().unwrap_or('?');
                return Err(FilterError::at(
                    src,
                    start,
                    format!("unexpected character {ch:?}"),
                ));
            }
        };
        i += len;
        out.push(Token { tok, start, end: i });
    }
    out.push(Token {
        tok: Tok::Eof,
        start: src.len(),
        end: src.len(),
    });
    Ok(out)
}

/// A quoted string starting at the `"` at `at`; returns its bytes and its length with quotes.
fn string(src: &str, at: usize, raw: bool) -> Result<(Vec<u8>, usize), FilterError> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = at + 1;
    loop {
        match b.get(i) {
            None => return Err(FilterError::at(src, at, "unterminated string")),
            Some(b'"') => return Ok((out, i + 1 - at)),
            Some(b'\\') if raw => {
                // A raw string keeps the backslash; `\"` still does not end it.
                out.push(b'\\');
                if let Some(&n) = b.get(i + 1) {
                    out.push(n);
                    i += 2;
                } else {
                    i += 1;
                }
            }
            Some(b'\\') => {
                let (v, n) = escape(src, i)?;
                out.push(v);
                i += n;
            }
            Some(&c) => {
                out.push(c);
                i += 1;
            }
        }
    }
}

/// The escape sequence at `at` (a backslash): its byte and length.
fn escape(src: &str, at: usize) -> Result<(u8, usize), FilterError> {
    let b = src.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16);
    let Some(&c) = b.get(at + 1) else {
        return Err(FilterError::at(src, at, "unterminated escape sequence"));
    };
    Ok(match c {
        b'a' => (7, 2),
        b'b' => (8, 2),
        b'f' => (12, 2),
        b'n' => (b'\n', 2),
        b'r' => (b'\r', 2),
        b't' => (b'\t', 2),
        b'v' => (11, 2),
        b'x' => {
            let d1 = b.get(at + 2).and_then(|&c| hex(c));
            let d2 = b.get(at + 3).and_then(|&c| hex(c));
            match (d1, d2) {
                (Some(a), Some(b)) => ((a * 16 + b) as u8, 4),
                (Some(a), None) => (a as u8, 3),
                _ => {
                    return Err(FilterError::at(
                        src,
                        at,
                        "expected hex digits after \"\\x\"",
                    ))
                }
            }
        }
        b'0'..=b'7' => {
            let mut v = 0u32;
            let mut n = 1;
            while n <= 3 {
                match b.get(at + n) {
                    Some(&d @ b'0'..=b'7') => v = v * 8 + (d - b'0') as u32,
                    _ => break,
                }
                n += 1;
            }
            if v > 255 {
                return Err(FilterError::at(src, at, "octal escape above \\377"));
            }
            (v as u8, n)
        }
        b'\\' | b'"' | b'\'' => (c, 2),
        _ => {
            let e = src.get(at..at + 2).unwrap_or("\\");
            return Err(FilterError::at(
                src,
                at,
                format!("{e} is not a valid escape sequence (in a regular expression, write \\\\ for \\)"),
            ));
        }
    })
}

/// A character constant at `at` (a `'`): its value and length.
fn char_const(src: &str, at: usize) -> Result<(u8, usize), FilterError> {
    let b = src.as_bytes();
    let (v, n) = match b.get(at + 1) {
        Some(b'\\') => escape(src, at + 1)?,
        Some(&c) if c != b'\'' && c.is_ascii() => (c, 1),
        _ => {
            return Err(FilterError::at(
                src,
                at,
                "expected one character between quotes",
            ))
        }
    };
    if b.get(at + 1 + n) != Some(&b'\'') {
        return Err(FilterError::at(src, at, "unterminated character constant"));
    }
    Ok((v, n + 2))
}
