//! Path handling shared by the planner and `why`: every path is hostile input until it has
//! been made absolute and canonical here.

use std::io;
use std::path::{Component, Path, PathBuf};

/// Expands a leading `~` (alone or followed by `/`) to `home`.
pub fn expand_tilde(path: &Path, home: &Path) -> PathBuf {
    match path.strip_prefix("~") {
        Ok(rest) if path.as_os_str().as_encoded_bytes().first() == Some(&b'~') => {
            if rest.as_os_str().is_empty() {
                home.to_path_buf()
            } else {
                home.join(rest)
            }
        }
        _ => path.to_path_buf(),
    }
}

/// Removes `.` and `..` components without touching the filesystem.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::from("/");
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(name) => out.push(name),
            Component::RootDir | Component::CurDir | Component::Prefix(_) => {}
        }
    }
    out
}

/// Resolves every symlink in an existing path.
pub fn canonical(path: &Path) -> io::Result<PathBuf> {
    resolve(path).map(|(path, _)| path)
}

/// Resolves every symlink in an existing path, and says whether it is a directory.
///
/// The kernel resolves the whole path in one `open(O_PATH)` and names the result in
/// `/proc/self/fd`: four system calls whatever the depth (one for a missing path), where
/// realpath(3) makes one per component. nono runs before every command, so this matters.
#[cfg(target_os = "linux")]
pub fn resolve(path: &Path) -> io::Result<(PathBuf, bool)> {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_PATH)
        .open(path)?;
    let is_dir = file.metadata()?.is_dir();
    match std::fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd())) {
        Ok(resolved) if resolved.is_absolute() => Ok((resolved, is_dir)),
        _ => Ok((std::fs::canonicalize(path)?, is_dir)), // no /proc: one component at a time
    }
}

/// Resolves every symlink in an existing path, and says whether it is a directory.
#[cfg(not(target_os = "linux"))]
pub fn resolve(path: &Path) -> io::Result<(PathBuf, bool)> {
    let resolved = std::fs::canonicalize(path)?;
    let is_dir = std::fs::metadata(&resolved)?.is_dir();
    Ok((resolved, is_dir))
}

/// The path the kernel would reach for `path` (absolute): every symlink on the way followed,
/// a dangling one too (an `O_CREAT` open creates its target), and what does not exist yet
/// appended as written.
pub fn canonical_or_planned(path: &Path) -> PathBuf {
    follow(path).0
}

/// [`canonical_or_planned`], and the places of the symlinks met on the way: a sandbox that
/// does not hold one of them cannot follow the path.
pub fn follow(path: &Path) -> (PathBuf, Vec<PathBuf>) {
    use std::collections::VecDeque;
    let mut pending: VecDeque<std::ffi::OsString> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(n) => Some(n.to_owned()),
            Component::ParentDir => Some("..".into()),
            _ => None,
        })
        .collect();
    let mut at = PathBuf::from("/");
    let mut links = Vec::new();
    let mut hops = 0;
    let mut missing = false;
    while let Some(name) = pending.pop_front() {
        if name == ".." {
            at.pop();
            continue;
        }
        let next = at.join(&name);
        if missing {
            at = next;
            continue;
        }
        match std::fs::read_link(&next) {
            Ok(target) if hops < 40 => {
                hops += 1;
                links.push(next);
                if target.is_absolute() {
                    at = PathBuf::from("/");
                }
                for c in target.components().rev() {
                    match c {
                        Component::Normal(n) => pending.push_front(n.to_owned()),
                        Component::ParentDir => pending.push_front("..".into()),
                        _ => {}
                    }
                }
            }
            _ => {
                missing = std::fs::symlink_metadata(&next).is_err();
                at = next;
            }
        }
    }
    (at, links)
}

/// The symlinks met on the way along `path` (absolute), each as where it is (its parent
/// resolved) and what it contains, including those met inside their targets: what a view
/// must recreate for `path` to lead where it leads on the host. One `readlink` per
/// component, so callers only ask when [`canonical`] differs from the path given.
pub fn links_on(path: &Path) -> Vec<(PathBuf, PathBuf)> {
    let mut found = Vec::new();
    collect_links(&normalize(path), &mut found, 8);
    found
}

fn collect_links(path: &Path, found: &mut Vec<(PathBuf, PathBuf)>, depth: u8) {
    let mut at = PathBuf::from("/");
    for component in path.components().skip(1) {
        let next = at.join(component);
        let Ok(target) = std::fs::read_link(&next) else {
            at = next;
            continue;
        };
        if !found.iter().any(|(p, _)| *p == next) {
            found.push((next.clone(), target.clone()));
        }
        if depth > 0 {
            collect_links(&normalize(&at.join(&target)), found, depth - 1);
        }
        match canonical(&next) {
            Ok(resolved) => at = resolved,
            Err(_) => return, // dangling: nothing further exists
        }
    }
}

/// Whether `path` is `dir` or lies beneath it (component-wise, never by string prefix).
pub fn is_within(path: &Path, dir: &Path) -> bool {
    path.starts_with(dir)
}

/// `path` written with `~` for the home directory, for display; escaped like [`quote`].
pub fn display(path: &Path, home: &Path) -> String {
    match path.strip_prefix(home) {
        Ok(rest) if home != Path::new("/") => {
            if rest.as_os_str().is_empty() {
                "~".to_string()
            } else {
                format!("~/{}", quote(rest))
            }
        }
        _ => quote(path),
    }
}

/// A path for a one-line message: plain when printable UTF-8, otherwise quoted with escapes so
/// that newlines and raw bytes can never break the line or the terminal.
pub fn quote(path: &Path) -> String {
    match path.to_str() {
        Some(text) if !text.chars().any(char::is_control) => text.to_string(),
        _ => format!("{:?}", path.as_os_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tilde_expands_only_as_a_whole_component() {
        let home = Path::new("/home/u");
        assert_eq!(expand_tilde(Path::new("~"), home), home);
        assert_eq!(expand_tilde(Path::new("~/x"), home), home.join("x"));
        assert_eq!(expand_tilde(Path::new("~x"), home), Path::new("~x"));
        assert_eq!(expand_tilde(Path::new("/a/~"), home), Path::new("/a/~"));
    }

    #[test]
    fn within_is_component_wise() {
        assert!(is_within(Path::new("/a/b"), Path::new("/a")));
        assert!(is_within(Path::new("/a"), Path::new("/a")));
        assert!(!is_within(Path::new("/ab"), Path::new("/a")));
    }

    #[test]
    fn quote_escapes_control_characters_and_raw_bytes() {
        use std::os::unix::ffi::OsStrExt;
        assert_eq!(quote(Path::new("/a b")), "/a b");
        assert_eq!(quote(Path::new("/a\nb")), "\"/a\\nb\"");
        let raw = Path::new(std::ffi::OsStr::from_bytes(b"/x\xff"));
        assert!(!quote(raw).contains('\u{fffd}'));
    }

    #[test]
    fn planned_paths_keep_the_missing_tail() {
        let planned = canonical_or_planned(Path::new("/proc/self/../nonexistent-nono/x"));
        assert!(planned.ends_with("nonexistent-nono/x"), "{planned:?}");
    }
}
