//! `--allow-domain` and `--deny-domain` values: a name or `*.name`, optionally `:PORT`.

use super::host::{normalize_host, Host};
use std::fmt;
use std::str::FromStr;

/// Which names a rule covers. Names are stored normalised, exactly as [`normalize_host`]
/// produces them, so that a rule and a request are compared in the same spelling.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum HostPattern {
    /// `example.org`: that name only.
    Exact(String),
    /// `*.example.org`: every name below it (`a.example.org`, `a.b.example.org`), not the
    /// name itself: a wildcard that silently covered the apex would allow more than it says.
    Subdomains(String),
}

impl HostPattern {
    /// Whether the pattern covers the normalised `name`.
    pub fn matches(&self, name: &str) -> bool {
        match self {
            HostPattern::Exact(exact) => name == exact,
            HostPattern::Subdomains(base) => name
                .strip_suffix(base.as_str())
                .is_some_and(|head| head.len() > 1 && head.ends_with('.')),
        }
    }
}

impl fmt::Display for HostPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostPattern::Exact(name) => f.write_str(name),
            HostPattern::Subdomains(base) => write!(f, "*.{base}"),
        }
    }
}

/// One domain rule: a pattern and, optionally, the one port it is limited to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Rule {
    /// The names covered.
    pub pattern: HostPattern,
    /// The only port allowed (or denied); `None` for every port.
    pub port: Option<u16>,
}

impl Rule {
    /// Parses `NAME`, `*.NAME`, each optionally followed by `:PORT`. The name is normalised
    /// like a requested host (case, trailing dot, IDNA); an address is refused, since
    /// addresses are what `--allow-cidr` is for.
    pub fn parse(text: &str) -> Result<Rule, String> {
        let shown = crate::one_line(text);
        let (name, port) = split_port(text)?;
        let (wild, base) = match name.strip_prefix("*.") {
            Some(base) => (true, base),
            None => (false, name),
        };
        if base.contains('*') {
            return Err(format!(
                "'{shown}': a wildcard is allowed only as a whole first label ('*.example.org')"
            ));
        }
        let host = normalize_host(base).map_err(|e| format!("'{shown}': {e}"))?;
        let name = match host {
            Host::Name(name) => name,
            Host::Ip(ip) => {
                return Err(format!(
                    "'{shown}' is an address, not a name: use --allow-cidr {}",
                    super::Cidr::single(ip)
                ))
            }
        };
        let pattern = if wild {
            HostPattern::Subdomains(name)
        } else {
            HostPattern::Exact(name)
        };
        Ok(Rule { pattern, port })
    }

    /// Whether the rule covers `name` on `port`.
    pub fn matches(&self, name: &str, port: u16) -> bool {
        self.port.is_none_or(|p| p == port) && self.pattern.matches(name)
    }
}

/// Splits `NAME:PORT` or `[IPV6]:PORT` into the host and its port; a text without a port (a
/// bare IPv6 address included) is all host. The error names the text: the port must be 1 to
/// 65535.
pub fn split_port(text: &str) -> Result<(&str, Option<u16>), String> {
    match text.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') || host.ends_with(']') => {
            let port = port
                .parse::<u16>()
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| {
                    format!("'{}': the port must be 1 to 65535", crate::one_line(text))
                })?;
            Ok((host, Some(port)))
        }
        _ => Ok((text, None)),
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.port {
            Some(port) => write!(f, "{}:{port}", self.pattern),
            None => write!(f, "{}", self.pattern),
        }
    }
}

impl FromStr for Rule {
    type Err = String;
    fn from_str(text: &str) -> Result<Rule, String> {
        Rule::parse(text)
    }
}

super::serde_as_text!(Rule);
