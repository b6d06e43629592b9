//! `strata bench`: Strata and its peers on the same input, in one run, with the ratios.
//!
//! Each contender runs `--runs` times; the best wall time counts (the least disturbed run).
//! Peers that are not installed are reported as missing, not silently skipped.

use clap::{Args as ClapArgs, Subcommand};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};
use strata_capture::file::FileReader;
use strata_capture::PacketSource;
use strata_dissect::Dissector;

#[derive(ClapArgs)]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(Subcommand)]
enum What {
    /// Read and decode every packet of FILE: Strata (every layer, in process) vs
    /// `tcpdump -r FILE -w /dev/null` (libpcap's read loop) vs `tshark -T fields -e frame.number`.
    Decode {
        #[arg(short = 'r', value_name = "FILE")]
        read: String,
        /// Runs per contender; the best counts.
        #[arg(long, default_value_t = 3)]
        runs: u32,
        /// Runs of tshark, a few hundred times slower than the rest (0 leaves it out).
        #[arg(long, default_value_t = 1)]
        tshark_runs: u32,
    },
    /// `-T fields` with the 61 reference fields of ../shared/corpus/tshark-ref (or those given
    /// with -e), optionally with a display filter: `strata dissect` vs `tshark`, same flags.
    Fields {
        #[arg(short = 'r', value_name = "FILE")]
        read: String,
        #[arg(short = 'e', value_name = "FIELD")]
        fields: Vec<String>,
        /// A display filter applied by both (tshark's -Y).
        #[arg(short = 'Y', value_name = "FILTER")]
        filter: Option<String>,
        #[arg(long, default_value_t = 1)]
        runs: u32,
    },
    /// Meter FILE into flows (statistics and SPLT 10 on, one meter): `strata flows` with 1 and
    /// 2 threads vs NFStream 6.6 (`python3 -c ... NFStreamer(...)`), with peak memory.
    Flows {
        #[arg(short = 'r', value_name = "FILE")]
        read: String,
        #[arg(long, default_value_t = 1)]
        runs: u32,
        /// Python interpreter with nfstream installed.
        #[arg(long, default_value = "python3")]
        python: String,
    },
    /// Crafting vs Scapy: spec-to-bytes builds per second (`raw()`), and packets built and
    /// sent per second at layer 2 on a veth in a namespace the bench creates (`sendp`).
    Craft(crate::bench_craft::Args),
}

struct Row {
    name: String,
    best: Option<Duration>,
    packets: u64,
    note: String,
}

/// Runs a child to completion; returns (wall time, peak RSS in KiB, success) from wait4.
fn timed_child(prog: &str, args: &[&str]) -> std::io::Result<(Duration, u64, bool)> {
    let t = Instant::now();
    let child = Command::new(prog)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let mut status = 0;
    // SAFETY: rusage is plain old data, zero is a valid value; wait4 fills it for our child.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waiting on the pid of a child we spawned and have not waited for yet.
    let r = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut ru) };
    if r < 0 {
        return Err(std::io::Error::last_os_error());
    }
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    Ok((t.elapsed(), ru.ru_maxrss as u64, ok))
}

/// The 61 fields of the TShark references (conformance-dissect's set), minus `_ws.col.Info`.
const REFERENCE_FIELDS: &str = "frame.number frame.time_epoch frame.len frame.cap_len eth.src eth.dst eth.type vlan.id ip.src ip.dst ip.proto ip.ttl ip.len ip.id ip.flags.mf ip.frag_offset ipv6.src ipv6.dst ipv6.nxt ipv6.hlim tcp.srcport tcp.dstport tcp.flags tcp.seq_raw tcp.ack_raw tcp.window_size_value tcp.len udp.srcport udp.dstport udp.length icmp.type icmp.code icmpv6.type arp.opcode arp.src.hw_mac arp.src.proto_ipv4 arp.dst.proto_ipv4 dns.id dns.flags.response dns.qry.name dns.qry.type dns.a dns.aaaa http.request.method http.request.uri http.host http.user_agent http.response.code tls.handshake.type tls.handshake.version tls.handshake.extensions_server_name tls.handshake.extensions_alpn_str tls.handshake.ciphersuite dhcp.option.dhcp dhcp.option.hostname ntp.stratum ssh.protocol _ws.col.Protocol _ws.col.Info";

fn fields_bench(
    path: &str,
    fields: Vec<String>,
    filter: Option<String>,
    runs: u32,
) -> Result<ExitCode, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let exe = exe.to_string_lossy().to_string();
    let fields: Vec<String> = if fields.is_empty() {
        REFERENCE_FIELDS.split(' ').map(str::to_string).collect()
    } else {
        fields
    };
    let mut args: Vec<String> = vec![
        "-r".into(),
        path.into(),
        "-n".into(),
        "-T".into(),
        "fields".into(),
    ];
    for e in ["header=y", "separator=/t", "occurrence=f"] {
        args.push("-E".into());
        args.push(e.into());
    }
    for f in &fields {
        args.push("-e".into());
        args.push(f.clone());
    }
    if let Some(y) = &filter {
        args.push("-Y".into());
        args.push(y.clone());
    }
    let mut ours: Vec<String> = vec!["dissect".into()];
    ours.extend(args.iter().cloned());
    let packets = {
        let mut src = FileReader::open(path).map_err(|e| e.to_string())?;
        let mut n = 0u64;
        while let Ok(Some(_)) = src.next_packet() {
            n += 1;
        }
        n
    };
    println!(
        "input: {path} ({packets} packets), {} fields{}",
        fields.len(),
        filter
            .as_ref()
            .map_or(String::new(), |f| format!(", -Y {f:?}"))
    );
    println!(
        "{:<22} {:>10} {:>14} {:>12} {:>12}",
        "contender", "seconds", "packets/s", "strata is", "peak RSS"
    );
    let mut base = None;
    for (name, prog, argv) in [
        ("strata dissect", exe.as_str(), &ours),
        ("tshark 4.0", "tshark", &args),
    ] {
        let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
        let mut best: Option<(Duration, u64)> = None;
        let mut note = String::new();
        for _ in 0..runs {
            match timed_child(prog, &argv) {
                Ok((d, rss, true)) => {
                    if best.is_none_or(|(b, _)| d < b) {
                        best = Some((d, rss));
                    }
                }
                Ok((_, _, false)) => note = "failed".into(),
                Err(e) => note = format!("not run: {e}"),
            }
        }
        let secs = best.map(|(d, _)| d.as_secs_f64());
        if base.is_none() {
            base = secs;
        }
        println!(
            "{:<22} {:>10} {:>14} {:>12} {:>9} MiB  {}",
            name,
            secs.map_or("-".into(), |s| format!("{s:.3}")),
            secs.map_or("-".into(), |s| format!(
                "{:.0}",
                packets as f64 / s.max(1e-9)
            )),
            match (base, secs) {
                (Some(o), Some(s)) => format!("{:.1}x", s / o.max(1e-9)),
                _ => "-".into(),
            },
            best.map_or("-".into(), |(_, r)| format!("{:.1}", r as f64 / 1024.0)),
            note
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn flows(path: &str, runs: u32, python: &str) -> Result<ExitCode, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let exe = exe.to_string_lossy().to_string();
    let packets = {
        let mut src = FileReader::open(path).map_err(|e| e.to_string())?;
        let mut n = 0u64;
        while let Ok(Some(_)) = src.next_packet() {
            n += 1;
        }
        n
    };
    let script = format!(
        "from nfstream import NFStreamer\nn=0\nfor f in NFStreamer(source={path:?}, statistical_analysis=True, splt_analysis=10, n_meters=1):\n    n+=1\nprint(n)"
    );
    let contenders: Vec<(String, String, Vec<String>)> = vec![
        (
            "strata flows (1 thread)".into(),
            exe.clone(),
            [
                "flows",
                "-r",
                path,
                "--statistics",
                "--splt",
                "10",
                "-o",
                "/dev/null",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        ),
        (
            "strata flows --threads 2".into(),
            exe.clone(),
            [
                "flows",
                "-r",
                path,
                "--statistics",
                "--splt",
                "10",
                "--threads",
                "2",
                "-o",
                "/dev/null",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        ),
        (
            "nfstream 6.6 (n_meters=1)".into(),
            python.to_string(),
            vec!["-c".into(), script],
        ),
    ];
    println!("input: {path} ({packets} packets)");
    println!(
        "{:<30} {:>10} {:>14} {:>12} {:>12}  note",
        "contender", "seconds", "packets/s", "strata is", "peak RSS"
    );
    let mut ours = None;
    for (name, prog, args) in contenders {
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut best: Option<(Duration, u64)> = None;
        let mut note = String::new();
        for _ in 0..runs {
            match timed_child(&prog, &argv) {
                Ok((d, rss, true)) => {
                    if best.is_none_or(|(b, _)| d < b) {
                        best = Some((d, rss));
                    }
                }
                Ok((_, _, false)) => {
                    note = "failed".into();
                    break;
                }
                Err(e) => {
                    note = format!("not run: {e}");
                    break;
                }
            }
        }
        let secs = best.map(|(d, _)| d.as_secs_f64());
        if ours.is_none() {
            ours = secs;
        }
        let ratio = match (ours, secs) {
            (Some(o), Some(s)) => format!("{:.1}x", s / o.max(1e-9)),
            _ => "-".into(),
        };
        println!(
            "{:<30} {:>10} {:>14} {:>12} {:>9} MiB  {}",
            name,
            secs.map_or("-".into(), |s| format!("{s:.3}")),
            secs.map_or("-".into(), |s| format!(
                "{:.0}",
                packets as f64 / s.max(1e-9)
            )),
            ratio,
            best.map_or("-".into(), |(_, r)| format!("{:.1}", r as f64 / 1024.0)),
            note
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run(a: Args) -> Result<ExitCode, String> {
    match a.what {
        What::Decode {
            read,
            runs,
            tshark_runs,
        } => decode(&read, runs.max(1), tshark_runs),
        What::Flows { read, runs, python } => flows(&read, runs.max(1), &python),
        What::Fields {
            read,
            fields,
            filter,
            runs,
        } => fields_bench(&read, fields, filter, runs.max(1)),
        What::Craft(a) => crate::bench_craft::run(a),
    }
}

fn decode(path: &str, runs: u32, tshark_runs: u32) -> Result<ExitCode, String> {
    let mut rows = Vec::new();
    // Strata, twice: the layer-stack decoder alone (every L2-L4 and tunnel header, what the
    // flow meter and filters need), then the whole dissector (application layers, TCP
    // reassembly, IP defragmentation). Nothing printed.
    let mut packets = 0;
    for full in [false, true] {
        let mut best = None;
        let mut layers = 0u64;
        for _ in 0..runs {
            let t = Instant::now();
            let mut src = FileReader::open(path).map_err(|e| e.to_string())?;
            let mut d = Dissector::new();
            let mut decoded = strata_wire::Decoded::new();
            let (mut n, mut l) = (0u64, 0u64);
            loop {
                match src.next_packet() {
                    Ok(Some(p)) if full => {
                        l += d.dissect(&p).decoded.layers().len() as u64;
                        n += 1;
                    }
                    Ok(Some(p)) => {
                        strata_wire::decode(p.link_type, p.data, &mut decoded);
                        l += decoded.layers().len() as u64;
                        n += 1;
                    }
                    Ok(None) => break,
                    Err(e) => return Err(e.to_string()),
                }
            }
            let el = t.elapsed();
            best = Some(best.map_or(el, |b: Duration| b.min(el)));
            packets = n;
            layers = l;
        }
        rows.push(Row {
            name: if full {
                "strata (read + full dissection)".into()
            } else {
                "strata (read + decode every L2-L4 layer)".into()
            },
            best,
            packets,
            note: format!("{layers} layers"),
        });
    }
    rows.push(peer(
        "tcpdump -r FILE -w /dev/null (libpcap read)",
        "tcpdump",
        &["-r", path, "-w", "/dev/null"],
        runs,
        packets,
    ));
    if tshark_runs > 0 {
        rows.push(peer(
            "tshark -r FILE -T fields -e frame.number",
            "tshark",
            &["-r", path, "-n", "-T", "fields", "-e", "frame.number"],
            tshark_runs,
            packets,
        ));
    }
    print_table(path, &rows);
    Ok(ExitCode::SUCCESS)
}

fn peer(name: &str, prog: &str, args: &[&str], runs: u32, packets: u64) -> Row {
    let mut best = None;
    let mut note = String::new();
    for _ in 0..runs {
        let t = Instant::now();
        let r = Command::new(prog)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        match r {
            Ok(s) if s.success() => {
                let el = t.elapsed();
                best = Some(best.map_or(el, |b: Duration| b.min(el)));
            }
            Ok(s) => {
                note = format!("exited with {s}");
                break;
            }
            Err(e) => {
                note = format!("not run: {prog}: {e}");
                break;
            }
        }
    }
    Row {
        name: name.into(),
        best,
        packets,
        note,
    }
}

fn print_table(path: &str, rows: &[Row]) {
    println!("input: {path} ({} packets)", rows[0].packets);
    println!(
        "{:<48} {:>10} {:>14} {:>12}  note",
        "contender", "seconds", "packets/s", "strata is"
    );
    let ours = rows[0].best.map(|d| d.as_secs_f64());
    for r in rows {
        let secs = r.best.map(|d| d.as_secs_f64());
        let pps = secs.map(|s| r.packets as f64 / s.max(1e-9));
        let ratio = match (ours, secs) {
            (Some(o), Some(s)) => format!("{:.1}x", s / o.max(1e-9)),
            _ => "-".into(),
        };
        println!(
            "{:<48} {:>10} {:>14} {:>12}  {}",
            r.name,
            secs.map_or("-".into(), |s| format!("{s:.3}")),
            pps.map_or("-".into(), |p| format!("{p:.0}")),
            ratio,
            r.note
        );
    }
}
