//! Wireshark display filters (`strata dissect -Y`): [`lexer`] → [`parser`] (an AST) →
//! [`eval`] (compiled against the field registry, then run on each [`Frame`]).
//!
//! ```
//! use strata_dissect::filter::Filter;
//! assert!(Filter::new("tcp.port in {80, 443} && ip.addr == 10.0.0.0/8").is_ok());
//! let e = Filter::new("tcp.port == ").err().unwrap();
//! assert_eq!(e.to_string(), "at column 13: expected a value after \"==\"");
//! ```
//!
//! Semantics are Wireshark 4.0's: a comparison on a field with several occurrences (`ip.addr`,
//! `tcp.port`, a field of a tunnelled layer) holds if ANY occurrence satisfies it, except `!=`
//! (`ne`), which holds when the field is present and NO occurrence equals the value; `!==`
//! (`any_ne`, `~=`) is "some occurrence differs" and `===` (`all_eq`) "every occurrence equals".
//!
//! Deliberate extensions over TShark 4.0, which refuses them: set members may be separated by
//! whitespace as well as commas, and an integer range may be written `a-b` as well as `a..b`.
//!
//! [`Frame`]: crate::Frame

pub mod eval;
pub mod lexer;
pub mod parser;

pub use eval::Filter;
pub use parser::MAX_DEPTH;

/// A filter that cannot be compiled: where (1-based column) and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    pub column: usize,
    pub message: String,
}

impl FilterError {
    /// An error at byte offset `at` of `src`.
    pub fn at(src: &str, at: usize, message: impl Into<String>) -> FilterError {
        FilterError::at_column(FilterError::column_of(src, at), message)
    }
    pub fn at_column(column: usize, message: impl Into<String>) -> FilterError {
        FilterError {
            column,
            message: message.into(),
        }
    }
    /// The 1-based column (in characters) of byte offset `at`.
    pub fn column_of(src: &str, at: usize) -> usize {
        let at = at.min(src.len());
        src.get(..at).map_or(at, |s| s.chars().count()) + 1
    }
}

impl std::fmt::Display for FilterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "at column {}: {}", self.column, self.message)
    }
}

impl std::error::Error for FilterError {}
