//! Options come from the command line. `Flow::new` reserved `splt` entries up front, so a huge
//! `--splt` panicked ("capacity overflow") or aborted on the allocation; `--threads 100000`
//! panicked in `std::thread::spawn`. The library now reserves a little and grows, and starts
//! at most `MAX_THREADS` threads (the CLI refuses more, and more than `MAX_SPLT`).

use strata_capture::file::FileReader;
use strata_flow::{FlowOptions, Streamer};

fn sample(name: &str) -> String {
    format!("{}/../../samples/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// (flows, packets in all SPLT sequences) of a run with `opts`.
fn run(opts: FlowOptions) -> (usize, usize) {
    let mut s = Streamer::new(opts);
    let (mut flows, mut splt) = (0, 0);
    let src = FileReader::open(sample("lab-dns.pcap")).unwrap();
    s.run(src, |f| {
        flows += 1;
        splt += f.splt().len();
        Ok(())
    })
    .unwrap();
    (flows, splt)
}

#[test]
fn huge_splt_and_thread_counts_do_not_panic() {
    let base = run(FlowOptions {
        splt: 1_000,
        ..FlowOptions::default()
    });
    // Every packet of every flow is in its sequence.
    assert_eq!(base.1, 84);
    for (splt, threads) in [(usize::MAX, 1), (usize::MAX, 3), (1_000, usize::MAX)] {
        let got = run(FlowOptions {
            splt,
            threads,
            ..FlowOptions::default()
        });
        assert_eq!(got, base, "splt {splt}, threads {threads}");
    }
}
