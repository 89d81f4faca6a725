//! Hostile and malformed requests: each gets a clear HTTP error, reaches no destination, and
//! leaves the proxy serving the next client (the positive control at the end of each test).

use crate::common::*;
use nono_proxy::Limits;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn setup() -> Running {
    proxy(Setup {
        allow: &["allowed.test"],
        cidrs: &["127.0.0.1"],
        hosts: &[("allowed.test", localhost()), ("evil.test", localhost())],
        limits: Some(Limits {
            header_timeout: Duration::from_millis(300),
            max_head: 8 * 1024,
            ..Limits::default()
        }),
        ..Setup::default()
    })
}

/// The positive control: a well-formed request through the same proxy still works.
fn still_serves(p: &Running, origin: &Origin) {
    let answer = exchange(
        p.addr,
        format!(
            "GET http://allowed.test:{}/ HTTP/1.1\r\n\r\n",
            origin.port()
        )
        .as_bytes(),
    );
    assert!(answer.ends_with("hello from origin"), "{answer}");
}

#[test]
fn malformed_requests_get_a_status_and_a_one_line_reason() {
    let origin = Origin::start(hello);
    let p = setup();
    let port = origin.port();
    let cases: Vec<(Vec<u8>, &str, &str)> = vec![
        (
            b"garbage\r\n\r\n".to_vec(),
            "400 Bad Request",
            "malformed request head",
        ),
        (
            b"\x00\x01\x02\xff\r\n\r\n".to_vec(),
            "400 Bad Request",
            "malformed request head",
        ),
        (
            b"GET / HTTP/1.1\r\nHost: allowed.test\r\n\r\n".to_vec(),
            "400 Bad Request",
            "not an absolute URL",
        ),
        (
            b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec(),
            "505 HTTP Version Not Supported",
            "only HTTP/1.0 and HTTP/1.1",
        ),
        (
            b"GET https://allowed.test/ HTTP/1.1\r\n\r\n".to_vec(),
            "400 Bad Request",
            "must go through CONNECT",
        ),
        (
            b"CONNECT allowed.test HTTP/1.1\r\n\r\n".to_vec(),
            "400 Bad Request",
            "CONNECT needs HOST:PORT",
        ),
        (
            b"CONNECT allowed.test:99999 HTTP/1.1\r\n\r\n".to_vec(),
            "400 Bad Request",
            "the port must be 1 to 65535",
        ),
        (
            format!("GET http://allowed.test:{port}/ HTTP/1.1\r\nBad Header: x\r\n\r\n")
                .into_bytes(),
            "400 Bad Request",
            "malformed request head",
        ),
        (
            format!("GET http://allowed.test:{port}/ HTTP/1.1\r\nX: a\r\n b\r\n\r\n").into_bytes(),
            "400 Bad Request",
            "malformed request head",
        ),
        (
            format!("GET http://allowed.test:{port}/ HTTP/1.1\r\nX: a\0b\r\n\r\n").into_bytes(),
            "400 Bad Request",
            "malformed request head",
        ),
        (
            format!("GET http://allowed.test:{port}/\0 HTTP/1.1\r\n\r\n").into_bytes(),
            "400 Bad Request",
            "malformed request head",
        ),
        (
            format!("CONNECT allowed.test\0.evil.test:{port} HTTP/1.1\r\n\r\n").into_bytes(),
            "400 Bad Request",
            "malformed request head",
        ),
        (
            format!("CONNECT allowed.test%00.evil.test:{port} HTTP/1.1\r\n\r\n").into_bytes(),
            "400 Bad Request",
            "invalid host: contains a NUL character",
        ),
        (
            format!("CONNECT allowed.test@evil.test:{port} HTTP/1.1\r\n\r\n").into_bytes(),
            "400 Bad Request",
            "userinfo ('@') is refused",
        ),
        (
            format!("CONNECT allowed.test%40evil.test:{port} HTTP/1.1\r\n\r\n").into_bytes(),
            "400 Bad Request",
            "contains '@'",
        ),
        (
            format!("GET http://allowed.test@evil.test:{port}/ HTTP/1.1\r\n\r\n").into_bytes(),
            "400 Bad Request",
            "userinfo ('@') is refused",
        ),
        (
            format!("GET http://allowed.test%2fevil.test:{port}/ HTTP/1.1\r\n\r\n").into_bytes(),
            "400 Bad Request",
            "contains '/'",
        ),
        (
            format!("GET http://[::1:{port}/ HTTP/1.1\r\n\r\n").into_bytes(),
            "400 Bad Request",
            "'[' without ']'",
        ),
    ];
    for (request, status, reason) in &cases {
        let answer = exchange(p.addr, request);
        let shown = String::from_utf8_lossy(request);
        assert!(
            answer.starts_with(&format!("HTTP/1.1 {status}\r\n")),
            "{shown:?}: {answer}"
        );
        let body = answer.split("\r\n\r\n").nth(1).unwrap_or("");
        assert!(
            body.starts_with("nono proxy: ") && body.contains(reason),
            "{shown:?}: {answer}"
        );
        assert_eq!(
            body.matches('\n').count(),
            1,
            "{shown:?}: not one line: {body:?}"
        );
    }
    assert_eq!(origin.connections(), 0);
    still_serves(&p, &origin);
    let summary = p.finish();
    // Invalid hosts are refused destinations; the rest never named one.
    assert_eq!(summary.denied, 3);
    assert_eq!((summary.malformed + summary.denied) as usize, cases.len());
}

#[test]
fn smuggling_attempts_are_refused_before_any_destination_is_dialled() {
    let origin = Origin::start(hello);
    let p = setup();
    let url = format!("http://allowed.test:{}/", origin.port());
    let cases: &[(&str, &str)] = &[
        (
            "Content-Length: 5\r\nTransfer-Encoding: chunked",
            "400 Bad Request",
        ),
        (
            "Transfer-Encoding: chunked\r\nContent-Length: 5",
            "400 Bad Request",
        ),
        ("Content-Length: 5\r\nContent-Length: 6", "400 Bad Request"),
        ("Content-Length: 5, 6", "400 Bad Request"),
        ("Content-Length: +5", "400 Bad Request"),
        ("Content-Length: 0x5", "400 Bad Request"),
        ("Content-Length: -1", "400 Bad Request"),
        ("Content-Length: 99999999999999999999", "400 Bad Request"),
        (
            "Transfer-Encoding: chunked, identity",
            "501 Not Implemented",
        ),
        ("Transfer-Encoding: xchunked", "501 Not Implemented"),
        (
            "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked",
            "501 Not Implemented",
        ),
        ("Transfer-Encoding: gzip", "501 Not Implemented"),
    ];
    for (headers, status) in cases {
        let answer = exchange(
            p.addr,
            format!("POST {url} HTTP/1.1\r\n{headers}\r\n\r\nhello0\r\n\r\n").as_bytes(),
        );
        assert!(
            answer.starts_with(&format!("HTTP/1.1 {status}\r\n")),
            "{headers:?}: {answer}"
        );
    }
    // Chunked HTTP/1.0 is refused too: a 1.0 server would not know where the body ends.
    let answer = exchange(
        p.addr,
        format!("POST {url} HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n").as_bytes(),
    );
    assert!(answer.starts_with("HTTP/1.1 400 "), "{answer}");
    assert_eq!(origin.connections(), 0);
    still_serves(&p, &origin);
}

#[test]
fn a_request_hidden_after_a_chunked_body_is_judged_as_its_own_request() {
    let origin = Origin::start(hello);
    let p = setup();
    let port = origin.port();
    // The terminating chunk is followed by a second request for a path the first did not
    // name: the destination must see only the first; the second is the proxy's to judge.
    let answer = exchange(
        p.addr,
        format!(
            "POST http://allowed.test:{port}/one HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n\
             0\r\n\r\nGET http://evil.test:{port}/two HTTP/1.1\r\n\r\n"
        )
        .as_bytes(),
    );
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(
        answer.contains(&format!("evil.test:{port}: not in the allowlist")),
        "{answer}"
    );
    let seen = origin.received();
    assert!(seen.starts_with("POST /one HTTP/1.1\r\n"), "{seen}");
    assert!(!seen.contains("/two"), "{seen}");
    assert_eq!(origin.connections(), 1);
}

#[test]
fn an_oversized_head_is_a_431() {
    let origin = Origin::start(hello);
    let p = setup();
    let big = "x".repeat(16 * 1024);
    let answer = exchange(
        p.addr,
        format!(
            "GET http://allowed.test:{}/ HTTP/1.1\r\nX-Big: {big}\r\n\r\n",
            origin.port()
        )
        .as_bytes(),
    );
    assert!(answer.starts_with("HTTP/1.1 431 "), "{answer}");
    assert!(
        answer.contains("request head larger than 8192 bytes"),
        "{answer}"
    );
    let many: String = (0..200).map(|i| format!("X-{i}: y\r\n")).collect();
    let answer = exchange(
        p.addr,
        format!(
            "GET http://allowed.test:{}/ HTTP/1.1\r\n{many}\r\n",
            origin.port()
        )
        .as_bytes(),
    );
    assert!(answer.starts_with("HTTP/1.1 431 "), "{answer}");
    assert_eq!(origin.connections(), 0);
    still_serves(&p, &origin);
}

#[test]
fn a_slow_head_times_out_with_a_408_and_the_proxy_keeps_serving() {
    let origin = Origin::start(hello);
    let p = setup();
    let mut slow = TcpStream::connect(p.addr).unwrap();
    slow.set_read_timeout(Some(PATIENCE)).unwrap();
    let started = Instant::now();
    slow.write_all(b"GET http://allowed.test/ HTTP/1.1\r\nX-Slow: ")
        .unwrap();
    // While it dawdles, others are served.
    still_serves(&p, &origin);
    let mut answer = String::new();
    let _ = slow.read_to_string(&mut answer);
    assert!(
        answer.starts_with("HTTP/1.1 408 Request Timeout\r\n"),
        "{answer}"
    );
    assert!(
        answer.contains("no complete request head within 300ms"),
        "{answer}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    // A client that connects and says nothing gets the same.
    let mut silent = TcpStream::connect(p.addr).unwrap();
    silent.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut answer = String::new();
    let _ = silent.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 408 "), "{answer}");
}

#[test]
fn a_client_that_vanishes_mid_request_does_not_disturb_the_proxy() {
    let origin = Origin::start(hello);
    let p = setup();
    for partial in [
        b"GET http://allowed.test".as_slice(),
        b"CONNECT allowed.test:1 HTTP/1.1\r\n",
        b"POST http://allowed.test/ HTTP/1.1\r\nContent-Length: 100\r\n\r\nabc",
    ] {
        let mut stream = TcpStream::connect(p.addr).unwrap();
        stream.write_all(partial).unwrap();
        drop(stream);
    }
    still_serves(&p, &origin);
}

#[test]
fn random_bytes_get_an_http_error_or_a_close_never_a_hang() {
    const PIECES: &[&[u8]] = &[
        b"GET ",
        b"CONNECT ",
        b"POST ",
        b"http://",
        b"allowed.test",
        b"evil.test",
        b":80",
        b":",
        b"/",
        b" HTTP/1.1",
        b" HTTP/1.0",
        b" HTTP/9.9",
        b"\r\n",
        b"\n",
        b"\r\n\r\n",
        b"\0",
        b"\xff",
        b"Host: ",
        b"Content-Length: ",
        b"Transfer-Encoding: chunked",
        b"0",
        b"5",
        b"\r\n0\r\n\r\n",
        b"@",
        b"%00",
        b"[",
        b"]",
        b" ",
        b"\t",
        b"x",
    ];
    let origin = Origin::start(hello);
    let p = setup();
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut below = |n: usize| {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_f491_4f6c_dd1d) % n as u64) as usize
    };
    for _ in 0..300 {
        let request: Vec<u8> = (0..=below(12))
            .flat_map(|_| PIECES[below(PIECES.len())].iter().copied())
            .collect();
        let started = Instant::now();
        let answer = exchange(p.addr, &request);
        let shown = String::from_utf8_lossy(&request);
        assert!(
            answer.is_empty() || answer.starts_with("HTTP/1.1 "),
            "{shown:?}: {answer}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{shown:?} took {:?}",
            started.elapsed()
        );
    }
    // Nothing random named a destination that the policy allows on a port that listens.
    assert_eq!(origin.connections(), 0);
    still_serves(&p, &origin);
}
