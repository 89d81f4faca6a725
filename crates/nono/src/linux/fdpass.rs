//! Handing descriptors between the processes of a run over a Unix socket pair (SCM_RIGHTS):
//! the name guard's listener from the program to the init, and the egress proxy's listening
//! sockets and `--publish`'s sockets from the init, inside the sandbox's network namespace,
//! to nono outside.

use super::sys::check;
use crate::error::{Error, Result};
use rustix::net::SendFlags;
use std::os::fd::{AsFd, FromRawFd, OwnedFd};

/// The most descriptors one message carries.
const MAX: usize = 4;

/// A connected pair of sequenced-packet sockets, both ends close-on-exec.
pub fn pair() -> Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: socketpair fills two descriptors.
    check(unsafe {
        libc::socketpair(
            libc::AF_UNIX,
            libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC,
            0,
            fds.as_mut_ptr(),
        )
    })
    .map_err(|e| Error::refused(format!("cannot create a socket pair: {e}")))?;
    // SAFETY: both descriptors were just created.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// Sends `fds` (at most four) over `socket` in one message; `what` names them in the error.
pub fn send(socket: &OwnedFd, fds: &[OwnedFd], what: &str) -> Result<()> {
    send_with(socket, fds, SendFlags::NOSIGNAL)
        .map_err(|e| Error::refused(format!("cannot hand over {what}: {e}")))
}

/// [`send`] that fails with `EAGAIN` rather than wait for room in the socket's buffer: for
/// the init, which must never block on nono outside. `fds` may be empty (a message without
/// descriptors, which [`receive`] reports as an error).
pub fn send_nowait(socket: &OwnedFd, fds: &[OwnedFd]) -> rustix::io::Result<()> {
    send_with(socket, fds, SendFlags::NOSIGNAL | SendFlags::DONTWAIT)
}

fn send_with(socket: &OwnedFd, fds: &[OwnedFd], flags: SendFlags) -> rustix::io::Result<()> {
    use rustix::net::{sendmsg, SendAncillaryBuffer, SendAncillaryMessage};
    let borrowed: Vec<_> = fds.iter().map(AsFd::as_fd).take(MAX).collect();
    let mut space = [std::mem::MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(MAX))];
    let mut control = SendAncillaryBuffer::new(&mut space);
    if !borrowed.is_empty() {
        control.push(SendAncillaryMessage::ScmRights(&borrowed));
    }
    sendmsg(socket, &[std::io::IoSlice::new(b"F")], &mut control, flags).map(|_| ())
}

/// Receives the descriptors of one [`send`]; an error if the other end closed without
/// sending any (it failed first, and says why elsewhere).
pub fn receive(socket: &OwnedFd, what: &str) -> Result<Vec<OwnedFd>> {
    use rustix::net::{recvmsg, RecvAncillaryBuffer, RecvAncillaryMessage, RecvFlags};
    let mut space = [std::mem::MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(MAX))];
    let mut control = RecvAncillaryBuffer::new(&mut space);
    let mut byte = [0u8; 1];
    recvmsg(
        socket,
        &mut [std::io::IoSliceMut::new(&mut byte)],
        &mut control,
        RecvFlags::CMSG_CLOEXEC,
    )
    .map_err(|e| Error::refused(format!("cannot receive {what}: {e}")))?;
    let mut received = Vec::new();
    for message in control.drain() {
        if let RecvAncillaryMessage::ScmRights(fds) = message {
            received.extend(fds);
        }
    }
    if received.is_empty() {
        return Err(Error::refused(format!("{what} never came")));
    }
    Ok(received)
}
