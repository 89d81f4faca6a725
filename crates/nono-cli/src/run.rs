//! `nono run`: plan, apply, exec.

use crate::cli::RunArgs;
use crate::{policy, render};
use nono::exec::Prepared;
use nono::machine::Namespaces;
use nono::{Error, ErrorKind, Op, Plan, Result};
use std::path::Path;

pub fn run(args: RunArgs) -> Result<u8> {
    let mut machine = policy::machine(&args.sandbox)?;
    let (mut policy, notices) = policy::policy(&args.sandbox)?;
    // clap guarantees at least one word after `--`.
    let Some((program, rest)) = args.command.split_first() else {
        return Err(Error::refused("no command given"));
    };
    let exe = nono::exec::find_program(program, machine.path_env.as_deref());
    // A command found on PATH (not one named by its path): its launcher's tree may join.
    if !program.as_encoded_bytes().contains(&b'/') {
        policy.program = exe.as_ref().ok().cloned();
    }
    let agent = args
        .sandbox
        .profile
        .is_none()
        .then(|| nono::profile::profile_for_command(program))
        .flatten();
    if let Some(name) = agent {
        let at = crate::profile_cmd::locations()?;
        let profile = nono::profile::load(name, &at)?;
        policy.fresh_state = nono::profile::state_dirs(&profile, &at.home, &at.cwd)
            .into_iter()
            .map(|dir| (dir, name.to_string()))
            .collect();
    }
    let mut plan = nono::resolve(&policy, &machine)?;
    for notice in notices {
        eprintln!("nono: {notice}");
    }
    if args.net_log.is_some() && plan.network.filter.is_none() {
        return Err(crate::egress::not_filtered());
    }
    if let (Some(profile), false) = (agent, args.dry_run) {
        eprintln!(
            "nono: tip: --profile {profile} gives {} its own state (login, settings, history); without it, it starts as on a new machine and keeps nothing",
            nono::quote_path(std::path::Path::new(program))
        );
    }
    if args.dry_run {
        let text = if args.json {
            render::plan_json(&plan, exe.as_ref().ok(), &args.command)
        } else {
            render::plan_text(&plan, exe.as_ref().ok(), &args.command)
        };
        print!("{text}");
        return exe.map(|_| 0);
    }
    let exe = exe?;
    let mut proxy = crate::egress::Proxy::for_plan(&plan, args.net_log.as_deref())?;
    // Before anything is made or run: a published port the host cannot give stops the run.
    let mut relay = crate::publish::Relay::for_plan(&plan)?;
    let program = loop {
        executable_inside(&plan, &exe, &machine.cwd)?;
        warn(&plan, &machine.cwd);
        // Once: a plan made again below finds them.
        for line in nono::prepare::create(&plan)? {
            eprintln!("nono: {line}");
        }
        let cap_file = nono::prepare::prepare(&plan)?;
        let program = Prepared::new(&exe, rest, &nono::exec::environment(&plan))?;
        match apply(&plan, &cap_file, proxy.as_mut(), relay.as_mut(), &program) {
            // No view: this process execs the program (with one, it already has).
            Ok(()) => break program,
            // The kernel or a security module would not let the view be built: plan again
            // without it, which refuses unless --allow-degraded accepts the loss.
            Err(e) if e.kind == ErrorKind::NoNamespaces => {
                machine.namespaces = Namespaces::Unavailable(e.message);
                plan = nono::resolve(&policy, &machine)?;
            }
            Err(e) => return Err(e),
        }
    };
    Err(program.exec())
}

/// Refuses, before anything is built, a program the sandbox would not let run, with the rule
/// and the flag that would (exit 126, as a program that cannot be executed).
fn executable_inside(plan: &Plan, exe: &Path, cwd: &Path) -> Result<()> {
    let verdict = nono::explain(plan, exe, Op::Exec, cwd);
    if verdict.allowed {
        return Ok(());
    }
    let fix = verdict
        .fix
        .map(|f| format!(" (to allow it: {f})"))
        .unwrap_or_default();
    Err(Error {
        kind: ErrorKind::NotExecutable,
        message: format!(
            "cannot execute {} in the sandbox: {}{fix}",
            nono::quote_path(exe),
            verdict.reason
        ),
    })
}

/// The loud notices before a run with less than every protection.
fn warn(plan: &Plan, cwd: &Path) {
    for (grant, rule) in plan.redirected_grants(cwd) {
        eprintln!(
            "nono: {grant} leads to {} through a symlink",
            nono::quote_path(&rule.path)
        );
    }
    if !plan.layers.dropped.is_empty() {
        eprint!("{}", render::degraded_warning(plan));
    }
    for layer in &plan.layers.testing_without {
        eprintln!("nono: TESTING ONLY: the {layer} layer is switched off");
    }
    for name in plan.network.filter.iter().flat_map(|f| &f.testing_resolve) {
        eprintln!(
            "nono: TESTING ONLY: the proxy resolves {} to {} instead of asking DNS",
            name.name, name.address
        );
    }
}

/// What nono outside serves for the sandbox while the program runs.
type Proxy<'a> = Option<&'a mut crate::egress::Proxy>;
type Relay<'a> = Option<&'a mut crate::publish::Relay>;

#[cfg(target_os = "linux")]
fn apply(
    plan: &Plan,
    cap_file: &[u8],
    proxy: Proxy,
    relay: Relay,
    program: &Prepared,
) -> Result<()> {
    nono::linux::apply(
        plan,
        cap_file,
        proxy.map(|p| p as &mut dyn nono::linux::EgressProxy),
        relay.map(|r| r as &mut dyn nono::linux::Publisher),
        program,
    )
}

#[cfg(target_os = "macos")]
fn apply(
    plan: &Plan,
    _cap_file: &[u8],
    _proxy: Proxy,
    _relay: Relay,
    _program: &Prepared,
) -> Result<()> {
    nono::macos::apply(plan)
}

#[cfg(not(any(target_os = "linux", target_os = "macos")))]
fn apply(
    _plan: &Plan,
    _cap_file: &[u8],
    _proxy: Proxy,
    _relay: Relay,
    _program: &Prepared,
) -> Result<()> {
    Err(Error::refused(
        "this operating system has no sandbox backend; nothing was run",
    ))
}
