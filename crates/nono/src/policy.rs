//! The policy: what the user asked for, before it meets the machine.

use crate::egress::EgressPolicy;
use crate::plan::GrantFlag;
use std::net::IpAddr;
use std::path::PathBuf;

/// A declarative sandbox request, as given on the command line.
#[derive(Clone, Debug, Default)]
pub struct Policy {
    /// Grants, in the order given.
    pub grants: Vec<Grant>,
    /// Sensitive paths the user chose to expose (`--unprotect`).
    pub unprotect: Vec<PathBuf>,
    /// Unix sockets the program may connect to (`--allow-unix-socket`).
    pub unix_sockets: Vec<PathBuf>,
    /// Whether to block the network (`--net-block`).
    pub net_block: bool,
    /// Egress rules (`--allow-domain`, `--deny-domain`, `--allow-cidr`): any rule filters the
    /// network through nono's proxy. `--net-block` wins over them.
    pub egress: EgressPolicy,
    /// Names the proxy resolves from this table instead of DNS (a hidden testing flag, for
    /// tests without a network): each address must lie in an `--allow-cidr` range.
    pub testing_resolve: Vec<(String, IpAddr)>,
    /// Ports of the sandbox's loopback to publish on the host's (`--publish`), in the order
    /// given.
    pub publish: Vec<u16>,
    /// Whether to run even if the kernel cannot give every protection (`--allow-degraded`).
    pub allow_degraded: bool,
    /// Variables to keep although the environment table would strip them (`--env-allow`).
    pub env_allow: Vec<String>,
    /// Variables to set (`--env NAME=VALUE`).
    pub env_set: Vec<(String, String)>,
    /// Descriptors above 2 to pass to the program (`--keep-fd`).
    pub keep_fds: Vec<i32>,
    /// nono's own configuration: the profile files this run read and the user profile
    /// directory (absolute). The plan keeps them read-only, as the table keeps
    /// `~/.config/nono`, wherever they are: no run may rewrite the next one.
    pub config: Vec<PathBuf>,
    /// The built-in profiles of the run's `--profile` (the profile and those it extends): the
    /// sensitive entries they own are their program's (see `sensitive::Sensitive::owners`).
    pub profiles: Vec<String>,
    /// Files copied once before the run, when missing (a profile's `seed`): (where, from),
    /// absolute.
    pub seed: Vec<(PathBuf, PathBuf)>,
    /// The program the run executes, when found on `PATH`: if its launcher there is a symlink
    /// into a tree no rule reaches, that tree joins the baseline.
    pub program: Option<PathBuf>,
    /// An agent run without its profile: the state directories that profile keeps (absolute,
    /// and the profile's name), each given to the run new and empty (a tmpfs in the view).
    pub fresh_state: Vec<(PathBuf, String)>,
    /// Layers to leave off, for tests that prove each layer holds alone (a hidden flag).
    pub testing_without: Vec<String>,
}

impl Policy {
    /// Whether the network is filtered through nono's proxy: an egress rule is given, and no
    /// `--net-block` (which blocks everything, and so wins over the rules).
    pub fn filters_network(&self) -> bool {
        !self.net_block && self.egress.is_filtering()
    }

    /// Whether the program needs a network namespace of its own: blocked or filtered.
    pub fn needs_network_namespace(&self) -> bool {
        self.net_block || self.filters_network()
    }
}

/// One grant flag and its path.
#[derive(Clone, Debug, PartialEq)]
pub struct Grant {
    /// Which flag.
    pub flag: GrantFlag,
    /// The path as written (may start with `~`, may be relative).
    pub path: PathBuf,
    /// Whether a missing path is skipped instead of refused (profiles use it for state that
    /// an agent creates on its first run).
    pub optional: bool,
    /// The mode to create the path with when it does not exist (a directory for a directory
    /// grant, an empty file for a file grant), or `None` to refuse a missing path. The command
    /// line's writable directory grants create (`--allow ./target`); a profile's only where it
    /// says `create = true` (an agent's state directory, mode 0700).
    pub create: Option<u32>,
}

impl Grant {
    /// A grant of `path` by `flag`; the path must exist.
    pub fn new(flag: GrantFlag, path: impl Into<PathBuf>) -> Grant {
        Grant {
            flag,
            path: path.into(),
            optional: false,
            create: None,
        }
    }
}
