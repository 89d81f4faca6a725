//! Listening Unix sockets outside the grants.

use super::{reaches, SOCKET_GROUP};
use crate::access::Op;
use crate::machine::Machine;
use crate::paths;
use crate::plan::{Rule, SensitivePath, SensitiveState};
use crate::sensitive::Protection;
use std::path::PathBuf;

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
