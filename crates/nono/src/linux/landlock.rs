//! Landlock, the floor of the Linux sandbox: every rule of the plan becomes a rule on an
//! inode, everything else is denied. Rights are those of the plan's ABI and no others, with
//! hard compatibility, so a right the plan counted on can never be silently dropped.

use crate::access::{Access, Op};
use crate::error::{Error, Result};
use crate::paths::quote;
use crate::plan::{Plan, Rule};
use landlock::{
    Access as _, AccessFs, AccessNet, BitFlags, CompatLevel, Compatible, PathBeneath, PathFd,
    Ruleset, RulesetAttr, RulesetCreated, RulesetCreatedAttr, RulesetStatus, Scope, ABI,
};
use std::path::Path;

/// Restricts the calling thread (and all its future children) to the plan's rules.
pub fn restrict(plan: &Plan) -> Result<()> {
    let abi = ABI::from(i32::from(plan.layers.landlock_abi));
    let handled = handled_fs(abi);
    let mut ruleset = Ruleset::default()
        .set_compatibility(CompatLevel::HardRequirement)
        .handle_access(handled)
        .map_err(landlock_error)?;
    if plan.network.blocked && !plan.layers.network_namespace && plan.layers.landlock_abi >= 4 {
        ruleset = ruleset
            .handle_access(AccessNet::from_all(ABI::V4))
            .map_err(landlock_error)?;
    }
    if plan.layers.landlock_abi >= 6 {
        ruleset = ruleset
            .scope(Scope::from_all(ABI::V6))
            .map_err(landlock_error)?;
    }
    let mut created = ruleset.create().map_err(landlock_error)?;
    for rule in &plan.rules {
        created = add(created, rule, handled)?;
    }
    // no_new_privs is already set by the process layer.
    let status = created
        .no_new_privs(false)
        .restrict_self()
        .map_err(landlock_error)?;
    if status.ruleset != RulesetStatus::FullyEnforced {
        return Err(Error::refused(format!(
            "Landlock did not fully enforce the rules ({:?})",
            status.ruleset
        )));
    }
    Ok(())
}

/// The filesystem rights nono handles at `abi`: all of them, except pathname Unix socket
/// resolution, which the plan does not model yet.
fn handled_fs(abi: ABI) -> BitFlags<AccessFs> {
    AccessFs::from_all(abi) & !BitFlags::from(AccessFs::ResolveUnix)
}

/// The Landlock rights for `access` on a file or a directory tree.
fn rights(access: Access, file: bool, handled: BitFlags<AccessFs>) -> BitFlags<AccessFs> {
    let mut rights = BitFlags::empty();
    if access.allows(Op::Read) {
        rights |= AccessFs::ReadFile | AccessFs::ReadDir | AccessFs::IoctlDev;
    }
    if access.allows(Op::Exec) {
        rights |= AccessFs::Execute;
    }
    if access.allows(Op::Write) {
        rights |= AccessFs::from_write(ABI::V5) & !BitFlags::from(AccessFs::Execute);
    }
    let rights = rights & handled;
    if file {
        rights & AccessFs::from_file(ABI::V5)
    } else {
        rights
    }
}

fn add(
    mut created: RulesetCreated,
    rule: &Rule,
    handled: BitFlags<AccessFs>,
) -> Result<RulesetCreated> {
    if rule.except.is_empty() {
        return add_path(created, &rule.path, rights(rule.access, rule.file, handled));
    }
    // Landlock cannot deny beneath an allowed directory, so a directory with exceptions is
    // granted through its entries instead, descending only towards the exceptions.
    let mut pending = vec![rule.path.clone()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir)
            .map_err(|e| Error::refused(format!("cannot list {}: {e}", quote(&dir))))?;
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            // A symlink's target is covered (or not) by rules of its own.
            if kind.is_symlink() || rule.except.iter().any(|e| e == &path) {
                continue;
            }
            if rule.except.iter().any(|e| e.starts_with(&path)) {
                pending.push(path);
            } else {
                created = add_path(created, &path, rights(rule.access, !kind.is_dir(), handled))?;
            }
        }
    }
    Ok(created)
}

fn add_path(
    created: RulesetCreated,
    path: &Path,
    rights: BitFlags<AccessFs>,
) -> Result<RulesetCreated> {
    if rights.is_empty() {
        return Ok(created);
    }
    let fd = PathFd::new(path).map_err(|e| {
        Error::refused(format!(
            "cannot open {} for a Landlock rule: {e}",
            quote(path)
        ))
    })?;
    created
        .add_rule(PathBeneath::new(fd, rights))
        .map_err(landlock_error)
}

fn landlock_error(e: impl std::fmt::Display) -> Error {
    Error::refused(format!("Landlock refused the sandbox: {e}"))
}
