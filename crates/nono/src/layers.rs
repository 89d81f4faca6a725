//! Which Linux kernel layers a plan uses, and what this kernel cannot give: the namespaces
//! that hold the view (and the network namespace of `--net-block`), Landlock's ABI, seccomp,
//! and the fail-closed refusal (or, with `--allow-degraded`, the list of dropped protections).

use crate::error::{Error, Result};
use crate::machine::{Machine, Namespaces};
use crate::paths::quote;
use crate::plan::{Backend, Dropped, Layers, Rule, SensitivePath, SensitiveState, Source};
use crate::policy::Policy;
use crate::protect::{self, reaches};
use std::path::Path;

/// The Linux layers: the namespaces and view whenever the kernel lets nono make them,
/// Landlock and seccomp always, and the protections this kernel cannot give (a refusal unless
/// accepted with `--allow-degraded`).
pub fn linux(
    policy: &Policy,
    machine: &Machine,
    sensitive: &[SensitivePath],
    guards: &[crate::plan::Guard],
    rules: &[Rule],
) -> Result<Layers> {
    let view = machine.namespaces == Namespaces::Available;
    if !view {
        refuse_unmaskable(machine, sensitive, rules)?;
    }
    if policy.filters_network() && !view {
        return Err(refuse_filter(machine));
    }
    let network_namespace = policy.needs_network_namespace() && view;
    let (landlock_abi_needed, mut dropped) = kernel_gaps(policy, machine, view);
    if let Namespaces::Unavailable(cause) = &machine.namespaces {
        dropped.extend(
            view_losses(machine, guards, rules)
                .into_iter()
                .map(|protection| Dropped {
                    protection,
                    needs: "user namespaces".into(),
                }),
        );
        if !policy.allow_degraded {
            return Err(Error::refused(format!(
                "{cause}; nono builds the sandbox's own view of the file system in user namespaces. {}, or add --allow-degraded to run without: {}",
                way_out(cause),
                list(&dropped)
            )));
        }
    }
    if !dropped.is_empty() && !policy.allow_degraded {
        return Err(Error::refused(format!(
            "this kernel (Linux {}, Landlock ABI {}) cannot enforce: {}. Add --allow-degraded to run without these protections",
            machine.kernel,
            machine.landlock_abi,
            list(&dropped)
        )));
    }

    Ok(Layers {
        backend: Backend::Linux,
        kernel: machine.kernel.clone(),
        landlock_abi: machine.landlock_abi,
        landlock_abi_needed,
        namespaces: view,
        network_namespace,
        seccomp: machine.seccomp,
        nested: machine.namespaces == Namespaces::Nested,
        testing_without: policy.testing_without.clone(),
        dropped,
    })
}

/// Filtered mode without a network namespace: refused, even with `--allow-degraded`. Without
/// one the proxy would be advice the program may ignore, and a filter that can be walked
/// around is no weaker form of one.
fn refuse_filter(machine: &Machine) -> Error {
    let cause = match &machine.namespaces {
        Namespaces::Nested => "inside another nono sandbox no new network namespace can be made",
        Namespaces::Unavailable(cause) => cause,
        Namespaces::Available => "network namespaces are unavailable",
    };
    Error::refused(format!(
        "a filtered network (--allow-domain, --deny-domain, --allow-cidr) needs a network namespace of its own, so that nono's proxy is the only way out, and {cause}; --allow-degraded cannot run it unfiltered. Use --net-block to block the network instead"
    ))
}

/// The dropped protections, grouped by what each group needs.
fn list(dropped: &[Dropped]) -> String {
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for d in dropped {
        match groups.iter_mut().find(|(needs, _)| *needs == d.needs) {
            Some((_, items)) => items.push(&d.protection),
            None => groups.push((&d.needs, vec![&d.protection])),
        }
    }
    let parts: Vec<String> = groups
        .into_iter()
        .map(|(needs, items)| format!("{} (needs {needs})", items.join("; ")))
        .collect();
    parts.join("; ")
}

/// How the user can get the namespaces back, for the cause found.
fn way_out(cause: &str) -> &'static str {
    if cause.contains("AppArmor") || cause.contains("may not mount") {
        "Install the AppArmor profile for nono (see the README, \"AppArmor\")"
    } else if cause.contains("sysctl") {
        "Enable them with that sysctl"
    } else {
        "Run nono where user namespaces are allowed"
    }
}

/// Without a view, a protected path that a grant covers cannot be masked: nono refuses rather
/// than expose it, even with `--allow-degraded` (a secret is never a reduced protection).
fn refuse_unmaskable(machine: &Machine, sensitive: &[SensitivePath], rules: &[Rule]) -> Result<()> {
    let Some(first) = sensitive
        .iter()
        .find(|s| s.state == SensitiveState::Masked && s.group != protect::SOCKET_GROUP)
    else {
        return Ok(());
    };
    let path = quote(&first.path);
    let why = match &machine.namespaces {
        Namespaces::Nested => "inside another nono sandbox no new mask can be made".to_string(),
        Namespaces::Unavailable(cause) => format!("{cause}, so it cannot be masked"),
        Namespaces::Available => return Ok(()),
    };
    let grant = covering_grant(rules, &first.path);
    Err(Error::refused(format!(
        "{grant} would expose {path} (group {}), and {why}; narrow the grant or add --unprotect {path}",
        first.group
    )))
}

/// What a run without the view loses, named for this plan.
fn view_losses(machine: &Machine, guards: &[crate::plan::Guard], rules: &[Rule]) -> Vec<String> {
    let mut lost = Vec::new();
    if let Some(first) = guards.first() {
        // Only the view's init can refuse a name: without it they can be created.
        lost.push(format!(
            "protected names that do not exist yet in the writable grants ({} of them, e.g. {})",
            guards.len(),
            quote(&first.path)
        ));
    }
    lost.extend([
        "metadata changes (mode, owner, times, extended attributes, ACLs) of files outside the grants".to_string(),
        "directory watches (inotify) on paths outside the grants".to_string(),
        "System V IPC and POSIX message queues of the host".to_string(),
        "other processes: their command lines in /proc and their resource limits (prlimit)".to_string(),
        "other terminals in /dev/pts".to_string(),
    ]);
    if machine.landlock_abi < 9 {
        let outside: Vec<&Path> = machine
            .unix_sockets
            .iter()
            .map(|s| s.as_path())
            .filter(|s| crate::sockets::is_socket(s))
            .filter(|s| {
                !rules
                    .iter()
                    .any(|r| reaches(r, s) && r.access.allows(crate::access::Op::Write))
            })
            .collect();
        let example = outside
            .first()
            .map(|s| format!(", e.g. {}", quote(s)))
            .unwrap_or_default();
        lost.push(format!(
            "pathname Unix sockets outside the grants ({} listening now{example})",
            outside.len()
        ));
    }
    lost
}

/// The Landlock ABI the plan needs, and the protections this kernel cannot give.
fn kernel_gaps(policy: &Policy, machine: &Machine, view: bool) -> (u8, Vec<Dropped>) {
    let mut needs: Vec<(u8, &str)> = Vec::new();
    if !machine.seccomp {
        // With seccomp, truncate(2) is denied below ABI 3 instead.
        needs.push((3, "truncation of files outside write grants"));
    }
    if !view {
        // In a PID namespace, processes outside cannot even be named.
        needs.push((6, "signals to processes outside the sandbox"));
    }
    if !(policy.needs_network_namespace() && view) {
        // Abstract sockets belong to a network namespace; without a private one, only
        // Landlock's scope keeps the host's out of reach.
        needs.push((
            6,
            "connections to abstract Unix sockets outside the sandbox",
        ));
    }
    let needed = needs.iter().map(|n| n.0).max().unwrap_or(1);
    let mut dropped: Vec<Dropped> = needs
        .into_iter()
        .filter(|(abi, _)| *abi > machine.landlock_abi)
        .map(|(abi, protection)| Dropped {
            protection: protection.into(),
            needs: format!("Landlock ABI {abi}"),
        })
        .collect();
    if !machine.seccomp {
        let mut lost = vec![
            "terminal injection (TIOCSTI, TIOCLINUX)",
            "kernel attack surface (io_uring, bpf, keyrings, ptrace, mounts, modules)",
            "system calls of foreign architectures",
        ];
        if policy.net_block && !view {
            lost.push("blocking network sockets (--net-block)");
        }
        dropped.extend(lost.into_iter().map(|protection| Dropped {
            protection: protection.into(),
            needs: "seccomp filters (CONFIG_SECCOMP_FILTER)".into(),
        }));
    }
    (needed, dropped)
}

/// The user's grant that covers `path`, as typed.
fn covering_grant(rules: &[Rule], path: &Path) -> String {
    rules
        .iter()
        .find(|r| matches!(r.source, Source::Grant { .. }) && reaches(r, path))
        .map(protect::grant_label)
        .unwrap_or_else(|| quote(path))
}
