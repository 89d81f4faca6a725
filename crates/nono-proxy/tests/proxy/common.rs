//! A proxy on a thread, origins that record what reaches them, and raw clients.

use nono::egress::EgressPolicy;
use nono_proxy::{Config, Limits, Proxy, Resolver, Stop, Summary};
use std::io::{Read, Write};
use std::net::{IpAddr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// Longest any client read waits: a hung proxy fails the test instead of hanging it.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// A running proxy.
pub struct Running {
    pub addr: SocketAddr,
    stop: Stop,
    thread: JoinHandle<Result<Summary, String>>,
}

impl Running {
    /// Stops the proxy and returns its summary.
    pub fn finish(self) -> Summary {
        self.stop.stop();
        self.thread.join().unwrap().unwrap()
    }
}

/// Rules as flags give them, and the names the resolver knows.
#[derive(Default)]
pub struct Setup<'a> {
    pub allow: &'a [&'a str],
    pub deny: &'a [&'a str],
    pub cidrs: &'a [&'a str],
    pub hosts: &'a [(&'a str, IpAddr)],
    pub limits: Option<Limits>,
    pub log: Option<SharedLog>,
}

pub fn proxy(setup: Setup) -> Running {
    let policy = EgressPolicy::from_flags(setup.allow, setup.deny, setup.cidrs).unwrap();
    let mut config = Config::new(policy);
    let mut table: Vec<(&str, Vec<IpAddr>)> = Vec::new();
    for (name, ip) in setup.hosts {
        match table.iter_mut().find(|(n, _)| n == name) {
            Some((_, ips)) => ips.push(*ip),
            None => table.push((name, vec![*ip])),
        }
    }
    config.resolver = Resolver::fixed(table);
    if let Some(limits) = setup.limits {
        config.limits = limits;
    }
    if let Some(log) = setup.log {
        config.log = Some(Box::new(log));
    }
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let stop = Stop::new();
    let handle = stop.clone();
    let thread = std::thread::spawn(move || Proxy::new(config).serve(vec![listener], handle));
    Running { addr, stop, thread }
}

/// A log writer whose bytes the test can read.
#[derive(Clone, Default)]
pub struct SharedLog(pub Arc<Mutex<Vec<u8>>>);

impl Write for SharedLog {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What an origin does with one accepted connection; it records what it reads itself.
pub type Handler = fn(TcpStream, &Recorded);

/// Everything an origin read, across its connections.
#[derive(Clone, Default)]
pub struct Recorded {
    pub bytes: Arc<Mutex<Vec<u8>>>,
    pub connections: Arc<AtomicUsize>,
}

impl Recorded {
    pub fn add(&self, bytes: &[u8]) {
        self.bytes.lock().unwrap().extend_from_slice(bytes);
    }
}

/// A listener on loopback standing in for a remote host.
pub struct Origin {
    pub addr: SocketAddr,
    pub seen: Recorded,
}

impl Origin {
    pub fn start(handler: Handler) -> Origin {
        Origin::at(SocketAddr::new(localhost(), 0), handler)
    }

    pub fn at(addr: SocketAddr, handler: Handler) -> Origin {
        let listener = TcpListener::bind(addr).unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Recorded::default();
        let recorded = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                recorded.connections.fetch_add(1, Ordering::SeqCst);
                let recorded = recorded.clone();
                std::thread::spawn(move || {
                    stream.set_read_timeout(Some(PATIENCE)).unwrap();
                    handler(stream, &recorded)
                });
            }
        });
        Origin { addr, seen }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// What reached this origin so far (after a moment for bytes in flight).
    pub fn received(&self) -> String {
        std::thread::sleep(Duration::from_millis(50));
        String::from_utf8_lossy(&self.seen.bytes.lock().unwrap()).into_owned()
    }

    pub fn connections(&self) -> usize {
        std::thread::sleep(Duration::from_millis(50));
        self.seen.connections.load(Ordering::SeqCst)
    }
}

/// Reads one request head and its `Content-Length` body, recording both.
pub fn read_request(stream: &mut TcpStream, seen: &Recorded) -> Option<Vec<u8>> {
    let head = read_head(stream)?;
    seen.add(&head);
    let text = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let length = text
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    stream.read_exact(&mut body).ok()?;
    seen.add(&body);
    Some(head)
}

/// Reads up to and including the empty line that ends a head.
pub fn read_head(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return None,
        }
    }
    Some(head)
}

/// Origin: answers one request with `200` and the body `hello from origin`.
pub fn hello(mut stream: TcpStream, seen: &Recorded) {
    if read_request(&mut stream, seen).is_some() {
        let _ = stream.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Length: 17\r\nConnection: close\r\n\r\nhello from origin",
        );
    }
}

/// Origin: echoes every byte back, recording it.
pub fn echo(mut stream: TcpStream, seen: &Recorded) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                seen.add(&buf[..n]);
                if stream.write_all(&buf[..n]).is_err() {
                    return;
                }
            }
        }
    }
}

/// Sends `request`, closes the sending side, and returns everything the proxy answers.
pub fn exchange(proxy: SocketAddr, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(proxy).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream.write_all(request).unwrap();
    let _ = stream.shutdown(Shutdown::Write);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

/// `CONNECT target`: the proxy's answer head, and the tunnel if it said 200.
pub fn connect(proxy: SocketAddr, target: &str) -> (String, Option<TcpStream>) {
    let mut stream = TcpStream::connect(proxy).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    write!(
        stream,
        "CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n"
    )
    .unwrap();
    let head = String::from_utf8_lossy(&read_head(&mut stream).unwrap_or_default()).into_owned();
    if head.starts_with("HTTP/1.1 200 ") {
        (head, Some(stream))
    } else {
        let mut rest = Vec::new();
        let _ = stream.read_to_end(&mut rest);
        (head + &String::from_utf8_lossy(&rest), None)
    }
}

/// Sends `message` through an echoing tunnel and returns what comes back.
pub fn round_trip(tunnel: &mut TcpStream, message: &[u8]) -> Vec<u8> {
    tunnel.write_all(message).unwrap();
    let mut back = vec![0; message.len()];
    tunnel.read_exact(&mut back).unwrap();
    back
}

pub fn localhost() -> IpAddr {
    "127.0.0.1".parse().unwrap()
}
