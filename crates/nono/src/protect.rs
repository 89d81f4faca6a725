//! Which protected paths exist on this machine and how the plan keeps each one protected: the
//! sensitive table, the code-running parts of git repositories inside writable grants, and
//! listening Unix sockets outside the grants.

use crate::access::{Access, Op};
use crate::error::{Error, Result};
use crate::git;
use crate::machine::Machine;
use crate::paths::{self, quote};
use crate::plan::{Guard, Rule, SensitivePath, SensitiveState, Source};
use crate::sensitive::{self, Protection, Root};
use std::path::{Path, PathBuf};

/// The group name of listening Unix sockets outside the grants.
pub const SOCKET_GROUP: &str = "unix-socket";
/// The group name of nono's own configuration (the table's `~/.config/nono` and the profile
/// files a run read).
pub const NONO_GROUP: &str = "nono";
/// The group name of git hooks and configuration inside writable grants.
pub const GIT_GROUP: &str = "git";
/// How many directories of a writable grant nono reads, at most, to find the repositories in
/// it (see `git::repositories`); a larger grant is refused.
const GIT_SEARCH_BUDGET: usize = 20_000;

/// Every protected path of the plan (the sensitive table and git), classified against the
/// user's grants. Listening sockets are classified later, against every rule ([`sockets`]).
/// `profiles` are the run's built-in profiles: the entries they own are their program's.
pub fn protected_paths(
    grants: &[Rule],
    unprotect: &[PathBuf],
    policy: &crate::policy::Policy,
    machine: &Machine,
    resolver: &mut paths::Resolver,
) -> Result<Protected> {
    let mut classifier = Classifier {
        grants,
        unprotect,
        used: vec![false; unprotect.len()],
        found: Vec::new(),
        guards: Vec::new(),
        nested: machine.namespaces == crate::machine::Namespaces::Nested,
    };
    for entry in sensitive::TABLE {
        let full = match entry.root {
            Root::Home => machine.home.join(entry.path),
            Root::System => PathBuf::from(entry.path),
        };
        let owner = entry
            .owners
            .iter()
            .find(|o| policy.profiles.iter().any(|p| p == *o));
        let Ok(found) = resolver.resolve(&full) else {
            // Absent (or a dangling symlink): a name to keep from being created, unless its
            // owner is the program that creates it.
            if owner.is_none() {
                classifier.absent(&full, entry.group, resolver);
            }
            continue;
        };
        let links = found.links.iter().map(|(at, _)| at.clone()).collect();
        if let Some(owner) = owner {
            classifier.owned(found.path, entry, found.dir, owner);
            continue;
        }
        classifier.add(found.path, entry.group, entry.protection, found.dir, links)?;
    }
    // nono's own configuration where this run found it (a profile beside the project, a
    // moved XDG_CONFIG_HOME), unless the table's ~/.config/nono already holds it.
    for path in &policy.config {
        let held = |p: &Path| {
            classifier
                .found
                .iter()
                .any(|s| s.protects() && paths::is_within(p, &s.path))
                || classifier
                    .guards
                    .iter()
                    .any(|g| paths::is_within(p, &g.path))
        };
        match resolver.resolve(path) {
            Ok(found) if !held(&found.path) => {
                let links = found.links.iter().map(|(at, _)| at.clone()).collect();
                classifier.add(
                    found.path,
                    NONO_GROUP,
                    Protection::ReadOnly,
                    found.dir,
                    links,
                )?;
            }
            Ok(_) => {}
            Err(_) if !held(path) => classifier.absent(path, NONO_GROUP, resolver),
            Err(_) => {}
        }
    }
    for grant in grants
        .iter()
        .filter(|g| !g.file && g.access.allows(Op::Write))
    {
        let repositories = git::repositories(&grant.path, GIT_SEARCH_BUDGET).map_err(|e| {
            Error::refused(format!(
                "{} holds more than {} directories to search for git repositories (whose hooks and config must stay read-only); grant narrower directories",
                grant_label(grant),
                e.directories
            ))
        })?;
        for work_tree in repositories {
            let code = git::code_paths(&work_tree);
            for path in code.existing {
                classifier.add(
                    path.path,
                    GIT_GROUP,
                    Protection::ReadOnly,
                    path.dir,
                    Vec::new(),
                )?;
            }
            for name in code.absent {
                classifier.absent(&name, GIT_GROUP, resolver);
            }
        }
    }
    if let Some(i) = classifier.used.iter().position(|u| !u) {
        return Err(Error::refused(format!(
            "--unprotect {}: not a protected path on this machine",
            quote(&unprotect[i])
        )));
    }
    Ok(Protected {
        paths: classifier.found,
        guards: classifier.guards,
    })
}

/// The protected paths of a plan: those that exist, classified, and the names of those that
/// do not, guarded where a writable grant could create them.
pub struct Protected {
    /// Protected paths that exist.
    pub paths: Vec<SensitivePath>,
    /// Protected names that do not exist yet, inside writable grants.
    pub guards: Vec<Guard>,
}

struct Classifier<'a> {
    grants: &'a [Rule],
    unprotect: &'a [PathBuf],
    used: Vec<bool>,
    found: Vec<SensitivePath>,
    guards: Vec<Guard>,
    /// Inside another nono sandbox, whose masks this run can rely on but not add to.
    nested: bool,
}

impl Classifier<'_> {
    /// A protected path that does not exist: if a writable grant holds the deepest directory on
    /// its way, the name is guarded there (unless lifted with `--unprotect`).
    fn absent(&mut self, path: &Path, group: &str, resolver: &mut paths::Resolver) {
        let mut dir = path.to_path_buf();
        let mut rest = Vec::new();
        let found = loop {
            let Some(name) = dir.file_name().map(|n| n.to_os_string()) else {
                return;
            };
            rest.push(name);
            if !dir.pop() {
                return;
            }
            if let Ok(found) = resolver.resolve(&dir) {
                break found;
            }
        };
        if !found.dir {
            return;
        }
        let writable = self.grants.iter().any(|g| {
            g.access.allows(Op::Write) && !g.file && paths::is_within(&found.path, &g.path)
        });
        if !writable {
            return;
        }
        let mut planned = found.path.clone();
        planned.extend(rest.iter().rev());
        for (i, u) in self.unprotect.iter().enumerate() {
            if paths::is_within(&planned, u) {
                self.used[i] = true;
                return;
            }
        }
        if self.guards.iter().any(|g| g.path == planned) {
            return;
        }
        self.guards.push(Guard {
            path: planned,
            dir: found.path,
            group: group.to_string(),
            links: found.links.into_iter().map(|(at, _)| at).collect(),
        });
    }

    /// A protected path that belongs to the program of the run's profile.
    fn owned(&mut self, path: PathBuf, entry: &sensitive::Sensitive, dir: bool, owner: &str) {
        if self.found.iter().any(|s| s.path == path) {
            return;
        }
        self.found.push(SensitivePath {
            path,
            group: entry.group.to_string(),
            protection: entry.protection,
            dir,
            state: SensitiveState::Owned,
            links: Vec::new(),
            owner: Some(owner.to_string()),
        });
    }

    /// Classifies one protected path: untouched by grants, masked inside one, or lifted.
    fn add(
        &mut self,
        path: PathBuf,
        group: &str,
        protection: Protection,
        dir: bool,
        links: Vec<PathBuf>,
    ) -> Result<()> {
        if self.found.iter().any(|s| s.path == path) {
            return Ok(());
        }
        let touching: Vec<&Rule> = self
            .grants
            .iter()
            .filter(|g| reaches(g, &path) || paths::is_within(&g.path, &path))
            .collect();
        let access = touching
            .iter()
            .fold(Access::NONE, |acc, g| acc.union(g.access));
        let mut lifted = false;
        for (i, u) in self.unprotect.iter().enumerate() {
            if paths::is_within(&path, u) {
                self.used[i] = true;
                lifted = true;
            }
        }
        let state = if !conflicts(protection, access)
            || (self.nested && outer_protects(&path, protection))
        {
            SensitiveState::NotGranted
        } else if lifted {
            SensitiveState::Unprotected
        } else if let Some(inner) = touching
            .iter()
            .find(|g| paths::is_within(&g.path, &path) && conflicts(protection, g.access))
        {
            return Err(Error::refused(format!(
                "{} is protected (group {group}): add --unprotect {} to grant it anyway",
                grant_label(inner),
                quote(&path)
            )));
        } else {
            SensitiveState::Masked
        };
        self.found.push(SensitivePath {
            path,
            group: group.to_string(),
            protection,
            dir,
            state,
            links,
            owner: None,
        });
        Ok(())
    }
}

/// Whether the sandbox this run is nested in already keeps `path` protected: read-only
/// paths on a read-only mount, hidden ones replaced by an empty, mode-000 entry on a
/// read-only mount (a mask; a program cannot make one, having no mount rights).
fn outer_protects(path: &Path, protection: Protection) -> bool {
    use std::os::unix::fs::MetadataExt;
    let read_only = rustix::fs::statvfs(path)
        .is_ok_and(|s| s.f_flag.contains(rustix::fs::StatVfsMountFlags::RDONLY));
    match protection {
        Protection::ReadOnly => read_only,
        Protection::Hidden => {
            let empty = std::fs::symlink_metadata(path).is_ok_and(|m| {
                m.mode() & 0o7777 == 0
                    && (m.is_dir() && m.nlink() <= 2 || m.is_file() && m.len() == 0)
            });
            read_only && empty
        }
    }
}

/// Listening sockets the program could connect to although no rule lets it write there:
/// those the view shows (inside a read-only rule; the others are not in the view at all). A
/// socket beneath a writable rule is the program's to use (as Landlock's RESOLVE_UNIX right
/// would have it); `--allow-unix-socket` grants one more; one inside a masked directory needs
/// nothing more. On Landlock ABI 9 the kernel denies the rest itself; below it each is masked.
/// Without a view nothing can be masked: the plan lists that loss instead (see `layers`).
pub fn sockets(
    rules: &[Rule],
    granted: &[PathBuf],
    found: &[SensitivePath],
    machine: &Machine,
    resolver: &mut paths::Resolver,
) -> Vec<SensitivePath> {
    let view = machine.namespaces == crate::machine::Namespaces::Available;
    // In a view, only a socket a read-only rule holds is reachable. Rules are canonical, the
    // table's paths are as bound: a socket outside every rule by name can still lie in one
    // through a symlink, which only a grant of the user's could make likely; without such a
    // read-only grant, spare every other socket its lookups (a desktop lists hundreds).
    let read_grant = rules.iter().any(|r| {
        matches!(r.source, crate::plan::Source::Grant { .. }) && !r.access.allows(Op::Write)
    });
    machine
        .unix_sockets
        .iter()
        .filter(|s| !view || read_grant || rules.iter().any(|r| r.reaches(s)))
        .filter_map(|s| resolver.resolve(s).ok().map(|r| r.path))
        .filter(|s| crate::sockets::is_socket(s))
        .filter(|s| {
            let visible = rules.iter().any(|r| reaches(r, s));
            let writable = rules
                .iter()
                .any(|r| r.access.allows(Op::Write) && reaches(r, s));
            (visible || !view) && !writable
        })
        .filter(|s| {
            !found.iter().any(|f| {
                f.state == SensitiveState::Masked
                    && f.protection == Protection::Hidden
                    && paths::is_within(s, &f.path)
            })
        })
        .filter_map(|path| {
            let state = if granted.contains(&path) {
                SensitiveState::Unprotected
            } else if machine.landlock_abi >= 9 {
                SensitiveState::NotGranted
            } else if view {
                SensitiveState::Masked
            } else {
                return None;
            };
            Some(SensitivePath {
                path,
                group: SOCKET_GROUP.into(),
                protection: Protection::Hidden,
                dir: false,
                state,
                links: Vec::new(),
                owner: None,
            })
        })
        .collect()
}

/// Whether rule `rule` reaches `path` (the path itself or, for a directory rule, beneath it).
pub fn reaches(rule: &Rule, path: &Path) -> bool {
    rule.reaches(path)
}

/// Whether `access` on a path includes something `protection` forbids.
pub fn conflicts(protection: Protection, access: Access) -> bool {
    match protection {
        Protection::Hidden => !access.is_empty(),
        Protection::ReadOnly => access.allows(Op::Write),
    }
}

/// A grant as the user typed it.
pub fn grant_label(rule: &Rule) -> String {
    match &rule.source {
        Source::Grant { flag, given } => format!("{} {}", flag.flag(), quote(given)),
        _ => quote(&rule.path),
    }
}
