//! `strata_wire::app::kerberos::msg_type`: the message type of a Kerberos PDU, as a UDP
//! datagram and as a TCP segment (4-byte record mark first).
//! Checks: no panic; a type only from an APPLICATION-class constructed tag (0x60 | n) whose
//! number is a KRB5 message (10-15, 20-22, 30) and whose element is complete; the TCP form is
//! the UDP form of the bytes after the record mark.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_wire::app::{ber, kerberos};

fuzz_target!(|data: &[u8]| {
    let udp = kerberos::msg_type(data, false);
    if let Some(t) = udp {
        assert!(matches!(t, 10..=15 | 20..=22 | 30));
        assert_eq!(data[0], 0x60 | t);
        assert!(ber::read(data).is_some());
    }
    let tcp = kerberos::msg_type(data, true);
    assert_eq!(
        tcp,
        data.get(4..).and_then(|b| kerberos::msg_type(b, false))
    );
});
