//! Capture filters (`-f`) are hostile input: a filter nested very deeply, or with a very long
//! chain of operators, must be refused with an error, not overflow the stack. Before the bounds,
//! `strata flows -r FILE -f "$(printf '(%.0s' {1..30000})ip..."` (or 30 000 `not`) aborted with
//! "thread 'main' has overflowed its stack".

use strata_capture::bpf::{self, run};
use strata_capture::error::CaptureError;
use strata_capture::LinkType;

fn refused(filter: &str) -> (usize, String) {
    match bpf::compile(filter, LinkType::ETHERNET, 65535) {
        Ok(_) => panic!("a filter of {} bytes compiled", filter.len()),
        Err(CaptureError::Filter { column, what, .. }) => (column, what),
        Err(e) => panic!("{e}"),
    }
}

/// Ethernet / IPv4 / UDP 1234 -> 53.
const UDP_FRAME: &[u8] = &[
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x08, 0x00, 0x45, 0x00,
    0x00, 0x20, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00,
    0x00, 0x02, 0x04, 0xd2, 0x00, 0x35, 0x00, 0x0c, 0x00, 0x00, 0xde, 0xad, 0xbe, 0xef,
];

fn accepts(filter: &str) -> bool {
    let p = bpf::compile(filter, LinkType::ETHERNET, 65535).unwrap_or_else(|e| panic!("{e}"));
    run(p.insns(), UDP_FRAME, UDP_FRAME.len() as u32) != 0
}

#[test]
fn deep_nesting_is_refused() {
    let n = 50_000;
    for f in [
        format!("{}ip{}", "(".repeat(n), ")".repeat(n)),
        "(".repeat(n),
        format!("{}ip", "not ".repeat(n)),
        format!("{}ip", "!".repeat(n)),
        format!("len = {}1", "-".repeat(n)),
        format!("len = {}1{}", "(".repeat(n), ")".repeat(n)),
        format!("{}0{} = 0", "ip[".repeat(n), "]".repeat(n)),
    ] {
        let (column, what) = refused(&f);
        assert!(what.contains("nested too deeply"), "{}: {what}", &f[..20]);
        assert!(column <= f.len(), "{column}");
    }
    // The first `(` past the limit is blamed.
    let (column, _) = refused(&"(".repeat(n));
    assert_eq!(column, bpf::MAX_DEPTH + 1);
}

#[test]
fn long_operator_chains_are_refused() {
    for f in [
        vec!["ip"; 20_000].join(" or "),
        vec!["ip"; 20_000].join("&&"),
        format!("len = {}", vec!["1"; 20_000].join("+")),
        format!("len = {}", vec!["len"; 20_000].join("-")),
    ] {
        let (_, what) = refused(&f);
        assert!(what.contains("too many operators"), "{what}");
    }
}

#[test]
fn within_the_limits_filters_work() {
    let n = bpf::MAX_DEPTH / 2 - 1;
    assert!(accepts(&format!(
        "{}udp dst port 53{}",
        "(".repeat(n),
        ")".repeat(n)
    )));
    assert!(accepts(&format!("{}udp", "not ".repeat(n - n % 2))));
    assert!(!accepts(&format!("{}udp", "! ".repeat(n - n % 2 + 1))));
    assert!(accepts(&format!("len = {}46", "--".repeat(n / 4))));
    assert!(accepts(&format!(
        "len = {}46{}",
        "(".repeat(n / 2),
        ")".repeat(n / 2)
    )));
    // 60 alternatives (more do not fit in 4096 instructions).
    let ports: Vec<String> = (100..160).map(|p| format!("port {p}")).collect();
    assert!(!accepts(&ports.join(" or ")));
    assert!(accepts(&format!("{} or port 53", ports.join(" or "))));
    assert!(accepts(&format!("len = {}", vec!["2"; 23].join("+"))));
    // Constant folding keeps this one small; it stays under the operator bound.
    assert!(accepts(&format!(
        "len = 46 {}",
        "+ 0 ".repeat(bpf::MAX_OPERATORS - 1)
    )));
}
