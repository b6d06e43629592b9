//! Code generation: syntax tree -> boolean tree of tests -> classic BPF with resolved jumps.
//!
//! The shape of the generated code follows libpcap's `gencode.c` (same loads, same order of
//! tests) so that our programs accept exactly what `tcpdump` accepts, including the classic-BPF
//! rule that a load past the end of the packet rejects it outright.
//!
//! Two stages:
//! 1. [`Gen`] turns each primitive into a [`Node`] tree whose leaves are [`Node::Test`]s: a few
//!    straight-line instructions that leave a value in A, then one conditional jump.
//! 2. [`assemble`] lowers the tree with short-circuit jumps to symbolic labels, then lays the
//!    code out and resolves labels into the 8-bit forward offsets of classic BPF, inserting `ja`
//!    trampolines where a conditional jump would be too far.

use super::parse::{Arith, ArithOp, Dir, Expr, Prim, Proto, RelOp};
use super::*;

const ETHERTYPE_IP: u16 = 0x0800;
const ETHERTYPE_ARP: u16 = 0x0806;
const ETHERTYPE_REVARP: u16 = 0x8035;
const ETHERTYPE_IPV6: u16 = 0x86dd;
const ETHERTYPE_8021Q: u16 = 0x8100;
const ETHERTYPE_8021AD: u16 = 0x88a8;
const ETHERTYPE_8021QINQ: u16 = 0x9100;

const IPPROTO_ICMP: u8 = 1;
const IPPROTO_TCP: u8 = 6;
const IPPROTO_UDP: u8 = 17;
const IPPROTO_FRAGMENT: u8 = 44;
const IPPROTO_ICMPV6: u8 = 58;
const IPPROTO_SCTP: u8 = 132;

/// BPF scratch memory words (`M[0..16]`), used for arithmetic temporaries.
const BPF_MEMWORDS: u32 = 16;

/// A boolean tree whose leaves are tests on the packet.
#[derive(Clone, Debug)]
pub(crate) enum Node {
    True,
    False,
    /// Run `prelude` (which leaves a value in A, and may use X and scratch memory), then branch
    /// on `A <jmp> k` (or `A <jmp> X` when `jmp` has `BPF_X`).
    Test {
        prelude: Vec<Insn>,
        jmp: u16,
        k: u32,
    },
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Not(Box<Node>),
}

fn and(a: Node, b: Node) -> Node {
    match (a, b) {
        (Node::False, _) => Node::False,
        (Node::True, b) => b,
        // `b` has no side effects other than possibly rejecting on a short packet, and libpcap
        // drops it too when `a` is constant false.
        (_, Node::False) => Node::False,
        (a, Node::True) => a,
        (a, b) => Node::And(Box::new(a), Box::new(b)),
    }
}

fn or(a: Node, b: Node) -> Node {
    match (a, b) {
        (Node::True, _) => Node::True,
        (Node::False, b) => b,
        (_, Node::True) => Node::True,
        (a, Node::False) => a,
        (a, b) => Node::Or(Box::new(a), Box::new(b)),
    }
}

fn not(a: Node) -> Node {
    match a {
        Node::True => Node::False,
        Node::False => Node::True,
        Node::Not(inner) => *inner,
        a => Node::Not(Box::new(a)),
    }
}

fn any(nodes: impl IntoIterator<Item = Node>) -> Node {
    nodes.into_iter().fold(Node::False, or)
}

fn stmt(code: u16, k: u32) -> Insn {
    Insn {
        code,
        jt: 0,
        jf: 0,
        k,
    }
}

/// `ld{size} [k]` then `jeq #v`, optionally masked first.
fn cmp(size: u16, offset: u32, mask: u32, jmp: u16, k: u32) -> Node {
    let mut prelude = vec![stmt(BPF_LD | size | BPF_ABS, offset)];
    let full = match size {
        BPF_B => 0xff,
        BPF_H => 0xffff,
        _ => u32::MAX,
    };
    if mask != full {
        prelude.push(stmt(BPF_ALU | BPF_AND | BPF_K, mask));
    }
    Node::Test {
        prelude,
        jmp: BPF_JMP | jmp | BPF_K,
        k,
    }
}

fn eq(size: u16, offset: u32, k: u32) -> Node {
    let full = match size {
        BPF_B => 0xff,
        BPF_H => 0xffff,
        _ => u32::MAX,
    };
    cmp(size, offset, full, BPF_JEQ, k)
}

/// The link layers we generate code for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Link {
    Ethernet,
    /// Linux cooked capture v1: 16-byte header, protocol at 14.
    Sll,
    /// Raw IP, version from the first nibble.
    Raw,
    RawV4,
    RawV6,
}

pub(crate) struct Gen<'a> {
    filter: &'a str,
    link: Link,
    /// Offset of the EtherType (moves by 4 with each `vlan`).
    off_linktype: u32,
    /// Offset of the network-layer header (moves by 4 with each `vlan`).
    off_nl: u32,
    /// Next free scratch memory word.
    next_mem: u32,
}

impl<'a> Gen<'a> {
    pub fn new(filter: &'a str, link_type: LinkType) -> Result<Gen<'a>, CaptureError> {
        let (link, off_linktype, off_nl) = match link_type {
            LinkType::ETHERNET => (Link::Ethernet, 12, 14),
            LinkType::LINUX_SLL => (Link::Sll, 14, 16),
            LinkType::RAW | LinkType::RAW_BSD | LinkType::RAW_OPENBSD => (Link::Raw, 0, 0),
            LinkType::IPV4 => (Link::RawV4, 0, 0),
            LinkType::IPV6 => (Link::RawV6, 0, 0),
            other => {
                return Err(CaptureError::Filter {
                    filter: filter.to_string(),
                    column: 1,
                    what: format!("capture filters are not supported on link type {other:?}"),
                })
            }
        };
        Ok(Gen {
            filter,
            link,
            off_linktype,
            off_nl,
            next_mem: 0,
        })
    }

    fn error(&self, column: usize, what: impl Into<String>) -> CaptureError {
        CaptureError::Filter {
            filter: self.filter.to_string(),
            column,
            what: what.into(),
        }
    }

    /// Walks the tree left to right, i.e. in the order libpcap's parser would generate code,
    /// which matters because `vlan` shifts the offsets of everything after it.
    pub fn expr(&mut self, e: &Expr) -> Result<Node, CaptureError> {
        Ok(match e {
            Expr::And(a, b) => {
                let a = self.expr(a)?;
                and(a, self.expr(b)?)
            }
            Expr::Or(a, b) => {
                let a = self.expr(a)?;
                or(a, self.expr(b)?)
            }
            Expr::Not(a) => not(self.expr(a)?),
            Expr::Prim(p, col) => self.prim(p, *col)?,
            Expr::Rel(l, op, r) => self.relation(l, *op, r)?,
        })
    }

    // --- link layer ---------------------------------------------------------------------------

    /// Is the link-layer payload of this EtherType? (libpcap's `gen_linktype`.)
    fn linktype(&self, ethertype: u16) -> Node {
        match self.link {
            Link::Ethernet | Link::Sll => eq(BPF_H, self.off_linktype, ethertype as u32),
            Link::Raw => match ethertype {
                ETHERTYPE_IP => cmp(BPF_B, 0, 0xf0, BPF_JEQ, 0x40),
                ETHERTYPE_IPV6 => cmp(BPF_B, 0, 0xf0, BPF_JEQ, 0x60),
                _ => Node::False,
            },
            Link::RawV4 => bool_node(ethertype == ETHERTYPE_IP),
            Link::RawV6 => bool_node(ethertype == ETHERTYPE_IPV6),
        }
    }

    fn require_ethernet(&self, col: usize, what: &str) -> Result<(), CaptureError> {
        if self.link == Link::Ethernet {
            Ok(())
        } else {
            Err(self.error(
                col,
                format!("{what} is only supported on Ethernet captures"),
            ))
        }
    }

    /// Compares the 6-byte MAC at `offset` (`ld [offset+2]` then `ldh [offset]`, as libpcap).
    fn mac_eq(offset: u32, mac: [u8; 6]) -> Node {
        let low = u32::from_be_bytes([mac[2], mac[3], mac[4], mac[5]]);
        let high = u16::from_be_bytes([mac[0], mac[1]]) as u32;
        and(eq(BPF_W, offset + 2, low), eq(BPF_H, offset, high))
    }

    // --- network layer ------------------------------------------------------------------------

    /// IPv4 with this protocol number.
    fn ip_proto(&self, num: u8) -> Node {
        and(
            self.linktype(ETHERTYPE_IP),
            eq(BPF_B, self.off_nl + 9, num as u32),
        )
    }

    /// IPv6 with this next header, directly or after one fragment header (libpcap 1.10).
    fn ip6_proto(&self, num: u8) -> Node {
        let nh = self.off_nl + 6;
        let direct = eq(BPF_B, nh, num as u32);
        let after_frag = and(
            eq(BPF_B, nh, IPPROTO_FRAGMENT as u32),
            eq(BPF_B, self.off_nl + 40, num as u32),
        );
        and(self.linktype(ETHERTYPE_IPV6), or(direct, after_frag))
    }

    /// Not a non-first IPv4 fragment: `ldh [nl+6]; jset #0x1fff` false.
    fn ipv4_first_fragment(&self) -> Node {
        not(cmp(BPF_H, self.off_nl + 6, 0xffff, BPF_JSET, 0x1fff))
    }

    fn dir(dir: Dir, src: Node, dst: Node) -> Node {
        match dir {
            Dir::Src => src,
            Dir::Dst => dst,
            Dir::SrcOrDst => or(src, dst),
            Dir::SrcAndDst => and(src, dst),
        }
    }

    /// IPv4/ARP address (or network) test at the given source/destination offsets.
    fn v4_addr(dir: Dir, src_off: u32, dst_off: u32, net: u32, mask: u32) -> Node {
        let at = |off| cmp(BPF_W, off, mask, BPF_JEQ, net);
        Self::dir(dir, at(src_off), at(dst_off))
    }

    fn v6_addr(dir: Dir, src_off: u32, dst_off: u32, addr: [u8; 16], prefix: u32) -> Node {
        let at = |base: u32| {
            let mut node = Node::True;
            for word in 0..4u32 {
                let bits = prefix.saturating_sub(32 * word).min(32);
                if bits == 0 {
                    break;
                }
                let mask = if bits == 32 {
                    u32::MAX
                } else {
                    u32::MAX << (32 - bits)
                };
                let i = 4 * word as usize;
                let value =
                    u32::from_be_bytes([addr[i], addr[i + 1], addr[i + 2], addr[i + 3]]) & mask;
                node = and(node, cmp(BPF_W, base + 4 * word, mask, BPF_JEQ, value));
            }
            node
        };
        Self::dir(dir, at(src_off), at(dst_off))
    }

    /// `host`/`net` for IPv4: ip, arp and rarp unless a protocol says otherwise.
    fn v4_host(
        &self,
        proto: Proto,
        dir: Dir,
        net: u32,
        mask: u32,
        col: usize,
    ) -> Result<Node, CaptureError> {
        let nl = self.off_nl;
        let ip = || {
            and(
                self.linktype(ETHERTYPE_IP),
                Self::v4_addr(dir, nl + 12, nl + 16, net, mask),
            )
        };
        // ARP for IPv4 over Ethernet: sender protocol address at 14, target at 24.
        let arp = |types: &[u16]| {
            let t = any(types.iter().map(|&t| self.linktype(t)));
            and(t, Self::v4_addr(dir, nl + 14, nl + 24, net, mask))
        };
        Ok(match proto {
            Proto::Default => or(ip(), arp(&[ETHERTYPE_ARP, ETHERTYPE_REVARP])),
            Proto::Ip => ip(),
            Proto::Arp => arp(&[ETHERTYPE_ARP]),
            Proto::Rarp => arp(&[ETHERTYPE_REVARP]),
            p => {
                return Err(self.error(
                    col,
                    format!("`{}` cannot qualify an IPv4 host or net", p.name()),
                ))
            }
        })
    }

    fn v6_host(
        &self,
        proto: Proto,
        dir: Dir,
        addr: [u8; 16],
        prefix: u32,
        col: usize,
    ) -> Result<Node, CaptureError> {
        if !matches!(proto, Proto::Default | Proto::Ip6) {
            return Err(self.error(
                col,
                format!("`{}` cannot qualify an IPv6 host or net", proto.name()),
            ));
        }
        let nl = self.off_nl;
        Ok(and(
            self.linktype(ETHERTYPE_IPV6),
            Self::v6_addr(dir, nl + 8, nl + 24, addr, prefix),
        ))
    }

    // --- transport layer ----------------------------------------------------------------------

    /// `port`/`portrange`: tcp, udp and sctp over IPv6 then IPv4 unless narrowed, IPv4 non-first
    /// fragments excluded (libpcap's `gen_port` / `gen_port6`).
    fn port(
        &self,
        proto: Proto,
        dir: Dir,
        lo: u16,
        hi: u16,
        col: usize,
    ) -> Result<Node, CaptureError> {
        let (protos, v4, v6): (&[u8], bool, bool) = match proto {
            Proto::Default => (&[IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP], true, true),
            Proto::Ip => (&[IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP], true, false),
            Proto::Ip6 => (&[IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP], false, true),
            Proto::Tcp => (&[IPPROTO_TCP], true, true),
            Proto::Udp => (&[IPPROTO_UDP], true, true),
            Proto::Sctp => (&[IPPROTO_SCTP], true, true),
            p => return Err(self.error(col, format!("`{}` cannot qualify a port", p.name()))),
        };
        let nl = self.off_nl;
        // A 16-bit port at `prelude`-computed address, in [lo, hi].
        let in_range = |load: Vec<Insn>| -> Node {
            if lo == hi {
                Node::Test {
                    prelude: load,
                    jmp: BPF_JMP | BPF_JEQ | BPF_K,
                    k: lo as u32,
                }
            } else {
                let ge = Node::Test {
                    prelude: load.clone(),
                    jmp: BPF_JMP | BPF_JGE | BPF_K,
                    k: lo as u32,
                };
                let gt = Node::Test {
                    prelude: load,
                    jmp: BPF_JMP | BPF_JGT | BPF_K,
                    k: hi as u32,
                };
                and(ge, not(gt))
            }
        };
        let mut result = Node::False;
        if v6 {
            let nh = any(protos.iter().map(|&p| eq(BPF_B, nl + 6, p as u32)));
            let at = |off: u32| in_range(vec![stmt(BPF_LD | BPF_H | BPF_ABS, nl + 40 + off)]);
            let ports = Self::dir(dir, at(0), at(2));
            result = or(result, and(self.linktype(ETHERTYPE_IPV6), and(nh, ports)));
        }
        if v4 {
            let p = any(protos.iter().map(|&p| eq(BPF_B, nl + 9, p as u32)));
            let at = |off: u32| {
                in_range(vec![
                    stmt(BPF_LDX | BPF_B | BPF_MSH, nl),
                    stmt(BPF_LD | BPF_H | BPF_IND, nl + off),
                ])
            };
            let ports = Self::dir(dir, at(0), at(2));
            let v4 = and(
                self.linktype(ETHERTYPE_IP),
                and(p, and(self.ipv4_first_fragment(), ports)),
            );
            result = or(result, v4);
        }
        Ok(result)
    }

    // --- primitives ---------------------------------------------------------------------------

    fn prim(&mut self, p: &Prim, col: usize) -> Result<Node, CaptureError> {
        Ok(match *p {
            Prim::HostV4 { proto, dir, addr } => self.v4_host(proto, dir, addr, u32::MAX, col)?,
            Prim::NetV4 {
                proto,
                dir,
                net,
                mask,
            } => self.v4_host(proto, dir, net, mask, col)?,
            Prim::HostV6 { proto, dir, addr } => self.v6_host(proto, dir, addr, 128, col)?,
            Prim::NetV6 {
                proto,
                dir,
                addr,
                prefix,
            } => self.v6_host(proto, dir, addr, prefix, col)?,
            Prim::EtherHost { dir, mac } => {
                self.require_ethernet(col, "`ether host`")?;
                Self::dir(dir, Self::mac_eq(6, mac), Self::mac_eq(0, mac))
            }
            Prim::Port { proto, dir, lo, hi } => self.port(proto, dir, lo, hi, col)?,
            Prim::Proto(proto) => match proto {
                Proto::Ip => self.linktype(ETHERTYPE_IP),
                Proto::Ip6 => self.linktype(ETHERTYPE_IPV6),
                Proto::Arp => self.linktype(ETHERTYPE_ARP),
                Proto::Rarp => self.linktype(ETHERTYPE_REVARP),
                Proto::Tcp => or(self.ip_proto(IPPROTO_TCP), self.ip6_proto(IPPROTO_TCP)),
                Proto::Udp => or(self.ip_proto(IPPROTO_UDP), self.ip6_proto(IPPROTO_UDP)),
                Proto::Sctp => or(self.ip_proto(IPPROTO_SCTP), self.ip6_proto(IPPROTO_SCTP)),
                Proto::Icmp => self.ip_proto(IPPROTO_ICMP),
                Proto::Icmp6 => self.ip6_proto(IPPROTO_ICMPV6),
                Proto::Ether | Proto::Default => {
                    return Err(self.error(
                        col,
                        "expected a qualifier after `ether` (host, src, dst, proto, ...)",
                    ))
                }
            },
            Prim::IpProto { proto, num } => match proto {
                Proto::Ip => self.ip_proto(num),
                Proto::Ip6 => self.ip6_proto(num),
                _ => or(self.ip_proto(num), self.ip6_proto(num)),
            },
            Prim::EtherProto(t) => self.linktype(t),
            Prim::Vlan(id) => {
                self.require_ethernet(col, "`vlan`")?;
                let tpid = any([ETHERTYPE_8021Q, ETHERTYPE_8021AD, ETHERTYPE_8021QINQ]
                    .into_iter()
                    .map(|t| eq(BPF_H, self.off_linktype, t as u32)));
                let node = match id {
                    Some(id) => and(
                        tpid,
                        cmp(BPF_H, self.off_linktype + 2, 0x0fff, BPF_JEQ, id as u32),
                    ),
                    None => tpid,
                };
                // Everything after `vlan` looks one tag deeper, as in libpcap.
                self.off_linktype += 4;
                self.off_nl += 4;
                node
            }
            Prim::Less(n) => not(Node::Test {
                prelude: vec![stmt(BPF_LD | BPF_W | BPF_LEN, 0)],
                jmp: BPF_JMP | BPF_JGT | BPF_K,
                k: n,
            }),
            Prim::Greater(n) => Node::Test {
                prelude: vec![stmt(BPF_LD | BPF_W | BPF_LEN, 0)],
                jmp: BPF_JMP | BPF_JGE | BPF_K,
                k: n,
            },
            Prim::Broadcast(proto) => match proto {
                Proto::Default | Proto::Ether => {
                    self.require_ethernet(col, "`broadcast`")?;
                    Self::mac_eq(0, [0xff; 6])
                }
                // Without the interface's netmask libpcap only knows the all-zeros and all-ones
                // addresses.
                Proto::Ip => {
                    let dst = self.off_nl + 16;
                    and(
                        self.linktype(ETHERTYPE_IP),
                        or(eq(BPF_W, dst, 0), eq(BPF_W, dst, u32::MAX)),
                    )
                }
                p => {
                    return Err(
                        self.error(col, format!("`{} broadcast` is not supported", p.name()))
                    )
                }
            },
            Prim::Multicast(proto) => match proto {
                Proto::Default | Proto::Ether => {
                    self.require_ethernet(col, "`multicast`")?;
                    cmp(BPF_B, 0, 0xff, BPF_JSET, 1)
                }
                Proto::Ip => and(
                    self.linktype(ETHERTYPE_IP),
                    cmp(BPF_B, self.off_nl + 16, 0xff, BPF_JGE, 224),
                ),
                Proto::Ip6 => and(
                    self.linktype(ETHERTYPE_IPV6),
                    eq(BPF_B, self.off_nl + 24, 255),
                ),
                p => {
                    return Err(
                        self.error(col, format!("`{} multicast` is not supported", p.name()))
                    )
                }
            },
        })
    }

    // --- arithmetic and relations -------------------------------------------------------------

    fn alloc_mem(&mut self) -> Result<u32, CaptureError> {
        if self.next_mem >= BPF_MEMWORDS {
            return Err(self.error(
                1,
                "arithmetic expression too complex (out of BPF scratch memory)",
            ));
        }
        self.next_mem += 1;
        Ok(self.next_mem - 1)
    }

    fn relation(&mut self, left: &Arith, op: RelOp, right: &Arith) -> Result<Node, CaptureError> {
        let mut conds = Node::True;
        let mut prelude = Vec::new();
        let (jmp, negate) = match op {
            RelOp::Gt => (BPF_JGT, false),
            RelOp::Ge => (BPF_JGE, false),
            RelOp::Lt => (BPF_JGE, true),
            RelOp::Le => (BPF_JGT, true),
            RelOp::Eq => (BPF_JEQ, false),
            RelOp::Ne => (BPF_JEQ, true),
        };
        let test = if let Some(k) = const_value(right) {
            self.arith(left, &mut prelude, &mut conds)?;
            Node::Test {
                prelude,
                jmp: BPF_JMP | jmp | BPF_K,
                k,
            }
        } else {
            let mem = self.alloc_mem()?;
            self.arith(right, &mut prelude, &mut conds)?;
            prelude.push(stmt(BPF_ST, mem));
            self.arith(left, &mut prelude, &mut conds)?;
            prelude.push(stmt(BPF_LDX | BPF_W | BPF_MEM, mem));
            self.next_mem -= 1;
            Node::Test {
                prelude,
                jmp: BPF_JMP | jmp | BPF_X,
                k: 0,
            }
        };
        let test = if negate { not(test) } else { test };
        // The protocol checks implied by `tcp[...]` etc. come first, as in libpcap.
        Ok(and(conds, test))
    }

    /// Emits code leaving the value of `a` in A; protocol checks implied by loads go to `conds`.
    fn arith(
        &mut self,
        a: &Arith,
        out: &mut Vec<Insn>,
        conds: &mut Node,
    ) -> Result<(), CaptureError> {
        if let Some(k) = const_value(a) {
            out.push(stmt(BPF_LD | BPF_IMM, k));
            return Ok(());
        }
        match a {
            Arith::Num(k) => out.push(stmt(BPF_LD | BPF_IMM, *k)),
            Arith::Len => out.push(stmt(BPF_LD | BPF_W | BPF_LEN, 0)),
            Arith::Neg(inner) => {
                self.arith(inner, out, conds)?;
                out.push(stmt(BPF_ALU | BPF_NEG, 0));
            }
            Arith::Bin(op, l, r) => {
                let code = match op {
                    ArithOp::Add => BPF_ADD,
                    ArithOp::Sub => BPF_SUB,
                    ArithOp::Mul => BPF_MUL,
                    ArithOp::Div => BPF_DIV,
                    ArithOp::Mod => BPF_MOD,
                    ArithOp::And => BPF_AND,
                    ArithOp::Or => BPF_OR,
                    ArithOp::Xor => BPF_XOR,
                    ArithOp::Shl => BPF_LSH,
                    ArithOp::Shr => BPF_RSH,
                };
                if let Some(k) = const_value(r) {
                    if k == 0 && matches!(op, ArithOp::Div | ArithOp::Mod) {
                        return Err(self.error(1, "division by zero"));
                    }
                    self.arith(l, out, conds)?;
                    out.push(stmt(BPF_ALU | code | BPF_K, k));
                } else {
                    let mem = self.alloc_mem()?;
                    self.arith(r, out, conds)?;
                    out.push(stmt(BPF_ST, mem));
                    self.arith(l, out, conds)?;
                    out.push(stmt(BPF_LDX | BPF_W | BPF_MEM, mem));
                    out.push(stmt(BPF_ALU | code | BPF_X, 0));
                    self.next_mem -= 1;
                }
            }
            Arith::Load {
                proto,
                index,
                size,
                column,
            } => self.load(*proto, index, *size, *column, out, conds)?,
        }
        Ok(())
    }

    /// `proto[index:size]` (libpcap's `gen_load`).
    fn load(
        &mut self,
        proto: Proto,
        index: &Arith,
        size: u32,
        col: usize,
        out: &mut Vec<Insn>,
        conds: &mut Node,
    ) -> Result<(), CaptureError> {
        let width = match size {
            1 => BPF_B,
            2 => BPF_H,
            _ => BPF_W,
        };
        let nl = self.off_nl;
        // (base offset, is it after the variable-length IPv4 header, implied condition)
        let (base, after_ipv4_header, cond) = match proto {
            Proto::Ether => (0, false, Node::True),
            Proto::Ip => (nl, false, self.linktype(ETHERTYPE_IP)),
            Proto::Ip6 => (nl, false, self.linktype(ETHERTYPE_IPV6)),
            Proto::Arp => (nl, false, self.linktype(ETHERTYPE_ARP)),
            Proto::Rarp => (nl, false, self.linktype(ETHERTYPE_REVARP)),
            Proto::Tcp | Proto::Udp | Proto::Sctp | Proto::Icmp => {
                let num = match proto {
                    Proto::Tcp => IPPROTO_TCP,
                    Proto::Udp => IPPROTO_UDP,
                    Proto::Sctp => IPPROTO_SCTP,
                    _ => IPPROTO_ICMP,
                };
                (
                    nl,
                    true,
                    and(self.ip_proto(num), self.ipv4_first_fragment()),
                )
            }
            // libpcap: a fixed 40-byte IPv6 header, next header checked directly.
            Proto::Icmp6 => (
                nl + 40,
                false,
                and(
                    self.linktype(ETHERTYPE_IPV6),
                    eq(BPF_B, nl + 6, IPPROTO_ICMPV6 as u32),
                ),
            ),
            Proto::Default => return Err(self.error(col, "expected a protocol before `[`")),
        };
        let cond_taken = std::mem::replace(conds, Node::True);
        *conds = and(cond_taken, cond);
        match (const_value(index), after_ipv4_header) {
            (Some(k), false) => out.push(stmt(BPF_LD | width | BPF_ABS, base.saturating_add(k))),
            (Some(k), true) => {
                out.push(stmt(BPF_LDX | BPF_B | BPF_MSH, nl));
                out.push(stmt(BPF_LD | width | BPF_IND, base.saturating_add(k)));
            }
            (None, after) => {
                self.arith(index, out, conds)?;
                if after {
                    let mem = self.alloc_mem()?;
                    out.push(stmt(BPF_ST, mem));
                    out.push(stmt(BPF_LDX | BPF_B | BPF_MSH, nl));
                    out.push(stmt(BPF_LD | BPF_W | BPF_MEM, mem));
                    out.push(stmt(BPF_ALU | BPF_ADD | BPF_X, 0));
                    self.next_mem -= 1;
                }
                out.push(stmt(BPF_MISC | BPF_TAX, 0));
                out.push(stmt(BPF_LD | width | BPF_IND, base));
            }
        }
        Ok(())
    }
}

/// The value of a constant sub-expression (`tcp-syn|tcp-ack`), folded at compile time like
/// libpcap does; None if it reads the packet or divides by zero.
fn const_value(a: &Arith) -> Option<u32> {
    Some(match a {
        Arith::Num(k) => *k,
        Arith::Neg(inner) => const_value(inner)?.wrapping_neg(),
        Arith::Bin(op, l, r) => {
            let (l, r) = (const_value(l)?, const_value(r)?);
            match op {
                ArithOp::Add => l.wrapping_add(r),
                ArithOp::Sub => l.wrapping_sub(r),
                ArithOp::Mul => l.wrapping_mul(r),
                ArithOp::Div => l.checked_div(r)?,
                ArithOp::Mod => l.checked_rem(r)?,
                ArithOp::And => l & r,
                ArithOp::Or => l | r,
                ArithOp::Xor => l ^ r,
                ArithOp::Shl => l.checked_shl(r).unwrap_or(0),
                ArithOp::Shr => l.checked_shr(r).unwrap_or(0),
            }
        }
        Arith::Len | Arith::Load { .. } => return None,
    })
}

fn bool_node(b: bool) -> Node {
    if b {
        Node::True
    } else {
        Node::False
    }
}

// ---------------------------------------------------------------------------------------------
// Assembly: labels, layout, jump resolution
// ---------------------------------------------------------------------------------------------

type Label = usize;

#[derive(Clone, Debug)]
enum Op {
    Insn(Insn),
    /// Conditional jump to labels.
    Jmp {
        code: u16,
        k: u32,
        jt: Label,
        jf: Label,
    },
    /// Unconditional jump (`ja`) to a label.
    Ja(Label),
    Label(Label),
}

struct Asm {
    ops: Vec<Op>,
    labels: usize,
}

impl Asm {
    fn label(&mut self) -> Label {
        self.labels += 1;
        self.labels - 1
    }

    /// Short-circuit lowering: control reaches `t` if `node` holds, `f` otherwise.
    fn lower(&mut self, node: &Node, t: Label, f: Label) {
        match node {
            Node::True => self.ops.push(Op::Ja(t)),
            Node::False => self.ops.push(Op::Ja(f)),
            Node::Test { prelude, jmp, k } => {
                self.ops.extend(prelude.iter().copied().map(Op::Insn));
                self.ops.push(Op::Jmp {
                    code: *jmp,
                    k: *k,
                    jt: t,
                    jf: f,
                });
            }
            Node::And(a, b) => {
                let mid = self.label();
                self.lower(a, mid, f);
                self.ops.push(Op::Label(mid));
                self.lower(b, t, f);
            }
            Node::Or(a, b) => {
                let mid = self.label();
                self.lower(a, t, mid);
                self.ops.push(Op::Label(mid));
                self.lower(b, t, f);
            }
            Node::Not(a) => self.lower(a, f, t),
        }
    }
}

/// Turns the boolean tree into a program that returns `accept` for matching packets, 0 else.
pub(crate) fn assemble(node: &Node, accept: u32) -> Result<Vec<Insn>, String> {
    let mut asm = Asm {
        ops: Vec::new(),
        labels: 0,
    };
    let (t, f) = (asm.label(), asm.label());
    asm.lower(node, t, f);
    asm.ops.push(Op::Label(t));
    asm.ops.push(Op::Insn(stmt(BPF_RET | BPF_K, accept)));
    asm.ops.push(Op::Label(f));
    asm.ops.push(Op::Insn(stmt(BPF_RET | BPF_K, 0)));
    let mut ops = asm.ops;
    let mut labels = asm.labels;

    // Drop `ja` to the very next instruction.
    let mut i = 0;
    while i < ops.len() {
        if let Op::Ja(target) = ops[i] {
            let falls_through = ops[i + 1..]
                .iter()
                .take_while(|op| matches!(op, Op::Label(_)))
                .any(|op| matches!(op, Op::Label(l) if *l == target));
            if falls_through {
                ops.remove(i);
                continue;
            }
        }
        i += 1;
    }

    // Lay out; while a conditional jump is further than 255 instructions, route it through
    // `ja` trampolines placed right after it (each move can push others out of range, so repeat).
    loop {
        let mut pos = vec![0usize; labels];
        let mut n = 0;
        for op in &ops {
            match op {
                Op::Label(l) => pos[*l] = n,
                _ => n += 1,
            }
        }
        if n > BPF_MAXINSNS {
            return Err(format!(
                "program too long: {n} instructions (limit {BPF_MAXINSNS})"
            ));
        }
        let mut far = None;
        let mut at = 0;
        for (i, op) in ops.iter().enumerate() {
            match op {
                Op::Label(_) => continue,
                Op::Jmp { jt, jf, .. } if pos[*jt] - at - 1 > 255 || pos[*jf] - at - 1 > 255 => {
                    far = Some(i);
                    break;
                }
                _ => {}
            }
            at += 1;
        }
        let Some(i) = far else {
            let mut out = Vec::with_capacity(n);
            for op in &ops {
                let here = out.len();
                match *op {
                    Op::Label(_) => {}
                    Op::Insn(insn) => out.push(insn),
                    Op::Ja(l) => out.push(stmt(BPF_JMP | BPF_JA, (pos[l] - here - 1) as u32)),
                    Op::Jmp { code, k, jt, jf } => out.push(Insn {
                        code,
                        jt: (pos[jt] - here - 1) as u8,
                        jf: (pos[jf] - here - 1) as u8,
                        k,
                    }),
                }
            }
            return Ok(out);
        };
        if let Op::Jmp { code, k, jt, jf } = ops[i] {
            let (tt, tf) = (labels, labels + 1);
            labels += 2;
            ops[i] = Op::Jmp {
                code,
                k,
                jt: tt,
                jf: tf,
            };
            ops.splice(
                i + 1..i + 1,
                [Op::Label(tt), Op::Ja(jt), Op::Label(tf), Op::Ja(jf)],
            );
        }
    }
}
