//! What the integration tests share: where ../shared is, and the rule that a test needing it
//! says loudly that it did not run, except under CI where its absence is a failure.

use std::path::{Path, PathBuf};

/// `../shared` beside the repository, or None (with a SKIPPED line) outside CI.
#[allow(dead_code)]
pub fn shared_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    if dir.is_dir() {
        return Some(dir);
    }
    eprintln!("SKIPPED: ../shared not found (looked at {})", dir.display());
    assert!(
        std::env::var_os("CI").is_none(),
        "../shared is required when CI is set"
    );
    None
}

/// Whether TShark runs here; if not, says SKIPPED (and fails under CI, which installs it).
#[allow(dead_code)]
pub fn tshark_available() -> bool {
    let ok = std::process::Command::new("tshark")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("SKIPPED: tshark not installed");
        assert!(std::env::var_os("CI").is_none(), "CI installs tshark");
    }
    ok
}

/// The bytes of a hex dump (whitespace ignored), for golden frames written out in a test.
#[allow(dead_code)]
pub fn hex_frame(hex: &str) -> Vec<u8> {
    let s: String = hex.split_whitespace().collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex digits"))
        .collect()
}

/// A captured Ethernet frame at a fixed time (2023-11-14), as the golden tests feed one.
#[allow(dead_code)]
pub fn ethernet_packet(data: &[u8]) -> strata_capture::Packet<'_> {
    strata_capture::Packet {
        ts: strata_capture::Timestamp::new(1700000000, 0),
        orig_len: data.len() as u32,
        link_type: strata_wire::LinkType::ETHERNET,
        interface_id: 0,
        data,
    }
}
