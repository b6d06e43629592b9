//! SSH (RFC 4253): the identification line (`SSH-2.0-software comments`), the cleartext
//! binary packets that follow it until NEWKEYS, and the KEXINIT message's algorithm lists.

use crate::bytes::be32;

/// The identification line at the front of `b` without its line end, once the line end has
/// arrived; None if `b` does not start with `SSH-`.
pub fn banner(b: &[u8]) -> Option<&[u8]> {
    if !b.starts_with(b"SSH-") {
        return None;
    }
    let nl = b.iter().take(255).position(|&c| c == b'\n')?;
    let l = &b[..nl];
    Some(l.strip_suffix(b"\r").unwrap_or(l))
}

/// The protocol major version a banner announces: 2 for `SSH-2.0` and `SSH-1.99`, else 1.
pub fn banner_major(banner: &[u8]) -> u8 {
    if banner.starts_with(b"SSH-2.") || banner.starts_with(b"SSH-1.99") {
        2
    } else {
        1
    }
}

/// Message codes (RFC 4253 12).
pub mod msg {
    pub const KEXINIT: u8 = 20;
    pub const NEWKEYS: u8 = 21;
}

/// The longest cleartext binary packet accepted (OpenSSH's PACKET_MAX_SIZE, 256 KiB): a
/// longer length means the bytes are not a cleartext packet (e.g. the capture started after
/// the key exchange).
pub const MAX_PACKET: u32 = 256 * 1024;

/// The name-lists of a KEXINIT, in order (indices into [`KexInit::lists`]).
pub mod list {
    pub const KEX: usize = 0;
    pub const SERVER_HOST_KEY: usize = 1;
    pub const ENCRYPTION_C2S: usize = 2;
    pub const ENCRYPTION_S2C: usize = 3;
    pub const MAC_C2S: usize = 4;
    pub const MAC_S2C: usize = 5;
    pub const COMPRESSION_C2S: usize = 6;
    pub const COMPRESSION_S2C: usize = 7;
    pub const LANGUAGES_C2S: usize = 8;
    pub const LANGUAGES_S2C: usize = 9;
    pub const COUNT: usize = 10;
}

/// One cleartext binary packet: `packet_length`, `padding_length`, the payload (message code
/// first) and the padding, all inside the packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packet<'a> {
    pub packet_length: u32,
    pub padding_length: u8,
    pub payload: &'a [u8],
    pub padding: &'a [u8],
}

impl Packet<'_> {
    /// The message code (the payload's first byte).
    pub fn message_code(&self) -> Option<u8> {
        self.payload.first().copied()
    }
}

/// The bytes a cleartext packet at the front of `b` takes on the wire (4 + packet_length),
/// once its header is there; None for fewer than 5 bytes or an impossible length (over
/// [`MAX_PACKET`], or leaving no room for a message code after the padding).
pub fn packet_len(b: &[u8]) -> Option<usize> {
    let len = be32(b.get(..5)?, 0);
    // packet_length covers the padding_length byte, the payload and the padding; a packet
    // carries a message, so at least its one-byte code (RFC 4253 §6).
    (len > b[4] as u32 + 1 && len <= MAX_PACKET).then_some(4 + len as usize)
}

/// The whole cleartext packet at the front of `b`.
pub fn packet(b: &[u8]) -> Option<Packet<'_>> {
    let n = packet_len(b)?;
    let p = b.get(..n)?;
    let pad = p[4];
    let payload_end = n - pad as usize;
    Some(Packet {
        packet_length: (n - 4) as u32,
        padding_length: pad,
        payload: &p[5..payload_end],
        padding: &p[payload_end..],
    })
}

/// A KEXINIT payload's fields (RFC 4253 7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KexInit<'a> {
    pub cookie: &'a [u8],
    /// The ten name-lists, comma-separated, in [`list`] order.
    pub lists: [&'a [u8]; list::COUNT],
    pub first_kex_packet_follows: u8,
    /// The reserved uint32, as bytes.
    pub reserved: &'a [u8],
}

/// The KEXINIT at the front of a packet payload (message code 20 first); None if any part up
/// to the reserved field is missing.
pub fn kexinit(payload: &[u8]) -> Option<KexInit<'_>> {
    if payload.first() != Some(&msg::KEXINIT) {
        return None;
    }
    let cookie = payload.get(1..17)?;
    let mut lists: [&[u8]; list::COUNT] = [&[]; list::COUNT];
    let mut at = 17;
    for l in &mut lists {
        let n = be32(payload.get(at..at + 4)?, 0) as usize;
        *l = payload.get(at + 4..(at + 4).checked_add(n)?)?;
        at += 4 + n;
    }
    Some(KexInit {
        cookie,
        lists,
        first_kex_packet_follows: *payload.get(at)?,
        reserved: payload.get(at + 1..at + 5)?,
    })
}

/// A cleartext binary packet header (before keys are in use): packet length, padding length
/// and message code (20 KEXINIT, 21 NEWKEYS, 30.. key exchange).
pub fn packet_header(b: &[u8]) -> Option<(u32, u8, u8)> {
    (b.len() >= 6).then(|| (be32(b, 0), b[4], b[5]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banners() {
        assert_eq!(
            banner(b"SSH-2.0-OpenSSH_9.6\r\n\0\0"),
            Some(&b"SSH-2.0-OpenSSH_9.6"[..])
        );
        assert_eq!(banner(b"SSH-2.0-Open"), None);
        assert_eq!(banner(b"GET /"), None);
        assert_eq!(banner_major(b"SSH-1.99-x"), 2);
        assert_eq!(banner_major(b"SSH-1.5-x"), 1);
        assert_eq!(packet_header(&[0, 0, 1, 0, 4, 20]), Some((256, 4, 20)));
    }

    /// A packet must hold a message code beyond its padding (fuzz finding, app_ssh: a
    /// packet_length of 1 with no padding was a 5-byte "packet" with no payload).
    #[test]
    fn packet_needs_a_message_code() {
        assert_eq!(packet_len(&[0, 0, 0, 1, 0, 0xfe]), None);
        assert_eq!(packet_len(&[0, 0, 0, 5, 4, 21]), None);
        assert_eq!(packet_len(&[0, 0, 0, 6, 4, 21]), Some(10));
        assert_eq!(packet_len(&[0, 0, 0, 2, 0, 21]), Some(6));
    }

    #[test]
    fn kexinit_packet() {
        let mut payload = vec![msg::KEXINIT];
        payload.extend_from_slice(&[7; 16]);
        for name in [&b"curve25519-sha256"[..], b"ssh-ed25519"] {
            payload.extend_from_slice(&(name.len() as u32).to_be_bytes());
            payload.extend_from_slice(name);
        }
        for _ in 2..list::COUNT {
            payload.extend_from_slice(&4u32.to_be_bytes());
            payload.extend_from_slice(b"none");
        }
        payload.extend_from_slice(&[0, 0, 0, 0, 0]);
        let pad = 4;
        let mut pkt = ((payload.len() + 1 + pad) as u32).to_be_bytes().to_vec();
        pkt.push(pad as u8);
        pkt.extend_from_slice(&payload);
        pkt.extend_from_slice(&[0; 4]);
        assert_eq!(packet_len(&pkt), Some(pkt.len()));
        let p = packet(&pkt).unwrap();
        assert_eq!((p.message_code(), p.padding.len()), (Some(20), 4));
        let k = kexinit(p.payload).unwrap();
        assert_eq!(k.cookie, &[7; 16]);
        assert_eq!(k.lists[list::KEX], b"curve25519-sha256");
        assert_eq!(k.lists[list::SERVER_HOST_KEY], b"ssh-ed25519");
        assert_eq!(k.lists[list::LANGUAGES_S2C], b"none");
        assert_eq!((k.first_kex_packet_follows, k.reserved), (0, &[0u8; 4][..]));
        assert!(kexinit(&p.payload[..p.payload.len() - 1]).is_none());
        assert!(packet(&pkt[..pkt.len() - 1]).is_none());
        // Encrypted bytes: a length over MAX_PACKET, or not more than the padding.
        assert_eq!(packet_len(&[0x9f, 0, 0, 0, 4]), None);
        assert_eq!(packet_len(&[0, 0, 0, 4, 4]), None);
    }
}
