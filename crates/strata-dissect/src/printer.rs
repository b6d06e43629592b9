//! `-T fields` output, byte for byte as `tshark -T fields` prints it, and the default one-line
//! summary.

use crate::columns;
use crate::fields::{self, FieldDef, Values};
use crate::frame::Frame;
use crate::text;

/// Which occurrences of a field to print (`-E occurrence=f|l|a|N`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occurrence {
    First,
    Last,
    All,
    /// 1-based index; negative counts from the end.
    Nth(i32),
}

/// `-E` options of `-T fields`.
#[derive(Debug, Clone)]
pub struct FieldsOptions {
    pub header: bool,
    pub separator: u8,
    pub occurrence: Occurrence,
    pub aggregator: u8,
    /// `-E quote=d|s|n`: the quote character around values, if any.
    pub quote: Option<u8>,
    /// `-E bom=y`.
    pub bom: bool,
}

impl Default for FieldsOptions {
    fn default() -> FieldsOptions {
        FieldsOptions {
            header: false,
            separator: b'\t',
            occurrence: Occurrence::All,
            aggregator: b',',
            quote: None,
            bom: false,
        }
    }
}

/// Parses one `-E` option (`header=y`, `separator=/t`, `occurrence=f`, ...).
pub fn parse_e_option(opts: &mut FieldsOptions, spec: &str) -> Result<(), String> {
    let (k, v) = spec
        .split_once('=')
        .ok_or_else(|| format!("-E {spec}: expected NAME=VALUE"))?;
    let char_of = |v: &str| -> Result<u8, String> {
        match v {
            "/t" => Ok(b'\t'),
            "/s" => Ok(b' '),
            _ if v.len() == 1 => Ok(v.as_bytes()[0]),
            _ => Err(format!("-E {spec}: expected one character, /t or /s")),
        }
    };
    match k {
        "header" => opts.header = matches!(v, "y" | "Y"),
        "separator" => opts.separator = char_of(v)?,
        "aggregator" => opts.aggregator = char_of(v)?,
        "quote" => {
            opts.quote = match v {
                "d" => Some(b'"'),
                "s" => Some(b'\''),
                "n" => None,
                _ => return Err(format!("-E {spec}: quote is d, s or n")),
            }
        }
        "bom" => opts.bom = matches!(v, "y" | "Y"),
        "occurrence" => {
            opts.occurrence = match v {
                "f" => Occurrence::First,
                "l" => Occurrence::Last,
                "a" => Occurrence::All,
                n => Occurrence::Nth(
                    n.parse()
                        .map_err(|_| format!("-E {spec}: occurrence is f, l, a or a number"))?,
                ),
            }
        }
        _ => return Err(format!("-E {spec}: unknown option {k:?}")),
    }
    Ok(())
}

/// True for the field and column names `-T fields` can print.
pub fn is_known(name: &str) -> bool {
    matches!(
        name,
        "_ws.col.Protocol"
            | "_ws.col.protocol"
            | "_ws.col.Info"
            | "_ws.col.info"
            | "_ws.col.Source"
            | "_ws.col.def_src"
            | "_ws.col.Destination"
            | "_ws.col.def_dst"
    ) || fields::lookup(name).is_some()
}

/// A column of `-T fields`.
#[derive(Clone, Copy)]
enum Column {
    Field(&'static FieldDef),
    Protocol,
    Info,
    Source,
    Destination,
    /// A field name Strata does not know: printed empty, as TShark prints fields that are absent.
    Unknown,
}

/// Prints frames as `-T fields` rows.
pub struct FieldsPrinter {
    names: Vec<String>,
    columns: Vec<Column>,
    opts: FieldsOptions,
    /// Scratch for one field's values.
    value: Values,
    /// Scratch for rearranging several values.
    scratch: Vec<u8>,
}

impl FieldsPrinter {
    /// Fields Strata does not know are an error here (TShark refuses them too), unless
    /// `lenient` is set, where they print as empty columns.
    pub fn new(
        names: &[String],
        opts: FieldsOptions,
        lenient: bool,
    ) -> Result<FieldsPrinter, String> {
        let mut columns = Vec::with_capacity(names.len());
        for n in names {
            columns.push(match n.as_str() {
                "_ws.col.Protocol" | "_ws.col.protocol" => Column::Protocol,
                "_ws.col.Info" | "_ws.col.info" => Column::Info,
                "_ws.col.Source" | "_ws.col.def_src" => Column::Source,
                "_ws.col.Destination" | "_ws.col.def_dst" => Column::Destination,
                _ => match fields::lookup(n) {
                    Some(f) => Column::Field(f),
                    None if lenient => Column::Unknown,
                    None => {
                        return Err(format!(
                            "-e {n}: unknown field (see `strata dissect -G fields`)"
                        ))
                    }
                },
            });
        }
        Ok(FieldsPrinter {
            names: names.to_vec(),
            columns,
            opts,
            value: Values::default(),
            scratch: Vec::new(),
        })
    }

    pub fn header(&self, out: &mut Vec<u8>) {
        if self.opts.bom {
            out.extend_from_slice("\u{feff}".as_bytes());
        }
        if self.opts.header {
            for (i, n) in self.names.iter().enumerate() {
                if i > 0 {
                    out.push(self.opts.separator);
                }
                out.extend_from_slice(n.as_bytes());
            }
            out.push(b'\n');
        }
    }

    pub fn frame(&mut self, f: &Frame, out: &mut Vec<u8>) {
        // Which protocols the frame has, so an absent field costs one test, not a walk over
        // the layers (most of a wide field list is absent from any one packet).
        let present = f.all_layers().fold(0u64, |m, l| m | proto_bit(l.proto));
        for i in 0..self.columns.len() {
            if i > 0 {
                out.push(self.opts.separator);
            }
            let col = self.columns[i];
            let start = out.len();
            if let Some(q) = self.opts.quote {
                out.push(q);
            }
            let body = out.len();
            match col {
                Column::Field(def) => {
                    if def.proto.is_none_or(|p| present & proto_bit(p) != 0)
                        || def.also.is_some_and(|p| present & proto_bit(p) != 0)
                    {
                        self.field(def, f, out)
                    }
                }
                Column::Protocol => columns::protocol(f, out),
                Column::Info => columns::info(f, out),
                Column::Source => columns::address(f, false, out),
                Column::Destination => columns::address(f, true, out),
                Column::Unknown => {}
            }
            if let Some(q) = self.opts.quote {
                if out.len() == body {
                    // TShark prints nothing at all for an absent quoted field.
                    out.truncate(start);
                } else {
                    out.push(q);
                }
            }
        }
        out.push(b'\n');
    }

    fn field(&mut self, def: &FieldDef, f: &Frame, out: &mut Vec<u8>) {
        let occ = self.opts.occurrence;
        // Extract straight into the line; only several values need rewriting.
        let vals = &mut self.value;
        let start = out.len();
        vals.append_to(std::mem::take(out));
        def.values(f, matches!(occ, Occurrence::First), vals);
        let n = vals.len();
        let keep = match occ {
            Occurrence::All | Occurrence::First | Occurrence::Last if n <= 1 => None,
            Occurrence::First => Some(0),
            Occurrence::Last => Some(n - 1),
            Occurrence::All => {
                // Joined with the aggregator: copy the values out, then back.
                self.scratch.clear();
                vals.join(self.opts.aggregator, &mut self.scratch);
                *out = vals.into_buf();
                out.truncate(start);
                out.extend_from_slice(&self.scratch);
                return;
            }
            Occurrence::Nth(k) => {
                let idx = if k > 0 {
                    k as usize - 1
                } else {
                    n.wrapping_sub(k.unsigned_abs() as usize)
                };
                Some(idx)
            }
        };
        match keep {
            None => *out = vals.into_buf(),
            Some(i) => {
                self.scratch.clear();
                self.scratch
                    .extend_from_slice(vals.get(i).unwrap_or_default());
                *out = vals.into_buf();
                out.truncate(start);
                out.extend_from_slice(&self.scratch);
            }
        }
    }
}

/// A protocol's bit in a frame's presence mask (protocols beyond 63 share the top bit, which
/// only makes the test conservative).
fn proto_bit(p: strata_wire::Proto) -> u64 {
    1u64 << (p as u32).min(63)
}

/// The layer passed to frame-level extractors, which read only the frame.
pub(crate) const FRAME_LAYER: strata_wire::Layer = strata_wire::Layer {
    proto: strata_wire::Proto::Eth,
    start: 0,
    len: 0,
    end: 0,
    partial: true,
    quoted: false,
    ext_kind: 0,
    reassembled: false,
};

/// Prints TShark's default one-line summary:
/// `No. Time Source → Destination Protocol Length Info`.
#[derive(Default)]
pub struct SummaryPrinter {
    first_ts: Option<i128>,
    scratch: Vec<u8>,
}

impl SummaryPrinter {
    /// Takes in a frame that a display filter hides: the time reference still starts from
    /// the capture's first frame, as in TShark.
    pub fn observe(&mut self, f: &Frame) {
        self.first_ts.get_or_insert(f.ts.as_nanos());
    }

    /// The columns are padded as TShark pads them in its text output (`print_columns`): the
    /// number to 5 and the time to 10 characters on the right, the source to 12 on the right,
    /// the destination to 12 on the left; the others are not padded.
    pub fn frame(&mut self, f: &Frame, out: &mut Vec<u8>) {
        let ts = f.ts.as_nanos();
        let first = *self.first_ts.get_or_insert(ts);
        pad_left(out, 5, |o| text::dec(o, f.number), &mut self.scratch);
        out.push(b' ');
        pad_left(
            out,
            10,
            |o| text::seconds(o, ts - first, 6),
            &mut self.scratch,
        );
        out.push(b' ');
        pad_left(
            out,
            12,
            |o| columns::address(f, false, o),
            &mut self.scratch,
        );
        out.extend_from_slice(" → ".as_bytes());
        let dst = out.len();
        columns::address(f, true, out);
        out.resize(dst + (out.len() - dst).max(12), b' ');
        out.push(b' ');
        columns::protocol(f, out);
        out.push(b' ');
        text::dec(out, f.len as u64);
        out.push(b' ');
        columns::info(f, out);
        out.push(b'\n');
    }
}

fn pad_left(out: &mut Vec<u8>, width: usize, f: impl FnOnce(&mut Vec<u8>), scratch: &mut Vec<u8>) {
    scratch.clear();
    f(scratch);
    for _ in scratch.len()..width {
        out.push(b' ');
    }
    out.extend_from_slice(scratch);
}
