//! Live capture through the system libpcap (cargo feature `libpcap`), with the same surface as
//! the pure-Rust [`LiveCapture`](crate::live::LiveCapture): the same [`LiveOptions`], packets
//! as [`Packet`]s, [`LiveStats`] and a [`StopHandle`].
//!
//! What libpcap does here rather than Strata: opening the interface (on Linux a memory-mapped
//! `TPACKET_V3` ring, so packets are handed out in blocks that the kernel closes when full or
//! after the read timeout), compiling the filter (`pcap_compile`, with libpcap's own
//! optimiser and its Linux fix-ups such as VLAN tags), the link type (`pcap_datalink`) and the
//! counters (`pcap_stats`).
//!
//! Packets are not copied: [`Packet::data`] borrows the ring slot libpcap points at, valid until
//! the next read. Timestamps are asked for in nanoseconds (`pcap_set_tstamp_precision`) and read
//! back according to the precision libpcap actually granted.
//!
//! The handle is non-blocking and waited on with `poll`, so
//! [`PcapLiveCapture::next_packet_timeout`] returns within the timeout even when no packet
//! arrives (libpcap's own read timeout does not promise that on Linux) and a
//! [`StopHandle::stop`] is seen within one timeout.

use std::os::fd::{AsRawFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use pcap::{Active, Capture, Precision};

use crate::interfaces;
use crate::live::{LiveOptions, LiveStats, StopHandle};
use crate::{CaptureError, LinkType, Packet, PacketSource, Timestamp};

/// `PCAP_TSTAMP_PRECISION_NANO` from <pcap/pcap.h>.
const PCAP_TSTAMP_PRECISION_NANO: libc::c_int = 1;
/// `DLT_RAW` as Linux (and most systems) number it; its LINKTYPE_ value is 101.
const DLT_RAW: i32 = 12;

extern "C" {
    // In libpcap since 1.5 (the `pcap` crate's `precision()` needs that version too); the
    // binding does not expose it, and libpcap is linked by the `pcap` crate.
    fn pcap_get_tstamp_precision(p: *mut libc::c_void) -> libc::c_int;
}

/// A live capture through libpcap.
pub struct PcapLiveCapture {
    cap: Capture<Active>,
    /// libpcap's selectable descriptor (owned by `cap`), waited on with `poll`.
    fd: RawFd,
    iface: String,
    link_type: LinkType,
    /// libpcap granted nanosecond timestamps (`tv_usec` then holds nanoseconds).
    nanos: bool,
    timeout: Duration,
    stop: Arc<AtomicBool>,
    delivered: u64,
}

impl PcapLiveCapture {
    /// Opens `iface` (a name, or `auto` as for [`crate::live::LiveCapture::open`]).
    /// `opts.backend` is not consulted: this is the libpcap backend.
    ///
    /// A filter libpcap refuses is a [`CaptureError::Filter`] with libpcap's message and
    /// column 0 (libpcap does not say where the error is).
    pub fn open(iface: &str, opts: LiveOptions) -> Result<PcapLiveCapture, CaptureError> {
        let err = |what: &'static str, e: pcap::Error| CaptureError::Live {
            iface: iface.to_string(),
            what,
            source: io_error(e),
        };
        let name = if iface == "auto" {
            interfaces::resolve(iface)?.0.name
        } else {
            iface.to_string()
        };
        // Checked here so a missing interface is the same error as with AF_PACKET (libpcap
        // would only say so in a message).
        let cname = std::ffi::CString::new(name.clone())
            .map_err(|_| CaptureError::NoSuchInterface(name.clone()))?;
        // SAFETY: cname is a valid NUL-terminated string.
        if unsafe { libc::if_nametoindex(cname.as_ptr()) } == 0 {
            return Err(CaptureError::NoSuchInterface(name));
        }

        let snaplen = opts.snaplen.clamp(1, i32::MAX as u32) as i32;
        // 0 would mean "no timeout" to libpcap; the poll below needs one anyway.
        let timeout = opts.timeout.max(Duration::from_millis(1));
        let timeout_ms = timeout.as_millis().min(i32::MAX as u128) as i32;
        // The same 2 MiB default as the AF_PACKET backend (libpcap's own is 2 MB too).
        let buffer = opts.buffer_size.unwrap_or(2 << 20).min(i32::MAX as usize) as i32;
        let cap = Capture::from_device(name.as_str())
            .map_err(|e| err("pcap_create", e))?
            .snaplen(snaplen)
            .promisc(opts.promisc)
            .timeout(timeout_ms)
            .buffer_size(buffer)
            .precision(Precision::Nano)
            .open()
            .map_err(|e| err("pcap_activate (needs CAP_NET_RAW)", e))?;
        let mut cap = cap.setnonblock().map_err(|e| err("pcap_setnonblock", e))?;
        if let Some(f) = opts.filter.as_deref() {
            if !f.trim().is_empty() {
                // libpcap drops, in userspace, whatever reached the ring before the kernel
                // filter was attached, so no unfiltered packet is delivered.
                cap.filter(f, true).map_err(|e| CaptureError::Filter {
                    filter: f.to_string(),
                    column: 0,
                    what: io_error(e).to_string(),
                })?;
            }
        }
        // SAFETY: `cap` is an activated, live pcap_t for the duration of the call.
        let precision = unsafe { pcap_get_tstamp_precision(cap.as_ptr() as *mut libc::c_void) };
        let link_type = match cap.get_datalink().0 {
            DLT_RAW => LinkType::RAW,
            dlt => LinkType(dlt as u32),
        };
        let fd = cap.as_raw_fd();
        Ok(PcapLiveCapture {
            cap,
            fd,
            iface: iface.to_string(),
            link_type,
            nanos: precision == PCAP_TSTAMP_PRECISION_NANO,
            timeout,
            stop: Arc::new(AtomicBool::new(false)),
            delivered: 0,
        })
    }

    pub fn link_type(&self) -> LinkType {
        self.link_type
    }

    pub fn interface(&self) -> &str {
        &self.iface
    }

    /// True when libpcap granted nanosecond timestamps (otherwise they are microseconds).
    pub fn nanosecond_timestamps(&self) -> bool {
        self.nanos
    }

    /// A handle that stops this capture from another thread.
    pub fn stop_handle(&self) -> StopHandle {
        StopHandle(self.stop.clone())
    }

    /// `pcap_stats` (counted since the capture opened) plus the packets handed out.
    /// `received` is `ps_recv` and `dropped_kernel` is `ps_drop`; libpcap filters in userspace
    /// only in cases it does not report, so `filtered_userspace` stays 0.
    pub fn stats(&mut self) -> Result<LiveStats, CaptureError> {
        let st = self.cap.stats().map_err(|e| CaptureError::Live {
            iface: self.iface.clone(),
            what: "pcap_stats",
            source: io_error(e),
        })?;
        Ok(LiveStats {
            received: st.received as u64,
            dropped_kernel: st.dropped as u64,
            delivered: self.delivered,
            filtered_userspace: 0,
        })
    }

    /// The next packet, or `Ok(None)` if none arrived within the timeout (or the capture was
    /// stopped). Unlike [`PacketSource::next_packet`] this never blocks longer than the timeout.
    pub fn next_packet_timeout(&mut self) -> Result<Option<Packet<'_>>, CaptureError> {
        let deadline = Instant::now() + self.timeout;
        self.next_until(Some(deadline))
    }

    /// Reads packets until one is delivered, the deadline passes (`None`: never) or the
    /// capture is stopped.
    fn next_until(
        &mut self,
        deadline: Option<Instant>,
    ) -> Result<Option<Packet<'_>>, CaptureError> {
        let (link_type, nanos, fd, timeout) = (self.link_type, self.nanos, self.fd, self.timeout);
        let cap: *mut Capture<Active> = &mut self.cap;
        loop {
            if self.stop.load(Ordering::Relaxed) {
                return Ok(None);
            }
            // SAFETY: `cap` points at `self.cap`, which `&mut self` keeps alive and exclusive
            // for the whole call. The reference made here is either returned (through the
            // packet, with the lifetime of `&mut self`, and nothing touches `self.cap` after
            // that) or dead by the end of the iteration (the error arms hold no borrow), so two
            // references to it are never live together. This is the loop the borrow checker
            // cannot yet prove (NLL "problem case 3"; Polonius accepts it). Only other fields
            // of `self` are used while the packet is live.
            let got = unsafe { (*cap).next_packet() };
            match got {
                Ok(p) => {
                    self.delivered += 1;
                    let ts = timestamp(&p.header.ts, nanos);
                    return Ok(Some(Packet {
                        ts,
                        orig_len: p.header.len,
                        link_type,
                        interface_id: 0,
                        data: p.data,
                    }));
                }
                // Non-blocking: nothing ready.
                Err(pcap::Error::TimeoutExpired) => {}
                Err(e) => {
                    return Err(CaptureError::Live {
                        iface: self.iface.clone(),
                        what: "pcap_next_ex",
                        source: io_error(e),
                    })
                }
            }
            // Wait for the ring to have a block, at most one timeout at a time so a stop is
            // seen.
            let wait = match deadline {
                None => timeout,
                Some(d) => {
                    let left = d.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Ok(None);
                    }
                    left.min(timeout)
                }
            };
            let mut pfd = libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            };
            let ms = wait.as_millis().clamp(1, i32::MAX as u128) as i32;
            // SAFETY: one valid pollfd, count 1.
            let n = unsafe { libc::poll(&mut pfd, 1, ms) };
            if n < 0 {
                let e = std::io::Error::last_os_error();
                if e.kind() != std::io::ErrorKind::Interrupted {
                    return Err(CaptureError::Live {
                        iface: self.iface.clone(),
                        what: "poll",
                        source: e,
                    });
                }
            }
            if pfd.revents & libc::POLLNVAL != 0 {
                return Err(CaptureError::Live {
                    iface: self.iface.clone(),
                    what: "poll",
                    source: std::io::Error::from_raw_os_error(libc::EBADF),
                });
            }
            // POLLERR / POLLHUP: the next pcap_next_ex reads the socket error and reports it.
        }
    }
}

impl PacketSource for PcapLiveCapture {
    /// Blocks until a packet arrives; `Ok(None)` only after [`StopHandle::stop`].
    fn next_packet(&mut self) -> Result<Option<Packet<'_>>, CaptureError> {
        self.next_until(None)
    }
}

/// A libpcap `timeval` (microseconds, or nanoseconds in `tv_usec` with nano precision).
fn timestamp(tv: &libc::timeval, nanos: bool) -> Timestamp {
    let frac = u32::try_from(tv.tv_usec).unwrap_or(0);
    let frac = if nanos {
        frac
    } else {
        frac.saturating_mul(1000)
    };
    Timestamp::new(tv.tv_sec, frac.min(999_999_999))
}

fn io_error(e: pcap::Error) -> std::io::Error {
    match e {
        pcap::Error::IoError(kind) => kind.into(),
        other => std::io::Error::other(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_follow_the_granted_precision() {
        let tv = libc::timeval {
            tv_sec: 1_700_000_000,
            tv_usec: 123_456,
        };
        assert_eq!(
            timestamp(&tv, false),
            Timestamp::new(1_700_000_000, 123_456_000)
        );
        assert_eq!(timestamp(&tv, true), Timestamp::new(1_700_000_000, 123_456));
        let bad = libc::timeval {
            tv_sec: 5,
            tv_usec: -1,
        };
        assert_eq!(timestamp(&bad, true), Timestamp::new(5, 0));
    }
}
