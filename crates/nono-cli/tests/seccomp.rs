//! The seccomp filter's tables, entry by entry, in real sandboxed children: every documented
//! denied system call, namespace flag of `clone` and ioctl (docs/security.md, "The protected
//! lists"). Each probe runs in the same sandbox with and without the filter
//! (`--simulate-no-seccomp`), so the difference is the filter's; calls the kernel refuses to a
//! process without capabilities anyway are also run by root, with every capability, under the
//! filter copied from a sandboxed process. The probes are in `probes/seccomp.c`.

mod common;
use common::*;
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

const PROBES: &str = include_str!("probes/seccomp.c");

/// Both shapes of sandbox: without namespaces where the plan needs none, and with them.
const BOTH_MODES: [&[&str]; 2] = [&["--allow", "."], &["--allow", ".", "--net-block"]];
const WITHOUT_FILTER: &[&str] = &["--simulate-no-seccomp", "--allow-degraded"];

/// The documented denials: the system calls of this architecture and the namespace flags of
/// `clone`, each with the errno the filter answers.
fn documented_denials() -> Vec<(String, String)> {
    let arch = std::env::consts::ARCH;
    let calls = documented("Denied system calls")
        .into_iter()
        .filter(|row| row[2].is_empty() || row[2] == arch)
        .map(|row| (row[0].clone(), row[1].clone()));
    let flags = documented("Namespaces `clone` may not create")
        .into_iter()
        .map(|row| (row[0].clone(), row[1].clone()));
    calls.chain(flags).collect()
}

/// One probe's line: what happened, and what the kernel does without the filter.
struct Outcome {
    got: String,
    without_filter: Vec<String>,
}

/// Parses the probe program's `NAME OUTCOME EXPECTED` lines.
fn outcomes(out: &Output) -> HashMap<String, Outcome> {
    assert_ne!(
        out.status.code(),
        Some(125),
        "nono refused: {}",
        stderr(out)
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "the probe failed: {}",
        stderr(out)
    );
    stdout(out)
        .lines()
        .map(|line| {
            let fields: Vec<&str> = line.split(' ').collect();
            assert_eq!(fields.len(), 3, "probe line {line:?}");
            let outcome = Outcome {
                got: fields[1].to_string(),
                without_filter: fields[2].split('|').map(str::to_string).collect(),
            };
            (fields[0].to_string(), outcome)
        })
        .collect()
}

fn probe_program(f: &Fixture) -> Option<PathBuf> {
    compile_c(&f.project, "seccomp", PROBES)
}

/// `nono run FLAGS -- ./seccomp ARGS`.
fn sandboxed(f: &Fixture, flags: &[&str], args: &[String]) -> Command {
    let mut cmd = f.nono(["run"]);
    cmd.args(flags).args(["--", "./seccomp"]).args(args);
    cmd
}

#[test]
fn every_denied_call_fails_with_its_errno_where_the_kernel_would_run_it() {
    let f = Fixture::new();
    if probe_program(&f).is_none() {
        return;
    }
    let denials = documented_denials();
    let names: Vec<String> = denials.iter().map(|d| d.0.clone()).collect();
    for mode in BOTH_MODES {
        let filtered = outcomes(&sandboxed(&f, mode, &names).output().unwrap());
        let control_flags = [mode, WITHOUT_FILTER].concat();
        let control = outcomes(&sandboxed(&f, &control_flags, &names).output().unwrap());
        for (name, errno) in &denials {
            let (Some(denied), Some(bare)) = (filtered.get(name), control.get(name)) else {
                panic!("{name}: no output from the probe");
            };
            assert_ne!(
                bare.got, "no-probe",
                "write a probe for {name} in probes/seccomp.c"
            );
            assert_eq!(&denied.got, errno, "{name} under the filter ({mode:?})");
            assert!(
                bare.without_filter.contains(&bare.got),
                "control: {name} without the filter gave {}, expected one of {:?} ({mode:?})",
                bare.got,
                bare.without_filter
            );
            // Where the control gives the filter's own errno, the probe declares that the
            // kernel checks a capability before anything else: the next test shows that the
            // filter refuses those calls too.
        }
    }
}

/// The pids of `root` and all its descendants.
fn descendants(root: u32) -> Vec<u32> {
    let mut parent_of = HashMap::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        // The parent is the second field after the parenthesised command name.
        let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
        if let Some(ppid) = after.split_whitespace().nth(1) {
            parent_of.insert(pid, ppid.parse::<u32>().unwrap_or(0));
        }
    }
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(
            parent_of
                .iter()
                .filter(|(_, p)| **p == parent)
                .map(|(c, _)| *c),
        );
        i += 1;
    }
    found
}

/// The pid of the probe program running sandboxed under `nono` (pid `nono`): nono's child,
/// its grandchild in a PID namespace, or nono itself after exec.
fn sandboxed_probe(nono: u32) -> u32 {
    descendants(nono)
        .into_iter()
        .find(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c == "seccomp\n")
        })
        .expect("the sandboxed probe is running")
}

#[test]
fn with_every_capability_only_the_copied_filter_refuses() {
    if !require_root("a process holding every capability, and ptrace to copy a filter") {
        return;
    }
    let f = Fixture::new();
    let Some(exe) = probe_program(&f) else {
        return;
    };
    let denials = documented_denials();
    let names: Vec<String> = denials.iter().map(|d| d.0.clone()).collect();
    for mode in BOTH_MODES {
        // A sandboxed probe that waits, so that its filter can be copied.
        let mut held = sandboxed(&f, mode, &["--hold".to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut ready = String::new();
        BufReader::new(held.stdout.take().unwrap())
            .read_line(&mut ready)
            .unwrap();
        assert_eq!(ready, "held\n");
        let pid = sandboxed_probe(held.id()).to_string();
        let run = |extra: &[&str]| {
            let out = Command::new(&exe)
                .arg("--capable")
                .args(extra)
                .args(&names)
                .current_dir(&f.project)
                .output()
                .unwrap();
            outcomes(&out)
        };
        let filtered = run(&["--filter-of", &pid]);
        let control = run(&[]);
        drop(held.stdin.take()); // end of input: the held probe exits
        assert!(held.wait().unwrap().success());
        for (name, errno) in &denials {
            let (denied, bare) = (&filtered[name], &control[name]);
            assert_eq!(
                &denied.got, errno,
                "{name} with the copied filter ({mode:?})"
            );
            assert!(
                bare.without_filter.contains(&bare.got) && &bare.got != errno,
                "control: {name} with every capability and no filter gave {}, expected one of {:?}",
                bare.got,
                bare.without_filter
            );
        }
    }
}

/// Runs the ioctl probe on a fresh pseudo-terminal (its stdin, made its controlling
/// terminal) under `nono run FLAGS`; returns `REQUEST OUTCOME QUEUED` per request.
fn ioctls_on_a_terminal(f: &Fixture, flags: &[&str], requests: &[String]) -> Vec<String> {
    let (mut master, mut slave) = (0, 0);
    // SAFETY: openpty fills two descriptors; the name and settings pointers may be null.
    let ret = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(ret, 0);
    use std::os::fd::FromRawFd;
    // SAFETY: dup returns a fresh descriptor that the Stdio then owns.
    let terminal = unsafe { Stdio::from_raw_fd(libc::dup(slave)) };
    let mut args = vec!["--ioctl".to_string()];
    args.extend_from_slice(requests);
    let out = sandboxed(f, flags, &args).stdin(terminal).output().unwrap();
    // SAFETY: closing our own descriptors.
    unsafe {
        libc::close(master);
        libc::close(slave);
    }
    assert_eq!(out.status.code(), Some(0), "{flags:?}: {}", stderr(&out));
    stdout(&out).lines().map(str::to_string).collect()
}

#[test]
fn every_denied_ioctl_is_refused_on_a_terminal_even_with_high_bits() {
    let f = Fixture::new();
    if probe_program(&f).is_none() {
        return;
    }
    let documented = documented("Denied ioctls");
    // Each request as documented, and with a high bit the kernel ignores.
    let mut requests = Vec::new();
    for row in &documented {
        let request = u64::from_str_radix(row[1].trim_start_matches("0x"), 16).unwrap();
        requests.push(format!("{request:#x}"));
        requests.push(format!("{:#x}", request | 1 << 32));
    }
    for mode in BOTH_MODES {
        let denied = ioctls_on_a_terminal(&f, mode, &requests);
        let expected: Vec<String> = requests.iter().map(|r| format!("{r} EPERM 0")).collect();
        assert_eq!(denied, expected, "EPERM, nothing queued ({mode:?})");

        let control = ioctls_on_a_terminal(&f, &[mode, WITHOUT_FILTER].concat(), &requests);
        assert_eq!(control.len(), requests.len(), "control: {control:?}");
        for (line, row) in control.iter().zip(documented.iter().flat_map(|r| [r, r])) {
            assert!(
                !line.contains(" EPERM "),
                "control: without the filter the driver answers {} ({mode:?}): {line}",
                row[0]
            );
            if row[0] == "TIOCSTI" {
                assert!(line.ends_with(" ok 1"), "control: TIOCSTI injects: {line}");
            }
        }
    }
}
