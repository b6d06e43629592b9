//! Packet sources and sinks: pcap and pcapng files (read and write), live capture on Linux
//! (AF_PACKET, pure Rust; or the system libpcap with the `libpcap` feature), interface listing
//! and the `-i auto` choice, and a compiler from tcpdump filter expressions to classic BPF for
//! the kernel.
//!
//! Every source yields [`Packet`]s that borrow the reader's buffer: no allocation per packet.

pub use strata_wire::LinkType;

// File I/O.
pub mod error;
pub mod file;
pub mod pcap;
pub mod pcapng;
pub mod writer;
// Live capture.
pub mod bpf;
pub mod interfaces;
pub mod live;
#[cfg(feature = "libpcap")]
pub mod live_pcap;

pub use error::CaptureError;

/// A capture timestamp: seconds and nanoseconds since the Unix epoch (UTC).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    pub secs: i64,
    /// Always < 1_000_000_000.
    pub nanos: u32,
}

impl Timestamp {
    pub fn new(secs: i64, nanos: u32) -> Timestamp {
        Timestamp { secs, nanos }
    }
    /// Microseconds since the epoch (NFStream's unit), saturating: a pcapng file can give
    /// any `secs` (a 64-bit timestamp in 1-second units plus `if_tsoffset`), and beyond
    /// ±292 000 years the product would overflow.
    pub fn as_micros(self) -> i64 {
        self.secs
            .saturating_mul(1_000_000)
            .saturating_add(i64::from(self.nanos / 1000))
    }
    pub fn as_nanos(self) -> i128 {
        self.secs as i128 * 1_000_000_000 + self.nanos as i128
    }
}

/// One captured packet, borrowing the source's buffer until the next call.
#[derive(Clone, Copy, Debug)]
pub struct Packet<'a> {
    pub ts: Timestamp,
    /// Bytes on the wire (may exceed `data.len()` when the snaplen cut the packet).
    pub orig_len: u32,
    pub link_type: LinkType,
    /// pcapng interface id (0 for pcap and live capture).
    pub interface_id: u32,
    pub data: &'a [u8],
}

/// A source of packets: a file or a live interface.
pub trait PacketSource {
    /// The next packet, `Ok(None)` at the end. After an error the source is finished.
    fn next_packet(&mut self) -> Result<Option<Packet<'_>>, CaptureError>;

    /// The memory-mapped file the packets come from now, if they do: other threads can then
    /// read a packet by its offset ([`file::SharedMap::offset_of`]) instead of a copy.
    fn shared_map(&self) -> Option<file::SharedMap> {
        None
    }
}

impl<S: PacketSource + ?Sized> PacketSource for Box<S> {
    fn next_packet(&mut self) -> Result<Option<Packet<'_>>, CaptureError> {
        (**self).next_packet()
    }

    fn shared_map(&self) -> Option<file::SharedMap> {
        (**self).shared_map()
    }
}
