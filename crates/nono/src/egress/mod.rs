//! Network egress by name: the rules of filtered mode and the one function that decides.
//!
//! With `--allow-domain`, `--allow-cidr` or `--deny-domain`, the program lives in its own
//! network namespace and its only way out is nono's proxy, which asks [`EgressPolicy::decide`]
//! about every destination and [`EgressPolicy::address_allowed`] about every address it
//! resolved. Both are pure: the proxy, the exit summary and `nono why --host` read the same
//! rules and print the same reasons.
//!
//! ```
//! use nono::egress::EgressPolicy;
//! let policy = EgressPolicy::from_flags(&["*.example.org:443"], &["evil.example.org"], &[] as &[&str])
//!     .map_err(nono::Error::refused)?;
//! assert!(policy.decide("API.Example.org.", 443).allowed);
//! assert!(!policy.decide("evil.example.org", 443).allowed);
//! assert_eq!(policy.decide("other.test", 443).fix.as_deref(), Some("--allow-domain other.test"));
//! # Ok::<(), nono::Error>(())
//! ```

/// Serialises a rule type as its canonical text and reads it back through its parser: the plan
/// holds exactly what a user would type, and a hand-edited bad value is refused, not half-read.
macro_rules! serde_as_text {
    ($type:ty) => {
        impl serde::Serialize for $type {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $type {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<$type, D::Error> {
                let text = <String as serde::Deserialize>::deserialize(d)?;
                <$type>::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}
use serde_as_text;

mod address;
mod cidr;
mod host;
mod policy;
mod rule;
#[cfg(test)]
mod tests;

pub use cidr::Cidr;
pub use host::{normalize_host, Host};
pub use policy::{Decision, EgressPolicy};
pub use rule::{split_port, HostPattern, Rule};
