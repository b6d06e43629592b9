//! The field registry: Wireshark field names mapped to extractors over the decoded layers.
//!
//! A field belongs to one protocol; its occurrences are that protocol's layers in frame order
//! (outer before inner, an ICMP error's quote after the ICMP header), which is the order TShark
//! walks its tree, and inside a layer the order of the values in it: a field that repeats within
//! its protocol (each DNS record's TTL, each certificate's serial number, each cipher suite)
//! yields one value per item, as TShark's tree has one item each. An extractor writes a layer's
//! values into [`Values`] and returns false when the bytes it needs are not in the (possibly
//! partial) header, so truncated headers show the fields they do hold.

use crate::app;
use crate::app::ssh_kind;
use crate::frame::Frame;
use crate::tcp_analysis::flag as tcp_flag;
use crate::text;
use core::net::{Ipv4Addr, Ipv6Addr};
use strata_wire::app::{
    bittorrent, dhcp, dhcpv6, dns, http, kerberos, ldap, line, modbus, mqtt, nbns, ntp, ocsp,
    radius, rdp, smb, snmp, ssh, stun, syslog, tftp, tls, x509,
};
use strata_wire::{Layer, Proto};

/// Formats a field's values in `layer` into the [`Values`]; false if there is none.
pub type Extract = fn(&Frame, &Layer, &mut Values) -> bool;

/// A field's values, formatted as `tshark -T fields` prints them, in occurrence order.
///
/// Reused across fields and frames, so extracting allocates nothing once warm.
#[derive(Debug, Default, Clone)]
pub struct Values {
    bytes: Vec<u8>,
    /// Where the first value starts in `bytes` (what comes before is the caller's).
    base: usize,
    /// Where each value ends in `bytes`.
    ends: Vec<usize>,
}

impl Values {
    pub fn clear(&mut self) {
        self.bytes.clear();
        self.base = 0;
        self.ends.clear();
    }

    /// Collects values after what `buf` holds, so a printer can extract straight into its
    /// output line; [`Values::into_buf`] gives the buffer back.
    pub fn append_to(&mut self, buf: Vec<u8>) {
        self.base = buf.len();
        self.bytes = buf;
        self.ends.clear();
    }

    /// The buffer, with the values as written (back to back), keeping the allocation's
    /// replacement for the next use.
    pub fn into_buf(&mut self) -> Vec<u8> {
        self.base = 0;
        self.ends.clear();
        std::mem::take(&mut self.bytes)
    }

    /// How many values there are.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The `i`th value, counting from 0.
    pub fn get(&self, i: usize) -> Option<&[u8]> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { self.base } else { self.ends[i - 1] };
        self.bytes.get(start..end)
    }

    /// The values in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &[u8]> + '_ {
        (0..self.ends.len()).filter_map(|i| self.get(i))
    }

    /// Adds the value `put` writes; nothing (not even a partial write) if it returns false.
    pub fn push(&mut self, put: impl FnOnce(&mut Vec<u8>) -> bool) -> bool {
        let at = self.bytes.len();
        if put(&mut self.bytes) {
            self.ends.push(self.bytes.len());
            true
        } else {
            self.bytes.truncate(at);
            false
        }
    }

    /// Adds one value per item; true if `put` wrote any.
    pub fn each<T>(
        &mut self,
        items: impl IntoIterator<Item = T>,
        mut put: impl FnMut(&mut Vec<u8>, T) -> bool,
    ) -> bool {
        let mut any = false;
        for item in items {
            any |= self.push(|o| put(o, item));
        }
        any
    }

    /// Writes every value, separated by `aggregator` (TShark's `-E occurrence=a`).
    pub fn join(&self, aggregator: u8, out: &mut Vec<u8>) {
        for (i, v) in self.iter().enumerate() {
            if i > 0 {
                out.push(aggregator);
            }
            out.extend_from_slice(v);
        }
    }
}

/// A registered field.
pub struct FieldDef {
    pub name: &'static str,
    /// `None` for frame-level fields (`frame.*`, `_ws.col.*`).
    pub proto: Option<Proto>,
    /// A second protocol whose layers carry the field too (Wireshark's IPv6 dissector also
    /// fills `ip.version`).
    pub also: Option<Proto>,
    pub extract: Extract,
    pub kind: Kind,
}

/// The value type, for display filters and JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    UInt,
    Bool,
    Str,
    Mac,
    Ipv4,
    Ipv6,
    Bytes,
    Time,
}

fn be16(b: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(i..i + 2)?.try_into().ok()?))
}
fn be32(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(i..i + 4)?.try_into().ok()?))
}
fn byte(b: &[u8], i: usize) -> Option<u8> {
    b.get(i).copied()
}

/// Writes `v` in decimal if present.
fn put_dec(out: &mut Vec<u8>, v: Option<impl Into<u64>>) -> bool {
    match v {
        Some(v) => {
            text::dec(out, v.into());
            true
        }
        None => false,
    }
}
fn put_hex(out: &mut Vec<u8>, v: Option<impl Into<u64>>, digits: usize) -> bool {
    match v {
        Some(v) => {
            text::hex(out, v.into(), digits);
            true
        }
        None => false,
    }
}
fn put_mac(out: &mut Vec<u8>, b: &[u8], at: usize) -> bool {
    match b.get(at..at + 6) {
        Some(m) => {
            text::colon_hex(out, m);
            true
        }
        None => false,
    }
}
fn put_v4(out: &mut Vec<u8>, b: &[u8], at: usize) -> bool {
    match b.get(at..at + 4) {
        Some(a) => {
            text::ipv4(out, Ipv4Addr::new(a[0], a[1], a[2], a[3]));
            true
        }
        None => false,
    }
}
fn put_v6(out: &mut Vec<u8>, b: &[u8], at: usize) -> bool {
    match b
        .get(at..at + 16)
        .and_then(|a| <[u8; 16]>::try_from(a).ok())
    {
        Some(a) => {
            text::ipv6(out, Ipv6Addr::from(a));
            true
        }
        None => false,
    }
}

/// `field!(name, proto, Kind, |frame, layer, header, out| body)` registers a field with one
/// value per layer: `body` writes it to `out: &mut Vec<u8>` and says whether it did.
macro_rules! field {
    ($name:expr, $proto:expr, $kind:ident, |$f:ident, $l:ident, $h:ident, $o:ident| $body:expr) => {
        FieldDef {
            name: $name,
            proto: $proto,
            also: None,
            kind: Kind::$kind,
            extract: {
                #[allow(unused_variables)]
                fn ex($f: &Frame, $l: &Layer, values: &mut Values) -> bool {
                    let $h = $f.header($l);
                    values.push(|$o| $body)
                }
                ex
            },
        }
    };
}

/// `field_each!(name, proto, Kind, |frame, layer, header, out| body)` registers a field that
/// can repeat inside a layer: `body` adds every value to `out: &mut Values` (see
/// [`Values::each`]) and says whether it added any.
macro_rules! field_each {
    ($name:expr, $proto:expr, $kind:ident, |$f:ident, $l:ident, $h:ident, $o:ident| $body:expr) => {
        FieldDef {
            name: $name,
            proto: $proto,
            also: None,
            kind: Kind::$kind,
            extract: {
                #[allow(unused_variables)]
                fn ex($f: &Frame, $l: &Layer, $o: &mut Values) -> bool {
                    let $h = $f.header($l);
                    $body
                }
                ex
            },
        }
    };
}

/// The sequence analysis of a TCP layer: only the frame's outermost one has it.
fn tcp_analysis(f: &Frame, l: &Layer) -> Option<crate::tcp_analysis::TcpInfo> {
    f.tcp.filter(|t| t.layer_start == l.start && !l.quoted)
}

/// A `tcp.analysis.*` flag: present when the analysis set it. Like all of Wireshark's
/// FT_NONE fields, `-T fields` prints it as 1.
macro_rules! tcp_flag_field {
    ($name:expr, $flag:ident) => {
        field!($name, Some(Proto::Tcp), Bool, |f, l, h, o| {
            let set = tcp_analysis(f, l).is_some_and(|t| t.analysis & tcp_flag::$flag != 0);
            set && put_dec(o, Some(1u8))
        })
    };
}

/// The request a response layer answers (`Frame::answer`), for that layer only: the first
/// unquoted layer of its protocol.
fn answer(f: &Frame, l: &Layer) -> Option<crate::transactions::Answer> {
    let a = f.answer.filter(|a| a.proto == l.proto && !l.quoted)?;
    let layers = if crate::frame::is_app(l.proto) {
        f.app
    } else {
        f.decoded.layers()
    };
    let first = layers.iter().find(|x| x.proto == l.proto && !x.quoted)?;
    (first.start == l.start).then_some(a)
}

/// A response time in milliseconds, as Wireshark's FT_DOUBLE `*.resptime` prints it.
fn put_ms(out: &mut Vec<u8>, a: Option<crate::transactions::Answer>) -> bool {
    use std::io::Write;
    match a {
        Some(a) => write!(out, "{}", a.delta_ns as f64 / 1e6).is_ok(),
        None => false,
    }
}

/// TCP payload length: the layer's extent minus its header (Wireshark's `tcp.len`).
fn tcp_len(l: &Layer) -> Option<u64> {
    if l.partial || l.quoted {
        return None;
    }
    Some((l.end - l.start).saturating_sub(l.len) as u64)
}

/// Every field Strata can extract, in registry order.
pub static FIELDS: &[FieldDef] = &[
    field!("frame.number", None, UInt, |f, l, h, o| {
        text::dec(o, f.number);
        true
    }),
    field!("frame.time_epoch", None, Time, |f, l, h, o| {
        text::epoch(o, f.ts.secs, f.ts.nanos);
        true
    }),
    field!("frame.len", None, UInt, |f, l, h, o| {
        text::dec(o, f.len as u64);
        true
    }),
    field!("frame.cap_len", None, UInt, |f, l, h, o| {
        text::dec(o, f.cap_len() as u64);
        true
    }),
    field!("frame.protocols", None, Str, |f, l, h, o| {
        f.protocols(o);
        true
    }),
    field!("eth.dst", Some(Proto::Eth), Mac, |f, l, h, o| put_mac(
        o, h, 0
    )),
    field!("eth.src", Some(Proto::Eth), Mac, |f, l, h, o| put_mac(
        o, h, 6
    )),
    field!("eth.type", Some(Proto::Eth), UInt, |f, l, h, o| {
        // An 802.3 length is `eth.len`, not `eth.type`.
        match be16(h, 12) {
            Some(t) if t > 1500 => put_hex(o, Some(t), 4),
            _ => false,
        }
    }),
    field!("eth.len", Some(Proto::Eth), UInt, |f, l, h, o| {
        match be16(h, 12) {
            Some(t) if t <= 1500 => put_dec(o, Some(t)),
            _ => false,
        }
    }),
    field!("vlan.id", Some(Proto::Vlan), UInt, |f, l, h, o| put_dec(
        o,
        be16(h, 0).map(|t| t & 0xfff)
    )),
    field!(
        "ieee8021ad.id",
        Some(Proto::Ieee8021ad),
        UInt,
        |f, l, h, o| put_dec(o, be16(h, 0).map(|t| t & 0xfff))
    ),
    field!("vlan.priority", Some(Proto::Vlan), UInt, |f, l, h, o| {
        put_dec(o, be16(h, 0).map(|t| t >> 13))
    }),
    field!("vlan.etype", Some(Proto::Vlan), UInt, |f, l, h, o| put_hex(
        o,
        be16(h, 2),
        4
    )),
    // The IPv6 dissector fills ip.version too, so `ip.version == 6` selects IPv6 packets.
    FieldDef {
        also: Some(Proto::Ipv6),
        ..field!("ip.version", Some(Proto::Ipv4), UInt, |f, l, h, o| put_dec(
            o,
            byte(h, 0).map(|b| b >> 4)
        ))
    },
    field!("ip.hdr_len", Some(Proto::Ipv4), UInt, |f, l, h, o| put_dec(
        o,
        byte(h, 0).map(|b| (b & 0xf) * 4)
    )),
    field!("ip.dsfield", Some(Proto::Ipv4), UInt, |f, l, h, o| put_hex(
        o,
        byte(h, 1),
        2
    )),
    field!("ip.len", Some(Proto::Ipv4), UInt, |f, l, h, o| {
        match be16(h, 2) {
            // TSO / BIG TCP write 0: Wireshark presumes the reported length.
            Some(0) if !l.quoted => put_dec(o, Some((f.len as u64).saturating_sub(l.start as u64))),
            v => put_dec(o, v),
        }
    }),
    field!("ip.id", Some(Proto::Ipv4), UInt, |f, l, h, o| put_hex(
        o,
        be16(h, 4),
        4
    )),
    field!("ip.flags", Some(Proto::Ipv4), UInt, |f, l, h, o| put_hex(
        o,
        // A bitmask field's value is shifted down to its lowest bit, as Wireshark shows it.
        byte(h, 6).map(|b| b >> 5),
        2
    )),
    field!(
        "ip.flags.rb",
        Some(Proto::Ipv4),
        Bool,
        |f, l, h, o| put_dec(o, byte(h, 6).map(|b| (b >> 7) & 1))
    ),
    field!(
        "ip.flags.df",
        Some(Proto::Ipv4),
        Bool,
        |f, l, h, o| put_dec(o, byte(h, 6).map(|b| (b >> 6) & 1))
    ),
    field!(
        "ip.flags.mf",
        Some(Proto::Ipv4),
        Bool,
        |f, l, h, o| put_dec(o, byte(h, 6).map(|b| (b >> 5) & 1))
    ),
    field!("ip.frag_offset", Some(Proto::Ipv4), UInt, |f, l, h, o| {
        put_dec(o, be16(h, 6).map(|v| v & 0x1fff))
    }),
    field!("ip.ttl", Some(Proto::Ipv4), UInt, |f, l, h, o| put_dec(
        o,
        byte(h, 8)
    )),
    field!("ip.proto", Some(Proto::Ipv4), UInt, |f, l, h, o| put_dec(
        o,
        byte(h, 9)
    )),
    field!(
        "ip.checksum",
        Some(Proto::Ipv4),
        UInt,
        |f, l, h, o| put_hex(o, be16(h, 10), 4)
    ),
    field!("ip.src", Some(Proto::Ipv4), Ipv4, |f, l, h, o| put_v4(
        o, h, 12
    )),
    field!("ip.dst", Some(Proto::Ipv4), Ipv4, |f, l, h, o| put_v4(
        o, h, 16
    )),
    field!("ipv6.version", Some(Proto::Ipv6), UInt, |f, l, h, o| {
        put_dec(o, byte(h, 0).map(|b| b >> 4))
    }),
    field!(
        "ipv6.tclass",
        Some(Proto::Ipv6),
        UInt,
        // FT_UINT32 under a mask: printed with the full type's eight digits.
        |f, l, h, o| put_hex(o, be16(h, 0).map(|v| (v >> 4) & 0xff), 8)
    ),
    field!("ipv6.flow", Some(Proto::Ipv6), UInt, |f, l, h, o| put_hex(
        o,
        be32(h, 0).map(|v| v & 0xfffff),
        6
    )),
    field!("ipv6.plen", Some(Proto::Ipv6), UInt, |f, l, h, o| put_dec(
        o,
        be16(h, 4)
    )),
    field!("ipv6.nxt", Some(Proto::Ipv6), UInt, |f, l, h, o| put_dec(
        o,
        byte(h, 6)
    )),
    field!("ipv6.hlim", Some(Proto::Ipv6), UInt, |f, l, h, o| put_dec(
        o,
        byte(h, 7)
    )),
    field!("ipv6.src", Some(Proto::Ipv6), Ipv6, |f, l, h, o| put_v6(
        o, h, 8
    )),
    field!("ipv6.dst", Some(Proto::Ipv6), Ipv6, |f, l, h, o| put_v6(
        o, h, 24
    )),
    field!("tcp.srcport", Some(Proto::Tcp), UInt, |f, l, h, o| put_dec(
        o,
        be16(h, 0)
    )),
    field!("tcp.dstport", Some(Proto::Tcp), UInt, |f, l, h, o| put_dec(
        o,
        be16(h, 2)
    )),
    field!("tcp.seq", Some(Proto::Tcp), UInt, |f, l, h, o| {
        put_dec(o, tcp_analysis(f, l).map(|t| t.seq))
    }),
    field!("tcp.nxtseq", Some(Proto::Tcp), UInt, |f, l, h, o| {
        put_dec(o, tcp_analysis(f, l).and_then(|t| t.next_seq))
    }),
    field!("tcp.ack", Some(Proto::Tcp), UInt, |f, l, h, o| {
        // Relative only when the ACK flag makes the number mean something.
        let ack = byte(h, 13).is_some_and(|b| b & 0x10 != 0);
        match tcp_analysis(f, l) {
            Some(t) if ack => put_dec(o, Some(t.ack)),
            Some(_) => put_dec(o, be32(h, 8)),
            None => false,
        }
    }),
    field!("tcp.window_size", Some(Proto::Tcp), UInt, |f, l, h, o| {
        put_dec(o, tcp_analysis(f, l).map(|t| t.window))
    }),
    field!(
        "tcp.window_size_scalefactor",
        Some(Proto::Tcp),
        UInt,
        |f, l, h, o| match tcp_analysis(f, l) {
            // A SYN's window is never scaled, and shows no factor.
            Some(_) if byte(h, 13).is_some_and(|b| b & 0x02 != 0) => false,
            Some(t) => {
                // -1: unknown, -2: no scaling used, as Wireshark prints them.
                if t.scale_factor < 0 {
                    o.push(b'-');
                }
                text::dec(o, t.scale_factor.unsigned_abs());
                true
            }
            None => false,
        }
    ),
    field!(
        "tcp.analysis.flags",
        Some(Proto::Tcp),
        Bool,
        |f, l, h, o| {
            // Present for every flag but the window update (Wireshark's expert "warning" set).
            let set =
                tcp_analysis(f, l).is_some_and(|t| t.analysis & !tcp_flag::WINDOW_UPDATE != 0);
            set && put_dec(o, Some(1u8))
        }
    ),
    tcp_flag_field!("tcp.analysis.retransmission", RETRANSMISSION),
    tcp_flag_field!("tcp.analysis.fast_retransmission", FAST_RETRANSMISSION),
    tcp_flag_field!(
        "tcp.analysis.spurious_retransmission",
        SPURIOUS_RETRANSMISSION
    ),
    tcp_flag_field!("tcp.analysis.out_of_order", OUT_OF_ORDER),
    tcp_flag_field!("tcp.analysis.lost_segment", LOST_SEGMENT),
    tcp_flag_field!("tcp.analysis.ack_lost_segment", ACK_LOST_SEGMENT),
    tcp_flag_field!("tcp.analysis.window_update", WINDOW_UPDATE),
    tcp_flag_field!("tcp.analysis.window_full", WINDOW_FULL),
    tcp_flag_field!("tcp.analysis.keep_alive", KEEP_ALIVE),
    tcp_flag_field!("tcp.analysis.keep_alive_ack", KEEP_ALIVE_ACK),
    // TShark's tree has this item twice (the flag and the expert note): two values.
    field_each!(
        "tcp.analysis.duplicate_ack",
        Some(Proto::Tcp),
        Bool,
        |f, l, h, o| {
            let set = tcp_analysis(f, l).is_some_and(|t| t.analysis & tcp_flag::DUPLICATE_ACK != 0);
            set && o.each([1u8, 1], |o, v| put_dec(o, Some(v)))
        }
    ),
    tcp_flag_field!("tcp.analysis.zero_window", ZERO_WINDOW),
    tcp_flag_field!("tcp.analysis.zero_window_probe", ZERO_WINDOW_PROBE),
    tcp_flag_field!("tcp.analysis.zero_window_probe_ack", ZERO_WINDOW_PROBE_ACK),
    field!(
        "tcp.analysis.duplicate_ack_num",
        Some(Proto::Tcp),
        UInt,
        |f, l, h, o| put_dec(o, tcp_analysis(f, l).and_then(|t| t.dup_ack).map(|d| d.1))
    ),
    field!(
        "tcp.analysis.duplicate_ack_frame",
        Some(Proto::Tcp),
        UInt,
        |f, l, h, o| put_dec(o, tcp_analysis(f, l).and_then(|t| t.dup_ack).map(|d| d.0))
    ),
    field!("tcp.seq_raw", Some(Proto::Tcp), UInt, |f, l, h, o| put_dec(
        o,
        be32(h, 4)
    )),
    field!("tcp.ack_raw", Some(Proto::Tcp), UInt, |f, l, h, o| put_dec(
        o,
        be32(h, 8)
    )),
    field!("tcp.hdr_len", Some(Proto::Tcp), UInt, |f, l, h, o| put_dec(
        o,
        byte(h, 12).map(|b| (b >> 4) * 4)
    )),
    field!("tcp.flags", Some(Proto::Tcp), UInt, |f, l, h, o| put_hex(
        o,
        be16(h, 12).map(|v| v & 0xfff),
        4
    )),
    field!("tcp.flags.syn", Some(Proto::Tcp), Bool, |f, l, h, o| {
        put_dec(o, byte(h, 13).map(|b| (b >> 1) & 1))
    }),
    field!("tcp.flags.ack", Some(Proto::Tcp), Bool, |f, l, h, o| {
        put_dec(o, byte(h, 13).map(|b| (b >> 4) & 1))
    }),
    field!("tcp.flags.fin", Some(Proto::Tcp), Bool, |f, l, h, o| {
        put_dec(o, byte(h, 13).map(|b| b & 1))
    }),
    field!("tcp.flags.reset", Some(Proto::Tcp), Bool, |f, l, h, o| {
        put_dec(o, byte(h, 13).map(|b| (b >> 2) & 1))
    }),
    field!("tcp.flags.push", Some(Proto::Tcp), Bool, |f, l, h, o| {
        put_dec(o, byte(h, 13).map(|b| (b >> 3) & 1))
    }),
    field!(
        "tcp.window_size_value",
        Some(Proto::Tcp),
        UInt,
        |f, l, h, o| put_dec(o, be16(h, 14))
    ),
    field!(
        "tcp.checksum",
        Some(Proto::Tcp),
        UInt,
        |f, l, h, o| put_hex(o, be16(h, 16), 4)
    ),
    field!(
        "tcp.urgent_pointer",
        Some(Proto::Tcp),
        UInt,
        |f, l, h, o| put_dec(o, be16(h, 18))
    ),
    field!("tcp.len", Some(Proto::Tcp), UInt, |f, l, h, o| put_dec(
        o,
        tcp_len(l)
    )),
    field_each!("tcp.port", Some(Proto::Tcp), UInt, |f, l, h, o| {
        // Either-side field: both ports, source first.
        match (be16(h, 0), be16(h, 2)) {
            (Some(s), Some(d)) => o.each([s, d], |o, p| put_dec(o, Some(p))),
            _ => false,
        }
    }),
    field!("udp.srcport", Some(Proto::Udp), UInt, |f, l, h, o| put_dec(
        o,
        be16(h, 0)
    )),
    field!("udp.dstport", Some(Proto::Udp), UInt, |f, l, h, o| put_dec(
        o,
        be16(h, 2)
    )),
    field!("udp.length", Some(Proto::Udp), UInt, |f, l, h, o| put_dec(
        o,
        be16(h, 4)
    )),
    field!(
        "udp.checksum",
        Some(Proto::Udp),
        UInt,
        |f, l, h, o| put_hex(o, be16(h, 6), 4)
    ),
    field!("icmp.type", Some(Proto::Icmp), UInt, |f, l, h, o| put_dec(
        o,
        byte(h, 0)
    )),
    field!("icmp.code", Some(Proto::Icmp), UInt, |f, l, h, o| put_dec(
        o,
        byte(h, 1)
    )),
    field!("icmp.checksum", Some(Proto::Icmp), UInt, |f, l, h, o| {
        put_hex(o, be16(h, 2), 4)
    }),
    field!("icmp.ident", Some(Proto::Icmp), UInt, |f, l, h, o| {
        let echo = matches!(byte(h, 0), Some(0 | 8 | 13 | 14 | 15 | 16 | 17 | 18));
        echo && put_dec(o, be16(h, 4))
    }),
    field!("icmp.seq", Some(Proto::Icmp), UInt, |f, l, h, o| {
        let echo = matches!(byte(h, 0), Some(0 | 8 | 13 | 14 | 15 | 16 | 17 | 18));
        echo && put_dec(o, be16(h, 6))
    }),
    field!("icmp.resp_to", Some(Proto::Icmp), UInt, |f, l, h, o| {
        put_dec(o, answer(f, l).map(|a| a.request))
    }),
    field!("icmp.resptime", Some(Proto::Icmp), Time, |f, l, h, o| {
        put_ms(o, answer(f, l))
    }),
    field!("icmpv6.type", Some(Proto::Icmpv6), UInt, |f, l, h, o| {
        put_dec(o, byte(h, 0))
    }),
    field!("icmpv6.code", Some(Proto::Icmpv6), UInt, |f, l, h, o| {
        put_dec(o, byte(h, 1))
    }),
    field!("icmpv6.resp_to", Some(Proto::Icmpv6), UInt, |f, l, h, o| {
        put_dec(o, answer(f, l).map(|a| a.request))
    }),
    field!(
        "icmpv6.resptime",
        Some(Proto::Icmpv6),
        Time,
        |f, l, h, o| { put_ms(o, answer(f, l)) }
    ),
    field!("igmp.type", Some(Proto::Igmp), UInt, |f, l, h, o| put_hex(
        o,
        byte(h, 0),
        2
    )),
    field!("arp.hw.type", Some(Proto::Arp), UInt, |f, l, h, o| put_dec(
        o,
        be16(h, 0)
    )),
    field!("arp.proto.type", Some(Proto::Arp), UInt, |f, l, h, o| {
        put_hex(o, be16(h, 2), 4)
    }),
    field!("arp.opcode", Some(Proto::Arp), UInt, |f, l, h, o| put_dec(
        o,
        be16(h, 6)
    )),
    field!(
        "arp.src.hw_mac",
        Some(Proto::Arp),
        Mac,
        |f, l, h, o| arp_ether(h) && put_mac(o, h, 8)
    ),
    field!(
        "arp.src.proto_ipv4",
        Some(Proto::Arp),
        Ipv4,
        |f, l, h, o| arp_ipv4(h) && put_v4(o, h, arp_off(h, 1))
    ),
    field!(
        "arp.dst.hw_mac",
        Some(Proto::Arp),
        Mac,
        |f, l, h, o| arp_ether(h) && put_mac(o, h, arp_off(h, 2))
    ),
    field!(
        "arp.dst.proto_ipv4",
        Some(Proto::Arp),
        Ipv4,
        |f, l, h, o| arp_ipv4(h) && put_v4(o, h, arp_off(h, 3))
    ),
    field!("sll.pkttype", Some(Proto::Sll), UInt, |f, l, h, o| put_dec(
        o,
        be16(h, 0)
    )),
    field!("sll.etype", Some(Proto::Sll), UInt, |f, l, h, o| put_hex(
        o,
        be16(h, 14),
        4
    )),
    field!("gre.proto", Some(Proto::Gre), UInt, |f, l, h, o| put_hex(
        o,
        be16(h, 2),
        4
    )),
    field!("vxlan.vni", Some(Proto::Vxlan), UInt, |f, l, h, o| put_dec(
        o,
        be32(h, 4).map(|v| v >> 8)
    )),
    field!("mpls.label", Some(Proto::Mpls), UInt, |f, l, h, o| put_dec(
        o,
        be32(h, 0).map(|v| v >> 12)
    )),
    field!("sctp.srcport", Some(Proto::Sctp), UInt, |f, l, h, o| {
        put_dec(o, be16(h, 0))
    }),
    field!("sctp.dstport", Some(Proto::Sctp), UInt, |f, l, h, o| {
        put_dec(o, be16(h, 2))
    }),
    field!("gtp.teid", Some(Proto::GtpU), UInt, |f, l, h, o| put_hex(
        o,
        be32(h, 4),
        8
    )),
    field!("dns.id", Some(Proto::Dns), UInt, |f, l, h, o| put_hex(
        o,
        be16(h, 0),
        4
    )),
    field!(
        "dns.flags.response",
        Some(Proto::Dns),
        Bool,
        |f, l, h, o| put_dec(o, be16(h, 2).map(|v| v >> 15))
    ),
    field!("dns.response_to", Some(Proto::Dns), UInt, |f, l, h, o| {
        put_dec(o, answer(f, l).map(|a| a.request))
    }),
    field!("dns.time", Some(Proto::Dns), Time, |f, l, h, o| {
        match answer(f, l) {
            Some(a) => {
                text::seconds(o, a.delta_ns, 9);
                true
            }
            None => false,
        }
    }),
    field_each!("dns.qry.name", Some(Proto::Dns), Str, |f, l, h, o| {
        o.each(dns_questions(h), |o, q| q.name.write(o))
    }),
    field_each!("dns.qry.type", Some(Proto::Dns), UInt, |f, l, h, o| {
        o.each(dns_questions(h), |o, q| put_dec(o, Some(q.qtype)))
    }),
    field_each!("dns.a", Some(Proto::Dns), Ipv4, |f, l, h, o| {
        o.each(dns_rrs(h).filter_map(|r| r.a()), |o, a| put_v4(o, &a, 0))
    }),
    field_each!("dns.aaaa", Some(Proto::Dns), Ipv6, |f, l, h, o| {
        o.each(dns_rrs(h).filter_map(|r| r.aaaa()), |o, a| put_v6(o, &a, 0))
    }),
    field!("dns.flags", Some(Proto::Dns), UInt, |f, l, h, o| {
        put_hex(o, dns_msg(h).map(|m| m.flags()), 4)
    }),
    field!("dns.flags.opcode", Some(Proto::Dns), UInt, |f, l, h, o| {
        put_dec(o, dns_msg(h).map(|m| m.opcode()))
    }),
    field!(
        "dns.flags.authoritative",
        Some(Proto::Dns),
        Bool,
        |f, l, h, o| put_dec(o, dns_flag(l, h, 10, true))
    ),
    field!(
        "dns.flags.truncated",
        Some(Proto::Dns),
        Bool,
        |f, l, h, o| put_dec(o, dns_msg(h).map(|m| (m.flags() >> 9) & 1))
    ),
    field!(
        "dns.flags.recdesired",
        Some(Proto::Dns),
        Bool,
        |f, l, h, o| put_dec(o, dns_flag(l, h, 8, false))
    ),
    field!(
        "dns.flags.recavail",
        Some(Proto::Dns),
        Bool,
        |f, l, h, o| put_dec(o, dns_flag(l, h, 7, true))
    ),
    field!("dns.flags.z", Some(Proto::Dns), Bool, |f, l, h, o| {
        put_dec(o, dns_flag(l, h, 6, false))
    }),
    field!(
        "dns.flags.authenticated",
        Some(Proto::Dns),
        Bool,
        |f, l, h, o| {
            // A query shows the AD bit only when it is set.
            let v = dns_flag(l, h, 5, false);
            let query = dns_msg(h).is_some_and(|m| !m.is_response());
            put_dec(o, v.filter(|&b| b == 1 || !query))
        }
    ),
    field!(
        "dns.flags.checkdisable",
        Some(Proto::Dns),
        Bool,
        |f, l, h, o| put_dec(o, dns_flag(l, h, 4, false))
    ),
    field!("dns.flags.rcode", Some(Proto::Dns), UInt, |f, l, h, o| {
        // Queries show no reply code.
        put_dec(o, dns_msg(h).filter(|m| m.is_response()).map(|m| m.rcode()))
    }),
    field!("dns.count.queries", Some(Proto::Dns), UInt, |f, l, h, o| {
        put_dec(o, dns_msg(h).map(|m| m.qdcount()))
    }),
    field!("dns.count.answers", Some(Proto::Dns), UInt, |f, l, h, o| {
        put_dec(o, dns_msg(h).map(|m| m.ancount()))
    }),
    field!("dns.count.auth_rr", Some(Proto::Dns), UInt, |f, l, h, o| {
        put_dec(o, dns_msg(h).map(|m| m.nscount()))
    }),
    field!("dns.count.add_rr", Some(Proto::Dns), UInt, |f, l, h, o| {
        put_dec(o, dns_msg(h).map(|m| m.arcount()))
    }),
    field_each!("dns.qry.class", Some(Proto::Dns), UInt, |f, l, h, o| {
        o.each(dns_questions(h), |o, q| {
            put_hex(o, Some(dns_class(l, q.qclass)), 4)
        })
    }),
    field_each!("dns.resp.name", Some(Proto::Dns), Str, |f, l, h, o| {
        // An SRV record's owner name is shown split: dns.srv.service, .proto and .name.
        let rrs = dns_rrs(h).filter(|r| r.rtype != dns::rtype::SRV);
        o.each(rrs, |o, r| r.name.write(o))
    }),
    field_each!("dns.resp.type", Some(Proto::Dns), UInt, |f, l, h, o| {
        o.each(dns_rrs(h), |o, r| put_dec(o, Some(r.rtype)))
    }),
    field_each!("dns.resp.class", Some(Proto::Dns), UInt, |f, l, h, o| {
        // An OPT record's class is its UDP payload size, another field.
        let rrs = dns_rrs(h).filter(|r| r.rtype != dns::rtype::OPT);
        o.each(rrs, |o, r| put_hex(o, Some(dns_class(l, r.class)), 4))
    }),
    field_each!("dns.resp.ttl", Some(Proto::Dns), UInt, |f, l, h, o| {
        let rrs = dns_rrs(h).filter(|r| r.rtype != dns::rtype::OPT);
        o.each(rrs, |o, r| put_dec(o, Some(r.ttl)))
    }),
    field_each!("dns.resp.len", Some(Proto::Dns), UInt, |f, l, h, o| {
        o.each(dns_rrs(h), |o, r| put_dec(o, Some(r.rdata.len() as u64)))
    }),
    // EDNS(0): an OPT record's class and TTL fields are these.
    field_each!(
        "dns.rr.udp_payload_size",
        Some(Proto::Dns),
        UInt,
        |f, l, h, o| o.each(dns_opts(h), |o, r| put_dec(o, Some(r.class)))
    ),
    field_each!(
        "dns.resp.ext_rcode",
        Some(Proto::Dns),
        UInt,
        |f, l, h, o| o.each(dns_opts(h), |o, r| put_hex(o, Some(r.ttl >> 24), 2))
    ),
    field_each!(
        "dns.resp.edns0_version",
        Some(Proto::Dns),
        UInt,
        |f, l, h, o| o.each(dns_opts(h), |o, r| put_dec(o, Some((r.ttl >> 16) & 0xff)))
    ),
    field_each!("dns.resp.z", Some(Proto::Dns), UInt, |f, l, h, o| {
        o.each(dns_opts(h), |o, r| put_hex(o, Some(r.ttl & 0xffff), 4))
    }),
    field_each!("dns.resp.z.do", Some(Proto::Dns), Bool, |f, l, h, o| {
        o.each(dns_opts(h), |o, r| put_dec(o, Some((r.ttl >> 15) & 1)))
    }),
    field_each!(
        "dns.resp.z.reserved",
        Some(Proto::Dns),
        UInt,
        |f, l, h, o| o.each(dns_opts(h), |o, r| put_hex(o, Some(r.ttl & 0x7fff), 4))
    ),
    field_each!("dns.opt.code", Some(Proto::Dns), UInt, |f, l, h, o| {
        let opts = dns_rrs(h).flat_map(|r| r.edns_options());
        o.each(opts, |o, (c, _)| put_dec(o, Some(c)))
    }),
    field_each!("dns.opt.len", Some(Proto::Dns), UInt, |f, l, h, o| {
        let opts = dns_rrs(h).flat_map(|r| r.edns_options());
        o.each(opts, |o, (_, d)| put_dec(o, Some(d.len() as u64)))
    }),
    field_each!("dns.cname", Some(Proto::Dns), Str, |f, l, h, o| {
        dns_names(h, dns::rtype::CNAME, o)
    }),
    field_each!("dns.ns", Some(Proto::Dns), Str, |f, l, h, o| dns_names(
        h,
        dns::rtype::NS,
        o
    )),
    field_each!(
        "dns.ptr.domain_name",
        Some(Proto::Dns),
        Str,
        |f, l, h, o| dns_names(h, dns::rtype::PTR, o)
    ),
    field_each!("dns.mx.preference", Some(Proto::Dns), UInt, |f, l, h, o| {
        o.each(dns_rrs(h).filter_map(|r| r.mx_preference()), |o, p| {
            put_dec(o, Some(p))
        })
    }),
    field_each!(
        "dns.mx.mail_exchange",
        Some(Proto::Dns),
        Str,
        |f, l, h, o| dns_names(h, dns::rtype::MX, o)
    ),
    field_each!("dns.txt", Some(Proto::Dns), Str, |f, l, h, o| {
        o.each(dns_rrs(h).flat_map(|r| r.txt()), put_str)
    }),
    field_each!("dns.txt.length", Some(Proto::Dns), UInt, |f, l, h, o| {
        let txt = dns_rrs(h).flat_map(|r| r.txt());
        o.each(txt, |o, t| put_dec(o, Some(t.len() as u64)))
    }),
    field_each!("dns.soa.mname", Some(Proto::Dns), Str, |f, l, h, o| {
        o.each(dns_rrs(h).filter_map(|r| r.soa()), |o, s| s.mname.write(o))
    }),
    field_each!("dns.soa.rname", Some(Proto::Dns), Str, |f, l, h, o| {
        o.each(dns_rrs(h).filter_map(|r| r.soa()), |o, s| s.rname.write(o))
    }),
    field_each!(
        "dns.soa.serial_number",
        Some(Proto::Dns),
        UInt,
        |f, l, h, o| o.each(dns_rrs(h).filter_map(|r| r.soa()), |o, s| put_dec(
            o,
            Some(s.serial)
        ))
    ),
    field_each!(
        "dns.soa.refresh_interval",
        Some(Proto::Dns),
        UInt,
        |f, l, h, o| o.each(dns_rrs(h).filter_map(|r| r.soa()), |o, s| put_dec(
            o,
            Some(s.refresh)
        ))
    ),
    field_each!(
        "dns.soa.retry_interval",
        Some(Proto::Dns),
        UInt,
        |f, l, h, o| o.each(dns_rrs(h).filter_map(|r| r.soa()), |o, s| put_dec(
            o,
            Some(s.retry)
        ))
    ),
    field_each!(
        "dns.soa.expire_limit",
        Some(Proto::Dns),
        UInt,
        |f, l, h, o| o.each(dns_rrs(h).filter_map(|r| r.soa()), |o, s| put_dec(
            o,
            Some(s.expire)
        ))
    ),
    field_each!(
        "dns.soa.minimum_ttl",
        Some(Proto::Dns),
        UInt,
        |f, l, h, o| o.each(dns_rrs(h).filter_map(|r| r.soa()), |o, s| put_dec(
            o,
            Some(s.minimum)
        ))
    ),
    field_each!("dns.srv.service", Some(Proto::Dns), Str, |f, l, h, o| {
        dns_srv_owner(h, 0, o)
    }),
    field_each!("dns.srv.proto", Some(Proto::Dns), Str, |f, l, h, o| {
        dns_srv_owner(h, 1, o)
    }),
    field_each!("dns.srv.name", Some(Proto::Dns), Str, |f, l, h, o| {
        dns_srv_owner(h, 2, o)
    }),
    field_each!("dns.srv.priority", Some(Proto::Dns), UInt, |f, l, h, o| {
        o.each(dns_rrs(h).filter_map(|r| r.srv()), |o, s| {
            put_dec(o, Some(s.0))
        })
    }),
    field_each!("dns.srv.weight", Some(Proto::Dns), UInt, |f, l, h, o| {
        o.each(dns_rrs(h).filter_map(|r| r.srv()), |o, s| {
            put_dec(o, Some(s.1))
        })
    }),
    field_each!("dns.srv.port", Some(Proto::Dns), UInt, |f, l, h, o| {
        o.each(dns_rrs(h).filter_map(|r| r.srv()), |o, s| {
            put_dec(o, Some(s.2))
        })
    }),
    field_each!("dns.srv.target", Some(Proto::Dns), Str, |f, l, h, o| {
        dns_names(h, dns::rtype::SRV, o)
    }),
    field!(
        "http.request.method",
        Some(Proto::Http),
        Str,
        |f, l, h, o| match http_head(h) {
            Some(http::StartLine::Request { method, .. }) => put_str(o, method),
            _ => false,
        }
    ),
    field!(
        "http.request.uri",
        Some(Proto::Http),
        Str,
        |f, l, h, o| match http_head(h) {
            Some(http::StartLine::Request { uri, .. }) => put_str(o, uri),
            _ => false,
        }
    ),
    field!("http.host", Some(Proto::Http), Str, |f, l, h, o| {
        http_header(h, b"host").is_some_and(|v| put_str(o, v))
    }),
    field!("http.user_agent", Some(Proto::Http), Str, |f, l, h, o| {
        http_header(h, b"user-agent").is_some_and(|v| put_str(o, v))
    }),
    field!(
        "http.response.code",
        Some(Proto::Http),
        UInt,
        |f, l, h, o| match http_head(h) {
            Some(http::StartLine::Response { code, .. }) => put_dec(o, Some(code)),
            _ => false,
        }
    ),
    field_each!(
        "tls.handshake.type",
        Some(Proto::Tls),
        UInt,
        |f, l, h, o| o.each(tls_handshakes(l, h), |o, m| put_dec(o, Some(m.msg_type)))
    ),
    field!(
        "tls.handshake.version",
        Some(Proto::Tls),
        UInt,
        |f, l, h, o| put_hex(o, tls_hello(l, h).map(|m| m.version), 4)
    ),
    field!(
        "tls.handshake.extensions_server_name",
        Some(Proto::Tls),
        Str,
        |f, l, h, o| tls_hello(l, h)
            .and_then(|m| m.server_name())
            .is_some_and(|v| put_str(o, v))
    ),
    field_each!(
        "tls.handshake.extensions_alpn_str",
        Some(Proto::Tls),
        Str,
        |f, l, h, o| o.each(tls_hellos(l, h).flat_map(|m| m.alpn()), put_str)
    ),
    field_each!(
        "tls.handshake.ciphersuite",
        Some(Proto::Tls),
        UInt,
        |f, l, h, o| {
            let suites = tls_hellos(l, h).flat_map(|m| m.cipher_suites());
            o.each(suites, |o, c| put_hex(o, Some(c), 4))
        }
    ),
    field_each!(
        "tls.handshake.certificates_length",
        Some(Proto::Tls),
        UInt,
        |f, l, h, o| o.each(tls_cert_lists(l, h), |o, (n, _)| put_dec(o, Some(n)))
    ),
    field_each!(
        "tls.handshake.certificate_length",
        Some(Proto::Tls),
        UInt,
        |f, l, h, o| {
            let certs = tls_cert_lists(l, h).flat_map(|(_, c)| c);
            o.each(certs, |o, e| put_dec(o, Some(e.len)))
        }
    ),
    field_each!(
        "tls.handshake.certificate",
        Some(Proto::Tls),
        Bytes,
        |f, l, h, o| {
            let certs = tls_cert_lists(l, h).flat_map(|(_, c)| c);
            o.each(certs, |o, e| put_bytes(o, e.der))
        }
    ),
    field_each!("x509af.version", Some(Proto::Tls), UInt, |f, l, h, o| {
        o.each(x509_certs(l, h).filter_map(|c| c.version), |o, v| {
            text::dec_i(o, v);
            true
        })
    }),
    field_each!(
        "x509af.serialNumber",
        Some(Proto::Tls),
        Bytes,
        |f, l, h, o| o.each(x509_certs(l, h).filter_map(|c| c.serial), put_bytes)
    ),
    field_each!(
        "x509af.algorithm.id",
        Some(Proto::Tls),
        Str,
        |f, l, h, o| {
            let ids = x509_parts(l, h).flat_map(|p| match p {
                X509Part::Cert(c) => [c.signature, c.key_algorithm, c.signature_algorithm]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>(),
                X509Part::Ocsp(r) => r
                    .cert_id_hash_algorithms()
                    .chain(r.signature_algorithm)
                    .collect(),
            });
            o.each(ids, |o, v| x509::write_oid(v, o))
        }
    ),
    field_each!(
        "x509if.rdnSequence",
        Some(Proto::Tls),
        UInt,
        |f, l, h, o| {
            // The issuer's RDN count and the extensions' directoryNames' (the subject's is
            // x509af.rdnSequence).
            let names = x509_parts(l, h).flat_map(|p| match p {
                X509Part::Cert(c) => {
                    let mut v: Vec<_> = c.issuer.into_iter().collect();
                    c.each_directory_name(|n| v.push(n));
                    v
                }
                X509Part::Ocsp(r) => r.responder_name.into_iter().collect(),
            });
            o.each(names, |o, n| put_dec(o, Some(n.rdn_count() as u64)))
        }
    ),
    field_each!(
        "x509af.rdnSequence",
        Some(Proto::Tls),
        UInt,
        |f, l, h, o| {
            let names = x509_certs(l, h).filter_map(|c| c.subject);
            o.each(names, |o, n| put_dec(o, Some(n.rdn_count() as u64)))
        }
    ),
    field_each!(
        "x509sat.CountryName",
        Some(Proto::Tls),
        Str,
        |f, l, h, o| {
            let attrs = x509_attrs(l, h).filter(|a| a.oid == x509_oid::COUNTRY);
            o.each(attrs, |o, a| put_str(o, a.value))
        }
    ),
    field_each!(
        "x509sat.printableString",
        Some(Proto::Tls),
        Str,
        |f, l, h, o| o.each(x509_dir_strings(l, h, x509::tag::PRINTABLE_STRING), put_str)
    ),
    field_each!("x509sat.uTF8String", Some(Proto::Tls), Str, |f, l, h, o| {
        o.each(x509_dir_strings(l, h, x509::tag::UTF8_STRING), put_str)
    }),
    field_each!(
        "x509sat.teletexString",
        Some(Proto::Tls),
        Str,
        |f, l, h, o| o.each(x509_dir_strings(l, h, x509::tag::TELETEX_STRING), put_str)
    ),
    field_each!("x509sat.bmpString", Some(Proto::Tls), Str, |f, l, h, o| {
        o.each(x509_dir_strings(l, h, x509::tag::BMP_STRING), |o, v| {
            x509::write_bmp(v, o);
            true
        })
    }),
    field_each!("x509sat.IA5String", Some(Proto::Tls), Str, |f, l, h, o| {
        let attrs = x509_attrs(l, h).filter(|a| {
            a.tag == x509::tag::IA5_STRING
                && (a.oid == x509_oid::EMAIL_ADDRESS || a.oid == x509_oid::DOMAIN_COMPONENT)
        });
        o.each(attrs, |o, a| put_str(o, a.value))
    }),
    field_each!(
        "x509sat.PrintableString",
        Some(Proto::Tls),
        Str,
        |f, l, h, o| {
            // The attributes typed PrintableString itself: serialNumber, dnQualifier.
            let attrs = x509_attrs(l, h).filter(|a| {
                a.tag == x509::tag::PRINTABLE_STRING
                    && (a.oid == x509_oid::SERIAL_NUMBER || a.oid == x509_oid::DN_QUALIFIER)
            });
            o.each(attrs, |o, a| put_str(o, a.value))
        }
    ),
    field_each!("x509af.utcTime", Some(Proto::Tls), Str, |f, l, h, o| {
        let times = x509_certs(l, h)
            .flat_map(|c| [c.not_before, c.not_after])
            .flatten()
            .filter(|t| t.tag == x509::tag::UTC_TIME);
        o.each(times, |o, t| x509::write_utc_time(t.text, o))
    }),
    field_each!(
        "x509af.generalizedTime",
        Some(Proto::Tls),
        Str,
        |f, l, h, o| {
            let times = x509_certs(l, h)
                .flat_map(|c| [c.not_before, c.not_after])
                .flatten()
                .filter(|t| t.tag == x509::tag::GENERALIZED_TIME);
            o.each(times, |o, t| x509::write_generalized_time(t.text, o))
        }
    ),
    field_each!(
        "x509af.subjectPublicKey",
        Some(Proto::Tls),
        Bytes,
        |f, l, h, o| o.each(x509_certs(l, h).filter_map(|c| c.public_key), put_bytes)
    ),
    field_each!(
        "x509af.extension.id",
        Some(Proto::Tls),
        Str,
        |f, l, h, o| {
            let exts = x509_certs(l, h).flat_map(|c| c.extensions());
            o.each(exts, |o, e| x509::write_oid(e.oid, o))
        }
    ),
    field_each!("x509af.critical", Some(Proto::Tls), Bool, |f, l, h, o| {
        // Shown for the extensions that encode critical (TRUE: DER omits FALSE).
        let exts = x509_certs(l, h)
            .flat_map(|c| c.extensions())
            .filter(|e| e.critical);
        o.each(exts, |o, _| put_dec(o, Some(1u8)))
    }),
    field_each!(
        "x509ce.SubjectKeyIdentifier",
        Some(Proto::Tls),
        Bytes,
        |f, l, h, o| o.each(
            x509_certs(l, h).filter_map(|c| c.subject_key_id()),
            put_bytes
        )
    ),
    field_each!(
        "x509ce.keyIdentifier",
        Some(Proto::Tls),
        Bytes,
        |f, l, h, o| o.each(
            x509_certs(l, h).filter_map(|c| c.authority_key_id()),
            put_bytes
        )
    ),
    field_each!("x509ce.cA", Some(Proto::Tls), Bool, |f, l, h, o| {
        let ca = x509_certs(l, h).filter_map(|c| c.basic_constraints().and_then(|b| b.0));
        o.each(ca, |o, v| put_dec(o, Some(u8::from(v))))
    }),
    field_each!(
        "x509ce.pathLenConstraint",
        Some(Proto::Tls),
        UInt,
        |f, l, h, o| {
            let n = x509_certs(l, h).filter_map(|c| c.basic_constraints().and_then(|b| b.1));
            o.each(n, |o, v| {
                text::dec_i(o, v);
                true
            })
        }
    ),
    field_each!(
        "x509ce.KeyPurposeId",
        Some(Proto::Tls),
        Str,
        |f, l, h, o| {
            let ids = x509_certs(l, h).flat_map(|c| c.ext_key_usages());
            o.each(ids, |o, v| x509::write_oid(v, o))
        }
    ),
    field_each!(
        "x509ce.uniformResourceIdentifier",
        Some(Proto::Tls),
        Str,
        |f, l, h, o| {
            let mut any = false;
            for c in x509_certs(l, h) {
                c.each_uri(|u| any |= o.push(|o| put_str(o, u)));
            }
            any
        }
    ),
    field_each!("x509ce.dNSName", Some(Proto::Tls), Str, |f, l, h, o| {
        o.each(x509_certs(l, h).flat_map(|c| c.dns_names()), put_str)
    }),
    field!("dhcp.option.dhcp", Some(Proto::Dhcp), UInt, |f, l, h, o| {
        put_dec(
            o,
            dhcp::Packet::new_checked(h)
                .ok()
                .and_then(|p| p.message_type()),
        )
    }),
    field!(
        "dhcp.option.hostname",
        Some(Proto::Dhcp),
        Str,
        |f, l, h, o| dhcp::Packet::new_checked(h)
            .ok()
            .and_then(|p| p.option(dhcp::opt::HOSTNAME))
            .is_some_and(|v| put_str(o, v))
    ),
    field!("ntp.stratum", Some(Proto::Ntp), UInt, |f, l, h, o| put_dec(
        o,
        ntp::Packet::new_checked(h).ok().and_then(|p| p.stratum())
    )),
    field!("ssh.protocol", Some(Proto::Ssh), Str, |f, l, h, o| {
        l.ext_kind & ssh_kind::PACKETS == 0 && ssh::banner(h).is_some_and(|v| put_str(o, v))
    }),
    field!("ssh.direction", Some(Proto::Ssh), Bool, |f, l, h, o| {
        put_dec(o, Some(u8::from(l.ext_kind & ssh_kind::SERVER != 0)))
    }),
    field!("ssh.packet_length", Some(Proto::Ssh), UInt, |f, l, h, o| {
        put_dec(o, ssh_packet(l, h).map(|p| p.packet_length))
    }),
    field!(
        "ssh.padding_length",
        Some(Proto::Ssh),
        UInt,
        |f, l, h, o| put_dec(o, ssh_packet(l, h).map(|p| p.padding_length))
    ),
    field!("ssh.message_code", Some(Proto::Ssh), UInt, |f, l, h, o| {
        put_dec(o, ssh_packet(l, h).and_then(|p| p.message_code()))
    }),
    field!("ssh.cookie", Some(Proto::Ssh), Bytes, |f, l, h, o| {
        ssh_kex(l, h).is_some_and(|k| put_bytes(o, k.cookie))
    }),
    field!(
        "ssh.kex_algorithms_length",
        Some(Proto::Ssh),
        UInt,
        |f, l, h, o| put_dec(
            o,
            ssh_kex(l, h).map(|k| k.lists[ssh::list::KEX].len() as u64)
        )
    ),
    field!("ssh.kex_algorithms", Some(Proto::Ssh), Str, |f, l, h, o| {
        ssh_kex(l, h).is_some_and(|k| put_str(o, k.lists[ssh::list::KEX]))
    }),
    field!(
        "ssh.server_host_key_algorithms_length",
        Some(Proto::Ssh),
        UInt,
        |f, l, h, o| put_dec(
            o,
            ssh_kex(l, h).map(|k| k.lists[ssh::list::SERVER_HOST_KEY].len() as u64)
        )
    ),
    field!(
        "ssh.server_host_key_algorithms",
        Some(Proto::Ssh),
        Str,
        |f, l, h, o| {
            ssh_kex(l, h).is_some_and(|k| put_str(o, k.lists[ssh::list::SERVER_HOST_KEY]))
        }
    ),
    field!(
        "ssh.encryption_algorithms_client_to_server_length",
        Some(Proto::Ssh),
        UInt,
        |f, l, h, o| put_dec(
            o,
            ssh_kex(l, h).map(|k| k.lists[ssh::list::ENCRYPTION_C2S].len() as u64)
        )
    ),
    field!(
        "ssh.encryption_algorithms_client_to_server",
        Some(Proto::Ssh),
        Str,
        |f, l, h, o| {
            ssh_kex(l, h).is_some_and(|k| put_str(o, k.lists[ssh::list::ENCRYPTION_C2S]))
        }
    ),
    field!(
        "ssh.encryption_algorithms_server_to_client_length",
        Some(Proto::Ssh),
        UInt,
        |f, l, h, o| put_dec(
            o,
            ssh_kex(l, h).map(|k| k.lists[ssh::list::ENCRYPTION_S2C].len() as u64)
        )
    ),
    field!(
        "ssh.encryption_algorithms_server_to_client",
        Some(Proto::Ssh),
        Str,
        |f, l, h, o| {
            ssh_kex(l, h).is_some_and(|k| put_str(o, k.lists[ssh::list::ENCRYPTION_S2C]))
        }
    ),
    field!(
        "ssh.mac_algorithms_client_to_server_length",
        Some(Proto::Ssh),
        UInt,
        |f, l, h, o| put_dec(
            o,
            ssh_kex(l, h).map(|k| k.lists[ssh::list::MAC_C2S].len() as u64)
        )
    ),
    field!(
        "ssh.mac_algorithms_client_to_server",
        Some(Proto::Ssh),
        Str,
        |f, l, h, o| ssh_kex(l, h).is_some_and(|k| put_str(o, k.lists[ssh::list::MAC_C2S]))
    ),
    field!(
        "ssh.mac_algorithms_server_to_client_length",
        Some(Proto::Ssh),
        UInt,
        |f, l, h, o| put_dec(
            o,
            ssh_kex(l, h).map(|k| k.lists[ssh::list::MAC_S2C].len() as u64)
        )
    ),
    field!(
        "ssh.mac_algorithms_server_to_client",
        Some(Proto::Ssh),
        Str,
        |f, l, h, o| ssh_kex(l, h).is_some_and(|k| put_str(o, k.lists[ssh::list::MAC_S2C]))
    ),
    field!(
        "ssh.compression_algorithms_client_to_server_length",
        Some(Proto::Ssh),
        UInt,
        |f, l, h, o| put_dec(
            o,
            ssh_kex(l, h).map(|k| k.lists[ssh::list::COMPRESSION_C2S].len() as u64)
        )
    ),
    field!(
        "ssh.compression_algorithms_client_to_server",
        Some(Proto::Ssh),
        Str,
        |f, l, h, o| {
            ssh_kex(l, h).is_some_and(|k| put_str(o, k.lists[ssh::list::COMPRESSION_C2S]))
        }
    ),
    field!(
        "ssh.compression_algorithms_server_to_client_length",
        Some(Proto::Ssh),
        UInt,
        |f, l, h, o| put_dec(
            o,
            ssh_kex(l, h).map(|k| k.lists[ssh::list::COMPRESSION_S2C].len() as u64)
        )
    ),
    field!(
        "ssh.compression_algorithms_server_to_client",
        Some(Proto::Ssh),
        Str,
        |f, l, h, o| {
            ssh_kex(l, h).is_some_and(|k| put_str(o, k.lists[ssh::list::COMPRESSION_S2C]))
        }
    ),
    field!(
        "ssh.languages_client_to_server_length",
        Some(Proto::Ssh),
        UInt,
        |f, l, h, o| put_dec(
            o,
            ssh_kex(l, h).map(|k| k.lists[ssh::list::LANGUAGES_C2S].len() as u64)
        )
    ),
    field!(
        "ssh.languages_client_to_server",
        Some(Proto::Ssh),
        Str,
        |f, l, h, o| {
            ssh_kex(l, h).is_some_and(|k| put_str(o, k.lists[ssh::list::LANGUAGES_C2S]))
        }
    ),
    field!(
        "ssh.languages_server_to_client_length",
        Some(Proto::Ssh),
        UInt,
        |f, l, h, o| put_dec(
            o,
            ssh_kex(l, h).map(|k| k.lists[ssh::list::LANGUAGES_S2C].len() as u64)
        )
    ),
    field!(
        "ssh.languages_server_to_client",
        Some(Proto::Ssh),
        Str,
        |f, l, h, o| {
            ssh_kex(l, h).is_some_and(|k| put_str(o, k.lists[ssh::list::LANGUAGES_S2C]))
        }
    ),
    field!(
        "ssh.first_kex_packet_follows",
        Some(Proto::Ssh),
        UInt,
        |f, l, h, o| put_dec(o, ssh_kex(l, h).map(|k| k.first_kex_packet_follows))
    ),
    field!("ssh.kex.reserved", Some(Proto::Ssh), Bytes, |f, l, h, o| {
        ssh_kex(l, h).is_some_and(|k| put_bytes(o, k.reserved))
    }),
    field!(
        "ssh.kex.hassh_algorithms",
        Some(Proto::Ssh),
        Str,
        |f, l, h, o| l.ext_kind & ssh_kind::SERVER == 0 && ssh_hassh(l, h, o)
    ),
    field!(
        "ssh.kex.hasshserver_algorithms",
        Some(Proto::Ssh),
        Str,
        |f, l, h, o| l.ext_kind & ssh_kind::SERVER != 0 && ssh_hassh(l, h, o)
    ),
    field!("ssh.kex.hassh", Some(Proto::Ssh), Str, |f, l, h, o| {
        l.ext_kind & ssh_kind::SERVER == 0 && ssh_hassh_md5(l, h, o)
    }),
    field!(
        "ssh.kex.hasshserver",
        Some(Proto::Ssh),
        Str,
        |f, l, h, o| l.ext_kind & ssh_kind::SERVER != 0 && ssh_hassh_md5(l, h, o)
    ),
    field!(
        "ssh.padding_string",
        Some(Proto::Ssh),
        Bytes,
        |f, l, h, o| ssh_packet(l, h).is_some_and(|p| put_bytes(o, p.padding))
    ),
    // Command-and-reply text protocols: the first line of the message.
    field!(
        "ftp.request.command",
        Some(Proto::AppNamed),
        Str,
        |f, l, h, o| request(l, h, "FTP").is_some_and(|(c, _)| put_str(o, c))
    ),
    field!(
        "ftp.request.arg",
        Some(Proto::AppNamed),
        Str,
        |f, l, h, o| request(l, h, "FTP").is_some_and(|(_, a)| !a.is_empty() && put_str(o, a))
    ),
    field!(
        "ftp.response.code",
        Some(Proto::AppNamed),
        UInt,
        |f, l, h, o| put_dec(o, reply(l, h, "FTP").map(|(c, _)| c))
    ),
    field!(
        "ftp.response.arg",
        Some(Proto::AppNamed),
        Str,
        |f, l, h, o| reply(l, h, "FTP").is_some_and(|(_, a)| !a.is_empty() && put_str(o, a))
    ),
    field!(
        "smtp.req.command",
        Some(Proto::AppNamed),
        Str,
        |f, l, h, o| smtp_request(l, h).is_some_and(|(c, _)| put_str(o, c))
    ),
    field!(
        "smtp.req.parameter",
        Some(Proto::AppNamed),
        Str,
        |f, l, h, o| smtp_request(l, h).is_some_and(|(_, a)| !a.is_empty() && put_str(o, a))
    ),
    field!(
        "smtp.response.code",
        Some(Proto::AppNamed),
        UInt,
        |f, l, h, o| put_dec(o, reply(l, h, "SMTP").map(|(c, _)| c))
    ),
    field!(
        "smtp.rsp.parameter",
        Some(Proto::AppNamed),
        Str,
        |f, l, h, o| reply(l, h, "SMTP").is_some_and(|(_, a)| !a.is_empty() && put_str(o, a))
    ),
    field!(
        "pop.request.command",
        Some(Proto::AppNamed),
        Str,
        |f, l, h, o| {
            pop_line(l, h)
                .is_some_and(|(c, _)| !c.starts_with(b"+") && !c.starts_with(b"-") && put_str(o, c))
        }
    ),
    field!(
        "pop.request.parameter",
        Some(Proto::AppNamed),
        Str,
        |f, l, h, o| {
            pop_line(l, h).is_some_and(|(c, a)| {
                !c.starts_with(b"+") && !c.starts_with(b"-") && !a.is_empty() && put_str(o, a)
            })
        }
    ),
    field!(
        "pop.response.indicator",
        Some(Proto::AppNamed),
        Str,
        |f, l, h, o| {
            pop_line(l, h).is_some_and(|(c, _)| (c == b"+OK" || c == b"-ERR") && put_str(o, c))
        }
    ),
    field!(
        "pop.response.description",
        Some(Proto::AppNamed),
        Str,
        |f, l, h, o| {
            pop_line(l, h).is_some_and(|(c, a)| {
                (c == b"+OK" || c == b"-ERR") && !a.is_empty() && put_str(o, a)
            })
        }
    ),
    field!(
        "imap.request_tag",
        Some(Proto::AppNamed),
        Str,
        |f, l, h, o| imap_line(l, h).is_some_and(|(t, _, resp)| !resp && put_str(o, t))
    ),
    field!(
        "imap.request.command",
        Some(Proto::AppNamed),
        Str,
        |f, l, h, o| imap_line(l, h).is_some_and(|(_, c, resp)| !resp && put_str(o, c))
    ),
    field!(
        "imap.response_tag",
        Some(Proto::AppNamed),
        Str,
        |f, l, h, o| imap_line(l, h).is_some_and(|(t, _, resp)| resp && put_str(o, t))
    ),
    field!(
        "imap.response.status",
        Some(Proto::AppNamed),
        Str,
        |f, l, h, o| imap_line(l, h).is_some_and(|(_, c, resp)| resp && put_str(o, c))
    ),
    field!("sip.Method", Some(Proto::AppNamed), Str, |f, l, h, o| {
        sip_start(l, h).is_some_and(|(m, _, code)| code.is_none() && put_str(o, m))
    }),
    field!("sip.r-uri", Some(Proto::AppNamed), Str, |f, l, h, o| {
        sip_start(l, h).is_some_and(|(_, uri, code)| code.is_none() && put_str(o, uri))
    }),
    field!(
        "sip.Status-Code",
        Some(Proto::AppNamed),
        UInt,
        |f, l, h, o| put_dec(o, sip_start(l, h).and_then(|(_, _, code)| code))
    ),
    field!("sip.Call-ID", Some(Proto::AppNamed), Str, |f, l, h, o| {
        sip_start(l, h).is_some()
            && h.split(|&c| c == b'\n')
                .skip(1)
                .find_map(|line| {
                    let line = line.strip_suffix(b"\r").unwrap_or(line);
                    let (name, value) = line.split_at(line.iter().position(|&c| c == b':')?);
                    let name = name.trim_ascii();
                    (name.eq_ignore_ascii_case(b"call-id") || name.eq_ignore_ascii_case(b"i"))
                        .then(|| value[1..].trim_ascii())
                })
                .is_some_and(|v| put_str(o, v))
    }),
    // Binary application headers of name-only protocols (strata_wire::app::*).
    field!(
        "nbns.id",
        Some(Proto::AppNamed),
        UInt,
        |f, l, h, o| put_hex(
            o,
            named(l, h, "NBNS").and_then(nbns::header).map(|x| x.0),
            4
        )
    ),
    field!(
        "nbns.flags.response",
        Some(Proto::AppNamed),
        Bool,
        |f, l, h, o| put_dec(
            o,
            named(l, h, "NBNS")
                .and_then(nbns::header)
                .map(|x| x.1 as u8)
        )
    ),
    field!(
        "nbns.count.queries",
        Some(Proto::AppNamed),
        UInt,
        |f, l, h, o| put_dec(o, named(l, h, "NBNS").and_then(nbns::header).map(|x| x.2))
    ),
    field!("nbns.name", Some(Proto::AppNamed), Str, |f, l, h, o| named(
        l, h, "NBNS"
    )
    .and_then(|b| nbns::first_name(b, o))
    .is_some()),
    field!("snmp.version", Some(Proto::AppNamed), UInt, |f, l, h, o| {
        put_dec(
            o,
            // SNMPv3's version is msgVersion in Wireshark, not snmp.version.
            named(l, h, "SNMP")
                .and_then(snmp::header)
                .filter(|x| x.0 < 3)
                .map(|x| x.0.max(0) as u64),
        )
    }),
    field!(
        "snmp.community",
        Some(Proto::AppNamed),
        Str,
        |f, l, h, o| named(l, h, "SNMP")
            .and_then(snmp::header)
            .and_then(|x| x.1)
            .is_some_and(|c| put_str(o, c))
    ),
    field!(
        "mbtcp.trans_id",
        Some(Proto::AppNamed),
        UInt,
        |f, l, h, o| put_dec(
            o,
            named(l, h, "Modbus/TCP")
                .and_then(modbus::mbap)
                .map(|x| x.0)
        )
    ),
    field!(
        "mbtcp.prot_id",
        Some(Proto::AppNamed),
        UInt,
        |f, l, h, o| put_dec(
            o,
            named(l, h, "Modbus/TCP")
                .and_then(modbus::mbap)
                .map(|x| x.1)
        )
    ),
    field!("mbtcp.len", Some(Proto::AppNamed), UInt, |f, l, h, o| {
        put_dec(
            o,
            named(l, h, "Modbus/TCP")
                .and_then(modbus::mbap)
                .map(|x| x.2),
        )
    }),
    field!(
        "mbtcp.unit_id",
        Some(Proto::AppNamed),
        UInt,
        |f, l, h, o| put_dec(
            o,
            named(l, h, "Modbus/TCP")
                .and_then(modbus::mbap)
                .map(|x| x.3)
        )
    ),
    field!(
        "modbus.func_code",
        Some(Proto::AppNamed),
        UInt,
        |f, l, h, o| put_dec(
            o,
            named(l, h, "Modbus/TCP")
                .and_then(modbus::mbap)
                .and_then(|x| x.4)
        )
    ),
    field!("stun.type", Some(Proto::AppNamed), UInt, |f, l, h, o| {
        put_hex(
            o,
            named(l, h, "STUN").and_then(stun::header).map(|x| x.0),
            4,
        )
    }),
    field!("stun.length", Some(Proto::AppNamed), UInt, |f, l, h, o| {
        put_dec(o, named(l, h, "STUN").and_then(stun::header).map(|x| x.1))
    }),
    field!("stun.cookie", Some(Proto::AppNamed), Bytes, |f, l, h, o| {
        named(l, h, "STUN")
            .and_then(stun::header)
            .is_some_and(|x| put_bytes(o, x.2))
    }),
    field!("stun.id", Some(Proto::AppNamed), Bytes, |f, l, h, o| named(
        l, h, "STUN"
    )
    .and_then(stun::header)
    .is_some_and(|x| put_bytes(o, x.3))),
    field!(
        "syslog.facility",
        Some(Proto::AppNamed),
        UInt,
        |f, l, h, o| put_dec(
            o,
            named(l, h, "Syslog").and_then(syslog::message).map(|x| x.0)
        )
    ),
    field!("syslog.level", Some(Proto::AppNamed), UInt, |f, l, h, o| {
        put_dec(
            o,
            named(l, h, "Syslog").and_then(syslog::message).map(|x| x.1),
        )
    }),
    field!("syslog.msg", Some(Proto::AppNamed), Str, |f, l, h, o| {
        named(l, h, "Syslog")
            .and_then(syslog::message)
            .is_some_and(|x| put_str(o, x.2))
    }),
    field!("tftp.opcode", Some(Proto::AppNamed), UInt, |f, l, h, o| {
        put_dec(o, named(l, h, "TFTP").and_then(tftp::opcode))
    }),
    field!(
        "tftp.source_file",
        Some(Proto::AppNamed),
        Str,
        |f, l, h, o| named(l, h, "TFTP")
            .filter(|b| tftp::opcode(b) == Some(1))
            .and_then(tftp::request)
            .is_some_and(|x| put_str(o, x.0))
    ),
    field!(
        "tftp.destination_file",
        Some(Proto::AppNamed),
        Str,
        |f, l, h, o| named(l, h, "TFTP")
            .filter(|b| tftp::opcode(b) == Some(2))
            .and_then(tftp::request)
            .is_some_and(|x| put_str(o, x.0))
    ),
    field!("tftp.type", Some(Proto::AppNamed), Str, |f, l, h, o| named(
        l, h, "TFTP"
    )
    .and_then(tftp::request)
    .is_some_and(|x| put_str(o, x.1))),
    field!("tftp.block", Some(Proto::AppNamed), UInt, |f, l, h, o| {
        put_dec(o, named(l, h, "TFTP").and_then(tftp::block))
    }),
    field!("radius.code", Some(Proto::AppNamed), UInt, |f, l, h, o| {
        put_dec(
            o,
            named(l, h, "RADIUS").and_then(radius::header).map(|x| x.0),
        )
    }),
    field!("radius.id", Some(Proto::AppNamed), UInt, |f, l, h, o| {
        put_dec(
            o,
            named(l, h, "RADIUS").and_then(radius::header).map(|x| x.1),
        )
    }),
    field!(
        "radius.length",
        Some(Proto::AppNamed),
        UInt,
        |f, l, h, o| put_dec(
            o,
            named(l, h, "RADIUS").and_then(radius::header).map(|x| x.2)
        )
    ),
    field!("mqtt.msgtype", Some(Proto::AppNamed), UInt, |f, l, h, o| {
        put_dec(
            o,
            named(l, h, "MQTT")
                .and_then(mqtt::fixed_header)
                .map(|x| x.0),
        )
    }),
    field!("mqtt.len", Some(Proto::AppNamed), UInt, |f, l, h, o| {
        put_dec(
            o,
            named(l, h, "MQTT")
                .and_then(mqtt::fixed_header)
                .map(|x| x.1),
        )
    }),
    field!("mqtt.topic", Some(Proto::AppNamed), Str, |f, l, h, o| {
        named(l, h, "MQTT")
            .and_then(mqtt::topic)
            .is_some_and(|t| put_str(o, t))
    }),
    field!(
        "bittorrent.protocol.name",
        Some(Proto::AppNamed),
        Str,
        |f, l, h, o| named(l, h, "BitTorrent")
            .and_then(bittorrent::handshake)
            .is_some_and(|x| put_str(o, x.protocol))
    ),
    field!(
        "bittorrent.info_hash",
        Some(Proto::AppNamed),
        Bytes,
        |f, l, h, o| named(l, h, "BitTorrent")
            .and_then(bittorrent::handshake)
            .is_some_and(|x| put_bytes(o, x.info_hash))
    ),
    field!(
        "bittorrent.peer_id",
        Some(Proto::AppNamed),
        Bytes,
        |f, l, h, o| named(l, h, "BitTorrent")
            .and_then(bittorrent::handshake)
            .and_then(|x| x.peer_id)
            .is_some_and(|p| put_bytes(o, p))
    ),
    field_each!(
        "bittorrent.msg.type",
        Some(Proto::AppNamed),
        UInt,
        |f, l, h, o| {
            let types = named(l, h, "BitTorrent")
                .into_iter()
                .flat_map(bittorrent::msg_types);
            o.each(types, |o, t| put_dec(o, Some(t)))
        }
    ),
    field!(
        "dhcpv6.msgtype",
        Some(Proto::AppNamed),
        UInt,
        |f, l, h, o| put_dec(
            o,
            named(l, h, "DHCPv6").and_then(dhcpv6::header).map(|x| x.0)
        )
    ),
    field!("dhcpv6.xid", Some(Proto::AppNamed), UInt, |f, l, h, o| {
        put_hex(
            o,
            named(l, h, "DHCPv6")
                .and_then(dhcpv6::header)
                .and_then(|x| x.1),
            6,
        )
    }),
    field!(
        "smb.cmd",
        Some(Proto::AppNamed),
        UInt,
        |f, l, h, o| put_hex(o, named(l, h, "SMB").and_then(smb::smb1_command), 2)
    ),
    // A compound message has one SMB2 header per command.
    field_each!("smb2.cmd", Some(Proto::AppNamed), UInt, |f, l, h, o| {
        o.each(smb2_headers(l, h), |o, x| put_dec(o, Some(x.0)))
    }),
    field_each!("smb2.msg_id", Some(Proto::AppNamed), UInt, |f, l, h, o| {
        o.each(smb2_headers(l, h), |o, x| put_dec(o, Some(x.1)))
    }),
    field_each!(
        "smb2.flags.response",
        Some(Proto::AppNamed),
        Bool,
        |f, l, h, o| o.each(smb2_headers(l, h), |o, x| put_dec(o, Some(x.2 as u8)))
    ),
    field!(
        "kerberos.msg_type",
        Some(Proto::AppNamed),
        UInt,
        |f, l, h, o| put_dec(
            o,
            named(l, h, "KRB5").and_then(|b| kerberos::msg_type(b, f.first(Proto::Udp).is_none()))
        )
    ),
    field!(
        "ldap.messageID",
        Some(Proto::AppNamed),
        UInt,
        |f, l, h, o| put_dec(
            o,
            named(l, h, "LDAP")
                .and_then(ldap::message)
                .map(|x| x.0.max(0) as u64)
        )
    ),
    field!(
        "ldap.protocolOp",
        Some(Proto::AppNamed),
        UInt,
        |f, l, h, o| put_dec(o, named(l, h, "LDAP").and_then(ldap::message).map(|x| x.1))
    ),
    // RDP's connection request and confirm (TPKT + X.224, [MS-RDPBCGR] 2.2.1.1-2).
    field!("tpkt.length", Some(Proto::AppNamed), UInt, |f, l, h, o| {
        put_dec(o, rdp_pdu(l, h).and_then(rdp::tpkt_len).map(|n| n as u64))
    }),
    field!("rdp.rt_cookie", Some(Proto::AppNamed), Str, |f, l, h, o| {
        rdp_pdu(l, h)
            .and_then(rdp::cookie)
            .is_some_and(|c| put_str(o, c))
    }),
    field!("rdp.neg_type", Some(Proto::AppNamed), UInt, |f, l, h, o| {
        put_hex(o, rdp_pdu(l, h).and_then(rdp::negotiation).map(|n| n.0), 2)
    }),
    field!(
        "rdp.negReq.requestedProtocols",
        Some(Proto::AppNamed),
        UInt,
        |f, l, h, o| put_hex(
            o,
            rdp_pdu(l, h)
                .and_then(rdp::negotiation)
                .filter(|n| n.0 == 1)
                .map(|n| n.2),
            8
        )
    ),
    field!(
        "rdp.negReq.selectedProtocol",
        Some(Proto::AppNamed),
        UInt,
        |f, l, h, o| put_hex(
            o,
            rdp_pdu(l, h)
                .and_then(rdp::negotiation)
                .filter(|n| n.0 == 2)
                .map(|n| n.2),
            8
        )
    ),
];

/// The bytes of an SMB or SMB2 layer: a connection that negotiates with SMB1 goes on in SMB2,
/// so the header's magic decides, not the name the connection got first.
fn smb_any<'a>(l: &Layer, h: &'a [u8]) -> Option<&'a [u8]> {
    named(l, h, "SMB").or_else(|| named(l, h, "SMB2"))
}

/// The SMB2 headers of an SMB or SMB2 layer (a compound message has several).
fn smb2_headers<'a>(l: &Layer, h: &'a [u8]) -> impl Iterator<Item = (u16, u64, bool)> + 'a {
    smb_any(l, h).into_iter().flat_map(smb::smb2_headers)
}

/// A TPKT PDU of an RDP connection (named RDP, COTP or T.125 after its content).
fn rdp_pdu<'a>(l: &Layer, h: &'a [u8]) -> Option<&'a [u8]> {
    named(l, h, "RDP")
        .or_else(|| named(l, h, "COTP"))
        .or_else(|| named(l, h, "T.125"))
        .filter(|b| rdp::tpkt_len(b).is_some())
}

/// The layer's bytes if it is the name-only protocol `name`.
fn named<'a>(l: &Layer, h: &'a [u8], name: &str) -> Option<&'a [u8]> {
    is_named(l, name).then_some(h)
}

/// Bytes as TShark prints an FT_BYTES field: lower-case hex without separators.
fn put_bytes(out: &mut Vec<u8>, b: &[u8]) -> bool {
    for &c in b {
        text::hex_bare(out, c as u64, 2);
    }
    true
}

/// True when `l` is the name-only application protocol `name` (an [`app::NAMES`] entry).
fn is_named(l: &Layer, name: &str) -> bool {
    l.proto == Proto::AppNamed && strata_wire::app::NAMES.get(l.ext_kind as usize) == Some(&name)
}

/// A request line (command word, argument) of protocol `name`.
fn request<'a>(l: &Layer, h: &'a [u8], name: &str) -> Option<(&'a [u8], &'a [u8])> {
    let line = is_named(l, name).then(|| line::first_line(h))?;
    line::reply_code(line)
        .is_none()
        .then(|| line::command(line))
        .flatten()
}

/// An SMTP command as Wireshark splits it: the first four characters, then the parameter
/// from the sixth ("STARTTLS" is "STAR" and "TLS").
fn smtp_request<'a>(l: &Layer, h: &'a [u8]) -> Option<(&'a [u8], &'a [u8])> {
    let line = is_named(l, "SMTP").then(|| line::first_line(h))?;
    if line::reply_code(line).is_some()
        || line.len() < 4
        || !line[..4].iter().all(u8::is_ascii_alphabetic)
    {
        return None;
    }
    Some((&line[..4], line.get(5..).unwrap_or(&[])))
}

/// A reply line (code, text) of protocol `name`.
fn reply<'a>(l: &Layer, h: &'a [u8], name: &str) -> Option<(u16, &'a [u8])> {
    line::reply_code(is_named(l, name).then(|| line::first_line(h))?)
}

/// A POP3 line: the command or status indicator, and the rest.
fn pop_line<'a>(l: &Layer, h: &'a [u8]) -> Option<(&'a [u8], &'a [u8])> {
    let (w, rest) = line::split_word(is_named(l, "POP").then(|| line::first_line(h))?);
    (!w.is_empty()).then_some((w, rest))
}

/// An IMAP line: tag, command or status, and whether it is a (tagged or untagged) response.
fn imap_line<'a>(l: &Layer, h: &'a [u8]) -> Option<(&'a [u8], &'a [u8], bool)> {
    let (tag, rest) = line::split_word(is_named(l, "IMAP").then(|| line::first_line(h))?);
    let (word, _) = line::split_word(rest);
    // Untagged lines (`* OK ...`) carry neither tag field in Wireshark.
    if tag.is_empty() || word.is_empty() || tag == b"*" {
        return None;
    }
    let resp =
        tag == b"*" || tag == b"+" || matches!(word, b"OK" | b"NO" | b"BAD" | b"PREAUTH" | b"BYE");
    Some((tag, word, resp))
}

/// A SIP start line: (method, Request-URI, None) or ("", "", Some(status code)).
fn sip_start<'a>(l: &Layer, h: &'a [u8]) -> Option<(&'a [u8], &'a [u8], Option<u16>)> {
    let first = is_named(l, "SIP").then(|| line::first_line(h))?;
    let (a, rest) = line::split_word(first);
    if a.starts_with(b"SIP/2.0") {
        let (code, _) = line::split_word(rest);
        return line::reply_code(code).map(|(c, _)| (&b""[..], &b""[..], Some(c)));
    }
    let (uri, version) = line::split_word(rest);
    (version.starts_with(b"SIP/2.0") && a.iter().all(u8::is_ascii_uppercase))
        .then_some((a, uri, None))
}

fn http_head(h: &[u8]) -> Option<http::StartLine<'_>> {
    match http::Head::parse(h) {
        http::Parse::Complete(head) => Some(head.start),
        // A head cut short by the capture still has its start line.
        _ => {
            let end = h.iter().position(|&c| c == b'\n')?;
            let line = &h[..end];
            http::start_line(line.strip_suffix(b"\r").unwrap_or(line))
        }
    }
}

fn http_header<'a>(h: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    match http::Head::parse(h) {
        http::Parse::Complete(head) => head.header(name),
        _ => None,
    }
}

/// A DNS layer's message.
fn dns_msg(h: &[u8]) -> Option<dns::Message<'_>> {
    dns::Message::new_checked(h).ok()
}

/// The questions of a DNS layer (none if its header is cut).
fn dns_questions(h: &[u8]) -> impl Iterator<Item = dns::Question<'_>> {
    dns_msg(h).into_iter().flat_map(|m| m.questions())
}

/// The resource records of a DNS layer, in section order.
fn dns_rrs(h: &[u8]) -> impl Iterator<Item = dns::Record<'_>> {
    dns_msg(h).into_iter().flat_map(|m| m.records())
}

/// Flag bit `bit` of a DNS header, as Wireshark shows it: AA and RA only in responses
/// (`response_only`), and none of these for LLMNR, whose header has other flags there.
fn dns_flag(l: &Layer, h: &[u8], bit: u16, response_only: bool) -> Option<u16> {
    let m = dns_msg(h)?;
    if l.ext_kind == strata_wire::app::dns_flavor::LLMNR || (response_only && !m.is_response()) {
        return None;
    }
    Some((m.flags() >> bit) & 1)
}

/// The OPT records of a DNS layer.
fn dns_opts(h: &[u8]) -> impl Iterator<Item = dns::Record<'_>> {
    dns_rrs(h).filter(|r| r.rtype == dns::rtype::OPT)
}

/// Adds the target name of every record of type `ty` (Wireshark shows each record type's
/// name under its own field: dns.cname, dns.ns, ...).
fn dns_names(h: &[u8], ty: u16, o: &mut Values) -> bool {
    let names = dns_rrs(h)
        .filter(|r| r.rtype == ty)
        .filter_map(|r| r.target());
    o.each(names, |o, n| n.write(o))
}

/// Part `part` of each SRV record's owner name as Wireshark splits it: 0 the service label
/// (`_sip`), 1 the protocol label (`_tcp`), 2 the rest; a part the name lacks is absent.
fn dns_srv_owner(h: &[u8], part: usize, o: &mut Values) -> bool {
    let mut name = Vec::new();
    o.each(dns_rrs(h).filter(|r| r.rtype == dns::rtype::SRV), |o, r| {
        name.clear();
        if !r.name.write(&mut name) {
            return false;
        }
        let mut rest = &name[..];
        let mut parts: [Option<&[u8]>; 3] = [None; 3];
        for p in parts.iter_mut().take(2) {
            if rest.first() != Some(&b'_') {
                break;
            }
            let end = rest.iter().position(|&c| c == b'.').unwrap_or(rest.len());
            *p = Some(&rest[..end]);
            rest = rest.get(end + 1..).unwrap_or_default();
        }
        parts[2] = Some(rest);
        parts[part].is_some_and(|v| put_str(o, v))
    })
}

/// A class as Wireshark shows it: mDNS uses the top bit for cache-flush / unicast-response,
/// which are fields of their own.
fn dns_class(l: &Layer, class: u16) -> u16 {
    if l.ext_kind == strata_wire::app::dns_flavor::MDNS {
        class & 0x7fff
    } else {
        class
    }
}

/// The cleartext binary packet of an SSH layer (none for the identification line and for
/// encrypted layers).
fn ssh_packet<'a>(l: &Layer, h: &'a [u8]) -> Option<ssh::Packet<'a>> {
    let k = l.ext_kind & (ssh_kind::PACKETS | ssh_kind::ENCRYPTED);
    (k == ssh_kind::PACKETS).then(|| ssh::packet(h)).flatten()
}

/// The KEXINIT of an SSH layer.
fn ssh_kex<'a>(l: &Layer, h: &'a [u8]) -> Option<ssh::KexInit<'a>> {
    ssh::kexinit(ssh_packet(l, h)?.payload)
}

/// HASSH's algorithm string: kex;encryption;mac;compression of the sender's direction.
fn ssh_hassh(l: &Layer, h: &[u8], o: &mut Vec<u8>) -> bool {
    let Some(k) = ssh_kex(l, h) else {
        return false;
    };
    for (n, part) in ssh_hassh_lists(l, &k).into_iter().enumerate() {
        if n > 0 {
            o.push(b';');
        }
        put_str(o, part);
    }
    true
}

/// The sender's four HASSH lists: kex; encryption; mac; compression.
fn ssh_hassh_lists<'a>(l: &Layer, k: &ssh::KexInit<'a>) -> [&'a [u8]; 4] {
    use ssh::list::*;
    let idx = if l.ext_kind & ssh_kind::SERVER != 0 {
        [KEX, ENCRYPTION_S2C, MAC_S2C, COMPRESSION_S2C]
    } else {
        [KEX, ENCRYPTION_C2S, MAC_C2S, COMPRESSION_C2S]
    };
    idx.map(|i| k.lists[i])
}

/// HASSH itself: the MD5 of the raw algorithm string, in lower-case hex.
fn ssh_hassh_md5(l: &Layer, h: &[u8], o: &mut Vec<u8>) -> bool {
    use md5::{Digest as _, Md5};
    let Some(k) = ssh_kex(l, h) else {
        return false;
    };
    let mut md5 = Md5::new();
    for (n, part) in ssh_hassh_lists(l, &k).into_iter().enumerate() {
        if n > 0 {
            md5.update(b";");
        }
        md5.update(part);
    }
    put_bytes(o, &md5.finalize())
}

/// The certificate lists of the Certificate messages of a cleartext TLS record layer:
/// (certificates_length, the entries).
fn tls_cert_lists<'a>(
    l: &Layer,
    h: &'a [u8],
) -> impl Iterator<Item = (u32, x509::Certificates<'a>)> {
    tls_handshakes(l, h)
        .filter(|m| m.msg_type == tls::handshake::CERTIFICATE)
        .filter_map(|m| x509::certificate_list(m.body))
}

/// What a TLS record layer shows with x509 fields, in the order of TShark's tree: the
/// certificates of Certificate messages, and for a stapled OCSP response (CertificateStatus)
/// the response itself, then the certificates that come with it.
#[derive(Clone, Copy)]
enum X509Part<'a> {
    Cert(x509::Certificate<'a>),
    Ocsp(ocsp::BasicResponse<'a>),
}

fn x509_parts<'a>(l: &Layer, h: &'a [u8]) -> impl Iterator<Item = X509Part<'a>> {
    tls_handshakes(l, h).flat_map(|m| {
        let mut parts = Vec::new();
        match m.msg_type {
            tls::handshake::CERTIFICATE => {
                if let Some((_, certs)) = x509::certificate_list(m.body) {
                    parts.extend(certs.filter_map(|e| x509::parse(e.der)).map(X509Part::Cert));
                }
            }
            tls::handshake::CERTIFICATE_STATUS => {
                if let Some(r) = ocsp::certificate_status(m.body) {
                    parts.push(X509Part::Ocsp(r));
                    parts.extend(r.certificates().filter_map(x509::parse).map(X509Part::Cert));
                }
            }
            _ => {}
        }
        parts
    })
}

/// The parsed certificates of a TLS record layer, in order.
fn x509_certs<'a>(l: &Layer, h: &'a [u8]) -> impl Iterator<Item = x509::Certificate<'a>> {
    x509_parts(l, h).filter_map(|p| match p {
        X509Part::Cert(c) => Some(c),
        X509Part::Ocsp(_) => None,
    })
}

/// Attribute type OIDs (DER contents) whose values Wireshark shows under x509sat fields.
mod x509_oid {
    pub const COUNTRY: &[u8] = &[0x55, 4, 6];
    pub const SERIAL_NUMBER: &[u8] = &[0x55, 4, 5];
    pub const DN_QUALIFIER: &[u8] = &[0x55, 4, 46];
    pub const EMAIL_ADDRESS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 9, 1];
    pub const DOMAIN_COMPONENT: &[u8] = &[0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 1, 25];
    /// id-at-* attributes typed DirectoryString (commonName, organizationName, ...).
    pub fn directory_string(oid: &[u8]) -> bool {
        matches!(oid, [0x55, 4, 3 | 4 | 7..=13 | 15 | 17..=19 | 41..=44 | 65])
    }
}

/// The names of a certificate in the order of TShark's tree: issuer, subject, then the
/// directoryNames inside its extensions.
fn x509_names<'a>(c: &x509::Certificate<'a>) -> impl Iterator<Item = x509::Name<'a>> {
    let mut dir = Vec::new();
    c.each_directory_name(|n| dir.push(n));
    [c.issuer, c.subject].into_iter().flatten().chain(dir)
}

/// The name attributes of a TLS record layer's certificates and OCSP responders, in order.
fn x509_attrs<'a>(l: &Layer, h: &'a [u8]) -> impl Iterator<Item = x509::Attribute<'a>> {
    x509_parts(l, h)
        .flat_map(|p| match p {
            X509Part::Cert(c) => x509_names(&c).collect::<Vec<_>>(),
            X509Part::Ocsp(r) => r.responder_name.into_iter().collect(),
        })
        .flat_map(|n| n.attributes())
}

/// The DirectoryString attribute values encoded as `tag`.
fn x509_dir_strings<'a>(l: &Layer, h: &'a [u8], tag: u8) -> impl Iterator<Item = &'a [u8]> {
    x509_attrs(l, h)
        .filter(move |a| a.tag == tag && x509_oid::directory_string(a.oid))
        .map(|a| a.value)
}

/// The handshake messages of a TLS record layer that is not encrypted.
fn tls_handshakes<'a>(l: &Layer, h: &'a [u8]) -> impl Iterator<Item = tls::Handshake<'a>> {
    let clear = l.ext_kind & (app::tls_kind::ENCRYPTED | app::tls_kind::NOT_RECORD) == 0;
    clear
        .then(|| tls::Record::parse(h))
        .flatten()
        .into_iter()
        .flat_map(|r| r.handshakes())
}

/// The ClientHellos and ServerHellos of a TLS record layer.
fn tls_hellos<'a>(l: &Layer, h: &'a [u8]) -> impl Iterator<Item = tls::Hello<'a>> {
    tls_handshakes(l, h).filter_map(|m| m.client_hello().or_else(|| m.server_hello()))
}

/// The first ClientHello or ServerHello of a TLS record layer.
fn tls_hello<'a>(l: &Layer, h: &'a [u8]) -> Option<tls::Hello<'a>> {
    tls_hellos(l, h).next()
}

/// Writes a protocol string as `tshark -T fields` shows it (see [`text::field_string`]).
fn put_str(out: &mut Vec<u8>, v: &[u8]) -> bool {
    // A string field ends at its first NUL, as Wireshark's FT_STRING does.
    let v = v.split(|&c| c == 0).next().unwrap_or(&[]);
    text::field_string(out, v);
    true
}

/// ARP hardware addresses are `arp.src.hw_mac` only for 6-byte (Ethernet) addresses.
fn arp_ether(h: &[u8]) -> bool {
    byte(h, 4) == Some(6)
}
/// Protocol addresses are `arp.*.proto_ipv4` for 4-byte IPv4 addresses, whatever the hardware
/// address size.
fn arp_ipv4(h: &[u8]) -> bool {
    byte(h, 5) == Some(4) && be16(h, 2) == Some(0x0800)
}

/// Offset of ARP address `idx` (0 sender hw, 1 sender proto, 2 target hw, 3 target proto).
fn arp_off(h: &[u8], idx: usize) -> usize {
    let hw = byte(h, 4).unwrap_or(0) as usize;
    let pr = byte(h, 5).unwrap_or(0) as usize;
    8 + [0, hw, hw + pr, 2 * hw + pr][idx]
}

/// `tshark -G fields`: one line per field — `F`, label, name, Wireshark's field type, and
/// the protocol's filter name — in registry order.
pub fn glossary(out: &mut Vec<u8>) {
    for d in FIELDS {
        let ty = match d.kind {
            Kind::UInt => "FT_UINT32",
            Kind::Bool => "FT_BOOLEAN",
            Kind::Str => "FT_STRING",
            Kind::Mac => "FT_ETHER",
            Kind::Ipv4 => "FT_IPv4",
            Kind::Ipv6 => "FT_IPv6",
            Kind::Bytes => "FT_BYTES",
            Kind::Time => "FT_ABSOLUTE_TIME",
        };
        let proto = d.name.split('.').next().unwrap_or("");
        let line = format!(
            "F\t{}\t{}\t{ty}\t{proto}\n",
            crate::tree::label(d.name),
            d.name
        );
        out.extend_from_slice(line.as_bytes());
    }
}

impl FieldDef {
    /// Whether layers of `proto` carry this field.
    pub fn carried_by(&self, proto: Proto) -> bool {
        self.proto == Some(proto) || self.also == Some(proto)
    }

    /// Adds the field's values in `f` to `out`: every layer of its protocol in order, or with
    /// `first_layer` only the first layer that has any.
    pub fn values(&self, f: &Frame, first_layer: bool, out: &mut Values) {
        if self.proto.is_none() {
            (self.extract)(f, &crate::printer::FRAME_LAYER, out);
            return;
        }
        for l in f.all_layers().filter(|l| self.carried_by(l.proto)) {
            if (self.extract)(f, l, out) && first_layer {
                return;
            }
        }
    }
}

/// Looks a field up by its Wireshark name.
pub fn lookup(name: &str) -> Option<&'static FieldDef> {
    FIELDS.iter().find(|f| f.name == name)
}
