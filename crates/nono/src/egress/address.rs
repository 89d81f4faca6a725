//! Addresses that must not be reached through a name: this machine, the local networks, and
//! the cloud metadata services that hand out credentials.
//!
//! An allowed name is only as safe as the address it resolves to: whoever controls its DNS
//! can point it at `127.0.0.1` or `169.254.169.254` (DNS rebinding). The proxy checks every
//! resolved address against this table and dials only the ones that pass, unless an
//! `--allow-cidr` range names them.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// What kind of internal or special address `ip` is (`"a loopback address"`), or `None` for
/// an ordinary public address. IPv6 forms that carry an IPv4 address (mapped, compatible,
/// NAT64, 6to4) are judged by the address they carry.
pub fn special(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => special_v4(v4),
        IpAddr::V6(v6) => special_v6(v6),
    }
}

fn special_v4(ip: Ipv4Addr) -> Option<&'static str> {
    const METADATA: [Ipv4Addr; 3] = [
        Ipv4Addr::new(169, 254, 169, 254), // AWS, GCP, Azure, OpenStack, Oracle, ...
        Ipv4Addr::new(100, 100, 100, 200), // Alibaba Cloud
        Ipv4Addr::new(168, 63, 129, 16),   // Azure wire server
    ];
    if METADATA.contains(&ip) {
        return Some("a cloud metadata address");
    }
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        _ if ip.is_broadcast() => "the broadcast address",
        (0, _, _) => "an unspecified ('this network') address",
        (127, _, _) => "a loopback address",
        (10, _, _) | (192, 168, _) => "a private address",
        (172, 16..=31, _) => "a private address",
        (100, 64..=127, _) => "a shared (carrier-grade NAT) address",
        (169, 254, _) => "a link-local address",
        (192, 0, 0) => "an IETF protocol assignment address",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "a documentation address",
        (198, 18..=19, _) => "a benchmarking address",
        (224..=239, _, _) => "a multicast address",
        (240..=255, _, _) => "a reserved address",
        _ => return None,
    })
}

fn special_v6(ip: Ipv6Addr) -> Option<&'static str> {
    if ip == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254) {
        return Some("a cloud metadata address");
    }
    if ip.is_unspecified() {
        return Some("an unspecified address");
    }
    if ip.is_loopback() {
        return Some("a loopback address");
    }
    let s = ip.segments();
    let [.., p0, p1, p2, p3] = ip.octets();
    let low_v4 = Ipv4Addr::new(p0, p1, p2, p3);
    if let Some(v4) = ip.to_ipv4_mapped() {
        return special_v4(v4);
    }
    Some(match s {
        // ::a.b.c.d, the deprecated IPv4-compatible form (RFC 4291 2.5.5.1).
        [0, 0, 0, 0, 0, 0, _, _] => "an IPv4-compatible IPv6 address (deprecated)",
        // NAT64 (RFC 6052): the IPv4 address is the last 32 bits.
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => return special_v4(low_v4),
        [0x64, 0xff9b, 1, ..] => "a local-use NAT64 address",
        // 6to4 (RFC 3056): the IPv4 address is bits 16..48.
        [0x2002, hi, lo, ..] => return special_v4(Ipv4Addr::from((hi as u32) << 16 | lo as u32)),
        [0x100, 0, 0, 0, ..] => "a discard-only address",
        [0x2001, 0xdb8, ..] => "a documentation address",
        [0x3fff, b, ..] if b & 0xf000 == 0 => "a documentation address", // 3fff::/20
        [a, ..] if a & 0xfe00 == 0xfc00 => "a private (unique local) address",
        [a, ..] if a & 0xffc0 == 0xfe80 => "a link-local address",
        [a, ..] if a & 0xffc0 == 0xfec0 => "a site-local address (deprecated)",
        [a, ..] if a & 0xff00 == 0xff00 => "a multicast address",
        _ => return None,
    })
}
