//! One frame as the dissector sees it: capture metadata plus the decoded layer stack.

use strata_capture::Timestamp;
use strata_wire::{Decoded, Layer, LinkType, Proto};

/// A captured frame with its layer stack, borrowed for the time it is printed or filtered.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    /// 1-based, as Wireshark numbers frames.
    pub number: u64,
    pub ts: Timestamp,
    /// Bytes on the wire.
    pub len: u32,
    pub link: LinkType,
    pub data: &'a [u8],
    pub decoded: &'a Decoded,
    /// The payload of an IP datagram this frame completed (empty otherwise); layers marked
    /// `reassembled` point into it.
    pub reassembled: &'a [u8],
}

impl<'a> Frame<'a> {
    pub fn cap_len(&self) -> u32 {
        self.data.len() as u32
    }
    /// The layers of `proto`, outermost first.
    pub fn layers_of(&self, proto: Proto) -> impl Iterator<Item = &'a Layer> + 'a {
        self.decoded
            .layers()
            .iter()
            .filter(move |l| l.proto == proto)
    }
    pub fn first(&self, proto: Proto) -> Option<&'a Layer> {
        self.decoded.first(proto)
    }
    /// The buffer a layer's offsets refer to.
    pub fn buffer(&self, layer: &Layer) -> &'a [u8] {
        if layer.reassembled {
            self.reassembled
        } else {
            self.data
        }
    }
    /// The header bytes of `layer`.
    pub fn header(&self, layer: &Layer) -> &'a [u8] {
        layer.header(self.buffer(layer))
    }
}
