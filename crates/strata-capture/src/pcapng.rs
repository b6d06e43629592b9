//! Streaming reader for pcapng files (the IETF "PCAP Now Generic" draft, Wireshark's default).
//!
//! Understood: Section Header Blocks in either byte order, several sections per file (each
//! restarts interface numbering); Interface Description Blocks (link type, snaplen, `if_name`,
//! `if_tsresol` in powers of 10 or of 2, `if_tsoffset`, `if_fcslen`); Enhanced, Simple and
//! obsolete (type 2) Packet Blocks, with the packet's `opt_comment` available from
//! [`PcapngReader::last_comment`]. Every other block (name resolution, statistics, decryption
//! secrets, custom, unknown) is skipped without being buffered, whatever its size.
//!
//! Checked, with errors naming the block's byte offset: block lengths (at least 12, a multiple
//! of 4, the trailing copy equal to the leading one), packet lengths against the block, and
//! interface ids against the interfaces described. Options are parsed leniently: a malformed
//! option list ends the list but keeps the packet, since the packet bytes are still sound.
//!
//! Why our own reader rather than `pcap-parser`: see the [`crate::pcap`] module doc (exact error
//! offsets, slices of one reusable buffer, tshark's limits).

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::CaptureError;
use crate::file::{ByteOrder, Input, RawPacket};
use crate::pcap::MAX_SNAPLEN;
use crate::{LinkType, Packet, PacketSource, Timestamp};

/// The largest block we load whole into memory (section, interface and packet blocks). Packet
/// data is capped by [`MAX_SNAPLEN`] anyway; this leaves room for options while bounding the
/// buffer if a hostile file claims a huge block. Blocks we skip are not subject to it.
pub const MAX_BLOCK_LEN: u32 = 16 * 1024 * 1024;

/// Section Header Block type; the same bytes in both byte orders.
pub const BLOCK_SHB: u32 = 0x0A0D_0D0A;
pub const BLOCK_IDB: u32 = 0x0000_0001;
/// The obsolete Packet Block.
pub const BLOCK_PB: u32 = 0x0000_0002;
pub const BLOCK_SPB: u32 = 0x0000_0003;
pub const BLOCK_NRB: u32 = 0x0000_0004;
pub const BLOCK_ISB: u32 = 0x0000_0005;
pub const BLOCK_EPB: u32 = 0x0000_0006;
pub const BLOCK_DSB: u32 = 0x0000_000A;
/// The byte-order magic inside a Section Header Block.
pub const BYTE_ORDER_MAGIC: u32 = 0x1A2B_3C4D;

/// How a pcapng file starts on disk.
pub(crate) const SHB_MAGIC_BYTES: [u8; 4] = [0x0a, 0x0d, 0x0d, 0x0a];

const OPT_END: u16 = 0;
const OPT_COMMENT: u16 = 1;
const IF_NAME: u16 = 2;
const IF_TSRESOL: u16 = 9;
const IF_FCSLEN: u16 = 13;
const IF_TSOFFSET: u16 = 14;

/// Smallest Section Header Block: header, byte-order magic, version, section length, trailer.
const MIN_SHB_LEN: u32 = 28;
/// Smallest Interface Description Block.
const MIN_IDB_LEN: u32 = 20;
/// Smallest Enhanced (or obsolete) Packet Block: 28 bytes of header fields plus the trailer.
const MIN_EPB_LEN: u32 = 32;
/// Smallest Simple Packet Block.
const MIN_SPB_LEN: u32 = 16;

/// One interface of the current or an earlier section, from its Interface Description Block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InterfaceInfo {
    pub link_type: LinkType,
    /// 0 means no limit.
    pub snaplen: u32,
    /// `if_name`, when given.
    pub name: Option<String>,
    /// Timestamp units per second (`if_tsresol`; 10^6 when absent).
    pub ts_units_per_sec: u64,
    /// Seconds to add to every timestamp (`if_tsoffset`).
    pub ts_offset: i64,
    /// FCS bytes at the end of each packet (`if_fcslen`), when given.
    pub fcs_len: Option<u8>,
    /// Which section (0-based) the interface belongs to.
    pub section: u32,
}

impl InterfaceInfo {
    /// A timestamp in this interface's units, as a [`Timestamp`].
    #[inline]
    fn timestamp(&self, units: u64) -> Timestamp {
        let per_sec = self.ts_units_per_sec;
        let secs = units / per_sec;
        let frac = units % per_sec;
        let nanos = match per_sec {
            1_000_000 => frac * 1_000,
            1_000_000_000 => frac,
            _ => (frac as u128 * 1_000_000_000 / per_sec as u128) as u64,
        };
        Timestamp {
            secs: i64::try_from(secs)
                .unwrap_or(i64::MAX)
                .saturating_add(self.ts_offset),
            nanos: nanos as u32,
        }
    }
}

/// Walks a block's option list: `(code, value offset within the list, value length)`.
/// Stops at `opt_endofopt`, at the end of the list, or at the first option that overruns it.
struct Options<'a> {
    bytes: &'a [u8],
    at: usize,
    order: ByteOrder,
}

impl Iterator for Options<'_> {
    type Item = (u16, usize, usize);

    fn next(&mut self) -> Option<(u16, usize, usize)> {
        let code = self.order.u16(self.bytes, self.at);
        let len = self.order.u16(self.bytes, self.at + 2) as usize;
        let value = self.at + 4;
        if self.bytes.len() < value + len || code == OPT_END {
            return None;
        }
        self.at = value + pad4(len);
        Some((code, value, len))
    }
}

fn options(bytes: &[u8], order: ByteOrder) -> Options<'_> {
    Options {
        bytes,
        at: 0,
        order,
    }
}

#[inline]
fn pad4(n: usize) -> usize {
    (n + 3) & !3
}

/// A pcapng file read block by block from any [`Read`], in constant memory.
pub struct PcapngReader<R> {
    input: Input<R>,
    order: ByteOrder,
    /// Interfaces of the current section, indexed by interface id.
    interfaces: Vec<InterfaceInfo>,
    /// Distinct link types of all sections, in order of appearance.
    link_types: Vec<LinkType>,
    /// Section Header Blocks seen so far.
    sections: u32,
    /// The last packet's `opt_comment`, as buffer indices.
    comment: Option<(usize, usize)>,
    packets: u64,
    done: bool,
    /// An error met while reading the blocks before the first packet at open time; returned
    /// by the first `next_packet` so the caller still gets one clear error in sequence.
    pending: Option<CaptureError>,
}

impl<R: Read> PcapngReader<R> {
    /// The input, for what [`crate::file::FileReader`] exposes of it.
    pub(crate) fn input(&self) -> &Input<R> {
        &self.input
    }

    /// Reads the first Section Header Block and the interface blocks before the first packet.
    /// `path` is used in error messages only.
    pub fn new(inner: R, path: impl Into<PathBuf>) -> Result<PcapngReader<R>, CaptureError> {
        PcapngReader::from_input(Input::new(inner, path.into()))
    }

    pub(crate) fn from_input(mut input: Input<R>) -> Result<PcapngReader<R>, CaptureError> {
        let had = input.fill(4)?;
        if input.peek(4) != SHB_MAGIC_BYTES {
            if had < 4 {
                return Err(input.truncated(0, "pcapng magic number", 4, had as u64));
            }
            let mut magic = [0u8; 4];
            magic.copy_from_slice(input.peek(4));
            return Err(CaptureError::UnknownFormat {
                path: input.path().to_path_buf(),
                magic,
            });
        }
        let mut reader = PcapngReader {
            input,
            order: ByteOrder::Little,
            interfaces: Vec::new(),
            link_types: Vec::new(),
            sections: 0,
            comment: None,
            packets: 0,
            done: false,
            pending: None,
        };
        // The first SHB must be sound or this is not a pcapng file we can read at all.
        reader.read_shb(0)?;
        // Read ahead to the first packet so that `link_types()` is known after opening.
        if let Err(e) = reader.read_blocks(true) {
            reader.pending = Some(e);
        }
        Ok(reader)
    }

    pub fn path(&self) -> &Path {
        self.input.path()
    }

    /// Byte order of the current section.
    pub fn byte_order(&self) -> ByteOrder {
        self.order
    }

    /// Interfaces of the current section, indexed by interface id.
    pub fn interfaces(&self) -> &[InterfaceInfo] {
        &self.interfaces
    }

    /// Distinct link types of all interfaces described so far, in order of appearance.
    pub fn link_types(&self) -> Vec<LinkType> {
        self.link_types.clone()
    }

    /// How many sections have started so far (1 after opening).
    pub fn sections(&self) -> u32 {
        self.sections
    }

    /// The `opt_comment` of the packet returned last, if it had one and it is UTF-8.
    pub fn last_comment(&self) -> Option<&str> {
        let (start, len) = self.comment?;
        std::str::from_utf8(self.input.slice(start, len)).ok()
    }

    /// How many packets have been returned so far.
    pub fn packets_read(&self) -> u64 {
        self.packets
    }

    /// File offset of the next block.
    pub fn offset(&self) -> u64 {
        self.input.offset()
    }

    pub(crate) fn next_raw(&mut self) -> Result<Option<RawPacket>, CaptureError> {
        if self.done {
            return Ok(None);
        }
        if let Some(e) = self.pending.take() {
            self.done = true;
            return Err(e);
        }
        self.comment = None;
        let result = self.read_blocks(false);
        match &result {
            Ok(Some(_)) => self.packets += 1,
            _ => self.done = true,
        }
        result
    }

    pub(crate) fn packet(&self, raw: &RawPacket) -> Packet<'_> {
        Packet {
            ts: raw.ts,
            orig_len: raw.orig_len,
            link_type: raw.link_type,
            interface_id: raw.interface_id,
            data: self.input.slice(raw.start, raw.len),
        }
    }

    /// Reads blocks until a packet block (returned) or the end of the file (`None`). With
    /// `stop_before_packet`, returns `None` at a packet block without consuming it.
    fn read_blocks(&mut self, stop_before_packet: bool) -> Result<Option<RawPacket>, CaptureError> {
        loop {
            let at = self.input.offset();
            let had = self.input.fill(8)?;
            if had == 0 {
                return Ok(None);
            }
            if had < 8 {
                return Err(self.input.truncated(at, "block header", 8, had as u64));
            }
            let head = self.input.peek(8);
            let block_type = self.order.u32(head, 0);
            if block_type == BLOCK_SHB {
                self.read_shb(at)?;
                continue;
            }
            let len = self.order.u32(head, 4);
            if len < 12 || !len.is_multiple_of(4) {
                return Err(self.input.corrupt(
                    at,
                    format!("block of type {block_type:#x} has length {len}, not a multiple of 4 of at least 12"),
                ));
            }
            match block_type {
                BLOCK_EPB | BLOCK_PB | BLOCK_SPB => {
                    if stop_before_packet {
                        return Ok(None);
                    }
                    return self.read_packet_block(at, block_type, len).map(Some);
                }
                BLOCK_IDB => self.read_idb(at, len)?,
                _ => self.skip_block(at, len)?,
            }
        }
    }

    /// Loads a whole block of `len` bytes into the buffer, checks its trailing length, consumes
    /// it and returns its buffer index.
    fn load_block(&mut self, at: u64, len: u32, what: &'static str) -> Result<usize, CaptureError> {
        if len > MAX_BLOCK_LEN {
            return Err(self.input.corrupt(
                at,
                format!("{what} claims {len} bytes, more than the maximum {MAX_BLOCK_LEN}"),
            ));
        }
        let len = len as usize;
        let had = self.input.fill(len)?;
        if had < len {
            return Err(self.input.truncated(at, what, len as u64, had as u64));
        }
        let trailer = self.order.u32(self.input.peek(len), len - 4);
        if trailer as usize != len {
            return Err(self.input.corrupt(
                at,
                format!("{what}: trailing block length {trailer} differs from leading {len}"),
            ));
        }
        Ok(self.input.consume(len))
    }

    /// Skips a block we do not parse, streaming it, and checks its trailing length.
    fn skip_block(&mut self, at: u64, len: u32) -> Result<(), CaptureError> {
        let body = len as u64 - 4;
        let skipped = self.input.skip(body)?;
        let had = if skipped == body {
            self.input.fill(4)?
        } else {
            0
        };
        if skipped < body || had < 4 {
            return Err(self
                .input
                .truncated(at, "block", len as u64, skipped + had as u64));
        }
        let trailer = self.order.u32(self.input.peek(4), 0);
        if trailer != len {
            return Err(self.input.corrupt(
                at,
                format!("block: trailing block length {trailer} differs from leading {len}"),
            ));
        }
        self.input.consume(4);
        Ok(())
    }

    /// A Section Header Block: sets the byte order and starts a new set of interfaces.
    fn read_shb(&mut self, at: u64) -> Result<(), CaptureError> {
        let had = self.input.fill(12)?;
        if had < 12 {
            return Err(self
                .input
                .truncated(at, "section header block", 12, had as u64));
        }
        let head = self.input.peek(12);
        self.order = if ByteOrder::Little.u32(head, 8) == BYTE_ORDER_MAGIC {
            ByteOrder::Little
        } else if ByteOrder::Big.u32(head, 8) == BYTE_ORDER_MAGIC {
            ByteOrder::Big
        } else {
            return Err(self.input.corrupt(
                at + 8,
                format!(
                    "section header block has byte-order magic {:02x?}, not 1a2b3c4d in either order",
                    head.get(8..12).unwrap_or(&[])
                ),
            ));
        };
        let len = self.order.u32(head, 4);
        if len < MIN_SHB_LEN || !len.is_multiple_of(4) {
            return Err(self.input.corrupt(
                at,
                format!("section header block has length {len}, not a multiple of 4 of at least {MIN_SHB_LEN}"),
            ));
        }
        let start = self.load_block(at, len, "section header block")?;
        let block = self.input.slice(start, len as usize);
        let major = self.order.u16(block, 12);
        let minor = self.order.u16(block, 14);
        if major != 1 {
            return Err(self.input.corrupt(
                at + 12,
                format!("unsupported pcapng version {major}.{minor}"),
            ));
        }
        self.sections += 1;
        self.interfaces.clear();
        Ok(())
    }

    /// An Interface Description Block.
    fn read_idb(&mut self, at: u64, len: u32) -> Result<(), CaptureError> {
        if len < MIN_IDB_LEN {
            return Err(self.input.corrupt(
                at,
                format!("interface description block has length {len}, less than {MIN_IDB_LEN}"),
            ));
        }
        let start = self.load_block(at, len, "interface description block")?;
        let order = self.order;
        let block = self.input.slice(start, len as usize);
        let mut iface = InterfaceInfo {
            link_type: LinkType(order.u16(block, 8) as u32),
            snaplen: order.u32(block, 12),
            name: None,
            ts_units_per_sec: 1_000_000,
            ts_offset: 0,
            fcs_len: None,
            section: self.sections.saturating_sub(1),
        };
        let opts = block.get(16..len as usize - 4).unwrap_or(&[]);
        for (code, value, vlen) in options(opts, order) {
            let v = opts.get(value..value + vlen).unwrap_or(&[]);
            match code {
                IF_NAME => iface.name = Some(String::from_utf8_lossy(v).into_owned()),
                IF_TSRESOL if vlen >= 1 => {
                    let r = v.first().copied().unwrap_or(6);
                    let units = if r & 0x80 != 0 {
                        1u64.checked_shl(u32::from(r & 0x7f))
                    } else {
                        10u64.checked_pow(u32::from(r))
                    };
                    match units {
                        Some(u) => iface.ts_units_per_sec = u,
                        None => {
                            return Err(self.input.corrupt(
                                at,
                                format!("interface description block: if_tsresol {r:#04x} is finer than we can count"),
                            ))
                        }
                    }
                }
                IF_TSOFFSET if vlen >= 8 => iface.ts_offset = order.u64(v, 0) as i64,
                IF_FCSLEN if vlen >= 1 => iface.fcs_len = v.first().copied(),
                _ => {}
            }
        }
        if !self.link_types.contains(&iface.link_type) {
            self.link_types.push(iface.link_type);
        }
        self.interfaces.push(iface);
        Ok(())
    }

    /// An Enhanced, Simple or obsolete Packet Block.
    fn read_packet_block(
        &mut self,
        at: u64,
        block_type: u32,
        len: u32,
    ) -> Result<RawPacket, CaptureError> {
        let (what, min_len) = match block_type {
            BLOCK_SPB => ("simple packet block", MIN_SPB_LEN),
            BLOCK_PB => ("packet block", MIN_EPB_LEN),
            _ => ("enhanced packet block", MIN_EPB_LEN),
        };
        if len < min_len {
            return Err(self
                .input
                .corrupt(at, format!("{what} has length {len}, less than {min_len}")));
        }
        let start = self.load_block(at, len, what)?;
        let order = self.order;
        let block = self.input.slice(start, len as usize);
        let len = len as usize;

        if block_type == BLOCK_SPB {
            let Some(iface) = self.interfaces.first() else {
                return Err(self.input.corrupt(
                    at,
                    "simple packet block before any interface description block".to_string(),
                ));
            };
            let orig_len = order.u32(block, 8);
            let mut caplen = orig_len.min((len - MIN_SPB_LEN as usize) as u32);
            if iface.snaplen != 0 {
                caplen = caplen.min(iface.snaplen);
            }
            if caplen > MAX_SNAPLEN {
                return Err(self.input.corrupt(
                    at,
                    format!("{what} holds {caplen} bytes, more than the maximum {MAX_SNAPLEN}"),
                ));
            }
            return Ok(RawPacket {
                // A Simple Packet Block has no timestamp.
                ts: Timestamp::default(),
                orig_len,
                link_type: iface.link_type,
                interface_id: 0,
                start: start + 12,
                len: caplen as usize,
            });
        }

        let interface_id = if block_type == BLOCK_PB {
            order.u16(block, 8) as u32
        } else {
            order.u32(block, 8)
        };
        let units = (order.u32(block, 12) as u64) << 32 | order.u32(block, 16) as u64;
        let caplen = order.u32(block, 20);
        let orig_len = order.u32(block, 24);
        let Some(iface) = self.interfaces.get(interface_id as usize) else {
            return Err(self.input.corrupt(
                at,
                format!(
                    "{what} refers to interface {interface_id}, but the section describes {}",
                    self.interfaces.len()
                ),
            ));
        };
        if caplen > MAX_SNAPLEN {
            return Err(self.input.corrupt(
                at,
                format!(
                    "{what} claims {caplen} captured bytes, more than the maximum {MAX_SNAPLEN}"
                ),
            ));
        }
        let data_end = 28 + pad4(caplen as usize);
        if data_end + 4 > len {
            return Err(self.input.corrupt(
                at,
                format!("{what} claims {caplen} captured bytes, more than its length {len} holds"),
            ));
        }
        // Options follow the padded data; only look at them when there are any.
        if data_end + 4 < len {
            let opts = block.get(data_end..len - 4).unwrap_or(&[]);
            self.comment = options(opts, order)
                .find(|&(code, _, _)| code == OPT_COMMENT)
                .map(|(_, value, vlen)| (start + data_end + value, vlen));
        }
        Ok(RawPacket {
            ts: iface.timestamp(units),
            orig_len,
            link_type: iface.link_type,
            interface_id,
            start: start + 28,
            len: caplen as usize,
        })
    }
}

impl<R: Read> PacketSource for PcapngReader<R> {
    #[inline]
    fn next_packet(&mut self) -> Result<Option<Packet<'_>>, CaptureError> {
        Ok(self.next_raw()?.map(|raw| self.packet(&raw)))
    }
}
