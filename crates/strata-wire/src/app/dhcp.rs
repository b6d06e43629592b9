//! DHCP (RFC 2131) over BOOTP: the fixed header, the magic cookie and the options.

use crate::bytes::u8_at;
use crate::error::{need, Result};

/// The fixed BOOTP header.
pub const BOOTP_LEN: usize = 236;
pub const MAGIC: [u8; 4] = [99, 130, 83, 99];
const PROTO: &str = "dhcp";

pub mod opt {
    pub const PAD: u8 = 0;
    pub const HOSTNAME: u8 = 12;
    pub const MESSAGE_TYPE: u8 = 53;
    pub const END: u8 = 255;
}

/// One BOOTP / DHCP message.
#[derive(Debug, Clone, Copy)]
pub struct Packet<'a> {
    buf: &'a [u8],
}

impl<'a> Packet<'a> {
    pub fn new_checked(buf: &'a [u8]) -> Result<Packet<'a>> {
        need(PROTO, buf, BOOTP_LEN)?;
        Ok(Packet { buf })
    }
    /// 1 BOOTREQUEST, 2 BOOTREPLY.
    pub fn op(&self) -> u8 {
        u8_at(self.buf, 0)
    }
    pub fn client_mac(&self) -> [u8; 6] {
        crate::bytes::array(self.buf, 28)
    }
    /// True when the DHCP magic cookie follows the BOOTP header.
    pub fn is_dhcp(&self) -> bool {
        self.buf.get(BOOTP_LEN..BOOTP_LEN + 4) == Some(&MAGIC[..])
    }
    /// The options (code, data) in order, pads skipped, up to END or a malformed option.
    pub fn options(&self) -> Options<'a> {
        Options {
            b: if self.is_dhcp() {
                &self.buf[BOOTP_LEN + 4..]
            } else {
                &[]
            },
        }
    }
    pub fn option(&self, code: u8) -> Option<&'a [u8]> {
        self.options().find(|o| o.0 == code).map(|o| o.1)
    }
    /// Option 53, the DHCP message type (1 DISCOVER .. 8 INFORM, ...).
    pub fn message_type(&self) -> Option<u8> {
        self.option(opt::MESSAGE_TYPE)?.first().copied()
    }
}

pub struct Options<'a> {
    b: &'a [u8],
}

impl<'a> Iterator for Options<'a> {
    type Item = (u8, &'a [u8]);
    fn next(&mut self) -> Option<(u8, &'a [u8])> {
        loop {
            let (&code, rest) = self.b.split_first()?;
            match code {
                opt::PAD => self.b = rest,
                opt::END => {
                    self.b = &[];
                    return None;
                }
                _ => {
                    let (&n, rest) = rest.split_first()?;
                    let Some(data) = rest.get(..n as usize) else {
                        self.b = &[];
                        return None;
                    };
                    self.b = &rest[n as usize..];
                    return Some((code, data));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discover_options() {
        let mut b = vec![0u8; BOOTP_LEN];
        b[0] = 1;
        b.extend_from_slice(&MAGIC);
        b.extend_from_slice(&[53, 1, 1, 0, 12, 4, b'h', b'o', b's', b't', 255, 0, 0]);
        let p = Packet::new_checked(&b[..]).unwrap();
        assert!(p.is_dhcp());
        assert_eq!(p.message_type(), Some(1));
        assert_eq!(p.option(opt::HOSTNAME), Some(&b"host"[..]));
        for n in 0..b.len() {
            if let Ok(p) = Packet::new_checked(&b[..n]) {
                let _ = p.options().count();
            }
        }
    }
}
