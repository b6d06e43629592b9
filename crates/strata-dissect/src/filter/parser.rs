//! The display-filter grammar, to an AST. Precedence as Wireshark: `not` binds tightest, then
//! `and`, then `or`; comparisons bind tighter than all three.
//!
//! ```text
//! expr    := and ( ("or" | "||") and )*
//! and     := unary ( ("and" | "&&") unary )*
//! unary   := ("not" | "!") unary | "(" expr ")" | test
//! test    := operand [ cmpop operand | ["not"] "in" set ]
//! operand := (WORD | STRING | CHAR | WORD "(" operand ")") [ "#" INT ] [ "[" range ("," range)* "]" ]
//! set     := "{" item ( [","] item )* "}"      item := operand [ ".." operand ]
//! range   := i:j | i-j | i: | :j | i
//! ```

use super::lexer::{lex, CmpOp, Tok, Token};
use super::FilterError;

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Test(Test),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// A field or protocol is present.
    Exists(Operand),
    Cmp {
        lhs: Operand,
        op: CmpOp,
        /// Byte offset of the operator.
        op_at: usize,
        rhs: Operand,
    },
    /// `lhs in {..}`; `negated` for `not in`.
    In {
        lhs: Operand,
        items: Vec<SetItem>,
        negated: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum SetItem {
    One(Operand),
    /// `a..b` (also `a-b` for integers), inclusive.
    Range(Operand, Operand),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Atom {
    /// A field / protocol name or an unquoted value; which one is decided when compiling.
    Word(String),
    Str(Vec<u8>),
    Char(u8),
    /// `len(x)`, `count(x)`.
    Func(String, Box<Operand>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operand {
    pub atom: Atom,
    /// Byte offsets in the filter text.
    pub start: usize,
    pub end: usize,
    /// `field#N`: only the Nth layer of the field's protocol (1-based, negative from the end).
    pub layer: Option<i64>,
    pub slice: Option<Vec<Range>>,
}

/// One range of a slice, in Wireshark's forms; negative offsets count from the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Range {
    /// `[i:j]` (start and length), `[i:]` (len None), `[:j]` (start 0).
    Len { start: i64, len: Option<i64> },
    /// `[i-j]`: start and end, inclusive.
    To { start: i64, end: i64 },
    /// `[i]`.
    One(i64),
}

/// Parses a display filter.
pub fn parse(src: &str) -> Result<Expr, FilterError> {
    let toks = lex(src)?;
    let mut p = Parser {
        src,
        toks,
        i: 0,
        nesting: 0,
    };
    if p.peek().tok == Tok::Eof {
        return Err(FilterError::at(src, 0, "the filter is empty"));
    }
    let (e, _) = p.or()?;
    let t = p.peek();
    match t.tok {
        Tok::Eof => Ok(e),
        Tok::RParen => Err(p.err(t.start, "unmatched \")\"")),
        _ => Err(p.err(
            t.start,
            format!(
                "unexpected {} (expected \"and\", \"or\" or the end of the filter)",
                p.show(t)
            ),
        )),
    }
}

/// How deep a filter may nest: parentheses, `not`, function calls, and the height of the
/// expression tree (long `and` / `or` chains are built balanced, so they add only their log2).
/// The parser, the compiler and the evaluator all recurse on the tree; without a bound, a
/// filter of many `(` or `!` overflows the stack and aborts the process.
pub const MAX_DEPTH: usize = 100;

struct Parser<'s> {
    src: &'s str,
    toks: Vec<Token>,
    i: usize,
    /// Current recursion depth of `unary` and `operand` (see [`MAX_DEPTH`]).
    nesting: usize,
}

/// An expression with the height of its tree.
type Tall = (Expr, usize);

impl Parser<'_> {
    fn peek(&self) -> &Token {
        // The token list always ends with Eof and `i` never passes it.
        &self.toks[self.i.min(self.toks.len() - 1)]
    }
    fn peek_at(&self, k: usize) -> &Tok {
        &self.toks[(self.i + k).min(self.toks.len() - 1)].tok
    }
    fn bump(&mut self) -> Token {
        let t = self.peek().clone();
        if t.tok != Tok::Eof {
            self.i += 1;
        }
        t
    }
    fn err(&self, at: usize, msg: impl Into<String>) -> FilterError {
        FilterError::at(self.src, at, msg)
    }
    /// How a token reads in a message.
    fn show(&self, t: &Token) -> String {
        match t.tok {
            Tok::Eof => "the end of the filter".into(),
            _ => format!("\"{}\"", &self.src[t.start..t.end]),
        }
    }

    /// Refuses to go deeper than [`MAX_DEPTH`]; `at` is the byte offset blamed.
    fn enter(&mut self, at: usize) -> Result<(), FilterError> {
        if self.nesting >= MAX_DEPTH {
            return Err(self.err(
                at,
                format!("the filter is nested too deeply (more than {MAX_DEPTH} levels)"),
            ));
        }
        self.nesting += 1;
        Ok(())
    }

    /// The error for an expression tree higher than [`MAX_DEPTH`].
    fn check_height(&self, (e, h): Tall, at: usize) -> Result<Tall, FilterError> {
        if h > MAX_DEPTH {
            return Err(self.err(
                at,
                format!("the filter is nested too deeply (more than {MAX_DEPTH} levels)"),
            ));
        }
        Ok((e, h))
    }

    fn or(&mut self) -> Result<Tall, FilterError> {
        let at = self.peek().start;
        let first = self.and()?;
        let mut rest = Vec::new();
        while self.peek().tok == Tok::Or {
            self.bump();
            rest.push(self.and()?);
        }
        self.check_height(balanced(first, rest, Expr::Or), at)
    }

    fn and(&mut self) -> Result<Tall, FilterError> {
        let at = self.peek().start;
        let first = self.unary()?;
        let mut rest = Vec::new();
        while self.peek().tok == Tok::And {
            self.bump();
            rest.push(self.unary()?);
        }
        self.check_height(balanced(first, rest, Expr::And), at)
    }

    fn unary(&mut self) -> Result<Tall, FilterError> {
        let t = self.peek().clone();
        if !matches!(t.tok, Tok::Not | Tok::LParen) {
            return Ok((self.test()?, 1));
        }
        self.enter(t.start)?;
        let e = self.unary_inner(t)?;
        self.nesting -= 1;
        Ok(e)
    }

    fn unary_inner(&mut self, t: Token) -> Result<Tall, FilterError> {
        match t.tok {
            Tok::Not => {
                self.bump();
                if self.peek().tok == Tok::Eof {
                    return Err(self.err(
                        t.end,
                        format!("expected a test after \"{}\"", &self.src[t.start..t.end]),
                    ));
                }
                let (e, h) = self.unary()?;
                Ok((Expr::Not(Box::new(e)), h + 1))
            }
            Tok::LParen => {
                self.bump();
                let e = self.or()?;
                let c = self.peek().clone();
                if c.tok != Tok::RParen {
                    return Err(self.err(
                        c.start,
                        format!(
                            "expected \")\" to close the \"(\" at column {}, found {}",
                            FilterError::column_of(self.src, t.start),
                            self.show(&c)
                        ),
                    ));
                }
                self.bump();
                Ok(e)
            }
            _ => Ok((self.test()?, 1)),
        }
    }

    fn test(&mut self) -> Result<Expr, FilterError> {
        let lhs = self.operand("a field, a protocol, \"not\" or \"(\"", None)?;
        let t = self.peek().clone();
        match t.tok {
            Tok::Cmp(op) => {
                self.bump();
                let what = format!("\"{}\"", &self.src[t.start..t.end]);
                let rhs = self.operand(&format!("a value after {what}"), Some(&t))?;
                Ok(Expr::Test(Test::Cmp {
                    lhs,
                    op,
                    op_at: t.start,
                    rhs,
                }))
            }
            Tok::In => {
                self.bump();
                let items = self.set()?;
                Ok(Expr::Test(Test::In {
                    lhs,
                    items,
                    negated: false,
                }))
            }
            Tok::Not if *self.peek_at(1) == Tok::In => {
                self.bump();
                self.bump();
                let items = self.set()?;
                Ok(Expr::Test(Test::In {
                    lhs,
                    items,
                    negated: true,
                }))
            }
            _ => Ok(Expr::Test(Test::Exists(lhs))),
        }
    }

    fn set(&mut self) -> Result<Vec<SetItem>, FilterError> {
        let t = self.peek().clone();
        if t.tok != Tok::LBrace {
            return Err(self.err(
                t.start,
                format!("expected \"{{\" after \"in\", found {}", self.show(&t)),
            ));
        }
        self.bump();
        let mut items = Vec::new();
        let mut comma = false;
        loop {
            let t = self.peek().clone();
            match t.tok {
                Tok::RBrace if !items.is_empty() && !comma => {
                    self.bump();
                    return Ok(items);
                }
                Tok::Comma if !items.is_empty() && !comma => {
                    self.bump();
                    comma = true;
                    continue;
                }
                _ => comma = false,
            }
            let first = self.operand("a value or \"}\" in the set", Some(&t))?;
            // `a..b` lexes as one word.
            if let Atom::Word(w) = &first.atom {
                if let Some((a, b)) = w.split_once("..") {
                    let mk = |s: &str, start: usize| Operand {
                        atom: Atom::Word(s.to_string()),
                        start,
                        end: start + s.len(),
                        layer: None,
                        slice: None,
                    };
                    if a.is_empty() || b.is_empty() {
                        return Err(self.err(
                            first.start,
                            format!("\"{w}\": a range needs a value on both sides of \"..\""),
                        ));
                    }
                    items.push(SetItem::Range(
                        mk(a, first.start),
                        mk(b, first.start + a.len() + 2),
                    ));
                    continue;
                }
            }
            items.push(SetItem::One(first));
        }
    }

    /// One operand; `what` says what was expected, `after` the token it follows.
    fn operand(&mut self, what: &str, after: Option<&Token>) -> Result<Operand, FilterError> {
        let t = self.peek().clone();
        let atom = match &t.tok {
            Tok::Word(w) => Atom::Word(w.clone()),
            Tok::Str(s) => Atom::Str(s.clone()),
            Tok::Char(c) => Atom::Char(*c),
            _ => {
                // At the end, point just past the last character.
                let at = if t.tok == Tok::Eof {
                    self.src.trim_end().len().max(after.map_or(0, |a| a.end)) + 1
                } else {
                    t.start
                };
                let msg = if t.tok == Tok::Eof {
                    format!("expected {what}")
                } else {
                    format!("expected {what}, found {}", self.show(&t))
                };
                // Column of `at` is computed on the text; past the end counts one more.
                return Err(if at > self.src.len() {
                    FilterError::at_column(self.src.chars().count() + 1, msg)
                } else {
                    self.err(at, msg)
                });
            }
        };
        self.bump();
        let mut op = Operand {
            atom,
            start: t.start,
            end: t.end,
            layer: None,
            slice: None,
        };
        if let (Atom::Word(name), Tok::LParen) = (&op.atom, self.peek_at(0)) {
            let name = name.clone();
            self.enter(t.start)?;
            self.bump();
            let arg = self.operand(&format!("a field in {name}()"), None)?;
            self.nesting -= 1;
            let c = self.peek().clone();
            if c.tok != Tok::RParen {
                return Err(self.err(
                    c.start,
                    format!("expected \")\" after {name}(..., found {}", self.show(&c)),
                ));
            }
            self.bump();
            op = Operand {
                atom: Atom::Func(name, Box::new(arg)),
                start: t.start,
                end: c.end,
                layer: None,
                slice: None,
            };
        }
        if self.peek().tok == Tok::Hash {
            let h = self.bump();
            let n = self.peek().clone();
            let v = match &n.tok {
                Tok::Word(w) => w.parse::<i64>().ok().filter(|&v| v != 0),
                _ => None,
            };
            let Some(v) = v else {
                return Err(self.err(
                    n.start.max(h.end),
                    "expected a layer number (1, 2, ... or -1 for the last) after \"#\"",
                ));
            };
            self.bump();
            op.layer = Some(v);
            op.end = n.end;
        }
        if self.peek().tok == Tok::LBracket {
            let open = self.bump();
            let mut ranges = Vec::new();
            loop {
                let r = self.peek().clone();
                let Tok::Word(w) = &r.tok else {
                    return Err(self.err(
                        r.start,
                        format!(
                            "expected a byte range (i:j, i-j, i:, :j or i) in \"[\", found {}",
                            self.show(&r)
                        ),
                    ));
                };
                let Some(range) = parse_range(w) else {
                    return Err(self.err(
                        r.start,
                        format!("\"{w}\" is not a byte range (i:j, i-j, i:, :j or i)"),
                    ));
                };
                self.bump();
                ranges.push(range);
                let s = self.bump();
                match s.tok {
                    Tok::Comma => continue,
                    Tok::RBracket => {
                        op.end = s.end;
                        break;
                    }
                    _ => {
                        return Err(self.err(
                            s.start,
                            format!(
                                "expected \"]\" to close the \"[\" at column {}, found {}",
                                FilterError::column_of(self.src, open.start),
                                self.show(&s)
                            ),
                        ))
                    }
                }
            }
            op.slice = Some(ranges);
        }
        Ok(op)
    }
}

/// Joins `first` and `rest` with `join` into a balanced tree, keeping their order (so the
/// evaluation order and its short-circuits are those of the left-nested chain): the height
/// grows with the log2 of the number of terms, not with the number.
fn balanced(mut first: Tall, mut rest: Vec<Tall>, join: fn(Box<Expr>, Box<Expr>) -> Expr) -> Tall {
    let pair = |(a, ha): Tall, (b, hb): Tall| (join(Box::new(a), Box::new(b)), ha.max(hb) + 1);
    while !rest.is_empty() {
        // One round joins neighbours two by two: (first, r0), (r1, r2), ...
        let mut it = rest.into_iter();
        if let Some(r0) = it.next() {
            first = pair(first, r0);
        }
        let mut next = Vec::with_capacity(it.len().div_ceil(2));
        while let Some(a) = it.next() {
            next.push(match it.next() {
                Some(b) => pair(a, b),
                None => a,
            });
        }
        rest = next;
    }
    first
}

fn int(s: &str) -> Option<i64> {
    s.parse().ok()
}

/// `i:j`, `i-j`, `i:`, `:j`, `i` (i may be negative).
pub fn parse_range(w: &str) -> Option<Range> {
    if let Some((a, b)) = w.split_once(':') {
        let start = if a.is_empty() { 0 } else { int(a)? };
        let len = if b.is_empty() {
            None
        } else {
            Some(int(b)?).filter(|&l| l > 0)
        };
        if b.is_empty() && a.is_empty() {
            return None;
        }
        if !b.is_empty() && len.is_none() {
            return None;
        }
        return Some(Range::Len { start, len });
    }
    // `-3` alone is an offset; `2-5` and `-4-2` are ranges.
    let body = w.strip_prefix('-').unwrap_or(w);
    if let Some(k) = body.find('-') {
        let split = k + (w.len() - body.len());
        let start = int(&w[..split])?;
        let end = int(&w[split + 1..])?;
        return Some(Range::To { start, end });
    }
    Some(Range::One(int(w)?))
}
