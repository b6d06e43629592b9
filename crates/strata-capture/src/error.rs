//! One error enum for the capture layer. Every variant says what went wrong, where (file and
//! byte offset, or interface) and how much (needed vs had) so the CLI can print it on one line.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("{path}: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: read error at byte {offset}: {source}")]
    Read {
        path: PathBuf,
        offset: u64,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a pcap or pcapng file (magic {magic:02x?})")]
    UnknownFormat { path: PathBuf, magic: [u8; 4] },
    #[error("{path}: cut short at byte {offset}: {what} needs {needed} bytes, {had} left")]
    Truncated {
        path: PathBuf,
        offset: u64,
        what: &'static str,
        needed: u64,
        had: u64,
    },
    #[error("{path}: corrupt at byte {offset}: {what}")]
    Corrupt {
        path: PathBuf,
        offset: u64,
        what: String,
    },
    #[error("{path}: write error: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("interface {iface}: {what}: {source}")]
    Live {
        iface: String,
        what: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("no such interface: {0}")]
    NoSuchInterface(String),
    #[error("capture filter {filter:?}: at column {column}: {what}")]
    Filter {
        filter: String,
        column: usize,
        what: String,
    },
}
