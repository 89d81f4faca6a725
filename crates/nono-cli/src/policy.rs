//! From command-line flags to the library's policy and machine.

use crate::cli::SandboxArgs;
use nono::egress::EgressPolicy;
use nono::{Error, Grant, GrantFlag, Machine, Policy, Result};

/// The policy the flags describe, on top of `--profile` if given, and the profile's lines that
/// lift a protection (to print before a run starts). Plain runs never read a profile.
pub fn policy(args: &SandboxArgs) -> Result<(Policy, Vec<String>)> {
    let flags = flags_policy(args)?;
    match &args.profile {
        Some(spec) => crate::profile_cmd::with_profile(spec, &flags),
        None => {
            let mut policy = flags;
            // Not read by this run, but by a later one that names a profile.
            policy.config = vec![crate::profile_cmd::locations()?.user_dir];
            Ok((policy, Vec::new()))
        }
    }
}

fn flags_policy(args: &SandboxArgs) -> Result<Policy> {
    let lists = [
        (GrantFlag::Allow, &args.allow),
        (GrantFlag::Read, &args.read),
        (GrantFlag::Write, &args.write),
        (GrantFlag::AllowFile, &args.allow_file),
        (GrantFlag::ReadFile, &args.read_file),
        (GrantFlag::WriteFile, &args.write_file),
    ];
    let egress = EgressPolicy::from_flags(&args.allow_domain, &args.deny_domain, &args.allow_cidr)
        .map_err(Error::refused)?;
    Ok(Policy {
        grants: lists
            .iter()
            .flat_map(|(flag, paths)| {
                paths.iter().map(|p| {
                    let mut grant = Grant::new(*flag, p.clone());
                    // A writable directory that does not exist yet is made (`--allow ./target`
                    // in a fresh project), as `mkdir` would make it; a read grant of a missing
                    // path stays an error.
                    if !flag.is_file() && flag.access().allows(nono::Op::Write) {
                        grant.create = Some(0o777);
                    }
                    grant
                })
            })
            .collect(),
        unprotect: args.unprotect.clone(),
        unix_sockets: args.allow_unix_socket.clone(),
        net_block: args.net_block,
        egress,
        testing_resolve: args.testing_resolve.clone(),
        publish: args.publish.clone(),
        allow_degraded: args.allow_degraded,
        env_allow: args.env_allow.clone(),
        env_set: args.env_set.clone(),
        keep_fds: args.keep_fd.clone(),
        profiles: Vec::new(),
        config: Vec::new(),
        program: None,
        seed: Vec::new(),
        fresh_state: Vec::new(),
        testing_without: args
            .testing_without
            .iter()
            .map(|l| l.name().to_string())
            .collect(),
    })
}

/// This machine, as the flags ask nono to see it (the testing flags can only lower it).
pub fn machine(args: &SandboxArgs) -> Result<Machine> {
    let mut machine = Machine::detect()?;
    if let Some(abi) = args.simulate_abi {
        if abi > machine.landlock_abi {
            return Err(Error::refused(format!(
                "--simulate-abi {abi}: the kernel offers only Landlock ABI {}",
                machine.landlock_abi
            )));
        }
        machine.landlock_abi = abi;
    }
    if args.simulate_no_userns {
        machine.namespaces = nono::machine::Namespaces::Unavailable(
            "user namespaces are unavailable (simulated by --simulate-no-userns)".into(),
        );
    }
    if args.simulate_no_seccomp {
        machine.seccomp = false;
    }
    Ok(machine)
}
