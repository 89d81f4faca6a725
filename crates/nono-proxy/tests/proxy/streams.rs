//! Long and wide traffic: many connections at once, a large transfer, WebSocket upgrades
//! (forwarded and tunnelled) and an event stream that stays open.

use crate::common::*;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

fn setup() -> Running {
    proxy(Setup {
        allow: &["stream.test"],
        cidrs: &["127.0.0.1"],
        hosts: &[("stream.test", localhost())],
        ..Setup::default()
    })
}

#[test]
fn a_hundred_concurrent_tunnels_each_get_their_own_bytes_back() {
    let origin = Origin::start(echo);
    let p = setup();
    let target = format!("stream.test:{}", origin.port());
    // Open all hundred before any of them talks, so they are really concurrent.
    let tunnels: Vec<TcpStream> = (0..100)
        .map(|_| connect(p.addr, &target).1.expect("tunnel"))
        .collect();
    let threads: Vec<_> = tunnels
        .into_iter()
        .enumerate()
        .map(|(i, mut t)| {
            std::thread::spawn(move || {
                let message = format!("message {i} ").repeat(100);
                round_trip(&mut t, message.as_bytes()) == message.as_bytes()
            })
        })
        .collect();
    assert!(threads.into_iter().all(|t| t.join().unwrap()));
    assert_eq!(origin.connections(), 100);
    assert_eq!(p.finish().allowed, 100);
}

/// Origin: sends 32 MiB of a known pattern after the request.
fn bulk(mut stream: TcpStream, seen: &Recorded) {
    if read_request(&mut stream, seen).is_none() {
        return;
    }
    let _ = write!(stream, "HTTP/1.1 200 OK\r\nContent-Length: {BULK}\r\n\r\n");
    let block = pattern_block();
    for _ in 0..BULK / block.len() {
        if stream.write_all(&block).is_err() {
            return;
        }
    }
}

const BULK: usize = 32 << 20;

fn pattern_block() -> Vec<u8> {
    (0..64 * 1024).map(|i| (i % 251) as u8).collect()
}

fn read_bulk(stream: &mut TcpStream) {
    let head = String::from_utf8(read_head(stream).unwrap()).unwrap();
    assert!(
        head.contains(&format!("Content-Length: {BULK}\r\n")),
        "{head}"
    );
    let block = pattern_block();
    let mut buf = vec![0u8; block.len()];
    for _ in 0..BULK / block.len() {
        stream.read_exact(&mut buf).unwrap();
        assert!(buf == block, "the bytes changed on the way");
    }
}

/// The same request for `path`, once forwarded (absolute form) and once through a `CONNECT`
/// tunnel: every stream test runs both ways.
fn both_ways(p: &Running, port: u16, path: &str, headers: &str) -> [TcpStream; 2] {
    let mut forwarded = TcpStream::connect(p.addr).unwrap();
    forwarded.set_read_timeout(Some(PATIENCE)).unwrap();
    write!(
        forwarded,
        "GET http://stream.test:{port}{path} HTTP/1.1\r\nHost: stream.test\r\n{headers}\r\n"
    )
    .unwrap();
    let (head, tunnel) = connect(p.addr, &format!("stream.test:{port}"));
    let mut tunnel = tunnel.unwrap_or_else(|| panic!("{head}"));
    write!(
        tunnel,
        "GET {path} HTTP/1.1\r\nHost: stream.test\r\n{headers}\r\n"
    )
    .unwrap();
    [forwarded, tunnel]
}

#[test]
fn a_large_transfer_arrives_whole_forwarded_and_tunnelled() {
    let origin = Origin::start(bulk);
    let p = setup();
    for mut stream in both_ways(&p, origin.port(), "/big", "") {
        read_bulk(&mut stream);
    }
}

/// Origin: answers an `Upgrade: websocket` request with 101, then echoes frames (bytes).
fn websocket(mut stream: TcpStream, seen: &Recorded) {
    let Some(head) = read_request(&mut stream, seen) else {
        return;
    };
    let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
    if !(head.contains("upgrade: websocket") && head.contains("connection: upgrade")) {
        let _ = stream.write_all(b"HTTP/1.1 426 Upgrade Required\r\nContent-Length: 0\r\n\r\n");
        return;
    }
    let _ = stream.write_all(
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
          Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n",
    );
    echo(stream, seen);
}

const UPGRADE: &str = "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\
                       Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";

fn speak_websocket(stream: &mut TcpStream) {
    let head = String::from_utf8(read_head(stream).unwrap()).unwrap();
    assert!(
        head.starts_with("HTTP/1.1 101 Switching Protocols\r\n"),
        "{head}"
    );
    assert!(head.contains("Upgrade: websocket\r\n"), "{head}");
    // A masked text frame "hi", then a larger binary one: bytes are bytes to the proxy.
    let frame = [0x81, 0x82, 1, 2, 3, 4, b'h' ^ 1, b'i' ^ 2];
    assert_eq!(round_trip(stream, &frame), frame);
    let big = vec![7u8; 200_000];
    assert_eq!(round_trip(stream, &big), big);
}

#[test]
fn a_websocket_upgrade_works_through_forwarding_and_through_connect() {
    let origin = Origin::start(websocket);
    let p = setup();
    for mut stream in both_ways(&p, origin.port(), "/ws", UPGRADE) {
        speak_websocket(&mut stream);
    }
    // The forwarded upgrade reached the origin with the headers the proxy wrote.
    let seen = origin.received();
    assert!(
        seen.contains("Connection: upgrade\r\nUpgrade: websocket\r\n\r\n"),
        "{seen}"
    );
}

/// Origin: an event stream, chunked: one event now, another a little later, then it stays
/// open without ending the body.
fn events(mut stream: TcpStream, seen: &Recorded) {
    if read_request(&mut stream, seen).is_none() {
        return;
    }
    let _ = stream.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n\
          d\r\ndata: first\n\n\r\n",
    );
    std::thread::sleep(Duration::from_millis(300));
    let _ = stream.write_all(b"e\r\ndata: second\n\n\r\n");
    std::thread::sleep(Duration::from_secs(3));
}

/// Reads until `needle` has arrived.
fn read_until(stream: &mut TcpStream, needle: &str) {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&seen).contains(needle) {
        let n = stream.read(&mut buf).unwrap();
        assert!(n > 0, "the stream ended before {needle:?}");
        seen.extend_from_slice(&buf[..n]);
    }
}

#[test]
fn an_event_stream_is_relayed_as_it_comes_and_stays_open() {
    let origin = Origin::start(events);
    let p = setup();
    let [mut forwarded, mut tunnel] = both_ways(
        &p,
        origin.port(),
        "/events",
        "Accept: text/event-stream\r\n",
    );
    for stream in [&mut forwarded, &mut tunnel] {
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        let head = String::from_utf8(read_head(stream).unwrap()).unwrap();
        assert!(
            head.contains("Content-Type: text/event-stream\r\n"),
            "{head}"
        );
        // The first event arrives before the second is even sent.
        read_until(stream, "data: first\n\n\r\n");
    }
    for stream in [&mut forwarded, &mut tunnel] {
        read_until(stream, "data: second\n\n\r\n");
        // And then the stream stays open: a read waits instead of seeing the end.
        stream
            .set_read_timeout(Some(Duration::from_millis(500)))
            .unwrap();
        let mut buf = [0u8; 16];
        let err = stream.read(&mut buf).unwrap_err();
        assert!(
            matches!(
                err.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ),
            "{err}"
        );
    }
}
