//! `why`: the verdict of a plan on one path and operation, the rule that decided it, and the
//! flag that would change it. It reads only the plan, the same plan the backend enforces.

use crate::access::{Access, Op};
use crate::paths::{self, quote};
use crate::plan::{GrantFlag, Plan, Rule, SensitivePath, SensitiveState, Source};
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
    /// The flags that would change a denial, or why it cannot be changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
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
            fix: Some(if entry.group == crate::protect::SOCKET_GROUP {
                format!(
                    "--allow-unix-socket {}",
                    paths::display(&entry.path, &plan.home)
                )
            } else {
                format!(
                    "only by lifting the protection: --unprotect {} (and a grant that covers it)",
                    paths::display(&entry.path, &plan.home)
                )
            }),
            path: target,
            op,
            allowed: false,
            rule: None,
            sensitive: Some(entry.clone()),
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
                fix: Some(format!("only by lifting the protection: --unprotect {}", shell_word(&name))),
                path: target,
                op,
                allowed: false,
                rule: None,
                sensitive: None,
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
            fix: Some(suggest(&target, &plan.home, op.into())),
            path: target,
            op,
            allowed: false,
            rule: None,
            sensitive: None,
        };
    }
    if !plan.in_view(&target, from_host) {
        return Verdict {
            reason: format!("{shown} is not in the sandbox's view: no rule holds it"),
            fix: Some(suggest(&target, &plan.home, op.into())),
            path: target,
            op,
            allowed: false,
            rule: None,
            sensitive: None,
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
                fix: Some(suggest(&target, &plan.home, bind.access.union(op.into()))),
                path: target,
                op,
                allowed: false,
                rule: Some(bind.clone()),
                sensitive: None,
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
    Verdict {
        fix: Some(suggest(&target, &plan.home, held.union(op.into()))),
        reason,
        path: target,
        op,
        allowed: false,
        rule: nearest,
        sensitive: None,
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

fn suggest(target: &Path, home: &Path, access: Access) -> String {
    // An existing file gets a file grant; a directory its own grant; a path still to be
    // created needs rights on the directory that will hold it.
    let (grant_path, file) = if target.is_dir() {
        (target.to_path_buf(), false)
    } else if target.exists() {
        (target.to_path_buf(), true)
    } else {
        (
            target.parent().unwrap_or(Path::new("/")).to_path_buf(),
            false,
        )
    };
    let flag = GrantFlag::smallest_for(access, file);
    format!(
        "{} {}",
        flag.flag(),
        shell_word(&paths::display(&grant_path, home))
    )
}

/// Quotes a word for a POSIX shell when it needs quoting.
pub fn shell_word(word: &str) -> String {
    let plain = word
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-~+,:@%".contains(c));
    if plain && !word.is_empty() {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}
