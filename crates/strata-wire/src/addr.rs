//! Addresses from text, as specs, filters and the command line write them. Callers parse one
//! for every packet they craft, so these read the bytes directly instead of through `std`'s
//! general parser (several times the cost), and accept exactly what `std` accepts: the
//! dotted quad in full, the plain hexadecimal IPv6 forms (every other form is left to `std`).

use core::net::{Ipv4Addr, Ipv6Addr};

/// Each byte's value as a hexadecimal digit, `NOT_HEX` if it is not one.
const HEX_VALUE: [u8; 256] = {
    let mut t = [NOT_HEX; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = match b as u8 {
            c @ b'0'..=b'9' => c - b'0',
            c @ b'a'..=b'f' => c - b'a' + 10,
            c @ b'A'..=b'F' => c - b'A' + 10,
            _ => NOT_HEX,
        };
        b += 1;
    }
    t
};
const NOT_HEX: u8 = 0xff;

/// The value of a hexadecimal digit.
#[inline]
pub(crate) fn hex_digit(b: u8) -> Option<u8> {
    match HEX_VALUE[usize::from(b)] {
        NOT_HEX => None,
        v => Some(v),
    }
}

/// An IPv4 address as `std` parses it (`"198.18.0.1"`): four decimal octets of one to three
/// digits, no leading zero.
pub fn parse_ipv4(s: &str) -> Option<Ipv4Addr> {
    let b = s.as_bytes();
    let mut octets = [0u8; 4];
    let mut i = 0;
    for (k, octet) in octets.iter_mut().enumerate() {
        if k > 0 {
            if b.get(i) != Some(&b'.') {
                return None;
            }
            i += 1;
        }
        let start = i;
        let mut v = 0u16;
        while let Some(&d) = b.get(i) {
            if !d.is_ascii_digit() || i - start == 3 {
                break;
            }
            v = v * 10 + u16::from(d - b'0');
            i += 1;
        }
        let digits = i - start;
        if digits == 0 || (digits > 1 && b[start] == b'0') {
            return None;
        }
        *octet = u8::try_from(v).ok()?;
    }
    (i == b.len()).then(|| Ipv4Addr::from(octets))
}

/// An IPv6 address as `std` parses it (`"2001:db8::1"`). Groups of hexadecimal digits with at
/// most one `::` are read here; other text (an embedded IPv4 address, or anything this reader
/// does not take) goes to `std`, which decides.
pub fn parse_ipv6(s: &str) -> Option<Ipv6Addr> {
    hex_ipv6(s.as_bytes()).or_else(|| s.parse().ok())
}

/// The plain hexadecimal form: up to eight groups of one to four digits, `::` standing for at
/// least one zero group (as in `std`); `None` for anything else.
fn hex_ipv6(s: &[u8]) -> Option<Ipv6Addr> {
    let (head, tail) = match s.windows(2).position(|w| w == b"::") {
        Some(at) => (&s[..at], Some(&s[at + 2..])),
        None => (s, None),
    };
    let mut groups = [0u16; 8];
    let n_head = read_groups(head, &mut groups)?;
    match tail {
        None if n_head == 8 => {}
        Some(tail) => {
            let mut tail_groups = [0u16; 8];
            let n_tail = read_groups(tail, &mut tail_groups)?;
            if n_head + n_tail > 7 {
                return None;
            }
            groups[8 - n_tail..].copy_from_slice(&tail_groups[..n_tail]);
        }
        None => return None,
    }
    Some(Ipv6Addr::from(groups))
}

/// Reads `a:b:c` (or nothing) into `out`; the number of groups, or `None` if a group is empty,
/// longer than four digits or not hexadecimal, or there are more than eight.
fn read_groups(s: &[u8], out: &mut [u16; 8]) -> Option<usize> {
    if s.is_empty() {
        return Some(0);
    }
    let mut n = 0;
    for group in s.split(|&b| b == b':') {
        if group.is_empty() || group.len() > 4 || n == 8 {
            return None;
        }
        out[n] = group
            .iter()
            .try_fold(0u16, |v, &d| Some(v << 4 | u16::from(hex_digit(d)?)))?;
        n += 1;
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Random text from an alphabet that makes addresses and near misses.
    fn samples(alphabet: &[&str], seed: u64, n: usize) -> Vec<String> {
        let mut x = seed;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        (0..n)
            .map(|_| {
                let len = (next() % 14) as usize;
                (0..len)
                    .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                    .collect()
            })
            .collect()
    }

    #[test]
    fn ipv4_agrees_with_std() {
        let alphabet = [
            "0", "1", "2", "5", "9", ".", ".", "25", "255", "256", "00", "x", "+", " ", "é",
        ];
        let mut cases = samples(&alphabet, 7, 200_000);
        cases.extend(
            [
                "198.18.0.1",
                "0.0.0.0",
                "255.255.255.255",
                "1.2.3",
                "1.2.3.4.",
                "01.2.3.4",
                "1..2.3",
            ]
            .map(String::from),
        );
        // Dotted quads from near-miss octets.
        let octets = [
            "0", "1", "00", "01", "9", "99", "255", "256", "300", "1000", "", "x", "+1",
        ];
        let picks = samples(
            &[
                "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c",
            ],
            5,
            40_000,
        );
        for p in &picks {
            let idx: Vec<usize> = p.bytes().map(|b| usize::from(b) % octets.len()).collect();
            if idx.len() >= 4 {
                cases.push(
                    idx[..4]
                        .iter()
                        .map(|&i| octets[i])
                        .collect::<Vec<_>>()
                        .join("."),
                );
            }
        }
        for s in &cases {
            assert_eq!(parse_ipv4(s), s.parse().ok(), "{s:?}");
        }
    }

    #[test]
    fn ipv6_agrees_with_std() {
        let alphabet = [
            "0", "1", "f", "F", "db8", "2001", "ffff", "12345", ":", ":", "::", ".", "1.2.3.4",
            "g", "%",
        ];
        let mut cases = samples(&alphabet, 11, 200_000);
        cases.extend(
            [
                "2001:db8::1",
                "::",
                "::1",
                "1::",
                "1:2:3:4:5:6:7:8",
                "1:2:3:4:5:6:7::",
                "::2:3:4:5:6:7:8",
                "1:2:3:4:5:6:7:8::",
                "1::2::3",
                ":1",
                "1:",
                "::ffff:1.2.3.4",
                "fe80::1%eth0",
                "12345::",
            ]
            .map(String::from),
        );
        // Groups joined by `:`, with `::` somewhere or nowhere.
        let groups = [
            "0", "1", "db8", "2001", "ffff", "FfFf", "12345", "", "g", "1.2.3.4",
        ];
        let picks = samples(
            &["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a"],
            9,
            60_000,
        );
        for p in &picks {
            let idx: Vec<usize> = p.bytes().map(|b| usize::from(b) % 11).collect();
            let Some((&gap, rest)) = idx.split_first() else {
                continue;
            };
            let mut s: Vec<&str> = rest.iter().map(|&i| groups[i % groups.len()]).collect();
            if gap < s.len() {
                s.insert(gap, "");
            }
            cases.push(s.join(":"));
        }
        for s in &cases {
            assert_eq!(parse_ipv6(s), s.parse().ok(), "{s:?}");
            if let Some(a) = hex_ipv6(s.as_bytes()) {
                assert_eq!(Some(a), s.parse().ok(), "fast path {s:?}");
            }
        }
    }
}
