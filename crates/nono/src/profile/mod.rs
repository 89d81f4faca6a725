//! Profiles: named, shareable sandbox settings in TOML (`nono run --profile NAME|PATH`).
//!
//! A profile is one more input to the [`Policy`](crate::Policy), beside the command line: it
//! never touches the plan, so `why`, `--dry-run` and enforcement see the same result. The flow:
//!
//! 1. [`load`] finds the profile (a built-in, a user profile in [`user_dir`], or a file),
//!    parses it, and follows `extends` to a [`Profile`] whose every item remembers the
//!    `FILE:LINE:COLUMN` that wrote it;
//! 2. [`to_policy`] adds the command line's own policy to it, checking that every path the
//!    profile names exists unless marked optional;
//! 3. the caller lists the chain's files and the user profile directory in the policy
//!    (`Policy::config`): the plan keeps them read-only, so no sandbox widens its next one;
//! 4. the caller prints [`Profile::notices`]: every line that lifts a protection.
//!
//! The format is documented in `docs/profiles.md` and as a JSON Schema ([`json_schema`]).

mod builtin;
mod json_schema;
mod load;
mod parse;
mod policy;
mod position;
mod resolved;
mod schema;
mod show;

#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod tests;

pub use builtin::{built_in, profile_for_command, BuiltIn, BUILT_IN};
pub use json_schema::json_schema;
pub use load::{is_path, is_valid_name, load, load_file, user_dir, user_profiles, Locations};
pub use policy::{state_dirs, to_policy};
pub use position::Origin;
pub use resolved::{Entry, Location, Notice, Profile};
pub use show::template;
