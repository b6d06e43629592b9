//! RDP's connection sequence over TPKT (RFC 1006) and X.224 (ISO 8073): the framing of TPKT
//! PDUs, which protocol Wireshark names each one after (RDP, COTP or T.125), and the
//! negotiation request and response of [MS-RDPBCGR] 2.2.1.1 / 2.2.1.2.

/// The TPKT header's length.
pub const TPKT_LEN: usize = 4;

/// The length of the TPKT PDU at the front of `b` (header included), if `b` starts with one.
pub fn tpkt_len(b: &[u8]) -> Option<usize> {
    if b.first() != Some(&3) || b.get(1) != Some(&0) {
        return None;
    }
    let len = u16::from_be_bytes([*b.get(2)?, *b.get(3)?]) as usize;
    (len >= TPKT_LEN + 2).then_some(len)
}

/// The Protocol column Wireshark shows for one whole TPKT PDU: "RDP" for connection requests,
/// MCS Connect-Initial/Response and MCS data; "COTP" for a Connection Confirm without an RDP
/// negotiation response; "T.125" for the other MCS domain PDUs.
pub fn pdu_name(pdu: &[u8]) -> &'static str {
    let Some(&li) = pdu.get(4) else { return "TPKT" };
    let Some(&code) = pdu.get(5) else {
        return "TPKT";
    };
    match code & 0xf0 {
        0xe0 => "RDP",
        0xd0 if negotiation(pdu).is_some() => "RDP",
        0xd0 => "COTP",
        0xf0 => {
            let mcs = pdu.get(5 + li as usize..).unwrap_or(&[]);
            match mcs {
                [0x7f, 0x65 | 0x66, ..] => "RDP",
                [b, ..] => match b >> 2 {
                    // sendDataRequest, sendDataIndication: RDP PDUs inside.
                    25 | 26 => "RDP",
                    _ => "T.125",
                },
                [] => "COTP",
            }
        }
        _ => "COTP",
    }
}

/// The RDP negotiation structure of an X.224 Connection Request or Confirm: (type, flags,
/// requested or selected protocols). Type 1 is a request, 2 a response, 3 a failure.
pub fn negotiation(pdu: &[u8]) -> Option<(u8, u8, u32)> {
    let li = *pdu.get(4)? as usize;
    let x224_end = (5 + li).min(pdu.len());
    // The 8-byte structure ends the X.224 header (after any cookie line).
    let neg = pdu.get(x224_end.checked_sub(8)?..x224_end)?;
    if !(1..=3).contains(&neg[0]) || u16::from_le_bytes([neg[2], neg[3]]) != 8 || li < 6 + 8 {
        return None;
    }
    Some((
        neg[0],
        neg[1],
        u32::from_le_bytes([neg[4], neg[5], neg[6], neg[7]]),
    ))
}

/// The routing cookie line of a Connection Request ("Cookie: mstshash=user", as Wireshark's
/// `rdp.rt_cookie` shows it), without its CR LF.
pub fn cookie(pdu: &[u8]) -> Option<&[u8]> {
    let body = pdu.get(11..)?;
    if !body.starts_with(b"Cookie: ") {
        return None;
    }
    let end = body.windows(2).position(|w| w == b"\r\n")?;
    Some(&body[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_request_and_mcs() {
        // TPKT + X.224 CR with a cookie and an RDP_NEG_REQ asking for TLS | CredSSP.
        let mut cr = vec![3, 0, 0, 0, 0, 0xe0, 0, 0, 0, 0, 0];
        cr.extend_from_slice(b"Cookie: mstshash=A70067\r\n");
        cr.extend_from_slice(&[1, 0, 8, 0, 3, 0, 0, 0]);
        let n = cr.len();
        cr[3] = n as u8;
        cr[4] = (n - 5) as u8;
        assert_eq!(tpkt_len(&cr), Some(n));
        assert_eq!(pdu_name(&cr), "RDP");
        assert_eq!(negotiation(&cr), Some((1, 0, 3)));
        assert_eq!(cookie(&cr), Some(&b"Cookie: mstshash=A70067"[..]));
        // A Connection Confirm without negotiation is COTP; MCS erectDomainRequest is T.125.
        let cc = [3, 0, 0, 11, 6, 0xd0, 0, 0, 0x12, 0x34, 0];
        assert_eq!(pdu_name(&cc), "COTP");
        let edr = [3, 0, 0, 12, 2, 0xf0, 0x80, 0x04, 1, 0, 1, 0];
        assert_eq!(pdu_name(&edr), "T.125");
        assert_eq!(tpkt_len(&[0x17, 3, 3, 0]), None);
    }
}
