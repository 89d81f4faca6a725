//! A resolved profile plus the command line's additions -> the [`Policy`] of one run. The
//! command line only adds: flags can grant more, never take back what the profile grants.

use super::resolved::{Entry, Profile};
use crate::egress::EgressPolicy;
use crate::error::Result;
use crate::paths::{self, quote};
use crate::policy::{Grant, Policy};
use std::path::{Path, PathBuf};

/// The policy of a run: `profile` first, then `flags` (the command line's own policy).
///
/// Every path the profile names must exist (relative to `cwd`, `~` as `home`) unless it is
/// marked optional, and have the kind its key says (directory or file); otherwise the error
/// points at the line. `allow_degraded` and descriptors come from the command line only.
pub fn to_policy(profile: &Profile, flags: &Policy, home: &Path, cwd: &Path) -> Result<Policy> {
    for grant in &profile.grants {
        check_grant(grant, home, cwd)?;
    }
    for (key, list) in [
        ("unprotect", &profile.unprotect),
        ("unix_sockets", &profile.unix_sockets),
    ] {
        for entry in list {
            if !where_is(&entry.value, home, cwd).exists() {
                return Err(entry.origin.error(format!(
                    "filesystem.{key} {}: no such file or directory",
                    quote(&entry.value)
                )));
            }
        }
    }

    let mut policy = Policy {
        grants: profile.grants.iter().map(|g| g.value.clone()).collect(),
        unprotect: values(&profile.unprotect),
        unix_sockets: values(&profile.unix_sockets),
        net_block: profile.net_block.as_ref().is_some_and(|b| b.value) || flags.net_block,
        egress: EgressPolicy {
            allow: values(&profile.allow_domains),
            deny: values(&profile.deny_domains),
            cidrs: values(&profile.allow_cidrs),
        },
        testing_resolve: flags.testing_resolve.clone(),
        publish: flags.publish.clone(),
        allow_degraded: flags.allow_degraded,
        env_allow: values(&profile.env_allow),
        env_set: Vec::new(),
        keep_fds: flags.keep_fds.clone(),
        config: Vec::new(),
        program: None,
        seed: Vec::new(),
        profiles: profile
            .chain
            .iter()
            .filter_map(|at| match at {
                super::Location::BuiltIn(name) => Some(name.to_string()),
                super::Location::File(_) => None,
            })
            .collect(),
        fresh_state: Vec::new(),
        testing_without: flags.testing_without.clone(),
    };
    add_new(&mut policy.grants, &flags.grants);
    for entry in &profile.seed {
        let (path, from) = &entry.value;
        let (path, from) = (where_is(path, home, cwd), where_is(from, home, cwd));
        // Only into the profile's own writable state: a seed never writes anywhere else.
        let inside = profile.grants.iter().any(|g| {
            g.value.flag.access().allows(crate::access::Op::Write)
                && !g.value.flag.is_file()
                && paths::is_within(
                    &paths::normalize(&path),
                    &paths::normalize(&where_is(&g.value.path, home, cwd)),
                )
        });
        if !inside {
            return Err(entry.origin.error(format!(
                "filesystem.seed {}: not inside one of the profile's writable directories",
                quote(&entry.value.0)
            )));
        }
        policy.seed.push((path, from));
    }
    add_new(&mut policy.unprotect, &flags.unprotect);
    add_new(&mut policy.unix_sockets, &flags.unix_sockets);
    add_new(&mut policy.env_allow, &flags.env_allow);
    add_new(&mut policy.egress.allow, &flags.egress.allow);
    add_new(&mut policy.egress.deny, &flags.egress.deny);
    add_new(&mut policy.egress.cidrs, &flags.egress.cidrs);
    // A value given on the command line replaces the profile's.
    // `~/` at the start of a profile's value is the home, as in its paths.
    policy.env_set = profile
        .env_set
        .iter()
        .map(|e| {
            let (name, value) = e.value.clone();
            match value.strip_prefix("~/") {
                Some(rest) => (name, home.join(rest).to_string_lossy().into_owned()),
                None => (name, value),
            }
        })
        .filter(|(name, _)| !flags.env_set.iter().any(|(n, _)| n == name))
        .collect();
    policy.env_set.extend(flags.env_set.iter().cloned());
    Ok(policy)
}

fn check_grant(grant: &Entry<Grant>, home: &Path, cwd: &Path) -> Result<()> {
    let Grant {
        flag,
        path,
        optional,
        create,
    } = &grant.value;
    let key = key_of(flag.flag());
    let what = format!("filesystem.{key} {}", quote(path));
    let Ok(meta) = std::fs::metadata(where_is(path, home, cwd)) else {
        if *optional || create.is_some() {
            return Ok(()); // skipped, or made before the run (see `Plan::create`)
        }
        return Err(grant.origin.error(format!(
            "{what}: no such file or directory (mark it {{ path = \"...\", optional = true }} if it may be missing)"
        )));
    };
    match (flag.is_file(), meta.is_dir()) {
        (true, true) => {
            return Err(grant.origin.error(format!(
                "{what}: is a directory (use {})",
                key.trim_end_matches("_file")
            )))
        }
        (false, false) => {
            return Err(grant
                .origin
                .error(format!("{what}: is not a directory (use {key}_file)")))
        }
        _ => {}
    }
    if let Some(real) = followed_symlink(path, home, cwd) {
        return Err(grant.origin.error(format!(
            "{what}: leads to {} through a symlink; a profile's grant never follows a symlink out of the place it names (an earlier sandboxed run could have planted it): name {} in the profile, or grant it on the command line",
            quote(&real),
            quote(&real)
        )));
    }
    Ok(())
}

/// Where `path` really leads, if a symlink below its anchor (the home for `~/...`, the
/// current directory for a relative path) takes it elsewhere. Places a sandboxed run may
/// have written; absolute paths name system places and may follow the system's links.
fn followed_symlink(path: &Path, home: &Path, cwd: &Path) -> Option<PathBuf> {
    let (anchor, rest) = match path.strip_prefix("~") {
        Ok(rest) => (home, rest),
        Err(_) if path.is_relative() => (cwd, path),
        Err(_) => return None,
    };
    let lexical = paths::normalize(&paths::canonical(anchor).ok()?.join(rest));
    let real = paths::canonical(&where_is(path, home, cwd)).ok()?;
    (real != lexical).then_some(real)
}

/// The profile key of a grant flag: `--allow-file` -> `allow_file`.
pub(crate) fn key_of(flag: &str) -> String {
    flag.trim_start_matches("--").replace('-', "_")
}

/// Where a profile path points: `~` expanded, relative to `cwd`.
/// The directories `profile` keeps as its program's own state (its directory grants marked
/// `create = true`), absolute: what a run of that program without the profile gets new and
/// empty (see [`crate::Policy::fresh_state`]).
pub fn state_dirs(profile: &Profile, home: &Path, cwd: &Path) -> Vec<PathBuf> {
    profile
        .grants
        .iter()
        .filter(|g| g.value.create.is_some() && !g.value.flag.is_file())
        .map(|g| where_is(&g.value.path, home, cwd))
        .collect()
}

pub(crate) fn where_is(path: &Path, home: &Path, cwd: &Path) -> PathBuf {
    cwd.join(paths::expand_tilde(path, home))
}

fn values<T: Clone>(list: &[Entry<T>]) -> Vec<T> {
    list.iter().map(|e| e.value.clone()).collect()
}

fn add_new<T: Clone + PartialEq>(list: &mut Vec<T>, more: &[T]) {
    for item in more {
        if !list.contains(item) {
            list.push(item.clone());
        }
    }
}
