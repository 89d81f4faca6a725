//! The one error type: a message for the user and the exit status it maps to.

use std::borrow::Cow;
use std::fmt;

/// What went wrong, in the categories that decide nono's exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// Bad input or a protection the kernel cannot give: nothing was run (exit 125).
    Refused,
    /// The command exists but cannot be executed (exit 126).
    NotExecutable,
    /// The command was not found (exit 127).
    NotFound,
    /// The namespaces that hold the sandbox's view cannot be made here (exit 125); with
    /// `--allow-degraded` the run is planned again without them.
    NoNamespaces,
}

/// An error with a one-line, user-facing message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// The category.
    pub kind: ErrorKind,
    /// One line, naming the offending path or value.
    pub message: String,
}

impl Error {
    /// A refusal (exit 125).
    pub fn refused(message: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Refused,
            message: message.into(),
        }
    }

    /// The exit status conventional for this error (as env(1) and timeout(1) use them).
    pub fn exit_code(&self) -> i32 {
        match self.kind {
            ErrorKind::Refused | ErrorKind::NoNamespaces => 125,
            ErrorKind::NotExecutable => 126,
            ErrorKind::NotFound => 127,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// Shorthand for results in this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// `text` with control characters escaped, for one-line messages that quote untrusted text
/// (a profile's keys and names): it must not break the line or write to the terminal.
pub fn one_line(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}
