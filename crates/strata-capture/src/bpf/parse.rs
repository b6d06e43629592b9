//! Lexer and recursive-descent parser for tcpdump / pcap-filter(7) expressions.
//!
//! The parser only builds a syntax tree ([`Expr`]); everything that depends on the link type
//! (offsets, which primitives exist) is decided by the code generator in `gen.rs`. Keyword and
//! qualifier names follow pcap-filter(7) so the grammar reads like libpcap's `grammar.y`.

use std::net::{Ipv4Addr, Ipv6Addr};

/// A parse error: 1-based character column and what was expected there.
#[derive(Debug)]
pub(crate) struct ParseError {
    pub column: usize,
    pub what: String,
}

type PResult<T> = Result<T, ParseError>;

// ---------------------------------------------------------------------------------------------
// Syntax tree
// ---------------------------------------------------------------------------------------------

/// The protocol qualifier of a primitive (`ether`, `ip`, `tcp`, ... or none).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Proto {
    Default,
    Ether,
    Ip,
    Ip6,
    Arp,
    Rarp,
    Tcp,
    Udp,
    Sctp,
    Icmp,
    Icmp6,
}

impl Proto {
    fn from_keyword(word: &str) -> Option<Proto> {
        Some(match word {
            "ether" | "link" => Proto::Ether,
            "ip" => Proto::Ip,
            "ip6" => Proto::Ip6,
            "arp" => Proto::Arp,
            "rarp" => Proto::Rarp,
            "tcp" => Proto::Tcp,
            "udp" => Proto::Udp,
            "sctp" => Proto::Sctp,
            "icmp" => Proto::Icmp,
            "icmp6" => Proto::Icmp6,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Proto::Default => "(none)",
            Proto::Ether => "ether",
            Proto::Ip => "ip",
            Proto::Ip6 => "ip6",
            Proto::Arp => "arp",
            Proto::Rarp => "rarp",
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
            Proto::Sctp => "sctp",
            Proto::Icmp => "icmp",
            Proto::Icmp6 => "icmp6",
        }
    }
}

/// The direction qualifier (`src`, `dst`, `src or dst`, `src and dst`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dir {
    /// No qualifier: same as `src or dst`.
    SrcOrDst,
    Src,
    Dst,
    SrcAndDst,
}

/// The type qualifier of an id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IdType {
    Host,
    Net,
    Port,
    PortRange,
}

/// The qualifiers in force for an id; remembered so `port 53 or 80` means `... or port 80`.
#[derive(Clone, Copy, Debug)]
struct Quals {
    proto: Proto,
    dir: Dir,
    ty: Option<IdType>,
}

#[derive(Clone, Debug)]
pub(crate) enum Prim {
    HostV4 {
        proto: Proto,
        dir: Dir,
        addr: u32,
    },
    HostV6 {
        proto: Proto,
        dir: Dir,
        addr: [u8; 16],
    },
    NetV4 {
        proto: Proto,
        dir: Dir,
        net: u32,
        mask: u32,
    },
    NetV6 {
        proto: Proto,
        dir: Dir,
        addr: [u8; 16],
        prefix: u32,
    },
    EtherHost {
        dir: Dir,
        mac: [u8; 6],
    },
    Port {
        proto: Proto,
        dir: Dir,
        lo: u16,
        hi: u16,
    },
    /// A bare protocol name: `ip`, `tcp`, `arp`, ...
    Proto(Proto),
    /// `proto N`, `ip proto N`, `ip6 proto N`.
    IpProto {
        proto: Proto,
        num: u8,
    },
    /// `ether proto N`.
    EtherProto(u16),
    Vlan(Option<u16>),
    Less(u32),
    Greater(u32),
    Broadcast(Proto),
    Multicast(Proto),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    And,
    Or,
    Xor,
    Shl,
    Shr,
}

#[derive(Clone, Debug)]
pub(crate) enum Arith {
    Num(u32),
    /// `len`: the packet's length on the wire.
    Len,
    /// `proto[index : size]`.
    Load {
        proto: Proto,
        index: Box<Arith>,
        size: u32,
        column: usize,
    },
    Bin(ArithOp, Box<Arith>, Box<Arith>),
    Neg(Box<Arith>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RelOp {
    Gt,
    Ge,
    Lt,
    Le,
    Eq,
    Ne,
}

#[derive(Clone, Debug)]
pub(crate) enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Prim(Prim, usize),
    Rel(Arith, RelOp, Arith),
}

// ---------------------------------------------------------------------------------------------
// Lexer
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    /// A keyword, number, address, name: anything made of word characters.
    Word(String),
    Sym(&'static str),
    End,
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    /// 1-based character column.
    col: usize,
}

/// Two- and one-character operators, longest first so `<<` wins over `<`.
const SYMBOLS: &[&str] = &[
    "&&", "||", "==", "!=", "<=", ">=", "<<", ">>", "(", ")", "[", "]", ":", "+", "-", "*", "/",
    "%", "&", "|", "^", "<", ">", "=", "!",
];

fn lex(src: &str) -> PResult<Vec<Token>> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    // Inside `[...]`, ':' separates index and size instead of being part of an IPv6/MAC word.
    let mut bracket_depth = 0usize;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let col = i + 1;
        // libpcap allows `\tcp` to force the protocol-name reading of a keyword.
        let word_start = c.is_ascii_alphanumeric()
            || c == '_'
            || (c == ':' && bracket_depth == 0)
            || (c == '\\' && chars.get(i + 1).is_some_and(|n| n.is_ascii_alphanumeric()));
        if word_start {
            if c == '\\' {
                i += 1;
            }
            let mut word = String::new();
            while i < chars.len() {
                let c = chars[i];
                let next = chars.get(i + 1).copied();
                let join = if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
                    true
                } else if c == ':' {
                    bracket_depth == 0
                } else if c == '-' {
                    // `tcp-syn`, `ftp-data`, `1-1024`; but `len - 1` stays three tokens.
                    let all_alpha = word.starts_with(|w: char| w.is_ascii_alphabetic())
                        && word.chars().all(|w| w.is_ascii_alphanumeric() || w == '-');
                    let all_digit = !word.is_empty() && word.chars().all(|w| w.is_ascii_digit());
                    (all_alpha && word != "len" && next.is_some_and(|n| n.is_ascii_alphabetic()))
                        || (all_digit && next.is_some_and(|n| n.is_ascii_digit()))
                } else if c == '/' {
                    // CIDR suffix of an address: `10.0.0.0/8`, `fe80::/10`.
                    bracket_depth == 0
                        && word.contains(['.', ':'])
                        && next.is_some_and(|n| n.is_ascii_digit())
                } else {
                    false
                };
                if !join {
                    break;
                }
                word.push(c);
                i += 1;
            }
            out.push(Token {
                tok: Tok::Word(word),
                col,
            });
            continue;
        }
        let rest: String = chars[i..chars.len().min(i + 2)].iter().collect();
        let Some(sym) = SYMBOLS.iter().find(|s| rest.starts_with(**s)) else {
            return Err(ParseError {
                column: col,
                what: format!("unexpected character {c:?}"),
            });
        };
        match *sym {
            "[" => bracket_depth += 1,
            "]" => bracket_depth = bracket_depth.saturating_sub(1),
            _ => {}
        }
        i += sym.chars().count();
        out.push(Token {
            tok: Tok::Sym(sym),
            col,
        });
    }
    out.push(Token {
        tok: Tok::End,
        col: chars.len() + 1,
    });
    Ok(out)
}

/// Words that can never be an id (address, number or name).
const KEYWORDS: &[&str] = &[
    "and",
    "or",
    "not",
    "host",
    "net",
    "port",
    "portrange",
    "proto",
    "src",
    "dst",
    "ether",
    "link",
    "ip",
    "ip6",
    "arp",
    "rarp",
    "tcp",
    "udp",
    "sctp",
    "icmp",
    "icmp6",
    "vlan",
    "less",
    "greater",
    "len",
    "broadcast",
    "multicast",
    "mask",
    "gateway",
];

// ---------------------------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------------------------

pub(crate) fn parse(src: &str) -> PResult<Option<Expr>> {
    let toks = lex(src)?;
    let mut p = Parser {
        toks,
        pos: 0,
        last: None,
        depth: 0,
        nodes: 0,
    };
    if p.peek() == &Tok::End {
        return Ok(None);
    }
    let e = p.parse_or()?;
    if p.peek() != &Tok::End {
        return Err(p.expected("`and`, `or` or the end of the filter"));
    }
    Ok(Some(e))
}

/// How deep a filter may nest (`(`, `not`, `!`, unary `-`, `proto[...]`). The parser and the
/// code generator recurse on the tree; without a bound, a `-f` of many `(` or `not` overflows
/// the stack and aborts the process.
pub const MAX_DEPTH: usize = 100;

/// How many `and` / `or` and arithmetic operators a filter may have. Both build left-nested
/// chains that the code generator walks recursively, so this bounds the tree's height too. A
/// BPF program holds at most 4096 instructions, and a filter this long would not fit anyway
/// unless constant folding removed nearly all of it.
pub const MAX_OPERATORS: usize = 4096;

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    /// Qualifiers of the last primitive with an id, for implied ids (`port 53 or 80`).
    last: Option<Quals>,
    /// Current nesting (see [`MAX_DEPTH`]).
    depth: usize,
    /// Operators so far (see [`MAX_OPERATORS`]).
    nodes: usize,
}

impl Parser {
    fn peek(&self) -> &Tok {
        self.peek_at(0)
    }
    fn peek_at(&self, n: usize) -> &Tok {
        let i = (self.pos + n).min(self.toks.len() - 1);
        &self.toks[i].tok
    }
    fn col(&self) -> usize {
        self.toks[self.pos.min(self.toks.len() - 1)].col
    }
    fn advance(&mut self) {
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
    }
    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Tok::Word(x) if x == w)
    }
    fn is_sym(&self, s: &str) -> bool {
        matches!(self.peek(), Tok::Sym(x) if *x == s)
    }
    fn eat_word(&mut self, w: &str) -> bool {
        let hit = self.is_word(w);
        if hit {
            self.advance();
        }
        hit
    }
    fn eat_sym(&mut self, s: &str) -> bool {
        let hit = self.is_sym(s);
        if hit {
            self.advance();
        }
        hit
    }
    fn describe(&self) -> String {
        match self.peek() {
            Tok::Word(w) => format!("`{w}`"),
            Tok::Sym(s) => format!("`{s}`"),
            Tok::End => "the end of the filter".to_string(),
        }
    }
    fn expected(&self, what: &str) -> ParseError {
        ParseError {
            column: self.col(),
            what: format!("expected {what}, found {}", self.describe()),
        }
    }
    fn error_here(&self, what: String) -> ParseError {
        ParseError {
            column: self.col(),
            what,
        }
    }

    /// Enters one nesting level, refused past [`MAX_DEPTH`]; [`Self::leave`] undoes it.
    fn enter(&mut self) -> PResult<()> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error_here(format!(
                "the filter is nested too deeply (more than {MAX_DEPTH} levels)"
            )));
        }
        self.depth += 1;
        Ok(())
    }
    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Counts one operator, refused past [`MAX_OPERATORS`]. Call it before consuming the
    /// operator, so the error points at it.
    fn operator(&mut self) -> PResult<()> {
        if self.nodes >= MAX_OPERATORS {
            return Err(self.error_here(format!(
                "the filter has too many operators (more than {MAX_OPERATORS})"
            )));
        }
        self.nodes += 1;
        Ok(())
    }

    fn is_or(&self) -> bool {
        self.is_word("or") || self.is_sym("||")
    }
    fn is_and(&self) -> bool {
        self.is_word("and") || self.is_sym("&&")
    }

    fn parse_or(&mut self) -> PResult<Expr> {
        let mut left = self.parse_and()?;
        while self.is_or() {
            self.operator()?;
            self.advance();
            let right = self.parse_and()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn parse_and(&mut self) -> PResult<Expr> {
        let mut left = self.parse_not()?;
        while self.is_and() {
            self.operator()?;
            self.advance();
            let right = self.parse_not()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn parse_not(&mut self) -> PResult<Expr> {
        if self.is_word("not") || self.is_sym("!") {
            self.enter()?;
            self.advance();
            let e = self.parse_not()?;
            self.leave();
            return Ok(Expr::Not(Box::new(e)));
        }
        self.parse_atom()
    }

    /// True if the token is an arithmetic or relational operator, i.e. what follows an operand.
    fn is_operator(tok: &Tok) -> bool {
        matches!(
            tok,
            Tok::Sym(
                "+" | "-"
                    | "*"
                    | "/"
                    | "%"
                    | "&"
                    | "|"
                    | "^"
                    | "<<"
                    | ">>"
                    | "<"
                    | "<="
                    | ">"
                    | ">="
                    | "="
                    | "=="
                    | "!="
            )
        )
    }

    fn parse_atom(&mut self) -> PResult<Expr> {
        if self.is_sym("(") {
            // Either a parenthesised boolean expression or the start of an arithmetic one,
            // `(ip[0] & 0xf) > 5`: try the first, fall back to the second.
            let save = (self.pos, self.last, self.depth, self.nodes);
            self.enter()?;
            self.advance();
            if let Ok(e) = self.parse_or() {
                if self.eat_sym(")") && !Self::is_operator(self.peek()) {
                    self.leave();
                    return Ok(e);
                }
            }
            (self.pos, self.last, self.depth, self.nodes) = save;
            return self.parse_relation();
        }
        let starts_arith = match self.peek() {
            Tok::Sym("-") => true,
            Tok::Word(w) if w == "len" => true,
            Tok::Word(w) if Proto::from_keyword(w).is_some() => {
                matches!(self.peek_at(1), Tok::Sym("["))
            }
            Tok::Word(w) if parse_number(w).is_some() => Self::is_operator(self.peek_at(1)),
            _ => false,
        };
        if starts_arith {
            return self.parse_relation();
        }
        self.parse_primitive()
    }

    // --- primitives ---------------------------------------------------------------------------

    fn parse_primitive(&mut self) -> PResult<Expr> {
        let col = self.col();
        let Tok::Word(first) = self.peek().clone() else {
            return Err(self.expected("a primitive (host, net, port, a protocol, ...)"));
        };
        match first.as_str() {
            "vlan" => {
                self.advance();
                let id = self.optional_number(4095, "VLAN id")?;
                return Ok(Expr::Prim(Prim::Vlan(id.map(|v| v as u16)), col));
            }
            "less" | "greater" => {
                self.advance();
                let n = self.number(u32::MAX, "a length")?;
                let p = if first == "less" {
                    Prim::Less(n)
                } else {
                    Prim::Greater(n)
                };
                return Ok(Expr::Prim(p, col));
            }
            "gateway" => return Err(self.error_here("`gateway` is not supported".into())),
            _ => {}
        }

        // [proto] [dir] [type] id
        let mut proto = Proto::Default;
        if let Some(p) = Proto::from_keyword(&first) {
            proto = p;
            self.advance();
        }
        let dir = self.parse_dir()?;
        let ty = match self.peek() {
            Tok::Word(w) => match w.as_str() {
                "host" => Some(IdType::Host),
                "net" => Some(IdType::Net),
                "port" => Some(IdType::Port),
                "portrange" => Some(IdType::PortRange),
                _ => None,
            },
            _ => None,
        };
        if ty.is_some() {
            self.advance();
        } else if dir.is_none() {
            // Things that take no id.
            if self.eat_word("proto") {
                return self.parse_proto_number(proto, col);
            }
            if self.eat_word("broadcast") {
                return Ok(Expr::Prim(Prim::Broadcast(proto), col));
            }
            if self.eat_word("multicast") {
                return Ok(Expr::Prim(Prim::Multicast(proto), col));
            }
            if proto != Proto::Default {
                return Ok(Expr::Prim(Prim::Proto(proto), col));
            }
            // A bare id: reuse the last qualifiers (`port 53 or 80`), else it is a host.
            if let Some(q) = self.last {
                return self.parse_id(q, col);
            }
            let q = Quals {
                proto,
                dir: Dir::SrcOrDst,
                ty: None,
            };
            return self.parse_id(q, col);
        }
        let q = Quals {
            proto,
            dir: dir.unwrap_or(Dir::SrcOrDst),
            ty,
        };
        self.parse_id(q, col)
    }

    fn parse_dir(&mut self) -> PResult<Option<Dir>> {
        let dir = if self.is_word("src") {
            Dir::Src
        } else if self.is_word("dst") {
            Dir::Dst
        } else {
            return Ok(None);
        };
        self.advance();
        // `src or dst` / `src and dst` as one qualifier, only when followed by `dst`/`src`.
        let other = if dir == Dir::Src { "dst" } else { "src" };
        if matches!(self.peek(), Tok::Word(w) if w == "or" || w == "and")
            && matches!(self.peek_at(1), Tok::Word(w) if w == other)
        {
            let both = if self.is_word("or") {
                Dir::SrcOrDst
            } else {
                Dir::SrcAndDst
            };
            self.advance();
            self.advance();
            return Ok(Some(both));
        }
        Ok(Some(dir))
    }

    fn parse_proto_number(&mut self, proto: Proto, col: usize) -> PResult<Expr> {
        let Tok::Word(w) = self.peek().clone() else {
            return Err(self.expected("a protocol number or name"));
        };
        if proto == Proto::Ether {
            let num = match w.as_str() {
                "ip" => 0x0800,
                "ip6" => 0x86dd,
                "arp" => 0x0806,
                "rarp" => 0x8035,
                _ => match parse_number(&w) {
                    Some(n) if n <= 0xffff => n,
                    _ => return Err(self.expected("an EtherType (number, ip, ip6, arp, rarp)")),
                },
            };
            self.advance();
            return Ok(Expr::Prim(Prim::EtherProto(num as u16), col));
        }
        if !matches!(proto, Proto::Default | Proto::Ip | Proto::Ip6) {
            return Err(self.error_here(format!("`proto` cannot follow `{}`", proto.name())));
        }
        let num = match w.as_str() {
            "icmp" => 1,
            "igmp" => 2,
            "tcp" => 6,
            "udp" => 17,
            "icmp6" => 58,
            "sctp" => 132,
            _ => match parse_number(&w) {
                Some(n) if n <= 255 => n,
                _ => return Err(self.expected("an IP protocol number (0-255) or name")),
            },
        };
        self.advance();
        Ok(Expr::Prim(
            Prim::IpProto {
                proto,
                num: num as u8,
            },
            col,
        ))
    }

    /// An id (address, network, port, MAC) under the qualifiers `q`.
    fn parse_id(&mut self, q: Quals, col: usize) -> PResult<Expr> {
        let Tok::Word(id) = self.peek().clone() else {
            return Err(self.expected("an address, network or port"));
        };
        if KEYWORDS.contains(&id.as_str()) {
            return Err(self.expected("an address, network or port"));
        }
        let id_col = self.col();
        let bad = |what: String| ParseError {
            column: id_col,
            what,
        };
        self.advance();
        self.last = Some(q);
        let Quals { proto, dir, ty } = q;
        let prim = match ty {
            Some(IdType::Port) => {
                let port = parse_port(&id).ok_or_else(|| {
                    bad(format!(
                        "expected a port number or service name, found `{id}`"
                    ))
                })?;
                Prim::Port {
                    proto,
                    dir,
                    lo: port,
                    hi: port,
                }
            }
            Some(IdType::PortRange) => {
                let (lo, hi) = id
                    .split_once('-')
                    .and_then(|(a, b)| Some((parse_port(a)?, parse_port(b)?)))
                    .ok_or_else(|| {
                        bad(format!("expected a port range like 1-1024, found `{id}`"))
                    })?;
                Prim::Port {
                    proto,
                    dir,
                    lo: lo.min(hi),
                    hi: lo.max(hi),
                }
            }
            Some(IdType::Net) => {
                if id.contains(':') {
                    let (addr, prefix) = parse_v6_cidr(&id).ok_or_else(|| {
                        bad(format!(
                            "expected an IPv6 network like fe80::/10, found `{id}`"
                        ))
                    })?;
                    let host_bits = addr.iter().enumerate().any(|(i, b)| {
                        let keep = prefix.saturating_sub(8 * i as u32).min(8);
                        b & !(0xffu16 << (8 - keep)) as u8 != 0
                    });
                    if host_bits {
                        return Err(bad(format!("non-network bits set in `{id}`")));
                    }
                    Prim::NetV6 {
                        proto,
                        dir,
                        addr,
                        prefix,
                    }
                } else {
                    let (net, mut mask) = parse_v4_net(&id).ok_or_else(|| {
                        bad(format!(
                            "expected an IPv4 network like 10.0.0.0/8, found `{id}`"
                        ))
                    })?;
                    if self.eat_word("mask") {
                        let Tok::Word(m) = self.peek().clone() else {
                            return Err(self.expected("a netmask"));
                        };
                        let parsed: Ipv4Addr = m
                            .parse()
                            .map_err(|_| self.expected("a dotted netmask like 255.255.0.0"))?;
                        if id.contains('/') {
                            return Err(self
                                .error_here("a network with /len cannot also have `mask`".into()));
                        }
                        mask = u32::from(parsed);
                        self.advance();
                    }
                    if net & !mask != 0 {
                        return Err(bad(format!("non-network bits set in `{id}`")));
                    }
                    Prim::NetV4 {
                        proto,
                        dir,
                        net,
                        mask,
                    }
                }
            }
            Some(IdType::Host) | None => {
                if let Some(mac) = parse_mac(&id) {
                    if proto != Proto::Ether && proto != Proto::Default {
                        return Err(bad(format!(
                            "a MAC address cannot be used with `{}`",
                            proto.name()
                        )));
                    }
                    Prim::EtherHost { dir, mac }
                } else if proto == Proto::Ether {
                    return Err(bad(format!(
                        "expected a MAC address like 00:11:22:33:44:55, found `{id}`"
                    )));
                } else if let Ok(a) = id.parse::<Ipv4Addr>() {
                    Prim::HostV4 {
                        proto,
                        dir,
                        addr: u32::from(a),
                    }
                } else if let Ok(a) = id.parse::<Ipv6Addr>() {
                    Prim::HostV6 {
                        proto,
                        dir,
                        addr: a.octets(),
                    }
                } else if ty.is_none() && parse_v4_net(&id).is_some() {
                    // `src 10.1` without `net`: libpcap treats a partial address as a net.
                    return Err(bad(format!(
                        "`{id}` is not a complete address; write `net {id}`"
                    )));
                } else {
                    return Err(bad(format!(
                        "expected a numeric IPv4/IPv6 address, found `{id}` (host names are not resolved)"
                    )));
                }
            }
        };
        Ok(Expr::Prim(prim, col))
    }

    fn number(&mut self, max: u32, what: &str) -> PResult<u32> {
        match self.peek() {
            Tok::Word(w) => match parse_number(w) {
                Some(n) if n <= max => {
                    self.advance();
                    Ok(n)
                }
                Some(_) => Err(self.error_here(format!("{what} must be at most {max}"))),
                None => Err(self.expected(what)),
            },
            _ => Err(self.expected(what)),
        }
    }

    fn optional_number(&mut self, max: u32, what: &str) -> PResult<Option<u32>> {
        match self.peek() {
            Tok::Word(w) if parse_number(w).is_some() => self.number(max, what).map(Some),
            _ => Ok(None),
        }
    }

    // --- arithmetic ---------------------------------------------------------------------------

    fn parse_relation(&mut self) -> PResult<Expr> {
        let left = self.parse_arith(0)?;
        let op = match self.peek() {
            Tok::Sym(">") => RelOp::Gt,
            Tok::Sym(">=") => RelOp::Ge,
            Tok::Sym("<") => RelOp::Lt,
            Tok::Sym("<=") => RelOp::Le,
            Tok::Sym("=" | "==") => RelOp::Eq,
            Tok::Sym("!=") => RelOp::Ne,
            _ => return Err(self.expected("a comparison (>, >=, <, <=, =, !=)")),
        };
        self.advance();
        let right = self.parse_arith(0)?;
        Ok(Expr::Rel(left, op, right))
    }

    /// Binary operators by precedence, lowest first, as in libpcap's grammar
    /// (`|`, `^`, `&`, shifts, `+ -`, `* / %`).
    fn binop(tok: &Tok) -> Option<(ArithOp, u8)> {
        Some(match tok {
            Tok::Sym("|") => (ArithOp::Or, 1),
            Tok::Sym("^") => (ArithOp::Xor, 2),
            Tok::Sym("&") => (ArithOp::And, 3),
            Tok::Sym("<<") => (ArithOp::Shl, 4),
            Tok::Sym(">>") => (ArithOp::Shr, 4),
            Tok::Sym("+") => (ArithOp::Add, 5),
            Tok::Sym("-") => (ArithOp::Sub, 5),
            Tok::Sym("*") => (ArithOp::Mul, 6),
            Tok::Sym("/") => (ArithOp::Div, 6),
            Tok::Sym("%") => (ArithOp::Mod, 6),
            _ => return None,
        })
    }

    /// Precedence climbing over [`Self::binop`]; all operators are left-associative.
    fn parse_arith(&mut self, min_prec: u8) -> PResult<Arith> {
        let mut left = self.parse_arith_operand()?;
        while let Some((op, prec)) = Self::binop(self.peek()) {
            if prec < min_prec.max(1) {
                break;
            }
            self.operator()?;
            self.advance();
            let right = self.parse_arith(prec + 1)?;
            left = Arith::Bin(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn parse_arith_operand(&mut self) -> PResult<Arith> {
        self.enter()?;
        let a = self.parse_arith_operand_inner();
        self.leave();
        a
    }

    fn parse_arith_operand_inner(&mut self) -> PResult<Arith> {
        if self.eat_sym("(") {
            let a = self.parse_arith(0)?;
            if !self.eat_sym(")") {
                return Err(self.expected("`)`"));
            }
            return Ok(a);
        }
        if self.eat_sym("-") {
            return Ok(Arith::Neg(Box::new(self.parse_arith_operand()?)));
        }
        let col = self.col();
        let Tok::Word(w) = self.peek().clone() else {
            return Err(self.expected("a number, `len` or `proto[offset]`"));
        };
        if w == "len" {
            self.advance();
            return Ok(Arith::Len);
        }
        if let Some(proto) = Proto::from_keyword(&w) {
            self.advance();
            if !self.eat_sym("[") {
                return Err(self.expected("`[` after a protocol name in an arithmetic expression"));
            }
            let index = self.parse_arith(0)?;
            let mut size = 1;
            if self.eat_sym(":") {
                size = self.number(4, "a size (1, 2 or 4)")?;
                if !matches!(size, 1 | 2 | 4) {
                    return Err(ParseError {
                        column: self.col() - 1,
                        what: "size must be 1, 2 or 4".into(),
                    });
                }
            }
            if !self.eat_sym("]") {
                return Err(self.expected("`]`"));
            }
            return Ok(Arith::Load {
                proto,
                index: Box::new(index),
                size,
                column: col,
            });
        }
        if let Some(n) = parse_number(&w).or_else(|| named_constant(&w)) {
            self.advance();
            return Ok(Arith::Num(n));
        }
        Err(self.expected("a number, `len` or `proto[offset]`"))
    }
}

// ---------------------------------------------------------------------------------------------
// Literals
// ---------------------------------------------------------------------------------------------

/// A number as libpcap reads it: `0x` hex, leading `0` octal, else decimal.
pub(crate) fn parse_number(w: &str) -> Option<u32> {
    if let Some(hex) = w.strip_prefix("0x").or_else(|| w.strip_prefix("0X")) {
        u32::from_str_radix(hex, 16).ok()
    } else if w.len() > 1 && w.starts_with('0') {
        u32::from_str_radix(&w[1..], 8).ok()
    } else if !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()) {
        w.parse().ok()
    } else {
        None
    }
}

/// Named offsets and flag values from pcap-filter(7).
fn named_constant(w: &str) -> Option<u32> {
    Some(match w {
        "icmptype" | "icmp6type" => 0,
        "icmpcode" | "icmp6code" => 1,
        "tcpflags" => 13,
        "tcp-fin" => 0x01,
        "tcp-syn" => 0x02,
        "tcp-rst" => 0x04,
        "tcp-push" => 0x08,
        "tcp-ack" => 0x10,
        "tcp-urg" => 0x20,
        "tcp-ece" => 0x40,
        "tcp-cwr" => 0x80,
        "icmp-echoreply" => 0,
        "icmp-unreach" => 3,
        "icmp-sourcequench" => 4,
        "icmp-redirect" => 5,
        "icmp-echo" => 8,
        "icmp-routeradvert" => 9,
        "icmp-routersolicit" => 10,
        "icmp-timxceed" => 11,
        "icmp-paramprob" => 12,
        "icmp-tstamp" => 13,
        "icmp-tstampreply" => 14,
        "icmp-ireq" => 15,
        "icmp-ireqreply" => 16,
        "icmp-maskreq" => 17,
        "icmp-maskreply" => 18,
        "icmp6-destinationunreach" => 1,
        "icmp6-packettoobig" => 2,
        "icmp6-timeexceeded" => 3,
        "icmp6-parameterproblem" => 4,
        "icmp6-echo" => 128,
        "icmp6-echoreply" => 129,
        "icmp6-routersolicit" => 133,
        "icmp6-routeradvert" => 134,
        "icmp6-neighborsolicit" => 135,
        "icmp6-neighboradvert" => 136,
        "icmp6-redirect" => 137,
        _ => return None,
    })
}

/// A port number or one of the common service names from /etc/services.
fn parse_port(w: &str) -> Option<u16> {
    if let Some(n) = parse_number(w) {
        return u16::try_from(n).ok();
    }
    Some(match w {
        "ftp-data" => 20,
        "ftp" => 21,
        "ssh" => 22,
        "telnet" => 23,
        "smtp" => 25,
        "domain" => 53,
        "bootps" => 67,
        "bootpc" => 68,
        "tftp" => 69,
        "http" | "www" => 80,
        "pop3" => 110,
        "sunrpc" => 111,
        "ntp" => 123,
        "netbios-ns" => 137,
        "netbios-dgm" => 138,
        "netbios-ssn" => 139,
        "imap" | "imap2" => 143,
        "snmp" => 161,
        "snmp-trap" => 162,
        "bgp" => 179,
        "ldap" => 389,
        "https" => 443,
        "microsoft-ds" => 445,
        "syslog" => 514,
        "submission" => 587,
        "ldaps" => 636,
        "imaps" => 993,
        "pop3s" => 995,
        "mysql" => 3306,
        "rdp" | "ms-wbt-server" => 3389,
        "postgresql" => 5432,
        _ => return None,
    })
}

/// `00:11:22:33:44:55` (also with `-` or `.` separators as `0011.2233.4455`).
fn parse_mac(w: &str) -> Option<[u8; 6]> {
    let hex: String;
    if w.contains(':') || w.contains('-') {
        let parts: Vec<&str> = w.split([':', '-']).collect();
        if parts.len() != 6 || parts.iter().any(|p| p.is_empty() || p.len() > 2) {
            return None;
        }
        hex = parts.iter().map(|p| format!("{p:0>2}")).collect();
    } else if w.matches('.').count() == 2 && w.len() == 14 {
        hex = w.replace('.', "");
    } else {
        return None;
    }
    let mut mac = [0u8; 6];
    for (i, byte) in mac.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(mac)
}

/// An IPv4 network: `10`, `10.1`, `10.1.2` (mask from the number of parts, as libpcap),
/// `10.1.2.3` (/32), or any of those with `/len`.
fn parse_v4_net(w: &str) -> Option<(u32, u32)> {
    let (addr, len) = match w.split_once('/') {
        Some((a, l)) => (a, Some(l.parse::<u32>().ok().filter(|l| *l <= 32)?)),
        None => (w, None),
    };
    let parts: Vec<&str> = addr.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let mut net = 0u32;
    for p in &parts {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        net = (net << 8) | p.parse::<u8>().ok()? as u32;
    }
    net <<= 8 * (4 - parts.len() as u32);
    let len = len.unwrap_or(8 * parts.len() as u32);
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    Some((net, mask))
}

fn parse_v6_cidr(w: &str) -> Option<([u8; 16], u32)> {
    let (addr, len) = match w.split_once('/') {
        Some((a, l)) => (a, l.parse::<u32>().ok().filter(|l| *l <= 128)?),
        None => (w, 128),
    };
    Some((addr.parse::<Ipv6Addr>().ok()?.octets(), len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexes_addresses_and_brackets() {
        let toks = lex("tcp[13:1] & tcp-syn != 0 and net fe80::/10 and portrange 1-1024").unwrap();
        let words: Vec<String> = toks
            .iter()
            .map(|t| match &t.tok {
                Tok::Word(w) => w.clone(),
                Tok::Sym(s) => s.to_string(),
                Tok::End => "$".into(),
            })
            .collect();
        assert_eq!(
            words,
            [
                "tcp",
                "[",
                "13",
                ":",
                "1",
                "]",
                "&",
                "tcp-syn",
                "!=",
                "0",
                "and",
                "net",
                "fe80::/10",
                "and",
                "portrange",
                "1-1024",
                "$"
            ]
        );
    }

    #[test]
    fn nets() {
        assert_eq!(parse_v4_net("10"), Some((0x0a00_0000, 0xff00_0000)));
        assert_eq!(
            parse_v4_net("192.168.1.0/24"),
            Some((0xc0a8_0100, 0xffff_ff00))
        );
        assert_eq!(
            parse_mac("0:1:22:33:44:55"),
            Some([0, 1, 0x22, 0x33, 0x44, 0x55])
        );
    }

    #[test]
    fn errors_have_columns() {
        let e = parse("tcp and port").unwrap_err();
        assert_eq!(e.column, 13);
        let e = parse("host 1.2.3.4 or (").unwrap_err();
        assert!(e.what.contains("expected"), "{}", e.what);
        let e = parse("port 99999").unwrap_err();
        assert_eq!(e.column, 6);
    }
}
