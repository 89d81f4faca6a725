//! The built-in system baseline: what ordinary programs need so that `--allow .` alone runs a
//! shell, Python, git or a compiler. Entries that do not exist are skipped; sensitive paths
//! beneath an entry are masked in the view, or carved out of it without one (see
//! [`crate::plan::Rule::except`]).

use crate::access::Access;
use crate::plan::Mount;

/// Where a baseline entry lives.
#[derive(Clone, Copy, Debug)]
pub enum Place {
    /// An absolute path.
    System(&'static str),
    /// A path relative to the home directory.
    Home(&'static str),
}

/// What a baseline entry is in the sandbox's view.
#[derive(Clone, Debug)]
pub enum InView {
    /// The host's path, bound in.
    Host,
    /// A file system of the sandbox's own at that path ([`Mount::Proc`], [`Mount::Devpts`]);
    /// without a view, the host's path.
    Own(Mount),
    /// A private file system that exists only in a view ([`Mount::Tmpfs`]: `/dev/shm`).
    OnlyInView(Mount),
    /// A symlink to this target in a view; without one, the host's path (`/dev/ptmx`).
    Link(&'static str),
    /// A symlink to this target that exists only in a view (`/dev/fd`).
    OnlyLink(&'static str),
}

/// One baseline entry.
#[derive(Clone, Debug)]
pub struct Entry {
    /// What the entry is for, shown by `why` and `--dry-run`.
    pub what: &'static str,
    /// The path.
    pub place: Place,
    /// The rights.
    pub access: Access,
    /// What it is in the view.
    pub in_view: InView,
}

const fn sys(what: &'static str, path: &'static str, access: Access) -> Entry {
    view(what, path, access, InView::Host)
}

const fn view(what: &'static str, path: &'static str, access: Access, in_view: InView) -> Entry {
    Entry {
        what,
        place: Place::System(path),
        access,
        in_view,
    }
}

const fn home(what: &'static str, path: &'static str) -> Entry {
    Entry {
        what,
        place: Place::Home(path),
        access: Access::READ_EXEC,
        in_view: InView::Host,
    }
}

const PROGRAMS: &str = "system programs and libraries";
const CONFIG: &str = "system configuration";
const DEVICES: &str = "standard devices";
const TERMINAL: &str = "terminals";
const SHM: &str = "shared memory, private to the run";
const KERNEL_INFO: &str = "process and CPU information";
const TOOLCHAINS: &str = "user toolchains";
const INSTALLED: &str = "user-installed programs";
const GIT_IDENTITY: &str = "git configuration";
#[cfg(target_os = "macos")]
const MACOS: &str = "macOS system files";

/// Every baseline entry.
pub const TABLE: &[Entry] = &[
    sys(PROGRAMS, "/usr", Access::READ_EXEC),
    sys(PROGRAMS, "/bin", Access::READ_EXEC),
    sys(PROGRAMS, "/sbin", Access::READ_EXEC),
    sys(PROGRAMS, "/lib", Access::READ_EXEC),
    sys(PROGRAMS, "/lib32", Access::READ_EXEC),
    sys(PROGRAMS, "/lib64", Access::READ_EXEC),
    sys(PROGRAMS, "/libx32", Access::READ_EXEC),
    sys(PROGRAMS, "/opt", Access::READ_EXEC),
    sys(PROGRAMS, "/nix/store", Access::READ_EXEC),
    sys(CONFIG, "/etc", Access::READ),
    // Name resolution: /etc/resolv.conf is often a symlink into /run (systemd-resolved).
    sys(CONFIG, "/etc/resolv.conf", Access::READ),
    sys(DEVICES, "/dev/null", Access::READ_WRITE),
    sys(DEVICES, "/dev/zero", Access::READ_WRITE),
    sys(DEVICES, "/dev/full", Access::READ_WRITE),
    sys(DEVICES, "/dev/random", Access::READ_WRITE),
    sys(DEVICES, "/dev/urandom", Access::READ_WRITE),
    view(
        DEVICES,
        "/dev/fd",
        Access::NONE,
        InView::OnlyLink("/proc/self/fd"),
    ),
    view(
        DEVICES,
        "/dev/stdin",
        Access::NONE,
        InView::OnlyLink("/proc/self/fd/0"),
    ),
    view(
        DEVICES,
        "/dev/stdout",
        Access::NONE,
        InView::OnlyLink("/proc/self/fd/1"),
    ),
    view(
        DEVICES,
        "/dev/stderr",
        Access::NONE,
        InView::OnlyLink("/proc/self/fd/2"),
    ),
    view(
        SHM,
        "/dev/shm",
        Access::READ_WRITE,
        InView::OnlyInView(Mount::Tmpfs),
    ),
    sys(TERMINAL, "/dev/tty", Access::READ_WRITE),
    view(
        TERMINAL,
        "/dev/ptmx",
        Access::READ_WRITE,
        InView::Link("pts/ptmx"),
    ),
    view(
        TERMINAL,
        "/dev/pts",
        Access::READ_WRITE,
        InView::Own(Mount::Devpts),
    ),
    view(KERNEL_INFO, "/proc", Access::READ, InView::Own(Mount::Proc)),
    sys(KERNEL_INFO, "/sys/devices/system/cpu", Access::READ),
    sys(KERNEL_INFO, "/sys/fs/cgroup", Access::READ),
    home(TOOLCHAINS, ".cargo/bin"),
    home(TOOLCHAINS, ".rustup"),
    home(TOOLCHAINS, ".pyenv"),
    home(TOOLCHAINS, ".nvm"),
    home(TOOLCHAINS, ".volta"),
    home(TOOLCHAINS, ".asdf"),
    home(TOOLCHAINS, ".local/share/mise"),
    home(TOOLCHAINS, ".local/bin"),
    home(TOOLCHAINS, ".local/lib"),
    home(TOOLCHAINS, ".deno"),
    home(TOOLCHAINS, ".bun"),
    home(TOOLCHAINS, "go/bin"),
    // Where the usual installers put a program whose launcher is on PATH: npm with a user
    // prefix, uv and pipx tool environments and uv's Pythons, pnpm, yarn, and the agents' own
    // installers (Claude Code's native one, opencode's).
    home(INSTALLED, ".npm-global/lib/node_modules"),
    home(INSTALLED, ".local/share/uv/tools"),
    home(INSTALLED, ".local/share/uv/python"),
    home(INSTALLED, ".local/share/pipx"),
    home(INSTALLED, ".local/pipx"),
    home(INSTALLED, ".local/share/pnpm"),
    home(INSTALLED, ".config/yarn/global"),
    home(INSTALLED, ".local/share/claude"),
    home(INSTALLED, ".opencode"),
    home(GIT_IDENTITY, ".gitconfig"),
    home(GIT_IDENTITY, ".config/git/config"),
    home(GIT_IDENTITY, ".config/git/ignore"),
    home(GIT_IDENTITY, ".config/git/attributes"),
    // macOS: what dyld, the shell and the developer tools need (absent elsewhere).
    #[cfg(target_os = "macos")]
    sys(MACOS, "/System", Access::READ_EXEC),
    #[cfg(target_os = "macos")]
    sys(MACOS, "/private/var/db/dyld", Access::READ_EXEC),
    #[cfg(target_os = "macos")]
    sys(MACOS, "/Library/Apple", Access::READ_EXEC),
    #[cfg(target_os = "macos")]
    sys(MACOS, "/private/var/db/timezone", Access::READ),
    #[cfg(target_os = "macos")]
    sys(MACOS, "/private/var/select", Access::READ),
    #[cfg(target_os = "macos")]
    sys(MACOS, "/private/var/db/xcode_select_link", Access::READ),
    #[cfg(target_os = "macos")]
    sys(
        MACOS,
        "/Library/Developer/CommandLineTools",
        Access::READ_EXEC,
    ),
    #[cfg(target_os = "macos")]
    sys(
        MACOS,
        "/Applications/Xcode.app/Contents/Developer",
        Access::READ_EXEC,
    ),
    #[cfg(target_os = "macos")]
    sys(MACOS, "/dev/autofs_nowait", Access::READ),
    #[cfg(target_os = "macos")]
    sys(MACOS, "/dev/dtracehelper", Access::READ_WRITE),
    #[cfg(target_os = "macos")]
    sys(MACOS, "/dev/fd", Access::READ_WRITE),
];

/// Toolchain roots the environment names, and what of each joins the baseline (read and
/// execute): a whole root where it holds only toolchains, its `bin` where it may also hold
/// credentials (`$CARGO_HOME/credentials.toml`) or the user's own work (`$GOPATH/src`).
pub const TOOLCHAIN_VARIABLES: &[(&str, &str)] = &[
    ("PYENV_ROOT", ""),
    ("RUSTUP_HOME", ""),
    ("CARGO_HOME", "bin"),
    ("NVM_DIR", ""),
    ("VOLTA_HOME", ""),
    ("GOROOT", ""),
    ("GOPATH", "bin"),
    ("BUN_INSTALL", ""),
    ("PNPM_HOME", ""),
    ("ASDF_DATA_DIR", ""),
    ("MISE_DATA_DIR", ""),
    ("SDKMAN_DIR", ""),
    ("DENO_INSTALL", ""),
    ("PIPX_HOME", ""),
    ("UV_TOOL_DIR", ""),
    ("UV_PYTHON_INSTALL_DIR", ""),
];
/// What rules made from [`TOOLCHAIN_VARIABLES`] are for.
pub const ENV_TOOLCHAINS: &str = "a toolchain root the environment names";
/// What the rule for the root of a shim directory on `$PATH` is for (`~/.pyenv/shims` runs
/// `~/.pyenv/libexec/pyenv`).
pub const SHIM_ROOTS: &str = "the root of a shim directory on $PATH";
/// What the rule for the program's own install tree is for.
pub const PROGRAM_TREE: &str = "the program's install tree";

/// The directory a program's file belongs to, as its installer laid it out: the package in a
/// `node_modules` (with its scope), the environment or prefix whose `bin` holds it, or else its
/// own directory. `target` is canonical.
pub fn install_root(target: &std::path::Path) -> Option<std::path::PathBuf> {
    use std::path::{Component, PathBuf};
    let parts: Vec<Component> = target.components().collect();
    if let Some(i) = parts.iter().rposition(|c| c.as_os_str() == "node_modules") {
        let scoped = parts
            .get(i + 1)
            .is_some_and(|c| c.as_os_str().to_string_lossy().starts_with('@'));
        let end = i + 2 + usize::from(scoped);
        if end < parts.len() {
            return Some(parts[..end].iter().collect::<PathBuf>());
        }
    }
    let dir = target.parent()?;
    if dir.file_name().is_some_and(|n| n == "bin") {
        return dir.parent().map(PathBuf::from);
    }
    Some(dir.to_path_buf())
}

/// Whether granting `root` would grant the home or more: never for a root found by looking
/// at the machine (an environment variable, a symlink's target).
pub fn too_wide(root: &std::path::Path, home: &std::path::Path) -> bool {
    home.starts_with(root)
}

/// What rules made from `$PATH` are for.
pub const PATH_DIRS: &str = "directories on $PATH";
/// What the rule for nono's own executable is for (so `nono why --self` works inside).
pub const NONO_ITSELF: &str = "the nono executable";

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn install_roots_follow_the_installers_layouts() {
        let root = |p: &str| install_root(Path::new(p)).unwrap();
        let home = "/home/u";
        assert_eq!(
            root("/home/u/.npm-global/lib/node_modules/@anthropic-ai/claude-code/cli.js"),
            Path::new("/home/u/.npm-global/lib/node_modules/@anthropic-ai/claude-code")
        );
        assert_eq!(
            root("/home/u/.npm-global/lib/node_modules/opencode-ai/bin/opencode"),
            Path::new("/home/u/.npm-global/lib/node_modules/opencode-ai")
        );
        assert_eq!(
            root("/home/u/.local/share/uv/tools/aider-chat/bin/aider"),
            Path::new("/home/u/.local/share/uv/tools/aider-chat")
        );
        assert_eq!(
            root("/home/u/.local/share/claude/versions/2.1.3"),
            Path::new("/home/u/.local/share/claude/versions")
        );
        // A program in the home itself, or in ~/bin, would hand over the home: too wide.
        assert!(too_wide(&root("/home/u/tool"), Path::new(home)));
        assert!(too_wide(&root("/home/u/bin/tool"), Path::new(home)));
        assert!(too_wide(
            &root("/usr/local/bin/tool"),
            Path::new("/usr/local")
        ));
        assert!(!too_wide(&root("/opt/x/bin/tool"), Path::new(home)));
    }
}
