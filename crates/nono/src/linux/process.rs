//! Process hygiene before exec: descriptors, core dumps, capabilities and `no_new_privs`.

use super::sys::{check, prctl};
use crate::error::{Error, Result};

/// Marks every descriptor above 2 close-on-exec, except those the user passes explicitly, so
/// nothing nono or its parent held open reaches the program.
pub fn close_inherited_fds(keep: &[i32]) -> Result<()> {
    for &fd in keep {
        // SAFETY: F_GETFD only queries the descriptor's flags.
        if unsafe { libc::fcntl(fd, libc::F_GETFD) } < 0 {
            return Err(Error::refused(format!(
                "--keep-fd {fd}: not an open descriptor"
            )));
        }
    }
    mark_all_cloexec()?;
    for &fd in keep {
        // SAFETY: clears FD_CLOEXEC on a descriptor checked above.
        unsafe { libc::fcntl(fd, libc::F_SETFD, 0) };
    }
    Ok(())
}

/// [`crate::exec::off_kept_numbers`], failing as the sandbox's other steps do.
pub fn keep_clear(fd: &mut std::os::fd::OwnedFd, keep: &[i32]) -> Result<()> {
    crate::exec::off_kept_numbers(fd, keep)
        .map_err(|e| Error::refused(format!("cannot move a descriptor of nono's: {e}")))
}

fn mark_all_cloexec() -> Result<()> {
    const CLOSE_RANGE_CLOEXEC: libc::c_uint = 1 << 2;
    // SAFETY: close_range only flags descriptors of this process.
    let ret = unsafe { libc::syscall(libc::SYS_close_range, 3u32, u32::MAX, CLOSE_RANGE_CLOEXEC) };
    if ret == 0 {
        return Ok(());
    }
    // Kernels before 5.11: flag each open descriptor by hand.
    let fds: Vec<i32> = std::fs::read_dir("/proc/self/fd")
        .map_err(|e| Error::refused(format!("cannot list open descriptors: {e}")))?
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse().ok())
        .filter(|fd| *fd > 2)
        .collect();
    for fd in fds {
        // SAFETY: setting FD_CLOEXEC on a descriptor number; a stale one just fails with EBADF.
        unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) };
    }
    Ok(())
}

/// Turns core dumps off: a dump of the program could land in a writable grant with secrets
/// from memory.
pub fn no_core_dumps() -> Result<()> {
    let zero = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: setrlimit reads the struct only.
    check(unsafe { libc::setrlimit(libc::RLIMIT_CORE, &zero) })
        .map_err(|e| Error::refused(format!("cannot disable core dumps: {e}")))
}

/// Leaves the process with no capability, and makes sure exec cannot give any back, even to
/// root: every capability set is emptied, and the securebits stop uid 0 from regaining the
/// bounding set at exec (SECBIT_NOROOT) and lock that in. Two system calls, where emptying the
/// bounding set takes one per capability; `no_new_privs` covers setuid and file capabilities.
pub fn drop_capabilities(privileged: bool) -> Result<()> {
    let fail = |e: std::io::Error| Error::refused(format!("cannot drop capabilities: {e}"));
    if privileged {
        const SECUREBITS: libc::c_ulong = 0xef; // NOROOT, NO_SETUID_FIXUP, NO_CAP_AMBIENT_RAISE, all locked
        if let Err(e) = prctl(libc::PR_SET_SECUREBITS, SECUREBITS, 0) {
            // A nested sandbox lacks CAP_SETPCAP, and its parent locked the bits already.
            // SAFETY: PR_GET_SECUREBITS takes no argument.
            let current = unsafe { libc::prctl(libc::PR_GET_SECUREBITS, 0, 0, 0, 0) };
            if current < 0 || (current as libc::c_ulong) & SECUREBITS != SECUREBITS {
                return Err(fail(e));
            }
        }
    }
    clear_all_sets().map_err(fail)
}

#[repr(C)]
struct CapHeader {
    version: u32,
    pid: i32,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
struct CapData {
    effective: u32,
    permitted: u32,
    inheritable: u32,
}

/// Empties the effective, permitted and inheritable sets (and so the ambient set).
fn clear_all_sets() -> std::io::Result<()> {
    const VERSION_3: u32 = 0x2008_0522;
    let mut header = CapHeader {
        version: VERSION_3,
        pid: 0,
    };
    let data = [CapData::default(); 2];
    // SAFETY: capset with a v3 header reads exactly two data structs.
    if unsafe { libc::syscall(libc::SYS_capset, &mut header, data.as_ptr()) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// Makes this process not dumpable: its `/proc` entries (descriptors, memory) then belong to
/// root, which a process without capabilities cannot open.
pub fn not_dumpable() -> Result<()> {
    prctl(libc::PR_SET_DUMPABLE, 0, 0)
        .map_err(|e| Error::refused(format!("cannot make the sandbox's init private: {e}")))
}

/// Sets `no_new_privs`: setuid binaries and file capabilities cannot raise privileges, for
/// root too.
pub fn no_new_privs() -> Result<()> {
    prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0)
        .map_err(|e| Error::refused(format!("cannot set no_new_privs: {e}")))
}
