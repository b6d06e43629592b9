//! Fast value formatting into a reusable byte buffer, in Wireshark's styles. Per-packet output
//! goes through these instead of `format!` so printing allocates nothing.

use core::net::{Ipv4Addr, Ipv6Addr};
use std::io::Write as _;

/// Two-digit pairs "00".."99", so decimal formatting divides by 100 per step.
const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// Appends `v` in decimal. The digits are written in place (no temporary and no `memcpy`
/// call: this runs for most fields of every packet).
pub fn dec(out: &mut Vec<u8>, mut v: u64) {
    let n = v.checked_ilog10().unwrap_or(0) as usize + 1;
    let start = out.len();
    out.resize(start + n, b'0');
    let digits = &mut out[start..];
    let mut i = n;
    while v >= 100 {
        let d = (v % 100) as usize * 2;
        v /= 100;
        i -= 2;
        digits[i] = PAIRS[d];
        digits[i + 1] = PAIRS[d + 1];
    }
    if v >= 10 {
        let d = v as usize * 2;
        digits[i - 2] = PAIRS[d];
        digits[i - 1] = PAIRS[d + 1];
    } else {
        digits[i - 1] = b'0' + v as u8;
    }
}

/// Appends a signed decimal.
pub fn dec_i(out: &mut Vec<u8>, v: i64) {
    if v < 0 {
        out.push(b'-');
    }
    dec(out, v.unsigned_abs());
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends `0x` and `v` in lower-case hex, zero-padded to `digits`.
pub fn hex(out: &mut Vec<u8>, v: u64, digits: usize) {
    out.extend_from_slice(b"0x");
    hex_bare(out, v, digits);
}

/// Appends `v` in lower-case hex, zero-padded to `digits`, without a prefix.
pub fn hex_bare(out: &mut Vec<u8>, v: u64, digits: usize) {
    let mut n = digits.max(1);
    while n < 16 && v >> (4 * n) != 0 {
        n += 1;
    }
    for i in (0..n).rev() {
        out.push(HEX[((v >> (4 * i)) & 0xf) as usize]);
    }
}

/// Appends bytes as colon-separated hex pairs (MAC addresses, `FT_BYTES` fields).
pub fn colon_hex(out: &mut Vec<u8>, bytes: &[u8]) {
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(b':');
        }
        out.push(HEX[(b >> 4) as usize]);
        out.push(HEX[(b & 0xf) as usize]);
    }
}

pub fn ipv4(out: &mut Vec<u8>, a: Ipv4Addr) {
    for (i, o) in a.octets().iter().enumerate() {
        if i > 0 {
            out.push(b'.');
        }
        dec(out, *o as u64);
    }
}

/// Appends an IPv6 address in RFC 5952's form, as Wireshark (and Rust's `Display`) write
/// it: the first longest run of two or more zero groups as `::`, groups in lower-case hex
/// without leading zeros. Addresses that `Display` writes with a dotted IPv4 tail go
/// through it.
pub fn ipv6(out: &mut Vec<u8>, a: Ipv6Addr) {
    let g = a.segments();
    if g[..5] == [0; 5] && (g[5] == 0 || g[5] == 0xffff) {
        let _ = write!(out, "{a}");
        return;
    }
    // The first longest run of zero groups (two or more).
    let (mut best, mut best_len, mut run) = (0, 0, 0);
    for (i, &x) in g.iter().enumerate() {
        if x == 0 {
            run += 1;
            if run > best_len {
                best_len = run;
                best = i + 1 - run;
            }
        } else {
            run = 0;
        }
    }
    if best_len < 2 {
        best_len = 0;
        best = 8;
    }
    let mut i = 0;
    while i < 8 {
        if i == best {
            out.extend_from_slice(if i == 0 { b"::" } else { b":" });
            i += best_len;
            continue;
        }
        hex_bare(out, g[i] as u64, 1);
        if i < 7 {
            out.push(b':');
        }
        i += 1;
    }
}

/// Seconds and nanoseconds as Wireshark's `frame.time_epoch` (`1262893114.341715000`).
pub fn epoch(out: &mut Vec<u8>, secs: i64, nanos: u32) {
    dec_i(out, secs);
    out.push(b'.');
    let mut tmp = [b'0'; 9];
    let mut n = nanos;
    for i in (0..9).rev() {
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    out.extend_from_slice(&tmp);
}

/// A relative time with `digits` decimals (the summary line's Time column).
pub fn seconds(out: &mut Vec<u8>, nanos: i128, digits: u32) {
    let neg = nanos < 0;
    let n = nanos.unsigned_abs();
    let scale = 10u128.pow(9 - digits);
    let rounded = (n + scale / 2) / scale;
    let unit = 10u128.pow(digits);
    if neg {
        out.push(b'-');
    }
    dec(out, (rounded / unit) as u64);
    out.push(b'.');
    let frac = (rounded % unit) as u64;
    let mut tmp = [b'0'; 9];
    let mut f = frac;
    for i in (0..digits as usize).rev() {
        tmp[i] = b'0' + (f % 10) as u8;
        f /= 10;
    }
    out.extend_from_slice(&tmp[..digits as usize]);
}

/// Appends a string field's bytes as `tshark -T fields` prints them (checked against TShark
/// 4.0.17): valid UTF-8 as it is, each invalid sequence as U+FFFD, backspace, form feed,
/// newline, carriage return and tab as C escapes, and every other control character (DEL
/// too) left out.
pub fn field_string(out: &mut Vec<u8>, bytes: &[u8]) {
    strata_wire::text::push_utf8_escaped(out, bytes, |out, c| {
        match c {
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            c if c.is_ascii_control() => {}
            _ => return false,
        }
        true
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn decimal_matches_std() {
        let mut out = Vec::new();
        for v in (0..2000u64).chain([9, 10, 99, 100, 101, 999_999, u64::MAX, u64::MAX / 7]) {
            out.clear();
            dec(&mut out, v);
            assert_eq!(out, v.to_string().as_bytes());
        }
    }
    #[test]
    fn ipv6_like_display() {
        let mut rng = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let mut o = Vec::new();
        for n in 0..200_000u32 {
            // Mostly zero groups, to exercise the runs.
            let r = next();
            let mut g = [0u16; 8];
            for (i, x) in g.iter_mut().enumerate() {
                if (r >> (i * 3)) & 7 < 3 || n % 97 == 0 {
                    *x = (next() >> (16 * (i % 4))) as u16;
                }
            }
            let a = Ipv6Addr::from(g);
            o.clear();
            ipv6(&mut o, a);
            assert_eq!(o, a.to_string().as_bytes(), "{g:?}");
        }
    }

    #[test]
    fn field_strings_like_tshark() {
        let mut o = Vec::new();
        field_string(&mut o, b"a\tb\rc\x01d\\e\x07f\x0bg\x0ch\x08i\nj\x7fk\xff");
        assert_eq!(
            String::from_utf8(o).unwrap(),
            "a\\tb\\rcd\\efg\\fh\\bi\\njk\u{fffd}"
        );
    }

    #[test]
    fn formats() {
        let mut o = Vec::new();
        hex(&mut o, 0x800, 4);
        o.push(b' ');
        hex(&mut o, 0x12345, 4);
        o.push(b' ');
        epoch(&mut o, 1262893114, 341715000);
        o.push(b' ');
        seconds(&mut o, 1_500_000_001, 6);
        o.push(b' ');
        colon_hex(&mut o, &[0, 0x21, 0x6a]);
        assert_eq!(
            String::from_utf8(o).unwrap(),
            "0x0800 0x12345 1262893114.341715000 1.500000 00:21:6a"
        );
    }
}
