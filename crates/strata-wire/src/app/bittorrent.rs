//! BitTorrent peer wire protocol (BEP 3): the handshake and message types.

/// The protocol string every handshake starts with.
pub const PROTOCOL: &[u8] = b"BitTorrent protocol";

/// A handshake's fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handshake<'a> {
    pub protocol: &'a [u8],
    pub info_hash: &'a [u8],
    /// Absent when the capture cut the handshake short.
    pub peer_id: Option<&'a [u8]>,
}

/// The handshake at the front of `b`.
pub fn handshake(b: &[u8]) -> Option<Handshake<'_>> {
    if b.first() != Some(&19) || b.get(1..20)? != PROTOCOL {
        return None;
    }
    Some(Handshake {
        protocol: &b[1..20],
        info_hash: b.get(28..48)?,
        peer_id: b.get(48..68),
    })
}

/// The type of the length-prefixed message at the front of `b` (None for a keep-alive).
pub fn msg_type(b: &[u8]) -> Option<u8> {
    let len = u32::from_be_bytes(b.get(..4)?.try_into().ok()?);
    if len == 0 || b.first() == Some(&19) {
        return None;
    }
    b.get(4).copied().filter(|&t| t <= 20)
}
