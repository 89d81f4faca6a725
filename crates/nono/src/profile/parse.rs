//! One profile file's text -> a checked single-layer [`Profile`] and the name it extends.
//! Every error, from the TOML syntax to a reserved variable name, points at its place.

use super::position::Source;
use super::resolved::{Entry, Location, Notice, Profile};
use super::schema::{PathEntry, ProfileFile};
use crate::egress::{Cidr, Rule};
use crate::env;
use crate::error::Result;
use crate::paths::quote;
use crate::plan::GrantFlag;
use crate::policy::Grant;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// A parsed profile file: its own items, and its parent as written.
pub(crate) struct Parsed {
    pub profile: Profile,
    pub extends: Option<Entry<String>>,
}

/// Parses and checks one profile file. `name` names the profile in notices, `file` in errors.
pub(crate) fn parse(text: &str, name: &str, file: &str, location: Location) -> Result<Parsed> {
    let source = Source {
        profile: name,
        file,
        text,
    };
    let doc: ProfileFile = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        source.error(&span, e.message().trim_end())
    })?;
    if let Some(key) = &doc.allow_degraded {
        return Err(source.error(
            &key.span(),
            "allow_degraded is not allowed in a profile: running with fewer protections is decided for one run, with --allow-degraded on the command line",
        ));
    }
    let entry = |spanned: &Spanned<String>| Entry {
        value: spanned.get_ref().clone(),
        origin: source.origin(&spanned.span()),
    };
    let extends = match &doc.extends {
        Some(parent) if parent.get_ref().is_empty() => {
            return Err(source.error(&parent.span(), "extends: empty profile name"));
        }
        Some(parent) => Some(entry(parent)),
        None => None,
    };
    let description = match &doc.description {
        Some(d) if d.get_ref().chars().any(char::is_control) => {
            return Err(source.error(
                &d.span(),
                "description: one line of text without control characters",
            ));
        }
        Some(d) => Some(d.get_ref().clone()),
        None => None,
    };

    let mut profile = Profile {
        name: name.to_string(),
        description,
        chain: vec![location],
        ..Profile::default()
    };
    let fs = &doc.filesystem;
    let lists = [
        (GrantFlag::Allow, &fs.allow),
        (GrantFlag::Read, &fs.read),
        (GrantFlag::Write, &fs.write),
        (GrantFlag::AllowFile, &fs.allow_file),
        (GrantFlag::ReadFile, &fs.read_file),
        (GrantFlag::WriteFile, &fs.write_file),
    ];
    for (flag, list) in lists {
        for item in list {
            let PathEntry {
                path,
                optional,
                create,
            } = item.get_ref();
            check_path(&source, item.span(), path)?;
            if *create && !flag.access().allows(crate::access::Op::Write) {
                return Err(source.error(
                    &item.span(),
                    format!(
                        "filesystem.{} {}: create = true needs a writable grant (a read-only one would make an empty path)",
                        super::policy::key_of(flag.flag()),
                        quote(Path::new(path))
                    ),
                ));
            }
            // An agent's state: private to the user, as the agents make it themselves.
            let mode = if flag.is_file() { 0o600 } else { 0o700 };
            profile.grants.push(Entry {
                value: Grant {
                    flag,
                    path: PathBuf::from(path),
                    optional: *optional,
                    create: create.then_some(mode),
                },
                origin: source.origin(&item.span()),
            });
        }
    }
    for (key, list, target, why) in [
        (
            "unprotect",
            &fs.unprotect,
            &mut profile.unprotect,
            "lifts the protection of a sensitive path (shown as UNPROTECTED in the plan)",
        ),
        (
            "unix_sockets",
            &fs.unix_sockets,
            &mut profile.unix_sockets,
            "allows connecting to a Unix socket outside the grants",
        ),
    ] {
        for item in list {
            check_path(&source, item.span(), item.get_ref())?;
            let origin = source.origin(&item.span());
            profile.notices.push(Notice {
                origin: origin.clone(),
                text: format!(
                    "filesystem.{key} {}: {why}",
                    quote(Path::new(item.get_ref()))
                ),
                variable: None,
            });
            target.push(Entry {
                value: PathBuf::from(item.get_ref()),
                origin,
            });
        }
    }
    for item in &fs.seed {
        let super::schema::SeedEntry { path, from } = item.get_ref();
        check_path(&source, item.span(), path)?;
        check_path(&source, item.span(), from)?;
        profile.seed.push(Entry {
            value: (PathBuf::from(path), PathBuf::from(from)),
            origin: source.origin(&item.span()),
        });
    }
    if let Some(block) = &doc.network.block {
        profile.net_block = Some(Entry {
            value: *block.get_ref(),
            origin: source.origin(&block.span()),
        });
    }
    let net = &doc.network;
    profile.allow_domains = rules(&source, "allow_domains", &net.allow_domains, Rule::parse)?;
    profile.deny_domains = rules(&source, "deny_domains", &net.deny_domains, Rule::parse)?;
    profile.allow_cidrs = rules(&source, "allow_cidrs", &net.allow_cidrs, Cidr::parse)?;
    for name in &doc.env.allow {
        check_env_name(&source, name)?;
        let origin = source.origin(&name.span());
        if let Some(rule) = env::stripped_by(name.get_ref()) {
            profile.notices.push(Notice {
                origin: origin.clone(),
                text: format!(
                    "env.allow {}: keeps a variable the environment table removes ({})",
                    name.get_ref(),
                    rule.group
                ),
                variable: Some(name.get_ref().clone()),
            });
        }
        profile.env_allow.push(Entry {
            value: name.get_ref().clone(),
            origin,
        });
    }
    for (name, value) in &doc.env.set {
        check_env_name(&source, name)?;
        if env::RESERVED.contains(&name.get_ref().as_str()) {
            return Err(source.error(
                &name.span(),
                format!("env.set {}: nono sets this variable itself", name.get_ref()),
            ));
        }
        if value.get_ref().contains('\0') {
            return Err(source.error(&value.span(), "env.set: a value cannot contain NUL"));
        }
        let origin = source.origin(&name.span());
        if let Some(rule) = env::stripped_by(name.get_ref()) {
            profile.notices.push(Notice {
                origin: origin.clone(),
                text: format!(
                    "env.set {}: sets a variable the environment table removes ({})",
                    name.get_ref(),
                    rule.group
                ),
                variable: None,
            });
        }
        profile.env_set.push(Entry {
            value: (name.get_ref().clone(), value.get_ref().clone()),
            origin,
        });
    }
    Ok(Parsed { profile, extends })
}

/// One `[network]` list, each value parsed as its flag's value is; an error points at it.
fn rules<T>(
    source: &Source<'_>,
    key: &str,
    list: &[Spanned<String>],
    parse: fn(&str) -> std::result::Result<T, String>,
) -> Result<Vec<Entry<T>>> {
    list.iter()
        .map(|item| match parse(item.get_ref()) {
            Ok(value) => Ok(Entry {
                value,
                origin: source.origin(&item.span()),
            }),
            Err(e) => Err(source.error(&item.span(), format!("network.{key} {e}"))),
        })
        .collect()
}

fn check_path(source: &Source<'_>, span: std::ops::Range<usize>, path: &str) -> Result<()> {
    if path.is_empty() {
        return Err(source.error(&span, "empty path (use \".\" for the current directory)"));
    }
    if path.contains('\0') {
        return Err(source.error(&span, "a path cannot contain NUL"));
    }
    Ok(())
}

fn check_env_name(source: &Source<'_>, name: &Spanned<String>) -> Result<()> {
    let text = name.get_ref();
    if text.is_empty() || text.contains('=') || text.chars().any(char::is_control) {
        return Err(source.error(
            &name.span(),
            format!("{text:?} is not a valid environment variable name"),
        ));
    }
    Ok(())
}
