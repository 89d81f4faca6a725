//! The Linux backend: applies a plan to the current process, layer by layer, in the order the
//! kernel requires (namespaces and mounts, process hygiene, `no_new_privs`, Landlock,
//! seccomp).
//!
//! The caller must be single-threaded: Landlock and the namespaces bind only the calling
//! thread, and the program is exec'd from it.

mod landlock;
mod namespace;
mod process;
mod seccomp;
mod supervise;
mod sys;

use crate::error::Result;
use crate::plan::Plan;

/// Applies every layer of `plan`. Returns in the process that must exec the program; with
/// namespaces that is a child, and nono itself stays outside as its supervisor (see
/// the `supervise` module). On error nothing has been exec'd and the caller must exit without running
/// the program.
pub fn apply(plan: &Plan) -> Result<()> {
    // SAFETY: these getters cannot fail.
    let (uid, gid, euid) = unsafe { (libc::getuid(), libc::getgid(), libc::geteuid()) };
    let state_dir = crate::prepare::state_dir(plan);
    let status_pipe = if plan.needs_namespaces() {
        namespace::enter(plan, uid, gid, state_dir)?;
        let pipe = supervise::fork_init()?;
        namespace::mount_proc()?;
        Some(pipe)
    } else {
        None
    };
    process::close_inherited_fds(&plan.keep_fds)?;
    process::no_core_dumps()?;
    process::drop_capabilities(euid == 0 || plan.needs_namespaces())?;
    process::no_new_privs()?;
    landlock::restrict(plan)?;
    if plan.layers.seccomp {
        seccomp::install(seccomp::Filter::for_plan(plan))?;
    }
    if let Some(pipe) = status_pipe {
        supervise::fork_program(pipe)?;
    }
    Ok(())
}

/// Whether the kernel supports seccomp filters.
pub fn seccomp_available() -> bool {
    seccomp::available()
}

/// Names of the system calls the seccomp layer denies, for `--dry-run`.
pub fn denied_syscalls() -> impl Iterator<Item = &'static str> {
    seccomp::DENIED.iter().map(|d| d.name)
}

/// Names of the ioctl requests the seccomp layer denies, for `--dry-run`.
pub fn denied_ioctls() -> impl Iterator<Item = &'static str> {
    seccomp::DENIED_IOCTLS.iter().map(|d| d.0)
}
