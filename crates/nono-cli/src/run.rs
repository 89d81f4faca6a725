//! `nono run`: plan, apply, exec.

use crate::cli::RunArgs;
use crate::{policy, render};
use nono::{Error, Result};

pub fn run(args: RunArgs) -> Result<u8> {
    let machine = policy::machine(&args.sandbox)?;
    let (policy, notices) = policy::policy(&args.sandbox)?;
    let plan = nono::resolve(&policy, &machine)?;
    // clap guarantees at least one word after `--`.
    let Some((program, rest)) = args.command.split_first() else {
        return Err(Error::refused("no command given"));
    };
    for notice in notices {
        eprintln!("nono: {notice}");
    }
    let exe = nono::exec::find_program(program, machine.path_env.as_deref());
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
    if !plan.layers.dropped.is_empty() {
        eprint!("{}", render::degraded_warning(&plan));
    }
    nono::prepare::prepare(&plan)?;
    apply(&plan)?;
    let env = nono::exec::environment(&plan);
    Err(nono::exec::exec(&exe, rest, &env))
}

#[cfg(target_os = "linux")]
fn apply(plan: &nono::Plan) -> Result<()> {
    nono::linux::apply(plan)
}

#[cfg(target_os = "macos")]
fn apply(plan: &nono::Plan) -> Result<()> {
    nono::macos::apply(plan)
}

#[cfg(not(any(target_os = "linux", target_os = "macos")))]
fn apply(_plan: &nono::Plan) -> Result<()> {
    Err(Error::refused(
        "this operating system has no sandbox backend; nothing was run",
    ))
}
