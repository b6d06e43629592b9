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

/// The rows the streamer's encoder makes straight from flows (`RowEncoder`, used by `strata
/// flows`) are byte for byte those of `columns::values` through `FlowWriter::write_row`.
#[test]
fn row_encoder_matches_values() {
    use strata_flow::writer::RowEncoder;
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/nfstream/tests/pcaps");
    if !dir.is_dir() {
        eprintln!("SKIPPED: ../shared not found (looked at {})", dir.display());
        return;
    }
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("readable")
        .flatten()
        .map(|e| e.path())
        .collect();
    paths.sort();
    for p in &paths {
        for (format, threads, with_plugins) in [
            (Format::Csv, 1, false),
            (Format::Jsonl, 1, true),
            (Format::Csv, 2, true),
        ] {
            let opts = FlowOptions {
                statistics: true,
                splt: 10,
                threads,
                ..FlowOptions::default()
            };
            let plugins = |on: bool| -> Vec<Box<dyn strata_flow::Plugin>> {
                if on {
                    vec![
                        Box::new(PacketIndices::default()),
                        Box::new(TcpHandshakeRtt),
                    ]
                } else {
                    Vec::new()
                }
            };
            let mut s = Streamer::new(opts.clone()).with_plugins(plugins(with_plugins));
            let names = s.column_names();
            let mut want = FlowWriter::new(Vec::new(), format, names.clone()).expect("header");
            s.run(FileReader::open(p).expect("opens"), |mut f| {
                want.write_row(&columns::values(&mut f, &opts))
            })
            .expect("runs");
            let enc = std::sync::Arc::new(RowEncoder::new(format, &opts, &names));
            let e = enc.clone();
            let mut s = Streamer::new(opts.clone())
                .with_plugins(plugins(with_plugins))
                .with_encoder(move |f, out| e.encode(f, out));
            let mut got = FlowWriter::new(Vec::new(), format, names).expect("header");
            s.run_rows(FileReader::open(p).expect("opens"), |f, row| {
                got.write_encoded(f.id, row)
            })
            .expect("runs");
            assert!(
                got.into_inner() == want.into_inner(),
                "{}: {format:?} rows differ",
                p.display()
            );
        }
    }
}
