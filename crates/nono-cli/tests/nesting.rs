//! A `nono run` inside a sandbox starts, applies its own plan on top, and never regains what
//! the outer sandbox denies; and nothing a sandboxed program writes is read back by a later
//! run as a decision. Judged on the host: files unchanged, secrets not printed.

mod common;
use common::*;

/// `sh -c SCRIPT` inside `nono run --read . --allow-file file.txt`, where the script runs
/// nono again. (A run with a directory to write in guards protected names there, and refuses
/// nested sandboxes: `containment::a_nested_sandbox_is_refused_where_the_run_creates_files_for_the_program`.)
fn outer(f: &Fixture, script: &str) -> std::process::Output {
    f.run_sh(&["--read", ".", "--allow-file", "file.txt"], script)
}

#[test]
fn a_nested_run_starts_and_can_only_narrow() {
    let f = Fixture::new();
    let bin = nono_bin().to_string_lossy().into_owned();
    let key = f.home.join(".ssh/id_ed25519");
    let outside = f.outside.join("file.txt");
    let sock_path = f.outside.join("daemon.sock");
    let listener = std::os::unix::net::UnixListener::bind(&sock_path).unwrap();
    listener.set_nonblocking(true).unwrap();
    std::fs::write(
        f.project.join("wide.toml"),
        format!(
            "[filesystem]\nread = [\"{}\"]\nallow = [\"~\"]\n",
            f.outside.display()
        ),
    )
    .unwrap();
    let n = |flags: &str, cmd: &str| format!("'{bin}' run {flags} -- sh -c '{cmd}'; echo rc=$?");
    let cat = format!(
        "cat {} {} 2>&1; echo x >> ~/planted",
        key.display(),
        outside.display()
    );
    let script = [
        // The nested run starts, with its own plan on top: it narrows (no write here).
        n("--read .", "echo nested ran; echo x >> file.txt"),
        // It asks for more than the outer sandbox has; none of it comes back.
        n("--allow ~", &cat),
        n("--allow ~ --unprotect ~/.ssh", &cat),
        n("--allow . --allow-degraded", &cat),
        n(
            &format!("--allow-unix-socket {}", sock_path.display()),
            "true",
        ),
        // A profile the sandboxed program wrote itself.
        n("--profile ./wide.toml", &cat),
    ]
    .join("; ");
    // Control: the same nested commands without the outer sandbox reach the key.
    let bare = f.bare_sh(&n("--allow ~ --unprotect ~/.ssh", &cat));
    assert!(stdout(&bare).contains(SECRET), "control: {}", stdout(&bare));
    let _ = std::fs::remove_file(f.home.join("planted"));

    let out = outer(&f, &script);
    let text = stdout(&out);
    assert!(text.contains("nested ran"), "{text}\n{}", stderr(&out));
    assert!(
        !text.contains(SECRET) && !text.contains("outside data"),
        "{text}"
    );
    assert!(
        !f.home.join("planted").exists(),
        "the home stays unwritable"
    );
    assert_eq!(read(&f.project.join("file.txt")), "project data");
    assert!(listener.accept().is_err());
    // Every nested run either ran, narrowed, or was refused; none regained anything.
    assert_eq!(text.matches("rc=").count(), 6, "{text}");
    let err = stderr(&out);
    assert!(!err.contains("cannot create a user namespace"), "{err}");
}

#[test]
fn a_planted_state_directory_is_never_read_back() {
    let f = Fixture::new();
    let tmp = f.tmp.to_string_lossy().into_owned();
    // A first run that may write where runs without a view keep their files plants symlinks
    // to / in every shape an older nono's state took, and opens its own run directory.
    let uid = rustix_uid();
    let plant = format!(
        "mkdir -p {tmp}/nono-{uid}/plans {tmp}/nono-{uid}/tmp; for n in 0 1 2 3; do ln -sf / {tmp}/nono-{uid}/plans/$n.json; done; ln -sf / {tmp}/nono-{uid}-1-0000000000000000; chmod 777 \"$(dirname \"$NONO_CAP_FILE\")\" {tmp}; echo planted"
    );
    let out = f.run_sh(
        &[
            "--allow",
            ".",
            "--allow",
            &tmp,
            "--simulate-no-userns",
            "--allow-degraded",
        ],
        &plant,
    );
    assert_eq!(stdout(&out), "planted\n", "{}", stderr(&out));
    // The next runs, with and without a view, start, see a plan of their own, and hide the key.
    let probe = "cat ~/.ssh/id_ed25519; head -c 1 \"$NONO_CAP_FILE\"; echo";
    for flags in [
        &["--allow", "."][..],
        &["--allow", ".", "--simulate-no-userns", "--allow-degraded"][..],
    ] {
        let out = f.run_sh(flags, probe);
        assert_eq!(stdout(&out), "{\n", "{flags:?}: {}", stderr(&out));
        assert!(denied(&stderr(&out)), "{flags:?}: {}", stderr(&out));
        let why = f
            .nono(["run", "--allow", "."])
            .args(flags)
            .args([
                "--",
                nono_bin().to_str().unwrap(),
                "why",
                "--self",
                "~/.ssh/id_ed25519",
            ])
            .output()
            .unwrap();
        assert!(
            stdout(&why).starts_with("DENIED"),
            "{flags:?}: {}",
            stdout(&why)
        );
    }
    // Control: the planted link would have granted the key to whoever followed it.
    let leaked = std::fs::read_to_string(
        f.tmp
            .join(format!("nono-{uid}/plans/0.json"))
            .join(f.home.strip_prefix("/").unwrap())
            .join(".ssh/id_ed25519"),
    );
    assert_eq!(leaked.unwrap(), SECRET);
}

fn rustix_uid() -> u32 {
    // SAFETY: getuid cannot fail.
    unsafe { libc::getuid() }
}
