//! `--threads N` gives exactly the output of one thread: same flows, same order, same ids.

use std::path::{Path, PathBuf};
use strata_capture::file::FileReader;
use strata_flow::writer::{FlowWriter, Format};
use strata_flow::{columns, FlowOptions, PacketIndices, Streamer, TcpHandshakeRtt, TimeUnit};

fn csv(path: &Path, threads: usize, time_unit: TimeUnit) -> Vec<u8> {
    let opts = FlowOptions {
        statistics: true,
        splt: 10,
        threads,
        // Short timeouts make many expiries, the hard case for ordering.
        idle_timeout_ms: 5_000,
        active_timeout_ms: 20_000,
        time_unit,
        ..FlowOptions::default()
    };
    let mut s = Streamer::new(opts.clone()).with_plugins(vec![
        Box::new(PacketIndices::default()),
        Box::new(TcpHandshakeRtt),
    ]);
    let mut w = FlowWriter::new(Vec::new(), Format::Csv, s.column_names()).expect("header");
    let src = FileReader::open(path).expect("opens");
    s.run(src, |mut f| w.write_row(&columns::values(&mut f, &opts)))
        .expect("runs");
    w.into_inner()
}

#[test]
fn threaded_output_is_identical() {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/nfstream/tests/pcaps");
    if !dir.is_dir() {
        eprintln!("SKIPPED: ../shared not found (looked at {})", dir.display());
        assert!(
            std::env::var_os("CI").is_none(),
            "../shared is required when CI is set"
        );
        return;
    }
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("readable")
        .flatten()
        .map(|e| e.path())
        .collect();
    paths.sort();
    for p in &paths {
        let one = csv(p, 1, TimeUnit::Ms);
        for n in [2, 3] {
            assert!(
                csv(p, n, TimeUnit::Ms) == one,
                "{}: --threads {n} differs from one thread",
                p.display()
            );
        }
        // The µs clock (`--time-unit us`) shards and orders expiries the same way.
        assert!(
            csv(p, 2, TimeUnit::Us) == csv(p, 1, TimeUnit::Us),
            "{}: --time-unit us --threads 2 differs from one thread",
            p.display()
        );
    }
}
