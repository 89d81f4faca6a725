//! Name resolution, done by the proxy itself: the addresses it checks are the addresses it
//! dials, with no second lookup in between that a rebinding DNS server could answer
//! differently.

use std::collections::HashMap;
use std::net::IpAddr;

/// How the proxy turns a name into addresses.
#[derive(Clone, Debug, Default)]
pub enum Resolver {
    /// The system resolver (`getaddrinfo`, on the runtime's blocking pool).
    #[default]
    System,
    /// A fixed table of normalised names: loopback listeners stand in for remote hosts in
    /// tests and benchmarks, without a network. A name not in the table does not resolve.
    Fixed(HashMap<String, Vec<IpAddr>>),
}

impl Resolver {
    /// A fixed table; names are matched after the same normalisation as requests.
    pub fn fixed<N: AsRef<str>>(entries: impl IntoIterator<Item = (N, Vec<IpAddr>)>) -> Resolver {
        Resolver::Fixed(
            entries
                .into_iter()
                .map(|(name, addrs)| {
                    let name = name.as_ref();
                    let key = match nono::egress::normalize_host(name) {
                        Ok(host) => host.to_string(),
                        Err(_) => name.to_string(),
                    };
                    (key, addrs)
                })
                .collect(),
        )
    }

    /// The addresses of a normalised name, in the resolver's order.
    pub(crate) async fn lookup(&self, name: &str, port: u16) -> Result<Vec<IpAddr>, String> {
        match self {
            Resolver::System => {
                let found = tokio::net::lookup_host((name, port))
                    .await
                    .map_err(|e| format!("cannot resolve {name}: {e}"))?;
                let addrs: Vec<IpAddr> = found.map(|a| a.ip()).collect();
                if addrs.is_empty() {
                    return Err(format!("cannot resolve {name}: no addresses"));
                }
                Ok(addrs)
            }
            Resolver::Fixed(table) => table
                .get(name)
                .filter(|addrs| !addrs.is_empty())
                .cloned()
                .ok_or_else(|| format!("cannot resolve {name}: not in the resolver's table")),
        }
    }
}
