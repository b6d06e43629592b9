//! A minimal BER (X.690) reader: enough to walk the outer structure of SNMP, Kerberos and
//! LDAP messages to the fields Wireshark shows first. Lengths are bounded by the input; a
//! truncated or indefinite-length element reads as absent.

/// One element: its tag byte, the tag number, and its contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Element<'a> {
    pub tag: u8,
    /// The tag number (low five bits; high-tag-number form is not used by these protocols).
    pub number: u8,
    pub value: &'a [u8],
}

/// Reads the element at the front of `b`; returns it and the bytes after it.
pub fn read(b: &[u8]) -> Option<(Element<'_>, &[u8])> {
    let tag = *b.first()?;
    let first = *b.get(1)?;
    let (len, at) = if first & 0x80 == 0 {
        (first as usize, 2)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 {
            return None;
        }
        let bytes = b.get(2..2 + n)?;
        (
            bytes.iter().fold(0usize, |a, &x| a << 8 | x as usize),
            2 + n,
        )
    };
    let value = b.get(at..at.checked_add(len)?)?;
    Some((
        Element {
            tag,
            number: tag & 0x1f,
            value,
        },
        &b[at + len..],
    ))
}

/// A two's-complement INTEGER's value (up to eight bytes).
pub fn integer(v: &[u8]) -> Option<i64> {
    if v.is_empty() || v.len() > 8 {
        return None;
    }
    let neg = v[0] & 0x80 != 0;
    Some(
        v.iter()
            .fold(if neg { -1i64 } else { 0 }, |a, &x| a << 8 | x as i64),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements() {
        let (e, rest) = read(&[0x30, 0x03, 0x02, 0x01, 0x05, 0xff]).unwrap();
        assert_eq!((e.tag, e.value.len(), rest), (0x30, 3, &[0xff][..]));
        let (i, _) = read(e.value).unwrap();
        assert_eq!(integer(i.value), Some(5));
        assert_eq!(integer(&[0xff, 0x38]), Some(-200));
        assert!(read(&[0x30, 0x82, 0x01]).is_none());
        assert!(read(&[0x04, 0x05, 1, 2]).is_none());
    }
}
