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

pub mod app;
mod app_info;
pub mod capture;
pub mod chain;
pub mod columns;
pub mod fields;
pub mod filter;
pub mod frame;
pub mod printer;
pub mod stats;
pub mod tcp_analysis;
pub mod text;
pub mod transactions;
pub mod tree;

pub use capture::Capture;
pub use frame::Frame;
use strata_capture::Packet;
use strata_wire::decode::Fragment;
use strata_wire::frag::{Limits, Reassembler};
use strata_wire::{ipv4, ipv6, Decoded};

/// Turns captured packets into [`Frame`]s: numbers them, reuses one layer stack, and
/// reassembles IP fragments so the frame that completes a datagram shows its transport
/// layers, as Wireshark does by default.
pub struct Dissector {
    decoded: Decoded,
    number: u64,
    reassembler: Reassembler,
    /// The datagram the current frame completed.
    datagram: Vec<u8>,
    /// Reassemble IP fragments (Wireshark's `ip.defragment` / `ipv6.defragment`).
    pub defragment: bool,
    /// Application-layer dispatch and TCP stream reassembly.
    app: app::AppState,
    /// The current frame's TCP segment repeats bytes already seen: Wireshark hands a
    /// retransmission to no dissector (not even `data`).
    retransmission: bool,
    /// TCP sequence analysis across frames, and its result for the current one.
    tcp: tcp_analysis::TcpAnalysis,
    tcp_info: Option<tcp_analysis::TcpInfo>,
    /// Requests matched with their responses, and the current frame's match.
    transactions: transactions::Transactions,
    answer: Option<transactions::Answer>,
}

impl Default for Dissector {
    fn default() -> Dissector {
        Dissector {
            decoded: Decoded::default(),
            number: 0,
            reassembler: Reassembler::new(Limits {
                // Wireshark keeps fragments for the whole capture; bound them by memory only.
                timeout_ns: i128::MAX,
                ..Limits::default()
            }),
            datagram: Vec::new(),
            defragment: true,
            app: app::AppState::default(),
            retransmission: false,
            tcp: tcp_analysis::TcpAnalysis::default(),
            tcp_info: None,
            transactions: transactions::Transactions::default(),
            answer: None,
        }
    }
}

impl Dissector {
    pub fn new() -> Dissector {
        Dissector::default()
    }
    /// Reassembly counters (fragments seen, datagrams completed, drops by limit, overlaps).
    pub fn reassembly_stats(&self) -> strata_wire::frag::Stats {
        self.reassembler.stats
    }
    /// TCP stream reassembly counters (retransmissions, gaps, drops by cap).
    pub fn stream_stats(&self) -> app::Stats {
        self.app.stats
    }
    /// Requests forgotten before their response because the matching tables were full.
    pub fn transactions_dropped(&self) -> u64 {
        self.transactions.dropped
    }
    /// TCP segments left without sequence analysis because its table was full.
    pub fn tcp_analysis_dropped(&self) -> u64 {
        self.tcp.dropped
    }
    /// Decodes the next packet; the frame borrows the packet and this dissector.
    pub fn dissect<'a>(&'a mut self, pkt: &Packet<'a>) -> Frame<'a> {
        self.number += 1;
        strata_wire::decode(pkt.link_type, pkt.data, &mut self.decoded);
        self.datagram.clear();
        if self.defragment {
            if let Some(frag) = self.decoded.fragment(pkt.data) {
                self.reassemble(frag, pkt);
            }
        }
        let seen = self.app.stats.retransmissions;
        self.app.dissect(&self.decoded, pkt.data, &self.datagram);
        self.retransmission = self.app.stats.retransmissions != seen;
        self.tcp_info = None;
        let segment = tcp_analysis::Segment::of(&self.view(pkt));
        if let Some(s) = segment {
            self.tcp_info = Some(self.tcp.analyze(self.number, pkt.ts.as_nanos(), &s));
        }
        self.answer = None;
        let mut transactions = std::mem::take(&mut self.transactions);
        self.answer = transactions.track(&self.view(pkt));
        self.transactions = transactions;
        self.view(pkt)
    }

    /// The frame [`Dissector::dissect`] last returned, again (`pkt` must be the same packet).
    pub fn view<'a>(&'a self, pkt: &Packet<'a>) -> Frame<'a> {
        Frame {
            app: &self.app.layers,
            stream: &self.app.stream,
            claimed: self.app.claimed,
            pending: self.app.pending,
            pending_starts: self.app.pending_starts,
            vnc_message: self.app.vnc_message,
            quic_info: &self.app.quic_info,
            pending_head: &self.app.pending_head,
            retransmission: self.retransmission,
            tcp: self.tcp_info,
            answer: self.answer,
            number: self.number,
            ts: pkt.ts,
            len: pkt.orig_len,
            link: pkt.link_type,
            data: pkt.data,
            decoded: &self.decoded,
            reassembled: &self.datagram,
        }
    }

    fn reassemble(&mut self, frag: Fragment, pkt: &Packet) {
        let now = pkt.ts.as_nanos();
        let layers = self.decoded.layers();
        let done = match frag {
            Fragment::V4 { layer } => {
                let ip = ipv4::Packet::new_unchecked(layers[layer].bytes(pkt.data));
                self.reassembler.push_ipv4(now, &ip)
            }
            Fragment::V6 { ip, frag } => {
                let hdr = ipv6::Packet::new_unchecked(layers[ip].header(pkt.data));
                let fl = &layers[frag];
                match ipv6::ExtHeader::parse(fl.ext_kind, fl.header(pkt.data)) {
                    Ok(e) => match e.fragment() {
                        Some(fh) => self.reassembler.push_ipv6(
                            now,
                            hdr.src(),
                            hdr.dst(),
                            fh,
                            e.next_header,
                            fl.payload(pkt.data),
                        ),
                        None => return,
                    },
                    Err(_) => return,
                }
            }
        };
        // A malformed fragment is shown as such; it does not stop the capture.
        if let Ok(Some(d)) = done {
            self.datagram = d.payload;
            strata_wire::decode::decode_reassembled(d.proto, &self.datagram, &mut self.decoded);
        }
    }
}

impl Frame<'_> {
    /// The first occurrence of a field, formatted as `tshark -T fields` prints it.
    pub fn field(&self, name: &str) -> Option<String> {
        let mut vals = fields::Values::default();
        fields::lookup(name)?.values(self, true, &mut vals);
        String::from_utf8(vals.get(0)?.to_vec()).ok()
    }

    /// Every occurrence of a field, outer layers first (for `tcp.port`, both ports; for
    /// `dns.a`, every address record).
    pub fn fields(&self, name: &str) -> Vec<String> {
        let mut vals = fields::Values::default();
        if let Some(def) = fields::lookup(name) {
            def.values(self, false, &mut vals);
        }
        vals.iter()
            .map(|v| String::from_utf8_lossy(v).into_owned())
            .collect()
    }

    /// The protocol tree: `frame`, then one node per protocol layer (see [`tree`]).
    pub fn tree(&self) -> Vec<tree::Node<'_>> {
        tree::build(self)
    }
}
