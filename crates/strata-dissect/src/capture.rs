//! The PyShark-style entry point: open a file or an interface, optionally with a display
//! filter, and read dissected frames one by one.
//!
//! ```no_run
//! use strata_dissect::Capture;
//!
//! let mut cap = Capture::open("samples/lab-dns.pcap")?.display_filter("dns.flags.response == 1")?;
//! while let Some(frame) = cap.next_frame()? {
//!     println!("{} {:?} {:?}", frame.number, frame.field("dns.qry.name"), frame.fields("dns.a"));
//!     for node in frame.tree() {
//!         println!("  {}: {} fields", node.name, node.fields(&frame).len());
//!     }
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Each packet is copied into one reused buffer so the frame can outlive the reader's own
//! buffer; the `strata` binary's hot paths use [`crate::Dissector`] on the reader's bytes
//! directly instead.

use crate::filter::{Filter, FilterError};
use crate::{Dissector, Frame};
use strata_capture::file::FileReader;
use strata_capture::live::{AnyLiveCapture, LiveOptions};
use strata_capture::{CaptureError, LinkType, Packet, PacketSource, Timestamp};

/// A source of dissected frames.
pub struct Capture {
    src: Box<dyn PacketSource>,
    dissector: Dissector,
    filter: Option<Filter>,
    data: Vec<u8>,
    ts: Timestamp,
    orig_len: u32,
    link: LinkType,
}

impl Capture {
    /// Reads a pcap or pcapng file.
    pub fn open(path: impl AsRef<std::path::Path>) -> Result<Capture, CaptureError> {
        Ok(Capture::from_source(Box::new(FileReader::open(path)?)))
    }

    /// Captures live on `iface` (`LiveOptions::filter` is the BPF capture filter).
    pub fn live(iface: &str, opts: LiveOptions) -> Result<Capture, CaptureError> {
        Ok(Capture::from_source(Box::new(AnyLiveCapture::open(
            iface, opts,
        )?)))
    }

    /// Dissects the packets of any source.
    pub fn from_source(src: Box<dyn PacketSource>) -> Capture {
        Capture {
            src,
            dissector: Dissector::new(),
            filter: None,
            data: Vec::with_capacity(2048),
            ts: Timestamp::default(),
            orig_len: 0,
            link: LinkType::ETHERNET,
        }
    }

    /// Only frames matching this Wireshark display filter are returned (frame numbers stay
    /// those of the capture, as in TShark).
    pub fn display_filter(mut self, expr: &str) -> Result<Capture, FilterError> {
        self.filter = Some(Filter::new(expr)?);
        Ok(self)
    }

    /// The next frame that passes the filter, `None` at the end of the capture.
    pub fn next_frame(&mut self) -> Result<Option<Frame<'_>>, CaptureError> {
        loop {
            match self.src.next_packet()? {
                None => return Ok(None),
                Some(p) => {
                    self.data.clear();
                    self.data.extend_from_slice(p.data);
                    (self.ts, self.orig_len, self.link) = (p.ts, p.orig_len, p.link_type);
                }
            }
            let pkt = packet(&self.data, self.ts, self.orig_len, self.link);
            let frame = self.dissector.dissect(&pkt);
            let pass = match &mut self.filter {
                Some(f) => f.matches(&frame),
                None => true,
            };
            if pass {
                let pkt = packet(&self.data, self.ts, self.orig_len, self.link);
                return Ok(Some(self.dissector.view(&pkt)));
            }
        }
    }
}

/// The copied packet as a [`Packet`] (a function, not a method, so it borrows only the bytes
/// while the dissector is borrowed mutably).
fn packet(data: &[u8], ts: Timestamp, orig_len: u32, link_type: LinkType) -> Packet<'_> {
    Packet {
        ts,
        orig_len,
        link_type,
        interface_id: 0,
        data,
    }
}
