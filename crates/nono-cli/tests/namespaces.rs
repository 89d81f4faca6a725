//! Where the namespaces of the view cannot be made, nono notices, refuses in one line that
//! names the cause and both ways out, and runs only with `--allow-degraded`, after printing
//! every protection lost. Each cause is forced for real: a sysctl (`user.max_user_namespaces`
//! = 0 in an enclosing user namespace), a seccomp filter that forbids new user namespaces (as
//! in many containers), and a user namespace that may not mount (the shape of Ubuntu's
//! AppArmor restriction, made here by an enclosing Landlock domain, which forbids mounts).
//! The positive control is the same run without the wrapper: the view is built.

mod common;
use common::*;
use std::process::{Command, Stdio};

const PY: &str = "/usr/bin/python3";

/// Python that installs a seccomp filter failing `unshare` and `clone(CLONE_NEWUSER)` with
/// EPERM (and `clone3` with ENOSYS), then execs its arguments.
const NO_USERNS_FILTER: &str = r#"
import ctypes, os, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
def op(code, k, jt=0, jf=0): return struct.pack("HBBI", code, jt, jf, k)
LD, JEQ, JSET, RET = 0x20, 0x15, 0x45, 0x06
ALLOW, EPERM, ENOSYS = 0x7fff0000, 0x50001, 0x50026
prog = b"".join([
    op(LD, 0),
    op(JEQ, 272, 0, 1), op(RET, EPERM),
    op(JEQ, 435, 0, 1), op(RET, ENOSYS),
    op(JEQ, 56, 0, 3), op(LD, 16), op(JSET, 0x10000000, 0, 1), op(RET, EPERM),
    op(RET, ALLOW),
])
buf = ctypes.create_string_buffer(prog)
class Fprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]
fprog = Fprog(len(prog) // 8, ctypes.addressof(buf))
assert libc.prctl(38, 1, 0, 0, 0) == 0
assert libc.prctl(22, 2, ctypes.byref(fprog), 0, 0) == 0, ctypes.get_errno()
os.execv(sys.argv[1], sys.argv[1:])
"#;

/// Python that confines itself with a Landlock domain allowing everything it handles (so
/// only its ban on mounts matters), then execs its arguments.
const NO_MOUNT_DOMAIN: &str = r#"
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
class Attr(ctypes.Structure):
    _fields_ = [("fs", ctypes.c_uint64)]
class Beneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("access", ctypes.c_uint64), ("fd", ctypes.c_int32)]
EXECUTE = 1
attr = Attr(EXECUTE)
rs = libc.syscall(444, ctypes.byref(attr), ctypes.sizeof(attr), 0)
root = os.open("/", os.O_PATH)
assert libc.syscall(445, rs, 1, ctypes.byref(Beneath(EXECUTE, root)), 0) == 0
assert libc.prctl(38, 1, 0, 0, 0) == 0
assert libc.syscall(446, rs, 0) == 0, ctypes.get_errno()
os.execv(sys.argv[1], sys.argv[1:])
"#;

/// `nono run --allow . [extra] -- sh -c SCRIPT`, started through `wrapper`: a list of words
/// put before nono.
fn run_wrapped(
    f: &Fixture,
    wrapper: &[&str],
    extra: &[&str],
    script: &str,
) -> std::process::Output {
    let bin = nono_bin().to_string_lossy().into_owned();
    let mut argv: Vec<&str> = wrapper.to_vec();
    argv.extend_from_slice(&[bin.as_str(), "run", "--allow", "."]);
    argv.extend_from_slice(extra);
    argv.extend_from_slice(&["--", "/bin/sh", "-c", script]);
    Command::new(argv[0])
        .args(&argv[1..])
        .current_dir(&f.project)
        .env("HOME", &f.home)
        .env("TMPDIR", &f.tmp)
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// The script: whether the view was built (nono's capability file lives in it), and whether
/// a file outside the grant could be read.
fn script(f: &Fixture) -> String {
    format!(
        "test -f /dev/nono/plan.json && echo view || echo no-view; cat '{}' || true",
        f.outside.join("file.txt").display()
    )
}

fn check(wrapper: &[&str], cause: &str, apparmor: bool) {
    let f = Fixture::new();
    let script = script(&f);
    // Control: without the wrapper the view is built.
    let out = f.run_sh(&["--allow", "."], &script);
    assert_eq!(stdout(&out), "view\n", "control: {}", stderr(&out));

    let out = run_wrapped(&f, wrapper, &[], &script);
    assert_eq!(out.status.code(), Some(125), "{}", stderr(&out));
    assert_eq!(stdout(&out), "", "nothing ran");
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.contains(cause), "the cause, {cause:?}: {err}");
    assert!(err.contains("--allow-degraded"), "{err}");
    assert_eq!(err.contains("AppArmor profile"), apparmor, "{err}");
    for loss in ["metadata changes", "System V IPC", "other terminals"] {
        assert!(err.contains(loss), "{loss}: {err}");
    }

    let out = run_wrapped(&f, wrapper, &["--allow-degraded"], &script);
    assert_eq!(stdout(&out), "no-view\n", "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("WARNING: running with reduced protection"),
        "{err}"
    );
    assert!(err.contains("System V IPC"), "{err}");
    // Landlock still denies the outside file.
    assert!(err.contains("Permission denied"), "{err}");
}

#[test]
fn a_sysctl_that_disables_user_namespaces_is_named() {
    let sysctl = "echo 0 > /proc/sys/user/max_user_namespaces && exec \"$@\"";
    check(
        &[
            "unshare",
            "--user",
            "--map-root-user",
            "sh",
            "-c",
            sysctl,
            "sh",
        ],
        "user.max_user_namespaces = 0",
        false,
    );
}

#[test]
fn a_filter_that_forbids_user_namespaces_is_named() {
    check(
        &[PY, "-c", NO_USERNS_FILTER],
        "user namespaces are not permitted here",
        false,
    );
}

#[test]
fn a_user_namespace_that_may_not_mount_is_named() {
    check(
        &[PY, "-c", NO_MOUNT_DOMAIN],
        "the new user namespace may not mount",
        true,
    );
}

/// nono blocks the signals it passes on while it builds the view; where the view cannot be
/// built and the run goes on degraded, the program must not inherit that mask (Ctrl-C,
/// SIGTERM and window resizes would never reach it). `grep` is the program itself: a shell
/// would unblock its signals on its own.
#[test]
fn a_degraded_run_gets_the_signals_as_nono_got_them() {
    let f = Fixture::new();
    let run = |wrapper: &[&str]| {
        let bin = nono_bin().to_string_lossy().into_owned();
        let mut argv: Vec<&str> = wrapper.to_vec();
        argv.extend_from_slice(&[bin.as_str(), "run", "--allow", ".", "--allow-degraded"]);
        argv.extend_from_slice(&["--", "/usr/bin/grep", "^SigBlk", "/proc/self/status"]);
        Command::new(argv[0])
            .args(&argv[1..])
            .current_dir(&f.project)
            .env("HOME", &f.home)
            .env("TMPDIR", &f.tmp)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let unblocked = "SigBlk:\t0000000000000000\n";
    // Control: with the view, the program gets nono's mask back.
    let out = run(&[]);
    assert_eq!(stdout(&out), unblocked, "control: {}", stderr(&out));
    let out = run(&[PY, "-c", NO_MOUNT_DOMAIN]);
    assert!(
        stderr(&out).contains("WARNING: running with reduced protection"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stdout(&out), unblocked, "{}", stderr(&out));
}

#[test]
fn the_apparmor_profile_ships_and_allows_user_namespaces() {
    let profile =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packaging/apparmor/nono");
    let text = std::fs::read_to_string(&profile).unwrap();
    assert!(text.contains("userns,"), "{text}");
    assert!(text.contains("flags=(unconfined)"), "{text}");
    let readme = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md"),
    )
    .unwrap();
    assert!(
        readme.contains("packaging/apparmor/nono"),
        "the README says how to install it"
    );
}
