//! How plans and verdicts look on a terminal and as JSON. No decisions are made here.

use nono::explain::describe;
use nono::plan::{EnvChange, Mount, Rule, SensitiveState, SocketPolicy, Source};
use nono::sensitive::Protection;
use nono::{display_path, Plan, Verdict};
use serde_json::json;
use std::ffi::OsString;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Pretty JSON of any serializable value.
pub fn to_json(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// The dry run as JSON: the command and the plan (the same document as the capability file).
pub fn plan_json(plan: &Plan, exe: Option<&PathBuf>, command: &[OsString]) -> String {
    let words: Vec<String> = command
        .iter()
        .map(|w| w.to_string_lossy().into_owned())
        .collect();
    let doc = json!({
        "command": words,
        "program": exe.map(|p| p.to_string_lossy().into_owned()),
        "plan": plan,
    });
    to_json(&doc) + "\n"
}

/// The dry run for people.
pub fn plan_text(plan: &Plan, exe: Option<&PathBuf>, command: &[OsString]) -> String {
    let home = &plan.home;
    let show = |p: &Path| display_path(p, home);
    let mut out = String::new();
    let words: Vec<String> = command.iter().map(|w| format!("{w:?}")).collect();
    let _ = writeln!(out, "nono plan (dry run: nothing was run)");
    let _ = writeln!(out, "command: {}", words.join(" "));
    match exe {
        Some(p) => {
            let _ = writeln!(out, "program: {}", nono::quote_path(p));
        }
        None => {
            let _ = writeln!(out, "program: not found or not executable");
        }
    }

    let _ = writeln!(out, "\ngrants:");
    let grants: Vec<&Rule> = plan
        .rules
        .iter()
        .filter(|r| matches!(r.source, Source::Grant { .. } | Source::UnixSocket))
        .collect();
    if grants.is_empty() {
        let _ = writeln!(out, "  (none: only the baseline)");
    }
    for rule in grants {
        let Source::Grant { flag, given } = &rule.source else {
            let _ = writeln!(
                out,
                "  {:<16} --allow-unix-socket {}",
                "connect",
                nono::quote_path(&rule.path)
            );
            continue;
        };
        let given_shown = nono::quote_path(given);
        let target = nono::quote_path(&rule.path);
        let resolved = if *given != rule.path {
            format!("  -> {target}")
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "  {:<16} {} {given_shown}{resolved}",
            rule.access.to_string(),
            flag.flag()
        );
        if rule.path == Path::new("/") || rule.path == *home {
            let _ = writeln!(
                out,
                "  {:<16} note: this grant covers {}; the sensitive paths below stay masked",
                "",
                if rule.path == Path::new("/") {
                    "the whole filesystem"
                } else {
                    "your home directory"
                }
            );
        }
        if let Some(c) = plan.create.iter().find(|c| c.path == rule.path) {
            let _ = writeln!(
                out,
                "  {:<16} note: does not exist yet; made before the run ({}, mode {:o} before the umask)",
                "",
                if c.dir { "directory" } else { "empty file" },
                c.mode
            );
        }
    }

    for c in plan.create.iter().filter(|c| c.from.is_some()) {
        if let Some(from) = &c.from {
            let _ = writeln!(
                out,
                "  {:<16} {} made before the run as a copy of {} (mode {:o} before the umask)",
                "seed",
                show(&c.path),
                show(from),
                c.mode
            );
        }
    }

    let _ = writeln!(out, "\nbaseline (always granted):");
    for rule in &plan.rules {
        let what = match &rule.source {
            Source::Baseline { what } => what.clone(),
            Source::Tmpdir => "temporary directory".into(),
            Source::CapFile => "capability file".into(),
            Source::Terminal => "the program's terminal".into(),
            Source::Grant { .. } | Source::UnixSocket => continue,
        };
        let from = match (&rule.mount, plan.view.is_some()) {
            (_, false) | (Mount::Host, _) => String::new(),
            (Mount::HostPath { source }, _) => format!(", from {}", nono::quote_path(source)),
            (Mount::Tmpfs, _) => ", a new tmpfs".into(),
            (Mount::Proc, _) => ", the sandbox's own processes".into(),
            (Mount::Devpts, _) => ", a new devpts instance".into(),
            (Mount::Written, _) => ", written by nono".into(),
        };
        let _ = writeln!(
            out,
            "  {:<16} {}  ({what}{from})",
            rule.access.to_string(),
            show(&rule.path)
        );
        if !rule.except.is_empty() {
            let except: Vec<String> = rule.except.iter().map(|p| show(p)).collect();
            let _ = writeln!(out, "  {:<16}   except {}", "", except.join(", "));
        }
    }

    let _ = writeln!(out, "\nsensitive paths on this machine:");
    if plan.sensitive.is_empty() {
        let _ = writeln!(out, "  (none found)");
    }
    for s in &plan.sensitive {
        let protection = match s.protection {
            Protection::Hidden => "hidden",
            Protection::ReadOnly => "read-only",
        };
        let state = match s.state {
            SensitiveState::NotGranted => "protected: not granted".to_string(),
            SensitiveState::Masked => "protected: MASKED in the view".to_string(),
            SensitiveState::Unprotected => "UNPROTECTED by --unprotect".to_string(),
            SensitiveState::Owned => format!(
                "the {} profile's own: its grants decide",
                s.owner.as_deref().unwrap_or("?")
            ),
        };
        let _ = writeln!(
            out,
            "  {:<10} {:<40} {} ({})",
            protection,
            show(&s.path),
            state,
            s.group
        );
    }

    if !plan.guards.is_empty() {
        let _ = writeln!(
            out,
            "\nprotected names that do not exist yet (refused if the program creates them):"
        );
        // One line per directory: a grant with many repositories holds thousands of names.
        let mut dirs: Vec<(&Path, Vec<&nono::plan::Guard>)> = Vec::new();
        let mut index = std::collections::HashMap::new();
        for g in &plan.guards {
            let i = *index.entry(g.dir.as_path()).or_insert_with(|| {
                dirs.push((&g.dir, Vec::new()));
                dirs.len() - 1
            });
            dirs[i].1.push(g);
        }
        for (dir, list) in dirs {
            let names: Vec<String> = list
                .iter()
                .map(|g| nono::quote_path(g.path.strip_prefix(dir).unwrap_or(&g.path)))
                .collect();
            let mut groups: Vec<&str> = list.iter().map(|g| g.group.as_str()).collect();
            groups.sort_unstable();
            groups.dedup();
            let _ = writeln!(
                out,
                "  {:<10} in {}: {} ({})",
                "guarded",
                show(dir),
                names.join(" "),
                groups.join(", ")
            );
        }
    }

    let _ = writeln!(out, "\nnetwork: {}", network_text(plan));
    let _ = writeln!(out, "\nenvironment:");
    for change in &plan.env {
        let _ = match change {
            EnvChange::Set { name, value } => writeln!(out, "  set    {name}={value}"),
            EnvChange::Remove { name, group } => writeln!(out, "  remove {name} ({group})"),
        };
    }
    if let Some(view) = &plan.view {
        let _ = writeln!(
            out,
            "\nview: only the paths above exist inside; {} hold nothing else",
            view.skeletons
                .iter()
                .map(|p| nono::quote_path(p))
                .collect::<Vec<_>>()
                .join(" and ")
        );
        for link in &view.links {
            let _ = writeln!(
                out,
                "  link  {} -> {}",
                show(&link.path),
                nono::quote_path(&link.target)
            );
        }
    }
    let private = if plan.view.is_some() {
        "a private tmpfs for this run"
    } else {
        "made fresh for this run"
    };
    let _ = writeln!(
        out,
        "\ntemporary directory: {} ({private})",
        show(&plan.tmpdir)
    );
    let system = match plan.layers.backend {
        nono::plan::Backend::Linux => "Linux",
        nono::plan::Backend::Seatbelt => "Darwin",
    };
    let _ = writeln!(out, "\nlayers ({system} {}):", plan.layers.kernel);
    for line in layer_lines(plan) {
        let _ = writeln!(out, "  {line}");
    }
    if !plan.layers.dropped.is_empty() {
        let _ = writeln!(out, "\nDROPPED PROTECTIONS (--allow-degraded):");
        for d in &plan.layers.dropped {
            let _ = writeln!(out, "  - {} (needs {})", d.protection, d.needs);
        }
    }
    out
}

fn network_text(plan: &Plan) -> String {
    let mut out = filter_text(plan);
    for port in &plan.network.published {
        let _ = write!(
            out,
            "\n  publish 127.0.0.1:{port} of the sandbox on the host's 127.0.0.1:{port} (--publish {port}), relayed by nono"
        );
    }
    out
}

fn filter_text(plan: &Plan) -> String {
    let Some(filter) = &plan.network.filter else {
        return network_mode(plan).into();
    };
    let mut out = format!(
        "filtered: a private network namespace with only its own loopback, and nono's proxy at {} (outside the sandbox) the only way out; seccomp allows only Unix, IP and routing-netlink sockets",
        filter.url()
    );
    let rules = &filter.rules;
    let lines = (rules
        .allow
        .iter()
        .map(|r| format!("allow  --allow-domain {r}")))
    .chain(
        rules
            .deny
            .iter()
            .map(|r| format!("deny   --deny-domain {r}")),
    )
    .chain(
        rules
            .cidrs
            .iter()
            .map(|c| format!("allow  --allow-cidr {c}")),
    )
    .chain(filter.testing_resolve.iter().map(|t| {
        format!(
            "TESTING ONLY: the proxy resolves {} to {}",
            t.name, t.address
        )
    }));
    for line in lines {
        let _ = write!(out, "\n  {line}");
    }
    if rules.allow.is_empty() && rules.cidrs.is_empty() {
        out.push_str("\n  (no allow rule: every destination is refused)");
    }
    out
}

fn network_mode(plan: &Plan) -> &'static str {
    match plan.network.sockets {
        SocketPolicy::Any => "allowed",
        SocketPolicy::Local => {
            "blocked: a private network namespace with only its own loopback; seccomp allows only Unix, IP and routing-netlink sockets"
        }
        SocketPolicy::UnixOnly => {
            "blocked: no network namespace available, so seccomp allows Unix sockets only (local TCP/UDP servers will not work)"
        }
    }
}

fn layer_lines(plan: &Plan) -> Vec<String> {
    let l = &plan.layers;
    if l.backend == nono::plan::Backend::Seatbelt {
        return vec![
            "Seatbelt: a deny-by-default profile generated from this plan (sandbox_init)".into(),
            "core dumps off, descriptors above 2 closed".into(),
        ];
    }
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    let mut lines = vec![
        format!(
            "Landlock ABI {} (the plan needs {}){}",
            l.landlock_abi,
            l.landlock_abi_needed,
            if plan.without("landlock") {
                " -- SWITCHED OFF FOR TESTING"
            } else {
                ""
            }
        ),
        if l.namespaces {
            "user, mount, PID and IPC namespaces: yes (the view; own /proc: other processes cannot be seen or signalled; the host's IPC is out of reach)".into()
        } else if l.nested {
            "namespaces: those of the outer nono sandbox (no new ones can be made inside it)".into()
        } else {
            "namespaces: no (Landlock alone confines the file system)".into()
        },
        format!("network namespace: {}", yes_no(l.network_namespace)),
        "no_new_privs, capabilities dropped, descriptors above 2 closed, core dumps off".into(),
    ];
    lines.push(if l.seccomp {
        seccomp_line(plan)
    } else {
        "seccomp: unavailable".into()
    });
    lines
}

#[cfg(target_os = "linux")]
fn seccomp_line(plan: &Plan) -> String {
    let calls: Vec<&str> = nono::linux::denied_syscalls().collect();
    let ioctls: Vec<&str> = nono::linux::denied_ioctls().collect();
    format!(
        "seccomp: foreign-architecture and x32 calls fail; denied: {}; ioctl {}; clone with namespace flags; personality changes{}",
        calls.join(" "),
        ioctls.join(" "),
        if plan.layers.landlock_abi < 3 { "; truncate (Landlock below ABI 3 cannot check it)" } else { "" }
    )
}

#[cfg(not(target_os = "linux"))]
fn seccomp_line(_plan: &Plan) -> String {
    "seccomp: Linux only".into()
}

/// The loud notice printed before a degraded run starts.
pub fn degraded_warning(plan: &Plan) -> String {
    let mut out = String::from(
        "nono: WARNING: running with reduced protection (--allow-degraded). Not enforced:\n",
    );
    for d in &plan.layers.dropped {
        let _ = writeln!(out, "nono:   - {} (needs {})", d.protection, d.needs);
    }
    out
}

/// `why --host` as JSON.
pub fn host_json(target: &str, decision: &nono::egress::Decision) -> String {
    to_json(&json!({
        "target": target,
        "allowed": decision.allowed,
        "reason": decision.reason,
        "fix": decision.fix,
    }))
}

/// `why --host` for people.
pub fn host_text(target: &str, decision: &nono::egress::Decision, resolved_later: bool) -> String {
    let mut out = String::new();
    let word = if decision.allowed {
        "ALLOWED"
    } else {
        "DENIED"
    };
    let _ = writeln!(out, "{word} connect {target}");
    let _ = writeln!(out, "  because: {}", decision.reason);
    if let Some(fix) = &decision.fix {
        let _ = writeln!(out, "  to allow it: {fix}");
    }
    if resolved_later {
        let _ = writeln!(
            out,
            "  note: the proxy still refuses the addresses of internal ranges the name may resolve to (loopback, private, link-local, metadata), unless --allow-cidr covers them"
        );
    }
    out
}

/// A verdict for people.
pub fn verdict_text(verdict: &Verdict, plan: &Plan) -> String {
    let mut out = String::new();
    let word = if verdict.allowed { "ALLOWED" } else { "DENIED" };
    let _ = writeln!(
        out,
        "{word} {} {}",
        verdict.op,
        nono::quote_path(&verdict.path)
    );
    let _ = writeln!(out, "  because: {}", verdict.reason);
    if let (Some(rule), false) = (&verdict.rule, verdict.allowed) {
        let _ = writeln!(out, "  nearest rule: {}", describe(rule, &plan.home));
    }
    if let Some(fix) = &verdict.fix {
        let _ = writeln!(out, "  to allow it: {fix}");
    }
    out
}
