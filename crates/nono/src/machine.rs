//! Facts about this machine that the planner needs: who runs nono, where home is, what the
//! kernel offers. Tests build a [`Machine`] by hand to plan for other kernels.

use crate::error::{Error, Result};
use std::ffi::OsString;
use std::path::PathBuf;

/// What the planner knows about the machine.
#[derive(Clone, Debug)]
pub struct Machine {
    /// The user's home directory (`$HOME`, else the password database).
    pub home: PathBuf,
    /// The current directory, against which relative grants resolve.
    pub cwd: PathBuf,
    /// Real user id.
    pub uid: u32,
    /// Real group id.
    pub gid: u32,
    /// Which operating-system sandbox is available.
    pub backend: crate::plan::Backend,
    /// Kernel release (`uname -r`).
    pub kernel: String,
    /// Highest Landlock ABI the kernel offers; 0 when Landlock is unavailable.
    pub landlock_abi: u8,
    /// Whether nono may use user namespaces (false to plan as if they were unavailable, and
    /// inside a nono sandbox, whose filter forbids new namespaces).
    pub user_namespaces: bool,
    /// Whether the kernel supports seccomp filters.
    pub seccomp: bool,
    /// nono's environment (variables whose name is valid UTF-8; the others never reach the
    /// program).
    pub env: Vec<(String, String)>,
    /// Listening pathname Unix sockets.
    pub unix_sockets: Vec<PathBuf>,
    /// `$PATH`, whose directories join the baseline.
    pub path_env: Option<OsString>,
    /// Where nono keeps per-user state: the temporary directory base (`$TMPDIR` or `/tmp`).
    pub tmp_base: PathBuf,
    /// nono's own executable, so that `nono why --self` runs inside the sandbox.
    pub nono_exe: Option<PathBuf>,
}

impl Machine {
    /// Reads the facts from the running system.
    pub fn detect() -> Result<Machine> {
        let cwd = std::env::current_dir()
            .map_err(|e| Error::refused(format!("cannot read the current directory: {e}")))?;
        // SAFETY: getuid/getgid cannot fail and touch no memory.
        let (uid, gid) = unsafe { (libc::getuid(), libc::getgid()) };
        let home = home_dir(uid)?;
        let tmp_base = std::env::var_os("TMPDIR")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute() && p.is_dir())
            .unwrap_or_else(|| PathBuf::from("/tmp"));
        Ok(Machine {
            home,
            cwd,
            uid,
            gid,
            backend: if cfg!(target_os = "macos") {
                crate::plan::Backend::Seatbelt
            } else {
                crate::plan::Backend::Linux
            },
            kernel: kernel_release(),
            landlock_abi: landlock_abi(),
            user_namespaces: std::env::var_os("NONO_SANDBOX").is_none(),
            seccomp: seccomp_available(),
            env: std::env::vars_os()
                .filter_map(|(k, v)| {
                    Some((k.into_string().ok()?, v.to_string_lossy().into_owned()))
                })
                .collect(),
            unix_sockets: crate::sockets::listening(),
            path_env: std::env::var_os("PATH"),
            tmp_base,
            nono_exe: std::env::current_exe().ok(),
        })
    }
}

fn home_dir(uid: u32) -> Result<PathBuf> {
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        let home = PathBuf::from(home);
        if !home.is_absolute() {
            return Err(Error::refused(format!(
                "HOME is not an absolute path: {}",
                home.display()
            )));
        }
        return Ok(home);
    }
    // SAFETY: getpwuid returns a pointer into static storage or null; we copy out at once and
    // nono is single-threaded at this point.
    unsafe {
        let pw = libc::getpwuid(uid);
        if !pw.is_null() && !(*pw).pw_dir.is_null() {
            let dir = std::ffi::CStr::from_ptr((*pw).pw_dir);
            use std::os::unix::ffi::OsStrExt;
            return Ok(PathBuf::from(std::ffi::OsStr::from_bytes(dir.to_bytes())));
        }
    }
    Err(Error::refused(
        "cannot find the home directory: HOME is unset and the user has no passwd entry",
    ))
}

fn kernel_release() -> String {
    // SAFETY: uname fills the zeroed struct; the release field is NUL-terminated.
    unsafe {
        let mut name: libc::utsname = std::mem::zeroed();
        if libc::uname(&mut name) != 0 {
            return "unknown".into();
        }
        std::ffi::CStr::from_ptr(name.release.as_ptr())
            .to_string_lossy()
            .into_owned()
    }
}

fn seccomp_available() -> bool {
    #[cfg(target_os = "linux")]
    {
        crate::linux::seccomp_available()
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
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
