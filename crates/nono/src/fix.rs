//! The flags that would change a denial: what `why` suggests. Each suggestion is one nono
//! would accept (a grant of a path that exists or that nono makes, with `--unprotect` where a
//! protection stands in the way), written as words a shell takes as they are.

use crate::access::Access;
use crate::paths;
use crate::plan::{GrantFlag, Plan};
use crate::sensitive::Protection;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// A suggestion: flags, each with its path.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fix {
    flags: Vec<(&'static str, PathBuf)>,
}

impl Fix {
    /// Adds `flag PATH`.
    pub fn with(mut self, flag: &'static str, path: &Path) -> Fix {
        if !self.flags.iter().any(|(f, p)| *f == flag && p == path) {
            self.flags.push((flag, path.to_path_buf()));
        }
        self
    }

    /// The flags as one line to paste into a shell (`~` for the home).
    pub fn text(&self, home: &Path) -> String {
        self.flags
            .iter()
            .map(|(flag, path)| format!("{flag} {}", shell_path(path, home)))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The flags as arguments, for tools (`why --json`).
    pub fn args(&self) -> Vec<String> {
        self.flags
            .iter()
            .flat_map(|(flag, path)| [flag.to_string(), path.to_string_lossy().into_owned()])
            .collect()
    }
}

/// The grant that gives `access` on `target`, and the `--unprotect` each protection standing
/// in the way needs. An existing file gets a file grant, a directory its own grant; a path
/// still to be made needs rights on the directory that will hold it (made by nono when it is
/// written to, see `Plan::create`), or, to read it later, on the nearest directory that exists.
pub fn suggest(plan: &Plan, target: &Path, access: Access) -> Fix {
    let writes = access.allows(crate::access::Op::Write);
    let (path, file) = if target.is_dir() {
        (target.to_path_buf(), false)
    } else if target.exists() {
        (target.to_path_buf(), true)
    } else if writes {
        (
            target.parent().unwrap_or(Path::new("/")).to_path_buf(),
            false,
        )
    } else {
        let existing = target.ancestors().skip(1).find(|a| a.is_dir());
        (existing.unwrap_or(Path::new("/")).to_path_buf(), false)
    };
    let flag = GrantFlag::smallest_for(access, file);
    let mut fix = Fix::default().with(flag.flag(), &path);
    // A grant inside a protected path, or of one, is refused unless lifted.
    for s in plan.sensitive.iter().filter(|s| s.protects()) {
        let forbids = match s.protection {
            Protection::Hidden => true,
            Protection::ReadOnly => writes,
        };
        if forbids && paths::is_within(&path, &s.path) {
            fix = fix.with("--unprotect", &s.path);
        }
    }
    if writes {
        for g in plan
            .guards
            .iter()
            .filter(|g| paths::is_within(target, &g.path))
        {
            fix = fix.with("--unprotect", &g.path);
        }
    }
    fix
}

/// `path` as one shell word: `~/` and the rest quoted when the path lies in the home (a `~`
/// inside quotes would not expand), quoted as a whole otherwise.
pub fn shell_path(path: &Path, home: &Path) -> String {
    match path.strip_prefix(home) {
        Ok(rest) if home != Path::new("/") && rest.as_os_str().is_empty() => "~".to_string(),
        Ok(rest) if home != Path::new("/") => format!("~/{}", shell_word_os(rest.as_os_str())),
        _ => shell_word_os(path.as_os_str()),
    }
}

/// Quotes a word for a POSIX shell when it needs quoting.
pub fn shell_word(word: &str) -> String {
    shell_word_os(OsStr::new(word))
}

/// Quotes bytes for a shell: as they are when plain, in single quotes when printable, and in
/// `$'...'` with escapes when they hold control characters or bytes that are not UTF-8 (bash,
/// zsh and ksh read those; a newline in single quotes would break the line).
pub fn shell_word_os(word: &OsStr) -> String {
    let bytes = word.as_bytes();
    let plain = bytes
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || b"/._-+,:@%".contains(b));
    if plain && !bytes.is_empty() {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(text) if !text.chars().any(char::is_control) => {
            format!("'{}'", text.replace('\'', r"'\''"))
        }
        _ => {
            let mut out = String::from("$'");
            for &b in bytes {
                match b {
                    b'\\' => out.push_str("\\\\"),
                    b'\'' => out.push_str("\\'"),
                    0x20..=0x7e => out.push(b as char),
                    _ => out.push_str(&format!("\\x{b:02x}")),
                }
            }
            out.push('\'');
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_paste_back_as_they_were() {
        let home = Path::new("/home/u");
        assert_eq!(shell_path(Path::new("/home/u/a b"), home), "~/'a b'");
        assert_eq!(shell_path(Path::new("/home/u"), home), "~");
        assert_eq!(
            shell_path(Path::new("/tmp/x\ndir"), home),
            "$'/tmp/x\\x0adir'"
        );
        assert_eq!(shell_path(Path::new("/tmp/it's"), home), r"'/tmp/it'\''s'");
        assert_eq!(
            shell_path(Path::new("/tmp/plain-1.txt"), home),
            "/tmp/plain-1.txt"
        );
        let raw = OsStr::from_bytes(b"/tmp/\xff");
        assert_eq!(shell_word_os(raw), "$'/tmp/\\xff'");
        // A literal ~ is quoted: only the home's ~/ stays bare.
        assert_eq!(shell_word("~x"), "'~x'");
    }
}
