//! `--publish PORT` in `nono run`: nono outside listens on the host's `127.0.0.1:PORT` and
//! relays each connection to `127.0.0.1:PORT` of the sandbox's own loopback, through a socket
//! the sandbox's init made inside its network namespace (see `nono::linux::Inside`).
//!
//! The host's listening sockets are made before anything runs, so a port already taken stops
//! the run up front. Relaying uses plain threads, one per direction of each connection: a
//! published dev server sees a handful of connections, and a run that does not publish
//! builds nothing at all (no thread, no runtime).
//!
//! When the program ends, nono waits (at most [`DRAIN`]) until what the sandbox sent has
//! reached the host: the last answer of a server that exits right after sending it is not
//! lost. Everything in the sandbox has ended by then, so each connection's sandbox side
//! closes as soon as its data is read; only a host client that does not read can use up
//! the time.
// Elsewhere the plan never publishes (only Linux gives the program a network namespace of its
// own), so only the host's listeners are made, and the relay is never started.
#![cfg_attr(not(target_os = "linux"), allow(dead_code))]

use nono::{Error, Plan, Result};
use std::net::{Ipv4Addr, Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// The longest nono waits, once the program has ended, for the relays to pass on what the
/// sandbox sent before it ended.
const DRAIN: Duration = Duration::from_secs(2);

/// The host side of a run's published ports: one listener for each, until started.
pub struct Relay {
    listeners: Vec<(u16, TcpListener)>,
    sending: Arc<Sending>,
}

/// How many connections still pass on bytes from the sandbox to the host.
#[derive(Default)]
struct Sending {
    count: Mutex<usize>,
    done: Condvar,
}

/// One connection counted in [`Sending`] until dropped.
struct Counted(Arc<Sending>);

impl Sending {
    fn count(self: &Arc<Self>) -> Counted {
        *self.count.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        Counted(Arc::clone(self))
    }

    /// Waits until no connection sends, or `limit` has passed.
    fn wait(&self, limit: Duration) {
        let deadline = Instant::now() + limit;
        let mut count = self.count.lock().unwrap_or_else(|e| e.into_inner());
        while *count > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            count = match self.done.wait_timeout(count, left) {
                Ok((count, _)) => count,
                Err(e) => e.into_inner().0,
            };
        }
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        let mut count = self.0.count.lock().unwrap_or_else(|e| e.into_inner());
        *count = count.saturating_sub(1);
        self.0.done.notify_all();
    }
}

impl Relay {
    /// Listens on the host's loopback (never on other interfaces) for each of `plan`'s
    /// published ports, or `None` when it publishes none.
    pub fn for_plan(plan: &Plan) -> Result<Option<Relay>> {
        if plan.network.published.is_empty() {
            return Ok(None);
        }
        let mut listeners = Vec::new();
        for &port in &plan.network.published {
            let fail = |e: std::io::Error| {
                Error::refused(format!(
                    "--publish {port}: cannot listen on 127.0.0.1:{port} on the host: {e}"
                ))
            };
            let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).map_err(fail)?;
            listeners.push((port, clear_of(listener, &plan.keep_fds).map_err(fail)?));
        }
        Ok(Some(Relay {
            listeners,
            sending: Arc::default(),
        }))
    }
}

/// `listener` under a descriptor number the program is not promised (`--keep-fd`): the
/// sandbox's init is a copy of nono and holds every descriptor nono has, and the numbers
/// kept for the program are the ones it passes on.
fn clear_of(listener: TcpListener, keep_fds: &[i32]) -> std::io::Result<TcpListener> {
    let mut fd = std::os::fd::OwnedFd::from(listener);
    nono::exec::off_kept_numbers(&mut fd, keep_fds)?;
    Ok(TcpListener::from(fd))
}

#[cfg(target_os = "linux")]
impl nono::linux::Publisher for Relay {
    fn start(&mut self, inside: nono::linux::Inside) {
        let inside = Arc::new(inside);
        for (port, listener) in self.listeners.drain(..) {
            let inside = Arc::clone(&inside);
            let sending = Arc::clone(&self.sending);
            let started = std::thread::Builder::new()
                .name(format!("nono-publish-{port}"))
                .spawn(move || accept(&listener, port, &inside, &sending));
            if let Err(e) = started {
                eprintln!("nono: --publish {port}: cannot start the relay: {e}");
            }
        }
    }

    fn stop(&mut self) {
        self.sending.wait(DRAIN);
    }
}

/// Accepts host connections on `listener` for as long as nono runs, each relayed on a thread
/// of its own, so that a connection the sandbox is slow to answer holds up no other.
#[cfg(target_os = "linux")]
fn accept(
    listener: &TcpListener,
    port: u16,
    inside: &Arc<nono::linux::Inside>,
    sending: &Arc<Sending>,
) {
    loop {
        let host = match listener.accept() {
            Ok((host, _)) => host,
            // Out of descriptors or memory, for a moment: try again rather than spin.
            Err(_) => {
                std::thread::sleep(std::time::Duration::from_millis(50));
                continue;
            }
        };
        let inside = Arc::clone(inside);
        let counted = sending.count();
        // A thread that cannot start drops `host`: that connection is closed.
        let _ = std::thread::Builder::new()
            .name(format!("nono-publish-{port}"))
            .spawn(move || {
                if let Some(sandbox) = connect_inside(&inside, port) {
                    relay(host, sandbox, counted);
                }
            });
    }
}

/// A connection to `127.0.0.1:port` of the sandbox's loopback, or `None` (and the host
/// connection is closed) when the init could not make a socket or nothing listens there.
/// The address is nono's alone: the init only makes the socket.
#[cfg(target_os = "linux")]
fn connect_inside(inside: &nono::linux::Inside, port: u16) -> Option<TcpStream> {
    let socket = inside.socket().ok()?;
    let to = std::net::SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    rustix::net::connect(&socket, &to).ok()?;
    Some(TcpStream::from(socket))
}

/// Moves bytes both ways until each side has closed its sending half, passing each close on.
/// If a direction fails (a reset), both connections are shut, so the other direction ends
/// too instead of waiting for a peer that will never send. `counted` ends with the direction
/// from the sandbox.
#[cfg(target_os = "linux")]
fn relay(host: TcpStream, sandbox: TcpStream, counted: Counted) {
    let (Ok(host_out), Ok(sandbox_in)) = (host.try_clone(), sandbox.try_clone()) else {
        return;
    };
    let back = std::thread::Builder::new().spawn(move || {
        one_way(sandbox_in, host_out);
        drop(counted);
    });
    one_way(host, sandbox);
    if let Ok(back) = back {
        let _ = back.join();
    }
}

#[cfg(target_os = "linux")]
fn one_way(mut from: TcpStream, mut to: TcpStream) {
    match std::io::copy(&mut from, &mut to) {
        Ok(_) => {
            let _ = to.shutdown(Shutdown::Write);
        }
        Err(_) => {
            let _ = from.shutdown(Shutdown::Both);
            let _ = to.shutdown(Shutdown::Both);
        }
    }
}
