//! Path handling shared by the planner and `why`: every path is hostile input until it has
//! been made absolute and canonical here.

use std::ffi::{OsStr, OsString};
use std::io;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
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
    PathBuf::from(OsString::from_vec(normalized(path.as_os_str().as_bytes())))
}

/// [`normalize`] on the bytes of a path: always absolute, no empty, `.` or `..` component,
/// no trailing `/`. Byte work, not `Component` parsing: the planner normalizes every path it
/// asks the [`Resolver`] about, hundreds per run.
fn normalized(path: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(path.len() + 1);
    for name in path.split(|&b| b == b'/') {
        match name {
            b"" | b"." => {}
            b".." => {
                let last = out.iter().rposition(|&b| b == b'/').unwrap_or(0);
                out.truncate(last);
            }
            _ => {
                out.push(b'/');
                out.extend_from_slice(name);
            }
        }
    }
    if out.is_empty() {
        out.push(b'/');
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

/// Resolves many paths, remembering every directory it has resolved: the baseline and the
/// sensitive table name some sixty paths under a handful of directories, and nono runs before
/// every command, so each component then costs one `lstat`, once. It also tells which
/// symlinks a path passed through (where each is, and what it holds), for the view to make.
///
/// Paths are handled as bytes (normalized by [`normalized`]), and the maps are keyed by
/// those bytes: hashing them once is far cheaper than `Path`'s component-wise hash, and the
/// sensitive table alone makes a thousand lookups.
#[derive(Default)]
pub struct Resolver {
    /// Each directory met (normalized, as asked): where it leads and the links on the way.
    dirs: std::collections::HashMap<Vec<u8>, Resolved>,
    /// Directories asked about more than once, listed: one `getdents` answers for all their
    /// entries (the sensitive table names dozens in the home and `~/.config`, most absent).
    /// Keyed by the canonical path.
    listings: std::collections::HashMap<Vec<u8>, Listing>,
}

/// What is known of a directory's entries.
enum Listing {
    /// Asked about once: an `lstat` was cheaper than a listing.
    Once,
    /// Each entry's name and type (`None`: the file system did not say), sorted by name.
    Entries(Vec<(OsString, Option<std::fs::FileType>)>),
    /// It cannot be listed (no read permission): ask entry by entry.
    Unlisted,
}

/// A path resolved by [`Resolver`].
#[derive(Clone, Debug)]
pub struct Resolved {
    /// Canonical: every symlink followed.
    pub path: PathBuf,
    /// Whether it is a directory.
    pub dir: bool,
    /// The symlinks met on the way: where each is (its parent canonical) and what it holds.
    pub links: Vec<(PathBuf, PathBuf)>,
}

impl Resolver {
    /// Resolves `path` (absolute) like [`resolve`].
    pub fn resolve(&mut self, path: &Path) -> io::Result<Resolved> {
        self.walk(&normalized(path.as_os_str().as_bytes()), 0)
            .ok_or_else(|| io::ErrorKind::NotFound.into())
    }

    /// Resolves the normalized `path`.
    fn walk(&mut self, path: &[u8], depth: u8) -> Option<Resolved> {
        // Normalized: absolute, so it holds a `/`; only the root ends in one.
        let slash = path.iter().rposition(|&b| b == b'/').unwrap_or(0);
        if path.len() <= 1 {
            return Some(Resolved {
                path: PathBuf::from("/"),
                dir: true,
                links: Vec::new(),
            });
        }
        if let Some(known) = self.dirs.get(path) {
            return Some(known.clone());
        }
        let parent = if slash == 0 { &b"/"[..] } else { &path[..slash] };
        let found = self.step(parent, OsStr::from_bytes(&path[slash + 1..]), depth);
        if let Some(found) = found.as_ref().filter(|f| f.dir) {
            self.dirs.insert(path.to_vec(), found.clone());
        }
        found
    }

    fn step(&mut self, parent: &[u8], name: &OsStr, depth: u8) -> Option<Resolved> {
        let parent = self.walk(parent, depth)?;
        if !parent.dir {
            return None;
        }
        let here = parent.path.join(name);
        let kind = match self.listed(&parent.path, name) {
            Some(None) => return None, // not in the directory's listing
            Some(Some(Some(kind))) => kind,
            _ => std::fs::symlink_metadata(&here).ok()?.file_type(),
        };
        if !kind.is_symlink() {
            return Some(Resolved {
                path: here,
                dir: kind.is_dir(),
                links: parent.links,
            });
        }
        if depth > 40 {
            return None;
        }
        let target = std::fs::read_link(&here).ok()?;
        // Where the link leads, as `Path::join` would put it: an absolute target replaces
        // the parent.
        let mut joined = parent.path.as_os_str().as_bytes().to_vec();
        let target_bytes = target.as_os_str().as_bytes();
        if target_bytes.first() == Some(&b'/') {
            joined.clear();
        }
        joined.push(b'/');
        joined.extend_from_slice(target_bytes);
        let mut resolved = self.walk(&normalized(&joined), depth + 1)?;
        let mut links = parent.links;
        links.push((here, target));
        links.append(&mut resolved.links);
        resolved.links = links;
        Some(resolved)
    }

    /// What the listing of `dir` says of `name`: `None` if `dir` is not listed (ask the file
    /// system), `Some(None)` if it has no such entry, `Some(Some(None))` if its type is
    /// unknown.
    fn listed(&mut self, dir: &Path, name: &OsStr) -> Option<Option<Option<std::fs::FileType>>> {
        let key = dir.as_os_str().as_bytes();
        let listing = match self.listings.get(key) {
            None => {
                self.listings.insert(key.to_vec(), Listing::Once);
                return None;
            }
            Some(Listing::Once) => {
                let listing = match std::fs::read_dir(dir) {
                    Ok(entries) => {
                        let mut entries: Vec<_> = entries
                            .flatten()
                            .map(|e| (e.file_name(), e.file_type().ok()))
                            .collect();
                        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
                        Listing::Entries(entries)
                    }
                    Err(_) => Listing::Unlisted,
                };
                self.listings.insert(key.to_vec(), listing);
                self.listings.get(key)?
            }
            Some(listing) => listing,
        };
        match listing {
            Listing::Entries(entries) => Some(
                entries
                    .binary_search_by(|(entry, _)| entry.as_os_str().cmp(name))
                    .ok()
                    .map(|i| entries[i].1),
            ),
            _ => None,
        }
    }
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

    /// What `normalize` was written as, with `Component`s: the byte version must agree.
    fn normalize_by_components(path: &Path) -> PathBuf {
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

    #[test]
    fn normalize_agrees_with_components() {
        for p in [
            "", "/", "//", "/.", "/..", "/../..", "a", "./a", "a/b/", "/a//b/./c/", "/a/../b",
            "/a/b/../../..", "../x/./../y", "/a/.../b", "/a/..b/.c", "///a///..///b", "/a/b/..",
            "/.a/..", "a/./",
        ] {
            assert_eq!(normalize(Path::new(p)), normalize_by_components(Path::new(p)), "{p:?}");
        }
    }

    #[test]
    fn planned_paths_keep_the_missing_tail() {
        let planned = canonical_or_planned(Path::new("/proc/self/../nonexistent-nono/x"));
        assert!(planned.ends_with("nonexistent-nono/x"), "{planned:?}");
    }
}
