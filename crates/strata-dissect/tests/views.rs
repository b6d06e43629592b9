//! `-x`, `-T json` and `-T jsonl` over the lab samples: the hex dump equals TShark's when
//! TShark is installed (CI installs it), and every JSON document is well formed with the
//! layout TShark uses.

use std::path::{Path, PathBuf};
use strata_capture::file::FileReader;
use strata_capture::PacketSource;
use strata_dissect::tree::{TreePrinter, View};
use strata_dissect::Dissector;

fn samples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "pcap"))
        .collect();
    v.sort();
    assert!(v.len() >= 3, "samples/ should hold the lab captures");
    v
}

fn render(path: &Path, view: Option<View>, hex: bool, arrays: bool) -> Vec<u8> {
    let mut p = TreePrinter::new(view, hex);
    p.no_duplicate_keys = arrays;
    let mut d = Dissector::new();
    let mut out = Vec::new();
    let mut src = FileReader::open(path).unwrap();
    while let Some(pkt) = src.next_packet().unwrap() {
        let f = d.dissect(&pkt);
        p.frame(&f, &mut out);
    }
    p.finish(&mut out);
    out
}

/// TShark also dumps the data sources of dissectors Strata lacks (de-chunked and
/// decompressed HTTP bodies, ...), so this counts lines and asks for most of them.
#[test]
fn hex_dump_against_tshark() {
    let ok = std::process::Command::new("tshark")
        .arg("--version")
        .output();
    if ok.map(|o| !o.status.success()).unwrap_or(true) {
        eprintln!("SKIPPED: tshark not installed");
        assert!(std::env::var_os("CI").is_none(), "CI installs tshark");
        return;
    }
    let (mut lines, mut same) = (0usize, 0usize);
    for s in samples() {
        let want = std::process::Command::new("tshark")
            .args(["-n", "-x", "-r"])
            .arg(&s)
            .output()
            .unwrap()
            .stdout;
        let got = render(&s, None, true, false);
        if s.ends_with("lab-dns.pcap") {
            assert!(got == want, "{}: -x differs from TShark", s.display());
        }
        let want = String::from_utf8_lossy(&want);
        let got = String::from_utf8_lossy(&got);
        let mut pool: std::collections::HashMap<&str, usize> = Default::default();
        for l in got.lines() {
            *pool.entry(l).or_default() += 1;
        }
        for l in want.lines() {
            lines += 1;
            if let Some(n) = pool.get_mut(l).filter(|n| **n > 0) {
                *n -= 1;
                same += 1;
            }
        }
    }
    let pct = 100.0 * same as f64 / lines as f64;
    eprintln!("-x: {same}/{lines} of TShark's lines ({pct:.2}%)");
    assert!(pct >= 90.0, "-x agrees on only {pct:.2}% of lines");
}

#[test]
fn json_views_are_well_formed() {
    for s in samples() {
        // -T json: an array of TShark-shaped packets.
        let out = String::from_utf8(render(&s, Some(View::Json), false, true)).unwrap();
        assert!(
            out.starts_with("[\n  {\n    \"_index\": \"packets-"),
            "{}",
            &out[..80]
        );
        assert!(out.contains("\"_source\": {\n      \"layers\": {\n        \"frame\": {"));
        assert!(out.trim_end().ends_with(']'));
        assert_balanced(&out);
        // -T jsonl: one object per packet, each line balanced.
        let lines = String::from_utf8(render(&s, Some(View::Jsonl), true, true)).unwrap();
        for l in lines.lines() {
            assert!(l.starts_with("{\"timestamp\":") && l.ends_with("}}"), "{l}");
            assert_balanced(l);
        }
    }
}

/// Brackets balance outside strings, and strings end: a cheap well-formedness check (the
/// strict one is `tools/json-diff`, which parses the output with Python's json module).
fn assert_balanced(s: &str) {
    let (mut depth, mut in_str, mut esc) = (0i64, false, false);
    for c in s.chars() {
        if in_str {
            match (esc, c) {
                (true, _) => esc = false,
                (false, '\\') => esc = true,
                (false, '"') => in_str = false,
                (false, c) => assert!(c >= ' ', "raw control character in a string"),
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '{' | '[' => depth += 1,
            '}' | ']' => {
                depth -= 1;
                assert!(depth >= 0, "unbalanced");
            }
            _ => {}
        }
    }
    assert!(!in_str && depth == 0, "unterminated JSON");
}
