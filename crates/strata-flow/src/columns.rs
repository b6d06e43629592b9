//! NFStream's columns: names in NFStream's order (nfstream-semantics §1-2) and the values of a
//! flow, shared by every writer.

use crate::flow::{DirStats, Flow};
use crate::value::Value;
use crate::FlowOptions;

const DIRS: [&str; 3] = ["bidirectional", "src2dst", "dst2src"];
const FLAGS: [&str; 8] = ["syn", "cwr", "ece", "urg", "ack", "psh", "rst", "fin"];

/// Column names for these options and plugin columns.
pub fn names(o: &FlowOptions, plugin_columns: &[String]) -> Vec<String> {
    let mut v: Vec<String> = [
        "id",
        "expiration_id",
        "src_ip",
        "src_mac",
        "src_oui",
        "src_port",
        "dst_ip",
        "dst_mac",
        "dst_oui",
        "dst_port",
        "protocol",
        "ip_version",
        "vlan_id",
        "tunnel_id",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for d in DIRS {
        for c in [
            "first_seen_ms",
            "last_seen_ms",
            "duration_ms",
            "packets",
            "bytes",
        ] {
            v.push(format!("{d}_{c}"));
        }
    }
    if o.statistics {
        for d in DIRS {
            for c in ["min_ps", "mean_ps", "stddev_ps", "max_ps"] {
                v.push(format!("{d}_{c}"));
            }
        }
        for d in DIRS {
            for c in [
                "min_piat_ms",
                "mean_piat_ms",
                "stddev_piat_ms",
                "max_piat_ms",
            ] {
                v.push(format!("{d}_{c}"));
            }
        }
        for d in DIRS {
            for f in FLAGS {
                v.push(format!("{d}_{f}_packets"));
            }
        }
    }
    if o.splt > 0 {
        for c in ["splt_direction", "splt_ps", "splt_piat_ms"] {
            v.push(c.into());
        }
    }
    if o.dissections > 0 {
        for c in [
            "application_name",
            "application_category_name",
            "application_is_guessed",
            "application_confidence",
            "requested_server_name",
            "client_fingerprint",
            "server_fingerprint",
            "user_agent",
            "content_type",
        ] {
            v.push(c.into());
        }
    }
    for p in plugin_columns {
        v.push(format!("udps.{p}"));
    }
    v
}

/// An IP address as NFStream prints it (`inet_ntop`).
pub fn ip_string(ip: &[u8; 16], version: u8) -> String {
    if version == 4 {
        std::net::Ipv4Addr::new(ip[0], ip[1], ip[2], ip[3]).to_string()
    } else {
        std::net::Ipv6Addr::from(*ip).to_string()
    }
}

fn mac_string(m: &[u8; 6]) -> String {
    format!(
        "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
        m[0], m[1], m[2], m[3], m[4], m[5]
    )
}

fn dir_basic(v: &mut Vec<Value>, d: &DirStats) {
    v.push(Value::UInt(d.first_ms));
    v.push(Value::UInt(d.last_ms));
    v.push(Value::UInt(d.duration_ms()));
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
    v.push(Value::UInt(d.ps.min));
    v.push(Value::Float(d.ps.mean));
    v.push(Value::Float(d.ps.stddev()));
    v.push(Value::UInt(d.ps.max));
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
    v.push(Value::UInt(d.piat.min));
    v.push(Value::Float(d.piat.mean));
    v.push(Value::Float(d.piat.stddev()));
    v.push(Value::UInt(d.piat.max));
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
        for d in [&f.bi, &f.s2d, &f.d2s] {
            for c in d.flags {
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
        match &f.splt {
            Some(s) => {
                v.push(pad(s.direction.iter().map(|&x| x as i64).collect()));
                v.push(pad(s.ps.iter().map(|&x| x as i64).collect()));
                v.push(pad(s.piat_ms.clone()));
            }
            None => {
                for _ in 0..3 {
                    v.push(pad(Vec::new()));
                }
            }
        }
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
