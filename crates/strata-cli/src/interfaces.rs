//! `strata interfaces` and the live source behind `-i IFACE|auto`.

use clap::Args as ClapArgs;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use strata_capture::interfaces;
use strata_capture::live::{AnyLiveCapture, Backend, LiveCapture, LiveOptions};
use strata_capture::{CaptureError, Packet, PacketSource};

#[derive(ClapArgs)]
pub struct Args {}

pub fn run(_a: Args) -> Result<ExitCode, String> {
    let list = interfaces::list().map_err(|e| e.to_string())?;
    let auto = interfaces::choose_auto(&list);
    for (i, iface) in list.iter().enumerate() {
        let f = &iface.flags;
        let mut flags = Vec::new();
        for (on, name) in [
            (f.up, "UP"),
            (f.running, "RUNNING"),
            (f.loopback, "LOOPBACK"),
            (f.broadcast, "BROADCAST"),
            (f.multicast, "MULTICAST"),
            (f.point_to_point, "POINTOPOINT"),
            (f.promisc, "PROMISC"),
        ] {
            if on {
                flags.push(name);
            }
        }
        let chosen = auto.as_ref().is_some_and(|(a, _)| a.name == iface.name);
        println!(
            "{}. {}{}  <{}>  mtu {}",
            i + 1,
            iface.name,
            if chosen { "  [auto]" } else { "" },
            flags.join(","),
            iface.mtu.map_or("-".into(), |m| m.to_string())
        );
        if let Some(m) = iface.mac {
            println!("     link {}", strata_wire::MacAddr(m));
        }
        for a in &iface.addresses {
            println!("     inet {}/{}", a.addr, a.prefix_len);
        }
        let c = &iface.counters;
        println!(
            "     rx {} packets {} bytes, tx {} packets {} bytes",
            c.rx_packets, c.rx_bytes, c.tx_packets, c.tx_bytes
        );
    }
    match auto {
        Some((a, why)) => println!("-i auto picks {}: {why}", a.name),
        None => {
            println!("-i auto picks nothing: no interface is up, not loopback, with an address")
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Set by SIGINT / SIGTERM: live sources end cleanly so counters are reported.
static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    STOP.store(true, Ordering::Relaxed);
}

/// True once SIGINT or SIGTERM arrived.
pub fn stop_requested() -> bool {
    STOP.load(Ordering::Relaxed)
}

pub fn install_stop_handler() {
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(libc::SIGINT, on_signal as *const () as libc::sighandler_t);
        libc::signal(libc::SIGTERM, on_signal as *const () as libc::sighandler_t);
    }
}

/// A live capture that stops on a deadline or a signal and reports its counters at the end.
pub struct LiveSource {
    cap: AnyLiveCapture,
}

impl PacketSource for LiveSource {
    fn next_packet(&mut self) -> Result<Option<Packet<'_>>, CaptureError> {
        self.cap.next_packet()
    }
}

impl Drop for LiveSource {
    fn drop(&mut self) {
        match self.cap.stats() {
            Ok(s) => eprintln!(
                "strata: {}: {} packets received, {} dropped by the kernel, {} delivered",
                self.cap.interface(),
                s.received,
                s.dropped_kernel,
                s.delivered
            ),
            Err(e) => eprintln!("strata: {e}"),
        }
    }
}

/// Opens `-i IFACE|auto` (saying which one `auto` chose, and why) with a kernel filter, on the
/// AF_PACKET backend.
pub fn open_capture(
    iface: &str,
    snaplen: u32,
    promisc: bool,
    filter: Option<&str>,
) -> Result<LiveCapture, String> {
    let opts = live_options(iface, snaplen, promisc, filter)?;
    LiveCapture::open(iface, opts).map_err(|e| e.to_string())
}

/// The options for `-i IFACE|auto`, saying which interface `auto` chose, and why.
fn live_options(
    iface: &str,
    snaplen: u32,
    promisc: bool,
    filter: Option<&str>,
) -> Result<LiveOptions, String> {
    if iface == "auto" {
        let (chosen, why) = interfaces::resolve("auto").map_err(|e| e.to_string())?;
        eprintln!(
            "strata: -i auto: {} ({})",
            chosen.name,
            why.unwrap_or_default()
        );
    }
    Ok(LiveOptions {
        snaplen,
        promisc,
        filter: filter.map(str::to_string),
        ..LiveOptions::default()
    })
}

/// Opens `-i IFACE|auto` with tcpdump's defaults and the given capture filter, on `backend`
/// (AF_PACKET, or libpcap in a build with the `libpcap` feature).
pub fn open_live(
    iface: &str,
    snaplen: u32,
    promisc: bool,
    filter: Option<&str>,
    autostop: Option<&str>,
    backend: Backend,
) -> Result<Box<dyn PacketSource>, String> {
    let deadline = match autostop {
        None => None,
        Some(spec) => {
            let secs = spec
                .strip_prefix("duration:")
                .and_then(|s| s.parse::<f64>().ok())
                .filter(|s| s.is_finite() && *s >= 0.0)
                .ok_or_else(|| format!("-a {spec}: expected duration:SECONDS"))?;
            crate::active::deadline(Instant::now(), secs)
        }
    };
    let opts = LiveOptions {
        backend,
        ..live_options(iface, snaplen, promisc, filter)?
    };
    let cap = AnyLiveCapture::open(iface, opts).map_err(|e| e.to_string())?;
    install_stop_handler();
    // A watcher turns the deadline or a signal into a stop the capture sees within its
    // 100 ms poll timeout.
    let handle = cap.stop_handle();
    std::thread::spawn(move || loop {
        if STOP.load(Ordering::Relaxed) || deadline.is_some_and(|d| Instant::now() >= d) {
            handle.stop();
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    });
    Ok(Box::new(LiveSource { cap }))
}
