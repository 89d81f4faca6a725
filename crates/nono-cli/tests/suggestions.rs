//! `why` never suggests a flag nono would refuse: for random paths (with spaces, quotes,
//! newlines, missing parents, protected ones) and random grant sets, the suggested flags turn
//! DENIED into ALLOWED, in `why` and in a real run; and the suggestion's text, pasted into a
//! shell, gives exactly those flags. The cases come from a fixed seed (`NONO_TEST_SEED`
//! overrides it; a failure prints the seed and the case).

mod common;
use common::*;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The probe: does OP on PATH for real (read a file or list a directory; append to a file,
/// create one in a directory or at a missing path; run it).
const PROBE: &str = r#"
import os, subprocess, sys
op, path = sys.argv[1], sys.argv[2]
if op == "read":
    if os.path.isdir(path):
        os.listdir(path)
    else:
        open(path, "rb").read()
elif op == "write":
    if os.path.isdir(path):
        open(os.path.join(path, "written-by-probe"), "a").write("x")
    else:
        open(path, "a").write("x")
else:
    subprocess.run([path], check=True, stdout=subprocess.DEVNULL)
print("done")
"#;

struct Tree {
    /// Existing paths with the operations that make sense on them.
    existing: Vec<(PathBuf, &'static [&'static str])>,
    /// Paths that do not exist (their parents may not either): written to.
    missing: Vec<PathBuf>,
}

fn tree(f: &Fixture) -> Tree {
    let mut existing: Vec<(PathBuf, &'static [&'static str])> = Vec::new();
    let mut missing = Vec::new();
    for base in [&f.outside, &f.project] {
        for dir in ["a", "a/b", "c d", "q'uote", "nl\ndir", "ü"] {
            let d = base.join(dir);
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(d.join("f.txt"), "data").unwrap();
            let script = d.join("run.sh");
            std::fs::write(&script, "#!/bin/sh\ntrue\n").unwrap();
            std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
            existing.push((d.clone(), &["read", "write"]));
            existing.push((d.join("f.txt"), &["read", "write"]));
            existing.push((script, &["exec"]));
            missing.push(d.join("new.txt"));
            missing.push(d.join("new dir/deeper/x.txt"));
        }
    }
    // Protected paths: a secret, a read-only startup file, a name that does not exist yet.
    existing.push((f.home.join(".ssh/id_ed25519"), &["read"]));
    existing.push((f.home.join(".bashrc"), &["write"]));
    missing.push(f.home.join(".bash_profile"));
    Tree { existing, missing }
}

fn why(f: &Fixture, op: &str, target: &Path, flags: &[String]) -> serde_json::Value {
    let mut cmd = f.nono(["why", "--json", "--op", op]);
    cmd.arg(target).args(flags);
    let out = cmd.output().unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "why {op} {} {flags:?}: {}",
        target.display(),
        stderr(&out)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The words `bash` makes of `text` (`~` expanded to `home`).
fn shell_words(text: &str, home: &Path) -> Vec<String> {
    let out = Command::new("bash")
        .args(["-c", &format!("printf '%s\\0' {text}")])
        .env("HOME", home)
        .output()
        .unwrap();
    assert!(out.status.success(), "bash cannot read {text:?}");
    out.stdout
        .split(|b| *b == 0)
        .filter(|w| !w.is_empty())
        .map(|w| String::from_utf8_lossy(w).into_owned())
        .collect()
}

#[test]
fn applying_whys_suggestion_turns_a_denial_into_an_allowed_run() {
    let seed: u64 = std::env::var("NONO_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_2026);
    let mut rng = Rng(seed);
    let f = Fixture::new();
    let t = tree(&f);
    let grant_sets: Vec<Vec<String>> = vec![
        vec![],
        vec!["--allow".into(), ".".into()],
        vec!["--read".into(), f.outside.to_string_lossy().into_owned()],
        vec!["--allow".into(), f.home.to_string_lossy().into_owned()],
        vec![
            "--read-file".into(),
            f.outside.join("a/f.txt").to_string_lossy().into_owned(),
        ],
    ];
    let (mut denied, mut checked) = (0, 0);
    for case in 0..60 {
        let grants = rng.pick(&grant_sets).clone();
        let (target, op) = if rng.below(4) == 0 {
            (rng.pick(&t.missing).clone(), "write")
        } else {
            let (path, ops) = rng.pick(&t.existing);
            (path.clone(), *rng.pick(ops))
        };
        let what = format!("seed {seed} case {case}: {op} {:?} with {grants:?}", target);
        let verdict = why(&f, op, &target, &grants);
        if verdict["allowed"] == true {
            continue;
        }
        denied += 1;
        let fix_args: Vec<String> = verdict["fix_args"]
            .as_array()
            .unwrap_or_else(|| panic!("{what}: no fix: {verdict}"))
            .iter()
            .map(|a| a.as_str().unwrap().to_string())
            .collect();
        // The text is the same flags, as a shell reads it.
        let text = verdict["fix"].as_str().unwrap();
        assert_eq!(shell_words(text, &f.home), fix_args, "{what}: {text}");
        let mut flags = grants.clone();
        flags.extend(fix_args.iter().cloned());
        let again = why(&f, op, &target, &flags);
        assert_eq!(again["allowed"], true, "{what}: with {fix_args:?}: {again}");
        // A real run agrees (the bytes of the path travel as they are).
        let mut cmd = f.nono(["run"]);
        cmd.args(&flags)
            .args(["--", "/usr/bin/python3", "-c", PROBE, op])
            .arg(std::ffi::OsStr::from_bytes(target.as_os_str().as_bytes()));
        let out = cmd.output().unwrap();
        assert_eq!(
            stdout(&out),
            "done\n",
            "{what}: with {fix_args:?}: {}",
            stderr(&out)
        );
        checked += 1;
    }
    assert!(
        denied >= 20 && checked == denied,
        "{denied} denied, {checked} checked"
    );
}
