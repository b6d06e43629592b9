//! STUN (RFC 5389, TURN RFC 5766) messages: the header (type, length, magic cookie,
//! transaction id) and the attributes after it.

/// The 20-byte header: (type, length, cookie, transaction id).
pub fn header(b: &[u8]) -> Option<(u16, u16, &[u8], &[u8])> {
    let h = b.get(..20)?;
    if h[0] & 0xc0 != 0 {
        return None;
    }
    Some((
        u16::from_be_bytes([h[0], h[1]]),
        u16::from_be_bytes([h[2], h[3]]),
        &h[4..8],
        &h[8..20],
    ))
}

/// RFC 5389's magic cookie.
pub const MAGIC_COOKIE: u32 = 0x2112_a442;

/// The attributes of a message (after its 20-byte header, within its declared length), as
/// (type, value); values are padded to 4 bytes on the wire. Stops at an attribute that
/// overruns the message.
pub fn attributes(b: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let declared = header(b).map_or(0, |(_, len, _, _)| len as usize);
    let body = b
        .get(20..20 + declared)
        .or_else(|| b.get(20..))
        .unwrap_or_default();
    let mut off = 0usize;
    std::iter::from_fn(move || {
        let h = body.get(off..off + 4)?;
        let ty = u16::from_be_bytes([h[0], h[1]]);
        let len = u16::from_be_bytes([h[2], h[3]]) as usize;
        let value = body.get(off + 4..off + 4 + len)?;
        off += 4 + len.div_ceil(4) * 4;
        Some((ty, value))
    })
}

/// An address attribute's (family, port, address bytes), un-XORed for the XOR-* attributes
/// with the cookie and the transaction id `tid`.
pub fn address(value: &[u8], xor: bool, tid: &[u8]) -> Option<(u8, u16, Vec<u8>)> {
    let family = *value.get(1)?;
    let mut port = u16::from_be_bytes([*value.get(2)?, *value.get(3)?]);
    let n = match family {
        1 => 4,
        2 => 16,
        _ => return None,
    };
    let mut addr = value.get(4..4 + n)?.to_vec();
    if xor {
        port ^= (MAGIC_COOKIE >> 16) as u16;
        let mut key = MAGIC_COOKIE.to_be_bytes().to_vec();
        key.extend_from_slice(tid);
        for (a, k) in addr.iter_mut().zip(key) {
            *a ^= k;
        }
    }
    Some((family, port, addr))
}
