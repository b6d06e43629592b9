//! Handmade pcap and pcapng files, one per format variant and byte order, plus damaged ones:
//! every truncation point of small files and each corruption the readers check for.

use std::io::Cursor;

use strata_capture::file::{ByteOrder, FileFormat, FileReader, MultiFileReader};
use strata_capture::pcap::{PcapReader, PcapVariant, Precision, MAX_SNAPLEN};
use strata_capture::pcapng::PcapngReader;
use strata_capture::{CaptureError, LinkType, PacketSource, Timestamp};

// ---------------------------------------------------------------------------------------------
// Builders

#[derive(Clone, Copy)]
enum Order {
    Le,
    Be,
}

fn u16b(o: Order, v: u16) -> [u8; 2] {
    match o {
        Order::Le => v.to_le_bytes(),
        Order::Be => v.to_be_bytes(),
    }
}

fn u32b(o: Order, v: u32) -> [u8; 4] {
    match o {
        Order::Le => v.to_le_bytes(),
        Order::Be => v.to_be_bytes(),
    }
}

fn pcap_header(o: Order, magic: u32, major: u16, minor: u16, snaplen: u32, lt: u32) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend(u32b(o, magic));
    v.extend(u16b(o, major));
    v.extend(u16b(o, minor));
    v.extend([0; 8]);
    v.extend(u32b(o, snaplen));
    v.extend(u32b(o, lt));
    v
}

/// A record: (secs, sub-second, caplen field, len field, data); `extra` bytes of the modified
/// format's longer header.
fn pcap_record(
    o: Order,
    secs: u32,
    frac: u32,
    f1: u32,
    f2: u32,
    data: &[u8],
    extra: usize,
) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend(u32b(o, secs));
    v.extend(u32b(o, frac));
    v.extend(u32b(o, f1));
    v.extend(u32b(o, f2));
    v.extend(std::iter::repeat_n(0xEE, extra));
    v.extend(data);
    v
}

fn block(o: Order, ty: u32, body: &[u8]) -> Vec<u8> {
    assert_eq!(body.len() % 4, 0);
    let len = 12 + body.len() as u32;
    let mut v = Vec::new();
    v.extend(u32b(o, ty));
    v.extend(u32b(o, len));
    v.extend(body);
    v.extend(u32b(o, len));
    v
}

fn opt(o: Order, code: u16, value: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend(u16b(o, code));
    v.extend(u16b(o, value.len() as u16));
    v.extend(value);
    while !v.len().is_multiple_of(4) {
        v.push(0);
    }
    v
}

fn end_opt() -> Vec<u8> {
    vec![0; 4]
}

fn shb(o: Order) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend(u32b(o, 0x1A2B_3C4D));
    body.extend(u16b(o, 1));
    body.extend(u16b(o, 0));
    body.extend([0xff; 8]);
    body.extend(opt(o, 4, b"test"));
    body.extend(end_opt());
    block(o, 0x0A0D_0D0A, &body)
}

fn idb(o: Order, lt: u16, snaplen: u32, opts: &[Vec<u8>]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend(u16b(o, lt));
    body.extend(u16b(o, 0));
    body.extend(u32b(o, snaplen));
    if !opts.is_empty() {
        for x in opts {
            body.extend(x);
        }
        body.extend(end_opt());
    }
    block(o, 1, &body)
}

fn padded(data: &[u8]) -> Vec<u8> {
    let mut v = data.to_vec();
    while !v.len().is_multiple_of(4) {
        v.push(0);
    }
    v
}

fn epb(o: Order, iface: u32, ts: u64, data: &[u8], orig: u32, comment: Option<&str>) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend(u32b(o, iface));
    body.extend(u32b(o, (ts >> 32) as u32));
    body.extend(u32b(o, ts as u32));
    body.extend(u32b(o, data.len() as u32));
    body.extend(u32b(o, orig));
    body.extend(padded(data));
    if let Some(c) = comment {
        body.extend(opt(o, 1, c.as_bytes()));
        body.extend(end_opt());
    }
    block(o, 6, &body)
}

fn spb(o: Order, data: &[u8], orig: u32) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend(u32b(o, orig));
    body.extend(padded(data));
    block(o, 3, &body)
}

fn obsolete_pb(o: Order, iface: u16, ts: u64, data: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend(u16b(o, iface));
    body.extend(u16b(o, 0));
    body.extend(u32b(o, (ts >> 32) as u32));
    body.extend(u32b(o, ts as u32));
    body.extend(u32b(o, data.len() as u32));
    body.extend(u32b(o, data.len() as u32));
    body.extend(padded(data));
    block(o, 2, &body)
}

/// What a reader yields, owned: (ts, orig_len, link type, interface, data).
type Got = (Timestamp, u32, LinkType, u32, Vec<u8>);

fn collect(mut src: impl PacketSource) -> (Vec<Got>, Option<CaptureError>) {
    let mut out = Vec::new();
    loop {
        match src.next_packet() {
            Ok(Some(p)) => out.push((
                p.ts,
                p.orig_len,
                p.link_type,
                p.interface_id,
                p.data.to_vec(),
            )),
            Ok(None) => return (out, None),
            Err(e) => {
                assert!(
                    matches!(src.next_packet(), Ok(None)),
                    "not finished after error"
                );
                return (out, Some(e));
            }
        }
    }
}

fn open(bytes: Vec<u8>) -> Result<FileReader, CaptureError> {
    FileReader::from_reader(Cursor::new(bytes), "test.cap")
}

fn read(bytes: Vec<u8>) -> (Vec<Got>, Option<CaptureError>) {
    match open(bytes) {
        Ok(r) => collect(r),
        Err(e) => (Vec::new(), Some(e)),
    }
}

fn ts(secs: i64, nanos: u32) -> Timestamp {
    Timestamp::new(secs, nanos)
}

// ---------------------------------------------------------------------------------------------
// pcap

#[test]
fn pcap_micro_and_nano_both_byte_orders() {
    for o in [Order::Le, Order::Be] {
        for (magic, frac, nanos, prec) in [
            (0xa1b2_c3d4, 123_456, 123_456_000, Precision::Micro),
            (0xa1b2_3c4d, 123_456_789, 123_456_789, Precision::Nano),
        ] {
            let mut f = pcap_header(o, magic, 2, 4, 65535, 1);
            f.extend(pcap_record(o, 1_600_000_000, frac, 3, 60, b"abc", 0));
            f.extend(pcap_record(o, 1_600_000_001, 0, 0, 0, b"", 0));
            let r = open(f).unwrap();
            let FileFormat::Pcap(h) = r.format() else {
                panic!("not pcap")
            };
            assert_eq!(h.precision, prec);
            assert_eq!(h.variant, PcapVariant::Standard);
            assert_eq!(h.snaplen, 65535);
            assert_eq!(
                h.byte_order,
                match o {
                    Order::Le => ByteOrder::Little,
                    Order::Be => ByteOrder::Big,
                }
            );
            assert_eq!(r.link_types(), vec![LinkType::ETHERNET]);
            let (got, err) = collect(r);
            assert!(err.is_none(), "{err:?}");
            assert_eq!(
                got,
                vec![
                    (
                        ts(1_600_000_000, nanos),
                        60,
                        LinkType::ETHERNET,
                        0,
                        b"abc".to_vec()
                    ),
                    (ts(1_600_000_001, 0), 0, LinkType::ETHERNET, 0, vec![]),
                ]
            );
        }
    }
}

#[test]
fn pcap_modified_kuznetsov_records() {
    for o in [Order::Le, Order::Be] {
        let mut f = pcap_header(o, 0xa1b2_cd34, 2, 4, 65535, 1);
        f.extend(pcap_record(o, 10, 5, 4, 4, b"wxyz", 8));
        f.extend(pcap_record(o, 11, 6, 2, 9, b"ab", 8));
        let r = open(f).unwrap();
        let FileFormat::Pcap(h) = r.format() else {
            panic!("not pcap")
        };
        assert_eq!(h.variant, PcapVariant::Modified);
        let (got, err) = collect(r);
        assert!(err.is_none());
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0, ts(10, 5_000));
        assert_eq!(got[0].4, b"wxyz");
        assert_eq!((got[1].1, got[1].4.as_slice()), (9, &b"ab"[..]));
    }
}

#[test]
fn pcap_old_versions_have_swapped_lengths() {
    // Version 2.2: the record says (len, caplen).
    let mut f = pcap_header(Order::Le, 0xa1b2_c3d4, 2, 2, 65535, 1);
    f.extend(pcap_record(Order::Le, 1, 0, 1000, 3, b"abc", 0));
    let (got, err) = read(f);
    assert!(err.is_none());
    assert_eq!((got[0].1, got[0].4.as_slice()), (1000, &b"abc"[..]));

    // Version 2.3: swapped only when caplen > len.
    let mut f = pcap_header(Order::Le, 0xa1b2_c3d4, 2, 3, 65535, 1);
    f.extend(pcap_record(Order::Le, 1, 0, 3, 1000, b"abc", 0));
    f.extend(pcap_record(Order::Le, 1, 0, 500, 2, b"de", 0));
    let (got, err) = read(f);
    assert!(err.is_none());
    assert_eq!((got[0].1, got[0].4.len()), (1000, 3));
    assert_eq!((got[1].1, got[1].4.len()), (500, 2));
}

#[test]
fn pcap_unsupported_version_is_corrupt() {
    let f = pcap_header(Order::Le, 0xa1b2_c3d4, 3, 0, 65535, 1);
    let err = open(f).err().unwrap();
    assert!(
        matches!(err, CaptureError::Corrupt { offset: 4, .. }),
        "{err}"
    );
}

#[test]
fn pcap_fcs_bits_are_masked_off() {
    // P bit set, FCS length 2 words (4 bytes), link type 105.
    let raw = 0x2000_0000 | 0x0400_0000 | 105;
    let r = open(pcap_header(Order::Be, 0xa1b2_c3d4, 2, 4, 65535, raw)).unwrap();
    let FileFormat::Pcap(h) = r.format() else {
        panic!("not pcap")
    };
    assert_eq!(h.link_type, LinkType::IEEE802_11);
    assert_eq!(h.fcs_len, Some(4));
    assert_eq!(h.raw_link_type, raw);
    // FCS length without the P bit: no FCS information.
    let r = open(pcap_header(
        Order::Le,
        0xa1b2_c3d4,
        2,
        4,
        65535,
        0x4000_0000,
    ))
    .unwrap();
    let FileFormat::Pcap(h) = r.format() else {
        panic!("not pcap")
    };
    assert_eq!((h.link_type, h.fcs_len), (LinkType::NULL, None));
}

#[test]
fn pcap_caplen_above_snaplen_is_accepted_up_to_the_cap() {
    let big = vec![7u8; MAX_SNAPLEN as usize];
    let mut f = pcap_header(Order::Le, 0xa1b2_c3d4, 2, 4, 64, 1);
    f.extend(pcap_record(
        Order::Le,
        1,
        0,
        big.len() as u32,
        big.len() as u32,
        &big,
        0,
    ));
    let rec2_at = f.len() as u64;
    f.extend(pcap_record(
        Order::Le,
        1,
        0,
        MAX_SNAPLEN + 1,
        MAX_SNAPLEN + 1,
        &[],
        0,
    ));
    let (got, err) = read(f);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].4.len(), MAX_SNAPLEN as usize);
    match err {
        Some(CaptureError::Corrupt { offset, what, .. }) => {
            assert_eq!(offset, rec2_at);
            assert!(what.contains("262145"), "{what}");
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
}

#[test]
fn pcap_subsecond_overflow_carries_into_seconds() {
    let mut f = pcap_header(Order::Le, 0xa1b2_c3d4, 2, 4, 65535, 1);
    f.extend(pcap_record(Order::Le, 5, 2_500_000, 1, 1, b"x", 0));
    let (got, _) = read(f);
    assert_eq!(got[0].0, ts(7, 500_000_000));
}

#[test]
fn pcap_reader_used_directly() {
    let mut f = pcap_header(Order::Le, 0xa1b2_c3d4, 2, 4, 65535, 101);
    f.extend(pcap_record(Order::Le, 1, 0, 1, 1, b"x", 0));
    let mut r = PcapReader::new(Cursor::new(f), "direct.pcap").unwrap();
    assert_eq!(r.header().link_type, LinkType::RAW);
    assert_eq!(r.next_packet().unwrap().unwrap().data, b"x");
    assert!(r.next_packet().unwrap().is_none());
    assert_eq!(r.packets_read(), 1);
}

/// A small pcap with three records, and the offsets where each record ends.
fn small_pcap(o: Order) -> (Vec<u8>, Vec<usize>) {
    let mut f = pcap_header(o, 0xa1b2_c3d4, 2, 4, 65535, 1);
    let mut ends = Vec::new();
    for (i, data) in [&b"hello"[..], b"", b"0123456789"].iter().enumerate() {
        f.extend(pcap_record(
            o,
            i as u32,
            0,
            data.len() as u32,
            data.len() as u32,
            data,
            0,
        ));
        ends.push(f.len());
    }
    (f, ends)
}

#[test]
fn pcap_truncated_at_every_byte() {
    for o in [Order::Le, Order::Be] {
        let (full, ends) = small_pcap(o);
        for cut in 0..full.len() {
            let (got, err) = read(full[..cut].to_vec());
            let complete = ends.iter().filter(|&&e| e <= cut).count();
            assert_eq!(got.len(), complete, "cut at {cut}");
            let at_boundary = cut == 24 || ends.contains(&cut);
            match err {
                None => assert!(at_boundary, "cut at {cut}: no error"),
                Some(CaptureError::Truncated {
                    offset,
                    needed,
                    had,
                    path,
                    ..
                }) => {
                    assert!(!at_boundary, "cut at {cut}: error at a record boundary");
                    assert_eq!(path.to_str(), Some("test.cap"));
                    assert!(had < needed, "cut at {cut}");
                    assert!(offset as usize <= cut, "cut at {cut}: offset {offset}");
                    assert_eq!(offset + had, cut as u64, "cut at {cut}");
                }
                Some(e) => panic!("cut at {cut}: unexpected {e}"),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Autodetection

#[test]
fn unknown_magic_and_empty_input() {
    match open(b"GIF89a........................".to_vec()) {
        Err(CaptureError::UnknownFormat { magic, .. }) => assert_eq!(&magic, b"GIF8"),
        Err(e) => panic!("unexpected {e}"),
        Ok(_) => panic!("accepted a GIF"),
    }
    match open(Vec::new()) {
        Err(CaptureError::Truncated {
            offset: 0, had: 0, ..
        }) => {}
        Err(e) => panic!("unexpected {e}"),
        Ok(_) => panic!("accepted nothing"),
    }
}

#[test]
fn missing_file_is_an_open_error() {
    match FileReader::open("/nonexistent/strata/x.pcap") {
        Err(CaptureError::Open { path, .. }) => assert!(path.ends_with("x.pcap")),
        Err(e) => panic!("unexpected {e}"),
        Ok(_) => panic!("opened a missing file"),
    }
}

// ---------------------------------------------------------------------------------------------
// pcapng

#[test]
fn pcapng_epb_both_byte_orders_with_comment() {
    for o in [Order::Le, Order::Be] {
        let mut f = shb(o);
        f.extend(idb(o, 1, 0, &[opt(o, 2, b"eth0")]));
        f.extend(epb(
            o,
            0,
            1_600_000_000_123_456,
            b"abcde",
            100,
            Some("hi there"),
        ));
        f.extend(epb(o, 0, 1_600_000_001_000_000, b"xy", 2, None));
        let mut r = open(f).unwrap();
        assert!(matches!(r.format(), FileFormat::Pcapng { .. }));
        assert_eq!(r.link_types(), vec![LinkType::ETHERNET]);
        assert_eq!(r.interfaces()[0].name.as_deref(), Some("eth0"));
        let p = r.next_packet().unwrap().unwrap();
        assert_eq!(
            (p.ts, p.orig_len, p.data),
            (ts(1_600_000_000, 123_456_000), 100, &b"abcde"[..])
        );
        assert_eq!(r.last_comment(), Some("hi there"));
        let p = r.next_packet().unwrap().unwrap();
        assert_eq!(p.data, b"xy");
        assert_eq!(r.last_comment(), None);
        assert!(r.next_packet().unwrap().is_none());
    }
}

#[test]
fn pcapng_tsresol_tsoffset_and_interfaces() {
    let o = Order::Le;
    let mut f = shb(o);
    // Nanoseconds.
    f.extend(idb(o, 1, 0, &[opt(o, 9, &[9])]));
    // 2^-20 seconds, plus 100 s offset.
    f.extend(idb(
        o,
        113,
        0,
        &[opt(o, 9, &[0x80 | 20]), opt(o, 14, &100u64.to_le_bytes())],
    ));
    // Milliseconds.
    f.extend(idb(o, 101, 0, &[opt(o, 9, &[3])]));
    f.extend(epb(o, 0, 1_500_000_000_987_654_321, b"a", 1, None));
    f.extend(epb(o, 1, (7 << 20) | (1 << 19), b"b", 1, None));
    f.extend(epb(o, 2, 1_234, b"c", 1, None));
    let r = open(f).unwrap();
    assert_eq!(
        r.link_types(),
        vec![LinkType::ETHERNET, LinkType::LINUX_SLL, LinkType::RAW]
    );
    assert_eq!(r.interfaces()[1].ts_units_per_sec, 1 << 20);
    let (got, err) = collect(r);
    assert!(err.is_none(), "{err:?}");
    assert_eq!(got[0].0, ts(1_500_000_000, 987_654_321));
    assert_eq!(
        (got[1].0, got[1].2, got[1].3),
        (ts(107, 500_000_000), LinkType::LINUX_SLL, 1)
    );
    assert_eq!((got[2].0, got[2].2), (ts(1, 234_000_000), LinkType::RAW));
}

#[test]
fn pcapng_spb_uses_idb0_snaplen_and_pb_is_read() {
    for o in [Order::Le, Order::Be] {
        let mut f = shb(o);
        f.extend(idb(o, 1, 4, &[]));
        f.extend(spb(o, b"0123", 60)); // only 4 bytes kept: snaplen
        f.extend(spb(o, b"ab", 2)); // orig_len shorter than the padded data
        f.extend(obsolete_pb(o, 0, 2_000_000, b"pbdata"));
        let (got, err) = read(f);
        assert!(err.is_none(), "{err:?}");
        assert_eq!(got.len(), 3);
        assert_eq!((got[0].1, got[0].4.as_slice()), (60, &b"0123"[..]));
        assert_eq!((got[1].1, got[1].4.as_slice()), (2, &b"ab"[..]));
        assert_eq!((got[2].0, got[2].4.as_slice()), (ts(2, 0), &b"pbdata"[..]));
    }
}

#[test]
fn pcapng_skips_other_blocks() {
    let o = Order::Le;
    let mut f = shb(o);
    f.extend(block(o, 4, &[0; 8])); // NRB (content irrelevant: skipped)
    f.extend(idb(o, 1, 0, &[]));
    f.extend(block(o, 5, &[1; 20])); // ISB
    f.extend(block(o, 0x0A, &[2; 16])); // DSB
    f.extend(block(o, 0x0000_0BAD, &[3; 12])); // custom
    f.extend(block(o, 0x8000_1234, &vec![4; 3 * 1024 * 1024])); // unknown, larger than the buffer
    f.extend(epb(o, 0, 0, b"after", 5, None));
    let (got, err) = read(f);
    assert!(err.is_none(), "{err:?}");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].4, b"after");
}

#[test]
fn pcapng_several_sections_in_different_byte_orders() {
    let mut f = shb(Order::Le);
    f.extend(idb(Order::Le, 1, 0, &[]));
    f.extend(epb(Order::Le, 0, 1_000_000, b"le", 2, None));
    f.extend(shb(Order::Be));
    f.extend(idb(Order::Be, 101, 0, &[opt(Order::Be, 9, &[9])]));
    f.extend(epb(Order::Be, 0, 3_000_000_000, b"be", 2, None));
    let mut r = PcapngReader::new(Cursor::new(f), "two.pcapng").unwrap();
    assert_eq!(r.byte_order(), ByteOrder::Little);
    let p = r.next_packet().unwrap().unwrap();
    assert_eq!(
        (p.ts, p.link_type, p.data),
        (ts(1, 0), LinkType::ETHERNET, &b"le"[..])
    );
    let p = r.next_packet().unwrap().unwrap();
    assert_eq!(
        (p.ts, p.link_type, p.data),
        (ts(3, 0), LinkType::RAW, &b"be"[..])
    );
    assert_eq!(r.byte_order(), ByteOrder::Big);
    assert_eq!(r.sections(), 2);
    assert_eq!(r.link_types(), vec![LinkType::ETHERNET, LinkType::RAW]);
    assert!(r.next_packet().unwrap().is_none());
}

fn expect_corrupt(f: Vec<u8>, good: usize, at: usize, needle: &str) {
    let (got, err) = read(f);
    assert_eq!(got.len(), good, "good packets before the damage");
    match err {
        Some(CaptureError::Corrupt { offset, what, .. }) => {
            assert_eq!(offset, at as u64, "{what}");
            assert!(what.contains(needle), "{what:?} lacks {needle:?}");
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
}

#[test]
fn pcapng_corrupt_blocks_name_their_offset() {
    let o = Order::Le;
    let mut head = shb(o);
    head.extend(idb(o, 1, 0, &[]));
    head.extend(epb(o, 0, 0, b"good", 4, None));
    let at = head.len();

    // Length not a multiple of 4.
    let mut f = head.clone();
    let mut b = epb(o, 0, 0, b"x", 1, None);
    b[4..8].copy_from_slice(&33u32.to_le_bytes());
    f.extend(b);
    expect_corrupt(f, 1, at, "multiple of 4");

    // Trailing length differs.
    let mut f = head.clone();
    let mut b = epb(o, 0, 0, b"x", 1, None);
    let n = b.len();
    b[n - 4..].copy_from_slice(&999u32.to_le_bytes());
    f.extend(b);
    expect_corrupt(f, 1, at, "trailing block length 999");

    // Unknown interface.
    let mut f = head.clone();
    f.extend(epb(o, 3, 0, b"x", 1, None));
    expect_corrupt(f, 1, at, "interface 3");

    // Captured length beyond the block.
    let mut f = head.clone();
    let mut b = epb(o, 0, 0, b"x", 1, None);
    b[20..24].copy_from_slice(&64u32.to_le_bytes());
    f.extend(b);
    expect_corrupt(f, 1, at, "more than its length");

    // Block too large to load.
    let mut f = head.clone();
    let mut b = epb(o, 0, 0, b"x", 1, None);
    b[4..8].copy_from_slice(&0x7fff_fff0u32.to_le_bytes());
    f.extend(b);
    expect_corrupt(f, 1, at, "more than the maximum");

    // Simple packet block with no interface.
    let mut f = shb(o);
    let spb_at = f.len();
    f.extend(spb(o, b"x", 1));
    expect_corrupt(f, 0, spb_at, "before any interface");

    // Bad byte-order magic in a later section.
    let mut f = head.clone();
    let mut b = shb(o);
    b[8..12].copy_from_slice(&[1, 2, 3, 4]);
    f.extend(b);
    expect_corrupt(f, 1, head.len() + 8, "byte-order magic");

    // Unsupported version.
    let mut f = head.clone();
    let mut b = shb(o);
    b[12..14].copy_from_slice(&2u16.to_le_bytes());
    f.extend(b);
    expect_corrupt(f, 1, head.len() + 12, "version 2.0");
}

#[test]
fn pcapng_bad_first_block_after_shb_is_reported_on_first_read() {
    let o = Order::Le;
    let mut f = shb(o);
    let at = f.len();
    let mut b = idb(o, 1, 0, &[]);
    b[4..8].copy_from_slice(&21u32.to_le_bytes());
    f.extend(b);
    // Opening succeeds; the damage comes as the first (and only) error.
    expect_corrupt(f, 0, at, "multiple of 4");
}

/// A small pcapng, the offsets where each packet block ends, and where the blocks end.
fn small_pcapng(o: Order) -> (Vec<u8>, Vec<usize>, Vec<usize>) {
    let mut f = Vec::new();
    let mut packet_ends = Vec::new();
    let mut block_ends = Vec::new();
    let mut push = |f: &mut Vec<u8>, b: Vec<u8>, packet: bool| {
        f.extend(b);
        block_ends.push(f.len());
        if packet {
            packet_ends.push(f.len());
        }
    };
    push(&mut f, shb(o), false);
    push(&mut f, idb(o, 1, 0, &[opt(o, 2, b"lo")]), false);
    push(&mut f, epb(o, 0, 5, b"first", 5, Some("c")), true);
    push(&mut f, block(o, 5, &[0; 8]), false);
    push(&mut f, spb(o, b"second", 6), true);
    push(&mut f, obsolete_pb(o, 0, 9, b"third!"), true);
    (f, packet_ends, block_ends)
}

#[test]
fn pcapng_truncated_at_every_byte() {
    for o in [Order::Le, Order::Be] {
        let (full, packet_ends, block_ends) = small_pcapng(o);
        let shb_len = block_ends[0];
        for cut in 0..full.len() {
            let (got, err) = read(full[..cut].to_vec());
            let complete = packet_ends.iter().filter(|&&e| e <= cut).count();
            assert_eq!(got.len(), complete, "cut at {cut}");
            let at_boundary = block_ends.contains(&cut);
            match err {
                None => assert!(at_boundary, "cut at {cut}: no error"),
                Some(CaptureError::Truncated {
                    offset,
                    needed,
                    had,
                    ..
                }) => {
                    assert!(!at_boundary, "cut at {cut}: error at a block boundary");
                    assert!(had < needed, "cut at {cut}");
                    assert_eq!(offset + had, cut as u64, "cut at {cut}");
                }
                Some(e) => panic!("cut at {cut}: unexpected {e}"),
            }
            if cut < shb_len {
                assert!(
                    open(full[..cut].to_vec()).is_err(),
                    "cut at {cut}: opened a partial SHB"
                );
            }
        }
    }
}

#[test]
fn every_byte_flipped_never_panics() {
    // Not a fuzzer, but cheap: damage each byte of small files and read them to the end.
    let (pcap, _) = small_pcap(Order::Le);
    let (ng, _, _) = small_pcapng(Order::Be);
    for file in [pcap, ng] {
        for i in 0..file.len() {
            for x in [0xff, 0x80, 0x01] {
                let mut f = file.clone();
                f[i] ^= x;
                let _ = read(f);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Several files

#[test]
fn multi_file_reader_reads_files_in_sequence() {
    let dir = std::env::temp_dir().join(format!("strata-multi-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (pcap, _) = small_pcap(Order::Le);
    let (ng, _, _) = small_pcapng(Order::Be);
    let a = dir.join("a.pcap");
    let b = dir.join("b.pcapng");
    std::fs::write(&a, pcap).unwrap();
    std::fs::write(&b, ng).unwrap();
    let (got, err) = collect(MultiFileReader::new([&a, &b]));
    assert!(err.is_none(), "{err:?}");
    assert_eq!(got.len(), 6);
    assert_eq!(got[0].4, b"hello");
    assert_eq!(got[3].4, b"first");

    let mut r = MultiFileReader::new([a.clone(), dir.join("missing.pcap"), b.clone()]);
    let mut n = 0;
    let err = loop {
        match r.next_packet() {
            Ok(Some(_)) => n += 1,
            Ok(None) => panic!("missing file not reported"),
            Err(e) => break e,
        }
    };
    assert_eq!(n, 3);
    assert!(matches!(err, CaptureError::Open { .. }));
    assert!(r.next_packet().unwrap().is_none());
    std::fs::remove_dir_all(&dir).unwrap();
}
