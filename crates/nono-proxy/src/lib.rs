//! nono's egress proxy: the one way out of a sandbox whose network is filtered.
//!
//! The sandboxed program lives in its own network namespace with only its own loopback. nono
//! creates a listening socket inside that namespace and hands it to its supervisor, which runs
//! [`Proxy::serve`] on it: the proxy accepts there and dials out from the host's namespace,
//! so no request can walk around it the way `curl --noproxy '*'` walks around an advisory
//! proxy. It speaks HTTP `CONNECT` (tunnels for TLS, WebSockets and event streams) and
//! absolute-form plain HTTP forwarding, checks every destination against a
//! [`nono::egress::EgressPolicy`], resolves names itself and dials only the addresses it
//! resolved and checked, so DNS rebinding cannot turn an allowed name into an internal
//! address. Every decision is counted for the exit [`Summary`] and, optionally, written as a
//! JSON line.
//!
//! The proxy costs nothing until it is used: its runtime (a single-threaded tokio runtime on
//! the calling thread) is built inside [`Proxy::serve`], and runs that do not filter never
//! call it.

mod body;
mod config;
mod conn;
mod dial;
mod forward;
mod head;
mod record;
mod refusal;
mod resolve;
mod serve;
#[cfg(target_os = "linux")]
mod splice;
mod summary;
mod target;

pub use config::{Config, Limits};
pub use resolve::Resolver;
pub use serve::{Proxy, Stop};
pub use summary::{Summary, Tally};
