//! `strata_wire::app::http`: `looks_like`, `start_line`, `Head::parse` and every accessor of a
//! complete head (start line, headers, `header`, `content_length`, `chunked`, `is_request`),
//! then `chunked_len` on the body after the head and on the whole input.
//! Checks: no panic or hang; every returned slice inside the input (and inside the head);
//! the header block after the start line; no line end inside a name or value; a complete
//! head ends with an empty line; lengths within the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_wire::app::http::{self, Head, Parse, StartLine};

#[path = "slices.rs"]
mod slices;

fn start(b: &[u8], s: &StartLine) {
    match *s {
        StartLine::Request {
            method,
            uri,
            version,
        } => {
            slices::offset_in(b, method);
            slices::offset_in(b, uri);
            slices::offset_in(b, version);
            assert!(version.starts_with(b"HTTP/"));
            assert!(!method.is_empty());
        }
        StartLine::Response {
            version,
            code,
            reason,
        } => {
            slices::offset_in(b, version);
            slices::offset_in(b, reason);
            assert!(version.starts_with(b"HTTP/"));
            assert!(code <= 999);
        }
    }
}

fn chunked(b: &[u8]) {
    if let Ok(Some(n)) = http::chunked_len(b) {
        assert!(n > 0 && n <= b.len(), "chunked_len {n} of {}", b.len());
        assert_eq!(b[n - 1], b'\n', "a chunked body ends with a line end");
    }
}

fuzz_target!(|b: &[u8]| {
    let looks = http::looks_like(b);
    let first = b.iter().position(|&c| c == b'\n');
    if let Some(nl) = first {
        let l = &b[..nl];
        let l = l.strip_suffix(b"\r").unwrap_or(l);
        if let Some(s) = http::start_line(l) {
            start(l, &s);
        }
    }
    match Head::parse(b) {
        Parse::Complete(h) => {
            assert!(h.len <= b.len(), "head of {} > {}", h.len, b.len());
            let head = &b[..h.len];
            assert!(head.ends_with(b"\n"));
            let line_end = first.expect("a complete head has a line end") + 1;
            start(&head[..line_end], &h.start);
            for (n, v) in h.headers() {
                // Header fields come after the start line.
                let at = slices::offset_in(head, n);
                assert!(
                    n.is_empty() || at >= line_end,
                    "header name {:?} inside the start line {:?}",
                    String::from_utf8_lossy(n),
                    String::from_utf8_lossy(&head[..line_end])
                );
                let at = slices::offset_in(head, v);
                assert!(
                    v.is_empty() || at >= line_end,
                    "header value in the start line"
                );
                assert!(!n.contains(&b'\n') && !v.contains(&b'\n'));
            }
            for name in [
                &b"host"[..],
                b"content-length",
                b"transfer-encoding",
                b"user-agent",
                b"content-type",
                b"",
            ] {
                if let Some(v) = h.header(name) {
                    slices::offset_in(head, v);
                }
            }
            if let Some(cl) = h.content_length() {
                assert!(cl < 1_000_000_000_000_000_000);
            }
            let _ = h.chunked();
            assert_eq!(h.is_request(), matches!(h.start, StartLine::Request { .. }));
            chunked(&b[h.len..]);
        }
        Parse::Partial => assert!(looks || first.is_some()),
        Parse::NotHttp => {}
    }
    chunked(b);
});
