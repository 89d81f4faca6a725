//! Policy + machine -> plan: canonical grants, the protected paths ([`crate::protect`]), the
//! baseline, the view, the environment, the kernel layers ([`crate::layers`]) and the run's
//! own files. Every decision of the sandbox is made here or in those two modules, never
//! downstream.

use crate::access::Access;
use crate::baseline::{self, InView, Place};
use crate::env;
use crate::error::one_line;
use crate::error::{Error, Result};
use crate::layers;
use crate::machine::{Machine, Namespaces};
use crate::paths::{self, quote};
use crate::plan::{
    Backend, Create, EnvChange, Filter, Layers, Link, Mount, Network, Plan, Rule, SensitivePath,
    SensitiveState, SocketPolicy, Source, TestName, View, FORMAT_VERSION,
};
use crate::policy::Policy;
use crate::protect::{self, conflicts, reaches};
use crate::sensitive::Protection;
use std::path::{Path, PathBuf};

/// The one-line hint given to programs inside the sandbox (`NONO_HELP`).
pub const HELP_LINE: &str = "You are in a nono sandbox: some paths are off limits. To learn why an access failed and which flag would allow it, run: nono why --self PATH [--op read|write|exec]";

/// Builds the plan for `policy` on `machine`, or explains in one line why it cannot be built.
pub fn resolve(policy: &Policy, machine: &Machine) -> Result<Plan> {
    if machine.backend == Backend::Linux && machine.landlock_abi == 0 {
        return Err(Error::refused(format!(
            "Landlock is not available on this kernel (Linux {}): nono cannot confine the filesystem and will not run without it",
            machine.kernel
        )));
    }
    let view = machine.backend == Backend::Linux && machine.namespaces == Namespaces::Available;
    let mut links = Vec::new();
    let mut resolver = paths::Resolver::default();
    let (grants, mut create) = grant_rules(policy, machine, &mut resolver, &mut links)?;
    for (path, from) in &policy.seed {
        let missing = matches!(std::fs::symlink_metadata(path), Err(e) if e.kind() == std::io::ErrorKind::NotFound);
        if let (true, Ok(from)) = (missing, resolver.resolve(from)) {
            let planned = paths::canonical_or_planned(path);
            // A symlink on the way (planted by an earlier run) must not lead the copy out of
            // the writable directories it was checked against.
            let inside = grants.iter().any(|g| {
                !g.file
                    && g.access.allows(crate::access::Op::Write)
                    && paths::is_within(&planned, &g.path)
            });
            if !inside {
                return Err(Error::refused(format!(
                    "seed {}: leads to {} through a symlink, outside the writable grants",
                    paths::display(path, &machine.home),
                    paths::display(&planned, &machine.home)
                )));
            }
            if !from.dir {
                create.push(Create {
                    path: planned,
                    dir: false,
                    mode: 0o600,
                    from: Some(from.path),
                });
            }
        }
    }
    // A protected name may be lifted before it exists (a guard): resolve what exists of it.
    let unprotect: Vec<PathBuf> = policy
        .unprotect
        .iter()
        .map(|p| {
            let joined = machine.cwd.join(paths::expand_tilde(p, &machine.home));
            resolver
                .resolve(&joined)
                .map(|r| r.path)
                .unwrap_or_else(|_| paths::canonical_or_planned(&joined))
        })
        .collect();
    let socket_paths = socket_grants(policy, machine, &mut resolver)?;
    let protected = protect::protected_paths(&grants, &unprotect, policy, machine, &mut resolver)?;
    let mut sensitive = protected.paths;
    let mut rules = grants;
    rules.extend(socket_paths.iter().cloned().map(|path| Rule {
        path,
        access: Access::WRITE,
        file: true,
        source: Source::UnixSocket,
        except: Vec::new(),
        mount: Mount::Host,
    }));
    Baseline {
        rules: &mut rules,
        sensitive: &mut sensitive,
        links: &mut links,
        view,
        resolver: &mut resolver,
    }
    .add(machine, policy.program.as_deref());
    add_terminal(&mut rules, machine, view);
    let (tmpdir, cap_file) = run_files(&mut rules, machine, view);
    if view {
        fresh_state(&mut rules, &mut sensitive, policy);
    }
    let sockets = protect::sockets(&rules, &socket_paths, &sensitive, machine, &mut resolver);
    sensitive.extend(sockets);

    let layers = match machine.backend {
        Backend::Linux => layers::linux(policy, machine, &sensitive, &protected.guards, &rules)?,
        // Seatbelt's profile holds every protection of the plan itself: deny rules that win
        // over grants stand in for masks, and it governs sockets and signals.
        Backend::Seatbelt => Layers {
            backend: Backend::Seatbelt,
            kernel: machine.kernel.clone(),
            ..Layers::default()
        },
    };
    let guards = if view { protected.guards } else { Vec::new() };
    let view = view.then(|| {
        let pins = pins(&rules, &sensitive, &guards);
        View {
            skeletons: vec![PathBuf::from("/"), PathBuf::from("/dev")],
            links: links
                .into_iter()
                .map(|(path, target)| Link { path, target })
                .collect(),
            cwd: machine.cwd.clone(),
            pins,
        }
    });
    let mut plan = Plan {
        format: FORMAT_VERSION,
        home: machine.home.clone(),
        rules,
        sensitive,
        network: network(policy, &layers)?,
        env: environment(policy, machine, &socket_paths)?,
        tmpdir,
        keep_fds: policy.keep_fds.clone(),
        cap_file,
        create,
        // Without a view there is no init to refuse a name: the plan keeps none.
        guards,
        view,
        layers,
    };
    if let Some(filter) = &plan.network.filter {
        plan.env.extend(filter.env());
    }
    plan.env.extend([
        set("NONO_SANDBOX", "1"),
        set("NONO_CAP_FILE", &plan.cap_file.to_string_lossy()),
        set("NONO_HELP", HELP_LINE),
        set("TMPDIR", &plan.tmpdir.to_string_lossy()),
    ]);
    Ok(plan)
}

/// The network's mode: open, blocked (`--net-block`, which wins over egress rules), or
/// filtered through nono's proxy (any egress rule). `layers` says whether a network namespace
/// holds the program: filtered mode has no weaker form, so [`layers::linux`] refuses it
/// without one.
fn network(policy: &Policy, layers: &Layers) -> Result<Network> {
    if policy.filters_network() && layers.backend == Backend::Seatbelt {
        return Err(Error::refused(
            "a filtered network (--allow-domain, --deny-domain, --allow-cidr) is enforced on Linux only; use --net-block to block the network instead",
        ));
    }
    let filter = if policy.filters_network() {
        Some(Filter::new(policy.egress.clone(), testing_names(policy)?))
    } else {
        if let Some((name, _)) = policy.testing_resolve.first() {
            return Err(Error::refused(format!(
                "--testing-resolve {name}: only for a filtered network (--allow-domain, --deny-domain or --allow-cidr)"
            )));
        }
        None
    };
    let sockets = match (policy.needs_network_namespace(), layers.network_namespace) {
        (false, _) => SocketPolicy::Any,
        (true, true) => SocketPolicy::Local,
        (true, false) => SocketPolicy::UnixOnly,
    };
    let published = published(policy, layers)?;
    Ok(Network {
        blocked: policy.net_block,
        sockets,
        filter,
        published,
    })
}

/// The ports `--publish` exposes, each once. Publishing needs a network namespace of the
/// program's own: without one the program shares the host's network, and its servers are on
/// the host's loopback already.
fn published(policy: &Policy, layers: &Layers) -> Result<Vec<u16>> {
    let mut ports = Vec::new();
    for &port in &policy.publish {
        let refuse = |why: &str| Err(Error::refused(format!("--publish {port}: {why}")));
        if port == 0 {
            return refuse("not a port (1 to 65535)");
        }
        if !policy.needs_network_namespace() {
            return refuse(
                "the program shares the host's network (no --net-block, --allow-domain, --deny-domain or --allow-cidr), so its servers are reachable from the host without it",
            );
        }
        if !layers.network_namespace {
            return refuse(
                "needs a network namespace of the program's own, which this run cannot have (no user namespaces, a nested sandbox, or macOS)",
            );
        }
        if policy.filters_network() && port == crate::plan::PROXY_PORT {
            return refuse("nono's proxy listens on that port inside the sandbox");
        }
        if !ports.contains(&port) {
            ports.push(port);
        }
    }
    Ok(ports)
}

/// The testing resolver's table. An address outside every `--allow-cidr` range is refused:
/// the table may only lead an allowed name to an address the rules already let the program
/// reach, so the flag can never widen what a run allows.
fn testing_names(policy: &Policy) -> Result<Vec<TestName>> {
    policy
        .testing_resolve
        .iter()
        .map(|(name, address)| {
            let flag = format!("--testing-resolve {}={address}", one_line(name));
            let name = match crate::egress::normalize_host(name) {
                Ok(crate::egress::Host::Name(name)) => name,
                Ok(crate::egress::Host::Ip(_)) => {
                    return Err(Error::refused(format!("{flag}: an address, not a name")))
                }
                Err(e) => return Err(Error::refused(format!("{flag}: {e}"))),
            };
            if !policy.egress.cidrs.iter().any(|c| c.contains(*address)) {
                return Err(Error::refused(format!(
                    "{flag}: {address} is in no --allow-cidr range; the testing resolver may only name addresses the rules already allow"
                )));
            }
            Ok(TestName {
                name,
                address: *address,
            })
        })
        .collect()
}

/// What keeps each protected name leading where it does inside a writable grant: the
/// directories between the grant and the name, and the symlinks on the way with the
/// directories above them, each pinned (bound onto itself). A protected path outside every
/// writable grant needs the same for the symlinks that lead to it from inside one (`~/.ssh`
/// linking to a key store elsewhere, under `--allow ~`).
fn pins(
    rules: &[Rule],
    sensitive: &[SensitivePath],
    guards: &[crate::plan::Guard],
) -> Vec<PathBuf> {
    let writable = |r: &&Rule| !r.file && r.access.allows(crate::access::Op::Write);
    // The deepest writable grant holding `path` below its top (a grant's own directory is a
    // mount point already, which cannot be renamed).
    let holder = |path: &Path, or_itself: bool| {
        rules
            .iter()
            .filter(writable)
            .filter(|r| r.reaches(path) && (r.path != path || or_itself))
            .max_by_key(|r| r.path.components().count())
    };
    let mut pins: Vec<PathBuf> = Vec::new();
    let mut pinned = std::collections::HashSet::new();
    let protected = sensitive
        .iter()
        .filter(|s| s.protects() && s.group != protect::SOCKET_GROUP)
        .map(|s| (s.path.as_path(), false, &s.links))
        .chain(guards.iter().map(|g| (g.dir.as_path(), true, &g.links)));
    for (path, is_guard_dir, links) in protected {
        // Where pinning starts, and the path whose grant it stops at.
        let mut ways: Vec<(&Path, &Path, bool)> = links
            .iter()
            .map(|link| (link.as_path(), link.as_path(), false))
            .collect();
        if is_guard_dir {
            ways.push((path, path, true));
        } else if let Some(parent) = path.parent() {
            ways.push((parent, path, false));
        }
        for (start, held, or_itself) in ways {
            let Some(grant) = holder(held, or_itself) else {
                continue;
            };
            let mut at = start.to_path_buf();
            while at != grant.path && paths::is_within(&at, &grant.path) {
                if pinned.insert(at.clone()) {
                    pins.push(at.clone());
                }
                at.pop();
            }
        }
    }
    pins
}

/// The run's temporary directory and capability file. In a view both are nono's own: a
/// private tmpfs at `/tmp` (programs that ignore `TMPDIR` find it too) and a file on nono's
/// read-only `/dev`. Without one, a directory made fresh for this run (see `prepare`), never
/// one an earlier run could have touched.
fn run_files(rules: &mut Vec<Rule>, machine: &Machine, view: bool) -> (PathBuf, PathBuf) {
    let (tmpdir, cap_file, tmp_mount) = if view {
        (
            PathBuf::from("/tmp"),
            PathBuf::from(crate::machine::probe::CAP_FILE_IN_VIEW),
            Mount::Tmpfs,
        )
    } else {
        let base = paths::canonical_or_planned(&machine.tmp_base);
        let run = base.join(format!(
            "{}{}-{}-{:016x}",
            crate::prepare::RUN_DIR_PREFIX,
            machine.uid,
            std::process::id(),
            random()
        ));
        (run.join("tmp"), run.join("plan.json"), Mount::Host)
    };
    rules.push(Rule {
        path: tmpdir.clone(),
        access: Access::ALL,
        file: false,
        source: Source::Tmpdir,
        except: Vec::new(),
        mount: tmp_mount,
    });
    rules.push(Rule {
        path: cap_file.clone(),
        access: Access::READ,
        file: true,
        source: Source::CapFile,
        except: Vec::new(),
        mount: if view { Mount::Written } else { Mount::Host },
    });
    (tmpdir, cap_file)
}

/// An agent run without its profile: each state directory its profile would keep is a new,
/// empty tmpfs of the run instead (read, write, execute), so the agent starts as on a new
/// machine, and nothing of it reaches the host. Where a rule already reaches the directory, or
/// lies inside it, or the directory is a symlink, the rules stand as they are. The host's
/// sensitive paths beneath (the agent's login) are not in the view at all: the tmpfs covers
/// them, and what the program writes at their names stays in it.
fn fresh_state(rules: &mut Vec<Rule>, sensitive: &mut Vec<SensitivePath>, policy: &Policy) {
    for (path, profile) in &policy.fresh_state {
        let taken = rules
            .iter()
            .any(|r| r.reaches(path) || paths::is_within(&r.path, path));
        let symlink = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        if taken || symlink {
            continue;
        }
        rules.push(Rule {
            path: path.clone(),
            access: Access::ALL,
            file: false,
            source: Source::Baseline {
                what: format!(
                    "{profile}'s state, new and empty for this run: --profile {profile} keeps it"
                ),
            },
            except: Vec::new(),
            mount: Mount::Tmpfs,
        });
        sensitive.retain(|s| !paths::is_within(&s.path, path));
    }
}

/// 64 random bits for a run directory's name; the directory is then created exclusively.
fn random() -> u64 {
    let mut bytes = [0u8; 8];
    match rustix::rand::getrandom(&mut bytes, rustix::rand::GetRandomFlags::empty()) {
        Ok(8) => u64::from_ne_bytes(bytes),
        // Without getrandom: the time and pid still make a name an attacker cannot know in
        // advance, and creation is exclusive either way.
        _ => {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(0);
            nanos ^ (u64::from(std::process::id()) << 32)
        }
    }
}

/// The program's terminal: in a view, bound at `/dev/console` (the new devpts instance holds
/// none of the host's terminals); without one, its own device.
fn add_terminal(rules: &mut Vec<Rule>, machine: &Machine, view: bool) {
    let Some(terminal) = &machine.terminal else {
        return;
    };
    let (path, mount) = if view {
        (
            PathBuf::from("/dev/console"),
            Mount::HostPath {
                source: terminal.clone(),
            },
        )
    } else {
        (terminal.clone(), Mount::Host)
    };
    rules.push(Rule {
        path,
        access: Access::READ_WRITE,
        file: true,
        source: Source::Terminal,
        except: Vec::new(),
        mount,
    });
}

/// Variables removed by the environment table (unless kept) and set by `--env`.
fn environment(policy: &Policy, machine: &Machine, sockets: &[PathBuf]) -> Result<Vec<EnvChange>> {
    let mut changes: Vec<EnvChange> = machine
        .env
        .iter()
        .filter(|(name, _)| !policy.env_allow.contains(name))
        .filter_map(|(name, value)| {
            let rule = env::stripped_by(name)?;
            // A handle to an agent stays when its socket is granted.
            let granted = env::socket_of(value)
                .and_then(|p| paths::canonical(&p).ok())
                .is_some_and(|p| sockets.contains(&p));
            (!(rule.group == env::AGENT && granted)).then(|| EnvChange::Remove {
                name: name.clone(),
                group: rule.group.into(),
            })
        })
        .collect();
    for (name, value) in &policy.env_set {
        if name.is_empty() || name.contains(['=', '\0']) || value.contains('\0') {
            return Err(Error::refused(format!(
                "--env {name:?}: not a valid NAME=VALUE"
            )));
        }
        if env::RESERVED.contains(&name.as_str()) {
            return Err(Error::refused(format!(
                "--env {name}: nono sets this variable itself"
            )));
        }
        if policy.filters_network() && crate::plan::PROXY_VARIABLES.contains(&name.as_str()) {
            return Err(Error::refused(format!(
                "--env {name}: nono sets this variable itself when the network is filtered (it points at nono's proxy)"
            )));
        }
        changes.retain(|c| !matches!(c, EnvChange::Remove { name: n, .. } if n == name));
        changes.push(set(name, value));
    }
    Ok(changes)
}

fn set(name: &str, value: &str) -> EnvChange {
    EnvChange::Set {
        name: name.into(),
        value: value.into(),
    }
}

/// Where `path` (as written) really lives: `~` expanded, relative to the current directory,
/// symlinks resolved. The path must exist.
fn canonical_input(
    path: &Path,
    flag: &str,
    machine: &Machine,
    resolver: &mut paths::Resolver,
) -> Result<paths::Resolved> {
    let expanded = paths::expand_tilde(path, &machine.home);
    let joined = machine.cwd.join(expanded);
    resolver.resolve(&joined).map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
            _ => e.to_string(),
        };
        Error::refused(format!("{flag} {}: {why}", quote(path)))
    })
}

fn canonical_list(
    list: &[PathBuf],
    flag: &str,
    machine: &Machine,
    resolver: &mut paths::Resolver,
) -> Result<Vec<PathBuf>> {
    list.iter()
        .map(|p| canonical_input(p, flag, machine, resolver).map(|r| r.path))
        .collect()
}

/// The sockets of `--allow-unix-socket`, canonical; each must be a socket.
fn socket_grants(
    policy: &Policy,
    machine: &Machine,
    resolver: &mut paths::Resolver,
) -> Result<Vec<PathBuf>> {
    use std::os::unix::fs::FileTypeExt;
    let paths = canonical_list(
        &policy.unix_sockets,
        "--allow-unix-socket",
        machine,
        resolver,
    )?;
    for (path, given) in paths.iter().zip(&policy.unix_sockets) {
        let is_socket = std::fs::metadata(path).is_ok_and(|m| m.file_type().is_socket());
        if !is_socket {
            return Err(Error::refused(format!(
                "--allow-unix-socket {}: not a Unix socket",
                quote(given)
            )));
        }
    }
    Ok(paths)
}

fn grant_rules(
    policy: &Policy,
    machine: &Machine,
    resolver: &mut paths::Resolver,
    links: &mut Links,
) -> Result<(Vec<Rule>, Vec<Create>)> {
    let mut rules = Vec::with_capacity(policy.grants.len());
    let mut create = Vec::new();
    for grant in &policy.grants {
        let flag = grant.flag.flag();
        let resolved = match canonical_input(&grant.path, flag, machine, resolver) {
            Ok(resolved) => resolved,
            Err(e) => match grant.create {
                // Made before the sandbox is applied; planned where it will be.
                Some(mode) if absent(&grant.path, machine) => {
                    let planned = paths::canonical_or_planned(
                        &machine
                            .cwd
                            .join(paths::expand_tilde(&grant.path, &machine.home)),
                    );
                    let dir = !grant.flag.is_file();
                    create.push(Create {
                        path: planned.clone(),
                        dir,
                        mode,
                        from: None,
                    });
                    paths::Resolved {
                        path: planned,
                        dir,
                        links: Vec::new(),
                    }
                }
                // A profile's optional grant (an agent's state directory before its first run).
                _ if grant.optional => continue,
                _ => return Err(e),
            },
        };
        note_links(links, &resolved);
        let (path, is_dir) = (resolved.path, resolved.dir);
        if grant.flag.is_file() && is_dir {
            return Err(Error::refused(format!(
                "{flag} {}: is a directory (use {})",
                quote(&grant.path),
                flag.trim_end_matches("-file")
            )));
        }
        if !grant.flag.is_file() && !is_dir {
            return Err(Error::refused(format!(
                "{flag} {}: is not a directory (use {flag}-file)",
                quote(&grant.path)
            )));
        }
        rules.push(Rule {
            path,
            access: grant.flag.access(),
            file: grant.flag.is_file(),
            source: Source::Grant {
                flag: grant.flag,
                given: grant.path.clone(),
            },
            except: Vec::new(),
            mount: Mount::Host,
        });
    }
    Ok((rules, create))
}

/// Whether `path` (as given) names nothing at all, not even a dangling symlink: only then is
/// it made (a dangling link would make the path elsewhere).
fn absent(path: &Path, machine: &Machine) -> bool {
    let full = machine.cwd.join(paths::expand_tilde(path, &machine.home));
    matches!(std::fs::symlink_metadata(&full), Err(e) if e.kind() == std::io::ErrorKind::NotFound)
}

/// Symlinks met on the way to the rules' paths, for the view to recreate.
type Links = Vec<(PathBuf, PathBuf)>;

/// Notes the symlinks a path passed through.
fn note_links(links: &mut Links, resolved: &paths::Resolved) {
    for link in &resolved.links {
        if !links.contains(link) {
            links.push(link.clone());
        }
    }
}

/// Adds the baseline to the rules. In a view, protected paths beneath a baseline entry are
/// masked (`/etc/shadow` under `/etc`); without one, they are carved out of the entry's rule.
struct Baseline<'a> {
    rules: &'a mut Vec<Rule>,
    sensitive: &'a mut Vec<SensitivePath>,
    links: &'a mut Links,
    view: bool,
    resolver: &'a mut paths::Resolver,
}

impl Baseline<'_> {
    fn add(&mut self, machine: &Machine, program: Option<&Path>) {
        for entry in baseline::TABLE {
            let path = match entry.place {
                Place::System(p) => PathBuf::from(p),
                Place::Home(p) => machine.home.join(p),
            };
            match (&entry.in_view, self.view) {
                (InView::Host, _) | (InView::Own(_) | InView::Link(_), false) => {
                    self.host(&path, entry.access, entry.what)
                }
                (InView::Own(mount) | InView::OnlyInView(mount), true) => {
                    self.rules.push(Rule {
                        path,
                        access: entry.access,
                        file: false,
                        source: Source::Baseline {
                            what: entry.what.into(),
                        },
                        except: Vec::new(),
                        mount: mount.clone(),
                    });
                }
                (InView::Link(target) | InView::OnlyLink(target), true) => {
                    self.links.push((path, PathBuf::from(target)));
                }
                (InView::OnlyInView(_) | InView::OnlyLink(_), false) => {}
            }
        }
        let home = self
            .resolver
            .resolve(&machine.home)
            .map(|r| r.path)
            .unwrap_or_else(|_| machine.home.clone());
        if let Some(path_env) = &machine.path_env {
            for dir in std::env::split_paths(path_env).filter(|d| d.is_absolute()) {
                self.host(&dir, Access::READ_EXEC, baseline::PATH_DIRS);
                // A shim runs its manager from the root above it (`~/.pyenv/libexec/pyenv`).
                if dir.file_name().is_some_and(|n| n == "shims") {
                    if let Some(root) = dir.parent() {
                        self.root(root, &home, baseline::SHIM_ROOTS);
                    }
                }
            }
        }
        for (name, part) in baseline::TOOLCHAIN_VARIABLES {
            let value = machine.env.iter().find(|(k, _)| k == name).map(|(_, v)| v);
            if let Some(root) = value.map(PathBuf::from).filter(|p| p.is_absolute()) {
                self.root(&root.join(part), &home, baseline::ENV_TOOLCHAINS);
            }
        }
        // The program's own tree, when its launcher on PATH is a symlink that leads where no
        // rule reaches (npm's `bin/claude` into `lib/node_modules/@anthropic-ai/claude-code`).
        let launched = program.and_then(|p| self.resolver.resolve(p).ok());
        if let Some(found) = launched.filter(|f| !f.links.is_empty()) {
            let runs = self
                .rules
                .iter()
                .any(|r| r.reaches(&found.path) && r.access.allows(crate::access::Op::Exec));
            if let Some(root) = baseline::install_root(&found.path).filter(|_| !runs) {
                self.root(&root, &home, baseline::PROGRAM_TREE);
            }
        }
        if let Some(exe) = &machine.nono_exe {
            self.host(exe, Access::READ_EXEC, baseline::NONO_ITSELF);
        }
    }

    /// A directory found by looking at the machine (an environment variable, a symlink's
    /// target), read and executable, unless it would hand over the home or more.
    fn root(&mut self, root: &Path, home: &Path, what: &str) {
        let Ok(found) = self.resolver.resolve(root) else {
            return;
        };
        if found.dir && !baseline::too_wide(&found.path, home) {
            self.host(root, Access::READ_EXEC, what);
        }
    }

    /// A baseline path of the host, if it exists here.
    fn host(&mut self, given: &Path, access: Access, what: &str) {
        let Ok(resolved) = self.resolver.resolve(given) else {
            return; // absent on this machine
        };
        let (path, is_dir) = (resolved.path.clone(), resolved.dir);
        // A protected path the caller's own file permissions already keep out of reach (a
        // normal user and /etc/shadow) needs neither a mask nor an exception: each costs
        // system calls on every run.
        let beneath: Vec<usize> = (0..self.sensitive.len())
            .filter(|&i| {
                let s = &self.sensitive[i];
                // The cheap tests first: this runs for every baseline entry and protected path.
                s.state == SensitiveState::NotGranted
                    && conflicts(s.protection, access)
                    && paths::is_within(&s.path, &path)
                    && permitted_by_dac(&s.path, s.protection)
            })
            .collect();
        if beneath.iter().any(|&i| self.sensitive[i].path == path) {
            return; // the entry is itself sensitive
        }
        if self.view {
            note_links(self.links, &resolved);
        }
        let redundant = self.rules.iter().any(|r| {
            matches!(r.source, Source::Baseline { .. })
                && r.except.is_empty()
                && r.mount == Mount::Host
                && reaches(r, &path)
                && access.minus(r.access).is_empty()
        });
        if redundant {
            return;
        }
        let mut except = Vec::new();
        for i in beneath {
            if self.view {
                self.sensitive[i].state = SensitiveState::Masked;
            } else {
                except.push(self.sensitive[i].path.clone());
            }
        }
        self.rules.push(Rule {
            path,
            access,
            file: !is_dir,
            source: Source::Baseline { what: what.into() },
            except,
            mount: Mount::Host,
        });
    }
}

/// Whether the caller's own uid, groups and file modes would allow what `protection` forbids.
fn permitted_by_dac(path: &Path, protection: Protection) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c_path) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return true;
    };
    let mode = match protection {
        Protection::Hidden => libc::R_OK,
        Protection::ReadOnly => libc::W_OK,
    };
    // SAFETY: access(2) only reads the NUL-terminated path.
    unsafe { libc::access(c_path.as_ptr(), mode) == 0 }
}
