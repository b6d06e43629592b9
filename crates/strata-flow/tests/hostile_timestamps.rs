//! Capture timestamps are hostile input: a pcapng file can put a packet anywhere in the i64
//! range of seconds (`if_tsresol` = 10^0 with a 64-bit timestamp, plus `if_tsoffset`) and
//! times may go backwards. With overflow checks (debug and test builds, the fuzzers) both
//! `Timestamp::as_micros` ("attempt to multiply with overflow", every packet of `strata
//! flows`) and the tcp-rtt plugin ("attempt to subtract with overflow" on SYN-ACK minus SYN)
//! panicked; release builds wrapped and wrote a nonsense RTT (-1). Both now saturate.

use std::path::PathBuf;
use strata_capture::file::FileReader;
use strata_capture::Timestamp;
use strata_flow::writer::{FlowWriter, Format};
use strata_flow::{columns, FlowOptions, PacketIndices, Streamer, TcpHandshakeRtt};

fn block(kind: u32, body: &[u8]) -> Vec<u8> {
    let len = (12 + body.len()) as u32;
    let mut b = kind.to_le_bytes().to_vec();
    b.extend_from_slice(&len.to_le_bytes());
    b.extend_from_slice(body);
    b.extend_from_slice(&len.to_le_bytes());
    b
}

/// Ethernet / IPv4 10.0.0.1:1234 <-> 10.0.0.2:80 / TCP with `flags`, no payload.
fn tcp(to_server: bool, seq: u32, ack: u32, flags: u8) -> Vec<u8> {
    let (a, b, sp, dp) = if to_server {
        ([10, 0, 0, 1], [10, 0, 0, 2], 1234u16, 80u16)
    } else {
        ([10, 0, 0, 2], [10, 0, 0, 1], 80, 1234)
    };
    let mut f = vec![
        0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 8, 0,
    ];
    f.extend_from_slice(&[0x45, 0, 0, 40, 0, 1, 0, 0, 64, 6, 0, 0]);
    f.extend_from_slice(&a);
    f.extend_from_slice(&b);
    f.extend_from_slice(&sp.to_be_bytes());
    f.extend_from_slice(&dp.to_be_bytes());
    f.extend_from_slice(&seq.to_be_bytes());
    f.extend_from_slice(&ack.to_be_bytes());
    f.extend_from_slice(&[0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
    f
}

/// A pcapng file: one Ethernet interface with `if_tsresol` 0 (1-second units) and
/// `if_tsoffset` `offset`, and one Enhanced Packet Block per frame at its raw timestamp.
fn pcapng(offset: i64, packets: &[(u64, Vec<u8>)]) -> Vec<u8> {
    let mut shb = 0x1A2B_3C4Du32.to_le_bytes().to_vec();
    shb.extend_from_slice(&[1, 0, 0, 0]);
    shb.extend_from_slice(&(-1i64).to_le_bytes());
    let mut out = block(0x0A0D_0D0A, &shb);
    let mut idb = vec![1, 0, 0, 0, 0, 0, 0, 0];
    idb.extend_from_slice(&[9, 0, 1, 0, 0, 0, 0, 0]); // if_tsresol = 10^0
    idb.extend_from_slice(&[14, 0, 8, 0]); // if_tsoffset
    idb.extend_from_slice(&offset.to_le_bytes());
    idb.extend_from_slice(&[0, 0, 0, 0]); // opt_endofopt
    out.extend(block(1, &idb));
    for (ts, frame) in packets {
        let mut epb = 0u32.to_le_bytes().to_vec();
        epb.extend_from_slice(&((ts >> 32) as u32).to_le_bytes());
        epb.extend_from_slice(&(*ts as u32).to_le_bytes());
        epb.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        epb.extend_from_slice(&(frame.len() as u32).to_le_bytes());
        epb.extend_from_slice(frame);
        epb.resize(epb.len().next_multiple_of(4), 0);
        out.extend(block(6, &epb));
    }
    out
}

fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let p = std::env::temp_dir().join(format!("strata-{}-{name}", std::process::id()));
    std::fs::write(&p, bytes).unwrap();
    p
}

/// `strata flows --statistics --splt 5 --plugin packet-indices,tcp-rtt` as CSV; with
/// `forever`, timeouts that never end a flow and no list columns.
fn flows_csv(path: &PathBuf, forever: bool) -> String {
    let opts = FlowOptions {
        statistics: true,
        splt: if forever { 0 } else { 5 },
        idle_timeout_ms: if forever { u64::MAX } else { 120_000 },
        active_timeout_ms: if forever { u64::MAX } else { 1_800_000 },
        ..FlowOptions::default()
    };
    let mut plugins: Vec<Box<dyn strata_flow::Plugin>> = vec![Box::new(TcpHandshakeRtt)];
    if !forever {
        plugins.push(Box::new(PacketIndices::default()));
    }
    let mut s = Streamer::new(opts.clone()).with_plugins(plugins);
    let mut w = FlowWriter::new(Vec::new(), Format::Csv, s.column_names()).unwrap();
    let src = FileReader::open(path).unwrap();
    s.run(src, |mut f| w.write_row(&columns::values(&mut f, &opts)))
        .unwrap();
    String::from_utf8(w.into_inner()).unwrap()
}

/// A column of a CSV without quoted fields.
fn column(csv: &str, name: &str) -> Vec<String> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let i = header.iter().position(|h| *h == name).unwrap();
    lines
        .map(|l| l.split(',').nth(i).unwrap().to_string())
        .collect()
}

#[test]
fn micros_saturate() {
    assert_eq!(Timestamp::new(i64::MAX, 999_999_999).as_micros(), i64::MAX);
    assert_eq!(Timestamp::new(i64::MIN, 0).as_micros(), i64::MIN);
    assert_eq!(Timestamp::new(-9_300_000_000_000, 0).as_micros(), i64::MIN);
    assert_eq!(Timestamp::new(1, 2_999).as_micros(), 1_000_002);
}

#[test]
fn handshake_across_the_whole_timestamp_range() {
    // SYN at -2^62 s (micros saturate to i64::MIN), SYN-ACK and ACK at +2^62 s (i64::MAX).
    let file = pcapng(
        -(1 << 62),
        &[
            (0, tcp(true, 100, 0, 0x02)),
            (u64::MAX, tcp(false, 500, 101, 0x12)),
            (u64::MAX, tcp(true, 101, 501, 0x10)),
        ],
    );
    let path = temp_file("rtt.pcapng", &file);
    let csv = flows_csv(&path, true);
    let _ = std::fs::remove_file(&path);
    assert_eq!(column(&csv, "bidirectional_packets"), ["3"]);
    assert_eq!(
        column(&csv, "udps.tcp_syn_synack_us"),
        [i64::MAX.to_string()]
    );
    assert_eq!(column(&csv, "udps.tcp_synack_ack_us"), ["0"]);
    assert_eq!(
        column(&csv, "udps.tcp_handshake_rtt_us"),
        [i64::MAX.to_string()]
    );
}

#[test]
fn timestamps_far_out_and_backwards() {
    for (offset, times) in [
        (0, [u64::MAX, 0, u64::MAX / 2]),
        (i64::MAX, [u64::MAX, 1, 2]),
        (i64::MIN, [0, 1, 2]),
        (0, [10_000_000_000_000, 5, 10_000_000_000_002]),
    ] {
        let packets: Vec<(u64, Vec<u8>)> = times
            .iter()
            .zip([
                tcp(true, 100, 0, 0x02),
                tcp(false, 500, 101, 0x12),
                tcp(true, 101, 501, 0x10),
            ])
            .map(|(t, f)| (*t, f))
            .collect();
        let path = temp_file(&format!("far-{offset}.pcapng"), &pcapng(offset, &packets));
        // The far jumps split the packets into flows by the idle timeout; without timeouts
        // they are one flow, whatever the clock did.
        let cut = flows_csv(&path, false);
        let whole = flows_csv(&path, true);
        let _ = std::fs::remove_file(&path);
        assert!(cut.lines().count() > 1, "{offset}");
        assert_eq!(column(&whole, "bidirectional_packets"), ["3"], "{offset}");
    }
}
