//! Policy + machine -> plan: canonical grants, the protected paths ([`crate::protect`]), the
//! baseline, the environment, the kernel layers ([`crate::layers`]) and the capability file.
//! Every decision of the sandbox is made here or in those two modules, never downstream.

use crate::access::Access;
use crate::baseline::{self, Place};
use crate::env;
use crate::error::{Error, Result};
use crate::layers;
use crate::machine::Machine;
use crate::paths::{self, quote};
use crate::plan::{
    Backend, EnvChange, Layers, Network, Plan, Rule, SensitivePath, SocketPolicy, Source,
    FORMAT_VERSION,
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
    let grants = grant_rules(policy, machine)?;
    let unprotect = canonical_list(&policy.unprotect, "--unprotect", machine)?;
    let socket_paths = socket_grants(policy, machine)?;
    let sensitive = protect::protected_paths(&grants, &unprotect, &socket_paths, machine)?;
    let mut rules = grants;
    rules.extend(socket_paths.iter().cloned().map(|path| Rule {
        path,
        access: Access::WRITE,
        file: true,
        source: Source::UnixSocket,
        except: Vec::new(),
    }));
    add_baseline(&mut rules, &sensitive, machine);

    let layers = match machine.backend {
        Backend::Linux => layers::linux(policy, machine, &sensitive, &rules)?,
        // Seatbelt's profile holds every protection of the plan itself: deny rules that win
        // over grants stand in for masks, and it governs sockets and signals.
        Backend::Seatbelt => Layers {
            backend: Backend::Seatbelt,
            kernel: machine.kernel.clone(),
            ..Layers::default()
        },
    };

    let state_dir =
        paths::canonical_or_planned(&machine.tmp_base).join(format!("nono-{}", machine.uid));
    let tmpdir = state_dir.join("tmp");
    rules.push(Rule {
        path: tmpdir.clone(),
        access: Access::ALL,
        file: false,
        source: Source::Tmpdir,
        except: Vec::new(),
    });
    let mut plan = Plan {
        format: FORMAT_VERSION,
        home: machine.home.clone(),
        rules,
        sensitive,
        network: Network {
            blocked: policy.net_block,
            sockets: match (policy.net_block, layers.network_namespace) {
                (false, _) => SocketPolicy::Any,
                (true, true) => SocketPolicy::Local,
                (true, false) => SocketPolicy::UnixOnly,
            },
        },
        env: Vec::new(),
        tmpdir,
        keep_fds: policy.keep_fds.clone(),
        cap_file: PathBuf::new(),
        layers,
    };
    // The file's name is a digest of the plan, so repeated runs of one command share one file.
    plan.cap_file = state_dir
        .join("plans")
        .join(format!("{:016x}.json", digest(&plan)));
    plan.rules.push(Rule {
        path: plan.cap_file.clone(),
        access: Access::READ,
        file: true,
        source: Source::CapFile,
        except: Vec::new(),
    });
    plan.env = environment(policy, machine, &socket_paths)?;
    plan.env.extend([
        set("NONO_SANDBOX", "1"),
        set("NONO_CAP_FILE", &plan.cap_file.to_string_lossy()),
        set("NONO_HELP", HELP_LINE),
        set("TMPDIR", &plan.tmpdir.to_string_lossy()),
    ]);
    Ok(plan)
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

fn digest(plan: &Plan) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    serde_json::to_string(plan)
        .unwrap_or_default()
        .hash(&mut hasher);
    hasher.finish()
}

/// Where `path` (as written) really lives: `~` expanded, relative to the current directory,
/// symlinks resolved. The path must exist.
fn canonical_input(path: &Path, flag: &str, machine: &Machine) -> Result<PathBuf> {
    let expanded = paths::expand_tilde(path, &machine.home);
    let joined = machine.cwd.join(expanded);
    paths::canonical(&joined).map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
            _ => e.to_string(),
        };
        Error::refused(format!("{flag} {}: {why}", quote(path)))
    })
}

fn canonical_list(list: &[PathBuf], flag: &str, machine: &Machine) -> Result<Vec<PathBuf>> {
    list.iter()
        .map(|p| canonical_input(p, flag, machine))
        .collect()
}

/// The sockets of `--allow-unix-socket`, canonical; each must be a socket.
fn socket_grants(policy: &Policy, machine: &Machine) -> Result<Vec<PathBuf>> {
    use std::os::unix::fs::FileTypeExt;
    let paths = canonical_list(&policy.unix_sockets, "--allow-unix-socket", machine)?;
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

fn grant_rules(policy: &Policy, machine: &Machine) -> Result<Vec<Rule>> {
    let mut rules = Vec::with_capacity(policy.grants.len());
    for grant in &policy.grants {
        let flag = grant.flag.flag();
        let path = match canonical_input(&grant.path, flag, machine) {
            Ok(path) => path,
            // A profile's optional grant (an agent's state directory before its first run).
            Err(_) if grant.optional => continue,
            Err(e) => return Err(e),
        };
        let is_dir = path.is_dir();
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
        });
    }
    Ok(rules)
}

fn add_baseline(rules: &mut Vec<Rule>, sensitive: &[SensitivePath], machine: &Machine) {
    let mut add = |path: &Path, access: Access, what: &str| {
        let Ok((path, is_dir)) = paths::resolve(path) else {
            return; // absent on this machine
        };
        let file = !is_dir;
        // A protected path the caller's own file permissions already keep out of reach (a
        // normal user and /etc/shadow) needs no exception: carving one out costs a Landlock
        // rule per sibling on every run.
        let except: Vec<PathBuf> = sensitive
            .iter()
            .filter(|s| paths::is_within(&s.path, &path) && conflicts(s.protection, access))
            .filter(|s| permitted_by_dac(&s.path, s.protection))
            .map(|s| s.path.clone())
            .collect();
        if except.contains(&path) {
            return; // the entry is itself sensitive
        }
        let redundant = rules.iter().any(|r| {
            matches!(r.source, Source::Baseline { .. })
                && r.except.is_empty()
                && reaches(r, &path)
                && access.minus(r.access).is_empty()
        });
        if redundant {
            return;
        }
        rules.push(Rule {
            path,
            access,
            file,
            source: Source::Baseline { what: what.into() },
            except,
        });
    };
    for entry in baseline::TABLE {
        let path = match entry.place {
            Place::System(p) => PathBuf::from(p),
            Place::Home(p) => machine.home.join(p),
        };
        add(&path, entry.access, entry.what);
    }
    if let Some(path_env) = &machine.path_env {
        for dir in std::env::split_paths(path_env).filter(|d| d.is_absolute()) {
            add(&dir, Access::READ_EXEC, baseline::PATH_DIRS);
        }
    }
    if let Some(exe) = &machine.nono_exe {
        add(exe, Access::READ_EXEC, baseline::NONO_ITSELF);
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
