//! Applies the plan's Seatbelt profile to the calling process. From then on the process and
//! everything it executes are confined, and nothing, nono included, can lift the sandbox.

use crate::error::{Error, Result};
use crate::plan::Plan;
use std::ffi::{c_char, c_int, CStr, CString};

extern "C" {
    /// libsystem_sandbox (part of libSystem): compiles `profile` and applies it to the calling
    /// process. With `flags` 0 the profile is SBPL source text. On failure it returns non-zero
    /// and stores a message in `*errorbuf`, to be released with `sandbox_free_error`.
    fn sandbox_init(profile: *const c_char, flags: u64, errorbuf: *mut *mut c_char) -> c_int;
    fn sandbox_free_error(errorbuf: *mut c_char);
}

/// Confines this process to `plan`. On error nothing has been exec'd and the caller must exit
/// without running the program.
pub fn apply(plan: &Plan) -> Result<()> {
    let text = super::profile(plan)?;
    hygiene(&plan.keep_fds)?;
    let profile = CString::new(text)
        .map_err(|_| Error::refused("the Seatbelt profile contains a NUL byte"))?;
    let mut errorbuf: *mut c_char = std::ptr::null_mut();
    // SAFETY: `profile` is a NUL-terminated string alive for the whole call and `errorbuf` is
    // a valid place for sandbox_init to store its message pointer.
    let status = unsafe { sandbox_init(profile.as_ptr(), 0, &mut errorbuf) };
    if status == 0 {
        return Ok(());
    }
    let message = if errorbuf.is_null() {
        String::from("no reason given")
    } else {
        // SAFETY: on failure sandbox_init stores a NUL-terminated message that stays valid
        // until it is released, exactly once, by sandbox_free_error.
        let text = unsafe { CStr::from_ptr(errorbuf) }
            .to_string_lossy()
            .into_owned();
        // SAFETY: `errorbuf` came from sandbox_init and is not used after this.
        unsafe { sandbox_free_error(errorbuf) };
        text
    };
    let one_line: String = message
        .trim()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    Err(Error::refused(format!(
        "Seatbelt refused the sandbox profile: {one_line}"
    )))
}

/// The process hygiene of the Linux backend that macOS allows: core dumps off, and every
/// descriptor above 2 closed at exec except those passed with `--keep-fd`.
fn hygiene(keep: &[i32]) -> Result<()> {
    let zero = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: setrlimit reads the struct only.
    if unsafe { libc::setrlimit(libc::RLIMIT_CORE, &zero) } != 0 {
        return Err(Error::refused("cannot disable core dumps"));
    }
    // SAFETY: getdtablesize cannot fail.
    let limit = unsafe { libc::getdtablesize() }.clamp(3, 65_536);
    for fd in 3..limit {
        // SAFETY: fcntl on a descriptor number; a closed one just fails with EBADF.
        unsafe {
            if libc::fcntl(fd, libc::F_GETFD) < 0 {
                if keep.contains(&fd) {
                    return Err(Error::refused(format!(
                        "--keep-fd {fd}: not an open descriptor"
                    )));
                }
                continue;
            }
            let flags = if keep.contains(&fd) {
                0
            } else {
                libc::FD_CLOEXEC
            };
            libc::fcntl(fd, libc::F_SETFD, flags);
        }
    }
    Ok(())
}
