//! A column value, for plugin columns and the writers.

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
    ListI64(Vec<i64>),
    ListU64(Vec<u64>),
}
