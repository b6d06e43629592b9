//! TLS (RFC 8446, 5246) records and handshake messages: zero-copy views of the record layer,
//! the handshake messages a record holds, and ClientHello / ServerHello with their extensions
//! (server_name, ALPN, supported_versions, ...). Also the framing DTLS and QUIC reuse: the
//! hello parsers take a handshake body whatever carried it.

use crate::bytes::be16;

pub const RECORD_HEADER_LEN: usize = 5;
/// Largest record body TLS allows (2^14 + 2048 for ciphertext expansion), plus slack for
/// implementations that overshoot.
pub const MAX_RECORD: usize = 16384 + 2048 + 256;

pub mod content {
    pub const CHANGE_CIPHER_SPEC: u8 = 20;
    pub const ALERT: u8 = 21;
    pub const HANDSHAKE: u8 = 22;
    pub const APPLICATION_DATA: u8 = 23;
    pub const HEARTBEAT: u8 = 24;
}

pub mod handshake {
    pub const CLIENT_HELLO: u8 = 1;
    pub const SERVER_HELLO: u8 = 2;
    pub const CERTIFICATE: u8 = 11;
    pub const CERTIFICATE_STATUS: u8 = 22;
}

pub mod ext {
    pub const SERVER_NAME: u16 = 0;
    pub const ALPN: u16 = 16;
    pub const SUPPORTED_VERSIONS: u16 = 43;
    pub const KEY_SHARE: u16 = 51;
}

/// A record header that TLS (SSLv3 to TLS 1.3) could have sent: a known content type, major
/// version 3, minor 0 to 4.
pub fn record_header_ok(b: &[u8]) -> bool {
    b.len() >= 3 && (20..=24).contains(&b[0]) && b[1] == 3 && b[2] <= 4
}

/// The total length (header included) of the record at the front of `b`, once its header is
/// there and plausible.
pub fn record_len(b: &[u8]) -> Option<usize> {
    if b.len() < RECORD_HEADER_LEN || !record_header_ok(b) {
        return None;
    }
    Some(RECORD_HEADER_LEN + be16(b, 3) as usize)
}

/// One TLS record.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    pub content_type: u8,
    pub version: u16,
    /// The record body as captured (shorter than announced if cut).
    pub fragment: &'a [u8],
}

impl<'a> Record<'a> {
    /// Parses the record at the front of `b`; the body may be cut short.
    pub fn parse(b: &'a [u8]) -> Option<Record<'a>> {
        let n = record_len(b)?;
        Some(Record {
            content_type: b[0],
            version: be16(b, 1),
            fragment: b.get(RECORD_HEADER_LEN..n.min(b.len())).unwrap_or(&[]),
        })
    }
    /// The handshake messages of a handshake record.
    pub fn handshakes(&self) -> Handshakes<'a> {
        Handshakes {
            b: if self.content_type == content::HANDSHAKE {
                self.fragment
            } else {
                &[]
            },
        }
    }
}

/// The protocol name Wireshark gives a record / session version.
pub fn version_name(v: u16) -> Option<&'static str> {
    Some(match v {
        0x0300 => "SSLv3",
        0x0301 => "TLSv1",
        0x0302 => "TLSv1.1",
        0x0303 => "TLSv1.2",
        0x0304 => "TLSv1.3",
        0x0002 => "SSLv2",
        _ => return None,
    })
}

/// One handshake message: type and body (cut short when `complete` is false).
#[derive(Debug, Clone, Copy)]
pub struct Handshake<'a> {
    pub msg_type: u8,
    pub len: u32,
    pub body: &'a [u8],
    pub complete: bool,
}

impl<'a> Handshake<'a> {
    pub fn client_hello(&self) -> Option<Hello<'a>> {
        (self.msg_type == handshake::CLIENT_HELLO)
            .then(|| Hello::parse(self.body, true))
            .flatten()
    }
    pub fn server_hello(&self) -> Option<Hello<'a>> {
        (self.msg_type == handshake::SERVER_HELLO)
            .then(|| Hello::parse(self.body, false))
            .flatten()
    }
}

/// Handshake messages of one record body, in order; a message longer than the rest of the
/// body is returned once with `complete == false`, then iteration ends.
pub struct Handshakes<'a> {
    b: &'a [u8],
}

impl<'a> Handshakes<'a> {
    pub fn new(b: &'a [u8]) -> Handshakes<'a> {
        Handshakes { b }
    }
}

impl<'a> Iterator for Handshakes<'a> {
    type Item = Handshake<'a>;
    fn next(&mut self) -> Option<Handshake<'a>> {
        if self.b.len() < 4 {
            return None;
        }
        let len = (self.b[1] as u32) << 16 | (self.b[2] as u32) << 8 | self.b[3] as u32;
        let end = 4 + len as usize;
        let complete = end <= self.b.len();
        let h = Handshake {
            msg_type: self.b[0],
            len,
            body: &self.b[4..end.min(self.b.len())],
            complete,
        };
        self.b = if complete { &self.b[end..] } else { &[] };
        Some(h)
    }
}

/// A ClientHello or ServerHello body.
#[derive(Debug, Clone, Copy)]
pub struct Hello<'a> {
    pub client: bool,
    pub version: u16,
    pub random: &'a [u8],
    pub session_id: &'a [u8],
    /// Cipher suites (ClientHello) or the chosen one (ServerHello), 2 bytes each.
    ciphers: &'a [u8],
    extensions: &'a [u8],
}

impl<'a> Hello<'a> {
    /// Parses what is there of a hello: a body cut after the cipher suites still gives them.
    pub fn parse(b: &'a [u8], client: bool) -> Option<Hello<'a>> {
        if b.len() < 35 {
            return None;
        }
        let sid_len = b[34] as usize;
        let session_id = b.get(35..35 + sid_len)?;
        let mut off = 35 + sid_len;
        let ciphers;
        if client {
            let n = be16(b, off) as usize;
            ciphers = b.get(off + 2..(off + 2 + n).min(b.len()))?;
            off += 2 + n;
            let comp = *b.get(off).unwrap_or(&0) as usize;
            off += 1 + comp;
        } else {
            ciphers = b.get(off..off + 2)?;
            off += 3;
        }
        let extensions = match b.get(off..off + 2) {
            Some(_) => {
                let n = be16(b, off) as usize;
                b.get(off + 2..(off + 2 + n).min(b.len())).unwrap_or(&[])
            }
            None => &[],
        };
        Some(Hello {
            client,
            version: be16(b, 0),
            random: &b[2..34],
            session_id,
            ciphers,
            extensions,
        })
    }
    pub fn cipher_suites(&self) -> impl Iterator<Item = u16> + 'a {
        self.ciphers
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
    }
    /// The extensions (type, data) in order; stops at a malformed one.
    pub fn extensions(&self) -> Extensions<'a> {
        Extensions { b: self.extensions }
    }
    pub fn extension(&self, ty: u16) -> Option<&'a [u8]> {
        self.extensions().find(|e| e.0 == ty).map(|e| e.1)
    }
    /// The first host_name of server_name.
    pub fn server_name(&self) -> Option<&'a [u8]> {
        let d = self.extension(ext::SERVER_NAME)?;
        let list = d.get(2..(2 + be16(d, 0) as usize).min(d.len()))?;
        let mut off = 0;
        while off + 3 <= list.len() {
            let n = be16(list, off + 1) as usize;
            let name = list.get(off + 3..off + 3 + n)?;
            if list[off] == 0 {
                return Some(name);
            }
            off += 3 + n;
        }
        None
    }
    /// The ALPN protocol names in order.
    pub fn alpn(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        let d = self.extension(ext::ALPN).unwrap_or(&[]);
        let mut list = d
            .get(2..(2 + be16(d, 0) as usize).min(d.len()))
            .unwrap_or(&[]);
        core::iter::from_fn(move || {
            let (&n, rest) = list.split_first()?;
            let p = rest.get(..n as usize)?;
            list = &rest[n as usize..];
            Some(p)
        })
    }
    /// supported_versions: the versions a client offers, or the one a server chose.
    pub fn supported_versions(&self) -> impl Iterator<Item = u16> + 'a {
        let d = self.extension(ext::SUPPORTED_VERSIONS).unwrap_or(&[]);
        let list = if self.client {
            d.get(1..(1 + *d.first().unwrap_or(&0) as usize).min(d.len()))
                .unwrap_or(&[])
        } else {
            d
        };
        list.chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
    }
    /// The version this hello negotiates: a ServerHello's supported_versions, else its
    /// legacy version.
    pub fn negotiated_version(&self) -> u16 {
        self.supported_versions().next().unwrap_or(self.version)
    }
}

pub struct Extensions<'a> {
    b: &'a [u8],
}

impl<'a> Iterator for Extensions<'a> {
    type Item = (u16, &'a [u8]);
    fn next(&mut self) -> Option<(u16, &'a [u8])> {
        if self.b.len() < 4 {
            return None;
        }
        let n = be16(self.b, 2) as usize;
        let data = self.b.get(4..4 + n)?;
        let e = (be16(self.b, 0), data);
        self.b = &self.b[4 + n..];
        Some(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Record(ClientHello: TLS 1.2, ciphers {0x0a0a, 0x1301}, SNI example.com, ALPN h2,http/1.1,
    /// supported_versions {1.3, 1.2}).
    fn client_hello_record() -> Vec<u8> {
        let mut body = vec![3, 3];
        body.extend_from_slice(&[7u8; 32]);
        body.push(0);
        body.extend_from_slice(&[0, 4, 0x0a, 0x0a, 0x13, 0x01, 1, 0]);
        let mut e = vec![0, 0, 0, 16, 0, 14, 0, 0, 11];
        e.extend_from_slice(b"example.com");
        e.extend_from_slice(&[0, 16, 0, 14, 0, 12, 2, b'h', b'2', 8]);
        e.extend_from_slice(b"http/1.1");
        e.extend_from_slice(&[0, 43, 0, 5, 4, 3, 4, 3, 3]);
        body.extend_from_slice(&(e.len() as u16).to_be_bytes());
        body.extend_from_slice(&e);
        let mut hs = vec![1, 0];
        hs.extend_from_slice(&(body.len() as u16).to_be_bytes());
        hs.extend_from_slice(&body);
        let mut r = vec![22, 3, 1];
        r.extend_from_slice(&(hs.len() as u16).to_be_bytes());
        r.extend_from_slice(&hs);
        r
    }

    #[test]
    fn client_hello_fields() {
        let r = client_hello_record();
        assert_eq!(record_len(&r), Some(r.len()));
        let rec = Record::parse(&r).unwrap();
        assert_eq!(rec.version, 0x0301);
        let hs = rec.handshakes().next().unwrap();
        assert!(hs.complete);
        let h = hs.client_hello().unwrap();
        assert_eq!(h.version, 0x0303);
        assert_eq!(h.cipher_suites().collect::<Vec<_>>(), [0x0a0a, 0x1301]);
        assert_eq!(h.server_name(), Some(&b"example.com"[..]));
        assert_eq!(h.alpn().collect::<Vec<_>>(), [&b"h2"[..], b"http/1.1"]);
        assert_eq!(h.supported_versions().collect::<Vec<_>>(), [0x0304, 0x0303]);
    }

    #[test]
    fn server_hello_version_and_cuts() {
        let mut body = vec![3, 3];
        body.extend_from_slice(&[1u8; 32]);
        body.extend_from_slice(&[0, 0x13, 0x02, 0, 0, 6, 0, 43, 0, 2, 3, 4]);
        let h = Hello::parse(&body, false).unwrap();
        assert_eq!(h.cipher_suites().next(), Some(0x1302));
        assert_eq!(h.negotiated_version(), 0x0304);
        let r = client_hello_record();
        for n in 0..r.len() {
            if let Some(rec) = Record::parse(&r[..n]) {
                for hs in rec.handshakes() {
                    if let Some(h) = hs.client_hello() {
                        let _ = (h.server_name(), h.alpn().count(), h.cipher_suites().count());
                    }
                }
            }
        }
        assert!(Hello::parse(&body[..30], false).is_none());
    }
}
