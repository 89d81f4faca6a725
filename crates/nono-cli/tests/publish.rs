//! `--publish PORT`: a server the program runs on its own loopback, under `--net-block` or a
//! filtered network, reached from the host's loopback through nono's relay. Every refusal has
//! its positive control in the same conditions: the published port of the same run answers,
//! the same run with `--publish` gets through, the same command runs once the port is free.

mod common;
use common::*;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// The program: listens on 127.0.0.1 of its own loopback at each port of `argv[1]`
/// (comma-separated), then creates the file `ready`. With `argv[2] == "wait"` it first waits
/// for the file `go`. Each connection sends one line:
/// - `echo TEXT`: answered `inside:PORT:TEXT`;
/// - `sink N`: N bytes follow, a 4-byte big-endian counter; answered `ok N` or `bad N`;
/// - `source N`: answered with N bytes of that counter;
/// - `create NAME`: creates the file NAME, answered `created` or `refused ERRNO`;
/// - `hold`: never answered, kept open;
/// - `quit CODE`: answered `bye`, then the program exits with CODE.
const SERVER: &str = r#"
import os, socket, sys, threading, time
ports = [int(p) for p in sys.argv[1].split(",")]
if len(sys.argv) > 2 and sys.argv[2] == "wait":
    while not os.path.exists("go"):
        time.sleep(0.02)
def pattern(n):
    return b"".join(i.to_bytes(4, "big") for i in range((n + 3) // 4))[:n]
held = []
def serve(conn, port):
    f = conn.makefile("rb")
    line = f.readline().decode().strip()
    verb, _, arg = line.partition(" ")
    if verb == "echo":
        conn.sendall(f"inside:{port}:{arg}\n".encode())
    elif verb == "sink":
        data = f.read(int(arg))
        ok = "ok" if data == pattern(int(arg)) else "bad"
        conn.sendall(f"{ok} {len(data)}\n".encode())
    elif verb == "source":
        conn.sendall(pattern(int(arg)))
    elif verb == "create":
        try:
            open(arg, "w").close()
            conn.sendall(b"created\n")
        except OSError as e:
            conn.sendall(f"refused {e.errno}\n".encode())
    elif verb == "hold":
        held.append(conn)
        return
    elif verb == "quit":
        conn.sendall(b"bye\n")
        conn.close()
        os._exit(int(arg))
    conn.close()
def accept(srv, port):
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn, port), daemon=True).start()
servers = []
for port in ports:
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(64)
    servers.append((srv, port))
for srv, port in servers:
    threading.Thread(target=accept, args=(srv, port), daemon=True).start()
open("ready", "w").close()
threading.Event().wait()
"#;

/// A port free on the host just now: bound to port 0, then released.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Two different free ports.
fn free_ports() -> (u16, u16) {
    loop {
        let (a, b) = (free_port(), free_port());
        if a != b {
            return (a, b);
        }
    }
}

/// A sandboxed server, killed (with its sandbox) if the test ends before it does.
struct Server(Child);

impl Server {
    /// `nono run --allow . FLAGS -- python3 -c SERVER PORTS [wait]`.
    /// The server under `--net-block --publish PORT`, listening on `ports` inside, ready.
    fn published(f: &Fixture, port: u16, ports: &[u16]) -> Server {
        let p = port.to_string();
        let mut server = Server::start(f, &flags(&["--net-block", "--publish", &p]), ports, false);
        server.ready(f);
        server
    }

    fn start(f: &Fixture, flags: &[String], ports: &[u16], wait: bool) -> Server {
        let ports: Vec<String> = ports.iter().map(u16::to_string).collect();
        let mut args: Vec<String> = vec!["run".into(), "--allow".into(), ".".into()];
        args.extend(flags.iter().cloned());
        args.extend(["--", "/usr/bin/python3", "-c", SERVER].map(String::from));
        args.push(ports.join(","));
        if wait {
            args.push("wait".into());
        }
        let child = f
            .nono(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        Server(child)
    }

    /// Waits until the server inside is listening (it created `ready`).
    fn ready(&mut self, f: &Fixture) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !f.project.join("ready").exists() {
            if let Some(status) = self.0.try_wait().unwrap() {
                panic!("the run ended early ({status}): {}", self.stderr());
            }
            assert!(Instant::now() < deadline, "the server never got ready");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The exit code of the run, which must end within `limit`.
    fn exit_within(&mut self, limit: Duration) -> Option<i32> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.0.try_wait().unwrap() {
                return status.code();
            }
            assert!(
                Instant::now() < deadline,
                "nono did not end within {limit:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn stderr(&mut self) -> String {
        let mut text = String::new();
        if let Some(mut err) = self.0.stderr.take() {
            let _ = err.read_to_string(&mut text);
        }
        text
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn flags(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn connect(port: u16) -> std::io::Result<TcpStream> {
    let stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    Ok(stream)
}

/// Sends `line` and returns everything the other end sent until it closed.
fn ask(port: u16, line: &str) -> std::io::Result<String> {
    let mut stream = connect(port)?;
    stream.write_all(format!("{line}\n").as_bytes())?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    Ok(answer)
}

fn pattern(n: usize) -> Vec<u8> {
    let mut data: Vec<u8> = (0..n.div_ceil(4) as u32)
        .flat_map(u32::to_be_bytes)
        .collect();
    data.truncate(n);
    data
}

const TEN_MB: usize = 10 << 20;

#[test]
fn a_published_port_reaches_the_server_on_the_sandboxs_own_loopback() {
    let f = Fixture::new();
    let port = free_port();
    let mut server = Server::published(&f, port, &[port]);

    for i in 0..20 {
        assert_eq!(
            ask(port, &format!("echo {i}")).unwrap(),
            format!("inside:{port}:{i}\n")
        );
    }
    let concurrent: Vec<_> = (0..10)
        .map(|i| std::thread::spawn(move || ask(port, &format!("echo c{i}")).unwrap()))
        .collect();
    for (i, handle) in concurrent.into_iter().enumerate() {
        assert_eq!(handle.join().unwrap(), format!("inside:{port}:c{i}\n"));
    }

    // 10 MB each way, intact.
    let mut up = connect(port).unwrap();
    up.write_all(format!("sink {TEN_MB}\n").as_bytes()).unwrap();
    up.write_all(&pattern(TEN_MB)).unwrap();
    up.shutdown(Shutdown::Write).unwrap();
    let mut answer = String::new();
    up.read_to_string(&mut answer).unwrap();
    assert_eq!(answer, format!("ok {TEN_MB}\n"));

    let mut down = connect(port).unwrap();
    down.write_all(format!("source {TEN_MB}\n").as_bytes())
        .unwrap();
    let mut data = Vec::new();
    down.read_to_end(&mut data).unwrap();
    assert_eq!(data.len(), TEN_MB);
    assert!(data == pattern(TEN_MB), "the data arrived changed");

    assert_eq!(ask(port, "quit 0").unwrap(), "bye\n");
    assert_eq!(server.exit_within(Duration::from_secs(10)), Some(0));
}

#[test]
fn without_publish_the_host_cannot_reach_the_sandboxs_server() {
    let f = Fixture::new();
    let port = free_port();
    let mut server = Server::start(&f, &flags(&["--net-block"]), &[port], false);
    server.ready(&f);
    let refused = connect(port).map(|_| ()).unwrap_err();
    assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused);
    drop(server);

    // The positive control: the same server, published.
    std::fs::remove_file(f.project.join("ready")).unwrap();
    let _server = Server::published(&f, port, &[port]);
    assert_eq!(ask(port, "echo x").unwrap(), format!("inside:{port}:x\n"));
}

#[test]
fn only_the_published_port_is_reachable() {
    let f = Fixture::new();
    let (published, other) = free_ports();
    let _server = Server::published(&f, published, &[published, other]);
    assert_eq!(
        ask(published, "echo a").unwrap(),
        format!("inside:{published}:a\n")
    );
    let refused = connect(other).map(|_| ()).unwrap_err();
    assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused);
}

#[test]
fn a_published_port_works_with_a_filtered_network() {
    let f = Fixture::new();
    let port = free_port();
    let p = port.to_string();
    let run = flags(&["--allow-domain", "example.test", "--publish", &p]);
    let mut server = Server::start(&f, &run, &[port], false);
    server.ready(&f);
    assert_eq!(ask(port, "echo f").unwrap(), format!("inside:{port}:f\n"));
}

#[test]
fn a_port_taken_on_the_host_stops_the_run_before_anything_runs() {
    let f = Fixture::new();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let p = port.to_string();
    let marker = f.project.join("ran");
    let touch = format!("touch {}", marker.display());
    let out = f.run_sh(&["--allow", ".", "--net-block", "--publish", &p], &touch);
    assert_eq!(out.status.code(), Some(125));
    let err = stderr(&out);
    assert!(
        err.starts_with(&format!(
            "nono: --publish {port}: cannot listen on 127.0.0.1:{port} on the host: "
        )) && err.lines().count() == 1,
        "{err}"
    );
    assert!(!marker.exists(), "the program ran");

    // The positive control: the same run once the port is free.
    drop(taken);
    publishing_runs(&f, &p, &marker);
}

/// The positive control of a refusal: `--net-block --publish PORT` runs the program, which
/// creates `marker`.
fn publishing_runs(f: &Fixture, port: &str, marker: &std::path::Path) {
    let touch = format!("touch {}", marker.display());
    let out = f.run_sh(&["--allow", ".", "--net-block", "--publish", port], &touch);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(marker.exists());
}

#[test]
fn publish_without_a_network_namespace_of_its_own_is_refused() {
    let f = Fixture::new();
    let p = free_port().to_string();
    let marker = f.project.join("ran");
    let touch = format!("touch {}", marker.display());
    let out = f.run_sh(&["--allow", ".", "--publish", &p], &touch);
    assert_eq!(out.status.code(), Some(125));
    assert_eq!(
        stderr(&out),
        format!("nono: --publish {p}: the program shares the host's network (no --net-block, --allow-domain, --deny-domain or --allow-cidr), so its servers are reachable from the host without it\n")
    );
    assert!(!marker.exists(), "the program ran");

    // Without user namespaces --net-block falls back to Unix sockets only: nothing to publish.
    let degraded = [
        "--allow",
        ".",
        "--net-block",
        "--publish",
        &p,
        "--simulate-no-userns",
        "--allow-degraded",
    ];
    let out = f.run_sh(&degraded, &touch);
    assert_eq!(out.status.code(), Some(125));
    assert!(
        stderr(&out).contains(&format!(
            "nono: --publish {p}: needs a network namespace of the program's own, which this run cannot have"
        )),
        "{}",
        stderr(&out)
    );
    assert!(!marker.exists(), "the program ran");

    publishing_runs(&f, &p, &marker);
}

#[test]
fn bad_ports_are_refused_by_value() {
    let f = Fixture::new();
    for (value, why) in [
        ("0", "not a port (1 to 65535)"),
        ("70000", "not a port (1 to 65535)"),
        ("abc", "not a port number (1 to 65535)"),
    ] {
        let out = f.run_sh(&["--net-block", "--publish", value], "true");
        assert_eq!(out.status.code(), Some(125));
        assert_eq!(stderr(&out), format!("nono: --publish {value}: {why}\n"));
    }
    // The proxy's port inside a filtered sandbox is not the program's to publish.
    let out = f.run_sh(
        &["--allow-domain", "example.test", "--publish", "3128"],
        "true",
    );
    assert_eq!(out.status.code(), Some(125));
    assert_eq!(
        stderr(&out),
        "nono: --publish 3128: nono's proxy listens on that port inside the sandbox\n"
    );
}

#[test]
fn the_plan_shows_the_published_ports() {
    let f = Fixture::new();
    let out = f
        .nono([
            "run",
            "--net-block",
            "--publish",
            "8000",
            "--publish",
            "8001",
            "--dry-run",
            "--",
            "/bin/true",
        ])
        .output()
        .unwrap();
    let text = stdout(&out);
    for port in [8000, 8001] {
        assert!(
            text.contains(&format!(
                "publish 127.0.0.1:{port} of the sandbox on the host's 127.0.0.1:{port}"
            )),
            "{text}"
        );
    }
    let out = f
        .nono([
            "run",
            "--net-block",
            "--publish",
            "8000",
            "--publish",
            "8000",
            "--dry-run",
            "--json",
            "--",
            "/bin/true",
        ])
        .output()
        .unwrap();
    // Once, however often it is given.
    let compact: String = stdout(&out).split_whitespace().collect();
    assert!(compact.contains(r#""published":[8000]"#), "{compact}");
    // Nothing is listened on for a dry run.
    let out = f
        .nono(["run", "--net-block", "--dry-run", "--", "/bin/true"])
        .output()
        .unwrap();
    assert!(!stdout(&out).contains("published"), "{}", stdout(&out));
}

#[test]
fn a_connection_before_the_server_listens_is_closed_and_later_ones_work() {
    let f = Fixture::new();
    let port = free_port();
    let p = port.to_string();
    let mut server = Server::start(&f, &flags(&["--net-block", "--publish", &p]), &[port], true);
    // nono listens on the host before the program starts; inside nothing listens yet.
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut early = loop {
        match connect(port) {
            Ok(stream) => break stream,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("nono never listened on the host: {e}: {}", server.stderr()),
        }
    };
    let started = Instant::now();
    let mut got = Vec::new();
    // Closed: end of file or a reset, not a hang (the read timeout would fail it).
    match early.read_to_end(&mut got) {
        Ok(_) => assert!(got.is_empty()),
        Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset),
    }
    assert!(started.elapsed() < Duration::from_secs(5));

    std::fs::write(f.project.join("go"), "").unwrap();
    server.ready(&f);
    assert_eq!(
        ask(port, "echo late").unwrap(),
        format!("inside:{port}:late\n")
    );
}

#[test]
fn the_exit_status_passes_through_and_an_open_connection_does_not_hold_nono() {
    let f = Fixture::new();
    let port = free_port();
    let mut server = Server::published(&f, port, &[port]);
    let mut held = connect(port).unwrap();
    held.write_all(b"hold\n").unwrap();
    // The held connection is relayed and open before the program ends.
    assert_eq!(
        ask(port, "echo first").unwrap(),
        format!("inside:{port}:first\n")
    );
    assert_eq!(ask(port, "quit 42").unwrap(), "bye\n");
    assert_eq!(server.exit_within(Duration::from_secs(10)), Some(42));
    // The relay ended with nono: the held connection is closed, not left hanging.
    let mut rest = Vec::new();
    let _ = held.read_to_end(&mut rest);
    assert!(rest.is_empty());
}

#[test]
fn the_program_holds_neither_the_channel_nor_the_hosts_listener() {
    let f = Fixture::new();
    let p = free_port().to_string();
    // Its own socket is the positive control of the first line: a socket it holds is seen.
    // Its own descriptor, taken with pidfd_getfd, is that of the second: the call works on a
    // process the program may trace. The init's (pid 1) it may not take (EPERM: the init is
    // not dumpable), whatever their number.
    let code = r#"
import ctypes, os, socket
own = socket.socket()
fds = [os.readlink(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd") if os.path.exists(f"/proc/self/fd/{fd}")]
print(sum(1 for target in fds if target.startswith("socket:")), "socket(s) of its own")
libc = ctypes.CDLL(None, use_errno=True)
def taken(pid, fds):
    pidfd = os.pidfd_open(pid)
    got, errors = 0, set()
    for fd in fds:
        if libc.syscall(438, pidfd, fd, 0) >= 0:
            got += 1
        else:
            errors.add(ctypes.get_errno())
    return f"{got} taken, errors {sorted(errors)}"
print("its own:", taken(os.getpid(), [own.fileno()]))
print("the init's:", taken(1, range(3, 1024)))
"#;
    let out = f
        .nono([
            "run",
            "--allow",
            ".",
            "--net-block",
            "--publish",
            &p,
            "--",
            "/usr/bin/python3",
            "-c",
            code,
        ])
        .output()
        .unwrap();
    assert_eq!(
        stdout(&out),
        "1 socket(s) of its own\nits own: 1 taken, errors []\nthe init's: 0 taken, errors [1]\n",
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_run_that_publishes_still_guards_protected_names() {
    // The init serves the name guard and the relay's requests in one loop: both must work,
    // in turn, in the same run. The twin's creation is the guard's positive control.
    let f = Fixture::new();
    let port = free_port();
    let _server = Server::published(&f, port, &[port]);
    assert_eq!(ask(port, "echo a").unwrap(), format!("inside:{port}:a\n"));
    assert_eq!(ask(port, "create .envrc").unwrap(), "refused 13\n");
    assert_eq!(ask(port, "create envrc.twin").unwrap(), "created\n");
    assert_eq!(ask(port, "echo b").unwrap(), format!("inside:{port}:b\n"));
    assert!(!f.project.join(".envrc").exists());
    assert!(f.project.join("envrc.twin").exists());
}
