//! The two small supervisors a PID namespace needs. The first process of a new PID namespace
//! is its init: if it exits, the kernel kills everything inside, and it ignores any signal it
//! has no handler for. So the program runs as pid 2, under a sandboxed init, and nono stays
//! outside, in the host's namespaces (see [`in_namespaces`]).
//!
//! Each supervisor passes on the signals sent to it by `kill` (not those the terminal sends to
//! the whole process group, which the program receives itself) and ends the way the program
//! ended: the same exit code, or death by the same signal. The init reaps the program and
//! every process it left, then reports; nono outside ends on that report.

use super::egress::{EgressProxy, LISTENERS};
use super::fdpass;
use super::guard::NameGuard;
use super::notify;
use super::process;
use super::publish::{self, Inside, Publisher};
use super::sys::check;
use crate::error::{Error, ErrorKind, Result};
use crate::exec::Prepared;
use crate::plan::Plan;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

/// What the name guard's hand-off carries, in messages.
const GUARD_LISTENER: &str = "the name guard's listener";

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

/// The write end of the pipe on which the init process reports to nono outside: the
/// program's wait status, or why the sandbox could not be built.
pub struct Report(RawFd);

impl Report {
    fn status(&self, status: i32) {
        let mut msg = vec![b'S'];
        msg.extend_from_slice(&status.to_ne_bytes());
        self.send(&msg);
    }

    /// Sends `error` and ends this process: nothing was run.
    pub fn failed(&self, error: &Error) -> ! {
        let kind = match error.kind {
            ErrorKind::Refused => 0,
            ErrorKind::NotExecutable => 1,
            ErrorKind::NotFound => 2,
            ErrorKind::NoNamespaces => 3,
        };
        let mut msg = vec![b'E', kind];
        msg.extend_from_slice(error.message.as_bytes());
        self.send(&msg);
        // SAFETY: leaving without running destructors: this process is a half-built sandbox.
        unsafe { libc::_exit(125) }
    }

    fn send(&self, msg: &[u8]) {
        // SAFETY: writing from a local buffer; a pipe write of this size is atomic.
        unsafe { libc::write(self.0, msg.as_ptr().cast(), msg.len()) };
    }
}

/// What the init process reported. An error is read to the end of the pipe (the init closes
/// it as it ends); a status is complete in its five bytes, written at once, and is not
/// waited past: the init's ending (its memory, the namespaces) is no concern of the caller.
fn read_report(fd: RawFd) -> Option<std::result::Result<i32, Error>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        // SAFETY: reading into a local buffer of the given size.
        let n = unsafe { libc::read(fd, chunk.as_mut_ptr().cast(), chunk.len()) };
        if n <= 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n as usize]);
        if buf.first() == Some(&b'S') && buf.len() >= 5 {
            break;
        }
    }
    match buf.split_first()? {
        (b'S', raw) => Some(Ok(i32::from_ne_bytes(raw.get(..4)?.try_into().ok()?))),
        (b'E', rest) => {
            let (kind, message) = rest.split_first()?;
            let kind = match kind {
                1 => ErrorKind::NotExecutable,
                2 => ErrorKind::NotFound,
                3 => ErrorKind::NoNamespaces,
                _ => ErrorKind::Refused,
            };
            // Escaped: nothing the sandbox sent may write to the terminal when it is printed.
            let message = String::from_utf8_lossy(message);
            Some(Err(Error {
                kind,
                message: crate::error::one_line(&message).into_owned(),
            }))
        }
        _ => None,
    }
}

/// Runs the sandbox in new namespaces:
///
/// ```text
/// nono (host namespaces)  --clone-->  init (pid 1: builds the view, confines itself)
///                                       --clone(CLONE_VM|CLONE_VFORK), execve-->  the program (pid 2)
/// ```
///
/// `setup` runs in the init before the program is started; the program's process execs
/// `program`. Nothing returns but nono outside with the error that stopped the init before
/// anything ran: otherwise nono outside supervises and ends the way the program ended.
///
/// With `proxy` (filtered mode), `setup` gets a socket on which to send the listening
/// sockets it made inside (see `egress`); nono outside starts the proxy on them before it
/// supervises, and stops it when the program has ended.
///
/// With `publisher` (`--publish`), the init answers nono outside's requests for sockets
/// inside while it supervises (see `publish`); nono outside starts the publisher before it
/// supervises.
pub fn in_namespaces(
    plan: &Plan,
    mut proxy: Option<&mut dyn EgressProxy>,
    mut publisher: Option<&mut dyn Publisher>,
    program: &Prepared,
    setup: impl FnOnce(&Report, Option<&OwnedFd>) -> Result<Option<NameGuard>>,
) -> Result<()> {
    let hand_off = proxy.as_ref().map(|_| fdpass::pair()).transpose()?;
    let publishing = publisher.as_ref().map(|_| fdpass::pair()).transpose()?;
    let mut fds = [0; 2];
    // SAFETY: pipe2 fills two descriptors.
    check(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) })
        .map_err(|e| Error::refused(format!("cannot create a pipe: {e}")))?;
    let [read_end, write_end] = fds;
    let set = signal_set();
    let old_mask = block(&set);
    let child = match super::namespace::clone() {
        Ok(pid) => pid,
        Err(e) => {
            restore(&old_mask);
            // SAFETY: closing the pipe we made.
            unsafe {
                libc::close(read_end);
                libc::close(write_end);
            }
            return Err(e);
        }
    };
    if child == 0 {
        // The init keeps the signals blocked: they wait for its supervision loop, and the
        // program gets the old mask back.
        // SAFETY: closing our copy of the read end.
        unsafe { libc::close(read_end) };
        // Its own descriptors: not nono outside's ends, and off the numbers the program is
        // promised (`--keep-fd`), which would otherwise pass them on as the user's.
        let mut to_outside = hand_off.map(|(_, inside)| inside);
        let mut requests = publishing.map(|(_, inside)| inside);
        let keep = &plan.keep_fds;
        // SAFETY: the write end, ours; held from here until this process ends.
        let mut report_fd = unsafe { OwnedFd::from_raw_fd(write_end) };
        let cleared = std::iter::once(&mut report_fd)
            .chain(to_outside.as_mut())
            .chain(requests.as_mut())
            .try_for_each(|fd| process::keep_clear(fd, keep));
        let report = Report(report_fd.as_raw_fd());
        if let Err(e) = cleared {
            report.failed(&e);
        }
        let guard = match die_with_parent().and_then(|_| setup(&report, to_outside.as_ref())) {
            Ok(guard) => guard,
            Err(e) => report.failed(&e),
        };
        spawn_program(report, &old_mask, guard, requests, program);
    }
    // nono outside keeps them blocked too: its supervision loop waits for them.
    // SAFETY: closing our copy of the write end, so a crashed init reads as end of file.
    unsafe { libc::close(write_end) };
    if let (Some(proxy), Some((outside, inside))) = (proxy.as_deref_mut(), hand_off) {
        // Without our copy of the init's end, an init that fails before sending reads as end
        // of file here, and its report says why.
        drop(inside);
        if let Ok(listeners) = fdpass::receive(&outside, LISTENERS) {
            proxy.start(listeners);
        }
    }
    if let (Some(publisher), Some((outside, inside))) = (publisher.as_deref_mut(), publishing) {
        // As above: an init that ends closes the channel, and requests fail instead of wait.
        drop(inside);
        publisher.start(Inside::new(outside));
    }
    let outcome = await_init(child, read_end);
    if let Some(proxy) = proxy {
        proxy.stop();
    }
    if let Some(publisher) = publisher {
        publisher.stop();
    }
    match outcome {
        // Nothing ran: the caller may run the program another way (degraded), and it must
        // get the signals as nono got them.
        Outcome::Report(Err(e)) => {
            restore(&old_mask);
            Err(e)
        }
        Outcome::Report(Ok(status)) | Outcome::Ended(status) => end_like(status),
    }
}

/// How the sandbox ended, as nono outside learns it.
enum Outcome {
    /// What the init reported: the program's wait status, or why nothing ran.
    Report(std::result::Result<i32, Error>),
    /// The init's own wait status: it ended without reporting.
    Ended(i32),
}

/// nono outside: passes on signals to the init until its report arrives. The init reports
/// once the program and every other process of the sandbox have ended (see
/// [`end_the_others`]); what is left then is the kernel taking the namespaces apart in the
/// init's exit (every mount of the view), which the caller of nono need not wait for.
fn await_init(child: libc::pid_t, report: RawFd) -> Outcome {
    let Some(signals) = Signals::open() else {
        let own = supervise(child, false);
        return read_report(report).map_or(Outcome::Ended(own), Outcome::Report);
    };
    loop {
        let (signal, [events]) = signals.poll([report]);
        if events & (libc::POLLIN | libc::POLLHUP | libc::POLLERR) != 0 {
            return match read_report(report) {
                Some(report) => Outcome::Report(report),
                // The init died before it could report: its own status tells how.
                None => Outcome::Ended(wait_for(child)),
            };
        }
        match signal {
            Some((libc::SIGCHLD, _)) => {
                if let Some(status) = reap(child, false) {
                    return read_report(report).map_or(Outcome::Ended(status), Outcome::Report);
                }
            }
            // SAFETY: signalling our own child.
            Some((sig, code)) if code <= 0 => unsafe {
                libc::kill(child, sig);
            },
            _ => {}
        }
    }
}

/// Waits for `child` to end; returns its wait status.
fn wait_for(child: libc::pid_t) -> i32 {
    loop {
        let mut status = 0;
        // SAFETY: waitpid writes one int.
        let pid = unsafe { libc::waitpid(child, &mut status, 0) };
        if pid == child
            || (pid < 0 && std::io::Error::last_os_error().raw_os_error() != Some(libc::EINTR))
        {
            return status;
        }
    }
}

/// In the init, once the program has ended: ends every other process of the sandbox (the
/// program's orphans) and reaps them, so that nothing the program started outlives the
/// report that lets nono outside end. `kill(-1)` in the init of a PID namespace reaches
/// every process of that namespace but the init; all of them run as the init's own user,
/// with no capability to change it, so none can refuse.
fn end_the_others() {
    let mut status = 0;
    // SAFETY: waitpid writes one int. No child left: no other process is in the namespace
    // (each would be the init's descendant), and `kill(-1)`, which walks every process of
    // the machine, is not needed.
    if unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) } < 0 {
        return;
    }
    loop {
        // SAFETY: a signal to the processes of this PID namespace, as above.
        unsafe { libc::kill(-1, libc::SIGKILL) };
        let mut status = 0;
        // SAFETY: waitpid writes one int.
        let pid = unsafe { libc::waitpid(-1, &mut status, 0) };
        if pid < 0 && std::io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
            return; // ECHILD: no process is left
        }
    }
}

/// Starts the program as the init's only child, then supervises it, reports its status
/// and exits, which ends the namespace. The child shares the init's memory until it execs
/// (`CLONE_VM | CLONE_VFORK`, as `posix_spawn` does), the init waiting meanwhile: nothing of
/// the init's memory is copied for a process about to replace it. With a name guard, the
/// child installs the guard's filter on itself and hands its listener to the init, which then
/// answers the calls it mediates while it supervises. With `requests` (`--publish`), the
/// init also answers nono outside's requests for sockets.
fn spawn_program(
    report: Report,
    program_mask: &libc::sigset_t,
    guard: Option<NameGuard>,
    requests: Option<OwnedFd>,
    program: &Prepared,
) -> ! {
    let channel = match guard.as_ref().map(|_| fdpass::pair()).transpose() {
        Ok(channel) => channel,
        Err(e) => report.failed(&e),
    };
    let spawn = Spawn {
        mask: program_mask,
        report: report.0,
        requests: requests.as_ref().map(AsRawFd::as_raw_fd),
        to_init: channel.as_ref().map(|(_, to_init)| to_init),
        program,
    };
    // The child's stack, for the filter it installs and a message if the exec fails.
    let mut stack = vec![0u8; 256 << 10];
    let top = (stack.as_mut_ptr() as usize + stack.len()) & !15;
    // SAFETY: `spawn` and `stack` outlive the child's use of them: with CLONE_VFORK this
    // thread waits until the child has exec'd or exited. The child runs `program_main` on
    // its own stack, on memory it shares with this single-threaded process, which does
    // nothing meanwhile.
    let child = unsafe {
        libc::clone(
            program_main,
            top as *mut libc::c_void,
            libc::CLONE_VM | libc::CLONE_VFORK | libc::SIGCHLD,
            &spawn as *const Spawn as *mut libc::c_void,
        )
    };
    drop(stack);
    if child < 0 {
        let e = std::io::Error::last_os_error();
        report.failed(&Error::refused(format!("cannot start the program: {e}")));
    }
    let guarding = match (guard, channel) {
        (Some(guard), Some((from_program, to_init))) => {
            drop(to_init);
            // Nothing comes when the program did not start (it said why): just wait for it.
            fdpass::receive(&from_program, GUARD_LISTENER)
                .ok()
                .map(|mut fds| (fds.swap_remove(0), guard))
        }
        _ => None,
    };
    let status = match (guarding, requests) {
        (None, None) => supervise(child, true),
        (guarding, requests) => supervise_serving(child, guarding, requests),
    };
    end_the_others();
    report.status(status);
    // SAFETY: leaving without running any destructor: the namespace ends with this process.
    unsafe { libc::_exit(0) }
}

/// What the program's process needs from the init to start.
struct Spawn<'a> {
    mask: &'a libc::sigset_t,
    report: RawFd,
    requests: Option<RawFd>,
    to_init: Option<&'a OwnedFd>,
    program: &'a Prepared,
}

/// The program's process, from `clone` to `execve`.
extern "C" fn program_main(spawn: *mut libc::c_void) -> libc::c_int {
    // SAFETY: the `Spawn` the init passed to clone, alive until this process execs or exits.
    let spawn = unsafe { &*(spawn as *const Spawn) };
    restore(spawn.mask);
    // SAFETY: closing this process's copies of descriptors the program must not hold (the
    // report pipe; nono outside's channel, close-on-exec as well).
    unsafe {
        libc::close(spawn.report);
        if let Some(fd) = spawn.requests {
            libc::close(fd);
        }
    }
    if let Some(to_init) = spawn.to_init {
        // The last step before exec: from here on the init creates every name for us.
        let sent = notify::install()
            .and_then(|listener| fdpass::send(to_init, &[listener], GUARD_LISTENER));
        if let Err(e) = sent {
            eprintln!("nono: {e}");
            // SAFETY: nothing was run; leave without running destructors.
            unsafe { libc::_exit(125) }
        }
    }
    let e = spawn.program.exec();
    eprintln!("nono: {e}");
    // SAFETY: leaving without running destructors: the memory is the init's.
    unsafe { libc::_exit(e.exit_code()) }
}

/// [`supervise`] for the init, serving while it waits: the name guard's calls (`guarding`:
/// its listener and the guard) and nono outside's requests for sockets (`requests`), each as
/// it comes (signals and those descriptors, polled together).
fn supervise_serving(
    child: libc::pid_t,
    mut guarding: Option<(OwnedFd, NameGuard)>,
    mut requests: Option<OwnedFd>,
) -> i32 {
    let Some(signals) = Signals::open() else {
        return supervise(child, true);
    };
    loop {
        // A service that has ended is not polled (-1).
        let (signal, [guard_events, request_events]) = signals.poll([
            guarding.as_ref().map_or(-1, |(l, _)| l.as_raw_fd()),
            requests.as_ref().map_or(-1, AsRawFd::as_raw_fd),
        ]);
        if let Some((listener, guard)) = guarding.as_mut() {
            if guard_events & libc::POLLIN != 0 {
                if let Ok(req) = notify::Request::receive(listener) {
                    guard.serve(listener, req);
                }
            } else if guard_events & (libc::POLLHUP | libc::POLLERR) != 0 {
                guarding = None; // every process under the filter has ended
            }
        }
        if let Some(channel) = &requests {
            if request_events != 0 && !publish::answer(channel) {
                requests = None; // nono outside closed its end
            }
        }
        match signal {
            Some((libc::SIGCHLD, _)) => {
                if let Some(status) = reap(child, true) {
                    return status;
                }
            }
            // SAFETY: signalling our own child.
            Some((sig, code)) if code <= 0 => unsafe {
                libc::kill(child, sig);
            },
            _ => {}
        }
    }
}

/// The supervised signals (blocked already) as a descriptor, to poll with others.
struct Signals(OwnedFd);

impl Signals {
    fn open() -> Option<Signals> {
        use std::os::fd::FromRawFd;
        let set = signal_set();
        // SAFETY: a new signalfd for signals that are blocked already.
        let fd = unsafe { libc::signalfd(-1, &set, libc::SFD_CLOEXEC) };
        // SAFETY: a descriptor signalfd just made, owned from here on.
        (fd >= 0).then(|| Signals(unsafe { OwnedFd::from_raw_fd(fd) }))
    }

    /// Waits for a signal or for one of `others` to be ready (a negative one is skipped).
    /// Returns the signal taken, if any, with its `si_code`, and the events of each of
    /// `others`.
    fn poll<const N: usize>(
        &self,
        others: [RawFd; N],
    ) -> (Option<(libc::c_int, i32)>, [libc::c_short; N]) {
        let entry = |fd: RawFd| libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        let mut fds: Vec<libc::pollfd> = std::iter::once(entry(self.0.as_raw_fd()))
            .chain(others.map(entry))
            .collect();
        // SAFETY: poll reads and writes the structs of `fds`, as many as it holds.
        if unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, -1) } < 0 {
            return (None, [0; N]); // EINTR
        }
        let mut signal = None;
        if fds[0].revents & libc::POLLIN != 0 {
            // SAFETY: signalfd_siginfo is plain data filled by read.
            let mut info: libc::signalfd_siginfo = unsafe { std::mem::zeroed() };
            let size = std::mem::size_of::<libc::signalfd_siginfo>();
            // SAFETY: reading one struct into a local.
            let got = unsafe {
                libc::read(
                    self.0.as_raw_fd(),
                    (&mut info as *mut libc::signalfd_siginfo).cast(),
                    size,
                )
            };
            if got as usize == size {
                signal = Some((info.ssi_signo as libc::c_int, info.ssi_code));
            }
        }
        (signal, std::array::from_fn(|i| fds[i + 1].revents))
    }
}

fn block(set: &libc::sigset_t) -> libc::sigset_t {
    // SAFETY: sigprocmask with valid sets.
    unsafe {
        let mut old: libc::sigset_t = std::mem::zeroed();
        libc::sigprocmask(libc::SIG_BLOCK, set, &mut old);
        old
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
