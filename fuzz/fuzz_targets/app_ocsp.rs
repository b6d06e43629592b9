//! `strata_wire::app::ocsp::certificate_status`: a TLS CertificateStatus body's stapled
//! OCSP response, and every accessor over what it read.
//! Checks: no panic; a response only for status type 1; every slice it yields (hash
//! algorithms, signature algorithm, certificates, the responder's name) lies inside the
//! input; each certificate starts with a SEQUENCE tag; at most `MAX_ITEMS` of each; the
//! certificates parse or not without panicking, and so do the responder name's attributes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_wire::app::{ocsp, x509};

#[path = "slices.rs"]
mod slices;

fuzz_target!(|data: &[u8]| {
    let Some(r) = ocsp::certificate_status(data) else {
        return;
    };
    assert_eq!(data[0], ocsp::STATUS_OCSP);
    let hashes: Vec<_> = r.cert_id_hash_algorithms().collect();
    assert!(hashes.len() <= ocsp::MAX_ITEMS);
    for h in hashes {
        slices::offset_in(data, h);
    }
    if let Some(s) = r.signature_algorithm {
        slices::offset_in(data, s);
    }
    let certs: Vec<_> = r.certificates().collect();
    assert!(certs.len() <= ocsp::MAX_ITEMS);
    for c in certs {
        slices::offset_in(data, c);
        assert_eq!(c[0], 0x30);
        if let Some(cert) = x509::parse(c) {
            let _ = cert.extensions().count();
        }
    }
    if let Some(n) = r.responder_name {
        slices::offset_in(data, n.0);
        let _ = n.rdn_count();
        for a in n.attributes() {
            slices::offset_in(data, a.value);
        }
    }
});
