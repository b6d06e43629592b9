//! A golden DNS response carrying the record types the corpus lacks or has few of (MX, TXT,
//! SOA, SRV), with the values TShark 4.0.17 prints for it (`-E occurrence=f`, then every occurrence). The frame was
//! built for this test (Ethernet / IPv4 / UDP 53, answers MX, TXT, SOA, SRV for example.com).

mod common;

use strata_dissect::Dissector;

const FRAME: &str = "
    00112233445566778899aabb0800450000ed00010000401100000a0000010a00
    000200359c4000d90000beef81800001000400000000076578616d706c650363
    6f6d0000ff0001c00c000f00010000012c0014000a046d61696c076578616d70
    6c6503636f6d00c00c001000010000012c00120b763d73706631202d616c6c05
    68656c6c6fc00c000600010000012c0032036e7331076578616d706c6503636f
    6d000a686f73746d6173746572c00c78a3f17500001c2000000e100012750000
    00012c045f736970045f746370076578616d706c6503636f6d00002100010000
    012c00170001000513c403736970076578616d706c6503636f6d00";

#[test]
fn mx_txt_soa_srv_like_tshark() {
    let bytes = common::hex_frame(FRAME);
    let mut d = Dissector::new();
    let f = d.dissect(&common::ethernet_packet(&bytes));
    let want = [
        ("dns.mx.preference", "10"),
        ("dns.mx.mail_exchange", "mail.example.com"),
        ("dns.txt", "v=spf1 -all"),
        ("dns.txt.length", "11"),
        ("dns.soa.mname", "ns1.example.com"),
        ("dns.soa.rname", "hostmaster.example.com"),
        ("dns.soa.serial_number", "2024010101"),
        ("dns.soa.refresh_interval", "7200"),
        ("dns.soa.retry_interval", "3600"),
        ("dns.soa.expire_limit", "1209600"),
        ("dns.soa.minimum_ttl", "300"),
        ("dns.srv.priority", "1"),
        ("dns.srv.weight", "5"),
        ("dns.srv.port", "5060"),
        ("dns.srv.target", "sip.example.com"),
        ("dns.count.answers", "4"),
        ("dns.resp.name", "example.com"),
        ("dns.resp.type", "15"),
        ("dns.resp.class", "0x0001"),
        ("dns.resp.ttl", "300"),
        ("dns.resp.len", "20"),
        ("dns.flags.rcode", "0"),
        ("dns.qry.class", "0x0001"),
    ];
    for (name, value) in want {
        assert_eq!(f.field(name).as_deref(), Some(value), "{name}");
    }
    // Every occurrence, as TShark's default `-E occurrence=a` prints them comma-separated.
    let all = [
        ("dns.resp.name", "example.com,example.com,example.com"),
        ("dns.resp.type", "15,16,6,33"),
        ("dns.resp.ttl", "300,300,300,300"),
        ("dns.resp.len", "20,18,50,23"),
        ("dns.txt", "v=spf1 -all,hello"),
        ("dns.txt.length", "11,5"),
        ("dns.srv.service", "_sip"),
        ("dns.srv.proto", "_tcp"),
        ("dns.srv.name", "example.com"),
    ];
    for (name, values) in all {
        assert_eq!(f.fields(name).join(","), values, "{name}");
    }
}
