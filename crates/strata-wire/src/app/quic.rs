//! QUIC (RFC 9000) long headers and Initial-packet protection (RFC 9001 §5, RFC 9369 for
//! QUIC v2): the keys every observer can derive from the client's first Destination
//! Connection ID, so the CRYPTO frames of Initial packets — the TLS ClientHello and
//! ServerHello — can be read. Checked against the RFC 9001 / RFC 9369 appendix vectors.

use aes::cipher::{BlockEncrypt, KeyInit};
use aes::Aes128;
use aes_gcm::aead::AeadInPlace;
use aes_gcm::{Aes128Gcm, Nonce, Tag};
use hkdf::Hkdf;
use sha2::Sha256;

/// Largest CRYPTO stream offset kept (Hellos are a few KB).
pub const MAX_CRYPTO: usize = 16 * 1024;

const SALT_V1: [u8; 20] = [
    0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17, 0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad,
    0xcc, 0xbb, 0x7f, 0x0a,
];
const SALT_D29: [u8; 20] = [
    0xaf, 0xbf, 0xec, 0x28, 0x99, 0x93, 0xd2, 0x4c, 0x9e, 0x97, 0x86, 0xf1, 0x9c, 0x61, 0x11, 0xe0,
    0x43, 0x90, 0xa8, 0x99,
];
const SALT_D23: [u8; 20] = [
    0xc3, 0xee, 0xf7, 0x12, 0xc7, 0x2e, 0xbb, 0x5a, 0x11, 0xa7, 0xd2, 0x43, 0x2b, 0xb4, 0x63, 0x65,
    0xbe, 0xf9, 0xf5, 0x02,
];
const SALT_V2: [u8; 20] = [
    0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93, 0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb,
    0xf9, 0xbd, 0x2e, 0xd9,
];
const V2: u32 = 0x6b33_43cf;

/// (salt, is v2) for the IETF versions whose Initial protection is known.
pub fn version_salt(v: u32) -> Option<(&'static [u8; 20], bool)> {
    match v {
        1 => Some((&SALT_V1, false)),
        V2 => Some((&SALT_V2, true)),
        0xff00_001d..=0xff00_0020 => Some((&SALT_D29, false)),
        0xff00_0017..=0xff00_001c => Some((&SALT_D23, false)),
        // Facebook mvfst draft-29 and Google T051 use the draft-29 salt in practice.
        0xface_b002 | 0xface_b00e => Some((&SALT_D29, false)),
        _ => None,
    }
}

/// HKDF-Expand-Label (RFC 8446 §7.1) with an empty context.
fn expand_label(prk: &Hkdf<Sha256>, label: &[u8], out: &mut [u8]) -> Option<()> {
    let mut info = [0u8; 64];
    let full = 6 + label.len();
    if full + 4 > info.len() {
        return None;
    }
    info[..2].copy_from_slice(&(out.len() as u16).to_be_bytes());
    info[2] = full as u8;
    info[3..9].copy_from_slice(b"tls13 ");
    info[9..9 + label.len()].copy_from_slice(label);
    info[9 + label.len()] = 0;
    prk.expand(&info[..10 + label.len()], out).ok()
}

/// Client Initial keys: (key, iv, hp).
pub fn client_keys(
    dcid: &[u8],
    salt: &[u8; 20],
    v2: bool,
) -> Option<([u8; 16], [u8; 12], [u8; 16])> {
    initial_keys(dcid, salt, v2, false)
}

/// Initial keys (key, iv, hp) of the client or the server, both from the Destination
/// Connection ID of the client's first Initial.
pub fn initial_keys(
    dcid: &[u8],
    salt: &[u8; 20],
    v2: bool,
    server: bool,
) -> Option<([u8; 16], [u8; 12], [u8; 16])> {
    let (initial, _) = Hkdf::<Sha256>::extract(Some(salt), dcid);
    let initial = Hkdf::<Sha256>::from_prk(&initial).ok()?;
    let mut secret = [0u8; 32];
    let label: &[u8] = if server { b"server in" } else { b"client in" };
    expand_label(&initial, label, &mut secret)?;
    let cs = Hkdf::<Sha256>::from_prk(&secret).ok()?;
    let (lk, li, lh): (&[u8], &[u8], &[u8]) = if v2 {
        (b"quicv2 key", b"quicv2 iv", b"quicv2 hp")
    } else {
        (b"quic key", b"quic iv", b"quic hp")
    };
    let (mut key, mut iv, mut hp) = ([0u8; 16], [0u8; 12], [0u8; 16]);
    expand_label(&cs, lk, &mut key)?;
    expand_label(&cs, li, &mut iv)?;
    expand_label(&cs, lh, &mut hp)?;
    Some((key, iv, hp))
}

/// A QUIC variable-length integer at `*off`.
pub fn varint(b: &[u8], off: &mut usize) -> Option<u64> {
    let first = *b.get(*off)?;
    let len = 1usize << (first >> 6);
    let bytes = b.get(*off..*off + len)?;
    let mut v = (first & 0x3f) as u64;
    for &x in &bytes[1..] {
        v = (v << 8) | x as u64;
    }
    *off += len;
    Some(v)
}

/// A decrypted Initial packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    /// The plaintext frames.
    pub frames: Vec<u8>,
    /// Where the packet ends in the datagram (coalesced packets follow it).
    pub end: usize,
    /// The packet number as sent (its 1 to 4 low bytes, not expanded against the largest
    /// number seen: Initial packet numbers start at 0 and stay small).
    pub number: u64,
}

/// Decrypts the first (Initial) packet of a client datagram; returns the plaintext frames.
pub fn decrypt_initial(dgram: &[u8]) -> Option<Vec<u8>> {
    decrypt_packet(dgram, None).map(|o| o.frames)
}

/// The long-header packet at the front of `dgram`: its version, packet type (RFC 9000 codes:
/// 0 Initial, 1 0-RTT, 2 Handshake, 3 Retry, whatever the version's wire encoding), the
/// Destination Connection ID and where the packet ends (coalesced packets follow it).
pub fn long_header(dgram: &[u8]) -> Option<(u32, u8, &[u8], usize)> {
    let b0 = *dgram.first()?;
    if b0 & 0x80 == 0 {
        return None;
    }
    let version = u32::from_be_bytes(dgram.get(1..5)?.try_into().ok()?);
    let wire = (b0 >> 4) & 3;
    // QUIC v2 rotates the type codes: Initial 1, 0-RTT 2, Handshake 3, Retry 0.
    let ptype = if version == V2 { (wire + 3) % 4 } else { wire };
    let mut off = 5;
    let dcid_len = *dgram.get(off)? as usize;
    let dcid = dgram.get(off + 1..off + 1 + dcid_len)?;
    off += 1 + dcid_len;
    let scid_len = *dgram.get(off)? as usize;
    off += 1 + scid_len;
    if ptype == 3 {
        return Some((version, ptype, dcid, dgram.len()));
    }
    if ptype == 0 {
        let token_len = varint(dgram, &mut off)? as usize;
        off = off.checked_add(token_len)?;
    }
    let length = varint(dgram, &mut off)? as usize;
    let end = off.checked_add(length)?.min(dgram.len());
    Some((version, ptype, dcid, end))
}

/// Decrypts the Initial packet at the front of `dgram` with the client's keys, or with the
/// server's when `server_for` gives the client's original Destination Connection ID. Returns
/// the plaintext frames and where the packet ends.
pub fn decrypt_packet(dgram: &[u8], server_for: Option<&[u8]>) -> Option<Opened> {
    decrypt(dgram, server_for, server_for.is_some())
}

/// Decrypts a client's Initial packet with the keys of `initial_dcid`, the Destination
/// Connection ID of the client's first Initial (or of its first after a Retry): the client
/// keeps those keys when it moves to the server's connection ID (RFC 9001 §5.2).
pub fn decrypt_client_packet(dgram: &[u8], initial_dcid: &[u8]) -> Option<Opened> {
    decrypt(dgram, Some(initial_dcid), false)
}

/// Decrypts with the keys of `secret_dcid` (the packet's own DCID when `None`), the
/// server's or the client's.
fn decrypt(dgram: &[u8], secret_dcid: Option<&[u8]>, server: bool) -> Option<Opened> {
    let b0 = *dgram.first()?;
    if b0 & 0x80 == 0 {
        return None;
    }
    let version = u32::from_be_bytes(dgram.get(1..5)?.try_into().ok()?);
    let (salt, v2) = version_salt(version)?;
    let ptype = (b0 >> 4) & 3;
    if ptype != if v2 { 1 } else { 0 } {
        return None;
    }
    let mut off = 5;
    let dcid_len = *dgram.get(off)? as usize;
    if dcid_len > 20 {
        return None;
    }
    let dcid = dgram.get(off + 1..off + 1 + dcid_len)?;
    off += 1 + dcid_len;
    let scid_len = *dgram.get(off)? as usize;
    off += 1 + scid_len;
    let token_len = varint(dgram, &mut off)? as usize;
    off = off.checked_add(token_len)?;
    let length = varint(dgram, &mut off)? as usize;
    let pn_off = off;
    let end = pn_off.checked_add(length)?;
    if end > dgram.len() || length < 20 {
        return None;
    }
    let (key, iv, hp) = initial_keys(secret_dcid.unwrap_or(dcid), salt, v2, server)?;
    let sample: [u8; 16] = dgram.get(pn_off + 4..pn_off + 20)?.try_into().ok()?;
    let mut mask = aes::Block::from(sample);
    Aes128::new(&hp.into()).encrypt_block(&mut mask);
    let first = b0 ^ (mask[0] & 0x0f);
    let pn_len = (first & 3) as usize + 1;
    let mut header = dgram.get(..pn_off + pn_len)?.to_vec();
    header[0] = first;
    let mut nonce = iv;
    let mut number = 0u64;
    for i in 0..pn_len {
        header[pn_off + i] ^= mask[1 + i];
        nonce[12 - pn_len + i] ^= header[pn_off + i];
        number = number << 8 | header[pn_off + i] as u64;
    }
    let body = dgram.get(pn_off + pn_len..end)?;
    if body.len() < 16 {
        return None;
    }
    let (ct, tag) = body.split_at(body.len() - 16);
    let mut plain = ct.to_vec();
    let cipher = Aes128Gcm::new(&key.into());
    cipher
        .decrypt_in_place_detached(
            Nonce::from_slice(&nonce),
            &header,
            &mut plain,
            Tag::from_slice(tag),
        )
        .ok()?;
    Some(Opened {
        frames: plain,
        end,
        number,
    })
}

/// The CRYPTO frames (RFC 9000 §19.6) of decrypted Initial frames, as (offset, data); other
/// frames are skipped, and parsing stops at the first frame type an Initial may not carry.
pub fn crypto_frames(frames: &[u8], mut each: impl FnMut(u64, &[u8])) {
    let mut off = 0;
    while off < frames.len() {
        let Some(ty) = varint(frames, &mut off) else {
            return;
        };
        match ty {
            // PADDING, PING.
            0x00 | 0x01 => {}
            // ACK: largest, delay, range count, first range, ranges (and ECN counts).
            0x02 | 0x03 => {
                let mut ok = true;
                for _ in 0..2 {
                    ok &= varint(frames, &mut off).is_some();
                }
                let n = varint(frames, &mut off).unwrap_or(0).min(256);
                ok &= varint(frames, &mut off).is_some();
                for _ in 0..n * 2 {
                    ok &= varint(frames, &mut off).is_some();
                }
                if ty == 0x03 {
                    for _ in 0..3 {
                        ok &= varint(frames, &mut off).is_some();
                    }
                }
                if !ok {
                    return;
                }
            }
            0x06 => {
                let (Some(o), Some(l)) = (varint(frames, &mut off), varint(frames, &mut off))
                else {
                    return;
                };
                let Some(data) = off.checked_add(l as usize).and_then(|e| frames.get(off..e))
                else {
                    return;
                };
                off += l as usize;
                each(o, data);
            }
            // CONNECTION_CLOSE (transport): code, frame type, reason.
            0x1c => {
                let _ = varint(frames, &mut off);
                let _ = varint(frames, &mut off);
                let Some(n) = varint(frames, &mut off) else {
                    return;
                };
                off = off.saturating_add(n as usize);
            }
            _ => return,
        }
    }
}

/// The frame types of decrypted Initial frames as Wireshark names them in the Info column
/// (`PADDING` once per run of padding bytes), in order; stops at a frame type an Initial may
/// not carry or a frame cut short.
pub fn frame_names(frames: &[u8], mut each: impl FnMut(&'static str)) {
    let mut off = 0;
    while let Some(rest) = frames.get(off..).filter(|r| !r.is_empty()) {
        if rest[0] == 0x00 {
            off += rest.iter().take_while(|&&b| b == 0).count();
            each("PADDING");
            continue;
        }
        let name = match rest[0] {
            0x01 => "PING",
            0x02 => "ACK",
            0x03 => "ACK_ECN",
            0x06 => "CRYPTO",
            0x1c => "CC",
            _ => return,
        };
        let Some(len) = frame_len(rest) else { return };
        each(name);
        off += len;
    }
}

/// The length of the frame at the front of `frames` (one an Initial may carry), if it is
/// whole.
fn frame_len(frames: &[u8]) -> Option<usize> {
    let mut off = 0;
    let ty = varint(frames, &mut off)?;
    match ty {
        0x00 | 0x01 => {}
        // ACK: largest, delay, range count, first range, ranges (and the ECN counts).
        0x02 | 0x03 => {
            varint(frames, &mut off)?;
            varint(frames, &mut off)?;
            let n = varint(frames, &mut off)?.min(256);
            varint(frames, &mut off)?;
            for _ in 0..n * 2 {
                varint(frames, &mut off)?;
            }
            if ty == 0x03 {
                for _ in 0..3 {
                    varint(frames, &mut off)?;
                }
            }
        }
        // CRYPTO: offset, length, data.
        0x06 => {
            varint(frames, &mut off)?;
            let l = varint(frames, &mut off)?;
            off = off.checked_add(usize::try_from(l).ok()?)?;
        }
        // CONNECTION_CLOSE (transport): code, frame type, reason.
        0x1c => {
            varint(frames, &mut off)?;
            varint(frames, &mut off)?;
            let n = varint(frames, &mut off)?;
            off = off.checked_add(usize::try_from(n).ok()?)?;
        }
        _ => return None,
    }
    (off <= frames.len()).then_some(off)
}

/// One direction's CRYPTO stream, put back together from frames in any order, up to
/// [`MAX_CRYPTO`] bytes (beyond is dropped: Hellos are far smaller).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CryptoStream {
    data: Vec<u8>,
    /// Received ranges [start, end).
    ranges: Vec<(u32, u32)>,
}

impl CryptoStream {
    /// Adds a CRYPTO frame; false when it lies beyond the cap.
    pub fn add(&mut self, offset: u64, bytes: &[u8]) -> bool {
        let Some(end) = (offset as usize).checked_add(bytes.len()) else {
            return false;
        };
        if end > MAX_CRYPTO {
            return false;
        }
        let o = offset as usize;
        if self.data.len() < end {
            self.data.resize(end, 0);
        }
        self.data[o..end].copy_from_slice(bytes);
        self.ranges.push((o as u32, end as u32));
        true
    }

    /// The contiguous bytes from offset 0.
    pub fn contiguous(&mut self) -> &[u8] {
        self.ranges.sort_unstable();
        let mut have = 0u32;
        for &(a, b) in &self.ranges {
            if a > have {
                break;
            }
            have = have.max(b);
        }
        &self.data[..(have as usize).min(self.data.len())]
    }
}

/// The first complete TLS handshake message (type, 3-byte length, body) at the front of a
/// CRYPTO stream, if it has all arrived.
pub fn first_handshake(stream: &[u8]) -> Option<&[u8]> {
    let len = (*stream.get(1)? as usize) << 16
        | (*stream.get(2)? as usize) << 8
        | *stream.get(3)? as usize;
    stream.get(..4 + len)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.split_whitespace().collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// RFC 9001 Appendix A.1: keys for DCID 0x8394c8f03e515708.
    #[test]
    fn rfc9001_keys() {
        let (key, iv, hp) = client_keys(&hex("8394c8f03e515708"), &SALT_V1, false).unwrap();
        assert_eq!(key.to_vec(), hex("1f369613dd76d5467730efcbe3b1a22d"));
        assert_eq!(iv.to_vec(), hex("fa044b2f42a3fd3b46fb255c"));
        assert_eq!(hp.to_vec(), hex("9f50449e04a0e810283a1e9933adedd2"));
    }

    /// RFC 9369 Appendix A.1: QUIC v2 client keys.
    #[test]
    fn rfc9369_keys() {
        let (key, iv, hp) = client_keys(&hex("8394c8f03e515708"), &SALT_V2, true).unwrap();
        assert_eq!(key.to_vec(), hex("8b1a0bc121284290a29e0971b5cd045d"));
        assert_eq!(iv.to_vec(), hex("91f73e2351d8fa91660e909f"));
        assert_eq!(hp.to_vec(), hex("45b95e15235d6f45a6b19cbcb0294ba9"));
    }

    /// RFC 9001 Appendix A.2: protect the sample client Initial, then decrypt it.
    #[test]
    fn rfc9001_client_initial_roundtrip() {
        let header = hex("c300000001088394c8f03e5157080000449e00000002");
        let mut frames = hex(
            "060040f1010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e868
             04fe3a47f06a2b69484c00000413011302010000c000000010000e00000b6578
             616d706c652e636f6dff01000100000a00080006001d00170018001000070005
             04616c706e000500050100000000003300260024001d00209370b2c9caa47fba
             baf4559fedba753de171fa71f50f1ce15d43e994ec74d748002b000302030400
             0d0010000e0403050306030203080408050806002d00020101001c0002400100
             3900320408ffffffffffffffff05048000ffff07048000ffff08011001048000
             75300901100f088394c8f03e51570806048000ffff",
        );
        frames.resize(1162, 0);
        let (key, iv, hp) = client_keys(&hex("8394c8f03e515708"), &SALT_V1, false).unwrap();
        let mut nonce = iv;
        nonce[11] ^= 2;
        let mut ct = frames.clone();
        let tag = Aes128Gcm::new(&key.into())
            .encrypt_in_place_detached(Nonce::from_slice(&nonce), &header, &mut ct)
            .unwrap();
        ct.extend_from_slice(&tag);
        // Header protection (pn_offset 18, 4-byte packet number).
        let mut mask = aes::Block::clone_from_slice(&ct[0..16]);
        Aes128::new(&hp.into()).encrypt_block(&mut mask);
        assert_eq!(mask[..5].to_vec(), hex("437b9aec36"));
        let mut pkt = header.clone();
        pkt[0] ^= mask[0] & 0x0f;
        for i in 0..4 {
            pkt[18 + i] ^= mask[1 + i];
        }
        assert_eq!(pkt[..1].to_vec(), hex("c0"));
        assert_eq!(pkt[18..22].to_vec(), hex("7b9aec34"));
        pkt.extend_from_slice(&ct);
        assert_eq!(pkt.len(), 1200);
        let plain = decrypt_initial(&pkt).unwrap();
        assert_eq!(plain, frames);
        // The ClientHello inside parses (SNI example.com).
        let mut crypto = CryptoStream::default();
        crypto_frames(&plain, |o, d| assert!(crypto.add(o, d)));
        let hello = first_handshake(crypto.contiguous()).unwrap();
        assert_eq!((hello[0], hello.len()), (1, 0xf1));
        let ch = crate::app::tls::Handshakes::new(hello)
            .next()
            .and_then(|h| h.client_hello())
            .unwrap();
        assert_eq!(ch.server_name(), Some(&b"example.com"[..]));
        for n in 0..pkt.len() {
            let _ = decrypt_initial(&pkt[..n]);
        }
    }

    #[test]
    fn varints() {
        let b = hex("c2197c5eff14e88c 9d7f3e7d 7bbd 25");
        let mut off = 0;
        assert_eq!(varint(&b, &mut off), Some(151_288_809_941_952_652));
        assert_eq!(varint(&b, &mut off), Some(494_878_333));
        assert_eq!(varint(&b, &mut off), Some(15_293));
        assert_eq!(varint(&b, &mut off), Some(37));
        assert_eq!(varint(&b, &mut off), None);
    }

    /// RFC 9001 Appendix A.1: the server's Initial keys for the same DCID.
    #[test]
    fn rfc9001_server_keys() {
        let (key, iv, hp) = initial_keys(&hex("8394c8f03e515708"), &SALT_V1, false, true).unwrap();
        assert_eq!(key.to_vec(), hex("cf3a5331653c364c88f0f379b6067e37"));
        assert_eq!(iv.to_vec(), hex("0ac1493ca1905853b0bba03e"));
        assert_eq!(hp.to_vec(), hex("c206b8d9b9f0f37644430b490eeaa314"));
    }
}
