//! seccomp user notification, the plumbing of the name guard: a second filter, installed by
//! the program on itself just before exec, hands every call that creates, links or renames a
//! name to the sandbox's init (which holds the listener), and waits for its answer.
//!
//! The init then acts itself (see `guard`) and answers with the result, or with a new
//! descriptor installed in the program (`SECCOMP_IOCTL_NOTIF_ADDFD`). It never lets the kernel
//! continue the call: the kernel would read the path from the program's memory a second time,
//! after the check, and a second thread could have changed it meanwhile.

use crate::error::{Error, Result};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

/// The calls the guard answers, with the argument holding their flags when only some flags
/// create (`open`'s `O_CREAT`): `(number, flags argument)`.
pub(super) fn mediated() -> Vec<(libc::c_long, Option<u32>)> {
    let mut calls = vec![
        (libc::SYS_openat, Some(2)),
        (libc::SYS_openat2, None),
        (libc::SYS_mkdirat, None),
        (libc::SYS_mknodat, None),
        (libc::SYS_symlinkat, None),
        (libc::SYS_linkat, None),
        (libc::SYS_renameat2, None),
        // A narrower Landlock sandbox inside the run: refused (see `guard`).
        (libc::SYS_landlock_restrict_self, None),
    ];
    #[cfg(target_arch = "x86_64")]
    calls.extend([
        (libc::SYS_open, Some(1)),
        (libc::SYS_creat, None),
        (libc::SYS_mkdir, None),
        (libc::SYS_mknod, None),
        (libc::SYS_symlink, None),
        (libc::SYS_link, None),
        (libc::SYS_rename, None),
        (libc::SYS_renameat, None),
    ]);
    calls
}

/// The notification filter: mediated calls go to the listener, everything else is allowed
/// (the base filter, installed before, still decides about those). A binary search over the
/// call numbers, as the base filter: the kernel runs the filter for every call number when
/// it is installed (to cache the calls it always allows), and each comparison on the way
/// costs at every number.
pub(super) fn program() -> Vec<libc::sock_filter> {
    use super::seccomp::{arg_low, search, Program, JSET_K, RET_ALLOW};
    let notify = libc::SECCOMP_RET_USER_NOTIF;
    let mut cases = vec![(
        // A filter with a listener of the program's own would take precedence over this
        // one and could answer "continue" to every creation: refused (the kernel refuses a
        // second listener in one chain too, with EBUSY; this says so plainly, and holds if
        // it changes).
        libc::SYS_seccomp as u32,
        Program::block(|b| {
            b.load(arg_low(1));
            b.op(JSET_K, libc::SECCOMP_FILTER_FLAG_NEW_LISTENER as u32, 0, 1);
            b.ret(libc::SECCOMP_RET_ERRNO | libc::EPERM as u32);
            b.ret(RET_ALLOW);
        }),
    )];
    for (nr, flags) in mediated() {
        cases.push((
            nr as u32,
            Program::block(|b| match flags {
                // Only a call that creates: open's O_CREAT.
                Some(arg) => {
                    b.load(arg_low(arg));
                    b.op(JSET_K, libc::O_CREAT as u32, 0, 1);
                    b.ret(notify);
                    b.ret(RET_ALLOW);
                }
                None => b.ret(notify),
            }),
        ));
    }
    cases.sort_by_key(|c| c.0);
    let mut p = Program::default();
    p.load(super::seccomp::OFFSET_NR);
    match search(&cases) {
        Some(tree) => p.0.extend(tree),
        // Unreachable with this table (the tests check it): every mediated call goes to the
        // init rather than a filter with a broken jump.
        None => p.ret(notify),
    }
    p.0
}

/// Installs the notification filter on this process and returns its listener. The base
/// filter and `no_new_privs` are already in place.
pub fn install() -> Result<OwnedFd> {
    let filter = program();
    let prog = libc::sock_fprog {
        len: filter.len() as u16,
        filter: filter.as_ptr().cast_mut(),
    };
    // Once the init has taken a call, only a fatal signal interrupts the wait for its answer
    // (Linux 5.19): a restarted call would otherwise be carried out twice.
    let mut flags =
        libc::SECCOMP_FILTER_FLAG_NEW_LISTENER | libc::SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
    loop {
        // SAFETY: `prog` points at `filter`, which outlives the call; the kernel copies it.
        let fd = unsafe {
            libc::syscall(
                libc::SYS_seccomp,
                libc::SECCOMP_SET_MODE_FILTER,
                flags,
                &prog as *const libc::sock_fprog,
            )
        };
        if fd >= 0 {
            // SAFETY: the kernel just returned this descriptor to us.
            return Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) });
        }
        let e = std::io::Error::last_os_error();
        if e.raw_os_error() == Some(libc::EINVAL)
            && flags & libc::SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV != 0
        {
            flags &= !libc::SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
            continue;
        }
        return Err(Error::refused(format!(
            "cannot install the name guard's filter: {e}"
        )));
    }
}

/// One call waiting for the init's answer.
pub struct Request(pub libc::seccomp_notif);

impl Request {
    /// Waits for the next call on `listener`. `None` once the program has gone (or on a
    /// call that ended before it could be read).
    pub fn receive(listener: &OwnedFd) -> std::io::Result<Request> {
        // SAFETY: seccomp_notif is plain data; the kernel requires it zeroed.
        let mut req: libc::seccomp_notif = unsafe { std::mem::zeroed() };
        // SAFETY: the ioctl fills the struct.
        let ret = unsafe {
            libc::ioctl(
                listener.as_raw_fd(),
                libc::SECCOMP_IOCTL_NOTIF_RECV,
                &mut req,
            )
        };
        if ret < 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(Request(req))
    }

    /// The call's arguments.
    pub fn args(&self) -> [u64; 6] {
        self.0.data.args
    }

    /// Whether the call is still waiting (its thread alive): checked after reading its
    /// memory, so that what was read belongs to this call.
    pub fn valid(&self, listener: &OwnedFd) -> bool {
        let id = self.0.id;
        // SAFETY: the ioctl reads one u64.
        unsafe {
            libc::ioctl(
                listener.as_raw_fd(),
                libc::SECCOMP_IOCTL_NOTIF_ID_VALID,
                &id,
            ) == 0
        }
    }

    /// Answers with a result (`Ok(value)`) or an errno.
    pub fn answer(&self, listener: &OwnedFd, result: std::result::Result<i64, i32>) {
        // SAFETY: seccomp_notif_resp is plain data.
        let mut resp: libc::seccomp_notif_resp = unsafe { std::mem::zeroed() };
        resp.id = self.0.id;
        match result {
            Ok(val) => resp.val = val,
            Err(errno) => resp.error = -errno,
        }
        // SAFETY: the ioctl reads the struct. A call whose thread died is answered in vain.
        unsafe { libc::ioctl(listener.as_raw_fd(), libc::SECCOMP_IOCTL_NOTIF_SEND, &resp) };
    }

    /// Answers by installing `fd` in the calling process as the call's result.
    pub fn answer_fd(&self, listener: &OwnedFd, fd: &OwnedFd, cloexec: bool) {
        // SAFETY: seccomp_notif_addfd is plain data.
        let mut add: libc::seccomp_notif_addfd = unsafe { std::mem::zeroed() };
        add.id = self.0.id;
        add.flags = libc::SECCOMP_ADDFD_FLAG_SEND as u32;
        add.srcfd = fd.as_raw_fd() as u32;
        add.newfd_flags = if cloexec { libc::O_CLOEXEC as u32 } else { 0 };
        // SAFETY: the ioctl reads the struct.
        let ret =
            unsafe { libc::ioctl(listener.as_raw_fd(), libc::SECCOMP_IOCTL_NOTIF_ADDFD, &add) };
        if ret < 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::EINVAL) {
            // Before Linux 5.14 there is no SEND: install, then answer with the number.
            add.flags = 0;
            // SAFETY: as above.
            let newfd =
                unsafe { libc::ioctl(listener.as_raw_fd(), libc::SECCOMP_IOCTL_NOTIF_ADDFD, &add) };
            let result = if newfd < 0 {
                Err(std::io::Error::last_os_error()
                    .raw_os_error()
                    .unwrap_or(libc::EIO))
            } else {
                Ok(i64::from(newfd))
            };
            self.answer(listener, result);
        }
    }
}

/// Reads a NUL-terminated string (at most 4096 bytes) at `addr` in process `pid`, page by page
/// (a read may not cross into an unmapped page).
pub fn read_string(pid: u32, addr: u64) -> std::result::Result<Vec<u8>, i32> {
    use std::os::unix::fs::FileExt;
    let mem = std::fs::File::open(format!("/proc/{pid}/mem")).map_err(|_| libc::EFAULT)?;
    let mut out = Vec::new();
    let mut at = addr;
    while out.len() < 4096 {
        let to_page_end = 4096 - (at % 4096) as usize;
        let mut buf = vec![0u8; to_page_end.min(4096 - out.len())];
        let n = mem.read_at(&mut buf, at).map_err(|_| libc::EFAULT)?;
        if n == 0 {
            return Err(libc::EFAULT);
        }
        if let Some(end) = buf[..n].iter().position(|b| *b == 0) {
            out.extend_from_slice(&buf[..end]);
            return Ok(out);
        }
        out.extend_from_slice(&buf[..n]);
        at += n as u64;
    }
    Err(libc::ENAMETOOLONG)
}

/// Reads `len` bytes at `addr` in process `pid` (a struct argument, e.g. `open_how`).
pub fn read_bytes(pid: u32, addr: u64, len: usize) -> std::result::Result<Vec<u8>, i32> {
    use std::os::unix::fs::FileExt;
    let mem = std::fs::File::open(format!("/proc/{pid}/mem")).map_err(|_| libc::EFAULT)?;
    let mut buf = vec![0u8; len];
    mem.read_exact_at(&mut buf, addr)
        .map_err(|_| libc::EFAULT)?;
    Ok(buf)
}
