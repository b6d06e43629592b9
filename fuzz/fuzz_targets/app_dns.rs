//! `strata_wire::app::dns`: the input as one DNS message (every header getter, the questions,
//! the records with their A / AAAA / target / MX / SRV / SOA / TXT / EDNS-option views, every
//! name written out), then as a DNS-over-TCP byte stream split with `tcp_frame_len`, each
//! message checked the same way.
//! Checks: no panic or hang; iteration within the section counts; records in section order;
//! `rdata` at `rdata_off` inside the message; names written as UTF-8 of bounded length, and
//! nothing written for a name reported malformed; the per-type views only for their type,
//! numbers as in the rdata, TXT strings and EDNS options back to back inside the rdata.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_wire::app::dns::{self, rtype, Message, Name, Section};

#[path = "slices.rs"]
mod slices;

fn name(n: &Name, out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(b"x");
    if n.write(out) {
        assert!(out.len() > 1, "an accepted name writes something");
        // MAX_NAME (1024) raw bytes, each printed as at most 4 (`\xNN`) or 3 (U+FFFD).
        assert!(
            out.len() <= 1 + 4 * 1024 + 1024,
            "name of {} bytes",
            out.len()
        );
        slices::utf8(&out[1..]);
    } else {
        assert_eq!(out, b"x", "a refused name leaves the buffer as it was");
    }
}

fn message(m: &[u8]) {
    let plausible = dns::plausible(m);
    let Ok(msg) = Message::new_checked(m) else {
        assert!(m.len() < dns::HEADER_LEN && !plausible);
        return;
    };
    assert_eq!(msg.bytes().as_ptr(), m.as_ptr());
    assert_eq!(msg.bytes().len(), m.len());
    let _ = msg.id();
    assert_eq!(msg.is_response(), msg.flags() & 0x8000 != 0);
    assert!(msg.opcode() <= 15 && msg.rcode() <= 15);
    if plausible {
        assert!(msg.opcode() <= 6 && msg.qdcount() <= 64);
    }
    let mut out = Vec::new();
    let mut nq = 0u32;
    for q in msg.questions() {
        nq += 1;
        name(&q.name, &mut out);
        std::hint::black_box((q.qtype, q.qclass));
    }
    assert!(nq <= msg.qdcount() as u32);
    let (an, ns) = (msg.ancount() as u32, msg.nscount() as u32);
    let total = an + ns + msg.arcount() as u32;
    let mut nr = 0u32;
    for r in msg.records() {
        let want = if nr < an {
            Section::Answer
        } else if nr < an + ns {
            Section::Authority
        } else {
            Section::Additional
        };
        assert_eq!(r.section, want, "record {nr}");
        nr += 1;
        let at = slices::offset_in(m, r.rdata);
        if !r.rdata.is_empty() {
            assert_eq!(at, r.rdata_off, "rdata not at rdata_off");
        }
        assert!(r.rdata_off + r.rdata.len() <= m.len());
        name(&r.name, &mut out);
        if let Some(a) = r.a() {
            assert_eq!(&a[..], r.rdata);
        }
        if let Some(a) = r.aaaa() {
            assert_eq!(&a[..], r.rdata);
        }
        if let Some(t) = r.target() {
            name(&t, &mut out);
        }
        record_types(&r, &mut out);
        std::hint::black_box((r.rtype, r.class, r.ttl));
    }
    assert!(nr <= total);
    if nr > 0 {
        assert_eq!(
            nq,
            msg.qdcount() as u32,
            "records only after every question"
        );
    }
}

/// The per-type accessors: each only for its type, its numbers from the rdata's bytes, SOA
/// names written like any name, TXT strings and EDNS options back to back inside the rdata.
fn record_types(r: &dns::Record, out: &mut Vec<u8>) {
    let be16 = |i: usize| u16::from_be_bytes([r.rdata[i], r.rdata[i + 1]]);
    match r.mx_preference() {
        Some(p) => assert!(r.rtype == rtype::MX && p == be16(0)),
        None => assert!(r.rtype != rtype::MX || r.rdata.len() < 2),
    }
    match r.srv() {
        Some(s) => assert!(r.rtype == rtype::SRV && s == (be16(0), be16(2), be16(4))),
        None => assert!(r.rtype != rtype::SRV || r.rdata.len() < 6),
    }
    if let Some(s) = r.soa() {
        assert_eq!(r.rtype, rtype::SOA);
        assert!(
            r.rdata.len() >= 2 + 20,
            "two names (1+ bytes each) and five counters"
        );
        name(&s.mname, out);
        name(&s.rname, out);
        std::hint::black_box((s.serial, s.refresh, s.retry, s.expire, s.minimum));
    }
    let mut used = 0usize;
    for (i, t) in r.txt().enumerate() {
        assert_eq!(r.rtype, rtype::TXT);
        assert!(i < 256 * 256, "TXT strings bounded by the rdata");
        let at = slices::offset_in(r.rdata, t);
        if !t.is_empty() {
            assert_eq!(at, used + 1, "strings back to back");
        }
        assert_eq!(r.rdata[used] as usize, t.len());
        used += 1 + t.len();
        assert!(used <= r.rdata.len());
    }
    if r.rtype != rtype::TXT {
        assert_eq!(used, 0);
    }
    let mut used = 0usize;
    for (code, d) in r.edns_options() {
        assert_eq!(r.rtype, rtype::OPT);
        assert_eq!(code, be16(used));
        assert_eq!(be16(used + 2) as usize, d.len());
        if !d.is_empty() {
            assert_eq!(
                slices::offset_in(r.rdata, d),
                used + 4,
                "options back to back"
            );
        }
        used += 4 + d.len();
        assert!(used <= r.rdata.len());
    }
    if r.rtype != rtype::OPT {
        assert_eq!(used, 0);
    }
}

fuzz_target!(|data: &[u8]| {
    message(data);
    // The same bytes as a DNS-over-TCP stream.
    let mut s = data;
    for _ in 0..64 {
        let Some(n) = dns::tcp_frame_len(s) else {
            assert!(s.len() < 2);
            break;
        };
        assert!(n >= 2);
        let Some(m) = s.get(2..n) else { break };
        message(m);
        s = &s[n..];
    }
});
