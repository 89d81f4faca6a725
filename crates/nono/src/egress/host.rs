//! Normalising a requested host, so that one destination has exactly one spelling.
//!
//! A hostile program does not ask for `10.0.0.1`; it asks for `0x0a.1`, `167772161`,
//! `[::ffff:10.0.0.1]`, `EXAMPLE.org.`, `ex%61mple.org` or a full-width `ｅｘａｍｐｌｅ.org`,
//! hoping that the check and the connection read the name differently. Every spelling that a
//! resolver or a URL parser would accept is reduced here to one [`Host`] before any rule looks
//! at it, and everything that is not a plain host (userinfo, NUL, whitespace, control
//! characters, zone identifiers) is refused rather than guessed at.

use serde::Serialize;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Longest DNS name, in its ASCII form and without the trailing dot.
const MAX_NAME: usize = 253;
/// Longest DNS label.
const MAX_LABEL: usize = 63;
/// Longest host text looked at, before percent-decoding (three bytes per encoded byte of the
/// longest name); anything longer is refused before any work is spent on it.
const MAX_RAW: usize = 3 * MAX_NAME + 2;

/// A destination host in its one canonical form: the only form rules are compared against.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(untagged)]
pub enum Host {
    /// A DNS name: lower-case ASCII (international names as `xn--` labels), no trailing dot.
    Name(String),
    /// An address literal. An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) is stored as the
    /// IPv4 address it reaches.
    Ip(IpAddr),
}

impl Host {
    /// `host:port` as shown in messages and logs; an IPv6 address gets brackets.
    pub fn with_port(&self, port: u16) -> String {
        match self {
            Host::Ip(IpAddr::V6(ip)) => format!("[{ip}]:{port}"),
            other => format!("{other}:{port}"),
        }
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Name(name) => f.write_str(name),
            Host::Ip(ip) => write!(f, "{ip}"),
        }
    }
}

/// Normalises a host as it appears in a request (a `CONNECT` authority or a URL's host,
/// without the port): ASCII case, one trailing dot, percent-encoding, IDNA (UTS-46) to ASCII,
/// IPv4 literals in every spelling `inet_aton` accepts (`127.1`, `0x7f.1`, `2130706433`,
/// `0177.0.0.1`) and IPv6 literals in brackets (or bare). The error is one line naming the
/// problem; the caller quotes the host.
pub fn normalize_host(raw: &str) -> Result<Host, String> {
    if raw.is_empty() {
        return Err("empty host".into());
    }
    if raw.len() > MAX_RAW {
        return Err(format!("host longer than {MAX_RAW} bytes"));
    }
    if let Some(inner) = raw.strip_prefix('[') {
        let inner = inner.strip_suffix(']').ok_or("'[' without a closing ']'")?;
        return ipv6(inner);
    }
    if let Ok(v6) = raw.parse::<Ipv6Addr>() {
        // A bare IPv6 literal; any other colon is refused below (the caller splits the port).
        return Ok(Host::Ip(canonical_ip(IpAddr::V6(v6))));
    }
    let decoded = String::from_utf8(percent_decode(raw)?)
        .map_err(|_| "percent-encoding that is not UTF-8".to_string())?;
    if let Some(c) = decoded.chars().find(|&c| forbidden(c)) {
        return Err(match c {
            '\0' => "contains a NUL character".into(),
            '@' => "contains '@' (userinfo is not part of a host)".into(),
            c if c.is_whitespace() => "contains whitespace".into(),
            c if c.is_control() => "contains a control character".into(),
            c => format!("contains {c:?}"),
        });
    }
    let ascii = idna::domain_to_ascii(&decoded)
        .map_err(|_| "not a valid international domain name".to_string())?;
    let name = ascii.strip_suffix('.').unwrap_or(&ascii);
    if name.is_empty() {
        return Err("empty host".into());
    }
    if ends_in_number(name) {
        return inet_aton(name)
            .map(|ip| Host::Ip(IpAddr::V4(ip)))
            .ok_or_else(|| "ends in a number but is not an IPv4 address".to_string());
    }
    check_name(name)?;
    Ok(Host::Name(name.to_string()))
}

/// Characters no host may contain, after percent-decoding: the WHATWG URL standard's
/// forbidden domain code points, whitespace and every control character.
fn forbidden(c: char) -> bool {
    c.is_control()
        || c.is_whitespace()
        || matches!(
            c,
            '@' | '%' | '/' | '\\' | '?' | '#' | ':' | '[' | ']' | '<' | '>' | '^' | '|' | '"'
        )
}

/// A DNS name in ASCII: labels of letters, digits, `-` and `_`, within DNS lengths.
fn check_name(name: &str) -> Result<(), String> {
    if name.len() > MAX_NAME {
        return Err(format!("name longer than {MAX_NAME} characters"));
    }
    for label in name.split('.') {
        if label.is_empty() {
            return Err("empty label".into());
        }
        if label.len() > MAX_LABEL {
            return Err(format!("label longer than {MAX_LABEL} characters"));
        }
        if let Some(c) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        {
            return Err(format!("contains {c:?}"));
        }
    }
    Ok(())
}

/// Decodes `%XX` escapes; a `%` not followed by two hex digits is an error.
fn percent_decode(raw: &str) -> Result<Vec<u8>, String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or("'%' not followed by two hex digits")?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Ok(out)
}

/// An IPv6 literal without brackets. Zone identifiers (`fe80::1%eth0`) are refused: they name
/// an interface of this machine, not a destination.
fn ipv6(text: &str) -> Result<Host, String> {
    if text.contains('%') {
        return Err("IPv6 zone identifiers are refused".into());
    }
    let ip: Ipv6Addr = text
        .parse()
        .map_err(|_| "not a valid IPv6 address".to_string())?;
    Ok(Host::Ip(canonical_ip(IpAddr::V6(ip))))
}

/// An IPv4-mapped IPv6 address reaches the IPv4 address inside it: treat it as that.
pub(crate) fn canonical_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

/// Whether the last label is a number, which makes the whole host an IPv4 literal (the URL
/// standard's rule): such a host must never reach a resolver as a name.
fn ends_in_number(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or(name);
    if last.is_empty() {
        return false;
    }
    if last.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    last.strip_prefix("0x")
        .or_else(|| last.strip_prefix("0X"))
        .is_some_and(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// IPv4 in the forms `inet_aton(3)` accepts: one to four parts, each decimal, octal (leading
/// `0`) or hexadecimal (`0x`); the last part fills the remaining bytes (`127.1` is
/// `127.0.0.1`, `2130706433` is too).
fn inet_aton(text: &str) -> Option<Ipv4Addr> {
    let parts: Vec<&str> = text.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let numbers: Vec<u64> = parts.iter().map(|p| number(p)).collect::<Option<_>>()?;
    let (last, init) = numbers.split_last()?;
    if init.iter().any(|&n| n > 255) {
        return None;
    }
    let rest_bits = 8 * (4 - init.len() as u32);
    if *last >= 1u64 << rest_bits {
        return None;
    }
    let high = init
        .iter()
        .enumerate()
        .fold(0u64, |acc, (i, &n)| acc | n << (24 - 8 * i as u32));
    u32::try_from(high | last).ok().map(Ipv4Addr::from)
}

/// One part of an `inet_aton` address.
fn number(part: &str) -> Option<u64> {
    let (digits, radix) =
        if let Some(hex) = part.strip_prefix("0x").or_else(|| part.strip_prefix("0X")) {
            if hex.is_empty() {
                return Some(0);
            }
            (hex, 16)
        } else if part.len() > 1 && part.starts_with('0') {
            (&part[1..], 8)
        } else {
            (part, 10)
        };
    // from_str_radix accepts a leading '+'; inet_aton does not.
    if digits.is_empty() || !digits.bytes().all(|b| (b as char).is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}
