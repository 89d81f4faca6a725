//! Filtered mode in the plan: the egress rules, where the proxy listens inside the sandbox,
//! and the one answer to "may the program reach this host?" that `why --host` prints and the
//! proxy enforces (through the same [`EgressPolicy::decide`]).

use super::{EnvChange, Network};
use crate::egress::{Decision, EgressPolicy};
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// The port the proxy listens on inside the sandbox's network namespace. The namespace is
/// new and empty, so the port is always free; a fixed one lets the plan (and so the
/// capability file and `--dry-run`) hold the exact proxy variables the program gets.
pub const PROXY_PORT: u16 = 3128;

/// Filtered mode: the program lives in its own network namespace, and the only way out is
/// nono's proxy, listening on [`Filter::listen`] inside it and dialling from outside.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Filter {
    /// What the proxy allows.
    pub rules: EgressPolicy,
    /// Where the proxy listens inside the namespace: `127.0.0.1:3128` always, `[::1]:3128`
    /// too where the kernel has IPv6.
    pub listen: Vec<SocketAddr>,
    /// Names the proxy resolves from this table instead of DNS: set only by a hidden testing
    /// flag, and only to addresses an `--allow-cidr` range already allows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub testing_resolve: Vec<TestName>,
}

/// One entry of the testing resolver's table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestName {
    /// The name, normalised.
    pub name: String,
    /// What it resolves to.
    pub address: IpAddr,
}

impl Filter {
    /// Filtered mode for `rules`, listening on the fixed port.
    pub fn new(rules: EgressPolicy, testing_resolve: Vec<TestName>) -> Filter {
        Filter {
            rules,
            listen: vec![
                SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), PROXY_PORT),
                SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), PROXY_PORT),
            ],
            testing_resolve,
        }
    }

    /// The proxy's URL for the program: `http://127.0.0.1:3128`, the first address it
    /// listens on.
    pub fn url(&self) -> String {
        let default = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), PROXY_PORT);
        format!("http://{}", self.listen.first().unwrap_or(&default))
    }

    /// The variables that point the program's clients at the proxy, and keep its own
    /// loopback direct (servers it starts itself are reached without the proxy).
    pub fn env(&self) -> Vec<EnvChange> {
        let url = self.url();
        let mut env = Vec::new();
        for name in PROXY_VARIABLES {
            let value = if name.eq_ignore_ascii_case("NO_PROXY") {
                "localhost,127.0.0.1,::1".to_string()
            } else if *name == "NODE_USE_ENV_PROXY" {
                "1".to_string()
            } else {
                url.clone()
            };
            env.push(EnvChange::Set {
                name: name.to_string(),
                value,
            });
        }
        env
    }
}

/// The variables nono sets in filtered mode. curl reads only the lower-case `http_proxy`,
/// other clients only the upper-case forms; Node (24 and later) honours them in `fetch` and
/// its HTTP agents only with `NODE_USE_ENV_PROXY=1`.
pub const PROXY_VARIABLES: &[&str] = &[
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
    "NODE_USE_ENV_PROXY",
];

impl Network {
    /// Whether the program may reach `host` on `port`, and why: the egress rules in filtered
    /// mode (the very function the proxy asks), otherwise the network's mode.
    pub fn decide(&self, host: &str, port: u16) -> Decision {
        if let Some(filter) = &self.filter {
            return filter.rules.decide(host, port);
        }
        if self.blocked {
            Decision {
                allowed: false,
                reason: "the network is blocked (--net-block)".into(),
                fix: None,
            }
        } else {
            Decision {
                allowed: true,
                reason: "the network is not filtered".into(),
                fix: None,
            }
        }
    }
}
