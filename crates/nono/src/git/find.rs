//! Finding every repository inside a writable grant, at any depth: git runs the hooks of
//! whichever repository the user next works in, so each one needs protecting, not only the
//! one at the grant's root.
//!
//! The walk reads each directory once (`getdents64`, whose entry types spare a `stat` per
//! entry) and does not descend where no repository the user works in can be: into `.git`
//! itself, symlinks, a bare repository's objects and refs, and trees marked as caches
//! (`CACHEDIR.TAG`) or holding installed packages (`node_modules`, a Python virtual
//! environment). File systems mounted inside the grant are searched too: the sandbox sees
//! them, writable, through the grant. It stops at a budget of directories and says so: nono
//! runs before every command.
//!
//! A cache marker is a file anyone can write, so a marker planted on the way to a repository
//! would hide it from the next run's search: the plan guards these names in every directory
//! from the grant down to each repository found ([`CACHE_MARKERS`]).

use rustix::fs::{Mode, OFlags, RawDir};
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// Directories never searched: installed packages and caches, which hold no repository a
/// user commits in (and can hold a great many directories).
const SKIPPED: &[&str] = &[
    "node_modules",
    "__pycache__",
    ".venv",
    ".tox",
    ".mypy_cache",
    ".pytest_cache",
];

/// The files that mark a tree as a cache (a cache directory, a Python virtual environment):
/// the search does not descend below them.
pub const CACHE_MARKERS: &[&str] = &["CACHEDIR.TAG", "pyvenv.cfg"];

/// The walk stopped at its budget.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exceeded {
    /// The directory being searched.
    pub root: PathBuf,
    /// How many directories were read.
    pub directories: usize,
}

/// The work trees (directories holding a `.git`) beneath `root`, `root` included, reading at
/// most `budget` directories.
pub fn repositories(root: &Path, budget: usize) -> Result<Vec<PathBuf>, Exceeded> {
    let mut found = Vec::new();
    let Ok(fd) = open_dir(None, root) else {
        return Ok(found);
    };
    let mut pending: Vec<(OwnedFd, PathBuf)> = vec![(fd, root.to_path_buf())];
    let mut read = 0;
    let mut buf = vec![std::mem::MaybeUninit::uninit(); 32 * 1024];
    while let Some((dir, path)) = pending.pop() {
        read += 1;
        if read > budget {
            return Err(Exceeded {
                root: root.to_path_buf(),
                directories: read - 1,
            });
        }
        let mut subdirs: Vec<Vec<u8>> = Vec::new();
        let mut is_repo = false;
        let mut is_cache = false;
        // A bare repository: HEAD, objects/ and refs/.
        let mut bare = 0;
        let mut entries = RawDir::new(&dir, &mut buf);
        while let Some(Ok(entry)) = entries.next() {
            let name = entry.file_name().to_bytes();
            match name {
                b"." | b".." => continue,
                b".git" => is_repo = true,
                b"HEAD" | b"objects" | b"refs" => bare += 1,
                _ if CACHE_MARKERS.iter().any(|m| m.as_bytes() == name) => is_cache = true,
                _ => {}
            }
            let kind = entry.file_type();
            let maybe_dir =
                kind == rustix::fs::FileType::Directory || kind == rustix::fs::FileType::Unknown;
            let skipped = name == b".git" || SKIPPED.iter().any(|s| s.as_bytes() == name);
            if maybe_dir && !skipped {
                subdirs.push(name.to_vec());
            }
        }
        let is_bare = bare == 3 && crate::git::is_bare(&path);
        if is_repo || is_bare {
            found.push(path.clone());
        }
        if is_cache {
            continue; // nothing of the user's below a cache
        }
        for name in subdirs {
            if is_bare && (name == b"objects" || name == b"refs") {
                continue; // git's own, and large; the rest of a bare repository is searched
            }
            let name = std::ffi::OsStr::from_bytes(&name);
            let Ok(child) = open_dir(Some(&dir), Path::new(name)) else {
                continue; // not a directory after all, or unreadable: nothing to find there
            };
            pending.push((child, path.join(name)));
        }
    }
    Ok(found)
}

fn open_dir(at: Option<&OwnedFd>, path: &Path) -> rustix::io::Result<OwnedFd> {
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    match at {
        Some(dir) => rustix::fs::openat(dir, path, flags, Mode::empty()),
        None => rustix::fs::open(path, flags, Mode::empty()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_repositories_at_any_depth_but_not_in_caches() {
        let root = std::env::temp_dir().join(format!("nono-find-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for dir in [
            ".git",
            "a/.git",
            "b/c/d/.git",
            "node_modules/pkg/.git",
            "target/debug/x/.git",
            "b/c/d/e/.git",
        ] {
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        std::fs::write(
            root.join("target/CACHEDIR.TAG"),
            "Signature: 8a477f597d28d172789f06886806bc55",
        )
        .unwrap();
        std::fs::write(root.join("b/c/worktree-file"), "").unwrap();
        let mut found = repositories(&root, 1000).unwrap();
        found.sort();
        let expected: Vec<PathBuf> = ["", "a", "b/c/d", "b/c/d/e"]
            .iter()
            .map(|p| {
                if p.is_empty() {
                    root.clone()
                } else {
                    root.join(p)
                }
            })
            .collect();
        assert_eq!(found, expected);
        assert!(repositories(&root, 2).is_err());
        let _ = std::fs::remove_dir_all(&root);
    }
}
