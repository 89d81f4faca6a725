//! Installed programs run under a plain `--allow .`: the launcher on PATH and the tree it
//! leads into (npm's prefix, uv and pipx environments, a custom prefix), toolchain roots the
//! environment names and the roots of shim directories; and no more than that.

mod common;
use common::*;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::Path;

fn script(path: &Path, body: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// `nono run FLAGS -- COMMAND` with `path` as PATH (plus the system's) and `env` set.
fn run_with(
    f: &Fixture,
    path: &[&Path],
    env: &[(&str, &Path)],
    args: &[&str],
) -> std::process::Output {
    let mut all = vec!["run", "--allow", "."];
    all.extend_from_slice(args);
    let mut cmd = f.nono(all);
    let mut dirs: Vec<String> = path.iter().map(|p| p.display().to_string()).collect();
    dirs.push("/usr/local/bin:/usr/bin:/bin".into());
    cmd.env("PATH", dirs.join(":"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

#[test]
fn programs_installed_under_the_home_run_with_their_trees() {
    let f = Fixture::sparse();
    let h = &f.home;
    // npm with the prefix its documentation suggests, a scoped package.
    let claude = h.join(".npm-global/lib/node_modules/@anthropic-ai/claude-code");
    script(
        &claude.join("cli.js"),
        "cat \"$(dirname \"$(readlink -f \"$0\")\")/package.json\"",
    );
    std::fs::write(claude.join("package.json"), "claude-code\n").unwrap();
    std::fs::create_dir_all(h.join(".npm-global/bin")).unwrap();
    symlink(
        "../lib/node_modules/@anthropic-ai/claude-code/cli.js",
        h.join(".npm-global/bin/claude"),
    )
    .unwrap();
    // A prefix no table knows: only the program's own package joins, not its neighbours.
    let tool = h.join(".npm-packages/lib/node_modules/tool");
    let neighbour = h.join(".npm-packages/lib/node_modules/other/secret.txt");
    script(
        &tool.join("bin/tool.js"),
        &format!(
            "echo tool; cat '{}' 2>/dev/null || echo denied",
            neighbour.display()
        ),
    );
    std::fs::create_dir_all(h.join(".npm-packages/lib/node_modules/other")).unwrap();
    std::fs::write(
        h.join(".npm-packages/lib/node_modules/other/secret.txt"),
        "neighbour\n",
    )
    .unwrap();
    std::fs::create_dir_all(h.join(".npm-packages/bin")).unwrap();
    symlink(
        "../lib/node_modules/tool/bin/tool.js",
        h.join(".npm-packages/bin/tool"),
    )
    .unwrap();
    // uv's tool environment, launched from ~/.local/bin.
    script(
        &h.join(".local/share/uv/tools/aider-chat/bin/aider"),
        "echo aider",
    );
    std::fs::create_dir_all(h.join(".local/bin")).unwrap();
    symlink(
        h.join(".local/share/uv/tools/aider-chat/bin/aider"),
        h.join(".local/bin/aider"),
    )
    .unwrap();
    // A program kept in the home itself: its "tree" would be the home.
    script(&h.join("loose.sh"), "echo loose");
    symlink(h.join("loose.sh"), h.join(".local/bin/loose")).unwrap();

    let path = [
        h.join(".npm-global/bin"),
        h.join(".npm-packages/bin"),
        h.join(".local/bin"),
    ];
    let path: Vec<&Path> = path.iter().map(|p| p.as_path()).collect();
    let out = run_with(&f, &path, &[], &["--", "claude"]);
    assert_eq!(stdout(&out), "claude-code\n", "{}", stderr(&out));
    assert!(
        stderr(&out).contains("nono: tip: --profile claude-code gives claude its own state"),
        "{}",
        stderr(&out)
    );
    let out = run_with(&f, &path, &[], &["--", "aider"]);
    assert_eq!(stdout(&out), "aider\n", "{}", stderr(&out));
    let out = run_with(&f, &path, &[], &["--", "tool"]);
    assert_eq!(stdout(&out), "tool\ndenied\n", "{}", stderr(&out));
    // Control: without nono the neighbour is there to read.
    let bare = f.bare_sh(&format!(
        "cat {}",
        h.join(".npm-packages/lib/node_modules/other/secret.txt")
            .display()
    ));
    assert_eq!(stdout(&bare), "neighbour\n");
    // The loose program would need the whole home: refused as not executable, with the fix.
    let out = run_with(&f, &path, &[], &["--", "loose"]);
    assert_eq!(out.status.code(), Some(126), "{}", stderr(&out));
    // And with a profile given, no tip.
    let out = run_with(&f, &path, &[], &["--profile", "default", "--", "claude"]);
    assert!(!stderr(&out).contains("tip:"), "{}", stderr(&out));
}

#[test]
fn toolchain_roots_from_the_environment_and_shim_roots_join_the_baseline() {
    let f = Fixture::sparse();
    // pyenv outside the home, as with PYENV_ROOT: a shim that runs the manager above it.
    let pyenv = f.outside.join("pyenv");
    script(&pyenv.join("libexec/pyenv"), "echo pyenv-ran");
    script(
        &pyenv.join("shims/py"),
        &format!("exec {} \"$@\"", pyenv.join("libexec/pyenv").display()),
    );
    // CARGO_HOME: only its bin joins; its credentials stay out of reach.
    let cargo = f.outside.join("cargo");
    script(&cargo.join("bin/cargo-x"), "echo cargo-x");
    std::fs::write(cargo.join("credentials.toml"), "token = \"secret\"\n").unwrap();
    let creds = cargo.join("credentials.toml").display().to_string();
    let env = [
        ("PYENV_ROOT", pyenv.as_path()),
        ("CARGO_HOME", cargo.as_path()),
    ];
    let path = [pyenv.join("shims"), cargo.join("bin")];
    let path: Vec<&Path> = path.iter().map(|p| p.as_path()).collect();
    let out = run_with(&f, &path, &env, &["--", "py"]);
    assert_eq!(stdout(&out), "pyenv-ran\n", "{}", stderr(&out));
    let out = run_with(
        &f,
        &path,
        &env,
        &[
            "--",
            "sh",
            "-c",
            &format!("cargo-x; cat {creds} || echo denied"),
        ],
    );
    assert_eq!(stdout(&out), "cargo-x\ndenied\n", "{}", stderr(&out));
    // Control in the same conditions: without the variable and the shims on PATH, the
    // manager is out of reach.
    let plain = [cargo.join("bin")];
    let plain: Vec<&Path> = plain.iter().map(|p| p.as_path()).collect();
    let out = run_with(
        &f,
        &plain,
        &[],
        &["--", pyenv.join("shims/py").to_str().unwrap()],
    );
    assert_ne!(stdout(&out), "pyenv-ran\n", "{}", stderr(&out));
    // The dry run names each.
    let out = run_with(&f, &path, &env, &["--dry-run", "--", "py"]);
    let plan = stdout(&out);
    assert!(
        plan.contains("(the root of a shim directory on $PATH)"),
        "{plan}"
    );
    assert!(
        plan.contains("(a toolchain root the environment names)"),
        "{plan}"
    );
}

/// An agent run without its profile starts as on a new machine: each state directory its
/// profile keeps (here opencode's four, one of them nested three deep) is new, empty and
/// writable for the run, and nothing of it reaches the host; the login already on the host is
/// not in the view. `why --self` agrees. Control: the same script bare writes to the host.
#[test]
fn an_agent_without_its_profile_gets_new_empty_state_that_the_host_never_sees() {
    let f = Fixture::sparse();
    let h = &f.home;
    let share = h.join(".local/share/opencode");
    std::fs::create_dir_all(&share).unwrap();
    std::fs::write(share.join("auth.json"), "TOKEN\n").unwrap();
    let body = "for d in ~/.config/opencode ~/.local/share/opencode ~/.local/state/opencode ~/.cache/opencode; do
      mkdir -p $d/sub && echo made > $d/sub/file && cat $d/sub/file
    done
    ls -A ~/.local/share/opencode; cat ~/.local/share/opencode/auth.json 2>/dev/null || echo no login
    echo forged > ~/.local/share/opencode/auth.json && cat ~/.local/share/opencode/auth.json
    nono why --self ~/.local/share/opencode/auth.json --op write | head -1 | cut -d' ' -f1";
    let bin = f.home.join("bin");
    script(&bin.join("opencode"), body);
    let nono_dir = nono_bin().parent().unwrap().to_path_buf();
    let out = run_with(&f, &[&bin, &nono_dir], &[], &["--", "opencode"]);
    assert_eq!(
        stdout(&out),
        "made\nmade\nmade\nmade\nsub\nno login\nforged\nALLOWED\n",
        "{}",
        stderr(&out)
    );
    assert_eq!(
        read(&share.join("auth.json")),
        "TOKEN\n",
        "the host's login"
    );
    for d in [
        ".config/opencode",
        ".local/share/opencode",
        ".local/state/opencode",
        ".cache/opencode",
    ] {
        assert!(!h.join(d).join("sub").exists(), "{d} reached the host");
    }
    // The dry run says so.
    let out = run_with(&f, &[&bin], &[], &["--dry-run", "--", "opencode"]);
    assert!(
        stdout(&out).contains("~/.cache/opencode  (opencode's state, new and empty for this run"),
        "{}",
        stdout(&out)
    );
    // With a grant that reaches it, the grant decides: the host's directory.
    let out = run_with(
        &f,
        &[&bin, &nono_dir],
        &[],
        &[
            "--allow",
            &h.join(".cache").display().to_string(),
            "--",
            "opencode",
        ],
    );
    assert!(
        h.join(".cache/opencode/sub/file").exists(),
        "{}",
        stderr(&out)
    );
    // Control: bare, the same script writes to the host.
    let bare = f.bare_sh(&format!(
        "HOME={} sh {}",
        h.display(),
        bin.join("opencode").display()
    ));
    assert!(
        h.join(".config/opencode/sub/file").exists(),
        "{}",
        stderr(&bare)
    );
    assert_eq!(read(&share.join("auth.json")), "forged\n", "control");
}
