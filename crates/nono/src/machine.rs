//! Facts about this machine that the planner needs: who runs nono, where home is, what the
//! kernel offers. Tests build a [`Machine`] by hand to plan for other kernels.
//!
//! Detection only reads the system ([`probe`]); it never calls into a sandbox backend, so the
//! flow stays one-way: machine + policy -> plan -> backend.

pub mod probe;

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
    /// Whether nono can make the user, mount, PID and IPC namespaces that hold the view.
    pub namespaces: Namespaces,
    /// Whether the kernel supports seccomp filters.
    pub seccomp: bool,
    /// nono's environment (variables whose name is valid UTF-8; the others never reach the
    /// program).
    pub env: Vec<(String, String)>,
    /// Listening pathname Unix sockets.
    pub unix_sockets: Vec<PathBuf>,
    /// `$PATH`, whose directories join the baseline.
    pub path_env: Option<OsString>,
    /// Where a run without a view keeps its temporary directory and capability file: the
    /// temporary directory base (`$TMPDIR` or `/tmp`).
    pub tmp_base: PathBuf,
    /// nono's own executable, so that `nono why --self` runs inside the sandbox.
    pub nono_exe: Option<PathBuf>,
    /// The program's terminal (the device of the first of descriptors 0-2 that is one).
    pub terminal: Option<PathBuf>,
}

/// Whether the namespaces of the view can be made here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Namespaces {
    /// Unprivileged user namespaces are enabled (whether a security module lets them mount is
    /// known only when nono tries).
    Available,
    /// Inside another nono sandbox, whose filter forbids new namespaces; its view stays.
    Nested,
    /// Not available, and why (one phrase, e.g. `disabled by the sysctl
    /// user.max_user_namespaces = 0`).
    Unavailable(String),
}

impl Machine {
    /// Reads the facts from the running system.
    pub fn detect() -> Result<Machine> {
        let cwd = std::env::current_dir()
            .map_err(|e| Error::refused(format!("cannot read the current directory: {e}")))?;
        let (uid, gid) = probe::ids();
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
            kernel: probe::kernel_release(),
            landlock_abi: probe::landlock_abi(),
            namespaces: probe::namespaces(uid),
            seccomp: probe::seccomp_available(),
            env: std::env::vars_os()
                .filter_map(|(k, v)| {
                    Some((k.into_string().ok()?, v.to_string_lossy().into_owned()))
                })
                .collect(),
            unix_sockets: crate::sockets::listening(),
            path_env: std::env::var_os("PATH"),
            tmp_base,
            nono_exe: std::env::current_exe().ok(),
            terminal: probe::terminal(),
        })
    }
}

fn home_dir(uid: u32) -> Result<PathBuf> {
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        let home = PathBuf::from(home);
        if !home.is_absolute() {
            return Err(Error::refused(format!(
                "HOME is not an absolute path: {}",
                crate::paths::quote(&home)
            )));
        }
        return Ok(home);
    }
    probe::passwd_home(uid).ok_or_else(|| {
        Error::refused(
            "cannot find the home directory: HOME is unset and the user has no passwd entry",
        )
    })
}
