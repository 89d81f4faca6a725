//! Filtered networking end to end (`--allow-domain`, `--deny-domain`, `--allow-cidr`): the
//! program's only way out is nono's proxy. Loopback listeners opened by the test stand in for
//! remote hosts, named through the hidden `--testing-resolve` table; no test needs the
//! internet. Every containment check has its positive control in the same conditions: the
//! same traffic sent bare arrives, and the same destination reached through the proxy in the
//! same sandbox arrives.

mod common;
use common::*;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const PY: &str = "/usr/bin/python3";

/// A host-side HTTP listener: records the first line of every request it gets and answers
/// `200 ok`. Connections that send nothing are recorded as an empty line.
struct Host {
    port: u16,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Host {
    fn on(addr: &str) -> Option<Host> {
        let listener = TcpListener::bind(addr).ok()?;
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let record = Arc::clone(&record);
                std::thread::spawn(move || answer(stream, &record));
            }
        });
        Some(Host { port, seen })
    }

    fn new() -> Host {
        Host::on("127.0.0.1:0").unwrap()
    }

    /// The request lines received so far, after a moment for stragglers.
    fn seen(&self) -> Vec<String> {
        std::thread::sleep(Duration::from_millis(150));
        self.seen.lock().unwrap().clone()
    }
}

fn answer(mut stream: TcpStream, record: &Mutex<Vec<String>>) {
    stream
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 4096 {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    let text = String::from_utf8_lossy(&head);
    record
        .lock()
        .unwrap()
        .push(text.lines().next().unwrap_or("").to_string());
    let _ =
        stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
}

/// The flags of a filtered run in which `allowed.test` names the test's loopback listeners.
fn filtered() -> Vec<String> {
    [
        "--allow",
        ".",
        "--allow-domain",
        "allowed.test",
        "--allow-cidr",
        "127.0.0.1/32",
        "--testing-resolve",
        "allowed.test=127.0.0.1",
    ]
    .map(String::from)
    .to_vec()
}

fn run(f: &Fixture, flags: &[String], command: &[&str]) -> std::process::Output {
    let mut args: Vec<&str> = vec!["run"];
    args.extend(flags.iter().map(String::as_str));
    args.push("--");
    args.extend_from_slice(command);
    f.nono(args).output().unwrap()
}

fn sh(f: &Fixture, flags: &[String], script: &str) -> std::process::Output {
    run(f, flags, &["/bin/sh", "-c", script])
}

fn with(mut flags: Vec<String>, more: &[&str]) -> Vec<String> {
    flags.extend(more.iter().map(|s| s.to_string()));
    flags
}

#[test]
fn the_proxy_carries_what_is_allowed_and_refuses_the_rest_visibly() {
    let f = Fixture::new();
    let host = Host::new();
    let p = host.port;
    let log = f.project.join("net.jsonl");
    let flags = with(filtered(), &["--net-log", log.to_str().unwrap()]);
    let script = format!(
        "curl -s http://allowed.test:{p}/forwarded; echo; \
         curl -s -p http://allowed.test:{p}/tunnelled; echo; \
         curl -s -w ' %{{http_code}}' http://denied.test:{p}/refused; echo; exit 7"
    );
    let out = sh(&f, &flags, &script);
    assert_eq!(child_code(&out), 7, "the exit status is the program's");
    let lines: Vec<String> = stdout(&out).lines().map(String::from).collect();
    assert_eq!(lines[0], "ok", "{}", stderr(&out));
    assert_eq!(lines[1], "ok");
    assert_eq!(
        lines[2..4],
        [
            format!("nono proxy: denied.test:{p}: not in the allowlist (to allow it: --allow-domain denied.test)"),
            " 403".to_string()
        ]
    );
    // The listener got the two allowed requests, and nothing of the refused one.
    assert_eq!(
        host.seen(),
        ["GET /forwarded HTTP/1.1", "GET /tunnelled HTTP/1.1"]
    );
    let summary = format!(
        "nono: network: 2 allowed, 1 denied: denied.test:{p} (not in the allowlist: --allow-domain denied.test)"
    );
    assert!(
        stderr(&out).lines().any(|l| l == summary),
        "{}",
        stderr(&out)
    );
    let records: Vec<serde_json::Value> = read(&log)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let fields: Vec<(&str, &str, &str)> = records
        .iter()
        .map(|r| {
            (
                r["method"].as_str().unwrap(),
                r["target"].as_str().unwrap(),
                r["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    let (allowed, denied) = (format!("allowed.test:{p}"), format!("denied.test:{p}"));
    assert_eq!(
        fields,
        [
            ("GET", allowed.as_str(), "allowed"),
            ("CONNECT", allowed.as_str(), "allowed"),
            ("GET", denied.as_str(), "denied"),
        ]
    );
    assert_eq!(records[2]["fix"], "--allow-domain denied.test");
    assert_eq!(records[0]["address"], format!("127.0.0.1:{p}"));
}

/// Every way past the proxy a program might try, each printing one word: what happened.
const BYPASS: &str = r#"
import socket, sys
tcp, tcp6, udp, dns = (int(a) for a in sys.argv[1:5])
def attempt(name, fn):
    try:
        fn(); print(name, "sent")
    except OSError as e:
        print(name, e.errno)
def tcp_to(addr):
    def go():
        s = socket.socket(socket.AF_INET6 if ":" in addr[0] else socket.AF_INET)
        s.settimeout(2); s.connect(addr); s.sendall(b"GET /raw HTTP/1.1\r\n\r\n"); s.close()
    return go
def udp_to(port, payload):
    def go():
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.sendto(payload, ("127.0.0.1", port))
    return go
# A DNS query for example.org, as a resolver on the host would receive it.
query = bytes.fromhex("1234010000010000000000000765786d706c65036f72670000010001")
attempt("tcp", tcp_to(("127.0.0.1", tcp)))
attempt("tcp6", tcp_to(("::1", tcp6)) if tcp6 else lambda: None)
attempt("udp", udp_to(udp, b"udp-hello"))
attempt("dns", udp_to(dns, query))
"#;

#[test]
fn nothing_walks_around_the_proxy() {
    let f = Fixture::new();
    let tcp = Host::new();
    let tcp6 = Host::on("[::1]:0");
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    let dns = UdpSocket::bind("127.0.0.1:0").unwrap();
    for socket in [&udp, &dns] {
        socket
            .set_read_timeout(Some(Duration::from_millis(300)))
            .unwrap();
    }
    let port = |s: &UdpSocket| s.local_addr().unwrap().port().to_string();
    let ports = [
        tcp.port.to_string(),
        tcp6.as_ref().map_or("0".into(), |h| h.port.to_string()),
        port(&udp),
        port(&dns),
    ];
    let received = |s: &UdpSocket| {
        let mut buf = [0u8; 512];
        s.recv(&mut buf).ok().map(|n| buf[..n].to_vec())
    };

    // Control: bare, every attempt arrives.
    let mut bare = std::process::Command::new(PY);
    bare.args(["-c", BYPASS]).args(&ports);
    let bare = bare.output().unwrap();
    assert_eq!(stdout(&bare), "tcp sent\ntcp6 sent\nudp sent\ndns sent\n");
    assert_eq!(tcp.seen(), ["GET /raw HTTP/1.1"]);
    if let Some(h) = &tcp6 {
        assert_eq!(h.seen(), ["GET /raw HTTP/1.1"]);
    }
    assert_eq!(received(&udp).as_deref(), Some(&b"udp-hello"[..]));
    assert!(received(&dns).is_some_and(|q| q.len() == 28));

    // Filtered: nothing arrives by any of those routes, nor by curl told to skip the proxy;
    // the same host through the proxy (--allow-cidr 127.0.0.1/32) is the control.
    let script = format!(
        "{PY} -c '{BYPASS}' {}; \
         curl -s --noproxy '*' http://127.0.0.1:{p}/noproxy; echo curl-direct $?; \
         curl -s --noproxy '' http://127.0.0.1:{p}/proxied; echo",
        ports.join(" "),
        p = tcp.port
    );
    let out = sh(&f, &filtered(), &script);
    child_code(&out);
    // ECONNREFUSED (111): the sandbox's own loopback has no such listener. UDP "succeeds"
    // into the sandbox's own loopback and goes nowhere.
    let tcp6_line = if tcp6.is_some() {
        "tcp6 111\n"
    } else {
        "tcp6 sent\n"
    };
    assert_eq!(
        stdout(&out),
        format!("tcp 111\n{tcp6_line}udp sent\ndns sent\ncurl-direct 7\nok\n"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        tcp.seen(),
        ["GET /raw HTTP/1.1", "GET /proxied HTTP/1.1"],
        "only the proxied request may arrive"
    );
    if let Some(h) = &tcp6 {
        assert_eq!(h.seen(), ["GET /raw HTTP/1.1"], "nothing more over IPv6");
    }
    assert_eq!(received(&udp), None, "a datagram reached the host");
    assert_eq!(received(&dns), None, "a DNS query reached the host");
}

#[test]
fn the_sandbox_has_no_route_to_the_hosts_resolver_and_only_its_own_loopback() {
    let f = Fixture::new();
    // connect() on a UDP socket sends nothing; it only asks for a route.
    let code = "import os, socket\nns = [l.split()[1] for l in open('/etc/resolv.conf') if l.startswith('nameserver')]\nfor a in ns[:1] or ['10.255.255.53']:\n    u = socket.socket(socket.AF_INET6 if ':' in a else socket.AF_INET, socket.SOCK_DGRAM)\n    try:\n        u.connect((a, 53)); print('route')\n    except OSError as e:\n        print(e.errno)\nprint([n for _, n in socket.if_nameindex()])";
    let bare = std::process::Command::new(PY)
        .args(["-c", code])
        .output()
        .unwrap();
    assert!(
        stdout(&bare).starts_with("route\n"),
        "control: {}",
        stdout(&bare)
    );
    let out = run(&f, &filtered(), &[PY, "-c", code]);
    // ENETUNREACH (101): no interface but loopback.
    assert_eq!(stdout(&out), "101\n['lo']\n", "{}", stderr(&out));
}

#[test]
fn the_programs_own_loopback_servers_are_reached_directly() {
    let f = Fixture::new();
    // urllib reads the proxy variables; NO_PROXY sends loopback directly, past the proxy.
    let code = r#"
import http.server, threading, urllib.request
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(b"local")
    def log_message(self, *a): pass
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
threading.Thread(target=srv.serve_forever, daemon=True).start()
for host in ("127.0.0.1", "localhost"):
    print(urllib.request.urlopen(f"http://{host}:{srv.server_port}/", timeout=5).read().decode())
"#;
    let out = run(&f, &filtered(), &[PY, "-c", code]);
    assert_eq!(stdout(&out), "local\nlocal\n", "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("nono: network:"),
        "nothing went through the proxy: {}",
        stderr(&out)
    );
}

#[test]
fn why_host_gives_the_proxys_answers_outside_and_inside() {
    let f = Fixture::new();
    let host = Host::new();
    let p = host.port;
    let log = f.project.join("net.jsonl");
    let flags = with(
        filtered(),
        &[
            "--allow-domain",
            "ported.test:1",
            "--deny-domain",
            "bad.allowed.test",
            "--net-log",
            log.to_str().unwrap(),
        ],
    );
    let targets = [
        format!("allowed.test:{p}"),
        format!("denied.test:{p}"),
        format!("ported.test:{p}"),
        format!("127.0.0.1:{p}"),
        format!("127.0.0.2:{p}"),
    ];
    // The proxy's decisions, and `why --self --host` inside the same run.
    let nono = nono_bin();
    let script: String = targets
        .iter()
        .map(|t| {
            format!(
                "curl -s --noproxy '' -o /dev/null http://{t}/; '{}' why --self --json --host {t}; echo \"=$?\";",
                nono.display()
            )
        })
        .collect();
    let out = sh(&f, &flags, &script);
    child_code(&out);
    let records: Vec<serde_json::Value> = read(&log)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), targets.len(), "{}", stderr(&out));
    // Each answer from inside: the JSON verdict, then `=` and the exit status.
    let text = stdout(&out);
    let inside: Vec<(&str, &str)> = text
        .split_terminator("\n=")
        .map(|block| block.trim_start_matches(|c: char| c.is_ascii_digit() || c == '\n'))
        .zip(text.lines().filter_map(|l| l.strip_prefix('=')))
        .collect();
    let why_flags: Vec<String> = flags
        .iter()
        .take(flags.len() - 2) // without --net-log, which `why` does not take
        .cloned()
        .collect();
    for (i, target) in targets.iter().enumerate() {
        let record = &records[i];
        assert_eq!(record["target"], *target);
        let allowed = record["outcome"] == "allowed";
        let mut args = vec!["why".to_string(), "--json".into(), "--host".into()];
        args.push(target.clone());
        args.extend(why_flags.iter().skip(2).cloned()); // the grant of "." is not needed
        let outside = f.nono(&args).output().unwrap();
        let verdict: serde_json::Value = serde_json::from_slice(&outside.stdout)
            .unwrap_or_else(|_| panic!("{}", stderr(&outside)));
        assert_eq!(outside.status.code(), Some(if allowed { 0 } else { 1 }));
        assert_eq!(verdict["allowed"], allowed, "{target}");
        assert_eq!(verdict["reason"], record["reason"], "{target}");
        assert_eq!(
            verdict["fix"],
            record.get("fix").cloned().unwrap_or_default()
        );
        let (json, code) = inside[i];
        let own: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(own, verdict, "inside and outside disagree on {target}");
        assert_eq!(code, if allowed { "0" } else { "1" });
    }
    let outcomes: Vec<&str> = records
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        ["allowed", "denied", "denied", "allowed", "denied"]
    );
}

#[test]
fn profile_keys_filter_like_the_flags_and_bad_values_point_at_their_line() {
    let f = Fixture::new();
    let host = Host::new();
    let profile = f.outside.join("net.toml");
    std::fs::write(
        &profile,
        "[filesystem]\nallow = [\".\"]\n[network]\nallow_domains = [\"allowed.test\"]\nallow_cidrs = [\"127.0.0.1/32\"]\n",
    )
    .unwrap();
    let flags = [
        "--profile",
        profile.to_str().unwrap(),
        "--testing-resolve",
        "allowed.test=127.0.0.1",
    ]
    .map(String::from)
    .to_vec();
    let p = host.port;
    let out = sh(
        &f,
        &flags,
        &format!("curl -s http://allowed.test:{p}/a; curl -s -o /dev/null -w ' %{{http_code}}' http://other.test:{p}/b"),
    );
    assert_eq!(stdout(&out), "ok 403", "{}", stderr(&out));
    assert_eq!(host.seen(), ["GET /a HTTP/1.1"]);

    std::fs::write(
        &profile,
        "[network]\nallow_domains = [\"ok.test\", \"*bad.test\"]\n",
    )
    .unwrap();
    let marker = f.project.join("ran");
    let out = sh(&f, &flags, &format!("touch '{}'", marker.display()));
    assert_eq!(out.status.code(), Some(125));
    assert_eq!(
        stderr(&out),
        format!(
            "nono: {}:2:29: network.allow_domains '*bad.test': a wildcard is allowed only as a whole first label ('*.example.org')\n",
            profile.display()
        )
    );
    assert!(!marker.exists(), "nothing may run");
}

#[test]
fn bad_values_are_refused_with_one_line_and_nothing_runs() {
    let f = Fixture::new();
    let marker = f.project.join("ran");
    let touch = format!("touch '{}'", marker.display());
    let cases: &[(&[&str], &str)] = &[
        (
            &["--allow-domain", "a..example"],
            "nono: --allow-domain 'a..example': empty label",
        ),
        (
            &["--allow-domain", "10.0.0.1"],
            "nono: --allow-domain '10.0.0.1' is an address, not a name: use --allow-cidr 10.0.0.1/32",
        ),
        (
            &["--allow-cidr", "10.0.0.1/8"],
            "nono: --allow-cidr '10.0.0.1/8' has bits set after the prefix: did you mean 10.0.0.0/8?",
        ),
        (
            &["--deny-domain", "example.org:0"],
            "nono: --deny-domain 'example.org:0': the port must be 1 to 65535",
        ),
        (
            &["--allow-domain", "ok.test", "--env", "HTTPS_PROXY=http://elsewhere:1"],
            "nono: --env HTTPS_PROXY: nono sets this variable itself when the network is filtered (it points at nono's proxy)",
        ),
        (
            &["--allow-domain", "ok.test", "--testing-resolve", "ok.test=192.0.2.1"],
            "nono: --testing-resolve ok.test=192.0.2.1: 192.0.2.1 is in no --allow-cidr range; the testing resolver may only name addresses the rules already allow",
        ),
        (
            &["--net-log", "x.jsonl"],
            "nono: --net-log: the network is not filtered (nono's proxy logs what --allow-domain, --deny-domain and --allow-cidr decide)",
        ),
    ];
    for (bad, message) in cases {
        let flags = with(vec!["--allow".into(), ".".into()], bad);
        let out = sh(&f, &flags, &touch);
        assert_eq!(out.status.code(), Some(125), "{bad:?}");
        assert_eq!(stderr(&out), format!("{message}\n"), "{bad:?}");
        assert!(!marker.exists(), "{bad:?} ran the command");
    }
    // Control: a good value runs it.
    let out = sh(&f, &with(filtered(), &[]), &touch);
    child_code(&out);
    assert!(marker.exists(), "{}", stderr(&out));
}

#[test]
fn a_filter_without_a_network_namespace_is_refused_even_degraded() {
    let f = Fixture::new();
    let mut degraded = vec![
        "--simulate-no-userns".to_string(),
        "--allow-degraded".into(),
    ];
    degraded.extend(allow_listening_sockets());
    // Control: --net-block degrades to Unix sockets only, and runs.
    let out = sh(
        &f,
        &with(degraded.clone(), &["--allow", ".", "--net-block"]),
        "exit 3",
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let out = sh(
        &f,
        &with(degraded, &["--allow", ".", "--allow-domain", "ok.test"]),
        "exit 3",
    );
    assert_eq!(out.status.code(), Some(125));
    assert!(
        stderr(&out).starts_with("nono: a filtered network (--allow-domain, --deny-domain, --allow-cidr) needs a network namespace of its own"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_plan_and_the_capability_file_hold_the_filter() {
    let f = Fixture::new();
    let mut args = vec!["run".to_string(), "--dry-run".into(), "--json".into()];
    args.extend(filtered());
    args.extend(["--".into(), "true".into()]);
    let out = f.nono(&args).output().unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let network = &doc["plan"]["network"];
    assert_eq!(network["filter"]["rules"]["allow"][0], "allowed.test");
    assert_eq!(network["filter"]["listen"][0], "127.0.0.1:3128");
    assert_eq!(network["sockets"], "local");
    let env = doc["plan"]["env"].as_array().unwrap();
    assert!(env.contains(&serde_json::json!({"action": "set", "name": "HTTPS_PROXY", "value": "http://127.0.0.1:3128"})));
    // Inside, the capability file says the same, and the variables are those.
    let out = sh(
        &f,
        &filtered(),
        "cat \"$NONO_CAP_FILE\"; echo; echo \"$https_proxy $NO_PROXY\"",
    );
    let text = stdout(&out);
    let (file, vars) = text.trim_end().rsplit_once('\n').unwrap();
    let inside: serde_json::Value = serde_json::from_str(file).unwrap();
    assert_eq!(inside["network"], *network);
    assert_eq!(vars, "http://127.0.0.1:3128 localhost,127.0.0.1,::1");
}

#[test]
fn agent_profiles_filter_by_default_and_toolchains_do_not() {
    let f = Fixture::new();
    for (profile, filtered) in [
        ("claude-code", true),
        ("codex", true),
        ("gemini-cli", true),
        ("opencode", true),
        ("aider", true),
        ("goose", true),
        ("default", false),
        ("rust", false),
        ("node", false),
        ("python", false),
        ("go", false),
    ] {
        let out = f
            .nono([
                "run",
                "--profile",
                profile,
                "--dry-run",
                "--json",
                "--",
                "true",
            ])
            .output()
            .unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| panic!("{profile}: {}", stderr(&out)));
        let allow = &doc["plan"]["network"]["filter"]["rules"]["allow"];
        assert_eq!(allow.is_array(), filtered, "{profile}: {allow}");
        if filtered {
            assert!(!allow.as_array().unwrap().is_empty(), "{profile}");
        }
    }
    // The profile's own API host is allowed, another agent's is not.
    let why = |host: &str| {
        f.nono(["why", "--profile", "claude-code", "--host", host])
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(why("api.anthropic.com"), Some(0));
    assert_eq!(why("api.openai.com"), Some(1));
}

#[test]
fn signals_still_reach_the_program_of_a_filtered_run() {
    let f = Fixture::new();
    let mut args = vec!["run".to_string()];
    args.extend(filtered());
    args.extend(["--", "sleep", "10"].map(String::from));
    let mut child = f.nono(&args).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: signalling the nono process this test started.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(libc::SIGTERM), "{status:?}");
}

#[test]
fn a_log_name_planted_as_a_link_is_refused_and_its_target_untouched() {
    let f = Fixture::new();
    let rc = f.home.join(".bashrc");
    let before = read(&rc);
    let symlink = f.project.join("net.jsonl");
    std::os::unix::fs::symlink(&rc, &symlink).unwrap();
    let hardlink = f.project.join("hard.jsonl");
    std::fs::hard_link(&rc, &hardlink).unwrap();
    for (log, why) in [(&symlink, "is a symlink"), (&hardlink, "has 2 hard links")] {
        let flags = with(filtered(), &["--net-log", log.to_str().unwrap()]);
        let out = sh(&f, &flags, "curl -s http://denied.test/");
        assert_eq!(out.status.code(), Some(125), "{}", stderr(&out));
        assert!(stderr(&out).contains(why), "{}", stderr(&out));
        assert_eq!(read(&rc), before, "nono wrote through {}", log.display());
    }
    // Control: a fresh name is created and written.
    let fresh = f.project.join("fresh.jsonl");
    let flags = with(filtered(), &["--net-log", fresh.to_str().unwrap()]);
    let out = sh(&f, &flags, "curl -s -o /dev/null http://denied.test/");
    child_code(&out);
    assert!(
        read(&fresh).contains("\"outcome\":\"denied\""),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_log_never_takes_a_descriptor_promised_to_the_program() {
    let f = Fixture::new();
    let log = f.project.join("net.jsonl");
    // nono starts with descriptors 0-2 only, so the log would open as 3: the descriptor the
    // program is promised. It moves; 3 is then what it was, not open, and nono says so.
    let flags = with(
        filtered(),
        &["--keep-fd", "3", "--net-log", log.to_str().unwrap()],
    );
    let out = sh(&f, &flags, "echo leaked >&3");
    assert_eq!(out.status.code(), Some(125), "{}", stderr(&out));
    assert!(
        stderr(&out).ends_with("\nnono: --keep-fd 3: not an open descriptor\n"),
        "{}",
        stderr(&out)
    );
    assert_eq!(read(&log), "", "the program wrote to the log");
    // Control: an open descriptor 3 is passed as promised.
    let script = format!(
        "exec 3>'{}'; '{}' run {} --keep-fd 3 --net-log '{}' -- sh -c 'echo mine >&3'",
        f.project.join("three").display(),
        nono_bin().display(),
        filtered().join(" "),
        log.display()
    );
    let out = f.bare_sh(&script);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(read(&f.project.join("three")), "mine\n");
}

#[test]
fn only_a_filtered_run_starts_the_proxy_thread() {
    let f = Fixture::new();
    // nono outside is one thread while it supervises, unless it runs the proxy.
    let threads = |flags: Vec<String>| {
        let mut args = vec!["run".to_string()];
        args.extend(flags);
        args.extend(["--", "sleep", "0.7"].map(String::from));
        let mut child = f.nono(&args).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(400));
        let count = std::fs::read_dir(format!("/proc/{}/task", child.id()))
            .unwrap()
            .count();
        assert!(child.wait().unwrap().success());
        count
    };
    assert_eq!(threads(vec!["--allow".into(), ".".into()]), 1);
    assert_eq!(
        threads(vec!["--allow".into(), ".".into(), "--net-block".into()]),
        1
    );
    // Control: the proxy's thread is there to be counted.
    assert!(threads(filtered()) > 1);
}
