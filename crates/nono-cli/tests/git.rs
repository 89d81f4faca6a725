//! Every git protection (docs/security.md, "Git") in a real repository and a real sandboxed
//! child: a repository with a `core.hooksPath`, per-worktree configuration, submodules (named
//! with and without a slash, checked out and not) and a linked worktree. Each code-running path, and an unprotected twin
//! beside it (`.twin` appended), is read and written by the file probe in one run; the control
//! is the same run with `--unprotect` for each. Git itself keeps working in the same sandbox.

mod common;
use common::files::*;
use common::*;
use std::path::Path;
use std::process::Command;

/// `git ARGS` in `dir`, without the sandbox, which must succeed.
fn git(f: &Fixture, dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(["-c", "protocol.file.allow=always"])
        .args(args)
        .current_dir(dir)
        .env("HOME", &f.home)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
}

/// The read-only git path `rel` of the repository `root`, seeded with a twin (and a file
/// `secret` in a directory).
fn protected(root: &Path, rel: &str, dir: bool) -> Sensitive {
    let entry = Sensitive::new(rel, "git", false, dir, root.join(rel));
    entry.seed(&entry.path, &entry.twin);
    entry
}

/// Undoes the probe's write to `path`, whose content was `content`, for git and for the next
/// check of the same path.
fn undo_write(dir: bool, path: &Path, content: &str) {
    match dir {
        true => std::fs::remove_file(path.join("planted")).unwrap(),
        false => std::fs::write(path, content).unwrap(),
    }
}

/// Checks every path in a run under `grants`: readable, not writable, unchanged on the host,
/// its twin read and written; then the control, every protection lifted, writes them all.
fn assert_read_only(f: &Fixture, grants: &[String], paths: &[Sensitive]) {
    let before: Vec<String> = paths.iter().map(|p| host(p.dir, &p.path)).collect();
    let got = attempts(files_probe(f, grants), &targets(paths, true));
    for (p, content) in paths.iter().zip(&before) {
        assert_protected(p, &got, content);
        undo_write(p.dir, &p.twin, &p.twin_content());
    }
    let mut lifted = grants.to_vec();
    for p in paths {
        lifted.extend(["--unprotect".to_string(), key(&p.path)]);
    }
    let got = attempts(files_probe(f, &lifted), &targets(paths, false));
    for (p, content) in paths.iter().zip(&before) {
        assert_eq!(got[&key(&p.path)].write, "ok", "control: {}", p.documented);
        assert!(planted(p.dir, &p.path), "control: {}", p.documented);
        undo_write(p.dir, &p.path, content);
    }
}

#[test]
fn every_code_running_git_path_stays_read_only_while_git_works() {
    let f = Fixture::new();
    let (project, lib, wt) = (&f.project, f.outside.join("lib"), f.outside.join("wt"));
    std::fs::create_dir_all(&lib).unwrap();
    git(&f, &lib, &["init", "-q"]);
    std::fs::write(lib.join("lib.txt"), "lib").unwrap();
    git(&f, &lib, &["add", "lib.txt"]);
    git(&f, &lib, &["commit", "-qm", "lib"]);
    let url = key(&lib);
    git(&f, project, &["init", "-q"]);
    git(&f, project, &["add", "file.txt"]);
    git(&f, project, &["submodule", "add", "-q", &url, "sub"]);
    git(&f, project, &["submodule", "add", "-q", &url, "libs/inner"]);
    // Two more, whose work trees are gone (`deinit`): only their git directories under
    // .git/modules are left, for a later `submodule update` to use.
    git(&f, project, &["submodule", "add", "-q", &url, "old"]);
    git(&f, project, &["submodule", "add", "-q", &url, "libs/old"]);
    git(&f, project, &["commit", "-qm", "base"]);
    git(
        &f,
        project,
        &["submodule", "deinit", "-q", "-f", "old", "libs/old"],
    );
    std::fs::create_dir_all(project.join(".githooks")).unwrap();
    git(&f, project, &["config", "core.hooksPath", ".githooks"]);
    git(
        &f,
        project,
        &["config", "extensions.worktreeConfig", "true"],
    );
    git(&f, project, &["config", "--worktree", "note.where", "main"]);
    git(&f, project, &["worktree", "add", "-q", &key(&wt)]);
    git(&f, &wt, &["config", "--worktree", "note.where", "linked"]);

    let dot_git = project.join(".git");
    let paths = [
        protected(project, ".git/hooks", true),
        protected(project, ".git/config", false),
        protected(project, ".git/config.worktree", false),
        protected(project, ".githooks", true), // core.hooksPath
        protected(project, ".git/modules/sub/hooks", true),
        protected(project, ".git/modules/sub/config", false),
        protected(project, ".git/modules/libs/inner/hooks", true),
        protected(project, ".git/modules/libs/inner/config", false),
        protected(project, ".git/modules/old/hooks", true),
        protected(project, ".git/modules/libs/old/config", false),
        // The linked worktree outside the grant keeps its own configuration here.
        protected(project, ".git/worktrees/wt/config.worktree", false),
    ];
    assert_read_only(&f, &["--allow".into(), ".".into()], &paths);

    // A linked worktree, whose .git is a file, with the common directory granted so that
    // commits can land there: the common directory's hooks and config, and the worktree's own.
    let worktree_grants = ["--allow", &key(&wt), "--allow", &key(&dot_git)].map(String::from);
    let paths = [
        protected(project, ".git/hooks", true),
        protected(project, ".git/config", false),
        protected(project, ".git/worktrees/wt/config.worktree", false),
    ];
    assert_read_only(&f, &worktree_grants, &paths);

    // Git works in the same sandboxes: add, commit, branch, checkout, submodules.
    let commit = "git -c user.name=t -c user.email=t@example.com commit -qm";
    let out = f.run_sh(
        &["--allow", "."],
        &format!("echo more >> file.txt && git add file.txt && {commit} one && git checkout -qb topic && git branch --show-current && git submodule status | wc -l"),
    );
    assert_eq!(stdout(&out), "topic\n4\n", "{}", stderr(&out));
    let mut argv = vec!["run".to_string()];
    argv.extend(worktree_grants);
    argv.extend(["--", "/bin/sh", "-c"].map(String::from));
    argv.push(format!(
        "cd '{}' && echo w > w.txt && git add w.txt && {commit} two && git log -1 --format=%s",
        wt.display()
    ));
    let out = f.nono(&argv).output().unwrap();
    assert_eq!(stdout(&out), "two\n", "{}", stderr(&out));
}
