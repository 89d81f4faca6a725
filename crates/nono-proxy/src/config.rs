//! What the proxy is told: the policy, how to resolve names, where to log, and its limits.

use crate::resolve::Resolver;
use nono::egress::EgressPolicy;
use std::io::Write;
use std::time::Duration;

/// Everything [`crate::Proxy`] needs besides its listening socket.
pub struct Config {
    /// The rules every destination is checked against.
    pub policy: EgressPolicy,
    /// How names are resolved: the system resolver, or a fixed table in tests.
    pub resolver: Resolver,
    /// Where each decision is written as one JSON line (`--net-log FILE`).
    pub log: Option<Box<dyn Write + Send>>,
    /// Time and size limits that keep a hostile client from holding the proxy.
    pub limits: Limits,
}

impl Config {
    /// A configuration with the system resolver, no log and the default limits.
    pub fn new(policy: EgressPolicy) -> Config {
        Config {
            policy,
            resolver: Resolver::System,
            log: None,
            limits: Limits::default(),
        }
    }
}

/// Limits on what a client may make the proxy wait for or hold in memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Longest time to receive a complete request head (answered with 408).
    pub header_timeout: Duration,
    /// Longest a kept-alive connection may sit idle between requests (then closed quietly).
    pub idle_timeout: Duration,
    /// Longest time to resolve a name or to connect to it (answered with 504).
    pub connect_timeout: Duration,
    /// Largest request or response head, in bytes (answered with 431 or 502).
    pub max_head: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            max_head: 64 * 1024,
        }
    }
}
