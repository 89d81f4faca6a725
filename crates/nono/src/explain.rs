//! `why`: the verdict of a plan on one path and operation, the rule that decided it, and the
//! flag that would change it. It reads only the plan, the same plan the backend enforces.

use crate::access::{Access, Op};
use crate::fix::{self, Fix};
use crate::paths::{self, quote};
use crate::plan::{Plan, Rule, SensitivePath, SensitiveState, Source};
use crate::sensitive::Protection;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The answer to "may the sandboxed program do `op` on `path`?".
#[derive(Clone, Debug, Serialize)]
pub struct Verdict {
    /// The path as the kernel sees it (symlinks resolved).
    #[serde(with = "crate::pathser")]
    pub path: PathBuf,
    /// The operation asked about.
    pub op: Op,
    /// The verdict.
    pub allowed: bool,
    /// What decided it, in one sentence.
    pub reason: String,
    /// The rule that allowed it, or the nearest rule that covers the path without the right.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<Rule>,
    /// The sensitive path that decided it, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sensitive: Option<SensitivePath>,
    /// The flags that would change a denial, as one line to paste into a shell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// The same flags as arguments, for tools.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fix_args: Vec<String>,
}

/// Explains `op` on `path` (absolute, or relative to `cwd`; `~` is the plan's home), asked
/// from the host: what the plan's sandbox would let its program do there.
pub fn explain(plan: &Plan, path: &Path, op: Op, cwd: &Path) -> Verdict {
    verdict(plan, path, op, cwd, true)
}

/// The same, asked from inside the sandbox the plan describes (`nono why --self`): paths are
/// those of the view.
pub fn explain_inside(plan: &Plan, path: &Path, op: Op, cwd: &Path) -> Verdict {
    verdict(plan, path, op, cwd, false)
}

fn verdict(plan: &Plan, path: &Path, op: Op, cwd: &Path, from_host: bool) -> Verdict {
    let expanded = paths::expand_tilde(path, &plan.home);
    let (target, links) = paths::follow(&cwd.join(expanded));
    let shown = paths::display(&target, &plan.home);

    if let Some(entry) = protecting(plan, &target, op) {
        let what = match entry.protection {
            Protection::Hidden => "hidden",
            Protection::ReadOnly => "read-only",
        };
        let how = match (entry.state, entry.group == crate::protect::SOCKET_GROUP) {
            (SensitiveState::Masked, true) => "a listening socket outside the grants, masked",
            (SensitiveState::Masked, false) => "masked even though a grant covers it",
            _ => "not granted",
        };
        return Verdict {
            reason: format!(
                "{} is a sensitive path (group {}): {what}, {how}",
                paths::display(&entry.path, &plan.home),
                entry.group
            ),
            ..denied(
                plan,
                target.clone(),
                op,
                if entry.group == crate::protect::SOCKET_GROUP {
                    Fix::default().with("--allow-unix-socket", &entry.path)
                } else {
                    fix::suggest(plan, &target, op.into())
                },
            )
            .about(entry)
        };
    }

    if op == Op::Write {
        if let Some(guard) = plan
            .guards
            .iter()
            .find(|g| paths::is_within(&target, &g.path))
        {
            let name = paths::display(&guard.path, &plan.home);
            return Verdict {
                reason: format!(
                    "{name} is a protected name (group {}) that does not exist yet: the sandbox refuses to create it",
                    guard.group
                ),
                ..denied(plan, target.clone(), op, fix::suggest(plan, &target, op.into()))
            };
        }
    }
    let hidden_link = links.iter().find(|l| !plan.in_view(l, from_host));
    if let Some(link) = hidden_link {
        return Verdict {
            reason: format!(
                "the symlink {} on the way is not in the sandbox's view",
                paths::display(link, &plan.home)
            ),
            ..denied(
                plan,
                target.clone(),
                op,
                fix::suggest(plan, &target, op.into()),
            )
        };
    }
    if !plan.in_view(&target, from_host) {
        return Verdict {
            reason: format!("{shown} is not in the sandbox's view: no rule holds it"),
            ..denied(
                plan,
                target.clone(),
                op,
                fix::suggest(plan, &target, op.into()),
            )
        };
    }

    let reaching: Vec<&Rule> = plan.rules.iter().filter(|r| covers(r, &target)).collect();
    let most_specific = |rules: &mut dyn Iterator<Item = &&Rule>| {
        rules
            .max_by_key(|r| r.path.components().count())
            .map(|r| (*r).clone())
    };
    if let Some(rule) = most_specific(&mut reaching.iter().filter(|r| r.access.allows(op))) {
        if let Some(bind) = plan.view_forbids(&target, op) {
            let how = if op == Op::Write {
                "read-only"
            } else {
                "without execute"
            };
            return Verdict {
                reason: format!(
                    "the view holds {shown} from {}, mounted {how}",
                    describe(bind, &plan.home)
                ),
                rule: Some(bind.clone()),
                ..denied(
                    plan,
                    target.clone(),
                    op,
                    fix::suggest(plan, &target, bind.access.union(op.into())),
                )
            };
        }
        let lifted = lifted(plan, &target);
        let note = match lifted {
            Some(s) if s.state == SensitiveState::Owned => format!(
                " ({} is sensitive, group {}, and the {} profile's own)",
                paths::display(&s.path, &plan.home),
                s.group,
                s.owner.as_deref().unwrap_or("run's")
            ),
            Some(s) => format!(
                " ({} is sensitive, group {}, and its protection is lifted by --unprotect)",
                paths::display(&s.path, &plan.home),
                s.group
            ),
            None => String::new(),
        };
        return Verdict {
            reason: format!("{op} allowed by {}{note}", describe(&rule, &plan.home)),
            path: target,
            op,
            allowed: true,
            rule: Some(rule),
            sensitive: lifted.cloned(),
            fix: None,
            fix_args: Vec::new(),
        };
    }
    let nearest = most_specific(&mut reaching.iter());
    let held = reaching.iter().fold(Access::NONE, |a, r| a.union(r.access));
    let reason = match &nearest {
        Some(rule) => format!(
            "{} grants only {} here, not {op}",
            describe(rule, &plan.home),
            rule.access
        ),
        None => match excluded_by(plan, &target) {
            Some(rule) => format!("{} is carved out of {}", shown, describe(rule, &plan.home)),
            None => format!("no rule grants {op} on {shown}"),
        },
    };
    let fix = fix::suggest(plan, &target, held.union(op.into()));
    Verdict {
        reason,
        rule: nearest,
        ..denied(plan, target, op, fix)
    }
}

/// A denial of `op` on `target`, with `fix`; the caller says why.
fn denied(plan: &Plan, target: PathBuf, op: Op, fix: Fix) -> Verdict {
    Verdict {
        path: target,
        op,
        allowed: false,
        reason: String::new(),
        rule: None,
        sensitive: None,
        fix: Some(fix.text(&plan.home)),
        fix_args: fix.args(),
    }
}

impl Verdict {
    fn about(mut self, entry: &SensitivePath) -> Verdict {
        self.sensitive = Some(entry.clone());
        self
    }
}

/// The sensitive path holding `target` whose protection does not hold in this run.
fn lifted<'a>(plan: &'a Plan, target: &Path) -> Option<&'a SensitivePath> {
    plan.sensitive
        .iter()
        .filter(|s| !s.protects() && paths::is_within(target, &s.path))
        .max_by_key(|s| s.path.components().count())
}

/// The sensitive path that forbids `op` on `target`, unless the user lifted it.
fn protecting<'a>(plan: &'a Plan, target: &Path, op: Op) -> Option<&'a SensitivePath> {
    plan.sensitive
        .iter()
        .filter(|s| s.protects() && paths::is_within(target, &s.path))
        .filter(|s| match s.protection {
            Protection::Hidden => true,
            Protection::ReadOnly => op == Op::Write,
        })
        .max_by_key(|s| s.path.components().count())
}

/// Whether `rule` covers `target`, exceptions included.
/// A directory with exceptions is granted through its entries (see the Landlock backend):
/// neither it nor a directory on the way to an exception has a rule of its own.
pub fn covers(rule: &Rule, target: &Path) -> bool {
    if rule.file {
        return rule.path == target;
    }
    paths::is_within(target, &rule.path)
        && !rule
            .except
            .iter()
            .any(|e| paths::is_within(target, e) || paths::is_within(e, target))
}

fn excluded_by<'a>(plan: &'a Plan, target: &Path) -> Option<&'a Rule> {
    plan.rules.iter().find(|r| {
        paths::is_within(target, &r.path) && r.except.iter().any(|e| paths::is_within(target, e))
    })
}

/// A rule in words: `--allow ~/proj`, `the baseline (system configuration)`.
pub fn describe(rule: &Rule, home: &Path) -> String {
    match &rule.source {
        Source::Grant { flag, given } => format!("{} {}", flag.flag(), quote(given)),
        Source::Baseline { what } => format!(
            "the baseline ({what}: {})",
            paths::display(&rule.path, home)
        ),
        Source::Tmpdir => format!(
            "the run's temporary directory {}",
            paths::display(&rule.path, home)
        ),
        Source::CapFile => "the capability file".to_string(),
        Source::UnixSocket => format!("--allow-unix-socket {}", paths::display(&rule.path, home)),
        Source::Terminal => "the program's terminal".to_string(),
    }
}

pub use crate::fix::shell_word;
