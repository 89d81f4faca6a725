//! Namespaces, the first layer: user, mount, PID and IPC namespaces, which hold the view (see
//! `view`), and for `--net-block` a network namespace with only a loopback interface. The
//! first process inside is the namespace's init; nono stays outside in the host's namespaces.
//!
//! This must run before Landlock: once Landlock is applied, mounts can no longer change.

use super::sys::check;
use crate::error::{Error, ErrorKind, Result};
use crate::plan::Plan;

/// Forks into new namespaces: like fork(2), returns 0 in the child (the init of the new PID
/// namespace) and its pid in the parent, which stays in the host's namespaces.
pub fn clone(plan: &Plan) -> Result<libc::pid_t> {
    let mut flags =
        libc::CLONE_NEWUSER | libc::CLONE_NEWNS | libc::CLONE_NEWPID | libc::CLONE_NEWIPC;
    if plan.layers.network_namespace {
        flags |= libc::CLONE_NEWNET;
    }
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

/// Brings up `lo` in the new network namespace, so local servers and their tests still work.
pub fn loopback_up() -> Result<()> {
    let fail = |e: std::io::Error| {
        Error::refused(format!(
            "cannot bring up loopback in the network namespace: {e}"
        ))
    };
    // SAFETY: a plain datagram socket used only for interface ioctls; closed below.
    let fd = unsafe { libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0) };
    check(fd).map_err(fail)?;
    // SAFETY: ifreq is plain old data; the name fits with its NUL.
    let result = unsafe {
        let mut req: libc::ifreq = std::mem::zeroed();
        for (dst, src) in req.ifr_name.iter_mut().zip(b"lo\0") {
            *dst = *src as libc::c_char;
        }
        check(libc::ioctl(fd, libc::SIOCGIFFLAGS, &mut req)).and_then(|_| {
            req.ifr_ifru.ifru_flags |= libc::IFF_UP as libc::c_short;
            check(libc::ioctl(fd, libc::SIOCSIFFLAGS, &req))
        })
    };
    // SAFETY: fd is ours.
    unsafe { libc::close(fd) };
    result.map_err(fail)
}
