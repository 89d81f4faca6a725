//! Tunnels without copying: on Linux, bytes move socket -> pipe -> socket with `splice(2)`,
//! so the kernel hands pages along instead of copying them into the proxy and back out. A
//! copying proxy does twice the work of a direct connection and, on a small machine, halves
//! the throughput; splicing keeps a tunnel close to a direct connection.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use tokio::io::Interest;
use tokio::net::TcpStream;

/// Most bytes moved by one `splice` call, and the pipe size asked for. Measured on loopback
/// (bench/proxy.sh, docs/benchmarks.md): 256 KiB moves a bulk transfer faster than 1 MiB or
/// 64-128 KiB. Pages a larger pipe holds go cold in the cache before the receiver copies
/// them out; a smaller one means more calls and wake-ups per megabyte.
const CHUNK: usize = 256 << 10;

/// Moves bytes both ways between `a` and `b` until each side has closed its sending half,
/// passing each close on. Returns when both directions are done or one fails.
pub(crate) async fn tunnel(a: &TcpStream, b: &TcpStream) {
    let forward = async {
        let _ = one_way(a, b).await;
        shutdown_write(b);
    };
    let backward = async {
        let _ = one_way(b, a).await;
        shutdown_write(a);
    };
    tokio::join!(forward, backward);
}

/// Moves bytes from `from` to `to` until `from` reaches its end.
async fn one_way(from: &TcpStream, to: &TcpStream) -> io::Result<()> {
    let (pipe_r, pipe_w) = pipe()?;
    loop {
        let mut in_pipe = loop {
            from.readable().await?;
            match from.try_io(Interest::READABLE, || {
                splice(from.as_raw_fd(), pipe_w.as_raw_fd(), CHUNK)
            }) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                Err(e) => return Err(e),
            }
        };
        if in_pipe == 0 {
            return Ok(());
        }
        while in_pipe > 0 {
            to.writable().await?;
            match to.try_io(Interest::WRITABLE, || {
                splice(pipe_r.as_raw_fd(), to.as_raw_fd(), in_pipe)
            }) {
                Ok(n) => in_pipe -= n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

fn splice(from: RawFd, to: RawFd, len: usize) -> io::Result<usize> {
    // SAFETY: both descriptors are open for the duration of the call (borrowed from live
    // owners) and null offsets mean "the current position", as sockets and pipes require.
    let n = unsafe {
        libc::splice(
            from,
            std::ptr::null_mut(),
            to,
            std::ptr::null_mut(),
            len,
            libc::SPLICE_F_MOVE | libc::SPLICE_F_NONBLOCK,
        )
    };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(n as usize)
}

/// A non-blocking pipe, enlarged when the system allows it (fewer calls per megabyte).
fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: fds has room for the two descriptors pipe2 writes.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) } < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: pipe2 succeeded, so both are fresh descriptors that nothing else owns.
    let (r, w) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    // SAFETY: a plain fcntl on a descriptor we own; failure (a lower pipe-max-size) is fine.
    unsafe { libc::fcntl(w.as_raw_fd(), libc::F_SETPIPE_SZ, CHUNK as libc::c_int) };
    Ok((r, w))
}

fn shutdown_write(stream: &TcpStream) {
    // SAFETY: shutdown on a socket we hold a reference to; errors (already closed) are moot.
    unsafe { libc::shutdown(stream.as_raw_fd(), libc::SHUT_WR) };
}
