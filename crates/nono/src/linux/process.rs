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

/// Empties the capability bounding, inheritable and ambient sets, so that after exec the
/// program holds no capability, even as root. Needs CAP_SETPCAP, which root and a process in
/// its own user namespace have; other callers hold no capabilities to drop.
pub fn drop_capabilities(privileged: bool) -> Result<()> {
    let fail = |e: std::io::Error| Error::refused(format!("cannot drop capabilities: {e}"));
    prctl(
        libc::PR_CAP_AMBIENT,
        libc::PR_CAP_AMBIENT_CLEAR_ALL as libc::c_ulong,
        0,
    )
    .map_err(fail)?;
    if !privileged {
        return Ok(());
    }
    for cap in 0..64 {
        // SAFETY: PR_CAPBSET_READ takes one integer and returns 1, 0, or -1 with EINVAL past
        // the last capability.
        match unsafe { libc::prctl(libc::PR_CAPBSET_READ, cap as libc::c_ulong, 0, 0, 0) } {
            0 => continue, // already gone, e.g. in a nested sandbox
            1 => prctl(libc::PR_CAPBSET_DROP, cap, 0).map_err(fail)?,
            _ => break,
        }
    }
    clear_inheritable().map_err(fail)
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

fn clear_inheritable() -> std::io::Result<()> {
    const VERSION_3: u32 = 0x2008_0522;
    let mut header = CapHeader {
        version: VERSION_3,
        pid: 0,
    };
    let mut data = [CapData::default(); 2];
    // SAFETY: capget/capset with a v3 header read/write exactly two data structs.
    unsafe {
        if libc::syscall(libc::SYS_capget, &mut header, data.as_mut_ptr()) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        for d in &mut data {
            d.inheritable = 0;
        }
        if libc::syscall(libc::SYS_capset, &mut header, data.as_ptr()) != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Sets `no_new_privs`: setuid binaries and file capabilities cannot raise privileges, for
/// root too.
pub fn no_new_privs() -> Result<()> {
    prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0)
        .map_err(|e| Error::refused(format!("cannot set no_new_privs: {e}")))
}
