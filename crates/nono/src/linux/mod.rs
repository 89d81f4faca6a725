//! The Linux backend: applies a plan, layer by layer, in the order the kernel requires
//! (namespaces and the view, process hygiene, `no_new_privs`, Landlock, seccomp).
//!
//! The caller must be single-threaded: Landlock and the namespaces bind only the calling
//! thread, and the program is exec'd from it.

mod egress;
mod fdpass;
mod guard;
mod landlock;
mod namespace;
mod notify;
mod process;
mod publish;
mod seccomp;
mod supervise;
mod sys;
mod view;
mod walk;

use crate::error::{Error, Result};
use crate::plan::Plan;

pub use egress::EgressProxy;
pub use publish::{Inside, Publisher};

/// Applies every layer of `plan`. Without a view, returns in this process, which must then
/// exec `program`. With a view, `program` is exec'd as the second process of new namespaces
/// and nono itself stays outside as its supervisor (see the `supervise` module), returning
/// only the error that stopped the sandbox from being built. On error nothing has been
/// exec'd and the caller must exit without running the program. `cap_file` is the plan's JSON form, for the view's copy.
/// `proxy` serves a filtered network (the plan's [`crate::plan::Filter`]), from nono outside;
/// a filtered plan without one is refused. `publisher` relays the plan's published ports
/// ([`crate::plan::Network::published`]) from the host; a plan that publishes without one
/// is refused.
pub fn apply(
    plan: &Plan,
    cap_file: &[u8],
    proxy: Option<&mut dyn EgressProxy>,
    publisher: Option<&mut dyn Publisher>,
    program: &crate::exec::Prepared,
) -> Result<()> {
    let filter = plan.network.filter.as_ref();
    if filter.is_some() && (proxy.is_none() || !plan.layers.network_namespace) {
        return Err(Error::refused(
            "a filtered network needs nono's proxy and a network namespace of its own",
        ));
    }
    let publishes = !plan.network.published.is_empty();
    if publishes && (publisher.is_none() || !plan.layers.network_namespace || plan.view.is_none()) {
        return Err(Error::refused(
            "--publish needs nono's relay and a network namespace of the program's own",
        ));
    }
    if plan.view.is_none() {
        let privileged = rustix::process::geteuid().is_root();
        return confine(plan, privileged);
    }
    let (uid, gid) = crate::machine::probe::ids();
    let proxy = if filter.is_some() { proxy } else { None };
    // Worked out here, before the init is forked: what a new process allocates first lands on
    // pages it shares with its parent, and each costs it a copy.
    let steps = view::steps(plan);
    let guard = guard::NameGuard::new(plan);
    let publisher = if publishes { publisher } else { None };
    supervise::in_namespaces(plan, proxy, publisher, program, |_report, to_outside| {
        namespace::map_ids(uid, gid)?;
        // The init holds the pipe to nono outside: the program, its child in the same
        // Landlock domain, must not reach it through /proc/1/fd. (Not before the id maps,
        // which a process that is not dumpable cannot write.)
        process::not_dumpable()?;
        let network = plan
            .layers
            .network_namespace
            .then(namespace::Network::start)
            .transpose()?;
        view::build(plan, &steps, cap_file)?;
        if let Some(network) = network {
            network.enter()?;
        }
        if let (Some(filter), Some(to_outside)) = (filter, to_outside) {
            egress::hand_over(filter, to_outside)?;
        }
        confine(plan, true)?;
        Ok((!guard.is_empty()).then_some(guard))
    })
}

/// The layers of the process that runs the program (with a view: its init, whose only
/// child the program is): hygiene, capabilities, `no_new_privs`, Landlock, seccomp.
fn confine(plan: &Plan, privileged: bool) -> Result<()> {
    process::close_inherited_fds(&plan.keep_fds)?;
    process::no_core_dumps()?;
    process::drop_capabilities(privileged)?;
    process::no_new_privs()?;
    if !plan.without("landlock") {
        landlock::restrict(plan)?;
    }
    if plan.layers.seccomp {
        seccomp::install(seccomp::Filter::for_plan(plan))?;
    }
    Ok(())
}

/// Names of the system calls the seccomp layer denies, for `--dry-run`.
pub fn denied_syscalls() -> impl Iterator<Item = &'static str> {
    seccomp::DENIED.iter().map(|d| d.name)
}

/// Names of the ioctl requests the seccomp layer denies, for `--dry-run`.
pub fn denied_ioctls() -> impl Iterator<Item = &'static str> {
    seccomp::DENIED_IOCTLS.iter().map(|d| d.0)
}
