//! The macOS backend: the plan as a Seatbelt profile, applied with `sandbox_init`.
//!
//! The profile is generated from the same [`Plan`](crate::plan::Plan) that `why`, the dry run
//! and the capability file read, so the explanation and the enforcement cannot drift apart.
//! The generator is plain text code compiled on every OS, which is what lets it be tested with
//! golden files anywhere; only applying a profile needs macOS.

mod sbpl;

#[cfg(target_os = "macos")]
mod apply;

pub use sbpl::profile;

#[cfg(target_os = "macos")]
pub use apply::apply;
