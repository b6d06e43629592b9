//! Every packet of every shared capture goes through the decoder, the fields printer (all
//! registered fields, every occurrence) and the summary printer: no panic, no lost packet, and
//! the layer stack is well formed (layers in order, inside the frame or the reassembled datagram).

use std::path::{Path, PathBuf};
use strata_capture::file::FileReader;
use strata_capture::PacketSource;
use strata_dissect::fields::FIELDS;
use strata_dissect::printer::{FieldsOptions, FieldsPrinter, Occurrence, SummaryPrinter};
use strata_dissect::Dissector;

mod common;
use common::shared_dir;

fn captures(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    v.retain(|p| p.is_file());
    v.sort();
    v
}

#[test]
fn every_corpus_packet_decodes_and_prints() {
    let Some(shared) = shared_dir() else { return };
    let mut files = captures(&shared.join("corpus/pcap"));
    files.extend(captures(&shared.join("corpus/nfstream/tests/pcaps")));
    assert!(
        files.len() > 400,
        "expected the whole corpus, found {}",
        files.len()
    );
    let names: Vec<String> = FIELDS.iter().map(|f| f.name.to_string()).collect();
    let (mut packets, mut stopped) = (0u64, 0u64);
    for path in &files {
        let Ok(mut src) = FileReader::open(path) else {
            continue;
        };
        let mut d = Dissector::new();
        let mut all = FieldsPrinter::new(
            &names,
            FieldsOptions {
                occurrence: Occurrence::All,
                ..FieldsOptions::default()
            },
            false,
        )
        .expect("registry names are known");
        let mut summary = SummaryPrinter::default();
        let mut out = Vec::new();
        while let Ok(Some(pkt)) = src.next_packet() {
            let frame = d.dissect(&pkt);
            let mut prev_end_start = 0u32;
            for l in frame.decoded.layers() {
                let buf = frame.buffer(l);
                assert!(
                    l.start as usize + l.len as usize <= buf.len(),
                    "{}: layer past its buffer",
                    path.display()
                );
                assert!(
                    l.start + l.len <= l.end || l.partial,
                    "{}: header past its extent",
                    path.display()
                );
                if !l.reassembled {
                    assert!(
                        l.start >= prev_end_start,
                        "{}: layers out of order",
                        path.display()
                    );
                    prev_end_start = l.start;
                }
            }
            if frame.decoded.stop.is_some() {
                stopped += 1;
            }
            all.frame(&frame, &mut out);
            summary.frame(&frame, &mut out);
            out.clear();
            packets += 1;
        }
    }
    eprintln!(
        "decoded {packets} packets from {} captures; {stopped} stopped early with an anomaly note",
        files.len()
    );
    assert!(packets > 100_000);
}
