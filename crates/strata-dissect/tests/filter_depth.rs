//! Display filters from the command line (`-Y`) are hostile input: deeply nested ones must be
//! refused with an error, not overflow the stack (the parser, the compiler and the evaluator
//! all recurse on the expression). Before the bound, `-Y` with 10 000 `(` or `!` aborted the
//! process with "thread 'main' has overflowed its stack", and so did a chain of 15 000 `or`.

use strata_capture::{Packet, Timestamp};
use strata_dissect::filter::{Filter, MAX_DEPTH};
use strata_dissect::Dissector;
use strata_wire::LinkType;

/// Ethernet / IPv4 / UDP 1234 -> 53, four payload bytes.
const UDP_FRAME: &[u8] = &[
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x08, 0x00, 0x45, 0x00,
    0x00, 0x20, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00,
    0x00, 0x02, 0x04, 0xd2, 0x00, 0x35, 0x00, 0x0c, 0x00, 0x00, 0xde, 0xad, 0xbe, 0xef,
];

fn matches(filter: &str) -> bool {
    let mut flt = Filter::new(filter).unwrap_or_else(|e| panic!("{e}"));
    let mut d = Dissector::new();
    let pkt = Packet {
        ts: Timestamp::new(0, 0),
        orig_len: UDP_FRAME.len() as u32,
        link_type: LinkType::ETHERNET,
        interface_id: 0,
        data: UDP_FRAME,
    };
    let f = d.dissect(&pkt);
    flt.matches(&f)
}

fn refused(filter: &str) -> String {
    match Filter::new(filter) {
        Ok(_) => panic!("a filter of {} bytes compiled", filter.len()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn deep_parentheses_are_refused() {
    let f = format!("{}udp{}", "(".repeat(10_000), ")".repeat(10_000));
    let e = refused(&f);
    assert!(e.contains("nested too deeply"), "{e}");
    // The first `(` past the limit is blamed.
    assert!(
        e.starts_with(&format!("at column {}:", MAX_DEPTH + 1)),
        "{e}"
    );
    // Unclosed ones too.
    assert!(refused(&"(".repeat(100_000)).contains("nested too deeply"));
}

#[test]
fn deep_not_is_refused() {
    for not in ["!", "not ", "!("] {
        let f = format!("{}udp", not.repeat(50_000));
        let e = refused(&f);
        assert!(e.contains("nested too deeply"), "{not}: {e}");
    }
}

#[test]
fn deep_function_calls_are_refused() {
    let f = format!("{}udp{} > 0", "len(".repeat(10_000), ")".repeat(10_000));
    assert!(refused(&f).contains("nested too deeply"));
}

#[test]
fn nesting_within_the_limit_still_works() {
    let n = MAX_DEPTH / 2;
    let f = format!("{}udp.dstport == 53{}", "(".repeat(n), ")".repeat(n));
    assert!(matches(&f));
    let f = format!("{}udp", "!!".repeat(n / 2));
    assert!(matches(&f));
    let f = format!("{}tcp", "!".repeat(n / 2 * 2 + 1));
    assert!(matches(&f));
    // Exactly at the limit.
    let f = format!("{}udp{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
    assert!(matches(&f));
    let f = format!("{}udp", "!".repeat(MAX_DEPTH - 1));
    assert_eq!(matches(&f), MAX_DEPTH % 2 == 1);
    assert!(refused(&format!("{}udp", "!".repeat(MAX_DEPTH + 1))).contains("nested too deeply"));
}

#[test]
fn long_or_and_chains_work() {
    // Built balanced, so 100 000 terms nest about 17 levels, and evaluate as the chain would.
    let many = vec!["tcp"; 100_000].join(" or ");
    assert!(!matches(&many));
    assert!(matches(&format!("{many} or udp.dstport == 53")));
    assert!(matches(&format!("udp or {many}")));
    let all = vec!["udp"; 100_000].join(" && ");
    assert!(matches(&all));
    assert!(!matches(&format!("{all} && tcp")));
    assert!(!matches(&format!("tcp and {all}")));
    // Mixed, with precedence: `a and b or c` is `(a and b) or c`.
    let mixed = vec!["tcp and udp or ip.src == 10.0.0.9"; 20_000].join(" or ");
    assert!(!matches(&mixed));
    assert!(matches(&format!("{mixed} or udp and ip.dst == 10.0.0.2")));
    // The first error in the text is still the one reported.
    let e = refused(&format!("{many} or tcp.prot == 1 or udp.prt == 2"));
    assert!(e.contains("\"tcp.prot\" is not a valid field"), "{e}");
}
