//! `strata_wire::app::smb`: `smb1_command`, `smb2_header` and `smb2_headers` (a compound's
//! chain) behind the 4-byte NetBIOS session header.
//! Checks: no panic; SMB1 only with `\xffSMB` at bytes 4-8, the command byte 8; SMB2 only
//! with `\xfeSMB` and the whole 64-byte header, its command, message id and response flag as
//! in the (little-endian) bytes; never both; the chain starts with that header and holds at
//! most `MAX_COMPOUND` headers, each of 64 bytes inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_wire::app::smb;

fuzz_target!(|data: &[u8]| {
    let one = smb::smb1_command(data);
    if let Some(c) = one {
        assert_eq!(&data[4..8], b"\xffSMB");
        assert_eq!(c, data[8]);
    } else {
        assert!(data.len() < 9 || &data[4..8] != b"\xffSMB");
    }
    match smb::smb2_header(data) {
        Some((cmd, id, resp)) => {
            assert!(one.is_none());
            assert!(data.len() >= 68 && &data[4..8] == b"\xfeSMB");
            let h = &data[4..68];
            assert_eq!(cmd.to_le_bytes(), h[12..14]);
            assert_eq!(id.to_le_bytes(), h[24..32]);
            assert_eq!(resp, h[16] & 1 != 0);
        }
        None => assert!(data.len() < 68 || &data[4..8] != b"\xfeSMB"),
    }
    let chain: Vec<_> = smb::smb2_headers(data).collect();
    assert_eq!(chain.first().copied(), smb::smb2_header(data));
    assert!(chain.len() <= smb::MAX_COMPOUND);
    assert!(chain.len() * 64 <= data.len());
});
