//! Finding profiles by name or path, and following `extends` to the root of the chain.

use super::builtin::{self, built_in};
use super::parse::parse;
use super::resolved::{Location, Profile};
use crate::error::one_line;
use crate::error::{Error, Result};
use crate::paths::{self, quote};
use std::borrow::Cow;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// How many profiles one `extends` chain may hold.
const MAX_DEPTH: usize = 16;
/// The largest profile file nono reads.
const MAX_SIZE: u64 = 1 << 20;

/// Where profiles are looked up, and against what `~` and relative paths resolve.
#[derive(Clone, Debug)]
pub struct Locations {
    /// The home directory, for `~`.
    pub home: PathBuf,
    /// The current directory (the project): relative `--profile` paths resolve against it.
    pub cwd: PathBuf,
    /// The user profile directory.
    pub user_dir: PathBuf,
}

impl Locations {
    /// Locations for this home and directory; `xdg_config_home` is `$XDG_CONFIG_HOME`.
    pub fn new(home: PathBuf, cwd: PathBuf, xdg_config_home: Option<&OsStr>) -> Locations {
        let user_dir = user_dir(&home, xdg_config_home);
        Locations {
            home,
            cwd,
            user_dir,
        }
    }
}

/// The user profile directory: `$XDG_CONFIG_HOME/nono/profiles`, or
/// `~/.config/nono/profiles` when the variable is unset, empty or relative (as the XDG base
/// directory specification says).
pub fn user_dir(home: &Path, xdg_config_home: Option<&OsStr>) -> PathBuf {
    let config = xdg_config_home
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .unwrap_or_else(|| home.join(".config"));
    config.join("nono").join("profiles")
}

/// Whether `spec` names a profile file rather than a profile: it contains `/` or ends in
/// `.toml`.
pub fn is_path(spec: &str) -> bool {
    spec.contains('/') || spec.ends_with(".toml")
}

/// Whether `name` can name a user profile: letters, digits, `.`, `_` and `-`, starting with a
/// letter or digit, at most 64 characters.
pub fn is_valid_name(name: &str) -> bool {
    name.len() <= 64
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        && !name.ends_with(".toml")
}

/// Loads the profile `spec` (a name or a path) and every profile it extends.
pub fn load(spec: &str, at: &Locations) -> Result<Profile> {
    let first = locate(spec, &at.cwd, at)
        .map_err(|why| Error::refused(format!("--profile {}: {why}", show(spec))))?;
    follow(first, at)
}

/// Loads the profile file at `path` (a path even without `/`) and every profile it extends.
pub fn load_file(path: &Path, at: &Locations) -> Result<Profile> {
    let name = path.to_string_lossy();
    let first = read(path, &name, &at.cwd, at)
        .map_err(|why| Error::refused(format!("{}: {why}", quote(path))))?;
    follow(first, at)
}

/// The user profiles in the user profile directory, by name (files `NAME.toml`), sorted.
pub fn user_profiles(at: &Locations) -> Vec<(String, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(&at.user_dir) else {
        return Vec::new();
    };
    let mut found: Vec<(String, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let file = e.file_name().into_string().ok()?;
            let name = file.strip_suffix(".toml")?;
            is_valid_name(name).then(|| (name.to_string(), e.path()))
        })
        .collect();
    found.sort();
    found
}

/// One profile's text, found.
struct Found {
    name: String,
    file: String,
    location: Location,
    text: Cow<'static, str>,
    /// What makes two profiles the same one, for cycles: the canonical file, or the name.
    identity: PathBuf,
    /// The directory relative `extends` paths resolve against.
    dir: Option<PathBuf>,
}

fn follow(first: Found, at: &Locations) -> Result<Profile> {
    let mut seen: Vec<(PathBuf, String)> = Vec::new();
    let mut layers: Vec<Profile> = Vec::new();
    let mut current = first;
    loop {
        seen.push((current.identity.clone(), current.name.clone()));
        let parsed = parse(
            &current.text,
            &current.name,
            &current.file,
            current.location.clone(),
        )?;
        layers.push(parsed.profile);
        let Some(parent) = parsed.extends else {
            break;
        };
        let what = format!("extends {}", show(&parent.value));
        let base = current.dir.clone().unwrap_or_else(|| at.cwd.clone());
        let next = locate(&parent.value, &base, at)
            .map_err(|why| parent.origin.error(format!("{what}: {why}")))?;
        if let Some(i) = seen.iter().position(|(id, _)| *id == next.identity) {
            let cycle: Vec<String> = seen[i..]
                .iter()
                .map(|(_, n)| show(n))
                .chain([show(&next.name)])
                .collect();
            return Err(parent
                .origin
                .error(format!("{what}: a cycle ({})", cycle.join(" -> "))));
        }
        if seen.len() >= MAX_DEPTH {
            return Err(parent.origin.error(format!(
                "{what}: more than {MAX_DEPTH} profiles in one extends chain"
            )));
        }
        current = next;
    }
    let mut root_first = layers.into_iter().rev();
    let mut profile = root_first.next().unwrap_or_default();
    for child in root_first {
        profile = profile.extended_by(child);
    }
    Ok(profile)
}

/// Finds `spec`: a path (relative to `base`) or the name of a built-in or user profile.
fn locate(spec: &str, base: &Path, at: &Locations) -> std::result::Result<Found, String> {
    if is_path(spec) {
        return read(Path::new(spec), spec, base, at);
    }
    if !is_valid_name(spec) {
        return Err(
            "not a profile name (names use letters, digits, '.', '_' and '-'; a path needs a '/' or the .toml ending)"
                .into(),
        );
    }
    let user_file = at.user_dir.join(format!("{spec}.toml"));
    if let Some(b) = built_in(spec) {
        if std::fs::symlink_metadata(&user_file).is_ok() {
            return Err(format!(
                "the user profile {} has the name of a built-in profile, and built-in names are reserved: rename the file",
                quote(&user_file)
            ));
        }
        return Ok(Found {
            name: b.name.to_string(),
            file: builtin::display_name(b.name),
            location: Location::BuiltIn(b.name),
            text: Cow::Borrowed(b.text),
            identity: PathBuf::from(builtin::display_name(b.name)),
            dir: None,
        });
    }
    if std::fs::symlink_metadata(&user_file).is_err() {
        return Err(format!(
            "no built-in or user profile has this name (user profiles are {}/NAME.toml; `nono profile list` shows them all)",
            quote(&at.user_dir)
        ));
    }
    read(&user_file, spec, base, at)
}

/// Reads the profile file at `path` (`~` expanded, relative to `base`).
fn read(
    path: &Path,
    name: &str,
    base: &Path,
    at: &Locations,
) -> std::result::Result<Found, String> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let path: PathBuf = base
        .join(paths::expand_tilde(path, &at.home))
        .components()
        .collect();
    let describe = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        _ => e.to_string(),
    };
    let meta = std::fs::metadata(&path).map_err(describe)?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    if meta.len() > MAX_SIZE {
        return Err(format!("larger than {MAX_SIZE} bytes"));
    }
    // Non-blocking, in case the file was swapped for a FIFO since the check.
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(&path)
        .map_err(describe)?;
    let mut bytes = Vec::new();
    file.take(MAX_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(describe)?;
    let text = String::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string())?;
    Ok(Found {
        name: name.to_string(),
        file: quote(&path),
        location: Location::File(path.clone()),
        text: Cow::Owned(text),
        identity: paths::canonical(&path).unwrap_or_else(|_| path.clone()),
        dir: path.parent().map(Path::to_path_buf),
    })
}

/// A name or path for a one-line message.
fn show(spec: &str) -> String {
    one_line(spec).into_owned()
}
