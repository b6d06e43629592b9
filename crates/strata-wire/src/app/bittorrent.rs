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

/// The types of the messages a segment holds whole: after the handshake if it begins with
/// one, each length-prefixed message in turn (keep-alives have none). Stops at an unknown
/// type or at a message that continues past the segment (Wireshark shows that one where it
/// completes).
pub fn msg_types(b: &[u8]) -> impl Iterator<Item = u8> + '_ {
    let mut rest = if handshake(b).is_some() {
        b.get(68..).unwrap_or_default()
    } else {
        b
    };
    core::iter::from_fn(move || loop {
        let len = u32::from_be_bytes(rest.get(..4)?.try_into().ok()?) as usize;
        if len == 0 {
            rest = &rest[4..];
            continue;
        }
        let t = rest.get(4).copied().filter(|&t| t <= 20)?;
        rest = rest.get(4usize.checked_add(len)?..)?;
        return Some(t);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_types_after_the_handshake() {
        let mut b = vec![19];
        b.extend_from_slice(PROTOCOL);
        b.extend([0; 48]);
        b.extend([0, 0, 0, 3, 20, 0, 0]); // extended
        b.extend([0, 0, 0, 0]); // keep-alive
        b.extend([0, 0, 0, 5, 4, 0, 0, 2, 0xd2]); // have
        b.extend([0, 0, 0x40, 9, 7, 0, 0]); // piece, continuing past the segment
        assert_eq!(msg_types(&b).collect::<Vec<_>>(), [20, 4]);
        assert_eq!(msg_types(&[0, 0, 0, 1, 99]).count(), 0);
        assert_eq!(msg_types(&[0, 0, 0]).count(), 0);
    }
}
