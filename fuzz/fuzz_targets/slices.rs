//! Slice helpers for the application-parser targets: where a borrowed view lies in its input.
#![allow(dead_code)]

/// The offset of `inner` in `outer`, asserting that it lies entirely inside.
#[track_caller]
pub fn offset_in(outer: &[u8], inner: &[u8]) -> usize {
    let o = outer.as_ptr() as usize;
    let i = inner.as_ptr() as usize;
    // An empty slice may be any dangling pointer (`&[]`); only non-empty ones must lie inside.
    if inner.is_empty() && (i < o || i > o + outer.len()) {
        return 0;
    }
    assert!(
        i >= o && i + inner.len() <= o + outer.len(),
        "slice of {} bytes at {:#x} outside the input ({} bytes at {:#x})",
        inner.len(),
        i,
        outer.len(),
        o
    );
    i - o
}

/// Asserts that `out` is UTF-8 (text printed from packet bytes).
#[track_caller]
pub fn utf8(out: &[u8]) {
    if let Err(e) = std::str::from_utf8(out) {
        panic!("non-UTF-8 text: {e}: {:?}", String::from_utf8_lossy(out));
    }
}
