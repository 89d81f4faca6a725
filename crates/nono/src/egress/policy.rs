//! The egress policy and its one decision function, shared by the proxy (which enforces it),
//! the exit summary and `nono why --host` (which explain it): they print the same strings.

use super::address::special;
use super::cidr::Cidr;
use super::host::{canonical_ip, normalize_host, Host};
use super::rule::Rule;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// Where the program may connect when the network is filtered. Anything not allowed is
/// refused; a deny rule wins over every allow.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EgressPolicy {
    /// `--allow-domain`: names (and optionally ports) the program may reach.
    #[serde(default)]
    pub allow: Vec<Rule>,
    /// `--deny-domain`: names refused even when an allow rule covers them.
    #[serde(default)]
    pub deny: Vec<Rule>,
    /// `--allow-cidr`: address ranges the program may reach by address, and internal ranges
    /// an allowed name may resolve into.
    #[serde(default)]
    pub cidrs: Vec<Cidr>,
}

/// The answer to "may the program connect to this host and port?".
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// The verdict.
    pub allowed: bool,
    /// What decided it, as printed: `allowed by --allow-domain *.example.org`,
    /// `not in the allowlist`.
    pub reason: String,
    /// The flag that would allow a refusal (`--allow-domain evil.example`); `None` when allowed,
    /// and when no flag can (a deny rule, an invalid host).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Decision {
    fn allow(reason: String) -> Decision {
        Decision {
            allowed: true,
            reason,
            fix: None,
        }
    }

    fn deny(reason: String, fix: Option<String>) -> Decision {
        Decision {
            allowed: false,
            reason,
            fix,
        }
    }
}

impl EgressPolicy {
    /// Builds the policy from the flags' values; the error names the flag and the bad value.
    pub fn from_flags(
        allow_domains: &[impl AsRef<str>],
        deny_domains: &[impl AsRef<str>],
        allow_cidrs: &[impl AsRef<str>],
    ) -> Result<EgressPolicy, String> {
        fn each<T>(
            flag: &str,
            values: &[impl AsRef<str>],
            parse: fn(&str) -> Result<T, String>,
        ) -> Result<Vec<T>, String> {
            values
                .iter()
                .map(|v| parse(v.as_ref()).map_err(|e| format!("{flag} {e}")))
                .collect()
        }
        Ok(EgressPolicy {
            allow: each("--allow-domain", allow_domains, Rule::parse)?,
            deny: each("--deny-domain", deny_domains, Rule::parse)?,
            cidrs: each("--allow-cidr", allow_cidrs, Cidr::parse)?,
        })
    }

    /// Whether any rule is present: then the network is filtered and everything not allowed
    /// is refused.
    pub fn is_filtering(&self) -> bool {
        !(self.allow.is_empty() && self.deny.is_empty() && self.cidrs.is_empty())
    }

    /// Decides a connection to `host` (as requested: any spelling) on `port`.
    pub fn decide(&self, host: &str, port: u16) -> Decision {
        match normalize_host(host) {
            Ok(host) => self.decide_host(&host, port),
            // The host comes from the sandboxed program and ends up on the user's terminal:
            // everything but printable ASCII is escaped, bidi and zero-width characters too.
            Err(e) => Decision::deny(
                format!("invalid host '{}': {e}", host.escape_default()),
                None,
            ),
        }
    }

    /// Decides a connection to an already normalised host.
    pub fn decide_host(&self, host: &Host, port: u16) -> Decision {
        let name = match host {
            Host::Ip(ip) => return self.decide_ip(*ip),
            Host::Name(name) => name,
        };
        if let Some(rule) = self.deny.iter().find(|r| r.matches(name, port)) {
            return Decision::deny(format!("denied by --deny-domain {rule}"), None);
        }
        let allowed = self.allow.iter().filter(|r| r.matches(name, port));
        // The most specific rule explains best: an exact name before a wildcard.
        if let Some(rule) =
            allowed.min_by_key(|r| !matches!(r.pattern, super::HostPattern::Exact(_)))
        {
            return Decision::allow(format!("allowed by --allow-domain {rule}"));
        }
        let fix = Some(format!("--allow-domain {name}:{port}"));
        if let Some(rule) = self.allow.iter().find(|r| r.pattern.matches(name)) {
            return Decision::deny(
                format!("port {port} is not allowed (--allow-domain {rule})"),
                fix,
            );
        }
        Decision::deny(
            "not in the allowlist".into(),
            Some(format!("--allow-domain {name}")),
        )
    }

    fn decide_ip(&self, ip: IpAddr) -> Decision {
        match self.cidrs.iter().find(|c| c.contains(ip)) {
            Some(cidr) => Decision::allow(format!("allowed by --allow-cidr {cidr}")),
            None => Decision::deny(
                "an address in no --allow-cidr range".into(),
                Some(format!("--allow-cidr {}", Cidr::single(ip))),
            ),
        }
    }

    /// Whether the proxy may dial `ip`, an address it resolved for an allowed name. Loopback,
    /// private, link-local, shared, multicast, documentation and cloud metadata addresses
    /// (and IPv6 forms carrying them) are refused unless an `--allow-cidr` range contains
    /// them. The error reads `127.0.0.1 is a loopback address`.
    pub fn address_allowed(&self, ip: IpAddr) -> Result<(), String> {
        let ip = canonical_ip(ip);
        if self.cidrs.iter().any(|c| c.contains(ip)) {
            return Ok(());
        }
        match special(ip) {
            Some(what) => Err(format!("{ip} is {what}")),
            None => Ok(()),
        }
    }
}
