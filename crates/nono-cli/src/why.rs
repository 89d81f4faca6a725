//! `nono why`: the verdict of a plan on one path.

use crate::cli::{OpArg, SandboxArgs, WhyArgs};
use crate::{policy, render};
use nono::{Error, Op, Plan, Result};

pub fn why(args: WhyArgs) -> Result<u8> {
    let plan = if args.from_self {
        if args.sandbox != SandboxArgs::default() {
            return Err(Error::refused(
                "--self answers from the running sandbox's own plan and takes no grant flags",
            ));
        }
        own_plan()?
    } else {
        let machine = policy::machine(&args.sandbox)?;
        nono::resolve(&policy::policy(&args.sandbox)?.0, &machine)?
    };
    if let Some(host) = &args.host {
        return host_verdict(&plan, host, args.json);
    }
    let Some(path) = &args.path else {
        return Err(Error::refused("why: give a PATH or --host HOST[:PORT]"));
    };
    let op = match args.op {
        OpArg::Read => Op::Read,
        OpArg::Write => Op::Write,
        OpArg::Exec => Op::Exec,
    };
    let cwd = std::env::current_dir()
        .map_err(|e| Error::refused(format!("cannot read the current directory: {e}")))?;
    let verdict = if args.from_self {
        nono::explain_inside(&plan, path, op, &cwd)
    } else {
        nono::explain(&plan, path, op, &cwd)
    };
    if args.json {
        println!("{}", render::to_json(&verdict));
    } else {
        print!("{}", render::verdict_text(&verdict, &plan));
    }
    Ok(if verdict.allowed { 0 } else { 1 })
}

/// `why --host HOST[:PORT]`: the plan's network decision, the one nono's proxy makes. Without
/// a port, 443 (what HTTPS clients ask for).
fn host_verdict(plan: &Plan, host: &str, json: bool) -> Result<u8> {
    let (name, port) =
        nono::egress::split_port(host).map_err(|e| Error::refused(format!("--host {e}")))?;
    let port = port.unwrap_or(443);
    let decision = plan.network.decide(name, port);
    let (target, by_name) = match nono::egress::normalize_host(name) {
        Ok(host) => (
            host.with_port(port),
            matches!(host, nono::egress::Host::Name(_)),
        ),
        Err(_) => (format!("{}:{port}", name.escape_default()), false),
    };
    if json {
        println!("{}", render::host_json(&target, &decision));
    } else {
        // An allowed name still meets the proxy's address check when it is resolved.
        let resolved_later = by_name && decision.allowed && plan.network.filter.is_some();
        print!("{}", render::host_text(&target, &decision, resolved_later));
    }
    Ok(if decision.allowed { 0 } else { 1 })
}

/// The plan of the sandbox this process runs in, from its capability file.
fn own_plan() -> Result<Plan> {
    let Some(path) = std::env::var_os("NONO_CAP_FILE") else {
        return Err(Error::refused(
            "--self: not inside a nono sandbox (NONO_CAP_FILE is not set)",
        ));
    };
    let text = std::fs::read(&path).map_err(|e| {
        Error::refused(format!(
            "--self: cannot read the capability file {}: {e}",
            nono::quote_path(path.as_ref())
        ))
    })?;
    serde_json::from_slice(&text).map_err(|e| {
        Error::refused(format!(
            "--self: the capability file {} is not a nono plan: {e}",
            nono::quote_path(path.as_ref())
        ))
    })
}
