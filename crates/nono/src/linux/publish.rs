//! `--publish PORT`: a server the program runs on its own loopback, reachable on the host's.
//!
//! The program's network namespace is its own, and nono outside cannot join it (`setns` into
//! a network namespace needs `CAP_SYS_ADMIN` over the user namespace that owns it, which an
//! unprivileged nono outside does not have). But a socket belongs to the namespace it was
//! made in, whoever holds it later. So the sandbox's init makes sockets inside on request and
//! hands them to nono outside, which connects each to `127.0.0.1:PORT` (the sandbox's
//! loopback) and relays the host connection it accepted.
//!
//! The protocol, on a `SOCK_SEQPACKET` pair that only the init and nono outside hold
//! (close-on-exec; the init is not dumpable, so the program cannot take its end through
//! `/proc`): nono outside sends one byte; the init answers with one message carrying a fresh,
//! unconnected IPv4 TCP socket, or none when it could not make one. The init chooses nothing
//! and connects nothing: where the socket leads is decided outside, by the plan alone.

use super::fdpass;
use crate::error::{Error, Result};
use rustix::net::{AddressFamily, RecvFlags, SendFlags, SocketFlags, SocketType};
use std::os::fd::OwnedFd;
use std::sync::Mutex;

/// What the channel carries, in messages.
const SOCKET: &str = "a socket of the sandbox's network namespace";

/// The relay of the plan's published ports, run by nono outside. It lives in another crate;
/// the Linux backend gives it the way to make sockets inside and tells it when to start.
pub trait Publisher {
    /// Starts accepting on the host and relaying, without blocking: the caller goes on
    /// supervising the program. Called in nono outside, before the program starts.
    fn start(&mut self, inside: Inside);
    /// Called once the program (and with it everything in the sandbox) has ended, before nono
    /// ends the way it did: lets what the program sent before it ended reach the host, for a
    /// bounded time. Connections still open are cut when nono ends.
    fn stop(&mut self);
}

/// nono outside's end of the channel to the init: the way to make sockets in the sandbox's
/// network namespace.
pub struct Inside {
    // One request and its answer at a time, so that threads relaying connections side by
    // side each get the answer to their own request.
    channel: Mutex<OwnedFd>,
}

impl Inside {
    pub(super) fn new(channel: OwnedFd) -> Inside {
        Inside {
            channel: Mutex::new(channel),
        }
    }

    /// A fresh, unconnected IPv4 TCP socket of the sandbox's network namespace: connected to
    /// `127.0.0.1:PORT`, it reaches the sandbox's loopback. An error when the init could not
    /// make one or has ended.
    pub fn socket(&self) -> Result<OwnedFd> {
        // A poisoned lock only means another relay thread panicked between request and
        // answer; the channel itself is still whole.
        let channel = self.channel.lock().unwrap_or_else(|e| e.into_inner());
        rustix::net::send(&*channel, b"?", SendFlags::NOSIGNAL)
            .map_err(|e| Error::refused(format!("cannot ask the sandbox for a socket: {e}")))?;
        fdpass::receive(&channel, SOCKET).map(|mut fds| fds.swap_remove(0))
    }
}

/// In the init, when its end of the channel is readable: answers one request. Never blocks.
/// Returns whether the channel is still open (false once nono outside's end is closed).
pub(super) fn answer(channel: &OwnedFd) -> bool {
    let mut request = [0u8; 1];
    match rustix::net::recv(channel, &mut request, RecvFlags::DONTWAIT) {
        Ok((0, _)) => return false,
        Ok(_) => {}
        Err(rustix::io::Errno::AGAIN | rustix::io::Errno::INTR) => return true,
        Err(_) => return false,
    }
    // An answer without a socket tells nono outside to close that host connection.
    let socket: Vec<OwnedFd> = rustix::net::socket_with(
        AddressFamily::INET,
        SocketType::STREAM,
        SocketFlags::CLOEXEC,
        None,
    )
    .into_iter()
    .collect();
    // nono outside waits for the answer to each request before it sends the next, so the
    // buffer always has room; were it full, that request would go unanswered rather than
    // stop the init.
    match fdpass::send_nowait(channel, &socket) {
        Ok(()) | Err(rustix::io::Errno::AGAIN) => true,
        Err(_) => false,
    }
}
