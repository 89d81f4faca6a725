//! Reading what the kernel offers: plain queries, no side effects, no sandbox code. Each
//! probe is a system call or two, since nono runs before every command an agent starts.

use super::Namespaces;
use std::path::{Path, PathBuf};

/// Where a sandbox with a view keeps its capability file (on nono's own read-only `/dev`), and
/// how a nested run recognises the sandbox it runs in: no program can create this path on a
/// host, only nono inside the view it builds.
pub const CAP_FILE_IN_VIEW: &str = "/dev/nono/plan.json";

/// Real user and group ids.
pub fn ids() -> (u32, u32) {
    (
        rustix::process::getuid().as_raw(),
        rustix::process::getgid().as_raw(),
    )
}

/// The kernel release (`uname -r`).
pub fn kernel_release() -> String {
    rustix::system::uname()
        .release()
        .to_string_lossy()
        .into_owned()
}

/// The Landlock ABI version the running kernel offers, 0 if none.
pub fn landlock_abi() -> u8 {
    #[cfg(target_os = "linux")]
    {
        const LANDLOCK_CREATE_RULESET_VERSION: libc::c_uint = 1;
        // SAFETY: with a null attribute pointer and size 0 this only queries the ABI version.
        let abi = unsafe {
            libc::syscall(
                libc::SYS_landlock_create_ruleset,
                std::ptr::null::<u8>(),
                0usize,
                LANDLOCK_CREATE_RULESET_VERSION,
            )
        };
        u8::try_from(abi.max(0)).unwrap_or(u8::MAX)
    }
    #[cfg(not(target_os = "linux"))]
    {
        0
    }
}

/// Whether the kernel supports seccomp filters.
pub fn seccomp_available() -> bool {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: PR_GET_SECCOMP takes no pointer; it fails with EINVAL without CONFIG_SECCOMP.
        unsafe { libc::prctl(libc::PR_GET_SECCOMP, 0, 0, 0, 0) >= 0 }
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}

/// Whether nono can make its namespaces: inside another nono sandbox it cannot (its filter
/// forbids them); a sysctl may switch them off. Whether a security module (Ubuntu's AppArmor
/// restriction) lets the new namespace mount is only known by trying, when the run starts.
pub fn namespaces(uid: u32) -> Namespaces {
    if !cfg!(target_os = "linux") {
        return Namespaces::Unavailable("not Linux".into());
    }
    if Path::new(CAP_FILE_IN_VIEW).is_file() && no_new_privs() {
        return Namespaces::Nested;
    }
    if sysctl("/proc/sys/user/max_user_namespaces") == Some(0) {
        return Namespaces::Unavailable(
            "user namespaces are disabled by the sysctl user.max_user_namespaces = 0".into(),
        );
    }
    if uid != 0 && sysctl("/proc/sys/kernel/unprivileged_userns_clone") == Some(0) {
        return Namespaces::Unavailable(
            "unprivileged user namespaces are disabled by the sysctl kernel.unprivileged_userns_clone = 0"
                .into(),
        );
    }
    Namespaces::Available
}

/// Why making the namespaces failed with `errno`, in words, read after the failure so that
/// the happy path pays nothing for it.
pub fn namespace_failure(errno: i32, while_mounting: bool) -> String {
    if while_mounting {
        if sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == Some(1) {
            return "AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns = 1): the namespace was made but may not mount".into();
        }
        return format!(
            "the new user namespace may not mount ({}): a security module or the container restricts it",
            errno_text(errno)
        );
    }
    match errno {
        libc::ENOSPC => "the limit of user namespaces is reached (user.max_user_namespaces, here or in an enclosing namespace)".into(),
        libc::EPERM => "user namespaces are not permitted here (a seccomp filter, a container or a security module forbids them)".into(),
        libc::EINVAL => "this kernel does not support one of the namespaces nono needs".into(),
        _ => format!("cannot create a user namespace: {}", errno_text(errno)),
    }
}

/// An errno in words, without the "(os error N)" the standard library adds.
fn errno_text(errno: i32) -> String {
    let text = std::io::Error::from_raw_os_error(errno).to_string();
    match text.find(" (os error") {
        Some(end) => text[..end].to_string(),
        None => text,
    }
}

fn sysctl(path: &str) -> Option<u64> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

fn no_new_privs() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .map(|s| s.lines().any(|l| l == "NoNewPrivs:\t1"))
        .unwrap_or(false)
}

/// The terminal device of the first of descriptors 0, 1, 2 that is one, as the host names it.
pub fn terminal() -> Option<PathBuf> {
    use std::os::fd::BorrowedFd;
    (0..3).find_map(|fd| {
        // SAFETY: descriptors 0-2 are only inspected, never closed; isatty fails harmlessly
        // on a closed one.
        let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
        if !rustix::termios::isatty(borrowed) {
            return None;
        }
        let path = std::fs::read_link(format!("/proc/self/fd/{fd}")).ok()?;
        path.starts_with("/dev/").then_some(path)
    })
}

/// The home directory of `uid` in the password database.
pub fn passwd_home(uid: u32) -> Option<PathBuf> {
    // SAFETY: getpwuid returns a pointer into static storage or null; we copy out at once and
    // nono is single-threaded at this point.
    unsafe {
        let pw = libc::getpwuid(uid);
        if pw.is_null() || (*pw).pw_dir.is_null() {
            return None;
        }
        let dir = std::ffi::CStr::from_ptr((*pw).pw_dir);
        use std::os::unix::ffi::OsStrExt;
        Some(PathBuf::from(std::ffi::OsStr::from_bytes(dir.to_bytes())))
    }
}
