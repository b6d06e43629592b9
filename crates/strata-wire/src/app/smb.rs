//! SMB and SMB2 headers behind the NetBIOS session header (4 bytes) of TCP 139/445.

/// SMB1: the command byte.
pub fn smb1_command(b: &[u8]) -> Option<u8> {
    (b.get(4..8)? == b"\xffSMB")
        .then(|| b.get(8).copied())
        .flatten()
}

/// The most SMB2 headers read from one compound message.
pub const MAX_COMPOUND: usize = 64;

/// SMB2: (command, message id, is a response) of the first header.
pub fn smb2_header(b: &[u8]) -> Option<(u16, u64, bool)> {
    smb2_headers(b).next()
}

/// SMB2: (command, message id, is a response) of every header of a compound message, each
/// found at its predecessor's NextCommand offset (MS-SMB2 3.2.4.1.4); stops at a malformed one.
pub fn smb2_headers(b: &[u8]) -> impl Iterator<Item = (u16, u64, bool)> + '_ {
    let mut at = Some(4usize);
    core::iter::from_fn(move || {
        let h = b.get(at?..)?.get(..64)?;
        if &h[..4] != b"\xfeSMB" {
            return None;
        }
        let cmd = u16::from_le_bytes([h[12], h[13]]);
        let flags = u32::from_le_bytes([h[16], h[17], h[18], h[19]]);
        let next = u32::from_le_bytes([h[20], h[21], h[22], h[23]]) as usize;
        let id = u64::from_le_bytes(h[24..32].try_into().ok()?);
        // A next header inside this one would loop.
        at = at.filter(|_| next >= 64).and_then(|a| a.checked_add(next));
        Some((cmd, id, flags & 1 != 0))
    })
    .take(MAX_COMPOUND)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(cmd: u16, next: u32, id: u64) -> Vec<u8> {
        let mut h = vec![0u8; 64];
        h[..4].copy_from_slice(b"\xfeSMB");
        h[12..14].copy_from_slice(&cmd.to_le_bytes());
        h[20..24].copy_from_slice(&next.to_le_bytes());
        h[24..32].copy_from_slice(&id.to_le_bytes());
        h
    }

    #[test]
    fn compound_headers_follow_next_command() {
        let mut b = vec![0, 0, 0, 0];
        b.extend(header(5, 72, 10));
        b.extend([0; 8]);
        b.extend(header(14, 64, 11));
        b.extend(header(6, 0, 12));
        let cmds: Vec<_> = smb2_headers(&b).map(|h| (h.0, h.1)).collect();
        assert_eq!(cmds, [(5, 10), (14, 11), (6, 12)]);
        assert_eq!(smb2_header(&b), Some((5, 10, false)));
    }

    #[test]
    fn compound_stops_at_a_short_or_looping_next() {
        let mut b = vec![0, 0, 0, 0];
        b.extend(header(5, 8, 1));
        assert_eq!(smb2_headers(&b).count(), 1);
        let mut b = vec![0, 0, 0, 0];
        b.extend(header(5, 64, 1));
        b.extend([0xfe, b'S']);
        assert_eq!(smb2_headers(&b).count(), 1);
    }
}
