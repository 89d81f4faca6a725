//! The documented lists in docs/security.md ("The protected lists") are the reviewed
//! statement of what nono protects; the real-child tests exercise every entry of those lists.
//! This checks that the tables the program uses say the same, in both directions, so that an
//! entry added to a table is documented (and so tested) and one removed is noticed.

mod common;
use common::*;
use nono::env::Pattern;
use nono::sensitive::{Protection, Root};
use std::collections::BTreeSet;

fn set<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    items.into_iter().collect()
}

#[test]
fn the_documented_lists_match_the_tables() {
    let arch = std::env::consts::ARCH;
    let calls = documented("Denied system calls")
        .into_iter()
        .filter(|row| row[2].is_empty() || row[2] == arch)
        .map(|row| row[0].clone());
    assert_eq!(
        set(calls),
        set(nono::linux::denied_syscalls().map(str::to_string)),
        "denied system calls"
    );

    let ioctls = documented("Denied ioctls")
        .into_iter()
        .map(|row| row[0].clone());
    assert_eq!(
        set(ioctls),
        set(nono::linux::denied_ioctls().map(str::to_string)),
        "denied ioctls"
    );

    let sensitive = documented("Sensitive paths").into_iter().map(|row| {
        let path = row[0].trim_end_matches('/').to_string();
        (path, row[1].clone(), row[2].clone(), row[3].clone())
    });
    let table = nono::sensitive::TABLE.iter().map(|entry| {
        let path = match entry.root {
            Root::Home => format!("~/{}", entry.path),
            Root::Project => format!("./{}", entry.path),
            Root::System => entry.path.to_string(),
        };
        let protection = match entry.protection {
            Protection::Hidden => "hidden",
            Protection::ReadOnly => "read-only",
        };
        let owners = entry.owners.join(", ");
        (
            path,
            entry.group.to_string(),
            protection.to_string(),
            owners,
        )
    });
    assert_eq!(set(sensitive), set(table), "sensitive paths");

    let patterns = documented("Environment variables")
        .into_iter()
        .map(|row| (row[0].clone(), row[1].clone()));
    let table = nono::env::TABLE.iter().map(|rule| {
        let pattern = match rule.pattern {
            Pattern::Exact(p) => p.to_string(),
            Pattern::Suffix(p) => format!("*{p}"),
            Pattern::Contains(p) => format!("*{p}*"),
        };
        (pattern, rule.group.to_string())
    });
    assert_eq!(set(patterns), set(table), "environment variables");
}
