//! Real sandboxed children: each test pairs the denied action with a positive control that
//! shows the same action succeeding without the sandbox or on an allowed twin path, and checks
//! the specific outcome (error text, file contents), not just a non-zero status.

mod common;
use common::*;

#[test]
fn masked_key_is_unreadable_under_allow_home_but_readable_bare() {
    let f = Fixture::new();
    let key = f.home.join(".ssh/id_ed25519");
    let script = format!("cat '{}'", key.display());
    let bare = f.bare_sh(&script);
    assert_eq!(
        stdout(&bare),
        SECRET,
        "positive control: the key is readable without nono"
    );

    let home = f.home.to_string_lossy().into_owned();
    let out = f.run_sh(&["--allow", &home], &script);
    assert_eq!(child_code(&out), 1);
    assert!(!stdout(&out).contains("PRIVATE KEY"));
    let err = stderr(&out);
    assert!(
        err.contains("Permission denied") || err.contains("No such file"),
        "expected EACCES/ENOENT, got: {err}"
    );
    // The same grant still lets the program read ordinary files in the home.
    let ok = f.run_sh(&["--allow", &home], "cat ~/project/file.txt");
    assert_eq!(stdout(&ok), "project data", "{}", stderr(&ok));
}

#[test]
fn masked_directory_cannot_be_listed_or_written() {
    let f = Fixture::new();
    let home = f.home.to_string_lossy().into_owned();
    let script =
        "ls ~/.ssh; echo planted > ~/.ssh/authorized_keys; cat ~/.aws/credentials; cat ~/.netrc";
    let out = f.run_sh(&["--allow", &home], script);
    assert!(!stdout(&out).contains("id_ed25519"));
    assert!(!stdout(&out).contains("fake"));
    assert!(!f.home.join(".ssh/authorized_keys").exists());
    let err = stderr(&out);
    let refusals = ["denied", "Read-only", "No such file"]
        .iter()
        .map(|r| err.matches(r).count())
        .sum::<usize>();
    assert_eq!(refusals, 4, "{err}");
    // Control in the same conditions: with their protection lifted, the same grant lists,
    // writes and reads them.
    let lifted = [
        "--unprotect",
        "~/.ssh",
        "--unprotect",
        "~/.aws",
        "--unprotect",
        "~/.netrc",
    ];
    let out = f.run_sh(&[&["--allow", home.as_str()][..], &lifted].concat(), script);
    let text = stdout(&out);
    assert!(
        text.contains("id_ed25519") && text.contains("aws_secret_access_key=fake"),
        "control: {text}"
    );
    assert!(f.home.join(".ssh/authorized_keys").exists(), "control");
}

#[test]
fn shell_rc_is_readable_but_not_writable_under_allow_home() {
    let f = Fixture::new();
    let home = f.home.to_string_lossy().into_owned();
    let out = f.run_sh(
        &["--allow", &home],
        "cat ~/.bashrc && echo 'evil' >> ~/.bashrc",
    );
    assert_eq!(stdout(&out), "# rc\n");
    assert!(
        stderr(&out).contains("Read-only file system"),
        "{}",
        stderr(&out)
    );
    assert_eq!(read(&f.home.join(".bashrc")), "# rc\n");
    // Positive control: an ordinary file next to it is writable.
    let ok = f.run_sh(&["--allow", &home], "echo fine >> ~/notes && cat ~/notes");
    assert_eq!(stdout(&ok), "fine\n", "{}", stderr(&ok));
}

#[test]
fn secrets_outside_any_grant_are_denied_without_masks() {
    let f = Fixture::new();
    let script = "cat ~/.ssh/id_ed25519; cat ~/.ssh.twin/secret";
    assert!(stdout(&f.bare_sh(script)).starts_with(SECRET), "control");
    // The key's directory is outside every grant; its twin beside it is granted.
    let out = f.run_sh(&["--allow", ".", "--read", "~/.ssh.twin"], script);
    assert_eq!(stdout(&out), "# twin of ~/.ssh\n", "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("Permission denied") || err.contains("No such file"),
        "{err}"
    );
}

#[test]
fn writing_outside_grants_fails_and_leaves_the_file_unchanged() {
    let f = Fixture::new();
    let target = f.outside.join("file.txt");
    let script = format!("echo overwritten > '{}'", target.display());
    let out = f.run_sh(&["--allow", "."], &script);
    assert_eq!(child_code(&out), 2);
    assert!(denied(&stderr(&out)), "{}", stderr(&out));
    assert_eq!(read(&target), "outside data");
    // Positive control: the twin inside the grant is writable.
    let ok = f.run_sh(&["--allow", "."], "echo overwritten > file.txt");
    assert_eq!(child_code(&ok), 0, "{}", stderr(&ok));
    assert_eq!(read(&f.project.join("file.txt")), "overwritten\n");
}

#[test]
fn deleting_or_renaming_outside_grants_fails() {
    let f = Fixture::new();
    let target = f.outside.join("file.txt");
    let script = format!("rm -f '{0}'; mv '{0}' '{0}.moved'; true", target.display());
    let out = f.run_sh(&["--allow", "."], &script);
    assert_eq!(child_code(&out), 0);
    assert_eq!(read(&target), "outside data");
    let ok = f.run_sh(&["--allow", "."], "rm file.txt");
    assert_eq!(child_code(&ok), 0, "{}", stderr(&ok));
    assert!(!f.project.join("file.txt").exists());
}

#[test]
fn read_grant_cannot_write_but_allow_can() {
    let f = Fixture::new();
    let outside = f.outside.to_string_lossy().into_owned();
    let script = format!("cat '{0}/file.txt'; echo x >> '{0}/file.txt'", outside);
    let out = f.run_sh(&["--read", &outside], &script);
    assert_eq!(stdout(&out), "outside data");
    assert!(denied(&stderr(&out)), "{}", stderr(&out));
    assert_eq!(read(&f.outside.join("file.txt")), "outside data");
    let ok = f.run_sh(&["--allow", &outside], &script);
    assert_eq!(child_code(&ok), 0, "{}", stderr(&ok));
    assert_eq!(read(&f.outside.join("file.txt")), "outside datax\n");
}

#[test]
fn write_grant_cannot_read_but_can_write() {
    let f = Fixture::new();
    let outside = f.outside.to_string_lossy().into_owned();
    let out = f.run_sh(
        &["--write", &outside],
        &format!("cat '{0}/file.txt'; echo new > '{0}/created'", outside),
    );
    assert!(!stdout(&out).contains("outside data"));
    assert!(denied(&stderr(&out)), "{}", stderr(&out));
    assert_eq!(read(&f.outside.join("created")), "new\n");
    // Control: a read grant of the same directory reads the file.
    let ok = f.run_sh(&["--read", &outside], &format!("cat '{outside}/file.txt'"));
    assert_eq!(stdout(&ok), "outside data", "{}", stderr(&ok));
}

#[test]
fn exec_works_under_read_grant_and_not_without_one() {
    let f = Fixture::new();
    let script = f.outside.join("tool.sh");
    std::fs::write(&script, "#!/bin/sh\necho tool ran\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let outside = f.outside.to_string_lossy().into_owned();
    let tool = script.to_string_lossy().into_owned();
    let out = f
        .nono(["run", "--read", &outside, "--", &tool])
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "tool ran\n", "{}", stderr(&out));
    let denied = f
        .nono(["run", "--allow", ".", "--", &tool])
        .output()
        .unwrap();
    assert_eq!(denied.status.code(), Some(126), "{}", stderr(&denied));
    assert!(stderr(&denied).starts_with("nono: cannot execute"));
}

#[test]
fn single_file_grants_cover_only_that_file() {
    let f = Fixture::new();
    let file = f.outside.join("file.txt");
    let other = f.outside.join("other.txt");
    std::fs::write(&other, "other").unwrap();
    let (file_s, other_s) = (file.to_string_lossy(), other.to_string_lossy());
    let script = format!("cat '{file_s}'; cat '{other_s}'");
    let out = f.run_sh(&["--read-file", &file_s], &script);
    assert_eq!(stdout(&out), "outside data");
    assert!(denied(&stderr(&out)), "{}", stderr(&out));
    // Control: granted too, the other file is read.
    let out = f.run_sh(&["--read-file", &file_s, "--read-file", &other_s], &script);
    assert_eq!(stdout(&out), "outside dataother", "{}", stderr(&out));
}

#[test]
fn symlinked_grant_resolves_to_its_target() {
    let f = Fixture::new();
    let link = f.root.join("link-to-outside");
    std::os::unix::fs::symlink(&f.outside, &link).unwrap();
    let link_s = link.to_string_lossy().into_owned();
    let out = f.run_sh(
        &["--allow", &link_s],
        &format!("cat '{}/file.txt'", f.outside.display()),
    );
    assert_eq!(stdout(&out), "outside data", "{}", stderr(&out));
    let plan = f
        .nono(["run", "--allow", &link_s, "--dry-run", "--", "true"])
        .output()
        .unwrap();
    let text = stdout(&plan);
    assert!(
        text.contains(&link_s) && text.contains(&format!("-> {}", f.outside.display())),
        "{text}"
    );
}

#[test]
fn temporary_directory_is_private_to_the_run() {
    let f = Fixture::new();
    let probe = format!("/tmp/nono-private-probe-{}", std::process::id());
    let script = format!(
        "echo t > \"$TMPDIR/x\" && cat \"$TMPDIR/x\"; echo y > {probe} && cat {probe}; echo \"$TMPDIR\""
    );
    let out = f.run_sh(&["--allow", "."], &script);
    // Programs that hard-code /tmp find it writable, and it is their own.
    assert_eq!(stdout(&out), "t\ny\n/tmp\n", "{}", stderr(&out));
    assert!(
        !std::path::Path::new(&probe).exists(),
        "nothing reaches the host's /tmp"
    );
    // A second run starts with an empty /tmp.
    let again = f.run_sh(&["--allow", "."], &format!("cat {probe}"));
    assert!(denied(&stderr(&again)), "{}", stderr(&again));
    // Control: the same write without nono lands in the host's /tmp.
    let bare = f.bare_sh(&format!("echo y > {probe}"));
    assert_eq!(bare.status.code(), Some(0));
    assert!(std::path::Path::new(&probe).exists());
    let _ = std::fs::remove_file(&probe);
}

#[test]
fn program_sees_sandbox_environment_and_a_read_only_capability_file() {
    let f = Fixture::new();
    let out = f.run_sh(
        &["--allow", "."],
        "echo \"$NONO_SANDBOX\"; test -n \"$NONO_HELP\" && echo help; head -c 1 \"$NONO_CAP_FILE\"; echo; echo x >> \"$NONO_CAP_FILE\" || echo ro; rm -f \"$NONO_CAP_FILE\"; test -f \"$NONO_CAP_FILE\" && echo kept",
    );
    assert_eq!(stdout(&out), "1\nhelp\n{\nro\nkept\n", "{}", stderr(&out));
}

#[test]
fn nested_run_can_only_narrow() {
    let f = Fixture::new();
    let bin = nono_bin().to_string_lossy().into_owned();
    let outside = f.outside.to_string_lossy().into_owned();
    let nested_read = format!("'{bin}' run --read '{outside}' -- cat '{outside}/file.txt'");
    // Positive control: the nested command alone reads the file.
    let bare = f.bare_sh(&nested_read);
    assert_eq!(stdout(&bare), "outside data", "{}", stderr(&bare));
    // Inside a sandbox that grants only the project (and writing one file of it: no
    // directory in which a protected name could be created), the nested grant cannot widen
    // it; and a nested read-only grant of the project takes write away.
    let script = format!(
        "{nested_read}; '{bin}' run --read . -- sh -c 'echo x >> file.txt'; echo x >> file.txt; cat file.txt"
    );
    let out = f.run_sh(&["--read", ".", "--allow-file", "file.txt"], &script);
    assert_eq!(stdout(&out), "project datax\n", "{}", stderr(&out));
    // The outer view has no `outside`: the nested grant names nothing; and the nested
    // read-only grant's Landlock layer refuses the write (the outer one allowed it).
    let err = stderr(&out);
    assert!(err.contains("no such file or directory"), "{err}");
    assert!(err.contains("Permission denied"), "{err}");
}

#[test]
fn a_nested_sandbox_is_refused_where_the_run_creates_files_for_the_program() {
    // Under --allow . the run guards the project's protected names, and its init carries out
    // every creation under the run's rules, which a narrower Landlock domain could not hold
    // to: the nested sandbox fails closed rather than narrow less than it says.
    let f = Fixture::new();
    let bin = nono_bin().to_string_lossy().into_owned();
    let script =
        format!("'{bin}' run --read . -- sh -c 'echo x >> file.txt'; echo rc=$?; cat file.txt");
    let out = f.run_sh(&["--allow", "."], &script);
    assert_eq!(stdout(&out), "rc=125\nproject data", "{}", stderr(&out));
    assert!(
        stderr(&out).contains("nono: refused a nested Landlock sandbox"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn sigpipe_has_its_default_action_in_the_program() {
    let f = Fixture::new();
    let ignored = |out: &std::process::Output| {
        let line = stdout(out);
        let hex = line.trim().trim_start_matches("SigIgn:").trim();
        u64::from_str_radix(hex, 16).unwrap() & (1 << (libc::SIGPIPE - 1)) != 0
    };
    let script = "grep SigIgn /proc/self/status";
    // Control: an ignored SIGPIPE survives exec and shows here (as it would if nono, whose
    // Rust runtime ignores SIGPIPE, passed that on).
    let inherited = f.bare_sh(&format!("trap '' PIPE; exec {script}"));
    assert!(ignored(&inherited), "control: {}", stdout(&inherited));
    let out = f.run_sh(&["--allow", "."], script);
    assert!(
        !ignored(&out),
        "the program must get SIGPIPE's default: {}",
        stdout(&out)
    );
}
