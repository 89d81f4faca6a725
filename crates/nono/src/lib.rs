//! nono: a kernel-enforced sandbox for untrusted commands.
//!
//! The flow runs one way: a [`Policy`] (what the user asked for) meets a [`Machine`] (what
//! this computer and kernel offer) in [`resolve`], which produces a [`Plan`]. The plan is then
//! applied by the platform backend ([`linux::apply`]) and explained by [`explain()`], the
//! dry run and the capability file — all reading the same plan, so the explanation can never
//! disagree with what is enforced.
//!
//! ```no_run
//! use nono::{Grant, GrantFlag, Machine, Policy};
//! let policy = Policy {
//!     grants: vec![Grant::new(GrantFlag::Allow, ".")],
//!     ..Policy::default()
//! };
//! let plan = nono::resolve(&policy, &Machine::detect()?)?;
//! let verdict = nono::explain(&plan, "~/.ssh/id_ed25519".as_ref(), nono::Op::Read, "/".as_ref());
//! assert!(!verdict.allowed);
//! # Ok::<(), nono::Error>(())
//! ```

#![warn(missing_docs)]

mod access;
mod error;
mod fix;
mod git;
mod layers;
mod paths;
mod pathser;
mod policy;
mod protect;
mod resolve;
mod sockets;

pub mod baseline;
pub mod egress;
pub mod env;
pub mod exec;
pub mod explain;
pub mod machine;
pub mod macos;
pub mod plan;
pub mod prepare;
pub mod profile;
pub mod sensitive;

#[cfg(target_os = "linux")]
pub mod linux;

pub use access::{Access, Op};
pub use error::{one_line, Error, ErrorKind, Result};
pub use explain::{explain, explain_inside, Verdict};
pub use machine::Machine;
pub use paths::{display as display_path, quote as quote_path};
pub use plan::{GrantFlag, Plan};
pub use policy::{Grant, Policy};
pub use resolve::{resolve, HELP_LINE};
