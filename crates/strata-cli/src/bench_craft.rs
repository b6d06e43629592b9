//! `strata bench craft`: Strata's crafter against Scapy on the same specs, in one run.
//!
//! (a) Spec to bytes: `craft_spec(SPEC)` (parse + build) in a loop vs Scapy building the same
//! expression and calling `raw()` on it, the same number of times per spec; and the same loop
//! through a `Crafter`, the API for crafting spec after spec, which keeps its buffers.
//! (b) Build and send: one parsed packet built and sent at layer 2, `--send-count` times, on a
//! veth inside a network namespace the bench creates (its peer in a second namespace drops the
//! frames), vs Scapy's `sendp(pkt, count=N)` on the same veth. Without namespaces (not root, no
//! `ip`) both send on the loopback device. No traffic leaves the machine either way.
//!
//! Scapy's timing is taken inside its own process (`time.perf_counter` around the loop), so
//! interpreter start-up is not counted against it.

use clap::Args as ClapArgs;
use std::os::fd::AsRawFd;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};
use strata_craft::net::send::L2Socket;

#[derive(ClapArgs)]
pub struct Args {
    /// Builds per spec for (a).
    #[arg(long, default_value_t = 5000)]
    build_count: u64,
    /// Packets sent for (b).
    #[arg(long, default_value_t = 20000)]
    send_count: u64,
    /// Python interpreter with scapy installed.
    #[arg(long, default_value = "python3")]
    python: String,
}

/// Specs with every address given, so neither side resolves anything while building.
const SPECS: &[&str] = &[
    "Ether(dst='02:00:00:00:00:02',src='02:00:00:00:00:01')/IP(src='198.18.0.1',dst='198.18.0.2')/TCP(sport=40000,dport=80,flags='S',options=[('MSS',1460),('NOP',None),('WScale',7)])",
    "IP(src='198.18.0.1',dst='198.18.0.2')/UDP(sport=5353,dport=53)/DNS(rd=1,qd=DNSQR(qname='www.example.com',qtype='AAAA'))",
    "Ether(dst='02:00:00:00:00:02',src='02:00:00:00:00:01')/IPv6(src='2001:db8::1',dst='2001:db8::2')/ICMPv6EchoRequest(id=7,seq=1,data=b'0123456789abcdef')",
    "Ether(dst='ff:ff:ff:ff:ff:ff',src='02:00:00:00:00:01')/ARP(hwsrc='02:00:00:00:00:01',psrc='198.18.0.1',pdst='198.18.0.2')",
];

/// The frame (b) sends.
const SEND_SPEC: &str = "Ether(dst='02:00:00:00:00:02',src='02:00:00:00:00:01')/IP(src='198.18.0.1',dst='198.18.0.2')/UDP(sport=40000,dport=9)/Raw(load=b'strata bench payload 0123456789')";

pub fn run(a: Args) -> Result<ExitCode, String> {
    let n = a.build_count.max(1);
    // Summed so the optimiser cannot drop the builds.
    let mut bytes = 0usize;
    // (a) Strata: parse + build, every iteration.
    let (ours, n_rounds) = rounds(|| {
        for spec in SPECS {
            for _ in 0..n {
                let pkts = strata_craft::craft_spec(spec).map_err(|e| format!("bench: {e}"))?;
                bytes += pkts.iter().map(Vec::len).sum::<usize>();
            }
        }
        Ok(())
    })?;
    let builds = n * SPECS.len() as u64;
    println!(
        "(a) spec to bytes: {} specs x {n} builds (Strata: mean of {n_rounds} rounds, >= {} s)",
        SPECS.len(),
        MIN_TIMED.as_secs()
    );
    println!("{:<34} {:>10} {:>14}", "contender", "seconds", "builds/s");
    row("strata craft_spec", ours, builds);
    // The same loop as a program crafting many specs writes it: one Crafter, reused.
    let mut crafter = strata_craft::Crafter::new();
    let (reused, _) = rounds(|| {
        for spec in SPECS {
            for _ in 0..n {
                let frames = crafter.craft(spec).map_err(|e| format!("bench: {e}"))?;
                bytes += frames.iter().map(Vec::len).sum::<usize>();
            }
        }
        Ok(())
    })?;
    row("strata Crafter::craft (reused)", reused, builds);
    let code = format!(
        "import time\nfrom scapy.all import *\nt=time.perf_counter()\n{}print(time.perf_counter()-t)\n",
        SPECS
            .iter()
            .map(|s| format!("for _ in range({n}): raw({s})\n"))
            .collect::<String>()
    );
    let scapy = python_seconds(&a.python, None, &code);
    let scapy_secs = scapy.as_ref().ok().copied();
    report_peer("scapy raw(SPEC)", scapy, builds, ours);
    if let Some(s) = scapy_secs {
        println!(
            "strata (Crafter) is {:.0}x faster",
            s / reused.as_secs_f64().max(1e-9)
        );
    }

    // The build alone: each spec parsed (Strata) / constructed (Scapy) once, then built n times.
    let parsed = SPECS
        .iter()
        .map(|s| strata_craft::parse_spec(s))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("bench: {e}"))?;
    let (ours, _) = rounds(|| {
        for pkts in &parsed {
            for _ in 0..n {
                for p in pkts {
                    bytes += p.build().map_err(|e| format!("bench: {e}"))?.len();
                }
            }
        }
        Ok(())
    })?;
    row("strata build (parsed once)", ours, builds);
    let code = format!(
        "import time\nfrom scapy.all import *\nps=[{}]\nt=time.perf_counter()\nfor p in ps:\n for _ in range({n}): raw(p)\nprint(time.perf_counter()-t)\n",
        SPECS.join(",")
    );
    let scapy = python_seconds(&a.python, None, &code);
    report_peer("scapy raw(p) (constructed once)", scapy, builds, ours);
    std::hint::black_box(bytes);

    // (b) Build + send at layer 2.
    let m = a.send_count.max(1);
    let lab = NetnsLab::new();
    let (iface, ns) = match &lab {
        Some(l) => (l.iface.clone(), Some(l.ns_a.clone())),
        None => ("lo".to_string(), None),
    };
    println!();
    println!(
        "(b) build + send at layer 2: {m} frames on {iface}{}",
        ns.as_ref()
            .map_or(" (no namespaces: loopback)".to_string(), |n| format!(
                " in namespace {n}"
            ))
    );
    println!("{:<34} {:>10} {:>14}", "contender", "seconds", "packets/s");
    let pkt = strata_craft::parse_spec(SEND_SPEC)
        .map_err(|e| format!("bench: {e}"))?
        .remove(0);
    let iface2 = iface.clone();
    let ns2 = ns.clone();
    // Runs in its own thread so entering the namespace never affects the rest of the process.
    let ours = std::thread::spawn(move || -> Result<Duration, String> {
        if let Some(ns) = &ns2 {
            enter_netns(ns)?;
        }
        let sock = L2Socket::open(&iface2).map_err(|e| e.to_string())?;
        let t = Instant::now();
        for _ in 0..m {
            let frame = pkt.build().map_err(|e| e.to_string())?;
            sock.send(&frame).map_err(|e| e.to_string())?;
        }
        Ok(t.elapsed())
    })
    .join()
    .map_err(|_| "bench: sender thread panicked".to_string())??;
    row("strata build + send (L2)", ours, m);
    let code = format!(
        "import time\nfrom scapy.all import *\np={SEND_SPEC}\nt=time.perf_counter()\nsendp(p, iface='{iface}', count={m}, verbose=0)\nprint(time.perf_counter()-t)\n"
    );
    let scapy = python_seconds(&a.python, ns.as_deref(), &code);
    report_peer("scapy sendp(count=N)", scapy, m, ours);
    drop(lab);
    Ok(ExitCode::SUCCESS)
}

/// How long Strata's side of (a) runs at least.
const MIN_TIMED: Duration = Duration::from_secs(1);

/// Runs `round` (one pass over the specs) until [`MIN_TIMED`] has passed; returns the mean
/// time of a round and how many ran. Scapy's side runs for many seconds; a single Strata round
/// takes about 0.1 s, and on a shared machine so short a run measures the scheduler (it varied
/// 2x from run to run) more than the crafter.
fn rounds(mut round: impl FnMut() -> Result<(), String>) -> Result<(Duration, u32), String> {
    let t = Instant::now();
    let mut n = 0u32;
    while n == 0 || t.elapsed() < MIN_TIMED {
        round()?;
        n += 1;
    }
    Ok((t.elapsed() / n, n))
}

fn row(name: &str, d: Duration, n: u64) {
    let s = d.as_secs_f64();
    println!("{name:<34} {s:>10.4} {:>14.0}", n as f64 / s.max(1e-9));
}

fn report_peer(name: &str, secs: Result<f64, String>, n: u64, ours: Duration) {
    match secs {
        Ok(s) => {
            println!("{name:<34} {s:>10.4} {:>14.0}", n as f64 / s.max(1e-9));
            println!("strata is {:.0}x faster", s / ours.as_secs_f64().max(1e-9));
        }
        Err(e) => println!("{name:<34} missing ({e})"),
    }
}

/// Runs Python code (inside a namespace when given) that prints its own loop time.
fn python_seconds(python: &str, ns: Option<&str>, code: &str) -> Result<f64, String> {
    let mut cmd = match ns {
        Some(ns) => {
            let mut c = Command::new("ip");
            c.args(["netns", "exec", ns, python]);
            c
        }
        None => Command::new(python),
    };
    let out = cmd
        .args(["-c", code])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{python}: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(err.lines().last().unwrap_or("failed").to_string());
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .ok_or_else(|| "no timing printed".to_string())
}

/// Moves the calling thread into the named network namespace.
fn enter_netns(ns: &str) -> Result<(), String> {
    let f =
        std::fs::File::open(format!("/var/run/netns/{ns}")).map_err(|e| format!("{ns}: {e}"))?;
    // SAFETY: setns on a valid namespace descriptor affects only the calling thread.
    let rc = unsafe { libc::setns(f.as_raw_fd(), libc::CLONE_NEWNET) };
    if rc != 0 {
        return Err(format!("setns {ns}: {}", std::io::Error::last_os_error()));
    }
    Ok(())
}

/// Two namespaces joined by a veth; deleted on drop.
struct NetnsLab {
    ns_a: String,
    ns_b: String,
    iface: String,
}

impl NetnsLab {
    /// `None` when namespaces cannot be made here (not root, no `ip`).
    fn new() -> Option<NetnsLab> {
        let id = std::process::id() % 100_000;
        let lab = NetnsLab {
            ns_a: format!("strata-bench-a-{id}"),
            ns_b: format!("strata-bench-b-{id}"),
            iface: format!("sbench{id}"),
        };
        let script = format!(
            "set -e
             ip netns add {a}; ip netns add {b}
             ip link add {i} netns {a} type veth peer name {i}p netns {b}
             ip -n {a} link set {i} up; ip -n {b} link set {i}p up",
            a = lab.ns_a,
            b = lab.ns_b,
            i = lab.iface
        );
        let ok = Command::new("sh")
            .args(["-c", &script])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        // On failure, drop removes whatever half got made and the loopback is used.
        ok.then_some(lab)
    }
}

impl Drop for NetnsLab {
    fn drop(&mut self) {
        let _ = Command::new("sh")
            .args([
                "-c",
                &format!(
                    "ip netns del {} 2>/dev/null; ip netns del {} 2>/dev/null",
                    self.ns_a, self.ns_b
                ),
            ])
            .status();
    }
}
