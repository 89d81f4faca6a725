//! Thin, checked wrappers over the few raw system calls the backend needs.

use crate::error::{Error, Result};
use std::ffi::CString;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// A path as a C string; paths with NUL bytes cannot exist, so this only fails on hostile input.
pub fn cstring(path: &Path) -> Result<CString> {
    CString::new(path.as_os_str().as_bytes())
        .map_err(|_| Error::refused(format!("path contains a NUL byte: {:?}", path)))
}

/// The last OS error as a `Result`.
pub fn check(ret: libc::c_int) -> io::Result<()> {
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

/// prctl(2) with up to two arguments.
pub fn prctl(option: libc::c_int, arg2: libc::c_ulong, arg3: libc::c_ulong) -> io::Result<()> {
    // SAFETY: the prctl options used by nono take integer arguments only.
    check(unsafe { libc::prctl(option, arg2, arg3, 0 as libc::c_ulong, 0 as libc::c_ulong) })
}

/// Mount attributes of mount_setattr(2) (include/uapi/linux/mount.h).
pub const MOUNT_ATTR_RDONLY: u64 = 0x1;
pub const MOUNT_ATTR_NOSUID: u64 = 0x2;
pub const MOUNT_ATTR_NODEV: u64 = 0x4;
pub const MOUNT_ATTR_NOEXEC: u64 = 0x8;

#[repr(C)]
struct MountAttr {
    attr_set: u64,
    attr_clr: u64,
    propagation: u64,
    userns_fd: u64,
}

/// Sets mount attributes on the mount at `path` (and, if `recursive`, every mount beneath
/// it), keeping every other attribute as it is: a bind of a host mount that is `noexec` or
/// `nodev` stays so, which a classic remount would have to restate. Linux 5.12, older than
/// any kernel with Landlock.
pub fn mount_setattr(path: &Path, recursive: bool, set: u64) -> Result<()> {
    let c_path = cstring(path)?;
    setattr(libc::AT_FDCWD, &c_path, 0, recursive, set).map_err(|e| {
        Error::refused(format!(
            "cannot set the mount attributes of {}: {e}",
            crate::paths::quote(path)
        ))
    })
}

/// The same for the mount `fd` was opened on (with `O_PATH`).
pub fn mount_setattr_fd(fd: &std::os::fd::OwnedFd, recursive: bool, set: u64) -> Result<()> {
    use std::os::fd::AsRawFd;
    setattr(fd.as_raw_fd(), c"", libc::AT_EMPTY_PATH, recursive, set)
        .map_err(|e| Error::refused(format!("cannot make the view's skeleton read-only: {e}")))
}

fn setattr(
    dirfd: i32,
    path: &std::ffi::CStr,
    flags: i32,
    recursive: bool,
    set: u64,
) -> io::Result<()> {
    const AT_RECURSIVE: i32 = 0x8000;
    let attr = MountAttr {
        attr_set: set,
        attr_clr: 0,
        propagation: 0,
        userns_fd: 0,
    };
    let flags = flags | if recursive { AT_RECURSIVE } else { 0 };
    // SAFETY: the path is NUL-terminated and the attribute struct is fully initialised; its
    // size is passed with it.
    let ret = unsafe {
        libc::syscall(
            libc::SYS_mount_setattr,
            dirfd,
            path.as_ptr(),
            flags,
            &attr as *const MountAttr,
            std::mem::size_of::<MountAttr>(),
        )
    };
    if ret < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// A rustix result as nono's error: what could not be done, to which path.
pub fn checked<T>(result: rustix::io::Result<T>, what: &str, path: &Path) -> Result<T> {
    result.map_err(|e| {
        Error::refused(format!(
            "cannot {what} {} in the sandbox's view: {e}",
            crate::paths::quote(path)
        ))
    })
}
