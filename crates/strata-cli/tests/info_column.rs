//! The Info column of application protocols (DNS, TLS, HTTP, SSH, DHCP, NTP, NBNS, FTP, SMTP,
//! POP, IMAP, SIP, SNMP, Syslog, TFTP, ISAKMP, ESP, OpenVPN, Bitcoin, Modbus/TCP, RADIUS,
//! RTSP, Kerberos, CIP I/O, QUIC, STUN, DTLS) and of ICMP and ICMPv6 against TShark run here on the
//! shared captures of those protocols (CI installs it). Only rows whose Protocol column
//! (TShark's) is one of these count, so the transport rows' Info is measured elsewhere.

mod common;

use std::process::Command;

/// Protocol-column values whose Info this test measures.
const PROTOCOLS: &[&str] = &[
    "STP",
    "VNC",
    "DNS",
    "MDNS",
    "LLMNR",
    "TLSv1",
    "TLSv1.1",
    "TLSv1.2",
    "TLSv1.3",
    "SSL",
    "HTTP",
    "SSDP",
    "SSH",
    "SSHv2",
    "DHCP",
    "NTP",
    "NBNS",
    "FTP",
    "SMTP",
    "POP",
    "IMAP",
    "SIP",
    "SNMP",
    "Syslog",
    "TFTP",
    "ISAKMP",
    "ESP",
    "OpenVPN",
    "Bitcoin",
    "Modbus/TCP",
    "RADIUS",
    "RTSP",
    "KRB5",
    "CIP I/O",
    "QUIC",
    "STUN",
    "DTLSv1.0",
    "ICMP",
    "ICMPv6",
];

const KEYWORDS: &[&str] = &[
    "spanning_tree",
    "rfb",
    "dns",
    "http",
    "443",
    "tls",
    "ssh",
    "dhcp",
    "ntp",
    "netbios",
    "nbns",
    "ftp",
    "smtp",
    "pop3",
    "imap",
    "sip",
    "snmp",
    "syslog",
    "tftp",
    "ipsec",
    "isakmp",
    "openvpn",
    "bitcoin",
    "modbus",
    "radius",
    "rtsp",
    "kerberos",
    "enip",
    "1kxun",
    "arppoison",
    "quic",
    "stun",
    "capwap",
    "icmp",
    "ping",
];

fn columns(cmd: &mut Command) -> Vec<(String, String)> {
    cmd.args([
        "-n",
        "-T",
        "fields",
        "-e",
        "_ws.col.Protocol",
        "-e",
        "_ws.col.Info",
    ]);
    let out = cmd.output().expect("runs");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let (p, i) = l.split_once('\t').unwrap_or((l, ""));
            (p.to_string(), i.to_string())
        })
        .collect()
}

/// TShark's and Strata's (Protocol, Info) rows of a capture.
type Rows = Vec<(String, String)>;

fn both(cap: &std::path::Path) -> (Rows, Rows) {
    let want = columns(Command::new("tshark").arg("-r").arg(cap));
    let got = columns(
        Command::new(env!("CARGO_BIN_EXE_strata"))
            .args(["dissect", "-r"])
            .arg(cap),
    );
    (want, got)
}

#[test]
fn application_info_column_against_tshark() {
    let Some(dir) = common::corpus() else {
        return;
    };
    let caps = common::captures_named(&dir, KEYWORDS);
    let (mut rows, mut same) = (0usize, 0usize);
    for cap in &caps {
        let (want, got) = both(cap);
        for (i, (proto, info)) in want.iter().enumerate() {
            if !PROTOCOLS.contains(&proto.as_str()) {
                continue;
            }
            rows += 1;
            let ok = got.get(i).is_some_and(|g| &g.1 == info);
            same += usize::from(ok);
            if !ok && std::env::var_os("INFO_VERBOSE").is_some() {
                eprintln!(
                    "{} #{}: tshark={info:?} strata={:?}",
                    cap.display(),
                    i + 1,
                    got.get(i).map(|g| &g.1)
                );
            }
        }
    }
    let pct = 100.0 * same as f64 / rows.max(1) as f64;
    eprintln!(
        "application Info: {same}/{rows} rows equal to TShark ({pct:.1}%) over {} captures",
        caps.len()
    );
    assert!(caps.len() >= 20 && rows > 2000);
    assert!(
        pct >= THRESHOLD,
        "application Info agrees on only {pct:.1}%"
    );
}

/// Just under what the dissector reaches (see tools/info-diff for the per-protocol view).
const THRESHOLD: f64 = 92.0;

/// TCP rows of captures with long messages split over segments: where segments were lost in
/// the middle of a message (HTTP bodies, TLS records), TShark keeps counting the segments up
/// to the message's announced end as "[TCP segment of a reassembled PDU]" though it can never
/// complete; a chunked HTTP body shows its start line on every segment (cryptowall4).
#[test]
fn tcp_info_of_message_segments_against_tshark() {
    let Some(dir) = common::corpus() else {
        return;
    };
    let caps = common::captures_named(
        &dir,
        &["netflix", "instagram", "wechat", "teams", "cryptowall4"],
    );
    let (mut rows, mut same, mut lost_pdu, mut chunked) = (0usize, 0usize, 0usize, 0usize);
    for cap in &caps {
        let (want, got) = both(cap);
        for (i, (proto, info)) in want.iter().enumerate() {
            if proto != "TCP" {
                continue;
            }
            rows += 1;
            let ok = got.get(i).is_some_and(|g| &g.1 == info);
            same += usize::from(ok);
            lost_pdu += usize::from(
                ok && info.starts_with("[TCP Previous segment not captured]")
                    && info.ends_with("[TCP segment of a reassembled PDU]"),
            );
            chunked += usize::from(
                ok && info.starts_with("HTTP/1.1 200 OK  [TCP segment of a reassembled PDU]"),
            );
        }
    }
    let pct = 100.0 * same as f64 / rows.max(1) as f64;
    eprintln!(
        "TCP Info of message segments: {same}/{rows} rows equal to TShark ({pct:.1}%) over {} \
         captures; {lost_pdu} segments after a gap in a message, {chunked} of chunked bodies",
        caps.len()
    );
    assert!(
        caps.len() == 5 && rows > 3000,
        "{} captures, {rows} rows",
        caps.len()
    );
    assert!(lost_pdu >= 20 && chunked >= 100, "{lost_pdu}, {chunked}");
    assert!(pct >= 95.0, "{pct:.1}% < 95%");
}
