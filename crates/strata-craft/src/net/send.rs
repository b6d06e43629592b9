//! Sending: Scapy's `send` (layer 3) and `sendp` (layer 2).
//!
//! Layer 3 goes through raw sockets with the header included (`IPPROTO_RAW`, which implies
//! `IP_HDRINCL` / IPv6 hdrincl): the kernel routes the datagram and resolves the next hop's MAC,
//! as for any local traffic, and fills what a zero field leaves to it (IPv4 `id` 0, `src`
//! 0.0.0.0, and always the total length and header checksum). Bytes that must reach the wire
//! exactly as built go at layer 2 instead: a packet socket bound to one interface, which sends
//! the frame untouched.

use super::{os_err, NetError, Result};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

/// A raw socket for IPv4 and one for IPv6, each opened on first use.
#[derive(Debug, Default)]
pub struct L3Socket {
    v4: Option<OwnedFd>,
    v6: Option<OwnedFd>,
    /// `SO_BINDTODEVICE` for both, when the caller named an interface.
    device: Option<String>,
}

impl L3Socket {
    pub fn new() -> L3Socket {
        L3Socket::default()
    }

    /// Sends only through `iface` (Scapy's `send(..., iface=...)`).
    pub fn bound_to(iface: &str) -> L3Socket {
        L3Socket {
            device: Some(iface.to_string()),
            ..L3Socket::default()
        }
    }

    /// Sends one IPv4 or IPv6 datagram (the version nibble decides); the destination is read
    /// from the header.
    pub fn send(&mut self, datagram: &[u8]) -> Result<()> {
        match datagram.first().map(|b| b >> 4) {
            Some(4) if datagram.len() >= 20 => {
                let dst = Ipv4Addr::new(datagram[16], datagram[17], datagram[18], datagram[19]);
                let fd = self.socket(libc::AF_INET)?;
                // SAFETY: sockaddr_in is plain old data; all-zero is valid.
                let mut sa: libc::sockaddr_in = unsafe { std::mem::zeroed() };
                sa.sin_family = libc::AF_INET as libc::sa_family_t;
                sa.sin_addr.s_addr = u32::from_ne_bytes(dst.octets());
                send_to(fd, datagram, &sa, "sendto (IPv4 raw)")
            }
            Some(6) if datagram.len() >= 40 => {
                let mut o = [0u8; 16];
                o.copy_from_slice(&datagram[24..40]);
                let dst = Ipv6Addr::from(o);
                let fd = self.socket(libc::AF_INET6)?;
                // SAFETY: sockaddr_in6 is plain old data; all-zero is valid.
                let mut sa: libc::sockaddr_in6 = unsafe { std::mem::zeroed() };
                sa.sin6_family = libc::AF_INET6 as libc::sa_family_t;
                sa.sin6_addr.s6_addr = dst.octets();
                send_to(fd, datagram, &sa, "sendto (IPv6 raw)")
            }
            _ => Err(NetError::Unsupported(
                "layer-3 send needs an IPv4 or IPv6 packet (use layer 2 for anything else)".into(),
            )),
        }
    }

    fn socket(&mut self, family: i32) -> Result<i32> {
        let slot = if family == libc::AF_INET {
            &mut self.v4
        } else {
            &mut self.v6
        };
        if let Some(fd) = slot {
            return Ok(fd.as_raw_fd());
        }
        // SAFETY: plain syscall; the result is checked and owned by OwnedFd right away.
        let raw = unsafe {
            libc::socket(
                family,
                libc::SOCK_RAW | libc::SOCK_CLOEXEC,
                libc::IPPROTO_RAW,
            )
        };
        if raw < 0 {
            return Err(os_err("socket(IPPROTO_RAW) (needs CAP_NET_RAW)"));
        }
        // SAFETY: `raw` is a fresh descriptor nobody else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };
        if family == libc::AF_INET {
            // Broadcast destinations (a subnet's .255) are refused without it.
            setsockopt(
                &fd,
                libc::SOL_SOCKET,
                libc::SO_BROADCAST,
                &1i32,
                "SO_BROADCAST",
            )?;
        }
        if let Some(dev) = &self.device {
            let name = dev.as_bytes();
            // SAFETY: `name` is a live byte slice and we pass its exact length.
            let rc = unsafe {
                libc::setsockopt(
                    fd.as_raw_fd(),
                    libc::SOL_SOCKET,
                    libc::SO_BINDTODEVICE,
                    name.as_ptr() as *const libc::c_void,
                    name.len() as libc::socklen_t,
                )
            };
            if rc != 0 {
                return Err(os_err(format!("SO_BINDTODEVICE {dev}")));
            }
        }
        Ok(slot.insert(fd).as_raw_fd())
    }
}

/// A packet socket bound to one interface that sends whole frames as given.
#[derive(Debug)]
pub struct L2Socket {
    fd: OwnedFd,
    iface: String,
}

impl L2Socket {
    /// Opens a send-only packet socket on `iface` (protocol 0: the kernel queues nothing to it).
    pub fn open(iface: &str) -> Result<L2Socket> {
        let cname = std::ffi::CString::new(iface)
            .map_err(|_| NetError::Unsupported(format!("bad interface name {iface:?}")))?;
        // SAFETY: cname is a valid NUL-terminated string.
        let ifindex = unsafe { libc::if_nametoindex(cname.as_ptr()) };
        if ifindex == 0 {
            return Err(os_err(format!("interface {iface}")));
        }
        // SAFETY: plain syscall; the result is checked and owned right away.
        let raw = unsafe { libc::socket(libc::AF_PACKET, libc::SOCK_RAW | libc::SOCK_CLOEXEC, 0) };
        if raw < 0 {
            return Err(os_err("socket(AF_PACKET) (needs CAP_NET_RAW)"));
        }
        // SAFETY: `raw` is a fresh descriptor nobody else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };
        // SAFETY: sockaddr_ll is plain old data; all-zero is valid.
        let mut sll: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
        sll.sll_family = libc::AF_PACKET as u16;
        sll.sll_ifindex = ifindex as i32;
        // SAFETY: `sll` is a valid sockaddr_ll and we pass its exact size.
        let rc = unsafe {
            libc::bind(
                fd.as_raw_fd(),
                &sll as *const libc::sockaddr_ll as *const libc::sockaddr,
                std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t,
            )
        };
        if rc != 0 {
            return Err(os_err(format!("bind AF_PACKET to {iface}")));
        }
        Ok(L2Socket {
            fd,
            iface: iface.to_string(),
        })
    }

    pub fn interface(&self) -> &str {
        &self.iface
    }

    /// Sends one frame as it is.
    pub fn send(&self, frame: &[u8]) -> Result<()> {
        retry_nobufs(|| {
            // SAFETY: `frame` is a live slice and we pass its exact length.
            unsafe {
                libc::send(
                    self.fd.as_raw_fd(),
                    frame.as_ptr() as *const libc::c_void,
                    frame.len(),
                    0,
                )
            }
        })
        .map_err(|source| NetError::Io {
            what: format!("send on {}", self.iface),
            source,
        })
    }
}

/// `sendto` with a socket address of type `A`.
fn send_to<A>(fd: i32, buf: &[u8], addr: &A, what: &str) -> Result<()> {
    retry_nobufs(|| {
        // SAFETY: `buf` and `addr` are live for the call and their exact sizes are passed.
        unsafe {
            libc::sendto(
                fd,
                buf.as_ptr() as *const libc::c_void,
                buf.len(),
                0,
                addr as *const A as *const libc::sockaddr,
                std::mem::size_of::<A>() as libc::socklen_t,
            )
        }
    })
    .map_err(|source| NetError::Io {
        what: what.to_string(),
        source,
    })
}

/// Runs a send until it is accepted. A full device queue (`ENOBUFS`, `EAGAIN`) is waited out,
/// briefly and a bounded number of times, rather than losing the packet.
fn retry_nobufs(mut f: impl FnMut() -> isize) -> std::io::Result<()> {
    for _ in 0..1000 {
        if f() >= 0 {
            return Ok(());
        }
        let e = std::io::Error::last_os_error();
        match e.raw_os_error() {
            Some(libc::ENOBUFS) | Some(libc::EAGAIN) => {
                std::thread::sleep(std::time::Duration::from_micros(50))
            }
            Some(libc::EINTR) => {}
            _ => return Err(e),
        }
    }
    Err(std::io::Error::from_raw_os_error(libc::ENOBUFS))
}

fn setsockopt<T>(fd: &OwnedFd, level: i32, name: i32, value: &T, what: &str) -> Result<()> {
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
    if rc != 0 {
        return Err(os_err(what));
    }
    Ok(())
}
