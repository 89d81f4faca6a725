//! Filtered mode's hand-off: the listening sockets of nono's egress proxy are made by the
//! sandbox's init inside the new network namespace, on the plan's loopback addresses, and
//! handed to nono outside (SCM_RIGHTS), which accepts on them and dials from the host's
//! namespace. The program finds them on its own loopback; it has no other way out.

use super::fdpass;
use crate::error::{Error, Result};
use crate::plan::Filter;
use rustix::net::{AddressFamily, SocketFlags, SocketType};
use std::net::SocketAddr;
use std::os::fd::OwnedFd;

/// What the hand-off carries, in messages.
pub(super) const LISTENERS: &str = "the egress proxy's listening sockets";

/// Connections that may wait to be accepted on each listener (the kernel caps it at
/// `net.core.somaxconn`).
const BACKLOG: i32 = 1024;

/// nono's egress proxy as the supervisor runs it. The proxy itself lives in another crate;
/// the Linux backend only makes its sockets and tells it when to start and stop.
pub trait EgressProxy {
    /// Starts serving `listeners` (made inside the sandbox's network namespace) without
    /// blocking: the caller goes on supervising the program. Called in nono outside, before
    /// the program starts.
    fn start(&mut self, listeners: Vec<OwnedFd>);
    /// Stops serving once the program has ended, before nono ends the way it did.
    fn stop(&mut self);
}

/// In the init, after loopback is up: makes the plan's listening sockets and sends them to
/// nono outside. The first address (`127.0.0.1`) must work; a later one (`::1`) is skipped
/// where the kernel has no IPv6, since the program is pointed at the first.
pub(super) fn hand_over(filter: &Filter, to_outside: &OwnedFd) -> Result<()> {
    let mut listeners = Vec::new();
    for (i, addr) in filter.listen.iter().enumerate() {
        match listen(addr) {
            Ok(fd) => listeners.push(fd),
            Err(_) if i > 0 => {}
            Err(e) => {
                return Err(Error::refused(format!(
                    "cannot listen on {addr} for the egress proxy inside the sandbox: {e}"
                )))
            }
        }
    }
    fdpass::send(to_outside, &listeners, LISTENERS)
}

fn listen(addr: &SocketAddr) -> std::io::Result<OwnedFd> {
    let family = match addr {
        SocketAddr::V4(_) => AddressFamily::INET,
        SocketAddr::V6(_) => AddressFamily::INET6,
    };
    let fd = rustix::net::socket_with(family, SocketType::STREAM, SocketFlags::CLOEXEC, None)?;
    if addr.is_ipv6() {
        rustix::net::sockopt::set_ipv6_v6only(&fd, true)?;
    }
    rustix::net::bind(&fd, addr)?;
    rustix::net::listen(&fd, BACKLOG)?;
    Ok(fd)
}
