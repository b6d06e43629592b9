//! The libpcap backend end to end (cargo feature `libpcap`), as `live_netns.rs` does for the
//! AF_PACKET one: two throwaway namespaces joined by a veth pair, ICMP echo requests (and UDP
//! probes) sent from a raw socket on a thread that `setns`-es into the sender namespace, and
//! `va` in the other namespace captured through `PcapLiveCapture` with an `icmp` filter that
//! libpcap compiles. Needs root and `ip`; otherwise prints SKIPPED (fails if `CI` is set).
#![cfg(feature = "libpcap")]

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use strata_capture::live::{AnyLiveCapture, Backend, LiveOptions};
use strata_capture::live_pcap::PcapLiveCapture;
use strata_capture::{LinkType, PacketSource, Timestamp};

// Helpers copied from live_netns.rs.
mod common;
use common::*;

#[test]
fn libpcap_icmp_filter_captures_echo_both_ways_intact() {
    if !root_and_ip() {
        return;
    }
    let ns = Netns::create("pcap");
    let (ready_tx, ready_rx) = mpsc::channel();
    let ns_a = ns.a.clone();
    let capturer = thread::spawn(move || {
        enter(&ns_a);
        let opts = LiveOptions {
            filter: Some("icmp".into()),
            backend: Backend::Libpcap,
            ..Default::default()
        };
        // The run-time choice goes to the libpcap backend; open the type directly for the
        // rest of the test.
        let any = AnyLiveCapture::open("va", opts.clone()).expect("open va through AnyLiveCapture");
        assert_eq!(any.backend(), Backend::Libpcap);
        drop(any);
        let mut cap = PcapLiveCapture::open("va", opts).expect("open va with libpcap");
        assert!(
            cap.nanosecond_timestamps(),
            "libpcap grants nanosecond timestamps on Linux"
        );
        ready_tx.send(()).expect("signal ready");
        let mut frames: Vec<(Vec<u8>, u32, Timestamp)> = Vec::new();
        let end = Instant::now() + Duration::from_millis(1500);
        while Instant::now() < end {
            if let Some(p) = cap.next_packet_timeout().expect("capture") {
                assert_eq!(p.link_type, LinkType::ETHERNET);
                frames.push((p.data.to_vec(), p.orig_len, p.ts));
            }
        }
        // A stopped capture ends the PacketSource stream.
        cap.stop_handle().stop();
        assert!(cap.next_packet().expect("stopped").is_none());
        let stats = cap.stats().expect("stats");
        (cap.link_type(), frames, stats)
    });
    ready_rx
        .recv_timeout(Duration::from_secs(5))
        .expect("capture did not open");
    let sent_from = now();
    send_traffic(ns.b.clone()).join().expect("sender");
    let sent_until = now();
    let (link_type, frames, stats) = capturer.join().expect("capturer");

    assert_eq!(link_type, LinkType::ETHERNET);
    assert!(
        frames.iter().all(|(f, _, _)| is_icmp(f)),
        "libpcap's filter let non-ICMP through"
    );
    for (f, orig, ts) in &frames {
        assert_eq!(
            *orig as usize,
            f.len(),
            "not cut: orig_len is the frame length"
        );
        assert!(
            *ts >= sent_from && *ts <= sent_until,
            "timestamp {ts:?} outside the send window {sent_from:?}..{sent_until:?}"
        );
    }
    assert!(
        frames.windows(2).all(|w| w[0].2 <= w[1].2),
        "timestamps in order"
    );
    let requests: Vec<&Vec<u8>> = frames
        .iter()
        .map(|(f, _, _)| f)
        .filter(|f| f[34] == 8)
        .collect();
    let replies: Vec<&Vec<u8>> = frames
        .iter()
        .map(|(f, _, _)| f)
        .filter(|f| f[34] == 0)
        .collect();
    assert_eq!(requests.len(), 3, "echo requests (incoming) seen");
    assert_eq!(replies.len(), 3, "echo replies (outgoing) seen");
    for (i, f) in requests.iter().enumerate() {
        let seq = i as u16 + 1;
        assert_eq!(f[26..30], ADDR_B);
        assert_eq!(f[30..34], ADDR_A);
        assert_eq!(f[38..40], [0x53, 0x54]);
        assert_eq!(u16::from_be_bytes([f[40], f[41]]), seq);
        assert_eq!(f[42..], payload(seq)[..], "echo payload intact");
        assert_eq!(checksum(&f[34..]), 0, "ICMP checksum verifies");
    }
    for f in &replies {
        assert_eq!(f[26..30], ADDR_A);
        assert_eq!(f[42..].len(), PAYLOAD_LEN);
    }
    // ps_recv counts what passed the kernel filter: the 6 echoes and 3 port unreachables.
    assert!(stats.received >= 6, "{stats:?}");
    assert_eq!(stats.dropped_kernel, 0, "{stats:?}");
    assert_eq!(stats.delivered, frames.len() as u64);
    println!(
        "libpcap icmp capture: {} frames, stats {:?}",
        frames.len(),
        stats
    );
}

#[test]
fn libpcap_bad_filter_and_missing_interface_are_errors() {
    if !root_and_ip() {
        return;
    }
    let ns = Netns::create("pcaperr");
    let ns_a = ns.a.clone();
    thread::spawn(move || {
        enter(&ns_a);
        match PcapLiveCapture::open(
            "va",
            LiveOptions {
                filter: Some("tcp port".into()),
                ..Default::default()
            },
        ) {
            Err(strata_capture::CaptureError::Filter { what, .. }) => {
                assert!(what.contains("syntax"), "libpcap's message: {what}")
            }
            Err(e) => panic!("unexpected error {e}"),
            Ok(_) => panic!("bad filter accepted"),
        }
        assert!(matches!(
            PcapLiveCapture::open("nope0", LiveOptions::default()),
            Err(strata_capture::CaptureError::NoSuchInterface(_))
        ));
    })
    .join()
    .expect("error checks");
}

fn now() -> Timestamp {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970");
    Timestamp::new(d.as_secs() as i64, d.subsec_nanos())
}
