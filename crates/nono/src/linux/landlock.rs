//! Landlock, the floor of the Linux sandbox: every rule of the plan becomes a rule on an
//! inode, everything else is denied. The ruleset handles exactly the rights of the plan's ABI
//! (the planner has already refused, or recorded with `--allow-degraded`, any right the kernel
//! lacks), and the kernel rejects any bit it does not know, so nothing is silently dropped.
//!
//! The three system calls are made directly: a directory with exceptions (`/etc` without its
//! secrets) becomes one rule per entry, and nono runs before every command, so each rule costs
//! exactly one `open` and one `landlock_add_rule`.

use crate::access::{Access, Op};
use crate::error::{Error, Result};
use crate::paths::quote;
use crate::plan::{Plan, Rule};
use std::ffi::CString;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

// Filesystem rights (include/uapi/linux/landlock.h), with the ABI that introduced them.
const EXECUTE: u64 = 1 << 0;
const WRITE_FILE: u64 = 1 << 1;
const READ_FILE: u64 = 1 << 2;
const READ_DIR: u64 = 1 << 3;
const REMOVE_DIR: u64 = 1 << 4;
const REMOVE_FILE: u64 = 1 << 5;
const MAKE_ALL: u64 = 0x7f << 6; // char, dir, reg, sock, fifo, block, sym
const REFER: u64 = 1 << 13; // ABI 2
const TRUNCATE: u64 = 1 << 14; // ABI 3
const IOCTL_DEV: u64 = 1 << 15; // ABI 5
const RESOLVE_UNIX: u64 = 1 << 16; // ABI 9
/// Rights that apply to a file (the others only make sense on a directory).
const FILE_RIGHTS: u64 = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV | RESOLVE_UNIX;

// Network rights (ABI 4) and scopes (ABI 6).
const NET_BIND_TCP: u64 = 1 << 0;
const NET_CONNECT_TCP: u64 = 1 << 1;
const SCOPE_ABSTRACT_UNIX_SOCKET: u64 = 1 << 0;
const SCOPE_SIGNAL: u64 = 1 << 1;

const RULE_PATH_BENEATH: libc::c_int = 1;

#[repr(C)]
struct RulesetAttr {
    handled_access_fs: u64,
    handled_access_net: u64,
    scoped: u64,
}

#[repr(C, packed)]
struct PathBeneathAttr {
    allowed_access: u64,
    parent_fd: i32,
}

/// The filesystem rights the kernel knows at `abi`.
fn handled_fs(abi: u8) -> u64 {
    let mut rights = EXECUTE | WRITE_FILE | READ_FILE | READ_DIR | REMOVE_DIR | REMOVE_FILE;
    rights |= MAKE_ALL;
    for (since, right) in [(2, REFER), (3, TRUNCATE), (5, IOCTL_DEV), (9, RESOLVE_UNIX)] {
        if abi >= since {
            rights |= right;
        }
    }
    rights
}

/// The Landlock rights for `access` on a file or a directory tree. Connecting to a Unix
/// socket (ABI 9) goes with write, as the plan models sockets beneath writable grants.
fn rights(access: Access, file: bool, handled: u64) -> u64 {
    let mut rights = 0;
    if access.allows(Op::Read) {
        rights |= READ_FILE | READ_DIR | IOCTL_DEV;
    }
    if access.allows(Op::Exec) {
        rights |= EXECUTE;
    }
    if access.allows(Op::Write) {
        rights |= WRITE_FILE | TRUNCATE | MAKE_ALL | REMOVE_DIR | REMOVE_FILE | REFER;
        rights |= IOCTL_DEV | RESOLVE_UNIX;
    }
    let rights = rights & handled;
    if file {
        rights & FILE_RIGHTS
    } else {
        rights
    }
}

/// Restricts this thread (and all its future children) to the plan's rules.
pub fn restrict(plan: &Plan) -> Result<()> {
    let abi = plan.layers.landlock_abi;
    let handled = handled_fs(abi);
    let attr = RulesetAttr {
        handled_access_fs: handled,
        handled_access_net: if plan.network.blocked && !plan.layers.network_namespace && abi >= 4 {
            NET_BIND_TCP | NET_CONNECT_TCP
        } else {
            0
        },
        scoped: if abi >= 6 {
            SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL
        } else {
            0
        },
    };
    // SAFETY: the attribute struct is fully initialised and its size passed with it.
    let fd = unsafe {
        libc::syscall(
            libc::SYS_landlock_create_ruleset,
            &attr as *const RulesetAttr,
            std::mem::size_of::<RulesetAttr>(),
            0u32,
        )
    };
    if fd < 0 {
        return Err(landlock_error(
            "create the ruleset",
            std::io::Error::last_os_error(),
        ));
    }
    // SAFETY: the kernel just returned this descriptor to us.
    let ruleset = unsafe { OwnedFd::from_raw_fd(fd as RawFd) };
    // Rule descriptors are O_CLOEXEC: execve closes them all at once, which is cheaper than
    // one close each.
    let mut opened = Vec::new();
    for rule in &plan.rules {
        add(&ruleset, rule, handled, &mut opened)?;
    }
    // SAFETY: restricting the calling thread with a ruleset we own; no_new_privs is set.
    let ret = unsafe { libc::syscall(libc::SYS_landlock_restrict_self, ruleset.as_raw_fd(), 0u32) };
    if ret < 0 {
        return Err(landlock_error(
            "enforce the ruleset",
            std::io::Error::last_os_error(),
        ));
    }
    std::mem::forget(opened);
    Ok(())
}

fn add(ruleset: &OwnedFd, rule: &Rule, handled: u64, opened: &mut Vec<OwnedFd>) -> Result<()> {
    if rule.except.is_empty() {
        let rights = rights(rule.access, rule.file, handled);
        return add_path(ruleset, &rule.path, rights, opened);
    }
    // Landlock cannot deny beneath an allowed directory, so a directory with exceptions is
    // granted through its entries instead, descending only towards the exceptions. Paths are
    // canonical, so plain byte comparisons decide (cheaper than component-wise ones, which
    // matter at a hundred entries per run).
    let excepts: Vec<&[u8]> = rule
        .except
        .iter()
        .map(|e| e.as_os_str().as_bytes())
        .collect();
    let mut pending = vec![rule.path.clone()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir)
            .map_err(|e| Error::refused(format!("cannot list {}: {e}", quote(&dir))))?;
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            // A symlink's target is covered (or not) by rules of its own.
            if kind.is_symlink() {
                continue;
            }
            let path = entry.path();
            let bytes = path.as_os_str().as_bytes();
            if excepts.contains(&bytes) {
                continue;
            }
            let leads_to_exception = excepts
                .iter()
                .any(|e| e.len() > bytes.len() && e.starts_with(bytes) && e[bytes.len()] == b'/');
            if leads_to_exception {
                pending.push(path);
            } else {
                let rights = rights(rule.access, !kind.is_dir(), handled);
                add_path(ruleset, &path, rights, opened)?;
            }
        }
    }
    Ok(())
}

fn add_path(ruleset: &OwnedFd, path: &Path, rights: u64, opened: &mut Vec<OwnedFd>) -> Result<()> {
    if rights == 0 {
        return Ok(());
    }
    let c_path = CString::new(path.as_os_str().as_bytes())
        .map_err(|_| Error::refused(format!("path contains a NUL byte: {}", quote(path))))?;
    // SAFETY: opening a NUL-terminated path for reference only (O_PATH).
    let fd = unsafe { libc::open(c_path.as_ptr(), libc::O_PATH | libc::O_CLOEXEC) };
    if fd < 0 {
        let e = std::io::Error::last_os_error();
        return Err(Error::refused(format!(
            "cannot open {} for a Landlock rule: {e}",
            quote(path)
        )));
    }
    // SAFETY: the descriptor was just opened by us.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    let attr = PathBeneathAttr {
        allowed_access: rights,
        parent_fd: fd.as_raw_fd(),
    };
    // SAFETY: the packed attribute struct matches the kernel's landlock_path_beneath_attr.
    let ret = unsafe {
        libc::syscall(
            libc::SYS_landlock_add_rule,
            ruleset.as_raw_fd(),
            RULE_PATH_BENEATH,
            &attr as *const PathBeneathAttr,
            0u32,
        )
    };
    if ret < 0 {
        let e = std::io::Error::last_os_error();
        return Err(landlock_error(
            &format!("add a rule for {}", quote(path)),
            e,
        ));
    }
    opened.push(fd);
    Ok(())
}

fn landlock_error(what: &str, e: std::io::Error) -> Error {
    Error::refused(format!("Landlock could not {what}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rights_follow_the_abi_and_the_shape_of_the_rule() {
        assert_eq!(handled_fs(1) & (REFER | TRUNCATE | IOCTL_DEV), 0);
        assert_ne!(handled_fs(3) & TRUNCATE, 0);
        let read_file = rights(Access::READ_EXEC, true, handled_fs(7));
        assert_eq!(read_file, READ_FILE | EXECUTE | IOCTL_DEV);
        let write_dir = rights(Access::WRITE, false, handled_fs(2));
        assert_ne!(write_dir & REFER, 0);
        assert_eq!(write_dir & (READ_FILE | READ_DIR | TRUNCATE), 0);
        assert_eq!(rights(Access::WRITE, true, handled_fs(7)) & !FILE_RIGHTS, 0);
    }
}
