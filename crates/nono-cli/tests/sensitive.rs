//! Every documented sensitive path (docs/security.md, "Sensitive paths") in real sandboxed
//! children. The fixture's home holds each home entry, with content, and an unprotected twin
//! beside it (the same path with `.twin` appended); one probe (`probes/files.py`) reads and
//! writes them all: under a grant that covers them (masks), without one, and granted directly.
//! The twins, and the entries themselves once `--unprotect` lifts their protection, are the
//! positive controls in the same conditions. The system entries are checked in an `/etc` that
//! holds every one of them (root), or where their file modes already protect them (nobody).
//!
//! Denials are accepted in the forms the kernel may give them: EACCES (a mask, Landlock),
//! ENOENT (a path absent from the sandbox's view), EROFS (a read-only mount), EPERM; but the
//! content never comes back and the host file never changes.

mod common;
use common::files::*;
use common::*;
use std::path::Path;
use std::process::Command;

fn home_entries(f: &Fixture) -> Vec<Sensitive> {
    let entries: Vec<Sensitive> = documented_sensitive(&f.home)
        .into_iter()
        .filter(|e| !e.system && !e.project)
        .collect();
    assert!(entries.len() > 50, "the documented home entries");
    entries
}

#[test]
fn every_home_entry_is_hidden_or_read_only_under_a_grant_that_covers_it() {
    let f = Fixture::new();
    let entries = home_entries(&f);
    let before: Vec<String> = entries.iter().map(|e| host(e.dir, &e.path)).collect();
    let home = key(&f.home);

    let got = attempts(
        files_probe(&f, &["--allow".into(), home.clone()]),
        &targets(&entries, true),
    );
    for (e, content) in entries.iter().zip(&before) {
        assert_protected(e, &got, content);
    }

    // Positive control in the same conditions: the same grant with every protection lifted
    // reads and writes every entry, so the protection is all that stopped the first run.
    let mut flags = vec!["--allow".to_string(), home];
    for e in &entries {
        flags.extend(["--unprotect".to_string(), key(&e.path)]);
    }
    let got = attempts(files_probe(&f, &flags), &targets(&entries, false));
    for (e, content) in entries.iter().zip(&before) {
        let entry = &got[&key(&e.path)];
        assert_eq!(
            entry.read,
            format!("ok:{content}"),
            "control: {}",
            e.documented
        );
        assert_eq!(entry.write, "ok", "control: {}", e.documented);
        assert!(planted(e.dir, &e.path), "control: {}", e.documented);
    }
}

#[test]
fn every_home_entry_stays_out_of_reach_without_a_grant_that_covers_it() {
    let f = Fixture::new();
    let entries = home_entries(&f);
    let before: Vec<String> = entries.iter().map(|e| host(e.dir, &e.path)).collect();
    // The project, and each twin on its own: the twins are the positive control.
    let mut flags = vec!["--allow".to_string(), key(&f.project)];
    for e in &entries {
        let flag = if e.dir { "--allow" } else { "--allow-file" };
        flags.extend([flag.to_string(), key(&e.twin)]);
    }
    let got = attempts(files_probe(&f, &flags), &targets(&entries, true));
    for (e, content) in entries.iter().zip(&before) {
        let (entry, twin) = (&got[&key(&e.path)], &got[&key(&e.twin)]);
        let what = &e.documented;
        // The baseline may grant a read-only entry for reading (git's ~/.gitconfig).
        let readable = !e.hidden && entry.read == format!("ok:{content}");
        assert!(
            readable || DENIED_READ.contains(&entry.read.as_str()),
            "{what} read: {}",
            entry.read
        );
        assert_refused(DENIED_WRITE, &entry.write, &format!("{what} write"));
        assert_eq!(&host(e.dir, &e.path), content, "{what} changed on the host");
        assert_eq!(
            twin.read,
            format!("ok:{}", e.twin_content()),
            "twin of {what}"
        );
        assert_eq!(twin.write, "ok", "twin of {what}");
    }
}

#[test]
fn an_agents_own_entries_are_its_under_its_profile_and_protected_under_every_other() {
    let entries = home_entries(&Fixture::sparse());
    let mut owners: Vec<&str> = entries
        .iter()
        .flat_map(|e| e.owners.iter().map(String::as_str))
        .collect();
    owners.sort_unstable();
    owners.dedup();
    assert!(owners.len() >= 5, "the documented owners: {owners:?}");
    for owner in owners {
        // A fresh home for each: the twins are written to.
        let f = Fixture::new();
        let entries = home_entries(&f);
        let before: Vec<String> = entries.iter().map(|e| host(e.dir, &e.path)).collect();
        let flags = ["--profile", owner, "--allow", &key(&f.home)].map(String::from);
        let got = attempts(files_probe(&f, &flags), &targets(&entries, true));
        for (e, content) in entries.iter().zip(&before) {
            if !e.owners.iter().any(|o| o == owner) {
                // Every other entry, other agents' own among them, as without a profile.
                assert_protected(e, &got, content);
                continue;
            }
            // Its own: the grant (--allow ~) decides, as for any path.
            let entry = &got[&key(&e.path)];
            let what = format!("{} under --profile {owner}", e.documented);
            assert_eq!(entry.read, format!("ok:{content}"), "{what}");
            assert_eq!(entry.write, "ok", "{what}");
            assert!(planted(e.dir, &e.path), "{what}");
        }
    }
}

#[test]
fn an_agent_creates_its_own_login_on_its_first_run_and_no_other_program_can() {
    let f = Fixture::sparse();
    let login = f.home.join(".claude/.credentials.json");
    let script = "mkdir -p ~/.claude && echo token > ~/.claude/.credentials.json";
    // Another agent's profile, with the same grant: the name stays guarded.
    let out = f.run_sh(&["--profile", "codex", "--allow", "~"], script);
    assert_ne!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("a protected name (group agent-credentials)"),
        "{}",
        stderr(&out)
    );
    assert!(!login.exists());
    // Positive control in the same conditions: under its owner's profile it is created.
    let out = f.run_sh(&["--profile", "claude-code", "--allow", "~"], script);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(read(&login), "token\n");
}

/// The documented project entries, rooted at `root` instead of the fixture's project.
fn project_entries(f: &Fixture, root: &Path) -> Vec<Sensitive> {
    let entries: Vec<Sensitive> = documented_sensitive(&f.home)
        .into_iter()
        .filter(|e| e.project)
        .map(|e| {
            let rel = e.path.strip_prefix(&f.project).unwrap();
            let mut moved =
                Sensitive::new(&e.documented, &e.group, e.hidden, e.dir, root.join(rel));
            moved.project = true;
            moved
        })
        .collect();
    assert!(entries.len() > 10, "the documented project entries");
    entries
}

#[test]
fn every_project_entry_is_read_only_at_a_grant_and_in_every_repository_in_it() {
    let f = Fixture::sparse();
    let repo = f.project.join("libs/inner");
    std::fs::create_dir_all(&repo).unwrap();
    git_init(&repo);
    let mut entries = project_entries(&f, &f.project);
    entries.extend(project_entries(&f, &repo));
    // A directory of the project that is no repository: no protection there (the control).
    let plain = project_entries(&f, &f.project.join("docs"));
    for e in entries.iter().chain(&plain) {
        e.seed(&e.path, &e.twin);
    }
    let before: Vec<String> = entries.iter().map(|e| host(e.dir, &e.path)).collect();
    let mut all = targets(&entries, true);
    all.extend(targets(&plain, false));
    let got = attempts(files_probe(&f, &["--allow".into(), ".".into()]), &all);
    for (e, content) in entries.iter().zip(&before) {
        assert_protected(e, &got, content);
    }
    for e in &plain {
        assert_eq!(
            got[&key(&e.path)].write,
            "ok",
            "{} outside a repository",
            e.path.display()
        );
    }
    // Positive control in the same conditions: each lifted, each written.
    let mut flags = vec!["--allow".to_string(), ".".into()];
    for e in &entries {
        flags.extend(["--unprotect".to_string(), key(&e.path)]);
    }
    let got = attempts(files_probe(&f, &flags), &targets(&entries, false));
    for e in &entries {
        assert_eq!(
            got[&key(&e.path)].write,
            "ok",
            "control: {}",
            e.path.display()
        );
        assert!(planted(e.dir, &e.path), "control: {}", e.path.display());
    }
}

#[test]
fn absent_project_entries_cannot_be_created_at_a_grant() {
    let f = Fixture::sparse();
    let entries = project_entries(&f, &f.project);
    // Create each (its directory first), and a twin beside it: the positive control.
    let mut script = String::new();
    for e in &entries {
        for (path, what) in [(&e.path, "entry"), (&e.twin, "twin")] {
            let (dir, file) = if e.dir {
                (path.clone(), path.join("x"))
            } else {
                (path.parent().unwrap().to_path_buf(), path.clone())
            };
            script.push_str(&format!(
                "mkdir -p '{}' 2>/dev/null; echo {what} > '{}' 2>/dev/null || true\n",
                dir.display(),
                file.display()
            ));
        }
    }
    let out = f.run_sh(&["--allow", "."], &script);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for e in &entries {
        let made = if e.dir {
            e.path.join("x")
        } else {
            e.path.clone()
        };
        assert!(!made.exists(), "{} was created", e.documented);
        let twin = if e.dir {
            e.twin.join("x")
        } else {
            e.twin.clone()
        };
        assert_eq!(read(&twin), "twin\n", "twin of {}", e.documented);
    }
}

#[test]
fn granting_a_home_entry_itself_needs_unprotect() {
    let f = Fixture::new();
    let entries = home_entries(&f);
    // The grant that would give what the protection forbids: reading a hidden entry, writing a
    // read-only one.
    let grant = |e: &Sensitive| match (e.hidden, e.dir) {
        (true, true) => "--read",
        (true, false) => "--read-file",
        (false, true) => "--allow",
        (false, false) => "--allow-file",
    };
    let marker = f.project.join("ran");
    let mut all = vec!["run".to_string(), "--allow".into(), ".".into()];
    for e in &entries {
        let path = key(&e.path);
        let out = f
            .nono(["run", "--allow", ".", grant(e), &path, "--", "touch", "ran"])
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(125), "{}: {err}", e.documented);
        assert!(
            err.contains(&format!("is protected (group {})", e.group))
                && err.contains("--unprotect"),
            "{}: {err}",
            e.documented
        );
        assert!(!marker.exists(), "{}: the command ran", e.documented);
        all.extend([
            grant(e).to_string(),
            path.clone(),
            "--unprotect".into(),
            path,
        ]);
    }
    // Positive control in the same conditions: every one of those grants, each lifted.
    all.extend(["--".into(), "touch".into(), "ran".into()]);
    let out = f.nono(&all).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(marker.exists());
}

/// Makes `cmd` run in a private mount namespace whose `/etc` is the real one with `upper`
/// laid over it (an overlay; `work` is its scratch directory). Needs root.
fn in_etc_overlay(cmd: &mut Command, upper: &Path, work: &Path) {
    use std::os::unix::process::CommandExt;
    let options = std::ffi::CString::new(format!(
        "lowerdir=/etc,upperdir={},workdir={}",
        upper.display(),
        work.display()
    ))
    .unwrap();
    let check = |ret: libc::c_int| match ret {
        0 => Ok(()),
        _ => Err(std::io::Error::last_os_error()),
    };
    // SAFETY: between fork and exec the closure only makes system calls, with strings made
    // before the fork.
    unsafe {
        cmd.pre_exec(move || {
            let none = std::ptr::null();
            check(libc::unshare(libc::CLONE_NEWNS))?;
            let private = libc::MS_REC | libc::MS_PRIVATE;
            check(libc::mount(none, c"/".as_ptr(), none, private, none.cast()))?;
            let data = options.as_ptr().cast();
            check(libc::mount(
                c"overlay".as_ptr(),
                c"/etc".as_ptr(),
                c"overlay".as_ptr(),
                0,
                data,
            ))
        });
    }
}

#[test]
fn system_secrets_stay_unreadable_while_etc_is_readable() {
    let f = Fixture::new();
    let entries: Vec<Sensitive> = documented_sensitive(&f.home)
        .into_iter()
        .filter(|e| e.system)
        .collect();
    let covered = ["--allow", ".", "--read", "/"].map(String::from).to_vec();
    let baseline = ["--allow", "."].map(String::from).to_vec();
    if !is_root() {
        // nobody cannot lay anything over /etc. The entries this machine has are kept from
        // nobody by their file modes already, without nono (so the root run is the one that
        // shows the table's part); the statement still holds in the sandbox, next to
        // /etc/passwd, which is readable.
        let present: Vec<Sensitive> = entries
            .into_iter()
            .filter(|e| std::fs::symlink_metadata(&e.path).is_ok())
            .collect();
        let mut all = targets(&present, false);
        all.push("f:/etc/passwd".into());
        let bare = attempts(bare_files_probe(), &all);
        for e in &present {
            let read = &bare[&key(&e.path)].read;
            assert_eq!(
                read, "EACCES",
                "{}: the file modes keep it from nobody",
                e.documented
            );
        }
        for flags in [&baseline, &covered] {
            let got = attempts(files_probe(&f, flags), &all);
            for e in &present {
                let read = &got[&key(&e.path)].read;
                assert_refused(DENIED_READ, read, &format!("{} {flags:?}", e.documented));
            }
            let passwd = &got["/etc/passwd"].read;
            assert!(passwd.starts_with("ok:root:"), "control: {passwd}");
        }
        return;
    }
    // As root, /etc is an overlay holding every entry (fake ones: the real secrets are never
    // read) and a twin beside each.
    let (upper, work) = (f.root.join("etc-upper"), f.root.join("etc-work"));
    std::fs::create_dir_all(&work).unwrap();
    for e in &entries {
        let within = |p: &Path| upper.join(p.strip_prefix("/etc").expect("an entry in /etc"));
        e.seed(&within(&e.path), &within(&e.twin));
    }
    let run = |flags: &[String], targets: &[String]| {
        let mut cmd = files_probe(&f, flags);
        in_etc_overlay(&mut cmd, &upper, &work);
        attempts(cmd, targets)
    };
    for flags in [&baseline, &covered] {
        let got = run(flags, &targets(&entries, true));
        for e in &entries {
            let (entry, twin) = (&got[&key(&e.path)], &got[&key(&e.twin)]);
            let what = &e.documented;
            assert_refused(DENIED_READ, &entry.read, &format!("{what} {flags:?}"));
            assert_eq!(
                twin.read,
                format!("ok:{}", e.twin_content()),
                "twin of {what}"
            );
        }
    }
    // Positive control in the same conditions: with their protection lifted, all are read.
    let mut lifted = covered.clone();
    for e in &entries {
        lifted.extend(["--unprotect".to_string(), key(&e.path)]);
    }
    let got = run(&lifted, &targets(&entries, false));
    for e in &entries {
        let read = &got[&key(&e.path)].read;
        assert_eq!(
            read,
            &format!("ok:{}", e.content()),
            "control: {}",
            e.documented
        );
    }
}
