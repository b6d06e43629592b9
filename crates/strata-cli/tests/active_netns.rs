//! The active layer against real Linux stacks in network namespaces this test creates: ping,
//! a TCP SYN scan (open / closed / filtered by an nftables drop) and a UDP scan, traceroute
//! across two router namespaces (ICMP, UDP, TCP), a DNS query to dnsmasq, an ARP scan of a
//! /29, and sniff with a capture filter fed by `strata send` (layers 3 and 2). Traffic never
//! leaves the namespaces. Needs root, iproute2, busybox, socat, nftables and dnsmasq; without
//! them a test says SKIPPED (and fails under CI).

use std::process::{Child, Command, Output, Stdio};
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
    eprintln!("SKIPPED: active namespace test: {why}");
    assert!(
        std::env::var_os("CI").is_none(),
        "{why} (required when CI is set)"
    );
    true
}

/// Root and the tools, or a skip.
fn ready(tools: &[&str]) -> bool {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return !skip("not root");
    }
    for t in ["ip"].iter().chain(tools) {
        if !have(t) {
            return !skip(&format!("{t} not installed"));
        }
    }
    true
}

fn sh(cmd: &str) -> Output {
    Command::new("sh")
        .args(["-c", cmd])
        .output()
        .expect("sh runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Namespaces (and the daemons started in them) that disappear on drop, even when a test
/// fails. Names are unique per process and test, so tests run in parallel.
struct Lab {
    id: String,
    namespaces: Vec<String>,
    children: Vec<Child>,
}

impl Lab {
    fn new() -> Lab {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Lab {
            id: format!("{}{n}", std::process::id() % 100_000),
            namespaces: Vec::new(),
            children: Vec::new(),
        }
    }

    /// The namespace called `role` in this lab (created on first use, loopback up).
    fn ns(&mut self, role: &str) -> String {
        let name = format!("sa-{role}-{}", self.id);
        if !self.namespaces.contains(&name) {
            self.run(&format!(
                "ip netns add {name} && ip -n {name} link set lo up"
            ));
            self.namespaces.push(name.clone());
        }
        name
    }

    /// Runs setup commands; any failure fails the test.
    fn run(&self, script: &str) {
        let o = sh(&format!("set -e\n{script}"));
        assert!(o.status.success(), "setup failed: {script}\n{}", text(&o));
    }

    /// Joins two namespaces by a veth pair with these addresses; returns the interface names.
    fn link(&mut self, a: &str, a_addr: &str, b: &str, b_addr: &str) -> (String, String) {
        let (na, nb) = (self.ns(a), self.ns(b));
        let (ia, ib) = (format!("{a}{b}{}", self.id), format!("{b}{a}{}", self.id));
        self.run(&format!(
            "ip link add {ia} netns {na} type veth peer name {ib} netns {nb}
             ip -n {na} addr add {a_addr} dev {ia}; ip -n {nb} addr add {b_addr} dev {ib}
             ip -n {na} link set {ia} up; ip -n {nb} link set {ib} up"
        ));
        (ia, ib)
    }

    /// Starts a daemon inside a namespace; killed on drop.
    fn spawn(&mut self, role: &str, cmd: &str) {
        let ns = self.ns(role);
        let child = Command::new("ip")
            .args(["netns", "exec", &ns, "sh", "-c", &format!("exec {cmd}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("daemon starts");
        self.children.push(child);
    }

    /// `strata ARGS` inside a namespace, bounded by `timeout` as a last resort.
    fn strata(&mut self, role: &str, args: &str) -> Output {
        let ns = self.ns(role);
        let bin = env!("CARGO_BIN_EXE_strata");
        sh(&format!("timeout 60 ip netns exec {ns} {bin} {args}"))
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
        for ns in &self.namespaces {
            let _ = sh(&format!("ip netns del {ns} 2>/dev/null"));
        }
    }
}

/// Client and server on one /24: 198.18.7.1 and 198.18.7.2. Links get a moment to come up.
fn pair(lab: &mut Lab) -> (String, String) {
    let l = lab.link("c", "198.18.7.1/24", "s", "198.18.7.2/24");
    thread::sleep(Duration::from_millis(300));
    l
}

#[test]
fn ping_counts_replies_with_rtt() {
    if !ready(&[]) {
        return;
    }
    let mut lab = Lab::new();
    pair(&mut lab);
    let o = lab.strata("c", "ping 198.18.7.2 -c 3 -i 0.2");
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    assert!(out.contains("3 packets transmitted, 3 received"), "{out}");
    let rtts: Vec<f64> = out
        .lines()
        .filter_map(|l| l.split("time=").nth(1))
        .filter_map(|t| t.trim_end_matches(" ms").parse().ok())
        .collect();
    assert_eq!(rtts.len(), 3, "{out}");
    assert!(rtts.iter().all(|&r| r > 0.0), "{out}");
    // Nobody there: ping reports loss and fails.
    let o = lab.strata("c", "ping 198.18.7.9 -c 1 -W 0.5");
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("1 packets transmitted, 0 received"));
}

#[test]
fn syn_scan_open_closed_filtered_and_udp_scan() {
    if !ready(&["socat", "nft"]) {
        return;
    }
    let mut lab = Lab::new();
    pair(&mut lab);
    lab.spawn("s", "socat TCP-LISTEN:8080,fork,reuseaddr /dev/null");
    lab.spawn("s", "socat TCP-LISTEN:8081,fork,reuseaddr /dev/null");
    lab.spawn("s", "socat -u UDP-RECV:5300 /dev/null");
    let s = lab.ns("s");
    lab.run(&format!(
        "ip netns exec {s} nft add table inet t
         ip netns exec {s} nft add chain inet t in '{{ type filter hook input priority 0; }}'
         ip netns exec {s} nft add rule inet t in tcp dport 8081 drop"
    ));
    thread::sleep(Duration::from_millis(300));
    let o = lab.strata("c", "scan 198.18.7.2 -p 8080-8082 --timeout 0.5");
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    assert!(out.contains("8080/tcp  open"), "{out}");
    assert!(out.contains("8081/tcp  filtered"), "{out}");
    assert!(out.contains("8082/tcp  closed"), "{out}");

    let o = lab.strata("c", "scan 198.18.7.2 -p 5300,5301 --udp --timeout 0.5");
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    assert!(out.contains("5300/udp  open|filtered"), "{out}");
    assert!(out.contains("5301/udp  closed"), "{out}");
}

#[test]
fn traceroute_across_two_routers() {
    if !ready(&[]) {
        return;
    }
    let mut lab = Lab::new();
    lab.link("c", "198.18.1.1/24", "ra", "198.18.1.2/24");
    lab.link("ra", "198.18.2.1/24", "rb", "198.18.2.2/24");
    lab.link("rb", "198.18.3.1/24", "s", "198.18.3.2/24");
    let (c, ra, rb, s) = (lab.ns("c"), lab.ns("ra"), lab.ns("rb"), lab.ns("s"));
    lab.run(&format!(
        "ip -n {c} route add default via 198.18.1.2
         ip -n {s} route add default via 198.18.3.1
         ip -n {ra} route add 198.18.3.0/24 via 198.18.2.2
         ip -n {rb} route add 198.18.1.0/24 via 198.18.2.1
         for n in {ra} {rb}; do ip netns exec $n sysctl -qw net.ipv4.ip_forward=1; done
         for n in {ra} {rb} {s}; do ip netns exec $n sysctl -qw net.ipv4.icmp_ratelimit=0; done"
    ));
    thread::sleep(Duration::from_millis(300));
    for proto in ["icmp", "udp", "tcp"] {
        let o = lab.strata(
            "c",
            &format!("traceroute 198.18.3.2 --proto {proto} --max-ttl 8 --timeout 1"),
        );
        let out = text(&o);
        assert!(o.status.success(), "{out}");
        let hops: Vec<(String, String)> = out
            .lines()
            .skip(1)
            .filter_map(|l| {
                let mut f = l.split_whitespace();
                Some((f.next()?.to_string(), f.next()?.to_string()))
            })
            .collect();
        let want = [
            ("1", "198.18.1.2"),
            ("2", "198.18.2.2"),
            ("3", "198.18.3.2"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()));
        assert_eq!(hops, want, "--proto {proto}:\n{out}");
    }
}

#[test]
fn dns_query_to_dnsmasq() {
    if !ready(&["dnsmasq"]) {
        return;
    }
    let mut lab = Lab::new();
    pair(&mut lab);
    let pid = format!("/tmp/strata-dnsmasq-{}.pid", lab.id);
    lab.spawn(
        "s",
        &format!(
            "dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
             --user=root --pid-file={pid} --listen-address=198.18.7.2 --bind-interfaces \
             --address=/x.strata.test/198.18.0.99"
        ),
    );
    thread::sleep(Duration::from_millis(500));
    let o = lab.strata(
        "c",
        "sr \"IP(dst='198.18.7.2')/UDP()/DNS(rd=1,qd=DNSQR(qname='x.strata.test'))\" \
         --timeout 1 --retry 2",
    );
    let _ = std::fs::remove_file(&pid);
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    assert!(out.contains("got 1 answers, remaining 0 packets"), "{out}");
    assert!(
        out.contains("DNS Ans x.strata.test. A 198.18.0.99"),
        "{out}"
    );
}

/// The MAC of `iface` inside namespace `ns`.
fn mac_of(ns: &str, iface: &str) -> String {
    let o = sh(&format!("ip -n {ns} -o link show dev {iface}"));
    let t = String::from_utf8_lossy(&o.stdout).into_owned();
    t.split("link/ether ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or_default()
        .to_string()
}

#[test]
fn arping_finds_exactly_the_namespaces() {
    if !ready(&[]) {
        return;
    }
    let mut lab = Lab::new();
    // Client on a bridge with two hosts behind it, all in 198.18.9.0/29.
    let c = lab.ns("c");
    let br = format!("br{}", lab.id);
    lab.run(&format!(
        "ip -n {c} link add {br} type bridge; ip -n {c} link set {br} up
         ip -n {c} addr add 198.18.9.1/29 dev {br}"
    ));
    let mut want = Vec::new();
    for (role, addr) in [("h", "198.18.9.2"), ("k", "198.18.9.5")] {
        let (port, host_if) = lab.link("c", "198.18.99.1/32", role, &format!("{addr}/29"));
        let c = lab.ns("c");
        lab.run(&format!(
            "ip -n {c} addr flush dev {port}; ip -n {c} link set {port} master {br}"
        ));
        want.push(format!("{} {addr}", mac_of(&lab.ns(role), &host_if)));
    }
    thread::sleep(Duration::from_millis(500));
    let o = lab.strata("c", "arping 198.18.9.0/29 --timeout 1");
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    let found: Vec<String> = out
        .lines()
        .filter(|l| l.starts_with("  "))
        .map(|l| l.trim().to_string())
        .collect();
    assert_eq!(found, want, "{out}");
}

#[test]
fn sniff_with_a_filter_sees_what_send_sent() {
    if !ready(&[]) {
        return;
    }
    let mut lab = Lab::new();
    let (ic, _) = pair(&mut lab);
    let c = lab.ns("c");
    let bin = env!("CARGO_BIN_EXE_strata");
    let pcap = std::env::temp_dir().join(format!("strata-sniff-{}.pcap", lab.id));
    // Printed: only UDP to port 7, two of them (one sent at layer 3, one at layer 2).
    let sniff = Command::new("sh")
        .args([
            "-c",
            &format!(
                "timeout 30 ip netns exec {c} {bin} sniff -i {ic} -f 'udp and port 7' -c 2 --timeout 10"
            ),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sniff starts");
    let to_pcap = Command::new("sh")
        .args([
            "-c",
            &format!(
                "timeout 30 ip netns exec {c} {bin} sniff -i {ic} -f 'icmp[icmptype] == icmp-echo' -c 2 --timeout 10 -w {}",
                pcap.display()
            ),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sniff starts");
    thread::sleep(Duration::from_millis(700));
    for spec in [
        "\"IP(dst='198.18.7.1')/UDP(dport=9)/'noise'\" --count 3",
        "\"IP(dst='198.18.7.1')/UDP(sport=1234,dport=7)/'layer3'\"",
        "\"Ether()/IP(dst='198.18.7.1')/UDP(sport=1235,dport=7)/'layer2'\"",
        "\"IP(dst='198.18.7.1')/ICMP(id=9,seq=1)\" --count 2 --interval 0.1",
    ] {
        let o = lab.strata("s", &format!("send {spec}"));
        assert!(o.status.success(), "send {spec}: {}", text(&o));
    }
    let o = sniff.wait_with_output().expect("sniff ends by itself");
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    let lines: Vec<&str> = out.lines().filter(|l| l.contains(" / ")).collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].contains("198.18.7.2:1234 > 198.18.7.1:7"), "{out}");
    assert!(lines[1].contains("198.18.7.2:1235 > 198.18.7.1:7"), "{out}");
    assert!(!out.contains(":9 "), "{out}");

    let o = to_pcap.wait_with_output().expect("sniff ends by itself");
    assert!(o.status.success(), "{}", text(&o));
    let bytes = std::fs::read(&pcap).expect("pcap written");
    let _ = std::fs::remove_file(&pcap);
    // Header (24) + two records (16 + 14 + 20 + 8 each): the echo requests only.
    assert_eq!(bytes.len(), 24 + 2 * (16 + 42), "pcap size");
}
