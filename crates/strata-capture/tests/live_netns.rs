//! Live capture end to end, inside throwaway network namespaces so only our own traffic is
//! involved: two namespaces joined by a veth pair, ICMP echo and UDP sent from one side, the
//! other side captured with `LiveCapture`.
//!
//! The machine has no `ping`, so the echo requests are sent from a raw ICMP socket on a thread
//! that `setns`-es into the sender namespace; the capture runs on a thread in the other one.
//! Needs root and `ip`; otherwise prints SKIPPED (fails if `CI` is set).

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use strata_capture::live::{LiveCapture, LiveOptions, LiveStats};
use strata_capture::{LinkType, PacketSource};

mod common;
use common::*;

struct Captured {
    link_type: LinkType,
    frames: Vec<(Vec<u8>, u32)>,
    stats: LiveStats,
}

/// Captures on `va` in namespace A with `opts` while B sends traffic.
fn capture(ns: &Netns, opts: LiveOptions) -> Captured {
    let (ready_tx, ready_rx) = mpsc::channel();
    let ns_a = ns.a.clone();
    let capturer = thread::spawn(move || {
        enter(&ns_a);
        let mut cap = LiveCapture::open("va", opts).expect("open va");
        ready_tx.send(()).expect("signal ready");
        let mut frames = Vec::new();
        let end = Instant::now() + Duration::from_millis(1500);
        while Instant::now() < end {
            if let Some(p) = cap.next_packet_timeout().expect("capture") {
                frames.push((p.data.to_vec(), p.orig_len));
                assert!(p.ts.secs > 1_600_000_000, "timestamp {:?}", p.ts);
            }
        }
        // A stopped capture ends the PacketSource stream.
        cap.stop_handle().stop();
        assert!(cap.next_packet().expect("stopped").is_none());
        let stats = cap.stats().expect("stats");
        Captured {
            link_type: cap.link_type(),
            frames,
            stats,
        }
    });
    ready_rx
        .recv_timeout(Duration::from_secs(5))
        .expect("capture did not open");
    send_traffic(ns.b.clone()).join().expect("sender");
    capturer.join().expect("capturer")
}

#[test]
fn icmp_filter_captures_echo_both_ways_intact() {
    if !root_and_ip() {
        return;
    }
    let ns = Netns::create("icmp");
    let got = capture(
        &ns,
        LiveOptions {
            filter: Some("icmp".into()),
            ..Default::default()
        },
    );
    assert_eq!(got.link_type, LinkType::ETHERNET);
    assert!(
        got.frames.iter().all(|(f, _)| is_icmp(f)),
        "filter let non-ICMP through"
    );
    // Type 3 are the port unreachables A sends for the UDP probes.
    let requests: Vec<&Vec<u8>> = got
        .frames
        .iter()
        .map(|(f, _)| f)
        .filter(|f| f[34] == 8)
        .collect();
    let replies: Vec<&Vec<u8>> = got
        .frames
        .iter()
        .map(|(f, _)| f)
        .filter(|f| f[34] == 0)
        .collect();
    assert_eq!(requests.len(), 3, "echo requests (incoming) seen");
    // The replies are sent by A's kernel: outgoing packets are captured too.
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
    assert!(got.stats.received >= 6, "{:?}", got.stats);
    assert_eq!(got.stats.delivered, got.frames.len() as u64);
    println!(
        "icmp capture: {} frames, stats {:?}",
        got.frames.len(),
        got.stats
    );
}

#[test]
fn udp_filter_excludes_icmp_and_snaplen_keeps_orig_len() {
    if !root_and_ip() {
        return;
    }
    let ns = Netns::create("udp");
    let got = capture(
        &ns,
        LiveOptions {
            filter: Some("udp and dst port 9999".into()),
            snaplen: 50,
            ..Default::default()
        },
    );
    assert_eq!(got.frames.len(), 3, "three UDP datagrams");
    for (f, orig) in &got.frames {
        assert!(is_udp(f));
        assert_eq!(f.len(), 50, "cut at snaplen");
        assert_eq!(
            *orig as usize,
            14 + 20 + 8 + b"strata udp probe".len(),
            "orig_len is the wire length"
        );
    }
    println!(
        "udp capture: {} frames, stats {:?}",
        got.frames.len(),
        got.stats
    );
}

#[test]
fn no_filter_sees_arp_and_everything() {
    if !root_and_ip() {
        return;
    }
    let ns = Netns::create("all");
    let got = capture(
        &ns,
        LiveOptions {
            promisc: false,
            ..Default::default()
        },
    );
    let icmp = got.frames.iter().filter(|(f, _)| is_icmp(f)).count();
    let udp = got.frames.iter().filter(|(f, _)| is_udp(f)).count();
    // 3 requests + 3 replies + 3 port unreachables (nobody listens on UDP 9999 in A).
    assert_eq!((icmp, udp), (9, 3), "all traffic captured without a filter");
    let arp = got
        .frames
        .iter()
        .filter(|(f, _)| f.len() >= 14 && f[12..14] == [0x08, 0x06])
        .count();
    assert!(arp >= 2, "ARP request and reply seen ({arp})");
    assert!(got.stats.received >= got.frames.len() as u64);
}

#[test]
fn bad_filter_and_missing_interface_are_errors() {
    if !root_and_ip() {
        return;
    }
    let ns = Netns::create("err");
    let ns_a = ns.a.clone();
    thread::spawn(move || {
        enter(&ns_a);
        match LiveCapture::open(
            "va",
            LiveOptions {
                filter: Some("tcp port".into()),
                ..Default::default()
            },
        ) {
            Err(strata_capture::CaptureError::Filter { column, .. }) => assert_eq!(column, 9),
            Err(e) => panic!("unexpected error {e}"),
            Ok(_) => panic!("bad filter accepted"),
        }
        assert!(matches!(
            LiveCapture::open("nope0", LiveOptions::default()),
            Err(strata_capture::CaptureError::NoSuchInterface(_))
        ));
        // The namespace's interfaces list with their addresses.
        let list = strata_capture::interfaces::list().expect("list");
        let va = list.iter().find(|i| i.name == "va").expect("va listed");
        assert!(va.flags.up && va.mac.is_some());
        assert!(
            va.addresses.iter().any(|a| a.to_string() == "10.77.0.1/24"),
            "{:?}",
            va.addresses
        );
    })
    .join()
    .expect("error checks");
}

/// A capture that does not read while 3000 datagrams arrive overflows its (deliberately tiny)
/// socket buffer: the kernel's drop counter says so, and received = delivered + dropped.
#[test]
fn kernel_drops_are_counted() {
    if !root_and_ip() {
        return;
    }
    let ns = Netns::create("drops");
    let (ready_tx, ready_rx) = mpsc::channel();
    let a = ns.a.clone();
    let cap = thread::spawn(move || {
        enter(&a);
        let mut c = LiveCapture::open(
            "va",
            LiveOptions {
                buffer_size: Some(4096),
                filter: Some("udp and dst port 9998".into()),
                timeout: Duration::from_millis(200),
                ..LiveOptions::default()
            },
        )
        .expect("open va");
        ready_tx.send(()).expect("main thread waits");
        // Do not read while the burst arrives.
        thread::sleep(Duration::from_millis(1500));
        let mut delivered = 0u64;
        while let Ok(Some(_)) = c.next_packet_timeout() {
            delivered += 1;
        }
        (delivered, c.stats().expect("stats"))
    });
    ready_rx.recv().expect("capture opened");
    let b = ns.b.clone();
    let sender = thread::spawn(move || {
        enter(&b);
        // SAFETY: a plain UDP socket, closed at the end.
        let fd = unsafe { libc::socket(libc::AF_INET, libc::SOCK_DGRAM, 0) };
        assert!(fd >= 0);
        let dst = libc::sockaddr_in {
            sin_family: libc::AF_INET as u16,
            sin_port: 9998u16.to_be(),
            sin_addr: libc::in_addr {
                s_addr: u32::from_ne_bytes(ADDR_A),
            },
            sin_zero: [0; 8],
        };
        let data = [0x5au8; 1000];
        for _ in 0..3000 {
            // SAFETY: valid fd, buffer and sockaddr_in of the stated size.
            unsafe {
                libc::sendto(
                    fd,
                    data.as_ptr() as *const libc::c_void,
                    data.len(),
                    0,
                    &dst as *const libc::sockaddr_in as *const libc::sockaddr,
                    std::mem::size_of::<libc::sockaddr_in>() as u32,
                );
            }
        }
        // SAFETY: closing the socket we opened.
        unsafe { libc::close(fd) };
    });
    sender.join().expect("sender");
    let (delivered, stats): (u64, LiveStats) = cap.join().expect("capture");
    assert!(stats.dropped_kernel > 0, "no drops counted: {stats:?}");
    assert_eq!(stats.delivered, delivered, "{stats:?}");
    assert_eq!(
        stats.received,
        stats.delivered + stats.dropped_kernel,
        "{stats:?}"
    );
    assert!(stats.received <= 3000, "{stats:?}");
}
