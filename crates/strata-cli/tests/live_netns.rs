//! `strata dissect -i auto` between two network namespaces this test creates: a real tool
//! (busybox ping, socat) sends, Strata captures in the other namespace. Checks that `-i auto`
//! picks the veth, that frames arrive intact, that a capture filter selects, and that kernel
//! counters are reported. Needs root, iproute2, busybox and socat; without them it says SKIPPED
//! (and fails under CI).

use std::process::{Command, Output, Stdio};
use std::thread;
use std::time::Duration;

fn have(prog: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {prog}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn skip(why: &str) -> bool {
    eprintln!("SKIPPED: live namespace test: {why}");
    assert!(
        std::env::var_os("CI").is_none(),
        "{why} (required when CI is set)"
    );
    true
}

fn sh(cmd: &str) -> Output {
    Command::new("sh")
        .args(["-c", cmd])
        .output()
        .expect("sh runs")
}

/// Two namespaces joined by a veth pair; deleted on drop, even when the test fails.
struct Lab {
    a: String,
    b: String,
    id: String,
}

impl Lab {
    fn new() -> Lab {
        // Unique per test in this process (tests run in parallel).
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let id = format!("{}{n}", std::process::id());
        let lab = Lab {
            a: format!("strata-cli-a-{id}"),
            b: format!("strata-cli-b-{id}"),
            id: id.clone(),
        };
        let setup = format!(
            "set -e
             ip netns add {a}; ip netns add {b}
             ip link add va{id} netns {a} type veth peer name vb{id} netns {b}
             ip -n {a} addr add 198.18.7.1/24 dev va{id}; ip -n {b} addr add 198.18.7.2/24 dev vb{id}
             ip -n {a} link set lo up; ip -n {b} link set lo up
             ip -n {a} link set va{id} up; ip -n {b} link set vb{id} up",
            a = lab.a,
            b = lab.b
        );
        let o = sh(&setup);
        assert!(
            o.status.success(),
            "namespace setup failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        // Let the links come up (and IPv6 DAD traffic pass) before capturing.
        thread::sleep(Duration::from_millis(300));
        lab
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        let _ = sh(&format!(
            "ip netns del {} 2>/dev/null; ip netns del {} 2>/dev/null",
            self.a, self.b
        ));
    }
}

#[test]
fn live_capture_between_namespaces() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 && skip("not root") {
        return;
    }
    for prog in ["ip", "busybox", "socat"] {
        if !have(prog) && skip(&format!("{prog} not installed")) {
            return;
        }
    }
    let lab = Lab::new();
    let strata = env!("CARGO_BIN_EXE_strata");

    // 1. -i auto inside namespace A picks its veth (the loopback is not a candidate).
    let o = sh(&format!("ip netns exec {} {strata} interfaces", lab.a));
    let listing = String::from_utf8_lossy(&o.stdout);
    assert!(
        listing.contains(&format!("-i auto picks va{}", lab.id)),
        "{listing}"
    );

    // 2. Capture ICMP only while B pings A and sends UDP; the filter must drop the UDP.
    let cap = Command::new("ip")
        .args([
            "netns",
            "exec",
            &lab.a,
            strata,
            "dissect",
            "-i",
            "auto",
            "-f",
            "icmp",
            "-a",
            "duration:3",
        ])
        .args([
            "-T",
            "fields",
            "-E",
            "separator=,",
            "-E",
            "occurrence=f",
            "-e",
            "ip.src",
            "-e",
            "ip.dst",
            "-e",
            "icmp.type",
        ])
        .args(["-e", "icmp.seq", "-e", "frame.len", "-e", "udp.dstport"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("strata starts");
    thread::sleep(Duration::from_millis(700));
    let ping = sh(&format!(
        "ip netns exec {} busybox ping -c 3 -i 0.2 -s 100 198.18.7.1",
        lab.b
    ));
    assert!(
        ping.status.success(),
        "ping failed: {}",
        String::from_utf8_lossy(&ping.stderr)
    );
    let _ = sh(&format!(
        "echo hello | ip netns exec {} socat -u - UDP4-SENDTO:198.18.7.1:9999",
        lab.b
    ));
    let out = cap.wait_with_output().expect("strata ends by itself");
    let text = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "strata failed: {err}");
    let lines: Vec<&str> = text.lines().collect();
    let requests = lines
        .iter()
        .filter(|l| l.starts_with("198.18.7.2,198.18.7.1,8,"))
        .count();
    let replies = lines
        .iter()
        .filter(|l| l.starts_with("198.18.7.1,198.18.7.2,0,"))
        .count();
    assert_eq!((requests, replies), (3, 3), "captured:\n{text}");
    // Intact: 14 + 20 + 8 + 100 bytes, sequence numbers 0..2 in order.
    for (i, l) in lines.iter().filter(|l| l.contains(",8,")).enumerate() {
        assert!(l.ends_with(&format!(",{i},142,")), "frame {l:?}");
    }
    // The UDP datagram itself must not pass `icmp`; only the ICMP port unreachable quoting it.
    for l in &lines {
        let icmp_type = l.split(',').nth(2).unwrap_or("");
        assert!(
            !icmp_type.is_empty(),
            "the capture filter let a non-ICMP frame through: {l}"
        );
    }
    assert!(
        lines
            .iter()
            .any(|l| l.contains(",3,") && l.ends_with(",9999")),
        "{text}"
    );
    // Kernel counters are reported at the end.
    assert!(
        err.contains("packets received") && err.contains("dropped by the kernel"),
        "{err}"
    );
}

/// `strata flows -i auto`: a flow is written when it goes idle on the wall clock, while the
/// capture is still running (NFStream would wait for the next packet), with NFStream's columns.
#[test]
fn live_flows_expire_on_the_wall_clock() {
    use std::io::{BufRead, BufReader};
    use std::time::Instant;
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 && skip("not root") {
        return;
    }
    for prog in ["ip", "busybox"] {
        if !have(prog) && skip(&format!("{prog} not installed")) {
            return;
        }
    }
    let lab = Lab::new();
    let strata = env!("CARGO_BIN_EXE_strata");
    let started = Instant::now();
    let mut cap = Command::new("ip")
        .args([
            "netns", "exec", &lab.a, strata, "flows", "-i", "auto", "-f", "icmp",
        ])
        .args(["--idle-timeout", "1", "--duration", "6", "--statistics"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("strata starts");
    thread::sleep(Duration::from_millis(700));
    let ping = sh(&format!(
        "ip netns exec {} busybox ping -c 2 -i 0.2 198.18.7.1",
        lab.b
    ));
    assert!(ping.status.success(), "ping failed");
    let stdout = cap.stdout.take().expect("piped");
    let mut lines = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("utf-8 output");
        lines.push((started.elapsed(), line));
    }
    let out = cap.wait_with_output().expect("strata ends by itself");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let header: Vec<&str> = lines[0].1.split(',').collect();
    assert_eq!(&header[..3], ["id", "expiration_id", "src_ip"]);
    let (at, row) = lines
        .iter()
        .find(|(_, l)| l.contains("198.18.7.2") && l.contains("198.18.7.1"))
        .expect("the ping flow is written");
    let cells: Vec<&str> = row.split(',').collect();
    let col = |n: &str| cells[header.iter().position(|h| *h == n).expect("column")];
    assert_eq!(
        (col("protocol"), col("bidirectional_packets")),
        ("1", "4"),
        "{row}"
    );
    // Idle after ~1.1 s of pings plus the 1 s timeout: well before the 6 s capture ends.
    assert!(
        *at < Duration::from_millis(4500),
        "flow written only at {at:?}"
    );
}

/// `strata sniff -Y`: the display filter selects on the dissected packet (loopback only).
#[test]
fn sniff_with_a_display_filter() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 && skip("not root") {
        return;
    }
    let lab = Lab::new();
    let strata = env!("CARGO_BIN_EXE_strata");
    let cap = Command::new("ip")
        .args([
            "netns",
            "exec",
            &lab.a,
            strata,
            "sniff",
            "-i",
            "lo",
            "--timeout",
            "2",
        ])
        .args(["-Y", "udp.dstport == 9 && !icmp"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("strata starts");
    thread::sleep(Duration::from_millis(700));
    for port in [9, 10, 9] {
        let o = sh(&format!(
            "echo x | ip netns exec {} socat -u - UDP4-SENDTO:127.0.0.1:{port}",
            lab.a
        ));
        assert!(o.status.success(), "socat failed");
    }
    let out = cap.wait_with_output().expect("sniff ends by itself");
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines.iter().all(|l| l.contains("UDP") && l.ends_with(":9")),
        "{text}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 packets captured"));
}
