//! `--allow-cidr RANGE`: address ranges the program may reach, including internal ones that
//! are otherwise refused.

use super::host::canonical_ip;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

/// An IPv4 or IPv6 address range, `10.0.0.0/8` or `fd00::/8`. A bare address is the range of
/// that one address. IPv4-mapped IPv6 ranges are stored as the IPv4 range they reach, so a
/// range and an address always compare in the same family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Parses `ADDRESS/PREFIX` or a bare address. Host bits set below the prefix
    /// (`10.0.0.1/8`) are an error: the range meant is ambiguous, and this is an allowlist.
    pub fn parse(text: &str) -> Result<Cidr, String> {
        let shown = crate::one_line(text);
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text, None),
        };
        let addr: IpAddr = addr.parse().map_err(|_| {
            format!("'{shown}' is not an address range (e.g. 10.0.0.0/8, fd00::/8)")
        })?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("'{shown}': the prefix length must be 0 to {max}"))?,
        };
        let cidr = Cidr::canonical(addr, prefix);
        let network = Cidr {
            addr: mask(cidr.addr, cidr.prefix),
            prefix: cidr.prefix,
        };
        if network != cidr {
            return Err(format!(
                "'{shown}' has bits set after the prefix: did you mean {network}?"
            ));
        }
        Ok(cidr)
    }

    /// The range holding exactly `ip`: what a refusal suggests.
    pub fn single(ip: IpAddr) -> Cidr {
        let ip = canonical_ip(ip);
        Cidr {
            addr: ip,
            prefix: if ip.is_ipv4() { 32 } else { 128 },
        }
    }

    /// Whether `ip` lies in the range (an IPv4-mapped IPv6 address as its IPv4 address).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical_ip(ip);
        ip.is_ipv4() == self.addr.is_ipv4() && mask(ip, self.prefix) == self.addr
    }

    fn canonical(addr: IpAddr, prefix: u8) -> Cidr {
        match addr {
            IpAddr::V6(v6) if prefix >= 96 => match v6.to_ipv4_mapped() {
                Some(v4) => Cidr {
                    addr: IpAddr::V4(v4),
                    prefix: prefix - 96,
                },
                None => Cidr { addr, prefix },
            },
            _ => Cidr { addr, prefix },
        }
    }
}

/// `ip` with every bit after the first `prefix` cleared.
fn mask(ip: IpAddr, prefix: u8) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => {
            let bits = u32::from(v4);
            let keep = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V4(Ipv4Addr::from(bits & keep))
        }
        IpAddr::V6(v6) => {
            let bits = u128::from(v6);
            let keep = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V6(Ipv6Addr::from(bits & keep))
        }
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

impl FromStr for Cidr {
    type Err = String;
    fn from_str(text: &str) -> Result<Cidr, String> {
        Cidr::parse(text)
    }
}

super::serde_as_text!(Cidr);
