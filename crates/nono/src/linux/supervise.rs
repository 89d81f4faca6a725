//! The two small supervisors a PID namespace needs. The first child of a new PID namespace is
//! its init: if it exits, the kernel kills everything inside, and it ignores any signal it has
//! no handler for. So nono forks twice:
//!
//! ```text
//! nono (outside)  --fork-->  nono init (pid 1, sandboxed)  --fork-->  the program (pid 2)
//! ```
//!
//! Each supervisor passes on the signals sent to it by `kill` (not those the terminal sends to
//! the whole process group, which the program receives itself), reaps, and ends the way the
//! program ended: the same exit code, or death by the same signal.

use super::sys::check;
use crate::error::{Error, Result};
use std::os::fd::RawFd;

/// Signals a supervisor passes on to its child.
const FORWARDED: [libc::c_int; 7] = [
    libc::SIGTERM,
    libc::SIGINT,
    libc::SIGQUIT,
    libc::SIGHUP,
    libc::SIGUSR1,
    libc::SIGUSR2,
    libc::SIGWINCH,
];

/// The write end of the pipe on which the init process reports the program's wait status.
pub struct StatusPipe(RawFd);

/// Forks the init process. The caller (outside) supervises it and never returns; the child
/// returns the pipe on which it must report the program's status.
pub fn fork_init() -> Result<StatusPipe> {
    let mut fds = [0; 2];
    // SAFETY: pipe2 fills two descriptors.
    check(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) })
        .map_err(|e| Error::refused(format!("cannot create a pipe: {e}")))?;
    let [read_end, write_end] = fds;
    let (child, old_mask) = fork_with_signals_blocked()?;
    if child == 0 {
        restore(&old_mask);
        // SAFETY: closing our copy of the read end.
        unsafe { libc::close(read_end) };
        die_with_parent()?;
        return Ok(StatusPipe(write_end));
    }
    // SAFETY: closing our copy of the write end, so a crashed init reads as end of file.
    unsafe { libc::close(write_end) };
    let own = supervise(child, false);
    let mut raw = [0u8; 4];
    // SAFETY: reading at most four bytes into a local buffer.
    let n = unsafe { libc::read(read_end, raw.as_mut_ptr().cast(), raw.len()) };
    let status = if n == 4 { i32::from_ne_bytes(raw) } else { own };
    end_like(status)
}

/// Forks the program as the init's only child. The init (the caller) supervises it, reports
/// its status on `pipe` and exits, which ends the namespace; the program returns to exec.
pub fn fork_program(pipe: StatusPipe) -> Result<()> {
    let (child, old_mask) = fork_with_signals_blocked()?;
    if child == 0 {
        restore(&old_mask);
        // SAFETY: the program does not need the status pipe.
        unsafe { libc::close(pipe.0) };
        return Ok(());
    }
    let status = supervise(child, true);
    let raw = status.to_ne_bytes();
    // SAFETY: writing four bytes from a local buffer, then leaving without running any
    // destructor: the namespace ends with this process.
    unsafe {
        libc::write(pipe.0, raw.as_ptr().cast(), raw.len());
        libc::_exit(0)
    }
}

fn signal_set() -> libc::sigset_t {
    // SAFETY: sigemptyset/sigaddset initialise and fill a local set.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for sig in FORWARDED.iter().chain(&[libc::SIGCHLD]) {
            libc::sigaddset(&mut set, *sig);
        }
        set
    }
}

/// Blocks the supervised signals (so none is lost between fork and the wait loop) and forks.
fn fork_with_signals_blocked() -> Result<(libc::pid_t, libc::sigset_t)> {
    let set = signal_set();
    // SAFETY: sigprocmask with valid sets; fork in a single-threaded process.
    unsafe {
        let mut old: libc::sigset_t = std::mem::zeroed();
        libc::sigprocmask(libc::SIG_BLOCK, &set, &mut old);
        let pid = libc::fork();
        if pid < 0 {
            let e = std::io::Error::last_os_error();
            libc::sigprocmask(libc::SIG_SETMASK, &old, std::ptr::null_mut());
            return Err(Error::refused(format!("cannot fork: {e}")));
        }
        Ok((pid, old))
    }
}

fn restore(mask: &libc::sigset_t) {
    // SAFETY: restoring a mask saved by sigprocmask.
    unsafe { libc::sigprocmask(libc::SIG_SETMASK, mask, std::ptr::null_mut()) };
}

/// If nono outside dies, the init dies, and with it the whole namespace. (The parent is
/// outside this PID namespace, so getppid() cannot tell whether it already died; nono outside
/// only dies by SIGKILL, and then the namespace ends when this process exits.)
fn die_with_parent() -> Result<()> {
    super::sys::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong, 0)
        .map_err(|e| Error::refused(format!("cannot tie the sandbox to nono's life: {e}")))
}

/// Waits for `child`, passing on signals sent by other processes; returns its wait status.
/// As init (`reap_all`), also reaps every orphan that ends up as its child.
fn supervise(child: libc::pid_t, reap_all: bool) -> i32 {
    let set = signal_set();
    loop {
        // SAFETY: siginfo is plain data filled by sigwaitinfo; the set holds blocked signals.
        let (sig, code) = unsafe {
            let mut info: libc::siginfo_t = std::mem::zeroed();
            let sig = libc::sigwaitinfo(&set, &mut info);
            (sig, info.si_code)
        };
        if sig == libc::SIGCHLD || sig < 0 {
            if let Some(status) = reap(child, reap_all) {
                return status;
            }
        } else if code <= 0 {
            // SI_USER, SI_QUEUE, SI_TKILL: sent by a process, not by the terminal.
            // SAFETY: signalling our own child.
            unsafe { libc::kill(child, sig) };
        }
    }
}

fn reap(child: libc::pid_t, reap_all: bool) -> Option<i32> {
    let target = if reap_all { -1 } else { child };
    loop {
        let mut status = 0;
        // SAFETY: waitpid writes one int.
        let pid = unsafe { libc::waitpid(target, &mut status, libc::WNOHANG) };
        if pid == child {
            return Some(status);
        }
        if pid <= 0 {
            return None;
        }
    }
}

/// Ends this process the way the program ended.
fn end_like(status: i32) -> ! {
    if libc::WIFSIGNALED(status) {
        let sig = libc::WTERMSIG(status);
        let no_core = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: restoring the default action and re-raising the signal on ourselves; the
        // core limit keeps nono from dumping core for the program's crash.
        unsafe {
            libc::setrlimit(libc::RLIMIT_CORE, &no_core);
            libc::signal(sig, libc::SIG_DFL);
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, sig);
            libc::sigprocmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
            libc::kill(libc::getpid(), sig);
        }
        std::process::exit(128 + sig);
    }
    std::process::exit(libc::WEXITSTATUS(status));
}
