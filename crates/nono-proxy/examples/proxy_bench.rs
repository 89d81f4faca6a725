//! Benchmark of the egress proxy on loopback, against the same traffic sent directly:
//! throughput of a large transfer, the latency a new connection pays, 100 concurrent
//! connections, and the proxy's own start-up. Run by `bench/proxy.sh`; not a test.
//!
//! `cargo run --release -p nono-proxy --example proxy_bench [MEGABYTES] [ROUNDS]`
//!
//! Everything runs in this one process: the origins and clients on their own threads, the
//! proxy on one thread, as nono's supervisor runs it. CPU times come from the kernel's
//! per-process and per-thread clocks.

use nono::egress::EgressPolicy;
use nono_proxy::{Config, Proxy, Resolver, Stop};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args().skip(1);
    let megabytes: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(7);
    let bulk = bulk_origin(megabytes << 20);
    let echo = echo_origin();
    let (proxy, proxy_clock) = start_proxy();

    println!("## Throughput: {megabytes} MB on loopback, median of {rounds} interleaved rounds\n");
    println!("| path | MB/s | of direct | CPU per transfer, all threads | of which the proxy |");
    println!("|---|---:|---:|---:|---:|");
    // Rounds interleave the paths, so that a change in the machine's load hits each. The
    // last is a reference, not nono: the least any relay over a second TCP connection does
    // (a thread per direction, blocking splice, no parsing, no event loop).
    let relay = splice_relay(bulk);
    let paths = [
        ("direct", None, Path::Direct),
        ("CONNECT tunnel", Some(proxy), Path::Tunnel),
        ("plain HTTP forwarding", Some(proxy), Path::Forward),
        ("reference: bare splice relay", None, Path::Relay(relay)),
    ];
    let mut walls = vec![Vec::new(); paths.len()];
    let mut cpus = vec![(0.0, 0.0); paths.len()];
    for _ in 0..rounds {
        for (k, (_, via, path)) in paths.iter().enumerate() {
            let (all, own) = (
                cpu_seconds(libc::CLOCK_PROCESS_CPUTIME_ID),
                cpu_seconds(proxy_clock),
            );
            walls[k].push(transfer(bulk, *via, *path));
            cpus[k].0 += cpu_seconds(libc::CLOCK_PROCESS_CPUTIME_ID) - all;
            cpus[k].1 += cpu_seconds(proxy_clock) - own;
        }
    }
    let secs: Vec<f64> = walls.into_iter().map(median).collect();
    for (k, (what, via, _)) in paths.iter().enumerate() {
        let per = |t: f64| t / rounds as f64 * 1e3;
        println!(
            "| {what} | {:.0} | {:.1} % | {:.0} ms | {} |",
            (megabytes as f64) * 1.048_576 / secs[k],
            100.0 * secs[0] / secs[k],
            per(cpus[k].0),
            via.map_or("—".to_string(), |_| format!("{:.0} ms", per(cpus[k].1))),
        );
    }

    println!("\n## Latency, concurrency, start-up\n");
    println!("| measurement | direct | through the proxy | added |");
    println!("|---|---:|---:|---:|");
    let samples = 2000;
    let direct = median((0..samples).map(|_| ping(echo, None)).collect());
    let tunnelled = median((0..samples).map(|_| ping(echo, Some(proxy))).collect());
    println!(
        "| new connection + 1-byte round trip (median of {samples}) | {:.3} ms | {:.3} ms | +{:.3} ms |",
        direct * 1e3,
        tunnelled * 1e3,
        (tunnelled - direct) * 1e3
    );
    let direct = median((0..samples).map(|_| get(echo, None)).collect());
    let forwarded = median((0..samples).map(|_| get(echo, Some(proxy))).collect());
    println!(
        "| new connection + small HTTP GET (median of {samples}) | {:.3} ms | {:.3} ms | +{:.3} ms |",
        direct * 1e3,
        forwarded * 1e3,
        (forwarded - direct) * 1e3
    );

    let (direct, ok_direct) = concurrent(echo, None);
    let (tunnelled, ok_tunnelled) = concurrent(echo, Some(proxy));
    println!(
        "| 100 concurrent connections, 64 KiB each way | {ok_direct}/100 in {:.1} ms | {ok_tunnelled}/100 in {:.1} ms | +{:.1} ms |",
        direct * 1e3,
        tunnelled * 1e3,
        (tunnelled - direct) * 1e3
    );

    let startup = median((0..200).map(|_| proxy_startup()).collect());
    println!(
        "| proxy start-up and shutdown (runtime, listener; median of 200) | — | {:.3} ms | +{:.3} ms |",
        startup * 1e3,
        startup * 1e3
    );
}

/// Starts the proxy on its own thread; returns its address and that thread's CPU clock.
fn start_proxy() -> (SocketAddr, libc::clockid_t) {
    use std::os::unix::thread::JoinHandleExt;
    let policy = EgressPolicy::from_flags(&["origin.test"], &[] as &[&str], &["127.0.0.1/32"])
        .expect("policy");
    let mut config = Config::new(policy);
    config.resolver = Resolver::fixed([("origin.test", vec!["127.0.0.1".parse().expect("ip")])]);
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let thread = std::thread::spawn(move || Proxy::new(config).serve(vec![listener], Stop::new()));
    let mut clock: libc::clockid_t = 0;
    // SAFETY: the thread is alive (it serves until the process ends); clock is written.
    let ok = unsafe { libc::pthread_getcpuclockid(thread.as_pthread_t(), &mut clock) };
    assert_eq!(ok, 0, "pthread_getcpuclockid");
    std::mem::forget(thread);
    (addr, clock)
}

/// CPU seconds a thread has used so far.
fn cpu_seconds(clock: libc::clockid_t) -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: t is a valid timespec to write into.
    unsafe { libc::clock_gettime(clock, &mut t) };
    t.tv_sec as f64 + t.tv_nsec as f64 * 1e-9
}

/// Builds a proxy's runtime and stops it at once: what a filtered run adds before the
/// program starts.
fn proxy_startup() -> f64 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let stop = Stop::new();
    stop.stop();
    let started = Instant::now();
    let _ = Proxy::new(Config::new(EgressPolicy::default())).serve(vec![listener], stop);
    started.elapsed().as_secs_f64()
}

/// An origin that answers every request head with `bytes` bytes.
fn bulk_origin(bytes: usize) -> SocketAddr {
    serve(move |mut s| {
        if read_head(&mut s).is_none() {
            return;
        }
        let _ = write!(s, "HTTP/1.1 200 OK\r\nContent-Length: {bytes}\r\n\r\n");
        let block = vec![7u8; 1 << 20];
        let mut left = bytes;
        while left > 0 {
            let n = left.min(block.len());
            if s.write_all(&block[..n]).is_err() {
                return;
            }
            left -= n;
        }
    })
}

/// An origin that echoes bytes, and answers a request head with a small response.
fn echo_origin() -> SocketAddr {
    serve(|mut s| {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match s.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) if buf[..n].starts_with(b"GET ") => {
                    let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                }
                Ok(n) => {
                    if s.write_all(&buf[..n]).is_err() {
                        return;
                    }
                }
            }
        }
    })
}

fn serve(handler: impl Fn(TcpStream) + Copy + Send + 'static) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let _ = stream.set_nodelay(true);
            std::thread::spawn(move || handler(stream));
        }
    });
    addr
}

/// A connection to `origin`, direct or through a `CONNECT` tunnel.
fn open(origin: SocketAddr, proxy: Option<SocketAddr>) -> TcpStream {
    let Some(proxy) = proxy else {
        let s = TcpStream::connect(origin).expect("connect");
        let _ = s.set_nodelay(true);
        return s;
    };
    let mut s = TcpStream::connect(proxy).expect("connect proxy");
    let _ = s.set_nodelay(true);
    write!(s, "CONNECT origin.test:{} HTTP/1.1\r\n\r\n", origin.port()).expect("write");
    let head = read_head(&mut s).expect("answer");
    assert!(head.starts_with(b"HTTP/1.1 200"), "CONNECT refused");
    s
}

/// How a transfer reaches the bulk origin.
#[derive(Clone, Copy)]
enum Path {
    Direct,
    Tunnel,
    Forward,
    Relay(SocketAddr),
}

/// A relay to `origin` that does as little as any can: per connection, a thread per direction
/// moving bytes with blocking `splice(2)` through a pipe of the proxy's size.
fn splice_relay(origin: SocketAddr) -> SocketAddr {
    use std::os::fd::AsRawFd;
    fn one_way(from: TcpStream, to: TcpStream) {
        let mut fds = [0; 2];
        // SAFETY: fds has room for the two descriptors pipe2 writes.
        assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
        // SAFETY: a plain fcntl on the pipe just made.
        unsafe { libc::fcntl(fds[1], libc::F_SETPIPE_SZ, 256 << 10) };
        let splice = |a: i32, b: i32, n: usize| {
            // SAFETY: both descriptors are open; null offsets for sockets and pipes.
            unsafe { libc::splice(a, std::ptr::null_mut(), b, std::ptr::null_mut(), n, 0) }
        };
        loop {
            let got = splice(from.as_raw_fd(), fds[1], 256 << 10);
            if got <= 0 {
                break;
            }
            let mut left = got as usize;
            while left > 0 {
                let sent = splice(fds[0], to.as_raw_fd(), left);
                if sent <= 0 {
                    return;
                }
                left -= sent as usize;
            }
        }
        let _ = to.shutdown(std::net::Shutdown::Write);
        // SAFETY: closing the pipe made above.
        unsafe { libc::close(fds[0]) };
        // SAFETY: as above.
        unsafe { libc::close(fds[1]) };
    }
    serve(move |client| {
        let Ok(upstream) = TcpStream::connect(origin) else {
            return;
        };
        let (c2, u2) = (
            client.try_clone().expect("clone"),
            upstream.try_clone().expect("clone"),
        );
        std::thread::spawn(move || one_way(c2, u2));
        one_way(upstream, client);
    })
}

/// Seconds to receive the bulk body.
fn transfer(origin: SocketAddr, proxy: Option<SocketAddr>, path: Path) -> f64 {
    let started = Instant::now();
    let mut s = match (proxy, path) {
        (_, Path::Relay(relay)) => {
            let mut s = TcpStream::connect(relay).expect("connect relay");
            s.write_all(b"GET / HTTP/1.1\r\n\r\n").expect("write");
            s
        }
        (Some(proxy), Path::Forward) => {
            let mut s = TcpStream::connect(proxy).expect("connect proxy");
            write!(
                s,
                "GET http://origin.test:{}/ HTTP/1.1\r\nConnection: close\r\n\r\n",
                origin.port()
            )
            .expect("write");
            s
        }
        _ => {
            let mut s = open(origin, proxy);
            s.write_all(b"GET / HTTP/1.1\r\n\r\n").expect("write");
            s
        }
    };
    let _ = read_head(&mut s).expect("head");
    let mut buf = vec![0u8; 256 * 1024];
    while s.read(&mut buf).map(|n| n > 0).unwrap_or(false) {}
    started.elapsed().as_secs_f64()
}

/// Seconds for a new connection and one byte there and back.
fn ping(origin: SocketAddr, proxy: Option<SocketAddr>) -> f64 {
    let started = Instant::now();
    let mut s = open(origin, proxy);
    s.write_all(b"x").expect("write");
    let mut byte = [0u8; 1];
    s.read_exact(&mut byte).expect("read");
    started.elapsed().as_secs_f64()
}

/// Seconds for a new connection and a small GET, direct or forwarded by the proxy.
fn get(origin: SocketAddr, proxy: Option<SocketAddr>) -> f64 {
    let started = Instant::now();
    let mut s = TcpStream::connect(proxy.unwrap_or(origin)).expect("connect");
    let _ = s.set_nodelay(true);
    let target = match proxy {
        Some(_) => format!("http://origin.test:{}/", origin.port()),
        None => "/".to_string(),
    };
    write!(s, "GET {target} HTTP/1.1\r\nHost: origin.test\r\n\r\n").expect("write");
    let head = read_head(&mut s).expect("head");
    assert!(head.starts_with(b"HTTP/1.1 200"));
    let mut body = [0u8; 2];
    s.read_exact(&mut body).expect("body");
    started.elapsed().as_secs_f64()
}

/// Seconds for 100 connections opened at once, each sending and receiving 64 KiB; and how
/// many succeeded.
fn concurrent(origin: SocketAddr, proxy: Option<SocketAddr>) -> (f64, usize) {
    let started = Instant::now();
    let threads: Vec<_> = (0..100)
        .map(|i| {
            std::thread::spawn(move || {
                let mut s = open(origin, proxy);
                s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
                let message = vec![i as u8; 64 * 1024];
                let writer = s.try_clone().ok()?;
                let sender = std::thread::spawn(move || {
                    let mut writer = writer;
                    writer.write_all(&message).is_ok()
                });
                let mut back = vec![0u8; 64 * 1024];
                s.read_exact(&mut back).ok()?;
                (sender.join().ok()? && back.iter().all(|b| *b == i as u8)).then_some(())
            })
        })
        .collect();
    let ok = threads
        .into_iter()
        .map(|t| t.join())
        .filter(|joined| matches!(joined, Ok(Some(()))))
        .count();
    (started.elapsed().as_secs_f64(), ok)
}

fn read_head(s: &mut TcpStream) -> Option<Vec<u8>> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match s.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return None,
        }
    }
    Some(head)
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}
