//! OCSP responses (RFC 6960) as a TLS server staples them in a CertificateStatus handshake
//! message (RFC 6066 section 8): the parts Wireshark's tree shows with x509 fields — the
//! responder's name, each response's certID hash algorithm, the signature algorithm and the
//! certificates that come with the response.

use super::ber;
use super::x509::Name;

/// CertificateStatus' status_type for an OCSP response.
pub const STATUS_OCSP: u8 = 1;
/// id-pkix-ocsp-basic (1.3.6.1.5.5.7.48.1.1): the OID's contents.
pub const OID_BASIC: &[u8] = &[0x2b, 6, 1, 5, 5, 7, 0x30, 1, 1];
/// The most responses or certificates read from one response.
pub const MAX_ITEMS: usize = 64;

/// A BasicOCSPResponse, read as far as it is well formed.
#[derive(Debug, Clone, Copy, Default)]
pub struct BasicResponse<'a> {
    /// The responderID when it is byName.
    pub responder_name: Option<Name<'a>>,
    /// The responses' SEQUENCE OF SingleResponse contents.
    responses: &'a [u8],
    /// The signatureAlgorithm's OID contents.
    pub signature_algorithm: Option<&'a [u8]>,
    /// The certs' SEQUENCE OF Certificate contents.
    certs: &'a [u8],
}

/// The element at the front of `b` if it has tag `t`.
fn expect(b: &[u8], t: u8) -> Option<(ber::Element<'_>, &[u8])> {
    ber::read(b).filter(|(e, _)| e.tag == t)
}

/// An AlgorithmIdentifier's OID contents.
fn algorithm<'a>(e: &ber::Element<'a>) -> Option<&'a [u8]> {
    (e.tag == 0x30)
        .then(|| expect(e.value, 0x06))
        .flatten()
        .map(|(o, _)| o.value)
}

/// Each element of `b` with its whole encoding, until the bytes end or one is malformed.
fn elements(mut b: &[u8]) -> impl Iterator<Item = (ber::Element<'_>, &[u8])> {
    core::iter::from_fn(move || {
        let (e, rest) = ber::read(b)?;
        let whole = &b[..b.len() - rest.len()];
        b = rest;
        Some((e, whole))
    })
    .take(MAX_ITEMS)
}

/// Reads a CertificateStatus handshake body: status_type OCSP, a 3-byte length, then an
/// OCSPResponse whose responseBytes are a basic response. None for anything else.
pub fn certificate_status(body: &[u8]) -> Option<BasicResponse<'_>> {
    if *body.first()? != STATUS_OCSP {
        return None;
    }
    let len = u32::from_be_bytes([0, *body.get(1)?, *body.get(2)?, *body.get(3)?]) as usize;
    let der = body.get(4..)?;
    let der = &der[..len.min(der.len())];
    let (resp, _) = expect(der, 0x30)?;
    let (_status, rest) = expect(resp.value, 0x0a)?;
    let (bytes, _) = expect(rest, 0xa0)?;
    let (rb, _) = expect(bytes.value, 0x30)?;
    let (oid, rest) = expect(rb.value, 0x06)?;
    if oid.value != OID_BASIC {
        return None;
    }
    let (octets, _) = expect(rest, 0x04)?;
    let (basic, _) = expect(octets.value, 0x30)?;
    let mut r = BasicResponse::default();
    let (tbs, rest) = expect(basic.value, 0x30)?;
    response_data(tbs.value, &mut r);
    let (alg, rest) = ber::read(rest)?;
    r.signature_algorithm = algorithm(&alg);
    let (_signature, rest) = expect(rest, 0x03)?;
    if let Some((certs, _)) = expect(rest, 0xa0) {
        r.certs = expect(certs.value, 0x30).map_or(&[][..], |(s, _)| s.value);
    }
    Some(r)
}

/// Fills the responder and the responses from a ResponseData's contents.
fn response_data<'a>(b: &'a [u8], r: &mut BasicResponse<'a>) -> Option<()> {
    let (mut e, mut rest) = ber::read(b)?;
    if e.tag == 0xa0 {
        // version [0] EXPLICIT, present only when not v1.
        (e, rest) = ber::read(rest)?;
    }
    if e.tag == 0xa1 {
        r.responder_name = Some(Name(expect(e.value, 0x30)?.0.value));
    }
    let (_produced_at, rest) = expect(rest, 0x18)?;
    r.responses = expect(rest, 0x30)?.0.value;
    Some(())
}

impl<'a> BasicResponse<'a> {
    /// Each SingleResponse's certID hashAlgorithm OID contents, in order.
    pub fn cert_id_hash_algorithms(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        elements(self.responses).filter_map(|(single, _)| {
            let (cert_id, _) = expect(single.value, 0x30)?;
            algorithm(&ber::read(cert_id.value)?.0)
        })
    }

    /// The DER encoding of each certificate that comes with the response, in order.
    pub fn certificates(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        elements(self.certs)
            .filter(|(e, _)| e.tag == 0x30)
            .map(|(_, der)| der)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tlv(tag: u8, v: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        if v.len() < 128 {
            out.push(v.len() as u8);
        } else {
            out.extend([0x82, (v.len() >> 8) as u8, v.len() as u8]);
        }
        out.extend_from_slice(v);
        out
    }

    fn alg(oid: &[u8]) -> Vec<u8> {
        tlv(0x30, &[tlv(0x06, oid), tlv(0x05, &[])].concat())
    }

    /// A stapled response: responder byName (one RDN), one SingleResponse hashed with SHA-1,
    /// sha256WithRSA, one (minimal) certificate.
    fn status() -> Vec<u8> {
        let sha1 = [0x2b, 14, 3, 2, 26];
        let sha256rsa = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 1, 11];
        let cn = tlv(
            0x31,
            &tlv(0x30, &[tlv(0x06, &[0x55, 4, 3]), tlv(0x13, b"r")].concat()),
        );
        let name = tlv(0x30, &cn);
        let cert_id = tlv(
            0x30,
            &[
                alg(&sha1),
                tlv(0x04, &[1]),
                tlv(0x04, &[2]),
                tlv(0x02, &[3]),
            ]
            .concat(),
        );
        let single = tlv(0x30, &[cert_id, tlv(0x80, &[])].concat());
        let tbs = tlv(
            0x30,
            &[
                tlv(0xa1, &name),
                tlv(0x18, b"20170330082135Z"),
                tlv(0x30, &single),
            ]
            .concat(),
        );
        let cert = tlv(0x30, &tlv(0x30, &[0x02, 0x01, 0x05]));
        let basic = tlv(
            0x30,
            &[
                tbs,
                alg(&sha256rsa),
                tlv(0x03, &[0, 0xaa]),
                tlv(0xa0, &tlv(0x30, &cert)),
            ]
            .concat(),
        );
        let rb = tlv(0x30, &[tlv(0x06, OID_BASIC), tlv(0x04, &basic)].concat());
        let resp = tlv(0x30, &[tlv(0x0a, &[0]), tlv(0xa0, &rb)].concat());
        let mut body = vec![STATUS_OCSP];
        body.extend_from_slice(&(resp.len() as u32).to_be_bytes()[1..]);
        body.extend(resp);
        body
    }

    #[test]
    fn reads_a_stapled_basic_response() {
        let body = status();
        let r = certificate_status(&body).expect("a basic response");
        assert_eq!(r.responder_name.map(|n| n.rdn_count()), Some(1));
        let hashes: Vec<_> = r.cert_id_hash_algorithms().collect();
        assert_eq!(hashes, [&[0x2b, 14, 3, 2, 26][..]]);
        assert_eq!(r.signature_algorithm.map(|o| o.len()), Some(9));
        let certs: Vec<_> = r.certificates().collect();
        assert_eq!(certs.len(), 1);
        assert_eq!(certs[0][0], 0x30);
    }

    #[test]
    fn cut_anywhere_without_panicking() {
        let body = status();
        for n in 0..body.len() {
            if let Some(r) = certificate_status(&body[..n]) {
                let _ = r.cert_id_hash_algorithms().count() + r.certificates().count();
            }
        }
        assert!(certificate_status(&[2, 0, 0, 0]).is_none());
    }
}
