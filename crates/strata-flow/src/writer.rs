//! Flow writers: CSV exactly as NFStream's `to_csv` (Python's csv module, `repr` floats, lists
//! as `"[0, 1]"`), and JSON lines with typed values and real lists.

use crate::flow::Flow;
use crate::pyfmt::push_float;
use crate::value::Value;
use std::io::{self, Write};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Jsonl,
}

/// Bytes of rows gathered before they are handed to the output in one write.
const OUT_CHUNK: usize = 256 * 1024;

/// Writes rows of values under a header of column names.
pub struct FlowWriter<W: Write> {
    out: W,
    format: Format,
    names: Vec<String>,
    line: String,
    /// What precedes the id of each row: nothing (CSV) or `{"id":` (JSON lines).
    row_head: Vec<u8>,
    /// Rows not yet handed to `out` (written in `OUT_CHUNK` pieces: one copy, few calls).
    pending: Vec<u8>,
    pub rows: u64,
}

impl<W: Write> FlowWriter<W> {
    pub fn new(out: W, format: Format, names: Vec<String>) -> io::Result<FlowWriter<W>> {
        let mut w = FlowWriter {
            out,
            format,
            names,
            line: String::with_capacity(2048),
            row_head: Vec::new(),
            pending: Vec::with_capacity(OUT_CHUNK + 4096),
            rows: 0,
        };
        if format == Format::Csv {
            w.line.clear();
            for (i, n) in w.names.iter().enumerate() {
                if i > 0 {
                    w.line.push(',');
                }
                csv_cell(&mut w.line, n);
            }
            w.line.push_str("\r\n");
            w.out.write_all(w.line.as_bytes())?;
        } else {
            let mut head = String::from("{");
            json_str(&mut head, w.names.first().map_or("id", String::as_str));
            head.push(':');
            w.row_head = head.into_bytes();
        }
        Ok(w)
    }

    pub fn write_row(&mut self, values: &[Value]) -> io::Result<()> {
        let id = match values.first() {
            Some(Value::UInt(id)) => *id,
            _ => 0,
        };
        let mut tail = std::mem::take(&mut self.line);
        tail.clear();
        encode_tail(self.format, &self.names, values, &mut tail);
        let r = self.write_encoded(id, &tail);
        self.line = tail;
        r
    }

    /// Writes a row whose columns after `id` were encoded already (by [`encode_tail`] or a
    /// [`RowEncoder`], possibly on a metering thread): the id is only known once flows are
    /// merged in expiry order.
    pub fn write_encoded(&mut self, id: u64, tail: &str) -> io::Result<()> {
        let out = &mut self.pending;
        out.extend_from_slice(&self.row_head);
        push_u64_bytes(out, id);
        out.push(b',');
        out.extend_from_slice(tail.as_bytes());
        self.rows += 1;
        if self.pending.len() >= OUT_CHUNK {
            self.out.write_all(&self.pending)?;
            self.pending.clear();
        }
        Ok(())
    }

    fn write_pending(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            self.out.write_all(&self.pending)?;
            self.pending.clear();
        }
        Ok(())
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.write_pending()?;
        self.out.flush()
    }

    /// The output, with every row written to it (an error writing the last rows is ignored;
    /// call `flush` first to see it).
    pub fn into_inner(mut self) -> W {
        let _ = self.write_pending();
        self.out
    }
}

/// Encodes the columns after the first (`id`) of a row, with the line end: CSV cells, or the
/// rest of a JSON object. `names` are all the column names, `values` all the values.
pub fn encode_tail(format: Format, names: &[String], values: &[Value], out: &mut String) {
    match format {
        Format::Csv => {
            for (i, v) in values.iter().enumerate().skip(1) {
                if i > 1 {
                    out.push(',');
                }
                match v {
                    // Numbers never need quoting; lists always do (they hold ", ").
                    Value::Null | Value::Int(_) | Value::UInt(_) | Value::Float(_) => {
                        py_str(out, v)
                    }
                    Value::ListI64(_) | Value::ListU64(_) => {
                        out.push('"');
                        py_str(out, v);
                        out.push('"');
                    }
                    Value::Str(s) => csv_cell(out, s),
                }
            }
            out.push_str("\r\n");
        }
        Format::Jsonl => {
            for (i, (n, v)) in names.iter().zip(values).enumerate().skip(1) {
                if i > 1 {
                    out.push(',');
                }
                json_str(out, n);
                out.push(':');
                json_value(out, v);
            }
            out.push_str("}\n");
        }
    }
}

/// Encodes flows straight into row text, without building values first: the columns after
/// `id`, byte for byte what [`encode_tail`] prints for [`crate::columns::values`].
pub struct RowEncoder {
    format: Format,
    statistics: bool,
    splt: usize,
    dissections: bool,
    /// JSON lines: `"name":` of each column (with the comma before it from the third column
    /// on); index 0 (`id`) unused.
    keys: Vec<String>,
}

impl RowEncoder {
    /// An encoder for the columns `names` (as `Streamer::column_names`) under `opts`.
    pub fn new(format: Format, opts: &crate::FlowOptions, names: &[String]) -> RowEncoder {
        let keys = names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let mut k = String::new();
                if i > 1 {
                    k.push(',');
                }
                json_str(&mut k, n);
                k.push(':');
                k
            })
            .collect();
        RowEncoder {
            format,
            statistics: opts.statistics,
            splt: opts.splt,
            dissections: opts.dissections > 0,
            keys,
        }
    }

    /// Appends the row of `f` after its `id` column, line end included. Plugin values are
    /// taken (their `on_expire` runs here).
    pub fn encode(&self, f: &mut Flow, out: &mut String) {
        let mut r = Row {
            csv: self.format == Format::Csv,
            keys: &self.keys,
            out,
            col: 1,
        };
        r.int(f.expiration_id as i64);
        r.raw(|o| push_ip(o, &f.src_ip, f.ip_version));
        r.raw(|o| push_mac(o, &f.src_mac, 6));
        r.raw(|o| push_mac(o, &f.src_mac, 3));
        r.uint(f.src_port as u64);
        r.raw(|o| push_ip(o, &f.dst_ip, f.ip_version));
        r.raw(|o| push_mac(o, &f.dst_mac, 6));
        r.raw(|o| push_mac(o, &f.dst_mac, 3));
        r.uint(f.dst_port as u64);
        r.uint(f.protocol as u64);
        r.uint(f.ip_version as u64);
        r.uint(f.vlan_id as u64);
        r.uint(f.tunnel_id as u64);
        for d in [&f.bi, &f.s2d, &f.d2s] {
            r.uint(d.first_seen);
            r.uint(d.last_seen);
            r.uint(d.duration());
            r.uint(d.packets);
            r.uint(d.bytes);
        }
        if self.statistics {
            for d in [&f.bi, &f.s2d, &f.d2s] {
                r.welford(&d.ps, d.packets == 0);
            }
            for d in [&f.bi, &f.s2d, &f.d2s] {
                r.welford(&d.piat, d.piat.n == 0);
            }
            for i in 0..8 {
                r.uint(f.flags[0][i] as u64 + f.flags[1][i] as u64);
            }
            for d in &f.flags {
                for &c in d {
                    r.uint(c as u64);
                }
            }
        }
        if self.splt > 0 {
            let n = self.splt;
            let s = f.splt();
            r.list(s.iter().map(|e| e.direction as i64), n);
            r.list(s.iter().map(|e| e.ps as i64), n);
            r.list(s.iter().map(|e| e.piat as i64), n);
        }
        if self.dissections {
            let a = &f.app;
            r.str(a.name_or_unknown());
            r.str(a.category_or_unspecified());
            r.uint(a.is_guessed as u64);
            r.uint(a.confidence as u64);
            r.str(&a.requested_server_name);
            r.str(&a.client_fingerprint);
            r.str(&a.server_fingerprint);
            r.str(&a.user_agent);
            r.str(&a.content_type);
        }
        for s in &mut f.plugins {
            for v in s.on_expire() {
                r.value(&v);
            }
        }
        r.out.push_str(if r.csv { "\r\n" } else { "}\n" });
    }
}

/// One row being encoded: the column separators (CSV) or keys (JSON lines) and the values.
struct Row<'a> {
    csv: bool,
    keys: &'a [String],
    out: &'a mut String,
    /// Index of the next column.
    col: usize,
}

impl Row<'_> {
    /// Starts the next column; false when JSON has no name left for it (as `zip` drops it).
    #[inline]
    fn next(&mut self) -> bool {
        let c = self.col;
        self.col += 1;
        if self.csv {
            if c > 1 {
                self.out.push(',');
            }
            true
        } else if let Some(k) = self.keys.get(c) {
            self.out.push_str(k);
            true
        } else {
            false
        }
    }

    #[inline]
    fn uint(&mut self, v: u64) {
        if self.next() {
            push_u64(self.out, v);
        }
    }

    #[inline]
    fn int(&mut self, v: i64) {
        if self.next() {
            push_i64(self.out, v);
        }
    }

    #[inline]
    fn float(&mut self, v: f64) {
        if self.next() {
            if self.csv || v.is_finite() {
                push_float(self.out, v);
            } else {
                self.out.push_str("null");
            }
        }
    }

    /// A string column that never needs CSV quoting nor JSON escapes (addresses).
    #[inline]
    fn raw(&mut self, f: impl FnOnce(&mut String)) {
        if self.next() {
            if self.csv {
                f(self.out);
            } else {
                self.out.push('"');
                f(self.out);
                self.out.push('"');
            }
        }
    }

    #[inline]
    fn str(&mut self, s: &str) {
        if self.next() {
            if self.csv {
                csv_cell(self.out, s);
            } else {
                json_str(self.out, s);
            }
        }
    }

    /// min, mean, stddev, max; all zero when `empty` (NFStream reports 0, not null).
    #[inline]
    fn welford(&mut self, w: &crate::stats::Welford, empty: bool) {
        if empty {
            self.uint(0);
            self.float(0.0);
            self.float(0.0);
            self.uint(0);
        } else {
            self.uint(w.min as u64);
            self.float(w.mean);
            self.float(w.stddev());
            self.uint(w.max as u64);
        }
    }

    /// A list of `n` integers: the items, then -1s (NFStream's SPLT padding).
    fn list(&mut self, items: impl Iterator<Item = i64>, n: usize) {
        if !self.next() {
            return;
        }
        let (open, sep, close) = if self.csv {
            ("\"[", ", ", "]\"")
        } else {
            ("[", ",", "]")
        };
        self.out.push_str(open);
        let mut k = 0;
        for x in items.take(n) {
            if k > 0 {
                self.out.push_str(sep);
            }
            push_i64(self.out, x);
            k += 1;
        }
        for j in k..n {
            if j > 0 {
                self.out.push_str(sep);
            }
            self.out.push_str("-1");
        }
        self.out.push_str(close);
    }

    /// A plugin's value, as `encode_tail` prints it.
    fn value(&mut self, v: &Value) {
        if !self.next() {
            return;
        }
        if self.csv {
            match v {
                Value::Null | Value::Int(_) | Value::UInt(_) | Value::Float(_) => {
                    py_str(self.out, v)
                }
                Value::ListI64(_) | Value::ListU64(_) => {
                    self.out.push('"');
                    py_str(self.out, v);
                    self.out.push('"');
                }
                Value::Str(s) => csv_cell(self.out, s),
            }
        } else {
            json_value(self.out, v);
        }
    }
}

/// An IP address as NFStream prints it (`inet_ntop`).
#[inline]
fn push_ip(out: &mut String, ip: &[u8; 16], version: u8) {
    if version == 4 {
        for (i, o) in ip[..4].iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            push_u64(out, *o as u64);
        }
    } else {
        use std::fmt::Write as _;
        let _ = write!(out, "{}", std::net::Ipv6Addr::from(*ip));
    }
}

/// The first `n` bytes of a MAC address as `aa:bb:cc` (n = 3: the OUI).
#[inline]
fn push_mac(out: &mut String, m: &[u8; 6], n: usize) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut buf = [0u8; 17];
    let mut k = 0;
    for (i, b) in m[..n].iter().enumerate() {
        if i > 0 {
            buf[k] = b':';
            k += 1;
        }
        buf[k] = HEX[(b >> 4) as usize];
        buf[k + 1] = HEX[(b & 0xf) as usize];
        k += 2;
    }
    // SAFETY: ASCII only.
    unsafe { out.as_mut_vec() }.extend_from_slice(&buf[..k]);
}

/// Appends `v` in decimal without going through `core::fmt` (the writers' hot path: a flow
/// row holds ~90 numbers).
#[inline]
pub(crate) fn push_u64(out: &mut String, v: u64) {
    // SAFETY: only ASCII digits are appended, so the String stays valid UTF-8.
    let out = unsafe { out.as_mut_vec() };
    if v < 10 {
        out.push(b'0' + v as u8);
        return;
    }
    let mut n = 2;
    let mut x = v / 100;
    while x > 0 {
        n += 1;
        x /= 10;
    }
    out.reserve(n);
    let len = out.len();
    // SAFETY: `n` bytes were reserved past `len`, and all of them are written before the
    // length covers them.
    unsafe {
        let p = out.as_mut_ptr().add(len);
        let mut v = v;
        let mut i = n;
        while i > 0 {
            i -= 1;
            *p.add(i) = b'0' + (v % 10) as u8;
            v /= 10;
        }
        out.set_len(len + n);
    }
}

#[inline]
fn push_u64_bytes(out: &mut Vec<u8>, v: u64) {
    let mut tmp = [0u8; 20];
    let i = digits(&mut tmp, v);
    out.extend_from_slice(&tmp[i..]);
}

/// Writes `v`'s decimal digits at the end of `tmp`; returns where they start.
#[inline]
fn digits(tmp: &mut [u8; 20], mut v: u64) -> usize {
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    i
}

#[inline]
pub(crate) fn push_i64(out: &mut String, v: i64) {
    if v < 0 {
        out.push('-');
    }
    push_u64(out, v.unsigned_abs());
}

/// Python's `str()` of a value as csv.writer prints it (None → empty).
fn py_str(out: &mut String, v: &Value) {
    match v {
        Value::Null => {}
        Value::Int(i) => push_i64(out, *i),
        Value::UInt(u) => push_u64(out, *u),
        Value::Float(f) => push_float(out, *f),
        Value::Str(s) => out.push_str(s),
        Value::ListI64(l) => {
            out.push('[');
            for (i, x) in l.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                push_i64(out, *x);
            }
            out.push(']');
        }
        Value::ListU64(l) => {
            out.push('[');
            for (i, x) in l.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                push_u64(out, *x);
            }
            out.push(']');
        }
    }
}

/// csv.writer's QUOTE_MINIMAL: quote when the cell holds a delimiter, quote or line break.
#[inline]
fn csv_cell(out: &mut String, s: &str) {
    if !s.bytes().any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n')) {
        out.push_str(s);
    } else {
        out.push('"');
        for c in s.chars() {
            if c == '"' {
                out.push('"');
            }
            out.push(c);
        }
        out.push('"');
    }
}

fn json_str(out: &mut String, s: &str) {
    use std::fmt::Write as _;
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn json_value(out: &mut String, v: &Value) {
    use std::fmt::Write as _;
    match v {
        Value::Null => out.push_str("null"),
        Value::Int(i) => push_i64(out, *i),
        Value::UInt(u) => push_u64(out, *u),
        Value::Float(f) if f.is_finite() => push_float(out, *f),
        Value::Float(_) => out.push_str("null"),
        Value::Str(s) => json_str(out, s),
        Value::ListI64(l) => {
            out.push('[');
            for (i, x) in l.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let _ = write!(out, "{x}");
            }
            out.push(']');
        }
        Value::ListU64(l) => {
            out.push('[');
            for (i, x) in l.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let _ = write!(out, "{x}");
            }
            out.push(']');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_like_python() {
        let mut w = FlowWriter::new(
            Vec::new(),
            Format::Csv,
            vec!["a".into(), "b".into(), "c".into(), "d".into()],
        )
        .unwrap();
        w.write_row(&[
            Value::UInt(1),
            Value::Float(2.0),
            Value::ListI64(vec![0, 1, -1]),
            Value::Str("x\"y".into()),
        ])
        .unwrap();
        let s = String::from_utf8(w.into_inner()).unwrap();
        assert_eq!(s, "a,b,c,d\r\n1,2.0,\"[0, 1, -1]\",\"x\"\"y\"\r\n");
        for v in [0u64, 9, 10, 99, 100, 101, 999, 1000, 65535, u64::MAX] {
            let mut t = String::new();
            push_u64(&mut t, v);
            assert_eq!(t, v.to_string());
        }
    }
}
