//! `strata_wire::app::ftp::data_endpoint`: the data connection a control-connection line
//! announces (227 / 229 replies, PORT / EPRT commands).
//! Checks: no panic; only the first line counts (the same answer for the first line alone,
//! and for it followed by any other lines); an endpoint without an address comes only from a
//! 229 reply; a port is never 0 from EPSV / EPRT; a PORT / 227 answer written back in RFC
//! 959's `h1,h2,h3,h4,p1,p2` form is read back the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_wire::app::{ftp, line};

fuzz_target!(|data: &[u8]| {
    let got = ftp::data_endpoint(data);
    let first = line::first_line(data);
    assert_eq!(got, ftp::data_endpoint(first), "not decided by the first line");
    let mut more = first.to_vec();
    more.extend_from_slice(b"\r\n227 Entering Passive Mode (1,2,3,4,5,6)\r\n");
    assert_eq!(got, ftp::data_endpoint(&more), "a later line changed the answer");
    let Some(ep) = got else { return };
    match ep.addr {
        None => {
            assert!(first.starts_with(b"229"));
            assert_ne!(ep.port, 0);
        }
        Some(ftp::DataAddr::V6(_)) => assert_ne!(ep.port, 0),
        Some(ftp::DataAddr::V4(a)) => {
            let p = ep.port.to_be_bytes();
            let text = format!("PORT {},{},{},{},{},{}", a[0], a[1], a[2], a[3], p[0], p[1]);
            assert_eq!(ftp::data_endpoint(text.as_bytes()), Some(ep));
        }
    }
});
