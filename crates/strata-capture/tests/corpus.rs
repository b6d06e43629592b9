//! Reads every capture of the shared corpus (`../shared` next to the repository) to its end and
//! compares the packet count with `corpus/INDEX.tsv`, which records what tshark read.
//!
//! Where tshark itself stopped with an error (non-zero `tshark_rc`), we must yield at least the
//! packets it printed and then one clear error, or agree exactly.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use strata_capture::file::FileReader;
use strata_capture::{CaptureError, PacketSource};

/// `../shared` relative to the repository root.
fn shared_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    if dir.is_dir() {
        return Some(dir);
    }
    eprintln!("SKIPPED: ../shared not found (looked at {})", dir.display());
    assert!(
        std::env::var_os("CI").is_none(),
        "../shared is required when CI is set"
    );
    None
}

/// Reads a whole file: (packets, the error that ended it if any).
fn read_all(path: &Path) -> (u64, Option<CaptureError>) {
    let mut reader = match FileReader::open(path) {
        Ok(r) => r,
        Err(e) => return (0, Some(e)),
    };
    let mut n = 0u64;
    loop {
        match reader.next_packet() {
            Ok(Some(p)) => {
                // Touch the data so a bad slice would show up.
                std::hint::black_box(p.data.iter().fold(0u8, |a, b| a ^ b));
                n += 1;
            }
            Ok(None) => return (n, None),
            Err(e) => {
                // After an error the reader must be finished.
                assert!(
                    matches!(reader.next_packet(), Ok(None)),
                    "{}: reader not finished after error",
                    path.display()
                );
                return (n, Some(e));
            }
        }
    }
}

struct Expected {
    packets: u64,
    tshark_ok: bool,
}

fn read_index(shared: &Path) -> HashMap<String, Expected> {
    let text = std::fs::read_to_string(shared.join("corpus/INDEX.tsv")).expect("INDEX.tsv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("INDEX.tsv has no column {name}"))
    };
    let (c_name, c_packets, c_rc) = (col("name"), col("packets"), col("tshark_rc(fields,conv)"));
    let mut index = HashMap::new();
    for line in lines.filter(|l| !l.is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        let packets = f[c_packets]
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("bad packets in {line}"));
        let tshark_ok = f[c_rc].split(',').all(|rc| rc.trim() == "0");
        index.insert(f[c_name].to_string(), Expected { packets, tshark_ok });
    }
    index
}

#[test]
fn corpus_pcap_counts_match_index() {
    let Some(shared) = shared_dir() else { return };
    let index = read_index(&shared);
    let mut files: Vec<PathBuf> = std::fs::read_dir(shared.join("corpus/pcap"))
        .expect("corpus/pcap")
        .map(|e| e.expect("dir entry").path())
        .collect();
    files.sort();
    let mut mismatches = Vec::new();
    let (mut read, mut with_error) = (0, 0);
    for path in &files {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let (n, err) = read_all(path);
        read += 1;
        if err.is_some() {
            with_error += 1;
        }
        let Some(exp) = index.get(name) else {
            mismatches.push(format!("{name}: not in INDEX.tsv"));
            continue;
        };
        let ok = if exp.tshark_ok {
            n == exp.packets && err.is_none()
        } else {
            // tshark stopped with an error after `packets`: we yield at least those, then
            // an error of our own, or read the file fully and agree.
            n >= exp.packets && (err.is_some() || n == exp.packets)
        };
        if !ok {
            mismatches.push(format!(
                "{name}: read {n} packets (error: {}), INDEX says {} (tshark ok: {})",
                err.map_or("none".to_string(), |e| e.to_string()),
                exp.packets,
                exp.tshark_ok
            ));
        }
    }
    eprintln!(
        "corpus/pcap: {read} files read, {with_error} ended with an error, {} mismatches",
        mismatches.len()
    );
    assert!(read > 0, "no captures in corpus/pcap");
    assert!(
        mismatches.is_empty(),
        "mismatches:\n{}",
        mismatches.join("\n")
    );
}

#[test]
fn corpus_nfstream_pcaps_read_without_panic() {
    let Some(shared) = shared_dir() else { return };
    let dir = shared.join("corpus/nfstream/tests/pcaps");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("nfstream pcaps")
        .map(|e| e.expect("dir entry").path())
        .collect();
    files.sort();
    let (mut packets, mut errors) = (0, 0);
    for path in &files {
        let (n, err) = read_all(path);
        packets += n;
        if let Some(e) = err {
            errors += 1;
            eprintln!("note: {e} (after {n} packets)");
        }
    }
    eprintln!(
        "nfstream pcaps: {} files, {packets} packets, {errors} ended with an error",
        files.len()
    );
    assert!(!files.is_empty());
}
