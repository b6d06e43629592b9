//! Parquet output: the flows of a sample capture written as Parquet and as CSV from the same
//! rows, then read back by pyarrow (and DuckDB when it can be installed): column names, types
//! (int64, double, string, list<int64>), row count, row groups and every cell equal to the CSV.
//! pyarrow is installed with pip when missing; without it the test is skipped, except under CI.

use std::path::{Path, PathBuf};
use std::process::Command;
use strata_capture::file::FileReader;
use strata_flow::parquet::ParquetWriter;
use strata_flow::value::Value;
use strata_flow::writer::{FlowWriter, Format};
use strata_flow::{
    columns, ColumnKind, FlowOptions, PacketIndices, Plugin, Streamer, TcpHandshakeRtt, TimeUnit,
};

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/lab-mixed.pcap")
}

fn plugins() -> Vec<Box<dyn Plugin>> {
    vec![
        Box::new(PacketIndices::default()),
        Box::new(TcpHandshakeRtt),
    ]
}

/// The sample's flows with every column family on: (names, kinds, rows).
fn flows(unit: TimeUnit) -> (Vec<String>, Vec<ColumnKind>, Vec<Vec<Value>>) {
    let opts = FlowOptions {
        statistics: true,
        splt: 10,
        time_unit: unit,
        ..FlowOptions::default()
    };
    let mut streamer = Streamer::new(opts.clone()).with_plugins(plugins());
    let (names, kinds) = (streamer.column_names(), streamer.column_kinds());
    let mut rows = Vec::new();
    let src = FileReader::open(sample()).expect("sample capture opens");
    streamer
        .run(src, |mut f| {
            rows.push(columns::values(&mut f, &opts));
            Ok(())
        })
        .expect("run completes");
    (names, kinds, rows)
}

#[test]
fn kinds_match_the_values_of_every_column() {
    for unit in [TimeUnit::Ms, TimeUnit::Us] {
        let (names, kinds, rows) = flows(unit);
        assert_eq!(names.len(), kinds.len());
        assert!(rows.len() > 100);
        for row in &rows {
            assert_eq!(row.len(), kinds.len());
            for ((n, k), v) in names.iter().zip(&kinds).zip(row) {
                let ok = matches!(
                    (k, v),
                    (_, Value::Null)
                        | (ColumnKind::Int, Value::Int(_) | Value::UInt(_))
                        | (ColumnKind::Float, Value::Float(_))
                        | (ColumnKind::Str, Value::Str(_))
                        | (ColumnKind::ListInt, Value::ListI64(_) | Value::ListU64(_))
                );
                assert!(ok, "{n}: kind {k:?}, value {v:?}");
            }
        }
        let t = unit.suffix();
        for n in [
            format!("bidirectional_first_seen_{t}"),
            format!("dst2src_duration_{t}"),
            format!("src2dst_stddev_piat_{t}"),
            format!("splt_piat_{t}"),
        ] {
            assert!(names.contains(&n), "{n} missing");
        }
    }
}

fn python_has(module: &str) -> bool {
    Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Imports `module`, installing `package` with pip first when it is missing.
fn ensure_python(module: &str, package: &str) -> bool {
    if python_has(module) {
        return true;
    }
    let _ = Command::new("python3")
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            package,
        ])
        .status();
    python_has(module)
}

const CHECK: &str = r#"
import csv, json, sys
import pyarrow as pa, pyarrow.parquet as pq
pq_path, csv_path, kinds_path = sys.argv[1:4]
kinds = json.load(open(kinds_path))
t = pq.read_table(pq_path)
with open(csv_path, newline='') as f:
    r = csv.reader(f)
    header = next(r)
    rows = list(r)
assert t.column_names == header, (t.column_names, header)
want = {'Int': pa.int64(), 'Float': pa.float64(), 'Str': pa.string(), 'ListInt': pa.list_(pa.int64())}
for field, k in zip(t.schema, kinds):
    ty = field.type
    if k == 'ListInt':
        assert pa.types.is_list(ty) and ty.value_type == pa.int64(), (field.name, ty)
    else:
        assert ty == want[k], (field.name, ty, k)
assert t.num_rows == len(rows), (t.num_rows, len(rows))
groups = pq.ParquetFile(pq_path).metadata.num_row_groups
assert groups == -(-len(rows) // 500), groups
def cell(v):
    # The CSV prints what Python's str() does; None is empty.
    if v is None:
        return ''
    if isinstance(v, float):
        return repr(v)
    return str(v)
cols = [c.to_pylist() for c in t.columns]
cells = 0
for i, row in enumerate(rows):
    for j, name in enumerate(header):
        got = cell(cols[j][i])
        assert got == row[j], (i, name, got, row[j])
        cells += 1
nulls = t.column('udps.tcp_handshake_rtt_us').null_count
assert 0 < nulls < t.num_rows, nulls
df = t.to_pandas()
assert str(df['bidirectional_packets'].dtype) == 'int64'
assert str(df['bidirectional_mean_ps'].dtype) == 'float64'
assert list(df['splt_direction'].iloc[0])[:1] == [0]
print(f'pyarrow {pa.__version__}: {t.num_rows} rows, {len(header)} columns, {groups} row groups, {cells} cells equal to the CSV')
"#;

const DUCKDB: &str = r#"
import sys, duckdb
p = sys.argv[1]
n, pk, splt, rtt = duckdb.sql(f"select count(*), sum(bidirectional_packets), max(len(splt_ps)), count(\"udps.tcp_handshake_rtt_us\") from read_parquet('{p}')").fetchall()[0]
types = dict((r[0], r[1]) for r in duckdb.sql(f"describe select * from read_parquet('{p}')").fetchall())
assert types['splt_ps'] == 'BIGINT[]' and types['udps.packet_indices'] == 'BIGINT[]', types
assert types['bidirectional_packets'] == 'BIGINT' and types['src_ip'] == 'VARCHAR', types
assert types['bidirectional_mean_ps'] == 'DOUBLE', types
print(n, pk, splt, rtt)
"#;

#[test]
fn parquet_reads_back_like_the_csv() {
    let (names, kinds, rows) = flows(TimeUnit::Ms);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("strata-parquet-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (pq_path, csv_path, kinds_path) = (
        dir.join("flows.parquet"),
        dir.join("flows.csv"),
        dir.join("kinds.json"),
    );
    let mut csv = FlowWriter::new(Vec::new(), Format::Csv, names.clone()).expect("csv");
    // Small row groups: the reader must stitch several.
    let mut pq = ParquetWriter::new(Vec::new(), names.clone(), kinds.clone())
        .expect("parquet")
        .with_row_group_rows(500);
    for r in &rows {
        csv.write_row(r).expect("csv row");
        pq.write_row(r).expect("parquet row");
    }
    assert_eq!(pq.rows, rows.len() as u64);
    std::fs::write(&csv_path, csv.into_inner()).expect("write csv");
    std::fs::write(&pq_path, pq.finish().expect("finish")).expect("write parquet");
    let kinds_json: Vec<String> = kinds.iter().map(|k| format!("\"{k:?}\"")).collect();
    std::fs::write(&kinds_path, format!("[{}]", kinds_json.join(","))).expect("write kinds");

    if !ensure_python("pyarrow", "pyarrow") {
        eprintln!("SKIPPED: pyarrow (python3 cannot import it, and pip could not install it)");
        assert!(
            std::env::var_os("CI").is_none(),
            "pyarrow is required when CI is set"
        );
        return;
    }
    let out = Command::new("python3")
        .args(["-c", CHECK])
        .args([&pq_path, &csv_path, &kinds_path])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "pyarrow check failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("{}", String::from_utf8_lossy(&out.stdout).trim());

    // DuckDB is optional: checked when it imports or pip installs it.
    if ensure_python("duckdb", "duckdb") {
        let out = Command::new("python3")
            .args(["-c", DUCKDB])
            .arg(&pq_path)
            .output()
            .expect("python3 runs");
        assert!(
            out.status.success(),
            "duckdb check failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got = String::from_utf8_lossy(&out.stdout);
        let v: Vec<u64> = got
            .split_whitespace()
            .map(|x| x.parse().expect("number"))
            .collect();
        let packets: u64 = rows
            .iter()
            .map(|r| {
                match &r[names
                    .iter()
                    .position(|n| n == "bidirectional_packets")
                    .unwrap()]
                {
                    Value::UInt(p) => *p,
                    v => panic!("{v:?}"),
                }
            })
            .sum();
        assert_eq!(v[..3], [rows.len() as u64, packets, 10], "duckdb: {got}");
        eprintln!("duckdb: {} rows, {} packets", v[0], v[1]);
    } else {
        eprintln!("duckdb not available: its check is skipped");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
