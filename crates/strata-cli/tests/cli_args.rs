//! Hostile command-line values end in an error message, never a panic. Before the fix,
//! `--timeout nan`, `--duration inf` / `1e300` and `-a duration:inf` reached
//! `Duration::from_secs_f64`, which panics on NaN, infinity and overflow ("cannot convert float
//! seconds to Duration"). All of these fail while parsing the arguments, before any capture is
//! opened, so the test needs no privileges.

use std::process::Command;

fn strata(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_strata"))
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    (out.status.code().unwrap_or(-1), stderr)
}

#[test]
fn bad_seconds_are_refused_not_panicked_on() {
    let cases: &[&[&str]] = &[
        &["sniff", "-i", "lo", "--timeout", "nan", "-c", "1"],
        &["sniff", "-i", "lo", "--timeout", "inf", "-c", "1"],
        &["ping", "--timeout", "NaN", "127.0.0.1"],
        &["ping", "-i", "inf", "127.0.0.1"],
        &["ping", "--timeout=-1", "127.0.0.1"],
        &["arping", "--timeout", "1e400", "127.0.0.1"],
        &["traceroute", "--timeout", "nan", "127.0.0.1"],
        &["scan", "--timeout", "nan", "127.0.0.1"],
        &["sr", "--timeout", "inf", "IP()"],
        &["sr", "--interval", "nan", "IP()"],
        &["send", "-i", "lo", "--interval", "nan", "IP()"],
        &["flows", "-i", "lo", "--duration", "inf", "-o", "-"],
        &["flows", "-i", "lo", "--duration", "nan", "-o", "-"],
    ];
    for args in cases {
        let (code, stderr) = strata(args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(
            stderr.contains("seconds must be a finite number") || stderr.contains("unexpected"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn autostop_duration_must_be_finite() {
    for spec in ["duration:inf", "duration:nan", "duration:-1"] {
        let (code, stderr) = strata(&["dissect", "-i", "lo", "-a", spec]);
        assert_ne!(code, 0, "{spec}");
        assert!(
            stderr.contains("expected duration:SECONDS"),
            "{spec}: {stderr}"
        );
    }
}

#[test]
fn huge_counts_are_refused() {
    let lab = format!("{}/../../samples/lab-dns.pcap", env!("CARGO_MANIFEST_DIR"));
    for args in [
        ["--splt", "18446744073709551615"],
        ["--splt", "65536"],
        ["--threads", "100000"],
    ] {
        let (code, stderr) = strata(&["flows", "-r", &lab, "-o", "-", args[0], args[1]]);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains("at most"), "{args:?}: {stderr}");
    }
    let (code, stderr) = strata(&["flows", "-r", &lab, "-o", "-", "--threads", "256"]);
    assert_eq!(code, 0, "{stderr}");
}

/// `strata flows ... | head -1` and `strata dissect ... | head -1`: the reader going away
/// ends the run quietly with success, as tshark's does (flows used to print
/// "strata: -: Broken pipe (os error 32)").
#[test]
fn a_closed_pipe_ends_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples/lab-mixed.pcap");
    for args in [
        &["flows", "-r", sample, "--statistics", "--splt", "10"][..],
        &["dissect", "-r", sample][..],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_strata"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert!(!first.is_empty(), "{args:?}: no output");
        // The reader is gone now.
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {:?} {stderr}", out.status);
        assert!(!stderr.contains("Broken pipe"), "{args:?}: {stderr}");
    }
}
