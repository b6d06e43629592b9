//! Capture filters: a compiler from tcpdump / pcap-filter(7) expressions to classic BPF, and a
//! userspace interpreter for the same programs.
//!
//! Live capture hands the program to the kernel (`SO_ATTACH_FILTER`) so unwanted packets never
//! cross into userspace; file reading runs it with [`run`] so `-f` means the same thing for
//! `-r` and `-i`. The generated code mirrors libpcap's (`tcpdump -d` prints nearly the same
//! instructions), so a filter accepts exactly the packets tcpdump accepts.
//!
//! ```
//! use strata_capture::{bpf, LinkType};
//! let prog = bpf::compile("tcp port 80 or icmp", LinkType::ETHERNET, 65535).unwrap();
//! assert!(!prog.matches(&[0u8; 60], 60)); // all-zero frame: EtherType 0
//! ```
//!
//! Supported grammar, unsupported parts, and deliberate differences from libpcap are listed in
//! [`compile`].

mod gen;
mod parse;
pub use parse::{MAX_DEPTH, MAX_OPERATORS};

use std::fmt;

use crate::{CaptureError, LinkType};

// Instruction classes and fields, from <linux/filter.h> / <pcap/bpf.h>.
pub const BPF_LD: u16 = 0x00;
pub const BPF_LDX: u16 = 0x01;
pub const BPF_ST: u16 = 0x02;
pub const BPF_STX: u16 = 0x03;
pub const BPF_ALU: u16 = 0x04;
pub const BPF_JMP: u16 = 0x05;
pub const BPF_RET: u16 = 0x06;
pub const BPF_MISC: u16 = 0x07;
// ld/ldx size
pub const BPF_W: u16 = 0x00;
pub const BPF_H: u16 = 0x08;
pub const BPF_B: u16 = 0x10;
// ld/ldx mode
pub const BPF_IMM: u16 = 0x00;
pub const BPF_ABS: u16 = 0x20;
pub const BPF_IND: u16 = 0x40;
pub const BPF_MEM: u16 = 0x60;
pub const BPF_LEN: u16 = 0x80;
pub const BPF_MSH: u16 = 0xa0;
// alu/jmp op
pub const BPF_ADD: u16 = 0x00;
pub const BPF_SUB: u16 = 0x10;
pub const BPF_MUL: u16 = 0x20;
pub const BPF_DIV: u16 = 0x30;
pub const BPF_OR: u16 = 0x40;
pub const BPF_AND: u16 = 0x50;
pub const BPF_LSH: u16 = 0x60;
pub const BPF_RSH: u16 = 0x70;
pub const BPF_NEG: u16 = 0x80;
pub const BPF_MOD: u16 = 0x90;
pub const BPF_XOR: u16 = 0xa0;
pub const BPF_JA: u16 = 0x00;
pub const BPF_JEQ: u16 = 0x10;
pub const BPF_JGT: u16 = 0x20;
pub const BPF_JGE: u16 = 0x30;
pub const BPF_JSET: u16 = 0x40;
// source operand
pub const BPF_K: u16 = 0x00;
pub const BPF_X: u16 = 0x08;
// ret source
pub const BPF_A: u16 = 0x10;
// misc op
pub const BPF_TAX: u16 = 0x00;
pub const BPF_TXA: u16 = 0x80;

/// The kernel's limit on program length (`BPF_MAXINSNS`).
pub const BPF_MAXINSNS: usize = 4096;

/// One classic BPF instruction, laid out like `struct sock_filter`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Insn {
    pub code: u16,
    /// Forward offset to jump to when the condition holds.
    pub jt: u8,
    /// Forward offset to jump to when it does not.
    pub jf: u8,
    pub k: u32,
}

impl From<Insn> for libc::sock_filter {
    fn from(i: Insn) -> libc::sock_filter {
        libc::sock_filter {
            code: i.code,
            jt: i.jt,
            jf: i.jf,
            k: i.k,
        }
    }
}

/// A compiled filter: classic BPF that returns the number of bytes to keep (0 = drop).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    insns: Vec<Insn>,
}

impl Program {
    /// A program accepting every packet (what an empty filter compiles to).
    pub fn accept_all(snaplen: u32) -> Program {
        Program {
            insns: vec![Insn {
                code: BPF_RET | BPF_K,
                jt: 0,
                jf: 0,
                k: snaplen,
            }],
        }
    }

    /// Wraps hand-written instructions (checked by [`validate`]).
    pub fn from_insns(insns: Vec<Insn>) -> Result<Program, String> {
        validate(&insns)?;
        Ok(Program { insns })
    }

    pub fn insns(&self) -> &[Insn] {
        &self.insns
    }

    /// The instructions as the kernel's `struct sock_filter`s, for `SO_ATTACH_FILTER`.
    pub fn to_sock_filters(&self) -> Vec<libc::sock_filter> {
        self.insns.iter().map(|&i| i.into()).collect()
    }

    /// Runs the program on a captured packet (`data`, of `wirelen` bytes on the wire).
    pub fn matches(&self, data: &[u8], wirelen: u32) -> bool {
        run(&self.insns, data, wirelen) != 0
    }
}

/// `tcpdump -d` style listing, handy when comparing with libpcap.
impl fmt::Display for Program {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (pc, i) in self.insns.iter().enumerate() {
            writeln!(f, "({pc:03}) {}", disasm(i, pc))?;
        }
        Ok(())
    }
}

fn disasm(i: &Insn, pc: usize) -> String {
    let size = match i.code & 0x18 {
        BPF_H => "h",
        BPF_B => "b",
        _ => "",
    };
    let k = i.k;
    let jt = pc + 1 + i.jt as usize;
    let jf = pc + 1 + i.jf as usize;
    let src = if i.code & BPF_X != 0 {
        "x".to_string()
    } else {
        format!("#{k:#x}")
    };
    match i.code & 0x07 {
        BPF_LD => match i.code & 0xe0 {
            BPF_ABS => format!("{:<9}[{k}]", format!("ld{size}")),
            BPF_IND => format!("{:<9}[x + {k}]", format!("ld{size}")),
            BPF_LEN => "ld       #pktlen".to_string(),
            BPF_IMM => format!("ld       #{k:#x}"),
            BPF_MEM => format!("ld       M[{k}]"),
            _ => format!("unknown  {:#06x}", i.code),
        },
        BPF_LDX => match i.code & 0xe0 {
            BPF_MSH => format!("ldxb     4*([{k}]&0xf)"),
            BPF_IMM => format!("ldx      #{k:#x}"),
            BPF_MEM => format!("ldx      M[{k}]"),
            BPF_LEN => "ldx      #pktlen".to_string(),
            _ => format!("unknown  {:#06x}", i.code),
        },
        BPF_ST => format!("st       M[{k}]"),
        BPF_STX => format!("stx      M[{k}]"),
        BPF_ALU => {
            let op = match i.code & 0xf0 {
                BPF_ADD => "add",
                BPF_SUB => "sub",
                BPF_MUL => "mul",
                BPF_DIV => "div",
                BPF_MOD => "mod",
                BPF_AND => "and",
                BPF_OR => "or",
                BPF_XOR => "xor",
                BPF_LSH => "lsh",
                BPF_RSH => "rsh",
                BPF_NEG => return "neg".to_string(),
                _ => "unknown",
            };
            format!("{op:<8} {src}")
        }
        BPF_JMP => {
            let op = match i.code & 0xf0 {
                BPF_JA => return format!("ja       {}", pc + 1 + k as usize),
                BPF_JEQ => "jeq",
                BPF_JGT => "jgt",
                BPF_JGE => "jge",
                BPF_JSET => "jset",
                _ => "unknown",
            };
            format!("{op:<8} {src:<16} jt {jt}\tjf {jf}")
        }
        BPF_RET => match i.code & 0x18 {
            BPF_A => "ret      a".to_string(),
            _ => format!("ret      #{k}"),
        },
        _ => match i.code & 0xf8 {
            BPF_TAX => "tax".to_string(),
            BPF_TXA => "txa".to_string(),
            _ => format!("unknown  {:#06x}", i.code),
        },
    }
}

/// Compiles a tcpdump filter expression for captures of `link_type`. Matching packets make the
/// program return `snaplen` (bytes to keep), others 0. An empty (or all-blank) filter accepts
/// everything.
///
/// Link types: Ethernet (1), Linux cooked SLL (113), raw IP (101, 12, 14) and raw IPv4 / IPv6
/// (228 / 229). Others are an error.
///
/// Grammar (pcap-filter(7)):
/// - `[src|dst|src or dst|src and dst] host ADDR` with IPv4 or IPv6 numeric addresses; IPv4
///   also matches ARP/RARP sender/target unless narrowed with `ip`, `arp`, `rarp`;
///   `ip6 host`, `ip host`, `arp host`.
/// - `net 10`, `net 10.1.0.0/16`, `net 10.1.0.0 mask 255.255.0.0`, `net fe80::/10`.
/// - `[tcp|udp|sctp|ip|ip6] [dir] port N|name`, `portrange A-B`: tcp/udp/sctp over IPv6
///   (next header directly) and IPv4 (non-first fragments excluded), like libpcap.
/// - `ether host|src|dst MAC`, `ether proto N|\ip|\arp...`, `ether broadcast|multicast`,
///   `broadcast`, `multicast`, `ip broadcast` (all-zeros/all-ones), `ip multicast`,
///   `ip6 multicast`.
/// - `ip`, `ip6`, `arp`, `rarp`, `tcp`, `udp`, `sctp`, `icmp`, `icmp6`, `proto N`,
///   `ip proto N|name`, `ip6 proto N` (IPv6: also after one fragment header, as libpcap 1.10).
/// - `vlan [ID]` (Ethernet only; later primitives look 4 bytes deeper, as libpcap without the
///   kernel's VLAN extensions), `less N`, `greater N`.
/// - Relations on arithmetic: `tcp[13] & 2 != 0`, `tcp[tcpflags] & (tcp-syn|tcp-ack) ==
///   tcp-syn`, `ip[6:2] & 0x1fff = 0`, `len - 14 > 100`, `icmp[icmptype] == icmp-echo`, with
///   `+ - * / % & | ^ << >>`, `ether|ip|ip6|arp|rarp|tcp|udp|sctp|icmp|icmp6[expr(:1|2|4)]`.
/// - `and`/`&&`, `or`/`||`, `not`/`!`, parentheses, implied qualifiers (`port 53 or 80`).
///
/// Not supported: host names (no DNS), `gateway`, `mpls`, `pppoes`, `geneve`, `vxlan`,
/// `llc`, `ip6 protochain`, `ifname`/pflog, 802.11 keywords, `ip broadcast` with a netmask.
/// One difference: a filter that can never match compiles to `ret #0` where tcpdump reports
/// "expression rejects all packets".
pub fn compile(filter: &str, link_type: LinkType, snaplen: u32) -> Result<Program, CaptureError> {
    let filter_error = |column: usize, what: String| CaptureError::Filter {
        filter: filter.to_string(),
        column,
        what,
    };
    let ast = parse::parse(filter).map_err(|e| filter_error(e.column, e.what))?;
    let mut generator = gen::Gen::new(filter, link_type)?;
    let Some(ast) = ast else {
        return Ok(Program::accept_all(snaplen));
    };
    let node = generator.expr(&ast)?;
    let insns = gen::assemble(&node, snaplen).map_err(|what| filter_error(1, what))?;
    debug_assert!(validate(&insns).is_ok(), "{:?}", validate(&insns));
    Ok(Program { insns })
}

/// Checks what the kernel's `sk_chk_filter` checks: known opcodes, jumps inside the program,
/// scratch memory indexes in range, constant division by zero, and a `ret` at the end.
pub fn validate(insns: &[Insn]) -> Result<(), String> {
    if insns.is_empty() || insns.len() > BPF_MAXINSNS {
        return Err(format!(
            "program length {} not in 1..={BPF_MAXINSNS}",
            insns.len()
        ));
    }
    for (pc, i) in insns.iter().enumerate() {
        let remaining = insns.len() - pc - 1;
        match i.code & 0x07 {
            BPF_JMP => {
                let far = if i.code & 0xf0 == BPF_JA {
                    i.k as usize
                } else {
                    i.jt.max(i.jf) as usize
                };
                if far >= remaining {
                    return Err(format!("instruction {pc}: jump past the end"));
                }
            }
            BPF_ST | BPF_STX if i.k >= 16 => {
                return Err(format!("instruction {pc}: scratch memory index {}", i.k));
            }
            BPF_LD | BPF_LDX if i.code & 0xe0 == BPF_MEM && i.k >= 16 => {
                return Err(format!("instruction {pc}: scratch memory index {}", i.k));
            }
            BPF_ALU
                if matches!(i.code & 0xf0, BPF_DIV | BPF_MOD)
                    && i.code & BPF_X == 0
                    && i.k == 0 =>
            {
                return Err(format!("instruction {pc}: division by constant zero"));
            }
            _ => {}
        }
    }
    match insns.last() {
        Some(last) if last.code & 0x07 == BPF_RET => Ok(()),
        _ => Err("program does not end with ret".to_string()),
    }
}

/// Runs a classic BPF program on `packet` (the captured bytes) whose length on the wire was
/// `wirelen`, and returns what the program returns: the number of bytes to keep, 0 to drop.
///
/// Same semantics as the kernel and libpcap's `bpf_filter`: a load beyond the captured bytes,
/// a division by zero, an unknown opcode or running off the end all return 0.
pub fn run(prog: &[Insn], packet: &[u8], wirelen: u32) -> u32 {
    let mut a: u32 = 0;
    let mut x: u32 = 0;
    let mut mem = [0u32; 16];
    let mut pc = 0usize;

    // Reads `size` bytes big-endian at `offset`, None if outside the packet.
    let load = |offset: u64, size: usize| -> Option<u32> {
        let start = usize::try_from(offset).ok()?;
        let bytes = packet.get(start..start.checked_add(size)?)?;
        Some(bytes.iter().fold(0u32, |acc, &b| (acc << 8) | b as u32))
    };

    while let Some(i) = prog.get(pc) {
        pc += 1;
        let k = i.k;
        match i.code & 0x07 {
            BPF_LD | BPF_LDX => {
                let size = match i.code & 0x18 {
                    BPF_W => 4,
                    BPF_H => 2,
                    BPF_B => 1,
                    _ => return 0,
                };
                let value = match i.code & 0xe0 {
                    BPF_IMM => k,
                    BPF_LEN => wirelen,
                    BPF_MEM => match mem.get(k as usize) {
                        Some(&v) => v,
                        None => return 0,
                    },
                    BPF_ABS => match load(k as u64, size) {
                        Some(v) => v,
                        None => return 0,
                    },
                    BPF_IND => match load(x as u64 + k as u64, size) {
                        Some(v) => v,
                        None => return 0,
                    },
                    BPF_MSH if i.code & 0x07 == BPF_LDX => match load(k as u64, 1) {
                        Some(v) => 4 * (v & 0xf),
                        None => return 0,
                    },
                    _ => return 0,
                };
                if i.code & 0x07 == BPF_LD {
                    a = value;
                } else {
                    x = value;
                }
            }
            BPF_ST | BPF_STX => {
                let value = if i.code & 0x07 == BPF_ST { a } else { x };
                match mem.get_mut(k as usize) {
                    Some(slot) => *slot = value,
                    None => return 0,
                }
            }
            BPF_ALU => {
                let operand = if i.code & BPF_X != 0 { x } else { k };
                a = match i.code & 0xf0 {
                    BPF_ADD => a.wrapping_add(operand),
                    BPF_SUB => a.wrapping_sub(operand),
                    BPF_MUL => a.wrapping_mul(operand),
                    BPF_DIV if operand == 0 => return 0,
                    BPF_DIV => a / operand,
                    BPF_MOD if operand == 0 => return 0,
                    BPF_MOD => a % operand,
                    BPF_AND => a & operand,
                    BPF_OR => a | operand,
                    BPF_XOR => a ^ operand,
                    // Shifts of 32 or more give 0, as in the kernel's interpreter on x86.
                    BPF_LSH => a.checked_shl(operand).unwrap_or(0),
                    BPF_RSH => a.checked_shr(operand).unwrap_or(0),
                    BPF_NEG => a.wrapping_neg(),
                    _ => return 0,
                };
            }
            BPF_JMP => {
                let operand = if i.code & BPF_X != 0 { x } else { k };
                let taken = match i.code & 0xf0 {
                    BPF_JA => {
                        pc = pc.saturating_add(k as usize);
                        continue;
                    }
                    BPF_JEQ => a == operand,
                    BPF_JGT => a > operand,
                    BPF_JGE => a >= operand,
                    BPF_JSET => a & operand != 0,
                    _ => return 0,
                };
                pc += if taken { i.jt as usize } else { i.jf as usize };
            }
            BPF_RET => {
                return match i.code & 0x18 {
                    BPF_K => k,
                    BPF_A => a,
                    _ => 0,
                }
            }
            _ => match i.code & 0xf8 {
                BPF_TAX => x = a,
                BPF_TXA => a = x,
                _ => return 0,
            },
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(filter: &str, lt: LinkType) -> String {
        compile(filter, lt, 65535)
            .map(|p| p.to_string())
            .unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn same_shape_as_libpcap() {
        // `tcpdump -d 'tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn'`, libpcap 1.10.3, Ethernet.
        let expected = "\
(000) ldh      [12]
(001) jeq      #0x800           jt 2\tjf 11
(002) ldb      [23]
(003) jeq      #0x6             jt 4\tjf 11
(004) ldh      [20]
(005) jset     #0x1fff          jt 11\tjf 6
(006) ldxb     4*([14]&0xf)
(007) ldb      [x + 27]
(008) and      #0x12
(009) jeq      #0x2             jt 10\tjf 11
(010) ret      #65535
(011) ret      #0
";
        assert_eq!(
            listing(
                "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn",
                LinkType::ETHERNET
            ),
            expected
        );
    }

    #[test]
    fn empty_filter_accepts_all() {
        let p = compile("  ", LinkType::ETHERNET, 1234).unwrap();
        assert_eq!(run(p.insns(), &[], 0), 1234);
    }

    #[test]
    fn interpreter_rejects_out_of_bounds_loads() {
        let p = compile("tcp[13] & 2 != 0", LinkType::ETHERNET, 100).unwrap();
        assert_eq!(run(p.insns(), &[0u8; 10], 10), 0);
    }

    #[test]
    fn far_jumps_get_trampolines() {
        let filter = (100..160)
            .map(|p| format!("port {p}"))
            .collect::<Vec<_>>()
            .join(" or ");
        let p = compile(&filter, LinkType::ETHERNET, 65535).unwrap();
        validate(p.insns()).unwrap();
        assert!(p.insns().len() > 256);
        // A UDP/IPv4 packet to port 150 must match, to port 250 must not (range is 100..160).
        let mut pkt = vec![0u8; 42];
        pkt[12] = 0x08;
        pkt[14] = 0x45;
        pkt[23] = 17;
        pkt[36..38].copy_from_slice(&150u16.to_be_bytes());
        assert!(p.matches(&pkt, 42));
        pkt[36..38].copy_from_slice(&250u16.to_be_bytes());
        assert!(!p.matches(&pkt, 42));
    }

    #[test]
    fn errors_name_the_column() {
        match compile("ether host 1.2.3.4", LinkType::ETHERNET, 1) {
            Err(CaptureError::Filter { column, .. }) => assert_eq!(column, 12),
            other => panic!("{other:?}"),
        }
        assert!(compile("vlan", LinkType::LINUX_SLL, 1).is_err());
        assert!(compile("arp", LinkType::RAW, 1).is_ok());
    }
}
