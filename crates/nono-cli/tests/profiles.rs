//! Profiles end to end: every built-in resolves, validates and plans; the toolchain profiles
//! run their toolchain under the sandbox; each agent profile lets a fake agent use its own
//! state and nothing of the others'; user profiles extend; bad input is pointed at; a profile
//! the run could rewrite is refused; lifted protections are printed.

mod common;
use common::*;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BUILT_IN: &[&str] = &[
    "default",
    "claude-code",
    "codex",
    "gemini-cli",
    "opencode",
    "aider",
    "goose",
    "rust",
    "node",
    "python",
    "go",
];

/// `nono ARGS` in the fixture, with user profiles read from the fixture's home only.
fn nono(f: &Fixture, args: &[&str]) -> Command {
    let mut cmd = f.nono(args);
    cmd.env_remove("XDG_CONFIG_HOME");
    cmd
}

fn output(mut cmd: Command) -> Output {
    cmd.output().unwrap()
}

/// `nono run FLAGS -- sh -c SCRIPT`, user profiles from the fixture's home.
fn run_sh(f: &Fixture, flags: &[&str], script: &str) -> Output {
    let mut args = vec!["run"];
    args.extend_from_slice(flags);
    args.extend_from_slice(&["--", "/bin/sh", "-c", script]);
    output(nono(f, &args))
}

fn user_dir(f: &Fixture) -> PathBuf {
    f.home.join(".config/nono/profiles")
}

/// Writes the user profile NAME.
fn user_profile(f: &Fixture, name: &str, text: &str) -> PathBuf {
    std::fs::create_dir_all(user_dir(f)).unwrap();
    let path = user_dir(f).join(format!("{name}.toml"));
    std::fs::write(&path, text).unwrap();
    path
}

/// Writes a profile file outside every grant.
fn outside_profile(f: &Fixture, file: &str, text: &str) -> String {
    let path = f.outside.join(file);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

/// Asserts a refusal: exit 125, exactly one line `nono: MESSAGE`, and the marker the command
/// would have created does not exist.
fn assert_refused(out: &Output, message: &str, marker: &Path) {
    assert_eq!(out.status.code(), Some(125), "{}", stderr(out));
    assert_eq!(stderr(out), format!("nono: {message}\n"));
    assert!(!marker.exists(), "the command must not run");
}

#[test]
fn every_built_in_profile_is_listed_shown_validated_and_planned() {
    let f = Fixture::new();
    let list = output(nono(&f, &["profile", "list"]));
    assert_eq!(list.status.code(), Some(0), "{}", stderr(&list));
    for name in BUILT_IN {
        let line = stdout(&list)
            .lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .map(str::to_string);
        assert!(
            line.is_some_and(|l| l.len() > 20),
            "{name} in:\n{}",
            stdout(&list)
        );

        let show = output(nono(&f, &["profile", "show", name]));
        assert_eq!(show.status.code(), Some(0), "{name}: {}", stderr(&show));
        let shown = stdout(&show);
        assert!(shown.starts_with(&format!(
            "# nono profile {name}, resolved from: {name} (built-in)\n"
        )));

        // What `show` prints is itself a valid profile.
        let file = outside_profile(&f, &format!("{name}.toml"), &shown);
        let validate = output(nono(&f, &["profile", "validate", &file]));
        assert_eq!(stdout(&validate), "ok\n", "{name}: {}", stderr(&validate));
        assert_eq!(validate.status.code(), Some(0));

        let plan = output(nono(
            &f,
            &["run", "--profile", name, "--dry-run", "--", "true"],
        ));
        assert_eq!(plan.status.code(), Some(0), "{name}: {}", stderr(&plan));
        let grants_project = stdout(&plan).contains("--allow .  -> ");
        assert_eq!(
            grants_project,
            *name != "default",
            "{name}:\n{}",
            stdout(&plan)
        );
    }
}

#[test]
fn the_default_profile_is_plain_nono_run() {
    let f = Fixture::new();
    let plain = output(nono(
        &f,
        &["run", "--allow", ".", "--dry-run", "--json", "--", "true"],
    ));
    let with = output(nono(
        &f,
        &[
            "run",
            "--profile",
            "default",
            "--allow",
            ".",
            "--dry-run",
            "--json",
            "--",
            "true",
        ],
    ));
    assert_eq!(plain.status.code(), Some(0), "{}", stderr(&plain));
    assert_eq!(stdout(&plain), stdout(&with));
    assert_eq!(stderr(&with), "", "the default profile lifts nothing");
}

/// A home in which the toolchain of this test process is where a real home keeps it:
/// `~/.rustup` and `~/.cargo/bin` link to the real ones (the baseline covers them).
fn link_rust_toolchain(f: &Fixture) -> Option<PathBuf> {
    let cargo = std::env::var_os("CARGO")
        .map(PathBuf::from)
        .filter(|p| p.is_file())
        .or_else(|| find_program("cargo"))?;
    let bin = cargo.parent()?.to_path_buf();
    let real_home = std::env::var_os("HOME").map(PathBuf::from);
    let rustup = std::env::var_os("RUSTUP_HOME")
        .map(PathBuf::from)
        .or_else(|| real_home.map(|h| h.join(".rustup")))
        .filter(|p| p.is_dir());
    if let Some(rustup) = rustup {
        std::os::unix::fs::symlink(rustup, f.home.join(".rustup")).unwrap();
    }
    std::fs::create_dir_all(f.home.join(".cargo")).unwrap();
    std::os::unix::fs::symlink(&bin, f.home.join(".cargo/bin")).unwrap();
    Some(bin)
}

/// A command with only the variables a toolchain needs (the test runner's CARGO_* variables,
/// such as CARGO_TARGET_DIR, would point the inner build elsewhere).
fn clean_env(f: &Fixture, cmd: &mut Command, path: &str) {
    let toolchain = std::env::var_os("RUSTUP_TOOLCHAIN");
    cmd.env_clear()
        .env("HOME", &f.home)
        .env("TMPDIR", &f.tmp)
        .env("PATH", path);
    if let Some(toolchain) = toolchain {
        cmd.env("RUSTUP_TOOLCHAIN", toolchain);
    }
}

#[test]
fn rust_profile_builds_a_crate_offline_with_a_read_only_registry() {
    let f = Fixture::sparse();
    let Some(bin) = link_rust_toolchain(&f) else {
        return cannot_run_here("cargo is not installed (neither $CARGO nor on PATH)");
    };
    let registry = f.home.join(".cargo/registry");
    std::fs::create_dir_all(&registry).unwrap();
    std::fs::write(registry.join("cached.crate"), "crate bytes").unwrap();
    let krate = f.project.join("tiny");
    std::fs::create_dir_all(krate.join("src")).unwrap();
    std::fs::write(
        krate.join("Cargo.toml"),
        "[package]\nname = \"tiny\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n",
    )
    .unwrap();
    std::fs::write(
        krate.join("src/main.rs"),
        "fn main() { println!(\"tiny ran\"); }\n",
    )
    .unwrap();
    let path = format!(
        "{}:{}:/usr/local/bin:/usr/bin:/bin",
        f.home.join(".cargo/bin").display(),
        bin.display()
    );
    let mut cmd = nono(
        &f,
        &[
            "run", "--profile", "rust", "--", "/bin/sh", "-c",
            "cd tiny && cargo build --offline -q && ./target/debug/tiny && cat ~/.cargo/registry/cached.crate && echo planted > ~/.cargo/registry/planted",
        ],
    );
    clean_env(&f, &mut cmd, &path);
    let out = output(cmd);
    assert_eq!(stdout(&out), "tiny ran\ncrate bytes", "{}", stderr(&out));
    assert!(
        krate.join("target/debug/tiny").is_file(),
        "target/ is writable"
    );
    assert!(denied(&stderr(&out)), "{}", stderr(&out));
    assert!(
        !registry.join("planted").exists(),
        "the registry is read-only"
    );
}

#[test]
fn node_profile_runs_node_and_npm_installs_through_its_cache() {
    let f = Fixture::new();
    if require_program("node").is_none() {
        return;
    }
    let out = run_sh(
        &f,
        &["--profile", "node"],
        "node -e 'require(\"fs\").writeFileSync(\"from-node.txt\", String(6 * 7))' && cat from-node.txt",
    );
    assert_eq!(stdout(&out), "42", "{}", stderr(&out));

    if require_program("npm").is_none() {
        return;
    }
    // A local package tarball, packed without the sandbox.
    let dep = f.outside.join("dep");
    std::fs::create_dir_all(&dep).unwrap();
    std::fs::write(
        dep.join("package.json"),
        r#"{"name":"dep","version":"1.0.0","main":"index.js"}"#,
    )
    .unwrap();
    std::fs::write(dep.join("index.js"), "module.exports = 'dep loaded'\n").unwrap();
    let pack = Command::new("npm")
        .args(["pack", "--silent"])
        .current_dir(&dep)
        .env("HOME", &f.home)
        .output()
        .unwrap();
    assert!(pack.status.success(), "{}", stderr(&pack));
    std::fs::write(
        f.project.join("package.json"),
        r#"{"name":"p","version":"1.0.0"}"#,
    )
    .unwrap();
    std::fs::create_dir_all(f.home.join(".npm")).unwrap();
    let tarball = dep.join("dep-1.0.0.tgz").to_string_lossy().into_owned();
    let install = format!(
        "npm install --offline --no-audit --no-fund --no-update-notifier '{tarball}' >/dev/null && node -e 'console.log(require(\"dep\"))'"
    );
    // Negative control: without the profile, npm cannot use its cache and fails.
    let denied = run_sh(&f, &["--allow", ".", "--read-file", &tarball], &install);
    assert_ne!(child_code(&denied), 0);
    assert!(!f.project.join("node_modules/dep").exists());
    let out = run_sh(
        &f,
        &["--profile", "node", "--read-file", &tarball],
        &install,
    );
    assert_eq!(stdout(&out), "dep loaded\n", "{}", stderr(&out));
    assert!(f.home.join(".npm/_cacache").is_dir(), "npm wrote its cache");
}

#[test]
fn python_profile_runs_python_with_a_writable_pip_cache() {
    let f = Fixture::new();
    if require_program("python3").is_none() {
        return;
    }
    std::fs::create_dir_all(f.home.join(".cache/pip")).unwrap();
    let script = r#"
import os, sys
open("from-python.txt", "w").write(str(6 * 7))
open(os.path.expanduser("~/.cache/pip/entry"), "w").write("cached")
try:
    open(os.path.expanduser("~/.ssh/id_ed25519")).read()
    print("LEAK")
except (PermissionError, FileNotFoundError):
    print("ssh denied")
"#;
    let out = output(nono(
        &f,
        &["run", "--profile", "python", "--", "python3", "-c", script],
    ));
    assert_eq!(stdout(&out), "ssh denied\n", "{}", stderr(&out));
    assert_eq!(read(&f.project.join("from-python.txt")), "42");
    assert_eq!(read(&f.home.join(".cache/pip/entry")), "cached");
    // Positive control: the key is there to be read without the sandbox.
    assert_eq!(stdout(&f.bare_sh("cat ~/.ssh/id_ed25519")), SECRET);
}

#[test]
fn go_profile_builds_with_a_read_only_module_cache() {
    let f = Fixture::new();
    // python3 builds the module proxy's zip file.
    if require_program("go").is_none() || require_program("python3").is_none() {
        return;
    }
    // A module proxy on disk with one module, example.com/dep v1.0.0.
    let proxy = f.outside.join("proxy");
    let versions = proxy.join("example.com/dep/@v");
    std::fs::create_dir_all(&versions).unwrap();
    std::fs::write(versions.join("list"), "v1.0.0\n").unwrap();
    std::fs::write(
        versions.join("v1.0.0.info"),
        r#"{"Version":"v1.0.0","Time":"2024-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    std::fs::write(
        versions.join("v1.0.0.mod"),
        "module example.com/dep\n\ngo 1.19\n",
    )
    .unwrap();
    let zip = Command::new("python3")
        .arg("-c")
        .arg(
            "import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], 'w') as z:\n  z.writestr('example.com/dep@v1.0.0/go.mod', 'module example.com/dep\\n\\ngo 1.19\\n')\n  z.writestr('example.com/dep@v1.0.0/dep.go', 'package dep\\n\\nconst X = 42\\n')\n",
        )
        .arg(versions.join("v1.0.0.zip"))
        .output()
        .unwrap();
    assert!(zip.status.success(), "{}", stderr(&zip));
    std::fs::write(
        f.project.join("go.mod"),
        "module example.com/hello\n\ngo 1.19\n",
    )
    .unwrap();
    std::fs::write(
        f.project.join("main.go"),
        "package main\n\nimport (\n\t\"fmt\"\n\t\"example.com/dep\"\n)\n\nfunc main() { fmt.Println(\"answer\", dep.X) }\n",
    )
    .unwrap();
    let go_env = |cmd: &mut Command| {
        cmd.env("GOFLAGS", "-mod=mod")
            .env("GOSUMDB", "off")
            .env("GOTOOLCHAIN", "local")
            .env_remove("GOPATH")
            .env_remove("GOCACHE")
            .env_remove("GOMODCACHE");
    };
    // Download into ~/go/pkg/mod without the sandbox, as a user would.
    let mut get = Command::new("go");
    get.args(["get", "example.com/dep@v1.0.0"])
        .current_dir(&f.project)
        .env("HOME", &f.home)
        .env("GOPROXY", format!("file://{}", proxy.display()));
    go_env(&mut get);
    let got = get.output().unwrap();
    assert!(got.status.success(), "{}", stderr(&got));
    std::fs::create_dir_all(f.home.join(".cache/go-build")).unwrap();

    let mut cmd = nono(
        &f,
        &[
            "run",
            "--profile",
            "go",
            "--",
            "/bin/sh",
            "-c",
            "go build -o hello . && ./hello && touch ~/go/pkg/mod/planted",
        ],
    );
    cmd.env("GOPROXY", "off");
    go_env(&mut cmd);
    let out = output(cmd);
    assert_eq!(stdout(&out), "answer 42\n", "{}", stderr(&out));
    assert!(denied(&stderr(&out)), "{}", stderr(&out));
    assert!(!f.home.join("go/pkg/mod/planted").exists());
    // The build cache was written.
    let cached = std::fs::read_dir(f.home.join(".cache/go-build"))
        .unwrap()
        .count();
    assert!(cached > 0);
}

#[test]
fn git_commits_in_a_fresh_repository_under_a_profile() {
    let f = Fixture::new();
    let script = "mkdir repo && cd repo && git init -q && echo hello > a.txt && git add a.txt \
        && git -c user.name=t -c user.email=t@example.com commit -qm first && git log --format=%s";
    for flags in [
        &["--profile", "default", "--allow", "."][..],
        &["--profile", "rust"][..],
    ] {
        let _ = std::fs::remove_dir_all(f.project.join("repo"));
        let out = run_sh(&f, flags, script);
        assert_eq!(stdout(&out), "first\n", "{flags:?}: {}", stderr(&out));
        // The commit is really there, seen from outside.
        let log = f.bare_sh("git -C repo log --format=%s");
        assert_eq!(stdout(&log), "first\n");
    }
    // Negative control: the default profile alone grants no write to the project.
    let out = run_sh(&f, &["--profile", "default"], "touch unwritable");
    assert_eq!(child_code(&out), 1);
    assert!(denied(&stderr(&out)));
}

/// An agent: its profile, its state directories and files (relative to the home), and the
/// variables the profile keeps for it.
struct Agent {
    name: &'static str,
    dirs: &'static [&'static str],
    files: &'static [&'static str],
    keys: &'static [&'static str],
}

const fn agent(
    name: &'static str,
    dirs: &'static [&'static str],
    files: &'static [&'static str],
    keys: &'static [&'static str],
) -> Agent {
    Agent {
        name,
        dirs,
        files,
        keys,
    }
}

const AGENTS: &[Agent] = &[
    agent("claude-code", &[".claude"], &[], &["ANTHROPIC_API_KEY"]),
    agent("codex", &[".codex"], &[], &["OPENAI_API_KEY"]),
    agent(
        "gemini-cli",
        &[".gemini"],
        &[],
        &["GEMINI_API_KEY", "GOOGLE_API_KEY"],
    ),
    agent(
        "opencode",
        &[
            ".config/opencode",
            ".local/share/opencode",
            ".local/state/opencode",
            ".cache/opencode",
        ],
        &[],
        &[],
    ),
    agent(
        "aider",
        &[".aider"],
        &[],
        &["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY"],
    ),
    agent(
        "goose",
        &[".config/goose", ".local/share/goose", ".local/state/goose"],
        &[],
        &[],
    ),
];

const KEYS: &[&str] = &[
    "ANTHROPIC_API_KEY",
    "OPENAI_API_KEY",
    "GEMINI_API_KEY",
    "GOOGLE_API_KEY",
];

/// A fake agent: appends to its state, writes to the project, reports the keys it sees, and
/// tries to read the SSH key and the other agents' state.
fn fake_agent(own_dirs: &[&str], own_files: &[&str], others: &[String]) -> String {
    let mut script = String::from("#!/bin/sh\n");
    for dir in own_dirs {
        script += &format!("echo turn >> \"$HOME/{dir}/session\" && echo \"state ok {dir}\"\n");
    }
    for file in own_files {
        script += &format!("echo turn >> \"$HOME/{file}\" && echo \"state ok {file}\"\n");
    }
    script += "echo edit > agent-output.txt && echo 'project ok'\n";
    for key in KEYS {
        script += &format!("[ -n \"${key}\" ] && echo 'sees {key}'\n");
    }
    for target in std::iter::once(&".ssh/id_ed25519".to_string()).chain(others) {
        script += &format!(
            "if out=$(cat \"$HOME/{target}\" 2>&1); then echo 'LEAK {target}'; else case \"$out\" in *'Permission denied'*|*'No such file'*) echo 'denied {target}';; *) echo \"other {target}: $out\";; esac; fi\n"
        );
    }
    script
}

#[test]
fn each_agent_profile_lets_its_fake_agent_work_and_nothing_else() {
    let f = Fixture::new();
    // Every agent's state exists, each with a secret in it.
    let mut secrets = Vec::new();
    for Agent { dirs, files, .. } in AGENTS {
        for dir in *dirs {
            std::fs::create_dir_all(f.home.join(dir)).unwrap();
            std::fs::write(f.home.join(dir).join("secret"), "agent state").unwrap();
            secrets.push(format!("{dir}/secret"));
        }
        for file in *files {
            std::fs::write(f.home.join(file), "{}").unwrap();
            secrets.push(file.to_string());
        }
    }
    // Positive control: without nono, every one of them is readable.
    for secret in &secrets {
        let bare = f.bare_sh(&format!("cat \"$HOME/{secret}\""));
        assert!(bare.status.success(), "{secret}");
    }
    for Agent {
        name: agent,
        dirs,
        files,
        keys,
    } in AGENTS
    {
        let own = |s: &String| {
            dirs.iter().any(|d| s.starts_with(&format!("{d}/"))) || files.contains(&s.as_str())
        };
        let others: Vec<String> = secrets.iter().filter(|s| !own(s)).cloned().collect();
        let script = f.project.join("fake-agent");
        std::fs::write(&script, fake_agent(dirs, files, &others)).unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        let mut cmd = nono(&f, &["run", "--profile", agent, "--", "./fake-agent"]);
        for key in KEYS {
            cmd.env(key, "sk-fake");
        }
        let out = output(cmd);
        assert_eq!(child_code(&out), 0, "{agent}: {}", stderr(&out));

        let mut expected = String::new();
        for dir in *dirs {
            expected += &format!("state ok {dir}\n");
        }
        for file in *files {
            expected += &format!("state ok {file}\n");
        }
        expected += "project ok\n";
        for key in KEYS.iter().filter(|k| keys.contains(k)) {
            expected += &format!("sees {key}\n");
        }
        expected += "denied .ssh/id_ed25519\n";
        for other in &others {
            expected += &format!("denied {other}\n");
        }
        assert_eq!(stdout(&out), expected, "{agent}: {}", stderr(&out));
        assert_eq!(read(&f.project.join("agent-output.txt")), "edit\n");
        // Each kept key is announced before the agent starts.
        for key in *keys {
            assert!(
                stderr(&out).contains(&format!("nono: profile {agent}: <built-in>/{agent}.toml:"))
                    && stderr(&out).contains(&format!("env.allow {key}: keeps a variable")),
                "{agent}: {}",
                stderr(&out)
            );
        }
    }
}

#[test]
fn aider_reads_its_home_configuration_but_cannot_change_it() {
    let f = Fixture::new();
    std::fs::write(f.home.join(".aider.conf.yml"), "model: x\n").unwrap();
    let out = run_sh(
        &f,
        &["--profile", "aider"],
        "cat ~/.aider.conf.yml && echo 'auto-commits: false' >> ~/.aider.conf.yml",
    );
    assert_eq!(stdout(&out), "model: x\n", "{}", stderr(&out));
    assert!(denied(&stderr(&out)), "{}", stderr(&out));
    assert_eq!(read(&f.home.join(".aider.conf.yml")), "model: x\n");
}

#[test]
fn agent_state_that_does_not_exist_yet_is_made_on_the_first_run() {
    let f = Fixture::sparse();
    let state = f.home.join(".gemini");
    // The dry run says so and makes nothing.
    let plan = output(nono(
        &f,
        &["run", "--profile", "gemini-cli", "--dry-run", "--", "true"],
    ));
    assert!(
        stdout(&plan)
            .contains("note: does not exist yet; made before the run (directory, mode 700"),
        "{}",
        stdout(&plan)
    );
    assert!(!state.exists());
    // The run makes it, private, says so once, and the agent keeps its state there.
    let out = run_sh(
        &f,
        &["--profile", "gemini-cli"],
        "echo theme > ~/.gemini/state && cat ~/.gemini/state",
    );
    assert_eq!(stdout(&out), "theme\n", "{}", stderr(&out));
    assert!(
        stderr(&out).contains("nono: created ~/.gemini (directory, mode 700)"),
        "{}",
        stderr(&out)
    );
    use std::os::unix::fs::MetadataExt;
    assert_eq!(std::fs::metadata(&state).unwrap().mode() & 0o777, 0o700);
    // The protected names inside it stay guarded although it did not exist when planned.
    let guarded = f.home.join(".gemini/extensions");
    let fresh = Fixture::sparse();
    let out = run_sh(
        &fresh,
        &["--profile", "gemini-cli"],
        "mkdir ~/.gemini/extensions; echo done",
    );
    assert_eq!(stdout(&out), "done\n", "{}", stderr(&out));
    assert!(
        !fresh.home.join(".gemini/extensions").exists(),
        "{}",
        stderr(&out)
    );
    assert!(!guarded.exists());
    // Nothing a profile did not ask for: the other agents' state is not made.
    assert!(!f.home.join(".codex").exists() && !f.home.join(".claude").exists());
    // Once it exists, nothing more is said.
    let again = run_sh(&f, &["--profile", "gemini-cli"], "true");
    assert!(!stderr(&again).contains("created"), "{}", stderr(&again));
}

#[test]
fn user_profiles_extend_built_ins_and_flags_add_to_them() {
    let f = Fixture::new();
    let docs = f.outside.to_string_lossy().into_owned();
    user_profile(
        &f,
        "team",
        &format!(
            "extends = \"rust\"\ndescription = \"rust plus the docs\"\n[filesystem]\nread = [\"{docs}\"]\n[env]\nset = {{ TEAM = \"yes\" }}\n"
        ),
    );
    user_profile(
        &f,
        "mine",
        "extends = \"team\"\n[env]\nset = { TEAM = \"mine\" }\n",
    );

    let list = output(nono(&f, &["profile", "list"]));
    assert!(
        stdout(&list).contains("  team         rust plus the docs\n"),
        "{}",
        stdout(&list)
    );
    assert!(
        stdout(&list).contains("  mine         (no description; "),
        "{}",
        stdout(&list)
    );

    let show = output(nono(&f, &["profile", "show", "mine"]));
    let shown = stdout(&show);
    assert!(
        shown.contains("mine.toml -> ") && shown.contains("team.toml -> rust (built-in)"),
        "{shown}"
    );
    assert!(
        shown.contains("{ path = \"~/.cargo/registry\", optional = true }"),
        "{shown}"
    );
    assert!(shown.contains(&format!("read = [\n  {{ path = \"~/.cargo/registry\", optional = true }},\n  {{ path = \"~/.cargo/git\", optional = true }},\n  \"{docs}\",\n]")), "{shown}");
    assert!(shown.contains("[env.set]\nTEAM = \"mine\"\n"), "{shown}");

    let script = "cat ../../outside/file.txt; echo; echo $TEAM; echo x > ../../outside/new; cat ~/.aws/credentials";
    let out = run_sh(&f, &["--profile", "mine"], script);
    assert_eq!(stdout(&out), "outside data\nmine\n", "{}", stderr(&out));
    assert!(!f.outside.join("new").exists(), "read-only grant");
    assert_eq!(
        stderr(&out).lines().filter(|l| denied(l)).count(),
        2,
        "{}",
        stderr(&out)
    );

    // Flags add: a write grant and a variable of the command line's own.
    let out = run_sh(
        &f,
        &["--profile", "mine", "--allow", &docs, "--env", "TEAM=flag"],
        script,
    );
    assert_eq!(stdout(&out), "outside data\nflag\n", "{}", stderr(&out));
    assert_eq!(read(&f.outside.join("new")), "x\n");
}

#[test]
fn extends_may_name_a_file_relative_to_the_extending_one() {
    let f = Fixture::new();
    let shared = f.outside.join("shared");
    std::fs::create_dir_all(&shared).unwrap();
    std::fs::write(
        shared.join("base.toml"),
        "extends = \"default\"\n[network]\nblock = true\n",
    )
    .unwrap();
    let top = outside_profile(
        &f,
        "top.toml",
        "extends = \"shared/base.toml\"\n[filesystem]\nallow = [\".\"]\n",
    );
    let out = run_sh(&f, &["--profile", &top, "--dry-run"], "true");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("network: blocked"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("--allow ."), "{}", stdout(&out));
}

#[test]
fn bad_profiles_are_pointed_at_and_nothing_runs() {
    let f = Fixture::new();
    let marker = f.project.join("ran");
    let script = format!("touch '{}'", marker.display());
    let cycle_b = outside_profile(&f, "cycle-b.toml", "extends = \"./cycle-a.toml\"\n");
    let cases: Vec<(&str, &str, String)> = vec![
        ("unknown.toml", "description = \"x\"\n[filesystem]\nalow = [\".\"]\n", "3:1: unknown field `alow`, expected one of `allow`, `read`, `write`, `allow_file`, `read_file`, `write_file`, `unix_sockets`, `unprotect`, `seed`".into()),
        ("type.toml", "[network]\nblock = \"yes\"\n", "2:9: invalid type: string \"yes\", expected a boolean".into()),
        ("list.toml", "[filesystem]\nread = \"/usr\"\n", "2:8: invalid type: string \"/usr\", expected a sequence".into()),
        ("entry.toml", "[filesystem]\nread = [{ path = \"/usr\", optional = \"yes\" }]\n", "2:37: invalid type: string \"yes\", expected a boolean".into()),
        ("syntax.toml", "[filesystem\n", "1:12: unclosed table, expected `]`".into()),
        ("degraded.toml", "allow_degraded = true\n", "1:18: allow_degraded is not allowed in a profile: running with fewer protections is decided for one run, with --allow-degraded on the command line".into()),
        ("missing.toml", "[filesystem]\nallow = [\".\", \"~/no-such-dir\"]\n", "2:15: filesystem.allow ~/no-such-dir: no such file or directory (mark it { path = \"...\", optional = true } if it may be missing)".into()),
        ("parent.toml", "extends = \"no-such-profile\"\n", format!("1:11: extends no-such-profile: no built-in or user profile has this name (user profiles are {}/NAME.toml; `nono profile list` shows them all)", user_dir(&f).display())),
        ("cycle-a.toml", "\nextends = \"./cycle-b.toml\"\n", format!("{cycle_b}:1:11: extends ./cycle-a.toml: a cycle ({} -> ./cycle-b.toml -> ./cycle-a.toml)", f.outside.join("cycle-a.toml").display())),
    ];
    for (file, text, message) in &cases {
        let path = outside_profile(&f, file, text);
        let message = if message.starts_with('/') {
            message.clone()
        } else {
            format!("{path}:{message}")
        };
        let out = run_sh(&f, &["--allow", ".", "--profile", &path], &script);
        assert_refused(&out, &message, &marker);
        let validate = output(nono(&f, &["profile", "validate", &path]));
        assert_refused(&validate, &message, &marker);
        assert_eq!(stdout(&validate), "");
    }
    // A name that is neither built in nor a user profile, and a path that is not there.
    let out = run_sh(&f, &["--profile", "no-such"], &script);
    assert_refused(&out, &format!("--profile no-such: no built-in or user profile has this name (user profiles are {}/NAME.toml; `nono profile list` shows them all)", user_dir(&f).display()), &marker);
    let out = run_sh(&f, &["--profile", "./nothing.toml"], &script);
    assert_refused(&out, "--profile ./nothing.toml: no such file", &marker);
}

#[test]
fn a_user_profile_may_not_shadow_a_built_in() {
    let f = Fixture::new();
    let marker = f.project.join("ran");
    let shadow = user_profile(&f, "rust", "[filesystem]\nallow = [\"~\"]\n");
    let out = run_sh(
        &f,
        &["--profile", "rust"],
        &format!("touch '{}'", marker.display()),
    );
    assert_refused(
        &out,
        &format!("--profile rust: the user profile {} has the name of a built-in profile, and built-in names are reserved: rename the file", shadow.display()),
        &marker,
    );
    let list = output(nono(&f, &["profile", "list"]));
    assert!(
        stdout(&list).contains("  rust         IGNORED: has the name of a built-in profile"),
        "{}",
        stdout(&list)
    );
    let init = output(nono(&f, &["profile", "init", "node"]));
    assert_eq!(init.status.code(), Some(125));
    assert!(
        stderr(&init).contains("built-in names are reserved"),
        "{}",
        stderr(&init)
    );
}

/// Runs `script` under `flags` and asserts it exits 0 with `expected` on stdout.
fn runs(f: &Fixture, flags: &[&str], script: &str, expected: &str) {
    let out = run_sh(f, flags, script);
    assert_eq!(child_code(&out), 0, "{flags:?}: {}", stderr(&out));
    assert_eq!(stdout(&out), expected, "{flags:?}: {}", stderr(&out));
}

#[test]
fn a_run_cannot_rewrite_the_profiles_it_read_nor_the_user_profile_directory() {
    let f = Fixture::new();
    let text = "[filesystem]\nread = [\"/etc\"]\n";
    // Each attempt prints `no` when refused; the write to the project after it is the
    // positive control in the same run.
    let attempt = |what: &str| {
        format!("({what}) 2>/dev/null && echo yes || echo no; echo ok > control; cat control")
    };

    // A profile in the project, granted read-write: the run goes ahead, the file stays
    // read-only (and so does a profile the chain extends).
    std::fs::write(f.project.join("inside.toml"), text).unwrap();
    runs(
        &f,
        &["--allow", ".", "--profile", "./inside.toml"],
        &attempt("echo x >> inside.toml"),
        "no\nok\n",
    );
    runs(
        &f,
        &["--allow", ".", "--profile", "./inside.toml"],
        &attempt("mv inside.toml moved.toml"),
        "no\nok\n",
    );
    std::fs::write(f.project.join("agent.toml"), "extends = \"rust\"\n").unwrap();
    runs(
        &f,
        &["--profile", "./agent.toml"],
        &attempt("echo '[filesystem]' > agent.toml"),
        "no\nok\n",
    );
    let project = f.project.display().to_string();
    let top = outside_profile(
        &f,
        "top.toml",
        &format!("extends = \"{project}/inside.toml\"\n"),
    );
    runs(
        &f,
        &["--allow", ".", "--profile", &top],
        &attempt("rm inside.toml"),
        "no\nok\n",
    );
    assert_eq!(read(&f.project.join("inside.toml")), text);
    assert_eq!(read(&f.project.join("agent.toml")), "extends = \"rust\"\n");
    // Positive control in the same conditions: a TOML file that is no profile of the run.
    std::fs::write(f.project.join("other.toml"), text).unwrap();
    runs(
        &f,
        &["--allow", ".", "--profile", "./inside.toml"],
        &attempt("echo x >> other.toml"),
        "yes\nok\n",
    );

    // A symlink in the project to a profile elsewhere: it cannot be re-pointed.
    let safe = outside_profile(&f, "safe.toml", text);
    std::os::unix::fs::symlink(&safe, f.project.join("link.toml")).unwrap();
    runs(
        &f,
        &["--allow", ".", "--profile", "./link.toml"],
        &attempt("ln -sf other.toml link.toml"),
        "no\nok\n",
    );
    runs(
        &f,
        &["--allow", ".", "--profile", "./link.toml"],
        &attempt("echo x >> link.toml"),
        "no\nok\n",
    );
    assert_eq!(
        std::fs::read_link(f.project.join("link.toml")).unwrap(),
        Path::new(&safe)
    );
    assert_eq!(read(Path::new(&safe)), text);

    // A grant of the profile file itself is a grant of a protected path.
    let marker = f.project.join("ran");
    let out = run_sh(
        &f,
        &["--allow-file", &safe, "--profile", &safe],
        "touch ran",
    );
    assert_eq!(out.status.code(), Some(125), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is protected (group nono)"),
        "{}",
        stderr(&out)
    );
    assert!(!marker.exists());

    // The user profile directory, with or without a profile, where XDG_CONFIG_HOME puts it:
    // here in the project, where it does not exist yet.
    let plant =
        "mkdir -p config/nono/profiles && echo '[filesystem]' > config/nono/profiles/rust.toml";
    for flags in [&["--profile", "rust"][..], &["--allow", "."]] {
        let mut args = vec!["run"];
        args.extend_from_slice(flags);
        let script = attempt(plant);
        args.extend_from_slice(&["--", "/bin/sh", "-c", &script]);
        let mut cmd = nono(&f, &args);
        cmd.env("XDG_CONFIG_HOME", f.project.join("config"));
        let out = output(cmd);
        assert_eq!(stdout(&out), "no\nok\n", "{flags:?}: {}", stderr(&out));
        assert!(!f.project.join("config/nono/profiles/rust.toml").exists());
    }
    // In the home, under a grant of all of it.
    let home = f.home.display().to_string();
    let plant =
        "mkdir -p ~/.config/nono/profiles && echo '[filesystem]' > ~/.config/nono/profiles/x.toml";
    runs(
        &f,
        &["--profile", "default", "--allow", &home],
        &attempt(plant),
        "no\nok\n",
    );
    assert!(!f.home.join(".config/nono/profiles/x.toml").exists());
    runs(
        &f,
        &["--profile", "default", "--allow", &home],
        &attempt("echo x > ~/file"),
        "yes\nok\n",
    );

    // `why` reads the same plan.
    let why = output(nono(
        &f,
        &[
            "why",
            "--profile",
            "./inside.toml",
            "--allow",
            ".",
            "--op",
            "write",
            "inside.toml",
        ],
    ));
    assert_eq!(why.status.code(), Some(1), "{}", stdout(&why));
    assert!(stdout(&why).contains("group nono"), "{}", stdout(&why));
}

#[test]
fn every_lifted_protection_is_printed_before_the_command_starts() {
    let f = Fixture::new();
    let socket = f.outside.join("agent.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    let profile = outside_profile(
        &f,
        "lifts.toml",
        &format!(
            "[filesystem]\nread = [\"~\"]\nunprotect = [\"~/.aws\"]\nunix_sockets = [\"{}\"]\n[env]\nallow = [\"GITHUB_TOKEN\", \"LANG\"]\n",
            socket.display()
        ),
    );
    let mut cmd = nono(
        &f,
        &[
            "run",
            "--profile",
            &profile,
            "--",
            "/bin/sh",
            "-c",
            "echo started >&2; cat ~/.aws/credentials; echo; echo $GITHUB_TOKEN",
        ],
    );
    cmd.env("GITHUB_TOKEN", "ghp-fake");
    let out = output(cmd);
    assert_eq!(
        stdout(&out),
        "aws_secret_access_key=fake\nghp-fake\n",
        "{}",
        stderr(&out)
    );
    let lines = [
        format!("nono: profile {profile}: {profile}:3:14: filesystem.unprotect ~/.aws: lifts the protection of a sensitive path (shown as UNPROTECTED in the plan)"),
        format!("nono: profile {profile}: {profile}:4:17: filesystem.unix_sockets {}: allows connecting to a Unix socket outside the grants", socket.display()),
        format!("nono: profile {profile}: {profile}:6:10: env.allow GITHUB_TOKEN: keeps a variable the environment table removes (secret)"),
        "started".to_string(),
    ];
    assert_eq!(stderr(&out), lines.join("\n") + "\n");

    // Without the profile's lines, the same secrets stay out of reach (positive control above).
    let mut cmd = nono(
        &f,
        &[
            "run",
            "--read",
            "~",
            "--",
            "/bin/sh",
            "-c",
            "cat ~/.aws/credentials; echo $GITHUB_TOKEN",
        ],
    );
    cmd.env("GITHUB_TOKEN", "ghp-fake");
    let out = output(cmd);
    assert_eq!(stdout(&out), "\n", "{}", stderr(&out));

    // A child that lifts its parent's network block says so too.
    let parent = outside_profile(&f, "blocked.toml", "[network]\nblock = true\n");
    let child = outside_profile(
        &f,
        "unblocked.toml",
        &format!("extends = \"{parent}\"\n[network]\nblock = false\n"),
    );
    let out = run_sh(&f, &["--profile", &child, "--dry-run"], "true");
    assert_eq!(
        stderr(&out),
        format!("nono: profile {child}: {child}:3:9: network.block = false lifts the network block of profile {parent} ({parent}:2:9)\n")
    );
    assert!(stdout(&out).contains("network: allowed"));
}

#[test]
fn why_takes_the_profile_and_agrees_with_the_run() {
    let f = Fixture::new();
    for dir in [".claude", ".codex"] {
        std::fs::create_dir_all(f.home.join(dir)).unwrap();
    }
    let why = |path: &str| {
        output(nono(
            &f,
            &["why", "--profile", "claude-code", "--op", "write", path],
        ))
    };
    let own = why("~/.claude/x");
    assert_eq!(own.status.code(), Some(0), "{}", stdout(&own));
    assert!(
        stdout(&own).contains("write allowed by --allow ~/.claude"),
        "{}",
        stdout(&own)
    );
    let other = why("~/.codex/x");
    assert_eq!(other.status.code(), Some(1), "{}", stdout(&other));
    let out = run_sh(
        &f,
        &["--profile", "claude-code"],
        "echo a > ~/.claude/x && echo b > ~/.codex/x",
    );
    assert!(f.home.join(".claude/x").exists() && !f.home.join(".codex/x").exists());
    assert!(denied(&stderr(&out)));
}

#[test]
fn profile_init_creates_a_user_profile_and_never_overwrites_one() {
    let f = Fixture::new();
    let out = output(nono(&f, &["profile", "init", "mine"]));
    let path = user_dir(&f).join("mine.toml");
    assert_eq!(
        stdout(&out),
        format!("created {}\n", path.display()),
        "{}",
        stderr(&out)
    );
    let validate = output(nono(&f, &["profile", "validate", &path.to_string_lossy()]));
    assert_eq!(stdout(&validate), "ok\n", "{}", stderr(&validate));
    let plan = output(nono(
        &f,
        &["run", "--profile", "mine", "--dry-run", "--", "true"],
    ));
    assert!(stdout(&plan).contains("--allow ."), "{}", stderr(&plan));

    std::fs::write(&path, "# edited\n").unwrap();
    let again = output(nono(&f, &["profile", "init", "mine", "--from", "rust"]));
    assert_eq!(again.status.code(), Some(125));
    assert!(stderr(&again).contains("already exists; nono never overwrites a profile"));
    assert_eq!(read(&path), "# edited\n");

    let from = output(nono(
        &f,
        &["profile", "init", "agent", "--from", "claude-code"],
    ));
    assert_eq!(from.status.code(), Some(0), "{}", stderr(&from));
    let text = read(&user_dir(&f).join("agent.toml"));
    assert!(
        text.contains("{ path = \"~/.claude\", create = true }"),
        "{text}"
    );
    let bad = output(nono(&f, &["profile", "init", "../escape"]));
    assert_eq!(bad.status.code(), Some(125));
    assert!(!f.home.join(".config/nono/escape.toml").exists());
}

#[test]
fn profile_schema_is_a_json_schema_of_the_format() {
    let f = Fixture::new();
    let out = output(nono(&f, &["profile", "schema"]));
    assert_eq!(out.status.code(), Some(0));
    let schema: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(schema["additionalProperties"], false);
    let fs = schema["properties"]["filesystem"]["properties"]
        .as_object()
        .unwrap();
    for key in [
        "allow",
        "read",
        "write",
        "allow_file",
        "read_file",
        "write_file",
        "unix_sockets",
        "unprotect",
    ] {
        assert!(fs.contains_key(key), "{key}");
    }
    assert!(schema["properties"].get("allow_degraded").is_none());
}

#[test]
fn a_kept_variable_is_announced_only_when_it_is_set() {
    let f = Fixture::sparse();
    let run = |key: Option<&str>| {
        let mut cmd = nono(&f, &["run", "--profile", "aider", "--", "true"]);
        cmd.env_remove("OPENAI_API_KEY")
            .env_remove("ANTHROPIC_API_KEY");
        if let Some(key) = key {
            cmd.env(key, "sk-fake");
        }
        output(cmd)
    };
    let quiet = run(None);
    assert_eq!(quiet.status.code(), Some(0), "{}", stderr(&quiet));
    assert!(
        !stderr(&quiet).contains("keeps a variable"),
        "{}",
        stderr(&quiet)
    );
    // Positive control in the same conditions: set, it is announced, and only it.
    let loud = run(Some("OPENAI_API_KEY"));
    let err = stderr(&loud);
    assert_eq!(err.matches("keeps a variable").count(), 1, "{err}");
    assert!(
        err.contains("env.allow OPENAI_API_KEY: keeps a variable"),
        "{err}"
    );
}

#[test]
fn a_seed_copies_a_file_into_the_profiles_own_state_once() {
    let f = Fixture::sparse();
    std::fs::write(f.home.join(".claude.json"), "{\"onboarded\":true}\n").unwrap();
    let copy = f.home.join(".claude/.claude.json");
    let plan = output(nono(
        &f,
        &["run", "--profile", "claude-code", "--dry-run", "--", "true"],
    ));
    assert!(
        stdout(&plan).contains("seed             ~/.claude/.claude.json made before the run as a copy of ~/.claude.json"),
        "{}",
        stdout(&plan)
    );
    assert!(!copy.exists(), "a dry run makes nothing");
    let out = run_sh(
        &f,
        &["--profile", "claude-code"],
        "cat \"$CLAUDE_CONFIG_DIR/.claude.json\"; echo '{}' > \"$CLAUDE_CONFIG_DIR/.claude.json\"; cat ~/.claude.json",
    );
    // Inside: the copy, and the original out of reach (it is Claude's bare configuration).
    assert!(
        stdout(&out).starts_with("{\"onboarded\":true}\n"),
        "{}",
        stderr(&out)
    );
    assert!(!stdout(&out).ends_with("{\"onboarded\":true}\n{\"onboarded\":true}\n"));
    assert!(
        stderr(&out)
            .contains("nono: created ~/.claude/.claude.json (a copy of ~/.claude.json, mode 600)"),
        "{}",
        stderr(&out)
    );
    use std::os::unix::fs::MetadataExt;
    assert_eq!(std::fs::metadata(&copy).unwrap().mode() & 0o777, 0o600);
    assert_eq!(read(&f.home.join(".claude.json")), "{\"onboarded\":true}\n");
    // Once there, it is the sandbox's own: never copied over again.
    run_sh(&f, &["--profile", "claude-code"], "true");
    assert_eq!(read(&copy), "{}\n");
    // A seed may only write into the profile's own writable directories.
    let bad = outside_profile(
        &f,
        "bad.toml",
        "[filesystem]\nallow = [\".\"]\nseed = [{ path = \"~/.bashrc2\", from = \"~/.claude.json\" }]\n",
    );
    let out = run_sh(&f, &["--profile", &bad], "true");
    assert_eq!(out.status.code(), Some(125), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "filesystem.seed ~/.bashrc2: not inside one of the profile's writable directories"
        ),
        "{}",
        stderr(&out)
    );
    assert!(!f.home.join(".bashrc2").exists());
}

#[test]
fn a_seed_never_follows_a_planted_symlink_out_of_the_state() {
    let f = Fixture::sparse();
    std::fs::write(f.home.join("src.txt"), "seed\n").unwrap();
    let state = f.home.join("state");
    let elsewhere = f.home.join("elsewhere");
    std::fs::create_dir_all(&state).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    let profile = outside_profile(
        &f,
        "seeding.toml",
        "[filesystem]\nallow = [\"~/state\"]\nseed = [{ path = \"~/state/deep/x\", from = \"~/src.txt\" }]\n",
    );
    // An earlier run, which could write ~/state, left a symlink where the seed goes.
    std::os::unix::fs::symlink(&elsewhere, state.join("deep")).unwrap();
    let out = run_sh(&f, &["--profile", &profile], "touch ran");
    assert_eq!(out.status.code(), Some(125), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("seed ~/state/deep/x: leads to"),
        "{}",
        stderr(&out)
    );
    assert!(!elsewhere.join("x").exists() && !f.project.join("ran").exists());
    // Positive control in the same conditions: a real directory there, and the copy lands.
    std::fs::remove_file(state.join("deep")).unwrap();
    std::fs::create_dir(state.join("deep")).unwrap();
    let out = run_sh(&f, &["--profile", &profile], "cat ~/state/deep/x");
    assert_eq!(stdout(&out), "seed\n", "{}", stderr(&out));
}
