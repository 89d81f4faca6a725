//! Where a git repository keeps what runs code on the host the next time the user runs git:
//! hooks and configuration (which can also name a hooks directory, an fsmonitor or a pager).
//! Inside a writable grant these stay read-only, so ordinary git use (add, commit, branch,
//! checkout) works while persistence does not.

use std::fs;
use std::path::{Path, PathBuf};

mod find;

pub use find::{repositories, CACHE_MARKERS};

/// One path to keep read-only, and whether it is a directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodePath {
    /// Canonical path.
    pub path: PathBuf,
    /// Whether it is a directory.
    pub dir: bool,
}

/// What runs code in one repository: what exists (kept read-only) and the names that do not
/// exist yet (kept from being created: a `commondir` would point git at a configuration the
/// program wrote).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CodePaths {
    /// Paths to keep read-only.
    pub existing: Vec<CodePath>,
    /// Names to keep from being created.
    pub absent: Vec<PathBuf>,
}

impl CodePaths {
    fn note(&mut self, path: PathBuf, dir: bool) {
        match fs::symlink_metadata(&path) {
            Ok(_) => {
                let path = fs::canonicalize(&path).unwrap_or(path);
                let entry = CodePath { path, dir };
                if !self.existing.contains(&entry) {
                    self.existing.push(entry);
                }
            }
            Err(_) => {
                if !self.absent.contains(&path) {
                    self.absent.push(path);
                }
            }
        }
    }
}

/// The code-running paths of the repository whose work tree is `dir`, if it is one: its
/// `.git` when that is a file (a linked worktree's or a submodule's pointer), its git
/// directory's hooks, config, `config.worktree` and `commondir`, those of the common directory
/// of a linked worktree and of every submodule, and a `core.hooksPath` directory.
pub fn code_paths(dir: &Path) -> CodePaths {
    let mut out = CodePaths::default();
    if is_bare(dir) {
        // A bare repository (a push target): its hooks run when the host pushes to it.
        add_repository(dir, dir, &mut out, 0);
        return out;
    }
    let Some(git_dir) = git_dir(dir) else {
        return out;
    };
    if fs::symlink_metadata(dir.join(".git")).is_ok_and(|m| m.is_file()) {
        out.note(dir.join(".git"), false);
    }
    add_repository(&git_dir, dir, &mut out, 0);
    if let Ok(common) = fs::read_to_string(git_dir.join("commondir")) {
        if let Ok(common) = fs::canonicalize(git_dir.join(common.trim())) {
            add_repository(&common, dir, &mut out, 0);
        }
    }
    out
}

/// Whether `dir` is a bare repository: `HEAD`, `objects/` and `refs/` in it.
pub fn is_bare(dir: &Path) -> bool {
    dir.join("HEAD").is_file() && dir.join("objects").is_dir() && dir.join("refs").is_dir()
}

/// The git directory `path` lies in, if any: a `.git` on the way (or `path` itself), or a
/// bare repository above it. A grant there (a linked worktree's common directory, which its
/// commits write to) must keep the hooks and configuration git runs read-only.
pub fn git_dir_holding(path: &Path) -> Option<PathBuf> {
    path.ancestors()
        .find(|a| a.file_name().is_some_and(|n| n == ".git") || *a != path && is_bare(a))
        .map(Path::to_path_buf)
}

/// The code-running paths of the git directory `git_dir` itself (its work tree, for a
/// relative `core.hooksPath`, is the directory holding a `.git`).
pub fn git_dir_code_paths(git_dir: &Path) -> CodePaths {
    let mut out = CodePaths::default();
    let work_tree = match git_dir.file_name() {
        Some(name) if name == ".git" => git_dir.parent().unwrap_or(git_dir),
        _ => git_dir,
    };
    add_repository(git_dir, work_tree, &mut out, 0);
    out
}

/// The work tree of the repository `path` lies in below its top, if any: the nearest
/// directory above `path` with a `.git`.
pub fn enclosing_work_tree(path: &Path) -> Option<PathBuf> {
    path.ancestors()
        .skip(1)
        .find(|a| fs::symlink_metadata(a.join(".git")).is_ok())
        .map(Path::to_path_buf)
}

/// `dir/.git` as a directory, or the directory a `.git` file points to (worktrees, submodules).
fn git_dir(dir: &Path) -> Option<PathBuf> {
    let dot_git = dir.join(".git");
    let meta = fs::symlink_metadata(&dot_git).ok()?;
    if meta.is_dir() {
        return fs::canonicalize(dot_git).ok();
    }
    let text = fs::read_to_string(&dot_git).ok()?;
    let target = text.strip_prefix("gitdir:")?.trim();
    fs::canonicalize(dir.join(target)).ok()
}

fn add_repository(git_dir: &Path, work_tree: &Path, out: &mut CodePaths, depth: usize) {
    out.note(git_dir.join("hooks"), true);
    for file in ["config", "config.worktree", "commondir"] {
        out.note(git_dir.join(file), false);
    }
    for file in ["config", "config.worktree"] {
        if let Some(hooks) = hooks_path(&git_dir.join(file), work_tree) {
            out.note(hooks, true);
        }
    }
    // Linked worktrees keep their own configuration and pointer here.
    if let Ok(entries) = fs::read_dir(git_dir.join("worktrees")) {
        for entry in entries.flatten() {
            for file in ["config.worktree", "commondir"] {
                out.note(entry.path().join(file), false);
            }
        }
    }
    // Submodules keep their git directories under modules/, possibly nested.
    if depth < 4 {
        if let Ok(entries) = fs::read_dir(git_dir.join("modules")) {
            for entry in entries.flatten() {
                let sub = entry.path();
                if sub.join("HEAD").is_file() {
                    add_repository(&sub, work_tree, out, depth + 1);
                } else if sub.is_dir() {
                    // Submodule names may contain slashes: descend once more.
                    add_repository_children(&sub, work_tree, out, depth + 1);
                }
            }
        }
    }
}

fn add_repository_children(dir: &Path, work_tree: &Path, out: &mut CodePaths, depth: usize) {
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.path().join("HEAD").is_file() {
                add_repository(&entry.path(), work_tree, out, depth);
            }
        }
    }
}

/// The `core.hooksPath` a config file sets, resolved against the work tree (it may not exist
/// yet).
fn hooks_path(config: &Path, work_tree: &Path) -> Option<PathBuf> {
    let text = fs::read_to_string(config).ok()?;
    let mut in_core = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_core = line.to_ascii_lowercase().starts_with("[core");
            continue;
        }
        if let Some((key, value)) = line.split_once('=') {
            if in_core && key.trim().eq_ignore_ascii_case("hookspath") {
                let value = value.trim().trim_matches('"');
                return Some(crate::paths::canonical_or_planned(&work_tree.join(value)));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("nono-git-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        fs::canonicalize(dir).unwrap()
    }

    #[test]
    fn finds_hooks_config_submodules_worktrees_and_hooks_path() {
        let root = scratch("repo");
        let git = root.join(".git");
        fs::create_dir_all(git.join("modules/sub/hooks")).unwrap();
        fs::create_dir_all(git.join("hooks")).unwrap();
        fs::write(git.join("config"), "[core]\n\thooksPath = .githooks\n").unwrap();
        fs::create_dir_all(root.join(".githooks")).unwrap();
        fs::write(git.join("modules/sub/HEAD"), "ref: refs/heads/main\n").unwrap();
        fs::write(git.join("modules/sub/config"), "").unwrap();
        let paths: Vec<PathBuf> = code_paths(&root)
            .existing
            .into_iter()
            .map(|c| c.path)
            .collect();
        for expected in [
            git.join("hooks"),
            git.join("config"),
            root.join(".githooks"),
            git.join("modules/sub/hooks"),
            git.join("modules/sub/config"),
        ] {
            assert!(
                paths.contains(&expected),
                "{expected:?} missing from {paths:?}"
            );
        }

        // A linked worktree: .git is a file pointing into the main repository.
        let wt = scratch("worktree");
        fs::create_dir_all(git.join("worktrees/wt")).unwrap();
        fs::write(git.join("worktrees/wt/commondir"), "../..\n").unwrap();
        fs::write(
            wt.join(".git"),
            format!("gitdir: {}\n", git.join("worktrees/wt").display()),
        )
        .unwrap();
        let paths: Vec<PathBuf> = code_paths(&wt)
            .existing
            .into_iter()
            .map(|c| c.path)
            .collect();
        assert!(paths.contains(&git.join("hooks")) && paths.contains(&git.join("config")));
        // Its `.git` file is kept too, and the names git would read if they appeared.
        let found = code_paths(&wt);
        assert!(found.existing.iter().any(|c| c.path == wt.join(".git")));
        assert!(
            found.absent.contains(&git.join("commondir")),
            "{:?}",
            found.absent
        );
        let _ = fs::remove_dir_all(root);
        let _ = fs::remove_dir_all(wt);
    }

    #[test]
    fn a_plain_directory_has_none() {
        let dir = scratch("plain");
        assert_eq!(code_paths(&dir), CodePaths::default());
        let _ = fs::remove_dir_all(dir);
    }
}
