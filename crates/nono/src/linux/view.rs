//! The view: turns the plan into the mounts of the sandbox's own file system, then makes it
//! the root. Only the plan's paths exist inside: each rule's path bound from the host
//! read-only or read-write as granted (or one of nono's own file systems: a private `/tmp`
//! and `/dev/shm`, a `/proc` of the PID namespace, a new devpts instance), masks over the
//! protected paths, and an empty read-only skeleton holding them together. What is not in
//! the plan does not exist, so no system call reaches it, whether Landlock checks that call
//! or not (metadata, sockets, watches).
//!
//! [`steps`] is a pure function of the plan (unit-tested); [`build`] carries the steps out in
//! the first process of the new namespaces, before Landlock forbids any mount change.

use super::sys;
use crate::access::{Access, Op};
use crate::error::{Error, ErrorKind, Result};
use crate::paths::{self, quote};
use crate::plan::{Mount, Plan, SensitiveState};
use crate::sensitive::Protection;
use std::collections::{HashMap, HashSet};
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};

/// One operation of the view, in the order they are made. Paths are as the program will see
/// them; `make` says whether the mount point is created in the skeleton (false: it lies in
/// host content bound earlier, where it must already exist).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Step {
    /// An empty tmpfs holding only what later steps put in it; read-only once built.
    Skeleton { at: PathBuf, make: bool },
    /// A host path bound at `at`, with the rights of every rule that holds `at`.
    Bind {
        from: PathBuf,
        at: PathBuf,
        file: bool,
        write: bool,
        exec: bool,
        make: bool,
    },
    /// A tmpfs private to the run.
    Tmpfs { at: PathBuf, make: bool },
    /// A `/proc` of the PID namespace.
    Proc { at: PathBuf, make: bool },
    /// A new devpts instance.
    Devpts { at: PathBuf, make: bool },
    /// A hidden path: an empty, mode-000, read-only file or directory over it.
    Mask { at: PathBuf, dir: bool },
    /// A read-only protected path: bound onto itself, read-only.
    Freeze { at: PathBuf },
    /// A directory or symlink on the way to a protected path: bound onto itself, so that it
    /// cannot be renamed, removed or replaced.
    Pin { at: PathBuf },
    /// A symlink in the skeleton.
    Link { at: PathBuf, target: PathBuf },
    /// An empty directory in the skeleton (the working directory).
    Dir { at: PathBuf },
    /// The capability file, written into the skeleton.
    CapFile { at: PathBuf },
}

impl Step {
    fn at(&self) -> &Path {
        match self {
            Step::Skeleton { at, .. }
            | Step::Bind { at, .. }
            | Step::Tmpfs { at, .. }
            | Step::Proc { at, .. }
            | Step::Devpts { at, .. }
            | Step::Mask { at, .. }
            | Step::Freeze { at }
            | Step::Pin { at }
            | Step::Link { at, .. }
            | Step::Dir { at }
            | Step::CapFile { at } => at,
        }
    }

    /// Among steps at the same depth: file systems first, then what goes on or in them.
    fn rank(&self) -> u8 {
        match self {
            Step::Skeleton { .. } => 0,
            Step::Tmpfs { .. } | Step::Proc { .. } | Step::Devpts { .. } => 1,
            Step::Bind { .. } => 2,
            Step::Mask { .. } | Step::Freeze { .. } | Step::Pin { .. } => 3,
            Step::Dir { .. } | Step::Link { .. } | Step::CapFile { .. } => 4,
        }
    }

    /// Whether the step makes a file system whose content is nono's own (so mount points
    /// beneath it are created), as opposed to host content (where they must exist).
    fn owns_content(&self) -> bool {
        matches!(
            self,
            Step::Skeleton { .. } | Step::Tmpfs { .. } | Step::Proc { .. } | Step::Devpts { .. }
        )
    }
}

/// The view's steps for `plan`, in order. A rule whose path is already bound with the same
/// rights by a rule above it adds no mount.
pub(super) fn steps(plan: &Plan) -> Vec<Step> {
    let Some(view) = &plan.view else {
        return Vec::new();
    };
    let mut wanted: Vec<Step> = Vec::new();
    for skeleton in &view.skeletons {
        wanted.push(Step::Skeleton {
            at: skeleton.clone(),
            make: true,
        });
    }
    for rule in &plan.rules {
        let at = rule.path.clone();
        wanted.push(match &rule.mount {
            Mount::Host | Mount::HostPath { .. } => {
                let rights = rights_at(plan, &at).union(rule.access);
                Step::Bind {
                    from: match &rule.mount {
                        Mount::HostPath { source } => source.clone(),
                        _ => at.clone(),
                    },
                    at,
                    file: rule.file,
                    write: rights.allows(Op::Write),
                    exec: rights.allows(Op::Exec),
                    make: true,
                }
            }
            Mount::Tmpfs => Step::Tmpfs { at, make: true },
            Mount::Proc => Step::Proc { at, make: true },
            Mount::Devpts => Step::Devpts { at, make: true },
            Mount::Written => Step::CapFile { at },
        });
    }
    for s in plan
        .sensitive
        .iter()
        .filter(|s| s.state == SensitiveState::Masked)
    {
        wanted.push(match s.protection {
            Protection::Hidden => Step::Mask {
                at: s.path.clone(),
                dir: s.dir,
            },
            Protection::ReadOnly => Step::Freeze { at: s.path.clone() },
        });
    }
    for link in &view.links {
        wanted.push(Step::Link {
            at: link.path.clone(),
            target: link.target.clone(),
        });
    }
    wanted.push(Step::Dir {
        at: view.cwd.clone(),
    });
    for pin in &view.pins {
        wanted.push(Step::Pin { at: pin.clone() });
    }
    // Keys counted once each, not at every comparison (a stable sort either way).
    wanted.sort_by_cached_key(|s| (s.at().components().count(), s.rank()));

    let mut done: Vec<Step> = Vec::new();
    // What `done` holds, by path, looked up along each step's ancestors rather than by a scan
    // of `done`: a grant with a thousand repositories makes thousands of steps.
    let mut holder_at: HashMap<PathBuf, usize> = HashMap::new();
    let mut frozen_at: HashSet<PathBuf> = HashSet::new();
    let mut step_at: HashSet<PathBuf> = HashSet::new();
    for mut step in wanted {
        // What the path lies in so far: the deepest step above it that is a file system or a
        // bind (a mask or a frozen path holds nothing new); the last one made there.
        let above = step
            .at()
            .ancestors()
            .skip(1)
            .find_map(|a| holder_at.get(a))
            .map(|&i| &done[i]);
        let in_own_content = above.is_none_or(|a| a.owns_content());
        // A skeleton in another's content (`/dev` in the root's) is a directory of it: as
        // empty and as read-only, one file system fewer to make. (Under a bind of the host's
        // `/`, it stays a file system, over the host's devices.)
        if let (Step::Skeleton { at, .. }, Some(Step::Skeleton { .. })) = (&step, above) {
            step = Step::Dir { at: at.clone() };
        }
        // Beneath a read-only protected directory, nothing is writable.
        let frozen = step.at().ancestors().any(|a| frozen_at.contains(a));
        if let (true, Step::Bind { write, .. }) = (frozen, &mut step) {
            *write = false;
        }
        let keep = match (&mut step, above) {
            // The path and its rights are those of the bind above: nothing to add.
            (
                Step::Bind {
                    from,
                    at,
                    write,
                    exec,
                    ..
                },
                Some(Step::Bind {
                    write: w, exec: x, ..
                }),
            ) => !(paths::same(from, at) && write == w && exec == x),
            // Masked by a hidden path above: the protection wins.
            (_, Some(Step::Mask { .. })) => false,
            // Links and directories exist already in host content, or as a mount point.
            (Step::Link { .. } | Step::Dir { .. }, _) => {
                in_own_content && !step_at.contains(step.at())
            }
            // A pin is for host content, where nothing else is mounted yet.
            (Step::Pin { .. }, _) => !in_own_content && !step_at.contains(step.at()),
            _ => true,
        };
        if !keep {
            continue;
        }
        match &mut step {
            Step::Skeleton { make, .. }
            | Step::Bind { make, .. }
            | Step::Tmpfs { make, .. }
            | Step::Proc { make, .. }
            | Step::Devpts { make, .. } => *make = in_own_content,
            _ => {}
        }
        if holds_beneath(&step) {
            holder_at.insert(step.at().to_path_buf(), done.len());
        }
        if let Step::Freeze { at } = &step {
            frozen_at.insert(at.clone());
        }
        step_at.insert(step.at().to_path_buf());
        done.push(step);
    }
    done
}

/// The union of the rights of every rule that holds `at` (Landlock's semantics, which the
/// view must match: a path beneath a read-write grant stays writable).
fn rights_at(plan: &Plan, at: &Path) -> Access {
    plan.rules
        .iter()
        .filter(|r| r.mount.is_host() && r.reaches(at))
        .fold(Access::NONE, |acc, r| acc.union(r.access))
}

/// Whether step `d` holds what lies beneath its path: a file system, a directory bind or a
/// hidden directory.
fn holds_beneath(d: &Step) -> bool {
    match d {
        Step::Bind { file, .. } => !file,
        Step::Mask { dir, .. } => *dir,
        Step::Skeleton { .. } | Step::Tmpfs { .. } | Step::Proc { .. } | Step::Devpts { .. } => {
            true
        }
        _ => false,
    }
}

/// Where nono stages the view: a tmpfs of its own, holding the host's root (`OLD`) and the
/// new root (`NEW`) while the steps run, and the empty sources of masks.
const STAGE: &str = "/tmp";
const OLD: &str = "/old";
const NEW: &str = "/new";
const EMPTY_DIR: &str = "/empty-dir";
const EMPTY_FILE: &str = "/empty-file";

/// Carries out `steps` (the view of `plan`, from [`steps`]) and makes the result this
/// process's root, then enters the working directory. Called in the first process of new
/// user, mount and PID namespaces.
pub(super) fn build(plan: &Plan, steps: &[Step], cap_file: &[u8]) -> Result<()> {
    stage()?;
    let mut skeletons = Vec::new();
    let mut made = Made::default();
    for step in steps {
        carry_out(step, cap_file, &mut made)?;
        if let Step::Skeleton { at, .. } = step {
            // Held by descriptor: a bind may cover the path later (a grant of `/`).
            let fd = rustix::fs::open(
                inside(NEW, at),
                rustix::fs::OFlags::PATH
                    | rustix::fs::OFlags::DIRECTORY
                    | rustix::fs::OFlags::CLOEXEC,
                rustix::fs::Mode::empty(),
            );
            skeletons.push(sys::checked(fd, "hold the skeleton", at)?);
        }
    }
    // The skeletons become read-only: nothing can be created beside the plan's paths.
    for fd in &skeletons {
        sys::mount_setattr_fd(fd, false, sys::MOUNT_ATTR_RDONLY)?;
    }
    drop(skeletons);
    enter()?;
    let cwd = plan
        .view
        .as_ref()
        .map_or(Path::new("/"), |v| v.cwd.as_path());
    rustix::process::chdir(cwd)
        .or_else(|_| rustix::process::chdir("/"))
        .map_err(|e| Error::refused(format!("cannot enter the working directory: {e}")))
}

/// Makes the staging tmpfs the root, with the host's root beneath it at `OLD`: the host
/// stays reachable as the source of binds, and nothing mounted from here on is seen outside.
fn stage() -> Result<()> {
    use rustix::mount::{MountFlags, MountPropagationFlags};
    // The first mount in the new namespace: where a security module (Ubuntu's AppArmor
    // restriction) strips the namespace's capabilities, it fails here.
    rustix::mount::mount_change(
        "/",
        MountPropagationFlags::PRIVATE | MountPropagationFlags::REC,
    )
    .map_err(|e| Error {
        kind: ErrorKind::NoNamespaces,
        message: crate::machine::probe::namespace_failure(e.raw_os_error(), true),
    })?;
    let flags = MountFlags::NOSUID | MountFlags::NODEV;
    sys::checked(
        rustix::mount::mount("tmpfs", STAGE, "tmpfs", flags, c"mode=0700"),
        "mount the staging tmpfs",
        Path::new(STAGE),
    )?;
    rustix::process::chdir(STAGE)
        .map_err(|e| Error::refused(format!("cannot enter {STAGE}: {e}")))?;
    for dir in ["old", "new"] {
        make_dir(Path::new(dir), 0o755)?;
    }
    sys::checked(
        rustix::process::pivot_root(".", "old"),
        "move the host's root aside",
        Path::new(STAGE),
    )?;
    rustix::process::chdir("/").map_err(|e| Error::refused(format!("cannot enter /: {e}")))?;
    make_dir(Path::new(EMPTY_DIR), 0o000)?;
    make_file(Path::new(EMPTY_FILE), 0o000, b"")
}

/// Makes the new root this process's root and detaches the staging tmpfs with the host's
/// root beneath it: nothing of the host remains reachable but what the steps bound.
fn enter() -> Result<()> {
    rustix::process::chdir(NEW)
        .map_err(|e| Error::refused(format!("cannot enter the view: {e}")))?;
    sys::checked(
        rustix::process::pivot_root(".", "."),
        "make the view the root",
        Path::new("/"),
    )?;
    sys::checked(
        rustix::mount::unmount(".", rustix::mount::UnmountFlags::DETACH),
        "detach the host's root",
        Path::new("/"),
    )?;
    rustix::process::chdir("/").map_err(|e| Error::refused(format!("cannot enter /: {e}")))
}

fn carry_out(step: &Step, cap_file: &[u8], made: &mut Made) -> Result<()> {
    use rustix::mount::MountFlags;
    let target = inside(NEW, step.at());
    let mut prepare = |make: bool, dir: bool| -> Result<bool> {
        if !make {
            return Ok(std::fs::symlink_metadata(&target).is_ok());
        }
        if let Some(parent) = target.parent() {
            made.dirs(parent)?;
        }
        if dir {
            make_dir(&target, 0o755).map(|_| true)
        } else {
            make_file(&target, 0o644, b"").map(|_| true)
        }
    };
    match step {
        Step::Skeleton { make, .. } => {
            if *make && target != Path::new(NEW) {
                prepare(true, true)?;
            }
            tmpfs(&target, "mode=0755")
        }
        Step::Bind {
            from,
            file,
            write,
            exec,
            make,
            ..
        } => {
            let source = inside(OLD, from);
            let Ok(meta) = std::fs::metadata(&source) else {
                return Ok(()); // gone since the plan was made: nothing to show
            };
            if !prepare(*make, !file)? {
                return Ok(());
            }
            sys::checked(
                rustix::mount::mount_bind_recursive(&source, &target),
                "bind",
                step.at(),
            )?;
            let mut attrs = sys::MOUNT_ATTR_NOSUID | sys::MOUNT_ATTR_NODEV;
            // A device, terminal or socket is used through its driver, which a read-only
            // mount does not stop; the mount keeps its mode and owner from being changed.
            let content = meta.is_file() || meta.is_dir();
            if !write || !content {
                attrs |= sys::MOUNT_ATTR_RDONLY;
            }
            if meta.file_type().is_char_device() {
                attrs &= !sys::MOUNT_ATTR_NODEV;
            }
            if !exec {
                attrs |= sys::MOUNT_ATTR_NOEXEC;
            }
            sys::mount_setattr(&target, true, attrs)
        }
        Step::Tmpfs { make, .. } => {
            prepare(*make, true)?;
            tmpfs(&target, "mode=1777")
        }
        Step::Proc { make, .. } => {
            prepare(*make, true)?;
            let flags = MountFlags::NOSUID | MountFlags::NODEV | MountFlags::NOEXEC;
            sys::checked(
                rustix::mount::mount("proc", &target, "proc", flags, None),
                "mount /proc",
                step.at(),
            )
        }
        Step::Devpts { make, .. } => {
            prepare(*make, true)?;
            let flags = MountFlags::NOSUID | MountFlags::NOEXEC;
            sys::checked(
                rustix::mount::mount(
                    "devpts",
                    &target,
                    "devpts",
                    flags,
                    c"newinstance,ptmxmode=0666,mode=0620",
                ),
                "mount a devpts instance",
                step.at(),
            )
        }
        Step::Mask { dir, .. } => {
            let source = if *dir { EMPTY_DIR } else { EMPTY_FILE };
            freeze(Path::new(source), &target, step.at())
        }
        Step::Freeze { .. } => freeze(&target, &target, step.at()),
        Step::Pin { .. } => match std::fs::symlink_metadata(&target) {
            Ok(m) if m.is_dir() || m.file_type().is_symlink() => pin(&target, step.at()),
            _ => Ok(()),
        },
        Step::Link { target: to, .. } => {
            if let Some(parent) = target.parent() {
                made.dirs(parent)?;
            }
            std::os::unix::fs::symlink(to, &target).map_err(|e| {
                Error::refused(format!("cannot make the link {}: {e}", quote(step.at())))
            })
        }
        Step::Dir { .. } => made.dirs(&target),
        Step::CapFile { .. } => {
            if let Some(parent) = target.parent() {
                made.dirs(parent)?;
            }
            make_file(&target, 0o444, cap_file)
        }
    }
}

/// Binds the directory or symlink `at` onto itself (keeping the flags of the mount it is on).
/// A symlink can be a mount point only through the new mount API, with the link opened
/// without following it.
fn pin(at: &Path, shown: &Path) -> Result<()> {
    use rustix::fs::OFlags;
    use rustix::mount::{MoveMountFlags, OpenTreeFlags};
    let tree = sys::checked(
        rustix::mount::open_tree(
            rustix::fs::CWD,
            at,
            OpenTreeFlags::OPEN_TREE_CLONE
                | OpenTreeFlags::OPEN_TREE_CLOEXEC
                | OpenTreeFlags::AT_SYMLINK_NOFOLLOW,
        ),
        "pin",
        shown,
    )?;
    let place = sys::checked(
        rustix::fs::open(
            at,
            OFlags::PATH | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            rustix::fs::Mode::empty(),
        ),
        "pin",
        shown,
    )?;
    sys::checked(
        rustix::mount::move_mount(
            &tree,
            "",
            &place,
            "",
            MoveMountFlags::MOVE_MOUNT_F_EMPTY_PATH | MoveMountFlags::MOVE_MOUNT_T_EMPTY_PATH,
        ),
        "pin",
        shown,
    )
}

/// Binds `source` at `target` read-only, with nothing to execute and no devices; nothing if
/// `target` is gone since the plan was made (nothing left to protect). The bind itself tells:
/// `target` is looked up only when it fails.
fn freeze(source: &Path, target: &Path, shown: &Path) -> Result<()> {
    if let Err(e) = rustix::mount::mount_bind_recursive(source, target) {
        if std::fs::symlink_metadata(target).is_err() {
            return Ok(());
        }
        return sys::checked(Err(e), "protect", shown);
    }
    sys::mount_setattr(
        target,
        true,
        sys::MOUNT_ATTR_RDONLY
            | sys::MOUNT_ATTR_NOSUID
            | sys::MOUNT_ATTR_NODEV
            | sys::MOUNT_ATTR_NOEXEC,
    )
}

fn tmpfs(target: &Path, options: &str) -> Result<()> {
    use rustix::mount::MountFlags;
    let data = std::ffi::CString::new(options).unwrap_or_default();
    sys::checked(
        rustix::mount::mount(
            "tmpfs",
            target,
            "tmpfs",
            MountFlags::NOSUID | MountFlags::NODEV,
            data.as_c_str(),
        ),
        "mount a tmpfs",
        target,
    )
}

/// `path` (absolute, as the program sees it) beneath `root`.
fn inside(root: &str, path: &Path) -> PathBuf {
    let rest = path.strip_prefix("/").unwrap_or(path);
    if rest.as_os_str().is_empty() {
        PathBuf::from(root)
    } else {
        Path::new(root).join(rest)
    }
}

/// Directories of the skeleton known to exist, so that each is made (or checked) once: the
/// steps put dozens of mount points under a few directories.
#[derive(Default)]
struct Made(std::collections::HashSet<PathBuf>);

impl Made {
    /// Makes `dir` and its missing parents.
    fn dirs(&mut self, dir: &Path) -> Result<()> {
        if self.0.contains(dir) || dir == Path::new("/") {
            return Ok(());
        }
        if let Some(parent) = dir.parent() {
            self.dirs(parent)?;
        }
        make_dir(dir, 0o755)?;
        self.0.insert(dir.to_path_buf());
        Ok(())
    }
}

fn make_dir(dir: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    match std::fs::DirBuilder::new().mode(mode).create(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(Error::refused(format!(
            "cannot make {} in the view: {e}",
            quote(dir)
        ))),
    }
}

fn make_file(file: &Path, mode: u32, contents: &[u8]) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let made = if contents.is_empty() {
        // A mount point: one mknod, where open and close are two calls.
        rustix::fs::mknodat(
            rustix::fs::CWD,
            file,
            rustix::fs::FileType::RegularFile,
            rustix::fs::Mode::from_raw_mode(mode),
            0,
        )
        .map_err(std::io::Error::from)
    } else {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(file)
            .and_then(|mut f| f.write_all(contents))
    };
    match made {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(Error::refused(format!(
            "cannot make {} in the view: {e}",
            quote(file)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{
        Layers, Link, Network, Rule, SensitivePath, SocketPolicy, Source, View, FORMAT_VERSION,
    };

    fn rule(path: &str, access: Access, mount: Mount) -> Rule {
        Rule {
            path: path.into(),
            access,
            file: false,
            source: Source::Baseline { what: "t".into() },
            except: Vec::new(),
            mount,
        }
    }

    fn plan(rules: Vec<Rule>, sensitive: Vec<SensitivePath>) -> Plan {
        Plan {
            format: FORMAT_VERSION,
            home: "/home/u".into(),
            rules,
            sensitive,
            network: Network {
                blocked: false,
                sockets: SocketPolicy::Any,
                filter: None,
                published: Vec::new(),
            },
            env: Vec::new(),
            tmpdir: "/tmp".into(),
            keep_fds: Vec::new(),
            cap_file: "/dev/nono/plan.json".into(),
            create: Vec::new(),
            guards: Vec::new(),
            view: Some(View {
                skeletons: vec!["/".into(), "/dev".into()],
                links: vec![Link {
                    path: "/bin".into(),
                    target: "usr/bin".into(),
                }],
                cwd: "/home/u/proj".into(),
                pins: Vec::new(),
            }),
            layers: Layers::default(),
        }
    }

    #[test]
    fn rules_become_binds_in_depth_order_with_their_rights() {
        let p = plan(
            vec![
                rule("/home/u/proj", Access::ALL, Mount::Host),
                rule("/usr", Access::READ_EXEC, Mount::Host),
                rule("/etc", Access::READ, Mount::Host),
                rule("/tmp", Access::ALL, Mount::Tmpfs),
                rule("/proc", Access::READ, Mount::Proc),
                // The same rights as the grant above it: no mount of its own.
                rule("/home/u/proj/sub", Access::READ, Mount::Host),
            ],
            vec![SensitivePath {
                path: "/home/u/proj/.git/hooks".into(),
                group: "git".into(),
                protection: Protection::ReadOnly,
                dir: true,
                state: SensitiveState::Masked,
                links: Vec::new(),
                owner: None,
            }],
        );
        let steps = steps(&p);
        let at: Vec<&str> = steps.iter().map(|s| s.at().to_str().unwrap()).collect();
        assert_eq!(
            at,
            [
                "/",
                "/dev",
                "/tmp",
                "/proc",
                "/usr",
                "/etc",
                "/bin",
                "/home/u/proj",
                "/home/u/proj/.git/hooks"
            ]
        );
        let bind = |path: &str| {
            steps
                .iter()
                .find(|s| s.at() == Path::new(path))
                .cloned()
                .unwrap()
        };
        assert!(matches!(
            bind("/etc"),
            Step::Bind {
                write: false,
                exec: false,
                make: true,
                ..
            }
        ));
        assert!(matches!(
            bind("/home/u/proj"),
            Step::Bind {
                write: true,
                exec: true,
                ..
            }
        ));
        assert!(matches!(
            bind("/home/u/proj/.git/hooks"),
            Step::Freeze { .. }
        ));
        // `/dev` is a directory of the root's skeleton, not a file system of its own.
        assert_eq!(bind("/dev"), Step::Dir { at: "/dev".into() });
        assert_eq!(
            steps
                .iter()
                .filter(|s| matches!(s, Step::Skeleton { .. }))
                .count(),
            1
        );
    }

    #[test]
    fn a_grant_of_the_root_keeps_devices_and_proc_our_own() {
        let p = plan(
            vec![
                rule("/", Access::READ_EXEC, Mount::Host),
                rule("/dev/null", Access::READ_WRITE, Mount::Host),
                rule("/proc", Access::READ, Mount::Proc),
                rule("/home/u/proj", Access::ALL, Mount::Host),
            ],
            Vec::new(),
        );
        let steps = steps(&p);
        // /dev is a skeleton over the host's /dev, whose directory exists in the bind of /.
        assert!(steps.contains(&Step::Skeleton {
            at: "/dev".into(),
            make: false
        }));
        assert!(steps.contains(&Step::Proc {
            at: "/proc".into(),
            make: false
        }));
        // /dev/null is in nono's /dev: its mount point is made there.
        assert!(steps.iter().any(
            |s| matches!(s, Step::Bind { at, make: true, .. } if at == Path::new("/dev/null"))
        ));
        // The working directory and /bin exist in the host content of /: nothing to make.
        assert!(!steps
            .iter()
            .any(|s| matches!(s, Step::Dir { .. } | Step::Link { .. })));
        // A writable grant beneath the read-only root gets its own bind.
        assert!(steps.iter().any(
            |s| matches!(s, Step::Bind { at, write: true, .. } if at == Path::new("/home/u/proj"))
        ));
    }

    #[test]
    fn nothing_is_bound_beneath_a_hidden_path() {
        let p = plan(
            vec![
                rule("/home/u", Access::ALL, Mount::Host),
                rule("/home/u/.aws/cli", Access::READ, Mount::Host),
            ],
            vec![SensitivePath {
                path: "/home/u/.aws".into(),
                group: "cloud".into(),
                protection: Protection::Hidden,
                dir: true,
                state: SensitiveState::Masked,
                links: Vec::new(),
                owner: None,
            }],
        );
        let steps = steps(&p);
        assert!(steps.contains(&Step::Mask {
            at: "/home/u/.aws".into(),
            dir: true
        }));
        assert!(!steps
            .iter()
            .any(|s| s.at() == Path::new("/home/u/.aws/cli")));
    }
}
