//! `nono why` must agree with what the kernel really does. For a table of paths and
//! operations, the verdict of `why` (from outside, with the run's flags) and of `why --self`
//! (inside, from the capability file) must both equal the outcome of really trying.

mod common;
use common::*;
use std::os::unix::fs::PermissionsExt;

struct Case {
    name: &'static str,
    path: String,
    op: &'static str,
}

/// A shell command that performs `op` on `path` and exits 0 only if the kernel allowed it.
fn probe(op: &str, path: &str) -> String {
    let q = format!("'{path}'");
    match op {
        "read" => {
            format!("if [ -d {q} ]; then ls {q} >/dev/null; else head -c 1 {q} >/dev/null; fi")
        }
        "write" => format!(
            "if [ -d {q} ]; then : > {q}/.why-probe && rm -f {q}/.why-probe; else : >> {q}; fi"
        ),
        "exec" => format!("{q} >/dev/null"),
        _ => unreachable!(),
    }
}

fn cases(f: &Fixture) -> Vec<Case> {
    let sibling = f.home.join("sibling");
    std::fs::create_dir_all(&sibling).unwrap();
    std::fs::write(sibling.join("file.txt"), "sibling").unwrap();
    let tool = f.project.join("tool.sh");
    std::fs::write(&tool, "#!/bin/sh\ntrue\n").unwrap();
    std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o755)).unwrap();
    let outside_tool = f.outside.join("tool.sh");
    std::fs::copy(&tool, &outside_tool).unwrap();
    let link_in = f.outside.join("link-in");
    std::os::unix::fs::symlink(f.project.join("file.txt"), &link_in).unwrap();
    let link_out = f.project.join("link-out");
    std::os::unix::fs::symlink(f.outside.join("file.txt"), &link_out).unwrap();
    let s = |p: std::path::PathBuf| p.to_string_lossy().into_owned();
    let mut cases = Vec::new();
    let mut add = |name: &'static str, path: String, ops: &[&'static str]| {
        for op in ops {
            cases.push(Case {
                name,
                path: path.clone(),
                op,
            });
        }
    };
    add("granted dir", s(f.project.clone()), &["read", "write"]);
    add(
        "file beneath grant",
        s(f.project.join("file.txt")),
        &["read", "write"],
    );
    add(
        "new file beneath grant",
        s(f.project.join("new.txt")),
        &["write"],
    );
    add("script beneath grant", s(tool), &["exec"]);
    add(
        "sibling of grant",
        s(sibling.join("file.txt")),
        &["read", "write"],
    );
    add("sibling dir", s(sibling), &["read", "write"]);
    add(
        "outside file",
        s(f.outside.join("file.txt")),
        &["read", "write"],
    );
    add("outside script", s(outside_tool), &["exec"]);
    add("symlink into grant", s(link_in), &["read", "write"]);
    add("symlink out of grant", s(link_out), &["read", "write"]);
    add(
        "ssh key",
        s(f.home.join(".ssh/id_ed25519")),
        &["read", "write"],
    );
    add("aws dir", s(f.home.join(".aws")), &["read", "write"]);
    add("shell rc", s(f.home.join(".bashrc")), &["read", "write"]);
    add(
        "absent protected name",
        s(f.home.join(".bash_profile")),
        &["write"],
    );
    add("baseline config", "/etc/hosts".into(), &["read", "write"]);
    add(
        "baseline program",
        "/usr/bin/true".into(),
        &["read", "exec"],
    );
    add("baseline dir", "/usr".into(), &["write"]);
    add("shadow", "/etc/shadow".into(), &["read"]);
    // The view: directories are listed, so what the skeleton holds matches what Landlock
    // allows; nono's own file systems stand in for the host's.
    add("the root", "/".into(), &["read"]);
    add("system configuration", "/etc".into(), &["read"]);
    add("on the way to a grant", s(f.root.clone()), &["read"]);
    add("devices", "/dev".into(), &["read"]);
    add("null device", "/dev/null".into(), &["read", "write"]);
    add("private temporary directory", "/tmp".into(), &["write"]);
    add("kernel objects", "/sys/kernel/mm".into(), &["read"]);
    add("own processes", "/proc/self/status".into(), &["read"]);
    cases
}

fn check(flags: &[&str]) {
    let f = Fixture::new();
    let cases = cases(&f);
    let bin = nono_bin().to_string_lossy().into_owned();

    // Outside: `nono why` with the run's flags.
    let mut outer = Vec::new();
    for case in &cases {
        let mut args = vec!["why", "--json", "--op", case.op];
        args.extend_from_slice(flags);
        args.push(&case.path);
        let out = f.nono(&args).output().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| panic!("why failed for {}: {}", case.name, stderr(&out)));
        outer.push(v["allowed"].as_bool().unwrap());
    }

    // Inside: really try each operation, and ask `why --self` from the capability file.
    let mut script = String::new();
    for (i, case) in cases.iter().enumerate() {
        script.push_str(&format!(
            "( {} ) 2>/dev/null; p=$?; '{bin}' why --self --op {} '{}' >/dev/null; echo \"{i} $p $?\"\n",
            probe(case.op, &case.path),
            case.op,
            case.path
        ));
    }
    let out = f.run_sh(flags, &script);
    assert_eq!(child_code(&out), 0, "{}", stderr(&out));
    let lines: Vec<String> = stdout(&out).lines().map(String::from).collect();
    assert_eq!(
        lines.len(),
        cases.len(),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    let mut mismatches = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let fields: Vec<i32> = lines[i].split(' ').map(|x| x.parse().unwrap()).collect();
        let really = fields[1] == 0;
        let inner = fields[2] == 0;
        assert!(fields[2] <= 1, "why --self failed for {}", case.name);
        if really != outer[i] || really != inner {
            mismatches.push(format!(
                "{} ({} {}): kernel {}, why {}, why --self {}",
                case.name, case.op, case.path, really, outer[i], inner
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "why disagrees with enforcement:\n{}",
        mismatches.join("\n")
    );
    // The table must exercise both verdicts, or it proves nothing.
    assert!(outer.iter().any(|a| *a) && outer.iter().any(|a| !*a));
    let _ = std::fs::remove_file("/usr/.why-probe");
}

#[test]
fn why_matches_enforcement_for_a_project_grant() {
    check(&["--allow", "."]);
}

#[test]
fn why_matches_enforcement_for_a_home_grant_with_masks() {
    check(&["--allow", "~"]);
}

#[test]
fn why_matches_enforcement_for_read_and_write_only_grants() {
    check(&["--read", "~", "--write", "/tmp"]);
}

#[test]
fn why_matches_enforcement_for_a_read_grant_of_the_root() {
    check(&["--read", "/", "--allow", "."]);
}

#[test]
fn why_matches_enforcement_without_the_view() {
    check(&["--allow", ".", "--simulate-no-userns", "--allow-degraded"]);
}
