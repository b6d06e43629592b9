//! Send and receive: Scapy's `sr` (layer 3), `srp` (layer 2) and `sr1`.
//!
//! The capture opens before the first probe leaves (a packet socket queues from `bind`, so no
//! early answer is lost), on the egress interface, with a kernel BPF narrowed to packets for
//! the probes' source address (and from their one destination or ICMP, when there is one
//! destination) and never our own outgoing frames. A thread reads it into a channel; the caller
//! sends at the requested interval and matches every received packet against the unanswered
//! probes with Scapy's `answers()`. Each probe gets at most one answer (Scapy's `multi=False`).
//! Unanswered probes are sent again `retry` times; every round waits `timeout` after its last
//! probe, and stops early once everything is answered.

use super::answers::{answers, Summary};
use super::fill::Filler;
use super::route::Route;
use super::send::{L2Socket, L3Socket};
use super::{NetError, Result};
use crate::Packet;
use std::collections::BTreeSet;
use std::net::IpAddr;
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};
use strata_capture::live::{LiveCapture, LiveOptions};
use strata_capture::LinkType;
use strata_wire::decode::Decoded;

/// Scapy's `sr()` keyword arguments.
#[derive(Debug, Clone)]
pub struct SrOptions {
    /// How long to wait for answers after the last probe of a round (Scapy's `timeout`).
    pub timeout: Duration,
    /// Extra rounds for unanswered probes (Scapy's `retry`).
    pub retry: u32,
    /// Pause between two probes (Scapy's `inter`): the rate limit.
    pub inter: Duration,
    /// Egress interface (`iface`); `None` follows the routing table.
    pub iface: Option<String>,
}

impl Default for SrOptions {
    fn default() -> SrOptions {
        SrOptions {
            timeout: Duration::from_secs(2),
            retry: 0,
            inter: Duration::from_millis(10),
            iface: None,
        }
    }
}

/// A probe as it left.
#[derive(Debug, Clone)]
pub struct Sent {
    /// Index in the caller's list.
    pub index: usize,
    /// The filled packet (addresses resolved), for printing.
    pub packet: Packet,
    pub bytes: Vec<u8>,
    pub link: LinkType,
    pub summary: Summary,
    /// When it was last sent.
    pub time: SystemTime,
}

/// A captured packet.
#[derive(Debug, Clone)]
pub struct Received {
    pub time: SystemTime,
    pub data: Vec<u8>,
    pub link: LinkType,
    pub summary: Summary,
}

/// Scapy's `(SndRcvList, PacketList)`, plus the number of packets received.
#[derive(Debug, Clone, Default)]
pub struct SrResult {
    pub answered: Vec<(Sent, Received)>,
    pub unanswered: Vec<Sent>,
    /// Packets the capture delivered (Scapy's "Received N packets").
    pub received: usize,
}

impl SrResult {
    /// Scapy's closing line: `Received N packets, got M answers, remaining K packets`.
    pub fn scapy_line(&self) -> String {
        format!(
            "Received {} packets, got {} answers, remaining {} packets",
            self.received,
            self.answered.len(),
            self.unanswered.len()
        )
    }
}

impl Sent {
    /// Round-trip time of an answer to this probe.
    pub fn rtt(&self, r: &Received) -> Duration {
        r.time.duration_since(self.time).unwrap_or_default()
    }
}

/// Layer 3: packets starting with IP / IPv6, sent by raw sockets.
pub fn sr(packets: Vec<Packet>, opts: &SrOptions) -> Result<SrResult> {
    run(packets, opts, false)
}

/// Layer 2: frames starting with Ether, sent on a packet socket.
pub fn srp(packets: Vec<Packet>, opts: &SrOptions) -> Result<SrResult> {
    run(packets, opts, true)
}

/// The first answer to one packet (layer 3 or 2 by its first layer).
pub fn sr1(packet: Packet, opts: &SrOptions) -> Result<Option<(Sent, Received)>> {
    let l2 = matches!(packet.layers.first(), Some(crate::Layer::Ether(_)));
    Ok(run(vec![packet], opts, l2)?.answered.into_iter().next())
}

enum Sender {
    L3(L3Socket),
    L2(L2Socket),
}

impl Sender {
    fn send(&mut self, b: &[u8]) -> Result<()> {
        match self {
            Sender::L3(s) => s.send(b),
            Sender::L2(s) => s.send(b),
        }
    }
}

fn run(packets: Vec<Packet>, opts: &SrOptions, l2: bool) -> Result<SrResult> {
    let mut res = SrResult::default();
    if packets.is_empty() {
        return Ok(res);
    }
    // Fill and build every probe first: resolution errors surface before anything is sent.
    let mut filler = Filler::new(opts.iface.as_deref());
    let mut scratch = Decoded::new();
    let mut probes = Vec::with_capacity(packets.len());
    let mut egress: Option<Route> = None;
    for (index, mut p) in packets.into_iter().enumerate() {
        let r = if l2 {
            filler.layer2(&mut p)?
        } else {
            filler.layer3(&mut p)?
        };
        match &egress {
            Some(e) if e.iface != r.iface => {
                return Err(NetError::Unsupported(format!(
                    "probes leave by different interfaces ({} and {}): send them separately",
                    e.iface, r.iface
                )))
            }
            Some(_) => {}
            None => egress = Some(r),
        }
        let bytes = p.build()?;
        let link = if l2 {
            LinkType::ETHERNET
        } else {
            LinkType::RAW
        };
        let summary = Summary::of(link, &bytes, &mut scratch);
        probes.push(Sent {
            index,
            packet: p,
            bytes,
            link,
            summary,
            time: SystemTime::UNIX_EPOCH,
        });
    }
    let Some(egress) = egress else {
        return Ok(res);
    };

    let filter = capture_filter(&probes, &egress);
    let opts_cap = LiveOptions {
        filter: Some(filter),
        timeout: Duration::from_millis(20),
        promisc: false,
        ..LiveOptions::default()
    };
    let cap = LiveCapture::open(&egress.iface, opts_cap)?;
    let link = cap.link_type();
    let stop = cap.stop_handle();
    let (tx, rx) = mpsc::channel::<(SystemTime, Vec<u8>)>();
    let reader = std::thread::spawn(move || read_loop(cap, tx));

    let mut sender = if l2 {
        Sender::L2(L2Socket::open(&egress.iface)?)
    } else {
        Sender::L3(match &opts.iface {
            Some(i) => L3Socket::bound_to(i),
            None => L3Socket::new(),
        })
    };
    let mut answer: Vec<Option<Received>> = vec![None; probes.len()];
    let mut outcome = Ok(());
    'rounds: for _round in 0..=opts.retry {
        let mut first = true;
        for i in 0..probes.len() {
            if answer[i].is_some() {
                continue;
            }
            if !first && !opts.inter.is_zero() {
                pump(
                    &rx,
                    Some(opts.inter),
                    &probes,
                    &mut answer,
                    &mut res,
                    link,
                    &mut scratch,
                );
            }
            first = false;
            probes[i].time = SystemTime::now();
            if let Err(e) = sender.send(&probes[i].bytes) {
                outcome = Err(e);
                break 'rounds;
            }
            pump(
                &rx,
                None,
                &probes,
                &mut answer,
                &mut res,
                link,
                &mut scratch,
            );
        }
        let deadline = Instant::now() + opts.timeout;
        while answer.iter().any(Option::is_none) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            pump(
                &rx,
                Some(left.min(Duration::from_millis(50))),
                &probes,
                &mut answer,
                &mut res,
                link,
                &mut scratch,
            );
        }
        if answer.iter().all(Option::is_some) {
            break;
        }
    }
    stop.stop();
    // The reader ends within one capture timeout; what it still sent is not needed.
    let read_result = reader
        .join()
        .map_err(|_| NetError::Unsupported("capture thread panicked".into()))?;
    outcome?;
    read_result?;
    for (p, a) in probes.into_iter().zip(answer) {
        match a {
            Some(r) => res.answered.push((p, r)),
            None => res.unanswered.push(p),
        }
    }
    Ok(res)
}

/// Receives what arrived (waiting up to `wait`, or not at all) and matches it.
#[allow(clippy::too_many_arguments)]
fn pump(
    rx: &mpsc::Receiver<(SystemTime, Vec<u8>)>,
    wait: Option<Duration>,
    probes: &[Sent],
    answer: &mut [Option<Received>],
    res: &mut SrResult,
    link: LinkType,
    scratch: &mut Decoded,
) {
    let until = wait.map(|w| Instant::now() + w);
    loop {
        let got = match until {
            None => rx.try_recv().ok(),
            Some(t) => {
                let left = t.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    rx.try_recv().ok()
                } else {
                    rx.recv_timeout(left).ok()
                }
            }
        };
        let Some((time, data)) = got else {
            return;
        };
        res.received += 1;
        let summary = Summary::of(link, &data, scratch);
        if let Some(i) = (0..probes.len())
            .find(|&i| answer[i].is_none() && answers(&summary, &probes[i].summary))
        {
            answer[i] = Some(Received {
                time,
                data,
                link,
                summary,
            });
        }
        if until.is_some_and(|t| Instant::now() >= t) {
            return;
        }
    }
}

/// Copies captured packets to the channel until stopped (or the receiver is gone).
fn read_loop(mut cap: LiveCapture, tx: mpsc::Sender<(SystemTime, Vec<u8>)>) -> Result<()> {
    let stop = cap.stop_handle();
    while !stop.is_stopped() {
        if let Some(p) = cap.next_packet_timeout()? {
            let time = SystemTime::UNIX_EPOCH
                + Duration::new(p.ts.secs.max(0) as u64, p.ts.nanos.min(999_999_999));
            if tx.send((time, p.data.to_vec())).is_err() {
                break;
            }
        }
    }
    Ok(())
}

/// The kernel filter for the answers: ARP for ARP probes; otherwise packets to the probes'
/// source (from their destination or carrying an ICMP error, when there is one destination);
/// never our own frames.
fn capture_filter(probes: &[Sent], egress: &Route) -> String {
    let mut srcs = BTreeSet::new();
    let mut dsts = BTreeSet::new();
    let mut arp = true;
    for p in probes {
        if let Some(ip) = p.summary.ip {
            srcs.insert(ip.src);
            dsts.insert(ip.dst);
        }
        arp &= p.summary.arp.is_some();
    }
    let mut f = if arp {
        "arp".to_string()
    } else {
        let mut f = match (srcs.len(), srcs.iter().next()) {
            (1, Some(s)) => format!("dst host {s}"),
            _ => "ip or ip6".to_string(),
        };
        if let (1, Some(d)) = (dsts.len(), dsts.iter().next()) {
            let icmp = if matches!(d, IpAddr::V4(_)) {
                "icmp"
            } else {
                "icmp6"
            };
            let multicast = match d {
                IpAddr::V4(v) => v.is_multicast() || v.is_broadcast(),
                IpAddr::V6(v) => v.is_multicast(),
            };
            if !multicast {
                f = format!("({f}) and (src host {d} or {icmp})");
            }
        }
        f
    };
    if let (Some(mac), false) = (egress.mac, egress.loopback) {
        f = format!("({f}) and not ether src {mac}");
    }
    f
}
