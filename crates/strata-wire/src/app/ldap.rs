//! LDAP (RFC 4511) LDAPMessage: messageID and the protocolOp's APPLICATION tag number.

use super::ber;

/// (messageID, protocolOp) of the LDAPMessage at the front of `b`.
pub fn message(b: &[u8]) -> Option<(i64, u8)> {
    let (msg, _) = ber::read(b)?;
    if msg.tag != 0x30 {
        return None;
    }
    let (id, rest) = ber::read(msg.value)?;
    if id.tag != 0x02 {
        return None;
    }
    let (op, _) = ber::read(rest)?;
    (op.tag & 0xc0 == 0x40).then_some((ber::integer(id.value)?, op.number))
}
