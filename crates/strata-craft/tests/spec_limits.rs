//! Craft specs come from the command line (`strata craft SPEC`): a spec nested very deeply
//! must be refused with an error, not overflow the stack. Before the bound,
//! `strata craft "IP(ttl=$(printf '(%.0s' {1..10000})1...)"` aborted with "thread 'main' has
//! overflowed its stack", and so did 100 000 unary `-`.

use strata_craft::spec::{craft, MAX_DEPTH};
use strata_craft::CraftError;

fn refused(spec: &str) -> (usize, String) {
    match craft(spec) {
        Ok(p) => panic!("a spec of {} bytes made {} packets", spec.len(), p.len()),
        Err(e) => match e {
            CraftError::Syntax { col, msg } => (col, msg),
            e => panic!("{e}"),
        },
    }
}

#[test]
fn deep_nesting_is_refused() {
    let n = 100_000;
    for spec in [
        format!("IP(ttl={}1{})", "(".repeat(n), ")".repeat(n)),
        format!("IP(ttl={}1)", "-".repeat(n)),
        format!("IP(options={}1{})", "[".repeat(n), "]".repeat(n)),
        format!("IP(ttl={}", "(".repeat(n)),
        format!("{}IP(){}", "(".repeat(n), ")".repeat(n)),
        format!(
            "IP()/Raw(load={}1{})",
            "DNSQR(qname=".repeat(n),
            ")".repeat(n)
        ),
    ] {
        let (col, msg) = refused(&spec);
        assert!(msg.contains("nested too deeply"), "{}: {msg}", &spec[..20]);
        assert!(col <= spec.len(), "{col}");
    }
    // The token that would open level MAX_DEPTH + 1 is blamed.
    let (col, _) = refused(&format!("{}1", "(".repeat(n)));
    assert_eq!(col, MAX_DEPTH + 1);
}

#[test]
fn nesting_within_the_limit_still_works() {
    let n = MAX_DEPTH - 2;
    let spec = format!("IP(ttl={}7{})", "(".repeat(n), ")".repeat(n));
    assert_eq!(craft(&spec).unwrap(), craft("IP(ttl=7)").unwrap());
    let spec = format!("IP(ttl={}7)", "--".repeat(n / 2));
    assert_eq!(craft(&spec).unwrap(), craft("IP(ttl=7)").unwrap());
}
