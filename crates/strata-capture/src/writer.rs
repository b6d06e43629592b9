//! Writing captures: [`PcapWriter`] (classic pcap, one link type, micro- or nanosecond
//! timestamps) and [`PcapngWriter`] (pcapng, one interface block per interface/link type seen,
//! nanosecond timestamps, optional packet comments). Both write in the machine's byte order,
//! like libpcap, through a [`BufWriter`], so writing a packet is a few memcpys, not a syscall.
//!
//! Call `finish` (or `flush`) at the end: dropping a writer flushes too, but cannot report an
//! error.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::CaptureError;
use crate::file::ByteOrder;
use crate::pcap::{Precision, MAGIC_MICROS, MAGIC_NANOS, MAX_SNAPLEN};
use crate::pcapng::{BLOCK_EPB, BLOCK_IDB, BLOCK_SHB, BYTE_ORDER_MAGIC};
use crate::{LinkType, Packet, Timestamp};

/// Size of the output buffer.
const WRITE_BUFFER: usize = 1 << 20;

/// Path used in errors when the writer was made from a bare `Write`.
const NO_PATH: &str = "<output>";

fn write_error(path: &Path, source: io::Error) -> CaptureError {
    CaptureError::Write {
        path: path.to_path_buf(),
        source,
    }
}

fn invalid_input(path: &Path, what: String) -> CaptureError {
    write_error(path, io::Error::new(io::ErrorKind::InvalidInput, what))
}

fn create_file(path: &Path) -> Result<File, CaptureError> {
    File::create(path).map_err(|source| CaptureError::Open {
        path: path.to_path_buf(),
        source,
    })
}

/// Writes a classic pcap file.
pub struct PcapWriter<W: Write> {
    out: BufWriter<W>,
    path: PathBuf,
    link_type: LinkType,
    precision: Precision,
    snaplen: u32,
    packets: u64,
}

impl PcapWriter<File> {
    /// Creates (or truncates) `path` and writes the file header.
    pub fn create(
        path: impl AsRef<Path>,
        link_type: LinkType,
        precision: Precision,
    ) -> Result<PcapWriter<File>, CaptureError> {
        let path = path.as_ref();
        let mut w = PcapWriter::new(create_file(path)?, link_type, precision)?;
        w.path = path.to_path_buf();
        Ok(w)
    }
}

impl<W: Write> PcapWriter<W> {
    /// Writes the file header for `link_type` with snaplen [`MAX_SNAPLEN`].
    pub fn new(
        inner: W,
        link_type: LinkType,
        precision: Precision,
    ) -> Result<PcapWriter<W>, CaptureError> {
        PcapWriter::with_snaplen(inner, link_type, precision, MAX_SNAPLEN)
    }

    /// Like [`PcapWriter::new`]; packets longer than `snaplen` are cut to it (`orig_len` keeps
    /// the length on the wire).
    pub fn with_snaplen(
        inner: W,
        link_type: LinkType,
        precision: Precision,
        snaplen: u32,
    ) -> Result<PcapWriter<W>, CaptureError> {
        let mut w = PcapWriter {
            out: BufWriter::with_capacity(WRITE_BUFFER, inner),
            path: PathBuf::from(NO_PATH),
            link_type,
            precision,
            snaplen,
            packets: 0,
        };
        let o = ByteOrder::NATIVE;
        let magic = match precision {
            Precision::Micro => MAGIC_MICROS,
            Precision::Nano => MAGIC_NANOS,
        };
        let mut h = [0u8; 24];
        h[0..4].copy_from_slice(&o.put_u32(magic));
        h[4..6].copy_from_slice(&o.put_u16(2));
        h[6..8].copy_from_slice(&o.put_u16(4));
        // thiszone and sigfigs stay 0.
        h[16..20].copy_from_slice(&o.put_u32(snaplen));
        h[20..24].copy_from_slice(&o.put_u32(link_type.0));
        w.out.write_all(&h).map_err(|e| write_error(&w.path, e))?;
        Ok(w)
    }

    /// Appends one packet. Its link type must be the file's. Timestamps outside what pcap can
    /// hold (a signed 32-bit second count, as libpcap reads it: 1901 to 2038) are clamped.
    pub fn write_packet(&mut self, packet: &Packet<'_>) -> Result<(), CaptureError> {
        if packet.link_type != self.link_type {
            return Err(invalid_input(
                &self.path,
                format!(
                    "packet has link type {}, but this pcap file holds {}",
                    packet.link_type, self.link_type
                ),
            ));
        }
        let data = packet
            .data
            .get(..self.snaplen as usize)
            .unwrap_or(packet.data);
        let (secs, frac) = pcap_time(packet.ts, self.precision);
        let o = ByteOrder::NATIVE;
        let mut h = [0u8; 16];
        h[0..4].copy_from_slice(&o.put_u32(secs));
        h[4..8].copy_from_slice(&o.put_u32(frac));
        h[8..12].copy_from_slice(&o.put_u32(data.len() as u32));
        h[12..16].copy_from_slice(&o.put_u32(packet.orig_len.max(packet.data.len() as u32)));
        self.out
            .write_all(&h)
            .and_then(|()| self.out.write_all(data))
            .map_err(|e| write_error(&self.path, e))?;
        self.packets += 1;
        Ok(())
    }

    pub fn packets_written(&self) -> u64 {
        self.packets
    }

    pub fn flush(&mut self) -> Result<(), CaptureError> {
        self.out.flush().map_err(|e| write_error(&self.path, e))
    }

    /// Flushes and returns the underlying writer.
    pub fn finish(self) -> Result<W, CaptureError> {
        let path = self.path;
        self.out
            .into_inner()
            .map_err(|e| write_error(&path, e.into_error()))
    }
}

/// Seconds and sub-second units for a pcap record, clamped to the i32 range of seconds.
fn pcap_time(ts: Timestamp, precision: Precision) -> (u32, u32) {
    let Ok(secs) = i32::try_from(ts.secs) else {
        return if ts.secs < 0 {
            (i32::MIN as u32, 0)
        } else {
            (i32::MAX as u32, 999_999_999 / precision_divisor(precision))
        };
    };
    (secs as u32, ts.nanos / precision_divisor(precision))
}

/// Nanoseconds per unit of the sub-second field.
fn precision_divisor(precision: Precision) -> u32 {
    match precision {
        Precision::Micro => 1_000,
        Precision::Nano => 1,
    }
}

/// Writes a pcapng file: one section, an Interface Description Block the first time each
/// (interface id, link type) pair is seen, and an Enhanced Packet Block per packet.
///
/// Interface ids in the output are numbered in order of first appearance, so packets from
/// several sources (or several pcap files) can share one output.
pub struct PcapngWriter<W: Write> {
    out: BufWriter<W>,
    path: PathBuf,
    /// Output interface `i` is `interfaces[i]` = (source interface id, link type).
    interfaces: Vec<(u32, LinkType)>,
    /// Index into `interfaces` of the last packet's interface: packets mostly repeat it.
    last: usize,
    packets: u64,
}

/// Timestamp resolution we write (`if_tsresol` = 9: nanoseconds).
const TSRESOL_NANOS: u8 = 9;
const OPT_COMMENT: u16 = 1;
const SHB_USERAPPL: u16 = 4;
const IF_TSRESOL: u16 = 9;
const USER_APPL: &[u8] = b"strata";

impl PcapngWriter<File> {
    /// Creates (or truncates) `path` and writes the Section Header Block.
    pub fn create(path: impl AsRef<Path>) -> Result<PcapngWriter<File>, CaptureError> {
        let path = path.as_ref();
        let mut w = PcapngWriter::new(create_file(path)?)?;
        w.path = path.to_path_buf();
        Ok(w)
    }
}

impl<W: Write> PcapngWriter<W> {
    /// Writes the Section Header Block.
    pub fn new(inner: W) -> Result<PcapngWriter<W>, CaptureError> {
        let mut w = PcapngWriter {
            out: BufWriter::with_capacity(WRITE_BUFFER, inner),
            path: PathBuf::from(NO_PATH),
            interfaces: Vec::new(),
            last: 0,
            packets: 0,
        };
        let o = ByteOrder::NATIVE;
        let opts_len = 4 + pad4(USER_APPL.len()) + 4;
        let len = (28 + opts_len) as u32;
        let mut b = Vec::with_capacity(len as usize);
        b.extend_from_slice(&o.put_u32(BLOCK_SHB));
        b.extend_from_slice(&o.put_u32(len));
        b.extend_from_slice(&o.put_u32(BYTE_ORDER_MAGIC));
        b.extend_from_slice(&o.put_u16(1));
        b.extend_from_slice(&o.put_u16(0));
        // Section length unknown: -1.
        b.extend_from_slice(&[0xff; 8]);
        push_option(&mut b, o, SHB_USERAPPL, USER_APPL);
        b.extend_from_slice(&[0; 4]); // opt_endofopt
        b.extend_from_slice(&o.put_u32(len));
        w.out.write_all(&b).map_err(|e| write_error(&w.path, e))?;
        Ok(w)
    }

    /// Appends one packet, describing its interface first if it is new.
    pub fn write_packet(&mut self, packet: &Packet<'_>) -> Result<(), CaptureError> {
        self.write_packet_inner(packet, None)
    }

    /// Appends one packet with an `opt_comment`. A comment longer than an option can hold
    /// (65535 bytes) is left out rather than cut mid-character.
    pub fn write_packet_with_comment(
        &mut self,
        packet: &Packet<'_>,
        comment: &str,
    ) -> Result<(), CaptureError> {
        self.write_packet_inner(packet, Some(comment))
    }

    fn write_packet_inner(
        &mut self,
        packet: &Packet<'_>,
        comment: Option<&str>,
    ) -> Result<(), CaptureError> {
        let iface = self.interface_for(packet.interface_id, packet.link_type)?;
        let data = packet.data;
        if data.len() > u32::MAX as usize - 64 {
            return Err(invalid_input(
                &self.path,
                format!("packet of {} bytes is too large for pcapng", data.len()),
            ));
        }
        let comment = comment
            .map(str::as_bytes)
            .filter(|c| c.len() <= u16::MAX as usize);
        let opts_len = comment.map_or(0, |c| 4 + pad4(c.len()) + 4);
        let len = (32 + pad4(data.len()) + opts_len) as u32;
        let nanos = packet.ts.as_nanos().clamp(0, u64::MAX as i128) as u64;
        let o = ByteOrder::NATIVE;
        let mut h = [0u8; 28];
        h[0..4].copy_from_slice(&o.put_u32(BLOCK_EPB));
        h[4..8].copy_from_slice(&o.put_u32(len));
        h[8..12].copy_from_slice(&o.put_u32(iface));
        h[12..16].copy_from_slice(&o.put_u32((nanos >> 32) as u32));
        h[16..20].copy_from_slice(&o.put_u32(nanos as u32));
        h[20..24].copy_from_slice(&o.put_u32(data.len() as u32));
        h[24..28].copy_from_slice(&o.put_u32(packet.orig_len.max(data.len() as u32)));
        let out = &mut self.out;
        let result = (|| {
            out.write_all(&h)?;
            out.write_all(data)?;
            out.write_all(&[0; 3][..pad4(data.len()) - data.len()])?;
            if let Some(c) = comment {
                out.write_all(&o.put_u16(OPT_COMMENT))?;
                out.write_all(&o.put_u16(c.len() as u16))?;
                out.write_all(c)?;
                out.write_all(&[0; 3][..pad4(c.len()) - c.len()])?;
                out.write_all(&[0; 4])?; // opt_endofopt
            }
            out.write_all(&o.put_u32(len))
        })();
        result.map_err(|e| write_error(&self.path, e))?;
        self.packets += 1;
        Ok(())
    }

    /// The output interface id for a packet, writing an Interface Description Block when the
    /// (interface id, link type) pair is new.
    fn interface_for(&mut self, id: u32, link_type: LinkType) -> Result<u32, CaptureError> {
        if self.interfaces.get(self.last) == Some(&(id, link_type)) {
            return Ok(self.last as u32);
        }
        if let Some(i) = self.interfaces.iter().position(|&k| k == (id, link_type)) {
            self.last = i;
            return Ok(i as u32);
        }
        let Ok(lt) = u16::try_from(link_type.0) else {
            return Err(invalid_input(
                &self.path,
                format!("link type {} does not fit pcapng's 16 bits", link_type.0),
            ));
        };
        let o = ByteOrder::NATIVE;
        let len: u32 = 20 + 8 + 4;
        let mut b = Vec::with_capacity(len as usize);
        b.extend_from_slice(&o.put_u32(BLOCK_IDB));
        b.extend_from_slice(&o.put_u32(len));
        b.extend_from_slice(&o.put_u16(lt));
        b.extend_from_slice(&o.put_u16(0));
        b.extend_from_slice(&o.put_u32(0)); // snaplen: no limit
        push_option(&mut b, o, IF_TSRESOL, &[TSRESOL_NANOS]);
        b.extend_from_slice(&[0; 4]); // opt_endofopt
        b.extend_from_slice(&o.put_u32(len));
        self.out
            .write_all(&b)
            .map_err(|e| write_error(&self.path, e))?;
        self.interfaces.push((id, link_type));
        self.last = self.interfaces.len() - 1;
        Ok(self.last as u32)
    }

    pub fn packets_written(&self) -> u64 {
        self.packets
    }

    pub fn flush(&mut self) -> Result<(), CaptureError> {
        self.out.flush().map_err(|e| write_error(&self.path, e))
    }

    /// Flushes and returns the underlying writer.
    pub fn finish(self) -> Result<W, CaptureError> {
        let path = self.path;
        self.out
            .into_inner()
            .map_err(|e| write_error(&path, e.into_error()))
    }
}

fn pad4(n: usize) -> usize {
    (n + 3) & !3
}

/// Appends one option (code, length, value, padding) to a block being built.
fn push_option(b: &mut Vec<u8>, o: ByteOrder, code: u16, value: &[u8]) {
    b.extend_from_slice(&o.put_u16(code));
    b.extend_from_slice(&o.put_u16(value.len() as u16));
    b.extend_from_slice(value);
    b.resize(b.len() + pad4(value.len()) - value.len(), 0);
}
