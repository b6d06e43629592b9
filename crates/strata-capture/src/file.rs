//! Reading capture files: [`FileReader`] opens a pcap or pcapng file (or stdin for `-`), finds
//! the format from the magic number and yields its packets; [`MultiFileReader`] reads several
//! files one after the other as a single capture.
//!
//! This module also holds the plumbing both format readers share: `Input`, one reusable
//! buffer over any [`Read`] that hands out slices and knows the file offset of every byte (so
//! errors can name it), and [`ByteOrder`].
//!
//! # Errors
//!
//! A damaged file yields every good packet before the damage, then exactly one
//! [`CaptureError::Truncated`] (the file ends inside a record or block) or
//! [`CaptureError::Corrupt`] (a length or field that cannot be right), naming the byte offset
//! of the record or block at fault. After that error the reader is finished and returns
//! `Ok(None)`. This mirrors tshark, which prints the packets it could read and then says the
//! file "appears to have been cut short" or "appears to be damaged or corrupt".

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::error::CaptureError;
use crate::pcap::{self, PcapHeader, PcapReader};
use crate::pcapng::{self, InterfaceInfo, PcapngReader};
use crate::{LinkType, Packet, PacketSource, Timestamp};

/// Initial size of the read buffer. Reads are issued for the whole free part of the buffer, so
/// a file is read in ~1 MiB chunks: a few syscalls per thousand packets.
pub const READ_CHUNK: usize = 1 << 20;

/// Byte order of the fields in a file, as announced by its magic number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ByteOrder {
    Little,
    Big,
}

impl ByteOrder {
    /// The byte order of the machine we run on (what writers use, like libpcap does).
    pub const NATIVE: ByteOrder = if cfg!(target_endian = "big") {
        ByteOrder::Big
    } else {
        ByteOrder::Little
    };

    /// The `u16` at `at` in `bytes`, or 0 if `bytes` is too short. Callers check lengths first;
    /// the fallback only turns a logic slip into a wrong value instead of a panic.
    #[inline]
    pub(crate) fn u16(self, bytes: &[u8], at: usize) -> u16 {
        let b: [u8; 2] = match bytes.get(at..at + 2).and_then(|s| s.try_into().ok()) {
            Some(b) => b,
            None => return 0,
        };
        match self {
            ByteOrder::Little => u16::from_le_bytes(b),
            ByteOrder::Big => u16::from_be_bytes(b),
        }
    }

    /// The `u32` at `at` in `bytes`, or 0 if `bytes` is too short (see [`ByteOrder::u16`]).
    #[inline]
    pub(crate) fn u32(self, bytes: &[u8], at: usize) -> u32 {
        let b: [u8; 4] = match bytes.get(at..at + 4).and_then(|s| s.try_into().ok()) {
            Some(b) => b,
            None => return 0,
        };
        match self {
            ByteOrder::Little => u32::from_le_bytes(b),
            ByteOrder::Big => u32::from_be_bytes(b),
        }
    }

    /// The `u64` at `at` in `bytes`, or 0 if `bytes` is too short (see [`ByteOrder::u16`]).
    #[inline]
    pub(crate) fn u64(self, bytes: &[u8], at: usize) -> u64 {
        let b: [u8; 8] = match bytes.get(at..at + 8).and_then(|s| s.try_into().ok()) {
            Some(b) => b,
            None => return 0,
        };
        match self {
            ByteOrder::Little => u64::from_le_bytes(b),
            ByteOrder::Big => u64::from_be_bytes(b),
        }
    }

    pub(crate) fn put_u16(self, v: u16) -> [u8; 2] {
        match self {
            ByteOrder::Little => v.to_le_bytes(),
            ByteOrder::Big => v.to_be_bytes(),
        }
    }

    pub(crate) fn put_u32(self, v: u32) -> [u8; 4] {
        match self {
            ByteOrder::Little => v.to_le_bytes(),
            ByteOrder::Big => v.to_be_bytes(),
        }
    }
}

/// A buffered reader that keeps bytes in one reusable `Vec` and lends out slices of it.
///
/// The buffered bytes are `buf[pos..end]`; `buf[0]` is at file offset `base`. [`Input::fill`]
/// makes sure a record is contiguous in the buffer (moving the unread tail to the front and
/// reading more), so the format readers can parse a record and return its payload as a slice
/// without copying it. The buffer grows only when one record is larger than the buffer, and the
/// format readers bound record sizes by a named cap before asking, so memory stays constant.
pub(crate) struct Input<R> {
    inner: R,
    buf: Storage,
    pos: usize,
    end: usize,
    base: u64,
    eof: bool,
    path: PathBuf,
}

/// The bytes an [`Input`] lends out: its own buffer, or the whole file mapped in memory.
enum Storage {
    Owned(Vec<u8>),
    Mapped(Mmap),
}

impl std::ops::Deref for Storage {
    type Target = [u8];
    #[inline]
    fn deref(&self) -> &[u8] {
        match self {
            Storage::Owned(v) => v,
            Storage::Mapped(m) => m.as_slice(),
        }
    }
}

/// The mapping itself: unmapped when the reader and every [`SharedMap`] of it are gone.
struct Region {
    ptr: *mut libc::c_void,
    len: usize,
}

// SAFETY: a read-only mapping; any thread may read it, and only the last owner unmaps it.
unsafe impl Send for Region {}
// SAFETY: as above; nothing in a Region is ever written.
unsafe impl Sync for Region {}

impl Drop for Region {
    fn drop(&mut self) {
        // SAFETY: unmapping exactly the region mmap returned, once, when no SharedMap or
        // reader (hence no slice into it) is left.
        unsafe {
            libc::munmap(self.ptr, self.len);
        }
    }
}

/// A memory-mapped capture file's bytes, shareable with other threads while the reader moves
/// on: a packet becomes an offset ([`SharedMap::offset_of`]) instead of a copy. The flow
/// meter hands packets to its workers this way.
///
/// The reader hands pages far behind it back to the kernel to bound its memory; reading them
/// here faults them in again from the file (a private, never-written mapping), so the bytes
/// are always the file's — a slow reader of a `SharedMap` only costs page faults.
#[derive(Clone)]
pub struct SharedMap {
    region: std::sync::Arc<Region>,
}

impl SharedMap {
    /// The whole file.
    pub fn bytes(&self) -> &[u8] {
        // SAFETY: ptr..ptr+len is a live PROT_READ mapping while the Region lives.
        unsafe { std::slice::from_raw_parts(self.region.ptr as *const u8, self.region.len) }
    }

    /// Where `data` starts in [`SharedMap::bytes`], when it lies wholly inside the file (a
    /// packet of the reader this map came from); `None` for any other slice.
    pub fn offset_of(&self, data: &[u8]) -> Option<usize> {
        let base = self.region.ptr as usize;
        let at = (data.as_ptr() as usize).checked_sub(base)?;
        (at.checked_add(data.len())? <= self.region.len).then_some(at)
    }

    /// Whether both are the same mapping (the same open file).
    pub fn same(&self, other: &SharedMap) -> bool {
        std::sync::Arc::ptr_eq(&self.region, &other.region)
    }
}

impl std::fmt::Debug for SharedMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedMap")
            .field("len", &self.region.len)
            .finish()
    }
}

/// A read-only private mapping of a whole regular file (the fast path: no copy per packet,
/// no read syscalls). A file truncated by another process while mapped would fault, as with
/// any mmap reader (libpcap's included); pipes and stdin use the buffered path.
pub(crate) struct Mmap {
    /// The mapping, shared with any [`SharedMap`]; `ptr` and `len` are its own, copied here.
    region: std::sync::Arc<Region>,
    ptr: *mut libc::c_void,
    len: usize,
    /// Everything before this offset has been handed back to the kernel.
    released: usize,
    /// Pages up to here have been populated ahead of the reader (when there is no read-ahead
    /// thread).
    populated: usize,
    /// The reader position at which `advance` runs next.
    next_advance: usize,
    /// Cache lines before this offset have been prefetched (see [`Mmap::prefetch`]).
    prefetched: usize,
    /// The thread that populates pages ahead of the reader, on another core.
    read_ahead: Option<ReadAhead>,
}

/// A thread that faults the mapping in ahead of the reader (`MADV_POPULATE_READ` window by
/// window), so the reader's core only parses: on a virtual machine, mapping the page cache
/// costs about a third of decoding the packets in it.
struct ReadAhead {
    shared: std::sync::Arc<ReadAheadState>,
    thread: Option<std::thread::JoinHandle<()>>,
}

struct ReadAheadState {
    /// Where the reader is (bytes into the mapping).
    reader: std::sync::atomic::AtomicUsize,
    stop: std::sync::atomic::AtomicBool,
}

impl ReadAhead {
    fn spawn(addr: usize, len: usize) -> Option<ReadAhead> {
        use std::sync::atomic::Ordering::Relaxed;
        const CHUNK: usize = 4 << 20;
        let shared = std::sync::Arc::new(ReadAheadState {
            reader: std::sync::atomic::AtomicUsize::new(0),
            stop: std::sync::atomic::AtomicBool::new(false),
        });
        let s = shared.clone();
        let thread = std::thread::Builder::new()
            .name("strata-readahead".into())
            .spawn(move || {
                let (mut populated, mut released) = (0usize, 0usize);
                // Until the reader is dropped: it may still be reading after the last page is
                // populated, and what it leaves behind is released here.
                while !s.stop.load(Relaxed) {
                    let reader = s.reader.load(Relaxed);
                    released = release_behind(addr, reader, released);
                    let target = populate_target(reader, len);
                    if populated >= target {
                        let idle = if populated >= len { 5_000 } else { 500 };
                        std::thread::sleep(std::time::Duration::from_micros(idle));
                        continue;
                    }
                    let n = CHUNK.min(target - populated);
                    // SAFETY: a range inside the live mapping (Mmap joins this thread before
                    // munmap); populating only faults pages in.
                    unsafe {
                        libc::madvise(
                            (addr + populated) as *mut libc::c_void,
                            n,
                            MADV_POPULATE_READ,
                        );
                    }
                    populated += n;
                }
            })
            .ok()?;
        Some(ReadAhead {
            shared,
            thread: Some(thread),
        })
    }
}

/// Everything before this page-aligned offset may be released when the reader is at `pos`.
fn release_mark(pos: usize) -> usize {
    pos.saturating_sub(MAP_WINDOW) / PAGE * PAGE
}

/// How far the read-ahead thread populates when the reader is at `pos`: two windows ahead,
/// rounded up to a page because each populated range starts where the last one ended and
/// madvise refuses an unaligned start (EINVAL: the whole read-ahead would silently stop).
fn populate_target(pos: usize, len: usize) -> usize {
    ((pos + 2 * MAP_WINDOW).div_ceil(PAGE) * PAGE).min(len)
}

/// Hands the pages more than [`MAP_WINDOW`] behind the reader at `pos` back to the kernel, so
/// resident memory stays bounded whatever the file size; returns the new release mark.
/// Released in 8 MiB batches: each release is a TLB shootdown on every core the process runs
/// on. The window kept behind covers any packet the reader's caller may still borrow.
fn release_behind(addr: usize, pos: usize, released: usize) -> usize {
    let release_to = release_mark(pos);
    if release_to < released + (8 << 20) {
        return released;
    }
    // SAFETY: a page-aligned range inside a live private read-only mapping that no live slice
    // points into; DONTNEED drops the pages, later reads would refault them.
    unsafe {
        libc::madvise(
            (addr + released) as *mut libc::c_void,
            release_to - released,
            libc::MADV_DONTNEED,
        );
    }
    release_to
}

/// The mapping is populated this far ahead of the reader and released this far behind it, so
/// page faults come in large batches and resident memory stays bounded whatever the file size.
const MAP_WINDOW: usize = 32 << 20;
/// How far ahead of the reader [`Mmap::prefetch`] keeps cache lines requested: a few records,
/// enough to cover memory latency at the rate the decoder consumes bytes.
const PREFETCH_AHEAD: usize = 2048;
const CACHE_LINE: usize = 64;
/// The page size madvise ranges are aligned to (4 KiB on the platforms Strata runs on; a
/// larger real page size only makes some madvise calls fail, which costs speed, not results).
const PAGE: usize = 4096;
/// `MADV_POPULATE_READ` (Linux 5.14): fault a range in now, in one call.
const MADV_POPULATE_READ: libc::c_int = 22;

// SAFETY: the mapping is read-only and owned by one Input; moving it between threads is fine.
unsafe impl Send for Mmap {}

impl Mmap {
    /// Maps `file` whole; `None` when it is not a regular non-empty file or mmap fails.
    fn of(file: &File) -> Option<Mmap> {
        use std::os::unix::io::AsRawFd;
        let meta = file.metadata().ok()?;
        let len = usize::try_from(meta.len()).ok()?;
        if !meta.is_file() || len == 0 {
            return None;
        }
        // SAFETY: a fresh read-only private mapping of a file descriptor we hold open; the
        // result is checked for MAP_FAILED before use.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ,
                libc::MAP_PRIVATE,
                file.as_raw_fd(),
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return None;
        }
        // SAFETY: advising the kernel about a mapping we own; failure only loses read-ahead.
        unsafe {
            libc::madvise(ptr, len, libc::MADV_SEQUENTIAL);
        }
        // A second core populates ahead of the reader; with one core (or a small file) the
        // reader populates window by window itself.
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let read_ahead = if cores > 1 && len > 2 * MAP_WINDOW {
            ReadAhead::spawn(ptr as usize, len)
        } else {
            None
        };
        let mut m = Mmap {
            region: std::sync::Arc::new(Region { ptr, len }),
            ptr,
            len,
            released: 0,
            populated: 0,
            next_advance: 0,
            prefetched: 0,
            read_ahead,
        };
        m.advance(0);
        Some(m)
    }

    /// The reader is at `pos`: release the window behind it, populate the one ahead.
    #[cold]
    fn advance(&mut self, pos: usize) {
        self.next_advance = pos + (64 << 10);
        if let Some(ra) = &self.read_ahead {
            // The read-ahead thread releases too: unmapping costs as much as mapping.
            ra.shared
                .reader
                .store(pos, std::sync::atomic::Ordering::Relaxed);
            return;
        }
        self.released = release_behind(self.ptr as usize, pos, self.released);
        let want = (pos + 2 * MAP_WINDOW).min(self.len);
        if want > self.populated {
            let from = self.populated / PAGE * PAGE;
            // SAFETY: populating a page-aligned range of our own mapping; a failure (old
            // kernel) only means the pages fault in one by one.
            unsafe {
                libc::madvise(
                    (self.ptr as *mut u8).add(from) as *mut libc::c_void,
                    want - from,
                    MADV_POPULATE_READ,
                );
            }
            self.populated = want;
        }
    }

    /// Asks the CPU for every cache line up to [`PREFETCH_AHEAD`] bytes past the reader at
    /// `pos`. Each record's length gives the next record's offset, so without this the reader
    /// waits for one memory miss per packet, one after the other; prefetching the file
    /// linearly ahead turns that chain into a stream the memory system serves at full
    /// bandwidth (a 1M-packet file: 95 ms of walking becomes 48 ms on the reference VM).
    #[inline]
    fn prefetch(&mut self, pos: usize) {
        let want = (pos + PREFETCH_AHEAD).min(self.len);
        while self.prefetched < want {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: a prefetch is a hint that never faults; the address is inside the mapping.
            unsafe {
                use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
                _mm_prefetch::<_MM_HINT_T0>((self.ptr as *const i8).add(self.prefetched));
            }
            self.prefetched += CACHE_LINE;
        }
    }

    fn as_slice(&self) -> &[u8] {
        // SAFETY: ptr..ptr+len is a live PROT_READ mapping until Drop.
        unsafe { std::slice::from_raw_parts(self.ptr as *const u8, self.len) }
    }
}

impl Drop for Mmap {
    fn drop(&mut self) {
        // The read-ahead thread must be gone before the mapping is.
        if let Some(mut ra) = self.read_ahead.take() {
            ra.shared
                .stop
                .store(true, std::sync::atomic::Ordering::Relaxed);
            if let Some(t) = ra.thread.take() {
                let _ = t.join();
            }
        }
        // The Region unmaps when the last SharedMap of it is gone too.
    }
}

impl<R: Read> Input<R> {
    pub(crate) fn new(inner: R, path: PathBuf) -> Input<R> {
        Input {
            inner,
            buf: Storage::Owned(vec![0; READ_CHUNK]),
            pos: 0,
            end: 0,
            base: 0,
            eof: false,
            path,
        }
    }

    /// An input over a whole mapped file: everything is "buffered" from the start.
    fn mapped(inner: R, map: Mmap, path: PathBuf) -> Input<R> {
        let end = map.len;
        Input {
            inner,
            buf: Storage::Mapped(map),
            pos: 0,
            end,
            base: 0,
            eof: true,
            path,
        }
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The mapping, when this input is a mapped file.
    pub(crate) fn shared_map(&self) -> Option<SharedMap> {
        match &self.buf {
            Storage::Mapped(m) => Some(SharedMap {
                region: m.region.clone(),
            }),
            Storage::Owned(_) => None,
        }
    }

    /// File offset of the next unread byte.
    #[inline]
    pub(crate) fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// Makes up to `n` unread bytes contiguous in the buffer; returns how many there are
    /// (`n`, or fewer only at the end of the input). The caller bounds `n` by its format's cap.
    #[inline]
    pub(crate) fn fill(&mut self, n: usize) -> Result<usize, CaptureError> {
        if self.end - self.pos >= n {
            return Ok(n);
        }
        self.fill_slow(n)
    }

    #[cold]
    #[inline(never)]
    fn fill_slow(&mut self, n: usize) -> Result<usize, CaptureError> {
        let buf = match &mut self.buf {
            // A mapped file is all there: fewer bytes means the end of the file.
            Storage::Mapped(_) => return Ok(n.min(self.end - self.pos)),
            Storage::Owned(v) => v,
        };
        // Move the unread tail to the front so the free space is one piece.
        if self.pos > 0 {
            buf.copy_within(self.pos..self.end, 0);
            self.base += self.pos as u64;
            self.end -= self.pos;
            self.pos = 0;
        }
        if buf.len() < n {
            buf.resize(n, 0);
        }
        while self.end < n && !self.eof {
            let free = match buf.get_mut(self.end..) {
                Some(free) => free,
                None => break,
            };
            match self.inner.read(free) {
                Ok(0) => self.eof = true,
                Ok(k) => self.end += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(source) => {
                    return Err(CaptureError::Read {
                        path: self.path.clone(),
                        offset: self.base + self.end as u64,
                        source,
                    })
                }
            }
        }
        Ok(n.min(self.end - self.pos))
    }

    /// The next `n` unread bytes, without consuming them. Call [`Input::fill`] first; if fewer
    /// than `n` are buffered the result is shorter (never a panic).
    #[inline]
    pub(crate) fn peek(&self, n: usize) -> &[u8] {
        let stop = self.end.min(self.pos.saturating_add(n));
        self.buf.get(self.pos..stop).unwrap_or(&[])
    }

    /// Consumes `n` buffered bytes and returns the buffer index where they start. The bytes
    /// stay valid (see [`Input::slice`]) until the next `fill` or `skip`.
    #[inline]
    pub(crate) fn consume(&mut self, n: usize) -> usize {
        let start = self.pos;
        self.pos = self.end.min(self.pos + n);
        if let Storage::Mapped(m) = &mut self.buf {
            m.prefetch(self.pos);
            if self.pos >= m.next_advance {
                m.advance(self.pos);
            }
        }
        start
    }

    /// Bytes `start..start + len` of the buffer (indices from [`Input::consume`]).
    #[inline]
    pub(crate) fn slice(&self, start: usize, len: usize) -> &[u8] {
        self.buf
            .get(start..start.saturating_add(len))
            .unwrap_or(&[])
    }

    /// Discards the next `n` bytes without keeping them in memory (for blocks we do not parse,
    /// whatever their size). Returns how many were skipped: fewer only at the end of the input.
    pub(crate) fn skip(&mut self, n: u64) -> Result<u64, CaptureError> {
        let buffered = (self.end - self.pos) as u64;
        if buffered >= n {
            self.pos += n as usize;
            return Ok(n);
        }
        let buf = match &mut self.buf {
            Storage::Mapped(_) => {
                self.pos = self.end;
                return Ok(buffered);
            }
            Storage::Owned(v) => v,
        };
        let mut skipped = buffered;
        self.base += self.end as u64;
        self.pos = 0;
        self.end = 0;
        while skipped < n && !self.eof {
            let want = (n - skipped).min(buf.len() as u64) as usize;
            let scratch = match buf.get_mut(..want) {
                Some(s) => s,
                None => break,
            };
            match self.inner.read(scratch) {
                Ok(0) => self.eof = true,
                Ok(k) => {
                    skipped += k as u64;
                    self.base += k as u64;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(source) => {
                    return Err(CaptureError::Read {
                        path: self.path.clone(),
                        offset: self.base,
                        source,
                    })
                }
            }
        }
        Ok(skipped)
    }

    /// A [`CaptureError::Truncated`] for this input.
    #[cold]
    pub(crate) fn truncated(
        &self,
        offset: u64,
        what: &'static str,
        needed: u64,
        had: u64,
    ) -> CaptureError {
        CaptureError::Truncated {
            path: self.path.clone(),
            offset,
            what,
            needed,
            had,
        }
    }

    /// A [`CaptureError::Corrupt`] for this input.
    #[cold]
    pub(crate) fn corrupt(&self, offset: u64, what: String) -> CaptureError {
        CaptureError::Corrupt {
            path: self.path.clone(),
            offset,
            what,
        }
    }
}

/// Where a packet's bytes are in a reader's buffer, plus its metadata. Readers produce this
/// from `next_raw` (which needs `&mut self`) and turn it into a [`Packet`] with `packet`
/// (which needs only `&self`); splitting the two keeps borrow-checking simple in loops that
/// may either return a packet or move on (see [`MultiFileReader`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct RawPacket {
    pub ts: Timestamp,
    pub orig_len: u32,
    pub link_type: LinkType,
    pub interface_id: u32,
    pub start: usize,
    pub len: usize,
}

/// The format of an open capture file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileFormat {
    /// Classic pcap; the header says which variant, byte order and precision.
    Pcap(PcapHeader),
    /// pcapng, in the byte order of its first section.
    Pcapng { byte_order: ByteOrder },
}

/// The first four bytes of a capture file, as they appear on disk.
fn detect(magic: &[u8]) -> Option<Detected> {
    let m: [u8; 4] = magic.try_into().ok()?;
    if m == pcapng::SHB_MAGIC_BYTES {
        return Some(Detected::Pcapng);
    }
    pcap::parse_magic(m).map(|_| Detected::Pcap)
}

enum Detected {
    Pcap,
    Pcapng,
}

type BoxedRead = Box<dyn Read + Send>;

enum Inner {
    Pcap(PcapReader<BoxedRead>),
    Pcapng(PcapngReader<BoxedRead>),
}

/// A pcap or pcapng file, found by its magic number, read packet by packet.
///
/// ```no_run
/// use strata_capture::{file::FileReader, PacketSource};
/// let mut r = FileReader::open("trace.pcap")?;
/// while let Some(pkt) = r.next_packet()? {
///     println!("{} bytes at {:?}", pkt.data.len(), pkt.ts);
/// }
/// # Ok::<(), strata_capture::CaptureError>(())
/// ```
pub struct FileReader {
    inner: Inner,
}

impl FileReader {
    /// Opens `path`, or standard input when `path` is `-`, and reads the file header.
    pub fn open(path: impl AsRef<Path>) -> Result<FileReader, CaptureError> {
        let path = path.as_ref();
        if path == Path::new("-") {
            return FileReader::from_reader(io::stdin(), path);
        }
        let file = File::open(path).map_err(|source| CaptureError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        match Mmap::of(&file) {
            Some(map) => {
                let input =
                    Input::mapped(Box::new(io::empty()) as BoxedRead, map, path.to_path_buf());
                FileReader::from_input(input)
            }
            None => FileReader::from_reader(file, path),
        }
    }

    /// Reads a capture from any byte stream; `path` is only used in error messages.
    pub fn from_reader(
        reader: impl Read + Send + 'static,
        path: impl Into<PathBuf>,
    ) -> Result<FileReader, CaptureError> {
        FileReader::from_input(Input::new(Box::new(reader) as BoxedRead, path.into()))
    }

    fn from_input(mut input: Input<BoxedRead>) -> Result<FileReader, CaptureError> {
        let had = input.fill(4)?;
        if had < 4 {
            return Err(input.truncated(0, "magic number", 4, had as u64));
        }
        let inner = match detect(input.peek(4)) {
            Some(Detected::Pcap) => Inner::Pcap(PcapReader::from_input(input)?),
            Some(Detected::Pcapng) => Inner::Pcapng(PcapngReader::from_input(input)?),
            None => {
                let mut magic = [0u8; 4];
                magic.copy_from_slice(input.peek(4));
                return Err(CaptureError::UnknownFormat {
                    path: input.path().to_path_buf(),
                    magic,
                });
            }
        };
        Ok(FileReader { inner })
    }

    /// The path given to `open` (or `from_reader`), for messages.
    pub fn path(&self) -> &Path {
        match &self.inner {
            Inner::Pcap(r) => r.path(),
            Inner::Pcapng(r) => r.path(),
        }
    }

    /// Which format, and for pcap the whole file header.
    pub fn format(&self) -> FileFormat {
        match &self.inner {
            Inner::Pcap(r) => FileFormat::Pcap(*r.header()),
            Inner::Pcapng(r) => FileFormat::Pcapng {
                byte_order: r.byte_order(),
            },
        }
    }

    /// The link types in the file, without duplicates, in order of appearance. For pcapng this
    /// covers the interfaces described so far; a freshly opened reader has already read every
    /// interface block before the first packet, which in practice is all of them.
    pub fn link_types(&self) -> Vec<LinkType> {
        match &self.inner {
            Inner::Pcap(r) => vec![r.header().link_type],
            Inner::Pcapng(r) => r.link_types(),
        }
    }

    /// The pcapng interfaces described so far (empty for pcap).
    pub fn interfaces(&self) -> &[InterfaceInfo] {
        match &self.inner {
            Inner::Pcap(_) => &[],
            Inner::Pcapng(r) => r.interfaces(),
        }
    }

    /// The `opt_comment` of the packet returned last, if it had one (pcapng only).
    pub fn last_comment(&self) -> Option<&str> {
        match &self.inner {
            Inner::Pcap(_) => None,
            Inner::Pcapng(r) => r.last_comment(),
        }
    }

    /// How many packets have been returned so far.
    pub fn packets_read(&self) -> u64 {
        match &self.inner {
            Inner::Pcap(r) => r.packets_read(),
            Inner::Pcapng(r) => r.packets_read(),
        }
    }

    /// File offset of the next unread byte.
    pub fn offset(&self) -> u64 {
        match &self.inner {
            Inner::Pcap(r) => r.offset(),
            Inner::Pcapng(r) => r.offset(),
        }
    }

    pub(crate) fn next_raw(&mut self) -> Result<Option<RawPacket>, CaptureError> {
        match &mut self.inner {
            Inner::Pcap(r) => r.next_raw(),
            Inner::Pcapng(r) => r.next_raw(),
        }
    }

    pub(crate) fn packet(&self, raw: &RawPacket) -> Packet<'_> {
        match &self.inner {
            Inner::Pcap(r) => r.packet(raw),
            Inner::Pcapng(r) => r.packet(raw),
        }
    }
}

impl PacketSource for FileReader {
    #[inline]
    fn next_packet(&mut self) -> Result<Option<Packet<'_>>, CaptureError> {
        Ok(self.next_raw()?.map(|raw| self.packet(&raw)))
    }

    fn shared_map(&self) -> Option<SharedMap> {
        match &self.inner {
            Inner::Pcap(r) => r.input().shared_map(),
            Inner::Pcapng(r) => r.input().shared_map(),
        }
    }
}

/// Several capture files read one after the other as one capture (like `mergecap -a`, without
/// reordering by time). Each file may have its own format and link types; every packet carries
/// its own `link_type`. An error in one file ends the whole read, like in a single file.
pub struct MultiFileReader {
    paths: Vec<PathBuf>,
    next: usize,
    current: Option<FileReader>,
    /// Bytes of the files already finished (for progress).
    finished_bytes: u64,
}

impl MultiFileReader {
    /// Files are opened lazily, when the previous one is finished.
    pub fn new<P: Into<PathBuf>>(paths: impl IntoIterator<Item = P>) -> MultiFileReader {
        MultiFileReader {
            paths: paths.into_iter().map(Into::into).collect(),
            next: 0,
            current: None,
            finished_bytes: 0,
        }
    }

    /// Bytes consumed so far across all files (for a progress display).
    pub fn bytes_read(&self) -> u64 {
        self.finished_bytes + self.current.as_ref().map_or(0, FileReader::offset)
    }

    /// The file being read now (the one an error came from), if any.
    pub fn current_path(&self) -> Option<&Path> {
        self.current.as_ref().map(FileReader::path)
    }
}

impl PacketSource for MultiFileReader {
    fn next_packet(&mut self) -> Result<Option<Packet<'_>>, CaptureError> {
        // Find the next packet without holding a borrow across iterations, then lend it out.
        let raw = loop {
            let reader = match &mut self.current {
                Some(r) => r,
                None => {
                    let Some(path) = self.paths.get(self.next) else {
                        return Ok(None);
                    };
                    self.next += 1;
                    match FileReader::open(path) {
                        Ok(r) => self.current.insert(r),
                        Err(e) => {
                            self.next = self.paths.len();
                            return Err(e);
                        }
                    }
                }
            };
            match reader.next_raw() {
                Ok(Some(raw)) => break raw,
                Ok(None) => {
                    self.finished_bytes += reader.offset();
                    self.current = None;
                }
                Err(e) => {
                    // Finished after an error, like a single file.
                    self.next = self.paths.len();
                    return Err(e);
                }
            }
        };
        Ok(self.current.as_ref().map(|r| r.packet(&raw)))
    }

    /// The mapping of the file being read now.
    fn shared_map(&self) -> Option<SharedMap> {
        self.current.as_ref().and_then(FileReader::shared_map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every range the read-ahead thread and the reader hand to madvise starts on a page: an
    /// unaligned start fails with EINVAL and, as the next range starts where this one ended,
    /// every later populate failed too (the reader then faulted each page in itself).
    #[test]
    fn madvise_ranges_start_on_pages() {
        let len = 481_431_611;
        for pos in [0, 1, 4095, 4097, 1_424_588, 33_554_433, len - 7, len] {
            let t = populate_target(pos, len);
            assert!(
                t == len || t.is_multiple_of(PAGE),
                "populate target {t} for reader at {pos}"
            );
            assert!(t >= pos.min(len));
            let r = release_mark(pos);
            assert!(
                r.is_multiple_of(PAGE),
                "release mark {r} for reader at {pos}"
            );
            assert!(
                r + MAP_WINDOW <= pos.max(MAP_WINDOW),
                "released under the reader"
            );
        }
    }

    /// Every packet of a mapped file is found through its SharedMap at the same bytes, also
    /// after the reader (and its own mapping handle) is gone; other slices are not in it.
    #[test]
    fn shared_map_reads_packets_where_they_lie() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples/lab-web.pcap");
        let mut r = FileReader::open(path).expect("sample");
        let map = r.shared_map().expect("a regular file is mapped");
        let mut seen = Vec::new();
        while let Some(p) = r.next_packet().expect("readable") {
            let at = map.offset_of(p.data).expect("packet inside the map");
            assert_eq!(&map.bytes()[at..at + p.data.len()], p.data);
            seen.push((at, p.data.to_vec()));
        }
        assert!(seen.len() > 10);
        drop(r);
        for (at, data) in &seen {
            assert_eq!(&map.bytes()[*at..*at + data.len()], &data[..]);
        }
        assert_eq!(map.offset_of(&seen[0].1), None);
        let stdin_like = FileReader::from_reader(std::fs::File::open(path).unwrap(), path);
        assert!(stdin_like.unwrap().shared_map().is_none());
    }
}
