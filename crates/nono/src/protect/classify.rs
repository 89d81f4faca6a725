//! Classifying one protected path against the grants: untouched, masked, lifted, its
//! owner's, or refused; and guarding one that does not exist yet.

use super::{conflicts, grant_label, reaches};
use crate::access::Access;
use crate::access::Op;
use crate::error::{Error, Result};
use crate::paths::{self, quote};
use crate::plan::{Guard, Rule, SensitivePath, SensitiveState};
use crate::sensitive::{self, Protection};
use std::path::{Path, PathBuf};

pub(super) struct Classifier<'a> {
    pub(super) grants: &'a [Rule],
    pub(super) unprotect: &'a [PathBuf],
    pub(super) used: Vec<bool>,
    pub(super) found: Vec<SensitivePath>,
    pub(super) guards: Vec<Guard>,
    /// Inside another nono sandbox, whose masks this run can rely on but not add to.
    pub(super) nested: bool,
    /// Directory grants that do not exist yet and are made before the run.
    pub(super) created: Vec<PathBuf>,
    /// The paths of `found` and `guards`, each once (a grant with hundreds of repositories
    /// holds thousands of names).
    pub(super) seen: std::collections::HashSet<PathBuf>,
}

impl Classifier<'_> {
    /// A protected path that does not exist: if a writable grant holds the deepest directory on
    /// its way, the name is guarded there (unless lifted with `--unprotect`).
    pub(super) fn absent(&mut self, path: &Path, group: &str, resolver: &mut paths::Resolver) {
        let mut dir = path;
        let mut rest = Vec::new();
        let created;
        let found = loop {
            let Some((parent, name)) = paths::split_last(dir) else {
                return;
            };
            rest.push(name);
            dir = parent;
            match resolver.resolve_dir(dir) {
                Some(Ok(id)) => break resolver.dir(id),
                Some(Err(_)) => return, // not a directory: nothing can be created in it
                None => {}
            }
            // A directory grant the run makes before it starts (`create`): the name will be
            // created in it, so it is guarded there.
            if self.created.is_empty() {
                continue;
            }
            let planned = paths::canonical_or_planned(dir);
            if self.created.contains(&planned) {
                created = paths::Resolved {
                    path: planned,
                    dir: true,
                    links: Vec::new(),
                };
                break &created;
            }
        };
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
        if !self.seen.insert(planned.clone()) {
            return;
        }
        self.guards.push(Guard {
            path: planned,
            dir: found.path.clone(),
            group: group.to_string(),
            links: found.links.iter().map(|(at, _)| at.clone()).collect(),
        });
    }

    /// One entry of the table at `full`: classified if it exists, guarded if not, unless one
    /// of the run's `profiles` owns it.
    pub(super) fn entry(
        &mut self,
        full: &Path,
        entry: &sensitive::Sensitive,
        profiles: &[String],
        resolver: &mut paths::Resolver,
    ) -> Result<()> {
        let owner = entry
            .owners
            .iter()
            .find(|o| profiles.iter().any(|p| p == *o));
        let Ok(found) = resolver.resolve(full) else {
            // Absent (or a dangling symlink): a name to keep from being created, unless its
            // owner is the program that creates it.
            if owner.is_none() {
                self.absent(full, entry.group, resolver);
            }
            return Ok(());
        };
        if let Some(owner) = owner {
            self.owned(found.path, entry, found.dir, owner);
            return Ok(());
        }
        let links = found.links.iter().map(|(at, _)| at.clone()).collect();
        self.add(found.path, entry.group, entry.protection, found.dir, links)
    }

    /// A protected path that belongs to the program of the run's profile.
    pub(super) fn owned(
        &mut self,
        path: PathBuf,
        entry: &sensitive::Sensitive,
        dir: bool,
        owner: &str,
    ) {
        if !self.seen.insert(path.clone()) {
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
    pub(super) fn add(
        &mut self,
        path: PathBuf,
        group: &str,
        protection: Protection,
        dir: bool,
        links: Vec<PathBuf>,
    ) -> Result<()> {
        if !self.seen.insert(path.clone()) {
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
