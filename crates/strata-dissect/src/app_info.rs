//! The Info column of application protocols, in TShark's words: each application layer of a
//! frame (one per completed PDU) appends what Wireshark's dissector writes to `COL_INFO`.
//!
//! Texts come from the packet only; what needs state across frames (request/response
//! back-references, SMB2 file names by file id, VNC's handshake step) is left out, and the
//! frame then keeps the transport's Info (see [`app_info`]).

use crate::app::{ssh_kind, tls_kind};
use crate::frame::Frame;
use crate::text;
use strata_wire::app::{self, dns, http, line, tls, vnc};
use strata_wire::{Layer, Proto};

use crate::columns::{be16, be32};

fn push(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(s.as_bytes());
}

/// Wireshark's `format_text`: printable text kept, C escapes for the usual control
/// characters, octal (`\000`) for the others; invalid UTF-8 as U+FFFD.
fn format_text(out: &mut Vec<u8>, b: &[u8]) {
    strata_wire::text::push_utf8_escaped(out, b, |out, c| {
        let esc = match c {
            0x07 => b'a',
            0x08 => b'b',
            0x0c => b'f',
            b'\n' => b'n',
            b'\r' => b'r',
            b'\t' => b't',
            0x0b => b'v',
            b'\\' => b'\\',
            c if c.is_ascii_control() => {
                out.push(b'\\');
                out.push(b'0' + (c >> 6));
                out.push(b'0' + ((c >> 3) & 7));
                out.push(b'0' + (c & 7));
                return true;
            }
            _ => return false,
        };
        out.push(b'\\');
        out.push(esc);
        true
    });
}

/// The [`app::NAMES`] kind of a named layer, by name (resolved at compile time).
macro_rules! kind {
    ($n:literal) => {{
        const K: u8 = app::kind_of($n);
        K
    }};
}

/// Writes the Info column of the frame's application layers into `out` and returns true, or
/// returns false (writing nothing) when they do not decide it, so the transport's Info stays.
pub(crate) fn app_info(f: &Frame, out: &mut Vec<u8>) -> bool {
    let start = out.len();
    // ESP on its own IP protocol number (not an application layer, but its Info is its own).
    if f.app.is_empty() {
        if let Some(l) = f.decoded.layers().iter().rev().find(|l| !l.quoted) {
            if l.proto == Proto::Esp {
                let h = f.header(l);
                if h.len() >= 4 {
                    esp(out, h);
                    return true;
                }
            }
        }
        return false;
    }
    let Some(last) = f.app.last() else {
        return false;
    };
    let ok = match last.proto {
        // A handshake message in QUIC CRYPTO frames: the Info is the QUIC packet's.
        Proto::Tls if last.ext_kind & tls_kind::IN_QUIC != 0 => quic_info(f, out),
        Proto::Tls => tls_records(f, out),
        Proto::Dns => each(f, out, Proto::Dns, dns_info),
        Proto::Http => each(f, out, Proto::Http, http_info),
        Proto::Dhcp => dhcp_info(f.header(last), out),
        Proto::Ntp => ntp_info(f.header(last), out),
        Proto::Ssh => ssh_info(f, out),
        Proto::AppNamed => named(f, last, out),
        _ => false,
    };
    if !ok {
        out.truncate(start);
    }
    ok
}

/// Every layer of `proto`, each writing its own text, joined by a space as Wireshark's
/// `col_append_sep` with `" "` would; false if one says nothing.
fn each(
    f: &Frame,
    out: &mut Vec<u8>,
    proto: Proto,
    one: fn(&Layer, &[u8], &mut Vec<u8>) -> bool,
) -> bool {
    let mut any = false;
    for l in f.app.iter().filter(|l| l.proto == proto) {
        if any {
            out.push(b' ');
        }
        if !one(l, f.header(l), out) {
            return false;
        }
        any = true;
    }
    any
}

/// Every layer of the named protocol `k`, joined by `sep`.
fn each_named(
    f: &Frame,
    k: u8,
    out: &mut Vec<u8>,
    sep: &str,
    one: fn(&[u8], &mut Vec<u8>) -> bool,
) -> bool {
    let mut first = true;
    for l in f
        .app
        .iter()
        .filter(|l| l.proto == Proto::AppNamed && l.ext_kind == k)
    {
        if !first {
            push(out, sep);
        }
        first = false;
        if !one(f.header(l), out) {
            return false;
        }
    }
    !first
}

/// The QUIC packet's Info, built where its packets are read (`app::AppState`).
fn quic_info(f: &Frame, out: &mut Vec<u8>) -> bool {
    out.extend_from_slice(f.quic_info);
    !f.quic_info.is_empty()
}

fn named(f: &Frame, last: &Layer, out: &mut Vec<u8>) -> bool {
    let k = last.ext_kind;
    let b = f.header(last);
    match k {
        _ if k == kind!("ESP") => {
            b.len() >= 4 && {
                esp(out, b);
                true
            }
        }
        _ if k == kind!("NBNS") => nbns_info(b, out),
        _ if k == kind!("FTP") => ftp_info(f, last, out),
        _ if k == kind!("SMTP") || k == kind!("POP") => smtp_pop_info(f, last, out),
        _ if k == kind!("IMAP") => imap_info(f, last, out),
        _ if k == kind!("TFTP") => tftp_info(b, out),
        _ if k == kind!("Syslog") => syslog_info(b, out),
        _ if k == kind!("ISAKMP") => isakmp_info(b, out),
        _ if k == kind!("OpenVPN") => each_named(f, k, out, ", ", openvpn_info),
        _ if k == kind!("CIP I/O") => cip_io_info(b, out),
        _ if k == kind!("Bitcoin") => each_named(f, k, out, ", ", bitcoin_info),
        _ if k == kind!("Modbus/TCP") => modbus_info(f, b, out),
        _ if k == kind!("RADIUS") => radius_info(b, out),
        _ if k == kind!("RTSP") => rtsp_info(b, out),
        _ if k == kind!("SIP") => sip_info(b, out),
        _ if k == kind!("SNMP") => snmp_info(b, out),
        _ if k == kind!("KRB5") => krb5_info(f, b, out),
        _ if k == kind!("SMB2") => each_named(f, k, out, ";", smb2_info),
        _ if k == kind!("QUIC") => quic_info(f, out),
        _ if k == kind!("STUN") => stun_info(b, out),
        _ if k == kind!("DTLSv1.0") || k == kind!("DTLSv1.2") => dtls_info(b, out),
        _ if k == kind!("VNC") => match f.vnc_message {
            Some(m) => {
                vnc_message(m, b, out);
                true
            }
            None => false,
        },
        _ => false,
    }
}

/// The Info text of a VNC message; `b` is its segment's bytes (the version and the chosen
/// security type are read from them).
pub(crate) fn vnc_message(m: vnc::Message, b: &[u8], out: &mut Vec<u8>) {
    use vnc::Message::*;
    let text = match m {
        Version { server } => {
            out.extend_from_slice(if server {
                b"Server protocol version: "
            } else {
                b"Client protocol version: "
            });
            // Escaped: the bytes are the peer's, not necessarily text (fuzz finding).
            format_text(out, b.get(4..11).unwrap_or_default());
            return;
        }
        SecurityTypes => "Security types supported",
        SecuritySelect => {
            let t = b.first().copied().unwrap_or(0);
            out.extend_from_slice(b"Security type ");
            out.extend_from_slice(
                match t {
                    0 => "Invalid",
                    1 => "None",
                    2 => "VNC",
                    16 => "Tight",
                    18 => "TLS",
                    19 => "VeNCrypt",
                    _ => "Unknown",
                }
                .as_bytes(),
            );
            out.extend_from_slice(b" (");
            text::dec(out, t as u64);
            out.extend_from_slice(b") selected by client");
            return;
        }
        Auth { server: true } => "Authentication challenge from server",
        Auth { server: false } => "Authentication response from client",
        SecurityResult => "Authentication result",
        ClientInit => "Share desktop flag",
        ServerInit => "Server framebuffer parameters",
        Client(0) => "Client set pixel format",
        Client(2) => "Client set encodings",
        Client(3) => "Client framebuffer update request",
        Client(4) => "Client key event",
        Client(5) => "Client pointer event",
        Client(6) => "Client cut text",
        Client(_) => "Unknown client message type",
        Server(0) => "Server framebuffer update",
        Server(1) => "Server set colormap entries",
        Server(2) => "Server ring bell on client",
        Server(3) => "Server cut text",
        Server(_) => "Unknown server message type",
    };
    out.extend_from_slice(text.as_bytes());
}

// ---------------------------------------------------------------------------------------
// ESP

fn esp(out: &mut Vec<u8>, h: &[u8]) {
    push(out, "ESP (SPI=0x");
    text::hex_bare(out, be32(h, 0) as u64, 8);
    out.push(b')');
}

// ---------------------------------------------------------------------------------------
// TLS

fn tls_records(f: &Frame, out: &mut Vec<u8>) -> bool {
    let mut first = true;
    for l in f.app.iter().filter(|l| l.proto == Proto::Tls) {
        let b = f.header(l);
        if l.ext_kind & tls_kind::NOT_RECORD != 0 {
            sep(out, &mut first, ", ");
            push(out, "Continuation Data");
            continue;
        }
        let Some(r) = tls::Record::parse(b) else {
            return false;
        };
        match r.content_type {
            tls::content::CHANGE_CIPHER_SPEC => {
                sep(out, &mut first, ", ");
                push(out, "Change Cipher Spec");
            }
            tls::content::ALERT => {
                sep(out, &mut first, ", ");
                let (lvl, desc) = match r.fragment {
                    [l, d] if l & tls_kind::ENCRYPTED == 0 => {
                        (alert_level(*l), alert_description(*d))
                    }
                    _ => (None, None),
                };
                match (lvl, desc) {
                    (Some(lv), Some(d)) if l.ext_kind & tls_kind::ENCRYPTED == 0 => {
                        push(out, "Alert (Level: ");
                        push(out, lv);
                        push(out, ", Description: ");
                        push(out, d);
                        out.push(b')');
                    }
                    _ => push(out, "Encrypted Alert"),
                }
            }
            tls::content::HANDSHAKE => {
                if l.ext_kind & tls_kind::ENCRYPTED != 0 {
                    sep(out, &mut first, ", ");
                    push(out, "Encrypted Handshake Message");
                    continue;
                }
                let mut any = false;
                for h in r.handshakes() {
                    let Some(name) = handshake_name(&h) else {
                        if !any {
                            sep(out, &mut first, ", ");
                            push(out, "Encrypted Handshake Message");
                            any = true;
                        }
                        break;
                    };
                    sep(out, &mut first, ", ");
                    push(out, name);
                    any = true;
                }
                if !any {
                    sep(out, &mut first, ", ");
                    push(out, "Encrypted Handshake Message");
                }
            }
            tls::content::APPLICATION_DATA => {
                sep(out, &mut first, ", ");
                push(out, "Application Data");
            }
            tls::content::HEARTBEAT => {
                sep(out, &mut first, ", ");
                push(out, "Encrypted Heartbeat");
            }
            _ => return false,
        }
    }
    !first
}

fn sep(out: &mut Vec<u8>, first: &mut bool, s: &str) {
    if !*first {
        push(out, s);
    }
    *first = false;
}

/// The SHA-256 of "HelloRetryRequest": a ServerHello with this random is a HelloRetryRequest.
const HRR_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// DTLS records (after CAPWAP's 4-byte DTLS header, if any) as Wireshark's `packet-dtls.c`
/// names them, joined by ", ": a record of epoch 1 or later is encrypted; a handshake message
/// in pieces is "(Fragment)", its last piece "(Reassembled)".
fn dtls_info(b: &[u8], out: &mut Vec<u8>) -> bool {
    /// Record header: type, version, epoch, sequence number, length.
    const RECORD: usize = 13;
    /// Handshake header: type, length, message sequence, fragment offset and length.
    const HANDSHAKE: usize = 12;
    let u24 = |x: &[u8], i: usize| -> usize {
        x.get(i..i + 3).map_or(0, |v| {
            (v[0] as usize) << 16 | (v[1] as usize) << 8 | v[2] as usize
        })
    };
    // CAPWAP's DTLS header (preamble type 1) comes first when DTLS rides in CAPWAP.
    let mut rest = if b.first() == Some(&0x01) {
        b.get(4..).unwrap_or_default()
    } else {
        b
    };
    let mut first = true;
    while rest.len() >= RECORD {
        let (ty, epoch) = (rest[0], be16(rest, 3));
        let len = be16(rest, 11) as usize;
        let Some(body) = rest.get(RECORD..RECORD + len) else {
            break;
        };
        rest = &rest[RECORD + len..];
        match ty {
            tls::content::CHANGE_CIPHER_SPEC => {
                sep(out, &mut first, ", ");
                push(out, "Change Cipher Spec");
            }
            tls::content::ALERT => {
                sep(out, &mut first, ", ");
                match (body, epoch) {
                    ([lv, d], 0) => match (alert_level(*lv), alert_description(*d)) {
                        (Some(lv), Some(d)) => {
                            push(out, "Alert (Level: ");
                            push(out, lv);
                            push(out, ", Description: ");
                            push(out, d);
                            out.push(b')');
                        }
                        _ => push(out, "Encrypted Alert"),
                    },
                    _ => push(out, "Encrypted Alert"),
                }
            }
            tls::content::HANDSHAKE if epoch != 0 => {
                sep(out, &mut first, ", ");
                push(out, "Encrypted Handshake Message");
            }
            tls::content::HANDSHAKE => {
                let mut m = body;
                while m.len() >= HANDSHAKE {
                    let (length, offset, piece) = (u24(m, 1), u24(m, 6), u24(m, 9));
                    let Some(fragment) = m.get(HANDSHAKE..HANDSHAKE + piece) else {
                        break;
                    };
                    let h = tls::Handshake {
                        msg_type: m[0],
                        len: length as u32,
                        body: fragment,
                        complete: piece == length,
                    };
                    sep(out, &mut first, ", ");
                    push(
                        out,
                        handshake_name(&h).unwrap_or("Unknown Handshake Message"),
                    );
                    if piece < length {
                        push(
                            out,
                            if offset > 0 && offset + piece == length {
                                " (Reassembled)"
                            } else {
                                " (Fragment)"
                            },
                        );
                    }
                    m = &m[HANDSHAKE + piece..];
                }
            }
            tls::content::APPLICATION_DATA => {
                sep(out, &mut first, ", ");
                push(out, "Application Data");
            }
            _ => {}
        }
    }
    !first
}

fn handshake_name(h: &tls::Handshake) -> Option<&'static str> {
    Some(match h.msg_type {
        0 => "Hello Request",
        1 => "Client Hello",
        2 if h.body.get(2..34) == Some(&HRR_RANDOM[..]) => "Hello Retry Request",
        2 => "Server Hello",
        3 => "Hello Verify Request",
        4 => "New Session Ticket",
        5 => "End of Early Data",
        6 => "Hello Retry Request",
        8 => "Encrypted Extensions",
        11 => "Certificate",
        12 => "Server Key Exchange",
        13 => "Certificate Request",
        14 => "Server Hello Done",
        15 => "Certificate Verify",
        16 => "Client Key Exchange",
        20 => "Finished",
        21 => "Client Certificate URL",
        22 => "Certificate Status",
        23 => "Supplemental Data",
        24 => "Key Update",
        25 => "Compressed Certificate",
        67 => "Encrypted Extensions",
        254 => "Message Hash",
        _ => return None,
    })
}

fn alert_level(l: u8) -> Option<&'static str> {
    match l {
        1 => Some("Warning"),
        2 => Some("Fatal"),
        _ => None,
    }
}

fn alert_description(d: u8) -> Option<&'static str> {
    Some(match d {
        0 => "Close Notify",
        10 => "Unexpected Message",
        20 => "Bad Record MAC",
        21 => "Decryption Failed",
        22 => "Record Overflow",
        30 => "Decompression Failure",
        40 => "Handshake Failure",
        41 => "No Certificate",
        42 => "Bad Certificate",
        43 => "Unsupported Certificate",
        44 => "Certificate Revoked",
        45 => "Certificate Expired",
        46 => "Certificate Unknown",
        47 => "Illegal Parameter",
        48 => "Unknown CA",
        49 => "Access Denied",
        50 => "Decode Error",
        51 => "Decrypt Error",
        60 => "Export Restriction",
        70 => "Protocol Version",
        71 => "Insufficient Security",
        80 => "Internal Error",
        86 => "Inappropriate Fallback",
        90 => "User Canceled",
        100 => "No Renegotiation",
        109 => "Missing Extension",
        110 => "Unsupported Extension",
        111 => "Certificate Unobtainable",
        112 => "Unrecognized Name",
        113 => "Bad Certificate Status Response",
        114 => "Bad Certificate Hash Value",
        115 => "Unknown PSK Identity",
        116 => "Certificate Required",
        120 => "No application Protocol",
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------
// DNS, mDNS, LLMNR

fn dns_type_name(t: u16) -> Option<&'static str> {
    Some(match t {
        1 => "A",
        2 => "NS",
        3 => "MD",
        4 => "MF",
        5 => "CNAME",
        6 => "SOA",
        7 => "MB",
        8 => "MG",
        9 => "MR",
        10 => "NULL",
        11 => "WKS",
        12 => "PTR",
        13 => "HINFO",
        14 => "MINFO",
        15 => "MX",
        16 => "TXT",
        17 => "RP",
        18 => "AFSDB",
        24 => "SIG",
        25 => "KEY",
        28 => "AAAA",
        29 => "LOC",
        33 => "SRV",
        35 => "NAPTR",
        36 => "KX",
        37 => "CERT",
        39 => "DNAME",
        41 => "OPT",
        43 => "DS",
        44 => "SSHFP",
        45 => "IPSECKEY",
        46 => "RRSIG",
        47 => "NSEC",
        48 => "DNSKEY",
        49 => "DHCID",
        50 => "NSEC3",
        51 => "NSEC3PARAM",
        52 => "TLSA",
        55 => "HIP",
        59 => "CDS",
        60 => "CDNSKEY",
        61 => "OPENPGPKEY",
        62 => "CSYNC",
        63 => "ZONEMD",
        64 => "SVCB",
        65 => "HTTPS",
        99 => "SPF",
        249 => "TKEY",
        250 => "TSIG",
        251 => "IXFR",
        252 => "AXFR",
        253 => "MAILB",
        254 => "MAILA",
        255 => "ANY",
        256 => "URI",
        257 => "CAA",
        32768 => "TA",
        32769 => "DLV",
        _ => return None,
    })
}

fn dns_type(out: &mut Vec<u8>, t: u16) {
    match dns_type_name(t) {
        Some(n) => push(out, n),
        None => {
            push(out, "Unknown (");
            text::dec(out, t as u64);
            out.push(b')');
        }
    }
}

fn dns_info(l: &Layer, b: &[u8], out: &mut Vec<u8>) -> bool {
    let Ok(m) = dns::Message::new_checked(b) else {
        return false;
    };
    let mdns = l.ext_kind == app::dns_flavor::MDNS;
    push(
        out,
        match m.opcode() {
            0 => "Standard query",
            1 => "Inverse query",
            2 => "Server status request",
            4 => "Zone change notification",
            5 => "Dynamic update",
            6 => "DNS Stateful operations (DSO)",
            _ => return false,
        },
    );
    if m.is_response() {
        push(out, " response");
    }
    push(out, " 0x");
    text::hex_bare(out, m.id() as u64, 4);
    if m.is_response() && m.rcode() != 0 {
        out.push(b' ');
        push(
            out,
            match m.rcode() {
                1 => "Format error",
                2 => "Server failure",
                3 => "No such name",
                4 => "Not implemented",
                5 => "Refused",
                6 => "Name exists",
                7 => "RRset exists",
                8 => "RRset does not exist",
                9 => "Not authoritative",
                10 => "Name out of zone",
                11 => "DSO-Type not implemented",
                _ => "Unused",
            },
        );
    }
    for q in m.questions() {
        out.push(b' ');
        dns_type(out, q.qtype);
        out.push(b' ');
        if !q.name.write(out) {
            return true;
        }
        if mdns {
            push(
                out,
                if q.qclass & 0x8000 != 0 {
                    ", \"QU\" question"
                } else {
                    ", \"QM\" question"
                },
            );
        }
    }
    for r in m.records() {
        out.push(b' ');
        dns_type(out, r.rtype);
        if let Some(a) = r.a() {
            out.push(b' ');
            text::ipv4(out, a.into());
        } else if let Some(a) = r.aaaa() {
            out.push(b' ');
            text::ipv6(out, a.into());
        } else if let Some((p, w, port)) = r.srv() {
            for v in [p, w, port] {
                out.push(b' ');
                text::dec(out, v as u64);
            }
            if let Some(t) = r.target() {
                out.push(b' ');
                t.write(out);
            }
        } else if let Some(p) = r.mx_preference() {
            out.push(b' ');
            text::dec(out, p as u64);
            if let Some(t) = r.target() {
                out.push(b' ');
                t.write(out);
            }
        } else if let Some(t) = r.target() {
            out.push(b' ');
            t.write(out);
        } else if let Some(s) = r.soa() {
            out.push(b' ');
            s.mname.write(out);
        }
    }
    true
}

// ---------------------------------------------------------------------------------------
// HTTP, SSDP

/// The Info HTTP sets for a message whose head it read but whose body a later segment
/// completes: its first line (then TCP appends the reassembly note).
pub(crate) fn http_head_info(b: &[u8], out: &mut Vec<u8>) -> bool {
    if !matches!(http::Head::parse(b), http::Parse::Complete(_)) {
        return false;
    }
    format_text(out, line::first_line(b));
    out.push(b' ');
    true
}

fn http_info(_l: &Layer, b: &[u8], out: &mut Vec<u8>) -> bool {
    let http::Parse::Complete(h) = http::Head::parse(b) else {
        return false;
    };
    format_text(out, line::first_line(b));
    out.push(b' ');
    let body = &b[h.len.min(b.len())..];
    if !body.is_empty() {
        if let Some(ct) = h.header(b"content-type") {
            let ct = ct.split(|&c| c == b';').next().unwrap_or(ct);
            let ct = ct.trim_ascii();
            push(out, " (");
            // Image types are shown by their own dissectors, under their names.
            if ct.eq_ignore_ascii_case(b"image/png") {
                push(out, "PNG");
            } else if ct.eq_ignore_ascii_case(b"image/jpeg")
                || ct.eq_ignore_ascii_case(b"image/jpg")
                || ct.eq_ignore_ascii_case(b"image/pjpeg")
            {
                push(out, "JPEG JFIF image");
            } else if ct.eq_ignore_ascii_case(b"image/gif") && body.starts_with(b"GIF8") {
                format_text(out, &body[..body.len().min(6)]);
            } else {
                // Lower-cased, and escaped: the header is the peer's bytes (fuzz finding).
                let at = out.len();
                format_text(out, ct);
                out[at..].make_ascii_lowercase();
            }
            out.push(b')');
        }
    }
    true
}

// ---------------------------------------------------------------------------------------
// DHCP, NTP

fn dhcp_info(b: &[u8], out: &mut Vec<u8>) -> bool {
    let Ok(p) = app::dhcp::Packet::new_checked(b) else {
        return false;
    };
    let xid = be32(b, 4);
    match p.message_type() {
        Some(t) => {
            push(
                out,
                match t {
                    1 => "DHCP Discover",
                    2 => "DHCP Offer   ",
                    3 => "DHCP Request ",
                    4 => "DHCP Decline ",
                    5 => "DHCP ACK     ",
                    6 => "DHCP NAK     ",
                    7 => "DHCP Release ",
                    8 => "DHCP Inform  ",
                    _ => return false,
                },
            );
        }
        None => push(
            out,
            if p.op() == 1 {
                "Boot Request"
            } else {
                "Boot Reply"
            },
        ),
    }
    push(out, " - Transaction ID 0x");
    text::hex_bare(out, xid as u64, 1);
    true
}

fn ntp_info(b: &[u8], out: &mut Vec<u8>) -> bool {
    let Some(&first) = b.first() else {
        return false;
    };
    let (version, mode) = ((first >> 3) & 7, first & 7);
    push(out, "NTP Version ");
    text::dec(out, version as u64);
    push(out, ", ");
    push(
        out,
        match mode {
            0 => "reserved",
            1 => "symmetric active",
            2 => "symmetric passive",
            3 => "client",
            4 => "server",
            5 => "broadcast",
            6 => "control",
            _ => "private",
        },
    );
    if mode == 7 {
        return false;
    }
    true
}

// ---------------------------------------------------------------------------------------
// SSH

fn ssh_info(f: &Frame, out: &mut Vec<u8>) -> bool {
    let mut first = true;
    for l in f.app.iter().filter(|l| l.proto == Proto::Ssh) {
        let b = f.header(l);
        let server = l.ext_kind & ssh_kind::SERVER != 0;
        if first {
            push(out, if server { "Server: " } else { "Client: " });
        } else {
            push(out, ", ");
        }
        first = false;
        if l.ext_kind & ssh_kind::PACKETS == 0 {
            push(out, "Protocol (");
            format_text(out, line::first_line(b));
            out.push(b')');
        } else if l.ext_kind & ssh_kind::ENCRYPTED != 0 {
            push(out, "Encrypted packet (len=");
            text::dec(out, b.len() as u64);
            out.push(b')');
        } else {
            let Some(code) = b.get(5) else {
                return false;
            };
            push(
                out,
                match code {
                    1 => "Disconnect",
                    2 => "Ignore",
                    3 => "Unimplemented",
                    4 => "Debug",
                    5 => "Service Request",
                    6 => "Service Accept",
                    20 => "Key Exchange Init",
                    21 => "New Keys",
                    30 if ecdh_point(b, 6) => "Elliptic Curve Diffie-Hellman Key Exchange Init",
                    30 => "Diffie-Hellman Key Exchange Init",
                    31 if !host_key_first(b) => "Diffie-Hellman Group Exchange Group",
                    31 if ecdh_point(b, 6 + 4 + be32(b, 6) as usize) => {
                        "Elliptic Curve Diffie-Hellman Key Exchange Reply"
                    }
                    31 => "Diffie-Hellman Key Exchange Reply",
                    32 => "Diffie-Hellman Group Exchange Init",
                    33 => "Diffie-Hellman Group Exchange Reply",
                    34 => "Diffie-Hellman Group Exchange Request",
                    50 => "User Authentication Request",
                    51 => "User Authentication Failure",
                    52 => "User Authentication Success",
                    53 => "User Authentication Banner",
                    80 => "Global Request",
                    81 => "Request Success",
                    82 => "Request Failure",
                    90 => "Channel Open",
                    91 => "Channel Open Confirmation",
                    92 => "Channel Open Failure",
                    93 => "Window Adjust",
                    94 => "Channel Data",
                    95 => "Channel Extended Data",
                    96 => "Channel EOF",
                    97 => "Channel Close",
                    98 => "Channel Request",
                    99 => "Channel Success",
                    100 => "Channel Failure",
                    _ => return false,
                },
            );
        }
    }
    !first
}

/// The SSH string at `at` holds an elliptic-curve point (a 32-byte X25519 key, or an
/// uncompressed NIST point), not a Diffie-Hellman mpint.
fn ecdh_point(b: &[u8], at: usize) -> bool {
    let n = be32(b, at) as usize;
    n == 32 || n == 56 || (matches!(n, 65 | 97 | 133) && b.get(at + 4) == Some(&4))
}

/// A KEX reply starts with the server's host key, whose blob starts with its algorithm
/// name; a DH group-exchange group starts with the prime.
fn host_key_first(b: &[u8]) -> bool {
    let name_len = be32(b, 10) as usize;
    (1..64).contains(&name_len)
        && b.get(14..14 + name_len)
            .is_some_and(|n| n.iter().all(|c| c.is_ascii_graphic()))
}

// ---------------------------------------------------------------------------------------
// SMB2

/// UTF-16LE text at `off..off + len` of `b` (a path or pattern), as Wireshark shows it.
fn utf16(out: &mut Vec<u8>, b: &[u8], off: usize, len: usize) {
    let Some(s) = b.get(off..off.saturating_add(len)) else {
        return;
    };
    let units = s.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]]));
    for c in char::decode_utf16(units) {
        let c = c.unwrap_or('\u{fffd}');
        let mut buf = [0u8; 4];
        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    }
}

fn nt_status(s: u32) -> Option<&'static str> {
    Some(match s {
        0x0000_0103 => "STATUS_PENDING",
        0x8000_0005 => "STATUS_BUFFER_OVERFLOW",
        0x8000_0006 => "STATUS_NO_MORE_FILES",
        0xc000_000d => "STATUS_INVALID_PARAMETER",
        0xc000_000f => "STATUS_NO_SUCH_FILE",
        0xc000_0011 => "STATUS_END_OF_FILE",
        0xc000_0016 => "STATUS_MORE_PROCESSING_REQUIRED",
        0xc000_0022 => "STATUS_ACCESS_DENIED",
        0xc000_0023 => "STATUS_BUFFER_TOO_SMALL",
        0xc000_0033 => "STATUS_OBJECT_NAME_INVALID",
        0xc000_0034 => "STATUS_OBJECT_NAME_NOT_FOUND",
        0xc000_0035 => "STATUS_OBJECT_NAME_COLLISION",
        0xc000_003a => "STATUS_OBJECT_PATH_NOT_FOUND",
        0xc000_0043 => "STATUS_SHARING_VIOLATION",
        0xc000_006d => "STATUS_LOGON_FAILURE",
        0xc000_00ba => "STATUS_FILE_IS_A_DIRECTORY",
        0xc000_00bb => "STATUS_NOT_SUPPORTED",
        0xc000_00cc => "STATUS_BAD_NETWORK_NAME",
        0xc000_0101 => "STATUS_DIRECTORY_NOT_EMPTY",
        0xc000_0120 => "STATUS_CANCELLED",
        0xc000_0128 => "STATUS_FILE_CLOSED",
        0xc000_0225 => "STATUS_NOT_FOUND",
        _ => return None,
    })
}

/// One SMB2 message (after its 4-byte NetBIOS session header): the commands of a compound
/// joined by ";", each "<Command> Request|Response", an error status, and what the request
/// itself names (a Create's file, a Tree Connect's path, a Find's pattern). What needs the
/// file id's history (the file a Read or Close is on) is left out.
fn smb2_info(b: &[u8], out: &mut Vec<u8>) -> bool {
    if b.get(4..8) == Some(&b"\xfdSMB"[..]) {
        push(out, "Encrypted SMB3");
        return true;
    }
    let mut at = 4usize;
    let mut first = true;
    for _ in 0..strata_wire::app::smb::MAX_COMPOUND {
        let Some(h) = b.get(at..at + 64) else {
            break;
        };
        if &h[..4] != b"\xfeSMB" {
            break;
        }
        let status = u32::from_le_bytes([h[8], h[9], h[10], h[11]]);
        let cmd = u16::from_le_bytes([h[12], h[13]]);
        let response = h[16] & 1 != 0;
        let next = u32::from_le_bytes([h[20], h[21], h[22], h[23]]) as usize;
        if !first {
            out.push(b';');
        }
        first = false;
        push(
            out,
            match cmd {
                0 => "Negotiate Protocol",
                1 => "Session Setup",
                2 => "Session Logoff",
                3 => "Tree Connect",
                4 => "Tree Disconnect",
                5 => "Create",
                6 => "Close",
                7 => "Flush",
                8 => "Read",
                9 => "Write",
                10 => "Lock",
                11 => "Ioctl",
                12 => "Cancel",
                13 => "KeepAlive",
                14 => "Find",
                15 => "Notify",
                16 => "GetInfo",
                17 => "SetInfo",
                18 => "Break",
                _ => return false,
            },
        );
        push(out, if response { " Response" } else { " Request" });
        if response && status != 0 {
            push(out, ", Error: ");
            match nt_status(status) {
                Some(n) => push(out, n),
                None => return false,
            }
        }
        let body = at + 64;
        if !response {
            match cmd {
                5 => {
                    push(out, " File: ");
                    let off = le16(b, body + 44) as usize;
                    let len = le16(b, body + 46) as usize;
                    utf16(out, b, at + off, len);
                }
                3 => {
                    push(out, " Tree: ");
                    let off = le16(b, body + 4) as usize;
                    let len = le16(b, body + 6) as usize;
                    utf16(out, b, at + off, len);
                }
                14 => {
                    let class = match b.get(body + 2) {
                        Some(1) => "SMB2_FIND_DIRECTORY_INFO",
                        Some(2) => "SMB2_FIND_FULL_DIRECTORY_INFO",
                        Some(3) => "SMB2_FIND_BOTH_DIRECTORY_INFO",
                        Some(12) => "SMB2_FIND_NAME_INFO",
                        Some(37) => "SMB2_FIND_ID_BOTH_DIRECTORY_INFO",
                        Some(38) => "SMB2_FIND_ID_FULL_DIRECTORY_INFO",
                        _ => return false,
                    };
                    out.push(b' ');
                    push(out, class);
                    push(out, " Pattern: ");
                    let off = le16(b, body + 24) as usize;
                    let len = le16(b, body + 26) as usize;
                    utf16(out, b, at + off, len);
                }
                _ => {}
            }
        }
        if next < 64 {
            break;
        }
        at += next;
    }
    !first
}

fn le16(b: &[u8], i: usize) -> u16 {
    b.get(i..i + 2)
        .map(|s| u16::from_le_bytes([s[0], s[1]]))
        .unwrap_or(0)
}

// ---------------------------------------------------------------------------------------
// Kerberos errors

fn krb_error(b: &[u8], tcp: bool, out: &mut Vec<u8>) -> bool {
    use strata_wire::app::ber;
    let b = if tcp { b.get(4..).unwrap_or(&[]) } else { b };
    let Some((app, _)) = ber::read(b) else {
        return false;
    };
    let Some((seq, _)) = ber::read(app.value) else {
        return false;
    };
    let mut r = seq.value;
    while let Some((e, next)) = ber::read(r) {
        r = next;
        if e.tag != 0xa6 {
            continue;
        }
        let Some(code) = ber::read(e.value).and_then(|(i, _)| ber::integer(i.value)) else {
            return false;
        };
        push(
            out,
            match code {
                0 => "KDC_ERR_NONE",
                6 => "KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN",
                7 => "KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN",
                12 => "KRB5KDC_ERR_POLICY",
                13 => "KRB5KDC_ERR_BADOPTION",
                14 => "KRB5KDC_ERR_ETYPE_NOSUPP",
                18 => "KRB5KDC_ERR_CLIENT_REVOKED",
                23 => "KRB5KDC_ERR_KEY_EXP",
                24 => "KRB5KDC_ERR_PREAUTH_FAILED",
                25 => "KRB5KDC_ERR_PREAUTH_REQUIRED",
                31 => "KRB5KRB_AP_ERR_BAD_INTEGRITY",
                32 => "KRB5KRB_AP_ERR_TKT_EXPIRED",
                37 => "KRB5KRB_AP_ERR_SKEW",
                41 => "KRB5KRB_AP_ERR_MODIFIED",
                52 => "KRB5KRB_ERR_RESPONSE_TOO_BIG",
                60 => "KRB5KRB_ERR_GENERIC",
                68 => "KRB5KDC_ERR_WRONG_REALM",
                _ => return false,
            },
        );
        return true;
    }
    false
}

// ---------------------------------------------------------------------------------------
// NBNS

/// A NetBIOS name (first-level encoded, 32 bytes at `at`) as Wireshark shows it: the 15
/// name characters with trailing spaces trimmed, then the suffix byte in `<xx>`; bytes that
/// are not printable as `<xx>` too. The offset after it, or None if it is not one.
fn netbios_name(b: &[u8], at: usize, out: &mut Vec<u8>) -> Option<usize> {
    let mut at = at;
    let mut hops = 0;
    // A compressed name points back (at most a few hops).
    while b.get(at)? & 0xc0 == 0xc0 {
        hops += 1;
        if hops > 4 {
            return None;
        }
        at = (be16(b, at) & 0x3fff) as usize;
    }
    if *b.get(at)? != 32 {
        return None;
    }
    let enc = b.get(at + 1..at + 33)?;
    let mut name = [0u8; 16];
    for (i, pair) in enc.chunks_exact(2).enumerate() {
        let (hi, lo) = (pair[0].wrapping_sub(b'A'), pair[1].wrapping_sub(b'A'));
        if hi > 15 || lo > 15 {
            return None;
        }
        name[i] = hi << 4 | lo;
    }
    let end = name[..15]
        .iter()
        .rposition(|&c| c != b' ')
        .map_or(0, |i| i + 1);
    for &c in &name[..end] {
        if c.is_ascii_graphic() || c == b' ' {
            out.push(c);
        } else {
            out.push(b'<');
            text::hex_bare(out, c as u64, 2);
            out.push(b'>');
        }
    }
    out.push(b'<');
    text::hex_bare(out, name[15] as u64, 2);
    out.push(b'>');
    Some(at + 34)
}

fn nbns_info(b: &[u8], out: &mut Vec<u8>) -> bool {
    if b.len() < 12 {
        return false;
    }
    let flags = be16(b, 2);
    let response = flags & 0x8000 != 0;
    push(
        out,
        match (flags >> 11) & 0xf {
            0 => "Name query",
            5 => "Registration",
            6 => "Release",
            7 => "Wait for acknowledgment",
            8 => "Refresh",
            9 => "Refresh (alternate opcode)",
            15 => "Multi-homed registration",
            _ => return false,
        },
    );
    if response {
        push(out, " response");
        let rcode = flags & 0xf;
        if rcode != 0 {
            push(out, ", ");
            push(
                out,
                match rcode {
                    1 => "Format error",
                    2 => "Server failure",
                    3 => "Name does not exist",
                    4 => "Unsupported request",
                    5 => "Refused",
                    6 => "Active error",
                    7 => "Name in conflict",
                    _ => "Unknown",
                },
            );
        }
    }
    let (qd, an) = (be16(b, 4), be16(b, 6));
    let mut at = 12;
    let nb_type = |out: &mut Vec<u8>, t: u16| match t {
        0x20 => push(out, "NB"),
        0x21 => push(out, "NBSTAT"),
        0x01 => push(out, "A"),
        0x02 => push(out, "NS"),
        0x0a => push(out, "NULL"),
        _ => push(out, "Unknown"),
    };
    for _ in 0..qd {
        let mark = out.len();
        out.push(b' ');
        let t = be16(b, skip_nb_name(b, at).unwrap_or(usize::MAX - 2));
        nb_type(out, t);
        out.push(b' ');
        match netbios_name(b, at, out) {
            Some(n) if b.len() >= n + 4 => at = n + 4,
            _ => {
                out.truncate(mark);
                return true;
            }
        }
    }
    for _ in 0..an {
        let Some(n) = skip_nb_name(b, at) else {
            return true;
        };
        if b.len() < n + 10 {
            return true;
        }
        let t = be16(b, n);
        let rdlen = be16(b, n + 8) as usize;
        out.push(b' ');
        nb_type(out, t);
        let rdata = b.get(n + 10..n + 10 + rdlen).unwrap_or(&[]);
        if t == 0x20 {
            for e in rdata.chunks_exact(6) {
                out.push(b' ');
                text::ipv4(out, [e[2], e[3], e[4], e[5]].into());
            }
        }
        at = n + 10 + rdlen;
    }
    true
}

/// The offset after the NetBIOS name at `at` (a 32-byte first-level name or a pointer).
fn skip_nb_name(b: &[u8], at: usize) -> Option<usize> {
    let c = *b.get(at)?;
    if c & 0xc0 == 0xc0 {
        return Some(at + 2);
    }
    let mut i = at;
    loop {
        let n = *b.get(i)? as usize;
        if n == 0 {
            return Some(i + 1);
        }
        if n & 0xc0 == 0xc0 {
            return Some(i + 2);
        }
        i += 1 + n;
    }
}

// ---------------------------------------------------------------------------------------
// ISAKMP, OpenVPN, CIP I/O, Bitcoin, Modbus/TCP, RADIUS, RTSP, SIP, SNMP, Kerberos

fn isakmp_info(b: &[u8], out: &mut Vec<u8>) -> bool {
    // On the NAT-T port, a four-byte zero marker comes first.
    let b = if b.len() >= 4 && b[..4] == [0, 0, 0, 0] && b.len() >= 32 && be32(b, 0) == 0 {
        match b.get(4..) {
            Some(r) if r.len() >= 28 && (r[17] >> 4 == 1 || r[17] >> 4 == 2) => r,
            _ => b,
        }
    } else {
        b
    };
    if b.len() < 28 {
        return false;
    }
    let (version, exch, flags, mid) = (b[17] >> 4, b[18], b[19], be32(b, 20));
    if version == 2 {
        push(
            out,
            match exch {
                34 => "IKE_SA_INIT",
                35 => "IKE_AUTH",
                36 => "CREATE_CHILD_SA",
                37 => "INFORMATIONAL",
                38 => "IKE_SESSION_RESUME",
                43 => "IKE_INTERMEDIATE",
                _ => return false,
            },
        );
        push(out, " MID=");
        if mid < 10 {
            out.push(b'0');
        }
        text::dec(out, mid as u64);
        push(
            out,
            if flags & 0x08 != 0 {
                " Initiator"
            } else {
                " Responder"
            },
        );
        push(
            out,
            if flags & 0x20 != 0 {
                " Response"
            } else {
                " Request"
            },
        );
    } else {
        push(
            out,
            match exch {
                0 => "NONE",
                1 => "Base",
                2 => "Identity Protection (Main Mode)",
                3 => "Authentication Only",
                4 => "Aggressive",
                5 => "Informational",
                6 => "Transaction (Config Mode)",
                32 => "Quick Mode",
                33 => "New Group Mode",
                _ => return false,
            },
        );
    }
    true
}

fn openvpn_info(b: &[u8], out: &mut Vec<u8>) -> bool {
    let Some(&first) = b.first() else {
        return false;
    };
    // Over TCP, a two-byte length comes first.
    let op = if b.len() >= 3 && be16(b, 0) as usize == b.len() - 2 {
        b[2] >> 3
    } else {
        first >> 3
    };
    push(out, "MessageType: ");
    push(
        out,
        match op {
            1 => "P_CONTROL_HARD_RESET_CLIENT_V1",
            2 => "P_CONTROL_HARD_RESET_SERVER_V1",
            3 => "P_CONTROL_SOFT_RESET_V1",
            4 => "P_CONTROL_V1",
            5 => "P_ACK_V1",
            6 => "P_DATA_V1",
            7 => "P_CONTROL_HARD_RESET_CLIENT_V2",
            8 => "P_CONTROL_HARD_RESET_SERVER_V2",
            9 => "P_DATA_V2",
            10 => "P_CONTROL_HARD_RESET_CLIENT_V3",
            11 => "P_CONTROL_WKC_V1",
            _ => return false,
        },
    );
    true
}

fn cip_io_info(b: &[u8], out: &mut Vec<u8>) -> bool {
    // Common Packet Format: item count, then a Sequenced Address item (0x8002, 8 bytes).
    if b.len() < 14 || b[2..4] != [0x02, 0x80] || b[4..6] != [8, 0] {
        return false;
    }
    let id = u32::from_le_bytes([b[6], b[7], b[8], b[9]]);
    let seq = u32::from_le_bytes([b[10], b[11], b[12], b[13]]);
    push(out, "Connection: ID=0x");
    let at = out.len();
    text::hex_bare(out, id as u64, 8);
    out[at..].make_ascii_uppercase();
    push(out, ", SEQ=");
    let s = seq as u64;
    let mut digits = 1;
    while s >= 10u64.pow(digits) && digits < 10 {
        digits += 1;
    }
    for _ in digits..10 {
        out.push(b'0');
    }
    text::dec(out, s);
    true
}

fn bitcoin_info(b: &[u8], out: &mut Vec<u8>) -> bool {
    match app::bitcoin::command(b) {
        Some(c) => format_text(out, c),
        None => push(out, "[unknown command]"),
    }
    true
}

/// `v` right-aligned in `width` columns, as `%*u`.
fn dec_pad(out: &mut Vec<u8>, v: u64, width: usize) {
    let mut digits = 1;
    let mut x = v;
    while x >= 10 {
        x /= 10;
        digits += 1;
    }
    for _ in digits..width {
        out.push(b' ');
    }
    text::dec(out, v);
}

fn modbus_info(f: &Frame, b: &[u8], out: &mut Vec<u8>) -> bool {
    let Some((trans, _, _, unit, Some(func))) = app::modbus::mbap(b) else {
        return false;
    };
    let Some(server) = server_side(f, &[502]) else {
        return false;
    };
    let exception = b.get(7).is_some_and(|c| c & 0x80 != 0);
    push(out, if server { "Response" } else { "   Query" });
    push(out, ": Trans: ");
    dec_pad(out, trans as u64, 5);
    push(out, "; Unit: ");
    dec_pad(out, unit as u64, 3);
    push(out, ", Func: ");
    dec_pad(out, func as u64, 3);
    push(out, ": ");
    push(
        out,
        match func {
            1 => "Read Coils",
            2 => "Read Discrete Inputs",
            3 => "Read Holding Registers",
            4 => "Read Input Registers",
            5 => "Write Single Coil",
            6 => "Write Single Register",
            7 => "Read Exception Status",
            8 => "Diagnostics",
            11 => "Get Comm Event Counter",
            12 => "Get Comm Event Log",
            15 => "Write Multiple Coils",
            16 => "Write Multiple Registers",
            17 => "Report Slave ID",
            20 => "Read File Record",
            21 => "Write File Record",
            22 => "Mask Write Register",
            23 => "Read Write Register",
            24 => "Read FIFO Queue",
            43 => "Encapsulated Interface Transport",
            _ => return false,
        },
    );
    if exception {
        push(out, ". Exception returned ");
    }
    true
}

fn radius_info(b: &[u8], out: &mut Vec<u8>) -> bool {
    let Some((code, id, _)) = app::radius::header(b) else {
        return false;
    };
    push(
        out,
        match code {
            1 => "Access-Request",
            2 => "Access-Accept",
            3 => "Access-Reject",
            4 => "Accounting-Request",
            5 => "Accounting-Response",
            11 => "Access-Challenge",
            12 => "Status-Server",
            13 => "Status-Client",
            40 => "Disconnect-Request",
            41 => "Disconnect-ACK",
            42 => "Disconnect-NAK",
            43 => "CoA-Request",
            44 => "CoA-ACK",
            45 => "CoA-NAK",
            _ => return false,
        },
    );
    push(out, " id=");
    text::dec(out, id as u64);
    true
}

fn rtsp_info(b: &[u8], out: &mut Vec<u8>) -> bool {
    let l = line::first_line(b);
    if l.starts_with(b"RTSP/") {
        push(out, "Reply: ");
    } else if !l.ends_with(b"RTSP/1.0") && !l.ends_with(b"RTSP/2.0") {
        return false;
    }
    format_text(out, l);
    true
}

/// STUN and TURN as Wireshark's `packet-stun.c` writes the Info column: the method and
/// class, then, in message order, the attributes it names there (addresses, user, realm,
/// nonce, lifetime, bandwidth, requested transport, error code).
fn stun_info(b: &[u8], out: &mut Vec<u8>) -> bool {
    use strata_wire::app::stun;
    if b.first().is_some_and(|&x| x & 0xc0 == 0x40) {
        push(out, "ChannelData TURN Message");
        return true;
    }
    let Some((ty, _, _, tid)) = stun::header(b) else {
        return false;
    };
    let method = ty & 0x000f | (ty & 0x00e0) >> 1 | (ty & 0x3e00) >> 2;
    let class = (ty & 0x0010) >> 4 | (ty & 0x0100) >> 7;
    let method = match method {
        0x001 => "Binding",
        0x002 => "SharedSecret",
        0x003 => "Allocate",
        0x004 => "Refresh",
        0x006 => "Send",
        0x007 => "Data",
        0x008 => "CreatePermission",
        0x009 => "Channel-Bind",
        0x00a => "Connect",
        0x00b => "ConnectionBind",
        0x00c => "ConnectionAttempt",
        _ => "Unknown",
    };
    push(out, method);
    push(
        out,
        match class {
            0 => " Request",
            1 => " Indication",
            2 => " Success Response",
            _ => " Error Response",
        },
    );
    for (at, v) in stun::attributes(b) {
        let name = match at {
            0x0001 => "MAPPED-ADDRESS",
            0x0012 => "XOR-PEER-ADDRESS",
            0x0016 => "XOR-RELAYED-ADDRESS",
            0x0020 => "XOR-MAPPED-ADDRESS",
            0x802b => "RESPONSE-ORIGIN",
            0x802c => "OTHER-ADDRESS",
            0x0006 => {
                push(out, " user: ");
                format_text(out, v);
                continue;
            }
            0x0014 => {
                push(out, " realm: ");
                format_text(out, v);
                continue;
            }
            0x0015 => {
                push(out, " with nonce");
                continue;
            }
            0x000c => {
                push(out, " ChannelNumber=0x");
                text::hex_bare(out, be16(v, 0) as u64, 4);
                continue;
            }
            0x000d => {
                push(out, " lifetime: ");
                text::dec(out, be32(v, 0) as u64);
                continue;
            }
            0x0010 => {
                push(out, " bandwidth: ");
                text::dec(out, be32(v, 0) as u64);
                continue;
            }
            0x0019 => {
                push(
                    out,
                    match v.first() {
                        Some(6) => " TCP",
                        Some(17) => " UDP",
                        _ => " Unknown",
                    },
                );
                continue;
            }
            0x0009 if v.len() >= 4 => {
                let code = (v[2] & 0x07) as u64 * 100 + v[3] as u64;
                push(out, " error-code: ");
                text::dec(out, code);
                push(
                    out,
                    match code {
                        300 => " (Try Alternate)",
                        400 => " (Bad Request)",
                        401 => " (Unauthenticated)",
                        403 => " (Forbidden)",
                        420 => " (Unknown Attribute)",
                        437 => " (Allocation Mismatch)",
                        438 => " (Stale Nonce)",
                        440 => " (Address Family not Supported)",
                        441 => " (Wrong Credentials)",
                        442 => " (Unsupported Transport Protocol)",
                        443 => " (Peer Address Family Mismatch)",
                        486 => " (Allocation Quota Reached)",
                        487 => " (Role Conflict)",
                        500 => " (Server Error)",
                        508 => " (Insufficient Capacity)",
                        _ => " (Unknown)",
                    },
                );
                if v.len() > 4 {
                    out.push(b' ');
                    format_text(out, &v[4..]);
                }
                continue;
            }
            _ => continue,
        };
        let xor = matches!(at, 0x0012 | 0x0016 | 0x0020);
        if let Some((family, port, addr)) = stun::address(v, xor, tid) {
            push(out, " ");
            push(out, name);
            push(out, ": ");
            if family == 1 {
                text::ipv4(
                    out,
                    std::net::Ipv4Addr::new(addr[0], addr[1], addr[2], addr[3]),
                );
            } else if let Ok(a) = <[u8; 16]>::try_from(addr.as_slice()) {
                text::ipv6(out, a.into());
            }
            out.push(b':');
            text::dec(out, port as u64);
        }
    }
    true
}

fn sip_info(b: &[u8], out: &mut Vec<u8>) -> bool {
    let l = line::first_line(b);
    let register;
    if let Some(rest) = l.strip_prefix(b"SIP/2.0 ") {
        push(out, "Status: ");
        format_text(out, rest);
        // A 2xx names the method it answers (from CSeq).
        let ok = rest.first() == Some(&b'2');
        let method = sip_header(b, b"cseq", b"")
            .map(|v| line::split_word(v).1)
            .unwrap_or(b"");
        if ok && !method.is_empty() {
            push(out, " (");
            format_text(out, method);
            out.push(b')');
        }
        register = ok && method == b"REGISTER";
    } else if let Some(req) = l.strip_suffix(b" SIP/2.0") {
        push(out, "Request: ");
        format_text(out, req);
        register = req.starts_with(b"REGISTER ");
    } else {
        return false;
    }
    if register {
        // The bindings a REGISTER (or its 2xx) carries: its Contact headers.
        let mut n = 0u64;
        let mut remove = true;
        let expires0 = sip_header(b, b"expires", b"").is_some_and(|v| v.trim_ascii() == b"0");
        for (name, value) in sip_headers(b) {
            if name.eq_ignore_ascii_case(b"contact") || name == b"m" {
                n += 1;
                let lower_has = value.windows(10).any(|w| {
                    w.eq_ignore_ascii_case(b"expires=0;") || w.eq_ignore_ascii_case(b"expires=0\r")
                }) || value.len() >= 9
                    && value[value.len() - 9..].eq_ignore_ascii_case(b"expires=0");
                remove &= lower_has || expires0;
            }
        }
        if n == 0 {
            push(out, "  (fetch bindings)");
        } else {
            push(out, if remove { "  (remove " } else { "  (" });
            text::dec(out, n);
            push(out, if n == 1 { " binding)" } else { " bindings)" });
        }
    }
    push(out, " | ");
    true
}

/// The header lines of a SIP message (after its start line, up to the blank line).
fn sip_headers(b: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    let end = b
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(b.len());
    b[..end].split(|&c| c == b'\n').skip(1).filter_map(|l| {
        let l = l.strip_suffix(b"\r").unwrap_or(l);
        let i = l.iter().position(|&c| c == b':')?;
        Some((l[..i].trim_ascii(), l[i + 1..].trim_ascii()))
    })
}

/// The first header named `name` (or its compact form `short`).
fn sip_header<'a>(b: &'a [u8], name: &[u8], short: &[u8]) -> Option<&'a [u8]> {
    sip_headers(b)
        .find(|(n, _)| n.eq_ignore_ascii_case(name) || (!short.is_empty() && *n == short))
        .map(|(_, v)| v)
}

fn snmp_info(b: &[u8], out: &mut Vec<u8>) -> bool {
    use strata_wire::app::ber;
    let Some((msg, _)) = ber::read(b) else {
        return false;
    };
    if msg.tag != 0x30 {
        return false;
    }
    let Some((version, rest)) = ber::read(msg.value) else {
        return false;
    };
    let pdu = if ber::integer(version.value) == Some(3) {
        // msgGlobalData, msgSecurityParameters, then a ScopedPDU or an encryptedPDU.
        let Some((_, rest)) = ber::read(rest) else {
            return false;
        };
        let Some((_, rest)) = ber::read(rest) else {
            return false;
        };
        let Some((data, _)) = ber::read(rest) else {
            return false;
        };
        if data.tag == 0x04 {
            push(out, "encryptedPDU: privKey Unknown");
            return true;
        }
        // contextEngineID, contextName, data.
        let Some((_, r)) = ber::read(data.value) else {
            return false;
        };
        let Some((_, r)) = ber::read(r) else {
            return false;
        };
        match ber::read(r) {
            Some((pdu, _)) => pdu,
            None => return false,
        }
    } else {
        let Some((_community, rest)) = ber::read(rest) else {
            return false;
        };
        match ber::read(rest) {
            Some((pdu, _)) => pdu,
            None => return false,
        }
    };
    push(
        out,
        match pdu.tag {
            0xa0 => "get-request",
            0xa1 => "get-next-request",
            0xa2 => "get-response",
            0xa3 => "set-request",
            0xa4 => "trap",
            0xa5 => "getBulkRequest",
            0xa6 => "informRequest",
            0xa7 => "snmpV2-trap",
            0xa8 => "report",
            _ => return false,
        },
    );
    if pdu.tag == 0xa4 {
        return false;
    }
    // request-id, error-status, error-index, then the variable bindings.
    let mut r = pdu.value;
    for _ in 0..3 {
        match ber::read(r) {
            Some((_, next)) => r = next,
            None => return true,
        }
    }
    let Some((vbs, _)) = ber::read(r) else {
        return true;
    };
    let mut v = vbs.value;
    while let Some((vb, next)) = ber::read(v) {
        v = next;
        if let Some((oid, _)) = ber::read(vb.value) {
            if oid.tag == 0x06 {
                out.push(b' ');
                write_oid(out, oid.value);
            }
        }
    }
    true
}

fn write_oid(out: &mut Vec<u8>, v: &[u8]) {
    let mut first = true;
    let mut acc: u64 = 0;
    for &c in v {
        acc = (acc << 7) | (c & 0x7f) as u64;
        if c & 0x80 != 0 {
            continue;
        }
        if first {
            let (a, b) = match acc {
                0..=39 => (0, acc),
                40..=79 => (1, acc - 40),
                _ => (2, acc - 80),
            };
            text::dec(out, a);
            out.push(b'.');
            text::dec(out, b);
            first = false;
        } else {
            out.push(b'.');
            text::dec(out, acc);
        }
        acc = 0;
    }
}

fn krb5_info(f: &Frame, b: &[u8], out: &mut Vec<u8>) -> bool {
    let tcp = f
        .decoded
        .layers()
        .iter()
        .any(|l| l.proto == Proto::Tcp && !l.quoted);
    let Some(t) = app::kerberos::msg_type(b, tcp) else {
        return false;
    };
    push(
        out,
        match t {
            10 => "AS-REQ",
            11 => "AS-REP",
            12 => "TGS-REQ",
            13 => "TGS-REP",
            14 => "AP-REQ",
            15 => "AP-REP",
            20 => "KRB-SAFE",
            21 => "KRB-PRIV",
            22 => "KRB-CRED",
            30 => "KRB Error: ",
            _ => return false,
        },
    );
    if t == 30 {
        return krb_error(b, tcp, out);
    }
    true
}

// ---------------------------------------------------------------------------------------
// Line protocols: FTP, SMTP, POP, IMAP

fn server_side(f: &Frame, port: &[u16]) -> Option<bool> {
    let l4 = f
        .decoded
        .layers()
        .iter()
        .rev()
        .find(|l| !l.quoted && l.proto == Proto::Tcp)?;
    let h = f.header(l4);
    let (s, d) = (be16(h, 0), be16(h, 2));
    if port.contains(&s) {
        Some(true)
    } else if port.contains(&d) {
        Some(false)
    } else {
        None
    }
}

fn ftp_info(f: &Frame, l: &Layer, out: &mut Vec<u8>) -> bool {
    first_line_info(f, l, &[21], out)
}

/// "Request: " or "Response: " (by the side of `server_ports`) and the message's first line.
fn first_line_info(f: &Frame, l: &Layer, server_ports: &[u16], out: &mut Vec<u8>) -> bool {
    let Some(server) = server_side(f, server_ports) else {
        return false;
    };
    let b = f.header(l);
    push(out, if server { "Response: " } else { "Request: " });
    format_text(out, line::first_line(b));
    true
}

fn smtp_pop_info(f: &Frame, l: &Layer, out: &mut Vec<u8>) -> bool {
    let Some(server) = server_side(f, &[25, 587, 110]) else {
        return false;
    };
    let b = f.header(l);
    push(out, if server { "S: " } else { "C: " });
    // A multi-line reply shows its lines joined by " | ", the code left off after the first.
    let mut rest = b;
    let mut first = true;
    while !rest.is_empty() {
        let l = line::first_line(rest);
        let next = rest
            .iter()
            .position(|&c| c == b'\n')
            .map_or(&[][..], |i| &rest[i + 1..]);
        if first {
            format_text(out, l);
        } else if server && l.len() >= 4 && line::reply_code(l).is_some() {
            push(out, " | ");
            format_text(out, &l[4..]);
        } else {
            break;
        }
        first = false;
        if !server {
            break;
        }
        rest = next;
    }
    true
}

fn imap_info(f: &Frame, l: &Layer, out: &mut Vec<u8>) -> bool {
    first_line_info(f, l, &[143], out)
}

// ---------------------------------------------------------------------------------------
// TFTP, Syslog

fn tftp_info(b: &[u8], out: &mut Vec<u8>) -> bool {
    let Some(op) = app::tftp::opcode(b) else {
        return false;
    };
    match op {
        1 | 2 => {
            let Some((file, mode)) = app::tftp::request(b) else {
                return false;
            };
            push(
                out,
                if op == 1 {
                    "Read Request"
                } else {
                    "Write Request"
                },
            );
            push(out, ", File: ");
            format_text(out, file);
            push(out, ", Transfer type: ");
            format_text(out, mode);
            tftp_options(b, 2 + file.len() + 1 + mode.len() + 1, out);
        }
        6 => {
            push(out, "Option Acknowledgement");
            tftp_options(b, 2, out);
        }
        3 | 4 => {
            let Some(block) = app::tftp::block(b) else {
                return false;
            };
            push(
                out,
                if op == 3 {
                    "Data Packet"
                } else {
                    "Acknowledgement"
                },
            );
            push(out, ", Block: ");
            text::dec(out, block as u64);
            if op == 3 && b.len() - 4 < 512 {
                push(out, " (last)");
            }
        }
        _ => return false,
    }
    true
}

/// TFTP options (RFC 2347): NUL-terminated name and value pairs, shown as `, name=value`.
fn tftp_options(b: &[u8], at: usize, out: &mut Vec<u8>) {
    let mut parts = b.get(at..).unwrap_or(&[]).split(|&c| c == 0);
    while let (Some(name), Some(value)) = (parts.next(), parts.next()) {
        if name.is_empty() && value.is_empty() {
            break;
        }
        push(out, ", ");
        format_text(out, name);
        out.push(b'=');
        format_text(out, value);
    }
}

fn syslog_info(b: &[u8], out: &mut Vec<u8>) -> bool {
    let Some((facility, level, msg)) = app::syslog::message(b) else {
        // No priority: the message alone.
        if b.first() == Some(&b'<') {
            return false;
        }
        format_text(out, b);
        return true;
    };
    push(
        out,
        [
            "KERN", "USER", "MAIL", "DAEMON", "AUTH", "SYSLOG", "LPR", "NEWS", "UUCP", "CRON",
            "AUTHPRIV", "FTP", "NTP", "AUDIT", "ALERT", "CRON2", "LOCAL0", "LOCAL1", "LOCAL2",
            "LOCAL3", "LOCAL4", "LOCAL5", "LOCAL6", "LOCAL7",
        ]
        .get(facility as usize)
        .copied()
        .unwrap_or("?"),
    );
    out.push(b'.');
    push(
        out,
        [
            "EMERG", "ALERT", "CRIT", "ERR", "WARNING", "NOTICE", "INFO", "DEBUG",
        ][level as usize & 7],
    );
    push(out, ": ");
    format_text(out, msg);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_text_escapes_like_wireshark() {
        let mut o = Vec::new();
        format_text(&mut o, b"a\nb\0c");
        assert_eq!(o, b"a\\nb\\000c");
    }
}
