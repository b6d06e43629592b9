//! Property test: every flow statistic equals a plain recomputation from the flow's own packets.
//!
//! The `packet_indices` plugin gives each flow's exact frames; the test re-reads the capture,
//! takes those frames, and recomputes counts, bytes, times, sizes, inter-arrival times, TCP flag
//! counters and SPLT with textbook formulas (two-pass mean and variance), independently of the
//! meter's Welford updates. Inputs: random synthetic captures (seeded) and, when ../shared is
//! there, NFStream's own test captures.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use strata_capture::file::FileReader;
use strata_capture::pcap::Precision;
use strata_capture::writer::PcapWriter;
use strata_capture::{LinkType, Packet, PacketSource, Timestamp};
use strata_flow::value::Value;
use strata_flow::{columns, packet, FlowOptions, PacketIndices, Streamer, TimeUnit};

/// Per accepted frame: (time clamped to the clock, in `unit`, and the packet).
fn frames(path_or_bytes: Source, unit: TimeUnit) -> HashMap<u64, (u64, packet::FlowPacket)> {
    let mut src = path_or_bytes.open();
    let mut out = HashMap::new();
    let mut tick = 0u64;
    let mut started = false;
    let mut index = 0u64;
    while let Ok(Some(p)) = src.next_packet() {
        index += 1;
        if let Ok(fp) = packet::parse(p.link_type, p.data, p.orig_len, packet::Compat::Strict) {
            let per_us = match unit {
                TimeUnit::Ms => 1000,
                TimeUnit::Us => 1,
            };
            let t = (p.ts.as_micros().max(0) / per_us) as u64;
            if !started || t > tick {
                tick = t;
                started = true;
            }
            out.insert(index, (tick, fp));
        }
    }
    out
}

enum Source {
    File(PathBuf),
    Bytes(Vec<u8>),
}

impl Source {
    fn open(&self) -> FileReader {
        match self {
            Source::File(p) => FileReader::open(p).expect("capture opens"),
            Source::Bytes(b) => FileReader::from_reader(Cursor::new(b.clone()), "synthetic.pcap")
                .expect("pcap parses"),
        }
    }
}

fn mean_std(xs: &[f64]) -> (f64, f64) {
    if xs.is_empty() {
        return (0.0, 0.0);
    }
    let mean = xs.iter().sum::<f64>() / xs.len() as f64;
    let std = if xs.len() > 1 {
        (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (xs.len() - 1) as f64).sqrt()
    } else {
        0.0
    };
    (mean, std)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

/// Checks every flow of `src` with times in `unit`; returns how many flows were checked.
fn check(src: Source, unit: TimeUnit) -> usize {
    let opts = FlowOptions {
        statistics: true,
        splt: 10,
        dissections: 0,
        time_unit: unit,
        ..FlowOptions::default()
    };
    let u = unit.suffix();
    let frames = frames(
        match &src {
            Source::File(p) => Source::File(p.clone()),
            Source::Bytes(b) => Source::Bytes(b.clone()),
        },
        unit,
    );
    let mut streamer =
        Streamer::new(opts.clone()).with_plugins(vec![Box::new(PacketIndices::default())]);
    let names = streamer.column_names();
    let mut checked = 0;
    streamer
        .run(src.open(), |mut flow| {
            let v = columns::values(&mut flow, &opts);
            let col = |n: &str| &v[names.iter().position(|c| c == n).expect("column exists")];
            let Value::ListU64(idx) = col("udps.packet_indices") else {
                panic!("indices")
            };
            let pkts: Vec<&(u64, packet::FlowPacket)> = idx.iter().map(|i| &frames[i]).collect();
            let first = pkts[0].1;
            let dir = |p: &packet::FlowPacket| {
                u8::from(
                    !(p.src_port == first.src_port
                        && p.dst_port == first.dst_port
                        && p.src_ip == first.src_ip
                        && p.dst_ip == first.dst_ip),
                )
            };
            for (d, name) in [
                (None, "bidirectional"),
                (Some(0), "src2dst"),
                (Some(1), "dst2src"),
            ] {
                let sel: Vec<&&(u64, packet::FlowPacket)> = pkts
                    .iter()
                    .filter(|(_, p)| d.is_none_or(|d| dir(p) == d))
                    .collect();
                let uint = |c: &str| match col(&format!("{name}_{c}")) {
                    Value::UInt(x) => *x,
                    other => panic!("{c}: {other:?}"),
                };
                let float = |c: &str| match col(&format!("{name}_{c}")) {
                    Value::Float(x) => *x,
                    other => panic!("{c}: {other:?}"),
                };
                assert_eq!(uint("packets"), sel.len() as u64, "{name} packets");
                let sizes: Vec<f64> = sel.iter().map(|(_, p)| p.raw_size as f64).collect();
                assert_eq!(
                    uint("bytes"),
                    sizes.iter().sum::<f64>() as u64,
                    "{name} bytes"
                );
                if sel.is_empty() {
                    assert_eq!((uint(&format!("first_seen_{u}")), uint("max_ps")), (0, 0));
                    continue;
                }
                let times: Vec<u64> = sel.iter().map(|(t, _)| *t).collect();
                assert_eq!(uint(&format!("first_seen_{u}")), times[0]);
                assert_eq!(uint(&format!("last_seen_{u}")), *times.last().unwrap_or(&0));
                assert_eq!(
                    uint(&format!("duration_{u}")),
                    times.last().unwrap_or(&0) - times[0]
                );
                let (m, s) = mean_std(&sizes);
                assert_eq!(
                    uint("min_ps") as f64,
                    sizes.iter().cloned().fold(f64::MAX, f64::min)
                );
                assert_eq!(
                    uint("max_ps") as f64,
                    sizes.iter().cloned().fold(0.0, f64::max)
                );
                assert!(
                    close(float("mean_ps"), m) && close(float("stddev_ps"), s),
                    "{name} ps stats"
                );
                let gaps: Vec<f64> = times.windows(2).map(|w| (w[1] - w[0]) as f64).collect();
                let (gm, gs) = mean_std(&gaps);
                assert!(
                    close(float(&format!("mean_piat_{u}")), gm)
                        && close(float(&format!("stddev_piat_{u}")), gs),
                    "{name} piat stats"
                );
                if !gaps.is_empty() {
                    assert_eq!(
                        uint(&format!("min_piat_{u}")) as f64,
                        gaps.iter().cloned().fold(f64::MAX, f64::min)
                    );
                    assert_eq!(
                        uint(&format!("max_piat_{u}")) as f64,
                        gaps.iter().cloned().fold(0.0, f64::max)
                    );
                }
                for (bit, flag) in [
                    (0x02u8, "syn"),
                    (0x80, "cwr"),
                    (0x40, "ece"),
                    (0x20, "urg"),
                    (0x10, "ack"),
                    (0x08, "psh"),
                    (0x04, "rst"),
                    (0x01, "fin"),
                ] {
                    let n = sel
                        .iter()
                        .filter(|(_, p)| p.protocol == 6 && p.tcp_flags & bit != 0)
                        .count() as u64;
                    assert_eq!(uint(&format!("{flag}_packets")), n, "{name} {flag}");
                }
            }
            let Value::ListI64(splt_dir) = col("splt_direction") else {
                panic!("splt")
            };
            let Value::ListI64(splt_piat) = col(&format!("splt_piat_{u}")) else {
                panic!("splt")
            };
            for (k, (t, p)) in pkts.iter().take(10).enumerate() {
                assert_eq!(splt_dir[k], dir(p) as i64);
                let gap = if k == 0 { 0 } else { t - pkts[k - 1].0 };
                assert_eq!(splt_piat[k], gap as i64);
            }
            assert!(splt_dir[pkts.len().min(10)..].iter().all(|&x| x == -1));
            checked += 1;
            Ok(())
        })
        .expect("run completes");
    checked
}

/// A small xorshift generator: deterministic, no dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A random capture: a few hosts exchanging TCP and UDP packets of random sizes and flags,
/// with random gaps (some beyond the idle timeout, some out of order).
fn synthetic(seed: u64) -> Vec<u8> {
    let mut rng = Rng(seed | 1);
    let mut w = PcapWriter::new(Vec::new(), LinkType::ETHERNET, Precision::Micro).expect("header");
    let mut t = 1_600_000_000_000_000i64;
    for _ in 0..400 {
        t += match rng.below(20) {
            0 => 130_000_000,               // idle gap past the 120 s timeout
            1 => -(rng.below(5000) as i64), // out of order
            _ => rng.below(50_000) as i64,
        };
        let (a, b) = (rng.below(3) as u8 + 1, rng.below(3) as u8 + 1);
        let tcp = rng.below(2) == 0;
        let payload = rng.below(300) as usize;
        let l4 = if tcp { 20 } else { 8 };
        let mut f = vec![0u8; 14 + 20 + l4 + payload];
        f[12] = 0x08;
        f[14] = 0x45;
        f[16..18].copy_from_slice(&((20 + l4 + payload) as u16).to_be_bytes());
        f[22] = 64;
        f[23] = if tcp { 6 } else { 17 };
        f[26..30].copy_from_slice(&[10, 0, 0, a]);
        f[30..34].copy_from_slice(&[10, 0, 0, b]);
        let (sp, dp) = if rng.below(2) == 0 {
            (1000u16, 80u16)
        } else {
            (80, 1000)
        };
        f[34..36].copy_from_slice(&sp.to_be_bytes());
        f[36..38].copy_from_slice(&dp.to_be_bytes());
        if tcp {
            f[46] = 0x50;
            f[47] = rng.below(256) as u8;
        } else {
            f[38..40].copy_from_slice(&((8 + payload) as u16).to_be_bytes());
        }
        let ts = Timestamp::new(
            t.div_euclid(1_000_000),
            (t.rem_euclid(1_000_000) * 1000) as u32,
        );
        w.write_packet(&Packet {
            ts,
            orig_len: f.len() as u32,
            link_type: LinkType::ETHERNET,
            interface_id: 0,
            data: &f,
        })
        .expect("write");
    }
    w.finish().expect("finish")
}

#[test]
fn statistics_equal_a_plain_recomputation_on_random_captures() {
    let mut flows = 0;
    for seed in 1..=40u64 {
        flows += check(Source::Bytes(synthetic(seed * 0x9e37_79b9)), TimeUnit::Ms);
    }
    assert!(flows > 200, "only {flows} flows checked");
}

#[test]
fn statistics_in_microseconds_equal_a_plain_recomputation_on_random_captures() {
    let mut flows = 0;
    for seed in 1..=40u64 {
        flows += check(Source::Bytes(synthetic(seed * 0x9e37_79b9)), TimeUnit::Us);
    }
    assert!(flows > 200, "only {flows} flows checked");
}

#[test]
fn statistics_equal_a_plain_recomputation_on_nfstream_captures() {
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
    let (mut flows, mut us_flows) = (0, 0);
    for p in paths {
        flows += check(Source::File(p.clone()), TimeUnit::Ms);
        us_flows += check(Source::File(p), TimeUnit::Us);
    }
    assert!(us_flows > 4000, "only {us_flows} flows checked in µs");
    assert!(flows > 4000, "only {flows} flows checked");
}
