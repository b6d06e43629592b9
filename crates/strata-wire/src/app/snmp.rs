//! SNMP (RFC 3416) message header: version and community (v1/v2c), as BER.

use super::ber;

/// The version (0 = v1, 1 = v2c, 3 = v3) and, for v1/v2c, the community string.
pub fn header(b: &[u8]) -> Option<(i64, Option<&[u8]>)> {
    let (msg, _) = ber::read(b)?;
    if msg.tag != 0x30 {
        return None;
    }
    let (version, rest) = ber::read(msg.value)?;
    let v = ber::integer(version.value)?;
    let community = ber::read(rest)
        .filter(|(c, _)| c.tag == 0x04 && v < 3)
        .map(|(c, _)| c.value);
    Some((v, community))
}
