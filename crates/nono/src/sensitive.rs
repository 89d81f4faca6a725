//! The table of sensitive paths: credentials that must stay unreadable and configuration that
//! must stay unwritable, even when a grant covers them (`--allow ~`, `--allow /`).
//!
//! This is the only place the list lives. The planner resolves it against the machine; `why`,
//! `--dry-run` and enforcement all read the result from the plan.

use serde::{Deserialize, Serialize};

/// What the sandbox may still do with a sensitive path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Protection {
    /// Neither readable nor writable: secrets.
    Hidden,
    /// Readable but never writable: files that run code on the host later (shell rc files).
    ReadOnly,
}

/// Where a table entry lives.
#[derive(Clone, Copy, Debug)]
pub enum Root {
    /// Relative to the user's home directory.
    Home,
    /// An absolute system path.
    System,
}

/// One row of the table.
#[derive(Clone, Copy, Debug)]
pub struct Sensitive {
    /// The named group shown to users (`ssh`, `cloud`, `shell-config`, ...).
    pub group: &'static str,
    /// Where `path` is rooted.
    pub root: Root,
    /// The path, relative to the home for [`Root::Home`], absolute for [`Root::System`].
    pub path: &'static str,
    /// What stays forbidden.
    pub protection: Protection,
}

const fn home(group: &'static str, path: &'static str, protection: Protection) -> Sensitive {
    Sensitive {
        group,
        root: Root::Home,
        path,
        protection,
    }
}

const fn system(group: &'static str, path: &'static str) -> Sensitive {
    Sensitive {
        group,
        root: Root::System,
        path,
        protection: Protection::Hidden,
    }
}

use Protection::{Hidden, ReadOnly};

/// Every sensitive path nono knows. Entries that do not exist on a machine are skipped.
pub const TABLE: &[Sensitive] = &[
    // Keys and agents.
    home("ssh", ".ssh", Hidden),
    home("gpg", ".gnupg", Hidden),
    home("password-store", ".password-store", Hidden),
    home("keyrings", ".local/share/keyrings", Hidden),
    home("keyrings", ".pki", Hidden),
    // Cloud and cluster credentials.
    home("cloud", ".aws", Hidden),
    home("cloud", ".azure", Hidden),
    home("cloud", ".config/gcloud", Hidden),
    home("cloud", ".kube", Hidden),
    home("cloud", ".docker/config.json", Hidden),
    home("cloud", ".vault-token", Hidden),
    home("cloud", ".config/doctl", Hidden),
    home("cloud", ".oci", Hidden),
    home("cloud", ".terraform.d/credentials.tfrc.json", Hidden),
    // Source forges and package registries.
    home("tokens", ".netrc", Hidden),
    home("tokens", ".git-credentials", Hidden),
    home("tokens", ".config/git/credentials", Hidden),
    home("tokens", ".config/gh", Hidden),
    home("tokens", ".config/hub", Hidden),
    home("tokens", ".npmrc", Hidden),
    home("tokens", ".yarnrc", Hidden),
    home("tokens", ".pypirc", Hidden),
    home("tokens", ".cargo/credentials", Hidden),
    home("tokens", ".cargo/credentials.toml", Hidden),
    home("tokens", ".gem/credentials", Hidden),
    home("tokens", ".m2/settings-security.xml", Hidden),
    home("tokens", ".config/pip/pip.conf", Hidden),
    // Browser profiles: cookies, saved passwords, sessions.
    home("browser", ".mozilla", Hidden),
    home("browser", ".config/google-chrome", Hidden),
    home("browser", ".config/chromium", Hidden),
    home("browser", ".config/BraveSoftware", Hidden),
    home("browser", ".config/microsoft-edge", Hidden),
    home("browser", ".config/vivaldi", Hidden),
    home("browser", "snap/firefox", Hidden),
    // Shell and REPL history: often holds pasted secrets.
    home("history", ".bash_history", Hidden),
    home("history", ".zsh_history", Hidden),
    home("history", ".zhistory", Hidden),
    home("history", ".local/share/fish/fish_history", Hidden),
    home("history", ".python_history", Hidden),
    home("history", ".node_repl_history", Hidden),
    home("history", ".psql_history", Hidden),
    home("history", ".mysql_history", Hidden),
    home("history", ".sqlite_history", Hidden),
    home("history", ".lesshst", Hidden),
    // Shell startup files: run by the host's next shell, so never writable.
    home("shell-config", ".bashrc", ReadOnly),
    home("shell-config", ".bash_profile", ReadOnly),
    home("shell-config", ".bash_login", ReadOnly),
    home("shell-config", ".bash_logout", ReadOnly),
    home("shell-config", ".profile", ReadOnly),
    home("shell-config", ".zshrc", ReadOnly),
    home("shell-config", ".zshenv", ReadOnly),
    home("shell-config", ".zprofile", ReadOnly),
    home("shell-config", ".zlogin", ReadOnly),
    home("shell-config", ".zlogout", ReadOnly),
    home("shell-config", ".config/fish", ReadOnly),
    home("shell-config", ".kshrc", ReadOnly),
    home("shell-config", ".cshrc", ReadOnly),
    home("shell-config", ".tcshrc", ReadOnly),
    home("shell-config", ".inputrc", ReadOnly),
    // Tool configuration that runs code on the host (git hooks path, aliases).
    home("tool-config", ".gitconfig", ReadOnly),
    home("tool-config", ".config/git/config", ReadOnly),
    // nono's own configuration: a sandbox must never widen its next sandbox.
    home("nono", ".config/nono", ReadOnly),
    // System secrets.
    system("system-secrets", "/etc/shadow"),
    system("system-secrets", "/etc/shadow-"),
    system("system-secrets", "/etc/gshadow"),
    system("system-secrets", "/etc/gshadow-"),
    system("system-secrets", "/etc/sudoers"),
    system("system-secrets", "/etc/sudoers.d"),
    system("system-secrets", "/etc/security/opasswd"),
    system("system-secrets", "/etc/ssh/ssh_host_rsa_key"),
    system("system-secrets", "/etc/ssh/ssh_host_ecdsa_key"),
    system("system-secrets", "/etc/ssh/ssh_host_ed25519_key"),
    system("system-secrets", "/etc/ssh/ssh_host_dsa_key"),
    system("system-secrets", "/etc/ssl/private"),
    system("system-secrets", "/etc/krb5.keytab"),
    system("system-secrets", "/etc/NetworkManager/system-connections"),
    system("system-secrets", "/etc/wireguard"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn home_entries_are_relative_and_system_entries_absolute() {
        for entry in TABLE {
            match entry.root {
                Root::Home => assert!(!entry.path.starts_with('/'), "{}", entry.path),
                Root::System => assert!(entry.path.starts_with('/'), "{}", entry.path),
            }
            assert!(!entry.path.ends_with('/') && !entry.path.contains(".."));
        }
    }

    #[test]
    fn no_entry_is_listed_twice() {
        let mut seen = std::collections::HashSet::new();
        for entry in TABLE {
            assert!(seen.insert(entry.path), "duplicate {}", entry.path);
        }
    }
}
