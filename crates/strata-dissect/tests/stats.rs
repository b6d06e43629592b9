//! `-z conv,tcp -z conv,udp -z conv,ip` over every shared capture, compared byte for byte with
//! TShark 4.0's tables in `corpus/tshark-ref/*.conv.txt`; and `-z io,phs` on the lab samples
//! against TShark run here when it is installed.

use std::path::{Path, PathBuf};
use strata_capture::file::FileReader;
use strata_capture::PacketSource;
use strata_dissect::stats::{Stat, Stats};
use strata_dissect::Dissector;

mod common;
use common::shared_dir;

/// Runs the `-z` options over `path` as `strata dissect -q` does and returns the tables.
fn tables(path: &Path, z: &[&str]) -> Vec<u8> {
    let mut stats = Stats::default();
    for s in z {
        stats.push(Stat::parse(s).expect("valid -z"));
    }
    let mut d = Dissector::new();
    if let Ok(mut src) = FileReader::open(path) {
        while let Ok(Some(pkt)) = src.next_packet() {
            let f = d.dissect(&pkt);
            stats.frame(&f);
        }
    }
    let mut out = Vec::new();
    stats.draw(&mut out);
    out
}

#[test]
fn conversation_tables_equal_tshark() {
    let Some(shared) = shared_dir() else { return };
    let refs = shared.join("corpus/tshark-ref");
    let mut names: Vec<String> = std::fs::read_dir(&refs)
        .expect("tshark-ref")
        .flatten()
        .filter_map(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.strip_suffix(".conv.txt").map(str::to_string)
        })
        .collect();
    names.sort();
    let mut differ = Vec::new();
    for n in &names {
        let want = std::fs::read(refs.join(format!("{n}.conv.txt"))).unwrap();
        let got = tables(
            &shared.join("corpus/pcap").join(n),
            &["conv,tcp", "conv,udp", "conv,ip"],
        );
        if got != want {
            differ.push(n.as_str());
        }
    }
    let pct = 100.0 * (names.len() - differ.len()) as f64 / names.len() as f64;
    eprintln!(
        "conv,tcp/udp/ip: {}/{} captures equal to TShark ({pct:.2}%); differing: {differ:?}",
        names.len() - differ.len(),
        names.len()
    );
    assert!(
        names.len() >= 290,
        "expected every reference, found {}",
        names.len()
    );
    assert!(
        pct >= 95.0,
        "conversation tables agree on only {pct:.2}% of captures"
    );
}

#[test]
fn conversation_table_layout() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/lab-dns.pcap");
    let out = String::from_utf8(tables(&path, &["conv,udp,udp.port == 53", "conv,eth"])).unwrap();
    // Last -z first, each table framed by rules, the filter named.
    let eth = out.find("Ethernet Conversations").expect("eth table");
    let udp = out
        .find("UDP Conversations\nFilter:udp.port == 53\n")
        .expect("udp table");
    assert!(eth < udp, "{out}");
    assert!(out.contains(":53  "), "{out}");
    assert!(Stat::parse("conv,sctp").is_err());
    assert!(Stat::parse("conv,tcp,tcp.port ==").is_err());
}

/// `-z io,phs` against TShark run on every shared capture, when TShark is installed (CI
/// installs it). The hierarchy needs every protocol Wireshark names, so this reports the
/// agreement and guards it from regressing rather than asking for equality.
#[test]
fn protocol_hierarchy_against_tshark() {
    let Some(shared) = shared_dir() else { return };
    if !common::tshark_available() {
        return;
    }
    let dir = shared.join("corpus/pcap");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    let (mut same_files, mut lines, mut same_lines) = (0, 0, 0);
    for path in &files {
        let want = std::process::Command::new("tshark")
            .args(["-n", "-q", "-z", "io,phs", "-r"])
            .arg(path)
            .output()
            .unwrap()
            .stdout;
        let got = tables(path, &["io,phs"]);
        if got == want {
            same_files += 1;
        }
        let want = String::from_utf8_lossy(&want);
        let got = String::from_utf8_lossy(&got);
        let mut pool: Vec<&str> = got.lines().filter(|l| l.contains("frames:")).collect();
        for l in want.lines().filter(|l| l.contains("frames:")) {
            lines += 1;
            if let Some(i) = pool.iter().position(|g| *g == l) {
                pool.swap_remove(i);
                same_lines += 1;
            }
        }
    }
    let pct = 100.0 * same_lines as f64 / lines as f64;
    eprintln!(
        "io,phs: {same_files}/{} captures equal to TShark; {same_lines}/{lines} hierarchy lines ({pct:.2}%)",
        files.len()
    );
    assert!(pct >= 60.0, "io,phs agreement fell to {pct:.2}% of lines");
}

/// `-z follow,tcp` against TShark run here (CI installs it): the lab samples in all three
/// views, and every eighth shared capture's streams 0, 1 and 3 in the raw view.
#[test]
fn follow_tcp_against_tshark() {
    let Some(shared) = shared_dir() else { return };
    if !common::tshark_available() {
        return;
    }
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples");
    let mut cases: Vec<(PathBuf, String)> = Vec::new();
    for s in ["lab-web.pcap", "lab-mixed.pcap"] {
        for mode in ["ascii", "raw", "hex"] {
            for n in 0..8 {
                cases.push((samples.join(s), format!("follow,tcp,{mode},{n}")));
            }
        }
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(shared.join("corpus/pcap"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    for f in files.iter().step_by(8) {
        for n in [0, 1, 3] {
            cases.push((f.clone(), format!("follow,tcp,raw,{n}")));
        }
    }
    let mut differ = Vec::new();
    for (path, z) in &cases {
        let want = std::process::Command::new("tshark")
            .args(["-n", "-q", "-z", z, "-r"])
            .arg(path)
            .output()
            .unwrap()
            .stdout;
        if tables(path, &[z]) != want {
            differ.push(format!(
                "{} {z}",
                path.file_name().unwrap().to_string_lossy()
            ));
        }
    }
    let pct = 100.0 * (cases.len() - differ.len()) as f64 / cases.len() as f64;
    eprintln!(
        "follow,tcp: {}/{} streams equal to TShark ({pct:.2}%); differing: {differ:?}",
        cases.len() - differ.len(),
        cases.len()
    );
    assert!(pct >= 95.0, "follow agrees on only {pct:.2}%");
}
