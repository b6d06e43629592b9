//! Network interfaces: listing (what `strata interfaces` prints) and the `-i auto` choice.
//!
//! Names, indexes, flags and addresses come from `getifaddrs(3)`; MTU, ARP hardware type and
//! traffic counters from `/sys/class/net/<name>/`, which is what `ip -s link` reads too.

use std::collections::BTreeMap;
use std::ffi::CStr;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::CaptureError;

/// Interface flags (the `IFF_*` bits that matter for capture).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InterfaceFlags {
    pub up: bool,
    pub running: bool,
    pub loopback: bool,
    pub promisc: bool,
    pub broadcast: bool,
    pub multicast: bool,
    pub point_to_point: bool,
}

/// An IPv4 or IPv6 address with its prefix length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InterfaceAddress {
    pub addr: IpAddr,
    pub prefix_len: u8,
}

impl std::fmt::Display for InterfaceAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix_len)
    }
}

/// Counters from `/sys/class/net/<name>/statistics` (0 when unreadable).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InterfaceCounters {
    pub rx_packets: u64,
    pub tx_packets: u64,
    pub rx_bytes: u64,
    pub tx_bytes: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interface {
    pub name: String,
    /// Kernel interface index (what AF_PACKET binds to).
    pub index: u32,
    pub flags: InterfaceFlags,
    /// Hardware address, for interfaces that have a 6-byte one.
    pub mac: Option<[u8; 6]>,
    pub addresses: Vec<InterfaceAddress>,
    pub mtu: Option<u32>,
    /// `ARPHRD_*` hardware type (1 Ethernet, 772 loopback, 65534 none/tun, ...).
    pub arp_type: Option<u16>,
    pub counters: InterfaceCounters,
}

impl Interface {
    /// Bytes received plus sent: the "most traffic" measure of [`choose_auto`].
    pub fn traffic_bytes(&self) -> u64 {
        self.counters
            .rx_bytes
            .saturating_add(self.counters.tx_bytes)
    }
}

fn live_error(iface: &str, what: &'static str, source: std::io::Error) -> CaptureError {
    CaptureError::Live {
        iface: iface.to_string(),
        what,
        source,
    }
}

/// Number of leading one bits of a netmask.
fn prefix_len(mask: &[u8]) -> u8 {
    let mut n = 0;
    for byte in mask {
        n += byte.leading_ones();
        if *byte != 0xff {
            break;
        }
    }
    n as u8
}

/// Reads the address in a `sockaddr` of family AF_INET / AF_INET6 as raw bytes.
///
/// # Safety
/// `sa` must be null or point to a valid sockaddr whose real size matches its family.
unsafe fn sockaddr_ip(sa: *const libc::sockaddr) -> Option<IpAddr> {
    if sa.is_null() {
        return None;
    }
    // SAFETY: the caller guarantees `sa` points to a valid sockaddr; the family tells us which
    // larger struct it really is, and getifaddrs allocates the full struct for that family.
    unsafe {
        match (*sa).sa_family as i32 {
            libc::AF_INET => {
                let sin = &*(sa as *const libc::sockaddr_in);
                Some(IpAddr::V4(Ipv4Addr::from(u32::from_be(
                    sin.sin_addr.s_addr,
                ))))
            }
            libc::AF_INET6 => {
                let sin6 = &*(sa as *const libc::sockaddr_in6);
                Some(IpAddr::V6(Ipv6Addr::from(sin6.sin6_addr.s6_addr)))
            }
            _ => None,
        }
    }
}

fn read_sys(name: &str, file: &str) -> Option<u64> {
    let path = format!("/sys/class/net/{name}/{file}");
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

/// All interfaces, sorted by index.
pub fn list() -> Result<Vec<Interface>, CaptureError> {
    let mut by_name: BTreeMap<String, Interface> = BTreeMap::new();
    let mut head: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs writes a list head we own into `head`; freed below with freeifaddrs.
    if unsafe { libc::getifaddrs(&mut head) } != 0 {
        return Err(live_error(
            "*",
            "getifaddrs",
            std::io::Error::last_os_error(),
        ));
    }
    let mut cur = head;
    while !cur.is_null() {
        // SAFETY: `cur` is a node of the list returned by getifaddrs, valid until freeifaddrs.
        let ifa = unsafe { &*cur };
        cur = ifa.ifa_next;
        if ifa.ifa_name.is_null() {
            continue;
        }
        // SAFETY: ifa_name is a NUL-terminated string owned by the list.
        let name = unsafe { CStr::from_ptr(ifa.ifa_name) }
            .to_string_lossy()
            .into_owned();
        let entry = by_name.entry(name.clone()).or_insert_with(|| Interface {
            name: name.clone(),
            index: 0,
            flags: InterfaceFlags::default(),
            mac: None,
            addresses: Vec::new(),
            mtu: None,
            arp_type: None,
            counters: InterfaceCounters::default(),
        });
        let f = ifa.ifa_flags as i32;
        entry.flags = InterfaceFlags {
            up: f & libc::IFF_UP != 0,
            running: f & libc::IFF_RUNNING != 0,
            loopback: f & libc::IFF_LOOPBACK != 0,
            promisc: f & libc::IFF_PROMISC != 0,
            broadcast: f & libc::IFF_BROADCAST != 0,
            multicast: f & libc::IFF_MULTICAST != 0,
            point_to_point: f & libc::IFF_POINTOPOINT != 0,
        };
        if ifa.ifa_addr.is_null() {
            continue;
        }
        // SAFETY: non-null ifa_addr points to a sockaddr of at least sa_family size.
        let family = unsafe { (*ifa.ifa_addr).sa_family } as i32;
        if family == libc::AF_PACKET {
            // SAFETY: AF_PACKET entries carry a sockaddr_ll.
            let sll = unsafe { &*(ifa.ifa_addr as *const libc::sockaddr_ll) };
            entry.index = sll.sll_ifindex as u32;
            if sll.sll_halen == 6 {
                let mut mac = [0u8; 6];
                mac.copy_from_slice(&sll.sll_addr[..6]);
                entry.mac = Some(mac);
            }
            continue;
        }
        // SAFETY: the pointers come from getifaddrs and are null or valid for their family.
        let (addr, mask) = unsafe { (sockaddr_ip(ifa.ifa_addr), sockaddr_ip(ifa.ifa_netmask)) };
        if let Some(addr) = addr {
            let prefix = match mask {
                Some(IpAddr::V4(m)) => prefix_len(&m.octets()),
                Some(IpAddr::V6(m)) => prefix_len(&m.octets()),
                None if addr.is_ipv4() => 32,
                None => 128,
            };
            entry.addresses.push(InterfaceAddress {
                addr,
                prefix_len: prefix,
            });
        }
    }
    // SAFETY: `head` came from a successful getifaddrs and is freed exactly once.
    unsafe { libc::freeifaddrs(head) };

    let mut out: Vec<Interface> = by_name.into_values().collect();
    for iface in &mut out {
        if iface.index == 0 {
            if let Ok(cname) = std::ffi::CString::new(iface.name.clone()) {
                // SAFETY: cname is a valid NUL-terminated string.
                iface.index = unsafe { libc::if_nametoindex(cname.as_ptr()) };
            }
        }
        iface.mtu = read_sys(&iface.name, "mtu").map(|m| m as u32);
        iface.arp_type = read_sys(&iface.name, "type").map(|t| t as u16);
        iface.counters = InterfaceCounters {
            rx_packets: read_sys(&iface.name, "statistics/rx_packets").unwrap_or(0),
            tx_packets: read_sys(&iface.name, "statistics/tx_packets").unwrap_or(0),
            rx_bytes: read_sys(&iface.name, "statistics/rx_bytes").unwrap_or(0),
            tx_bytes: read_sys(&iface.name, "statistics/tx_bytes").unwrap_or(0),
        };
    }
    out.sort_by_key(|i| i.index);
    Ok(out)
}

/// The interface `-i auto` captures on: up, not loopback, with an address, and the most
/// traffic so far (rx + tx bytes). Returns it with a one-line reason, e.g.
/// `"up, has 10.0.0.1/24, most traffic: 12345 bytes"`.
pub fn choose_auto(interfaces: &[Interface]) -> Option<(Interface, String)> {
    let best = interfaces
        .iter()
        .filter(|i| i.flags.up && !i.flags.loopback && !i.addresses.is_empty())
        // Ties broken by the lower index, so the choice is stable.
        .max_by(|a, b| {
            a.traffic_bytes()
                .cmp(&b.traffic_bytes())
                .then(b.index.cmp(&a.index))
        })?;
    // Prefer showing an IPv4 address, as users recognise those.
    let shown = best
        .addresses
        .iter()
        .find(|a| a.addr.is_ipv4())
        .or(best.addresses.first())?;
    let candidates = interfaces
        .iter()
        .filter(|i| i.flags.up && !i.flags.loopback && !i.addresses.is_empty())
        .count();
    let reason = if candidates > 1 {
        format!(
            "up, has {shown}, most traffic: {} bytes",
            best.traffic_bytes()
        )
    } else {
        format!(
            "up, has {shown}, only candidate ({} bytes so far)",
            best.traffic_bytes()
        )
    };
    Some((best.clone(), reason))
}

/// Looks up `name`, or picks one with [`choose_auto`] when `name` is `"auto"`. The reason is
/// `Some` only for `auto`.
pub fn resolve(name_or_auto: &str) -> Result<(Interface, Option<String>), CaptureError> {
    let all = list()?;
    if name_or_auto == "auto" {
        return match choose_auto(&all) {
            Some((iface, reason)) => Ok((iface, Some(reason))),
            None => Err(CaptureError::NoSuchInterface(
                "auto: no interface is up, not loopback and has an address".to_string(),
            )),
        };
    }
    all.into_iter()
        .find(|i| i.name == name_or_auto)
        .map(|i| (i, None))
        .ok_or_else(|| CaptureError::NoSuchInterface(name_or_auto.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iface(
        name: &str,
        index: u32,
        up: bool,
        lo: bool,
        addr: Option<&str>,
        bytes: u64,
    ) -> Interface {
        Interface {
            name: name.into(),
            index,
            flags: InterfaceFlags {
                up,
                loopback: lo,
                ..Default::default()
            },
            mac: None,
            addresses: addr
                .map(|a| {
                    vec![InterfaceAddress {
                        addr: a.parse().unwrap(),
                        prefix_len: 24,
                    }]
                })
                .unwrap_or_default(),
            mtu: Some(1500),
            arp_type: Some(1),
            counters: InterfaceCounters {
                rx_bytes: bytes,
                ..Default::default()
            },
        }
    }

    #[test]
    fn auto_prefers_busy_up_non_loopback_with_address() {
        let all = vec![
            iface("lo", 1, true, true, Some("127.0.0.1"), 1_000_000),
            iface("eth0", 2, true, false, Some("10.0.0.1"), 500),
            iface("eth1", 3, true, false, Some("10.0.1.1"), 12345),
            iface("eth2", 4, false, false, Some("10.0.2.1"), 99999),
            iface("eth3", 5, true, false, None, 88888),
        ];
        let (chosen, reason) = choose_auto(&all).unwrap();
        assert_eq!(chosen.name, "eth1");
        assert_eq!(reason, "up, has 10.0.1.1/24, most traffic: 12345 bytes");
        assert!(choose_auto(&all[..1]).is_none());
    }

    #[test]
    fn prefix_lengths() {
        assert_eq!(prefix_len(&[255, 255, 255, 0]), 24);
        assert_eq!(prefix_len(&[255, 255, 192, 0]), 18);
        assert_eq!(prefix_len(&[0; 16]), 0);
    }

    #[test]
    fn lists_loopback() {
        let all = list().unwrap();
        let lo = all
            .iter()
            .find(|i| i.flags.loopback)
            .expect("a loopback interface");
        assert!(lo.index > 0);
    }
}
