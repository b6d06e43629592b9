//! The wire layer's error: what failed, in which protocol, and how much was needed vs present.

/// Why a protocol header could not be read or written. The decoder adds the frame offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// The buffer ends before the header does (Suricata's `Incomplete(needed)`).
    #[error("{proto}: truncated: needs {needed} bytes, has {had}")]
    Truncated {
        proto: &'static str,
        needed: usize,
        had: usize,
    },
    /// A field holds a value the protocol forbids (e.g. IPv4 IHL < 5).
    #[error("{proto}: malformed: {what}")]
    Malformed {
        proto: &'static str,
        what: &'static str,
    },
    /// An emit target is too small for the header being written.
    #[error("{proto}: buffer too small to emit: needs {needed} bytes, has {had}")]
    BufferTooSmall {
        proto: &'static str,
        needed: usize,
        had: usize,
    },
}

impl WireError {
    /// The protocol that raised the error.
    pub fn proto(&self) -> &'static str {
        match *self {
            WireError::Truncated { proto, .. }
            | WireError::Malformed { proto, .. }
            | WireError::BufferTooSmall { proto, .. } => proto,
        }
    }
}

pub type Result<T> = core::result::Result<T, WireError>;

/// Checks that `buf` holds at least `needed` bytes for `proto`.
#[inline]
pub(crate) fn need(proto: &'static str, buf: &[u8], needed: usize) -> Result<()> {
    if buf.len() < needed {
        Err(WireError::Truncated {
            proto,
            needed,
            had: buf.len(),
        })
    } else {
        Ok(())
    }
}

/// Checks that an emit target holds at least `needed` bytes.
#[inline]
pub(crate) fn room(proto: &'static str, buf: &[u8], needed: usize) -> Result<()> {
    if buf.len() < needed {
        Err(WireError::BufferTooSmall {
            proto,
            needed,
            had: buf.len(),
        })
    } else {
        Ok(())
    }
}
