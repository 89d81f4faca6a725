//! Exit codes, refusals and bad input: nono's own failures are one line on stderr, exit 125,
//! and nothing runs.

mod common;
use common::*;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::ExitStatusExt;

#[test]
fn exit_status_is_the_commands_own() {
    let f = Fixture::new();
    for (script, code) in [("exit 0", 0), ("exit 1", 1), ("exit 42", 42)] {
        let out = f.run_sh(&["--allow", "."], script);
        assert_eq!(out.status.code(), Some(code), "{}", stderr(&out));
    }
}

#[test]
fn signal_death_passes_through() {
    let f = Fixture::new();
    let out = f.run_sh(&["--allow", "."], "kill -TERM $$");
    assert_eq!(out.status.signal(), Some(libc::SIGTERM), "{:?}", out.status);
}

#[test]
fn missing_command_is_127_and_non_executable_is_126() {
    let f = Fixture::new();
    let out = f
        .nono(["run", "--allow", ".", "--", "no-such-command-xyz"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(127));
    assert_eq!(
        stderr(&out),
        "nono: command not found: no-such-command-xyz\n"
    );

    let out = f
        .nono(["run", "--allow", ".", "--", "./file.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(126));
    assert_eq!(
        stderr(&out),
        "nono: cannot execute ./file.txt: permission denied\n"
    );
}

#[test]
fn missing_grant_is_named_and_nothing_runs() {
    let f = Fixture::new();
    let marker = f.project.join("ran");
    let script = format!("touch '{}'", marker.display());
    let out = f.run_sh(&["--allow", ".", "--read", "/no/such dir"], &script);
    assert_eq!(out.status.code(), Some(125));
    assert_eq!(
        stderr(&out),
        "nono: --read /no/such dir: no such file or directory\n"
    );
    assert!(!marker.exists(), "the command must not run");
}

#[test]
fn file_and_directory_flags_are_checked() {
    let f = Fixture::new();
    let out = f.run_sh(&["--allow", "file.txt"], "true");
    assert_eq!(out.status.code(), Some(125));
    assert!(stderr(&out).contains("--allow file.txt: is not a directory (use --allow-file)"));
    let out = f.run_sh(&["--read-file", "."], "true");
    assert!(stderr(&out).contains("--read-file .: is a directory (use --read)"));
}

#[test]
fn missing_command_prints_usage() {
    let f = Fixture::new();
    let out = f.nono(["run", "--allow", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(125));
    assert!(stderr(&out).contains("Usage: nono run"), "{}", stderr(&out));
}

#[test]
fn conflicting_flags_are_named() {
    let f = Fixture::new();
    let out = f.nono(["run", "--json", "--", "true"]).output().unwrap();
    assert_eq!(out.status.code(), Some(125));
    assert!(stderr(&out).contains("--dry-run"), "{}", stderr(&out));
    let out = f
        .nono(["why", "--self", "--allow", ".", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(125));
    assert!(stderr(&out).contains("--self"), "{}", stderr(&out));
}

#[test]
fn unknown_unprotect_is_refused() {
    let f = Fixture::new();
    let out = f.run_sh(&["--allow", ".", "--unprotect", "file.txt"], "true");
    assert_eq!(out.status.code(), Some(125));
    assert!(
        stderr(&out).contains("not a protected path"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn grant_inside_a_secret_needs_unprotect() {
    let f = Fixture::new();
    let out = f.run_sh(&["--read", "~/.aws"], "cat ~/.aws/credentials");
    assert_eq!(out.status.code(), Some(125));
    assert!(stderr(&out).contains("--unprotect"), "{}", stderr(&out));
    let out = f.run_sh(
        &["--read", "~/.aws", "--unprotect", "~/.aws"],
        "cat ~/.aws/credentials",
    );
    assert_eq!(
        stdout(&out),
        "aws_secret_access_key=fake",
        "{}",
        stderr(&out)
    );
}

#[test]
fn unprotect_under_a_broad_grant_exposes_only_that_path() {
    let f = Fixture::new();
    let home = f.home.to_string_lossy().into_owned();
    let out = f.run_sh(
        &["--allow", &home, "--unprotect", "~/.aws"],
        "cat ~/.aws/credentials; echo; cat ~/.ssh/id_ed25519",
    );
    assert!(
        stdout(&out).starts_with("aws_secret_access_key=fake"),
        "{}",
        stderr(&out)
    );
    assert!(!stdout(&out).contains("PRIVATE KEY"));
    let plan = f
        .nono([
            "run",
            "--allow",
            &home,
            "--unprotect",
            "~/.aws",
            "--dry-run",
            "--",
            "true",
        ])
        .output()
        .unwrap();
    assert!(
        stdout(&plan).contains("UNPROTECTED by --unprotect"),
        "{}",
        stdout(&plan)
    );
}

#[test]
fn old_landlock_is_refused_with_kernel_and_abi_named() {
    let f = Fixture::new();
    let marker = f.project.join("ran");
    let out = f.run_sh(
        &["--allow", ".", "--simulate-abi", "5"],
        &format!("touch '{}'", marker.display()),
    );
    assert_eq!(out.status.code(), Some(125));
    let err = stderr(&out);
    assert!(err.starts_with("nono: this kernel (Linux "), "{err}");
    assert!(
        err.contains("Landlock ABI 5") && err.contains("needs Landlock ABI 6"),
        "{err}"
    );
    assert!(
        err.contains("abstract Unix sockets outside the sandbox"),
        "{err}"
    );
    assert!(err.contains("--allow-degraded"));
    assert_eq!(err.lines().count(), 1);
    assert!(!marker.exists());
}

#[test]
fn no_landlock_is_refused_even_with_allow_degraded() {
    let f = Fixture::new();
    let out = f.run_sh(
        &["--allow", ".", "--simulate-abi", "0", "--allow-degraded"],
        "true",
    );
    assert_eq!(out.status.code(), Some(125));
    assert!(
        stderr(&out).contains("Landlock is not available"),
        "{}",
        stderr(&out)
    );
}

/// The lines nono prints before the program when it runs with less protection.
fn warning(dropped: &[&str]) -> String {
    let mut text =
        "nono: WARNING: running with reduced protection (--allow-degraded). Not enforced:\n"
            .to_string();
    for line in dropped {
        text.push_str(&format!("nono:   - {line}\n"));
    }
    text
}

const SCOPES_DROPPED: [&str; 2] = [
    "signals to processes outside the sandbox (needs Landlock ABI 6)",
    "connections to abstract Unix sockets outside the sandbox (needs Landlock ABI 6)",
];

/// What a run without user namespaces gives up: the view and the PID and IPC namespaces.
const VIEW_DROPPED: [&str; 7] = [
    // Every run here grants the project, where the project files are guarded names.
    "protected names that do not exist yet in the writable grants (",
    "metadata changes (mode, owner, times, extended attributes, ACLs) of files outside the grants (needs user namespaces)",
    "directory watches (inotify) on paths outside the grants (needs user namespaces)",
    "System V IPC and POSIX message queues of the host (needs user namespaces)",
    "other processes: their command lines in /proc and their resource limits (prlimit) (needs user namespaces)",
    "other terminals in /dev/pts (needs user namespaces)",
    // The count and the example of listening sockets vary: compared up to here.
    "pathname Unix sockets outside the grants (",
];

/// Asserts that `err` is the warning of a run without namespaces that drops `dropped` (then
/// what the view gives), followed by `tail`.
fn assert_warns(err: &str, dropped: &[&str], tail: &str) {
    let expected = warning(&[dropped, &VIEW_DROPPED[..]].concat());
    let (want, got): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), err.lines().collect());
    assert_eq!(got.len(), want.len() + tail.lines().count(), "{err}");
    for (g, w) in got.iter().zip(&want) {
        assert!(g.starts_with(w), "{g:?} is not {w:?}:\n{err}");
    }
    assert!(err.ends_with(tail), "{err}");
}

#[test]
fn allow_degraded_runs_and_prints_every_dropped_protection() {
    let f = Fixture::new();
    // Without user namespaces, so that nothing but Landlock's scopes could cover signals and
    // abstract sockets.
    let mut flags = vec!["--allow", ".", "--simulate-no-userns", "--allow-degraded"];
    let sockets = allow_listening_sockets();
    flags.extend(sockets.iter().map(String::as_str));
    let script = "echo ran; cat ../.ssh/id_ed25519";
    let denied = "cat: ../.ssh/id_ed25519: Permission denied\n";

    // Landlock ABI 2: the scopes are dropped; truncation is not, seccomp takes it over.
    let out = f.run_sh(&[&flags[..], &["--simulate-abi", "2"]].concat(), script);
    assert_eq!(stdout(&out), "ran\n");
    // Every dropped protection, before the program's own output; the filesystem rules hold.
    assert_warns(&stderr(&out), &SCOPES_DROPPED, denied);

    // Without seccomp as well: truncation, and what the filter would have refused.
    let extra = ["--simulate-abi", "2", "--simulate-no-seccomp"];
    let out = f.run_sh(&[&flags[..], &extra].concat(), script);
    assert_eq!(stdout(&out), "ran\n");
    let seccomp = "(needs seccomp filters (CONFIG_SECCOMP_FILTER))";
    let expected = warning(&[
        "truncation of files outside write grants (needs Landlock ABI 3)",
        SCOPES_DROPPED[0],
        SCOPES_DROPPED[1],
        &format!("terminal injection (TIOCSTI, TIOCLINUX) {seccomp}"),
        &format!(
            "kernel attack surface (io_uring, bpf, keyrings, ptrace, mounts, modules) {seccomp}"
        ),
        &format!("system calls of foreign architectures {seccomp}"),
    ]);
    let expected: Vec<&str> = expected
        .lines()
        .skip(1)
        .map(|l| l.trim_start_matches("nono:   - "))
        .collect();
    assert_warns(&stderr(&out), &expected, denied);
}

#[test]
fn below_abi_3_seccomp_stops_truncate() {
    let f = Fixture::new();
    let target = f.outside.join("file.txt");
    let outside = f.outside.to_string_lossy().into_owned();
    // truncate(2) by path: Landlock before ABI 3 does not check it.
    let code = format!(
        "/usr/bin/python3 -c 'import os; os.truncate(\"{}\", 0)'",
        target.display()
    );
    let flags = [
        "--read",
        &outside,
        "--simulate-abi",
        "2",
        "--allow-degraded",
    ];
    let out = f.run_sh(&flags, &code);
    assert_ne!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("Operation not permitted"),
        "{}",
        stderr(&out)
    );
    assert_eq!(read(&target), "outside data");
    // Positive control: the same call truncates the file without nono.
    let bare = f.bare_sh(&code);
    assert_eq!(bare.status.code(), Some(0), "{}", stderr(&bare));
    assert_eq!(read(&target), "");
}

#[test]
fn without_seccomp_the_dropped_protections_are_named() {
    let f = Fixture::new();
    let out = f.run_sh(&["--allow", ".", "--simulate-no-seccomp"], "true");
    assert_eq!(out.status.code(), Some(125));
    let err = stderr(&out);
    for expected in [
        "terminal injection",
        "io_uring",
        "foreign architectures",
        "CONFIG_SECCOMP_FILTER",
    ] {
        assert!(err.contains(expected), "{expected}: {err}");
    }
}

#[test]
fn namespaces_cover_signals_and_abstract_sockets_below_abi_6() {
    use std::os::linux::net::SocketAddrExt;
    use std::os::unix::net::{SocketAddr, UnixListener};
    let f = Fixture::new();
    // A listener on an abstract socket outside the sandbox, and a process to signal.
    let name = format!("nono-test-{}", f.root.display());
    let listener =
        UnixListener::bind_addr(&SocketAddr::from_abstract_name(name.as_bytes()).unwrap()).unwrap();
    listener.set_nonblocking(true).unwrap();
    let code = "import os, signal, socket, sys\ntry:\n    os.kill(int(sys.argv[1]), signal.SIGTERM); print('signal sent')\nexcept OSError as e:\n    print('signal', e.errno)\ntry:\n    socket.socket(socket.AF_UNIX).connect('\\0' + sys.argv[2]); print('connected')\nexcept OSError as e:\n    print('connect', e.errno)";
    let attack = |flags: &[&str], victim: &Victim| {
        let mut args = vec!["run", "--allow", ".", "--simulate-abi", "3"];
        args.extend_from_slice(flags);
        let pid = victim.pid();
        args.extend_from_slice(&["--", "/usr/bin/python3", "-c", code, &pid, &name]);
        f.nono(args).output().unwrap()
    };

    // Landlock ABI 3 has no scopes; with --net-block, the PID and network namespaces give what
    // they would: the victim has no pid there (ESRCH), the abstract name no listener
    // (ECONNREFUSED), and nothing is reported dropped.
    let mut victim = Victim::spawn();
    let out = attack(&["--net-block"], &victim);
    assert_eq!(stdout(&out), "signal 3\nconnect 111\n", "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    assert!(victim.alive(), "the victim must survive");
    assert!(
        listener.accept().is_err(),
        "the listener must receive nothing"
    );

    // Control, the same ABI without namespaces: both protections are reported dropped, and the
    // signal and the connection get through.
    let mut victim = Victim::spawn();
    let mut flags = vec!["--simulate-no-userns", "--allow-degraded"];
    let sockets = allow_listening_sockets();
    flags.extend(sockets.iter().map(String::as_str));
    let out = attack(&flags, &victim);
    assert_eq!(stdout(&out), "signal sent\nconnected\n", "{}", stderr(&out));
    assert_warns(&stderr(&out), &SCOPES_DROPPED, "");
    assert!(!victim.alive(), "control: the signal kills it");
    assert!(
        listener.accept().is_ok(),
        "control: the listener is reached"
    );
}

#[test]
fn masks_without_user_namespaces_are_refused_naming_grant_and_secret() {
    let f = Fixture::new();
    let home = f.home.to_string_lossy().into_owned();
    let out = f.run_sh(&["--allow", &home, "--simulate-no-userns"], "true");
    assert_eq!(out.status.code(), Some(125));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("--allow {home} would expose")),
        "{err}"
    );
    assert!(err.contains(".ssh"), "{err}");
    // --allow-degraded never exposes a secret.
    let out = f.run_sh(
        &["--allow", &home, "--simulate-no-userns", "--allow-degraded"],
        "true",
    );
    assert_eq!(out.status.code(), Some(125));
}

#[test]
fn odd_path_names_work() {
    let f = Fixture::new();
    let names: Vec<std::ffi::OsString> = vec![
        "with space".into(),
        "new\nline".into(),
        std::ffi::OsStr::from_bytes(b"raw-\xff-byte").to_os_string(),
        "quote'\"$(x)".into(),
    ];
    for name in names {
        let dir = f.outside.join(&name);
        std::fs::create_dir_all(&dir).unwrap();
        let out = f
            .nono([
                "run".as_ref(),
                "--allow".as_ref(),
                dir.as_os_str(),
                "--".as_ref(),
                "/bin/sh".as_ref(),
                "-c".as_ref(),
                "echo ok > \"$1/f\"".as_ref(),
                "sh".as_ref(),
                dir.as_os_str(),
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{:?}: {}", name, stderr(&out));
        assert_eq!(std::fs::read_to_string(dir.join("f")).unwrap(), "ok\n");
        let json = f
            .nono([
                "run".as_ref(),
                "--allow".as_ref(),
                dir.as_os_str(),
                "--dry-run".as_ref(),
                "--json".as_ref(),
                "--".as_ref(),
                "true".as_ref(),
            ])
            .output()
            .unwrap();
        assert_eq!(json.status.code(), Some(0), "{}", stderr(&json));
        let missing = f.outside.join(&name).join("missing");
        let out = f
            .nono([
                "run".as_ref(),
                "--read".as_ref(),
                missing.as_os_str(),
                "--".as_ref(),
                "true".as_ref(),
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(125));
        assert_eq!(
            stderr(&out).lines().count(),
            1,
            "one line even for {:?}",
            name
        );
    }
}

#[test]
fn dry_run_runs_nothing_and_exits_zero() {
    let f = Fixture::new();
    let marker = f.project.join("ran");
    let out = f.run_sh(
        &["--allow", ".", "--dry-run"],
        &format!("touch '{}'", marker.display()),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!marker.exists());
    let text = stdout(&out);
    for expected in [
        "grants:",
        "baseline",
        "sensitive paths",
        "network: allowed",
        "Landlock ABI",
        "TMPDIR=",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn dry_run_json_is_the_plan() {
    let f = Fixture::new();
    let home = f.home.to_string_lossy().into_owned();
    let out = f
        .nono([
            "run",
            "--allow",
            &home,
            "--net-block",
            "--dry-run",
            "--json",
            "--",
            "true",
        ])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let plan = &doc["plan"];
    assert_eq!(plan["network"]["blocked"], true);
    assert_eq!(plan["layers"]["network_namespace"], true);
    assert_eq!(plan["layers"]["namespaces"], true);
    let masked: Vec<&str> = plan["sensitive"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["state"] == "masked")
        .map(|s| s["path"].as_str().unwrap())
        .collect();
    assert!(masked.iter().any(|p| p.ends_with("/.ssh")), "{masked:?}");
    assert!(masked.iter().any(|p| p.ends_with("/.bashrc")), "{masked:?}");
}

#[test]
fn completions_are_generated_for_common_shells() {
    let f = Fixture::new();
    for (shell, marker) in [
        ("bash", "_nono()"),
        ("zsh", "#compdef nono"),
        ("fish", "complete -c nono"),
    ] {
        let out = f.nono(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(stdout(&out).contains(marker), "{shell}");
        assert!(
            stdout(&out).contains("net-block"),
            "{shell} completes run's flags"
        );
    }
}
