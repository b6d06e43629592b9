//! Protocol types for Strata: per protocol a zero-copy view and a `Repr` (parse / buffer_len /
//! emit), checksums, and the layer-stack decoder. No I/O; no allocation on the hot path.

pub mod linktype;
pub use linktype::LinkType;
