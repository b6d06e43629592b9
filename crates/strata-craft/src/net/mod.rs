//! The active layer: Scapy's `send` / `sendp` / `sr` / `sr1` / `srp` / `sniff` on Linux.
//!
//! One concern per file: [`route`] (which interface and source address reach a destination),
//! [`neigh`] (the MAC behind an on-link address), [`fill`] (the addresses Scapy resolves at send
//! time), [`send`] (raw IP and packet sockets), [`answers`] (Scapy's `answers()` matching),
//! [`sr`] (send, capture, match) and [`sniff`]. Capture goes through `strata-capture`'s
//! `LiveCapture` with a kernel BPF, so only the probe's peer's packets reach user space.
//!
//! Every call is bounded: counts are explicit, waits have timeouts, and the tools built on top
//! rate-limit their probes.

pub mod answers;
pub mod fill;
pub mod neigh;
pub mod route;
pub mod send;
pub mod sniff;
pub mod sr;

use crate::error::CraftError;

/// Why an active operation failed: which step, on what, and the OS error when there is one.
#[derive(Debug, thiserror::Error)]
pub enum NetError {
    /// A system call failed (`what` names it and its object).
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    /// No route in the kernel's table reaches the destination.
    #[error("no route to {0}")]
    NoRoute(std::net::IpAddr),
    /// The packet could not be built or is not sendable as given.
    #[error(transparent)]
    Craft(#[from] CraftError),
    /// Capture (interface, filter, socket) failed.
    #[error(transparent)]
    Capture(#[from] strata_capture::CaptureError),
    /// Neighbour resolution found no MAC.
    #[error("no answer to ARP / NDP for {0} on {1}")]
    NoNeighbour(std::net::IpAddr, String),
    /// A packet that this operation cannot send (e.g. a layer-2 frame to `send`).
    #[error("{0}")]
    Unsupported(String),
}

pub type Result<T> = core::result::Result<T, NetError>;

/// Wraps the last OS error with the step that failed.
pub(crate) fn os_err(what: impl Into<String>) -> NetError {
    NetError::Io {
        what: what.into(),
        source: std::io::Error::last_os_error(),
    }
}
