//! Payload bytes (Scapy `Raw` and `Padding`; a bare string or bytes after `/` is a `Raw`).

use crate::error::{CraftError, Result};
use crate::packet::{builders, deferred_impl, Cx, Proto};
use crate::value::{escape_bytes, Conv, Value};

/// Bytes written as given. `Raw('abc')` and `Raw(load='abc')` are the same.
#[derive(Debug, Clone, Default)]
pub struct Raw {
    pub load: Vec<u8>,
    /// `Padding` instead of `Raw` (same bytes; only the name differs).
    padding: bool,
    deferred: Option<Box<CraftError>>,
}

builders!(Raw { load => "load" });

impl Raw {
    pub fn new() -> Raw {
        Raw::default()
    }
    pub fn padding() -> Raw {
        Raw {
            padding: true,
            ..Raw::default()
        }
    }
}

impl Proto for Raw {
    fn class(&self) -> &'static str {
        if self.padding {
            "Padding"
        } else {
            "Raw"
        }
    }
    fn title(&self) -> &'static str {
        self.class()
    }
    fn fields(&self) -> &'static [&'static str] {
        &["load"]
    }
    fn set(&mut self, _: &str, v: Value) -> Conv<()> {
        self.load = match v {
            Value::None => Vec::new(),
            v => v.into_bytes()?,
        };
        Ok(())
    }
    deferred_impl!();
    fn header_len(&self, _: &Cx) -> usize {
        self.load.len()
    }
    fn emit(&self, _: &Cx, out: &mut [u8]) -> Result<()> {
        if let Some(dst) = out.get_mut(..self.load.len()) {
            dst.copy_from_slice(&self.load);
        }
        Ok(())
    }
    fn show(&self, _: &Cx, _: &[u8]) -> Vec<(&'static str, String)> {
        vec![("load", format!("b'{}'", escape_bytes(&self.load)))]
    }
}
