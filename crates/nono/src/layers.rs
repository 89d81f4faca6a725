//! Which Linux kernel layers a plan uses, and what this kernel cannot give: the namespaces
//! that masks and `--net-block` need, Landlock's ABI, seccomp, and the fail-closed refusal
//! (or, with `--allow-degraded`, the list of dropped protections).

use crate::error::{Error, Result};
use crate::machine::Machine;
use crate::paths::quote;
use crate::plan::{Backend, Dropped, Layers, Rule, SensitivePath, SensitiveState, Source};
use crate::policy::Policy;
use crate::protect::{self, reaches};
use std::path::Path;

/// The Linux layers: namespaces where masks or `--net-block` need them, Landlock and
/// seccomp, and the protections this kernel cannot give (a refusal unless accepted).
pub fn linux(
    policy: &Policy,
    machine: &Machine,
    sensitive: &[SensitivePath],
    rules: &[Rule],
) -> Result<Layers> {
    let masked: Vec<&SensitivePath> = sensitive
        .iter()
        .filter(|s| s.state == SensitiveState::Masked)
        .collect();
    if let (Some(first), false) = (masked.first(), machine.user_namespaces) {
        let path = quote(&first.path);
        if first.group == protect::SOCKET_GROUP {
            return Err(Error::refused(format!(
                "the Unix socket {path} listens outside the grants, and without user namespaces (or Landlock ABI 9) nothing can keep the program from connecting to it; allow it explicitly with --allow-unix-socket {path}"
            )));
        }
        let grant = covering_grant(rules, &first.path);
        return Err(Error::refused(format!(
            "{grant} would expose {path} (group {}), and user namespaces are unavailable to mask it; narrow the grant or add --unprotect {path}",
            first.group
        )));
    }
    let network_namespace = policy.net_block && machine.user_namespaces;
    let mount_namespace = !masked.is_empty() || network_namespace;
    let (landlock_abi_needed, dropped) =
        kernel_gaps(policy, machine, network_namespace, mount_namespace);
    if !dropped.is_empty() && !policy.allow_degraded {
        let list: Vec<String> = dropped
            .iter()
            .map(|d| format!("{} (needs {})", d.protection, d.needs))
            .collect();
        return Err(Error::refused(format!(
            "this kernel (Linux {}, Landlock ABI {}) cannot enforce: {}. Add --allow-degraded to run without these protections",
            machine.kernel,
            machine.landlock_abi,
            list.join("; ")
        )));
    }

    Ok(Layers {
        backend: Backend::Linux,
        kernel: machine.kernel.clone(),
        landlock_abi: machine.landlock_abi,
        landlock_abi_needed,
        mount_namespace,
        pid_namespace: mount_namespace,
        network_namespace,
        seccomp: machine.seccomp,
        dropped,
    })
}

/// The Landlock ABI the plan needs, and the protections this kernel cannot give.
fn kernel_gaps(
    policy: &Policy,
    machine: &Machine,
    network_namespace: bool,
    pid_namespace: bool,
) -> (u8, Vec<Dropped>) {
    let mut needs: Vec<(u8, &str)> = Vec::new();
    if !machine.seccomp {
        // With seccomp, truncate(2) is denied below ABI 3 instead.
        needs.push((3, "truncation of files outside write grants"));
    }
    if !pid_namespace {
        // In a PID namespace, processes outside cannot even be named.
        needs.push((6, "signals to processes outside the sandbox"));
    }
    if !network_namespace {
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
        if policy.net_block && !network_namespace {
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
