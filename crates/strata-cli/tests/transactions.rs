//! Requests matched with their responses across frames (`icmp.resp_to`, `icmp.resptime`,
//! `icmpv6.resp_to`, `icmpv6.resptime`, `dns.response_to`, `dns.time`) against TShark, run
//! here on every corpus capture where Strata finds ICMP, ICMPv6 or DNS (CI installs it).
//! Cells empty in both are not counted.

mod common;

use std::process::Command;

const FIELDS: [&str; 6] = [
    "icmp.resp_to",
    "icmp.resptime",
    "icmpv6.resp_to",
    "icmpv6.resptime",
    "dns.response_to",
    "dns.time",
];

/// `-T fields` rows of the six fields, first occurrences.
fn rows(cmd: &mut Command) -> Vec<Vec<String>> {
    cmd.args(["-n", "-T", "fields", "-E", "occurrence=f"]);
    for f in FIELDS {
        cmd.args(["-e", f]);
    }
    let out = cmd.output().expect("runs");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

fn strata() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_strata"));
    c.arg("dissect");
    c
}

#[test]
fn responses_name_their_requests_as_tshark() {
    let Some(dir) = common::corpus() else {
        return;
    };
    // Every capture (every name contains "").
    let caps = common::captures_named(&dir, &[""]);
    let (mut captures, mut cells, mut same, mut matched) = (0usize, 0usize, 0usize, 0usize);
    for cap in &caps {
        let found = strata()
            .arg("-r")
            .arg(cap)
            .args(["-Y", "dns or icmp or icmpv6"])
            .output()
            .expect("runs");
        if found.stdout.is_empty() {
            continue;
        }
        captures += 1;
        let want = rows(Command::new("tshark").arg("-r").arg(cap));
        let got = rows(strata().arg("-r").arg(cap));
        assert_eq!(want.len(), got.len(), "{}: frame count", cap.display());
        for (frame, (w, g)) in want.iter().zip(&got).enumerate() {
            for (i, field) in FIELDS.iter().enumerate() {
                let (w, g) = (w.get(i).map_or("", |s| s), g.get(i).map_or("", |s| s));
                if w.is_empty() && g.is_empty() {
                    continue;
                }
                cells += 1;
                if w == g {
                    same += 1;
                    matched += usize::from(field.ends_with("_to"));
                } else {
                    eprintln!(
                        "{} #{}: {field}: tshark={w:?} strata={g:?}",
                        cap.display(),
                        frame + 1
                    );
                }
            }
        }
    }
    let pct = 100.0 * same as f64 / cells.max(1) as f64;
    eprintln!(
        "request/response fields: {same}/{cells} cells equal to TShark ({pct:.2}%) over \
         {captures} captures, {matched} responses matched"
    );
    assert!(
        captures >= 30 && matched >= 250,
        "{captures} captures, {matched} matched"
    );
    // Known: TShark names no request for the three Teredo echo replies of ndpi__teredo.pcap
    // (it reads those requests' data as a Teredo nonce), Strata does.
    assert!(pct >= 99.0, "{pct:.2}% < 99%");
}
