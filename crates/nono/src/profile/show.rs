//! A resolved profile written back as TOML (`nono profile show`, `nono profile init --from`),
//! and the template of a new profile. The output parses back to the same profile.

use super::policy::key_of;
use super::resolved::{Entry, Location, Profile};
use crate::plan::GrantFlag;
use std::fmt::Write;

impl Profile {
    /// The profile as one TOML document with `extends` already applied.
    pub fn to_toml(&self) -> String {
        let mut out = String::new();
        if let Some(description) = &self.description {
            let _ = writeln!(out, "description = {}", string(description));
        }
        let mut fs = Vec::new();
        for flag in GrantFlag::ALL {
            let items: Vec<String> = self
                .grants
                .iter()
                .filter(|g| g.value.flag == flag)
                .map(|g| {
                    let path = string(&g.value.path.to_string_lossy());
                    match (g.value.optional, g.value.create.is_some()) {
                        (false, false) => path,
                        (true, false) => format!("{{ path = {path}, optional = true }}"),
                        (false, true) => format!("{{ path = {path}, create = true }}"),
                        (true, true) => {
                            format!("{{ path = {path}, optional = true, create = true }}")
                        }
                    }
                })
                .collect();
            fs.push((key_of(flag.flag()), items));
        }
        for (key, list) in [
            ("unix_sockets", &self.unix_sockets),
            ("unprotect", &self.unprotect),
        ] {
            let items = list
                .iter()
                .map(|e| string(&e.value.to_string_lossy()))
                .collect();
            fs.push((key.to_string(), items));
        }
        let seeds = self
            .seed
            .iter()
            .map(|e| {
                format!(
                    "{{ path = {}, from = {} }}",
                    string(&e.value.0.to_string_lossy()),
                    string(&e.value.1.to_string_lossy())
                )
            })
            .collect();
        fs.push(("seed".to_string(), seeds));
        if fs.iter().any(|(_, items)| !items.is_empty()) {
            out.push_str("\n[filesystem]\n");
            for (key, items) in fs.iter().filter(|(_, items)| !items.is_empty()) {
                write_list(&mut out, key, items);
            }
        }
        let net: [(&str, Vec<String>); 3] = [
            ("allow_domains", texts(&self.allow_domains)),
            ("deny_domains", texts(&self.deny_domains)),
            ("allow_cidrs", texts(&self.allow_cidrs)),
        ];
        if self.net_block.is_some() || net.iter().any(|(_, items)| !items.is_empty()) {
            out.push_str("\n[network]\n");
            if let Some(block) = &self.net_block {
                let _ = writeln!(out, "block = {}", block.value);
            }
            for (key, items) in net.iter().filter(|(_, items)| !items.is_empty()) {
                write_list(&mut out, key, items);
            }
        }
        if !self.env_allow.is_empty() || !self.env_set.is_empty() {
            out.push_str("\n[env]\n");
            let names: Vec<String> = self.env_allow.iter().map(|e| string(&e.value)).collect();
            if !names.is_empty() {
                write_list(&mut out, "allow", &names);
            }
            if !self.env_set.is_empty() {
                out.push_str("[env.set]\n");
                for Entry {
                    value: (name, value),
                    ..
                } in &self.env_set
                {
                    let _ = writeln!(out, "{} = {}", key(name), string(value));
                }
            }
        }
        out
    }

    /// One line naming where the chain came from: `/home/me/.config/nono/profiles/mine.toml ->
    /// rust (built-in)`.
    pub fn chain_text(&self) -> String {
        self.chain
            .iter()
            .map(|l| match l {
                Location::BuiltIn(name) => format!("{name} (built-in)"),
                Location::File(path) => crate::paths::quote(path),
            })
            .collect::<Vec<_>>()
            .join(" -> ")
    }
}

/// The template `nono profile init NAME` writes.
pub fn template(name: &str) -> String {
    format!(
        r#"# nono profile {name}. The format: docs/profiles.md, or `nono profile schema`.
# A profile only adds to nono's baseline, and command-line flags add to the profile.
# Paths may start with ~ and may be relative to the directory nono runs in (the project).

description = "{name}: the project read-write"
# extends = "rust"        # a built-in or user profile, or a path to a .toml file

[filesystem]
allow = ["."]
# read = ["~/docs"]
# allow = [{{ path = "~/.cache/mytool", optional = true }}]   # skipped if missing
# allow_file = [], read_file = [], write = [], write_file = []
# unix_sockets = []       # printed at start: lifts a protection
# unprotect = []          # printed at start: lifts a protection

[network]
# block = true            # no network at all
# allow_domains = ["api.example.org", "*.example.net:443"]   # only these, through nono's proxy
# deny_domains = []       # refused even when allowed
# allow_cidrs = []        # address ranges, e.g. "10.1.0.0/16"

[env]
allow = []                # printed at start if the environment table would remove one
# set = {{ RUST_LOG = "info" }}
"#
    )
}

/// Each value as a TOML string of its canonical text.
fn texts<T: std::fmt::Display>(list: &[Entry<T>]) -> Vec<String> {
    list.iter().map(|e| string(&e.value.to_string())).collect()
}

fn write_list(out: &mut String, key: &str, items: &[String]) {
    if items.len() == 1 {
        let _ = writeln!(out, "{key} = [{}]", items[0]);
        return;
    }
    let _ = writeln!(out, "{key} = [");
    for item in items {
        let _ = writeln!(out, "  {item},");
    }
    out.push_str("]\n");
}

/// A TOML basic string.
fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML key: bare when it can be, quoted otherwise.
fn key(text: &str) -> String {
    let bare = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        text.to_string()
    } else {
        string(text)
    }
}
