//! Application layers of a frame: TShark's port and heuristic dispatch over the L4 payload,
//! and TCP stream reassembly so that a message split over segments is dissected on the frame
//! that completes it (Wireshark's `tcp.desegment` with HTTP and TLS asking for more data).
//!
//! Reassembly is bounded: at most [`MAX_CONVS`] conversations and [`MAX_BUF`] bytes pending
//! per direction; what the caps refuse is counted in [`Stats`]. In-order bytes only (as
//! Wireshark's default): a retransmission is skipped, a gap drops the pending bytes. When the
//! message that lost them announced its length, the segments up to its end are still shown
//! as its segments (it never completes, as in Wireshark); the parser resyncs after it, or at
//! the next segment when the length was unknown.

use std::collections::{HashMap, HashSet};
use strata_wire::app::{self, bitcoin, dns, ftp, http, quic, rdp, ssh, tls, vnc};
use strata_wire::hash::FxBuild;
use strata_wire::{Decoded, Layer, Proto};

/// Conversations tracked at once.
pub const MAX_CONVS: usize = 1 << 16;
/// Bytes kept per direction while a message is incomplete.
pub const MAX_BUF: usize = 1 << 20;

/// `ext_kind` bits of a TLS layer.
pub mod tls_kind {
    /// Low 3 bits: 0 unknown (SSL), 1 SSLv3, 2 TLSv1, 3 TLSv1.1, 4 TLSv1.2, 5 TLSv1.3.
    pub const VERSION: u8 = 0x07;
    /// A handshake record sent after ChangeCipherSpec: its body is encrypted.
    pub const ENCRYPTED: u8 = 0x80;
    /// Bytes that are not a TLS record (continuation data).
    pub const NOT_RECORD: u8 = 0x40;
    /// A handshake message carried in QUIC CRYPTO frames (the layer holds a synthetic
    /// record header so the TLS fields read it like any other).
    pub const IN_QUIC: u8 = 0x20;
}

/// Counters of what reassembly met and what its caps dropped.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    pub segments: u64,
    pub retransmissions: u64,
    pub gaps: u64,
    /// Messages given up because they exceeded [`MAX_BUF`].
    pub oversize: u64,
    /// Conversations not tracked because the table was full.
    pub convs_dropped: u64,
}

type Key = ([u8; 16], [u8; 16], u16, u16);

#[derive(Default)]
struct Dir {
    next_seq: Option<u32>,
    /// Bytes of an incomplete message.
    buf: Vec<u8>,
    /// TLS ChangeCipherSpec seen: handshake records are encrypted from here.
    ccs: bool,
    fin: bool,
    /// SSH identification line seen.
    banner: bool,
    /// SSH: NEWKEYS sent (or the start of the stream missed): packets are encrypted.
    ssh_keyed: bool,
    /// Where the incomplete message in `buf` ends (its first sequence number past it), when
    /// its header says how long it is.
    pdu_end: Option<u32>,
    /// The capture lost bytes of that message: segments up to `pdu_end` belong to a message
    /// that cannot complete (Wireshark still counts them as its segments).
    pdu_lost: bool,
}

#[derive(Default)]
struct Conv {
    proto: Option<(Proto, u8)>,
    /// Ports looked at.
    decided: bool,
    /// The direction (0 / 1) the server sends in.
    server: usize,
    /// The negotiated TLS version (from a ServerHello), or SSH major version.
    version: u16,
    dirs: [Dir; 2],
    /// RFB message framing, for VNC conversations.
    vnc: Option<Box<vnc::Framer>>,
    /// An HTTP CONNECT request awaits its response (a 2xx one has no body: the tunnel
    /// starts right after its head).
    http_connect: bool,
}

/// The per-dissector state for application layers.
#[derive(Default)]
pub struct AppState {
    /// The application layers of the current frame.
    pub layers: Vec<Layer>,
    /// Bytes of reassembled messages of the current frame; layers marked `reassembled` point
    /// here.
    pub stream: Vec<u8>,
    /// The current frame's TCP payload belongs to a stream whose protocol is known, even if
    /// no message completes in it (Wireshark then shows no `data`).
    pub claimed: bool,
    /// The current frame's TCP payload ends in a message that is not complete yet (what
    /// Wireshark calls a segment of a reassembled PDU): the message's protocol.
    pub pending: Option<Proto>,
    /// That message starts in this frame (its dissector saw the frame), rather than
    /// continuing one an earlier frame started.
    pub pending_starts: bool,
    /// The VNC message the current frame's segment is part of (the Info column's name).
    pub vnc_message: Option<vnc::Message>,
    convs: HashMap<Key, Conv, FxBuild>,
    /// TFTP transfers: (client address, client port, server address). The server answers
    /// from a new port, so Wireshark follows the client's endpoint, as this does.
    tftp: HashSet<([u8; 16], u16, [u8; 16]), FxBuild>,
    /// Endpoints (address, port) that FTP control connections announced for data
    /// connections (PASV / EPSV replies, PORT / EPRT commands): a TCP connection to or from
    /// one is FTP-DATA, as in Wireshark.
    ftp_data: HashSet<([u8; 16], u16), FxBuild>,
    /// QUIC connections whose Initial packets are being read, by canonical endpoints.
    quic: HashMap<Key, Box<QuicConv>, FxBuild>,
    /// The Info column of the current frame's QUIC packet, as Wireshark writes it (empty
    /// when the frame has none).
    pub quic_info: Vec<u8>,
    /// The head of the HTTP message the frame's segment continues, when its length is not
    /// known ahead (a chunked body): Wireshark parses the message again with each segment,
    /// so every one shows its start line.
    pub pending_head: Vec<u8>,
    pub stats: Stats,
}

/// The most QUIC connections followed at once.
const MAX_QUIC: usize = 4096;

/// What QUIC's Initial packets have shown of one connection.
#[derive(Default)]
struct QuicConv {
    /// The client's endpoint (address, port).
    client: ([u8; 16], u16),
    /// The Destination Connection ID of the client's latest Initial: both sides' Initial
    /// keys derive from it.
    dcid: Vec<u8>,
    /// CRYPTO streams [client, server] and how much of each has been shown (its complete
    /// handshake messages: a ClientHello, a second one after a HelloRetryRequest, ...).
    crypto: [quic::CryptoStream; 2],
    shown: [usize; 2],
    /// The Source Connection ID each side [client, server] gave last: the other side's
    /// short-header packets carry it as their Destination Connection ID.
    scid: [Vec<u8>; 2],
}

/// The most TFTP transfers remembered.
const MAX_TFTP: usize = 4096;
/// The most announced FTP data endpoints remembered.
const MAX_FTP_DATA: usize = 4096;
const FTP: Option<(Proto, u8)> = Some((Proto::AppNamed, app::kind_of("FTP")));
const FTP_DATA: Option<(Proto, u8)> = Some((Proto::AppNamed, app::kind_of("FTP-DATA")));
const BITTORRENT: Option<(Proto, u8)> = Some((Proto::AppNamed, app::kind_of("BitTorrent")));
const BITCOIN: Option<(Proto, u8)> = Some((Proto::AppNamed, app::kind_of("Bitcoin")));

fn layer(proto: Proto, kind: u8, start: usize, end: usize, reassembled: bool) -> Layer {
    Layer {
        proto,
        start: start as u32,
        len: (end - start) as u32,
        end: end as u32,
        partial: false,
        quoted: false,
        ext_kind: kind,
        reassembled,
    }
}

/// The IP addresses of the innermost unquoted IP layer before `at`.
/// Wireshark's Info for a long-header QUIC packet: the type, then the connection IDs that
/// are not empty.
fn quic_long_info(pkt: &[u8], ptype: u8, info: &mut Vec<u8>) {
    let version = pkt
        .get(1..5)
        .map_or(1, |v| u32::from_be_bytes([v[0], v[1], v[2], v[3]]));
    if version == 0 {
        info.extend_from_slice(b"Version Negotiation");
    } else {
        info.extend_from_slice(match ptype {
            0 => b"Initial".as_slice(),
            1 => b"0-RTT",
            2 => b"Handshake",
            _ => b"Retry",
        });
    }
    let dcid = pkt
        .get(5)
        .and_then(|&n| pkt.get(6..6 + n as usize))
        .unwrap_or_default();
    if !dcid.is_empty() {
        info.extend_from_slice(b", DCID=");
        push_hex(info, dcid);
    }
    if let Some(scid) = quic_scid(pkt).filter(|s| !s.is_empty()) {
        info.extend_from_slice(b", SCID=");
        push_hex(info, scid);
    }
}

/// The Source Connection ID of a long-header packet.
fn quic_scid(pkt: &[u8]) -> Option<&[u8]> {
    let dcid_len = *pkt.get(5)? as usize;
    let at = 6 + dcid_len;
    let n = *pkt.get(at)? as usize;
    pkt.get(at + 1..at + 1 + n)
}

fn push_hex(out: &mut Vec<u8>, b: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for &x in b {
        out.push(HEX[usize::from(x >> 4)]);
        out.push(HEX[usize::from(x & 15)]);
    }
}

fn endpoints(decoded: &Decoded, frame: &[u8], _datagram: &[u8], at: u32) -> ([u8; 16], [u8; 16]) {
    decoded
        .layers()
        .iter()
        .rev()
        .filter(|l| l.start < at && !l.quoted && !l.reassembled)
        .find(|l| matches!(l.proto, Proto::Ipv4 | Proto::Ipv6))
        .map_or(([0; 16], [0; 16]), |l| {
            crate::frame::ip_addresses(l.proto, l.header(frame))
        })
}

impl AppState {
    /// Finds the application layers of the frame just decoded.
    pub fn dissect(&mut self, decoded: &Decoded, frame: &[u8], datagram: &[u8]) {
        self.layers.clear();
        self.stream.clear();
        self.claimed = false;
        self.pending = None;
        self.pending_starts = false;
        self.vnc_message = None;
        self.quic_info.clear();
        self.pending_head.clear();
        let Some((s, e)) = decoded.app else {
            return;
        };
        let Some(l4) = decoded
            .layers()
            .iter()
            .rev()
            .find(|l| !l.quoted && matches!(l.proto, Proto::Tcp | Proto::Udp))
        else {
            return;
        };
        let buf = if decoded.app_reassembled {
            datagram
        } else {
            frame
        };
        let h = l4.header(buf);
        if h.len() < 4 {
            return;
        }
        let (sport, dport) = (
            u16::from_be_bytes([h[0], h[1]]),
            u16::from_be_bytes([h[2], h[3]]),
        );
        let (s, e) = (s as usize, e as usize);
        let Some(payload) = buf.get(s..e) else {
            return;
        };
        // Layers point into the frame, or into `stream` for bytes from elsewhere.
        let (base, in_frame) = if decoded.app_reassembled {
            self.stream.extend_from_slice(payload);
            (0, false)
        } else {
            (s, true)
        };
        match l4.proto {
            Proto::Udp => {
                let (src, dst) = endpoints(decoded, frame, datagram, l4.start);
                self.udp((src, dst, sport, dport), payload, base, in_frame)
            }
            Proto::Tcp if h.len() >= 14 && !l4.partial => {
                let (src, dst) = endpoints(decoded, frame, datagram, l4.start);
                let seq = u32::from_be_bytes([h[4], h[5], h[6], h[7]]);
                let flags = h[13];
                let declared = (l4.end - l4.start).saturating_sub(l4.len) as usize;
                self.tcp(
                    (src, dst, sport, dport),
                    seq,
                    flags,
                    payload,
                    declared,
                    base,
                    in_frame,
                );
            }
            _ => {}
        }
    }

    fn udp(&mut self, key: Key, p: &[u8], base: usize, in_frame: bool) {
        let (src, dst, sport, dport) = key;
        if p.is_empty() {
            return;
        }
        if dport == 69 && self.tftp.len() < MAX_TFTP {
            self.tftp.insert((src, sport, dst));
        }
        let tftp = self.tftp.contains(&(src, sport, dst)) || self.tftp.contains(&(dst, dport, src));
        let Some((proto, kind)) = app::by_ports(sport, dport, app::udp_port)
            .or_else(|| app::udp_named(sport, dport, p))
            .or_else(|| tftp.then(|| app::named_kind("TFTP")).flatten())
        else {
            return;
        };
        let quic_named = proto == Proto::AppNamed && app::filter_name(kind) == "quic";
        let ok = match proto {
            Proto::Dns => p.len() >= dns::HEADER_LEN,
            Proto::Dhcp => p.len() >= app::dhcp::BOOTP_LEN,
            Proto::Http => !matches!(http::Head::parse(p), http::Parse::NotHttp),
            _ => true,
        };
        if ok {
            self.layers
                .push(layer(proto, kind, base, base + p.len(), !in_frame));
        }
        if quic_named || (p[0] & 0x80 != 0 && p.len() >= 7) {
            self.quic_initials(key, p, quic_named, base, in_frame);
        }
    }

    /// Reads the Initial packets of a QUIC datagram (coalesced packets included), adds their
    /// CRYPTO frames to the connection's streams, and shows a ClientHello or ServerHello as a
    /// TLS layer in the frame where it completes, as Wireshark does.
    fn quic_initials(&mut self, key: Key, p: &[u8], named: bool, base: usize, in_frame: bool) {
        let (src, dst, sport, dport) = key;
        let rev = (dst, src, dport, sport);
        let ck = if key <= rev { key } else { rev };
        if p[0] & 0x80 == 0 {
            self.quic_short_info(ck, (src, sport), p);
        }
        let mut off = 0;
        let mut seen = false;
        while let Some((version, ptype, dcid, end)) = p.get(off..).and_then(quic::long_header) {
            if quic::version_salt(version).is_none() || end == 0 {
                break;
            }
            // Each packet of a coalesced datagram sets the column anew: the last one's shows.
            self.quic_info.clear();
            quic_long_info(&p[off..], ptype, &mut self.quic_info);
            if let Some(conv) = self.quic.get_mut(&ck) {
                // Each side's latest Source Connection ID, for its peer's short headers.
                let side = usize::from(conv.client != (src, sport));
                if let Some(scid) = quic_scid(&p[off..]) {
                    conv.scid[side].clear();
                    conv.scid[side].extend_from_slice(scid);
                }
            }
            if ptype == 0 {
                if !self.quic.contains_key(&ck) {
                    if self.quic.len() >= MAX_QUIC {
                        self.stats.convs_dropped += 1;
                        return;
                    }
                    let mut conv = Box::new(QuicConv {
                        client: (src, sport),
                        ..QuicConv::default()
                    });
                    if let Some(scid) = quic_scid(&p[off..]) {
                        conv.scid[0].extend_from_slice(scid);
                    }
                    self.quic.insert(ck, conv);
                }
                let Some(conv) = self.quic.get_mut(&ck) else {
                    return;
                };
                let from_server = conv.client != (src, sport);
                let pkt = &p[off..];
                let plain = if from_server {
                    quic::decrypt_packet(pkt, Some(&conv.dcid))
                } else {
                    // The client keeps its first Initial's keys when it moves to the server's
                    // connection ID; a packet they do not open starts over (a new attempt, or
                    // the DCID a Retry asked for).
                    quic::decrypt_client_packet(pkt, &conv.dcid)
                        .filter(|_| !conv.dcid.is_empty())
                        .or_else(|| {
                            let r = quic::decrypt_packet(pkt, None);
                            // A first Initial cut short by the capture still gives the server's
                            // keys their secret.
                            if r.is_some() || conv.dcid.is_empty() {
                                conv.dcid.clear();
                                conv.dcid.extend_from_slice(dcid);
                            }
                            r
                        })
                };
                if let Some(opened) = plain {
                    let info = &mut self.quic_info;
                    info.extend_from_slice(b", PKN: ");
                    info.extend_from_slice(opened.number.to_string().as_bytes());
                    quic::frame_names(&opened.frames, |name| {
                        info.extend_from_slice(b", ");
                        info.extend_from_slice(name.as_bytes());
                    });
                    let stream = &mut conv.crypto[usize::from(from_server)];
                    quic::crypto_frames(&opened.frames, |o, d| {
                        stream.add(o, d);
                    });
                }
                seen = true;
            }
            off += end;
        }
        // A short-header packet coalesced after the long ones.
        if let Some(rest) = p
            .get(off..)
            .filter(|r| off > 0 && r.first().is_some_and(|b| b & 0xc0 == 0x40))
        {
            self.quic_info.clear();
            self.quic_short_info(ck, (src, sport), rest);
        }
        if !seen {
            return;
        }
        if !named {
            // QUIC on a port Wireshark's table does not name: its heuristic finds it.
            if let Some((proto, kind)) = app::named_kind("QUIC") {
                self.layers
                    .push(layer(proto, kind, base, base + p.len(), !in_frame));
            }
        }
        let Some(conv) = self.quic.get_mut(&ck) else {
            return;
        };
        for d in 0..2 {
            while let Some(msg) = conv.crypto[d]
                .contiguous()
                .get(conv.shown[d]..)
                .and_then(quic::first_handshake)
            {
                conv.shown[d] += msg.len();
                if !matches!(msg[0], 1 | 2) {
                    continue;
                }
                let at = self.stream.len();
                let len = msg.len().min(u16::MAX as usize) as u16;
                self.stream
                    .extend_from_slice(&[tls::content::HANDSHAKE, 3, 3]);
                self.stream.extend_from_slice(&len.to_be_bytes());
                self.stream.extend_from_slice(&msg[..len as usize]);
                let kind = tls_kind::IN_QUIC | version_code(0x0304);
                self.layers
                    .push(layer(Proto::Tls, kind, at, self.stream.len(), true));
            }
        }
    }

    /// The Info of a short-header QUIC packet: its key phase and, when the connection's
    /// long headers gave it, the Destination Connection ID (the Source Connection ID the
    /// receiver announced).
    fn quic_short_info(&mut self, ck: Key, from: ([u8; 16], u16), p: &[u8]) {
        let info = &mut self.quic_info;
        // The key phase bit is under header protection, which only the 1-RTT keys remove:
        // Wireshark shows 0 without them.
        info.extend_from_slice(b"Protected Payload (KP0)");
        let Some(conv) = self.quic.get(&ck) else {
            return;
        };
        // The receiver's Source Connection ID: the server's for a client's packet.
        let cid = &conv.scid[usize::from(conv.client == from)];
        if let Some(dcid) = p.get(1..1 + cid.len()).filter(|d| !d.is_empty()) {
            info.extend_from_slice(b", DCID=");
            push_hex(info, dcid);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn tcp(
        &mut self,
        key: Key,
        seq: u32,
        flags: u8,
        payload: &[u8],
        declared: usize,
        base: usize,
        in_frame: bool,
    ) {
        let (src, dst, sport, dport) = key;
        let rev = (dst, src, dport, sport);
        let (ck, d) = if key <= rev { (key, 0) } else { (rev, 1) };
        let syn = flags & 0x02 != 0;
        let fin = flags & 0x01 != 0;
        let rst = flags & 0x04 != 0;
        if !self.convs.contains_key(&ck) {
            if payload.is_empty() && !syn {
                return;
            }
            if self.convs.len() >= MAX_CONVS {
                self.stats.convs_dropped += 1;
                return;
            }
            self.convs.insert(ck, Conv::default());
        }
        self.stats.segments += 1;
        let Some(conv) = self.convs.get_mut(&ck) else {
            return;
        };
        if syn {
            // A new connection on the same ports starts afresh.
            let dir = &mut conv.dirs[d];
            if dir.next_seq != Some(seq.wrapping_add(1)) {
                if d == 0 || conv.dirs[0].next_seq.is_none() {
                    *conv = Conv::default();
                } else {
                    conv.dirs[d] = Dir::default();
                }
            }
            conv.dirs[d].next_seq = Some(seq.wrapping_add(1));
            return;
        }
        let dir = &mut conv.dirs[d];
        let mut p = payload;
        let mut base = base;
        // The sequence number of the first byte of `p`.
        let mut p_seq = seq;
        if let Some(next) = dir.next_seq {
            let rel = seq.wrapping_sub(next) as i32;
            if rel < 0 {
                let old = rel.unsigned_abs() as usize;
                if old >= declared.max(1) {
                    self.stats.retransmissions += 1;
                    return;
                }
                // Overlap: skip what was already seen.
                p = p.get(old..).unwrap_or(&[]);
                base += old;
                p_seq = seq.wrapping_add(old as u32);
            } else if rel > 0 {
                self.stats.gaps += 1;
                dir.buf.clear();
                // A message whose length is known lost some of its bytes.
                dir.pdu_lost = dir.pdu_end.is_some();
            }
        }
        let seg_end = seq.wrapping_add(declared as u32);
        dir.next_seq = Some(if fin {
            seg_end.wrapping_add(1)
        } else {
            seg_end
        });
        if fin || rst {
            dir.fin = true;
        }
        if p.is_empty() && !((fin || rst) && !dir.buf.is_empty()) {
            return;
        }
        if dir.pdu_lost {
            if let (Some(end), Some((proto, _))) = (dir.pdu_end, conv.proto) {
                if (p_seq.wrapping_sub(end) as i32) < 0 {
                    // A segment of a message that lost bytes: Wireshark keeps adding it to
                    // the message, which never completes, and shows it as such a segment.
                    if (seg_end.wrapping_sub(end) as i32) >= 0 {
                        dir.pdu_end = None;
                        dir.pdu_lost = false;
                    }
                    self.claimed = true;
                    self.pending = Some(proto);
                    return;
                }
            }
            dir.pdu_end = None;
            dir.pdu_lost = false;
        }
        if !conv.decided {
            conv.decided = true;
            let ftp_data =
                self.ftp_data.contains(&(src, sport)) || self.ftp_data.contains(&(dst, dport));
            conv.proto = if ftp_data {
                FTP_DATA
            } else {
                app::by_ports(sport, dport, app::tcp_port)
                    .or_else(|| app::tcp_named(sport, dport, p))
            };
            // The side on the registered (else the lower) port is the server.
            let server_port = match conv.proto {
                Some(_) if app::tcp_port(sport.min(dport)).is_some() => sport.min(dport),
                Some(_) => sport.max(dport),
                None => sport.min(dport),
            };
            conv.server = if server_port == sport { d } else { d ^ 1 };
        }
        if conv.proto.is_none() && conv.dirs[d].buf.is_empty() {
            // Wireshark tries the heuristic dissectors on every segment no port claims (a
            // protocol that starts mid-stream: after SOCKS, STARTTLS, a MySQL SSL request).
            // Port registrations that check the payload (SMB on 139/445) get another look
            // too: a capture that starts mid-stream first sees a message's continuation.
            conv.proto = app::tcp_heuristic(p)
                .or_else(|| app::tcp_named_heuristic(p))
                .or_else(|| app::tcp_named(sport, dport, p));
            if conv.proto == Some((Proto::AppNamed, app::VNC)) {
                // The RFB server speaks first.
                conv.server = d;
            }
        } else if matches!(conv.proto, Some((Proto::Http | Proto::AppNamed, _)))
            // RDP's TLS stays under TPKT in Wireshark (its port claims the stream).
            && conv.proto != app::named_kind("RDP")
            && conv.dirs[d].buf.is_empty()
            && p.len() >= 6
            && p[0] == tls::content::HANDSHAKE
            && tls::record_header_ok(p)
            && matches!(p[5], 1 | 2)
        {
            // TLS after an HTTP CONNECT, STARTTLS and the like.
            conv.proto = Some((Proto::Tls, 0));
        }
        let Some((proto, kind)) = conv.proto else {
            return;
        };
        self.claimed = true;
        if Some((proto, kind)) == FTP && self.ftp_data.len() < MAX_FTP_DATA {
            if let Some(ep) = ftp::data_endpoint(p) {
                let mut addr = src;
                match ep.addr {
                    Some(ftp::DataAddr::V4(a)) => {
                        addr = [0; 16];
                        addr[..4].copy_from_slice(&a);
                    }
                    Some(ftp::DataAddr::V6(a)) => addr = a,
                    None => {}
                }
                self.ftp_data.insert((addr, ep.port));
            }
        }
        if proto == Proto::AppNamed && kind == app::VNC {
            // A segment shows VNC when a message ends in it, else it is a segment of a
            // reassembled PDU (Wireshark's view of a 2 MB framebuffer update).
            let from_server = d == conv.server;
            let framer = conv.vnc.get_or_insert_with(|| Box::new(vnc::Framer::new()));
            // Unframeable (None): each segment is one message, as Wireshark shows it.
            let ended = framer.feed(from_server, p);
            self.vnc_message = framer.segment_message(from_server);
            if ended.is_none_or(|n| n > 0) {
                self.layers
                    .push(layer(proto, kind, base, base + p.len(), !in_frame));
            } else {
                self.pending = Some(proto);
            }
            return;
        }
        let cut = p.len() < declared;
        let rdp = proto == Proto::AppNamed && Some((proto, kind)) == app::named_kind("RDP");
        // BitTorrent shows every segment as its own (piece data is "Continuation data"), and
        // so does FTP-DATA (raw file bytes).
        let unframed = [BITTORRENT, FTP_DATA].contains(&Some((proto, kind)));
        // Bitcoin messages are framed by their header's length, like RDP's TPKT.
        let framed = rdp || Some((proto, kind)) == BITCOIN;
        if proto == Proto::AppNamed && !framed && !unframed && flags & 0x08 == 0 && !fin {
            // No framing known: a segment without PSH continues a larger message, which
            // Wireshark shows as a TCP segment of a reassembled PDU.
            self.pending = Some(proto);
            return;
        }
        if Some((proto, kind)) == BITCOIN {
            if let Some(c) = self.convs.get_mut(&ck) {
                if bitcoin::resync(&c.dirs[d].buf, p) {
                    c.dirs[d].buf.clear();
                }
            }
        }
        self.pdus(ck, d, proto, kind, p, p_seq, base, in_frame, fin || rst);
        if cut {
            // The capture lost the end of this segment: nothing pending can complete.
            if let Some(c) = self.convs.get_mut(&ck) {
                c.dirs[d].buf.clear();
            }
        }
    }

    /// Splits the direction's byte stream into messages and records a layer for each one that
    /// completes in this segment.
    #[allow(clippy::too_many_arguments)]
    fn pdus(
        &mut self,
        ck: Key,
        d: usize,
        proto: Proto,
        kind: u8,
        p: &[u8],
        p_seq: u32,
        base: usize,
        in_frame: bool,
        end: bool,
    ) {
        let Some(conv) = self.convs.get_mut(&ck) else {
            return;
        };
        // Work on `buf ++ p` without copying when nothing is pending.
        let pending = !conv.dirs[d].buf.is_empty();
        // The sequence number of `data[0]`.
        let data_seq = p_seq.wrapping_sub(conv.dirs[d].buf.len() as u32);
        let mut owned = std::mem::take(&mut conv.dirs[d].buf);
        if pending {
            owned.extend_from_slice(p);
        }
        let data: &[u8] = if pending { &owned } else { p };
        let mut off = 0;
        // A message that completes within `p` alone can point into the frame.
        let place = |st: &mut Vec<u8>, from: usize, to: usize| -> (usize, usize, bool) {
            if !pending && in_frame {
                (base + from, base + to, false)
            } else if !pending {
                (base + from, base + to, true)
            } else {
                let at = st.len();
                st.extend_from_slice(&data[from..to]);
                (at, at + to - from, true)
            }
        };
        loop {
            let rest = &data[off..];
            if rest.is_empty() {
                break;
            }
            let dir = &mut conv.dirs[d];
            let used = match proto {
                Proto::Dns => match dns::tcp_frame_len(rest) {
                    Some(n) if n <= rest.len() => {
                        if n >= 2 + dns::HEADER_LEN {
                            let (a, b, r) = place(&mut self.stream, off + 2, off + n);
                            self.layers.push(layer(proto, kind, a, b, r));
                        }
                        n
                    }
                    _ => 0,
                },
                Proto::Tls => match tls::record_len(rest) {
                    Some(n) if n <= rest.len() => {
                        let rec = &rest[..n];
                        let mut k = 0u8;
                        if rec[0] == tls::content::CHANGE_CIPHER_SPEC {
                            dir.ccs = true;
                        } else if rec[0] == tls::content::HANDSHAKE && dir.ccs {
                            k |= tls_kind::ENCRYPTED;
                        }
                        if let Some(r) = tls::Record::parse(rec) {
                            if k & tls_kind::ENCRYPTED == 0 {
                                if let Some(sh) = r.handshakes().find_map(|h| h.server_hello()) {
                                    conv.version = sh.negotiated_version();
                                }
                            }
                            let v = if conv.version != 0 {
                                conv.version
                            } else {
                                r.version
                            };
                            k |= version_code(v);
                        }
                        let (a, b, r) = place(&mut self.stream, off, off + n);
                        self.layers.push(layer(proto, k, a, b, r));
                        n
                    }
                    Some(_) => 0,
                    None if rest.len() < tls::RECORD_HEADER_LEN
                        && tls::record_header_ok(&rest[..rest.len().min(3)])
                        || rest.len() < 3 =>
                    {
                        0
                    }
                    None => {
                        // Not a record: continuation data, shown as such.
                        let k = tls_kind::NOT_RECORD | version_code(conv.version);
                        let (a, b, r) = place(&mut self.stream, off, data.len());
                        self.layers.push(layer(proto, k, a, b, r));
                        data.len() - off
                    }
                },
                Proto::Ssh => {
                    if !dir.banner {
                        match ssh::banner(rest) {
                            Some(b) => {
                                dir.banner = true;
                                // The column shows the version known before this frame,
                                // which the client's identification sets.
                                let k = conv.version as u8 | ssh_server(d == conv.server);
                                if d != conv.server {
                                    conv.version = ssh::banner_major(b) as u16;
                                }
                                let n = rest
                                    .iter()
                                    .position(|&c| c == b'\n')
                                    .map_or(rest.len(), |i| i + 1);
                                let (a, bb, r) = place(&mut self.stream, off, off + n);
                                self.layers.push(layer(proto, k, a, bb, r));
                                n
                            }
                            None if rest.starts_with(b"SSH-") && rest.len() < 255 => 0,
                            None => {
                                // Joined after the key exchange: nothing is in clear.
                                dir.banner = true;
                                dir.ssh_keyed = true;
                                0
                            }
                        }
                    } else {
                        let k =
                            conv.version as u8 | ssh_server(d == conv.server) | ssh_kind::PACKETS;
                        // SSHv2 packets are framed (and reassembled) until NEWKEYS, as
                        // Wireshark does; after it, or for SSHv1, the segment is one layer.
                        let n = if dir.ssh_keyed || conv.version != 2 {
                            None
                        } else {
                            match ssh::packet_len(rest) {
                                Some(n) if n <= rest.len() => Some(n),
                                Some(_) if !end => Some(0),
                                _ if rest.len() < 5 && !end => Some(0),
                                _ => {
                                    dir.ssh_keyed = true;
                                    None
                                }
                            }
                        };
                        match n {
                            Some(0) => 0,
                            Some(n) => {
                                if rest.get(5) == Some(&ssh::msg::NEWKEYS) {
                                    dir.ssh_keyed = true;
                                }
                                let (a, b, r) = place(&mut self.stream, off, off + n);
                                self.layers.push(layer(proto, k, a, b, r));
                                n
                            }
                            None => {
                                let k = k | ssh_kind::ENCRYPTED;
                                let (a, b, r) = place(&mut self.stream, off, data.len());
                                self.layers.push(layer(proto, k, a, b, r));
                                rest.len()
                            }
                        }
                    }
                }
                Proto::AppNamed if Some((proto, kind)) == app::named_kind("RDP") => {
                    match rdp::tpkt_len(rest) {
                        Some(n) if n <= rest.len() => n,
                        // Wait for the rest of the PDU (bounded by MAX_BUF like any message).
                        Some(_) => 0,
                        None => rest.len(),
                    }
                }
                Proto::AppNamed if Some((proto, kind)) == BITCOIN => {
                    match bitcoin::message_len(rest) {
                        n if n <= rest.len() => n,
                        // The rest of the message (bounded by MAX_BUF like any message).
                        _ if !end => 0,
                        _ => rest.len(),
                    }
                }
                Proto::Http => match http_pdu(rest, end, &mut conv.http_connect) {
                    usize::MAX => {
                        off = data.len();
                        break;
                    }
                    n => n,
                },
                _ => rest.len(),
            };
            let rdp = proto == Proto::AppNamed && Some((proto, kind)) == app::named_kind("RDP");
            if rdp && used > 0 {
                // Each TPKT PDU is named after what it carries; other bytes are fast-path RDP,
                // or (TLS after the negotiation) TPKT continuation data, as Wireshark shows them.
                let name = if rdp::tpkt_len(rest).is_some() {
                    rdp::pdu_name(&rest[..used])
                } else if rest[0] & 0x03 == 0 {
                    // A fast-path PDU (action bits 0): RDP without TPKT.
                    "RDP"
                } else {
                    "TPKT"
                };
                if let Some((p, k)) = app::named_kind(name) {
                    let (a, b, r) = place(&mut self.stream, off, off + used);
                    self.layers.push(layer(p, k, a, b, r));
                }
            } else if matches!(proto, Proto::Http | Proto::AppNamed) && used > 0 {
                let (a, b, r) = place(&mut self.stream, off, off + used);
                self.layers.push(layer(proto, kind, a, b, r));
            }
            if used == 0 {
                break;
            }
            off += used;
        }
        let dir = &mut conv.dirs[d];
        let left_len = data.len() - off;
        if left_len > 0 && left_len <= MAX_BUF && !p.is_empty() {
            self.pending = Some(proto);
            self.pending_starts = !pending || off > 0;
        }
        // Where the incomplete message ends, when its header tells; a chunked HTTP head is
        // kept for the Info of the segments that continue it (its length is unknown).
        let rest = &data[off..];
        let len = match proto {
            _ if left_len == 0 => None,
            Proto::Http => match http::Head::parse(rest) {
                http::Parse::Complete(h) if h.chunked() => {
                    if !p.is_empty() {
                        self.pending_head.extend_from_slice(&rest[..h.len]);
                    }
                    None
                }
                http::Parse::Complete(h) => h
                    .content_length()
                    .and_then(|cl| usize::try_from(cl).ok())
                    .and_then(|cl| h.len.checked_add(cl)),
                _ => None,
            },
            _ => message_len(proto, kind, rest),
        };
        dir.pdu_end = len.map(|n| data_seq.wrapping_add((off + n) as u32));
        if left_len > MAX_BUF {
            self.stats.oversize += 1;
            if pending {
                owned.clear();
                dir.buf = owned;
            }
        } else if pending {
            // Keep the unconsumed tail in the same allocation.
            owned.drain(..off);
            dir.buf = owned;
        } else {
            owned.clear();
            owned.extend_from_slice(&p[off..]);
            dir.buf = owned;
        }
    }
}

/// The whole length of the message that starts `rest`, when its header (already in `rest`)
/// gives it: a TLS record, a DNS-over-TCP message, an SSH packet, a TPKT PDU, a Bitcoin
/// message (HTTP's is read where its head is parsed, in `pdus`).
fn message_len(proto: Proto, kind: u8, rest: &[u8]) -> Option<usize> {
    match proto {
        Proto::Tls => tls::record_len(rest),
        Proto::Dns => dns::tcp_frame_len(rest),
        Proto::Ssh => ssh::packet_len(rest),
        Proto::AppNamed if Some((proto, kind)) == app::named_kind("RDP") => rdp::tpkt_len(rest),
        // The length field ends the 20th byte of the header.
        Proto::AppNamed if Some((proto, kind)) == BITCOIN && rest.len() >= 20 => {
            Some(bitcoin::message_len(rest))
        }
        _ => None,
    }
}

/// How many bytes at the front of `rest` make one complete HTTP message (head and body), 0
/// if more are needed. Non-HTTP bytes are one "continuation" message.
fn http_pdu(rest: &[u8], end: bool, connect: &mut bool) -> usize {
    match http::Head::parse(rest) {
        // Continuation data: Wireshark shows it as TCP (a segment of a PDU it lost).
        http::Parse::NotHttp => usize::MAX,
        http::Parse::Partial => {
            if end {
                rest.len()
            } else {
                0
            }
        }
        http::Parse::Complete(h) => {
            let body = &rest[h.len..];
            let (code, req) = match h.start {
                http::StartLine::Response { code, .. } => (code, false),
                http::StartLine::Request { method, .. } => {
                    *connect = method == b"CONNECT";
                    (0, true)
                }
            };
            if !req && std::mem::take(connect) && code / 100 == 2 {
                // RFC 9110 §9.3.6: a 2xx answer to CONNECT ends with its head.
                return h.len;
            }
            if h.chunked() {
                return match http::chunked_len(body) {
                    Ok(Some(n)) => h.len + n,
                    Ok(None) if !end => 0,
                    _ => rest.len(),
                };
            }
            if let Some(cl) = h.content_length() {
                let cl = cl.min(usize::MAX as u64) as usize;
                return if body.len() >= cl {
                    h.len + cl
                } else if end || cl > MAX_BUF {
                    rest.len()
                } else {
                    0
                };
            }
            if req || code / 100 == 1 || code == 204 || code == 304 {
                return h.len;
            }
            // No length: the body runs to the end of the connection.
            if end || rest.len() > MAX_BUF {
                rest.len()
            } else {
                0
            }
        }
    }
}

/// The `ext_kind` of an SSH layer: the protocol major version (1 / 2, 0 unknown) in
/// [`ssh_kind::VERSION`], and these flags.
pub mod ssh_kind {
    pub const VERSION: u8 = 0x0f;
    /// Sent by the server.
    pub const SERVER: u8 = 0x20;
    /// Encrypted packets (after NEWKEYS), or SSHv1 data: no packet fields.
    pub const ENCRYPTED: u8 = 0x40;
    /// After the identification line: binary packets (one cleartext packet per layer unless
    /// ENCRYPTED).
    pub const PACKETS: u8 = 0x80;
}

fn ssh_server(server: bool) -> u8 {
    if server {
        ssh_kind::SERVER
    } else {
        0
    }
}

fn version_code(v: u16) -> u8 {
    match v {
        0x0300 => 1,
        0x0301 => 2,
        0x0302 => 3,
        0x0303 => 4,
        // TLS 1.3 and its drafts, which Wireshark shows as TLSv1.3: the IETF drafts (0x7fNN)
        // and Facebook's drafts 23 and 26 (0xfb17, 0xfb1a; its apps negotiate them).
        0x0304 | 0x7f00..=0x7fff | 0xfb17 | 0xfb1a => 5,
        _ => 0,
    }
}

/// The column name of a TLS layer's version code.
pub fn tls_name(kind: u8) -> &'static str {
    match kind & tls_kind::VERSION {
        1 => "SSLv3",
        2 => "TLSv1",
        3 => "TLSv1.1",
        4 => "TLSv1.2",
        5 => "TLSv1.3",
        _ => "SSL",
    }
}
