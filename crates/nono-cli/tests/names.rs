//! Protected names hold under a grant of the whole home: a protected path that does not exist
//! yet cannot be created by any call (open, mkdir, symlink, hard link, rename), while ordinary
//! creation around it keeps working. Judged on the host: the name is absent after the run,
//! and a twin name next to it was created in the same run (the positive control).

mod common;
use common::*;
use std::path::Path;

const PY: &str = "/usr/bin/python3";

/// Runs `script` with `sh` under `--allow HOME` (plus `extra`).
fn in_home(f: &Fixture, extra: &[&str], script: &str) -> std::process::Output {
    let home = f.home.to_string_lossy().into_owned();
    let mut flags = vec!["--allow", home.as_str()];
    flags.extend_from_slice(extra);
    f.run_sh(&flags, script)
}

fn absent(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_err()
}

#[test]
fn absent_protected_names_cannot_be_created_by_any_call() {
    let f = Fixture::sparse();
    std::fs::remove_dir_all(f.home.join(".ssh")).unwrap();
    std::fs::write(f.home.join("planted"), "#!/bin/sh\necho pwned\n").unwrap();
    // Each attack, and a twin that must succeed in the same run.
    let attacks = [
        ("echo evil > ~/.bash_profile", ".bash_profile"),
        ("mkdir ~/.ssh && echo key > ~/.ssh/authorized_keys", ".ssh"),
        ("ln -s ~/planted ~/.zshenv", ".zshenv"),
        ("ln ~/planted ~/.zprofile", ".zprofile"),
        ("mv ~/planted ~/.bash_login", ".bash_login"),
        ("mkfifo ~/.zlogin", ".zlogin"),
        (
            &format!("{PY} -c \"import os; os.rename(os.path.expanduser('~/planted'), os.path.expanduser('~/.gitconfig'))\""),
            ".gitconfig",
        ),
        (
            &format!("{PY} -c \"import os; os.close(os.open(os.path.expanduser('~/.kshrc'), os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o644))\""),
            ".kshrc",
        ),
    ];
    let mut script = String::new();
    for (i, (attack, _)) in attacks.iter().enumerate() {
        script.push_str(&format!("{attack} 2>/dev/null; echo twin > ~/twin-{i}\n"));
    }
    // Control: without nono every attack lands.
    let ctl = Fixture::sparse();
    std::fs::remove_dir_all(ctl.home.join(".ssh")).unwrap();
    std::fs::write(ctl.home.join("planted"), "x").unwrap();
    for (attack, name) in &attacks {
        let out = ctl.bare_sh(attack);
        assert!(
            !absent(&ctl.home.join(name)),
            "control {attack}: {}",
            stderr(&out)
        );
        if *name == ".bash_login" || *name == ".gitconfig" {
            std::fs::write(ctl.home.join("planted"), "x").unwrap();
        }
    }
    let out = in_home(&f, &[], &script);
    assert_eq!(child_code(&out), 0, "{}", stderr(&out));
    for (i, (attack, name)) in attacks.iter().enumerate() {
        assert!(absent(&f.home.join(name)), "{attack} created {name}");
        assert_eq!(
            read(&f.home.join(format!("twin-{i}"))),
            "twin\n",
            "{attack}"
        );
    }
    // Each refusal names the path and the flag that would allow it.
    let err = stderr(&out);
    assert!(
        err.contains("refused to create ~/.bash_profile")
            && err.contains("--unprotect ~/.bash_profile"),
        "{err}"
    );
}

#[test]
fn directories_on_the_way_may_be_made_but_guard_what_follows() {
    let f = Fixture::sparse();
    // ~/.local does not exist: it and ~/.local/share may be made (tools keep data there), but
    // the protected name beneath them may not.
    assert!(absent(&f.home.join(".local")));
    let out = in_home(
        &f,
        &[],
        "mkdir -p ~/.local/share/sometool && echo ok > ~/.local/share/sometool/x; mkdir -p ~/.local/share/keyrings; echo rc=$?",
    );
    assert_eq!(stdout(&out), "rc=1\n", "{}", stderr(&out));
    assert_eq!(read(&f.home.join(".local/share/sometool/x")), "ok\n");
    assert!(absent(&f.home.join(".local/share/keyrings")));
    // Renaming a prepared directory into place is no way around it.
    let out = in_home(
        &f,
        &[],
        "mkdir -p ~/staged && mv ~/staged ~/.local/share/keyrings; echo rc=$?",
    );
    assert_eq!(stdout(&out), "rc=1\n", "{}", stderr(&out));
    assert!(absent(&f.home.join(".local/share/keyrings")));
    // Every protected name beneath a directory made on the way stays guarded, not only the
    // first the table lists there.
    let names = [
        ".local/share/keyrings",
        ".local/share/applications",
        ".local/share/dbus-1",
        ".local/share/systemd",
        ".local/bin",
    ];
    let script: String = names
        .iter()
        .map(|n| format!("mkdir ~/{n} 2>/dev/null; "))
        .chain(["mkdir ~/.local/share/twin; echo done".to_string()])
        .collect();
    let g = Fixture::sparse();
    let out = in_home(&g, &[], &format!("mkdir -p ~/.local/share; {script}"));
    assert_eq!(stdout(&out), "done\n", "{}", stderr(&out));
    for n in names {
        assert!(absent(&g.home.join(n)), "{n}");
    }
    assert!(g.home.join(".local/share/twin").is_dir(), "control");
}

#[test]
fn ordinary_work_in_the_home_keeps_working() {
    let f = Fixture::sparse();
    let script = "mkdir ~/newproject && echo a > ~/newproject/file && mkdir -p ~/.cache/sometool && echo b > ~/.cache/sometool/x && mkdir ~/.newtool && echo c > ~/.newtool/state && mv ~/newproject/file ~/newproject/renamed && ln -s renamed ~/newproject/link && cat ~/newproject/link";
    let out = in_home(&f, &[], script);
    assert_eq!(stdout(&out), "a\n", "{}", stderr(&out));
    assert_eq!(read(&f.home.join("newproject/renamed")), "a\n");
    assert_eq!(read(&f.home.join(".cache/sometool/x")), "b\n");
    assert_eq!(read(&f.home.join(".newtool/state")), "c\n");
    // Modes follow the program's umask, as if it had created the files itself.
    let out = in_home(&f, &[], "umask 077; echo x > ~/private && mkdir ~/privdir");
    assert_eq!(child_code(&out), 0, "{}", stderr(&out));
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &str| {
        std::fs::metadata(f.home.join(p))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!((mode("private"), mode("privdir")), (0o600, 0o700));
}

#[test]
fn unprotect_lifts_one_absent_name_loudly() {
    let f = Fixture::sparse();
    let out = in_home(
        &f,
        &["--unprotect", "~/.bash_profile"],
        "echo mine > ~/.bash_profile; echo x > ~/.bash_login",
    );
    assert_eq!(
        read(&f.home.join(".bash_profile")),
        "mine\n",
        "{}",
        stderr(&out)
    );
    assert!(absent(&f.home.join(".bash_login")), "only that name");
    let plan = f
        .nono([
            "run",
            "--allow",
            &f.home.to_string_lossy(),
            "--unprotect",
            "~/.bash_profile",
            "--dry-run",
            "--",
            "true",
        ])
        .output()
        .unwrap();
    assert!(
        stdout(&plan).contains(".bash_login"),
        "the plan lists the guarded names: {}",
        stdout(&plan)
    );
}

#[test]
fn renaming_a_parent_cannot_move_a_protection_away() {
    let f = Fixture::sparse();
    for dir in [".config/git", ".config/nono/profiles"] {
        std::fs::create_dir_all(f.home.join(dir)).unwrap();
    }
    std::fs::write(f.home.join(".config/git/config"), "[user]\n\tname = me\n").unwrap();
    std::fs::write(f.home.join(".config/nono/profiles/mine.toml"), "").unwrap();
    let attack = "mv ~/.config ~/.config.old; mkdir -p ~/.config/git ~/.config/nono/profiles; echo '[core] fsmonitor = evil' > ~/.config/git/config; echo '[filesystem] allow = [\"/\"]' > ~/.config/nono/profiles/default.toml; echo twin > ~/twin";
    // Control: without nono the attack lands.
    let ctl = Fixture::sparse();
    std::fs::create_dir_all(ctl.home.join(".config/git")).unwrap();
    std::fs::write(ctl.home.join(".config/git/config"), "ok").unwrap();
    ctl.bare_sh(attack);
    assert!(
        read(&ctl.home.join(".config/git/config")).contains("evil"),
        "control"
    );

    let out = in_home(&f, &[], attack);
    assert_eq!(read(&f.home.join("twin")), "twin\n", "{}", stderr(&out));
    assert!(absent(&f.home.join(".config.old")), "{}", stderr(&out));
    assert_eq!(
        read(&f.home.join(".config/git/config")),
        "[user]\n\tname = me\n"
    );
    assert!(absent(&f.home.join(".config/nono/profiles/default.toml")));
    assert!(
        stderr(&out).contains("Device or resource busy"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_symlinked_dotfile_cannot_be_replaced() {
    let f = Fixture::sparse();
    std::fs::create_dir_all(f.home.join("dotfiles")).unwrap();
    std::fs::write(f.home.join("dotfiles/zshrc"), "# mine\n").unwrap();
    std::os::unix::fs::symlink("dotfiles/zshrc", f.home.join(".zshrc")).unwrap();
    let attack = "rm -f ~/.zshrc; echo evil > ~/.zshrc; echo evil >> ~/dotfiles/zshrc; mv ~/dotfiles ~/df2; cat ~/.zshrc; echo twin > ~/dotfiles/twin";
    // Control: without nono the link is replaced.
    let ctl = Fixture::sparse();
    std::fs::create_dir_all(ctl.home.join("dotfiles")).unwrap();
    std::fs::write(ctl.home.join("dotfiles/zshrc"), "# mine\n").unwrap();
    std::os::unix::fs::symlink("dotfiles/zshrc", ctl.home.join(".zshrc")).unwrap();
    ctl.bare_sh(attack);
    assert!(
        !std::fs::symlink_metadata(ctl.home.join(".zshrc"))
            .unwrap()
            .file_type()
            .is_symlink(),
        "control"
    );

    let out = in_home(&f, &[], attack);
    assert_eq!(
        stdout(&out),
        "# mine\n",
        "the name still reads the same: {}",
        stderr(&out)
    );
    let link = std::fs::read_link(f.home.join(".zshrc")).unwrap();
    assert_eq!(link, Path::new("dotfiles/zshrc"));
    assert_eq!(read(&f.home.join("dotfiles/zshrc")), "# mine\n");
    assert!(absent(&f.home.join("df2")));
    assert_eq!(
        read(&f.home.join("dotfiles/twin")),
        "twin\n",
        "the rest of the directory is writable"
    );
}

#[test]
fn a_link_to_a_protected_path_outside_the_grants_cannot_be_repointed() {
    // ~/.ssh links to a key store outside the home; under --allow ~ the link itself lies in
    // the grant. Re-pointed, it would hand the host's next ssh an authorized_keys of the
    // program's own.
    let setup = |f: &Fixture| {
        let store = f.outside.join("keys");
        std::fs::remove_dir_all(f.home.join(".ssh")).unwrap();
        std::fs::create_dir_all(&store).unwrap();
        std::fs::write(store.join("id_ed25519"), SECRET).unwrap();
        std::os::unix::fs::symlink(&store, f.home.join(".ssh")).unwrap();
        std::fs::create_dir_all(f.home.join("mine")).unwrap();
        store
    };
    let attack = "ln -sfn ~/mine ~/.ssh; rm -f ~/.ssh; mv ~/.ssh ~/old; echo key > ~/.ssh/authorized_keys; cat ~/.ssh/id_ed25519; echo control > ~/mine/file; cat ~/mine/file";
    // Control: without nono the link is replaced.
    let ctl = Fixture::sparse();
    let ctl_store = setup(&ctl);
    ctl.bare_sh(attack);
    assert!(std::fs::read_link(ctl.home.join(".ssh")).ok() != Some(ctl_store));

    let f = Fixture::sparse();
    let store = setup(&f);
    let out = in_home(&f, &[], attack);
    assert_eq!(stdout(&out), "control\n", "{}", stderr(&out));
    assert_eq!(std::fs::read_link(f.home.join(".ssh")).unwrap(), store);
    assert!(absent(&f.home.join("old")) && absent(&store.join("authorized_keys")));
    assert!(absent(&f.home.join("mine/authorized_keys")));
}

#[test]
fn directories_on_path_inside_a_writable_grant_stay_read_only() {
    let f = Fixture::sparse();
    let (bin, absent_bin, twin) = (
        f.project.join("bin"),
        f.project.join("tools/bin"),
        f.project.join("bin2"),
    );
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::create_dir_all(&twin).unwrap();
    let path = format!(
        "{}:{}:/usr/local/bin:/usr/bin:/bin",
        bin.display(),
        absent_bin.display()
    );
    let run = |extra: &[&str]| {
        let mut args = vec!["run", "--allow", "."];
        args.extend_from_slice(extra);
        args.extend_from_slice(&[
            "--",
            "/bin/sh",
            "-c",
            "echo x > bin/git; mkdir -p tools/bin && echo x > tools/bin/git; echo x > bin2/git; echo done",
        ]);
        let mut cmd = f.nono(args);
        cmd.env("PATH", &path);
        cmd.output().unwrap()
    };
    let out = run(&[]);
    assert_eq!(stdout(&out), "done\n", "{}", stderr(&out));
    assert!(absent(&bin.join("git")) && absent(&absent_bin.join("git")));
    assert!(
        stderr(&out).contains("a protected name (group path)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        read(&twin.join("git")),
        "x\n",
        "control: a directory not on PATH"
    );
    // Positive control in the same conditions: lifted, both are written.
    let bin_s = bin.to_string_lossy().into_owned();
    let absent_s = absent_bin.to_string_lossy().into_owned();
    let out = run(&["--unprotect", &bin_s, "--unprotect", &absent_s]);
    assert_eq!(stdout(&out), "done\n", "{}", stderr(&out));
    assert_eq!(read(&bin.join("git")), "x\n");
    assert_eq!(read(&absent_bin.join("git")), "x\n");
}

#[test]
fn a_notification_filter_of_the_programs_own_cannot_take_over() {
    // The newest seccomp notification filter takes precedence: one of the program's own,
    // answering "continue", would let the kernel create a guarded name itself.
    let f = Fixture::sparse();
    let probe = f.home.join("notify_override");
    let src = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/probes/notify_override.c"
    );
    let cc = std::process::Command::new("cc")
        .args(["-O1", "-pthread", "-o"])
        .arg(&probe)
        .arg(src)
        .output()
        .unwrap();
    assert!(cc.status.success(), "{}", stderr(&cc));
    let target = f.home.join(".bash_profile");
    // Control: without nono the override creates the file through the kernel.
    let ctl = Fixture::sparse();
    let out = std::process::Command::new(&probe)
        .arg(ctl.home.join(".bash_profile"))
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "created\n", "control");
    let probe_s = probe.to_string_lossy().into_owned();
    let target_s = target.to_string_lossy().into_owned();
    let out = in_home(
        &f,
        &[],
        &format!("'{probe_s}' '{target_s}'; echo twin > ~/twin"),
    );
    assert!(
        stdout(&out).starts_with("refused: seccomp:"),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(absent(&target));
    assert_eq!(
        read(&f.home.join("twin")),
        "twin\n",
        "control in the same run"
    );
}
