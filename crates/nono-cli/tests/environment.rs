//! Every documented environment pattern (docs/security.md, "Environment variables") in a real
//! sandboxed child: a variable that matches the pattern, and no other, is set for nono and
//! must be absent from the program's environment, while an unmatched twin arrives; the control
//! is the same run with `--env-allow` for each, where all of them arrive.

mod common;
use common::*;

/// Whether `name` matches a documented pattern: `*TEXT*` contains, `*TEXT` ends with, `TEXT`
/// is; names are compared in upper case.
fn matches(pattern: &str, name: &str) -> bool {
    let name = name.to_ascii_uppercase();
    match (pattern.strip_prefix('*'), pattern.strip_suffix('*')) {
        (Some(rest), Some(_)) => name.contains(rest.trim_end_matches('*')),
        (Some(suffix), None) => name.ends_with(suffix),
        _ => name == pattern,
    }
}

/// A variable name that `pattern` matches.
fn probe_name(pattern: &str) -> String {
    match (pattern.strip_prefix('*'), pattern.strip_suffix('*')) {
        (Some(rest), Some(_)) => format!("NONO_PROBE{}X", rest.trim_end_matches('*')),
        (Some(suffix), None) => format!("NONO_PROBE{suffix}"),
        _ => pattern.to_string(),
    }
}

const TWIN: &str = "NONO_PROBE_KEPT";

/// `(name, group)` of one probe variable per documented pattern, in upper and lower case.
fn probe_variables() -> Vec<(String, String)> {
    let patterns = documented("Environment variables");
    let mut names = Vec::new();
    for row in &patterns {
        let name = probe_name(&row[0]);
        // Matched by this pattern alone: otherwise removing the pattern from the table would
        // change nothing, and no test could notice.
        let matching: Vec<&str> = patterns
            .iter()
            .filter(|p| matches(&p[0], &name))
            .map(|p| p[0].as_str())
            .collect();
        assert_eq!(matching, [row[0].as_str()], "{name} is matched by");
        names.push((name.to_ascii_lowercase(), row[1].clone()));
        names.push((name, row[1].clone()));
    }
    assert!(!patterns.iter().any(|p| matches(&p[0], TWIN)));
    names
}

/// The program's environment under `nono run --allow . FLAGS -- env`, every probe variable
/// and the twin set for nono.
fn environment(f: &Fixture, flags: &[String]) -> String {
    let mut cmd = f.nono(["run", "--allow", "."]);
    cmd.args(flags).args(["--", "/usr/bin/env"]);
    for (name, _) in probe_variables() {
        cmd.env(&name, format!("value-of-{name}"));
    }
    let out = cmd.env(TWIN, "kept").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
}

fn has(env: &str, name: &str) -> bool {
    env.lines().any(|l| l == format!("{name}=value-of-{name}"))
}

#[test]
fn every_documented_pattern_is_removed_and_env_allow_keeps_it() {
    let f = Fixture::new();
    let variables = probe_variables();
    let env = environment(&f, &[]);
    assert!(
        env.lines().any(|l| l == "NONO_PROBE_KEPT=kept"),
        "control: {env}"
    );
    for (name, _) in &variables {
        let set = format!("{name}=");
        assert!(
            !env.lines().any(|l| l.starts_with(&set)),
            "{name} reached the program"
        );
    }
    // The plan names each removal with its documented group.
    let plan = environment(&f, &["--dry-run".into()]);
    for (name, group) in &variables {
        let line = format!("remove {name} ({group})");
        assert!(plan.contains(&line), "{line:?} missing from:\n{plan}");
    }
    // Positive control in the same conditions: kept explicitly, every one arrives.
    let keep: Vec<String> = variables
        .iter()
        .flat_map(|(name, _)| ["--env-allow".to_string(), name.clone()])
        .collect();
    let env = environment(&f, &keep);
    for (name, _) in &variables {
        assert!(has(&env, name), "control: {name} missing from:\n{env}");
    }
}
