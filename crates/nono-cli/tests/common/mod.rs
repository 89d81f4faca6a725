//! Shared fixture for the integration tests: a throw-away HOME holding every documented
//! sensitive path (each with an unprotected twin), a project directory, an outside directory,
//! and a private TMPDIR, plus a runner for `nono`.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

pub mod files;

/// One documented sensitive path (docs/security.md, "Sensitive paths").
pub struct Sensitive {
    /// As documented: `~/.ssh`, `/etc/shadow` (without the trailing slash of a directory).
    pub documented: String,
    /// Its group.
    pub group: String,
    /// Hidden (neither readable nor writable), or else read-only.
    pub hidden: bool,
    /// A directory, or else a file.
    pub dir: bool,
    /// An absolute system path, or else one in the home (or a project).
    pub system: bool,
    /// A path in each project (documented as `./PATH`), here in `home/project`.
    pub project: bool,
    /// Where it is: in the given home, or the system path.
    pub path: PathBuf,
    /// An unprotected sibling of the same shape and a similar name: the entry's path with
    /// `.twin` appended.
    pub twin: PathBuf,
    /// The built-in profiles it belongs to (documented as its owner profile).
    pub owners: Vec<String>,
}

/// Every documented sensitive path, the home entries rooted at `home`.
pub fn documented_sensitive(home: &Path) -> Vec<Sensitive> {
    documented("Sensitive paths")
        .into_iter()
        .map(|row| {
            let dir = row[0].ends_with('/');
            let documented = row[0].trim_end_matches('/');
            let (system, project, path) =
                match (documented.strip_prefix("~/"), documented.strip_prefix("./")) {
                    (Some(rel), _) => (false, false, home.join(rel)),
                    (_, Some(rel)) => (false, true, home.join("project").join(rel)),
                    _ => (true, false, PathBuf::from(documented)),
                };
            let mut entry = Sensitive::new(documented, &row[1], row[2] == "hidden", dir, path);
            entry.system = system;
            entry.project = project;
            entry.owners = row[3]
                .split(", ")
                .filter(|o| !o.is_empty())
                .map(String::from)
                .collect();
            entry
        })
        .collect()
}

impl Sensitive {
    /// A protected path in the home or a work tree, and its twin.
    pub fn new(documented: &str, group: &str, hidden: bool, dir: bool, path: PathBuf) -> Self {
        let mut twin = path.clone().into_os_string();
        twin.push(".twin");
        Sensitive {
            documented: documented.to_string(),
            group: group.to_string(),
            hidden,
            dir,
            system: false,
            project: false,
            path,
            twin: twin.into(),
            owners: Vec::new(),
        }
    }

    /// The content the seeded entry holds: for a directory, that of the file `secret` in it.
    /// A comment line, valid in every configuration format a tool might read here.
    pub fn content(&self) -> String {
        format!("# secret of {}\n", self.documented)
    }

    /// The content of its seeded twin.
    pub fn twin_content(&self) -> String {
        format!("# twin of {}\n", self.documented)
    }

    /// Creates the entry at `path` and its twin at `twin` (a directory holding the file
    /// `secret`, or a file), keeping files that already exist.
    pub fn seed(&self, path: &Path, twin: &Path) {
        for (at, content) in [(path, self.content()), (twin, self.twin_content())] {
            let file = if self.dir {
                at.join("secret")
            } else {
                at.to_path_buf()
            };
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            if !file.exists() {
                std::fs::write(&file, content).unwrap();
            }
        }
    }
}

/// The nono binary under test (`NONO_BIN` overrides it, for runs as another user).
pub fn nono_bin() -> PathBuf {
    std::env::var_os("NONO_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_nono")))
}

/// Whether the tests run as root.
pub fn is_root() -> bool {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Where fixtures live: outside `/tmp`, which a sandbox with a view replaces by its own, so
/// that the fixture's paths are host paths like a user's project (`NONO_TEST_ROOT` overrides).
pub fn test_root() -> PathBuf {
    std::env::var_os("NONO_TEST_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/var/tmp"))
}

pub struct Fixture {
    pub root: PathBuf,
    pub home: PathBuf,
    pub project: PathBuf,
    pub outside: PathBuf,
    pub tmp: PathBuf,
}

pub const SECRET: &str = "-----BEGIN OPENSSH PRIVATE KEY----- fake";

impl Fixture {
    /// A fixture whose home holds every documented sensitive entry and its twin.
    pub fn new() -> Fixture {
        Fixture::build(true)
    }

    /// A fixture whose home holds only a key, AWS credentials, a `.netrc` and a `.bashrc`:
    /// for tests about protected names that do not exist yet.
    pub fn sparse() -> Fixture {
        Fixture::build(false)
    }

    fn build(seed: bool) -> Fixture {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let root = test_root().join(format!("nono-test-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let home = root.join("home");
        let project = home.join("project");
        let outside = root.join("outside");
        let tmp = root.join("tmp");
        for dir in [
            &home,
            &project,
            &outside,
            &tmp,
            &home.join(".ssh"),
            &home.join(".aws"),
        ] {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o700)).unwrap();
        std::fs::write(home.join(".ssh/id_ed25519"), SECRET).unwrap();
        std::fs::write(home.join(".aws/credentials"), "aws_secret_access_key=fake").unwrap();
        std::fs::write(home.join(".netrc"), "machine x password fake").unwrap();
        std::fs::write(home.join(".bashrc"), "# rc\n").unwrap();
        std::fs::write(project.join("file.txt"), "project data").unwrap();
        std::fs::write(outside.join("file.txt"), "outside data").unwrap();
        for entry in documented_sensitive(&home) {
            if seed && !entry.system && !entry.project {
                entry.seed(&entry.path, &entry.twin);
            }
        }
        Fixture {
            root,
            home,
            project,
            outside,
            tmp,
        }
    }

    /// A `nono` command with this fixture's HOME and TMPDIR, run from the project directory.
    pub fn nono<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = Command::new(nono_bin());
        cmd.args(args)
            .current_dir(&self.project)
            .env("HOME", &self.home)
            .env("TMPDIR", &self.tmp)
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .stdin(Stdio::null());
        cmd
    }

    /// Runs `sh -c script` unsandboxed with the same environment: the positive control.
    pub fn bare_sh(&self, script: &str) -> Output {
        Command::new("/bin/sh")
            .args(["-c", script])
            .current_dir(&self.project)
            .env("HOME", &self.home)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    /// Runs `nono run FLAGS -- sh -c script`.
    pub fn run_sh(&self, flags: &[&str], script: &str) -> Output {
        let mut args: Vec<&str> = vec!["run"];
        args.extend_from_slice(flags);
        args.extend_from_slice(&["--", "/bin/sh", "-c", script]);
        self.nono(args).output().unwrap()
    }

    pub fn path(&self, rel: &str) -> String {
        self.root.join(rel).to_string_lossy().into_owned()
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        // Mode-000 leftovers do not stop root; as another user, make them removable first.
        let _ = Command::new("chmod")
            .args(["-R", "u+rwx"])
            .arg(&self.root)
            .status();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// A process outside the sandbox for the attacks to target.
pub struct Victim(Child);

impl Victim {
    pub fn spawn() -> Victim {
        let child = Command::new("sleep")
            .arg("30")
            .env("VICTIM_SECRET", "hunter2")
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        Victim(child)
    }
    pub fn pid(&self) -> String {
        self.0.id().to_string()
    }
    /// Whether it still runs, a moment after an attack.
    pub fn alive(&mut self) -> bool {
        std::thread::sleep(std::time::Duration::from_millis(50));
        self.0.try_wait().unwrap().is_none()
    }
}

impl Drop for Victim {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `--allow-unix-socket` for every socket listening on this machine: tests that plan without
/// user namespaces would otherwise be refused because of other programs' sockets.
pub fn allow_listening_sockets() -> Vec<String> {
    use std::os::unix::fs::FileTypeExt;
    let table = std::fs::read_to_string("/proc/net/unix").unwrap_or_default();
    let mut flags = Vec::new();
    for line in table.lines().skip(1) {
        let Some(path) = line.split_whitespace().nth(7) else {
            continue;
        };
        let is_socket = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_socket());
        if path.starts_with('/') && is_socket {
            flags.push("--allow-unix-socket".to_string());
            flags.push(path.to_string());
        }
    }
    flags
}

/// Whether `stderr` reports a denial in the words of the errors a sandbox gives: EACCES and
/// EPERM (Landlock, seccomp, masks), ENOENT (not in the sandbox's view; `dash` says
/// "Directory nonexistent"), EROFS (a read-only bind of the view).
pub fn denied(stderr: &str) -> bool {
    [
        "Permission denied",
        "Operation not permitted",
        "No such file or directory",
        "Directory nonexistent",
        "Read-only file system",
    ]
    .iter()
    .any(|m| stderr.contains(m))
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts that nono itself did not fail (125) and returns the child's status code.
pub fn child_code(out: &Output) -> i32 {
    let code = out.status.code().unwrap_or(-1);
    assert_ne!(code, 125, "nono refused: {}", stderr(out));
    code
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// The reviewed statement of what nono protects: `docs/security.md`, compiled in so that the
/// tests read it also where the checkout is unreadable (the unprivileged run).
const SECURITY_MD: &str = include_str!("../../../../docs/security.md");

/// The rows of the first table under the heading `### {heading}` in `docs/security.md`, each
/// a list of its cells with surrounding backquotes removed.
pub fn documented(heading: &str) -> Vec<Vec<String>> {
    let marker = format!("### {heading}\n");
    let start = SECURITY_MD
        .find(&marker)
        .unwrap_or_else(|| panic!("docs/security.md has no section {heading:?}"));
    let rows: Vec<Vec<String>> = SECURITY_MD[start + marker.len()..]
        .lines()
        .take_while(|l| !l.starts_with('#'))
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2) // the header and its separator
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|cell| cell.trim().trim_matches('`').to_string())
                .collect()
        })
        .collect();
    assert!(!rows.is_empty(), "section {heading:?} has no table");
    rows
}

/// Call when this test cannot run here: it fails with `why`, unless `NONO_TEST_MAY_SKIP`
/// (test names separated by spaces or commas) lists it. Then the skip is appended to the file
/// `NONO_TEST_SKIP_LOG` names, which CI prints, and the test returns without checking
/// anything. A skip is never silent.
pub fn cannot_run_here(why: &str) {
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("?");
    let allowed = std::env::var("NONO_TEST_MAY_SKIP").unwrap_or_default();
    let listed = allowed
        .split([' ', ',', '\n'])
        .any(|name| !name.is_empty() && (name == test || test.ends_with(&format!("::{name}"))));
    assert!(
        listed,
        "{test} cannot run here: {why} (list it in NONO_TEST_MAY_SKIP to skip it)"
    );
    let line = format!("{test}: {why}\n");
    eprint!("skipped: {line}");
    if let Some(log) = std::env::var_os("NONO_TEST_SKIP_LOG") {
        use std::io::Write;
        let appended = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .and_then(|mut file| file.write_all(line.as_bytes()));
        assert!(appended.is_ok(), "cannot record the skip in {log:?}");
    }
}

/// `program` on this test's PATH, or `None` after [`cannot_run_here`] allowed the skip.
pub fn require_program(program: &str) -> Option<PathBuf> {
    let found = find_program(program);
    if found.is_none() {
        cannot_run_here(&format!("{program} is not installed (not on PATH)"));
    }
    found
}

/// Whether the test runs as root; otherwise [`cannot_run_here`] with `why`.
pub fn require_root(why: &str) -> bool {
    if !is_root() {
        cannot_run_here(&format!("needs root: {why}"));
    }
    is_root()
}

/// The executable `program` on this test's PATH, if any.
pub fn find_program(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| {
            std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// Compiles the C program `source` to `dir/name` with the system's `cc`.
pub fn compile_c(dir: &Path, name: &str, source: &str) -> Option<PathBuf> {
    let cc = require_program("cc")?;
    let src = dir.join(format!("{name}.c"));
    let exe = dir.join(name);
    std::fs::write(&src, source).unwrap();
    let out = Command::new(cc)
        .arg("-Wall")
        .arg("-o")
        .arg(&exe)
        .arg(&src)
        .output()
        .unwrap();
    assert!(out.status.success(), "cc {name}.c: {}", stderr(&out));
    Some(exe)
}

/// `git init -q` in `dir` (which must exist).
pub fn git_init(dir: &Path) {
    let out = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "git init: {}", stderr(&out));
}
