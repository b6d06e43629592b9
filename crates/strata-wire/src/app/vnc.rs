//! VNC's Remote Framebuffer protocol (RFB, RFC 6143): a streaming framer that finds where
//! each message ends without buffering message bodies.
//!
//! RFB messages are not self-delimiting during the handshake (their meaning depends on the
//! step), and a FramebufferUpdate's length is only known by walking its rectangles, whose
//! sizes depend on the pixel format and the encoding. The framer keeps that state per
//! connection and consumes each direction's bytes as they arrive, so a 2 MB update costs no
//! memory: it only counts bytes down. An encoding it cannot size (Tight, TRLE, unknown) or a
//! security type whose handshake it does not know makes it give up (`feed` returns `None`);
//! Wireshark then shows every segment as one VNC message, and so does the dissector.

/// The longest handshake or header piece held while waiting for the rest of it.
pub const MAX_HEADER: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Step {
    /// "RFB xxx.yyy\n".
    #[default]
    Version,
    /// Server: the security types (3.7+: count + list; 3.3: a u32).
    SecurityTypes,
    /// Client: the chosen security type (3.7+).
    SecuritySelect,
    /// VNC authentication: the 16-byte challenge or response.
    Auth,
    /// Server: the u32 SecurityResult.
    SecurityResult,
    /// Client: the shared flag.
    ClientInit,
    /// Server: pixel format, size and name.
    ServerInit,
    /// Normal messages.
    Messages,
    /// Lost: the rest is not framed.
    Lost,
}

/// Which message a direction is in: a handshake step, or a normal message by its type byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Message {
    /// "RFB xxx.yyy\n", from the server or the client.
    Version {
        server: bool,
    },
    /// The server's security types (or, in RFB 3.3, its single type).
    SecurityTypes,
    /// The client's chosen security type.
    SecuritySelect,
    /// VNC authentication's challenge (server) or response (client).
    Auth {
        server: bool,
    },
    SecurityResult,
    /// The client's shared flag.
    ClientInit,
    /// The server's pixel format, size and name.
    ServerInit,
    /// A client-to-server message of this type (0 SetPixelFormat, 2 SetEncodings, ...).
    Client(u8),
    /// A server-to-client message of this type (0 FramebufferUpdate, ...).
    Server(u8),
}

/// What ends when a body has been skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum After {
    /// The message ends.
    #[default]
    Message,
    /// A rectangle of an update ends.
    Rect,
    /// A hextile tile ends (the rectangle goes on).
    Tile,
}

/// A Hextile rectangle being read: its size and the next tile's position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Tiles {
    w: u16,
    h: u16,
    col: u16,
    row: u16,
}

#[derive(Debug, Default, Clone)]
struct Dir {
    step: Step,
    /// Body bytes still to skip, and what they end.
    skip: Option<(u64, After)>,
    /// Rectangles left in the current FramebufferUpdate (server).
    rects_left: u16,
    /// The Hextile rectangle being read.
    tiles: Option<Tiles>,
    /// Bytes of a header not complete yet.
    head: Vec<u8>,
    /// The message being read, once its first byte was seen.
    current: Option<Message>,
    /// The message the last `feed` started inside, or else the first one it began.
    segment: Option<Message>,
}

/// One RFB connection's framing state.
#[derive(Debug, Default, Clone)]
pub struct Framer {
    /// [client, server].
    dirs: [Dir; 2],
    /// "003.003" style minor version: 3 for RFB 3.3 handshakes.
    minor: u8,
    /// The security type chosen (2 = VNC authentication).
    security: u8,
    /// Bytes per pixel of the current pixel format.
    bpp: u8,
}

/// What a header needs before it can be sized.
enum Need {
    /// This many bytes in all.
    Bytes(usize),
    /// The header is complete and followed by `body` bytes.
    Done { body: u64 },
    /// Unframeable.
    Lost,
}

impl Framer {
    pub fn new() -> Framer {
        Framer {
            bpp: 4,
            ..Framer::default()
        }
    }

    /// Consumes `data` sent by the client (`from_server` false) or the server, returning how
    /// many messages ended in it, or `None` once the direction can no longer be framed.
    pub fn feed(&mut self, from_server: bool, mut data: &[u8]) -> Option<usize> {
        let d = usize::from(from_server);
        self.dirs[d].segment = self.in_message(d).then_some(self.dirs[d].current).flatten();
        if self.dirs[d].step == Step::Lost {
            return None;
        }
        let mut ended = 0;
        while !data.is_empty() {
            if !self.in_message(d) {
                // A new message begins with this byte.
                let m = self.message_at(d, data[0]);
                self.dirs[d].current = Some(m);
                self.dirs[d].segment.get_or_insert(m);
            }
            if let Some((left, then)) = self.dirs[d].skip {
                let n = (data.len() as u64).min(left);
                data = &data[n as usize..];
                if n < left {
                    self.dirs[d].skip = Some((left - n, then));
                    return Some(ended);
                }
                self.dirs[d].skip = None;
                ended += self.finish(d, then);
                continue;
            }
            match self.need(d) {
                Need::Lost => {
                    self.dirs[d].step = Step::Lost;
                    return None;
                }
                Need::Bytes(n) if n > MAX_HEADER => {
                    self.dirs[d].step = Step::Lost;
                    return None;
                }
                Need::Bytes(n) => {
                    let have = self.dirs[d].head.len();
                    let take = n.saturating_sub(have).min(data.len());
                    self.dirs[d].head.extend_from_slice(&data[..take]);
                    data = &data[take..];
                }
                Need::Done { body, .. } => ended += self.header_done(d, body),
            }
        }
        // A header completed by the last bytes is acted on now.
        if self.dirs[d].skip.is_none() && self.dirs[d].step != Step::Lost {
            match self.need(d) {
                Need::Done { body } => ended += self.header_done(d, body),
                Need::Lost => {
                    self.dirs[d].step = Step::Lost;
                    return None;
                }
                Need::Bytes(_) => {}
            }
        }
        Some(ended)
    }

    /// The message the last [`Framer::feed`] of this direction was in when it began, or else
    /// the first message that began in it (what Wireshark's Info column names).
    pub fn segment_message(&self, from_server: bool) -> Option<Message> {
        self.dirs[usize::from(from_server)].segment
    }

    /// Whether direction `d` is part way through a message (a body, a header, or the
    /// rectangles and tiles of an update).
    fn in_message(&self, d: usize) -> bool {
        let dir = &self.dirs[d];
        dir.skip.is_some() || !dir.head.is_empty() || dir.rects_left > 0 || dir.tiles.is_some()
    }

    /// The message that a direction's next byte `first` begins.
    fn message_at(&self, d: usize, first: u8) -> Message {
        match self.dirs[d].step {
            Step::Version => Message::Version { server: d == 1 },
            Step::SecurityTypes => Message::SecurityTypes,
            Step::SecuritySelect => Message::SecuritySelect,
            Step::Auth => Message::Auth { server: d == 1 },
            Step::SecurityResult => Message::SecurityResult,
            Step::ClientInit => Message::ClientInit,
            Step::ServerInit => Message::ServerInit,
            Step::Messages | Step::Lost if d == 1 => Message::Server(first),
            Step::Messages | Step::Lost => Message::Client(first),
        }
    }

    /// Bytes needed for the header at the front of direction `d`, given what `head` holds.
    fn need(&self, d: usize) -> Need {
        let dir = &self.dirs[d];
        let h = &dir.head;
        let server = d == 1;
        let have = |n: usize| h.len() >= n;
        let be16 = |i: usize| u16::from_be_bytes([h[i], h[i + 1]]) as u64;
        let be32 = |i: usize| u32::from_be_bytes([h[i], h[i + 1], h[i + 2], h[i + 3]]) as u64;
        let bpp = self.bpp as u64;
        match dir.step {
            Step::Version => {
                if !have(12) {
                    return Need::Bytes(12);
                }
                if !h.starts_with(b"RFB ") {
                    return Need::Lost;
                }
                Need::Done { body: 0 }
            }
            Step::SecurityTypes if self.minor == 3 => {
                if !have(4) {
                    return Need::Bytes(4);
                }
                // A zero type is a failure reason string follows (u32 length + text).
                if be32(0) == 0 {
                    if !have(8) {
                        return Need::Bytes(8);
                    }
                    return Need::Done { body: be32(4) };
                }
                Need::Done { body: 0 }
            }
            Step::SecurityTypes => {
                if !have(1) {
                    return Need::Bytes(1);
                }
                Need::Done { body: h[0] as u64 }
            }
            Step::SecuritySelect | Step::ClientInit => {
                if !have(1) {
                    return Need::Bytes(1);
                }
                Need::Done { body: 0 }
            }
            Step::Auth => {
                if !have(16) {
                    return Need::Bytes(16);
                }
                Need::Done { body: 0 }
            }
            Step::SecurityResult => {
                if !have(4) {
                    return Need::Bytes(4);
                }
                // A failure carries a reason string in 3.8.
                if be32(0) != 0 && self.minor >= 8 {
                    if !have(8) {
                        return Need::Bytes(8);
                    }
                    return Need::Done { body: be32(4) };
                }
                Need::Done { body: 0 }
            }
            Step::ServerInit => {
                if !have(24) {
                    return Need::Bytes(24);
                }
                Need::Done { body: be32(20) }
            }
            Step::Messages if server && dir.tiles.is_some() => {
                // A Hextile tile: a subencoding byte, optional colours and subrectangles.
                let Some(t) = dir.tiles else {
                    return Need::Lost;
                };
                if !have(1) {
                    return Need::Bytes(1);
                }
                let sub = h[0];
                let tw = (t.w - t.col * 16).min(16) as u64;
                let th = (t.h - t.row * 16).min(16) as u64;
                if sub & 1 != 0 {
                    return Need::Done {
                        body: tw * th * bpp,
                    };
                }
                let mut len = 1;
                if sub & 2 != 0 {
                    len += bpp as usize;
                }
                if sub & 4 != 0 {
                    len += bpp as usize;
                }
                if sub & 8 != 0 {
                    len += 1;
                }
                if !have(len) {
                    return Need::Bytes(len);
                }
                let body = if sub & 8 != 0 {
                    h[len - 1] as u64 * if sub & 16 != 0 { bpp + 2 } else { 2 }
                } else {
                    0
                };
                Need::Done { body }
            }
            Step::Messages if server && dir.rects_left > 0 => {
                // A rectangle header: x, y, w, h, encoding.
                if !have(12) {
                    return Need::Bytes(12);
                }
                let (w, hh) = (be16(4), be16(6));
                let enc = be32(8) as u32 as i32;
                let pixels = w * hh;
                match enc {
                    0 => Need::Done { body: pixels * bpp },
                    1 => Need::Done { body: 4 },
                    // RRE / CoRRE: a count, the background, then the subrectangles.
                    2 | 4 => {
                        if !have(16) {
                            return Need::Bytes(16);
                        }
                        let sub = if enc == 2 { bpp + 8 } else { bpp + 4 };
                        Need::Done {
                            body: bpp + be32(12) * sub,
                        }
                    }
                    // Zlib, ZRLE: a length then the compressed data.
                    6 | 16 => {
                        if !have(16) {
                            return Need::Bytes(16);
                        }
                        Need::Done { body: be32(12) }
                    }
                    5 => Need::Done { body: 0 },
                    // Rich cursor: pixels then a bitmask.
                    -239 => Need::Done {
                        body: pixels * bpp + w.div_ceil(8) * hh,
                    },
                    // X cursor: two colours then two bitmasks.
                    -240 => Need::Done {
                        body: if pixels == 0 {
                            0
                        } else {
                            6 + 2 * w.div_ceil(8) * hh
                        },
                    },
                    // DesktopSize, LastRect, PointerPos and similar carry no data.
                    -223 | -224 | -232 | -305 | -307 => Need::Done { body: 0 },
                    _ => Need::Lost,
                }
            }
            Step::Messages if server => {
                if !have(1) {
                    return Need::Bytes(1);
                }
                match h[0] {
                    // FramebufferUpdate: type, padding, rectangle count.
                    0 => {
                        if !have(4) {
                            return Need::Bytes(4);
                        }
                        Need::Done { body: 0 }
                    }
                    // SetColourMapEntries.
                    1 => {
                        if !have(6) {
                            return Need::Bytes(6);
                        }
                        Need::Done { body: be16(4) * 6 }
                    }
                    2 => Need::Done { body: 0 },
                    // ServerCutText.
                    3 => {
                        if !have(8) {
                            return Need::Bytes(8);
                        }
                        Need::Done { body: be32(4) }
                    }
                    _ => Need::Lost,
                }
            }
            Step::Messages => {
                if !have(1) {
                    return Need::Bytes(1);
                }
                match h[0] {
                    0 => {
                        if !have(20) {
                            return Need::Bytes(20);
                        }
                        Need::Done { body: 0 }
                    }
                    2 => {
                        if !have(4) {
                            return Need::Bytes(4);
                        }
                        Need::Done { body: be16(2) * 4 }
                    }
                    3 => simple(have(10), 10),
                    4 => simple(have(8), 8),
                    5 => simple(have(6), 6),
                    6 => {
                        if !have(8) {
                            return Need::Bytes(8);
                        }
                        Need::Done { body: be32(4) }
                    }
                    _ => Need::Lost,
                }
            }
            Step::Lost => Need::Lost,
        }
    }

    /// A header just completed: act on it and set up its body. Returns messages ended.
    fn header_done(&mut self, d: usize, body: u64) -> usize {
        let server = d == 1;
        let h = std::mem::take(&mut self.dirs[d].head);
        let dir_step = self.dirs[d].step;
        let mut then = After::Message;
        match dir_step {
            Step::Messages if server && self.dirs[d].tiles.is_some() => then = After::Tile,
            Step::Version => {
                if server {
                    // "RFB 003.008\n": the minor version sets the handshake's shape.
                    self.minor = std::str::from_utf8(&h[8..11])
                        .ok()
                        .and_then(|s| s.parse().ok())
                        .unwrap_or(8);
                }
                self.dirs[d].step = if server {
                    Step::SecurityTypes
                } else if self.minor == 3 {
                    Step::ClientInit
                } else {
                    Step::SecuritySelect
                };
            }
            Step::SecurityTypes => {
                if self.minor == 3 {
                    self.security = h.get(3).copied().unwrap_or(0);
                    if !matches!(self.security, 1 | 2) {
                        self.dirs[0].step = Step::Lost;
                        self.dirs[1].step = Step::Lost;
                        return 1;
                    }
                    self.after_security(d);
                } else {
                    self.dirs[d].step = Step::Auth;
                }
            }
            Step::SecuritySelect => {
                self.security = h[0];
                if !matches!(self.security, 1 | 2) {
                    // A security type whose handshake is not framed here: stop framing.
                    self.dirs[0].step = Step::Lost;
                    self.dirs[1].step = Step::Lost;
                    return 1;
                }
                self.dirs[d].step = if self.security == 2 {
                    Step::Auth
                } else {
                    Step::ClientInit
                };
                // The server side waits on the client's choice.
                if self.dirs[1].step == Step::Auth && self.security != 2 {
                    self.dirs[1].step = Step::SecurityResult;
                }
            }
            Step::Auth => {
                self.dirs[d].step = if server {
                    Step::SecurityResult
                } else {
                    Step::ClientInit
                };
            }
            Step::SecurityResult => self.dirs[d].step = Step::ServerInit,
            Step::ClientInit => self.dirs[d].step = Step::Messages,
            Step::ServerInit => {
                self.bpp = (h[4] / 8).max(1);
                self.dirs[d].step = Step::Messages;
            }
            Step::Messages if server && self.dirs[d].rects_left > 0 => {
                self.dirs[d].rects_left -= 1;
                then = After::Rect;
                let enc = i32::from_be_bytes([h[8], h[9], h[10], h[11]]);
                if enc == -224 {
                    // LastRect ends the update whatever the count said.
                    self.dirs[d].rects_left = 0;
                }
                if enc == 5 {
                    let (w, hh) = (
                        u16::from_be_bytes([h[4], h[5]]),
                        u16::from_be_bytes([h[6], h[7]]),
                    );
                    if w > 0 && hh > 0 {
                        self.dirs[d].tiles = Some(Tiles {
                            w,
                            h: hh,
                            col: 0,
                            row: 0,
                        });
                        return 0;
                    }
                }
            }
            Step::Messages if server => {
                if h[0] == 0 {
                    let n = u16::from_be_bytes([h[2], h[3]]);
                    if n > 0 {
                        self.dirs[d].rects_left = n;
                        return 0;
                    }
                }
            }
            Step::Messages => {
                if h[0] == 0 {
                    // SetPixelFormat: bits per pixel at offset 4.
                    self.bpp = (h[4] / 8).max(1);
                }
            }
            Step::Lost => return 0,
        }
        if body > 0 {
            self.dirs[d].skip = Some((body, then));
            return 0;
        }
        self.finish(d, then)
    }

    /// After the 3.3 security type, the handshake skips the client's selection.
    fn after_security(&mut self, d: usize) {
        self.dirs[d].step = if self.security == 2 {
            Step::Auth
        } else {
            Step::ServerInit
        };
        // The 3.3 client answers a VNC-authentication challenge before its ClientInit.
        if self.security == 2 && self.dirs[0].step == Step::ClientInit {
            self.dirs[0].step = Step::Auth;
        }
    }

    /// A body ended: the message, a rectangle of an update, or a tile.
    fn finish(&mut self, d: usize, then: After) -> usize {
        match then {
            After::Message => 1,
            After::Rect => usize::from(self.dirs[d].rects_left == 0),
            After::Tile => self.tile_done(d),
        }
    }

    /// A tile ended: move to the next, or end the rectangle (and maybe the update).
    fn tile_done(&mut self, d: usize) -> usize {
        let Some(mut t) = self.dirs[d].tiles else {
            return 0;
        };
        t.col += 1;
        if t.col >= t.w.div_ceil(16) {
            t.col = 0;
            t.row += 1;
        }
        if t.row >= t.h.div_ceil(16) {
            self.dirs[d].tiles = None;
            return usize::from(self.dirs[d].rects_left == 0);
        }
        self.dirs[d].tiles = Some(t);
        0
    }
}

fn simple(have: bool, n: usize) -> Need {
    if have {
        Need::Done { body: 0 }
    } else {
        Need::Bytes(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each segment names the message it continues, else the first it begins.
    #[test]
    fn names_the_message_of_each_segment() {
        let mut f = Framer::new();
        f.feed(true, b"RFB 003.008\n").unwrap();
        assert_eq!(
            f.segment_message(true),
            Some(Message::Version { server: true })
        );
        f.feed(false, b"RFB 003.008\n").unwrap();
        f.feed(true, &[1, 1]).unwrap();
        assert_eq!(f.segment_message(true), Some(Message::SecurityTypes));
        f.feed(false, &[1]).unwrap();
        assert_eq!(f.segment_message(false), Some(Message::SecuritySelect));
        f.feed(true, &[0, 0, 0, 0]).unwrap();
        assert_eq!(f.segment_message(true), Some(Message::SecurityResult));
        f.feed(false, &[1]).unwrap();
        let mut init = vec![0x03, 0x20, 0x02, 0x58, 32, 24, 0, 1];
        init.extend_from_slice(&[0; 12]);
        init.extend_from_slice(&[0, 0, 0, 0]);
        f.feed(true, &init).unwrap();
        assert_eq!(f.segment_message(true), Some(Message::ServerInit));
        // A pointer event then a key event: the first one names the segment.
        let mut two = vec![5, 0, 0, 1, 0, 1];
        two.extend_from_slice(&[4, 1, 0, 0, 0, 0, 0, 0x61]);
        assert_eq!(f.feed(false, &two), Some(2));
        assert_eq!(f.segment_message(false), Some(Message::Client(5)));
        // An update split in three: every piece is the update's.
        let mut upd = vec![0, 0, 0, 1];
        upd.extend_from_slice(&[0, 0, 0, 0, 0, 2, 0, 2, 0, 0, 0, 0]);
        upd.extend_from_slice(&[7; 16]);
        for piece in upd.chunks(11) {
            f.feed(true, piece).unwrap();
            assert_eq!(f.segment_message(true), Some(Message::Server(0)));
        }
    }

    /// A 3.8 handshake with VNC authentication, then one message of each kind, fed in
    /// awkward pieces: every message is found once.
    #[test]
    fn frames_a_session_fed_in_pieces() {
        let mut f = Framer::new();
        let c = |f: &mut Framer, b: &[u8]| f.feed(false, b).unwrap();
        let s = |f: &mut Framer, b: &[u8]| f.feed(true, b).unwrap();
        assert_eq!(s(&mut f, b"RFB 003.008\n"), 1);
        assert_eq!(c(&mut f, b"RFB 003."), 0);
        assert_eq!(c(&mut f, b"008\n"), 1);
        assert_eq!(s(&mut f, &[2, 2, 16]), 1);
        assert_eq!(c(&mut f, &[2]), 1);
        assert_eq!(s(&mut f, &[0; 16]), 1);
        assert_eq!(c(&mut f, &[0; 16]), 1);
        assert_eq!(s(&mut f, &[0, 0, 0, 0]), 1);
        assert_eq!(c(&mut f, &[1]), 1);
        // ServerInit: 800x600, 32 bpp, a 4-byte name, split inside the pixel format.
        let mut init = vec![0x03, 0x20, 0x02, 0x58, 32, 24, 0, 1];
        init.extend_from_slice(&[0; 12]);
        init.extend_from_slice(&[0, 0, 0, 4]);
        init.extend_from_slice(b"desk");
        assert_eq!(s(&mut f, &init[..7]), 0);
        assert_eq!(s(&mut f, &init[7..]), 1);
        // Client: SetEncodings (2 encodings) + FramebufferUpdateRequest in one segment.
        let mut msgs = vec![2, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 16];
        msgs.extend_from_slice(&[3, 0, 0, 0, 0, 0, 3, 32, 2, 88]);
        assert_eq!(c(&mut f, &msgs), 2);
        // Server: an update with a 2x2 Raw rectangle (16 bytes) and a ZRLE one (5 bytes),
        // byte by byte.
        let mut upd = vec![0, 0, 0, 2];
        upd.extend_from_slice(&[0, 0, 0, 0, 0, 2, 0, 2, 0, 0, 0, 0]);
        upd.extend_from_slice(&[7; 16]);
        upd.extend_from_slice(&[0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 16, 0, 0, 0, 5]);
        upd.extend_from_slice(&[9; 5]);
        let ends: usize = upd.iter().map(|b| s(&mut f, &[*b])).sum();
        assert_eq!(ends, 1);
        // A Hextile rectangle of 20x16: two tiles, one raw (4x16 px), one background-only.
        let mut hx = vec![0, 0, 0, 1, 0, 0, 0, 0, 0, 20, 0, 16, 0, 0, 0, 5];
        hx.push(2);
        hx.extend_from_slice(&[1; 4]);
        hx.push(1);
        hx.extend_from_slice(&[5; 4 * 16 * 4]);
        assert_eq!(s(&mut f, &hx), 1);
        // An encoding it cannot size: the direction is lost, the other goes on.
        assert_eq!(
            f.feed(true, &[0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 7]),
            None
        );
        assert_eq!(c(&mut f, &[5, 0, 0, 1, 0, 2]), 1);
        // A lost direction stays lost, even for an empty piece (found by fuzzing).
        assert_eq!(f.feed(true, &[]), None);
    }
}
