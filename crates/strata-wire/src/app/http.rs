//! HTTP/1.x (RFC 9112) message heads: the request or status line and the header fields, with
//! the body framing they announce (Content-Length, chunked). Bare-LF line ends are accepted,
//! as browsers and Wireshark accept them.

/// Methods recognised at the start of a request (RFC 9110, WebDAV, SSDP / GENA, RTSP-like).
const METHODS: &[&[u8]] = &[
    b"GET",
    b"POST",
    b"HEAD",
    b"PUT",
    b"DELETE",
    b"OPTIONS",
    b"CONNECT",
    b"TRACE",
    b"PATCH",
    b"PROPFIND",
    b"PROPPATCH",
    b"MKCOL",
    b"COPY",
    b"MOVE",
    b"LOCK",
    b"UNLOCK",
    b"SEARCH",
    b"M-SEARCH",
    b"NOTIFY",
    b"SUBSCRIBE",
    b"UNSUBSCRIBE",
    b"REPORT",
    b"MKACTIVITY",
    b"CHECKOUT",
    b"MERGE",
    b"POLL",
    b"BPROPFIND",
    b"BPROPPATCH",
    b"BMOVE",
    b"BDELETE",
];

/// The start line of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartLine<'a> {
    Request {
        method: &'a [u8],
        uri: &'a [u8],
        version: &'a [u8],
    },
    Response {
        version: &'a [u8],
        code: u16,
        reason: &'a [u8],
    },
}

/// A complete message head.
#[derive(Debug, Clone, Copy)]
pub struct Head<'a> {
    pub start: StartLine<'a>,
    /// The header block (after the start line, before the empty line).
    headers: &'a [u8],
    /// Bytes of the head including the empty line.
    pub len: usize,
}

/// Where the line at `b[..]` ends: (line without CR/LF, bytes including the end).
fn line(b: &[u8]) -> Option<(&[u8], usize)> {
    let nl = b.iter().position(|&c| c == b'\n')?;
    let l = &b[..nl];
    Some((l.strip_suffix(b"\r").unwrap_or(l), nl + 1))
}

fn trim(mut v: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = v {
        v = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = v {
        v = rest;
    }
    v
}

/// Parses a start line (without its line end).
pub fn start_line(l: &[u8]) -> Option<StartLine<'_>> {
    if l.starts_with(b"HTTP/") {
        let mut it = l.splitn(3, |&c| c == b' ');
        let version = it.next()?;
        let code = it.next()?;
        if code.len() != 3 || !code.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let code = code.iter().fold(0u16, |a, &d| a * 10 + (d - b'0') as u16);
        return Some(StartLine::Response {
            version,
            code,
            reason: it.next().unwrap_or(&[]),
        });
    }
    let sp = l.iter().position(|&c| c == b' ')?;
    let method = &l[..sp];
    if !METHODS.contains(&method) {
        return None;
    }
    let rest = &l[sp + 1..];
    let vs = rest.iter().rposition(|&c| c == b' ')?;
    let version = &rest[vs + 1..];
    if !version.starts_with(b"HTTP/") {
        return None;
    }
    Some(StartLine::Request {
        method,
        uri: &rest[..vs],
        version,
    })
}

/// True when `b` starts like an HTTP message (a method and a space, or `HTTP/1.`), before
/// the whole head has arrived.
pub fn looks_like(b: &[u8]) -> bool {
    if b.starts_with(b"HTTP/1.") {
        return true;
    }
    METHODS
        .iter()
        .any(|m| b.len() > m.len() && b.starts_with(m) && b[m.len()] == b' ')
}

/// Outcome of looking for a head at the front of a stream.
#[derive(Debug, Clone, Copy)]
pub enum Parse<'a> {
    Complete(Head<'a>),
    /// The start line is HTTP but the empty line has not arrived.
    Partial,
    NotHttp,
}

impl<'a> Head<'a> {
    pub fn parse(b: &'a [u8]) -> Parse<'a> {
        let Some((first, n)) = line(b) else {
            return if looks_like(b) {
                Parse::Partial
            } else {
                Parse::NotHttp
            };
        };
        let Some(start) = start_line(first) else {
            return Parse::NotHttp;
        };
        let mut off = n;
        loop {
            match line(&b[off..]) {
                None => return Parse::Partial,
                Some((l, m)) => {
                    if l.is_empty() {
                        return Parse::Complete(Head {
                            start,
                            headers: &b[n..off],
                            len: off + m,
                        });
                    }
                    off += m;
                }
            }
        }
    }
    /// The header fields in order (name, trimmed value); obsolete line folding is not joined.
    pub fn headers(&self) -> impl Iterator<Item = (&'a [u8], &'a [u8])> + 'a {
        self.headers.split(|&c| c == b'\n').filter_map(|l| {
            let l = l.strip_suffix(b"\r").unwrap_or(l);
            let c = l.iter().position(|&c| c == b':')?;
            Some((trim(&l[..c]), trim(&l[c + 1..])))
        })
    }
    /// The first header called `name` (case-insensitive).
    pub fn header(&self, name: &[u8]) -> Option<&'a [u8]> {
        self.headers()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }
    pub fn content_length(&self) -> Option<u64> {
        let v = self.header(b"content-length")?;
        if v.is_empty() || v.len() > 18 || !v.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(v.iter().fold(0u64, |a, &d| a * 10 + (d - b'0') as u64))
    }
    pub fn chunked(&self) -> bool {
        self.header(b"transfer-encoding").is_some_and(|v| {
            v.split(|&c| c == b',')
                .any(|t| trim(t).eq_ignore_ascii_case(b"chunked"))
        })
    }
    pub fn is_request(&self) -> bool {
        matches!(self.start, StartLine::Request { .. })
    }
}

/// The length of a complete chunked body at the front of `b` (through the last chunk and
/// its trailers), `Ok(None)` if more bytes are needed, `Err(())` if it is not chunked syntax.
#[allow(clippy::result_unit_err)]
pub fn chunked_len(b: &[u8]) -> Result<Option<usize>, ()> {
    let mut off = 0;
    loop {
        let Some((l, n)) = line(&b[off..]) else {
            return Ok(None);
        };
        let hex = l.split(|&c| c == b';').next().unwrap_or(&[]);
        let hex = trim(hex);
        if hex.is_empty() || hex.len() > 15 || !hex.iter().all(u8::is_ascii_hexdigit) {
            return Err(());
        }
        let size = hex.iter().fold(0usize, |a, &d| {
            a * 16 + (d as char).to_digit(16).unwrap_or(0) as usize
        });
        off += n;
        if size == 0 {
            // Trailers up to the empty line.
            loop {
                let Some((l, n)) = line(&b[off..]) else {
                    return Ok(None);
                };
                off += n;
                if l.is_empty() {
                    return Ok(Some(off));
                }
            }
        }
        let Some(end) = off.checked_add(size) else {
            return Err(());
        };
        if b.len() < end {
            return Ok(None);
        }
        off = end;
        let Some((l, n)) = line(&b[off..]) else {
            return Ok(None);
        };
        if !l.is_empty() {
            return Err(());
        }
        off += n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REQ: &[u8] =
        b"GET /index.html HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent:  curl/8.0 \r\n\r\nbody";

    #[test]
    fn request_head() {
        let Parse::Complete(h) = Head::parse(REQ) else {
            panic!()
        };
        assert_eq!(
            h.start,
            StartLine::Request {
                method: b"GET",
                uri: b"/index.html",
                version: b"HTTP/1.1"
            }
        );
        assert_eq!(h.header(b"host"), Some(&b"www.example.com"[..]));
        assert_eq!(h.header(b"user-agent"), Some(&b"curl/8.0"[..]));
        assert_eq!(h.len, REQ.len() - 4);
        for cut in 0..REQ.len() - 4 {
            assert!(matches!(
                Head::parse(&REQ[..cut]),
                Parse::Partial | Parse::NotHttp
            ));
        }
    }

    #[test]
    fn response_head_and_chunks() {
        let r = b"HTTP/1.1 404 Not Found\nTransfer-Encoding: chunked\n\n";
        let Parse::Complete(h) = Head::parse(r) else {
            panic!()
        };
        assert!(matches!(h.start, StartLine::Response { code: 404, .. }));
        assert!(h.chunked());
        assert_eq!(chunked_len(b"4\r\nwiki\r\n0\r\n\r\nX"), Ok(Some(14)));
        assert_eq!(chunked_len(b"4\r\nwi"), Ok(None));
        assert_eq!(chunked_len(b"zz\r\n"), Err(()));
        assert!(matches!(Head::parse(b"\x16\x03\x01"), Parse::NotHttp));
    }

    /// Found by the `app_http` fuzz target: the header block started 1 or 2 bytes into the
    /// start line (the empty line's length), so a start line with a colon came back as a
    /// header (`NNECT apache.org` = `443 HTTP/1.1`).
    #[test]
    fn headers_exclude_the_start_line() {
        for r in [
            &b"CONNECT apache.org:443 HTTP/1.1\r\nHost: apache.org:443\r\n\r\n"[..],
            b"GET http://a/ HTTP/1.1\nHost: a\n\n",
            b"HTTP/1.1 200 OK: fine\r\n\r\n",
        ] {
            let Parse::Complete(h) = Head::parse(r) else {
                panic!()
            };
            let names: Vec<&[u8]> = h.headers().map(|(n, _)| n).collect();
            let want: &[&[u8]] = if r.starts_with(b"HTTP/") {
                &[]
            } else {
                &[b"Host"]
            };
            assert_eq!(names, want, "{:?}", String::from_utf8_lossy(r));
            assert_eq!(h.len, r.len());
        }
    }
}
