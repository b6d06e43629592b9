//! Flow writers: CSV exactly as NFStream's `to_csv` (Python's csv module, `repr` floats, lists
//! as `"[0, 1]"`), and JSON lines with typed values and real lists.

use crate::pyfmt::push_float;
use crate::value::Value;
use std::io::{self, Write};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Jsonl,
}

/// Writes rows of values under a header of column names.
pub struct FlowWriter<W: Write> {
    out: W,
    format: Format,
    names: Vec<String>,
    line: String,
    pub rows: u64,
}

impl<W: Write> FlowWriter<W> {
    pub fn new(out: W, format: Format, names: Vec<String>) -> io::Result<FlowWriter<W>> {
        let mut w = FlowWriter {
            out,
            format,
            names,
            line: String::with_capacity(2048),
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

    /// Writes a row whose columns after `id` were encoded already (by [`encode_tail`], possibly
    /// on a metering thread): the id is only known once flows are merged in expiry order.
    pub fn write_encoded(&mut self, id: u64, tail: &str) -> io::Result<()> {
        let mut head = String::with_capacity(24);
        match self.format {
            Format::Csv => {
                push_u64(&mut head, id);
                head.push(',');
            }
            Format::Jsonl => {
                head.push('{');
                json_str(&mut head, self.names.first().map_or("id", String::as_str));
                head.push(':');
                push_u64(&mut head, id);
                head.push(',');
            }
        }
        self.rows += 1;
        self.out.write_all(head.as_bytes())?;
        self.out.write_all(tail.as_bytes())
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    pub fn into_inner(self) -> W {
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

/// Appends `v` in decimal without going through `core::fmt` (the writers' hot path: a flow
/// row holds ~90 numbers).
#[inline]
pub(crate) fn push_u64(out: &mut String, mut v: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    // SAFETY: only ASCII digits are appended, so the String stays valid UTF-8.
    unsafe { out.as_mut_vec() }.extend_from_slice(&tmp[i..]);
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
    }
}
