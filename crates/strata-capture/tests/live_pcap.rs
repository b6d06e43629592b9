//! The libpcap backend end to end (cargo feature `libpcap`), as `live_netns.rs` does for the
//! AF_PACKET one: two throwaway namespaces joined by a veth pair, ICMP echo requests (and UDP
//! probes) sent from a raw socket on a thread that `setns`-es into the sender namespace, and
//! `va` in the other namespace captured through `PcapLiveCapture` with an `icmp` filter that
//! libpcap compiles. Needs root and `ip`; otherwise prints SKIPPED (fails if `CI` is set).
#![cfg(feature = "libpcap")]

use std::os::fd::AsRawFd;
use std::process::Command;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use strata_capture::live::{AnyLiveCapture, Backend, LiveOptions};
use strata_capture::live_pcap::PcapLiveCapture;
use strata_capture::{LinkType, PacketSource, Timestamp};

// Helpers copied from live_netns.rs.
const ADDR_A: [u8; 4] = [10, 77, 0, 1];
const ADDR_B: [u8; 4] = [10, 77, 0, 2];
const PAYLOAD_LEN: usize = 200;

fn skip(why: &str) -> bool {
    if std::env::var_os("CI").is_some() {
        panic!("{why} (CI is set, so this is a failure)");
    }
    eprintln!("\n*** SKIPPED: {why} ***\n");
    true
}

fn ip(args: &[&str]) {
    let out = Command::new("ip").args(args).output().expect("run ip");
    assert!(
        out.status.success(),
        "ip {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Two namespaces `<base>-a` (veth `va`, 10.77.0.1) and `<base>-b` (veth `vb`, 10.77.0.2),
/// deleted on drop even when the test panics.
struct Netns {
    a: String,
    b: String,
}

impl Netns {
    fn create(tag: &str) -> Netns {
        let base = format!("strata-t-{}-{tag}", std::process::id());
        let ns = Netns {
            a: format!("{base}-a"),
            b: format!("{base}-b"),
        };
        ip(&["netns", "add", &ns.a]);
        ip(&["netns", "add", &ns.b]);
        ip(&[
            "-n", &ns.a, "link", "add", "va", "type", "veth", "peer", "name", "vb", "netns", &ns.b,
        ]);
        ip(&["-n", &ns.a, "addr", "add", "10.77.0.1/24", "dev", "va"]);
        ip(&["-n", &ns.b, "addr", "add", "10.77.0.2/24", "dev", "vb"]);
        for (n, dev) in [(&ns.a, "va"), (&ns.b, "vb"), (&ns.a, "lo"), (&ns.b, "lo")] {
            ip(&["-n", n, "link", "set", dev, "up"]);
        }
        ns
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        for n in [&self.a, &self.b] {
            let _ = Command::new("ip").args(["netns", "del", n]).status();
        }
    }
}

/// Moves the calling thread into a named network namespace.
fn enter(ns: &str) {
    let f = std::fs::File::open(format!("/var/run/netns/{ns}")).expect("open netns");
    // SAFETY: a valid namespace fd; setns only affects the calling thread's network namespace.
    let rc = unsafe { libc::setns(f.as_raw_fd(), libc::CLONE_NEWNET) };
    assert_eq!(rc, 0, "setns: {}", std::io::Error::last_os_error());
}

fn checksum(data: &[u8]) -> u16 {
    let mut sum: u32 = data
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]) as u32)
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

fn payload(seq: u16) -> Vec<u8> {
    (0..PAYLOAD_LEN)
        .map(|i| (i as u16 * 7 + seq) as u8)
        .collect()
}

/// From namespace `ns`: 3 ICMP echo requests (id 0x5354, seq 1..=3) and 2 UDP datagrams to A.
fn send_traffic(ns: String) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        enter(&ns);
        let dst = libc::sockaddr_in {
            sin_family: libc::AF_INET as u16,
            sin_port: 9999u16.to_be(),
            sin_addr: libc::in_addr {
                s_addr: u32::from_ne_bytes(ADDR_A),
            },
            sin_zero: [0; 8],
        };
        let send = |fd: i32, data: &[u8]| {
            // SAFETY: valid fd, buffer and sockaddr_in of the stated size.
            let n = unsafe {
                libc::sendto(
                    fd,
                    data.as_ptr() as *const libc::c_void,
                    data.len(),
                    0,
                    &dst as *const libc::sockaddr_in as *const libc::sockaddr,
                    std::mem::size_of::<libc::sockaddr_in>() as u32,
                )
            };
            assert_eq!(
                n as usize,
                data.len(),
                "sendto: {}",
                std::io::Error::last_os_error()
            );
        };
        // SAFETY: plain syscalls; closed at the end.
        let icmp = unsafe { libc::socket(libc::AF_INET, libc::SOCK_RAW, libc::IPPROTO_ICMP) };
        let udp = unsafe { libc::socket(libc::AF_INET, libc::SOCK_DGRAM, 0) };
        assert!(icmp >= 0 && udp >= 0);
        for seq in 1..=3u16 {
            let mut msg = vec![8, 0, 0, 0, 0x53, 0x54];
            msg.extend_from_slice(&seq.to_be_bytes());
            msg.extend(payload(seq));
            let c = checksum(&msg);
            msg[2..4].copy_from_slice(&c.to_be_bytes());
            send(icmp, &msg);
            send(udp, b"strata udp probe");
            thread::sleep(Duration::from_millis(100));
        }
        // SAFETY: closing descriptors we own.
        unsafe {
            libc::close(icmp);
            libc::close(udp);
        }
    })
}

fn is_icmp(f: &[u8]) -> bool {
    f.len() >= 34 && f[12..14] == [0x08, 0x00] && f[23] == 1
}

fn root_and_ip() -> bool {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return !skip("live capture tests need root");
    }
    if Command::new("ip").arg("-V").output().is_err() {
        return !skip("`ip` (iproute2) not found");
    }
    true
}

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
