//! Shared by `dissect_app` and `flow_classify`: one TCP or UDP conversation given as a
//! sequence of segments, each turned into an Ethernet / IPv4|IPv6 / TCP|UDP frame.
//!
//! Input: a 5-byte header, then segments separated by the 4-byte marker `\xffSEG`.
//! - header byte 0: bit 0 UDP (else TCP), bit 1 IPv6 (else IPv4); bytes 1-2 the client port,
//!   bytes 3-4 the server port (big-endian).
//! - each segment: byte 0 `ctl` (bit 7: sent by the server; bit 6: the IP length announces 64
//!   bytes more than captured; bits 0-5: TCP flags FIN SYN RST PSH ACK URG), byte 1 a signed
//!   offset added to the expected sequence number (0 = in order, < 0 overlap or
//!   retransmission, > 0 a gap), then the payload.
//!
//! `fuzz/tools/app_seeds.py` writes this format from the captures; keep the two in step.

pub const MARKER: &[u8] = b"\xffSEG";
pub const MAX_SEGS: usize = 64;

#[derive(Clone, Copy)]
pub struct Seg<'a> {
    pub server: bool,
    pub cut: bool,
    pub flags: u8,
    pub skew: i8,
    pub payload: &'a [u8],
}

pub struct Conv<'a> {
    pub udp: bool,
    pub v6: bool,
    pub cport: u16,
    pub sport: u16,
    pub segs: Vec<Seg<'a>>,
}

fn split(mut data: &[u8]) -> impl Iterator<Item = &[u8]> {
    std::iter::from_fn(move || {
        if data.is_empty() {
            return None;
        }
        match data.windows(MARKER.len()).position(|w| w == MARKER) {
            Some(i) => {
                let piece = &data[..i];
                data = &data[i + MARKER.len()..];
                Some(piece)
            }
            None => Some(std::mem::take(&mut data)),
        }
    })
}

pub fn parse(data: &[u8]) -> Option<Conv<'_>> {
    if data.len() < 5 {
        return None;
    }
    let (h, rest) = data.split_at(5);
    let segs = split(rest)
        .take(MAX_SEGS)
        .filter(|p| p.len() >= 2)
        .map(|p| Seg {
            server: p[0] & 0x80 != 0,
            cut: p[0] & 0x40 != 0,
            flags: p[0] & 0x3f,
            skew: p[1] as i8,
            payload: &p[2..],
        })
        .collect();
    Some(Conv {
        udp: h[0] & 1 != 0,
        v6: h[0] & 2 != 0,
        cport: u16::from_be_bytes([h[1], h[2]]),
        sport: u16::from_be_bytes([h[3], h[4]]),
        segs,
    })
}

/// Builds the frames of a conversation, tracking each direction's next sequence number.
pub struct Builder {
    next: [u32; 2],
    pub frame: Vec<u8>,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            next: [0x1000_0000, 0x8000_0000],
            frame: Vec::with_capacity(2048),
        }
    }
}

impl Builder {
    /// The frame of `s` in `self.frame`.
    pub fn build(&mut self, c: &Conv, s: &Seg) {
        let f = &mut self.frame;
        f.clear();
        let d = s.server as usize;
        let (mac_c, mac_s) = ([0x02, 0, 0, 0, 0, 1], [0x02, 0, 0, 0, 0, 2]);
        let (src_mac, dst_mac) = if s.server {
            (mac_s, mac_c)
        } else {
            (mac_c, mac_s)
        };
        f.extend_from_slice(&dst_mac);
        f.extend_from_slice(&src_mac);
        f.extend_from_slice(if c.v6 { &[0x86, 0xdd] } else { &[0x08, 0x00] });
        let l4_len = if c.udp { 8 } else { 20 } + s.payload.len();
        let extra = if s.cut { 64 } else { 0 };
        let proto = if c.udp { 17 } else { 6 };
        let (ip_c, ip_s): ([u8; 16], [u8; 16]) = if c.v6 {
            (
                [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
                [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2],
            )
        } else {
            let mut a = [0u8; 16];
            let mut b = [0u8; 16];
            a[..4].copy_from_slice(&[10, 0, 0, 1]);
            b[..4].copy_from_slice(&[10, 0, 0, 2]);
            (a, b)
        };
        let (src, dst) = if s.server { (ip_s, ip_c) } else { (ip_c, ip_s) };
        if c.v6 {
            let plen = (l4_len + extra).min(0xffff) as u16;
            f.extend_from_slice(&[0x60, 0, 0, 0]);
            f.extend_from_slice(&plen.to_be_bytes());
            f.extend_from_slice(&[proto, 64]);
            f.extend_from_slice(&src);
            f.extend_from_slice(&dst);
        } else {
            let tot = (20 + l4_len + extra).min(0xffff) as u16;
            f.extend_from_slice(&[0x45, 0]);
            f.extend_from_slice(&tot.to_be_bytes());
            f.extend_from_slice(&[0, 1, 0x40, 0, 64, proto, 0, 0]);
            f.extend_from_slice(&src[..4]);
            f.extend_from_slice(&dst[..4]);
            let sum = strata_wire::checksum::checksum(&f[14..34]);
            f[24..26].copy_from_slice(&sum.to_be_bytes());
        }
        let (sp, dp) = if s.server {
            (c.sport, c.cport)
        } else {
            (c.cport, c.sport)
        };
        f.extend_from_slice(&sp.to_be_bytes());
        f.extend_from_slice(&dp.to_be_bytes());
        if c.udp {
            let ulen = (8 + s.payload.len() + extra).min(0xffff) as u16;
            f.extend_from_slice(&ulen.to_be_bytes());
            f.extend_from_slice(&[0, 0]);
        } else {
            let seq = self.next[d].wrapping_add(s.skew as i32 as u32);
            let ack = self.next[d ^ 1];
            f.extend_from_slice(&seq.to_be_bytes());
            f.extend_from_slice(&ack.to_be_bytes());
            f.extend_from_slice(&[0x50, s.flags, 0xff, 0xff, 0, 0, 0, 0]);
            let consumed = (s.payload.len() + extra) as u32 + (s.flags & 3 != 0) as u32;
            let end = seq.wrapping_add(consumed);
            if (end.wrapping_sub(self.next[d]) as i32) > 0 || s.flags & 2 != 0 {
                self.next[d] = end;
            }
        }
        f.extend_from_slice(s.payload);
    }
}
