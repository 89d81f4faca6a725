//! `--net-block` against listeners the test itself opens on loopback: the listener must
//! receive nothing, while the same client without the flag gets through (positive control).

mod common;
use common::*;
use std::io::Read;
use std::net::{TcpListener, UdpSocket};
use std::time::Duration;

const CLIENT: &str = r#"
import socket, sys
port = int(sys.argv[1])
try:
    s = socket.create_connection(("127.0.0.1", port), timeout=2)
    s.sendall(b"tcp-hello")
    s.close()
    print("tcp sent")
except OSError as e:
    print("tcp failed:", e.errno)
try:
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.sendto(b"udp-hello", ("127.0.0.1", port))
    print("udp sent")
except OSError as e:
    print("udp failed:", e.errno)
"#;

struct Listeners {
    tcp: TcpListener,
    udp: UdpSocket,
    port: u16,
}

fn listeners() -> Listeners {
    // One port number for both protocols, so the client needs a single argument.
    loop {
        let tcp = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = tcp.local_addr().unwrap().port();
        if let Ok(udp) = UdpSocket::bind(("127.0.0.1", port)) {
            tcp.set_nonblocking(true).unwrap();
            udp.set_read_timeout(Some(Duration::from_millis(300)))
                .unwrap();
            return Listeners { tcp, udp, port };
        }
    }
}

impl Listeners {
    /// What arrived: (tcp payload, udp payload).
    fn received(&self) -> (Option<Vec<u8>>, Option<Vec<u8>>) {
        std::thread::sleep(Duration::from_millis(100));
        let tcp = self.tcp.accept().ok().map(|(mut s, _)| {
            s.set_nonblocking(false).unwrap();
            s.set_read_timeout(Some(Duration::from_millis(300)))
                .unwrap();
            let mut buf = Vec::new();
            let _ = s.read_to_end(&mut buf);
            buf
        });
        let mut buf = [0u8; 64];
        let udp = self.udp.recv(&mut buf).ok().map(|n| buf[..n].to_vec());
        (tcp, udp)
    }
}

fn client(f: &Fixture, flags: &[&str], port: u16) -> String {
    let mut args = vec!["run"];
    args.extend_from_slice(flags);
    let port = port.to_string();
    args.extend_from_slice(&["--", "/usr/bin/python3", "-c", CLIENT, &port]);
    let out = f.nono(args).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn without_net_block_loopback_traffic_arrives() {
    let f = Fixture::new();
    let l = listeners();
    let out = client(&f, &["--allow", "."], l.port);
    assert_eq!(out, "tcp sent\nudp sent\n");
    let (tcp, udp) = l.received();
    assert_eq!(tcp.as_deref(), Some(&b"tcp-hello"[..]));
    assert_eq!(udp.as_deref(), Some(&b"udp-hello"[..]));
}

#[test]
fn net_block_stops_tcp_and_udp_to_the_host() {
    let f = Fixture::new();
    let l = listeners();
    let out = client(&f, &["--allow", ".", "--net-block"], l.port);
    // TCP is refused by the empty namespace; UDP "succeeds" locally but goes nowhere.
    assert!(out.starts_with("tcp failed: 111\n"), "{out}");
    let (tcp, udp) = l.received();
    assert_eq!(tcp, None, "the host listener must receive no connection");
    assert_eq!(udp, None, "the host listener must receive no datagram");
}

#[test]
fn net_block_keeps_a_private_loopback_for_local_servers() {
    let f = Fixture::new();
    let script = r#"
import socket
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen()
c = socket.create_connection(srv.getsockname(), timeout=2)
conn, _ = srv.accept(); c.sendall(b"ping"); print(conn.recv(4).decode())
"#;
    let out = python_under_net_block(&f, script);
    assert_eq!(stdout(&out), "ping\n", "{}", stderr(&out));
}

#[test]
fn net_block_without_namespaces_falls_back_to_unix_sockets_only() {
    let f = Fixture::new();
    let l = listeners();
    let sockets = allow_listening_sockets();
    let mut flags = vec![
        "--allow",
        ".",
        "--net-block",
        "--simulate-no-userns",
        "--allow-degraded",
    ];
    flags.extend(sockets.iter().map(String::as_str));
    let out = client(&f, &flags, l.port);
    // EAFNOSUPPORT (97): seccomp refuses to create any IP socket at all.
    assert_eq!(out, "tcp failed: 97\nudp failed: 97\n");
    let (tcp, udp) = l.received();
    assert_eq!(
        (tcp, udp),
        (None, None),
        "the host listener must receive nothing"
    );
}

#[test]
fn net_block_leaves_only_a_private_loopback_interface() {
    let f = Fixture::new();
    let code = "import os, socket; print(os.readlink('/proc/self/ns/net'), [n for _, n in socket.if_nameindex()])";
    let bare = f.bare_sh(&format!("/usr/bin/python3 -c \"{code}\""));
    let out = python_under_net_block(&f, code);
    let (host_ns, _) = stdout(&bare)
        .split_once(' ')
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .unwrap();
    let inside = stdout(&out);
    // Another network namespace, whose only interface is loopback: no route for ICMP, raw,
    // SCTP or any other IP protocol.
    assert!(!inside.starts_with(&host_ns), "same namespace: {inside}");
    assert!(inside.ends_with(" ['lo']\n"), "{inside} {}", stderr(&out));
}

/// The network namespace is made on a thread of the init while the view is built; the init
/// and the program are in it, and that thread has ended before Landlock and seccomp, which
/// bind only the thread that applies them. The control: a run without `--net-block` is in
/// the host's network namespace, its init single-threaded too.
#[test]
fn the_init_and_the_program_share_the_network_namespace_and_the_init_has_one_thread() {
    let f = Fixture::new();
    let code = "import os; print(os.readlink('/proc/self/ns/net'), [l for l in open('/proc/1/status') if l.startswith('Threads:')][0].split()[1])";
    let bare = f.bare_sh(&format!("/usr/bin/python3 -c \"{code}\""));
    let host_ns = stdout(&bare).split(' ').next().unwrap().to_string();
    let control = f
        .nono(["run", "--allow", ".", "--", "/usr/bin/python3", "-c", code])
        .output()
        .unwrap();
    assert_eq!(
        stdout(&control),
        format!("{host_ns} 1\n"),
        "control: {}",
        stderr(&control)
    );
    let out = python_under_net_block(&f, code);
    let inside = stdout(&out);
    assert!(inside.ends_with(" 1\n"), "{inside} {}", stderr(&out));
    assert!(!inside.starts_with(&host_ns), "{inside}");
    // That the init is in the program's namespace the init's own listeners show (--publish
    // and a filtered network make them there): `publish` and `egress` test both.
}

/// `nono run --allow . --net-block -- python3 -c CODE`.
fn python_under_net_block(f: &Fixture, code: &str) -> std::process::Output {
    let args = [
        "run",
        "--allow",
        ".",
        "--net-block",
        "--",
        "/usr/bin/python3",
        "-c",
        code,
    ];
    f.nono(args).output().unwrap()
}
