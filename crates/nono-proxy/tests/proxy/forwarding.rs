//! Plain HTTP forwarding: the destination sees a head the proxy wrote, for the host the URL
//! names, and the client's connection is kept alive between requests.

use crate::common::*;
use std::io::{Read, Write};
use std::net::TcpStream;

fn one_origin(handler: Handler) -> (Origin, Running) {
    let origin = Origin::start(handler);
    let p = proxy(Setup {
        allow: &["allowed.test"],
        cidrs: &["127.0.0.1"],
        hosts: &[("allowed.test", localhost()), ("evil.test", localhost())],
        ..Setup::default()
    });
    (origin, p)
}

#[test]
fn the_destination_gets_origin_form_the_url_host_and_no_hop_by_hop_headers() {
    let (origin, p) = one_origin(hello);
    let port = origin.port();
    let answer = exchange(
        p.addr,
        format!(
            "GET http://ALLOWED.test:{port}/path?q=1 HTTP/1.1\r\nHost: evil.test\r\n\
             Proxy-Authorization: Basic c2VjcmV0\r\nProxy-Connection: keep-alive\r\n\
             Connection: close, X-Private\r\nX-Private: 1\r\nAccept: */*\r\n\r\n"
        )
        .as_bytes(),
    );
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.ends_with("\r\n\r\nhello from origin"), "{answer}");
    assert_eq!(
        origin.received(),
        format!(
            "GET /path?q=1 HTTP/1.1\r\nHost: allowed.test:{port}\r\nAccept: */*\r\nConnection: close\r\n\r\n"
        )
    );
}

#[test]
fn the_url_decides_not_the_host_header() {
    let (origin, p) = one_origin(hello);
    let port = origin.port();
    let answer = exchange(
        p.addr,
        format!("GET http://evil.test:{port}/ HTTP/1.1\r\nHost: allowed.test:{port}\r\n\r\n")
            .as_bytes(),
    );
    assert!(answer.starts_with("HTTP/1.1 403 "), "{answer}");
    assert!(
        answer.contains(&format!("evil.test:{port}: not in the allowlist")),
        "{answer}"
    );
    assert_eq!(origin.connections(), 0);
}

#[test]
fn a_kept_alive_client_connection_carries_several_requests_and_bodies() {
    let (origin, p) = one_origin(hello);
    let port = origin.port();
    let mut client = TcpStream::connect(p.addr).unwrap();
    client.set_read_timeout(Some(PATIENCE)).unwrap();
    for i in 0..3 {
        write!(
            client,
            "POST http://allowed.test:{port}/{i} HTTP/1.1\r\nHost: allowed.test\r\nContent-Length: 5\r\n\r\nbody{i}"
        )
        .unwrap();
        let head = String::from_utf8(read_head(&mut client).unwrap()).unwrap();
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
        assert!(!head.contains("Connection: close"), "{head}");
        let mut body = [0u8; 17];
        client.read_exact(&mut body).unwrap();
        assert_eq!(&body, b"hello from origin");
    }
    let seen = origin.received();
    for i in 0..3 {
        assert!(seen.contains(&format!("POST /{i} HTTP/1.1\r\n")), "{seen}");
        assert!(
            seen.contains(&format!(
                "Content-Length: 5\r\nConnection: close\r\n\r\nbody{i}"
            )),
            "{seen}"
        );
    }
}

/// Origin: reads a chunked request body and answers with a chunked response.
fn chunked(mut stream: TcpStream, seen: &Recorded) {
    let Some(head) = read_request(&mut stream, seen) else {
        return;
    };
    let mut body = Vec::new();
    if !String::from_utf8_lossy(&head).contains("Transfer-Encoding: chunked") {
        body.extend_from_slice(b"0\r\n\r\n");
    }
    let mut byte = [0u8; 1];
    while !body.ends_with(b"0\r\n\r\n") {
        if stream.read(&mut byte).unwrap_or(0) == 0 {
            return;
        }
        body.push(byte[0]);
    }
    seen.add(&body);
    let _ = stream.write_all(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n",
    );
}

#[test]
fn chunked_bodies_are_re_encoded_both_ways() {
    let (origin, p) = one_origin(chunked);
    let port = origin.port();
    let answer = exchange(
        p.addr,
        format!(
            "POST http://allowed.test:{port}/ HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n\
             3;name=value\r\nabc\r\n0\r\nTrailer: x\r\n\r\n"
        )
        .as_bytes(),
    );
    assert_eq!(
        answer,
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
    );
    let seen = origin.received();
    assert!(
        seen.ends_with(
            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
        ),
        "{seen}"
    );
    // An HTTP/1.0 client gets the body decoded, and the end marked by closing.
    let answer = exchange(
        p.addr,
        format!("POST http://allowed.test:{port}/ HTTP/1.0\r\nContent-Length: 0\r\n\r\n")
            .as_bytes(),
    );
    assert_eq!(
        answer,
        "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nhello world"
    );
}

#[test]
fn an_unreachable_allowed_destination_is_a_502_naming_it() {
    let p = proxy(Setup {
        allow: &["down.test", "unknown.test"],
        cidrs: &["127.0.0.1"],
        hosts: &[("down.test", localhost())],
        ..Setup::default()
    });
    // A port nothing listens on: bind one, note it, close it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let answer = exchange(
        p.addr,
        format!("GET http://down.test:{port}/ HTTP/1.1\r\n\r\n").as_bytes(),
    );
    assert!(
        answer.starts_with("HTTP/1.1 502 Bad Gateway\r\n"),
        "{answer}"
    );
    assert!(
        answer.contains(&format!(
            "down.test:{port}: cannot connect to 127.0.0.1:{port}"
        )),
        "{answer}"
    );
    let answer = exchange(p.addr, b"GET http://unknown.test/ HTTP/1.1\r\n\r\n");
    assert!(
        answer.contains("unknown.test:80: cannot resolve unknown.test"),
        "{answer}"
    );
    let summary = p.finish();
    assert_eq!((summary.allowed, summary.failed), (0, 2));
}

/// Origin: answers `Expect: 100-continue` before reading the body, then echoes its length.
fn expecting(mut stream: TcpStream, seen: &Recorded) {
    let Some(head) = read_head(&mut stream) else {
        return;
    };
    seen.add(&head);
    let _ = stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
    let mut body = [0u8; 4];
    if stream.read_exact(&mut body).is_ok() {
        seen.add(&body);
        let _ = stream.write_all(b"HTTP/1.1 201 Created\r\nContent-Length: 4\r\n\r\ngot4");
    }
}

#[test]
fn a_client_waiting_for_100_continue_gets_it_before_sending_its_body() {
    let (origin, p) = one_origin(expecting);
    let mut client = TcpStream::connect(p.addr).unwrap();
    client.set_read_timeout(Some(PATIENCE)).unwrap();
    write!(
        client,
        "PUT http://allowed.test:{}/f HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n",
        origin.port()
    )
    .unwrap();
    // The body is sent only once the interim response has come through the proxy.
    let interim = String::from_utf8(read_head(&mut client).unwrap()).unwrap();
    assert_eq!(interim, "HTTP/1.1 100 Continue\r\n\r\n");
    client.write_all(b"data").unwrap();
    let head = String::from_utf8(read_head(&mut client).unwrap()).unwrap();
    assert!(head.starts_with("HTTP/1.1 201 Created\r\n"), "{head}");
    let mut body = [0u8; 4];
    client.read_exact(&mut body).unwrap();
    assert_eq!(&body, b"got4");
    assert!(origin.received().ends_with("\r\n\r\ndata"));
}

/// Origin: answers HEAD with the length of a body it does not send.
fn head_only(mut stream: TcpStream, seen: &Recorded) {
    if read_request(&mut stream, seen).is_some() {
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 12345\r\n\r\n");
    }
}

#[test]
fn a_head_response_keeps_its_length_and_the_connection_goes_on() {
    let (origin, p) = one_origin(head_only);
    let mut client = TcpStream::connect(p.addr).unwrap();
    client.set_read_timeout(Some(PATIENCE)).unwrap();
    for _ in 0..2 {
        write!(
            client,
            "HEAD http://allowed.test:{}/ HTTP/1.1\r\n\r\n",
            origin.port()
        )
        .unwrap();
        let head = String::from_utf8(read_head(&mut client).unwrap()).unwrap();
        assert_eq!(head, "HTTP/1.1 200 OK\r\nContent-Length: 12345\r\n\r\n");
    }
    assert_eq!(origin.connections(), 2);
}
