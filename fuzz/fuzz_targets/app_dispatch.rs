//! `strata_wire::app` dispatch (mod.rs): `udp_port`, `tcp_port`, `by_ports`, `tcp_heuristic`,
//! `tcp_named`, `tcp_named_heuristic`, `udp_named`, the `NAMES` table and `filter_name`.
//! Input: source port, destination port (2 bytes each, big-endian), then the L4 payload.
//! Checks: no panic; `by_ports` is the lower port's registration, else the higher's, and
//! symmetric; a name-only result indexes `NAMES` and has a filter name (`filter_name` is
//! lower-case letters, digits, `.` and `_` as in `capwap.data`, and "data" exactly past the
//! table); only application protocols come back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_wire::app;
use strata_wire::Proto;

fn check(r: Option<(Proto, u8)>) {
    let Some((p, k)) = r else { return };
    match p {
        Proto::AppNamed => {
            assert!((k as usize) < app::NAMES.len(), "name index {k}");
            let f = app::filter_name(k);
            assert!(
                f != "data" && !f.is_empty(),
                "{} has no filter name",
                app::NAMES[k as usize]
            );
        }
        Proto::Dns => assert!(k <= app::dns_flavor::LLMNR),
        Proto::Http => assert!(k <= 1),
        Proto::Tls | Proto::Dhcp | Proto::Ntp | Proto::Ssh => assert_eq!(k, 0),
        other => panic!("{other:?} is not an application protocol"),
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let sport = u16::from_be_bytes([data[0], data[1]]);
    let dport = u16::from_be_bytes([data[2], data[3]]);
    let p = &data[4..];
    for table in [
        app::udp_port as fn(u16) -> Option<(Proto, u8)>,
        app::tcp_port,
    ] {
        let r = app::by_ports(sport, dport, table);
        check(r);
        assert_eq!(
            r,
            app::by_ports(dport, sport, table),
            "by_ports not symmetric"
        );
        let (lo, hi) = (sport.min(dport), sport.max(dport));
        assert_eq!(r, table(lo).or_else(|| table(hi)));
        check(table(sport));
    }
    check(app::tcp_heuristic(p));
    check(app::tcp_named_heuristic(p));
    let t = app::tcp_named(sport, dport, p);
    check(t);
    assert_eq!(
        t,
        app::tcp_named(dport, sport, p),
        "tcp_named not symmetric"
    );
    let u = app::udp_named(sport, dport, p);
    check(u);
    assert_eq!(
        u,
        app::udp_named(dport, sport, p),
        "udp_named not symmetric"
    );
    for n in app::NAMES {
        assert!(!n.is_empty());
    }
    // Every byte as a NAMES index: a lower-case filter name, "data" past the table.
    let k = data[0];
    let f = app::filter_name(k);
    assert!(
        f.bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'.' || c == b'_'),
        "{f:?}"
    );
    assert_eq!(
        f == "data",
        k as usize >= app::NAMES.len(),
        "filter_name({k}) = {f}"
    );
});
