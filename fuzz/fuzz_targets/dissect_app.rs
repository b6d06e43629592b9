//! `strata_dissect::app` (port / heuristic dispatch and bounded TCP reassembly) through the
//! public `Dissector`: one TCP or UDP conversation (format in `conv.rs`), each segment an
//! Ethernet frame, dissected in order. For every frame: each application layer lies inside
//! its buffer (the frame, or `Frame::stream` for reassembled messages) with `len == end -
//! start`; its bytes re-parse with the strata-wire parser of its protocol; then every
//! application field (`fields::FIELDS` of DNS/HTTP/TLS/SSH/DHCP/NTP/...) and the Protocol and
//! Info columns are printed and must be UTF-8. At the end the reassembly counters add up.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_capture::{LinkType, Packet, Timestamp};
use strata_dissect::fields::FIELDS;
use strata_dissect::printer::{FieldsOptions, FieldsPrinter};
use strata_dissect::{app, Dissector};
use strata_wire::app::{dns, http, ssh, tls};
use strata_wire::Proto;

#[path = "conv.rs"]
mod conv;
#[path = "slices.rs"]
mod slices;

thread_local! {
    static NAMES: Vec<String> = {
        let mut v: Vec<String> = FIELDS
            .iter()
            .filter(|f| f.proto.is_some_and(strata_dissect::frame::is_app))
            .map(|f| f.name.to_string())
            .collect();
        v.push("_ws.col.Protocol".into());
        v.push("_ws.col.Info".into());
        v
    };
}

fn reparse(proto: Proto, kind: u8, b: &[u8]) {
    match proto {
        Proto::Dns => {
            let m = dns::Message::new_checked(b).expect("a DNS layer holds a header");
            let mut out = Vec::new();
            for q in m.questions() {
                q.name.write(&mut out);
            }
            for r in m.records().take(1000) {
                r.name.write(&mut out);
            }
            slices::utf8(&out);
        }
        Proto::Tls if kind & app::tls_kind::NOT_RECORD == 0 => {
            let r = tls::Record::parse(b).expect("a TLS layer holds a record");
            assert_eq!(
                tls::record_len(b),
                Some(b.len()),
                "a TLS layer is one whole record"
            );
            for h in r.handshakes() {
                let _ = h.client_hello().map(|h| h.server_name());
                let _ = h.server_hello().map(|h| h.negotiated_version());
            }
            let _ = app::tls_name(kind);
        }
        Proto::Http => {
            let _ = http::Head::parse(b);
        }
        Proto::Ssh => {
            let _ = ssh::banner(b);
            // Before NEWKEYS a layer after the identification line is one whole packet.
            let k = kind & (app::ssh_kind::PACKETS | app::ssh_kind::ENCRYPTED);
            if k == app::ssh_kind::PACKETS {
                let p = ssh::packet(b).expect("a cleartext SSH layer holds a packet");
                assert_eq!(p.packet_length as usize + 4, b.len(), "one whole packet");
            }
        }
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let Some(c) = conv::parse(data) else { return };
    NAMES.with(|names| {
        let mut printer = FieldsPrinter::new(names, FieldsOptions::default(), false)
            .expect("every registered field is known to the printer");
        let mut d = Dissector::new();
        let mut b = conv::Builder::default();
        let mut out = Vec::with_capacity(4096);
        let mut tcp_segments = 0u64;
        for (i, s) in c.segs.iter().enumerate() {
            b.build(&c, s);
            let pkt = Packet {
                ts: Timestamp::new(1_700_000_000, i as u32 * 1000),
                orig_len: b.frame.len() as u32,
                link_type: LinkType::ETHERNET,
                interface_id: 0,
                data: &b.frame,
            };
            let frame = d.dissect(&pkt);
            for l in frame.app {
                let buf = if l.reassembled {
                    frame.stream
                } else {
                    frame.data
                };
                let (st, end) = (l.start as usize, l.end as usize);
                assert!(
                    st <= end && end <= buf.len(),
                    "{l:?} outside its buffer ({})",
                    buf.len()
                );
                assert_eq!(l.len as usize, end - st, "{l:?}");
                assert!(strata_dissect::frame::is_app(l.proto), "{l:?}");
                assert_eq!(frame.buffer(l).as_ptr(), buf.as_ptr());
                reparse(l.proto, l.ext_kind, &buf[st..end]);
            }
            out.clear();
            printer.frame(&frame, &mut out);
            slices::utf8(&out);
            if !c.udp {
                tcp_segments += 1;
            }
        }
        let st = d.stream_stats();
        // UDP tunnels (VXLAN, GENEVE, GTP-U) may carry TCP: count only for TCP conversations.
        assert!(c.udp || st.segments <= tcp_segments, "{st:?}");
        assert!(st.retransmissions + st.gaps <= st.segments, "{st:?}");
        assert_eq!(st.convs_dropped, 0, "{st:?}");
    });
});
