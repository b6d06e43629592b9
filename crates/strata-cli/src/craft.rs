//! `strata craft SPEC`: packets written in Scapy's expression syntax, printed as hex (one line
//! per packet), as Scapy's `show2()` tree, or written to a pcap.

use clap::Args as ClapArgs;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use strata_capture::pcap::Precision;
use strata_capture::writer::PcapWriter;
use strata_capture::{LinkType, Packet, Timestamp};
use strata_craft::{CraftError, Layer};

#[derive(ClapArgs)]
pub struct Args {
    /// The packets in Scapy syntax, e.g. "Ether()/IP(dst='198.18.0.2')/TCP(dport=[22,80])".
    spec: String,
    /// Print one hex line per packet (the default).
    #[arg(long, conflicts_with_all = ["write", "show"])]
    hex: bool,
    /// Print each packet as Scapy's show2() tree.
    #[arg(long, conflicts_with = "write")]
    show: bool,
    /// Write the packets to a pcap file (the spec must start with Ether, IP or IPv6).
    #[arg(short = 'w', value_name = "OUT.pcap")]
    write: Option<PathBuf>,
    /// Repeat the whole list of packets N times, as Scapy's `send(..., count=N)`.
    #[arg(long, default_value_t = 1, value_name = "N")]
    count: usize,
}

/// The error with the spec underneath and a caret at the column, when there is one.
fn explain(spec: &str, e: CraftError) -> String {
    let col = match &e {
        CraftError::Syntax { col, .. } | CraftError::UnknownLayer { col, .. } => Some(*col),
        CraftError::UnknownField { col, .. } | CraftError::BadValue { col, .. } => *col,
        _ => None,
    };
    match col {
        Some(c) => format!(
            "craft: {e}\n  {spec}\n  {}^",
            " ".repeat(c.saturating_sub(1))
        ),
        None => format!("craft: {e}"),
    }
}

pub fn run(a: Args) -> Result<ExitCode, String> {
    let packets = strata_craft::parse_spec(&a.spec).map_err(|e| explain(&a.spec, e))?;
    let count = a.count;
    if packets.len().saturating_mul(count) > strata_craft::spec::MAX_PACKETS {
        return Err(format!(
            "craft: {} packets x --count {count} is more than {}",
            packets.len(),
            strata_craft::spec::MAX_PACKETS
        ));
    }
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let io = |e: std::io::Error| format!("craft: {e}");

    if let Some(path) = &a.write {
        let link = match packets.first().and_then(|p| p.layers.first()) {
            Some(Layer::Ether(_)) => LinkType::ETHERNET,
            Some(Layer::Ip(_) | Layer::Ipv6(_)) => LinkType::RAW,
            Some(other) => {
                return Err(format!(
                    "craft: a pcap needs packets that start with Ether, IP or IPv6, not {}",
                    other.proto().class()
                ))
            }
            None => return Ok(ExitCode::SUCCESS),
        };
        let mut w = PcapWriter::create(path, link, Precision::Micro).map_err(|e| e.to_string())?;
        for _ in 0..count {
            for p in &packets {
                let data = p.build().map_err(|e| explain(&a.spec, e))?;
                let packet = Packet {
                    ts: Timestamp::new(0, 0),
                    orig_len: data.len() as u32,
                    link_type: link,
                    interface_id: 0,
                    data: &data,
                };
                w.write_packet(&packet).map_err(|e| e.to_string())?;
            }
        }
        w.finish().map_err(|e| e.to_string())?;
        return Ok(ExitCode::SUCCESS);
    }

    for _ in 0..count {
        for p in &packets {
            if a.show {
                let tree = p.show().map_err(|e| explain(&a.spec, e))?;
                writeln!(out, "{tree}").map_err(io)?;
            } else {
                let bytes = p.build().map_err(|e| explain(&a.spec, e))?;
                let mut line = String::with_capacity(bytes.len() * 2);
                for b in &bytes {
                    line.push_str(&format!("{b:02x}"));
                }
                writeln!(out, "{line}").map_err(io)?;
            }
        }
    }
    out.flush().map_err(io)?;
    Ok(ExitCode::SUCCESS)
}
