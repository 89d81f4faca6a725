//! The sandbox sees only its plan: what Landlock does not decide (metadata, Unix sockets,
//! System V IPC, other processes' limits, other terminals, directory watches) cannot reach
//! anything outside the plan, because it does not exist in the sandbox's view. Each attack is
//! judged on the host (modes, times, attributes, what a listener or queue received) and has a
//! positive control: the same call without nono, or on a granted twin, succeeds.

mod common;
use common::*;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Stdio};

const PY: &str = "/usr/bin/python3";

/// Runs a Python snippet bare (`flags` None) or under `nono run FLAGS`, returning its stdout.
fn python(f: &Fixture, flags: Option<&[&str]>, code: &str, args: &[&str]) -> String {
    let out = match flags {
        None => Command::new(PY)
            .arg("-c")
            .arg(code)
            .args(args)
            .current_dir(&f.project)
            .env("HOME", &f.home)
            .stdin(Stdio::null())
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

const WS: &[&str] = &["--allow", "."];

/// Metadata calls on one path, each printed as `ok` or its errno.
const METADATA: &str = r#"
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
p = sys.argv[1]
def attempt(name, f):
    try:
        f(); print(name, "ok")
    except OSError as e:
        print(name, e.errno)
attempt("chmod", lambda: os.chmod(p, 0o666))
attempt("utime", lambda: os.utime(p, (1, 1)))
attempt("xattr", lambda: os.setxattr(p, "user.nono", b"x"))
# A POSIX ACL granting everyone read: version 2, USER_OBJ rw, GROUP_OBJ r, OTHER r.
acl = bytes([2,0,0,0, 1,0,6,0,255,255,255,255, 4,0,4,0,255,255,255,255, 32,0,4,0,255,255,255,255])
attempt("acl", lambda: os.setxattr(p, "system.posix_acl_access", acl))
attempt("chown", lambda: os.chown(p, -1, os.getgid()))
"#;

fn metadata_of(path: &Path) -> (u32, i64, u32, Vec<u8>) {
    use std::os::unix::ffi::OsStrExt;
    let meta = std::fs::metadata(path).unwrap();
    let c_path = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    let mut names = vec![0u8; 4096];
    // SAFETY: listxattr writes at most the buffer's length of NUL-separated names.
    let n = unsafe { libc::listxattr(c_path.as_ptr(), names.as_mut_ptr().cast(), names.len()) };
    names.truncate(n.max(0) as usize);
    (meta.mode(), meta.mtime(), meta.gid(), names)
}

#[test]
fn metadata_outside_the_grants_cannot_change() {
    let f = Fixture::new();
    let key = f.home.join(".ssh/id_ed25519");
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    let outside = f.outside.join("file.txt");
    let home = f.home.to_string_lossy().into_owned();
    for (flags, target) in [
        (WS, &key),
        (WS, &outside),
        // Under a grant of the home, the key is masked.
        (&["--allow", home.as_str()][..], &key),
    ] {
        let before = metadata_of(target);
        let out = python(&f, Some(flags), METADATA, &[&target.to_string_lossy()]);
        for line in out.lines() {
            assert!(
                ["2", "13", "30", "1"].iter().any(|e| line.ends_with(e)),
                "{flags:?} {}: {line}",
                target.display()
            );
        }
        assert_eq!(out.lines().count(), 5, "{out}");
        assert_eq!(
            metadata_of(target),
            before,
            "{flags:?} {}",
            target.display()
        );
    }
    // Control: in the same sandbox, the twin inside the grant takes every change but the ACL
    // and chown the file system may refuse on its own; bare, so does the key.
    let twin = f.project.join("file.txt");
    let out = python(&f, Some(WS), METADATA, &[&twin.to_string_lossy()]);
    assert!(
        out.starts_with("chmod ok\nutime ok\nxattr ok\n"),
        "control in the sandbox: {out}"
    );
    let out = python(&f, None, METADATA, &[&key.to_string_lossy()]);
    assert!(
        out.starts_with("chmod ok\nutime ok\nxattr ok\n"),
        "control bare: {out}"
    );
}

#[test]
fn read_only_grants_keep_their_metadata() {
    let f = Fixture::new();
    let outside = f.outside.to_string_lossy().into_owned();
    let file = f.outside.join("file.txt");
    let before = metadata_of(&file);
    let out = python(
        &f,
        Some(&["--read", &outside]),
        METADATA,
        &[&file.to_string_lossy()],
    );
    assert!(
        out.contains("chmod 30") && out.contains("utime 30"),
        "EROFS: {out}"
    );
    assert_eq!(metadata_of(&file), before);
}

const UNIX_DGRAM: &str = "import socket, sys\ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\ntry:\n    s.sendto(b'hello', sys.argv[1]); print('sent')\nexcept OSError as e:\n    print(e.errno)";
const UNIX_STREAM: &str = "import socket, sys\ns = socket.socket(socket.AF_UNIX)\ntry:\n    s.connect(sys.argv[1]); s.sendall(b'hello'); print('connected')\nexcept OSError as e:\n    print(e.errno)";

#[test]
fn datagram_renamed_and_relative_unix_sockets_outside_are_unreachable() {
    use std::os::unix::net::{UnixDatagram, UnixListener};
    let f = Fixture::new();
    // A datagram socket (like /dev/log).
    let dgram_path = f.outside.join("log.sock");
    let dgram = UnixDatagram::bind(&dgram_path).unwrap();
    dgram.set_nonblocking(true).unwrap();
    let dgram_s = dgram_path.to_string_lossy().into_owned();
    assert_eq!(
        python(&f, None, UNIX_DGRAM, &[&dgram_s]),
        "sent\n",
        "control"
    );
    let mut buf = [0u8; 16];
    assert_eq!(dgram.recv(&mut buf).unwrap(), 5);
    assert_eq!(python(&f, Some(WS), UNIX_DGRAM, &[&dgram_s]), "2\n");
    assert!(
        dgram.recv(&mut buf).is_err(),
        "the datagram socket received nothing"
    );

    // A listening socket renamed after bind (/proc/net/unix still shows the old name), and
    // one bound by a relative name (shown without its directory).
    let listener = UnixListener::bind(f.outside.join("before.sock")).unwrap();
    listener.set_nonblocking(true).unwrap();
    std::fs::rename(f.outside.join("before.sock"), f.outside.join("after.sock")).unwrap();
    let renamed = f.outside.join("after.sock").to_string_lossy().into_owned();
    let relative = {
        let here = std::env::current_dir().unwrap();
        std::env::set_current_dir(&f.outside).unwrap();
        let l = UnixListener::bind("relative.sock").unwrap();
        std::env::set_current_dir(here).unwrap();
        l
    };
    relative.set_nonblocking(true).unwrap();
    let relative_s = f
        .outside
        .join("relative.sock")
        .to_string_lossy()
        .into_owned();
    for (sock, listener) in [(&renamed, &listener), (&relative_s, &relative)] {
        assert_eq!(
            python(&f, None, UNIX_STREAM, &[sock]),
            "connected\n",
            "control {sock}"
        );
        assert!(listener.accept().is_ok());
        assert_eq!(python(&f, Some(WS), UNIX_STREAM, &[sock]), "2\n", "{sock}");
        assert!(listener.accept().is_err(), "{sock} received a connection");
    }
}

#[test]
fn a_socket_that_starts_listening_after_the_sandbox_is_unreachable() {
    use std::os::unix::net::UnixListener;
    let f = Fixture::new();
    let path = f.outside.join("late.sock");
    let sock = path.to_string_lossy().into_owned();
    let code = format!(
        "import time, os\nwhile not os.path.exists('{}/ready'): time.sleep(0.02)\n{}",
        f.project.display(),
        UNIX_STREAM
    );
    let mut argv: Vec<String> = ["run", "--allow", ".", "--", PY, "-c"]
        .map(String::from)
        .to_vec();
    argv.push(code.clone());
    argv.push(sock.clone());
    let child = f.nono(&argv).stdout(Stdio::piped()).spawn().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let listener = UnixListener::bind(&path).unwrap();
    listener.set_nonblocking(true).unwrap();
    std::fs::write(f.project.join("ready"), "").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(stdout(&out), "2\n", "{}", stderr(&out));
    assert!(listener.accept().is_err());
    // Control: the same program without nono reaches it.
    std::fs::remove_file(f.project.join("ready")).unwrap();
    std::fs::write(f.project.join("ready"), "").unwrap();
    assert_eq!(python(&f, None, &code, &[&sock]), "connected\n");
}

#[test]
fn a_socket_of_another_network_namespace_is_unreachable() {
    let f = Fixture::new();
    let path = f.outside.join("container.sock");
    let sock = path.to_string_lossy().into_owned();
    // A server in its own network namespace, as the docker socket of a dev container is
    // from the host's: this namespace's /proc/net/unix does not list it.
    let server = format!(
        "import socket, time\ns = socket.socket(socket.AF_UNIX); s.bind('{sock}'); s.listen()\ns.settimeout(8)\nn = 0\ntry:\n    while True:\n        c, _ = s.accept(); n += 1; print('accepted', flush=True)\nexcept OSError:\n    pass"
    );
    let mut server = Command::new("unshare")
        .args(["--user", "--map-current-user", "--net", PY, "-c", &server])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    for _ in 0..100 {
        if path.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(path.exists(), "the server did not start");
    let listed = std::fs::read_to_string("/proc/net/unix").unwrap();
    assert!(!listed.contains(&sock), "this namespace does not list it");
    assert_eq!(
        python(&f, None, UNIX_STREAM, &[&sock]),
        "connected\n",
        "control"
    );
    assert_eq!(python(&f, Some(WS), UNIX_STREAM, &[&sock]), "2\n");
    server.kill().unwrap();
    let out = server.wait_with_output().unwrap();
    assert_eq!(stdout(&out), "accepted\n", "only the control connected");
}

#[test]
fn system_v_ipc_of_the_host_is_unreachable() {
    let f = Fixture::new();
    // The host makes a message queue and a shared-memory segment holding a secret.
    let setup = r#"
import ctypes, sys
l = ctypes.CDLL(None, use_errno=True)
IPC_CREAT = 0o1000
q = l.msgget(0x6e6f6e6f, IPC_CREAT | 0o600)
m = l.shmget(0x6e6f6e6f, 4096, IPC_CREAT | 0o600)
l.shmat.restype = ctypes.c_void_p
addr = l.shmat(m, None, 0)
ctypes.memmove(addr, b"ipc-secret", 10)
print(q, m)
"#;
    let probe = r#"
import ctypes, sys
l = ctypes.CDLL(None, use_errno=True)
q, m = int(sys.argv[1]), int(sys.argv[2])
class Msg(ctypes.Structure):
    _fields_ = [("mtype", ctypes.c_long), ("text", ctypes.c_char * 8)]
msg = Msg(1, b"planted")
r = l.msgsnd(q, ctypes.byref(msg), 8, 0o4000)
print("msgsnd", "ok" if r == 0 else ctypes.get_errno())
l.shmat.restype = ctypes.c_void_p
addr = l.shmat(m, None, 0)
if addr in (None, ctypes.c_void_p(-1).value):
    print("shmat", ctypes.get_errno())
else:
    print("shmat", ctypes.string_at(addr, 10).decode(errors="replace"))
"#;
    let ids = python(&f, None, setup, &[]);
    let mut parts = ids.split_whitespace();
    let (q, m) = (
        parts.next().unwrap().to_string(),
        parts.next().unwrap().to_string(),
    );
    let cleanup = || {
        let _ = Command::new("ipcrm").args(["-q", &q, "-m", &m]).status();
    };
    assert_eq!(
        python(&f, None, probe, &[&q, &m]),
        "msgsnd ok\nshmat ipc-secret\n",
        "control"
    );
    let out = python(&f, Some(WS), probe, &[&q, &m]);
    // EINVAL: no queue or segment has that id in the sandbox's IPC namespace.
    assert_eq!(out, "msgsnd 22\nshmat 22\n");
    // Only the control's message is in the queue.
    let queued = Command::new("ipcs")
        .args(["-q", "-i", &q])
        .output()
        .unwrap();
    assert!(
        stdout(&queued).contains("qnum=1")
            || stdout(&queued).contains("qnum = 1")
            || stdout(&queued).contains("1"),
        "{}",
        stdout(&queued)
    );
    cleanup();
}

#[test]
fn resource_limits_of_host_processes_cannot_change() {
    let f = Fixture::new();
    let probe = "import resource, sys\ntry:\n    resource.prlimit(int(sys.argv[1]), resource.RLIMIT_NOFILE, (0, 0)); print('set')\nexcept OSError as e:\n    print(e.errno)";
    let mut victim = Command::new("sleep").arg("30").spawn().unwrap();
    let pid = victim.id().to_string();
    let limit = |pid: &str| {
        std::fs::read_to_string(format!("/proc/{pid}/limits"))
            .unwrap()
            .lines()
            .find(|l| l.starts_with("Max open files"))
            .unwrap()
            .to_string()
    };
    let before = limit(&pid);
    // ESRCH: the host's processes do not exist in the sandbox's PID namespace.
    assert_eq!(python(&f, Some(WS), probe, &[&pid]), "3\n");
    assert_eq!(limit(&pid), before);
    // Without the PID namespace nothing stops it, and the run says so before it starts.
    let degraded = ["--allow", ".", "--simulate-no-userns", "--allow-degraded"];
    let mut argv = vec!["run"];
    argv.extend_from_slice(&degraded);
    argv.extend_from_slice(&["--", PY, "-c", probe, &pid]);
    let out = f.nono(&argv).output().unwrap();
    assert_eq!(stdout(&out), "set\n", "{}", stderr(&out));
    assert!(
        stderr(&out).contains("resource limits (prlimit)"),
        "{}",
        stderr(&out)
    );
    assert_ne!(limit(&pid), before);
    victim.kill().unwrap();
    victim.wait().unwrap();
}

#[test]
fn other_terminals_cannot_be_opened() {
    let f = Fixture::new();
    let (mut master, mut slave) = (0, 0);
    let mut name = [0 as libc::c_char; 64];
    // SAFETY: openpty fills two descriptors and the name buffer (64 bytes is ample).
    let ret = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            name.as_mut_ptr(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(ret, 0);
    // SAFETY: openpty wrote a NUL-terminated name.
    let tty = unsafe { std::ffi::CStr::from_ptr(name.as_ptr()) }
        .to_string_lossy()
        .into_owned();
    let probe = "import os, sys\ntry:\n    fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY); os.write(fd, b'typed'); print('opened')\nexcept OSError as e:\n    print(e.errno)";
    assert_eq!(python(&f, None, probe, &[&tty]), "opened\n", "control");
    let mut seen = [0u8; 64];
    // SAFETY: reading the control's bytes from our master into a local buffer.
    let n = unsafe { libc::read(master, seen.as_mut_ptr().cast(), seen.len()) };
    assert!(n > 0);
    // ENOENT: the view's /dev/pts is a new devpts instance, without the host's terminals.
    assert_eq!(python(&f, Some(WS), probe, &[&tty]), "2\n");
    // SAFETY: the master is ours; nothing more may be readable from it.
    unsafe {
        let flags = libc::fcntl(master, libc::F_GETFL);
        libc::fcntl(master, libc::F_SETFL, flags | libc::O_NONBLOCK);
        assert!(libc::read(master, seen.as_mut_ptr().cast(), seen.len()) < 0);
        libc::close(master);
        libc::close(slave);
    }
}

#[test]
fn hidden_directories_cannot_be_watched() {
    let f = Fixture::new();
    let home = f.home.to_string_lossy().into_owned();
    let ssh = f.home.join(".ssh");
    // Watch the directory, then report the names created in it within a short while.
    let probe = r#"
import ctypes, os, select, struct, sys, time
l = ctypes.CDLL(None, use_errno=True)
fd = l.inotify_init1(os.O_NONBLOCK)
w = l.inotify_add_watch(fd, sys.argv[1].encode(), 0x100)  # IN_CREATE
if w < 0:
    print("watch", ctypes.get_errno()); sys.exit()
open(sys.argv[2], "w").close()
names = []
end = time.time() + 2
while time.time() < end and not names:
    if select.select([fd], [], [], 0.1)[0]:
        data = os.read(fd, 4096)
        wd, mask, cookie, size = struct.unpack_from("iIII", data)
        names.append(data[16:16 + size].rstrip(b"\0").decode())
print("saw", names)
"#;
    let ready = f.project.join("watching");
    let run = |flags: Option<&[&str]>| {
        let _ = std::fs::remove_file(&ready);
        let _ = std::fs::remove_file(ssh.join("id_new"));
        let f2 = &f;
        let ssh_s = ssh.to_string_lossy().into_owned();
        let ready_s = ready.to_string_lossy().into_owned();
        let creator = std::thread::spawn({
            let ready = ready.clone();
            let ssh = ssh.clone();
            move || {
                for _ in 0..200 {
                    if ready.exists() {
                        break;
                    }
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                std::fs::write(ssh.join("id_new"), "k").unwrap();
            }
        });
        let out = python(f2, flags, probe, &[&ssh_s, &ready_s]);
        creator.join().unwrap();
        out
    };
    assert_eq!(run(None), "saw ['id_new']\n", "control");
    for flags in [WS, &["--allow", home.as_str()][..]] {
        let out = run(Some(flags));
        assert!(!out.contains("id_new"), "{flags:?}: {out}");
        assert!(
            out.starts_with("watch ") || out == "saw []\n",
            "{flags:?}: {out}"
        );
    }
}

#[test]
fn each_file_system_layer_alone_denies_what_is_not_granted() {
    let f = Fixture::new();
    let outside = f.outside.join("file.txt");
    let script = format!(
        "cat '{0}'; echo x >> '{0}'; cat ~/.ssh/id_ed25519; echo own > mine.txt && cat mine.txt",
        outside.display()
    );
    // The view alone (Landlock switched off), Landlock alone (no namespaces), and both.
    for (flags, errors) in [
        (&["--testing-without", "landlock"][..], "No such file"),
        (
            &["--simulate-no-userns", "--allow-degraded"][..],
            "Permission denied",
        ),
        (&[][..], "No such file"),
    ] {
        let mut all = vec!["--allow", "."];
        all.extend_from_slice(flags);
        let out = f.run_sh(&all, &script);
        assert_eq!(stdout(&out), "own\n", "{flags:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(
            err.matches(errors).count() + err.matches("nonexistent").count(),
            3,
            "{flags:?}: {err}"
        );
        assert!(!stdout(&out).contains("outside data") && !stdout(&out).contains("PRIVATE"));
        assert_eq!(read(&outside), "outside data", "{flags:?}");
    }
    // The view alone also keeps a read-only grant read-only.
    let dir = f.outside.to_string_lossy().into_owned();
    let out = f.run_sh(
        &["--read", &dir, "--testing-without", "landlock"],
        &format!("echo x >> '{}'", outside.display()),
    );
    assert!(
        stderr(&out).contains("Read-only file system"),
        "{}",
        stderr(&out)
    );
    assert_eq!(read(&outside), "outside data");
    // The switch is never silent.
    let out = f.run_sh(&["--allow", ".", "--testing-without", "landlock"], "true");
    assert!(stderr(&out).contains("TESTING ONLY: the landlock layer is switched off"));
}

#[test]
fn the_init_is_out_of_the_programs_reach() {
    let f = Fixture::new();
    // The init holds the pipe on which nono outside learns the program's status: writing a
    // forged report there must neither change nono's exit nor print anything.
    let script = "for fd in 3 4 5 6 7 8 9; do printf 'Eforged' > /proc/1/fd/$fd; done 2>/dev/null; printf 'own' > /proc/self/fd/1; exit 7";
    let out = f.run_sh(&["--allow", "."], script);
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "own",
        "control: the program's own descriptors work"
    );
    assert!(!stderr(&out).contains("forged"), "{}", stderr(&out));
}

#[test]
fn unix_sockets_inside_a_writable_grant_are_the_programs_own() {
    use std::os::unix::net::UnixListener;
    let f = Fixture::new();
    // The program's own server and client, both in the sandbox.
    let own = "import socket, os\ns = socket.socket(socket.AF_UNIX); s.bind('own.sock'); s.listen()\nc = socket.socket(socket.AF_UNIX); c.connect('own.sock'); a, _ = s.accept(); c.sendall(b'ping'); print(a.recv(4).decode())";
    assert_eq!(python(&f, Some(WS), own, &[]), "ping\n");
    // A host process listening inside the grant is reachable too: the grant says so.
    let path = f.project.join("host.sock");
    let listener = UnixListener::bind(&path).unwrap();
    listener.set_nonblocking(true).unwrap();
    assert_eq!(
        python(&f, Some(WS), UNIX_STREAM, &[&path.to_string_lossy()]),
        "connected\n"
    );
    assert!(listener.accept().is_ok());
}

#[test]
fn the_init_opens_nothing_of_its_own_for_the_program() {
    // Under a guard the init carries out the program's creating opens. Through /proc/1 it
    // could hand over its own descriptors (the pipe to nono outside) or its environment,
    // which still holds the secrets nono removed from the program's.
    let f = Fixture::new();
    let code = r#"
import os, sys
for path in ["/proc/1/environ", "/proc/1/fd/3", "/proc/1/fd/4", "/proc/1/cwd/x", "/proc/self/environ"]:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CREAT | os.O_NONBLOCK)
    except OSError as e:
        print(path, "refused")
        continue
    try:
        data = os.read(fd, 1 << 16)
    except OSError:
        data = b""
    print(path, "secret" if b"sk-nono-test" in data else "opened")
"#;
    let mut cmd = f.nono(["run", "--allow", ".", "--", "/usr/bin/python3", "-c", code]);
    cmd.env("NONO_TEST_API_KEY", "sk-nono-test");
    let out = cmd.output().unwrap();
    let text = stdout(&out);
    for path in [
        "/proc/1/environ",
        "/proc/1/fd/3",
        "/proc/1/fd/4",
        "/proc/1/cwd/x",
    ] {
        assert!(
            text.contains(&format!("{path} refused")),
            "{path}: {text}{}",
            stderr(&out)
        );
    }
    // Positive control in the same run: its own /proc entries open, without the secret.
    assert!(
        text.contains("/proc/self/environ opened"),
        "{text}{}",
        stderr(&out)
    );
    assert!(!text.contains("secret"), "{text}");
}
