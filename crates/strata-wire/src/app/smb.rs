//! SMB and SMB2 headers behind the NetBIOS session header (4 bytes) of TCP 139/445.

/// SMB1: the command byte.
pub fn smb1_command(b: &[u8]) -> Option<u8> {
    (b.get(4..8)? == b"\xffSMB")
        .then(|| b.get(8).copied())
        .flatten()
}

/// SMB2: (command, message id, is a response).
pub fn smb2_header(b: &[u8]) -> Option<(u16, u64, bool)> {
    let h = b.get(4..4 + 64)?;
    if &h[..4] != b"\xfeSMB" {
        return None;
    }
    let cmd = u16::from_le_bytes([h[12], h[13]]);
    let flags = u32::from_le_bytes([h[16], h[17], h[18], h[19]]);
    let id = u64::from_le_bytes(h[24..32].try_into().ok()?);
    Some((cmd, id, flags & 1 != 0))
}
