//! X.509 certificates (RFC 5280) as TLS 1.2 and earlier send them in clear (the Certificate
//! handshake message): the TBSCertificate's version, serial number, algorithms, issuer and
//! subject names, validity, public key and extensions, and the subjectAltName's dNSNames.
//!
//! A small DER walker over [`ber::read`], borrowing from the input: nothing is allocated and
//! nothing is decoded until asked. A malformed element ends the walk at that point, so a
//! certificate keeps the fields before the damage (as Wireshark shows them), and every list
//! is cut at [`MAX_ITEMS`] elements so that a hostile certificate costs bounded work.

use super::ber;

/// The most elements read from one list (RDNs of a name, attributes of an RDN, extensions,
/// names of a subjectAltName, certificates of a chain).
pub const MAX_ITEMS: usize = 256;

/// Tags of the universal types a certificate uses.
pub mod tag {
    pub const INTEGER: u8 = 0x02;
    pub const BIT_STRING: u8 = 0x03;
    pub const OCTET_STRING: u8 = 0x04;
    pub const OID: u8 = 0x06;
    pub const UTF8_STRING: u8 = 0x0c;
    pub const PRINTABLE_STRING: u8 = 0x13;
    pub const TELETEX_STRING: u8 = 0x14;
    pub const IA5_STRING: u8 = 0x16;
    pub const UTC_TIME: u8 = 0x17;
    pub const GENERALIZED_TIME: u8 = 0x18;
    pub const UNIVERSAL_STRING: u8 = 0x1c;
    pub const BMP_STRING: u8 = 0x1e;
    pub const SEQUENCE: u8 = 0x30;
    pub const SET: u8 = 0x31;
}

/// Extension OIDs (DER contents) with accessors here.
pub const OID_SUBJECT_KEY_ID: &[u8] = &[0x55, 0x1d, 0x0e];
pub const OID_SUBJECT_ALT_NAME: &[u8] = &[0x55, 0x1d, 0x11];
pub const OID_BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x13];
pub const OID_CRL_DISTRIBUTION_POINTS: &[u8] = &[0x55, 0x1d, 0x1f];
pub const OID_AUTHORITY_KEY_ID: &[u8] = &[0x55, 0x1d, 0x23];
pub const OID_EXT_KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x25];
/// id-pe-authorityInfoAccess (1.3.6.1.5.5.7.1.1).
pub const OID_AUTHORITY_INFO_ACCESS: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01];

/// How deep [`Certificate::each_uri`] looks into an extension's structure (CRL distribution
/// points nest GeneralNames four levels down).
const MAX_DEPTH: u32 = 8;

/// A certificate's TBSCertificate fields, in order; `None` from the first one that is
/// missing or malformed on.
#[derive(Debug, Clone, Copy, Default)]
pub struct Certificate<'a> {
    /// The explicit version's value (2 for v3); `None` when absent (v1, the default).
    pub version: Option<i64>,
    /// The serialNumber INTEGER's contents (with any leading zero, as Wireshark shows it).
    pub serial: Option<&'a [u8]>,
    /// The signature AlgorithmIdentifier's OID contents.
    pub signature: Option<&'a [u8]>,
    pub issuer: Option<Name<'a>>,
    pub not_before: Option<Time<'a>>,
    pub not_after: Option<Time<'a>>,
    pub subject: Option<Name<'a>>,
    /// The subjectPublicKeyInfo's algorithm OID contents.
    pub key_algorithm: Option<&'a [u8]>,
    /// The subjectPublicKey BIT STRING without its unused-bits byte.
    pub public_key: Option<&'a [u8]>,
    /// The Extensions SEQUENCE's contents.
    pub extensions: Option<&'a [u8]>,
    /// The outer signatureAlgorithm's OID contents.
    pub signature_algorithm: Option<&'a [u8]>,
}

/// A UTCTime or GeneralizedTime: its tag and its characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Time<'a> {
    pub tag: u8,
    pub text: &'a [u8],
}

/// A Name (RDNSequence): the SEQUENCE's contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Name<'a>(pub &'a [u8]);

/// One AttributeTypeAndValue of a name: the type's OID contents, the value's tag and contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attribute<'a> {
    pub oid: &'a [u8],
    pub tag: u8,
    pub value: &'a [u8],
}

/// One Extension: its OID contents, and the extnValue OCTET STRING's contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extension<'a> {
    pub oid: &'a [u8],
    pub critical: bool,
    pub value: &'a [u8],
}

/// The element at the front of `b` if it has tag `t`.
fn expect(b: &[u8], t: u8) -> Option<(ber::Element<'_>, &[u8])> {
    ber::read(b).filter(|(e, _)| e.tag == t)
}

/// An AlgorithmIdentifier's OID contents.
fn algorithm<'a>(e: &ber::Element<'a>) -> Option<&'a [u8]> {
    if e.tag != tag::SEQUENCE {
        return None;
    }
    expect(e.value, tag::OID).map(|(o, _)| o.value)
}

fn time(e: ber::Element<'_>) -> Option<Time<'_>> {
    matches!(e.tag, tag::UTC_TIME | tag::GENERALIZED_TIME).then_some(Time {
        tag: e.tag,
        text: e.value,
    })
}

/// Reads the certificate at the front of `der` (a Certificate SEQUENCE); None unless it
/// starts with the two SEQUENCEs of Certificate and TBSCertificate.
pub fn parse(der: &[u8]) -> Option<Certificate<'_>> {
    let (cert, _) = expect(der, tag::SEQUENCE)?;
    let (tbs, after_tbs) = expect(cert.value, tag::SEQUENCE)?;
    let mut c = Certificate {
        signature_algorithm: ber::read(after_tbs).and_then(|(e, _)| algorithm(&e)),
        ..Certificate::default()
    };
    tbs_fields(tbs.value, &mut c);
    Some(c)
}

/// Fills `c` from the TBSCertificate's contents, stopping at the first malformed field.
fn tbs_fields<'a>(b: &'a [u8], c: &mut Certificate<'a>) -> Option<()> {
    let (mut e, mut rest) = ber::read(b)?;
    if e.tag == 0xa0 {
        let (v, _) = expect(e.value, tag::INTEGER)?;
        c.version = Some(ber::integer(v.value)?);
        (e, rest) = ber::read(rest)?;
    }
    c.serial = Some(e.value).filter(|_| e.tag == tag::INTEGER);
    c.serial?;
    (e, rest) = ber::read(rest)?;
    c.signature = Some(algorithm(&e)?);
    (e, rest) = expect(rest, tag::SEQUENCE)?;
    c.issuer = Some(Name(e.value));
    (e, rest) = expect(rest, tag::SEQUENCE)?;
    let (nb, v) = ber::read(e.value)?;
    c.not_before = Some(time(nb)?);
    c.not_after = Some(time(ber::read(v)?.0)?);
    (e, rest) = expect(rest, tag::SEQUENCE)?;
    c.subject = Some(Name(e.value));
    (e, rest) = expect(rest, tag::SEQUENCE)?;
    let (alg, key) = ber::read(e.value)?;
    c.key_algorithm = Some(algorithm(&alg)?);
    let (k, _) = expect(key, tag::BIT_STRING)?;
    c.public_key = k.value.get(1..);
    // issuerUniqueID [1], subjectUniqueID [2], then extensions [3] EXPLICIT.
    for _ in 0..3 {
        let (e, r) = ber::read(rest)?;
        if e.tag == 0xa3 {
            c.extensions = Some(expect(e.value, tag::SEQUENCE)?.0.value);
            return Some(());
        }
        rest = r;
    }
    Some(())
}

impl<'a> Name<'a> {
    /// The number of RelativeDistinguishedNames (Wireshark's `rdnSequence` count).
    pub fn rdn_count(&self) -> usize {
        Elements(self.0).take(MAX_ITEMS).count()
    }

    /// Every AttributeTypeAndValue, RDN by RDN, in order.
    pub fn attributes(&self) -> impl Iterator<Item = Attribute<'a>> + 'a {
        Elements(self.0)
            .take(MAX_ITEMS)
            .filter(|e| e.tag == tag::SET)
            .flat_map(|set| Elements(set.value).take(MAX_ITEMS))
            .filter_map(|atv| {
                if atv.tag != tag::SEQUENCE {
                    return None;
                }
                let (oid, rest) = expect(atv.value, tag::OID)?;
                let (v, _) = ber::read(rest)?;
                Some(Attribute {
                    oid: oid.value,
                    tag: v.tag,
                    value: v.value,
                })
            })
    }
}

/// Elements back to back, until the bytes end or one is malformed.
#[derive(Clone)]
struct Elements<'a>(&'a [u8]);

impl<'a> Iterator for Elements<'a> {
    type Item = ber::Element<'a>;
    fn next(&mut self) -> Option<ber::Element<'a>> {
        let (e, rest) = ber::read(self.0)?;
        self.0 = rest;
        Some(e)
    }
}

impl<'a> Certificate<'a> {
    /// The extensions, in order.
    pub fn extensions(&self) -> impl Iterator<Item = Extension<'a>> + 'a {
        Elements(self.extensions.unwrap_or(&[]))
            .take(MAX_ITEMS)
            .filter_map(|ext| {
                if ext.tag != tag::SEQUENCE {
                    return None;
                }
                let (oid, mut rest) = expect(ext.value, tag::OID)?;
                let mut critical = false;
                let (mut v, r) = ber::read(rest)?;
                if v.tag == 0x01 {
                    critical = v.value.first().is_some_and(|&x| x != 0);
                    rest = r;
                    (v, _) = ber::read(rest)?;
                }
                (v.tag == tag::OCTET_STRING).then_some(Extension {
                    oid: oid.value,
                    critical,
                    value: v.value,
                })
            })
    }

    /// The subjectAltName's dNSNames ([2] IMPLICIT IA5String), in order.
    pub fn dns_names(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        let san = self
            .extensions()
            .find(|e| e.oid == OID_SUBJECT_ALT_NAME)
            .and_then(|e| expect(e.value, tag::SEQUENCE))
            .map_or(&[][..], |(s, _)| s.value);
        Elements(san)
            .take(MAX_ITEMS)
            .filter(|g| g.tag == 0x82)
            .map(|g| g.value)
    }
}

impl<'a> Certificate<'a> {
    /// The first extension with this OID.
    pub fn extension(&self, oid: &[u8]) -> Option<Extension<'a>> {
        self.extensions().find(|e| e.oid == oid)
    }

    /// The subjectKeyIdentifier's key identifier.
    pub fn subject_key_id(&self) -> Option<&'a [u8]> {
        let e = self.extension(OID_SUBJECT_KEY_ID)?;
        expect(e.value, tag::OCTET_STRING).map(|(k, _)| k.value)
    }

    /// The authorityKeyIdentifier's keyIdentifier ([0] IMPLICIT OCTET STRING).
    pub fn authority_key_id(&self) -> Option<&'a [u8]> {
        let e = self.extension(OID_AUTHORITY_KEY_ID)?;
        let (seq, _) = expect(e.value, tag::SEQUENCE)?;
        Elements(seq.value)
            .take(MAX_ITEMS)
            .find(|k| k.tag == 0x80)
            .map(|k| k.value)
    }

    /// BasicConstraints: (cA when encoded, pathLenConstraint when present).
    pub fn basic_constraints(&self) -> Option<(Option<bool>, Option<i64>)> {
        let e = self.extension(OID_BASIC_CONSTRAINTS)?;
        let (seq, _) = expect(e.value, tag::SEQUENCE)?;
        let (mut ca, mut len) = (None, None);
        for el in Elements(seq.value).take(2) {
            match el.tag {
                0x01 => ca = el.value.first().map(|&b| b != 0),
                tag::INTEGER => len = ber::integer(el.value),
                _ => {}
            }
        }
        Some((ca, len))
    }

    /// The extKeyUsage purposes' OID contents, in order.
    pub fn ext_key_usages(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        let list = self
            .extension(OID_EXT_KEY_USAGE)
            .and_then(|e| expect(e.value, tag::SEQUENCE))
            .map_or(&[][..], |(s, _)| s.value);
        Elements(list)
            .take(MAX_ITEMS)
            .filter(|o| o.tag == tag::OID)
            .map(|o| o.value)
    }

    /// The first uniformResourceIdentifier GeneralName ([6] IA5String) of the
    /// authorityInfoAccess, CRL distribution points and subjectAltName extensions, in
    /// extension order (where Wireshark shows `x509ce.uniformResourceIdentifier`).
    /// Calls `f` on every directoryName (GeneralName [4], a Name) of the subject-alt-name,
    /// CRL-distribution and authority-key-id extensions, in order: Wireshark shows their
    /// attributes under the same x509sat fields as the issuer's and subject's.
    pub fn each_directory_name(&self, mut f: impl FnMut(Name<'a>)) {
        for e in self.extensions().filter(|e| {
            [
                OID_SUBJECT_ALT_NAME,
                OID_CRL_DISTRIBUTION_POINTS,
                OID_AUTHORITY_KEY_ID,
            ]
            .contains(&e.oid)
        }) {
            each_primitive(e.value, 0xa4, 0, &mut |v| {
                if let Some((seq, _)) = expect(v, tag::SEQUENCE) {
                    f(Name(seq.value));
                }
            });
        }
    }

    /// Calls `f` on every URI (GeneralName uniformResourceIdentifier) of the access-info,
    /// CRL-distribution and subject-alt-name extensions, in order.
    pub fn each_uri(&self, mut f: impl FnMut(&'a [u8])) {
        for e in self.extensions().filter(|e| {
            [
                OID_AUTHORITY_INFO_ACCESS,
                OID_CRL_DISTRIBUTION_POINTS,
                OID_SUBJECT_ALT_NAME,
            ]
            .contains(&e.oid)
        }) {
            each_primitive(e.value, 0x86, 0, &mut f);
        }
    }
}

/// Calls `f` on the contents of every element tagged `t` in `b`, depth first through
/// constructed elements (not into a match).
fn each_primitive<'a>(b: &'a [u8], t: u8, depth: u32, f: &mut impl FnMut(&'a [u8])) {
    for e in Elements(b).take(MAX_ITEMS) {
        if e.tag == t {
            f(e.value);
        } else if e.tag & 0x20 != 0 && depth < MAX_DEPTH {
            each_primitive(e.value, t, depth + 1, f);
        }
    }
}

/// The DER certificates of a TLS (1.0-1.2) Certificate handshake body: the list's declared
/// length and the certificates, each cut to what the body holds.
pub fn certificate_list(body: &[u8]) -> Option<(u32, Certificates<'_>)> {
    let h = body.get(..3)?;
    let len = (h[0] as u32) << 16 | (h[1] as u32) << 8 | h[2] as u32;
    Some((
        len,
        Certificates {
            b: &body[3..],
            n: 0,
        },
    ))
}

/// One certificate of a Certificate message: its declared length and its (possibly cut) DER.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry<'a> {
    pub len: u32,
    pub der: &'a [u8],
}

/// The certificates of a Certificate message, in order; a cut one ends the list.
#[derive(Clone)]
pub struct Certificates<'a> {
    b: &'a [u8],
    n: usize,
}

impl<'a> Iterator for Certificates<'a> {
    type Item = Entry<'a>;
    fn next(&mut self) -> Option<Entry<'a>> {
        let h = self.b.get(..3)?;
        if self.n >= MAX_ITEMS {
            return None;
        }
        self.n += 1;
        let len = (h[0] as u32) << 16 | (h[1] as u32) << 8 | h[2] as u32;
        let end = (3 + len as usize).min(self.b.len());
        let der = &self.b[3..end];
        self.b = &self.b[end..];
        Some(Entry { len, der })
    }
}

/// Writes an OID's contents in dotted decimal ("1.2.840.113549.1.1.11"); false (nothing
/// written) for empty or malformed contents (an arc over 64 bits or a cut last arc).
pub fn write_oid(oid: &[u8], out: &mut Vec<u8>) -> bool {
    if oid.is_empty() || oid.last().is_some_and(|&b| b & 0x80 != 0) {
        return false;
    }
    let start = out.len();
    let mut v: u64 = 0;
    let mut first = true;
    for &b in oid {
        if v > u64::MAX >> 7 {
            out.truncate(start);
            return false;
        }
        v = v << 7 | (b & 0x7f) as u64;
        if b & 0x80 != 0 {
            continue;
        }
        if first {
            let (x, y) = match v {
                0..=39 => (0, v),
                40..=79 => (1, v - 40),
                _ => (2, v - 80),
            };
            push_dec(out, x);
            out.push(b'.');
            push_dec(out, y);
            first = false;
        } else {
            out.push(b'.');
            push_dec(out, v);
        }
        v = 0;
    }
    true
}

fn push_dec(out: &mut Vec<u8>, v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut v = v;
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// Writes a UTCTime as Wireshark's `x509af.utcTime` shows it: "2019-12-17 01:17:28 (UTC)",
/// the century from RFC 5280's rule (YY < 50 is 20YY). Only the DER form `YYMMDDHHMMSSZ`;
/// false (nothing written) for anything else.
pub fn write_utc_time(t: &[u8], out: &mut Vec<u8>) -> bool {
    if t.len() != 13 || t[12] != b'Z' || !t[..12].iter().all(u8::is_ascii_digit) {
        return false;
    }
    out.extend_from_slice(if t[0] < b'5' { b"20" } else { b"19" });
    for (i, sep) in [
        (0, b'-'),
        (2, b'-'),
        (4, b' '),
        (6, b':'),
        (8, b':'),
        (10, b' '),
    ] {
        out.extend_from_slice(&t[i..i + 2]);
        if i < 10 {
            out.push(sep);
        }
    }
    out.extend_from_slice(b" (UTC)");
    true
}

/// Writes a GeneralizedTime as TShark shows `x509af.generalizedTime` (an absolute time):
/// "Jan  1, 2055 00:00:00.000000000 UTC". TShark prints it in the local time zone; this is
/// its output under TZ=UTC, as the references are made. The DER form `YYYYMMDDHHMMSS[.f]Z`
/// only (up to nine fraction digits); false (nothing written) for anything else.
pub fn write_generalized_time(t: &[u8], out: &mut Vec<u8>) -> bool {
    const MONTHS: [&[u8; 3]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    let Some((&b'Z', body)) = t.split_last() else {
        return false;
    };
    let (main, frac) = match body.get(14) {
        None => (body, &[][..]),
        Some(b'.') => (&body[..14], &body[15..]),
        Some(_) => return false,
    };
    if main.len() != 14
        || frac.len() > 9
        || !main.iter().chain(frac).all(u8::is_ascii_digit)
        || (body.len() > 14 && frac.is_empty())
    {
        return false;
    }
    let month = (main[4] - b'0') * 10 + (main[5] - b'0');
    let Some(name) = month.checked_sub(1).and_then(|m| MONTHS.get(m as usize)) else {
        return false;
    };
    out.extend_from_slice(&name[..]);
    out.push(b' ');
    out.push(if main[6] == b'0' { b' ' } else { main[6] });
    out.push(main[7]);
    out.extend_from_slice(b", ");
    out.extend_from_slice(&main[..4]);
    out.push(b' ');
    for (i, sep) in [(8, b':'), (10, b':'), (12, b'.')] {
        out.extend_from_slice(&main[i..i + 2]);
        out.push(sep);
    }
    out.extend_from_slice(frac);
    out.extend(std::iter::repeat_n(b'0', 9 - frac.len()));
    out.extend_from_slice(b" UTC");
    true
}

/// Appends a BMPString (UCS-2, big-endian) as UTF-8: U+FFFD for a surrogate or a cut unit.
pub fn write_bmp(b: &[u8], out: &mut Vec<u8>) {
    let mut buf = [0u8; 4];
    for u in b.chunks(2) {
        let c = match u {
            [h, l] => char::from_u32((*h as u32) << 8 | *l as u32).unwrap_or('\u{fffd}'),
            _ => '\u{fffd}',
        };
        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tlv(t: u8, v: &[u8]) -> Vec<u8> {
        let mut o = vec![t];
        if v.len() < 128 {
            o.push(v.len() as u8);
        } else {
            o.extend_from_slice(&[0x82, (v.len() >> 8) as u8, v.len() as u8]);
        }
        o.extend_from_slice(v);
        o
    }

    fn cat(parts: &[Vec<u8>]) -> Vec<u8> {
        parts.concat()
    }

    fn ext_tlv(oid: &[u8], value: &[u8]) -> Vec<u8> {
        tlv(0x30, &cat(&[tlv(6, oid), tlv(4, value)]))
    }

    /// A v3 certificate: CN=ca (printable) issuer, C=IT + CN=www.ntop.org (UTF8) subject,
    /// a SAN with two dNSNames.
    fn sample() -> Vec<u8> {
        let sha256rsa = tlv(6, &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 1, 11]);
        let alg = tlv(0x30, &cat(&[sha256rsa.clone(), tlv(5, &[])]));
        let atv = |oid: u8, t: u8, v: &[u8]| {
            tlv(
                0x31,
                &tlv(0x30, &cat(&[tlv(6, &[0x55, 4, oid]), tlv(t, v)])),
            )
        };
        let issuer = tlv(0x30, &atv(3, 0x13, b"ca"));
        let subject = tlv(
            0x30,
            &cat(&[atv(6, 0x13, b"IT"), atv(3, 0x0c, b"www.ntop.org")]),
        );
        let validity = tlv(
            0x30,
            &cat(&[tlv(0x17, b"151010155547Z"), tlv(0x17, b"491231235959Z")]),
        );
        let spki = tlv(0x30, &cat(&[alg.clone(), tlv(3, &[0, 0xab, 0xcd])]));
        let san = tlv(
            0x30,
            &cat(&[
                tlv(0x82, b"a.example"),
                tlv(0x87, &[1, 2, 3, 4]),
                tlv(0x82, b"b.example"),
            ]),
        );
        let ext = cat(&[
            tlv(
                0x30,
                &cat(&[tlv(6, &[0x55, 0x1d, 0x11]), tlv(1, &[0xff]), tlv(4, &san)]),
            ),
            ext_tlv(OID_SUBJECT_KEY_ID, &tlv(4, &[0xaa, 0xbb])),
            ext_tlv(OID_AUTHORITY_KEY_ID, &tlv(0x30, &tlv(0x80, &[0xcc]))),
            ext_tlv(
                OID_BASIC_CONSTRAINTS,
                &tlv(0x30, &cat(&[tlv(1, &[0xff]), tlv(2, &[0])])),
            ),
            ext_tlv(
                OID_EXT_KEY_USAGE,
                &tlv(0x30, &tlv(6, &[0x2b, 6, 1, 5, 5, 7, 3, 1])),
            ),
            ext_tlv(
                OID_AUTHORITY_INFO_ACCESS,
                &tlv(
                    0x30,
                    &tlv(
                        0x30,
                        &cat(&[
                            tlv(6, &[0x2b, 6, 1, 5, 5, 7, 48, 1]),
                            tlv(0x86, b"http://o"),
                        ]),
                    ),
                ),
            ),
        ]);
        let tbs = tlv(
            0x30,
            &cat(&[
                tlv(0xa0, &tlv(2, &[2])),
                tlv(2, &[0x00, 0x91, 0x6a]),
                alg.clone(),
                issuer,
                validity,
                subject,
                spki,
                tlv(0xa3, &tlv(0x30, &ext)),
            ]),
        );
        tlv(0x30, &cat(&[tbs, alg, tlv(3, &[0, 1, 2])]))
    }

    #[test]
    fn fields() {
        let der = sample();
        let c = parse(&der).unwrap();
        assert_eq!(c.version, Some(2));
        assert_eq!(c.serial, Some(&[0x00, 0x91, 0x6a][..]));
        let mut o = Vec::new();
        assert!(write_oid(c.signature.unwrap(), &mut o));
        assert_eq!(o, b"1.2.840.113549.1.1.11");
        assert_eq!(c.issuer.unwrap().rdn_count(), 1);
        let s: Vec<_> = c.subject.unwrap().attributes().collect();
        assert_eq!(s.len(), 2);
        assert_eq!(
            (s[0].oid, s[0].tag, s[0].value),
            (&[0x55, 4, 6][..], 0x13, &b"IT"[..])
        );
        assert_eq!((s[1].tag, s[1].value), (0x0c, &b"www.ntop.org"[..]));
        o.clear();
        assert!(write_utc_time(c.not_before.unwrap().text, &mut o));
        assert_eq!(o, b"2015-10-10 15:55:47 (UTC)");
        o.clear();
        assert!(write_utc_time(c.not_after.unwrap().text, &mut o));
        assert_eq!(o, b"2049-12-31 23:59:59 (UTC)");
        assert_eq!(c.public_key, Some(&[0xab, 0xcd][..]));
        let e: Vec<_> = c.extensions().collect();
        assert_eq!(e.len(), 6);
        assert!(e[0].critical && !e[1].critical);
        assert_eq!(c.subject_key_id(), Some(&[0xaa, 0xbb][..]));
        assert_eq!(c.authority_key_id(), Some(&[0xcc][..]));
        assert_eq!(c.basic_constraints(), Some((Some(true), Some(0))));
        let eku: Vec<_> = c.ext_key_usages().collect();
        assert_eq!(eku, [&[0x2b, 6, 1, 5, 5, 7, 3, 1][..]]);
        let mut uris = Vec::new();
        c.each_uri(|u| uris.push(u));
        assert_eq!(uris, [&b"http://o"[..]]);
        let d: Vec<_> = c.dns_names().collect();
        assert_eq!(d, [&b"a.example"[..], &b"b.example"[..]]);
        assert!(c.signature_algorithm.is_some());
    }

    #[test]
    fn chains_and_damage() {
        let der = sample();
        let mut body = vec![0, 0, 0];
        for _ in 0..2 {
            body.extend_from_slice(&[0, (der.len() >> 8) as u8, der.len() as u8]);
            body.extend_from_slice(&der);
        }
        let n = body.len() - 3;
        body[1] = (n >> 8) as u8;
        body[2] = n as u8;
        let (len, certs) = certificate_list(&body).unwrap();
        assert_eq!(len as usize, n);
        assert_eq!(certs.clone().count(), 2);
        // Cut in the middle of the second certificate: still listed, not parseable.
        let cut = &body[..body.len() - 10];
        let v: Vec<_> = certificate_list(cut).unwrap().1.collect();
        assert_eq!(v.len(), 2);
        assert!(parse(v[0].der).is_some() && parse(v[1].der).is_none());
        // A damaged validity keeps the fields before it.
        let mut bad = der.clone();
        let at = bad.windows(2).position(|w| w == [0x17, 13]).unwrap();
        bad[at] = 0x04;
        let c = parse(&bad).unwrap();
        assert!(c.issuer.is_some() && c.not_before.is_none() && c.subject.is_none());
    }

    #[test]
    fn oids_and_times() {
        let mut o = Vec::new();
        assert!(write_oid(&[0x55, 0x1d, 0x11], &mut o));
        assert_eq!(o, b"2.5.29.17");
        o.clear();
        assert!(write_oid(&[0x88, 0x37, 0x03], &mut o));
        assert_eq!(o, b"2.999.3");
        assert!(!write_oid(&[0x2a, 0x86], &mut o) && !write_oid(&[], &mut o));
        assert!(!write_oid(&[0xff; 12], &mut o));
        assert!(!write_utc_time(b"1510101555Z", &mut o));
        o.clear();
        assert!(write_utc_time(b"691231000000Z", &mut o));
        assert_eq!(o, b"1969-12-31 00:00:00 (UTC)");
        o.clear();
        assert!(write_generalized_time(b"20550101000000Z", &mut o));
        assert_eq!(o, b"Jan  1, 2055 00:00:00.000000000 UTC");
        o.clear();
        assert!(write_generalized_time(b"19991231235959.25Z", &mut o));
        assert_eq!(o, b"Dec 31, 1999 23:59:59.250000000 UTC");
        for bad in [
            &b"20551301000000Z"[..],
            b"2055010100000Z",
            b"20550101000000.Z",
            b"x",
        ] {
            assert!(!write_generalized_time(bad, &mut o));
        }
        o.clear();
        write_bmp(&[0, b'A', 0xd8, 0x00, 0x20], &mut o);
        assert_eq!(o, "A\u{fffd}\u{fffd}".as_bytes());
    }
}
