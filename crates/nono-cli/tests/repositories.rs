//! Git, everywhere in a writable grant: every repository inside it, at any depth, keeps its
//! hooks and configuration read-only, its `.git` cannot be renamed or replaced, and the names
//! git would read if they appeared (`commondir`, an absent hooks directory) cannot be
//! created; ordinary git work keeps working. Judged on the host: what a later git run would
//! execute is unchanged, with a positive control for each attack.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
}

/// A repository with one commit at `dir`.
fn repository(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    git(dir, &["init", "-q"]);
    git(dir, &["config", "user.email", "t@example.com"]);
    git(dir, &["config", "user.name", "t"]);
    std::fs::write(dir.join("file"), "x").unwrap();
    git(dir, &["add", "file"]);
    git(dir, &["commit", "-qm", "one"]);
}

/// What a later git run in `dir` would pick up: non-sample hooks, an fsmonitor in its
/// config, and a `commondir` pointing elsewhere.
fn what_git_runs(dir: &Path) -> String {
    let git = dir.join(".git");
    let hooks = std::fs::read_dir(git.join("hooks"))
        .map(|d| {
            d.flatten()
                .filter(|e| !e.file_name().to_string_lossy().ends_with(".sample"))
                .count()
        })
        .unwrap_or(0);
    let evil = std::fs::read_to_string(git.join("config"))
        .unwrap_or_default()
        .contains("evil");
    let commondir = git.join("commondir").exists();
    format!("hooks={hooks} fsmonitor={evil} commondir={commondir}")
}

const ATTACKS: &str = "
for r in repoA repoB deep/er/repoC; do
  echo '#!/bin/sh' > $r/.git/hooks/pre-commit; chmod +x $r/.git/hooks/pre-commit
  printf '[core]\\n\\tfsmonitor = evil\\n' >> $r/.git/config
  mkdir -p elsewhere && printf '[core]\\n\\tfsmonitor = evil\\n' > elsewhere/config && echo \"$PWD/elsewhere\" > $r/.git/commondir
done
for r in repoA repoB deep/er/repoC; do
  mv $r/.git $r/.git.old && mkdir -p $r/.git && printf '[core]\\n\\tfsmonitor = evil\\n' > $r/.git/config
done
echo twin > repoA/twin
";

#[test]
fn every_repository_in_a_grant_keeps_what_runs_code() {
    let f = Fixture::new();
    let src = f.home.join("src");
    for r in ["repoA", "repoB", "deep/er/repoC"] {
        repository(&src.join(r));
    }
    // Control: without nono every attack lands.
    let ctl = Fixture::new();
    let ctl_src = ctl.home.join("src");
    for r in ["repoA", "repoB", "deep/er/repoC"] {
        repository(&ctl_src.join(r));
    }
    let first = ATTACKS.split("done").next().unwrap().to_string() + "done";
    let out = Command::new("sh")
        .args(["-c", &first])
        .current_dir(&ctl_src)
        .output()
        .unwrap();
    assert_eq!(
        what_git_runs(&ctl_src.join("repoB")),
        "hooks=1 fsmonitor=true commondir=true",
        "control: {}",
        stderr(&out)
    );
    let out = Command::new("sh")
        .args(["-c", ATTACKS])
        .current_dir(&ctl_src)
        .output()
        .unwrap();
    assert!(
        ctl_src.join("repoB/.git.old").exists(),
        "control: {}",
        stderr(&out)
    );

    let before: Vec<String> = ["repoA", "repoB", "deep/er/repoC"]
        .iter()
        .map(|r| what_git_runs(&src.join(r)))
        .collect();
    let src_s = src.to_string_lossy().into_owned();
    let mut cmd = f.nono(["run", "--allow", &src_s, "--", "/bin/sh", "-c", ATTACKS]);
    cmd.current_dir(&src);
    let out = cmd.output().unwrap();
    assert_eq!(read(&src.join("repoA/twin")), "twin\n", "{}", stderr(&out));
    for (r, was) in ["repoA", "repoB", "deep/er/repoC"].iter().zip(&before) {
        assert_eq!(&what_git_runs(&src.join(r)), was, "{r}: {}", stderr(&out));
        assert!(
            !src.join(r).join(".git.old").exists(),
            "{r}: .git was renamed"
        );
        assert!(
            !src.join(r).join(".git/commondir").exists(),
            "{r}: commondir planted"
        );
        assert!(
            src.join(r).join(".git/HEAD").exists(),
            "{r}: .git was replaced"
        );
    }
}

#[test]
fn an_absent_hooks_path_cannot_be_created_and_git_keeps_working() {
    let f = Fixture::new();
    let repo = f.project.clone();
    repository(&repo);
    git(&repo, &["config", "core.hooksPath", ".githooks"]);
    let script = "mkdir -p .githooks && echo '#!/bin/sh' > .githooks/pre-commit; echo x >> file && git add file && git -c user.email=t@example.com -c user.name=t commit -qm two && git checkout -qb topic && git worktree add -q ../wt && git log --oneline | wc -l";
    // Control: without nono the hooks directory appears.
    let ctl = Fixture::new();
    repository(&ctl.project);
    git(&ctl.project, &["config", "core.hooksPath", ".githooks"]);
    ctl.bare_sh("mkdir -p .githooks && echo '#!/bin/sh' > .githooks/pre-commit");
    assert!(ctl.project.join(".githooks/pre-commit").exists(), "control");

    let home = f.home.to_string_lossy().into_owned();
    let out = f.run_sh(&["--allow", &home], script);
    assert_eq!(
        stdout(&out).trim(),
        "2",
        "commit, checkout and worktree add work: {}",
        stderr(&out)
    );
    assert!(!repo.join(".githooks").exists(), "{}", stderr(&out));
    assert!(f.home.join("wt/.git").is_file(), "the new worktree exists");
    assert!(
        stderr(&out).contains("refused to create"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_linked_worktrees_pointer_cannot_be_rewritten() {
    let f = Fixture::new();
    repository(&f.project);
    git(&f.project, &["worktree", "add", "-q", "../wt"]);
    let wt = f.home.join("wt");
    let pointer = read(&wt.join(".git"));
    let attack = "printf 'gitdir: /var/tmp/evil\\n' > ../wt/.git; echo twin > ../wt/twin";
    let home = f.home.to_string_lossy().into_owned();
    let out = f.run_sh(&["--allow", &home], attack);
    assert_eq!(read(&wt.join("twin")), "twin\n", "{}", stderr(&out));
    assert_eq!(read(&wt.join(".git")), pointer);
    // Control: without nono it is rewritten.
    f.bare_sh(attack);
    assert_ne!(read(&wt.join(".git")), pointer, "control");
}

#[test]
fn a_bare_repository_in_a_grant_keeps_its_hooks_and_config() {
    // A push target in the grant: its hooks run on the host when the user pushes to it.
    let f = Fixture::sparse();
    let bare = f.project.join("remote.git");
    std::fs::create_dir_all(&bare).unwrap();
    git(&bare, &["init", "-q", "--bare"]);
    let config = read(&bare.join("config"));
    let script = "echo 'exit 0' > remote.git/hooks/post-receive; echo '[core] fsmonitor = x' >> remote.git/config; echo mine > remote.git/description; cat remote.git/description";
    // Control: without nono the hook and the config are written.
    let ctl = Fixture::sparse();
    let ctl_bare = ctl.project.join("remote.git");
    std::fs::create_dir_all(&ctl_bare).unwrap();
    git(&ctl_bare, &["init", "-q", "--bare"]);
    ctl.bare_sh(script);
    assert!(ctl_bare.join("hooks/post-receive").exists(), "control");

    let out = f.run_sh(&["--allow", "."], script);
    assert_eq!(
        stdout(&out),
        "mine\n",
        "the rest is writable: {}",
        stderr(&out)
    );
    assert!(!bare.join("hooks/post-receive").exists());
    assert_eq!(read(&bare.join("config")), config);
}

/// An earlier run must not hide a repository from the next run's search: the search skips
/// trees marked as caches (`CACHEDIR.TAG`, `pyvenv.cfg`) and looks for no work tree in a bare
/// repository's objects, so a marker planted on the way to a repository would leave its hooks
/// writable next time. The first run's cache markers are refused (a twin name beside each is
/// created); a bare repository's markers at the top are allowed and hide nothing.
#[test]
fn a_planted_marker_does_not_hide_repositories_from_the_next_run() {
    let f = Fixture::new();
    let src = f.home.join("src");
    for r in ["repoA", "group/repoB"] {
        repository(&src.join(r));
    }
    let src_s = src.to_string_lossy().into_owned();
    let run = |script: &str| {
        let mut cmd = f.nono(["run", "--allow", &src_s, "--", "/bin/sh", "-c", script]);
        cmd.current_dir(&src);
        cmd.output().unwrap()
    };
    let out = run("for d in . group group/repoB repoA; do
      for m in CACHEDIR.TAG pyvenv.cfg; do touch $d/$m 2>/dev/null && echo planted $d/$m; done
      touch $d/twin.cfg && echo twin $d
    done
    echo 'ref: refs/heads/main' > HEAD && mkdir objects refs && echo bare");
    assert_eq!(
        stdout(&out),
        "twin .\ntwin group\ntwin group/repoB\ntwin repoA\nbare\n",
        "{}",
        stderr(&out)
    );
    let before: Vec<String> = ["repoA", "group/repoB"]
        .iter()
        .map(|r| what_git_runs(&src.join(r)))
        .collect();
    let out = run("for r in repoA group/repoB; do
      echo '#!/bin/sh' > $r/.git/hooks/pre-commit
      printf '[core]\\n\\tfsmonitor = evil\\n' >> $r/.git/config
      echo twin > $r/twin
    done");
    for (r, was) in ["repoA", "group/repoB"].iter().zip(&before) {
        assert_eq!(
            read(&src.join(r).join("twin")),
            "twin\n",
            "{}",
            stderr(&out)
        );
        assert_eq!(&what_git_runs(&src.join(r)), was, "{r}: {}", stderr(&out));
    }
}

/// A file system mounted inside a writable grant is writable through it, so its repositories
/// are searched and protected like the others. The mount is made in a mount namespace of the
/// test's own (a user namespace too when unprivileged), and nono runs in it.
#[test]
fn a_repository_on_a_file_system_mounted_in_the_grant_keeps_its_hooks() {
    let f = Fixture::new();
    if require_program("unshare").is_none() {
        return;
    }
    let src = f.home.join("src");
    std::fs::create_dir_all(src.join("mnt")).unwrap();
    let script = format!(
        "set -e
        mount -t tmpfs mounted mnt
        git init -q mnt/repo
        {nono} run --allow . -- /bin/sh -c 'echo evil > mnt/repo/.git/hooks/pre-commit; echo twin > mnt/repo/twin'
        test -f mnt/repo/twin && echo twin written
        test -f mnt/repo/.git/hooks/pre-commit && echo hook written
        echo control > mnt/repo/.git/hooks/pre-commit && echo control written",
        nono = nono_bin().display()
    );
    let out = Command::new("unshare")
        .args([
            "--user",
            "--map-root-user",
            "--mount",
            "/bin/sh",
            "-c",
            &script,
        ])
        .current_dir(&src)
        .env("HOME", &f.home)
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .output()
        .unwrap();
    assert_eq!(
        stdout(&out),
        "twin written\ncontrol written\n",
        "{}",
        stderr(&out)
    );
}

/// A linked worktree whose common directory lies where the search does not look (installed
/// packages, here `node_modules`): the worktree's pointer leads there, and that repository's
/// hooks and configuration stay read-only too.
#[test]
fn a_worktrees_common_directory_is_protected_where_the_search_does_not_look() {
    let f = Fixture::new();
    let src = f.home.join("src");
    let dep = src.join("node_modules/dep");
    repository(&dep);
    git(&dep, &["worktree", "add", "-q", "../../wt"]);
    assert!(src.join("wt/.git").is_file(), "the worktree exists");
    let before = what_git_runs(&dep);
    let src_s = src.to_string_lossy().into_owned();
    let mut cmd = f.nono([
        "run",
        "--allow",
        &src_s,
        "--",
        "/bin/sh",
        "-c",
        "d=node_modules/dep/.git; echo '#!/bin/sh' > $d/hooks/pre-commit
         printf '[core]\\n\\tfsmonitor = evil\\n' >> $d/config; echo twin > node_modules/dep/twin",
    ]);
    cmd.current_dir(&src);
    let out = cmd.output().unwrap();
    assert_eq!(read(&dep.join("twin")), "twin\n", "{}", stderr(&out));
    assert_eq!(what_git_runs(&dep), before, "{}", stderr(&out));
}
