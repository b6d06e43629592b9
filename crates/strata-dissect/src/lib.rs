//! The dissection layer: Wireshark field names over `strata-wire`'s decoded layers, and the
//! printers that make `strata dissect` print what `tshark` prints.
//!
//! ```no_run
//! use strata_capture::{file::FileReader, PacketSource};
//! use strata_dissect::Dissector;
//!
//! let mut src = FileReader::open("samples/lab-mixed.pcap").unwrap();
//! let mut d = Dissector::new();
//! while let Some(pkt) = src.next_packet().unwrap() {
//!     let frame = d.dissect(&pkt);
//!     if let Some(v) = frame.field("tcp.dstport") {
//!         println!("{} {}", frame.number, v);
//!     }
//! }
//! ```

pub mod columns;
pub mod fields;
pub mod frame;
pub mod printer;
pub mod text;

pub use frame::Frame;
use strata_capture::Packet;
use strata_wire::Decoded;

/// Turns captured packets into [`Frame`]s, numbering them and reusing one layer stack.
#[derive(Default)]
pub struct Dissector {
    decoded: Decoded,
    number: u64,
}

impl Dissector {
    pub fn new() -> Dissector {
        Dissector::default()
    }
    /// Decodes the next packet; the frame borrows the packet and this dissector.
    pub fn dissect<'a>(&'a mut self, pkt: &Packet<'a>) -> Frame<'a> {
        self.number += 1;
        strata_wire::decode(pkt.link_type, pkt.data, &mut self.decoded);
        Frame {
            number: self.number,
            ts: pkt.ts,
            len: pkt.orig_len,
            link: pkt.link_type,
            data: pkt.data,
            decoded: &self.decoded,
        }
    }
}

impl Frame<'_> {
    /// The first occurrence of a field, formatted as `tshark -T fields` prints it.
    pub fn field(&self, name: &str) -> Option<String> {
        let def = fields::lookup(name)?;
        let mut out = Vec::new();
        match def.proto {
            None => {
                (def.extract)(self, &printer::FRAME_LAYER, &mut out).then_some(())?;
            }
            Some(p) => {
                self.layers_of(p).find(|l| (def.extract)(self, l, &mut out))?;
            }
        }
        String::from_utf8(out).ok()
    }
}
