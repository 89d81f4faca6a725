//! A profile after `extends`: every item it contributes, each with the place that wrote it,
//! and the files it was read from.

use super::position::Origin;
use crate::egress::{Cidr, Rule};
use crate::error::one_line;
use crate::policy::Grant;
use std::fmt;
use std::path::PathBuf;

/// One item of a profile and the place that wrote it.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry<T> {
    /// The item.
    pub value: T,
    /// Where it was written.
    pub origin: Origin,
}

/// Where one profile of an `extends` chain came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// A built-in profile, by name.
    BuiltIn(&'static str),
    /// A file: its absolute path as found (not resolved: symlinks on the way matter to the
    /// writable-grant check).
    File(PathBuf),
}

/// A line of a profile that lifts a protection; printed before the command starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    /// The line.
    pub origin: Origin,
    /// What it lifts.
    pub text: String,
    /// The environment variable it keeps, if that is what it does: a run says so only when
    /// the variable is set (otherwise there is nothing to keep).
    pub variable: Option<String>,
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "profile {}: {}: {}",
            one_line(&self.origin.profile),
            self.origin,
            one_line(&self.text)
        )
    }
}

/// A fully resolved profile: its own items and those of every profile it extends.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Profile {
    /// The name it was asked for by (or its path, as given).
    pub name: String,
    /// Its own description (descriptions are not inherited).
    pub description: Option<String>,
    /// The profile itself first, then its parent, and so on.
    pub chain: Vec<Location>,
    /// Grants, parents' first.
    pub grants: Vec<Entry<Grant>>,
    /// Sensitive paths whose protection is lifted.
    pub unprotect: Vec<Entry<PathBuf>>,
    /// Unix sockets the program may connect to.
    pub unix_sockets: Vec<Entry<PathBuf>>,
    /// Files copied once into the profile's own state: (where, from).
    pub seed: Vec<Entry<(PathBuf, PathBuf)>>,
    /// Whether to block the network; the nearest profile that says so decides.
    pub net_block: Option<Entry<bool>>,
    /// Names the program may reach through nono's proxy (`--allow-domain`).
    pub allow_domains: Vec<Entry<Rule>>,
    /// Names refused even when allowed (`--deny-domain`).
    pub deny_domains: Vec<Entry<Rule>>,
    /// Address ranges the program may reach through nono's proxy (`--allow-cidr`).
    pub allow_cidrs: Vec<Entry<Cidr>>,
    /// Variables kept although the environment table would remove them.
    pub env_allow: Vec<Entry<String>>,
    /// Variables set; a child's value replaces its parent's.
    pub env_set: Vec<Entry<(String, String)>>,
    /// Lines that lift a protection, parents' first.
    pub notices: Vec<Notice>,
}

impl Profile {
    /// The files of its `extends` chain, as found (built-ins have none).
    pub fn files(&self) -> Vec<PathBuf> {
        self.chain
            .iter()
            .filter_map(|at| match at {
                Location::File(file) => Some(file.clone()),
                Location::BuiltIn(_) => None,
            })
            .collect()
    }

    /// `child` on top of `self` (its parent): lists add up, a child's scalar wins.
    pub(crate) fn extended_by(self, child: Profile) -> Profile {
        let mut merged = self;
        let mut notices = std::mem::take(&mut merged.notices);
        if let (Some(parent), Some(own)) = (&merged.net_block, &child.net_block) {
            if parent.value && !own.value {
                notices.push(Notice {
                    origin: own.origin.clone(),
                    text: format!(
                        "network.block = false lifts the network block of profile {} ({})",
                        parent.origin.profile, parent.origin
                    ),
                    variable: None,
                });
            }
        }
        notices.extend(child.notices);
        add_new(&mut merged.grants, child.grants);
        add_new(&mut merged.unprotect, child.unprotect);
        add_new(&mut merged.unix_sockets, child.unix_sockets);
        add_new(&mut merged.seed, child.seed);
        add_new(&mut merged.env_allow, child.env_allow);
        add_new(&mut merged.allow_domains, child.allow_domains);
        add_new(&mut merged.deny_domains, child.deny_domains);
        add_new(&mut merged.allow_cidrs, child.allow_cidrs);
        for set in child.env_set {
            merged.env_set.retain(|e| e.value.0 != set.value.0);
            merged.env_set.push(set);
        }
        let mut chain = child.chain;
        chain.extend(merged.chain);
        Profile {
            name: child.name,
            description: child.description,
            chain,
            net_block: child.net_block.or(merged.net_block),
            notices,
            ..merged
        }
    }
}

fn add_new<T: PartialEq>(list: &mut Vec<Entry<T>>, more: Vec<Entry<T>>) {
    for entry in more {
        if !list.iter().any(|e| e.value == entry.value) {
            list.push(entry);
        }
    }
}
