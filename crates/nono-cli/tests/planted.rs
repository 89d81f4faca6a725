//! Grants planted by an earlier run: a sandboxed program with a writable grant can leave a
//! symlink where the user will later name a grant. A grant is what the user named: one that
//! a symlink takes elsewhere is shown on every run, one that lands in a git directory is
//! refused, and a profile's grant never follows a symlink out of the place it names. Each
//! plant is made by a real sandboxed run first.

mod common;
use common::*;

/// Plants with a sandboxed run under `flags`, and checks the plant landed on the host.
fn plant(f: &Fixture, flags: &[&str], script: &str, link: &std::path::Path) {
    let out = f.run_sh(flags, script);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(std::fs::symlink_metadata(link).is_ok_and(|m| m.file_type().is_symlink()));
}

#[test]
fn a_grant_through_a_planted_symlink_is_shown_on_every_run() {
    let f = Fixture::sparse();
    let other = f.home.join("other-project");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join(".env"), "KEY=other\n").unwrap();
    std::fs::create_dir_all(f.project.join("src")).unwrap();
    let script = format!(
        "ln -s '{}' build && ln -s '{}' docs",
        other.display(),
        other.display()
    );
    plant(&f, &["--allow", "."], &script, &f.project.join("build"));
    let notice = |grant: &str| {
        format!(
            "nono: {grant} leads to {} through a symlink\n",
            other.display()
        )
    };
    for _ in 0..2 {
        let out = f.run_sh(&["--allow", "build"], "echo ok");
        assert_eq!(stdout(&out), "ok\n", "{}", stderr(&out));
        assert!(
            stderr(&out).contains(&notice("--allow build")),
            "{}",
            stderr(&out)
        );
        let out = f.run_sh(&["--allow", ".", "--read", "docs"], "cat docs/.env");
        assert_eq!(stdout(&out), "KEY=other\n", "{}", stderr(&out));
        assert!(
            stderr(&out).contains(&notice("--read docs")),
            "{}",
            stderr(&out)
        );
    }
    // Positive control in the same conditions: a real directory is named without a notice.
    let out = f.run_sh(&["--allow", "src"], "echo ok");
    assert_eq!(stdout(&out), "ok\n");
    assert!(
        !stderr(&out).contains("through a symlink"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_grant_never_lands_on_a_git_directorys_hooks() {
    let f = Fixture::sparse();
    git_init(&f.project);
    plant(
        &f,
        &["--allow", "."],
        "ln -s .git/hooks build",
        &f.project.join("build"),
    );
    let hooks = f.project.join(".git/hooks");
    let hook = hooks.join("pre-commit");
    let marker = f.project.join("ran");
    let script = format!("touch ran; echo x > '{}'", hook.display());
    for grant in ["build", ".git/hooks"] {
        let out = f.run_sh(&["--allow", grant], &script);
        assert_eq!(out.status.code(), Some(125), "{grant}: {}", stderr(&out));
        assert_eq!(
            stderr(&out).lines().last().unwrap_or(""),
            format!(
                "nono: --allow {grant} is protected (group git): add --unprotect {} to grant it anyway",
                hooks.display()
            )
        );
        assert!(
            !hook.exists() && !marker.exists(),
            "{grant}: the command ran"
        );
    }
    // A grant of the git directory itself (a linked worktree's commits write there) keeps
    // the hooks read-only while the rest of it is written.
    let script = format!(
        "echo x > '{}'; echo ok > .git/description; cat .git/description",
        hook.display()
    );
    let out = f.run_sh(&["--read", ".", "--allow", ".git"], &script);
    assert_eq!(stdout(&out), "ok\n", "{}", stderr(&out));
    assert!(!hook.exists());
    // Positive control in the same conditions: lifted by name, the same grant writes there.
    let lifted = hooks.to_string_lossy().into_owned();
    let out = f.run_sh(
        &["--allow", "build", "--unprotect", &lifted],
        "echo x > build/pre-commit",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(read(&hook), "x\n");
}

#[test]
fn a_profile_grant_never_follows_a_planted_symlink() {
    let f = Fixture::sparse();
    let other = f.home.join("other-project");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::create_dir_all(f.home.join(".cache")).unwrap();
    let cache = f.home.join(".cache/claude-cli-nodejs");
    let home = f.home.to_string_lossy().into_owned();
    let script = format!("ln -s '{}' '{}'", other.display(), cache.display());
    plant(&f, &["--allow", &format!("{home}/.cache")], &script, &cache);
    let out = f.run_sh(
        &["--profile", "claude-code"],
        "echo x > ~/.cache/claude-cli-nodejs/planted",
    );
    assert_eq!(out.status.code(), Some(125), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.starts_with("nono: <built-in>/claude-code.toml:")
            && err.contains(&format!(
                "filesystem.allow ~/.cache/claude-cli-nodejs: leads to {} through a symlink",
                other.display()
            )),
        "{err}"
    );
    assert!(!other.join("planted").exists());
    // Positive control in the same conditions: the real directory is granted.
    std::fs::remove_file(&cache).unwrap();
    std::fs::create_dir(&cache).unwrap();
    let out = f.run_sh(
        &["--profile", "claude-code"],
        "echo x > ~/.cache/claude-cli-nodejs/planted",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(read(&cache.join("planted")), "x\n");
}

#[test]
fn a_grant_below_the_top_of_a_repository_keeps_what_of_it_runs_code() {
    let f = Fixture::sparse();
    git_init(&f.project);
    std::fs::create_dir_all(f.project.join(".claude")).unwrap();
    std::fs::write(f.project.join(".claude/settings.json"), "{}\n").unwrap();
    // A planted link to the directory works the same: what is protected is the file.
    plant(
        &f,
        &["--allow", "."],
        "ln -s .claude agent",
        &f.project.join("agent"),
    );
    for grant in [".claude", "agent"] {
        let out = f.run_sh(
            &["--allow", grant],
            "echo '{\"hooks\":1}' > .claude/settings.json; echo ok > .claude/notes.md; cat .claude/notes.md",
        );
        assert_eq!(stdout(&out), "ok\n", "{grant}: {}", stderr(&out));
        assert_eq!(
            read(&f.project.join(".claude/settings.json")),
            "{}\n",
            "{grant}"
        );
        // Not there yet: guarded.
        let out = f.run_sh(&["--allow", grant], "echo x > .claude/settings.local.json");
        assert_ne!(out.status.code(), Some(0), "{grant}");
        assert!(
            !f.project.join(".claude/settings.local.json").exists(),
            "{grant}"
        );
    }
}
