//! A golden TLS 1.2 Certificate record with the string types and time forms the corpus has
//! few of (a BMPString, a TeletexString, an emailAddress IA5String, a serialNumber
//! PrintableString, a GeneralizedTime notAfter), with the values TShark 4.0.17 prints for it
//! (`-E occurrence=f`, TZ=UTC). The certificate was built for this test (Ethernet / IPv4 /
//! TCP 443, one record holding the Certificate message).

mod common;

use strata_dissect::Dissector;

const FRAME: &str = "
    00112233445566778899aabb08004500019400014000400600000a0000010a00
    000201bbc35000000001000000015018ffff0000000016030301670b00016300
    016000015d3082015930820133a0030201020204008f0102300d06092a864886
    f70d01010b0500303d310b300906035504061302444531193017060355040a1e
    100047007200fc00df0065002000410047311330110603550403140a54656c65
    7465782043413020170d3234303130313030303030305a180f32303535303130
    313030303030305a304e3110300e06035504051307534e31323334353120301e
    06092a864886f70d010901161161646d696e406578616d706c652e6f72673118
    301606035504030c0f7777772e6578616d706c652e6f7267302b300d06092a86
    4886f70d0101010500031a003017021000c300c300c300c300c300c300c300c3
    0203010001a3393037300c0603551d130101ff0402300030270603551d110420
    301e820f7777772e6578616d706c652e6f7267820b6578616d706c652e6f7267
    300d06092a864886f70d01010b05000311005a5a5a5a5a5a5a5a5a5a5a5a5a5a
    5a5a";

#[test]
fn certificate_fields_like_tshark() {
    let bytes = common::hex_frame(FRAME);
    let mut d = Dissector::new();
    let f = d.dissect(&common::ethernet_packet(&bytes));
    let want = [
        ("tls.handshake.certificates_length", "352"),
        ("tls.handshake.certificate_length", "349"),
        ("x509af.version", "2"),
        ("x509af.serialNumber", "008f0102"),
        ("x509af.algorithm.id", "1.2.840.113549.1.1.11"),
        ("x509if.rdnSequence", "3"),
        ("x509af.rdnSequence", "3"),
        ("x509sat.CountryName", "DE"),
        ("x509sat.uTF8String", "www.example.org"),
        ("x509sat.teletexString", "Teletex CA"),
        ("x509sat.bmpString", "Grüße AG"),
        ("x509sat.IA5String", "admin@example.org"),
        ("x509sat.PrintableString", "SN12345"),
        ("x509af.utcTime", "2024-01-01 00:00:00 (UTC)"),
        (
            "x509af.generalizedTime",
            "Jan  1, 2055 00:00:00.000000000 UTC",
        ),
        (
            "x509af.subjectPublicKey",
            "3017021000c300c300c300c300c300c300c300c30203010001",
        ),
        ("x509af.extension.id", "2.5.29.19"),
        ("x509ce.dNSName", "www.example.org"),
    ];
    for (name, value) in want {
        assert_eq!(f.field(name).as_deref(), Some(value), "{name}");
    }
    // No printableString in a DirectoryString here (the C= value is x509sat.CountryName).
    assert_eq!(f.field("x509sat.printableString"), None);
}
