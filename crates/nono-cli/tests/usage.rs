//! The command line itself: mistakes get one line `nono: ...` naming the fix (exit 125, and
//! nothing runs), help and the manual page print to stdout (exit 0), and the completion
//! scripts complete profile names.

mod common;
use common::*;
use std::path::Path;
use std::process::{Command, Output};

/// Asserts a usage error: exit 125, exactly `message` on stderr, nothing on stdout.
fn assert_refused(out: &Output, message: &str) {
    assert_eq!(stderr(out), format!("{message}\n"));
    assert_eq!(out.status.code(), Some(125), "{}", stderr(out));
    assert_eq!(stdout(out), "");
}

/// Runs `script` with `sh -c` as a user would paste it, with this build of nono first on PATH.
fn paste(f: &Fixture, script: &str) -> Output {
    let bin_dir = nono_bin().parent().unwrap().to_path_buf();
    Command::new("/bin/sh")
        .args(["-c", script])
        .current_dir(&f.project)
        .env("HOME", &f.home)
        .env("TMPDIR", &f.tmp)
        .env(
            "PATH",
            format!("{}:/usr/local/bin:/usr/bin:/bin", bin_dir.display()),
        )
        .output()
        .unwrap()
}

fn the_tip(out: &Output) -> String {
    let tip = stderr(out);
    let tip = tip.strip_prefix("nono: put the command after --: ");
    tip.unwrap_or_else(|| panic!("no tip: {}", stderr(out)))
        .trim_end()
        .to_string()
}

#[test]
fn a_command_without_double_dash_gets_the_corrected_command_line() {
    let f = Fixture::new();
    let out = f
        .nono(["run", "--allow", ".", "touch", "-m", "ran"])
        .output()
        .unwrap();
    // `-m` belongs to touch: the tip keeps it after the command, and nothing ran.
    assert_refused(
        &out,
        "nono: put the command after --: nono run --allow . -- touch -m ran",
    );
    assert!(!f.project.join("ran").exists(), "nothing may run");

    // The control, and the proof that the tip is right: pasted, it runs.
    let out = f
        .nono(["run", "--allow", ".", "touch", "ran"])
        .output()
        .unwrap();
    assert!(!f.project.join("ran").exists(), "nothing may run");
    let pasted = paste(&f, &the_tip(&out));
    assert_eq!(pasted.status.code(), Some(0), "{}", stderr(&pasted));
    assert!(f.project.join("ran").exists(), "the corrected command runs");
}

#[test]
fn the_tip_quotes_words_so_that_it_can_be_pasted() {
    let f = Fixture::new();
    let script = "printf %s \"it's\" > 'out file'";
    let out = f
        .nono(["run", "--allow", ".", "sh", "-c", script])
        .output()
        .unwrap();
    assert_refused(
        &out,
        r#"nono: put the command after --: nono run --allow . -- sh -c 'printf %s "it'\''s" > '\''out file'\'''"#,
    );
    assert!(!f.project.join("out file").exists(), "nothing may run");

    let pasted = paste(&f, &the_tip(&out));
    assert_eq!(pasted.status.code(), Some(0), "{}", stderr(&pasted));
    assert_eq!(read(&f.project.join("out file")), "it's");
}

#[test]
fn a_flag_value_that_equals_the_command_is_not_taken_for_it() {
    let f = Fixture::new();
    std::fs::create_dir(f.project.join("ls")).unwrap();
    let out = f
        .nono(["run", "--read", "ls", "ls", "-la"])
        .output()
        .unwrap();
    assert_refused(
        &out,
        "nono: put the command after --: nono run --read ls -- ls -la",
    );
}

#[test]
fn another_mistake_still_gets_the_double_dash_tip_first() {
    let f = Fixture::new();
    // --json needs --dry-run as well; clap says so once the command is in place.
    let out = f.nono(["run", "--json", "ls"]).output().unwrap();
    assert_refused(
        &out,
        "nono: put the command after --: nono run --json -- ls",
    );
    let out = f.nono(["run", "--json", "--", "ls"]).output().unwrap();
    assert_refused(
        &out,
        "nono: missing --dry-run. Usage: nono run --dry-run --json -- <COMMAND>...",
    );
}

#[test]
fn keep_fd_0_1_and_2_says_they_are_always_passed() {
    let f = Fixture::new();
    for fd in ["0", "1", "2"] {
        let out = f.run_sh(&["--allow", ".", "--keep-fd", fd], "touch ran");
        assert_refused(
            &out,
            &format!("nono: --keep-fd {fd}: descriptors 0, 1 and 2 (standard input, output and error) are always passed; --keep-fd is for 3 and above"),
        );
        assert!(!f.project.join("ran").exists(), "nothing may run");
    }
    let out = f.run_sh(&["--allow", ".", "--keep-fd=-1"], "touch ran");
    assert_refused(
        &out,
        "nono: --keep-fd -1: not a descriptor number (3 or above)",
    );
    // The control: the same run without the flag does run.
    let out = f.run_sh(&["--allow", "."], "touch ran");
    assert_eq!(child_code(&out), 0, "{}", stderr(&out));
    assert!(f.project.join("ran").exists());
}

#[test]
fn an_empty_value_is_named_and_nothing_runs() {
    let f = Fixture::new();
    let cases = [
        ("--allow", "an empty path"),
        ("--read", "an empty path"),
        ("--write", "an empty path"),
        ("--allow-file", "an empty path"),
        ("--read-file", "an empty path"),
        ("--write-file", "an empty path"),
        ("--allow-unix-socket", "an empty path"),
        ("--unprotect", "an empty path"),
        ("--profile", "an empty name"),
        ("--env-allow", "an empty name"),
        ("--env", "an empty setting (expected NAME=VALUE)"),
        ("--keep-fd", "an empty descriptor number"),
        ("--allow-domain", "an empty name"),
        ("--deny-domain", "an empty name"),
        ("--allow-cidr", "an empty range"),
        ("--net-log", "an empty path"),
    ];
    for (flag, what) in cases {
        let message = format!("nono: {flag}: {what}");
        let out = f.run_sh(&["--allow", ".", flag, ""], "touch ran");
        assert_refused(&out, &message);
        let joined = format!("{flag}=");
        let out = f.run_sh(&["--allow", ".", &joined], "touch ran");
        assert_refused(&out, &message);
        assert!(!f.project.join("ran").exists(), "{flag}: nothing may run");
    }
    // -a is --allow by another name.
    let out = f.run_sh(&["-a", ""], "touch ran");
    assert_refused(&out, "nono: --allow: an empty path");

    let out = f.nono(["why", ""]).output().unwrap();
    assert_refused(&out, "nono: PATH: an empty path");
    let out = f.nono(["why", "--host", ""]).output().unwrap();
    assert_refused(&out, "nono: --host: an empty host");
    let out = f.nono(["profile", "show", ""]).output().unwrap();
    assert_refused(&out, "nono: NAME|PATH: an empty name");
    assert!(!f.project.join("ran").exists(), "nothing may run");
}

#[test]
fn other_usage_errors_are_one_line_with_where_to_look() {
    let f = Fixture::new();
    let cases: [(&[&str], &str); 7] = [
        (
            &["run", "--alow", ".", "--", "true"],
            "nono: unknown option --alow (did you mean --allow?); see nono run --help",
        ),
        (
            &["run", "--bogus", "--", "true"],
            "nono: unknown option --bogus; see nono run --help",
        ),
        (&["frobnicate"], "nono: unknown command frobnicate; see nono --help"),
        (&["run", "--allow"], "nono: --allow needs a value"),
        (
            &["why", "--op", "reed", "x"],
            "nono: --op reed: not one of read, write, exec; did you mean read?",
        ),
        (&["why"], "nono: missing <PATH>. Usage: nono why <PATH>"),
        (
            &["run", "--allow", "."],
            "nono: no command to run: put it after --. Usage: nono run --allow <DIR> -- <COMMAND>...",
        ),
    ];
    for (args, message) in cases {
        let out = f.nono(args).output().unwrap();
        assert_refused(&out, message);
    }
}

#[test]
fn help_and_version_print_to_stdout_and_exit_0() {
    let f = Fixture::new();
    let cases: [(&[&str], &str); 5] = [
        (&["--help"], "nono why ~/.ssh/id_ed25519"),
        (&["run", "--help"], "nono run --allow . -- claude"),
        (&["why", "--help"], "nono why --self /etc/hosts"),
        (
            &["completions", "--help"],
            "mkdir -p ~/.config/fish/completions",
        ),
        (&["--version"], env!("CARGO_PKG_VERSION")),
    ];
    for (args, expected) in cases {
        let out = f.nono(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out), "", "{args:?}");
        assert!(
            stdout(&out).contains(expected),
            "{args:?}: {}",
            stdout(&out)
        );
    }
}

/// The long flags `nono ARGS --help` lists, `--help` and `--version` aside.
fn flags_in_help(f: &Fixture, args: &[&str]) -> Vec<String> {
    let mut args = args.to_vec();
    args.push("--help");
    let help = stdout(&f.nono(&args).output().unwrap());
    let mut flags: Vec<String> = help
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| {
            w.starts_with("--")
                && w.len() > 2
                && w[2..].chars().all(|c| c.is_ascii_lowercase() || c == '-')
        })
        .filter(|w| !matches!(*w, "--help" | "--version"))
        .map(String::from)
        .collect();
    flags.dedup();
    flags
}

#[test]
fn the_man_page_is_roff_with_every_command_and_flag() {
    let f = Fixture::new();
    let out = f.nono(["man"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    let page = stdout(&out);
    assert!(page.contains("\n.TH NONO 1 "), "{page}");

    let commands: [&[&str]; 9] = [
        &["run"],
        &["why"],
        &["profile", "list"],
        &["profile", "show"],
        &["profile", "validate"],
        &["profile", "init"],
        &["profile", "schema"],
        &["completions"],
        &["man"],
    ];
    for command in commands {
        let name = format!("nono {}", command.join(" "));
        assert!(page.contains(&format!(".SS \"{name}\"\n")), "{name}");
        let flags = flags_in_help(&f, command);
        for flag in &flags {
            // roff writes a minus sign as \-.
            let roff = flag.replace('-', "\\-");
            assert!(page.contains(&format!("\\fB{roff}\\fR")), "{name} {flag}");
        }
    }
    assert!(flags_in_help(&f, &["run"]).contains(&"--keep-fd".to_string()));
    // The examples of --help stay lines of their own; hidden testing flags stay hidden.
    assert!(
        page.contains(".nf\nnono run \\-\\-allow . \\-\\- claude "),
        "{page}"
    );
    assert!(!page.contains("simulate"), "{page}");
    assert!(
        !page.contains(".SH OPTIONS"),
        "one heading per command: {page}"
    );

    // groff reads it without a warning (-ww: all of them).
    let dir = f.root.join("man");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("nono.1"), &page).unwrap();
    let groff = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .arg(dir.join("nono.1"))
        .output()
        .expect("groff (groff-base) is installed");
    assert_eq!(groff.status.code(), Some(0), "{}", stderr(&groff));
    assert_eq!(stderr(&groff), "");
}

/// A fixture with the user profile `mine` and a file named like a built-in profile.
fn with_user_profiles() -> Fixture {
    let f = Fixture::new();
    let dir = f.home.join(".config/nono/profiles");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("mine.toml"), "description = \"mine\"\n").unwrap();
    std::fs::write(dir.join("rust.toml"), "description = \"shadow\"\n").unwrap();
    f
}

#[test]
fn profile_list_names_prints_what_profile_accepts() {
    let f = with_user_profiles();
    let out = f
        .nono(["profile", "list", "--names"])
        .env_remove("XDG_CONFIG_HOME")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let names: Vec<String> = stdout(&out).lines().map(String::from).collect();
    assert_eq!(names.first().map(String::as_str), Some("default"));
    assert!(names.contains(&"claude-code".to_string()), "{names:?}");
    assert!(names.contains(&"mine".to_string()), "{names:?}");
    // The user's rust.toml is ignored (built-in names are reserved): listed once.
    assert_eq!(
        names.iter().filter(|n| *n == "rust").count(),
        1,
        "{names:?}"
    );
}

#[test]
fn the_completion_scripts_ask_nono_for_profile_names() {
    let f = Fixture::new();
    for shell in ["bash", "zsh", "fish"] {
        let out = f.nono(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
        let script = stdout(&out);
        assert!(
            script.contains("nono profile list --names 2>/dev/null"),
            "{shell}: {script}"
        );
        assert!(!script.contains("NONO_PROFILE_NAMES"), "{shell}: {script}");
    }
    let zsh = stdout(&f.nono(["completions", "zsh"]).output().unwrap());
    assert!(zsh.contains(":NAME|PATH:_nono_profiles'"), "{zsh}");
    assert!(zsh.starts_with("#compdef nono\n"), "{zsh}");
}

/// What bash completes for the words `line` (the last one being completed), with the script
/// of `nono completions bash` loaded and this build of nono on PATH.
fn bash_completes(f: &Fixture, script: &Path, line: &str) -> Vec<String> {
    let bin_dir = nono_bin().parent().unwrap().to_path_buf();
    let driver = format!(
        r#"source '{}'
COMP_WORDS=({line})
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
COMP_LINE="{line}"
COMP_POINT=${{#COMP_LINE}}
_nono nono "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}""#,
        script.display()
    );
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &driver])
        .current_dir(&f.project)
        .env("HOME", &f.home)
        .env_remove("XDG_CONFIG_HOME")
        .env("PATH", format!("{}:/usr/bin:/bin", bin_dir.display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out).lines().map(String::from).collect()
}

#[test]
fn bash_completes_profile_names_built_in_and_the_users() {
    let f = with_user_profiles();
    let script = f.root.join("nono.bash");
    let out = f.nono(["completions", "bash"]).output().unwrap();
    std::fs::write(&script, &out.stdout).unwrap();

    assert_eq!(
        bash_completes(&f, &script, "nono run --profile cl"),
        ["claude-code"]
    );
    assert_eq!(
        bash_completes(&f, &script, "nono why --profile mi"),
        ["mine"]
    );
    assert_eq!(
        bash_completes(&f, &script, "nono profile show co"),
        ["codex"]
    );
    assert_eq!(
        bash_completes(&f, &script, "nono profile init new --from go"),
        ["goose", "go"]
    );
    // Everything else completes as clap made it.
    assert_eq!(
        bash_completes(&f, &script, "nono run --allow-u"),
        ["--allow-unix-socket"]
    );
}
