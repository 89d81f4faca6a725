//! What the policy allows reaches its listener; what it refuses gets a 403 naming the reason
//! and the flag, and its listener receives nothing.

use crate::common::*;

#[test]
fn an_allowed_name_is_tunnelled_and_a_name_not_in_the_allowlist_is_refused() {
    let (good, evil) = (Origin::start(echo), Origin::start(echo));
    let p = proxy(Setup {
        allow: &["allowed.test"],
        cidrs: &["127.0.0.1"],
        hosts: &[("allowed.test", localhost()), ("evil.test", localhost())],
        ..Setup::default()
    });
    let (head, tunnel) = connect(p.addr, &format!("allowed.test:{}", good.port()));
    assert!(head.starts_with("HTTP/1.1 200 "), "{head}");
    assert_eq!(round_trip(&mut tunnel.unwrap(), b"ping"), b"ping");
    assert_eq!(good.received(), "ping");

    let (answer, tunnel) = connect(p.addr, &format!("evil.test:{}", evil.port()));
    assert!(tunnel.is_none());
    assert!(answer.starts_with("HTTP/1.1 403 Forbidden\r\n"), "{answer}");
    assert!(
        answer.ends_with(&format!(
            "\r\n\r\nnono proxy: evil.test:{}: not in the allowlist (to allow it: --allow-domain evil.test)\n",
            evil.port()
        )),
        "{answer}"
    );
    assert_eq!(evil.connections(), 0);
}

#[test]
fn a_deny_rule_wins_over_a_wildcard_allow() {
    let (good, bad) = (Origin::start(echo), Origin::start(echo));
    let p = proxy(Setup {
        allow: &["*.example.test"],
        deny: &["bad.example.test"],
        cidrs: &["127.0.0.1"],
        hosts: &[
            ("good.example.test", localhost()),
            ("bad.example.test", localhost()),
        ],
        ..Setup::default()
    });
    let (head, _) = connect(p.addr, &format!("good.example.test:{}", good.port()));
    assert!(head.starts_with("HTTP/1.1 200 "), "{head}");
    let (answer, _) = connect(p.addr, &format!("BAD.example.test.:{}", bad.port()));
    assert!(answer.starts_with("HTTP/1.1 403 "), "{answer}");
    assert!(
        answer.contains(": denied by --deny-domain bad.example.test\n"),
        "{answer}"
    );
    assert_eq!(bad.connections(), 0);
    assert_eq!(good.connections(), 1);
}

#[test]
fn a_port_rule_allows_only_its_port() {
    let (open, other) = (Origin::start(echo), Origin::start(echo));
    let rule = format!("ports.test:{}", open.port());
    let p = proxy(Setup {
        allow: &[&rule],
        cidrs: &["127.0.0.1"],
        hosts: &[("ports.test", localhost())],
        ..Setup::default()
    });
    let (head, _) = connect(p.addr, &format!("ports.test:{}", open.port()));
    assert!(head.starts_with("HTTP/1.1 200 "), "{head}");
    let (answer, _) = connect(p.addr, &format!("ports.test:{}", other.port()));
    assert!(
        answer.contains(&format!(
            "port {} is not allowed (--allow-domain {rule}) (to allow it: --allow-domain ports.test:{})",
            other.port(),
            other.port()
        )),
        "{answer}"
    );
    assert_eq!(other.connections(), 0);
}

#[test]
fn a_wildcard_covers_subdomains_but_not_the_apex() {
    let (sub, apex) = (Origin::start(echo), Origin::start(echo));
    let p = proxy(Setup {
        allow: &["*.wild.test"],
        cidrs: &["127.0.0.1"],
        hosts: &[("a.b.wild.test", localhost()), ("wild.test", localhost())],
        ..Setup::default()
    });
    let (head, _) = connect(p.addr, &format!("a.b.wild.test:{}", sub.port()));
    assert!(head.starts_with("HTTP/1.1 200 "), "{head}");
    let (answer, _) = connect(p.addr, &format!("wild.test:{}", apex.port()));
    assert!(
        answer.contains("not in the allowlist (to allow it: --allow-domain wild.test)"),
        "{answer}"
    );
    assert_eq!(apex.connections(), 0);
}

#[test]
fn ip_literals_in_odd_spellings_need_an_allow_cidr() {
    let origin = Origin::start(echo);
    let spellings = [
        "127.0.0.1",
        "127.1",
        "0x7f.1",
        "2130706433",
        "0177.0.0.1",
        "[::ffff:127.0.0.1]",
    ];
    literals_need_a_cidr(
        &origin,
        &spellings,
        "127.0.0.1",
        "127.0.0.1/32",
        "127.0.0.0/8",
    );
}

#[test]
fn a_name_resolving_to_loopback_is_refused_unless_a_cidr_names_it() {
    let origin = Origin::start(echo);
    let target = format!("rebind.test:{}", origin.port());
    let hosts = [("rebind.test", localhost())];
    let closed = proxy(Setup {
        allow: &["rebind.test"],
        hosts: &hosts,
        ..Setup::default()
    });
    let (answer, _) = connect(closed.addr, &target);
    assert!(answer.starts_with("HTTP/1.1 403 "), "{answer}");
    assert!(
        answer.contains(
            "resolves only to refused addresses: 127.0.0.1 is a loopback address (to allow it: --allow-cidr 127.0.0.1/32)"
        ),
        "{answer}"
    );
    assert_eq!(origin.connections(), 0);
    let open = proxy(Setup {
        allow: &["rebind.test"],
        cidrs: &["127.0.0.1/32"],
        hosts: &hosts,
        ..Setup::default()
    });
    let (head, _) = connect(open.addr, &target);
    assert!(head.starts_with("HTTP/1.1 200 "), "{head}");
    assert_eq!(origin.connections(), 1);
}

#[test]
fn only_the_checked_addresses_of_a_name_are_dialled() {
    // The name resolves to a refused address first and an allowed one second, both listening
    // on one port: the proxy must skip the first and dial the second.
    let allowed = Origin::at("127.0.0.2:0".parse().unwrap(), echo);
    let port = allowed.port();
    let refused = Origin::at(std::net::SocketAddr::new(localhost(), port), echo);
    let p = proxy(Setup {
        allow: &["mixed.test"],
        cidrs: &["127.0.0.2/32"],
        hosts: &[
            ("mixed.test", localhost()),
            ("mixed.test", "127.0.0.2".parse().unwrap()),
        ],
        ..Setup::default()
    });
    let (head, tunnel) = connect(p.addr, &format!("mixed.test:{port}"));
    assert!(head.starts_with("HTTP/1.1 200 "), "{head}");
    assert_eq!(round_trip(&mut tunnel.unwrap(), b"to .2"), b"to .2");
    assert_eq!(allowed.received(), "to .2");
    assert_eq!(refused.connections(), 0);
    // Positive control: the refused listener was there to be reached.
    drop(std::net::TcpStream::connect(refused.addr).unwrap());
    assert_eq!(refused.connections(), 1);
}

#[test]
fn the_log_and_the_summary_record_every_decision() {
    let origin = Origin::start(hello);
    let log = SharedLog::default();
    let p = proxy(Setup {
        allow: &["allowed.test"],
        cidrs: &["127.0.0.1"],
        hosts: &[("allowed.test", localhost())],
        log: Some(log.clone()),
        ..Setup::default()
    });
    let port = origin.port();
    for _ in 0..2 {
        let answer = exchange(
            p.addr,
            format!("GET http://allowed.test:{port}/ HTTP/1.1\r\nHost: allowed.test\r\n\r\n")
                .as_bytes(),
        );
        assert!(answer.ends_with("hello from origin"), "{answer}");
    }
    let (answer, _) = connect(p.addr, "evil.test:443");
    assert!(answer.starts_with("HTTP/1.1 403 "), "{answer}");
    assert!(exchange(p.addr, b"garbage\r\n\r\n").starts_with("HTTP/1.1 400 "));
    let summary = p.finish();
    assert_eq!(
        (
            summary.allowed,
            summary.denied,
            summary.failed,
            summary.malformed
        ),
        (2, 1, 0, 1)
    );
    assert_eq!(
        summary.line(),
        "network: 2 allowed, 1 denied, 1 malformed: evil.test:443 (not in the allowlist: --allow-domain evil.test)"
    );
    let target = format!("allowed.test:{port}");
    assert_eq!(summary.destinations[&target].allowed, 2);

    let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert_eq!(lines[0]["method"], "GET");
    assert_eq!(lines[0]["target"], target.as_str());
    assert_eq!(lines[0]["outcome"], "allowed");
    assert_eq!(lines[0]["reason"], "allowed by --allow-domain allowed.test");
    assert_eq!(lines[0]["address"], format!("127.0.0.1:{port}").as_str());
    assert_eq!(lines[2]["method"], "CONNECT");
    assert_eq!(lines[2]["target"], "evil.test:443");
    assert_eq!(lines[2]["outcome"], "denied");
    assert_eq!(lines[2]["fix"], "--allow-domain evil.test");
    assert_eq!(lines[3]["outcome"], "malformed");
    assert!(lines[3].get("target").is_none());
    assert!(lines
        .iter()
        .all(|l| l["time_ms"].as_u64().unwrap() > 1_600_000_000_000));
}

#[test]
fn ipv6_literals_are_addresses_like_any_other() {
    let Ok(listener) = std::net::TcpListener::bind("[::1]:0") else {
        eprintln!("skipped: no IPv6 loopback on this machine");
        return;
    };
    drop(listener);
    let origin = Origin::at("[::1]:0".parse().unwrap(), echo);
    let spellings = ["[::1]", "[0:0:0:0:0:0:0:1]", "[0000::0001]"];
    literals_need_a_cidr(&origin, &spellings, "[::1]", "::1/128", "::1/128");
}

/// Every spelling of `origin`'s address is refused without a range (naming `canonical` and
/// suggesting `single`), and reaches the listener once `range` is allowed.
fn literals_need_a_cidr(
    origin: &Origin,
    spellings: &[&str],
    canonical: &str,
    single: &str,
    range: &str,
) {
    let port = origin.port();
    let closed = proxy(Setup {
        allow: &["unrelated.test"],
        ..Setup::default()
    });
    for host in spellings {
        let (answer, _) = connect(closed.addr, &format!("{host}:{port}"));
        assert!(answer.starts_with("HTTP/1.1 403 "), "{host}: {answer}");
        let want = format!(
            "{canonical}:{port}: an address in no --allow-cidr range (to allow it: --allow-cidr {single})"
        );
        assert!(answer.contains(&want), "{host}: {answer}");
    }
    assert_eq!(origin.connections(), 0);
    // Positive control: the same spellings, with the range allowed, all reach the listener.
    let open = proxy(Setup {
        cidrs: &[range],
        ..Setup::default()
    });
    for host in spellings {
        let (head, tunnel) = connect(open.addr, &format!("{host}:{port}"));
        assert!(head.starts_with("HTTP/1.1 200 "), "{host}: {head}");
        assert_eq!(round_trip(&mut tunnel.unwrap(), b"x"), b"x");
    }
    assert_eq!(origin.connections(), spellings.len());
}
