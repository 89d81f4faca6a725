//! Resolving a path the way the kernel resolves it for another process of the sandbox: from
//! that process's working directory or directory descriptor, through its `/proc/self`, one
//! component at a time, following symlinks, to the directory that holds the last name. The
//! name guard (`guard`) then acts on that directory's descriptor and that name, so that what
//! it checked is what it changes, whatever the other process does meanwhile.
//!
//! Every lookup is an `openat(O_PATH)` made by the sandbox's init, which shares the program's
//! root, credentials and Landlock domain: it reaches exactly what the program could reach.

use rustix::fs::{Mode, OFlags};
use rustix::io::Errno;
use std::ffi::{OsStr, OsString};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

/// The directory holding a path's last name, and that name.
pub struct Parent {
    /// The directory, opened with `O_PATH`.
    pub dir: OwnedFd,
    /// The last name (never empty, `.` or `..`).
    pub name: OsString,
    /// Whether the path ended with a slash (the name must then be a directory).
    pub trailing_slash: bool,
}

/// Where a relative path starts, and whose `/proc/self` it means.
pub struct Start<'a> {
    /// The starting directory (the process's working directory, or its directory descriptor).
    pub dir: &'a OwnedFd,
    /// The thread whose `/proc/self` and `/proc/thread-self` the path means.
    pub tid: u32,
    /// Its thread group (process) id.
    pub tgid: u32,
}

const MAX_LINKS: u32 = 40;
const PROC_SUPER_MAGIC: i64 = 0x9fa0;

/// Resolves `path` to its parent directory and last name. `follow_last`: a symlink as the last
/// name is followed (its target's parent and name are returned), as `open` without
/// `O_NOFOLLOW` and `O_EXCL` does.
pub fn parent(start: &Start, path: &[u8], follow_last: bool) -> Result<Parent, Errno> {
    if path.is_empty() {
        return Err(Errno::NOENT);
    }
    let mut pending: Vec<OsString> = Vec::new();
    push_components(&mut pending, path);
    let trailing_slash = path.ends_with(b"/");
    let mut at = if path.starts_with(b"/") {
        root()?
    } else {
        rustix::io::fcntl_dupfd_cloexec(start.dir, 0)?
    };
    let mut links = 0;
    loop {
        // `pending` holds the remaining components in reverse order.
        let Some(name) = pending.pop() else {
            // The path named a directory itself ("/", ".", "a/.."): it has no last name.
            return Err(Errno::EXIST);
        };
        let last = pending.is_empty();
        if name == "." {
            continue;
        }
        if name == ".." {
            at = rustix::fs::openat(
                &at,
                "..",
                OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
                Mode::empty(),
            )?;
            if last {
                return Err(Errno::EXIST);
            }
            continue;
        }
        let name = substitute_self(&at, name, start)?;
        if in_proc(&at) {
            others_proc(&at, &name, start)?;
        }
        if last && !follow_last {
            return Ok(Parent {
                dir: at,
                name,
                trailing_slash,
            });
        }
        let node = match rustix::fs::openat(
            &at,
            name.as_os_str(),
            OFlags::PATH | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::empty(),
        ) {
            Ok(node) => node,
            Err(Errno::NOENT) if last => {
                return Ok(Parent {
                    dir: at,
                    name,
                    trailing_slash,
                })
            }
            Err(e) => return Err(e),
        };
        let stat = rustix::fs::fstat(&node)?;
        let kind = rustix::fs::FileType::from_raw_mode(stat.st_mode);
        if kind == rustix::fs::FileType::Symlink {
            links += 1;
            if links > MAX_LINKS {
                return Err(Errno::LOOP);
            }
            if in_proc(&at) {
                // A magic link of /proc (fd/N, cwd, root, exe): its target is an object, not
                // a path. Follow it as the kernel does, by opening it.
                let object = rustix::fs::openat(
                    &at,
                    name.as_os_str(),
                    OFlags::PATH | OFlags::CLOEXEC,
                    Mode::empty(),
                )?;
                if last {
                    // The object exists: nothing is created through it. Its own parent is
                    // unknown; hand back the object with an empty name.
                    return Ok(Parent {
                        dir: object,
                        name: OsString::new(),
                        trailing_slash,
                    });
                }
                at = object;
                continue;
            }
            let target = rustix::fs::readlinkat(&at, name.as_os_str(), Vec::new())?;
            let target = target.into_bytes();
            if target.starts_with(b"/") {
                at = root()?;
            }
            push_components(&mut pending, &target);
            continue;
        }
        if last {
            return Ok(Parent {
                dir: at,
                name,
                trailing_slash,
            });
        }
        if kind != rustix::fs::FileType::Directory {
            return Err(Errno::NOTDIR);
        }
        at = node;
    }
}

/// Pushes the components of `path` (in reverse, so that `pop` yields them in order), without
/// empty ones.
fn push_components(pending: &mut Vec<OsString>, path: &[u8]) {
    for component in path.split(|b| *b == b'/').rev() {
        if !component.is_empty() {
            pending.push(OsStr::from_bytes(component).to_os_string());
        }
    }
}

/// Refuses a step into another process's `/proc/PID` (the init's own among them: its
/// descriptors hold the pipe to nono outside, its environment nono's): the init acts for the
/// process that asked and must reach nothing there that this process could not. `at` is a
/// directory of /proc; `name` the next component.
fn others_proc(at: &OwnedFd, name: &OsStr, start: &Start) -> Result<(), Errno> {
    let own = |pid: &str| {
        pid == start.tgid.to_string()
            || std::fs::symlink_metadata(format!("/proc/{}/task/{pid}", start.tgid)).is_ok()
    };
    let fd = format!("/proc/self/fd/{}", at.as_raw_fd());
    let at_path = std::fs::read_link(fd).map_err(|_| Errno::ACCESS)?;
    let mut parts = at_path.iter().skip(1); // "/"
    let pid = match (parts.next(), parts.next()) {
        // At /proc itself: the next name picks the process.
        (Some(p), None) if p == "proc" => name.to_string_lossy().into_owned(),
        (Some(p), Some(pid)) if p == "proc" => pid.to_string_lossy().into_owned(),
        _ => return Ok(()),
    };
    if pid.bytes().all(|b| b.is_ascii_digit()) && !pid.is_empty() && !own(&pid) {
        return Err(Errno::ACCESS);
    }
    Ok(())
}

/// `self` and `thread-self` in /proc mean the process that asked, not the init resolving.
fn substitute_self(at: &OwnedFd, name: OsString, start: &Start) -> Result<OsString, Errno> {
    if (name == "self" || name == "thread-self") && is_proc_root(at) {
        let meant = if name == "self" {
            start.tgid.to_string()
        } else {
            format!("{}/task/{}", start.tgid, start.tid)
        };
        return Ok(OsString::from_vec(meant.into_bytes()));
    }
    Ok(name)
}

fn root() -> Result<OwnedFd, Errno> {
    rustix::fs::open(
        "/",
        OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
}

fn in_proc(at: &OwnedFd) -> bool {
    // The field's type differs between architectures.
    #[allow(clippy::unnecessary_cast)]
    rustix::fs::fstatfs(at.as_fd()).is_ok_and(|s| s.f_type as i64 == PROC_SUPER_MAGIC)
}

fn is_proc_root(at: &OwnedFd) -> bool {
    in_proc(at) && rustix::fs::fstat(at).is_ok_and(|s| s.st_ino == 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    fn scratch() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("nono-walk-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("a/b")).unwrap();
        std::os::unix::fs::symlink("a/b", dir.join("to-b")).unwrap();
        std::os::unix::fs::symlink("../b/new", dir.join("a/b/dangling")).unwrap();
        std::fs::write(dir.join("a/b/file"), "x").unwrap();
        dir
    }

    fn resolve(base: &Path, path: &str, follow: bool) -> Result<(PathBuf, String), Errno> {
        let dir = rustix::fs::open(base, OFlags::PATH | OFlags::DIRECTORY, Mode::empty()).unwrap();
        let me = std::process::id();
        let start = Start {
            dir: &dir,
            tid: me,
            tgid: me,
        };
        let found = parent(&start, path.as_bytes(), follow)?;
        let shown = std::fs::read_link(format!(
            "/proc/self/fd/{}",
            std::os::fd::AsRawFd::as_raw_fd(&found.dir)
        ))
        .unwrap();
        Ok((shown, found.name.to_string_lossy().into_owned()))
    }

    #[test]
    fn resolves_like_the_kernel() {
        let base = scratch();
        let canon = std::fs::canonicalize(&base).unwrap();
        assert_eq!(
            resolve(&base, "x", true).unwrap(),
            (canon.clone(), "x".into())
        );
        assert_eq!(
            resolve(&base, "to-b/new", true).unwrap(),
            (canon.join("a/b"), "new".into())
        );
        assert_eq!(
            resolve(&base, "a/./b/../b//file", true).unwrap(),
            (canon.join("a/b"), "file".into())
        );
        // A dangling last symlink is followed to the name it would create...
        assert_eq!(
            resolve(&base, "a/b/dangling", true).unwrap(),
            (canon.join("a/b"), "new".into())
        );
        // ...unless the open does not follow it.
        assert_eq!(
            resolve(&base, "a/b/dangling", false).unwrap(),
            (canon.join("a/b"), "dangling".into())
        );
        assert_eq!(resolve(&base, "a/b/file/x", true), Err(Errno::NOTDIR));
        assert_eq!(resolve(&base, "missing/x", true), Err(Errno::NOENT));
        // /proc/self means the asking process: here, this one.
        let (dir, name) = resolve(&base, "/proc/self/cwd/x", true).unwrap();
        assert_eq!(name, "x");
        assert_eq!(dir, std::env::current_dir().unwrap());
        let _ = std::fs::remove_dir_all(&base);
    }
}
