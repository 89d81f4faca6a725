//! Namespaces, the first layer: user, mount, PID and IPC namespaces, which hold the view (see
//! `view`), and for `--net-block` a network namespace with only a loopback interface. The
//! first process inside is the namespace's init; nono stays outside in the host's namespaces.
//!
//! This must run before Landlock: once Landlock is applied, mounts can no longer change.

use super::sys::check;
use crate::error::{Error, ErrorKind, Result};
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};

/// Forks into new user, mount, PID and IPC namespaces: like fork(2), returns 0 in the child
/// (the init of the new PID namespace) and its pid in the parent, which stays in the host's
/// namespaces.
pub fn clone() -> Result<libc::pid_t> {
    // The network namespace, if the plan has one, is made later (see [`Network`]).
    let flags = libc::CLONE_NEWUSER | libc::CLONE_NEWNS | libc::CLONE_NEWPID | libc::CLONE_NEWIPC;
    // SAFETY: clone without CLONE_VM and without a new stack behaves as fork(2); nono is
    // single-threaded here, so the child's copy of memory holds no lock another thread owns.
    let pid = unsafe {
        libc::syscall(
            libc::SYS_clone,
            (flags | libc::SIGCHLD) as libc::c_ulong,
            0usize,
            0usize,
            0usize,
            0usize,
        )
    };
    if pid < 0 {
        let errno = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
        return Err(Error {
            kind: ErrorKind::NoNamespaces,
            message: crate::machine::probe::namespace_failure(errno, false),
        });
    }
    Ok(pid as libc::pid_t)
}

/// Maps the caller's ids to themselves, so their own files look unchanged inside (files of
/// other users show as the overflow id). Called by the namespace's first process.
pub fn map_ids(uid: u32, gid: u32) -> Result<()> {
    let write = |file: &str, text: &str| {
        std::fs::write(file, text)
            .map_err(|e| Error::refused(format!("cannot write {file} for the user namespace: {e}")))
    };
    write("/proc/self/setgroups", "deny")?;
    write("/proc/self/uid_map", &format!("{uid} {uid} 1"))?;
    write("/proc/self/gid_map", &format!("{gid} {gid} 1"))
}

/// A network namespace made on a thread of its own while the view is built: making one costs
/// more than half a millisecond here, nearly all of it the kernel's setup of the namespace
/// (`bench/tools/namespace-cost.c`), which then overlaps the mounts.
pub struct Network(std::thread::JoinHandle<Result<OwnedFd>>);

impl Network {
    /// Starts making it: a new network namespace with `lo` up, held by a descriptor. The
    /// process stays where it is until [`Network::enter`].
    pub fn start() -> Result<Network> {
        std::thread::Builder::new()
            .name("netns".into())
            .spawn(make_network)
            .map(Network)
            .map_err(|e| Error::refused(format!("cannot start a thread: {e}")))
    }

    /// Moves this process into the namespace once it is made. Its thread has ended by then:
    /// Landlock and seccomp, applied later, bind only the calling thread.
    pub fn enter(self) -> Result<()> {
        let fd = self
            .0
            .join()
            .map_err(|_| Error::refused("the network namespace's thread failed"))??;
        rustix::thread::move_into_link_name_space(
            fd.as_fd(),
            Some(rustix::thread::LinkNameSpaceType::Network),
        )
        .map_err(|e| Error::refused(format!("cannot enter the network namespace: {e}")))
    }
}

/// On the calling thread only (a network namespace is a thread's): a new network namespace,
/// `lo` brought up in it so local servers and their tests still work, and a descriptor of it
/// (from a socket inside, `SIOCGSKNS`: no path, the view may not have its `/proc` yet).
fn make_network() -> Result<OwnedFd> {
    const SIOCGSKNS: libc::c_ulong = 0x894c; // linux/sockios.h
    let fail = |e: std::io::Error| {
        Error::refused(format!(
            "cannot bring up loopback in the network namespace: {e}"
        ))
    };
    // SAFETY: a new network namespace only; the descriptor table is not unshared, so no
    // descriptor changes meaning.
    unsafe { rustix::thread::unshare_unsafe(rustix::thread::UnshareFlags::NEWNET) }
        .map_err(|e| Error::refused(format!("cannot make a network namespace: {e}")))?;
    let socket = rustix::net::socket_with(
        rustix::net::AddressFamily::INET,
        rustix::net::SocketType::DGRAM,
        rustix::net::SocketFlags::CLOEXEC,
        None,
    )
    .map_err(|e| fail(e.into()))?;
    let fd = socket.as_raw_fd();
    // SAFETY: ifreq is plain old data; the name fits with its NUL.
    unsafe {
        let mut req: libc::ifreq = std::mem::zeroed();
        for (dst, src) in req.ifr_name.iter_mut().zip(b"lo\0") {
            *dst = *src as libc::c_char;
        }
        check(libc::ioctl(fd, libc::SIOCGIFFLAGS, &mut req)).map_err(fail)?;
        req.ifr_ifru.ifru_flags |= libc::IFF_UP as libc::c_short;
        check(libc::ioctl(fd, libc::SIOCSIFFLAGS, &req)).map_err(fail)?;
    }
    // SAFETY: SIOCGSKNS takes no argument and returns a new descriptor.
    let ns = unsafe { libc::ioctl(socket.as_raw_fd(), SIOCGSKNS) };
    check(ns).map_err(|e| Error::refused(format!("cannot hold the network namespace: {e}")))?;
    // SAFETY: the descriptor the kernel just returned.
    Ok(unsafe { OwnedFd::from_raw_fd(ns) })
}
