//! Which protected paths exist on this machine and how the plan keeps each one protected: the
//! sensitive table (home, system and project entries), nono's own configuration, the
//! directories on `PATH` inside writable grants, the code-running parts of every git
//! repository inside one, and listening Unix sockets outside the grants.

use crate::access::{Access, Op};
use crate::error::{Error, Result};
use crate::git;
use crate::machine::Machine;
use crate::paths::{self, quote};
use crate::plan::{Guard, Rule, SensitivePath, Source};
use crate::sensitive::{self, Protection, Root};
use std::path::{Path, PathBuf};

mod classify;
mod sockets;

use classify::Classifier;
pub use sockets::sockets;

/// The group name of listening Unix sockets outside the grants.
pub const SOCKET_GROUP: &str = "unix-socket";
/// The group name of nono's own configuration (the table's `~/.config/nono` and the profile
/// files a run read).
pub const NONO_GROUP: &str = "nono";
/// The group name of the directories on `PATH` inside writable grants.
pub const PATH_GROUP: &str = "path";
/// The group name of git hooks and configuration inside writable grants.
pub const GIT_GROUP: &str = "git";
/// How many directories of a writable grant nono reads, at most, to find the repositories in
/// it (see `git::repositories`); a larger grant is refused.
const GIT_SEARCH_BUDGET: usize = 20_000;

/// Every protected path of the plan, classified against the user's grants: the sensitive
/// table, nono's own configuration, the directories on `PATH` and, in each writable grant,
/// the project files and git's code-running paths. Listening sockets are classified later,
/// against every rule ([`sockets`]).
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
        created: grants
            .iter()
            .filter(|g| !g.file && std::fs::symlink_metadata(&g.path).is_err())
            .map(|g| g.path.clone())
            .collect(),
        seen: Default::default(),
    };
    for entry in sensitive::TABLE {
        let full = match entry.root {
            Root::Home => machine.home.join(entry.path),
            Root::System => PathBuf::from(entry.path),
            Root::Project => continue, // below, in each writable grant and work tree
        };
        classifier.entry(&full, entry, &policy.profiles, resolver)?;
    }
    nono_config(&mut classifier, &policy.config, resolver)?;
    path_dirs(&mut classifier, machine, resolver)?;
    for grant in grants
        .iter()
        .filter(|g| !g.file && g.access.allows(Op::Write))
    {
        in_grant(&mut classifier, grant, &policy.profiles, resolver)?;
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

/// nono's own configuration where this run found it (a profile beside the project, a moved
/// XDG_CONFIG_HOME), unless the table's ~/.config/nono already holds it.
fn nono_config(
    classifier: &mut Classifier,
    config: &[PathBuf],
    resolver: &mut paths::Resolver,
) -> Result<()> {
    for path in config {
        let held = |c: &Classifier, p: &Path| {
            c.found
                .iter()
                .any(|s| s.protects() && paths::is_within(p, &s.path))
                || c.guards.iter().any(|g| paths::is_within(p, &g.path))
        };
        match resolver.resolve(path) {
            Ok(found) if !held(classifier, &found.path) => {
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
            Err(_) if !held(classifier, path) => classifier.absent(path, NONO_GROUP, resolver),
            Err(_) => {}
        }
    }
    Ok(())
}

/// The directories on PATH inside a writable grant: a new program there shadows a real
/// command, for the host's shells as for the sandbox's.
fn path_dirs(
    classifier: &mut Classifier,
    machine: &Machine,
    resolver: &mut paths::Resolver,
) -> Result<()> {
    let grants = classifier.grants;
    let writable = |p: &Path| {
        grants
            .iter()
            .any(|g| g.access.allows(Op::Write) && (reaches(g, p) || paths::is_within(&g.path, p)))
    };
    let on_path = machine.path_env.as_deref().map(std::env::split_paths);
    for dir in on_path.into_iter().flatten().filter(|d| d.is_absolute()) {
        match resolver.resolve(&dir) {
            Ok(found) if found.dir && writable(&found.path) => {
                let links = found.links.iter().map(|(at, _)| at.clone()).collect();
                classifier.add(found.path, PATH_GROUP, Protection::ReadOnly, true, links)?;
            }
            Ok(_) => {}
            Err(_) => classifier.absent(&dir, PATH_GROUP, resolver),
        }
    }
    Ok(())
}

/// What one writable directory grant holds that runs code later: the project files at its
/// root, in every repository inside it and in the repository it lies below the top of; and
/// git's code-running paths of those repositories and of a git directory it lies in.
fn in_grant(
    classifier: &mut Classifier,
    grant: &Rule,
    profiles: &[String],
    resolver: &mut paths::Resolver,
) -> Result<()> {
    let repositories = git::repositories(&grant.path, GIT_SEARCH_BUDGET).map_err(|e| {
        Error::refused(format!(
            "{} holds more than {} directories to search for git repositories (whose hooks and config must stay read-only); grant narrower directories",
            grant_label(grant),
            e.directories
        ))
    })?;
    let enclosing = git::enclosing_work_tree(&grant.path);
    let within = |p: &Path| paths::is_within(p, &grant.path);
    let project = sensitive::TABLE
        .iter()
        .filter(|e| matches!(e.root, Root::Project));
    let roots = std::iter::once(&grant.path)
        .chain(&repositories)
        .chain(&enclosing);
    for root in roots {
        for entry in project.clone() {
            let full = root.join(entry.path);
            if within(&full) {
                classifier.entry(&full, entry, profiles, resolver)?;
            }
        }
    }
    hiding_markers(classifier, grant, &repositories, resolver);
    // A linked worktree's common directory, granted so that its commits land, is a git
    // directory: a grant of its hooks or configuration is then refused.
    let holding = git::git_dir_holding(&grant.path).map(|g| (git::git_dir_code_paths(&g), false));
    let inside = repositories.iter().map(|r| (git::code_paths(r), false));
    let above = enclosing.iter().map(|r| (git::code_paths(r), true));
    for (code, only_within) in inside.chain(above).chain(holding) {
        for path in code.existing {
            if only_within && !within(&path.path) {
                continue;
            }
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
    Ok(())
}

/// The cache markers the repository search stops at cannot be created on the way from the
/// grant to a repository it found: planted there, they would hide the repository (and its
/// hooks) from the next run's search.
fn hiding_markers(
    classifier: &mut Classifier,
    grant: &Rule,
    repositories: &[PathBuf],
    resolver: &mut paths::Resolver,
) {
    let mut on_the_way = std::collections::BTreeSet::new();
    for repository in repositories {
        let mut dirs = repository.ancestors();
        while let Some(dir) = dirs.next().filter(|d| paths::is_within(d, &grant.path)) {
            if !on_the_way.insert(dir) {
                break; // this directory's ancestors are already on the way
            }
        }
    }
    for dir in on_the_way {
        for marker in git::CACHE_MARKERS {
            let name = dir.join(marker);
            if std::fs::symlink_metadata(&name).is_err() {
                classifier.absent(&name, GIT_GROUP, resolver);
            }
        }
    }
}

/// The protected paths of a plan: those that exist, classified, and the names of those that
/// do not, guarded where a writable grant could create them.
pub struct Protected {
    /// Protected paths that exist.
    pub paths: Vec<SensitivePath>,
    /// Protected names that do not exist yet, inside writable grants.
    pub guards: Vec<Guard>,
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
