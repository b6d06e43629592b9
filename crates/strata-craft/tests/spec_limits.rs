//! Craft specs come from the command line (`strata craft SPEC`): a spec nested very deeply
//! must be refused with an error, not overflow the stack; a count that does not fit its field
//! must be refused, not truncated. Before the bound,
//! `strata craft "IP(ttl=$(printf '(%.0s' {1..10000})1...)"` aborted with "thread 'main' has
//! overflowed its stack", and so did 100 000 unary `-`.

use strata_craft::spec::{craft, MAX_DEPTH};
use strata_craft::CraftError;

fn refused(spec: &str) -> (usize, String) {
    match craft(spec) {
        Ok(p) => panic!("a spec of {} bytes made {} packets", spec.len(), p.len()),
        Err(e) => match e {
            CraftError::Syntax { col, msg } => (col, msg),
            e => (0, e.to_string()),
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

#[test]
fn counts_that_do_not_fit_their_field_are_refused() {
    // Was: hdr ext len 400 as u8 = 0x90, a routing header claiming 1160 bytes of 3208.
    let (_, msg) = refused("IPv6()/IPv6ExtHdrRouting(addresses=['::1']*200)");
    assert!(msg.contains("at most 127"), "{msg}");
    let p = craft("IPv6()/IPv6ExtHdrRouting(addresses=['::1']*127)").unwrap();
    assert_eq!(p[0][40 + 1], 254);
    assert_eq!(p[0].len(), 40 + 8 + 16 * 127);
    // Was: qdcount 70000 as u16 = 4464.
    let (_, msg) = refused("DNS(qd=[DNSQR()]*70000)");
    assert!(msg.contains("at most 65535"), "{msg}");
    let p = craft("DNS(qd=[DNSQR()]*65535)").unwrap();
    assert_eq!(&p[0][4..6], &[0xff, 0xff]);
}

#[test]
fn repeats_of_nested_lists_are_bounded_by_what_they_hold() {
    // Found by the craft_spec fuzz target: each copy held 65 535 values, so 65 535 copies
    // were 4.3 billion values and the process ran out of memory.
    let spec = "DNS(qd=[LNS(qd=[DNSQR()]*65535)]*65535)";
    let (col, msg) = refused(spec);
    assert!(msg.contains("more than 2^20 values"), "{msg}");
    assert!(col > 0 && col <= spec.len(), "{col}");
    // A flat list of the same length is fine.
    assert_eq!(craft("IP()/ICMP()/Raw(load=b'x')").unwrap().len(), 1);
    assert!(craft("DNS(qd=[DNSQR(qname='a.example')]*1000)").is_ok());
}
