//! Display filters: the frames selected over shared corpus captures equal TShark 4.0's `-Y`
//! selection (references in `tests/data/filters.tsv`, made once by `tools/make-filter-refs`),
//! and bad filters are refused with the column and what was expected.

use std::path::{Path, PathBuf};
use strata_capture::file::FileReader;
use strata_capture::PacketSource;
use strata_dissect::filter::Filter;
use strata_dissect::Dissector;

fn shared_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    if dir.is_dir() {
        return Some(dir);
    }
    println!("SKIPPED: ../shared not found (looked at {})", dir.display());
    assert!(
        std::env::var_os("CI").is_none(),
        "../shared is required when CI is set"
    );
    None
}

fn selected(path: &Path, filter: &str) -> Vec<u64> {
    let mut flt = Filter::new(filter).unwrap_or_else(|e| panic!("{filter}: {e}"));
    let mut src = FileReader::open(path).unwrap();
    let mut d = Dissector::new();
    let mut out = Vec::new();
    while let Some(pkt) = src.next_packet().unwrap() {
        let f = d.dissect(&pkt);
        if flt.matches(&f) {
            out.push(f.number);
        }
    }
    out
}

#[test]
fn selections_equal_tshark() {
    let Some(shared) = shared_dir() else { return };
    let refs = include_str!("data/filters.tsv");
    let (mut n, mut bad) = (0, Vec::new());
    for line in refs
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let mut cols = line.split('\t');
        let (cap, filter) = (cols.next().unwrap(), cols.next().unwrap());
        let want: Vec<u64> = cols
            .next()
            .unwrap_or("")
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap())
            .collect();
        let got = selected(&shared.join("corpus/pcap").join(cap), filter);
        n += 1;
        if got != want {
            let extra: Vec<_> = got.iter().filter(|x| !want.contains(x)).collect();
            let missing: Vec<_> = want.iter().filter(|x| !got.contains(x)).collect();
            bad.push(format!(
                "{cap}: {filter}: {} frames, TShark {}; extra {extra:?}, missing {missing:?}",
                got.len(),
                want.len()
            ));
        }
    }
    assert!(n >= 40, "only {n} reference filters");
    assert!(
        bad.is_empty(),
        "{} of {n} filters differ from TShark:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

fn error(filter: &str) -> String {
    match Filter::new(filter) {
        Ok(_) => panic!("{filter:?} compiled"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn errors_say_where_and_what() {
    let cases = [
        ("tcp.port == ", "at column 13: expected a value after \"==\""),
        ("tcp.port ==", "at column 12: expected a value after \"==\""),
        (
            "tcp.prot == 80",
            "at column 1: \"tcp.prot\" is not a valid field (did you mean tcp.port?)",
        ),
        ("", "at column 1: the filter is empty"),
        (
            "(tcp or udp",
            "at column 12: expected \")\" to close the \"(\" at column 1, found the end of the filter",
        ),
        ("tcp)", "at column 4: unmatched \")\""),
        (
            "tcp udp",
            "at column 5: unexpected \"udp\" (expected \"and\", \"or\" or the end of the filter)",
        ),
        ("ip.src = 1.2.3.4", "at column 8: \"=\" is not an operator (did you mean \"==\"?)"),
        ("not", "at column 4: expected a test after \"not\""),
        (
            "and tcp",
            "at column 1: expected a field, a protocol, \"not\" or \"(\", found \"and\"",
        ),
        (
            "tcp.port == and",
            "at column 13: expected a value after \"==\", found \"and\"",
        ),
        ("http.host == \"abc", "at column 14: unterminated string"),
        (
            "tcp.port == 8o",
            "at column 13: 8o is not an unsigned integer (the type of tcp.port)",
        ),
        (
            "ip.addr == 10.0.0.0/33",
            "at column 12: 10.0.0.0/33 is not an IPv4 address or network (the type of ip.addr)",
        ),
        (
            "eth.src == 00:11:22",
            "at column 12: 00:11:22 is not an Ethernet address (6 bytes) (the type of eth.src)",
        ),
        (
            "tcp.port contains 80",
            "at column 10: \"contains\" needs a string or bytes field; tcp.port is an unsigned integer",
        ),
        (
            "tcp.srcport[0:1] == 00",
            "at column 1: \"tcp.srcport\" is an unsigned integer and cannot be sliced into a sequence of bytes",
        ),
        (
            "frame[0:3 == 00",
            "at column 11: expected \"]\" to close the \"[\" at column 6, found \"==\"",
        ),
        (
            "frame[x] == 00",
            "at column 7: \"x\" is not a byte range (i:j, i-j, i:, :j or i)",
        ),
        (
            "tcp.port in 80",
            "at column 13: expected \"{\" after \"in\", found \"80\"",
        ),
        (
            "tcp.port in {80, }",
            "at column 18: expected a value or \"}\" in the set, found \"}\"",
        ),
        (
            "http.host matches \"(\"",
            "at column 19: invalid regular expression: error: unclosed group",
        ),
        (
            "http.host matches \"\\.\"",
            "at column 20: \\. is not a valid escape sequence (in a regular expression, write \\\\ for \\)",
        ),
        ("upper(http.host) == \"A\"", "at column 1: \"upper\" is not a function Strata knows (len, count)"),
        ("dnss", "at column 1: \"dnss\" is not a valid field (did you mean dns?)"),
        ("tcp.port ^ 3", "at column 10: unexpected character '^'"),
    ];
    let mut bad = Vec::new();
    for (f, want) in cases {
        let got = error(f);
        if got != want {
            bad.push(format!("{f:?}:\n   got  {got}\n   want {want}"));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn accepted_forms() {
    for f in [
        "tcp",
        "!arp",
        "tcp.port eq 80 or udp.port ne 53",
        "tcp.port in {80 443 8000-8080}",
        "tcp.port in {80, 443, 8000..8080}",
        "tcp.port not in {80}",
        "ip.addr == 10.0.0.0/8 && ipv6.addr == fe80::/10",
        "eth.src[0:3] == 00:11:22 || frame[12:2] == 08:00 || frame[-1] == ff",
        "frame[0:2,4-5] == 00112233",
        "eth.addr == 00-11-22-33-44-55 or eth.dst == 0011.2233.4455",
        "tcp.flags.syn == True and tcp.flags.ack == 0",
        "tcp.srcport == 0x50 or tcp.srcport == 0120 or tcp.srcport == 0b1010000",
        "http.host contains \"exa\" and http.host matches r\"^ex\\.\"",
        "frame contains 47:45:54 or frame contains \"\\x47ET\"",
        "dns.qry.name ~ \"a\" or tcp.port !== 80 or tcp.port === 80 or tcp.port ~= 1",
        "tcp.flags & 0x12",
        "len(dns.qry.name) > 3 and count(ip.addr) == 2",
        "ip.src#2 == 10.0.0.1 or ip#-1",
        "frame.time_epoch > 1300000000.5 and frame.number <= 10",
        "frame.protocols contains \"tcp\"",
        "ip.src == ip.dst",
        "tcp.flags.syn == 'a'",
        "not (tcp or udp) and not (arp)",
    ] {
        if let Err(e) = Filter::new(f) {
            panic!("{f:?}: {e}");
        }
    }
}
