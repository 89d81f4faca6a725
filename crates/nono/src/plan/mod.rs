//! The plan: everything the sandbox will enforce, resolved against this machine.
//!
//! A [`Plan`] is produced once by [`crate::resolve`] and then read by every consumer: the Linux
//! backend applies it, `why` explains it, `--dry-run` prints it and the capability file is its
//! JSON form. None of them computes an answer of its own.

mod network;
mod view;

use crate::access::Access;
use crate::sensitive::Protection;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

pub use network::{Filter, TestName, PROXY_PORT, PROXY_VARIABLES};
pub use view::{Link, Mount, View};

/// Version of the plan's JSON form (the capability file and `--dry-run --json`).
pub const FORMAT_VERSION: u32 = 2;

/// The resolved sandbox.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Plan {
    /// [`FORMAT_VERSION`] of this document.
    pub format: u32,
    /// The home directory the sensitive table was resolved against.
    #[serde(with = "crate::pathser")]
    pub home: PathBuf,
    /// Paths the program may use, with their rights. Everything else is denied.
    pub rules: Vec<Rule>,
    /// Sensitive paths that exist on this machine, and how each is protected.
    pub sensitive: Vec<SensitivePath>,
    /// Network policy.
    pub network: Network,
    /// Environment variables nono sets or removes.
    pub env: Vec<EnvChange>,
    /// The temporary directory given to the program as `TMPDIR`.
    #[serde(with = "crate::pathser")]
    pub tmpdir: PathBuf,
    /// Descriptors above 2 passed to the program; every other one is closed.
    #[serde(default)]
    pub keep_fds: Vec<i32>,
    /// The capability file: this plan as JSON, readable from inside the sandbox.
    #[serde(with = "crate::pathser")]
    pub cap_file: PathBuf,
    /// Granted paths that do not exist yet and are made just before the sandbox is applied
    /// (`--allow ./target`, a profile's `create = true`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub create: Vec<Create>,
    /// Protected names that did not exist when the plan was made, inside writable rules: the
    /// program may not create them (with a view; see [`Guard`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub guards: Vec<Guard>,
    /// The file system the program sees, when nono builds one (Linux with user namespaces):
    /// each rule's path and nothing else. `None`: the host's, confined by Landlock alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view: Option<View>,
    /// Kernel layers used, and protections given up with `--allow-degraded`.
    pub layers: Layers,
}

/// A granted path the run makes before the sandbox is applied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Create {
    /// Where (its existing part canonical).
    #[serde(with = "crate::pathser")]
    pub path: PathBuf,
    /// A directory (with any missing parents), or else an empty file.
    pub dir: bool,
    /// Its mode, before the umask.
    pub mode: u32,
    /// A file to copy its content from (a profile's `seed`).
    #[serde(
        with = "crate::pathser::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub from: Option<PathBuf>,
}

/// One allowed path.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    /// Canonical path (symlinks resolved): what the kernel checks.
    #[serde(with = "crate::pathser")]
    pub path: PathBuf,
    /// Rights on the path and, for a directory, everything beneath it.
    pub access: Access,
    /// Whether this rule names one file rather than a directory tree.
    pub file: bool,
    /// Why the rule exists.
    pub source: Source,
    /// Sensitive paths beneath `path` that this rule does not cover. Only baseline rules have
    /// exceptions; the backend enforces them by granting the siblings instead of the parent.
    #[serde(
        with = "crate::pathser::vec",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub except: Vec<PathBuf>,
    /// Where the view takes the path from (only meaningful in a plan with a view).
    #[serde(default, skip_serializing_if = "Mount::is_host")]
    pub mount: Mount,
}

/// Where a rule comes from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Source {
    /// A grant flag on the command line.
    Grant {
        /// The flag, e.g. `--allow`.
        flag: GrantFlag,
        /// The path as the user wrote it.
        #[serde(with = "crate::pathser")]
        given: PathBuf,
    },
    /// The built-in system baseline.
    Baseline {
        /// What the entry is for, e.g. `system libraries`.
        what: String,
    },
    /// The run's temporary directory.
    Tmpdir,
    /// The capability file.
    CapFile,
    /// A Unix socket granted with `--allow-unix-socket`.
    UnixSocket,
    /// The program's own terminal.
    Terminal,
}

/// The grant flags of `nono run`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GrantFlag {
    /// `--allow DIR`: read, write, create, delete, execute.
    Allow,
    /// `--read DIR`: read, list, execute.
    Read,
    /// `--write DIR`: write, create, delete; no read.
    Write,
    /// `--allow-file FILE`.
    AllowFile,
    /// `--read-file FILE`.
    ReadFile,
    /// `--write-file FILE`.
    WriteFile,
}

impl GrantFlag {
    /// Every grant flag.
    pub const ALL: [GrantFlag; 6] = [
        GrantFlag::Allow,
        GrantFlag::Read,
        GrantFlag::Write,
        GrantFlag::AllowFile,
        GrantFlag::ReadFile,
        GrantFlag::WriteFile,
    ];

    /// The flag as typed on the command line.
    pub fn flag(self) -> &'static str {
        match self {
            GrantFlag::Allow => "--allow",
            GrantFlag::Read => "--read",
            GrantFlag::Write => "--write",
            GrantFlag::AllowFile => "--allow-file",
            GrantFlag::ReadFile => "--read-file",
            GrantFlag::WriteFile => "--write-file",
        }
    }

    /// The rights the flag grants.
    pub fn access(self) -> Access {
        match self {
            GrantFlag::Allow | GrantFlag::AllowFile => Access::ALL,
            GrantFlag::Read | GrantFlag::ReadFile => Access::READ_EXEC,
            GrantFlag::Write | GrantFlag::WriteFile => Access::WRITE,
        }
    }

    /// Whether the flag names a single file.
    pub fn is_file(self) -> bool {
        matches!(
            self,
            GrantFlag::AllowFile | GrantFlag::ReadFile | GrantFlag::WriteFile
        )
    }

    /// The smallest flag of the given shape whose rights include `access`.
    pub fn smallest_for(access: Access, file: bool) -> GrantFlag {
        let (read, write, allow) = if file {
            (
                GrantFlag::ReadFile,
                GrantFlag::WriteFile,
                GrantFlag::AllowFile,
            )
        } else {
            (GrantFlag::Read, GrantFlag::Write, GrantFlag::Allow)
        };
        [read, write, allow]
            .into_iter()
            .find(|f| access.minus(f.access()).is_empty())
            .unwrap_or(allow)
    }
}

/// A sensitive path found on this machine.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SensitivePath {
    /// Canonical path.
    #[serde(with = "crate::pathser")]
    pub path: PathBuf,
    /// The table's group name.
    pub group: String,
    /// What stays forbidden.
    pub protection: Protection,
    /// Whether `path` is a directory.
    pub dir: bool,
    /// How the plan keeps it protected.
    pub state: SensitiveState,
    /// Symlinks on the way to it from the name the table gives (a dotfile kept in a dotfiles
    /// directory, a symlinked `~/.config`): the view covers each with what it leads to, so
    /// that none can be replaced to make the name lead elsewhere.
    #[serde(
        with = "crate::pathser::vec",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub links: Vec<PathBuf>,
    /// The built-in profile whose program owns it, when the run uses that profile
    /// ([`SensitiveState::Owned`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

impl SensitivePath {
    /// Whether its protection holds in this run (neither lifted nor its owner's).
    pub fn protects(&self) -> bool {
        !matches!(
            self.state,
            SensitiveState::Unprotected | SensitiveState::Owned
        )
    }
}

/// How a sensitive path is kept protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SensitiveState {
    /// No rule grants what its protection forbids: Landlock alone keeps it protected.
    NotGranted,
    /// A rule covers it, so the view hides it (an empty mode-000 file or directory) or makes
    /// it read-only.
    Masked,
    /// The user lifted the protection with `--unprotect`.
    Unprotected,
    /// It belongs to the program of the run's built-in profile (an agent's own login, the
    /// configuration it rewrites itself): that profile's grants decide, as for any path.
    Owned,
}

/// A protected name that did not exist when the plan was made, inside a writable rule. A mask
/// can only cover what exists; this name is refused when the program tries to create it, and
/// so is every directory on the way to it, but by `mkdir` (which is then guarded in turn).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Guard {
    /// The protected path, as it would be created.
    #[serde(with = "crate::pathser")]
    pub path: PathBuf,
    /// The deepest directory on the way to it that exists.
    #[serde(with = "crate::pathser")]
    pub dir: PathBuf,
    /// The table's group.
    pub group: String,
    /// Symlinks on the way to `dir` from the name the table gives (see
    /// [`SensitivePath::links`]).
    #[serde(
        with = "crate::pathser::vec",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub links: Vec<PathBuf>,
}

/// Network policy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Network {
    /// Whether the program may reach the network.
    pub blocked: bool,
    /// Which socket families the program may create.
    pub sockets: SocketPolicy,
    /// Filtered mode: the program's only way out is nono's proxy, which allows what these
    /// rules allow (`--allow-domain`, `--deny-domain`, `--allow-cidr`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<Filter>,
    /// Ports of the sandbox's own loopback that nono outside publishes on the host's
    /// loopback, the same number on both (`--publish`): only with a network namespace.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub published: Vec<u16>,
}

/// Socket families a program may create, enforced by seccomp.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SocketPolicy {
    /// Any family: the network is not blocked.
    Any,
    /// Unix, IPv4, IPv6 and routing netlink, inside a private network namespace whose only
    /// interface is its own loopback: local servers work, nothing leaves (in filtered mode,
    /// but through nono's proxy).
    Local,
    /// Unix sockets only: the fallback when no network namespace can be made.
    UnixOnly,
}

/// One environment change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum EnvChange {
    /// Set `name` to `value`.
    Set {
        /// Variable name.
        name: String,
        /// New value.
        value: String,
    },
    /// Remove `name` (its value is never shown).
    Remove {
        /// Variable name.
        name: String,
        /// The environment table's group that matched it.
        group: String,
    },
}

/// The operating system's sandbox that enforces the plan.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Backend {
    /// Linux: namespaces, Landlock and seccomp.
    #[default]
    Linux,
    /// macOS: a Seatbelt profile generated from the plan.
    Seatbelt,
}

/// Kernel layers the plan uses on this machine.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Layers {
    /// Which operating-system sandbox enforces the plan.
    #[serde(default)]
    pub backend: Backend,
    /// Kernel release, e.g. `6.18.0`.
    pub kernel: String,
    /// Highest Landlock ABI the kernel offers (0: none).
    pub landlock_abi: u8,
    /// Lowest Landlock ABI that gives every protection of the plan.
    pub landlock_abi_needed: u8,
    /// User, mount, PID and IPC namespaces, holding the view ([`Plan::view`]).
    pub namespaces: bool,
    /// Private network namespace (for `--net-block` and filtered mode).
    pub network_namespace: bool,
    /// The seccomp filter (kernel attack surface, terminal injection, foreign syscalls,
    /// socket families).
    pub seccomp: bool,
    /// Inside another nono sandbox, which cannot make namespaces: the outer sandbox's view and
    /// namespaces stay in force, and this run adds its own Landlock and seccomp layers.
    #[serde(default)]
    pub nested: bool,
    /// Layers switched off by a hidden testing flag (`--testing-without`): never in real use.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub testing_without: Vec<String>,
    /// Protections this kernel cannot give, accepted with `--allow-degraded`.
    pub dropped: Vec<Dropped>,
}

/// A protection the plan wanted but the kernel cannot give.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dropped {
    /// What is no longer enforced.
    pub protection: String,
    /// What the kernel would need to enforce it.
    pub needs: String,
}

impl Rule {
    /// Whether the rule reaches `path`: the path itself or, for a directory rule, anything
    /// beneath it (exceptions aside).
    pub fn reaches(&self, path: &std::path::Path) -> bool {
        if self.file {
            self.path == path
        } else {
            path.starts_with(&self.path)
        }
    }
}

impl Plan {
    /// The user's grants that a symlink takes somewhere other than the path they name, each
    /// with what was named (`--allow build`): a run prints them every time, since a link in a
    /// place an earlier run could write may have been planted.
    /// `cwd` is the directory relative grants were given in.
    pub fn redirected_grants(&self, cwd: &std::path::Path) -> Vec<(String, &Rule)> {
        self.rules
            .iter()
            .filter_map(|rule| {
                let Source::Grant { flag, given } = &rule.source else {
                    return None;
                };
                let named = match given.strip_prefix("~") {
                    Ok(rest) => self.home.join(rest),
                    Err(_) => cwd.join(given),
                };
                let label = format!("{} {}", flag.flag(), crate::paths::quote(given));
                (crate::paths::normalize(&named) != rule.path).then_some((label, rule))
            })
            .collect()
    }

    /// Masked sensitive paths, in table order.
    pub fn masks(&self) -> impl Iterator<Item = &SensitivePath> {
        self.sensitive
            .iter()
            .filter(|s| s.state == SensitiveState::Masked)
    }

    /// Whether a layer is switched off by the hidden testing flag.
    pub fn without(&self, layer: &str) -> bool {
        self.layers.testing_without.iter().any(|l| l == layer)
    }
}
