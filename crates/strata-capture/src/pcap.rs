//! Streaming reader for classic pcap files (libpcap's savefile format).
//!
//! Supported: micro- and nanosecond magic in both byte orders; Alexey Kuznetsov's "modified
//! pcap" (magic `0xa1b2cd34`, 24-byte record headers carrying ifindex/protocol/pkt_type);
//! files from pcap versions before 2.3 (and DG/UX's "543.0") whose record headers have
//! caplen and len the other way round, detected the way libpcap and Wireshark do; the FCS
//! bits in the upper half of the link-type field (masked off, the FCS length kept in
//! [`PcapHeader::fcs_len`]). Not supported: the Nokia and other pre-2000 Red Hat variants
//! that reuse the standard magic and can only be told apart by trying to parse records.
//!
//! Why our own reader rather than the `pcap-parser` crate: we want errors that name the exact
//! byte offset and the needed/available byte counts, packets as slices of one reusable 1 MiB
//! buffer (no allocation and no syscall per packet), and the same limits as tshark. That is
//! a few hundred lines we can keep tight.
//!
//! Limits: a record's captured length may exceed the file's snaplen (tshark accepts that) but
//! not [`MAX_SNAPLEN`]; a larger one is a [`CaptureError::Corrupt`] naming the record's offset,
//! which also keeps the buffer bounded.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::CaptureError;
use crate::file::{ByteOrder, Input, RawPacket};
use crate::{LinkType, Packet, PacketSource, Timestamp};

/// The largest captured length we accept in one record: 256 KiB, Wireshark's and libpcap's
/// limit for ordinary link types (`WTAP_MAX_PACKET_SIZE_STANDARD`, `MAXIMUM_SNAPLEN`).
pub const MAX_SNAPLEN: u32 = 262_144;

/// Size of the file header.
pub const FILE_HEADER_LEN: usize = 24;

/// Magic of standard pcap with microsecond timestamps.
pub const MAGIC_MICROS: u32 = 0xa1b2_c3d4;
/// Magic of standard pcap with nanosecond timestamps.
pub const MAGIC_NANOS: u32 = 0xa1b2_3c4d;
/// Magic of Kuznetsov's modified pcap (microseconds, 24-byte record headers).
pub const MAGIC_MODIFIED: u32 = 0xa1b2_cd34;

/// Timestamp resolution of the records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Precision {
    Micro,
    Nano,
}

/// Which flavour of pcap this is; decides the record header size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PcapVariant {
    /// 16-byte record headers.
    Standard,
    /// Kuznetsov's patched libpcap ("ss991029"): 16 bytes plus ifindex (4), protocol (2),
    /// pkt_type (1) and padding (1).
    Modified,
}

impl PcapVariant {
    /// Bytes in one record header.
    pub fn record_header_len(self) -> usize {
        match self {
            PcapVariant::Standard => 16,
            PcapVariant::Modified => 24,
        }
    }
}

/// The pcap file header, decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PcapHeader {
    pub byte_order: ByteOrder,
    pub precision: Precision,
    pub variant: PcapVariant,
    pub version_major: u16,
    pub version_minor: u16,
    /// GMT-to-local correction; always 0 in practice and ignored, like libpcap does.
    pub thiszone: i32,
    pub sigfigs: u32,
    pub snaplen: u32,
    /// The link type with the FCS bits masked off (low 16 bits of the field).
    pub link_type: LinkType,
    /// FCS bytes at the end of every packet, when the header says (the "P" bit and the
    /// 4-bit FCS length in 16-bit words, in the top bits of the link-type field).
    pub fcs_len: Option<u8>,
    /// The link-type field as stored, FCS bits included.
    pub raw_link_type: u32,
}

/// Byte order, precision and variant from the four magic bytes as they are on disk.
pub(crate) fn parse_magic(m: [u8; 4]) -> Option<(ByteOrder, Precision, PcapVariant)> {
    for order in [ByteOrder::Little, ByteOrder::Big] {
        let found = match order.u32(&m, 0) {
            MAGIC_MICROS => Some((Precision::Micro, PcapVariant::Standard)),
            MAGIC_NANOS => Some((Precision::Nano, PcapVariant::Standard)),
            MAGIC_MODIFIED => Some((Precision::Micro, PcapVariant::Modified)),
            _ => None,
        };
        if let Some((precision, variant)) = found {
            return Some((order, precision, variant));
        }
    }
    None
}

/// Whether record headers store caplen and len swapped (libpcap's `lengths_swapped`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LengthOrder {
    Normal,
    /// Versions before 2.3, and DG/UX's 543.0: always swapped.
    Swapped,
    /// Version 2.3: some writers swapped, some did not; swap when caplen > len.
    Maybe,
}

/// A pcap file read record by record from any [`Read`], in constant memory.
pub struct PcapReader<R> {
    input: Input<R>,
    header: PcapHeader,
    record_len: usize,
    lengths: LengthOrder,
    /// Units per second of the sub-second field (10^6 or 10^9).
    frac_per_sec: u64,
    nanos_per_frac: u64,
    packets: u64,
    done: bool,
}

impl<R: Read> PcapReader<R> {
    /// The input, for what [`crate::file::FileReader`] exposes of it.
    pub(crate) fn input(&self) -> &Input<R> {
        &self.input
    }

    /// Reads the file header from `inner`. `path` is used in error messages only.
    pub fn new(inner: R, path: impl Into<PathBuf>) -> Result<PcapReader<R>, CaptureError> {
        PcapReader::from_input(Input::new(inner, path.into()))
    }

    pub(crate) fn from_input(mut input: Input<R>) -> Result<PcapReader<R>, CaptureError> {
        let had = input.fill(FILE_HEADER_LEN)?;
        let h = input.peek(FILE_HEADER_LEN);
        let mut magic = [0u8; 4];
        if let Some(m) = h.get(..4) {
            magic.copy_from_slice(m);
        }
        let Some((order, precision, variant)) = parse_magic(magic) else {
            if had < 4 {
                return Err(input.truncated(0, "pcap magic number", 4, had as u64));
            }
            return Err(CaptureError::UnknownFormat {
                path: input.path().to_path_buf(),
                magic,
            });
        };
        if had < FILE_HEADER_LEN {
            return Err(input.truncated(0, "pcap file header", FILE_HEADER_LEN as u64, had as u64));
        }
        let version_major = order.u16(h, 4);
        let version_minor = order.u16(h, 6);
        let raw_link_type = order.u32(h, 20);
        let header = PcapHeader {
            byte_order: order,
            precision,
            variant,
            version_major,
            version_minor,
            thiszone: order.u32(h, 8) as i32,
            sigfigs: order.u32(h, 12),
            snaplen: order.u32(h, 16),
            link_type: LinkType(raw_link_type & 0xffff),
            fcs_len: (raw_link_type & 0x0400_0000 != 0).then(|| ((raw_link_type >> 28) * 2) as u8),
            raw_link_type,
        };
        let lengths = match (version_major, version_minor) {
            (2, minor) if minor < 3 => LengthOrder::Swapped,
            (2, 3) => LengthOrder::Maybe,
            (2, _) => LengthOrder::Normal,
            (543, 0) => LengthOrder::Swapped,
            _ => {
                return Err(input.corrupt(
                    4,
                    format!("unsupported pcap version {version_major}.{version_minor}"),
                ))
            }
        };
        input.consume(FILE_HEADER_LEN);
        let (frac_per_sec, nanos_per_frac) = match precision {
            Precision::Micro => (1_000_000, 1_000),
            Precision::Nano => (1_000_000_000, 1),
        };
        Ok(PcapReader {
            input,
            header,
            record_len: variant.record_header_len(),
            lengths,
            frac_per_sec,
            nanos_per_frac,
            packets: 0,
            done: false,
        })
    }

    pub fn header(&self) -> &PcapHeader {
        &self.header
    }

    pub fn path(&self) -> &Path {
        self.input.path()
    }

    /// How many packets have been returned so far.
    pub fn packets_read(&self) -> u64 {
        self.packets
    }

    /// File offset of the next record.
    pub fn offset(&self) -> u64 {
        self.input.offset()
    }

    pub(crate) fn next_raw(&mut self) -> Result<Option<RawPacket>, CaptureError> {
        if self.done {
            return Ok(None);
        }
        let result = self.read_record();
        if !matches!(result, Ok(Some(_))) {
            self.done = true;
        }
        result
    }

    #[inline]
    fn read_record(&mut self) -> Result<Option<RawPacket>, CaptureError> {
        let record_len = self.record_len;
        let at = self.input.offset();
        let had = self.input.fill(record_len)?;
        if had < record_len {
            if had == 0 {
                return Ok(None);
            }
            return Err(self.input.truncated(
                at,
                "packet record header",
                record_len as u64,
                had as u64,
            ));
        }
        let order = self.header.byte_order;
        let h = self.input.peek(record_len);
        let secs = order.u32(h, 0);
        let frac = order.u32(h, 4);
        let mut caplen = order.u32(h, 8);
        let mut orig_len = order.u32(h, 12);
        match self.lengths {
            LengthOrder::Normal => {}
            LengthOrder::Maybe if caplen <= orig_len => {}
            LengthOrder::Maybe | LengthOrder::Swapped => {
                std::mem::swap(&mut caplen, &mut orig_len);
            }
        }
        if caplen > MAX_SNAPLEN {
            return Err(self.input.corrupt(
                at,
                format!(
                    "packet record {} claims {caplen} captured bytes, more than the maximum {MAX_SNAPLEN}",
                    self.packets + 1
                ),
            ));
        }
        let total = record_len + caplen as usize;
        let had = self.input.fill(total)?;
        if had < total {
            return Err(self.input.truncated(
                at + record_len as u64,
                "packet data",
                caplen as u64,
                (had - record_len) as u64,
            ));
        }
        let start = self.input.consume(total) + record_len;
        self.packets += 1;
        Ok(Some(RawPacket {
            ts: self.timestamp(secs, frac),
            orig_len,
            link_type: self.header.link_type,
            interface_id: 0,
            start,
            len: caplen as usize,
        }))
    }

    /// Seconds plus the sub-second field; a sub-second value of a second or more (seen in
    /// fuzzed files) carries into the seconds instead of breaking `Timestamp`'s invariant.
    ///
    /// The seconds field is read as signed 32-bit, as libpcap (`bpf_int32`) and Wireshark do,
    /// so pre-1970 values in damaged files print as tshark prints them. (The pcap draft calls
    /// it unsigned, which would only matter after 2038.)
    #[inline]
    fn timestamp(&self, secs: u32, frac: u32) -> Timestamp {
        let frac = frac as u64;
        let (carry, frac) = if frac < self.frac_per_sec {
            (0, frac)
        } else {
            (frac / self.frac_per_sec, frac % self.frac_per_sec)
        };
        Timestamp {
            secs: secs as i32 as i64 + carry as i64,
            nanos: (frac * self.nanos_per_frac) as u32,
        }
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
}

impl<R: Read> PacketSource for PcapReader<R> {
    #[inline]
    fn next_packet(&mut self) -> Result<Option<Packet<'_>>, CaptureError> {
        Ok(self.next_raw()?.map(|raw| self.packet(&raw)))
    }
}
