//! Shared by the `decoder` and `fragments` targets: the link-type table an input's first byte
//! indexes, a decode that checks the layer stack's documented invariants, and a dissection that
//! runs every registered field extractor and both printers.

use strata_capture::{Packet, Timestamp};
use strata_dissect::fields::FIELDS;
use strata_dissect::printer::{FieldsOptions, FieldsPrinter, SummaryPrinter};
use strata_dissect::Dissector;
use strata_wire::{Decoded, LinkType};

/// Every link type `strata_wire::decode` dispatches on, plus one it does not know (147,
/// LINKTYPE_USER0). Input byte `b` selects `LINKS[b % LINKS.len()]`; the seed extractor
/// (`fuzz/tools/seeds.py`) writes the index, so keep the two lists in the same order.
pub const LINKS: [u32; 21] = [
    0, 1, 9, 12, 14, 50, 51, 101, 104, 105, 107, 108, 113, 127, 192, 226, 228, 229, 239, 276, 147,
];

pub fn link_of(b: u8) -> LinkType {
    LinkType(LINKS[b as usize % LINKS.len()])
}

/// Decodes `frame` and walks every layer through `header()/payload()/bytes()`, checking what
/// `Layer`'s docs promise: the header and the extent lie inside the frame, in order.
pub fn decode_and_walk(link: LinkType, frame: &[u8], d: &mut Decoded) {
    strata_wire::decode(link, frame, d);
    let mut sum = 0usize;
    for l in d.layers() {
        let (start, len, end) = (l.start as usize, l.len as usize, l.end as usize);
        let h = l.header(frame);
        let p = l.payload(frame);
        let b = l.bytes(frame);
        sum = sum.wrapping_add(h.len() + p.len() + b.len());
        assert!(
            start + len <= frame.len(),
            "{l:?} header past the frame ({})",
            frame.len()
        );
        assert!(
            end <= frame.len(),
            "{l:?} extent past the frame ({})",
            frame.len()
        );
        assert!(start <= end, "{l:?} ends before it starts");
        assert_eq!(h.len(), len, "{l:?}");
        if !l.partial {
            assert!(
                start + len <= end,
                "{l:?} complete header longer than its extent"
            );
        }
        let _ = l.proto.filter_name();
    }
    if let Some((s, e)) = d.app {
        assert!(
            s <= e && e as usize <= frame.len(),
            "app {s}..{e} of {}",
            frame.len()
        );
    }
    let _ = d.top();
    let _ = d.fragment(frame);
    let _ = d.stop.map(|s| s.error.to_string());
    std::hint::black_box(sum);
}

/// Column names for the fields printer: every registered field and the four `_ws.col.*`.
pub fn all_field_names() -> Vec<String> {
    let mut names: Vec<String> = FIELDS.iter().map(|f| f.name.to_string()).collect();
    for c in [
        "_ws.col.Protocol",
        "_ws.col.Info",
        "_ws.col.Source",
        "_ws.col.Destination",
    ] {
        names.push(c.to_string());
    }
    names
}

/// A dissector and both printers, kept across the frames of one input.
pub struct Printers {
    pub dissector: Dissector,
    names: Vec<String>,
    fields: FieldsPrinter,
    summary: SummaryPrinter,
    pub out: Vec<u8>,
}

impl Printers {
    pub fn new(names: &[String]) -> Printers {
        Printers {
            dissector: Dissector::new(),
            names: names.to_vec(),
            fields: FieldsPrinter::new(names, FieldsOptions::default(), false)
                .expect("every registered field is known to the printer"),
            summary: SummaryPrinter::default(),
            out: Vec::with_capacity(1 << 14),
        }
    }

    /// Dissects one frame, runs every field's extractor (via `Frame::field` for the first
    /// occurrence and the fields printer for all of them) and the summary printer.
    pub fn frame(&mut self, link: LinkType, data: &[u8], ts: Timestamp) {
        let pkt = Packet {
            ts,
            orig_len: data.len() as u32,
            link_type: link,
            interface_id: 0,
            data,
        };
        let frame = self.dissector.dissect(&pkt);
        // Layers of a reassembled datagram point into `frame.reassembled`.
        for l in frame.decoded.layers() {
            let buf = frame.buffer(l);
            let _ = (l.header(buf), l.payload(buf), l.bytes(buf));
            assert_eq!(frame.header(l).len(), l.len as usize, "{l:?}");
        }
        self.out.clear();
        self.fields.frame(&frame, &mut self.out);
        if let Err(e) = std::str::from_utf8(&self.out) {
            let at = e.valid_up_to();
            let col = self.out[..at].iter().filter(|&&b| b == b'\t').count();
            panic!(
                "fields printer: non-UTF-8 output in column {col} ({}): {:?}",
                self.names.get(col).map_or("?", |s| s.as_str()),
                String::from_utf8_lossy(
                    &self.out[at.saturating_sub(40)..(at + 40).min(self.out.len())]
                )
            );
        }
        self.summary.frame(&frame, &mut self.out);
        for f in FIELDS {
            if let Some(v) = frame.field(f.name) {
                std::hint::black_box(v);
            }
        }
        // Both printers emit text; the extractors must not produce invalid UTF-8.
        assert!(std::str::from_utf8(&self.out).is_ok(), "non-UTF-8 output");
    }
}
