//! `-z io,phs`: TShark's protocol hierarchy statistics.
//!
//! Each frame contributes the hierarchy nodes of its protocol chain ([`Frame::chain`]:
//! Wireshark filter names, `eth`, `ip`, `tcp`, `tls`, ...) to a tree; every node on the chain
//! counts the frame and its length on the wire.

use crate::frame::Frame;

struct Node {
    name: &'static str,
    frames: u64,
    bytes: u64,
    children: Vec<usize>,
}

/// The hierarchy being filled; node 0 is the (unprinted) frame root.
pub struct Hierarchy {
    nodes: Vec<Node>,
}

impl Default for Hierarchy {
    fn default() -> Hierarchy {
        Hierarchy {
            nodes: vec![Node {
                name: "frame",
                frames: 0,
                bytes: 0,
                children: Vec::new(),
            }],
        }
    }
}

impl Hierarchy {
    pub fn frame(&mut self, f: &Frame) {
        let bytes = f.len as u64;
        let mut at = 0;
        self.count(at, bytes);
        f.chain(|step| {
            if let Some(name) = step.node {
                at = self.child(at, name);
                self.count(at, bytes);
            }
        });
    }

    fn count(&mut self, at: usize, bytes: u64) {
        self.nodes[at].frames += 1;
        self.nodes[at].bytes += bytes;
    }

    fn child(&mut self, at: usize, name: &'static str) -> usize {
        if let Some(&c) = self.nodes[at]
            .children
            .iter()
            .find(|&&c| self.nodes[c].name == name)
        {
            return c;
        }
        self.nodes.push(Node {
            name,
            frames: 0,
            bytes: 0,
            children: Vec::new(),
        });
        let c = self.nodes.len() - 1;
        self.nodes[at].children.push(c);
        c
    }

    /// Prints the tree as TShark 4.0 does: children in the order first seen, two spaces of
    /// indent per level, the name padded to 41 columns with its indent.
    pub fn draw(&self, filter: Option<&str>, out: &mut Vec<u8>) {
        const RULE: &str = "===================================================================\n";
        out.extend_from_slice(b"\n");
        out.extend_from_slice(RULE.as_bytes());
        out.extend_from_slice(b"Protocol Hierarchy Statistics\nFilter: ");
        out.extend_from_slice(filter.unwrap_or("").as_bytes());
        out.extend_from_slice(b"\n\n");
        for &c in &self.nodes[0].children {
            self.draw_node(c, 0, out);
        }
        out.extend_from_slice(RULE.as_bytes());
    }

    fn draw_node(&self, at: usize, depth: usize, out: &mut Vec<u8>) {
        let n = &self.nodes[at];
        let label = format!("{}{}", "  ".repeat(depth), n.name);
        out.extend_from_slice(
            format!("{label:<40} frames:{} bytes:{}\n", n.frames, n.bytes).as_bytes(),
        );
        for &c in &n.children {
            self.draw_node(c, depth + 1, out);
        }
    }
}
