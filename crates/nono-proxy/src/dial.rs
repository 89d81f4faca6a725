//! From a requested host to a connected socket: normalise, decide, resolve, check every
//! address, connect. Each step that refuses records why; the socket returned is connected to
//! an address this function resolved and checked itself.

use crate::record::Outcome;
use crate::refusal::Refusal;
use crate::serve::Shared;
use nono::egress::{normalize_host, Cidr, Host};
use std::net::{IpAddr, SocketAddr};
use tokio::net::TcpStream;

/// A connection to an allowed destination.
pub(crate) struct Dialed {
    pub stream: TcpStream,
    /// The destination, normalised: what a `Host` header should say.
    pub host: Host,
}

/// Connects to `raw_host:port` for a request with `method`, or says why not.
pub(crate) async fn dial(
    shared: &Shared,
    method: &str,
    raw_host: &str,
    port: u16,
) -> Result<Dialed, Refusal> {
    let record = |outcome, target: &str, reason: &str, fix: Option<&str>, addr| {
        shared
            .record
            .record(outcome, method, Some(target), reason, fix, addr);
    };
    let host = match normalize_host(raw_host) {
        Ok(host) => host,
        Err(e) => {
            // Shown on the user's terminal in the summary: only printable ASCII, the rest
            // escaped (control, bidi and zero-width characters could disguise the line).
            let target = format!("{}:{port}", raw_host.escape_default());
            let reason = format!("invalid host: {e}");
            record(Outcome::Denied, &target, &reason, None, None);
            return Err(Refusal::destination(400, &target, &reason, None));
        }
    };
    let target = host.with_port(port);
    let decision = shared.policy.decide_host(&host, port);
    if !decision.allowed {
        let fix = decision.fix.as_deref();
        record(Outcome::Denied, &target, &decision.reason, fix, None);
        return Err(Refusal::destination(403, &target, &decision.reason, fix));
    }

    let limit = shared.limits.connect_timeout;
    let candidates: Vec<IpAddr> = match &host {
        Host::Ip(ip) => vec![*ip],
        Host::Name(name) => {
            let looked_up = tokio::time::timeout(limit, shared.resolver.lookup(name, port)).await;
            match looked_up {
                Ok(Ok(addrs)) => addrs,
                Ok(Err(e)) => {
                    record(Outcome::Failed, &target, &e, None, None);
                    return Err(Refusal::destination(502, &target, &e, None));
                }
                Err(_) => {
                    let e = format!("resolving {name} took longer than {limit:?}");
                    record(Outcome::Failed, &target, &e, None, None);
                    return Err(Refusal::destination(504, &target, &e, None));
                }
            }
        }
    };
    let mut refused = None;
    let addrs: Vec<IpAddr> = candidates
        .into_iter()
        .filter(|ip| match shared.policy.address_allowed(*ip) {
            Ok(()) => true,
            Err(e) => {
                refused.get_or_insert((e, *ip));
                false
            }
        })
        .collect();
    if addrs.is_empty() {
        let (why, ip) = refused.unwrap_or_else(|| ("no address".into(), IpAddr::from([0; 4])));
        let reason = format!("resolves only to refused addresses: {why}");
        let fix = format!("--allow-cidr {}", Cidr::single(ip));
        record(Outcome::Denied, &target, &reason, Some(&fix), None);
        return Err(Refusal::destination(403, &target, &reason, Some(&fix)));
    }

    let mut last_error = String::new();
    let mut timed_out = false;
    for ip in addrs {
        let addr = SocketAddr::new(ip, port);
        match tokio::time::timeout(limit, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => {
                let _ = stream.set_nodelay(true);
                record(
                    Outcome::Allowed,
                    &target,
                    &decision.reason,
                    None,
                    Some(addr),
                );
                return Ok(Dialed { stream, host });
            }
            Ok(Err(e)) => last_error = format!("cannot connect to {addr}: {e}"),
            Err(_) => {
                timed_out = true;
                last_error = format!("connecting to {addr} took longer than {limit:?}");
            }
        }
    }
    record(Outcome::Failed, &target, &last_error, None, None);
    let status = if timed_out { 504 } else { 502 };
    Err(Refusal::destination(status, &target, &last_error, None))
}
