//! Namespaces, the first layer: an unprivileged user namespace with a private mount namespace
//! (to mask sensitive paths inside grants and give the run its own temporary directory), a PID
//! namespace with its own /proc (other processes cannot be seen, signalled or named) and, for
//! `--net-block`, a private network namespace with only a loopback interface.
//!
//! This must run before Landlock: once Landlock is applied, mounts can no longer change.

use super::sys::{self, check};
use crate::error::{Error, Result};
use crate::paths::quote;
use crate::plan::{Plan, SensitivePath};
use crate::sensitive::Protection;
use std::path::Path;

/// Enters the namespaces the plan asks for and sets up its mounts.
pub fn enter(plan: &Plan, uid: u32, gid: u32, state_dir: &Path) -> Result<()> {
    let mut flags = libc::CLONE_NEWUSER | libc::CLONE_NEWNS | libc::CLONE_NEWPID;
    if plan.layers.network_namespace {
        flags |= libc::CLONE_NEWNET;
    }
    // SAFETY: unshare only changes this (single-threaded) process's namespaces.
    check(unsafe { libc::unshare(flags) }).map_err(|e| {
        Error::refused(format!(
            "cannot create a user namespace ({e}); it is needed for {}",
            reasons(plan)
        ))
    })?;
    map_ids(uid, gid)?;
    // Nothing mounted from here on may leak back to the host.
    sys::mount(
        None,
        Path::new("/"),
        None,
        libc::MS_REC | libc::MS_PRIVATE,
        None,
    )?;
    sys::mount(
        Some(Path::new("tmpfs")),
        &plan.tmpdir,
        Some("tmpfs"),
        libc::MS_NOSUID | libc::MS_NODEV,
        Some("mode=0700"),
    )?;
    let masks: Vec<&SensitivePath> = plan.masks().collect();
    if !masks.is_empty() {
        mask_all(&masks, &state_dir.join("masks"))?;
    }
    if plan.layers.network_namespace {
        loopback_up()?;
    }
    Ok(())
}

fn reasons(plan: &Plan) -> String {
    let mut why = Vec::new();
    if let Some(first) = plan.masks().next() {
        why.push(format!("masking {} inside a grant", quote(&first.path)));
    }
    if plan.layers.network_namespace {
        why.push("--net-block".to_string());
    }
    why.join(" and ")
}

/// Mounts a /proc of the new PID namespace over the old one, so that only the sandbox's own
/// processes can be seen. Called in the namespace's first process.
pub fn mount_proc() -> Result<()> {
    sys::mount(
        Some(Path::new("proc")),
        Path::new("/proc"),
        Some("proc"),
        libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC,
        None,
    )
}

/// Maps the caller's ids to themselves, so their own files look unchanged inside (files of
/// other users show as the overflow id).
fn map_ids(uid: u32, gid: u32) -> Result<()> {
    let write = |file: &str, text: &str| {
        std::fs::write(file, text)
            .map_err(|e| Error::refused(format!("cannot write {file} for the user namespace: {e}")))
    };
    write("/proc/self/setgroups", "deny")?;
    write("/proc/self/uid_map", &format!("{uid} {uid} 1"))?;
    write("/proc/self/gid_map", &format!("{gid} {gid} 1"))
}

/// Hides or freezes each masked path. Hidden paths get an empty, mode-000, read-only directory
/// or file from a private tmpfs; read-only paths are bind-mounted over themselves read-only.
fn mask_all(masks: &[&SensitivePath], store: &Path) -> Result<()> {
    sys::mount(
        Some(Path::new("tmpfs")),
        store,
        Some("tmpfs"),
        libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC,
        Some("mode=0700,size=16k"),
    )?;
    let empty_dir = store.join("dir");
    let empty_file = store.join("file");
    let made = std::fs::create_dir(&empty_dir).and_then(|_| std::fs::write(&empty_file, b""));
    made.map_err(|e| Error::refused(format!("cannot prepare masks in {}: {e}", quote(store))))?;
    use std::os::unix::fs::PermissionsExt;
    for path in [&empty_dir, &empty_file] {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o000))
            .map_err(|e| Error::refused(format!("cannot prepare mask {}: {e}", quote(path))))?;
    }
    for mask in masks {
        if std::fs::symlink_metadata(&mask.path).is_err() {
            if mask.group != crate::protect::GIT_GROUP {
                // Gone since the plan was made (another program's socket, say): nothing left
                // to protect at this path.
                continue;
            }
            // A git hooks directory that does not exist yet: create it empty, so that it can
            // be made read-only rather than created and filled by the program.
            std::fs::create_dir(&mask.path)
                .map_err(|e| Error::refused(format!("cannot create {}: {e}", quote(&mask.path))))?;
        }
        let source = match (mask.protection, mask.dir) {
            (Protection::Hidden, true) => empty_dir.as_path(),
            (Protection::Hidden, false) => empty_file.as_path(),
            (Protection::ReadOnly, _) => mask.path.as_path(),
        };
        let bind = libc::MS_BIND | libc::MS_REC;
        sys::mount(Some(source), &mask.path, None, bind, None)?;
        let read_only =
            libc::MS_BIND | libc::MS_REMOUNT | libc::MS_RDONLY | libc::MS_NOSUID | libc::MS_NODEV;
        sys::mount(None, &mask.path, None, read_only, None)?;
    }
    Ok(())
}

/// Brings up `lo` in the new network namespace, so local servers and their tests still work.
fn loopback_up() -> Result<()> {
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
