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

/// The bytes of `path` normalized, borrowed when it is already (as most paths the planner
/// asks about are).
fn plain(path: &Path) -> std::borrow::Cow<'_, [u8]> {
    let bytes = path.as_os_str().as_bytes();
    if plain_with(bytes, false) {
        std::borrow::Cow::Borrowed(bytes)
    } else {
        std::borrow::Cow::Owned(normalized(bytes))
    }
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
pub struct Resolver {
    /// Each directory met (normalized, as asked): its place in `known`.
    dirs: std::collections::HashMap<Vec<u8>, usize>,
    /// The directories met: where each leads and the links on the way. The root is first.
    known: Vec<Resolved>,
    /// What is known of the entries of each directory of `known` (same place): those asked
    /// about often are listed, and one `getdents` answers for all their entries (the
    /// sensitive table names hundreds in the home and dozens in `~/.config`, most absent).
    listings: Vec<Listing>,
    /// The directory of `dirs` found last, and its place: names are mostly asked about in
    /// runs under one directory (`~`, `~/.config`), and comparing is cheaper than hashing.
    last: (Vec<u8>, usize),
}

impl Default for Resolver {
    fn default() -> Resolver {
        Resolver {
            dirs: Default::default(),
            known: vec![Resolved {
                path: PathBuf::from("/"),
                dir: true,
                links: Vec::new(),
            }],
            listings: vec![Listing::Asked(0)],
            last: (b"/".to_vec(), ROOT),
        }
    }
}

/// A directory kept by a [`Resolver`].
#[derive(Clone, Copy, Debug)]
pub struct DirId(usize);

/// The place of the root in [`Resolver::known`].
const ROOT: usize = 0;

/// What a walk found: a directory (kept by the resolver) or anything else.
enum Found {
    Dir(usize),
    Other(Resolved),
}

/// What is known of a directory's entries.
enum Listing {
    /// Asked about this many times, each answered by an `lstat`: until a directory has been
    /// asked about [`LIST_AFTER`] times, a listing costs more than it saves (`/etc` holds
    /// some 150 entries, the planner asks about a dozen).
    Asked(u8),
    /// Its entries, read at once.
    Entries(Names),
    /// It cannot be listed (no read permission): ask entry by entry.
    Unlisted,
}

/// How many names of a directory are looked up one by one before it is listed.
const LIST_AFTER: u8 = 8;

/// What a listing says of an entry (`None` where the file system did not say).
#[derive(Clone, Copy)]
enum Kind {
    Dir,
    Symlink,
    Other,
}

impl Kind {
    fn of(file_type: std::fs::FileType) -> Kind {
        if file_type.is_symlink() {
            Kind::Symlink
        } else if file_type.is_dir() {
            Kind::Dir
        } else {
            Kind::Other
        }
    }
}

/// A directory's entries: their names in one buffer (no allocation per name), and each
/// name's place in it with its type, sorted by name.
struct Names {
    bytes: Vec<u8>,
    entries: Vec<(u32, u32, Option<Kind>)>,
}

impl Names {
    /// Lists `dir`; `None` if it cannot be, or not to the end (a partial listing would call
    /// present names absent).
    fn read(dir: &Path) -> Option<Names> {
        use rustix::fs::{FileType, Mode, OFlags, RawDir};
        let fd = rustix::fs::open(
            dir,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .ok()?;
        let mut buf = Vec::with_capacity(32 << 10);
        let mut raw = RawDir::new(fd, buf.spare_capacity_mut());
        let mut bytes = Vec::new();
        let mut entries = Vec::new();
        while let Some(entry) = raw.next() {
            let entry = entry.ok()?;
            let name = entry.file_name().to_bytes();
            if name == b"." || name == b".." {
                continue;
            }
            let kind = match entry.file_type() {
                FileType::Directory => Some(Kind::Dir),
                FileType::Symlink => Some(Kind::Symlink),
                FileType::Unknown => None,
                _ => Some(Kind::Other),
            };
            let start = u32::try_from(bytes.len()).ok()?;
            bytes.extend_from_slice(name);
            entries.push((start, u32::try_from(bytes.len()).ok()?, kind));
        }
        let name = |&(start, end, _): &(u32, u32, Option<Kind>)| start as usize..end as usize;
        entries.sort_unstable_by(|a, b| bytes[name(a)].cmp(&bytes[name(b)]));
        Some(Names { bytes, entries })
    }

    /// `None` if there is no entry `name`, else what the listing says of its type.
    fn get(&self, name: &[u8]) -> Option<Option<Kind>> {
        self.entries
            .binary_search_by(|&(start, end, _)| self.bytes[start as usize..end as usize].cmp(name))
            .ok()
            .map(|i| self.entries[i].2)
    }
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
        match self.walk(&plain(path), 0) {
            Some(Found::Dir(i)) => Ok(self.known[i].clone()),
            Some(Found::Other(found)) => Ok(found),
            None => Err(io::ErrorKind::NotFound.into()),
        }
    }

    /// [`Resolver::resolve`] without a copy of what it finds: a directory it keeps (read it
    /// with [`Resolver::dir`]), or `Err` for anything else. For the directories the planner
    /// asks about again and again (the parent of each absent protected name).
    pub fn resolve_dir(&mut self, path: &Path) -> Option<std::result::Result<DirId, Resolved>> {
        match self.walk(&plain(path), 0)? {
            Found::Dir(i) => Some(Ok(DirId(i))),
            Found::Other(found) => Some(Err(found)),
        }
    }

    /// A directory found by [`Resolver::resolve_dir`].
    pub fn dir(&self, id: DirId) -> &Resolved {
        &self.known[id.0]
    }

    /// Resolves the normalized `path`.
    fn walk(&mut self, path: &[u8], depth: u8) -> Option<Found> {
        // Normalized: absolute, so it holds a `/`; only the root ends in one.
        if path.len() <= 1 {
            return Some(Found::Dir(ROOT));
        }
        if self.last.0 == path {
            return Some(Found::Dir(self.last.1));
        }
        if let Some(&known) = self.dirs.get(path) {
            self.last.0.clear();
            self.last.0.extend_from_slice(path);
            self.last.1 = known;
            return Some(Found::Dir(known));
        }
        let slash = path.iter().rposition(|&b| b == b'/').unwrap_or(0);
        let parent = if slash == 0 {
            &b"/"[..]
        } else {
            &path[..slash]
        };
        let found = self.step(parent, OsStr::from_bytes(&path[slash + 1..]), depth)?;
        if !found.dir {
            return Some(Found::Other(found));
        }
        self.known.push(found);
        self.listings.push(Listing::Asked(0));
        let i = self.known.len() - 1;
        self.dirs.insert(path.to_vec(), i);
        Some(Found::Dir(i))
    }

    fn step(&mut self, parent: &[u8], name: &OsStr, depth: u8) -> Option<Resolved> {
        // Every directory walked is kept: anything else is not one.
        let Found::Dir(p) = self.walk(parent, depth)? else {
            return None;
        };
        let parent = &self.known[p];
        // Most names asked about are absent, which the listing says before any path is made.
        let listed = Self::listed(&mut self.listings[p], &parent.path, name);
        if let Some(None) = listed {
            return None; // not in the directory's listing
        }
        let here = parent.path.join(name);
        let kind = match listed {
            Some(Some(Some(kind))) => kind,
            _ => Kind::of(std::fs::symlink_metadata(&here).ok()?.file_type()),
        };
        if !matches!(kind, Kind::Symlink) {
            return Some(Resolved {
                path: here,
                dir: matches!(kind, Kind::Dir),
                links: parent.links.clone(),
            });
        }
        if depth > 40 {
            return None;
        }
        let target = std::fs::read_link(&here).ok()?;
        // Where the link leads, as `Path::join` would put it: an absolute target replaces
        // the parent.
        let mut joined = parent.path.as_os_str().as_bytes().to_vec();
        let mut links = parent.links.clone();
        let target_bytes = target.as_os_str().as_bytes();
        if target_bytes.first() == Some(&b'/') {
            joined.clear();
        }
        joined.push(b'/');
        joined.extend_from_slice(target_bytes);
        let mut resolved = match self.walk(&normalized(&joined), depth + 1)? {
            Found::Dir(i) => self.known[i].clone(),
            Found::Other(found) => found,
        };
        links.push((here, target));
        links.append(&mut resolved.links);
        resolved.links = links;
        Some(resolved)
    }

    /// What the listing of `dir` says of `name`: `None` if `dir` is not listed (ask the file
    /// system), `Some(None)` if it has no such entry, `Some(Some(None))` if its type is
    /// unknown.
    fn listed(listing: &mut Listing, dir: &Path, name: &OsStr) -> Option<Option<Option<Kind>>> {
        match listing {
            Listing::Asked(asked) if *asked < LIST_AFTER => {
                *asked += 1;
                return None;
            }
            Listing::Asked(_) => {
                *listing = Names::read(dir).map_or(Listing::Unlisted, Listing::Entries);
            }
            _ => {}
        }
        match listing {
            Listing::Entries(names) => Some(names.get(name.as_bytes())),
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
    let (p, d) = (path.as_os_str().as_bytes(), dir.as_os_str().as_bytes());
    // Canonical paths (most of what the planner compares, thousands of times a run) have
    // one component per `/`: a byte prefix ending at a `/` is a component prefix.
    if is_plain(p) && is_plain(d) {
        return d == b"/" || (p.starts_with(d) && (p.len() == d.len() || p[d.len()] == b'/'));
    }
    path.starts_with(dir)
}

/// Whether `a` and `b` are the same path (component-wise, as `==` on paths). Plain paths
/// differ exactly when their bytes do, which spares `==` its component walk for the
/// many unequal pairs the view's steps compare.
pub fn same(a: &Path, b: &Path) -> bool {
    let (x, y) = (a.as_os_str().as_bytes(), b.as_os_str().as_bytes());
    x == y || (!(is_plain(x) && is_plain(y)) && a == b)
}

/// Whether `path` is absolute with nothing `Path::components` would skip: no empty or `.`
/// component and no trailing `/` (the root alone is `/`).
fn is_plain(path: &[u8]) -> bool {
    plain_with(path, true)
}

/// [`is_plain`], and with `..` components too only if `dotdot`. One pass over the bytes: the
/// planner asks this of every path it looks up.
fn plain_with(path: &[u8], dotdot: bool) -> bool {
    if path == b"/" {
        return true;
    }
    if path.first() != Some(&b'/') {
        return false;
    }
    let mut start = 1;
    for i in 1..=path.len() {
        if i == path.len() || path[i] == b'/' {
            match &path[start..i] {
                b"" | b"." => return false,
                b".." if !dotdot => return false,
                _ => {}
            }
            start = i + 1;
        }
    }
    true
}

/// `path`'s parent and last name (`Path::parent` and `Path::file_name`), `None` at the root:
/// by bytes for a plain path, which has one component per `/`.
pub fn split_last(path: &Path) -> Option<(&Path, &OsStr)> {
    let bytes = path.as_os_str().as_bytes();
    if !plain_with(bytes, false) {
        return Some((path.parent()?, path.file_name()?));
    }
    let slash = bytes.iter().rposition(|&b| b == b'/')?;
    if bytes.len() == 1 {
        return None;
    }
    let parent = if slash == 0 {
        &bytes[..1]
    } else {
        &bytes[..slash]
    };
    Some((
        Path::new(OsStr::from_bytes(parent)),
        OsStr::from_bytes(&bytes[slash + 1..]),
    ))
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
    fn plain_is_normalized() {
        for p in [
            "/", "//", "/a", "/a/", "/a/b", "/a/./b", "/a/../b", "/a/..", "/..", "a", "", "/a//b",
            "/.a/b.", "/a/...",
        ] {
            assert_eq!(
                &*plain(Path::new(p)),
                normalize(Path::new(p)).as_os_str().as_bytes()
            );
        }
    }

    #[test]
    fn split_last_agrees_with_parent_and_file_name() {
        for p in [
            "/", "/a", "/a/b", "/a/b/c", "/a/", "/a//b", "/a/./b", "/a/..", "/..", "a", "a/b", "",
            "/a/b/.", "//a",
        ] {
            let path = Path::new(p);
            let expected = path.parent().zip(path.file_name());
            assert_eq!(split_last(path), expected, "{p:?}");
        }
    }

    #[test]
    fn within_agrees_with_components() {
        let paths = [
            "/", "/a", "/a/", "/a/b", "/ab", "/a/b/c", "/a/./b", "/a//b", "a", "a/b", "", ".",
            "/a/..", "/a/../b", "/.", "/a/.", "//a", "/a/b/", "/b",
        ];
        for p in paths {
            for d in paths {
                assert_eq!(
                    is_within(Path::new(p), Path::new(d)),
                    Path::new(p).starts_with(d),
                    "{p:?} in {d:?}"
                );
                assert_eq!(
                    same(Path::new(p), Path::new(d)),
                    Path::new(p) == Path::new(d)
                );
            }
        }
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
            "",
            "/",
            "//",
            "/.",
            "/..",
            "/../..",
            "a",
            "./a",
            "a/b/",
            "/a//b/./c/",
            "/a/../b",
            "/a/b/../../..",
            "../x/./../y",
            "/a/.../b",
            "/a/..b/.c",
            "///a///..///b",
            "/a/b/..",
            "/.a/..",
            "a/./",
        ] {
            assert_eq!(
                normalize(Path::new(p)),
                normalize_by_components(Path::new(p)),
                "{p:?}"
            );
        }
    }

    #[test]
    fn planned_paths_keep_the_missing_tail() {
        let planned = canonical_or_planned(Path::new("/proc/self/../nonexistent-nono/x"));
        assert!(planned.ends_with("nonexistent-nono/x"), "{planned:?}");
    }

    /// The resolver answers as the kernel does, whether it looks a name up by itself or from
    /// its directory's listing (after `LIST_AFTER` names of the same directory): files,
    /// directories, symlinks to each, dangling and looping symlinks, absent names.
    #[test]
    fn the_resolver_agrees_with_the_kernel_before_and_after_listing() {
        let dir = std::env::temp_dir().join(format!("nono-resolver-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("d/inner")).unwrap();
        std::fs::write(dir.join("f"), "x").unwrap();
        std::os::unix::fs::symlink("d", dir.join("to-dir")).unwrap();
        std::os::unix::fs::symlink(dir.join("f"), dir.join("to-file")).unwrap();
        std::os::unix::fs::symlink("nowhere", dir.join("dangling")).unwrap();
        std::os::unix::fs::symlink("loop", dir.join("loop")).unwrap();
        let dir = canonical(&dir).unwrap();
        let names = [
            "f",
            "d",
            "to-dir",
            "to-file",
            "dangling",
            "loop",
            "absent",
            "to-dir/inner",
            "to-dir/absent",
            "f/under-a-file",
            "d/inner",
        ];
        let mut resolver = Resolver::default();
        // Twice over, so that the second round is answered from listings.
        for round in 0..2 {
            for name in names {
                let path = dir.join(name);
                let kernel = resolve(&path).ok();
                let ours = resolver.resolve(&path).ok().map(|r| (r.path, r.dir));
                assert_eq!(ours, kernel, "{name}, round {round}");
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
