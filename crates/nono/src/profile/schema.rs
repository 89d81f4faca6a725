//! The profile file format, exactly: what a TOML profile may say. Unknown keys are errors, and
//! every value keeps its byte span so that later checks can point at it.

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use toml::Spanned;

/// One profile file as written (before `extends` is followed).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProfileFile {
    /// The parent profile: a name, or a path (containing `/` or ending in `.toml`).
    pub extends: Option<Spanned<String>>,
    /// One line shown by `nono profile list`.
    pub description: Option<Spanned<String>>,
    #[serde(default)]
    pub filesystem: Filesystem,
    #[serde(default)]
    pub network: Network,
    #[serde(default)]
    pub env: Env,
    /// Never accepted: running with fewer protections is a decision for one run, on the
    /// command line. Parsed only to refuse it with a clear message.
    pub allow_degraded: Option<Spanned<IgnoredAny>>,
}

/// `[filesystem]`: grants, sockets and lifted protections.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Filesystem {
    #[serde(default)]
    pub allow: Vec<Spanned<PathEntry>>,
    #[serde(default)]
    pub read: Vec<Spanned<PathEntry>>,
    #[serde(default)]
    pub write: Vec<Spanned<PathEntry>>,
    #[serde(default)]
    pub allow_file: Vec<Spanned<PathEntry>>,
    #[serde(default)]
    pub read_file: Vec<Spanned<PathEntry>>,
    #[serde(default)]
    pub write_file: Vec<Spanned<PathEntry>>,
    #[serde(default)]
    pub unix_sockets: Vec<Spanned<String>>,
    #[serde(default)]
    pub unprotect: Vec<Spanned<String>>,
    /// Files copied once into a writable grant before the run, when missing there.
    #[serde(default)]
    pub seed: Vec<Spanned<SeedEntry>>,
}

/// `{ path = "~/.tool/config", from = "~/.toolrc" }`: `from` is copied to `path` (mode 0600)
/// before the run, when `path` does not exist and `from` does.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub(crate) struct SeedEntry {
    pub path: String,
    pub from: String,
}

/// `[network]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Network {
    pub block: Option<Spanned<bool>>,
    #[serde(default)]
    pub allow_domains: Vec<Spanned<String>>,
    #[serde(default)]
    pub deny_domains: Vec<Spanned<String>>,
    #[serde(default)]
    pub allow_cidrs: Vec<Spanned<String>>,
}

/// `[env]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Env {
    #[serde(default)]
    pub allow: Vec<Spanned<String>>,
    #[serde(default)]
    pub set: BTreeMap<Spanned<String>, Spanned<String>>,
}

/// A grant's path: `"~/x"` or `{ path = "~/x", optional = true, create = true }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PathEntry {
    pub path: String,
    pub optional: bool,
    pub create: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PathTable {
    path: String,
    #[serde(default)]
    optional: bool,
    #[serde(default)]
    create: bool,
}

impl<'de> Deserialize<'de> for PathEntry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(PathEntryVisitor)
    }
}

struct PathEntryVisitor;

impl<'de> Visitor<'de> for PathEntryVisitor {
    type Value = PathEntry;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a path string or a table { path = \"...\", optional = true, create = true }")
    }

    fn visit_str<E: de::Error>(self, path: &str) -> Result<PathEntry, E> {
        Ok(PathEntry {
            path: path.to_string(),
            optional: false,
            create: false,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<PathEntry, A::Error> {
        let table = PathTable::deserialize(de::value::MapAccessDeserializer::new(map))?;
        Ok(PathEntry {
            path: table.path,
            optional: table.optional,
            create: table.create,
        })
    }
}
