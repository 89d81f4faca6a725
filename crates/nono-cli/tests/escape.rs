//! The escape suite: one test per technique a hostile program would try. Each has a positive
//! control (the attack works without nono) and checks the real effect: the victim process is
//! alive, the listener received nothing, the terminal's input queue is empty, the secret did
//! not come back.

mod common;
use common::*;
use std::process::Command;

const PY: &str = "/usr/bin/python3";

/// Runs a Python snippet bare (control) or under `nono run FLAGS`, returning stdout.
fn python(f: &Fixture, flags: Option<&[&str]>, code: &str, args: &[&str]) -> String {
    let out = match flags {
        None => Command::new(PY)
            .arg("-c")
            .arg(code)
            .args(args)
            .current_dir(&f.project)
            .output()
            .unwrap(),
        Some(flags) => {
            let mut argv = vec!["run"];
            argv.extend_from_slice(flags);
            argv.extend_from_slice(&["--", PY, "-c", code]);
            argv.extend_from_slice(args);
            f.nono(argv).output().unwrap()
        }
    };
    assert_ne!(
        out.status.code(),
        Some(125),
        "nono refused: {}",
        stderr(&out)
    );
    stdout(&out)
}

const SANDBOX: &[&str] = &["--allow", "."];
/// A filtered network: nono's proxy the only way out (see egress.rs).
const FILTERED: &[&str] = &["--allow", ".", "--allow-domain", "example.org"];

#[test]
fn secret_environment_variables_are_stripped() {
    let f = Fixture::new();
    let mut cmd = f.nono(["run", "--allow", ".", "--", "/usr/bin/env"]);
    cmd.env("GITHUB_TOKEN", "ghp_secret")
        .env("ANTHROPIC_API_KEY", "sk-secret")
        .env("AWS_SECRET_ACCESS_KEY", "aws-secret")
        .env("SSH_AUTH_SOCK", "/tmp/agent.sock")
        .env("LD_PRELOAD", "/tmp/evil.so")
        .env("ORDINARY", "kept");
    let out = cmd.output().unwrap();
    let env = stdout(&out);
    assert!(env.contains("ORDINARY=kept"), "positive control: {env}");
    for secret in [
        "ghp_secret",
        "sk-secret",
        "aws-secret",
        "agent.sock",
        "evil.so",
    ] {
        assert!(!env.contains(secret), "{secret} leaked:\n{env}");
    }
    // --env-allow keeps one, --env sets one, and --dry-run names removals without values.
    let mut cmd = f.nono([
        "run",
        "--allow",
        ".",
        "--env-allow",
        "GITHUB_TOKEN",
        "--env",
        "NEW=1",
        "--",
        "/usr/bin/env",
    ]);
    cmd.env("GITHUB_TOKEN", "ghp_secret")
        .env("OPENAI_API_KEY", "sk-x");
    let env = stdout(&cmd.output().unwrap());
    assert!(
        env.contains("GITHUB_TOKEN=ghp_secret") && env.contains("NEW=1"),
        "{env}"
    );
    assert!(!env.contains("sk-x"));
    let mut cmd = f.nono(["run", "--allow", ".", "--dry-run", "--", "true"]);
    cmd.env("OPENAI_API_KEY", "sk-x");
    let plan = stdout(&cmd.output().unwrap());
    assert!(plan.contains("remove OPENAI_API_KEY (secret)"), "{plan}");
    assert!(!plan.contains("sk-x"));
}

#[test]
fn inherited_descriptors_are_closed() {
    let f = Fixture::new();
    let secret = f.outside.join("file.txt");
    let script = "import os; print(7 in [int(x) for x in os.listdir('/proc/self/fd')])";
    // The test harness opens the outside file on fd 7 for the child (via sh's redirection).
    let wrap = |flags: &str| {
        format!(
            "exec 7<'{}'; {} {flags} {PY} -c \"{script}\"",
            secret.display(),
            if flags.is_empty() {
                String::new()
            } else {
                format!("'{}' run --allow .", nono_bin().display())
            }
        )
    };
    let bare = f.bare_sh(&wrap(""));
    assert_eq!(
        stdout(&bare),
        "True\n",
        "positive control: {}",
        stderr(&bare)
    );
    let sandboxed = f.bare_sh(&wrap("--"));
    assert_eq!(stdout(&sandboxed), "False\n", "{}", stderr(&sandboxed));
    let kept = f.bare_sh(&wrap("--keep-fd 7 --"));
    assert_eq!(stdout(&kept), "True\n", "{}", stderr(&kept));
}

/// A descriptor number promised with `--keep-fd` that nono was not given is refused, in
/// every mode: none of nono's own descriptors (its report pipe, the egress proxy's and the
/// publisher's channels to the sandbox's init) may pass as the user's. The control: the same
/// number, open, reaches the program as that file.
#[test]
fn a_promised_descriptor_is_never_one_of_nonos() {
    let f = Fixture::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
        .to_string();
    let modes: [&[&str]; 3] = [
        &[],
        &["--allow-domain", "allowed.test"],
        &["--net-block", "--publish", &port],
    ];
    let mine = f.project.join("mine");
    for mode in modes {
        for fd in 3..=8 {
            let run = |open: &str| {
                f.bare_sh(&format!(
                    "{open}'{}' run --allow . {} --keep-fd {fd} -- /usr/bin/readlink /proc/self/fd/{fd}",
                    nono_bin().display(),
                    mode.join(" ")
                ))
            };
            let out = run("");
            assert_eq!(
                out.status.code(),
                Some(125),
                "{mode:?} {fd}: {}",
                stdout(&out)
            );
            assert_eq!(
                stderr(&out),
                format!("nono: --keep-fd {fd}: not an open descriptor\n"),
                "{mode:?}"
            );
            let out = run(&format!("exec {fd}>'{}'; ", mine.display()));
            assert_eq!(
                stdout(&out),
                format!("{}\n", mine.display()),
                "control, {mode:?} {fd}: {}",
                stderr(&out)
            );
        }
    }
}

#[test]
fn io_uring_is_unavailable() {
    let f = Fixture::new();
    let code = "import ctypes; l=ctypes.CDLL(None, use_errno=True); p=ctypes.create_string_buffer(120); r=l.syscall(425, 4, p); print(r >= 0, ctypes.get_errno())";
    assert!(
        python(&f, None, code, &[]).starts_with("True"),
        "control: io_uring works bare"
    );
    assert_eq!(python(&f, Some(SANDBOX), code, &[]).trim(), "False 38");
    assert_eq!(python(&f, Some(FILTERED), code, &[]).trim(), "False 38");
}

#[test]
fn sockets_through_the_32_bit_syscall_entry_are_blocked() {
    let f = Fixture::new();
    let source = r#"#include <stdio.h>
int main(void) { long r;
  __asm__ volatile("int $0x80" : "=a"(r) : "a"(359L), "b"(2L), "c"(1L), "d"(0L) : "memory");
  printf("%ld\n", r); return 0; }"#;
    let Some(exe) = compile_c(&f.project, "int80", source) else {
        return;
    };
    let bare = Command::new(&exe).output().unwrap();
    let fd: i64 = stdout(&bare).trim().parse().unwrap();
    assert!(fd >= 0, "control: the i386 socket() works bare (got {fd})");
    for flags in [SANDBOX, &["--allow", ".", "--net-block"][..], FILTERED] {
        let mut argv = vec!["run"];
        argv.extend_from_slice(flags);
        argv.extend_from_slice(&["--", "./int80"]);
        let out = f.nono(argv).output().unwrap();
        assert_eq!(
            stdout(&out).trim(),
            "-38",
            "ENOSYS for {flags:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn other_socket_families_fail_under_net_block() {
    let f = Fixture::new();
    // AF_PACKET (17), AF_VSOCK (40), which a network namespace does not confine, and netlink's
    // NETLINK_KOBJECT_UEVENT (16, 15): the filter answers EAFNOSUPPORT for each.
    let code = "import socket\nfor fam, typ, proto in ((17, 3, 0), (40, 1, 0), (16, 3, 15)):\n    try:\n        socket.socket(fam, typ, proto); print('ok')\n    except OSError as e:\n        print(e.errno)";
    let blocked = python(&f, Some(&["--allow", ".", "--net-block"]), code, &[]);
    assert_eq!(blocked, "97\n97\n97\n");
    assert_eq!(python(&f, Some(FILTERED), code, &[]), "97\n97\n97\n");
    // Control in the same sandbox without the filter: VSOCK and netlink open; AF_PACKET meets
    // the kernel's own capability check (EPERM), which is not the filter's answer either.
    let flags = [
        "--allow",
        ".",
        "--net-block",
        "--simulate-no-seccomp",
        "--allow-degraded",
    ];
    assert_eq!(
        python(&f, Some(&flags), code, &[]),
        "1\nok\nok\n",
        "control"
    );
}

#[test]
fn mptcp_cannot_reach_the_host_under_net_block() {
    let f = Fixture::new();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let code = "import socket, sys\ntry:\n    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262); s.settimeout(2); s.connect(('127.0.0.1', int(sys.argv[1]))); print('connected')\nexcept OSError as e:\n    print(e.errno)";
    assert_eq!(python(&f, None, code, &[&port]), "connected\n", "control");
    assert!(listener.accept().is_ok());
    let out = python(&f, Some(&["--allow", ".", "--net-block"]), code, &[&port]);
    assert_eq!(out, "111\n");
    assert_eq!(python(&f, Some(FILTERED), code, &[&port]), "111\n");
    std::thread::sleep(std::time::Duration::from_millis(100));
    assert!(
        listener.accept().is_err(),
        "the host listener received a connection"
    );
}

#[test]
fn personality_changes_are_denied_but_queries_work() {
    let f = Fixture::new();
    let code = "import ctypes; l=ctypes.CDLL(None, use_errno=True); q=l.syscall(135, 0xffffffff); s=l.syscall(135, 0x0040000); print(q >= 0, s, ctypes.get_errno())";
    assert!(python(&f, None, code, &[]).starts_with("True 0"), "control");
    assert_eq!(python(&f, Some(SANDBOX), code, &[]).trim(), "True -1 1");
}

#[test]
fn no_new_namespaces_inside_the_sandbox() {
    let f = Fixture::new();
    let code = "import ctypes; l=ctypes.CDLL(None, use_errno=True); r=l.syscall(272, 0x10000000); print(r, ctypes.get_errno())";
    assert_eq!(
        python(&f, None, code, &[]).trim(),
        "0 0",
        "control: unshare(NEWUSER) works bare"
    );
    assert_eq!(python(&f, Some(SANDBOX), code, &[]).trim(), "-1 1");
}

/// Both shapes of sandbox: Landlock scoping alone (no namespace is needed for `--allow .` on
/// a machine without listening sockets), and the PID namespace (`--net-block` forces it).
const BOTH_MODES: [&[&str]; 2] = [&["--allow", "."], &["--allow", ".", "--net-block"]];

#[test]
fn signals_to_outside_processes_fail() {
    let f = Fixture::new();
    let code = "import os, sys, signal\ntry:\n    os.kill(int(sys.argv[1]), signal.SIGTERM); print('sent')\nexcept OSError as e:\n    print(e.errno)";
    for flags in BOTH_MODES {
        let mut victim = Victim::spawn();
        let out = python(&f, Some(flags), code, &[&victim.pid()]);
        // EPERM from Landlock's signal scope, or ESRCH: the pid does not exist in the namespace.
        assert!(out == "1\n" || out == "3\n", "{flags:?}: {out}");
        assert!(victim.alive(), "the victim must survive ({flags:?})");
    }
    let mut control = Victim::spawn();
    assert_eq!(python(&f, None, code, &[&control.pid()]), "sent\n");
    assert!(!control.alive(), "control: the signal kills it bare");
}

#[test]
fn sigio_to_outside_processes_fails() {
    let f = Fixture::new();
    // Arm SIGIO on a pipe for the victim's pid, then make the pipe readable.
    let code = "import fcntl, os, sys\nr, w = os.pipe()\ntry:\n    fcntl.fcntl(r, fcntl.F_SETOWN, int(sys.argv[1]))\nexcept OSError as e:\n    print(e.errno)\nfcntl.fcntl(r, fcntl.F_SETFL, os.O_ASYNC)\nos.write(w, b'x')\nprint('armed')";
    for flags in BOTH_MODES {
        let mut victim = Victim::spawn();
        let out = python(&f, Some(flags), code, &[&victim.pid()]);
        // Landlock's scope lets F_SETOWN name the victim but keeps the signal from it; in a
        // PID namespace the victim has no pid (ESRCH).
        assert!(out == "armed\n" || out == "3\narmed\n", "{flags:?}: {out}");
        assert!(
            victim.alive(),
            "SIGIO must not reach the victim ({flags:?})"
        );
    }
    let mut control = Victim::spawn();
    assert_eq!(python(&f, None, code, &[&control.pid()]), "armed\n");
    assert!(!control.alive(), "control: SIGIO kills it bare");
}

#[test]
fn other_processes_are_invisible_in_the_pid_namespace() {
    let f = Fixture::new();
    let victim = Victim::spawn();
    let code = "import os, sys\ntry:\n    print(open(f'/proc/{sys.argv[1]}/cmdline').read().split(chr(0))[0])\nexcept OSError as e:\n    print(e.errno)\nprint(sum(1 for p in os.listdir('/proc') if p.isdigit()) < 10)";
    assert_eq!(
        python(&f, None, code, &[&victim.pid()]).lines().next(),
        Some("sleep"),
        "control"
    );
    let out = python(
        &f,
        Some(&["--allow", ".", "--net-block"]),
        code,
        &[&victim.pid()],
    );
    assert_eq!(
        out, "2\nTrue\n",
        "no /proc entry, and only the sandbox's few processes"
    );
}

/// The start of a readable mapping of process `pid`.
fn readable_address(pid: &str) -> String {
    let maps = read(std::path::Path::new(&format!("/proc/{pid}/maps")));
    let line = maps
        .lines()
        .find(|l| l.split(' ').nth(1).is_some_and(|p| p.starts_with('r')));
    line.and_then(|l| l.split('-').next()).unwrap().to_string()
}

#[test]
fn ptrace_and_process_memory_of_outside_processes_fail() {
    let f = Fixture::new();
    // process_vm_readv of one byte at a readable address of the victim, PTRACE_ATTACH (16),
    // then its environment and that byte through /proc.
    let code = r#"
import ctypes, sys
l = ctypes.CDLL(None, use_errno=True)
pid, addr = int(sys.argv[1]), int(sys.argv[2], 16)
class iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
buf = ctypes.create_string_buffer(1)
here, there = iovec(ctypes.cast(buf, ctypes.c_void_p), 1), iovec(addr, 1)
ctypes.set_errno(0)
r = l.process_vm_readv(pid, ctypes.byref(here), 1, ctypes.byref(there), 1, 0)
print("vm", r, ctypes.get_errno())
ctypes.set_errno(0); r = l.ptrace(16, pid, 0, 0); print("ptrace", r, ctypes.get_errno())
for name in ("environ", "mem"):
    try:
        with open(f"/proc/{pid}/{name}", "rb") as f:
            f.seek(addr if name == "mem" else 0); f.read(1); print(name, "read")
    except OSError as e:
        print(name, e.errno)
"#;
    for flags in BOTH_MODES {
        let mut victim = Victim::spawn();
        let addr = readable_address(&victim.pid());
        let out = python(&f, Some(flags), code, &[&victim.pid(), &addr]);
        // process_vm_readv and ptrace: EPERM from seccomp. /proc: EACCES from Landlock's
        // ptrace scoping, or ENOENT inside a PID namespace, where the victim has no entry.
        let denied = "vm -1 1\nptrace -1 1\n";
        assert!(
            out == format!("{denied}environ 13\nmem 13\n")
                || out == format!("{denied}environ 2\nmem 2\n"),
            "{flags:?}: {out}"
        );
        assert!(victim.alive());
    }
    // Control: the same user reaches the victim's memory without nono.
    let control = Victim::spawn();
    let addr = readable_address(&control.pid());
    let bare = python(&f, None, code, &[&control.pid(), &addr]);
    assert_eq!(
        bare, "vm 1 0\nptrace 0 0\nenviron read\nmem read\n",
        "control"
    );
}

const UNIX_CLIENT: &str = "import socket, sys\ns = socket.socket(socket.AF_UNIX)\ntry:\n    s.connect(sys.argv[1]); s.sendall(b'hello'); print('connected')\nexcept OSError as e:\n    print(e.errno)";

#[test]
fn unix_sockets_outside_grants_are_unreachable() {
    use std::io::Read;
    use std::os::unix::net::UnixListener;
    let f = Fixture::new();
    let path = f.outside.join("daemon.sock");
    let listener = UnixListener::bind(&path).unwrap();
    listener.set_nonblocking(true).unwrap();
    let sock = path.to_string_lossy().into_owned();
    assert_eq!(
        python(&f, None, UNIX_CLIENT, &[&sock]),
        "connected\n",
        "control"
    );
    let mut got = String::new();
    listener
        .accept()
        .unwrap()
        .0
        .read_to_string(&mut got)
        .unwrap();
    assert_eq!(got, "hello");

    let out = python(&f, Some(SANDBOX), UNIX_CLIENT, &[&sock]);
    assert_eq!(
        out, "2\n",
        "ENOENT: the socket is not in the sandbox's view"
    );
    assert!(
        listener.accept().is_err(),
        "the daemon must receive no connection"
    );

    // Without user namespaces (and below Landlock ABI 9) nothing keeps it out of reach: that
    // loss is named, and the run is refused unless accepted.
    let out = f
        .nono(["run", "--allow", ".", "--simulate-no-userns", "--", "true"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(125));
    assert!(
        stderr(&out).contains("pathname Unix sockets outside the grants"),
        "{}",
        stderr(&out)
    );

    // --allow-unix-socket grants exactly that one.
    let out = python(
        &f,
        Some(&["--allow", ".", "--allow-unix-socket", &sock]),
        UNIX_CLIENT,
        &[&sock],
    );
    assert_eq!(out, "connected\n");
    assert!(listener.accept().is_ok());
}

#[test]
fn agent_socket_variables_go_unless_the_socket_is_granted() {
    use std::os::unix::net::UnixListener;
    let f = Fixture::new();
    let path = f.outside.join("agent.sock");
    let _listener = UnixListener::bind(&path).unwrap();
    let sock = path.to_string_lossy().into_owned();
    let env_of = |extra: &[&str]| {
        let mut args = vec!["run", "--allow", "."];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--", "/usr/bin/env"]);
        let mut cmd = f.nono(args);
        cmd.env("SSH_AUTH_SOCK", &sock);
        stdout(&cmd.output().unwrap())
    };
    assert!(!env_of(&[]).contains("SSH_AUTH_SOCK"));
    assert!(env_of(&["--allow-unix-socket", &sock]).contains(&format!("SSH_AUTH_SOCK={sock}")));
}

#[test]
fn no_capabilities_survive_not_even_for_root() {
    let f = Fixture::new();
    // Effective and permitted capabilities of a grandchild of the sandboxed program.
    let script = "sh -c 'grep -E \"^Cap(Prm|Eff)\" /proc/self/status'";
    let caps = |out: &std::process::Output| stdout(out).replace('\t', " ");
    // Control: root has capabilities, and so has an unprivileged process in a user namespace
    // of its own, as the program is under --net-block until nono drops them.
    let control = if is_root() {
        script.to_string()
    } else if require_program("unshare").is_some() {
        format!("unshare --user --map-root-user {script}")
    } else {
        return;
    };
    let bare = caps(&f.bare_sh(&control));
    assert!(
        bare.contains("CapEff: ") && !bare.contains("CapEff: 0000000000000000"),
        "control: {bare}"
    );
    for flags in BOTH_MODES {
        let out = f.run_sh(flags, script);
        assert_eq!(
            caps(&out),
            "CapPrm: 0000000000000000\nCapEff: 0000000000000000\n",
            "{flags:?}: {}",
            stderr(&out)
        );
    }
}

/// Drives an interactive `bash -i` on a pseudo-terminal (its controlling terminal): arithmetic,
/// a background job listed by `jobs`, a window resize seen by `stty size`, and the exit status.
const PTY_DRIVER: &str = r#"
import fcntl, os, pty, select, struct, sys, termios, time
argv = sys.argv[1:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)
out = b""
def pump(seconds):
    global out
    end = time.time() + seconds
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                out += os.read(fd, 4096)
            except OSError:
                return
def send(line):
    os.write(fd, line.encode() + b"\n")
    pump(0.3)
pump(0.5)
send("echo answer=$((6*7))")
send("sleep 30 &")
send("jobs")
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 120, 0, 0))
send("stty size")
send("kill %1; exit 3")
pump(0.5)
_, status = os.waitpid(pid, 0)
text = out.decode(errors="replace")
print("answer=42" in text, "Running" in text, "50 120" in text, os.WEXITSTATUS(status))
"#;

#[test]
fn interactive_shells_keep_job_control_resizes_and_exit_status() {
    let f = Fixture::new();
    let bash = "/bin/bash";
    let drive = |argv: &[&str]| {
        let mut cmd = Command::new(PY);
        cmd.arg("-c")
            .arg(PTY_DRIVER)
            .args(argv)
            .current_dir(&f.project)
            .env("HOME", &f.home);
        stdout(&cmd.output().unwrap())
    };
    let bare = drive(&[bash, "--norc", "-i"]);
    assert_eq!(
        bare, "True True True 3\n",
        "control: bash -i on a pty, without nono"
    );
    let bin = nono_bin().to_string_lossy().into_owned();
    for flags in BOTH_MODES {
        let mut argv = vec![bin.as_str(), "run"];
        argv.extend_from_slice(flags);
        argv.extend_from_slice(&["--", bash, "--norc", "-i"]);
        assert_eq!(drive(&argv), "True True True 3\n", "{flags:?}");
    }
}

/// The program leaves a process behind, one whose ending takes a while (it frees 300 MB)
/// and that holds the FIFO `alive` open for writing until it has ended; the program ends once
/// that process has started.
const LEAVE_A_PROCESS: &str = r#"/usr/bin/python3 -c 'import time; x = b"x" * (300 << 20); f = open("alive", "wb", buffering=0); open("started", "w").close(); time.sleep(1000)' </dev/null >/dev/null 2>&1 &
echo $! > left; while [ ! -e started ]; do sleep 0.01; done; exit 7"#;

/// Whether a process still holds the FIFO `fifo` open for writing (read at once: would
/// block, where without a writer it reads as end of file).
fn held(fifo: &std::fs::File) -> bool {
    use std::io::Read;
    let mut buf = [0u8; 1];
    matches!((&*fifo).read(&mut buf), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
}

/// The read end of a new FIFO `alive` in `dir`, opened without waiting for a writer.
fn open_fifo(dir: &std::path::Path) -> std::fs::File {
    use std::os::unix::fs::OpenOptionsExt;
    let path = dir.join("alive");
    let _ = std::fs::remove_file(&path);
    let _ = std::fs::remove_file(dir.join("started"));
    let made = Command::new("mkfifo").arg(&path).status().unwrap();
    assert!(made.success());
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(&path)
        .unwrap()
}

/// nono ends as soon as the program has, without waiting for the kernel to take the
/// sandbox's namespaces apart; whatever the program left running must be gone by then, not
/// moments later.
#[test]
fn nothing_the_program_started_outlives_nono() {
    let f = Fixture::new();
    let fifo = open_fifo(&f.project);
    let bare = f.bare_sh(LEAVE_A_PROCESS);
    assert_eq!(bare.status.code(), Some(7));
    let outlived = held(&fifo);
    let left = read(&f.project.join("left"));
    let _ = Command::new("kill").arg(left.trim()).status();
    assert!(
        outlived,
        "control: without nono the process outlives the shell"
    );
    for flags in BOTH_MODES {
        let fifo = open_fifo(&f.project);
        let mut argv = vec!["run"];
        argv.extend_from_slice(flags);
        argv.extend_from_slice(&["--", "/bin/sh", "-c", LEAVE_A_PROCESS]);
        // The status alone, not the output: reading the output waits until the init has
        // closed it, and the question is what is left when nono itself has ended.
        let status = f
            .nono(argv)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        let outlived = held(&fifo);
        assert_eq!(status.code(), Some(7), "{flags:?}");
        assert!(f.project.join("started").exists(), "{flags:?}: it started");
        assert!(!outlived, "{flags:?}: it outlived nono");
    }
}
