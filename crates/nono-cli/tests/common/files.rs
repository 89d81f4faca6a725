//! The file probe (`probes/files.py`) run in sandboxed children: each path read and written,
//! the outcomes by path, and what landed on the host.

use super::*;
use std::collections::HashMap;

/// The probe: reads and writes each path it is given (see its header).
const FILES: &str = include_str!("../probes/files.py");
const PY: &str = "/usr/bin/python3";
/// How a read may be refused: a mask or Landlock (EACCES), a path absent from the
/// sandbox's view (ENOENT), EPERM.
pub const DENIED_READ: &[&str] = &["EACCES", "EPERM", "ENOENT"];
/// How a write may be refused: as a read, or a read-only mount (EROFS).
pub const DENIED_WRITE: &[&str] = &["EACCES", "EPERM", "ENOENT", "EROFS"];
/// How a write to a path that stays readable may be refused.
pub const READ_ONLY_WRITE: &[&str] = &["EACCES", "EPERM", "EROFS"];

/// What the probe could do with one path: `ok:CONTENT` or an errno name, `ok` or an errno name.
pub struct Attempt {
    pub read: String,
    pub write: String,
}

/// The probe's argument for one path.
pub fn target(dir: bool, path: &Path) -> String {
    format!("{}:{}", if dir { "d" } else { "f" }, path.display())
}

/// The probe's arguments for `entries`, and for their twins when `twins`.
pub fn targets(entries: &[Sensitive], twins: bool) -> Vec<String> {
    let mut all: Vec<String> = entries.iter().map(|e| target(e.dir, &e.path)).collect();
    if twins {
        all.extend(entries.iter().map(|e| target(e.dir, &e.twin)));
    }
    all
}

/// `nono run FLAGS -- python3 files.py`.
pub fn files_probe(f: &Fixture, flags: &[String]) -> Command {
    let mut cmd = f.nono(["run"]);
    cmd.args(flags).args(["--", PY, "-c", FILES]);
    cmd
}

/// `python3 files.py` without nono.
pub fn bare_files_probe() -> Command {
    let mut cmd = Command::new(PY);
    cmd.args(["-c", FILES]);
    cmd
}

/// Runs the probe `cmd` on `targets`; the attempts by path.
pub fn attempts(mut cmd: Command, targets: &[String]) -> HashMap<String, Attempt> {
    let out = cmd.args(targets).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "the probe failed: {}",
        stderr(&out)
    );
    let found: HashMap<String, Attempt> = stdout(&out)
        .lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let field = |k: &str| v[k].as_str().unwrap().to_string();
            let attempt = Attempt {
                read: field("read"),
                write: field("write"),
            };
            (field("path"), attempt)
        })
        .collect();
    assert_eq!(found.len(), targets.len(), "{}", stdout(&out));
    found
}

pub fn key(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// The content of a seeded path on the host (of `secret` in a directory).
pub fn host(dir: bool, path: &Path) -> String {
    read(&if dir {
        path.join("secret")
    } else {
        path.to_path_buf()
    })
}

/// Whether the probe's write landed on the host.
pub fn planted(dir: bool, path: &Path) -> bool {
    if dir {
        path.join("planted").exists()
    } else {
        host(false, path).ends_with("planted\n")
    }
}

/// Asserts that `what` was refused with one of the errnos in `list`.
pub fn assert_refused(list: &[&str], got: &str, what: &str) {
    assert!(
        list.contains(&got),
        "{what}: {got}, expected one of {list:?}"
    );
}

/// Asserts the outcome for the protected path `e` and its twin in `got`: a hidden path neither
/// read nor written, a read-only one read (`content`) but not written, nothing changed on the
/// host; the twin read and written, the write landed.
pub fn assert_protected(e: &Sensitive, got: &HashMap<String, Attempt>, content: &str) {
    let (entry, twin) = (&got[&key(&e.path)], &got[&key(&e.twin)]);
    let what = &e.documented;
    if e.hidden {
        assert_refused(DENIED_READ, &entry.read, &format!("{what} read"));
        assert_refused(DENIED_WRITE, &entry.write, &format!("{what} write"));
    } else {
        assert_eq!(entry.read, format!("ok:{content}"), "{what} stays readable");
        assert_refused(READ_ONLY_WRITE, &entry.write, &format!("{what} write"));
    }
    assert_eq!(host(e.dir, &e.path), content, "{what} changed on the host");
    assert!(!planted(e.dir, &e.path), "{what}: a write landed");
    // The positive control in the same run.
    let twin_content = format!("ok:{}", e.twin_content());
    assert_eq!(twin.read, twin_content, "twin of {what}");
    assert_eq!(twin.write, "ok", "twin of {what}");
    assert!(planted(e.dir, &e.twin), "twin of {what}: the write landed");
}
