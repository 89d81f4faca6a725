//! The name guard: protected names that did not exist when the plan was made cannot be
//! created inside a writable grant. A mount can only protect a name that exists; this protects
//! the others (`~/.bash_profile` when only `~/.profile` exists, `~/.ssh` when there is none,
//! `.git/commondir`), by name, whatever path or symlink leads to their directory.
//!
//! The sandbox's init answers every call that creates, links or renames a name (see `notify`):
//! it resolves the path as the program would (see `walk`), refuses a guarded name in a guarded
//! directory, and otherwise makes the call itself, on the directory it resolved, so that what
//! it checked is what it changes. It shares the program's view, credentials, Landlock domain
//! and base seccomp filter: it can do nothing the program could not, but create the names the
//! plan protects. A directory on the way to a guarded name (`~/.config` when it is absent) may
//! be made by `mkdir`, and is then guarded in turn.

use super::notify::{self, Request};
use super::walk::{self, Parent, Start};
use crate::paths;
use crate::plan::Plan;
use rustix::fs::{AtFlags, Mode, OFlags};
use rustix::io::Errno;
use std::ffi::{OsStr, OsString};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// One guarded name: in the directory `(dev, ino)`, `names[0]` may not be created (but by
/// `mkdir` when more names follow, which then guards the rest in the new directory).
struct Guarded {
    dev: u64,
    ino: u64,
    names: Vec<OsString>,
    /// The protected path, as messages name it.
    path: PathBuf,
    group: String,
}

/// The guarded names of a plan, by the identity of their directories in the view.
pub struct NameGuard {
    entries: Vec<Guarded>,
    home: PathBuf,
    reported: std::collections::HashSet<PathBuf>,
    /// Whether a refused nested sandbox was reported.
    narrowing_reported: bool,
}

impl NameGuard {
    /// The guard of `plan`, its directories looked up in the view (after it is built).
    pub fn new(plan: &Plan) -> NameGuard {
        let mut entries = Vec::new();
        // Guards come in runs that share a directory (dozens of names in each project root):
        // each directory is looked up once.
        let mut last: Option<(&Path, Option<rustix::fs::Stat>)> = None;
        for guard in &plan.guards {
            let Ok(rest) = guard.path.strip_prefix(&guard.dir) else {
                continue;
            };
            let names: Vec<OsString> = rest.iter().map(OsStr::to_os_string).collect();
            let stat = match &last {
                Some((dir, stat)) if *dir == guard.dir.as_path() => *stat,
                _ => {
                    let stat = rustix::fs::stat(&guard.dir).ok();
                    last = Some((guard.dir.as_path(), stat));
                    stat
                }
            };
            let Some(stat) = stat else {
                continue; // not in the view: nothing can be created there
            };
            if names.is_empty() {
                continue;
            }
            entries.push(Guarded {
                dev: stat.st_dev,
                ino: stat.st_ino,
                names,
                path: guard.path.clone(),
                group: guard.group.clone(),
            });
        }
        NameGuard {
            entries,
            home: plan.home.clone(),
            reported: Default::default(),
            narrowing_reported: false,
        }
    }

    /// Whether there is anything to guard.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The guarded entry for creating `name` in `dir`, if any.
    fn guarding(&self, dir: &OwnedFd, name: &OsStr) -> Option<usize> {
        // The strictest: a name protected itself before one on the way to others.
        self.matching(dir, name)
            .into_iter()
            .min_by_key(|&i| self.entries[i].names.len())
    }

    /// Every guarded name `name` in `dir` starts.
    fn matching(&self, dir: &OwnedFd, name: &OsStr) -> Vec<usize> {
        let name = trim_slashes(name);
        let Ok(stat) = rustix::fs::fstat(dir) else {
            return Vec::new();
        };
        (0..self.entries.len())
            .filter(|&i| {
                let g = &self.entries[i];
                g.dev == stat.st_dev
                    && g.ino == stat.st_ino
                    && g.names.first().map(OsString::as_os_str) == Some(name)
            })
            .collect()
    }

    /// Refuses, and tells the user once per path which flag would allow it.
    fn refuse(&mut self, index: usize) -> Result<i64, i32> {
        let guarded = &self.entries[index];
        if self.reported.insert(guarded.path.clone()) {
            let shown = paths::display(&guarded.path, &self.home);
            eprintln!(
                "nono: refused to create {shown}: a protected name (group {}); to allow it: --unprotect {shown}",
                guarded.group
            );
        }
        Err(libc::EACCES)
    }

    /// Answers one call.
    pub fn serve(&mut self, listener: &OwnedFd, req: Request) {
        let answer = self.handle(listener, &req);
        match answer {
            Answer::Value(result) => req.answer(listener, result),
            Answer::Fd(fd, cloexec) => req.answer_fd(listener, &fd, cloexec),
            Answer::Later => {}
        }
    }

    fn handle(&mut self, listener: &OwnedFd, req: &Request) -> Answer {
        let call = match Call::read(req) {
            Ok(call) => call,
            Err(errno) => return Answer::Value(Err(errno)),
        };
        // What was read belongs to this call only if it is still waiting.
        if !req.valid(listener) {
            return Answer::Later;
        }
        let process = match Process::of(req.0.pid) {
            Ok(p) => p,
            Err(errno) => return Answer::Value(Err(errno)),
        };
        match self.carry_out(&process, call, listener, req) {
            Ok(answer) => answer,
            Err(errno) => Answer::Value(Err(errno.raw_os_error())),
        }
    }

    fn carry_out(
        &mut self,
        process: &Process,
        call: Call,
        listener: &OwnedFd,
        req: &Request,
    ) -> Result<Answer, Errno> {
        match call {
            Call::Narrow => {
                // The init creates names for every process of the run, under the run's own
                // Landlock domain: it cannot tell a narrower domain's processes apart, so it
                // would carry out their creations under the wider rules. Refused, so that a
                // nested sandbox fails closed instead of holding less than it says.
                if !self.narrowing_reported {
                    self.narrowing_reported = true;
                    eprintln!(
                        "nono: refused a nested Landlock sandbox: this run guards protected names that do not exist yet, and creates files for the program under its own rules, which a narrower sandbox could not narrow; run the inner command with nono's outer flags narrowed instead"
                    );
                }
                Ok(Answer::Value(Err(libc::EPERM)))
            }
            Call::Open {
                dirfd,
                path,
                flags,
                mode,
                resolve,
            } => {
                let start_dir = process.dir(dirfd)?;
                let start = process.start(&start_dir);
                let creates = flags & libc::O_CREAT != 0;
                let follow =
                    !(flags & libc::O_NOFOLLOW != 0 || (creates && flags & libc::O_EXCL != 0));
                if !creates || resolve != 0 {
                    // An openat2 call that creates nothing, or with resolution rules of its
                    // own: the kernel resolves it, from the same directory.
                    if creates {
                        let parent = walk::parent(&start, &path, follow)?;
                        if let Some(i) = self.guarding(&parent.dir, &parent.name) {
                            return Ok(Answer::Value(self.refuse(i)));
                        }
                    }
                    let fd = open2(&start_dir, &path, flags, mode, resolve)?;
                    return Ok(Answer::Fd(fd, flags & libc::O_CLOEXEC != 0));
                }
                let parent = walk::parent(&start, &path, follow)?;
                if parent.name.is_empty() {
                    // An object reached through a /proc magic link exists: open it again.
                    let fd = reopen(&parent.dir, flags)?;
                    return Ok(Answer::Fd(fd, flags & libc::O_CLOEXEC != 0));
                }
                if let Some(i) = self.guarding(&parent.dir, &parent.name) {
                    return Ok(Answer::Value(self.refuse(i)));
                }
                let name = last_name(&parent);
                if is_fifo(&parent.dir, &name) {
                    // Opening a FIFO waits for the other end: not in the init's loop.
                    open_later(listener, req, parent.dir, name, flags, mode);
                    return Ok(Answer::Later);
                }
                let fd = with_umask(process.umask, || {
                    rustix::fs::openat(
                        &parent.dir,
                        name.as_os_str(),
                        oflags(flags),
                        Mode::from_raw_mode(mode),
                    )
                })?;
                Ok(Answer::Fd(fd, flags & libc::O_CLOEXEC != 0))
            }
            Call::Mkdir { dirfd, path, mode } => {
                let start_dir = process.dir(dirfd)?;
                let parent = walk::parent(&process.start(&start_dir), &path, false)?;
                if parent.name.is_empty() {
                    return Err(Errno::EXIST);
                }
                if let Some(i) = self.guarding(&parent.dir, &parent.name) {
                    if self.entries[i].names.len() == 1 {
                        return Ok(Answer::Value(self.refuse(i)));
                    }
                }
                let on_the_way = self.matching(&parent.dir, &parent.name);
                let name = last_name(&parent);
                with_umask(process.umask, || {
                    rustix::fs::mkdirat(&parent.dir, name.as_os_str(), Mode::from_raw_mode(mode))
                })?;
                // A directory on the way to protected names: it guards the rest of each now.
                let made =
                    rustix::fs::statat(&parent.dir, name.as_os_str(), AtFlags::SYMLINK_NOFOLLOW);
                if let Ok(stat) = made {
                    for i in on_the_way {
                        let g = &self.entries[i];
                        let next = Guarded {
                            dev: stat.st_dev,
                            ino: stat.st_ino,
                            names: g.names[1..].to_vec(),
                            path: g.path.clone(),
                            group: g.group.clone(),
                        };
                        self.entries.push(next);
                    }
                }
                Ok(Answer::Value(Ok(0)))
            }
            Call::Mknod {
                dirfd,
                path,
                mode,
                dev,
            } => {
                let start_dir = process.dir(dirfd)?;
                let parent = walk::parent(&process.start(&start_dir), &path, false)?;
                if parent.name.is_empty() {
                    return Err(Errno::EXIST);
                }
                if let Some(i) = self.guarding(&parent.dir, &parent.name) {
                    return Ok(Answer::Value(self.refuse(i)));
                }
                let kind = rustix::fs::FileType::from_raw_mode(mode);
                let perms = Mode::from_raw_mode(mode & 0o7777);
                with_umask(process.umask, || {
                    rustix::fs::mknodat(
                        &parent.dir,
                        last_name(&parent).as_os_str(),
                        kind,
                        perms,
                        dev,
                    )
                })?;
                Ok(Answer::Value(Ok(0)))
            }
            Call::Symlink {
                target,
                dirfd,
                path,
            } => {
                let start_dir = process.dir(dirfd)?;
                let parent = walk::parent(&process.start(&start_dir), &path, false)?;
                if parent.name.is_empty() {
                    return Err(Errno::EXIST);
                }
                if let Some(i) = self.guarding(&parent.dir, &parent.name) {
                    return Ok(Answer::Value(self.refuse(i)));
                }
                rustix::fs::symlinkat(
                    OsStr::from_bytes(&target),
                    &parent.dir,
                    last_name(&parent).as_os_str(),
                )?;
                Ok(Answer::Value(Ok(0)))
            }
            Call::Link {
                old_dirfd,
                old,
                new_dirfd,
                new,
                flags,
            } => {
                let new_start = process.dir(new_dirfd)?;
                let to = walk::parent(&process.start(&new_start), &new, false)?;
                if to.name.is_empty() {
                    return Err(Errno::EXIST);
                }
                if let Some(i) = self.guarding(&to.dir, &to.name) {
                    return Ok(Answer::Value(self.refuse(i)));
                }
                if old.is_empty() {
                    // AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH, which no sandboxed process has.
                    return Err(Errno::NOENT);
                }
                let old_start = process.dir(old_dirfd)?;
                let follow = flags & libc::AT_SYMLINK_FOLLOW != 0;
                let from = walk::parent(&process.start(&old_start), &old, follow)?;
                let to_name = last_name(&to);
                if from.name.is_empty() {
                    let via = format!("/proc/self/fd/{}", from.dir.as_raw_fd());
                    rustix::fs::linkat(
                        rustix::fs::CWD,
                        via.as_str(),
                        &to.dir,
                        to_name.as_os_str(),
                        AtFlags::SYMLINK_FOLLOW,
                    )?;
                } else {
                    rustix::fs::linkat(
                        &from.dir,
                        from.name.as_os_str(),
                        &to.dir,
                        to_name.as_os_str(),
                        AtFlags::empty(),
                    )?;
                }
                Ok(Answer::Value(Ok(0)))
            }
            Call::Rename {
                old_dirfd,
                old,
                new_dirfd,
                new,
                flags,
            } => {
                let new_start = process.dir(new_dirfd)?;
                let to = walk::parent(&process.start(&new_start), &new, false)?;
                let old_start = process.dir(old_dirfd)?;
                let from = walk::parent(&process.start(&old_start), &old, false)?;
                if to.name.is_empty() || from.name.is_empty() {
                    return Err(Errno::BUSY);
                }
                if let Some(i) = self.guarding(&to.dir, &to.name) {
                    return Ok(Answer::Value(self.refuse(i)));
                }
                rustix::fs::renameat_with(
                    &from.dir,
                    last_name(&from).as_os_str(),
                    &to.dir,
                    last_name(&to).as_os_str(),
                    rustix::fs::RenameFlags::from_bits_retain(flags),
                )?;
                Ok(Answer::Value(Ok(0)))
            }
        }
    }
}

/// What the init answers.
enum Answer {
    Value(Result<i64, i32>),
    Fd(OwnedFd, bool),
    /// Answered elsewhere, or not at all (the call is gone).
    Later,
}

/// A mediated call, its arguments read from the program.
enum Call {
    /// `landlock_restrict_self`: a process entering a narrower Landlock sandbox.
    Narrow,
    Open {
        dirfd: i32,
        path: Vec<u8>,
        flags: i32,
        mode: u32,
        resolve: u64,
    },
    Mkdir {
        dirfd: i32,
        path: Vec<u8>,
        mode: u32,
    },
    Mknod {
        dirfd: i32,
        path: Vec<u8>,
        mode: u32,
        dev: u64,
    },
    Symlink {
        target: Vec<u8>,
        dirfd: i32,
        path: Vec<u8>,
    },
    Link {
        old_dirfd: i32,
        old: Vec<u8>,
        new_dirfd: i32,
        new: Vec<u8>,
        flags: i32,
    },
    Rename {
        old_dirfd: i32,
        old: Vec<u8>,
        new_dirfd: i32,
        new: Vec<u8>,
        flags: u32,
    },
}

impl Call {
    fn read(req: &Request) -> Result<Call, i32> {
        let pid = req.0.pid;
        let a = req.args();
        let s = |addr: u64| notify::read_string(pid, addr);
        let fd = |v: u64| v as i32;
        let nr = req.0.data.nr as libc::c_long;
        #[cfg(target_arch = "x86_64")]
        {
            let cwd = libc::AT_FDCWD;
            match nr {
                libc::SYS_open => {
                    return Ok(Call::Open {
                        dirfd: cwd,
                        path: s(a[0])?,
                        flags: a[1] as i32,
                        mode: a[2] as u32,
                        resolve: 0,
                    })
                }
                libc::SYS_creat => {
                    return Ok(Call::Open {
                        dirfd: cwd,
                        path: s(a[0])?,
                        flags: libc::O_CREAT | libc::O_WRONLY | libc::O_TRUNC,
                        mode: a[1] as u32,
                        resolve: 0,
                    })
                }
                libc::SYS_mkdir => {
                    return Ok(Call::Mkdir {
                        dirfd: cwd,
                        path: s(a[0])?,
                        mode: a[1] as u32,
                    })
                }
                libc::SYS_mknod => {
                    return Ok(Call::Mknod {
                        dirfd: cwd,
                        path: s(a[0])?,
                        mode: a[1] as u32,
                        dev: a[2],
                    })
                }
                libc::SYS_symlink => {
                    return Ok(Call::Symlink {
                        target: s(a[0])?,
                        dirfd: cwd,
                        path: s(a[1])?,
                    })
                }
                libc::SYS_link => {
                    return Ok(Call::Link {
                        old_dirfd: cwd,
                        old: s(a[0])?,
                        new_dirfd: cwd,
                        new: s(a[1])?,
                        flags: 0,
                    })
                }
                libc::SYS_rename => {
                    return Ok(Call::Rename {
                        old_dirfd: cwd,
                        old: s(a[0])?,
                        new_dirfd: cwd,
                        new: s(a[1])?,
                        flags: 0,
                    })
                }
                libc::SYS_renameat => {
                    return Ok(Call::Rename {
                        old_dirfd: fd(a[0]),
                        old: s(a[1])?,
                        new_dirfd: fd(a[2]),
                        new: s(a[3])?,
                        flags: 0,
                    })
                }
                _ => {}
            }
        }
        match nr {
            libc::SYS_openat => Ok(Call::Open {
                dirfd: fd(a[0]),
                path: s(a[1])?,
                flags: a[2] as i32,
                mode: a[3] as u32,
                resolve: 0,
            }),
            libc::SYS_openat2 => {
                // struct open_how { u64 flags; u64 mode; u64 resolve; }
                if a[3] < 24 {
                    return Err(libc::EINVAL);
                }
                let how = notify::read_bytes(pid, a[2], 24)?;
                let word = |i: usize| {
                    u64::from_ne_bytes(how[i * 8..i * 8 + 8].try_into().unwrap_or([0; 8]))
                };
                Ok(Call::Open {
                    dirfd: fd(a[0]),
                    path: s(a[1])?,
                    flags: word(0) as i32,
                    mode: word(1) as u32,
                    resolve: word(2),
                })
            }
            libc::SYS_mkdirat => Ok(Call::Mkdir {
                dirfd: fd(a[0]),
                path: s(a[1])?,
                mode: a[2] as u32,
            }),
            libc::SYS_mknodat => Ok(Call::Mknod {
                dirfd: fd(a[0]),
                path: s(a[1])?,
                mode: a[2] as u32,
                dev: a[3],
            }),
            libc::SYS_symlinkat => Ok(Call::Symlink {
                target: s(a[0])?,
                dirfd: fd(a[1]),
                path: s(a[2])?,
            }),
            libc::SYS_linkat => Ok(Call::Link {
                old_dirfd: fd(a[0]),
                old: s(a[1])?,
                new_dirfd: fd(a[2]),
                new: s(a[3])?,
                flags: a[4] as i32,
            }),
            libc::SYS_renameat2 => Ok(Call::Rename {
                old_dirfd: fd(a[0]),
                old: s(a[1])?,
                new_dirfd: fd(a[2]),
                new: s(a[3])?,
                flags: a[4] as u32,
            }),
            libc::SYS_landlock_restrict_self => Ok(Call::Narrow),
            _ => Err(libc::ENOSYS),
        }
    }
}

/// The calling thread, as the guard needs it.
struct Process {
    tid: u32,
    tgid: u32,
    umask: u32,
}

impl Process {
    fn of(tid: u32) -> Result<Process, i32> {
        let status =
            std::fs::read_to_string(format!("/proc/{tid}/status")).map_err(|_| libc::ESRCH)?;
        let field = |name: &str, radix: u32| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| u32::from_str_radix(v.trim(), radix).ok())
        };
        Ok(Process {
            tid,
            tgid: field("Tgid:", 10).unwrap_or(tid),
            umask: field("Umask:", 8).unwrap_or(0o022),
        })
    }

    /// The directory a relative path starts from: the working directory, or descriptor `fd`.
    fn dir(&self, fd: i32) -> Result<OwnedFd, Errno> {
        let path = if fd == libc::AT_FDCWD {
            format!("/proc/{}/cwd", self.tid)
        } else {
            format!("/proc/{}/fd/{fd}", self.tid)
        };
        rustix::fs::open(path.as_str(), OFlags::PATH | OFlags::CLOEXEC, Mode::empty()).map_err(
            |e| {
                if e == Errno::NOENT && fd != libc::AT_FDCWD {
                    Errno::BADF
                } else {
                    e
                }
            },
        )
    }

    fn start<'a>(&self, dir: &'a OwnedFd) -> Start<'a> {
        Start {
            dir,
            tid: self.tid,
            tgid: self.tgid,
        }
    }
}

fn trim_slashes(name: &OsStr) -> &OsStr {
    let bytes = name.as_bytes();
    let end = bytes.iter().rposition(|b| *b != b'/').map_or(0, |i| i + 1);
    OsStr::from_bytes(&bytes[..end])
}

/// The last name as the call gave it, with its trailing slash (which the kernel checks).
fn last_name(parent: &Parent) -> OsString {
    let mut name = parent.name.clone();
    if parent.trailing_slash {
        name.push("/");
    }
    name
}

fn oflags(flags: i32) -> OFlags {
    OFlags::from_bits_retain(flags as u32) | OFlags::CLOEXEC
}

fn is_fifo(dir: &OwnedFd, name: &OsStr) -> bool {
    rustix::fs::statat(dir, name, AtFlags::empty())
        .is_ok_and(|s| rustix::fs::FileType::from_raw_mode(s.st_mode) == rustix::fs::FileType::Fifo)
}

/// Runs `f` with this process's umask set to the program's, so that what the init creates
/// has the modes the program asked for.
fn with_umask<T>(umask: u32, f: impl FnOnce() -> T) -> T {
    let old = rustix::process::umask(Mode::from_raw_mode(umask));
    let result = f();
    rustix::process::umask(old);
    result
}

/// openat2 from `dir`, as the call asked (resolution rules included).
fn open2(
    dir: &OwnedFd,
    path: &[u8],
    flags: i32,
    mode: u32,
    resolve: u64,
) -> Result<OwnedFd, Errno> {
    rustix::fs::openat2(
        dir,
        OsStr::from_bytes(path),
        oflags(flags),
        Mode::from_raw_mode(mode),
        rustix::fs::ResolveFlags::from_bits_retain(resolve),
    )
}

/// Opens again an object held by an `O_PATH` descriptor, with the call's flags.
fn reopen(object: &OwnedFd, flags: i32) -> Result<OwnedFd, Errno> {
    let via = format!("/proc/self/fd/{}", object.as_raw_fd());
    let flags = flags & !(libc::O_CREAT | libc::O_EXCL | libc::O_NOFOLLOW);
    rustix::fs::open(via.as_str(), oflags(flags), Mode::empty())
}

/// Opens a FIFO on a thread of its own, which answers the call when the other end opens.
fn open_later(
    listener: &OwnedFd,
    req: &Request,
    dir: OwnedFd,
    name: OsString,
    flags: i32,
    mode: u32,
) {
    let Ok(listener) = listener.as_fd().try_clone_to_owned() else {
        req.answer(listener, Err(libc::EMFILE));
        return;
    };
    let req = Request(req.0);
    std::thread::spawn(move || {
        match rustix::fs::openat(
            &dir,
            name.as_os_str(),
            oflags(flags & !libc::O_CREAT),
            Mode::from_raw_mode(mode),
        ) {
            Ok(fd) => req.answer_fd(&listener, &fd, flags & libc::O_CLOEXEC != 0),
            Err(e) => req.answer(&listener, Err(e.raw_os_error())),
        }
    });
}
