//! Live capture on Linux with an `AF_PACKET` socket, in pure Rust (no libpcap).
//!
//! How it works, in the order [`LiveCapture::open`] does it (the same steps as libpcap's
//! `pcap-linux.c`):
//! 1. `socket(AF_PACKET, SOCK_RAW, 0)`: protocol 0 means the socket receives nothing until it is
//!    bound, so no packet from another interface, or unfiltered, can slip in while we set up.
//! 2. Attach the compiled BPF filter (`SO_ATTACH_FILTER`) so the kernel drops unwanted packets
//!    before they are copied to us.
//! 3. Ask for nanosecond timestamps (`SO_TIMESTAMPNS`), size the receive buffer
//!    (`SO_RCVBUFFORCE`, falling back to `SO_RCVBUF`).
//! 4. `bind` to the interface index with `ETH_P_ALL`: from now on packets flow, both incoming and
//!    outgoing (like tcpdump).
//! 5. Promiscuous mode via `PACKET_ADD_MEMBERSHIP` (undone by the kernel when the socket closes,
//!    so a crash never leaves the interface promiscuous).
//!
//! Each packet is one `recvmsg` into a reusable snaplen-sized buffer with `MSG_TRUNC`, which
//! makes the kernel report the full length (kept as `orig_len`) even when the packet was cut.
//! A memory-mapped TPACKET_V3 ring would save that copy and syscall; this is the simple path.
//!
//! Link types: Ethernet and loopback interfaces (Linux frames loopback as Ethernet) give
//! Ethernet (1); `ARPHRD_NONE` (tun, WireGuard) gives raw IP (101); anything else is read with
//! `SOCK_DGRAM` and given a Linux cooked (SLL, 113) header built from the socket address, with
//! the filter then run in userspace because the kernel would see the packet without that header.
//!
//! Limitation shared with libpcap without its VLAN fix-ups: the kernel strips 802.1Q tags before
//! the filter sees the frame, so `vlan` in a live filter does not match and tags are not in the
//! captured bytes.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::bpf::{self, Program};
use crate::interfaces;
use crate::{CaptureError, LinkType, Packet, PacketSource, Timestamp};

/// `ARPHRD_*` hardware types from <linux/if_arp.h>.
const ARPHRD_ETHER: u16 = 1;
const ARPHRD_LOOPBACK: u16 = 772;
const ARPHRD_NONE: u16 = 0xfffe;

/// Which implementation captures: the pure-Rust `AF_PACKET` socket (the default), or the system
/// libpcap (cargo feature `libpcap`). Chosen at run time by [`LiveOptions::backend`] through
/// [`AnyLiveCapture::open`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Backend {
    /// [`LiveCapture`]: `AF_PACKET` socket, filters compiled by Strata's BPF compiler.
    #[default]
    AfPacket,
    /// [`crate::live_pcap::PcapLiveCapture`]: libpcap, filters compiled by libpcap.
    #[cfg(feature = "libpcap")]
    Libpcap,
}

/// Options for [`LiveCapture::open`]; defaults follow tcpdump.
#[derive(Clone, Debug)]
pub struct LiveOptions {
    /// Bytes kept per packet (tcpdump's `-s`, default 262144).
    pub snaplen: u32,
    /// Put the interface in promiscuous mode (default true, tcpdump's default).
    pub promisc: bool,
    /// Kernel receive buffer in bytes (tcpdump's `-B`); None keeps the default (2 MiB here).
    pub buffer_size: Option<usize>,
    /// How long [`LiveCapture::next_packet_timeout`] waits for a packet.
    pub timeout: Duration,
    /// A tcpdump filter expression compiled for the interface's link type.
    pub filter: Option<String>,
    /// The implementation [`AnyLiveCapture::open`] uses ([`LiveCapture::open`] is always
    /// `AF_PACKET` and refuses another choice).
    pub backend: Backend,
}

impl Default for LiveOptions {
    fn default() -> LiveOptions {
        LiveOptions {
            snaplen: 262_144,
            promisc: true,
            buffer_size: None,
            timeout: Duration::from_millis(100),
            filter: None,
            backend: Backend::AfPacket,
        }
    }
}

/// Capture counters. `received` and `dropped_kernel` come from the kernel
/// (`PACKET_STATISTICS`) and count since the capture opened.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LiveStats {
    /// Packets that passed the kernel filter, including those then dropped (libpcap's
    /// `ps_recv`).
    pub received: u64,
    /// Packets dropped because the socket buffer was full (libpcap's `ps_drop`).
    pub dropped_kernel: u64,
    /// Packets handed to the caller.
    pub delivered: u64,
    /// Packets rejected by the userspace filter (cooked-mode captures only).
    pub filtered_userspace: u64,
}

/// Stops a [`LiveCapture`] from another thread: its `next_packet` returns `Ok(None)` within one
/// timeout.
#[derive(Clone, Debug)]
pub struct StopHandle(pub(crate) Arc<AtomicBool>);

impl StopHandle {
    pub fn stop(&self) {
        self.0.store(true, Ordering::Relaxed);
    }
    pub fn is_stopped(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// What one receive produced, before borrowing the buffer.
struct Received {
    caplen: usize,
    orig_len: u32,
    ts: Timestamp,
}

pub struct LiveCapture {
    fd: OwnedFd,
    iface: String,
    ifindex: i32,
    link_type: LinkType,
    /// SOCK_DGRAM cooked mode: `buf` starts with the 16-byte SLL header we build.
    cooked: bool,
    /// Skip our own outgoing copy on loopback, which the kernel shows twice (as libpcap does).
    is_loopback: bool,
    snaplen: usize,
    timeout: Duration,
    buf: Vec<u8>,
    /// The filter run in userspace (cooked mode only; otherwise the kernel runs it).
    user_filter: Option<Program>,
    stop: Arc<AtomicBool>,
    stats: LiveStats,
}

/// Size of the Linux cooked (v1) header.
const SLL_HDR_LEN: usize = 16;

impl LiveCapture {
    /// Opens `iface` (a name; resolve `auto` with [`interfaces::resolve`] first).
    pub fn open(iface: &str, opts: LiveOptions) -> Result<LiveCapture, CaptureError> {
        let err = |what: &'static str, source: std::io::Error| CaptureError::Live {
            iface: iface.to_string(),
            what,
            source,
        };
        #[cfg(feature = "libpcap")]
        if opts.backend == Backend::Libpcap {
            return Err(err(
                "LiveCapture is the AF_PACKET backend (open libpcap with AnyLiveCapture)",
                std::io::ErrorKind::Unsupported.into(),
            ));
        }
        // Resolved here with if_nametoindex / SIOCGIFHWADDR rather than /sys, because those
        // answer for the calling thread's network namespace.
        let name = if iface == "auto" {
            interfaces::resolve(iface)?.0.name
        } else {
            iface.to_string()
        };
        let cname = std::ffi::CString::new(name.clone())
            .map_err(|_| CaptureError::NoSuchInterface(name.clone()))?;
        // SAFETY: cname is a valid NUL-terminated string.
        let ifindex = unsafe { libc::if_nametoindex(cname.as_ptr()) };
        if ifindex == 0 {
            return Err(CaptureError::NoSuchInterface(name));
        }
        let ifindex = ifindex as i32;
        let arp_type = hardware_type(&name).map_err(|e| err("SIOCGIFHWADDR", e))?;
        let (link_type, sock_type) = match arp_type {
            ARPHRD_ETHER | ARPHRD_LOOPBACK => (LinkType::ETHERNET, libc::SOCK_RAW),
            ARPHRD_NONE => (LinkType::RAW, libc::SOCK_RAW),
            _ => (LinkType::LINUX_SLL, libc::SOCK_DGRAM),
        };
        let cooked = sock_type == libc::SOCK_DGRAM;
        let snaplen = opts.snaplen.max(1);
        let program = match opts.filter.as_deref() {
            // Accepting returns "keep everything" rather than the snaplen: the kernel shortens
            // the packet to the filter's return value before recvmsg, which would hide the wire
            // length from MSG_TRUNC (libpcap rewrites its `ret`s for the same reason). The
            // receive buffer does the snaplen cut instead.
            Some(f) if !f.trim().is_empty() => Some(bpf::compile(f, link_type, u32::MAX)?),
            _ => None,
        };

        // 1. A socket that receives nothing until bound.
        // SAFETY: plain syscall; the result is checked and owned by OwnedFd right away.
        let raw = unsafe { libc::socket(libc::AF_PACKET, sock_type | libc::SOCK_CLOEXEC, 0) };
        if raw < 0 {
            return Err(err(
                "socket(AF_PACKET) (needs CAP_NET_RAW)",
                std::io::Error::last_os_error(),
            ));
        }
        // SAFETY: `raw` is a fresh, valid descriptor nobody else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };

        // 2. The kernel filter (not in cooked mode: offsets there are relative to the network
        //    header, ours to the SLL header we add later).
        let mut user_filter = None;
        if let Some(prog) = program {
            if cooked {
                user_filter = Some(prog);
            } else {
                let mut insns = prog.to_sock_filters();
                let fprog = libc::sock_fprog {
                    len: insns.len() as u16,
                    filter: insns.as_mut_ptr(),
                };
                setsockopt(&fd, libc::SOL_SOCKET, libc::SO_ATTACH_FILTER, &fprog)
                    .map_err(|e| err("SO_ATTACH_FILTER", e))?;
            }
        }

        // 3. Timestamps and buffer size.
        setsockopt(&fd, libc::SOL_SOCKET, libc::SO_TIMESTAMPNS, &1i32)
            .map_err(|e| err("SO_TIMESTAMPNS", e))?;
        let rcvbuf = opts.buffer_size.unwrap_or(2 << 20).min(i32::MAX as usize) as i32;
        if setsockopt(&fd, libc::SOL_SOCKET, libc::SO_RCVBUFFORCE, &rcvbuf).is_err() {
            setsockopt(&fd, libc::SOL_SOCKET, libc::SO_RCVBUF, &rcvbuf)
                .map_err(|e| err("SO_RCVBUF", e))?;
        }

        // 4. Bind: packets start flowing.
        // SAFETY: sockaddr_ll is plain old data; all-zero is a valid starting value.
        let mut sll: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
        sll.sll_family = libc::AF_PACKET as u16;
        sll.sll_protocol = (libc::ETH_P_ALL as u16).to_be();
        sll.sll_ifindex = ifindex;
        // SAFETY: `sll` is a valid sockaddr_ll and we pass its exact size.
        let rc = unsafe {
            libc::bind(
                fd.as_raw_fd(),
                &sll as *const libc::sockaddr_ll as *const libc::sockaddr,
                std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t,
            )
        };
        if rc != 0 {
            return Err(err("bind", std::io::Error::last_os_error()));
        }

        // 5. Promiscuous mode.
        if opts.promisc {
            // SAFETY: packet_mreq is plain old data.
            let mut mreq: libc::packet_mreq = unsafe { std::mem::zeroed() };
            mreq.mr_ifindex = ifindex;
            mreq.mr_type = libc::PACKET_MR_PROMISC as u16;
            setsockopt(&fd, libc::SOL_PACKET, libc::PACKET_ADD_MEMBERSHIP, &mreq)
                .map_err(|e| err("PACKET_ADD_MEMBERSHIP (promiscuous mode)", e))?;
        }

        let header = if cooked { SLL_HDR_LEN } else { 0 };
        Ok(LiveCapture {
            fd,
            iface: iface.to_string(),
            ifindex,
            link_type,
            cooked,
            is_loopback: arp_type == ARPHRD_LOOPBACK,
            snaplen: snaplen as usize,
            timeout: opts.timeout,
            buf: vec![0u8; snaplen as usize + header],
            user_filter,
            stop: Arc::new(AtomicBool::new(false)),
            stats: LiveStats::default(),
        })
    }

    pub fn link_type(&self) -> LinkType {
        self.link_type
    }

    pub fn interface(&self) -> &str {
        &self.iface
    }

    pub fn interface_index(&self) -> i32 {
        self.ifindex
    }

    /// A handle that stops this capture from another thread.
    pub fn stop_handle(&self) -> StopHandle {
        StopHandle(self.stop.clone())
    }

    /// Kernel counters (accumulated: the kernel resets them on every read) plus ours.
    pub fn stats(&mut self) -> Result<LiveStats, CaptureError> {
        // SAFETY: tpacket_stats is plain old data.
        let mut st: libc::tpacket_stats = unsafe { std::mem::zeroed() };
        let mut len = std::mem::size_of::<libc::tpacket_stats>() as libc::socklen_t;
        // SAFETY: `st` is writable and `len` holds its size, as getsockopt requires.
        let rc = unsafe {
            libc::getsockopt(
                self.fd.as_raw_fd(),
                libc::SOL_PACKET,
                libc::PACKET_STATISTICS,
                &mut st as *mut libc::tpacket_stats as *mut libc::c_void,
                &mut len,
            )
        };
        if rc != 0 {
            return Err(self.error("PACKET_STATISTICS", std::io::Error::last_os_error()));
        }
        // For TPACKET v1/v2 sockets the kernel already adds drops into tp_packets.
        self.stats.received += st.tp_packets as u64;
        self.stats.dropped_kernel += st.tp_drops as u64;
        Ok(self.stats)
    }

    fn error(&self, what: &'static str, source: std::io::Error) -> CaptureError {
        CaptureError::Live {
            iface: self.iface.clone(),
            what,
            source,
        }
    }

    /// The next packet, or `Ok(None)` if none arrived within the timeout (or the capture was
    /// stopped). Unlike [`PacketSource::next_packet`] this never blocks longer than the timeout.
    pub fn next_packet_timeout(&mut self) -> Result<Option<Packet<'_>>, CaptureError> {
        let got = self.receive()?;
        Ok(got.map(|r| self.packet(r)))
    }

    fn packet(&self, r: Received) -> Packet<'_> {
        Packet {
            ts: r.ts,
            orig_len: r.orig_len,
            link_type: self.link_type,
            interface_id: 0,
            data: &self.buf[..r.caplen],
        }
    }

    /// Waits up to the timeout and receives one packet into `buf`.
    fn receive(&mut self) -> Result<Option<Received>, CaptureError> {
        let deadline = std::time::Instant::now() + self.timeout;
        loop {
            if self.stop.load(Ordering::Relaxed) {
                return Ok(None);
            }
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let mut pfd = libc::pollfd {
                fd: self.fd.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            let ms = left.as_millis().min(i32::MAX as u128) as i32;
            // SAFETY: one valid pollfd, count 1.
            let n = unsafe { libc::poll(&mut pfd, 1, ms) };
            if n < 0 {
                let e = std::io::Error::last_os_error();
                if e.kind() == std::io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(self.error("poll", e));
            }
            if n == 0 {
                return Ok(None);
            }
            if pfd.revents & (libc::POLLERR | libc::POLLNVAL) != 0
                && pfd.revents & libc::POLLIN == 0
            {
                // Read the pending socket error (e.g. ENETDOWN when the interface went away).
                let e = self
                    .recv_once()
                    .err()
                    .unwrap_or_else(|| std::io::Error::other("socket error"));
                return Err(self.error("poll", e));
            }
            match self.recv_once() {
                Ok(Some(r)) => return Ok(Some(r)),
                // Skipped (loopback duplicate, userspace filter) or spurious wakeup.
                Ok(None) => {
                    if left.is_zero() {
                        return Ok(None);
                    }
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::Interrupted
                    ) => {}
                Err(e) => return Err(self.error("recvmsg", e)),
            }
        }
    }

    /// One non-blocking `recvmsg`. `Ok(None)` means the packet was read but is not for the
    /// caller.
    fn recv_once(&mut self) -> std::io::Result<Option<Received>> {
        let header = if self.cooked { SLL_HDR_LEN } else { 0 };
        // SAFETY: sockaddr_ll is plain old data.
        let mut from: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
        // Room for a SCM_TIMESTAMPNS message (a timespec), aligned for cmsghdr.
        let mut control = [0u64; 16];
        let mut iov = libc::iovec {
            iov_base: self.buf[header..].as_mut_ptr() as *mut libc::c_void,
            iov_len: self.snaplen,
        };
        // SAFETY: msghdr is plain old data; the pointers set below stay valid for the call.
        let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
        msg.msg_name = &mut from as *mut libc::sockaddr_ll as *mut libc::c_void;
        msg.msg_namelen = std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t;
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr() as *mut libc::c_void;
        msg.msg_controllen = std::mem::size_of_val(&control) as _;
        // SAFETY: `msg` points at live buffers (`from`, `iov` into self.buf with its real
        // remaining length, `control`), all outliving the call.
        let n = unsafe {
            libc::recvmsg(
                self.fd.as_raw_fd(),
                &mut msg,
                libc::MSG_TRUNC | libc::MSG_DONTWAIT,
            )
        };
        if n < 0 {
            return Err(std::io::Error::last_os_error());
        }
        let wire_len = n as usize;
        if self.is_loopback && from.sll_pkttype == libc::PACKET_OUTGOING {
            return Ok(None);
        }
        let ts = timestamp_from_cmsgs(&msg).unwrap_or_else(now);
        let mut caplen = wire_len.min(self.snaplen);
        let mut orig_len = wire_len;
        if self.cooked {
            // Linux cooked header: packet type, ARPHRD, address length, 8 address bytes,
            // protocol (all big-endian), as libpcap writes for DLT_LINUX_SLL.
            let h = &mut self.buf[..SLL_HDR_LEN];
            h[0..2].copy_from_slice(&(from.sll_pkttype as u16).to_be_bytes());
            h[2..4].copy_from_slice(&from.sll_hatype.to_be_bytes());
            h[4..6].copy_from_slice(&(from.sll_halen as u16).to_be_bytes());
            h[6..14].copy_from_slice(&from.sll_addr);
            h[14..16].copy_from_slice(&from.sll_protocol.to_ne_bytes());
            caplen += SLL_HDR_LEN;
            orig_len += SLL_HDR_LEN;
            if let Some(prog) = &self.user_filter {
                let keep = bpf::run(prog.insns(), &self.buf[..caplen], orig_len as u32) as usize;
                if keep == 0 {
                    self.stats.filtered_userspace += 1;
                    return Ok(None);
                }
                caplen = caplen.min(keep);
            }
        }
        self.stats.delivered += 1;
        Ok(Some(Received {
            caplen,
            orig_len: orig_len.min(u32::MAX as usize) as u32,
            ts,
        }))
    }
}

impl PacketSource for LiveCapture {
    /// Blocks until a packet arrives; `Ok(None)` only after [`StopHandle::stop`].
    fn next_packet(&mut self) -> Result<Option<Packet<'_>>, CaptureError> {
        loop {
            if let Some(r) = self.receive()? {
                return Ok(Some(self.packet(r)));
            }
            if self.stop.load(Ordering::Relaxed) {
                return Ok(None);
            }
        }
    }
}

/// A live capture with the backend chosen at run time by [`LiveOptions::backend`]; every method
/// forwards to the backend's own.
pub enum AnyLiveCapture {
    AfPacket(LiveCapture),
    #[cfg(feature = "libpcap")]
    Libpcap(crate::live_pcap::PcapLiveCapture),
}

impl AnyLiveCapture {
    /// Opens `iface` with the backend `opts.backend` names.
    pub fn open(iface: &str, opts: LiveOptions) -> Result<AnyLiveCapture, CaptureError> {
        match opts.backend {
            Backend::AfPacket => LiveCapture::open(iface, opts).map(AnyLiveCapture::AfPacket),
            #[cfg(feature = "libpcap")]
            Backend::Libpcap => {
                crate::live_pcap::PcapLiveCapture::open(iface, opts).map(AnyLiveCapture::Libpcap)
            }
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            AnyLiveCapture::AfPacket(_) => Backend::AfPacket,
            #[cfg(feature = "libpcap")]
            AnyLiveCapture::Libpcap(_) => Backend::Libpcap,
        }
    }

    pub fn link_type(&self) -> LinkType {
        match self {
            AnyLiveCapture::AfPacket(c) => c.link_type(),
            #[cfg(feature = "libpcap")]
            AnyLiveCapture::Libpcap(c) => c.link_type(),
        }
    }

    pub fn interface(&self) -> &str {
        match self {
            AnyLiveCapture::AfPacket(c) => c.interface(),
            #[cfg(feature = "libpcap")]
            AnyLiveCapture::Libpcap(c) => c.interface(),
        }
    }

    pub fn stop_handle(&self) -> StopHandle {
        match self {
            AnyLiveCapture::AfPacket(c) => c.stop_handle(),
            #[cfg(feature = "libpcap")]
            AnyLiveCapture::Libpcap(c) => c.stop_handle(),
        }
    }

    pub fn stats(&mut self) -> Result<LiveStats, CaptureError> {
        match self {
            AnyLiveCapture::AfPacket(c) => c.stats(),
            #[cfg(feature = "libpcap")]
            AnyLiveCapture::Libpcap(c) => c.stats(),
        }
    }

    pub fn next_packet_timeout(&mut self) -> Result<Option<Packet<'_>>, CaptureError> {
        match self {
            AnyLiveCapture::AfPacket(c) => c.next_packet_timeout(),
            #[cfg(feature = "libpcap")]
            AnyLiveCapture::Libpcap(c) => c.next_packet_timeout(),
        }
    }
}

impl PacketSource for AnyLiveCapture {
    fn next_packet(&mut self) -> Result<Option<Packet<'_>>, CaptureError> {
        match self {
            AnyLiveCapture::AfPacket(c) => c.next_packet(),
            #[cfg(feature = "libpcap")]
            AnyLiveCapture::Libpcap(c) => c.next_packet(),
        }
    }
}

/// The interface's `ARPHRD_*` type, via `SIOCGIFHWADDR` on a throwaway socket.
fn hardware_type(name: &str) -> std::io::Result<u16> {
    // SAFETY: ifreq is plain old data.
    let mut ifr: libc::ifreq = unsafe { std::mem::zeroed() };
    if name.len() >= ifr.ifr_name.len() {
        return Err(std::io::Error::from(std::io::ErrorKind::InvalidInput));
    }
    for (dst, src) in ifr.ifr_name.iter_mut().zip(name.bytes()) {
        *dst = src as libc::c_char;
    }
    // SAFETY: plain syscall; the result is checked and owned right away.
    let raw = unsafe { libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0) };
    if raw < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: `raw` is a fresh descriptor nobody else owns.
    let sock = unsafe { OwnedFd::from_raw_fd(raw) };
    // SAFETY: SIOCGIFHWADDR reads ifr_name and writes the ifru_hwaddr union member of `ifr`.
    let rc = unsafe { libc::ioctl(sock.as_raw_fd(), libc::SIOCGIFHWADDR as _, &mut ifr) };
    if rc != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: after a successful SIOCGIFHWADDR the hwaddr member is the initialised one.
    Ok(unsafe { ifr.ifr_ifru.ifru_hwaddr.sa_family })
}

fn setsockopt<T>(fd: &OwnedFd, level: i32, name: i32, value: &T) -> std::io::Result<()> {
    // SAFETY: `value` is a live T and we pass its exact size; the kernel only reads it.
    let rc = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            level,
            name,
            value as *const T as *const libc::c_void,
            std::mem::size_of::<T>() as libc::socklen_t,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// The SCM_TIMESTAMPNS control message of a received packet, if present.
fn timestamp_from_cmsgs(msg: &libc::msghdr) -> Option<Timestamp> {
    // SAFETY: `msg` was filled by a successful recvmsg, so msg_control/msg_controllen describe
    // valid control messages; the CMSG_* macros stay within that buffer.
    unsafe {
        let mut cmsg = libc::CMSG_FIRSTHDR(msg);
        while !cmsg.is_null() {
            if (*cmsg).cmsg_level == libc::SOL_SOCKET && (*cmsg).cmsg_type == libc::SCM_TIMESTAMPNS
            {
                let ts = std::ptr::read_unaligned(libc::CMSG_DATA(cmsg) as *const libc::timespec);
                return Some(Timestamp::new(ts.tv_sec, ts.tv_nsec as u32));
            }
            cmsg = libc::CMSG_NXTHDR(msg, cmsg);
        }
    }
    None
}

fn now() -> Timestamp {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    Timestamp::new(d.as_secs() as i64, d.subsec_nanos())
}
