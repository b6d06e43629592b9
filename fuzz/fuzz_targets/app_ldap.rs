//! `strata_wire::app::ldap::message`: messageID and protocolOp of an LDAPMessage, and each
//! message of the input in turn (LDAP over TCP packs several into one segment).
//! Checks: no panic; accepted only for a SEQUENCE whose first element is an INTEGER (the
//! messageID, as `ber::integer` reads it) followed by an APPLICATION-class element whose tag
//! number is the protocolOp.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_wire::app::{ber, ldap};

fuzz_target!(|data: &[u8]| {
    let mut b = data;
    for _ in 0..256 {
        let Some((msg, rest)) = ber::read(b) else {
            assert_eq!(ldap::message(b), None);
            return;
        };
        if let Some((id, op)) = ldap::message(b) {
            assert_eq!(msg.tag, 0x30);
            let (e, after) = ber::read(msg.value).unwrap();
            assert_eq!(e.tag, 0x02);
            assert_eq!(ber::integer(e.value), Some(id));
            let (o, _) = ber::read(after).unwrap();
            assert_eq!(o.tag & 0xc0, 0x40);
            assert_eq!(o.number, op);
            assert!(op <= 31);
        } else {
            assert!(
                msg.tag != 0x30
                    || msg.value.is_empty()
                    || ber::read(msg.value).is_none_or(|(e, after)| e.tag != 2
                        || ber::integer(e.value).is_none()
                        || ber::read(after).is_none_or(|(o, _)| o.tag & 0xc0 != 0x40))
            );
        }
        if rest.len() >= b.len() {
            return;
        }
        b = rest;
    }
});
