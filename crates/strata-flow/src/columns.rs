//! NFStream's columns: names in NFStream's order (nfstream-semantics §1-2) and the values of a
//! flow, shared by every writer.

use crate::flow::{DirStats, Flow};
use crate::value::Value;
use crate::FlowOptions;

const DIRS: [&str; 3] = ["bidirectional", "src2dst", "dst2src"];
const FLAGS: [&str; 8] = ["syn", "cwr", "ece", "urg", "ack", "psh", "rst", "fin"];

/// The type of a column, decided from the options and the column names (never from values, so
/// typed writers such as Parquet know a column's type before its first row). Any column may
/// hold `Value::Null`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// `Value::Int` or `Value::UInt` (a signed 64-bit integer column).
    Int,
    /// `Value::Float`.
    Float,
    /// `Value::Str`.
    Str,
    /// `Value::ListI64` or `Value::ListU64` (a list of signed 64-bit integers).
    ListInt,
}

/// The built-in columns (plugins' excluded) with their kinds, in NFStream's order.
fn layout(o: &FlowOptions) -> Vec<(String, ColumnKind)> {
    use ColumnKind::*;
    let t = o.time_unit.suffix();
    let mut v: Vec<(String, ColumnKind)> = [
        ("id", Int),
        ("expiration_id", Int),
        ("src_ip", Str),
        ("src_mac", Str),
        ("src_oui", Str),
        ("src_port", Int),
        ("dst_ip", Str),
        ("dst_mac", Str),
        ("dst_oui", Str),
        ("dst_port", Int),
        ("protocol", Int),
        ("ip_version", Int),
        ("vlan_id", Int),
        ("tunnel_id", Int),
    ]
    .iter()
    .map(|&(s, k)| (s.to_string(), k))
    .collect();
    for d in DIRS {
        for c in ["first_seen", "last_seen", "duration"] {
            v.push((format!("{d}_{c}_{t}"), Int));
        }
        for c in ["packets", "bytes"] {
            v.push((format!("{d}_{c}"), Int));
        }
    }
    if o.statistics {
        for d in DIRS {
            for (c, k) in [
                ("min_ps", Int),
                ("mean_ps", Float),
                ("stddev_ps", Float),
                ("max_ps", Int),
            ] {
                v.push((format!("{d}_{c}"), k));
            }
        }
        for d in DIRS {
            for (c, k) in [
                ("min_piat", Int),
                ("mean_piat", Float),
                ("stddev_piat", Float),
                ("max_piat", Int),
            ] {
                v.push((format!("{d}_{c}_{t}"), k));
            }
        }
        for d in DIRS {
            for f in FLAGS {
                v.push((format!("{d}_{f}_packets"), Int));
            }
        }
    }
    if o.splt > 0 {
        v.push(("splt_direction".into(), ListInt));
        v.push(("splt_ps".into(), ListInt));
        v.push((format!("splt_piat_{t}"), ListInt));
    }
    if o.dissections > 0 {
        for (c, k) in [
            ("application_name", Str),
            ("application_category_name", Str),
            ("application_is_guessed", Int),
            ("application_confidence", Int),
            ("requested_server_name", Str),
            ("client_fingerprint", Str),
            ("server_fingerprint", Str),
            ("user_agent", Str),
            ("content_type", Str),
        ] {
            v.push((c.into(), k));
        }
    }
    v
}

/// Column names for these options and plugin columns.
pub fn names(o: &FlowOptions, plugin_columns: &[String]) -> Vec<String> {
    let mut v: Vec<String> = layout(o).into_iter().map(|(n, _)| n).collect();
    for p in plugin_columns {
        v.push(format!("udps.{p}"));
    }
    v
}

/// Column kinds in `names` order for these options and the plugins' column kinds
/// (`Plugin::column_kinds`).
pub fn kinds(o: &FlowOptions, plugin_kinds: &[ColumnKind]) -> Vec<ColumnKind> {
    let mut v: Vec<ColumnKind> = layout(o).into_iter().map(|(_, k)| k).collect();
    v.extend_from_slice(plugin_kinds);
    v
}

/// An IP address as NFStream prints it (`inet_ntop`).
pub fn ip_string(ip: &[u8; 16], version: u8) -> String {
    if version == 4 {
        let mut s = String::with_capacity(15);
        for (i, o) in ip[..4].iter().enumerate() {
            if i > 0 {
                s.push('.');
            }
            crate::writer::push_u64(&mut s, *o as u64);
        }
        s
    } else {
        std::net::Ipv6Addr::from(*ip).to_string()
    }
}

/// `aa:bb:cc:dd:ee:ff`, without `core::fmt` (two per flow row).
fn mac_string(m: &[u8; 6]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(17);
    for (i, b) in m.iter().enumerate() {
        if i > 0 {
            s.push(':');
        }
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 0xf) as usize] as char);
    }
    s
}

fn dir_basic(v: &mut Vec<Value>, d: &DirStats) {
    v.push(Value::UInt(d.first_seen));
    v.push(Value::UInt(d.last_seen));
    v.push(Value::UInt(d.duration()));
    v.push(Value::UInt(d.packets));
    v.push(Value::UInt(d.bytes));
}

fn ps_stats(v: &mut Vec<Value>, d: &DirStats) {
    if d.packets == 0 {
        v.extend([
            Value::UInt(0),
            Value::Float(0.0),
            Value::Float(0.0),
            Value::UInt(0),
        ]);
        return;
    }
    v.push(Value::UInt(d.ps.min as u64));
    v.push(Value::Float(d.ps.mean));
    v.push(Value::Float(d.ps.stddev()));
    v.push(Value::UInt(d.ps.max as u64));
}

fn piat_stats(v: &mut Vec<Value>, d: &DirStats) {
    if d.piat.n == 0 {
        v.extend([
            Value::UInt(0),
            Value::Float(0.0),
            Value::Float(0.0),
            Value::UInt(0),
        ]);
        return;
    }
    v.push(Value::UInt(d.piat.min as u64));
    v.push(Value::Float(d.piat.mean));
    v.push(Value::Float(d.piat.stddev()));
    v.push(Value::UInt(d.piat.max as u64));
}

/// The flow's values in `names` order. Plugin values are taken (on_expire runs here).
pub fn values(f: &mut Flow, o: &FlowOptions) -> Vec<Value> {
    let mut v = Vec::with_capacity(100);
    let src_mac = mac_string(&f.src_mac);
    let dst_mac = mac_string(&f.dst_mac);
    v.push(Value::UInt(f.id));
    v.push(Value::Int(f.expiration_id as i64));
    v.push(Value::Str(ip_string(&f.src_ip, f.ip_version)));
    v.push(Value::Str(src_mac.clone()));
    v.push(Value::Str(src_mac[..8].to_string()));
    v.push(Value::UInt(f.src_port as u64));
    v.push(Value::Str(ip_string(&f.dst_ip, f.ip_version)));
    v.push(Value::Str(dst_mac.clone()));
    v.push(Value::Str(dst_mac[..8].to_string()));
    v.push(Value::UInt(f.dst_port as u64));
    v.push(Value::UInt(f.protocol as u64));
    v.push(Value::UInt(f.ip_version as u64));
    v.push(Value::UInt(f.vlan_id as u64));
    v.push(Value::UInt(f.tunnel_id as u64));
    dir_basic(&mut v, &f.bi);
    dir_basic(&mut v, &f.s2d);
    // NFStream reports 0, not null, for a direction without packets.
    dir_basic(&mut v, &f.d2s);
    if o.statistics {
        for d in [&f.bi, &f.s2d, &f.d2s] {
            ps_stats(&mut v, d);
        }
        for d in [&f.bi, &f.s2d, &f.d2s] {
            piat_stats(&mut v, d);
        }
        for i in 0..8 {
            v.push(Value::UInt(f.flags[0][i] as u64 + f.flags[1][i] as u64));
        }
        for d in f.flags {
            for c in d {
                v.push(Value::UInt(c as u64));
            }
        }
    }
    if o.splt > 0 {
        let n = o.splt;
        let pad = |mut x: Vec<i64>| {
            x.resize(n, -1);
            Value::ListI64(x)
        };
        v.push(pad(f.splt.iter().map(|e| e.direction as i64).collect()));
        v.push(pad(f.splt.iter().map(|e| e.ps as i64).collect()));
        v.push(pad(f.splt.iter().map(|e| e.piat as i64).collect()));
    }
    if o.dissections > 0 {
        let a = &f.app;
        v.push(Value::Str(a.name_or_unknown().to_string()));
        v.push(Value::Str(a.category_or_unspecified().to_string()));
        v.push(Value::UInt(a.is_guessed as u64));
        v.push(Value::UInt(a.confidence as u64));
        v.push(Value::Str(a.requested_server_name.clone()));
        v.push(Value::Str(a.client_fingerprint.clone()));
        v.push(Value::Str(a.server_fingerprint.clone()));
        v.push(Value::Str(a.user_agent.clone()));
        v.push(Value::Str(a.content_type.clone()));
    }
    for s in &mut f.plugins {
        v.extend(s.on_expire());
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TimeUnit;

    #[test]
    fn microsecond_columns_rename_only_the_time_columns() {
        let ms = FlowOptions {
            statistics: true,
            splt: 10,
            ..FlowOptions::default()
        };
        let us = FlowOptions {
            time_unit: TimeUnit::Us,
            ..ms.clone()
        };
        let (a, b) = (names(&ms, &[]), names(&us, &[]));
        assert_eq!(a.len(), b.len());
        assert_eq!(kinds(&ms, &[]), kinds(&us, &[]));
        assert_eq!(a.len(), kinds(&ms, &[]).len());
        let renamed: Vec<(&String, &String)> = a.iter().zip(&b).filter(|(x, y)| x != y).collect();
        // first/last seen and duration (3 × 3), piat stats (4 × 3), splt_piat.
        assert_eq!(renamed.len(), 22);
        for (x, y) in renamed {
            assert_eq!(x.replace("_ms", "_us"), *y);
        }
        assert_eq!(a[14], "bidirectional_first_seen_ms");
        assert_eq!(b[14], "bidirectional_first_seen_us");
    }
}
