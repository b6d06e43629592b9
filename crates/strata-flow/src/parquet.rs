//! Flows as Parquet: typed columns (INT64, DOUBLE, UTF8 strings, LIST of INT64), written with
//! the `parquet` crate's low-level column writers (no Arrow), Snappy-compressed, readable by
//! pyarrow/pandas, DuckDB and Spark.
//!
//! Rows arrive one at a time and are buffered per column; a row group is written when
//! `row_group_rows` rows (or about `MAX_BUFFERED_BYTES`) are buffered, so memory stays bounded
//! whatever the number of flows. Column types come from [`ColumnKind`]s decided from the options
//! (`columns::kinds`), never from values. Every column is OPTIONAL: `Value::Null` is a null.

use crate::columns::ColumnKind;
use crate::pyfmt::push_float;
use crate::value::Value;
use crate::writer::{push_i64, push_u64};
use ::parquet::basic::{Compression, ConvertedType, LogicalType, Repetition, Type as Physical};
use ::parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};
use ::parquet::file::properties::WriterProperties;
use ::parquet::file::writer::SerializedFileWriter;
use ::parquet::schema::types::Type;
use std::io::{self, Write};
use std::sync::Arc;

/// Rows per row group by default.
pub const ROW_GROUP_ROWS: usize = 65_536;
/// A row group is also written once its buffered values take about this many bytes.
const MAX_BUFFERED_BYTES: usize = 128 << 20;

/// One column's buffered values and levels for the row group being built.
enum Buf {
    Int {
        values: Vec<i64>,
        def: Vec<i16>,
    },
    Float {
        values: Vec<f64>,
        def: Vec<i16>,
    },
    Str {
        values: Vec<ByteArray>,
        def: Vec<i16>,
    },
    /// 3-level LIST: def 0 = null list, 1 = empty list, 2 = an element; rep 1 = next element.
    List {
        values: Vec<i64>,
        def: Vec<i16>,
        rep: Vec<i16>,
    },
}

impl Buf {
    fn new(kind: ColumnKind) -> Buf {
        match kind {
            ColumnKind::Int => Buf::Int {
                values: Vec::new(),
                def: Vec::new(),
            },
            ColumnKind::Float => Buf::Float {
                values: Vec::new(),
                def: Vec::new(),
            },
            ColumnKind::Str => Buf::Str {
                values: Vec::new(),
                def: Vec::new(),
            },
            ColumnKind::ListInt => Buf::List {
                values: Vec::new(),
                def: Vec::new(),
                rep: Vec::new(),
            },
        }
    }

    /// Appends one value; returns its approximate size in bytes.
    fn push(&mut self, v: &Value, scratch: &mut String) -> Result<usize, &'static str> {
        match self {
            Buf::Int { values, def } => {
                match v {
                    Value::Null => def.push(0),
                    Value::Int(i) => {
                        values.push(*i);
                        def.push(1);
                    }
                    Value::UInt(u) => {
                        values.push(i64::try_from(*u).map_err(|_| "integer past i64")?);
                        def.push(1);
                    }
                    _ => return Err("not an integer"),
                }
                Ok(10)
            }
            Buf::Float { values, def } => {
                match v {
                    Value::Null => def.push(0),
                    Value::Float(f) => {
                        values.push(*f);
                        def.push(1);
                    }
                    Value::Int(i) => {
                        values.push(*i as f64);
                        def.push(1);
                    }
                    Value::UInt(u) => {
                        values.push(*u as f64);
                        def.push(1);
                    }
                    _ => return Err("not a number"),
                }
                Ok(10)
            }
            Buf::Str { values, def } => {
                let s: &str = match v {
                    Value::Null => {
                        def.push(0);
                        return Ok(2);
                    }
                    Value::Str(s) => s,
                    Value::Int(i) => {
                        scratch.clear();
                        push_i64(scratch, *i);
                        scratch
                    }
                    Value::UInt(u) => {
                        scratch.clear();
                        push_u64(scratch, *u);
                        scratch
                    }
                    Value::Float(f) => {
                        scratch.clear();
                        push_float(scratch, *f);
                        scratch
                    }
                    Value::ListI64(_) | Value::ListU64(_) => return Err("a list"),
                };
                values.push(ByteArray::from(s.as_bytes().to_vec()));
                def.push(1);
                Ok(s.len() + 40)
            }
            Buf::List { values, def, rep } => {
                let n = match v {
                    Value::Null => {
                        def.push(0);
                        rep.push(0);
                        return Ok(4);
                    }
                    Value::ListI64(l) => {
                        values.extend_from_slice(l);
                        l.len()
                    }
                    Value::ListU64(l) => {
                        if l.iter().any(|&u| u > i64::MAX as u64) {
                            return Err("integer past i64");
                        }
                        values.extend(l.iter().map(|&u| u as i64));
                        l.len()
                    }
                    _ => return Err("not a list"),
                };
                if n == 0 {
                    def.push(1);
                    rep.push(0);
                } else {
                    def.extend(std::iter::repeat_n(2, n));
                    rep.push(0);
                    rep.extend(std::iter::repeat_n(1, n - 1));
                }
                Ok(12 * n + 4)
            }
        }
    }

    fn clear(&mut self) {
        match self {
            Buf::Int { values, def } => {
                values.clear();
                def.clear();
            }
            Buf::Float { values, def } => {
                values.clear();
                def.clear();
            }
            Buf::Str { values, def } => {
                // Strings are owned: give their memory back between row groups.
                *values = Vec::new();
                def.clear();
            }
            Buf::List { values, def, rep } => {
                values.clear();
                def.clear();
                rep.clear();
            }
        }
    }
}

/// The Parquet schema of these columns.
fn schema(names: &[String], kinds: &[ColumnKind]) -> ::parquet::errors::Result<Type> {
    let mut fields = Vec::with_capacity(names.len());
    for (name, kind) in names.iter().zip(kinds) {
        let t = match kind {
            ColumnKind::Int => Type::primitive_type_builder(name, Physical::INT64)
                .with_repetition(Repetition::OPTIONAL)
                .build()?,
            ColumnKind::Float => Type::primitive_type_builder(name, Physical::DOUBLE)
                .with_repetition(Repetition::OPTIONAL)
                .build()?,
            ColumnKind::Str => Type::primitive_type_builder(name, Physical::BYTE_ARRAY)
                .with_repetition(Repetition::OPTIONAL)
                .with_logical_type(Some(LogicalType::String))
                .with_converted_type(ConvertedType::UTF8)
                .build()?,
            ColumnKind::ListInt => {
                let element = Type::primitive_type_builder("element", Physical::INT64)
                    .with_repetition(Repetition::REQUIRED)
                    .build()?;
                let list = Type::group_type_builder("list")
                    .with_repetition(Repetition::REPEATED)
                    .with_fields(vec![Arc::new(element)])
                    .build()?;
                Type::group_type_builder(name)
                    .with_repetition(Repetition::OPTIONAL)
                    .with_logical_type(Some(LogicalType::List))
                    .with_converted_type(ConvertedType::LIST)
                    .with_fields(vec![Arc::new(list)])
                    .build()?
            }
        };
        fields.push(Arc::new(t));
    }
    Type::group_type_builder("flow").with_fields(fields).build()
}

/// Writes rows of values as a Parquet file with one typed column per name.
pub struct ParquetWriter<W: Write + Send> {
    file: SerializedFileWriter<W>,
    names: Vec<String>,
    bufs: Vec<Buf>,
    buffered_rows: usize,
    buffered_bytes: usize,
    row_group_rows: usize,
    scratch: String,
    pub rows: u64,
}

fn err(e: ::parquet::errors::ParquetError) -> io::Error {
    io::Error::other(e)
}

impl<W: Write + Send> ParquetWriter<W> {
    /// Starts a file with these columns (`kinds` in `names` order, e.g. `Streamer::column_kinds`).
    pub fn new(out: W, names: Vec<String>, kinds: Vec<ColumnKind>) -> io::Result<ParquetWriter<W>> {
        if names.len() != kinds.len() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} column names but {} kinds", names.len(), kinds.len()),
            ));
        }
        let schema = schema(&names, &kinds).map_err(err)?;
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by(format!("strata {}", env!("CARGO_PKG_VERSION")))
            .build();
        let file =
            SerializedFileWriter::new(out, Arc::new(schema), Arc::new(props)).map_err(err)?;
        Ok(ParquetWriter {
            file,
            bufs: kinds.iter().map(|&k| Buf::new(k)).collect(),
            names,
            buffered_rows: 0,
            buffered_bytes: 0,
            row_group_rows: ROW_GROUP_ROWS,
            scratch: String::new(),
            rows: 0,
        })
    }

    /// Sets the rows per row group (at least 1).
    pub fn with_row_group_rows(mut self, n: usize) -> ParquetWriter<W> {
        self.row_group_rows = n.max(1);
        self
    }

    /// Buffers one row (values in column order); writes a row group when enough are buffered.
    pub fn write_row(&mut self, values: &[Value]) -> io::Result<()> {
        if values.len() != self.bufs.len() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} values for {} columns", values.len(), self.bufs.len()),
            ));
        }
        for (i, v) in values.iter().enumerate() {
            match self.bufs[i].push(v, &mut self.scratch) {
                Ok(n) => self.buffered_bytes += n,
                Err(why) => {
                    // Keep the buffers rectangular: drop the partial row.
                    self.drop_partial_row(i);
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("column {}: {why}: {v:?}", self.names[i]),
                    ));
                }
            }
        }
        self.rows += 1;
        self.buffered_rows += 1;
        if self.buffered_rows >= self.row_group_rows || self.buffered_bytes >= MAX_BUFFERED_BYTES {
            self.write_row_group()?;
        }
        Ok(())
    }

    /// Removes the values of the row being added from columns `0..upto`.
    fn drop_partial_row(&mut self, upto: usize) {
        for b in &mut self.bufs[..upto] {
            match b {
                Buf::Int { values, def } => {
                    if def.pop() == Some(1) {
                        values.pop();
                    }
                }
                Buf::Float { values, def } => {
                    if def.pop() == Some(1) {
                        values.pop();
                    }
                }
                Buf::Str { values, def } => {
                    if def.pop() == Some(1) {
                        values.pop();
                    }
                }
                Buf::List { values, def, rep } => {
                    // Pop levels back to (and including) the row's first one (rep 0).
                    while let Some(r) = rep.pop() {
                        if def.pop() == Some(2) {
                            values.pop();
                        }
                        if r == 0 {
                            break;
                        }
                    }
                }
            }
        }
    }

    /// Writes the buffered rows as one row group.
    fn write_row_group(&mut self) -> io::Result<()> {
        if self.buffered_rows == 0 {
            return Ok(());
        }
        let mut rg = self.file.next_row_group().map_err(err)?;
        for b in &self.bufs {
            let mut col = rg
                .next_column()
                .map_err(err)?
                .ok_or_else(|| io::Error::other("parquet: fewer columns than the schema"))?;
            match b {
                Buf::Int { values, def } => {
                    col.typed::<Int64Type>()
                        .write_batch(values, Some(def), None)
                        .map_err(err)?;
                }
                Buf::Float { values, def } => {
                    col.typed::<DoubleType>()
                        .write_batch(values, Some(def), None)
                        .map_err(err)?;
                }
                Buf::Str { values, def } => {
                    col.typed::<ByteArrayType>()
                        .write_batch(values, Some(def), None)
                        .map_err(err)?;
                }
                Buf::List { values, def, rep } => {
                    col.typed::<Int64Type>()
                        .write_batch(values, Some(def), Some(rep))
                        .map_err(err)?;
                }
            }
            col.close().map_err(err)?;
        }
        rg.close().map_err(err)?;
        for b in &mut self.bufs {
            b.clear();
        }
        self.buffered_rows = 0;
        self.buffered_bytes = 0;
        Ok(())
    }

    /// Writes the last row group and the footer; returns the output. A file is only readable
    /// once finished.
    pub fn finish(mut self) -> io::Result<W> {
        self.write_row_group()?;
        self.file.into_inner().map_err(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_file_with_nulls_lists_and_several_row_groups() {
        let names: Vec<String> = ["a", "b", "c", "d"].iter().map(|s| s.to_string()).collect();
        let kinds = vec![
            ColumnKind::Int,
            ColumnKind::Float,
            ColumnKind::Str,
            ColumnKind::ListInt,
        ];
        let mut w = ParquetWriter::new(Vec::new(), names, kinds)
            .unwrap()
            .with_row_group_rows(2);
        for i in 0..5u64 {
            w.write_row(&[
                if i == 1 { Value::Null } else { Value::UInt(i) },
                Value::Float(i as f64 / 2.0),
                Value::Str(format!("s{i}")),
                match i {
                    0 => Value::Null,
                    1 => Value::ListI64(vec![]),
                    _ => Value::ListU64((0..i).collect()),
                },
            ])
            .unwrap();
        }
        // A bad row is refused and leaves the buffers usable.
        assert!(w
            .write_row(&[
                Value::UInt(9),
                Value::Float(0.0),
                Value::ListI64(vec![1]),
                Value::Null
            ])
            .is_err());
        assert_eq!(w.rows, 5);
        let bytes = w.finish().unwrap();
        assert_eq!(&bytes[..4], b"PAR1");
        assert_eq!(&bytes[bytes.len() - 4..], b"PAR1");
    }
}
