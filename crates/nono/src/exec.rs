//! Finding and executing the program: the last step, after every layer is in place.

use crate::error::{Error, ErrorKind, Result};
use crate::paths::quote;
use crate::plan::{EnvChange, Plan};
use std::ffi::{CString, OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// Finds `program` as execvp(3) would, before the sandbox exists, so that "not found" and
/// "not executable" are reported as such (exit 127 and 126).
pub fn find_program(program: &OsStr, path_env: Option<&OsStr>) -> Result<PathBuf> {
    let not_executable = |p: &Path, why: &str| Error {
        kind: ErrorKind::NotExecutable,
        message: format!("cannot execute {}: {why}", quote(p)),
    };
    let check = |p: &Path| -> Result<()> {
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => Err(not_executable(p, "is a directory")),
            Ok(m) if m.permissions().mode() & 0o111 == 0 => {
                Err(not_executable(p, "permission denied"))
            }
            Ok(_) => Ok(()),
            Err(_) => Err(Error {
                kind: ErrorKind::NotFound,
                message: format!("command not found: {}", quote(p)),
            }),
        }
    };
    if program.is_empty() {
        return Err(Error {
            kind: ErrorKind::NotFound,
            message: "command not found: (empty name)".into(),
        });
    }
    if program.as_bytes().contains(&b'/') {
        let path = PathBuf::from(program);
        check(&path)?;
        return Ok(path);
    }
    let search = path_env.unwrap_or(OsStr::new("/usr/local/bin:/usr/bin:/bin"));
    let mut first_error = None;
    for dir in std::env::split_paths(search) {
        let dir = if dir.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            dir
        };
        let candidate = dir.join(program);
        match check(&candidate) {
            Ok(()) => return Ok(candidate),
            Err(e) if e.kind == ErrorKind::NotExecutable => {
                first_error.get_or_insert(e);
            }
            Err(_) => {}
        }
    }
    Err(first_error.unwrap_or(Error {
        kind: ErrorKind::NotFound,
        message: format!("command not found: {}", quote(Path::new(program))),
    }))
}

/// The environment the program gets: ours, with the plan's changes.
pub fn environment(plan: &Plan) -> Vec<(OsString, OsString)> {
    // A name that is not UTF-8 could hide a secret from the table's patterns: drop it.
    let mut env: Vec<(OsString, OsString)> = std::env::vars_os()
        .filter(|(k, _)| k.to_str().is_some())
        .collect();
    for change in &plan.env {
        match change {
            EnvChange::Set { name, value } => {
                env.retain(|(k, _)| k != name.as_str());
                env.push((name.into(), value.into()));
            }
            EnvChange::Remove { name, .. } => env.retain(|(k, _)| k != name.as_str()),
        }
    }
    env
}

/// Moves `fd`, one of nono's own, off the numbers the program is promised (`keep`, from
/// `--keep-fd`): the sandbox's init passes on the promised numbers, whatever holds them, and a
/// number nono was not given must be refused there, not filled by one of nono's.
pub fn off_kept_numbers(fd: &mut std::os::fd::OwnedFd, keep: &[i32]) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    if let Some(&highest) = keep.iter().max().filter(|_| keep.contains(&fd.as_raw_fd())) {
        *fd = rustix::io::fcntl_dupfd_cloexec(&*fd, highest + 1)?;
    }
    Ok(())
}

/// A program, its arguments and its environment as `execve` takes them, made before the
/// sandbox is built: the process that execs it (a child sharing its parent's memory, see
/// the `linux` backend) then allocates nothing.
pub struct Prepared {
    program: std::path::PathBuf,
    path: CString,
    // Held for the pointers below.
    _strings: Vec<CString>,
    argv: Vec<*const libc::c_char>,
    envp: Vec<*const libc::c_char>,
}

impl Prepared {
    /// Fails (naming nothing secret) when an argument or variable holds a NUL byte.
    pub fn new(
        program: &Path,
        args: &[OsString],
        env: &[(OsString, OsString)],
    ) -> Result<Prepared> {
        let nul = || Error::refused("an argument or environment variable contains a NUL byte");
        let to_c = |bytes: Vec<u8>| CString::new(bytes).map_err(|_| nul());
        let argv = std::iter::once(program.as_os_str())
            .chain(args.iter().map(OsString::as_os_str))
            .map(|a| to_c(a.as_bytes().to_vec()))
            .collect::<Result<Vec<CString>>>()?;
        let envp = env
            .iter()
            .map(|(k, v)| {
                let mut kv = k.clone().into_vec();
                kv.push(b'=');
                kv.extend_from_slice(v.as_bytes());
                to_c(kv)
            })
            .collect::<Result<Vec<CString>>>()?;
        let pointers = |strings: &[CString]| {
            strings
                .iter()
                .map(|s| s.as_ptr())
                .chain(std::iter::once(std::ptr::null()))
                .collect::<Vec<_>>()
        };
        // The CStrings' heap buffers do not move when the vectors holding them do.
        let (argv_p, envp_p) = (pointers(&argv), pointers(&envp));
        let mut strings = argv;
        strings.extend(envp);
        Ok(Prepared {
            program: program.to_path_buf(),
            path: to_c(program.as_os_str().as_bytes().to_vec())?,
            _strings: strings,
            argv: argv_p,
            envp: envp_p,
        })
    }

    /// Replaces this process with the program. Returns only on failure.
    pub fn exec(&self) -> Error {
        // The Rust runtime ignores SIGPIPE, and an ignored signal stays ignored across execve:
        // give the program the default, so `yes | head -1` ends as it should.
        // SAFETY: resetting one signal's disposition to its default.
        unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
        // SAFETY: every pointer refers to a live NUL-terminated string of `_strings` or
        // `path`; both arrays end in null.
        unsafe { libc::execve(self.path.as_ptr(), self.argv.as_ptr(), self.envp.as_ptr()) };
        let err = std::io::Error::last_os_error();
        let (kind, hint) = match err.raw_os_error() {
            Some(libc::ENOENT) => (ErrorKind::NotFound, ""),
            Some(libc::EACCES) => (
                ErrorKind::NotExecutable,
                " (the sandbox may not allow it: try `nono why --op exec PATH`)",
            ),
            _ => (ErrorKind::NotExecutable, ""),
        };
        Error {
            kind,
            message: format!("cannot execute {}: {err}{hint}", quote(&self.program)),
        }
    }
}
