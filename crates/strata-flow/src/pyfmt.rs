//! Python's `repr(float)`, so CSV output equals NFStream's `to_csv` byte for byte.
//!
//! Both Rust and Python print the shortest digits that round-trip; they differ in layout:
//! Python writes `325.0` (Rust `325`) and switches to exponent form below 1e-4 or from 1e16 on
//! (`1e-05`, `1e+16`).

/// A fixed buffer `core::fmt` can write into (a float's `{:e}` is at most 24 bytes), so
/// formatting allocates nothing.
struct Stack {
    buf: [u8; 40],
    len: usize,
}

impl std::fmt::Write for Stack {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        let dst = self.buf.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Appends `x` as Python's `repr(x)` would print it.
pub fn push_float(out: &mut String, x: f64) {
    use std::fmt::Write;
    if x.is_nan() {
        out.push_str("nan");
        return;
    }
    if x.is_infinite() {
        out.push_str(if x > 0.0 { "inf" } else { "-inf" });
        return;
    }
    if x == 0.0 {
        out.push_str(if x.is_sign_negative() { "-0.0" } else { "0.0" });
        return;
    }
    // Whole numbers below 1e16 (most means and gaps): Python prints the integer and `.0`.
    if x.fract() == 0.0 && x.abs() < 1e16 {
        if x < 0.0 {
            out.push('-');
        }
        crate::writer::push_u64(out, x.abs() as u64);
        out.push_str(".0");
        return;
    }
    // Shortest round-trip digits and the decimal exponent, from Rust's `{:e}`.
    let mut e = Stack {
        buf: [0; 40],
        len: 0,
    };
    let _ = write!(e, "{x:e}");
    let e = std::str::from_utf8(&e.buf[..e.len]).unwrap_or("0e0");
    let (mant, exp) = e.split_once('e').unwrap_or((e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (neg, mant) = match mant.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mant),
    };
    let mut digit_buf = [0u8; 32];
    let mut n_digits = 0;
    for b in mant.bytes().filter(|&b| b != b'.').take(32) {
        digit_buf[n_digits] = b;
        n_digits += 1;
    }
    let digits = std::str::from_utf8(&digit_buf[..n_digits]).unwrap_or("0");
    if neg {
        out.push('-');
    }
    if (-4..16).contains(&exp) {
        let n = digits.len() as i32;
        if exp >= 0 {
            if n <= exp + 1 {
                out.push_str(digits);
                for _ in 0..(exp + 1 - n) {
                    out.push('0');
                }
                out.push_str(".0");
            } else {
                out.push_str(&digits[..(exp + 1) as usize]);
                out.push('.');
                out.push_str(&digits[(exp + 1) as usize..]);
            }
        } else {
            out.push_str("0.");
            for _ in 0..(-exp - 1) {
                out.push('0');
            }
            out.push_str(digits);
        }
    } else {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let _ = write!(out, "e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn py(x: f64) -> String {
        let mut s = String::new();
        push_float(&mut s, x);
        s
    }

    #[test]
    fn like_python_repr() {
        assert_eq!(py(325.0), "325.0");
        assert_eq!(py(325.2857142857144), "325.2857142857144");
        assert_eq!(py(632.9999999999999), "632.9999999999999");
        assert_eq!(py(0.5), "0.5");
        assert_eq!(py(0.0001), "0.0001");
        assert_eq!(py(0.00001), "1e-05");
        assert_eq!(py(1.5e-7), "1.5e-07");
        assert_eq!(py(1e16), "1e+16");
        assert_eq!(py(123456789012345.6), "123456789012345.6");
        assert_eq!(py(-2.5), "-2.5");
        assert_eq!(py(0.0), "0.0");
        assert_eq!(py(9999999999999998.0), "9999999999999998.0");
        assert_eq!(py(1e15), "1000000000000000.0");
        assert_eq!(py(-7.0), "-7.0");
        assert_eq!(py(-1e16), "-1e+16");
    }
}
