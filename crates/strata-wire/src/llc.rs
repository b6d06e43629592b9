//! IEEE 802.2 LLC and SNAP (RFC 1042), which follow 802.3 length framing and 802.11 data frames.

use crate::bytes::{be16, le16, u8_at};
use crate::error::{need, room, Result, WireError};

const PROTO: &str = "llc";
pub const SAP_SNAP: u8 = 0xaa;
pub const SAP_STP: u8 = 0x42;
pub const SAP_NETWARE: u8 = 0xe0;

/// A zero-copy view of an LLC header (3 bytes, or 4 for I/S frames), with SNAP when DSAP=0xaa.
#[derive(Debug, Clone, Copy)]
pub struct Packet<T: AsRef<[u8]>> {
    buf: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    pub fn new_checked(buf: T) -> Result<Packet<T>> {
        let p = Packet { buf };
        need(PROTO, p.buf.as_ref(), p.header_len())?;
        Ok(p)
    }
    pub fn dsap(&self) -> u8 {
        u8_at(self.buf.as_ref(), 0)
    }
    pub fn ssap(&self) -> u8 {
        u8_at(self.buf.as_ref(), 1)
    }
    pub fn control(&self) -> u8 {
        u8_at(self.buf.as_ref(), 2)
    }
    pub fn is_snap(&self) -> bool {
        self.dsap() == SAP_SNAP && self.ssap() == SAP_SNAP
    }
    /// LLC (3 or 4 bytes) plus SNAP (5 bytes) when present.
    pub fn header_len(&self) -> usize {
        // U-frames have control low bits 11 and one control byte; I and S frames have two.
        let llc = if self.control() & 3 == 3 { 3 } else { 4 };
        if self.is_snap() {
            llc + 5
        } else {
            llc
        }
    }
    /// SNAP organisation code (0 = encapsulated Ethernet, RFC 1042).
    pub fn snap_oui(&self) -> Option<u32> {
        let b = self.buf.as_ref();
        self.is_snap()
            .then(|| ((u8_at(b, 3) as u32) << 16) | (be16(b, 4) as u32))
    }
    /// SNAP protocol id: an EtherType when the OUI is 0.
    pub fn snap_pid(&self) -> Option<u16> {
        self.is_snap().then(|| be16(self.buf.as_ref(), 6))
    }
}

/// An LLC/SNAP header carrying an EtherType (RFC 1042), as crafted for 802.3 / 802.11.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SnapRepr {
    pub oui: u32,
    pub pid: u16,
}

impl SnapRepr {
    pub fn buffer_len(&self) -> usize {
        8
    }
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize> {
        room(PROTO, buf, 8)?;
        buf[..3].copy_from_slice(&[SAP_SNAP, SAP_SNAP, 0x03]);
        buf[3..6].copy_from_slice(&self.oui.to_be_bytes()[1..]);
        buf[6..8].copy_from_slice(&self.pid.to_be_bytes());
        Ok(8)
    }
}

/// An 802.2 LLC header as values (`llc.dsap`, `llc.ssap`, `llc.control`), with its SNAP
/// extension when DSAP and SSAP are both 0xaa.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repr {
    /// Destination SAP, including the I/G bit (0x01).
    pub dsap: u8,
    /// Source SAP, including the C/R bit (0x01).
    pub ssap: u8,
    /// The control field as Wireshark's `llc.control` shows it: one byte for U frames (low
    /// bits 11, e.g. 0x03 UI), or two little-endian bytes for I and S frames (the first byte
    /// on the wire is the low one, so `control & 3` classifies either form).
    pub control: u16,
    /// Present exactly when DSAP = SSAP = 0xaa.
    pub snap: Option<SnapRepr>,
}

impl Repr {
    pub fn parse<T: AsRef<[u8]>>(p: &Packet<T>) -> Result<Repr> {
        let b = p.buf.as_ref();
        let control = if p.control() & 3 == 3 {
            p.control() as u16
        } else {
            le16(b, 2)
        };
        let snap = match (p.snap_oui(), p.snap_pid()) {
            (Some(oui), Some(pid)) => Some(SnapRepr { oui, pid }),
            _ => None,
        };
        Ok(Repr {
            dsap: p.dsap(),
            ssap: p.ssap(),
            control,
            snap,
        })
    }
    fn control_len(&self) -> usize {
        if self.control & 3 == 3 {
            1
        } else {
            2
        }
    }
    pub fn buffer_len(&self) -> usize {
        2 + self.control_len() + if self.snap.is_some() { 5 } else { 0 }
    }
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize> {
        let is_snap = self.dsap == SAP_SNAP && self.ssap == SAP_SNAP;
        if is_snap != self.snap.is_some() || (self.control_len() == 1 && self.control > 0xff) {
            return Err(WireError::Malformed {
                proto: PROTO,
                what: "SNAP present without SAPs 0xaa, or a U-frame control over one byte",
            });
        }
        let n = self.buffer_len();
        room(PROTO, buf, n)?;
        buf[0] = self.dsap;
        buf[1] = self.ssap;
        let c = self.control.to_le_bytes();
        let cl = self.control_len();
        buf[2..2 + cl].copy_from_slice(&c[..cl]);
        if let Some(snap) = self.snap {
            buf[2 + cl..5 + cl].copy_from_slice(&snap.oui.to_be_bytes()[1..]);
            buf[5 + cl..7 + cl].copy_from_slice(&snap.pid.to_be_bytes());
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_snap_stp_and_i_frame() {
        let cases = [
            // RFC 1042 SNAP carrying IPv4, as after an 802.11 data header.
            Repr {
                dsap: SAP_SNAP,
                ssap: SAP_SNAP,
                control: 0x03,
                snap: Some(SnapRepr {
                    oui: 0,
                    pid: 0x0800,
                }),
            },
            // Spanning tree BPDU: UI frame to SAP 0x42.
            Repr {
                dsap: SAP_STP,
                ssap: SAP_STP,
                control: 0x03,
                snap: None,
            },
            // NetBIOS I-frame: N(S)=5, N(R)=7, two control bytes.
            Repr {
                dsap: 0xf0,
                ssap: 0xf0,
                control: 0x0e0a,
                snap: None,
            },
        ];
        for r in cases {
            let mut buf = [0u8; 8];
            let n = r.emit(&mut buf).unwrap();
            assert_eq!(n, r.buffer_len());
            let p = Packet::new_checked(&buf[..n]).unwrap();
            assert_eq!(p.header_len(), n);
            assert_eq!(Repr::parse(&p).unwrap(), r);
        }
        // SnapRepr and Repr agree on the SNAP bytes.
        let (mut a, mut b) = ([0u8; 8], [0u8; 8]);
        cases[0].emit(&mut a).unwrap();
        if let Some(s) = cases[0].snap {
            s.emit(&mut b).unwrap();
        }
        assert_eq!(a, b);
        assert_eq!(&a[..], &[0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00]);
        let bad = Repr {
            snap: None,
            ..cases[0]
        };
        assert!(bad.emit(&mut a).is_err());
    }

    #[test]
    fn hostile_truncations() {
        let r = Repr {
            dsap: SAP_SNAP,
            ssap: SAP_SNAP,
            control: 0x03,
            snap: Some(SnapRepr {
                oui: 0x00_000c,
                pid: 0x2000,
            }),
        };
        let mut buf = [0u8; 8];
        r.emit(&mut buf).unwrap();
        for cut in 0..buf.len() {
            assert!(Packet::new_checked(&buf[..cut]).is_err(), "cut {cut}");
        }
    }
}
