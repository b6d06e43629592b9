//! `frame.protocols` and `-z io,phs` against TShark run here on a handful of shared captures
//! (CI installs it): both come from one protocol chain (`Frame::chain`), so this checks the
//! `ethertype` steps, wrapper protocols (nbss, udpencap, enip, rpc, tpkt), `data` for
//! unclaimed payload, TLS items per TCP hand-off and HTTP media types.
//! `tools/protocols-diff` runs the same comparison over the whole corpus.

mod common;

use std::process::Command;

const CAPTURES: &[&str] = &[
    "ndpi__443-curl.pcap",
    "chrissanders-packets__http_espn.pcapng",
    "ndpi__smb_deletefile.pcap",
    "ndpi__ipsec_isakmp_esp.pcap",
    "suricata-verify__enip-keywords_enip_cip_example.pcap",
    "ndpi__nfsv3.pcap",
    "ndpi__modbus.pcap",
    "ndpi__capwap.pcap",
    "ndpi__pim.pcap",
    "tcpdump__LACP.pcap",
    "scapy__pfcp.pcap",
    "ndpi__teams.pcap",
    "chrissanders-packets__activeosfingerprinting.pcapng",
    "chrissanders-packets__3e80211_wpaauth.pcapng",
    "ndpi__tftp.pcap",
    "ndpi__jabber.pcap",
    "suricata-verify__rdp-protocol_RDP-003.pcap",
    "ndpi__vxlan.pcap",
    "chrissanders-packets__ipv6_fragments.pcapng",
    "tcpdump__mpls-traceroute.pcap",
];

fn out(cmd: &mut Command) -> String {
    String::from_utf8_lossy(&cmd.output().expect("runs").stdout).into_owned()
}

#[test]
fn frame_protocols_and_phs_against_tshark() {
    let Some(dir) = common::corpus() else {
        return;
    };
    let (mut rows, mut same, mut phs_same, mut shown) = (0usize, 0usize, 0usize, 0);
    for name in CAPTURES {
        let cap = dir.join(name);
        let fields = ["-n", "-T", "fields", "-e", "frame.protocols"];
        let phs = ["-n", "-q", "-z", "io,phs"];
        let want = out(Command::new("tshark").arg("-r").arg(&cap).args(fields));
        let strata = || {
            let mut c = Command::new(env!("CARGO_BIN_EXE_strata"));
            c.args(["dissect", "-r"]).arg(&cap);
            c
        };
        let got = out(strata().args(fields));
        let (want, got): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
        rows += want.len();
        for (i, w) in want.iter().enumerate() {
            if got.get(i) == Some(w) {
                same += 1;
            } else if shown < 10 {
                shown += 1;
                eprintln!("{name} #{}: tshark {w} strata {:?}", i + 1, got.get(i));
            }
        }
        let want = out(Command::new("tshark").arg("-r").arg(&cap).args(phs));
        let got = out(strata().args(phs));
        if want == got {
            phs_same += 1;
        } else {
            eprintln!("{name}: io,phs differs");
        }
    }
    let pct = 100.0 * same as f64 / rows.max(1) as f64;
    eprintln!(
        "frame.protocols: {same}/{rows} rows equal to TShark ({pct:.1}%); io,phs: {phs_same}/{} captures identical",
        CAPTURES.len()
    );
    assert!(rows > 5000);
    assert!(pct >= 97.0, "frame.protocols agrees on only {pct:.1}%");
    assert!(
        phs_same >= 12,
        "io,phs identical on only {phs_same} captures"
    );
}
