//! What the tests that compare Strata with TShark on ../shared's corpus share.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The corpus' capture folder (`STRATA_SHARED` or ../shared beside the checkout), when it and
/// TShark are there. Without them the test says SKIPPED, loudly, and fails when `CI` is set.
pub fn corpus() -> Option<PathBuf> {
    let dir = match std::env::var_os("STRATA_SHARED") {
        Some(d) => PathBuf::from(d).join("corpus/pcap"),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/pcap"),
    };
    if !dir.is_dir() {
        eprintln!("SKIPPED: ../shared not found");
        assert!(
            std::env::var_os("CI").is_none(),
            "../shared is required when CI is set"
        );
        return None;
    }
    if Command::new("tshark").arg("--version").output().is_err() {
        eprintln!("SKIPPED: tshark not installed");
        assert!(std::env::var_os("CI").is_none(), "CI installs tshark");
        return None;
    }
    Some(dir)
}

/// The corpus captures whose names contain one of `keywords` (case-insensitively), sorted.
pub fn captures_named(dir: &Path, keywords: &[&str]) -> Vec<PathBuf> {
    let mut caps: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("the corpus folder lists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let n = p
                .file_name()
                .map(|n| n.to_string_lossy().to_lowercase())
                .unwrap_or_default();
            keywords.iter().any(|k| n.contains(k))
        })
        .collect();
    caps.sort();
    caps
}
