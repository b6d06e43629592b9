//! DNS (RFC 1035), also the grammar of mDNS (RFC 6762) and LLMNR (RFC 4795): a zero-copy view
//! of one message with name decompression, the question and resource-record sections, and the
//! 2-byte length framing of DNS over TCP.

use crate::bytes::{be16, be32, u8_at};
use crate::error::{need, Result};

pub const HEADER_LEN: usize = 12;
const PROTO: &str = "dns";
/// Compression pointers followed per name before it is declared a loop.
const MAX_HOPS: usize = 32;
/// Longest decompressed name written (RFC 1035 allows 255; mDNS names stay below).
const MAX_NAME: usize = 1024;

/// Resource-record types by value (the common ones).
pub mod rtype {
    pub const A: u16 = 1;
    pub const NS: u16 = 2;
    pub const CNAME: u16 = 5;
    pub const SOA: u16 = 6;
    pub const PTR: u16 = 12;
    pub const MX: u16 = 15;
    pub const TXT: u16 = 16;
    pub const AAAA: u16 = 28;
    pub const SRV: u16 = 33;
    pub const OPT: u16 = 41;
    pub const HTTPS: u16 = 65;
    pub const ANY: u16 = 255;
}

/// One DNS message.
#[derive(Debug, Clone, Copy)]
pub struct Message<'a> {
    buf: &'a [u8],
}

impl<'a> Message<'a> {
    pub fn new_checked(buf: &'a [u8]) -> Result<Message<'a>> {
        need(PROTO, buf, HEADER_LEN)?;
        Ok(Message { buf })
    }
    pub fn bytes(&self) -> &'a [u8] {
        self.buf
    }
    pub fn id(&self) -> u16 {
        be16(self.buf, 0)
    }
    pub fn flags(&self) -> u16 {
        be16(self.buf, 2)
    }
    pub fn is_response(&self) -> bool {
        self.flags() & 0x8000 != 0
    }
    pub fn opcode(&self) -> u8 {
        ((self.flags() >> 11) & 0xf) as u8
    }
    pub fn rcode(&self) -> u8 {
        (self.flags() & 0xf) as u8
    }
    pub fn qdcount(&self) -> u16 {
        be16(self.buf, 4)
    }
    pub fn ancount(&self) -> u16 {
        be16(self.buf, 6)
    }
    pub fn nscount(&self) -> u16 {
        be16(self.buf, 8)
    }
    pub fn arcount(&self) -> u16 {
        be16(self.buf, 10)
    }
    /// The questions; iteration stops at the first malformed one.
    pub fn questions(&self) -> Questions<'a> {
        Questions {
            buf: self.buf,
            off: HEADER_LEN,
            left: self.qdcount(),
        }
    }
    /// Every resource record after the questions (answer, authority, additional), in order;
    /// iteration stops at the first malformed one.
    pub fn records(&self) -> Records<'a> {
        let mut q = self.questions();
        for _ in q.by_ref() {}
        let total = self.ancount() as u32 + self.nscount() as u32 + self.arcount() as u32;
        Records {
            buf: self.buf,
            off: if q.left == 0 { q.off } else { usize::MAX },
            left: total,
            answers: self.ancount() as u32,
            authority: self.ancount() as u32 + self.nscount() as u32,
            index: 0,
        }
    }
}

/// A (possibly compressed) name at an offset of its message.
#[derive(Debug, Clone, Copy)]
pub struct Name<'a> {
    msg: &'a [u8],
    off: usize,
}

impl<'a> Name<'a> {
    /// Writes the dotted name (`<Root>` for the root, as Wireshark shows it); false if the
    /// name is malformed (bad label type, pointer loop, out of bounds).
    pub fn write(&self, out: &mut Vec<u8>) -> bool {
        let start = out.len();
        let mut off = self.off;
        let mut hops = 0;
        let mut first = true;
        loop {
            let Some(&len) = self.msg.get(off) else {
                out.truncate(start);
                return false;
            };
            match len & 0xc0 {
                0x00 => {
                    if len == 0 {
                        break;
                    }
                    let Some(label) = self.msg.get(off + 1..off + 1 + len as usize) else {
                        out.truncate(start);
                        return false;
                    };
                    if out.len() - start + label.len() + 1 > MAX_NAME {
                        out.truncate(start);
                        return false;
                    }
                    if !first {
                        out.push(b'.');
                    }
                    first = false;
                    crate::text::push_printable(out, label);
                    off += 1 + len as usize;
                }
                0xc0 => {
                    hops += 1;
                    let ptr = ((len as usize & 0x3f) << 8) | u8_at(self.msg, off + 1) as usize;
                    if hops > MAX_HOPS || off + 1 >= self.msg.len() {
                        out.truncate(start);
                        return false;
                    }
                    off = ptr;
                }
                _ => {
                    out.truncate(start);
                    return false;
                }
            }
        }
        if first {
            out.extend_from_slice(b"<Root>");
        }
        true
    }
}

/// The length of the encoded name at `off` in place (up to and including its terminator or
/// first pointer), or None if it runs past the message.
fn skip_name(msg: &[u8], mut off: usize) -> Option<usize> {
    let start = off;
    loop {
        let len = *msg.get(off)?;
        match len & 0xc0 {
            0x00 if len == 0 => return Some(off + 1 - start),
            0x00 => off += 1 + len as usize,
            0xc0 => {
                msg.get(off + 1)?;
                return Some(off + 2 - start);
            }
            _ => return None,
        }
    }
}

/// One question.
#[derive(Debug, Clone, Copy)]
pub struct Question<'a> {
    pub name: Name<'a>,
    pub qtype: u16,
    pub qclass: u16,
}

pub struct Questions<'a> {
    buf: &'a [u8],
    off: usize,
    left: u16,
}

impl<'a> Iterator for Questions<'a> {
    type Item = Question<'a>;
    fn next(&mut self) -> Option<Question<'a>> {
        if self.left == 0 {
            return None;
        }
        let n = skip_name(self.buf, self.off)?;
        let at = self.off + n;
        if self.buf.len() < at + 4 {
            return None;
        }
        let q = Question {
            name: Name {
                msg: self.buf,
                off: self.off,
            },
            qtype: be16(self.buf, at),
            qclass: be16(self.buf, at + 2),
        };
        self.off = at + 4;
        self.left -= 1;
        Some(q)
    }
}

/// Which section a record is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Answer,
    Authority,
    Additional,
}

/// One resource record.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    pub name: Name<'a>,
    pub rtype: u16,
    pub class: u16,
    pub ttl: u32,
    pub rdata: &'a [u8],
    /// Offset of `rdata` in the message (names inside it may point back).
    pub rdata_off: usize,
    pub section: Section,
    msg: &'a [u8],
}

impl<'a> Record<'a> {
    /// The IPv4 address of an A record.
    pub fn a(&self) -> Option<[u8; 4]> {
        (self.rtype == rtype::A && self.rdata.len() == 4)
            .then(|| crate::bytes::array(self.rdata, 0))
    }
    /// The IPv6 address of an AAAA record.
    pub fn aaaa(&self) -> Option<[u8; 16]> {
        (self.rtype == rtype::AAAA && self.rdata.len() == 16)
            .then(|| crate::bytes::array(self.rdata, 0))
    }
    /// The target name of NS, CNAME, PTR (at rdata), MX (after the preference) and SRV
    /// (after priority, weight, port).
    pub fn target(&self) -> Option<Name<'a>> {
        let skip = match self.rtype {
            rtype::NS | rtype::CNAME | rtype::PTR => 0,
            rtype::MX => 2,
            rtype::SRV => 6,
            _ => return None,
        };
        (self.rdata.len() > skip).then_some(Name {
            msg: self.msg,
            off: self.rdata_off + skip,
        })
    }
    /// An MX record's preference.
    pub fn mx_preference(&self) -> Option<u16> {
        (self.rtype == rtype::MX && self.rdata.len() >= 2).then(|| be16(self.rdata, 0))
    }
    /// An SRV record's (priority, weight, port).
    pub fn srv(&self) -> Option<(u16, u16, u16)> {
        (self.rtype == rtype::SRV && self.rdata.len() >= 6).then(|| {
            (
                be16(self.rdata, 0),
                be16(self.rdata, 2),
                be16(self.rdata, 4),
            )
        })
    }
    /// An SOA record's fields; None unless both names and the five counters are inside the
    /// rdata.
    pub fn soa(&self) -> Option<Soa<'a>> {
        if self.rtype != rtype::SOA {
            return None;
        }
        let end = self.rdata_off + self.rdata.len();
        let msg = self.msg.get(..end)?;
        let m = skip_name(msg, self.rdata_off)?;
        let r = skip_name(msg, self.rdata_off + m)?;
        let n = self.rdata.get(m + r..m + r + 20)?;
        Some(Soa {
            mname: Name {
                msg: self.msg,
                off: self.rdata_off,
            },
            rname: Name {
                msg: self.msg,
                off: self.rdata_off + m,
            },
            serial: be32(n, 0),
            refresh: be32(n, 4),
            retry: be32(n, 8),
            expire: be32(n, 12),
            minimum: be32(n, 16),
        })
    }
    /// An OPT record's EDNS(0) options (RFC 6891 6.1.2), in order (none for other types); an
    /// option cut by the end of the rdata ends the list.
    pub fn edns_options(&self) -> EdnsOptions<'a> {
        EdnsOptions(if self.rtype == rtype::OPT {
            self.rdata
        } else {
            &[]
        })
    }
    /// A TXT record's character-strings, in order (none for other types); a string cut by
    /// the end of the rdata ends the list.
    pub fn txt(&self) -> TxtStrings<'a> {
        TxtStrings(if self.rtype == rtype::TXT {
            self.rdata
        } else {
            &[]
        })
    }
}

/// An SOA record's fields (RFC 1035 3.3.13).
#[derive(Debug, Clone, Copy)]
pub struct Soa<'a> {
    pub mname: Name<'a>,
    pub rname: Name<'a>,
    pub serial: u32,
    pub refresh: u32,
    pub retry: u32,
    pub expire: u32,
    pub minimum: u32,
}

/// The options of an OPT rdata: (code, data).
#[derive(Debug, Clone)]
pub struct EdnsOptions<'a>(&'a [u8]);

impl<'a> Iterator for EdnsOptions<'a> {
    type Item = (u16, &'a [u8]);
    fn next(&mut self) -> Option<(u16, &'a [u8])> {
        if self.0.len() < 4 {
            self.0 = &[];
            return None;
        }
        let (code, n) = (be16(self.0, 0), be16(self.0, 2) as usize);
        let Some(d) = self.0.get(4..4 + n) else {
            self.0 = &[];
            return None;
        };
        self.0 = &self.0[4 + n..];
        Some((code, d))
    }
}

/// The character-strings of a TXT rdata (each a length byte and that many bytes).
#[derive(Debug, Clone)]
pub struct TxtStrings<'a>(&'a [u8]);

impl<'a> Iterator for TxtStrings<'a> {
    type Item = &'a [u8];
    fn next(&mut self) -> Option<&'a [u8]> {
        let n = *self.0.first()? as usize;
        let Some(t) = self.0.get(1..1 + n) else {
            self.0 = &[];
            return None;
        };
        self.0 = &self.0[1 + n..];
        Some(t)
    }
}

pub struct Records<'a> {
    buf: &'a [u8],
    off: usize,
    left: u32,
    answers: u32,
    /// Records before the additional section.
    authority: u32,
    index: u32,
}

impl<'a> Iterator for Records<'a> {
    type Item = Record<'a>;
    fn next(&mut self) -> Option<Record<'a>> {
        if self.left == 0 {
            return None;
        }
        let n = skip_name(self.buf, self.off)?;
        let at = self.off + n;
        if self.buf.len() < at + 10 {
            return None;
        }
        let rdlen = be16(self.buf, at + 8) as usize;
        let rdata = self.buf.get(at + 10..at + 10 + rdlen)?;
        let section = if self.index < self.answers {
            Section::Answer
        } else if self.index < self.authority {
            Section::Authority
        } else {
            Section::Additional
        };
        let r = Record {
            name: Name {
                msg: self.buf,
                off: self.off,
            },
            rtype: be16(self.buf, at),
            class: be16(self.buf, at + 2),
            ttl: be32(self.buf, at + 4),
            rdata,
            rdata_off: at + 10,
            section,
            msg: self.buf,
        };
        self.off = at + 10 + rdlen;
        self.left -= 1;
        self.index += 1;
        Some(r)
    }
}

/// Splits DNS-over-TCP framing: the length of the message at the front of `stream` (2-byte
/// prefix included), or None when fewer than 2 bytes are there.
pub fn tcp_frame_len(stream: &[u8]) -> Option<usize> {
    (stream.len() >= 2).then(|| 2 + be16(stream, 0) as usize)
}

/// A plausible DNS header for heuristic use: a known opcode and sane section counts.
pub fn plausible(m: &[u8]) -> bool {
    if m.len() < HEADER_LEN {
        return false;
    }
    let opcode = (be16(m, 2) >> 11) & 0xf;
    let (qd, an, ns, ar) = (be16(m, 4), be16(m, 6), be16(m, 8), be16(m, 10));
    opcode <= 6 && qd <= 64 && an <= 512 && ns <= 512 && ar <= 512
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A response for www.example.com A with a compressed answer name.
    const RESP: &[u8] = &[
        0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0, // header
        3, b'w', b'w', b'w', 7, b'e', b'x', b'a', b'm', b'p', b'l', b'e', 3, b'c', b'o', b'm', 0,
        0, 1, 0, 1, // question
        0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 2, 0xc0, 16, // CNAME -> example.com
        0xc0, 16, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 93, 184, 216, 34, // A
    ];

    #[test]
    fn parses_response() {
        let m = Message::new_checked(RESP).unwrap();
        assert_eq!(m.id(), 0x1234);
        assert!(m.is_response());
        let q = m.questions().next().unwrap();
        let mut n = Vec::new();
        assert!(q.name.write(&mut n));
        assert_eq!(n, b"www.example.com");
        assert_eq!(q.qtype, 1);
        let rr: Vec<_> = m.records().collect();
        assert_eq!(rr.len(), 2);
        n.clear();
        assert!(rr[0].target().unwrap().write(&mut n));
        assert_eq!(n, b"example.com");
        assert_eq!(rr[1].a(), Some([93, 184, 216, 34]));
    }

    #[test]
    fn soa_mx_srv_txt() {
        let mut b = vec![0, 1, 0x81, 0x80, 0, 0, 0, 4, 0, 0, 0, 0];
        let rr = |b: &mut Vec<u8>, ty: u8, rdata: &[u8]| {
            b.extend_from_slice(&[0, 0, ty, 0, 1, 0, 0, 0, 60, 0, rdata.len() as u8]);
            b.extend_from_slice(rdata);
        };
        let mut soa = b"\x02ns\x00\x04host\xc0\x0c".to_vec();
        soa.extend_from_slice(&[0, 0, 0, 7, 0, 0, 0, 8, 0, 0, 0, 9, 0, 0, 0, 10, 0, 0, 0, 11]);
        rr(&mut b, rtype::SOA as u8, &soa);
        rr(&mut b, rtype::MX as u8, b"\x00\x0a\x02mx\x00");
        rr(&mut b, rtype::SRV as u8, b"\x00\x01\x00\x02\x01\xbb\x00");
        rr(&mut b, rtype::TXT as u8, b"\x02hi\x00\x05cut");
        let m = Message::new_checked(&b[..]).unwrap();
        let r: Vec<_> = m.records().collect();
        let soa = r[0].soa().unwrap();
        let mut n = Vec::new();
        assert!(soa.mname.write(&mut n) && n == b"ns");
        n.clear();
        assert!(soa.rname.write(&mut n));
        assert_eq!(n, b"host"); // "host" then a pointer to the root owner name
        assert_eq!((soa.serial, soa.minimum), (7, 11));
        assert_eq!(r[1].mx_preference(), Some(10));
        assert_eq!(r[2].srv(), Some((1, 2, 443)));
        let t: Vec<_> = r[3].txt().collect();
        assert_eq!(t, [&b"hi"[..], &b""[..]]);
        assert!(r[0].txt().next().is_none() && r[1].soa().is_none());
        assert!(r[0].edns_options().next().is_none());
        // An SOA whose counters are cut.
        let mut cut = b.clone();
        cut.truncate(12 + 11 + 10);
        cut[7] = 1;
        let m = Message::new_checked(&cut[..]).unwrap();
        assert!(m.records().next().is_none_or(|r| r.soa().is_none()));
    }

    #[test]
    fn edns_options() {
        // Root owner, OPT, payload size 4096, DO bit, a cookie option and a cut one.
        let mut b = vec![
            0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 41, 0x10, 0, 0, 0, 0x80, 0,
        ];
        let opts = [0, 10, 0, 2, 0xab, 0xcd, 0, 8, 0, 9, 1];
        b.extend_from_slice(&[0, opts.len() as u8]);
        b.extend_from_slice(&opts);
        let m = Message::new_checked(&b[..]).unwrap();
        let r = m.records().next().unwrap();
        assert_eq!((r.rtype, r.class, r.ttl), (rtype::OPT, 4096, 0x8000));
        let o: Vec<_> = r.edns_options().collect();
        assert_eq!(o, [(10, &[0xab, 0xcd][..])]);
    }

    #[test]
    fn pointer_loop_and_truncation_are_refused() {
        let mut b = RESP.to_vec();
        b[12] = 0xc0;
        b[13] = 12; // points at itself
        let m = Message::new_checked(&b[..]).unwrap();
        let q = m.questions().next().unwrap();
        let mut n = Vec::new();
        assert!(!q.name.write(&mut n));
        assert!(n.is_empty());
        for cut in 0..RESP.len() {
            if let Ok(m) = Message::new_checked(&RESP[..cut]) {
                let _ = m.records().count();
                for q in m.questions() {
                    q.name.write(&mut n);
                }
            }
        }
        assert!(Message::new_checked(&RESP[..5]).is_err());
    }

    #[test]
    fn root_name_and_tcp_framing() {
        let b = [0u8, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 1];
        let m = Message::new_checked(&b[..]).unwrap();
        let mut n = Vec::new();
        assert!(m.questions().next().unwrap().name.write(&mut n));
        assert_eq!(n, b"<Root>");
        assert_eq!(tcp_frame_len(&[0, 17, 1]), Some(19));
        assert_eq!(tcp_frame_len(&[0]), None);
    }
}
