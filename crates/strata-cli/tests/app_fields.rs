//! The application fields beyond the conformance set (FTP, SMTP, POP, IMAP, SIP, NBNS, SNMP,
//! Modbus/TCP, STUN, syslog, TFTP, RADIUS, MQTT, BitTorrent, DHCPv6, SMB/SMB2, Kerberos,
//! LDAP, RDP; SSH KEXINIT, TLS certificates, DNS record types) against TShark run here on the
//! shared captures of those protocols (CI installs it).

mod common;

use std::process::Command;

const FIELDS: &[&str] = &[
    "ftp.request.command",
    "ftp.request.arg",
    "ftp.response.code",
    "ftp.response.arg",
    "smtp.req.command",
    "smtp.req.parameter",
    "smtp.response.code",
    "smtp.rsp.parameter",
    "pop.request.command",
    "pop.request.parameter",
    "pop.response.indicator",
    "pop.response.description",
    "imap.request_tag",
    "imap.request.command",
    "imap.response_tag",
    "imap.response.status",
    "sip.Method",
    "sip.r-uri",
    "sip.Status-Code",
    "sip.Call-ID",
    "nbns.id",
    "nbns.flags.response",
    "nbns.count.queries",
    "nbns.name",
    "snmp.version",
    "snmp.community",
    "mbtcp.trans_id",
    "mbtcp.prot_id",
    "mbtcp.len",
    "mbtcp.unit_id",
    "modbus.func_code",
    "stun.type",
    "stun.length",
    "stun.cookie",
    "stun.id",
    "syslog.facility",
    "syslog.level",
    "syslog.msg",
    "tftp.opcode",
    "tftp.source_file",
    "tftp.type",
    "tftp.block",
    "radius.code",
    "radius.id",
    "radius.length",
    "mqtt.msgtype",
    "mqtt.len",
    "mqtt.topic",
    "bittorrent.protocol.name",
    "bittorrent.info_hash",
    "bittorrent.peer_id",
    "dhcpv6.msgtype",
    "dhcpv6.xid",
    "smb.cmd",
    "smb2.cmd",
    "smb2.msg_id",
    "smb2.flags.response",
    "kerberos.msg_type",
    "ldap.messageID",
    "ldap.protocolOp",
    "tpkt.length",
    "rdp.rt_cookie",
    "rdp.neg_type",
    "rdp.negReq.requestedProtocols",
    "rdp.negReq.selectedProtocol",
    "ssh.direction",
    "ssh.packet_length",
    "ssh.padding_length",
    "ssh.message_code",
    "ssh.cookie",
    "ssh.kex_algorithms_length",
    "ssh.kex_algorithms",
    "ssh.server_host_key_algorithms_length",
    "ssh.server_host_key_algorithms",
    "ssh.encryption_algorithms_client_to_server_length",
    "ssh.encryption_algorithms_client_to_server",
    "ssh.encryption_algorithms_server_to_client_length",
    "ssh.encryption_algorithms_server_to_client",
    "ssh.mac_algorithms_client_to_server_length",
    "ssh.mac_algorithms_client_to_server",
    "ssh.mac_algorithms_server_to_client_length",
    "ssh.mac_algorithms_server_to_client",
    "ssh.compression_algorithms_client_to_server_length",
    "ssh.compression_algorithms_client_to_server",
    "ssh.compression_algorithms_server_to_client_length",
    "ssh.compression_algorithms_server_to_client",
    "ssh.languages_client_to_server_length",
    "ssh.languages_client_to_server",
    "ssh.languages_server_to_client_length",
    "ssh.languages_server_to_client",
    "ssh.first_kex_packet_follows",
    "ssh.kex.reserved",
    "ssh.kex.hassh_algorithms",
    "ssh.kex.hasshserver_algorithms",
    "ssh.kex.hassh",
    "ssh.kex.hasshserver",
    "ssh.padding_string",
    "tls.handshake.certificates_length",
    "tls.handshake.certificate_length",
    "tls.handshake.certificate",
    "x509af.version",
    "x509af.serialNumber",
    "x509af.algorithm.id",
    "x509if.rdnSequence",
    "x509af.rdnSequence",
    "x509sat.CountryName",
    "x509sat.printableString",
    "x509sat.uTF8String",
    "x509sat.teletexString",
    "x509sat.bmpString",
    "x509sat.IA5String",
    "x509sat.PrintableString",
    "x509af.utcTime",
    "x509af.generalizedTime",
    "x509af.subjectPublicKey",
    "x509af.extension.id",
    "x509af.critical",
    "x509ce.SubjectKeyIdentifier",
    "x509ce.keyIdentifier",
    "x509ce.cA",
    "x509ce.pathLenConstraint",
    "x509ce.KeyPurposeId",
    "x509ce.uniformResourceIdentifier",
    "x509ce.dNSName",
    "dns.flags",
    "dns.flags.opcode",
    "dns.flags.authoritative",
    "dns.flags.truncated",
    "dns.flags.recdesired",
    "dns.flags.recavail",
    "dns.flags.z",
    "dns.flags.authenticated",
    "dns.flags.checkdisable",
    "dns.flags.rcode",
    "dns.count.queries",
    "dns.count.answers",
    "dns.count.auth_rr",
    "dns.count.add_rr",
    "dns.qry.class",
    "dns.resp.name",
    "dns.resp.type",
    "dns.resp.class",
    "dns.resp.ttl",
    "dns.resp.len",
    "dns.rr.udp_payload_size",
    "dns.resp.ext_rcode",
    "dns.resp.edns0_version",
    "dns.resp.z",
    "dns.resp.z.do",
    "dns.resp.z.reserved",
    "dns.opt.code",
    "dns.opt.len",
    "dns.cname",
    "dns.ns",
    "dns.ptr.domain_name",
    "dns.mx.preference",
    "dns.mx.mail_exchange",
    "dns.txt",
    "dns.txt.length",
    "dns.soa.mname",
    "dns.soa.rname",
    "dns.soa.serial_number",
    "dns.soa.refresh_interval",
    "dns.soa.retry_interval",
    "dns.soa.expire_limit",
    "dns.soa.minimum_ttl",
    "dns.srv.priority",
    "dns.srv.weight",
    "dns.srv.port",
    "dns.srv.target",
];

const KEYWORDS: &[&str] = &[
    "ftp",
    "smtp",
    "pop3",
    "imap",
    "sip",
    "netbios",
    "nbns",
    "snmp",
    "modbus",
    "stun",
    "syslog",
    "tftp",
    "radius",
    "mqtt",
    "bittorrent",
    "dhcpv6",
    "smb",
    "kerberos",
    "krb5",
    "ldap",
    "rdp",
    "ssh",
    "dns",
    // TLS 1.2 servers' certificates in clear.
    "443-curl",
    "selfsigned",
    "tls-pre-1970",
    "ja4-tls",
    "reddit",
    "teams",
    "wechat",
    "instagram",
    "ndpi__tor.",
    "alexa-app",
    "netflix",
    "http_ipv6",
];

fn fields(cmd: &mut Command) -> Vec<String> {
    // TShark's default occurrence: every value, comma-separated (each DNS record, each
    // certificate of a chain).
    cmd.args(["-T", "fields"]);
    for f in FIELDS {
        cmd.args(["-e", f]);
    }
    let out = cmd.output().expect("runs");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn application_fields_against_tshark() {
    let Some(dir) = common::corpus() else {
        return;
    };
    let caps = common::captures_named(&dir, KEYWORDS);
    let (mut cells, mut same) = (0usize, 0usize);
    for cap in &caps {
        let want = fields(Command::new("tshark").arg("-r").arg(cap));
        let got = fields(
            Command::new(env!("CARGO_BIN_EXE_strata"))
                .args(["dissect", "-r"])
                .arg(cap),
        );
        for (w, g) in want.iter().zip(&got) {
            for (a, b) in w.split('\t').zip(g.split('\t')) {
                if !a.is_empty() || !b.is_empty() {
                    cells += 1;
                    same += usize::from(a == b);
                }
            }
        }
    }
    let pct = 100.0 * same as f64 / cells.max(1) as f64;
    eprintln!(
        "application fields: {same}/{cells} cells equal to TShark ({pct:.1}%) over {} captures",
        caps.len()
    );
    assert!(caps.len() >= 20 && cells > 1000);
    assert!(pct >= 85.0, "application fields agree on only {pct:.1}%");
}
