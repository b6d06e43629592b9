//! Kerberos (RFC 4120) message type: the APPLICATION tag of the outer element (AS-REQ 10,
//! AS-REP 11, TGS-REQ 12, TGS-REP 13, AP-REQ 14, AP-REP 15, KRB-ERROR 30). Over TCP a 4-byte
//! record mark comes first.

use super::ber;

/// The message type of a Kerberos PDU (`tcp`: preceded by its record mark).
pub fn msg_type(b: &[u8], tcp: bool) -> Option<u8> {
    let b = if tcp { b.get(4..)? } else { b };
    let (e, _) = ber::read(b)?;
    (e.tag & 0xe0 == 0x60 && matches!(e.number, 10..=15 | 20..=22 | 30)).then_some(e.number)
}
