//! Scapy's expression syntax for `strata craft SPEC`: a Python expression subset.
//!
//! ```text
//! expr   := term (('+' | '-') term)*
//! term   := unary (('/' | '*') unary)*          -- '/' stacks layers, '*' repeats
//! unary  := '-' unary | atom
//! atom   := INT | FLOAT | STRING | BYTES | None | True | False
//!         | NAME '(' [arg (',' arg)* [',']] ')' | '(' expr ')' | '(' expr ',' ... ')'
//!         | '[' [expr (',' expr)* [',']] ']'
//! arg    := NAME '=' expr | expr
//! ```
//! Integers are decimal, `0x`, `0o` or `0b`; strings are `'...'` or `"..."` with Python's
//! escapes, `b'...'` for bytes. As in Scapy, a field given a list makes one packet per item, a
//! pair of integers `(a, b)` is the range a..=b, and an address with a prefix (`'198.18.0.0/30'`,
//! `'2001:db8::/126'`) makes one packet per address; `/` binds like `*` (left to right), so
//! `IP()/TCP()*3` is three packets and `IP()/('A'*100)` a 100-byte payload.
//!
//! # Cost
//!
//! Callers parse a spec for every packet they craft (`strata craft`, `strata send`, the
//! benchmark against Scapy), so parsing, not building, is the cost of crafting. Hence:
//! - the lexer hands out one token at a time as the parser asks (no token vector); a token is
//!   its kind and span packed in a `u128`, so it travels in registers, and a number or
//!   literal is checked when lexed but decoded only when used: a string literal without
//!   escapes is not copied at all, the value borrows it from the spec and the layer reads it
//!   there (only a layer that keeps a value, such as a payload, copies it);
//! - the parser evaluates as it goes instead of building a syntax tree, and sets each field as
//!   soon as its argument is read; an argument or item that is one literal (nearly all) is
//!   read without the expression machinery ([`Parser::item`]), and the usual `field='text'` /
//!   `field=80` argument and tuple of literals in a list (TCP options) straight from the bytes,
//!   without their tokens ([`Lexer::keyword_literal`], [`Lexer::literal_tuple`]);
//! - a layer matches a field name once ([`crate::packet::Proto::try_set`]), and crafting (which
//!   never shows its packets) lets layers skip what only `show()` reads, such as the option
//!   list as given ([`crate::packet::Proto::set_unshown`]);
//! - a field value that stands for one packet (the common case) is set once and never cloned;
//!   only lists, ranges and networks are expanded into alternatives;
//! - every layer of the spec goes into one vector as its call ends ([`Parser::layers`]); a
//!   stack is a range of it, and `a/b` joins two adjacent ranges instead of moving layers
//!   between vectors; that vector becomes the (last) packet's layers, without a copy, and a
//!   [`Crafter`] keeps it (and the frame buffers) from one spec to the next.
//!
//! Positions are byte offsets while parsing; an error leaving [`parse`] counts characters, as
//! the user reads the spec.
//!
//! Errors come out in the order of a parser that reads the whole spec before evaluating it:
//! a lexing error anywhere first, then the first syntax error, then the first evaluation error
//! (an unknown field, a bad value ...). Evaluating while parsing keeps that order by recording
//! the first evaluation error and parsing on without evaluating ([`Parser::failed`]), and by
//! lexing the rest of the spec before reporting a syntax error ([`Lexer::first_error`]).

use crate::error::{did_you_mean, CraftError};
use crate::packet::{set_field, set_known_field_as, Layer, Packet};
use crate::value::{same_name, Value};
use core::net::{Ipv4Addr, Ipv6Addr};
use std::borrow::Cow;

/// The parser's errors are boxed: every step returns a `Result`, and a small one is cheap to
/// pass up (errors are rare).
type Result<T> = core::result::Result<T, Box<CraftError>>;

/// The most packets one spec may expand to (a /12 of IPv4 addresses).
pub const MAX_PACKETS: usize = 1 << 20;

/// How deeply a spec may nest (parentheses, brackets, calls, unary `-`). The parser recurses
/// on nesting; without a bound, a spec of 10 000 `(` overflows the stack and aborts.
pub const MAX_DEPTH: usize = 100;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Kind {
    Name,
    Num,
    Str,
    Bytes,
    Punct,
    End,
    /// No token: the text here is not valid ([`Lexer::error`] says why).
    Error,
}

/// A token: what it is ([`Kind`]), an extra byte (`Punct`: the character; `Str` / `Bytes`: how
/// the literal is written, `PREFIX` | `RAW` | `PLAIN`) and where it lies in the spec
/// (`src[start..end]`). Numbers and literals are checked when lexed and decoded when used.
///
/// Packed in one `u128` (start in bits 0..32, end in 32..64, the extra byte in 64..72, the
/// kind in 72..80) because a scalar travels in registers: the parser moves a token for every
/// one it reads, and a token struct went through memory, written field by field and read back
/// whole, which stalls the CPU at every token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Tok(u128);

/// In a literal's `aux`: the length of its prefix (`b`, `r`, `rb` ...), which is where the
/// opening quote is from the token's start.
const PREFIX: u8 = 0b11;
/// `r'...'`: backslashes are kept.
const RAW: u8 = 0b100;
/// No escape sequence: the value's bytes are the body's.
const PLAIN: u8 = 0b1000;

impl Tok {
    /// (Positions fit in `u32`: [`parse_stack`] takes no longer spec.)
    fn new(kind: Kind, aux: u8, start: usize, end: usize) -> Tok {
        Tok(u128::from(start as u32)
            | u128::from(end as u32) << 32
            | u128::from(aux) << 64
            | (kind as u128) << 72)
    }
    fn kind(self) -> Kind {
        match (self.0 >> 72) as u8 {
            0 => Kind::Name,
            1 => Kind::Num,
            2 => Kind::Str,
            3 => Kind::Bytes,
            4 => Kind::Punct,
            5 => Kind::End,
            _ => Kind::Error,
        }
    }
    fn aux(self) -> u8 {
        (self.0 >> 64) as u8
    }
    fn start(self) -> usize {
        self.0 as u32 as usize
    }
    fn end(self) -> usize {
        (self.0 >> 32) as u32 as usize
    }
    /// The 1-based byte position errors give.
    fn pos(self) -> usize {
        self.start() + 1
    }
    /// Whether the token is of kind `k`: the kind byte compared as it lies, where
    /// `kind() == k` first turns it into a [`Kind`] (a test at nearly every token).
    #[inline(always)]
    fn is(self, k: Kind) -> bool {
        (self.0 >> 72) as u8 == k as u8
    }
    /// Whether the token is the punctuation `c`: kind and character in one comparison.
    #[inline(always)]
    fn is_punct(self, c: u8) -> bool {
        (self.0 >> 64) as u16 == (Kind::Punct as u16) << 8 | u16::from(c)
    }
}

fn syntax(pos: usize, msg: impl Into<String>) -> Box<CraftError> {
    Box::new(CraftError::Syntax {
        col: pos,
        msg: msg.into(),
    })
}

/// The offset of the first byte at or after `i` that is not a space, and that byte. (Looks
/// for more spaces only when there is one: most specs have none.)
#[inline(always)]
fn after_spaces(b: &[u8], mut i: usize) -> (usize, Option<u8>) {
    if b.get(i) == Some(&b' ') {
        while b.get(i) == Some(&b' ') {
            i += 1;
        }
    }
    (i, b.get(i).copied())
}

/// The character starting at byte `i` (ASCII without decoding).
fn char_at(src: &str, i: usize) -> Option<char> {
    match src.as_bytes().get(i) {
        Some(&b) if b.is_ascii() => Some(b as char),
        Some(_) => src.get(i..)?.chars().next(),
        None => None,
    }
}

/// The lexer: tokens one at a time, as the parser asks for them (no token vector; the parser
/// keeps one token of look-ahead).
#[derive(Clone, Copy)]
struct Lexer<'a> {
    src: &'a str,
    /// Byte offset where the next token (or whitespace before it) starts.
    i: usize,
}

impl<'a> Lexer<'a> {
    /// Moves past whitespace (Python's: ASCII and Unicode).
    fn skip_space(&mut self) {
        let bytes = self.src.as_bytes();
        while let Some(&b) = bytes.get(self.i) {
            match b {
                // `char::is_whitespace` for ASCII.
                b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r' => self.i += 1,
                _ if b.is_ascii() => return,
                _ => match char_at(self.src, self.i) {
                    Some(c) if c.is_whitespace() => self.i += c.len_utf8(),
                    _ => return,
                },
            }
        }
    }

    /// Whether the next token is the punctuation `c`, without consuming anything.
    #[inline(always)]
    fn next_is(&self, c: u8) -> bool {
        match self.src.as_bytes().get(self.i) {
            Some(&b) if b == c => true,
            Some(&b) if matches!(START[usize::from(b)], Start::Space | Start::Other) => {
                self.next_is_after_space(c)
            }
            _ => false,
        }
    }

    /// [`Lexer::next_is`] past whitespace.
    fn next_is_after_space(&self, c: u8) -> bool {
        let mut ahead = *self;
        ahead.skip_space();
        ahead.src.as_bytes().get(ahead.i) == Some(&c)
    }

    /// The next token; `End` at the end, again and again. On bad text, an `Error` token, and
    /// the lexer stays before it: [`Lexer::error`] tells why. (Not a `Result`: a bare token
    /// comes back in registers, which matters at one call per token.)
    #[inline(always)]
    fn next(&mut self) -> Tok {
        // Punctuation, half the tokens of a spec, without the general path's frame.
        match self.src.as_bytes().get(self.i) {
            Some(&b) if matches!(START[usize::from(b)], Start::Punct) => {
                self.i += 1;
                Tok::new(Kind::Punct, b, self.i - 1, self.i)
            }
            _ => self.next_general(),
        }
    }

    /// [`Lexer::next`] for any token.
    #[inline(never)]
    fn next_general(&mut self) -> Tok {
        self.scan()
            .unwrap_or(Tok::new(Kind::Error, 0, self.i, self.i))
    }

    /// Why the text at the lexer's position is not a token (after an `Error` token).
    #[cold]
    fn error(&self) -> Box<CraftError> {
        match { *self }.scan() {
            Err(e) => e,
            Ok(_) => syntax(self.i + 1, "unexpected text"),
        }
    }

    /// Reads the next token.
    #[inline(always)]
    fn scan(&mut self) -> Result<Tok> {
        let (src, bytes) = (self.src, self.src.as_bytes());
        loop {
            let i = self.i;
            let Some(&b) = bytes.get(i) else {
                return Ok(Tok::new(Kind::End, 0, bytes.len(), bytes.len()));
            };
            let tok = match START[usize::from(b)] {
                Start::Punct => Tok::new(Kind::Punct, b, i, i + 1),
                Start::Letter => name_token(src, i, i + 1),
                Start::Space => {
                    self.i += 1;
                    continue;
                }
                Start::Quote => literal_token(src, i, 0)?,
                // `b`/`r` start a string prefix only when a quote follows.
                Start::Prefix => match string_prefix(&bytes[i..]) {
                    Some(p) => literal_token(src, i, p)?,
                    None => name_token(src, i, i + 1),
                },
                Start::Digit => number_token(src, i)?,
                Start::Dot | Start::Other => match self.rare(b)? {
                    Some(t) => t,
                    None => continue,
                },
            };
            self.i = tok.end();
            return Ok(tok);
        }
    }

    /// The token at `self.i`, starting with `b`, when it is not one of the usual kinds: a
    /// number starting with `.`, or a non-ASCII byte judged as the character it starts
    /// (Unicode whitespace, skipped: `None`; a letter starting a name); anything else is an
    /// error. Kept out of [`Lexer::next_general`] so the usual tokens pay for none of it.
    #[cold]
    #[inline(never)]
    fn rare(&mut self, b: u8) -> Result<Option<Tok>> {
        let (src, i) = (self.src, self.i);
        if b == b'.' && src.as_bytes().get(i + 1).is_some_and(u8::is_ascii_digit) {
            return number_token(src, i).map(Some);
        }
        let c = char_at(src, i).unwrap_or(char::REPLACEMENT_CHARACTER);
        if !b.is_ascii() && c.is_whitespace() {
            self.i += c.len_utf8();
            return Ok(None);
        }
        if !b.is_ascii() && c.is_alphabetic() {
            Ok(Some(name_token(src, i, i + c.len_utf8())))
        } else {
            Err(syntax(i + 1, format!("unexpected character '{c}'")))
        }
    }

    /// After a name (the lexer just past it): `= literal` followed by `,` or `)`, with at most
    /// spaces between, the literal one [`Lexer::plain_literal`] reads: its value, where it
    /// starts and where the `,` or `)` is. `None` for anything else, which the general path
    /// reads (nothing is consumed here).
    #[inline(always)]
    fn keyword_literal(&self) -> Option<(Value<'a>, usize, usize)> {
        let b = self.src.as_bytes();
        let (eq, c) = after_spaces(b, self.i);
        if c != Some(b'=') {
            return None;
        }
        let (start, _) = after_spaces(b, eq + 1);
        let (v, i) = self.plain_literal(start)?;
        let (end, c) = after_spaces(b, i);
        matches!(c, Some(b',' | b')')).then_some((v, start, end))
    }

    /// After `(` (the lexer just past it): a tuple of literals [`Lexer::plain_literal`] reads,
    /// with at least one comma (`('MSS', 1460)`, `('NOP', None)`), followed by `,` or `close`:
    /// its items and where the `,` or `close` is. `None` for anything else (nothing is
    /// consumed).
    fn literal_tuple(&self, close: u8) -> Option<(Vec<Value<'a>>, usize)> {
        let b = self.src.as_bytes();
        let mut items = Vec::new();
        let mut i = self.i;
        let mut comma = false;
        loop {
            let (at, _) = after_spaces(b, i);
            let (v, end) = self.plain_literal(at)?;
            if items.is_empty() {
                // Tuples are nearly always pairs.
                items.reserve_exact(2);
            }
            items.push(v);
            match after_spaces(b, end) {
                (k, Some(b')')) => {
                    i = k + 1;
                    break;
                }
                (k, Some(b',')) => {
                    comma = true;
                    i = k + 1;
                    if let (k, Some(b')')) = after_spaces(b, i) {
                        i = k + 1;
                        break;
                    }
                }
                _ => return None,
            }
        }
        let (end, c) = after_spaces(b, i);
        (comma && (c == Some(b',') || c == Some(close))).then_some((items, end))
    }

    /// The literal starting at byte `i` when it is one the usual arguments and items are: a
    /// plain string or bytes literal (no escape, ASCII, no raw prefix), a plain decimal,
    /// `None`, `True` or `False`; its value (as [`Parser::literal_value`] gives it) and the
    /// offset after it. `None` for anything else.
    #[inline(always)]
    fn plain_literal(&self, mut i: usize) -> Option<(Value<'a>, usize)> {
        let (src, b) = (self.src, self.src.as_bytes());
        let v = match *b.get(i)? {
            c @ (b'\'' | b'"' | b'b' | b'B') => {
                let is_bytes = matches!(c, b'b' | b'B');
                let quote = i + usize::from(is_bytes);
                let q = *b.get(quote)?;
                if !matches!(q, b'\'' | b'"') {
                    return None;
                }
                let rest = b.get(quote + 1..)?;
                let n = rest.iter().position(|&c| LITERAL_STOP[usize::from(c)])?;
                if rest[n] != q {
                    return None;
                }
                // ASCII up to the closing quote: the slice is on character boundaries.
                let body = src.get(quote + 1..quote + 1 + n)?;
                i = quote + n + 2;
                if is_bytes {
                    Value::Bytes(Cow::Borrowed(body.as_bytes()))
                } else {
                    Value::Str(Cow::Borrowed(body))
                }
            }
            b'0'..=b'9' => {
                // As `number_token`'s plain decimals and `small_decimal`.
                let digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
                let continues = |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.');
                if digits > 18 || b.get(i + digits).is_some_and(continues) {
                    return None;
                }
                let v = small_decimal(&b[i..i + digits])?;
                i += digits;
                Value::Int(v)
            }
            b'N' | b'T' | b'F' => {
                let n = b[i..]
                    .iter()
                    .take_while(|&&c| NAME_BYTES[usize::from(c)])
                    .count();
                // A non-ASCII character may continue the name.
                if b.get(i + n).is_some_and(|c| !c.is_ascii()) {
                    return None;
                }
                let v = match &b[i..i + n] {
                    b"None" => Value::None,
                    b"True" => Value::Bool(true),
                    b"False" => Value::Bool(false),
                    _ => return None,
                };
                i += n;
                v
            }
            _ => return None,
        };
        Some((v, i))
    }

    /// The first lexing error from here to the end, if any: it outranks a syntax error found
    /// earlier (see the module docs).
    fn first_error(mut self) -> Option<Box<CraftError>> {
        loop {
            match self.next().kind() {
                Kind::End => return None,
                Kind::Error => return Some(self.error()),
                _ => {}
            }
        }
    }
}

/// What a token starting with a byte is: the lexer's first-byte dispatch. Classes are
/// disjoint except `b`/`r`, a string prefix only when a quote follows; a non-ASCII byte is
/// `Other`, judged as the character it starts.
#[derive(Clone, Copy)]
enum Start {
    Space,
    Punct,
    Digit,
    Dot,
    Quote,
    Prefix,
    Letter,
    Other,
}

const START: [Start; 256] = {
    let mut t = [Start::Other; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = match b as u8 {
            // `char::is_whitespace` for ASCII.
            b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r' => Start::Space,
            b'(' | b')' | b'[' | b']' | b',' | b'=' | b'/' | b'*' | b'+' | b'-' => Start::Punct,
            b'0'..=b'9' => Start::Digit,
            b'.' => Start::Dot,
            b'\'' | b'"' => Start::Quote,
            b'b' | b'B' | b'r' | b'R' => Start::Prefix,
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => Start::Letter,
            _ => Start::Other,
        };
        b += 1;
    }
    t
};

/// Bytes where a plain literal's run of ordinary text stops: quotes, a backslash, non-ASCII.
const LITERAL_STOP: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = matches!(b as u8, b'\'' | b'"' | b'\\') || b >= 0x80;
        b += 1;
    }
    t
};

/// The string or bytes literal starting at byte `start`, with a prefix of `p` bytes, and the
/// offset after it.
#[inline(always)]
fn literal_token(src: &str, start: usize, p: usize) -> Result<Tok> {
    let bytes = src.as_bytes();
    let prefix = &bytes[start..start + p];
    let raw = prefix.iter().any(|b| b.eq_ignore_ascii_case(&b'r'));
    let is_bytes = prefix.iter().any(|b| b.eq_ignore_ascii_case(&b'b'));
    let quote = start + p;
    // Most literals are plain ASCII: the body ends at the next quote. Anything else (an
    // escape, a non-ASCII character, the other quote, no closing quote) takes the general path.
    let q = bytes[quote];
    let rest = &bytes[quote + 1..];
    let (end, plain) = match rest.iter().position(|&c| LITERAL_STOP[usize::from(c)]) {
        Some(n) if rest[n] == q => (quote + n + 2, true),
        _ => scan_literal(src, quote, raw, is_bytes, None)?,
    };
    let form = p as u8 | if raw { RAW } else { 0 } | if plain { PLAIN } else { 0 };
    let kind = if is_bytes { Kind::Bytes } else { Kind::Str };
    Ok(Tok::new(kind, form, start, end))
}

/// The number starting at byte `start` and the offset after it.
#[inline(always)]
fn number_token(src: &str, start: usize) -> Result<Tok> {
    let bytes = src.as_bytes();
    // Plain decimals (`80`, `1460`), nearly every number in a spec, end at the first
    // non-digit when it cannot continue a number.
    let digits = bytes[start..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let end = start + digits;
    let continues = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.');
    if (1..=18).contains(&digits) && !bytes.get(end).is_some_and(continues) {
        return Ok(Tok::new(Kind::Num, 0, start, end));
    }
    let mut i = start;
    while i < bytes.len()
        && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'.')
    {
        i += 1;
        // An exponent sign belongs to the number: 1e-3 (but not 0x1e-3).
        if i < bytes.len()
            && matches!(bytes[i], b'+' | b'-')
            && matches!(bytes[i - 1], b'e' | b'E')
            && !bytes[start..i].iter().any(|c| matches!(c, b'x' | b'X'))
        {
            i += 1;
        }
    }
    let text = &src[start..i];
    number_value(text, start + 1)?;
    Ok(Tok::new(Kind::Num, 0, start, i))
}

/// A number's value.
enum Number {
    Int(i128),
    Float(f64),
}

/// The value of the number `text` (a [`Tok::Num`]) at 1-based position `pos`.
fn number_value(text: &str, pos: usize) -> Result<Number> {
    if let Some(v) = small_decimal(text.as_bytes()) {
        return Ok(Number::Int(v));
    }
    let text: Cow<str> = if text.contains('_') {
        text.replace('_', "").into()
    } else {
        text.into()
    };
    number(&text, pos)
}

/// A plain decimal of at most 18 digits (`80`, `1460`, `40000`), the usual number in a spec,
/// read without the general path's underscore, prefix and float checks (and with the value
/// [`number`] gives it). Anything else is `None` and goes the general way.
fn small_decimal(b: &[u8]) -> Option<i128> {
    if b.is_empty() || b.len() > 18 {
        return None;
    }
    b.iter()
        .try_fold(0i64, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
        })
        .map(i128::from)
}

/// Bytes that continue a name: ASCII letters, digits and `_` (a non-ASCII byte is judged as
/// the character it starts, in [`name_token`]'s slow path).
const NAME_BYTES: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'_';
        b += 1;
    }
    t
};

/// The name starting at byte `start` whose first character ends at `i`, and its end.
#[inline(always)]
fn name_token(src: &str, start: usize, mut i: usize) -> Tok {
    let bytes = src.as_bytes();
    while let Some(&b) = bytes.get(i) {
        if NAME_BYTES[usize::from(b)] {
            i += 1;
        } else if b.is_ascii() {
            break;
        } else {
            match char_at(src, i) {
                Some(c) if c.is_alphanumeric() => i += c.len_utf8(),
                _ => break,
            }
        }
    }
    Tok::new(Kind::Name, 0, start, i)
}

/// Length of a string prefix (`'`, `b'`, `rb"` ...) at the start of `s`, if a literal starts.
fn string_prefix(s: &[u8]) -> Option<usize> {
    let mut n = 0;
    while n < 2
        && s.get(n)
            .is_some_and(|c| matches!(c, b'b' | b'B' | b'r' | b'R'))
    {
        n += 1;
    }
    matches!(s.get(n), Some(b'\'' | b'"')).then_some(n)
}

/// Reads the quoted literal whose opening quote is at byte `quote`: returns the byte offset
/// after the closing quote and whether the body had no escape sequence. With `out`, also
/// writes the literal's bytes there (UTF-8 for a `str`).
///
/// One function both checks a literal (the lexer, without `out`) and decodes it (when it
/// becomes a value), so the two cannot disagree.
fn scan_literal(
    src: &str,
    quote: usize,
    raw: bool,
    bytes: bool,
    mut out: Option<&mut Vec<u8>>,
) -> Result<(usize, bool)> {
    let q = char::from(src.as_bytes()[quote]);
    let mut plain = true;
    let mut i = quote + 1;
    let push_char = |out: &mut Option<&mut Vec<u8>>, c: char| {
        if let Some(out) = out {
            out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
        }
    };
    loop {
        // Ordinary text goes in one run: only the quote, a backslash (unless raw) and, in
        // bytes, a non-ASCII character need a closer look.
        let rest = &src.as_bytes()[i..];
        let run = rest
            .iter()
            .position(|&b| b == q as u8 || (b == b'\\' && !raw) || (bytes && !b.is_ascii()))
            .unwrap_or(rest.len());
        if let Some(out) = &mut out {
            out.extend_from_slice(&rest[..run]);
        }
        i += run;
        let at = i;
        let Some(c) = char_at(src, i) else {
            return Err(syntax(quote + 1, "string is not closed"));
        };
        i += c.len_utf8();
        if c == q {
            return Ok((i, plain));
        }
        if c != '\\' || raw {
            if bytes && !c.is_ascii() {
                return Err(syntax(at + 1, "bytes literals take ASCII characters only"));
            }
            push_char(&mut out, c);
            continue;
        }
        plain = false;
        let Some(e) = char_at(src, i) else {
            return Err(syntax(at + 1, "string is not closed"));
        };
        i += e.len_utf8();
        let code: u32 = match e {
            'n' => 10,
            'r' => 13,
            't' => 9,
            'a' => 7,
            'b' => 8,
            'f' => 12,
            'v' => 11,
            '\\' | '\'' | '"' => e as u32,
            'x' => {
                // Exactly two characters, whatever they are; from_str_radix judges them.
                let two = src[i..]
                    .char_indices()
                    .nth(1)
                    .map(|(k, c)| &src[i..i + k + c.len_utf8()]);
                let v = two
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .ok_or_else(|| syntax(at + 1, "\\x needs two hex digits"))?;
                i += two.map_or(0, str::len);
                v
            }
            '0'..='7' => {
                let mut v = e as u32 - '0' as u32;
                let mut n = 1;
                while n < 3 {
                    match src.as_bytes().get(i) {
                        Some(d @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(d - b'0');
                            i += 1;
                            n += 1;
                        }
                        _ => break,
                    }
                }
                v
            }
            other => {
                // Python keeps an unknown escape as is.
                push_char(&mut out, '\\');
                other as u32
            }
        };
        if bytes {
            if let Some(out) = &mut out {
                out.push((code & 0xff) as u8);
            }
        } else {
            push_char(&mut out, char::from_u32(code).unwrap_or('\u{fffd}'));
        }
    }
}

fn number(text: &str, pos: usize) -> Result<Number> {
    let bad = || syntax(pos, format!("'{text}' is not a number"));
    let radix = match text.get(..2) {
        Some(p) if p.eq_ignore_ascii_case("0x") => 16,
        Some(p) if p.eq_ignore_ascii_case("0o") => 8,
        Some(p) if p.eq_ignore_ascii_case("0b") => 2,
        _ => 0,
    };
    if radix != 0 {
        i128::from_str_radix(&text[2..], radix)
            .map(Number::Int)
            .map_err(|_| bad())
    } else if text.contains(['.', 'e', 'E']) {
        text.parse::<f64>().map(Number::Float).map_err(|_| bad())
    } else {
        text.parse::<i128>().map(Number::Int).map_err(|_| bad())
    }
}

/// A token as error messages name it; `text` is its text.
fn describe(t: Tok, text: &str) -> String {
    match t.kind() {
        Kind::Name => format!("'{text}'"),
        Kind::Num => match number_value(text, 0) {
            Ok(Number::Int(i)) => i.to_string(),
            Ok(Number::Float(f)) => f.to_string(),
            Err(_) => text.to_string(),
        },
        Kind::Str => "a string".into(),
        Kind::Bytes => "bytes".into(),
        Kind::Punct => format!("'{}'", char::from(t.aux())),
        Kind::End => "the end".into(),
        Kind::Error => "bad text".into(),
    }
}

/// Packets being composed: their layers (with the fields already set) as a range of
/// [`Parser::layers`], the fields that make more than one packet, and how many times the whole
/// stack is repeated.
struct Stack<'a> {
    layers: core::ops::Range<usize>,
    varying: Vec<Varying<'a>>,
    repeat: usize,
}

/// A field given a list, range or network: its alternatives, one packet each.
struct Varying<'a> {
    /// Index of the layer in [`Parser::layers`].
    layer: usize,
    field: &'static str,
    alts: Vec<Value<'a>>,
}

/// What an expression evaluates to.
enum Val<'a> {
    V(Value<'a>),
    P(Stack<'a>),
    /// Not evaluated: an earlier evaluation failed (see [`Parser::failed`]).
    Failed,
}

/// An expression's value and its 1-based byte position: that of its first token, of its
/// operator for `a op b`, of the opening bracket for a tuple or list.
type Valued<'a> = (Val<'a>, usize);

struct Parser<'a> {
    src: &'a str,
    lexer: Lexer<'a>,
    /// The next token, lexed one ahead.
    cur: Tok,
    /// The first evaluation error. Once set, the parser checks the rest of the syntax without
    /// evaluating, so a later syntax error is still the one reported.
    failed: Option<Box<CraftError>>,
    /// Every layer evaluated so far, in spec order. A layer call's operands are read before
    /// the layer is added, and `b` of `a/b` right after `a`, so while evaluation is on, the
    /// layers of `a` and of `b` are adjacent ranges (a layer used anywhere else, as a field
    /// value or a list item, is an evaluation error and turns evaluation off).
    layers: Vec<Layer>,
    /// How many [`Parser::atom`]s are open (see [`MAX_DEPTH`]).
    depth: usize,
    /// Whether the packets may be shown (`parse_spec`); crafting only builds them, and layers
    /// skip what only `show()` reads ([`crate::packet::Proto::set_unshown`]).
    shown: bool,
}

impl<'a> Parser<'a> {
    /// A token's text.
    #[inline(always)]
    fn text(&self, t: Tok) -> &'a str {
        self.src.get(t.start()..t.end()).unwrap_or_default()
    }
    /// The text between a literal's quotes.
    fn body(&self, t: Tok) -> &'a str {
        let quote = t.start() + usize::from(t.aux() & PREFIX);
        self.src
            .get(quote + 1..t.end().saturating_sub(1))
            .unwrap_or_default()
    }
    /// "unexpected ..." / "found ..." for token `t`.
    fn describe(&self, t: Tok) -> String {
        describe(t, self.text(t))
    }
    /// Consumes the current token; lexing the one after it may fail.
    #[inline(always)]
    fn next(&mut self) -> Result<Tok> {
        let t = self.cur;
        self.cur = self.lexer.next();
        if self.cur.is(Kind::Error) {
            return Err(self.lexer.error());
        }
        Ok(t)
    }
    #[inline(always)]
    fn eat(&mut self, c: u8) -> Result<bool> {
        if self.cur.is_punct(c) {
            self.next()?;
            Ok(true)
        } else {
            Ok(false)
        }
    }
    #[inline(always)]
    fn require(&mut self, c: u8, what: &str) -> Result<()> {
        if self.eat(c)? {
            Ok(())
        } else {
            Err(self.expected(what))
        }
    }
    /// "expected `what`, found ..." at the current token.
    #[cold]
    fn expected(&self, what: &str) -> Box<CraftError> {
        let t = self.cur;
        syntax(
            t.pos(),
            format!("expected {what}, found {}", self.describe(t)),
        )
    }

    /// Whether evaluation is still on (no evaluation error so far).
    fn live(&self) -> bool {
        self.failed.is_none()
    }

    /// Runs one evaluation step while evaluation is on; its error is kept, not returned.
    fn eval<T>(&mut self, step: impl FnOnce() -> Result<T>) -> Option<T> {
        if !self.live() {
            return None;
        }
        step().map_err(|e| self.failed = Some(e)).ok()
    }

    /// [`Parser::eval`] for a step giving a value.
    fn eval_val(&mut self, step: impl FnOnce() -> Result<Val<'a>>) -> Val<'a> {
        self.eval(step).unwrap_or(Val::Failed)
    }

    /// The field value an expression stands for (`None` once evaluation is off).
    #[inline(always)]
    fn value(&mut self, (v, pos): Valued<'a>) -> Option<Value<'a>> {
        match v {
            Val::V(v) => Some(v),
            Val::P(_) => self.eval(|| Err(syntax(pos, "a packet cannot be a field value here"))),
            Val::Failed => None,
        }
    }

    fn expr(&mut self) -> Result<Valued<'a>> {
        self.operation(1)
    }

    /// The grammar's `expr` and `term` by precedence climbing: an operand, then operators
    /// binding at least as tightly as `min` (1: `+ -`, 2: `/ *`), each left-associative.
    /// One function for both levels keeps the call chain from an argument to its literal
    /// short, and the (large) values are copied up fewer frames.
    fn operation(&mut self, min: u8) -> Result<Valued<'a>> {
        let (mut l, mut lpos) = self.atom()?;
        while self.cur.is(Kind::Punct) && matches!(self.cur.aux(), b'+' | b'-' | b'/' | b'*') {
            let (op, pos) = (self.cur.aux(), self.cur.pos());
            let binds = if matches!(op, b'+' | b'-') { 1 } else { 2 };
            if binds < min {
                break;
            }
            self.next()?;
            let (r, rpos) = self.operation(binds + 1)?;
            let layers = &mut self.layers;
            l = if self.failed.is_none() {
                binary(layers, op, l, r, pos, (lpos, rpos)).unwrap_or_else(|e| {
                    self.failed = Some(e);
                    Val::Failed
                })
            } else {
                Val::Failed
            };
            lpos = pos;
        }
        Ok((l, lpos))
    }

    /// The grammar's `unary` and `atom`. Every nesting (`-`, `(`, `[`, a call's arguments)
    /// passes through here, so this is where the depth is bounded.
    fn atom(&mut self) -> Result<Valued<'a>> {
        if self.depth >= MAX_DEPTH {
            return Err(syntax(
                self.cur.pos(),
                format!("the spec is nested too deeply (more than {MAX_DEPTH} levels)"),
            ));
        }
        self.depth += 1;
        let v = self.atom_inner();
        self.depth -= 1;
        v
    }

    fn atom_inner(&mut self) -> Result<Valued<'a>> {
        let t = self.next()?;
        let pos = t.pos();
        if let Some(v) = self.literal(t)? {
            return Ok((v, pos));
        }
        let v = match (t.kind(), t.aux()) {
            (Kind::Punct, b'-') => {
                let (v, _) = self.atom()?;
                self.eval_val(|| match v {
                    Val::V(Value::Int(i)) => Ok(Val::V(Value::Int(i.wrapping_neg()))),
                    Val::V(Value::Float(f)) => Ok(Val::V(Value::Float(-f))),
                    _ => Err(syntax(pos, "'-' applies to numbers only")),
                })
            }
            (Kind::Name, _) => self.call(self.text(t), pos)?,
            (Kind::Punct, b'(') => {
                if self.eat(b')')? {
                    return Ok((Val::V(Value::Tuple(Vec::new())), pos));
                }
                let first = self.item(b')')?;
                if self.eat(b')')? {
                    return Ok(first);
                }
                // Tuples are nearly always pairs: `('MSS', 1460)`, `(1, 1024)`.
                let mut items = Vec::with_capacity(2);
                if let Some(v) = self.value(first) {
                    items.push(v);
                }
                while self.eat(b',')? {
                    if self.eat(b')')? {
                        return Ok((self.eval_val(|| Ok(Val::V(Value::Tuple(items)))), pos));
                    }
                    let item = self.item(b')')?;
                    if let Some(v) = self.value(item) {
                        items.push(v);
                    }
                }
                self.require(b')', "',' or ')'")?;
                self.eval_val(|| Ok(Val::V(Value::Tuple(items))))
            }
            (Kind::Punct, b'[') => {
                let mut items = Vec::with_capacity(4);
                while !self.eat(b']')? {
                    // A tuple of literals (TCP options) read from the bytes in one go, as its
                    // `atom` would read it (hence the depth bound).
                    if self.cur.is_punct(b'(') && self.live() && self.depth < MAX_DEPTH {
                        if let Some((tuple, end)) = self.lexer.literal_tuple(b']') {
                            self.lexer.i = end;
                            self.cur = self.lexer.next();
                            items.push(Value::Tuple(tuple));
                            if !self.eat(b',')? {
                                self.require(b']', "',' or ']'")?;
                                break;
                            }
                            continue;
                        }
                    }
                    let item = self.item(b']')?;
                    if let Some(v) = self.value(item) {
                        items.push(v);
                    }
                    if !self.eat(b',')? {
                        self.require(b']', "',' or ']'")?;
                        break;
                    }
                }
                self.eval_val(|| Ok(Val::V(Value::List(items))))
            }
            _ => return Err(syntax(pos, format!("unexpected {}", self.describe(t)))),
        };
        Ok((v, pos))
    }

    /// The value of the literal token `t` (a number, string, bytes, `None`, `True`, `False`);
    /// `None` if `t` is not a literal.
    #[inline(always)]
    fn literal(&self, t: Tok) -> Result<Option<Val<'a>>> {
        if matches!(t.kind(), Kind::Str | Kind::Bytes) && !self.live() {
            return Ok(Some(Val::Failed));
        }
        Ok(self.literal_value(t)?.map(Val::V))
    }

    /// [`Parser::literal`] while evaluation is on: the value itself.
    #[inline(always)]
    fn literal_value(&self, t: Tok) -> Result<Option<Value<'a>>> {
        Ok(Some(match t.kind() {
            // A plain decimal straight from the bytes (the general path slices the text).
            Kind::Num => {
                let digits = self.src.as_bytes().get(t.start()..t.end());
                match small_decimal(digits.unwrap_or_default()) {
                    Some(i) => Value::Int(i),
                    None => match number_value(self.text(t), t.pos())? {
                        Number::Int(i) => Value::Int(i),
                        Number::Float(f) => Value::Float(f),
                    },
                }
            }
            Kind::Str => Value::Str(self.decode_str(t)?),
            Kind::Bytes => Value::Bytes(self.decode(t, true)?),
            Kind::Name => match self.text(t) {
                "None" => Value::None,
                "True" => Value::Bool(true),
                "False" => Value::Bool(false),
                _ => return Ok(None),
            },
            Kind::Punct | Kind::End | Kind::Error => return Ok(None),
        }))
    }

    /// An argument or a tuple or list item: an expression followed by `,` or `close`. Nearly
    /// all are one literal, read here without the expression machinery ([`Parser::expr`]
    /// gives the same value).
    #[inline(always)]
    fn item(&mut self, close: u8) -> Result<Valued<'a>> {
        let t = self.cur;
        if self.lexer.next_is(b',') || self.lexer.next_is(close) {
            if let Some(v) = self.literal(t)? {
                self.next()?;
                return Ok((v, t.pos()));
            }
        }
        self.expr()
    }

    /// A literal's bytes (UTF-8 for a `str`): the body where it lies in the spec, or decoded
    /// when it has escapes.
    fn decode(&self, t: Tok, bytes: bool) -> Result<Cow<'a, [u8]>> {
        let body = self.body(t);
        if t.aux() & PLAIN != 0 {
            return Ok(Cow::Borrowed(body.as_bytes()));
        }
        let mut out = Vec::with_capacity(body.len());
        let quote = t.start() + usize::from(t.aux() & PREFIX);
        scan_literal(self.src, quote, t.aux() & RAW != 0, bytes, Some(&mut out))?;
        Ok(Cow::Owned(out))
    }

    /// A `str` literal's text (a plain one is borrowed without checking its UTF-8 again).
    #[inline(always)]
    fn decode_str(&self, t: Tok) -> Result<Cow<'a, str>> {
        if t.aux() & PLAIN != 0 {
            return Ok(Cow::Borrowed(self.body(t)));
        }
        // Decoding writes whole characters, so the bytes are UTF-8.
        let bytes = self.decode(t, false)?.into_owned();
        Ok(Cow::Owned(String::from_utf8(bytes).unwrap_or_default()))
    }

    /// `NAME(args)`: a layer, with each argument set as soon as it is read; or a value object
    /// (`DNSQR(...)`, `IPOption_NOP()`) that the field receiving it checks.
    fn call(&mut self, name: &'a str, pos: usize) -> Result<Val<'a>> {
        if !self.eat(b'(')? {
            return Err(syntax(pos, format!("{name} needs parentheses: {name}()")));
        }
        // A layer goes into `Parser::layers` now and its fields are set there (no move of the
        // finished layer); a call that fails leaves it there, harmless: the spec has failed.
        let layer = Layer::push_class(name, &mut self.layers).then(|| self.layers.len() - 1);
        let mut varying: Vec<Varying> = Vec::new();
        let mut call_args = Vec::new();
        while !self.eat(b')')? {
            // The usual argument, `field='text'` or `field=80` of a layer, read from the bytes
            // in one go ([`Lexer::keyword_literal`]) and set: what the paths below do with four
            // tokens, the value's expression and `Parser::item`.
            if self.cur.is(Kind::Name) && self.live() {
                if let Some((v, vstart, after)) = self.lexer.keyword_literal() {
                    let arg = (self.text(self.cur), self.cur.pos());
                    // The `,` or `)` after the value, the token the general path has next.
                    let c = self.src.as_bytes()[after];
                    self.cur = Tok::new(Kind::Punct, c, after, after + 1);
                    self.lexer.i = after + 1;
                    if let Some(at) = layer {
                        let (l, shown) = (&mut self.layers[at], self.shown);
                        if let Err(e) = set_arg(l, name, &mut varying, arg, v, vstart + 1, shown) {
                            self.failed = Some(e);
                        }
                    } else {
                        call_args.push((Some(Cow::Borrowed(arg.0)), v));
                    }
                    if !self.eat(b',')? {
                        self.require(b')', "',' or ')'")?;
                        break;
                    }
                    continue;
                }
            }
            let keyword = if self.cur.is(Kind::Name) && self.lexer.next_is(b'=') {
                let name = self.next()?;
                self.next()?;
                Some((self.text(name), name.pos()))
            } else {
                None
            };
            // The usual argument, `field=literal` of a layer: the literal's value goes straight
            // to the field (what the general path below does, without an expression's value).
            if let (Some(at), Some((field, fpos))) = (layer, keyword) {
                let t = self.cur;
                if self.live() && (self.lexer.next_is(b',') || self.lexer.next_is(b')')) {
                    if let Some(v) = self.literal_value(t)? {
                        self.next()?;
                        let (l, shown) = (&mut self.layers[at], self.shown);
                        let arg = (field, fpos);
                        if let Err(e) = set_arg(l, name, &mut varying, arg, v, t.pos(), shown) {
                            self.failed = Some(e);
                        }
                        if !self.eat(b',')? {
                            self.require(b')', "',' or ')'")?;
                            break;
                        }
                        continue;
                    }
                }
            }
            // A layer takes keyword arguments only (Raw's load aside), and says so before its
            // value is evaluated: keep evaluation off while the value is read.
            let positional_error = keyword.is_none()
                && self.live()
                && layer.is_some_and(|at| !matches!(self.layers[at], Layer::Raw(_)));
            let positional_msg = || format!("{name} takes keyword arguments (field=value)");
            if positional_error {
                self.failed = Some(syntax(pos, positional_msg()));
            }
            let arg = self.item(b')')?;
            let vpos = arg.1;
            if positional_error {
                self.failed = Some(syntax(vpos, positional_msg()));
            }
            let value = self.value(arg);
            match (layer, value) {
                (Some(at), Some(v)) => {
                    let (field, fpos) = keyword.unwrap_or(("load", vpos));
                    if self.live() {
                        let l = &mut self.layers[at];
                        let arg = (field, fpos);
                        if let Err(e) = set_arg(l, name, &mut varying, arg, v, vpos, self.shown) {
                            self.failed = Some(e);
                        }
                    }
                }
                (None, Some(v)) => call_args.push((keyword.map(|(n, _)| Cow::Borrowed(n)), v)),
                (_, None) => {}
            }
            if !self.eat(b',')? {
                self.require(b')', "',' or ')'")?;
                break;
            }
        }
        Ok(match layer {
            _ if !self.live() => Val::Failed,
            Some(at) => {
                // A layer call gathers no call arguments: nothing to free (and no call to
                // `drop` for an empty vector).
                debug_assert!(call_args.is_empty());
                core::mem::forget(call_args);
                for d in &mut varying {
                    d.layer = at;
                }
                Val::P(Stack {
                    layers: at..at + 1,
                    varying,
                    repeat: 1,
                })
            }
            None => Val::V(Value::Call {
                name: Cow::Borrowed(name),
                args: call_args,
            }),
        })
    }
}

impl<'a> Parser<'a> {
    /// Adds a finished layer to [`Parser::layers`]: a stack of one layer, its varying fields
    /// pointed at it.
    fn push_layer(&mut self, layer: Layer, mut varying: Vec<Varying<'a>>) -> Stack<'a> {
        let at = self.layers.len();
        self.layers.push(layer);
        for d in &mut varying {
            d.layer = at;
        }
        Stack {
            layers: at..at + 1,
            varying,
            repeat: 1,
        }
    }
}

/// Sets one `field=value` argument of a layer call (at `fpos` / `vpos` in the spec). A value
/// standing for several packets is checked in full, its first alternative set on the layer,
/// and the alternatives kept in `varying` ([`set_generator`]). In line: it runs for nearly
/// every argument, and the usual value is set by one call to the layer.
#[inline(always)]
fn set_arg<'a>(
    layer: &mut Layer,
    class: &str,
    varying: &mut Vec<Varying<'a>>,
    (field, fpos): (&str, usize),
    v: Value<'a>,
    vpos: usize,
    shown: bool,
) -> Result<()> {
    if is_generator(class, field, &v) {
        return set_generator(layer, class, varying, (field, fpos), v, vpos, shown);
    }
    // A later argument for the same field replaces an earlier one.
    if !varying.is_empty() {
        varying.retain(|d| d.field != field);
    }
    // The layer checks the name before the value, so a typo is reported as such whatever the
    // value.
    match layer.try_set(field, v, shown) {
        Ok(true) => Ok(()),
        Ok(false) => Err(unknown_field(layer.proto_mut(), field, fpos)),
        Err(msg) => Err(bad_value(layer.proto(), field, msg, vpos)),
    }
}

/// [`set_arg`] for a value standing for several packets.
#[inline(never)]
fn set_generator<'a>(
    layer: &mut Layer,
    class: &str,
    varying: &mut Vec<Varying<'a>>,
    (field, fpos): (&str, usize),
    v: Value<'a>,
    vpos: usize,
    shown: bool,
) -> Result<()> {
    let proto = layer.proto_mut();
    // Check the name first, so a typo is reported as such whatever the value.
    let Some(&field) = proto.fields().iter().find(|f| same_name(f, field)) else {
        return Err(unknown_field(proto, field, fpos));
    };
    if !varying.is_empty() {
        varying.retain(|d| d.field != field);
    }
    let alts = expand(class, field, v).map_err(|msg| CraftError::BadValue {
        col: Some(vpos),
        layer: layer.proto().class(),
        field: field.to_string(),
        msg,
    })?;
    // Every alternative must be a valid value (the first bad one is reported); the layer
    // keeps the first.
    for alt in alts.iter().chain(alts.first()) {
        set_known_field_as(layer.proto_mut(), field, alt.clone(), shown)
            .map_err(|e| e.at_column(vpos))?;
    }
    if alts.len() != 1 {
        varying.push(Varying {
            layer: 0,
            field,
            alts,
        });
    }
    Ok(())
}

/// A field's bad value, at `vpos`.
#[cold]
fn bad_value(
    proto: &dyn crate::packet::Proto,
    field: &str,
    msg: String,
    vpos: usize,
) -> Box<CraftError> {
    Box::new(
        CraftError::BadValue {
            col: None,
            layer: proto.class(),
            field: field.to_string(),
            msg,
        }
        .at_column(vpos),
    )
}

/// The error for a field `proto` does not have, at `fpos` (with a suggestion).
#[cold]
fn unknown_field(
    proto: &mut dyn crate::packet::Proto,
    field: &str,
    fpos: usize,
) -> Box<CraftError> {
    set_field(proto, field, Value::None).err().map_or_else(
        || syntax(fpos, "unknown field"),
        |e| Box::new(e.at_column(fpos)),
    )
}

/// Fields whose list value is one value (Scapy's list fields), not one packet per item.
fn is_list_field(field: &str) -> bool {
    matches!(field, "options" | "addresses" | "qd" | "an" | "ns" | "ar")
}

/// Whether a value may stand for other values than itself under Scapy's generator rules
/// ([`expand`]); other values are set as they are.
#[inline(always)]
fn is_generator(class: &str, field: &str, v: &Value) -> bool {
    // The value first: most are numbers and plain strings, settled without a name compared.
    match v {
        Value::List(_) => !is_list_field(field),
        Value::Tuple(t) => {
            matches!(t.as_slice(), [Value::Int(_), Value::Int(_)]) && !is_list_field(field)
        }
        // The slash first: a short scan, where the address-field test compares names.
        // (A plain loop: `contains` calls `memchr`, slower on strings this short.)
        Value::Str(s) => s.bytes().any(|b| b == b'/') && is_address_field(class, field),
        _ => false,
    }
}

/// Scapy's generator rules: the values one field value stands for.
fn expand<'a>(
    class: &str,
    field: &str,
    v: Value<'a>,
) -> core::result::Result<Vec<Value<'a>>, String> {
    if is_list_field(field) {
        return Ok(vec![v]);
    }
    let items = match v {
        Value::List(items) => items,
        v => vec![v],
    };
    let mut out = Vec::new();
    for item in items {
        match item {
            Value::Tuple(t) if t.len() == 2 => match (&t[0], &t[1]) {
                (Value::Int(a), Value::Int(b)) => {
                    if b < a {
                        return Err(format!("empty range ({a}, {b})"));
                    }
                    if (b - a) as usize >= MAX_PACKETS {
                        return Err(format!("range ({a}, {b}) is too large"));
                    }
                    out.extend((*a..=*b).map(Value::Int));
                }
                _ => out.push(Value::Tuple(t)),
            },
            Value::Str(s) if s.contains('/') && is_address_field(class, field) => {
                out.extend(network(&s)?.into_iter().map(|a| Value::Str(Cow::Owned(a))));
            }
            item => out.push(item),
        }
        if out.len() > MAX_PACKETS {
            return Err(format!("more than {MAX_PACKETS} values"));
        }
    }
    Ok(out)
}

fn is_address_field(class: &str, field: &str) -> bool {
    matches!(
        (class, field),
        ("IP" | "IPv6", "src" | "dst") | ("ARP", "psrc" | "pdst")
    )
}

/// Every address of a network written `addr/prefix` (Scapy's `Net` / `Net6`), host bits
/// cleared first.
fn network(s: &str) -> core::result::Result<Vec<String>, String> {
    let (addr, len) = s.split_once('/').unwrap_or((s, ""));
    let len: u32 = len
        .parse()
        .map_err(|_| format!("'{s}': the prefix length is not a number"))?;
    if let Ok(a) = addr.parse::<Ipv4Addr>() {
        if len > 32 || 32 - len > 20 {
            return Err(format!("'{s}': prefix must be /12 to /32"));
        }
        let base = u32::from(a) & (u32::MAX.checked_shl(32 - len).unwrap_or(0));
        let n = 1u64 << (32 - len);
        return Ok((0..n)
            .map(|i| Ipv4Addr::from(base.wrapping_add(i as u32)).to_string())
            .collect());
    }
    if let Ok(a) = addr.parse::<Ipv6Addr>() {
        if len > 128 || 128 - len > 20 {
            return Err(format!("'{s}': prefix must be /108 to /128"));
        }
        let base = u128::from(a) & (u128::MAX.checked_shl(128 - len).unwrap_or(0));
        let n = 1u128 << (128 - len);
        return Ok((0..n)
            .map(|i| Ipv6Addr::from(base.wrapping_add(i)).to_string())
            .collect());
    }
    Err(format!("'{s}' is not an address/prefix"))
}

fn unknown_layer(name: Cow<str>, pos: usize) -> Box<CraftError> {
    Box::new(CraftError::UnknownLayer {
        col: pos,
        hint: did_you_mean(&name, Layer::classes()),
        name: name.into_owned(),
    })
}

/// A `Raw` layer carrying a bare string or bytes (`IP()/'payload'`).
fn raw_layer(v: Value<'_>) -> Result<Layer> {
    let mut layer = Layer::from(crate::layers::Raw::new());
    set_field(layer.proto_mut(), "load", v)?;
    Ok(layer)
}

/// `l op r`, at `pos`; `operands` are the positions of `l` and `r`.
fn binary<'a>(
    layers: &mut Vec<Layer>,
    op: u8,
    l: Val<'a>,
    r: Val<'a>,
    pos: usize,
    operands: (usize, usize),
) -> Result<Val<'a>> {
    use Value::*;
    let bad = |what: &str| Err(syntax(pos, what.to_string()));
    match (op, l, r) {
        (b'/', Val::P(mut a), Val::P(b)) => {
            if a.repeat != 1 || b.repeat != 1 {
                return bad("'/' of repeated packets: repeat the whole stack instead");
            }
            // Adjacent while evaluating (see `Parser::layers`).
            debug_assert_eq!(a.layers.end, b.layers.start);
            a.layers.end = b.layers.end;
            if b.varying.is_empty() {
                // Nothing to free (and no call to `drop` for an empty vector).
                core::mem::forget(b.varying);
            } else {
                a.varying.extend(b.varying);
            }
            Ok(Val::P(a))
        }
        (b'/', Val::P(mut a), Val::V(v @ (Str(_) | Bytes(_)))) if a.repeat == 1 => {
            debug_assert_eq!(a.layers.end, layers.len());
            layers.push(raw_layer(v)?);
            a.layers.end += 1;
            Ok(Val::P(a))
        }
        (b'/', Val::V(Value::Call { name, .. }), _) => Err(unknown_layer(name, operands.0)),
        (b'/', _, Val::V(Value::Call { name, .. })) => Err(unknown_layer(name, operands.1)),
        (b'/', ..) => bad("'/' stacks layers: Layer()/Layer() or Layer()/'payload'"),
        (b'*', Val::P(mut a), Val::V(Int(k))) | (b'*', Val::V(Int(k)), Val::P(mut a)) => {
            let k = usize::try_from(k).map_err(|_| syntax(pos, "negative repeat count"))?;
            a.repeat = a.repeat.saturating_mul(k);
            Ok(Val::P(a))
        }
        (b'*', Val::V(a), Val::V(b)) => match (a, b) {
            (Str(s), Int(k)) | (Int(k), Str(s)) => {
                Ok(Val::V(Str(s.repeat(count(k, s.len(), pos)?).into())))
            }
            (Bytes(s), Int(k)) | (Int(k), Bytes(s)) => {
                Ok(Val::V(Bytes(s.repeat(count(k, s.len(), pos)?).into())))
            }
            (List(s), Int(k)) | (Int(k), List(s)) => {
                // Bounded by the values the copies hold, nested ones included.
                let weight = s.iter().fold(0usize, |n, v| n.saturating_add(v.weight()));
                let k = usize::try_from(k.max(0)).unwrap_or(usize::MAX);
                if k.saturating_mul(weight) > MAX_PACKETS {
                    return Err(syntax(pos, "repeated list holds more than 2^20 values"));
                }
                Ok(Val::V(List(
                    s.iter().cycle().take(s.len() * k).cloned().collect(),
                )))
            }
            (Int(a), Int(b)) => Ok(Val::V(Int(a.saturating_mul(b)))),
            _ => bad("'*' repeats a string, bytes, list or packet by an integer"),
        },
        (b'+', Val::V(a), Val::V(b)) => match (a, b) {
            (Str(a), Str(b)) => Ok(Val::V(Str(Cow::Owned(a.into_owned() + &b)))),
            (Bytes(mut a), Bytes(b)) => {
                a.to_mut().extend_from_slice(&b);
                Ok(Val::V(Bytes(a)))
            }
            (List(mut a), List(b)) => {
                a.extend(b);
                Ok(Val::V(List(a)))
            }
            (Int(a), Int(b)) => Ok(Val::V(Int(a.saturating_add(b)))),
            _ => bad("'+' joins two strings, two bytes, two lists or two integers"),
        },
        (b'-', Val::V(Int(a)), Val::V(Int(b))) => Ok(Val::V(Int(a.saturating_sub(b)))),
        _ => bad(&format!(
            "'{}' does not apply to these operands",
            char::from(op)
        )),
    }
}

/// A repeat count, bounded so `'A'*10**12` is an error, not an allocation failure.
fn count(k: i128, unit: usize, pos: usize) -> Result<usize> {
    let k = usize::try_from(k.max(0)).map_err(|_| syntax(pos, "repeat count too large"))?;
    if k.saturating_mul(unit.max(1)) > 1 << 24 {
        return Err(syntax(pos, "repeated value larger than 16 MiB"));
    }
    Ok(k)
}

/// Parses a spec into the packets it stands for, in Scapy's order: the first layer's fields
/// vary slowest, and within a layer the field given last varies slowest.
pub fn parse(spec: &str) -> crate::Result<Vec<Packet>> {
    parse_stack(spec, Vec::new(), true)
        .and_then(|(stack, layers)| packets(stack, layers, true))
        .map_err(|e| char_columns(*e, spec))
}

/// The bytes of every packet a spec stands for ([`crate::craft_spec`]).
pub fn craft(spec: &str) -> crate::Result<Vec<Vec<u8>>> {
    // One packet is the usual case.
    let mut frames = Vec::with_capacity(1);
    craft_into(spec, &mut Vec::new(), &mut frames)?;
    Ok(frames)
}

/// Crafts spec after spec with the same scratch space: the parser's layer vector and the
/// frame buffers are kept from one call to the next, so a loop crafting many specs allocates
/// only for what each spec itself holds (decoded strings, option lists ...).
///
/// ```
/// let mut crafter = strata_craft::Crafter::new();
/// for port in [22, 80, 443] {
///     let frames = crafter.craft(&format!("IP(dst='198.18.0.2')/TCP(dport={port})")).unwrap();
///     assert_eq!(frames[0].len(), 40);
/// }
/// ```
#[derive(Debug, Default)]
pub struct Crafter {
    layers: Vec<Layer>,
    frames: Vec<Vec<u8>>,
}

impl Crafter {
    pub fn new() -> Crafter {
        Crafter::default()
    }

    /// The bytes of every packet `spec` stands for, as [`crate::craft_spec`] gives them,
    /// valid until the next call.
    pub fn craft(&mut self, spec: &str) -> crate::Result<&[Vec<u8>]> {
        craft_into(spec, &mut self.layers, &mut self.frames)?;
        Ok(&self.frames)
    }
}

/// Crafts `spec` into `frames`, resized to one buffer per packet (a buffer's old contents are
/// replaced, its capacity reused); `layers` is the parser's scratch, left empty. A spec of
/// one packet, the usual case, is built from the parser's layers as they are.
fn craft_into(spec: &str, layers: &mut Vec<Layer>, frames: &mut Vec<Vec<u8>>) -> crate::Result<()> {
    layers.clear();
    let (stack, parsed) =
        parse_stack(spec, core::mem::take(layers), false).map_err(|e| char_columns(*e, spec))?;
    if stack.varying.is_empty() && stack.repeat == 1 && stack.layers == (0..parsed.len()) {
        frames.resize_with(1, Vec::new);
        let packet = Packet { layers: parsed };
        let built = packet.build_into(&mut frames[0]);
        *layers = packet.layers;
        layers.clear();
        return built;
    }
    let packets = packets(stack, parsed, false).map_err(|e| char_columns(*e, spec))?;
    frames.resize_with(packets.len(), Vec::new);
    for (packet, frame) in packets.iter().zip(frames.iter_mut()) {
        packet.build_into(frame)?;
    }
    Ok(())
}

/// The packets a spec stands for, before expansion, and the layers its stack is a range of;
/// error positions in bytes.
/// `layers` is an empty vector to put them in (its capacity reused).
/// `shown`: whether the packets may be shown ([`Parser::shown`]).
fn parse_stack(spec: &str, mut layers: Vec<Layer>, shown: bool) -> Result<(Stack<'_>, Vec<Layer>)> {
    // Token positions are `u32`s.
    if spec.len() >= u32::MAX as usize {
        return Err(syntax(1, "the spec is longer than 4 GiB"));
    }
    let mut lexer = Lexer { src: spec, i: 0 };
    let mut p = Parser {
        src: spec,
        cur: match lexer.next() {
            t if t.kind() == Kind::Error => return Err(lexer.error()),
            t => t,
        },
        lexer,
        failed: None,
        layers: {
            // Room for the usual Ether/IP/TCP/payload without growing.
            layers.reserve(4);
            layers
        },
        depth: 0,
        shown,
    };
    let parsed = p.expr().and_then(|(v, vpos)| match p.cur.kind() {
        Kind::End => Ok((v, vpos)),
        _ => Err(syntax(
            p.cur.pos(),
            format!("unexpected {} after the expression", p.describe(p.cur)),
        )),
    });
    // A lexing error anywhere outranks a syntax error: the rest of the spec is lexed first.
    let (v, vpos) = parsed.map_err(|e| p.lexer.first_error().unwrap_or(e))?;
    if let Some(e) = p.failed {
        return Err(e);
    }
    match v {
        Val::P(stack) => Ok((stack, p.layers)),
        Val::V(Value::Call { name, .. }) => Err(unknown_layer(name, vpos)),
        Val::V(v @ (Value::Str(_) | Value::Bytes(_))) => {
            let stack = p.push_layer(raw_layer(v)?, Vec::new());
            Ok((stack, p.layers))
        }
        Val::V(v) => Err(syntax(1, format!("{} is not a packet", v.describe()))),
        // `Failed` comes with `p.failed` set, returned above.
        Val::Failed => unreachable!("evaluation failed without an error"),
    }
}

/// Expands a stack into its packets: one per combination of the varying fields' values (an
/// odometer whose last dimension turns fastest), the whole repeated `repeat` times.
fn packets(stack: Stack<'_>, mut layers: Vec<Layer>, shown: bool) -> Result<Vec<Packet>> {
    let Stack {
        layers: range,
        mut varying,
        repeat,
    } = stack;
    // The stack is every layer evaluated (see `Parser::layers`); a narrower range would only
    // come from a parser bug, and is still honoured.
    if range != (0..layers.len()) {
        layers = layers.drain(range.clone()).collect();
        for d in &mut varying {
            d.layer -= range.start;
        }
    }
    // Dimensions in nesting order: outer layer first, and within a layer the last field first.
    let mut dims: Vec<&Varying> = Vec::with_capacity(varying.len());
    for i in 0..layers.len() {
        dims.extend(varying.iter().filter(|d| d.layer == i).rev());
    }
    let per_round = dims
        .iter()
        .try_fold(1usize, |acc, d| acc.checked_mul(d.alts.len()))
        .filter(|n| *n <= MAX_PACKETS)
        .ok_or(CraftError::TooManyPackets { max: MAX_PACKETS })?;
    if per_round.saturating_mul(repeat) > MAX_PACKETS {
        return Err(Box::new(CraftError::TooManyPackets { max: MAX_PACKETS }));
    }
    let mut out = Vec::with_capacity(per_round * repeat);
    let mut idx = vec![0usize; dims.len()];
    for n in 0..per_round {
        // The round's last packet takes the template's layers; the others copy them.
        let mut pkt = if n + 1 < per_round {
            layers.clone()
        } else {
            core::mem::take(&mut layers)
        };
        for (d, &k) in dims.iter().zip(&idx) {
            set_known_field_as(pkt[d.layer].proto_mut(), d.field, d.alts[k].clone(), shown)?;
        }
        out.push(Packet { layers: pkt });
        // Odometer: the last dimension turns fastest.
        for j in (0..dims.len()).rev() {
            idx[j] += 1;
            if idx[j] < dims[j].alts.len() {
                break;
            }
            idx[j] = 0;
        }
    }
    for _ in 1..repeat {
        out.extend_from_within(..per_round);
    }
    Ok(out)
}

/// Turns an error's byte position into the character column the user sees (they differ only
/// after non-ASCII text).
fn char_columns(e: CraftError, spec: &str) -> CraftError {
    if spec.is_ascii() {
        return e;
    }
    let col = |pos: usize| {
        spec.get(..pos.saturating_sub(1))
            .map_or(pos, |before| before.chars().count() + 1)
    };
    match e {
        CraftError::Syntax { col: pos, msg } => CraftError::Syntax { col: col(pos), msg },
        CraftError::UnknownLayer {
            col: pos,
            name,
            hint,
        } => CraftError::UnknownLayer {
            col: col(pos),
            name,
            hint,
        },
        e @ (CraftError::UnknownField { col: Some(pos), .. }
        | CraftError::BadValue { col: Some(pos), .. }) => e.at_column(col(pos)),
        e => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(spec: &str) -> String {
        match parse(spec) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("{spec} should fail"),
        }
    }

    #[test]
    fn errors_name_layer_field_and_column() {
        assert_eq!(
            err("Ether()/IP(dstt='198.18.0.2')"),
            "at column 12: IP has no field 'dstt' (did you mean 'dst'?)"
        );
        assert_eq!(
            err("IP(ttl=300)"),
            "at column 8: IP.ttl: 300 does not fit in 8 bits (0..=255)"
        );
        assert_eq!(
            err("IP()/TPC()"),
            "at column 6: unknown layer 'TPC' (did you mean 'TCP'?)"
        );
        assert_eq!(
            err("IP(dst='1.2.3.4'"),
            "at column 17: expected ',' or ')', found the end"
        );
        assert_eq!(
            err("TCP(flags='SX')"),
            "at column 11: TCP.flags: unknown flag 'X' (flags: F S R P A U E C N)"
        );
    }

    #[test]
    fn expansion_follows_scapy_order() {
        let p = parse("TCP(sport=[1,2], dport=(3,4))").unwrap();
        let ports: Vec<(u16, u16)> = p
            .iter()
            .map(|p| match &p.layers[0] {
                Layer::Tcp(t) => (t.sport.unwrap(), t.dport.unwrap()),
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(ports, [(1, 3), (2, 3), (1, 4), (2, 4)]);
        assert_eq!(parse("IP(dst='198.18.0.1/30')/TCP()").unwrap().len(), 4);
        assert_eq!(parse("IP()/TCP()*3").unwrap().len(), 3);
    }

    #[test]
    fn literals() {
        let p = parse(r#"Raw(b'\x00\x01A' + b"\n")/('Z'*3)"#).unwrap();
        assert_eq!(p[0].build().unwrap(), b"\x00\x01A\nZZZ");
    }
}
