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

use crate::error::{did_you_mean, CraftError, Result};
use crate::packet::{set_field, Layer, Packet};
use crate::value::Value;
use core::net::{Ipv4Addr, Ipv6Addr};

/// The most packets one spec may expand to (a /12 of IPv4 addresses).
pub const MAX_PACKETS: usize = 1 << 20;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Name(String),
    Int(i128),
    Float(f64),
    Str(String),
    Bytes(Vec<u8>),
    Punct(char),
    End,
}

/// A token and its 1-based column.
type Spanned = (Tok, usize);

fn syntax(col: usize, msg: impl Into<String>) -> CraftError {
    CraftError::Syntax {
        col,
        msg: msg.into(),
    }
}

fn lex(src: &str) -> Result<Vec<Spanned>> {
    let chars: Vec<char> = src.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < chars.len() {
        let c = chars[i];
        let col = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        // String and bytes literals, with an optional b/r prefix.
        let prefix_len = string_prefix(&chars[i..]);
        if let Some(p) = prefix_len {
            let prefix: String = chars[i..i + p].iter().collect::<String>().to_lowercase();
            let (bytes, raw) = (prefix.contains('b'), prefix.contains('r'));
            let (text, next) = read_string(&chars, i + p, raw, bytes)?;
            i = next;
            out.push((
                if bytes {
                    Tok::Bytes(text)
                } else {
                    Tok::Str(utf8(text))
                },
                col,
            ));
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric() || chars[i] == '_' || chars[i] == '.')
            {
                // An exponent sign belongs to the number: 1e-3.
                i += 1;
                if i < chars.len()
                    && matches!(chars[i], '+' | '-')
                    && matches!(chars[i - 1], 'e' | 'E')
                    && !chars[start..i].iter().any(|c| matches!(c, 'x' | 'X'))
                {
                    i += 1;
                }
            }
            let text: String = chars[start..i].iter().filter(|c| **c != '_').collect();
            out.push((number(&text, col)?, col));
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push((Tok::Name(chars[start..i].iter().collect()), col));
            continue;
        }
        if "()[],=/*+-".contains(c) {
            out.push((Tok::Punct(c), col));
            i += 1;
            continue;
        }
        return Err(syntax(col, format!("unexpected character '{c}'")));
    }
    out.push((Tok::End, chars.len() + 1));
    Ok(out)
}

/// Our strings hold one char per code point, written as UTF-8 bytes while lexing; turn them back.
fn utf8(b: Vec<u8>) -> String {
    String::from_utf8(b).unwrap_or_default()
}

/// Length of a string prefix (`'`, `b'`, `rb"` ...) at the start of `s`, if a literal starts.
fn string_prefix(s: &[char]) -> Option<usize> {
    let mut n = 0;
    while n < 2 && s.get(n).is_some_and(|c| matches!(c, 'b' | 'B' | 'r' | 'R')) {
        n += 1;
    }
    matches!(s.get(n), Some('\'' | '"')).then_some(n)
}

/// Reads a quoted literal starting at the quote; returns its bytes (UTF-8 for `str`) and the
/// index after the closing quote.
fn read_string(chars: &[char], start: usize, raw: bool, bytes: bool) -> Result<(Vec<u8>, usize)> {
    let quote = chars[start];
    let mut out = Vec::new();
    let mut i = start + 1;
    let push_char = |out: &mut Vec<u8>, c: char| {
        let mut buf = [0u8; 4];
        out.extend(c.encode_utf8(&mut buf).as_bytes());
    };
    loop {
        let Some(&c) = chars.get(i) else {
            return Err(syntax(start + 1, "string is not closed"));
        };
        i += 1;
        if c == quote {
            return Ok((out, i));
        }
        if c != '\\' || raw {
            if bytes && !c.is_ascii() {
                return Err(syntax(i, "bytes literals take ASCII characters only"));
            }
            push_char(&mut out, c);
            continue;
        }
        let Some(&e) = chars.get(i) else {
            return Err(syntax(i, "string is not closed"));
        };
        i += 1;
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
                let hex: String = chars.get(i..i + 2).unwrap_or_default().iter().collect();
                let v = u32::from_str_radix(&hex, 16)
                    .map_err(|_| syntax(i - 1, "\\x needs two hex digits"))?;
                i += 2;
                v
            }
            '0'..='7' => {
                let mut v = e.to_digit(8).unwrap_or(0);
                let mut n = 1;
                while n < 3 {
                    match chars.get(i).and_then(|d| d.to_digit(8)) {
                        Some(d) => {
                            v = v * 8 + d;
                            i += 1;
                            n += 1;
                        }
                        None => break,
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
            out.push((code & 0xff) as u8);
        } else {
            push_char(&mut out, char::from_u32(code).unwrap_or('\u{fffd}'));
        }
    }
}

fn number(text: &str, col: usize) -> Result<Tok> {
    let lower = text.to_ascii_lowercase();
    let radix = |p: &str, r: u32| {
        i128::from_str_radix(&lower[p.len()..], r)
            .map(Tok::Int)
            .map_err(|_| syntax(col, format!("'{text}' is not a number")))
    };
    if lower.starts_with("0x") {
        radix("0x", 16)
    } else if lower.starts_with("0o") {
        radix("0o", 8)
    } else if lower.starts_with("0b") {
        radix("0b", 2)
    } else if lower.contains(['.', 'e']) {
        lower
            .parse::<f64>()
            .map(Tok::Float)
            .map_err(|_| syntax(col, format!("'{text}' is not a number")))
    } else {
        lower
            .parse::<i128>()
            .map(Tok::Int)
            .map_err(|_| syntax(col, format!("'{text}' is not a number")))
    }
}

/// The syntax tree.
#[derive(Debug, Clone)]
enum Expr {
    Lit(Value, usize),
    List(Vec<Expr>, usize),
    Tuple(Vec<Expr>, usize),
    Call {
        name: String,
        col: usize,
        args: Vec<Arg>,
    },
    Bin {
        op: char,
        l: Box<Expr>,
        r: Box<Expr>,
        col: usize,
    },
    Neg(Box<Expr>, usize),
}

#[derive(Debug, Clone)]
struct Arg {
    name: Option<(String, usize)>,
    value: Expr,
}

impl Expr {
    fn col(&self) -> usize {
        match self {
            Expr::Lit(_, c) | Expr::List(_, c) | Expr::Tuple(_, c) | Expr::Neg(_, c) => *c,
            Expr::Call { col, .. } | Expr::Bin { col, .. } => *col,
        }
    }
}

struct Parser {
    toks: Vec<Spanned>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> &Spanned {
        &self.toks[self.pos.min(self.toks.len() - 1)]
    }
    fn next(&mut self) -> Spanned {
        let t = self.peek().clone();
        self.pos += 1;
        t
    }
    fn eat(&mut self, c: char) -> bool {
        if self.peek().0 == Tok::Punct(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn expect(&mut self, c: char, what: &str) -> Result<()> {
        if self.eat(c) {
            Ok(())
        } else {
            let (t, col) = self.peek().clone();
            Err(syntax(
                col,
                format!("expected {what}, found {}", describe(&t)),
            ))
        }
    }

    fn expr(&mut self) -> Result<Expr> {
        let mut l = self.term()?;
        loop {
            let (t, col) = self.peek().clone();
            match t {
                Tok::Punct(op @ ('+' | '-')) => {
                    self.pos += 1;
                    let r = self.term()?;
                    l = Expr::Bin {
                        op,
                        l: Box::new(l),
                        r: Box::new(r),
                        col,
                    };
                }
                _ => return Ok(l),
            }
        }
    }

    fn term(&mut self) -> Result<Expr> {
        let mut l = self.unary()?;
        loop {
            let (t, col) = self.peek().clone();
            match t {
                Tok::Punct(op @ ('/' | '*')) => {
                    self.pos += 1;
                    let r = self.unary()?;
                    l = Expr::Bin {
                        op,
                        l: Box::new(l),
                        r: Box::new(r),
                        col,
                    };
                }
                _ => return Ok(l),
            }
        }
    }

    fn unary(&mut self) -> Result<Expr> {
        let col = self.peek().1;
        if self.eat('-') {
            return Ok(Expr::Neg(Box::new(self.unary()?), col));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Expr> {
        let (t, col) = self.next();
        Ok(match t {
            Tok::Int(i) => Expr::Lit(Value::Int(i), col),
            Tok::Float(f) => Expr::Lit(Value::Float(f), col),
            Tok::Str(s) => Expr::Lit(Value::Str(s), col),
            Tok::Bytes(b) => Expr::Lit(Value::Bytes(b), col),
            Tok::Name(n) if n == "None" => Expr::Lit(Value::None, col),
            Tok::Name(n) if n == "True" => Expr::Lit(Value::Bool(true), col),
            Tok::Name(n) if n == "False" => Expr::Lit(Value::Bool(false), col),
            Tok::Name(name) => {
                if !self.eat('(') {
                    return Err(syntax(col, format!("{name} needs parentheses: {name}()")));
                }
                let mut args = Vec::new();
                while !self.eat(')') {
                    args.push(self.arg()?);
                    if !self.eat(',') {
                        self.expect(')', "',' or ')'")?;
                        break;
                    }
                }
                Expr::Call { name, col, args }
            }
            Tok::Punct('(') => {
                if self.eat(')') {
                    return Ok(Expr::Tuple(Vec::new(), col));
                }
                let first = self.expr()?;
                if self.eat(')') {
                    return Ok(first);
                }
                let mut items = vec![first];
                while self.eat(',') {
                    if self.eat(')') {
                        return Ok(Expr::Tuple(items, col));
                    }
                    items.push(self.expr()?);
                }
                self.expect(')', "',' or ')'")?;
                Expr::Tuple(items, col)
            }
            Tok::Punct('[') => {
                let mut items = Vec::new();
                while !self.eat(']') {
                    items.push(self.expr()?);
                    if !self.eat(',') {
                        self.expect(']', "',' or ']'")?;
                        break;
                    }
                }
                Expr::List(items, col)
            }
            t => return Err(syntax(col, format!("unexpected {}", describe(&t)))),
        })
    }

    fn arg(&mut self) -> Result<Arg> {
        if let (Tok::Name(n), col) = self.peek().clone() {
            if self.toks.get(self.pos + 1).map(|t| &t.0) == Some(&Tok::Punct('=')) {
                self.pos += 2;
                return Ok(Arg {
                    name: Some((n, col)),
                    value: self.expr()?,
                });
            }
        }
        Ok(Arg {
            name: None,
            value: self.expr()?,
        })
    }
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Name(n) => format!("'{n}'"),
        Tok::Int(i) => i.to_string(),
        Tok::Float(f) => f.to_string(),
        Tok::Str(_) => "a string".into(),
        Tok::Bytes(_) => "bytes".into(),
        Tok::Punct(c) => format!("'{c}'"),
        Tok::End => "the end".into(),
    }
}

/// One layer call with, per field, the values it expands to.
#[derive(Debug, Clone)]
struct LayerTpl {
    layer: Layer,
    /// (field, column of its value, alternatives) for fields with more than one value.
    varying: Vec<(String, usize, Vec<Value>)>,
}

/// What an expression evaluates to: a value, or packets (layers and a repeat count).
enum Val {
    V(Value),
    P(Vec<LayerTpl>, usize),
}

fn eval(e: &Expr) -> Result<Val> {
    match e {
        Expr::Lit(v, _) => Ok(Val::V(v.clone())),
        Expr::List(items, _) => Ok(Val::V(Value::List(values(items)?))),
        Expr::Tuple(items, _) => Ok(Val::V(Value::Tuple(values(items)?))),
        Expr::Neg(inner, col) => match eval(inner)? {
            Val::V(Value::Int(i)) => Ok(Val::V(Value::Int(-i))),
            Val::V(Value::Float(f)) => Ok(Val::V(Value::Float(-f))),
            _ => Err(syntax(*col, "'-' applies to numbers only")),
        },
        Expr::Call { name, args, .. } => call(name, args),
        Expr::Bin { op, l, r, col } => binary(*op, eval(l)?, eval(r)?, *col, (l.col(), r.col())),
    }
}

fn values(items: &[Expr]) -> Result<Vec<Value>> {
    items.iter().map(value).collect()
}

/// Evaluates an expression that must be a field value, not packets.
fn value(e: &Expr) -> Result<Value> {
    match eval(e)? {
        Val::V(v) => Ok(v),
        Val::P(..) => Err(syntax(e.col(), "a packet cannot be a field value here")),
    }
}

fn call(name: &str, args: &[Arg]) -> Result<Val> {
    let Some(mut layer) = Layer::by_class(name) else {
        // Not a layer: a value object such as DNSQR(...) or IPOption_NOP(), checked by the
        // field that receives it.
        let args = args
            .iter()
            .map(|a| Ok((a.name.as_ref().map(|(n, _)| n.clone()), value(&a.value)?)))
            .collect::<Result<_>>()?;
        return Ok(Val::V(Value::Call {
            name: name.to_string(),
            args,
        }));
    };
    let mut varying = Vec::new();
    for a in args {
        let vcol = a.value.col();
        let (field, fcol) = match &a.name {
            Some((n, c)) => (n.as_str(), *c),
            // Raw('abc'): the first field of a payload layer.
            None if matches!(layer, Layer::Raw(_)) => ("load", vcol),
            None => {
                return Err(syntax(
                    vcol,
                    format!("{name} takes keyword arguments (field=value)"),
                ))
            }
        };
        let v = value(&a.value)?;
        // Check the name first, so a typo is reported as such whatever the value.
        if !layer.proto().fields().contains(&field) {
            return Err(set_field(layer.proto_mut(), field, &Value::None)
                .err()
                .map_or_else(|| syntax(fcol, "unknown field"), |e| e.at_column(fcol)));
        }
        let alts = expand(name, field, &v).map_err(|msg| CraftError::BadValue {
            col: Some(vcol),
            layer: layer.proto().class(),
            field: field.to_string(),
            msg,
        })?;
        // Set the first alternative on the template: it validates the value and is what a
        // single-valued field keeps.
        for alt in &alts {
            set_field(layer.proto_mut(), field, alt).map_err(|e| e.at_column(vcol))?;
        }
        if let Some(first) = alts.first() {
            set_field(layer.proto_mut(), field, first).map_err(|e| e.at_column(vcol))?;
        }
        varying.retain(|(f, _, _): &(String, usize, Vec<Value>)| f != field);
        if alts.len() != 1 {
            varying.push((field.to_string(), vcol, alts));
        }
    }
    Ok(Val::P(vec![LayerTpl { layer, varying }], 1))
}

/// Fields whose list value is one value (Scapy's list fields), not one packet per item.
fn is_list_field(field: &str) -> bool {
    matches!(field, "options" | "addresses" | "qd" | "an" | "ns" | "ar")
}

/// Scapy's generator rules: the values one field value stands for.
fn expand(class: &str, field: &str, v: &Value) -> core::result::Result<Vec<Value>, String> {
    if is_list_field(field) {
        return Ok(vec![v.clone()]);
    }
    let items = match v {
        Value::List(items) => items.clone(),
        v => vec![v.clone()],
    };
    let mut out = Vec::new();
    for item in items {
        match &item {
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
                _ => out.push(item.clone()),
            },
            Value::Str(s) if s.contains('/') && is_address_field(class, field) => {
                out.extend(network(s)?.into_iter().map(Value::Str));
            }
            _ => out.push(item.clone()),
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

fn binary(op: char, l: Val, r: Val, col: usize, cols: (usize, usize)) -> Result<Val> {
    use Value::*;
    let bad = |what: &str| Err(syntax(col, what.to_string()));
    match (op, l, r) {
        ('/', Val::P(mut a, n), Val::P(b, m)) => {
            if n != 1 || m != 1 {
                return bad("'/' of repeated packets: repeat the whole stack instead");
            }
            a.extend(b);
            Ok(Val::P(a, 1))
        }
        ('/', Val::P(mut a, 1), Val::V(v @ (Str(_) | Bytes(_)))) => {
            let mut layer = Layer::from(crate::layers::Raw::new());
            set_field(layer.proto_mut(), "load", &v)?;
            a.push(LayerTpl {
                layer,
                varying: Vec::new(),
            });
            Ok(Val::P(a, 1))
        }
        ('/', Val::V(Value::Call { name, .. }), _) => Err(CraftError::UnknownLayer {
            col: cols.0,
            hint: did_you_mean(&name, Layer::classes()),
            name,
        }),
        ('/', _, Val::V(Value::Call { name, .. })) => Err(CraftError::UnknownLayer {
            col: cols.1,
            hint: did_you_mean(&name, Layer::classes()),
            name,
        }),
        ('/', ..) => bad("'/' stacks layers: Layer()/Layer() or Layer()/'payload'"),
        ('*', Val::P(a, n), Val::V(Int(k))) | ('*', Val::V(Int(k)), Val::P(a, n)) => {
            let k = usize::try_from(k).map_err(|_| syntax(col, "negative repeat count"))?;
            Ok(Val::P(a, n.saturating_mul(k)))
        }
        ('*', Val::V(a), Val::V(b)) => match (a, b) {
            (Str(s), Int(k)) | (Int(k), Str(s)) => {
                Ok(Val::V(Str(s.repeat(count(k, s.len(), col)?))))
            }
            (Bytes(s), Int(k)) | (Int(k), Bytes(s)) => {
                Ok(Val::V(Bytes(s.repeat(count(k, s.len(), col)?))))
            }
            (List(s), Int(k)) | (Int(k), List(s)) => {
                let k = count(k, s.len(), col)?;
                Ok(Val::V(List(
                    s.iter().cycle().take(s.len() * k).cloned().collect(),
                )))
            }
            (Int(a), Int(b)) => Ok(Val::V(Int(a.saturating_mul(b)))),
            _ => bad("'*' repeats a string, bytes, list or packet by an integer"),
        },
        ('+', Val::V(a), Val::V(b)) => match (a, b) {
            (Str(a), Str(b)) => Ok(Val::V(Str(a + &b))),
            (Bytes(mut a), Bytes(b)) => {
                a.extend(b);
                Ok(Val::V(Bytes(a)))
            }
            (List(mut a), List(b)) => {
                a.extend(b);
                Ok(Val::V(List(a)))
            }
            (Int(a), Int(b)) => Ok(Val::V(Int(a.saturating_add(b)))),
            _ => bad("'+' joins two strings, two bytes, two lists or two integers"),
        },
        ('-', Val::V(Int(a)), Val::V(Int(b))) => Ok(Val::V(Int(a.saturating_sub(b)))),
        _ => bad(&format!("'{op}' does not apply to these operands")),
    }
}

/// A repeat count, bounded so `'A'*10**12` is an error, not an allocation failure.
fn count(k: i128, unit: usize, col: usize) -> Result<usize> {
    let k = usize::try_from(k.max(0)).map_err(|_| syntax(col, "repeat count too large"))?;
    if k.saturating_mul(unit.max(1)) > 1 << 24 {
        return Err(syntax(col, "repeated value larger than 16 MiB"));
    }
    Ok(k)
}

/// Parses a spec into the packets it stands for, in Scapy's order: the first layer's fields
/// vary slowest, and within a layer the field given last varies slowest.
pub fn parse(spec: &str) -> Result<Vec<Packet>> {
    let mut p = Parser {
        toks: lex(spec)?,
        pos: 0,
    };
    let e = p.expr()?;
    let (t, col) = p.peek().clone();
    if t != Tok::End {
        return Err(syntax(
            col,
            format!("unexpected {} after the expression", describe(&t)),
        ));
    }
    let (layers, repeat) = match eval(&e)? {
        Val::P(l, n) => (l, n),
        Val::V(Value::Call { name, .. }) => {
            return Err(CraftError::UnknownLayer {
                col: e.col(),
                hint: did_you_mean(&name, Layer::classes()),
                name,
            })
        }
        Val::V(v @ (Value::Str(_) | Value::Bytes(_))) => {
            let mut layer = Layer::from(crate::layers::Raw::new());
            set_field(layer.proto_mut(), "load", &v)?;
            (
                vec![LayerTpl {
                    layer,
                    varying: Vec::new(),
                }],
                1,
            )
        }
        Val::V(v) => return Err(syntax(1, format!("{} is not a packet", v.describe()))),
    };
    // Dimensions in nesting order: outer layer first, and within a layer the last field first.
    let mut dims: Vec<(usize, &str, &[Value])> = Vec::new();
    for (i, l) in layers.iter().enumerate() {
        for (f, _, alts) in l.varying.iter().rev() {
            dims.push((i, f.as_str(), alts.as_slice()));
        }
    }
    let per_round = dims
        .iter()
        .try_fold(1usize, |acc, (_, _, a)| acc.checked_mul(a.len()))
        .filter(|n| *n <= MAX_PACKETS)
        .ok_or(CraftError::TooManyPackets { max: MAX_PACKETS })?;
    if per_round.saturating_mul(repeat) > MAX_PACKETS {
        return Err(CraftError::TooManyPackets { max: MAX_PACKETS });
    }
    let mut out = Vec::with_capacity(per_round * repeat);
    let mut idx = vec![0usize; dims.len()];
    for _ in 0..per_round {
        let mut pkt: Vec<Layer> = layers.iter().map(|l| l.layer.clone()).collect();
        for (d, &k) in dims.iter().zip(&idx) {
            set_field(pkt[d.0].proto_mut(), d.1, &d.2[k])?;
        }
        out.push(Packet { layers: pkt });
        // Odometer: the last dimension turns fastest.
        for j in (0..dims.len()).rev() {
            idx[j] += 1;
            if idx[j] < dims[j].2.len() {
                break;
            }
            idx[j] = 0;
        }
    }
    let once = out.clone();
    for _ in 1..repeat {
        out.extend(once.iter().cloned());
    }
    Ok(out)
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
