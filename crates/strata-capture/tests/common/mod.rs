//! Helpers shared by the live-capture tests: throwaway namespaces joined by a veth pair, and a
//! sender thread that emits ICMP echo requests and UDP datagrams from the peer namespace.
#![allow(dead_code)]

use std::os::fd::AsRawFd;
use std::process::Command;
use std::thread;
use std::time::Duration;

pub const ADDR_A: [u8; 4] = [10, 77, 0, 1];
pub const ADDR_B: [u8; 4] = [10, 77, 0, 2];
pub const PAYLOAD_LEN: usize = 200;

pub fn skip(why: &str) -> bool {
    if std::env::var_os("CI").is_some() {
        panic!("{why} (CI is set, so this is a failure)");
    }
    eprintln!("\n*** SKIPPED: {why} ***\n");
    true
}

pub fn ip(args: &[&str]) {
    let out = Command::new("ip").args(args).output().expect("run ip");
    assert!(
        out.status.success(),
        "ip {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Two namespaces `<base>-a` (veth `va`, 10.77.0.1) and `<base>-b` (veth `vb`, 10.77.0.2),
/// deleted on drop even when the test panics.
pub struct Netns {
    pub a: String,
    pub b: String,
}

impl Netns {
    pub fn create(tag: &str) -> Netns {
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
pub fn enter(ns: &str) {
    let f = std::fs::File::open(format!("/var/run/netns/{ns}")).expect("open netns");
    // SAFETY: a valid namespace fd; setns only affects the calling thread's network namespace.
    let rc = unsafe { libc::setns(f.as_raw_fd(), libc::CLONE_NEWNET) };
    assert_eq!(rc, 0, "setns: {}", std::io::Error::last_os_error());
}

pub fn checksum(data: &[u8]) -> u16 {
    let mut sum: u32 = data
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]) as u32)
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

pub fn payload(seq: u16) -> Vec<u8> {
    (0..PAYLOAD_LEN)
        .map(|i| (i as u16 * 7 + seq) as u8)
        .collect()
}

/// From namespace `ns`: 3 ICMP echo requests (id 0x5354, seq 1..=3) and 2 UDP datagrams to A.
pub fn send_traffic(ns: String) -> thread::JoinHandle<()> {
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

/// An Ethernet/IPv4 frame carrying ICMP.
pub fn is_icmp(f: &[u8]) -> bool {
    f.len() >= 34 && f[12..14] == [0x08, 0x00] && f[23] == 1
}

/// An Ethernet/IPv4 frame carrying UDP.
pub fn is_udp(f: &[u8]) -> bool {
    f.len() >= 34 && f[12..14] == [0x08, 0x00] && f[23] == 17
}

/// True when the live tests can run (root and iproute2); otherwise says SKIPPED (fails in CI).
pub fn root_and_ip() -> bool {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return !skip("live capture tests need root");
    }
    if Command::new("ip").arg("-V").output().is_err() {
        return !skip("`ip` (iproute2) not found");
    }
    true
}
