//! `strata_wire::app::x509`: the input as a TLS Certificate handshake body
//! (`certificate_list`, each entry `parse`d) and as one DER certificate; every accessor
//! (`Name::attributes` / `rdn_count`, `extensions`, `dns_names`, `subject_key_id`,
//! `authority_key_id`, `basic_constraints`, `ext_key_usages`, `each_uri`) and every writer
//! (`write_oid`, `write_utc_time`, `write_generalized_time`, `write_bmp`) on what it returns.
//! Checks: no panic or hang; entries back to back inside the body, each after its 3-byte
//! length and no longer than it; every returned slice inside the certificate; lists within
//! MAX_ITEMS; the TBSCertificate's fields present in order (a missing one leaves the later
//! ones missing too); OIDs written as dotted decimal, times as `YYYY-MM-DD HH:MM:SS (UTC)` or
//! `Mon DD, YYYY HH:MM:SS.nnnnnnnnn UTC`, BMP strings as UTF-8, and nothing written when a
//! writer refuses.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_wire::app::x509::{self, Certificate, MAX_ITEMS};

#[path = "slices.rs"]
mod slices;

fn oid(v: &[u8], out: &mut Vec<u8>) {
    out.clear();
    if x509::write_oid(v, out) {
        slices::utf8(out);
        assert!(out.iter().all(|c| c.is_ascii_digit() || *c == b'.'));
        assert!(
            !out.starts_with(b".") && !out.ends_with(b".") && !out.windows(2).any(|w| w == b"..")
        );
        assert!(
            out.iter().filter(|&&c| c == b'.').count() >= 1,
            "at least two arcs"
        );
        assert!(matches!(out[0], b'0' | b'1' | b'2'));
    } else {
        assert!(out.is_empty(), "a refused OID writes nothing");
    }
}

fn inside(outer: &[u8], inner: Option<&[u8]>) {
    if let Some(i) = inner {
        slices::offset_in(outer, i);
    }
}

fn certificate(der: &[u8], out: &mut Vec<u8>) {
    let Some(c) = x509::parse(der) else {
        return;
    };
    let Certificate {
        version,
        serial,
        signature,
        issuer,
        not_before,
        not_after,
        subject,
        key_algorithm,
        public_key,
        extensions,
        signature_algorithm,
    } = c;
    std::hint::black_box(version);
    for s in [
        serial,
        signature,
        key_algorithm,
        public_key,
        extensions,
        signature_algorithm,
    ] {
        inside(der, s);
    }
    // In order: each field only when the one before it is there.
    let present = [
        serial.is_some(),
        signature.is_some(),
        issuer.is_some(),
        not_before.is_some(),
        not_after.is_some(),
        subject.is_some(),
        key_algorithm.is_some(),
    ];
    for w in present.windows(2) {
        assert!(w[0] || !w[1], "fields in order: {present:?}");
    }
    assert!(public_key.is_none() || key_algorithm.is_some());
    assert!(extensions.is_none() || key_algorithm.is_some());
    for a in [signature, key_algorithm, signature_algorithm]
        .into_iter()
        .flatten()
    {
        oid(a, out);
    }
    for t in [not_before, not_after].into_iter().flatten() {
        slices::offset_in(der, t.text);
        assert!(matches!(
            t.tag,
            x509::tag::UTC_TIME | x509::tag::GENERALIZED_TIME
        ));
        out.clear();
        if x509::write_utc_time(t.text, out) {
            assert_eq!(out.len(), "2019-12-17 01:17:28 (UTC)".len());
            assert!(out.starts_with(b"19") || out.starts_with(b"20"));
            assert!(out.ends_with(b" (UTC)"));
        } else {
            assert!(out.is_empty());
        }
        out.clear();
        if x509::write_generalized_time(t.text, out) {
            assert_eq!(out.len(), "Jan  1, 2055 00:00:00.000000000 UTC".len());
            assert!(out.ends_with(b" UTC"));
            slices::utf8(out);
        } else {
            assert!(out.is_empty());
        }
    }
    for n in [issuer, subject].into_iter().flatten() {
        slices::offset_in(der, n.0);
        assert!(n.rdn_count() <= MAX_ITEMS);
        let mut k = 0;
        for a in n.attributes() {
            k += 1;
            assert!(k <= MAX_ITEMS * MAX_ITEMS);
            slices::offset_in(n.0, a.oid);
            slices::offset_in(n.0, a.value);
            oid(a.oid, out);
            out.clear();
            x509::write_bmp(a.value, out);
            slices::utf8(out);
            assert!(out.len() <= a.value.len().div_ceil(2) * 3);
        }
    }
    let mut k = 0;
    for e in c.extensions() {
        k += 1;
        assert!(k <= MAX_ITEMS);
        let ext = extensions.expect("extensions only from the Extensions field");
        slices::offset_in(ext, e.oid);
        slices::offset_in(ext, e.value);
        oid(e.oid, out);
    }
    // The extension accessors: their slices inside the Extensions field.
    for v in [c.subject_key_id(), c.authority_key_id()].into_iter().flatten() {
        slices::offset_in(extensions.unwrap(), v);
    }
    c.each_uri(|u| {
        slices::offset_in(extensions.unwrap(), u);
    });
    if let Some((_, Some(_))) | Some((Some(_), _)) = c.basic_constraints() {
        assert!(c.extension(x509::OID_BASIC_CONSTRAINTS).is_some());
    }
    for (i, p) in c.ext_key_usages().enumerate() {
        assert!(i < MAX_ITEMS);
        slices::offset_in(extensions.unwrap(), p);
        oid(p, out);
    }
    let mut k = 0;
    for d in c.dns_names() {
        k += 1;
        assert!(k <= MAX_ITEMS);
        slices::offset_in(extensions.unwrap(), d);
    }
}

fuzz_target!(|data: &[u8]| {
    let mut out = Vec::new();
    if let Some((len, certs)) = x509::certificate_list(data) {
        assert_eq!(len.to_be_bytes()[1..], data[..3]);
        let mut at = 3;
        let mut n = 0;
        for e in certs {
            n += 1;
            assert!(n <= MAX_ITEMS);
            assert_eq!(e.len.to_be_bytes()[1..], data[at..at + 3]);
            assert!(e.der.len() <= e.len as usize);
            if !e.der.is_empty() {
                assert_eq!(slices::offset_in(data, e.der), at + 3);
            }
            at += 3 + e.der.len();
            assert!(at <= data.len());
            certificate(e.der, &mut out);
        }
    } else {
        assert!(data.len() < 3);
    }
    certificate(data, &mut out);
});
