//! Writers: what `PcapWriter` and `PcapngWriter` write reads back the same through `FileReader`.

use std::io::Cursor;
use std::path::Path;

use strata_capture::file::{FileFormat, FileReader};
use strata_capture::pcap::Precision;
use strata_capture::writer::{PcapWriter, PcapngWriter};
use strata_capture::{CaptureError, LinkType, Packet, PacketSource, Timestamp};

/// (ts, orig_len, link type, interface, data) of every packet.
type Got = (Timestamp, u32, LinkType, u32, Vec<u8>);

fn read_back(bytes: Vec<u8>) -> (FileFormat, Vec<Got>) {
    let mut r = FileReader::from_reader(Cursor::new(bytes), "written").unwrap();
    let format = r.format();
    let mut out = Vec::new();
    while let Some(p) = r.next_packet().unwrap() {
        out.push((
            p.ts,
            p.orig_len,
            p.link_type,
            p.interface_id,
            p.data.to_vec(),
        ));
    }
    (format, out)
}

fn pkt(
    ts: Timestamp,
    orig_len: u32,
    link_type: LinkType,
    interface_id: u32,
    data: &[u8],
) -> Packet<'_> {
    Packet {
        ts,
        orig_len,
        link_type,
        interface_id,
        data,
    }
}

#[test]
fn pcap_round_trip_micro_and_nano() {
    let t = Timestamp::new(1_700_000_000, 123_456_789);
    for (precision, expect_nanos) in [
        (Precision::Micro, 123_456_000),
        (Precision::Nano, 123_456_789),
    ] {
        let mut w = PcapWriter::new(Vec::new(), LinkType::ETHERNET, precision).unwrap();
        w.write_packet(&pkt(t, 1514, LinkType::ETHERNET, 0, b"abc"))
            .unwrap();
        w.write_packet(&pkt(Timestamp::new(1, 0), 0, LinkType::ETHERNET, 0, b""))
            .unwrap();
        assert_eq!(w.packets_written(), 2);
        let (format, got) = read_back(w.finish().unwrap());
        let FileFormat::Pcap(h) = format else {
            panic!("not pcap")
        };
        assert_eq!(
            (h.precision, h.link_type, h.version_major, h.version_minor),
            (precision, LinkType::ETHERNET, 2, 4)
        );
        assert_eq!(
            got,
            vec![
                (
                    Timestamp::new(1_700_000_000, expect_nanos),
                    1514,
                    LinkType::ETHERNET,
                    0,
                    b"abc".to_vec()
                ),
                (Timestamp::new(1, 0), 0, LinkType::ETHERNET, 0, vec![]),
            ]
        );
    }
}

#[test]
fn pcap_writer_cuts_to_snaplen_and_rejects_other_link_types() {
    let mut w = PcapWriter::with_snaplen(Vec::new(), LinkType::RAW, Precision::Micro, 4).unwrap();
    w.write_packet(&pkt(
        Timestamp::default(),
        0,
        LinkType::RAW,
        0,
        b"0123456789",
    ))
    .unwrap();
    let err = w.write_packet(&pkt(Timestamp::default(), 1, LinkType::ETHERNET, 0, b"x"));
    assert!(matches!(err, Err(CaptureError::Write { .. })));
    let (_, got) = read_back(w.finish().unwrap());
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].1, got[0].4.as_slice()), (10, &b"0123"[..]));
}

#[test]
fn pcapng_round_trip_interfaces_and_comments() {
    let mut w = PcapngWriter::new(Vec::new()).unwrap();
    let t = Timestamp::new(1_700_000_000, 987_654_321);
    w.write_packet(&pkt(t, 60, LinkType::ETHERNET, 0, b"eth-a"))
        .unwrap();
    w.write_packet_with_comment(&pkt(t, 5, LinkType::RAW, 7, b"raw"), "a comment")
        .unwrap();
    w.write_packet(&pkt(t, 61, LinkType::ETHERNET, 0, b"eth-b"))
        .unwrap();
    let bytes = w.finish().unwrap();

    let mut r = FileReader::from_reader(Cursor::new(bytes.clone()), "written").unwrap();
    // The raw interface is described only where its first packet appears.
    assert_eq!(r.link_types(), vec![LinkType::ETHERNET]);
    r.next_packet().unwrap();
    assert_eq!(r.last_comment(), None);
    let p = r.next_packet().unwrap().unwrap();
    assert_eq!((p.interface_id, p.data), (1, &b"raw"[..]));
    assert_eq!(r.last_comment(), Some("a comment"));
    assert_eq!(r.link_types(), vec![LinkType::ETHERNET, LinkType::RAW]);

    let (_, got) = read_back(bytes);
    assert_eq!(
        got,
        vec![
            (t, 60, LinkType::ETHERNET, 0, b"eth-a".to_vec()),
            (t, 5, LinkType::RAW, 1, b"raw".to_vec()),
            (t, 61, LinkType::ETHERNET, 0, b"eth-b".to_vec()),
        ]
    );
}

#[test]
fn files_written_to_disk_read_back() {
    let dir = std::env::temp_dir().join(format!("strata-writer-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let a = dir.join("a.pcap");
    let b = dir.join("b.pcapng");
    let mut w = PcapWriter::create(&a, LinkType::ETHERNET, Precision::Nano).unwrap();
    let mut v = PcapngWriter::create(&b).unwrap();
    for i in 0..1000u32 {
        let data = i.to_be_bytes();
        let p = pkt(Timestamp::new(i as i64, i), 4, LinkType::ETHERNET, 0, &data);
        w.write_packet(&p).unwrap();
        v.write_packet(&p).unwrap();
    }
    w.finish().unwrap();
    v.finish().unwrap();
    for path in [&a, &b] {
        let mut r = FileReader::open(path).unwrap();
        let mut i = 0u32;
        while let Some(p) = r.next_packet().unwrap() {
            assert_eq!(
                (p.ts, p.data),
                (Timestamp::new(i as i64, i), &i.to_be_bytes()[..])
            );
            i += 1;
        }
        assert_eq!(i, 1000);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Every corpus pcapng rewritten as pcapng reads back identical (timestamps to the nanosecond,
/// lengths, data), and every corpus pcap rewritten as pcap too.
#[test]
fn corpus_round_trips() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/pcap");
    if !shared.is_dir() {
        eprintln!(
            "SKIPPED: ../shared not found (looked at {})",
            shared.display()
        );
        assert!(
            std::env::var_os("CI").is_none(),
            "../shared is required when CI is set"
        );
        return;
    }
    let mut files: Vec<_> = std::fs::read_dir(&shared)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut checked = 0;
    for path in files {
        let mut r = FileReader::open(&path).unwrap();
        let format = r.format();
        let mut original = Vec::new();
        while let Ok(Some(p)) = r.next_packet() {
            original.push((
                p.ts,
                p.orig_len,
                p.link_type,
                p.interface_id,
                p.data.to_vec(),
            ));
        }
        let bytes = match format {
            FileFormat::Pcap(h) => {
                let mut w = PcapWriter::new(Vec::new(), h.link_type, h.precision).unwrap();
                for (ts, orig_len, lt, id, data) in &original {
                    w.write_packet(&pkt(
                        *ts,
                        (*orig_len).max(data.len() as u32),
                        *lt,
                        *id,
                        data,
                    ))
                    .unwrap();
                }
                w.finish().unwrap()
            }
            FileFormat::Pcapng { .. } => {
                let mut w = PcapngWriter::new(Vec::new()).unwrap();
                for (ts, orig_len, lt, id, data) in &original {
                    w.write_packet(&pkt(
                        *ts,
                        (*orig_len).max(data.len() as u32),
                        *lt,
                        *id,
                        data,
                    ))
                    .unwrap();
                }
                w.finish().unwrap()
            }
        };
        let (_, back) = read_back(bytes);
        assert_eq!(back.len(), original.len(), "{}", path.display());
        for (i, (a, b)) in original.iter().zip(&back).enumerate() {
            // Interface ids are renumbered by first appearance; the rest must be equal.
            assert_eq!(
                (a.0, a.1.max(a.4.len() as u32), a.2, &a.4),
                (b.0, b.1, b.2, &b.4),
                "{} packet {i}",
                path.display()
            );
        }
        checked += 1;
    }
    eprintln!("round-tripped {checked} corpus files");
}

#[test]
fn pcap_seconds_are_signed_32_bit_like_libpcap() {
    let mut w = PcapWriter::new(Vec::new(), LinkType::ETHERNET, Precision::Micro).unwrap();
    for secs in [-5, 1i64 << 40, -(1i64 << 40)] {
        w.write_packet(&pkt(
            Timestamp::new(secs, 1_000),
            1,
            LinkType::ETHERNET,
            0,
            b"x",
        ))
        .unwrap();
    }
    let (_, got) = read_back(w.finish().unwrap());
    let times: Vec<Timestamp> = got.iter().map(|g| g.0).collect();
    assert_eq!(
        times,
        vec![
            Timestamp::new(-5, 1_000),
            Timestamp::new(i32::MAX as i64, 999_999_000),
            Timestamp::new(i32::MIN as i64, 0),
        ]
    );
}
