//! A profile must never become an escape: if the sandboxed program could write a profile file
//! (or the directory user profiles are read from), it could widen its own next sandbox. So a
//! run is refused when any file of its profile's `extends` chain, or the user profile
//! directory, lies inside one of the run's writable grants.

use super::policy::where_is;
use super::resolved::{Location, Profile};
use crate::error::{Error, Result};
use crate::paths::{self, quote};
use crate::policy::Policy;
use std::path::{Path, PathBuf};

/// The grants of `policy` that can write (`allow`, `write`, `allow_file`, `write_file`), each
/// as its flag and the path it was given, and its canonical path. Missing paths are left out:
/// the planner refuses them, or skips them when optional.
pub fn writable_grants(policy: &Policy, home: &Path, cwd: &Path) -> Vec<(String, PathBuf)> {
    use crate::access::Op;
    policy
        .grants
        .iter()
        .filter(|g| g.flag.access().allows(Op::Write))
        .filter_map(|g| {
            let path = paths::canonical(&where_is(&g.path, home, cwd)).ok()?;
            let mut label = format!("{} {}", g.flag.flag(), quote(&g.path));
            if path != g.path {
                label = format!("{label} ({})", quote(&path));
            }
            Some((label, path))
        })
        .collect()
}

/// Refuses `policy` if a file of `profile`'s chain, or `user_dir`, lies inside one of its
/// writable grants. Both the places on the way to a file (a symlink inside a grant could be
/// replaced) and where it finally leads are compared, canonically.
pub fn check_writable(
    profile: &Profile,
    user_dir: &Path,
    policy: &Policy,
    home: &Path,
    cwd: &Path,
) -> Result<()> {
    let writable = writable_grants(policy, home, cwd);
    if writable.is_empty() {
        return Ok(());
    }
    const WHY: &str = "a sandboxed program could rewrite its own next sandbox";
    for location in &profile.chain {
        let Location::File(file) = location else {
            continue;
        };
        if let Some(grant) = inside(file, &writable) {
            return Err(Error::refused(format!(
                "the profile file {} lies inside the writable grant {grant}: {WHY}; keep profiles outside the directories a run can write (e.g. in {}) or narrow the grant",
                quote(file),
                paths::display(user_dir, home)
            )));
        }
    }
    if let Some(grant) = inside(user_dir, &writable) {
        return Err(Error::refused(format!(
            "the user profile directory {} lies inside the writable grant {grant}: {WHY}; narrow the grant, or set XDG_CONFIG_HOME outside it",
            quote(user_dir)
        )));
    }
    Ok(())
}

/// The writable grant (its label) that reaches `path`, if any: one that holds a directory
/// entry on the way to `path` (which the program could replace), or where `path` leads.
fn inside<'a>(path: &Path, writable: &'a [(String, PathBuf)]) -> Option<&'a str> {
    let (entries, target) = places(path);
    writable
        .iter()
        .find(|(_, grant)| {
            paths::is_within(&target, grant)
                || entries
                    .iter()
                    .any(|entry| entry != grant && paths::is_within(entry, grant))
        })
        .map(|(label, _)| label.as_str())
}

/// Every directory entry on the way to `path` (the entry itself, not where it leads: a
/// symlink's replacement would change what `path` is), and where `path` finally leads.
fn places(path: &Path) -> (Vec<PathBuf>, PathBuf) {
    let mut entries = Vec::new();
    let mut prefix = PathBuf::new();
    for component in path.components() {
        prefix.push(component);
        if let (Some(parent), Some(name)) = (prefix.parent(), prefix.file_name()) {
            entries.push(paths::canonical_or_planned(parent).join(name));
        }
    }
    (entries, paths::canonical_or_planned(path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::GrantFlag;
    use crate::policy::Grant;

    #[test]
    fn a_symlink_inside_a_writable_grant_counts_even_if_its_target_is_outside() {
        let root = std::env::temp_dir().join(format!("nono-safety-{}", std::process::id()));
        let project = root.join("project");
        let safe = root.join("safe");
        std::fs::create_dir_all(&project).unwrap();
        std::fs::create_dir_all(&safe).unwrap();
        std::fs::write(safe.join("p.toml"), "").unwrap();
        std::os::unix::fs::symlink(&safe, project.join("link")).unwrap();
        let policy = Policy {
            grants: vec![Grant::new(GrantFlag::Allow, ".")],
            ..Policy::default()
        };
        let profile = |file: PathBuf| Profile {
            chain: vec![Location::File(file)],
            ..Profile::default()
        };
        let elsewhere = root.join("config");
        let via_link = profile(project.join("link/p.toml"));
        let err = check_writable(&via_link, &elsewhere, &policy, &root, &project).unwrap_err();
        assert!(err.message.contains("--allow ."), "{}", err.message);
        let direct = profile(safe.join("p.toml"));
        assert!(check_writable(&direct, &elsewhere, &policy, &root, &project).is_ok());
        let err =
            check_writable(&direct, &project.join("cfg"), &policy, &root, &project).unwrap_err();
        assert!(
            err.message.contains("user profile directory"),
            "{}",
            err.message
        );
        std::fs::remove_dir_all(&root).unwrap();
    }
}
