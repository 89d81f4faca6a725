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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Root {
    /// Relative to the user's home directory.
    Home,
    /// An absolute system path.
    System,
    /// Relative to the root of each writable grant and of each git work tree in one: files a
    /// project carries that make a tool run commands when the user next opens it.
    Project,
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
    /// The built-in profiles whose program this entry belongs to (an agent's own login and the
    /// configuration it rewrites itself): under such a profile the entry is the program's, and
    /// its grants decide; under every other it stays protected, so no agent reads another's.
    pub owners: &'static [&'static str],
    /// Why it is protected: what it holds, or what on the host runs it later.
    pub reason: &'static str,
}

const fn home(
    group: &'static str,
    path: &'static str,
    protection: Protection,
    reason: &'static str,
) -> Sensitive {
    owned(group, path, protection, &[], reason)
}

const fn owned(
    group: &'static str,
    path: &'static str,
    protection: Protection,
    owners: &'static [&'static str],
    reason: &'static str,
) -> Sensitive {
    Sensitive {
        group,
        root: Root::Home,
        path,
        protection,
        owners,
        reason,
    }
}

const fn project(group: &'static str, path: &'static str, reason: &'static str) -> Sensitive {
    Sensitive {
        group,
        root: Root::Project,
        path,
        protection: Protection::ReadOnly,
        owners: &[],
        reason,
    }
}

const fn system(path: &'static str, reason: &'static str) -> Sensitive {
    Sensitive {
        group: "system-secrets",
        root: Root::System,
        path,
        protection: Protection::Hidden,
        owners: &[],
        reason,
    }
}

use Protection::{Hidden, ReadOnly};

/// Every sensitive path nono knows: secrets (hidden) and files the host runs or obeys later
/// (read-only), grouped as docs/security.md lists them. Entries that do not exist on a machine
/// are names the sandbox may not create (see `protect`).
#[rustfmt::skip]
pub const TABLE: &[Sensitive] = &[
    home("ssh", ".ssh", Hidden, "SSH keys, and authorized_keys, config and rc that grant logins or run commands"),
    home("gpg", ".gnupg", Hidden, "GnuPG private keys; gpg-agent.conf names programs it runs"),
    home("password-store", ".password-store", Hidden, "pass: encrypted passwords"),
    home("keyrings", ".local/share/keyrings", Hidden, "GNOME keyrings"),
    home("keyrings", ".pki", Hidden, "NSS certificate and key databases"),
    home("password-manager", ".config/op", Hidden, "1Password CLI configuration and sessions"),
    home("password-manager", ".config/1Password", Hidden, "1Password desktop data"),
    home("password-manager", ".config/Bitwarden CLI", Hidden, "Bitwarden CLI vault and keys"),
    home("password-manager", ".config/Bitwarden", Hidden, "Bitwarden desktop vault"),
    home("password-manager", ".local/share/gopass", Hidden, "gopass stores"),
    home("password-manager", ".config/gopass", Hidden, "gopass configuration with age identities (private keys)"),
    home("password-manager", ".local/share/kwalletd", Hidden, "KWallet wallets"),
    home("password-manager", ".config/keepassxc", Hidden, "KeePassXC configuration: databases and key files"),
    home("password-manager", ".lastpass", Hidden, "lastpass-cli session and key"),
    home("cloud", ".aws", Hidden, "AWS credentials; credential_process in config runs a command"),
    home("cloud", ".azure", Hidden, "Azure CLI tokens"),
    home("cloud", ".config/gcloud", Hidden, "Google Cloud credentials"),
    home("cloud", ".kube", Hidden, "Kubernetes credentials; exec plugins in kubeconfig run commands"),
    home("cloud", ".docker/config.json", Hidden, "registry credentials; credHelpers run programs"),
    home("cloud", ".dockercfg", Hidden, "legacy Docker registry credentials"),
    home("cloud", ".vault-token", Hidden, "HashiCorp Vault token"),
    home("cloud", ".config/doctl", Hidden, "DigitalOcean token"),
    home("cloud", ".oci", Hidden, "Oracle Cloud keys"),
    home("cloud", ".terraform.d/credentials.tfrc.json", Hidden, "Terraform registry tokens"),
    home("cloud", ".terraformrc", Hidden, "Terraform tokens; credentials_helper runs a program"),
    home("cloud", ".tofurc", Hidden, "OpenTofu tokens"),
    home("cloud", ".config/opentofu", Hidden, "OpenTofu configuration with tokens"),
    home("cloud", ".aliyun", Hidden, "Alibaba Cloud access keys"),
    home("cloud", ".bluemix", Hidden, "IBM Cloud tokens"),
    home("cloud", ".config/linode-cli", Hidden, "Linode API token"),
    home("cloud", ".linode-cli", Hidden, "Linode API token (legacy location)"),
    home("cloud", ".config/hcloud", Hidden, "Hetzner Cloud tokens"),
    home("cloud", ".fly", Hidden, "Fly.io access token"),
    home("cloud", ".local/share/com.vercel.cli", Hidden, "Vercel CLI token"),
    home("cloud", ".config/netlify", Hidden, "Netlify access tokens"),
    home("cloud", ".netlify", Hidden, "Netlify access tokens (legacy location)"),
    home("cloud", ".wrangler", Hidden, "Cloudflare wrangler tokens (legacy location)"),
    home("cloud", ".config/.wrangler", Hidden, "Cloudflare wrangler tokens"),
    home("cloud", ".config/configstore/firebase-tools.json", Hidden, "Firebase CLI refresh token"),
    home("cloud", ".supabase/access-token", Hidden, "Supabase CLI token"),
    home("cloud", ".config/scw", Hidden, "Scaleway access and secret keys"),
    home("cloud", ".ovh.conf", Hidden, "OVH application secret and consumer key"),
    home("cloud", ".config/helm/registry/config.json", Hidden, "Helm registry credentials"),
    home("cloud", ".config/helm/repositories.yaml", Hidden, "Helm chart repository passwords"),
    home("cloud", ".config/rclone/rclone.conf", Hidden, "rclone remotes: OAuth tokens, reversibly obscured passwords"),
    home("cloud", ".s3cfg", Hidden, "s3cmd keys; gpg_command runs a program"),
    home("cloud", ".boto", Hidden, "boto and gsutil credentials"),
    home("cloud", ".passwd-s3fs", Hidden, "s3fs keys"),
    home("cloud", ".jfrog", Hidden, "JFrog CLI access tokens"),
    home("cloud", ".config/containers/auth.json", Hidden, "Podman and Buildah registry credentials"),
    home("tokens", ".netrc", Hidden, "machine passwords for curl, git, ftp and the Heroku CLI"),
    home("tokens", ".git-credentials", Hidden, "git credential store"),
    home("tokens", ".config/git/credentials", Hidden, "git credential store (XDG location)"),
    home("tokens", ".git-credential-cache", Hidden, "git credential cache socket"),
    home("tokens", ".config/gh", Hidden, "GitHub CLI tokens"),
    home("tokens", ".config/hub", Hidden, "hub GitHub token"),
    home("tokens", ".config/glab-cli", Hidden, "GitLab CLI tokens"),
    home("tokens", ".npmrc", Hidden, "npm registry tokens; node-options and script-shell run code"),
    home("tokens", ".yarnrc", Hidden, "yarn classic registry tokens; yarn-path runs code"),
    home("tokens", ".yarnrc.yml", Hidden, "Yarn registry tokens; yarnPath and plugins run code"),
    home("tokens", ".config/pnpm/rc", Hidden, "pnpm registry authentication"),
    home("tokens", ".config/pnpm/auth.ini", Hidden, "pnpm login tokens"),
    home("tokens", ".pypirc", Hidden, "PyPI upload tokens"),
    home("tokens", ".config/pip/pip.conf", Hidden, "pip index URLs, often with credentials"),
    home("tokens", ".pip/pip.conf", Hidden, "pip index URLs, often with credentials (legacy location)"),
    home("tokens", ".config/pypoetry/auth.toml", Hidden, "Poetry repository credentials"),
    home("tokens", ".cargo/credentials", Hidden, "crates registry token"),
    home("tokens", ".cargo/credentials.toml", Hidden, "crates registry token"),
    home("tokens", ".gem/credentials", Hidden, "RubyGems API key"),
    home("tokens", ".bundle/config", Hidden, "Bundler gem source credentials"),
    home("tokens", ".m2/settings-security.xml", Hidden, "Maven master password"),
    home("tokens", ".m2/settings.xml", Hidden, "Maven server passwords"),
    home("tokens", ".gradle/gradle.properties", Hidden, "Gradle repository credentials and signing keys; jvmargs can load an agent"),
    home("tokens", ".config/composer/auth.json", Hidden, "Composer repository tokens"),
    home("tokens", ".composer/auth.json", Hidden, "Composer repository tokens (legacy location)"),
    home("tokens", ".nuget/NuGet/NuGet.Config", Hidden, "NuGet feed passwords in clear text"),
    home("tokens", ".config/NuGet/NuGet.Config", Hidden, "NuGet feed passwords in clear text"),
    home("tokens", ".Renviron", Hidden, "R environment: tokens such as GITHUB_PAT"),
    home("tokens", ".authinfo", Hidden, "Emacs auth-source passwords"),
    home("tokens", ".authinfo.gpg", Hidden, "Emacs auth-source passwords, encrypted"),
    home("tokens", ".smbcredentials", Hidden, "CIFS mount passwords"),
    home("tokens", ".davfs2/secrets", Hidden, "WebDAV passwords"),
    home("tokens", ".config/keybase", Hidden, "Keybase device keys"),
    home("tokens", ".config/Code/User/globalStorage/state.vscdb", Hidden, "VS Code secret storage"),
    home("tokens", ".config/VSCodium/User/globalStorage/state.vscdb", Hidden, "VSCodium secret storage"),
    home("tokens", ".env", Hidden, "a home .env that Gemini CLI and aider read: API keys"),
    home("database", ".pgpass", Hidden, "PostgreSQL passwords"),
    home("database", ".pg_service.conf", Hidden, "PostgreSQL connection services, with passwords"),
    home("database", ".my.cnf", Hidden, "MySQL client password; pager runs a command"),
    home("database", ".mylogin.cnf", Hidden, "MySQL login paths (obfuscated passwords)"),
    home("database", ".dbtools", Hidden, "Oracle SQLcl saved connections with passwords"),
    home("database", ".local/share/DBeaverData", Hidden, "DBeaver saved connections (weakly encrypted passwords)"),
    home("database", ".dbeaver4", Hidden, "DBeaver saved connections (legacy location)"),
    owned("agent-credentials", ".claude/.credentials.json", Hidden, &["claude-code"], "Claude Code OAuth tokens"),
    owned("agent-credentials", ".claude.json", Hidden, &["claude-code"], "Claude Code account and MCP server settings (often with API keys)"),
    owned("agent-credentials", ".codex/auth.json", Hidden, &["codex"], "Codex CLI API key or OAuth tokens"),
    owned("agent-credentials", ".gemini/oauth_creds.json", Hidden, &["gemini-cli"], "Gemini CLI OAuth refresh token"),
    owned("agent-credentials", ".gemini/.env", Hidden, &["gemini-cli"], "Gemini CLI API keys"),
    owned("agent-credentials", ".gemini/google_accounts.json", Hidden, &["gemini-cli"], "Gemini CLI Google account"),
    owned("agent-credentials", ".gemini/gemini-credentials.json", Hidden, &["gemini-cli"], "Gemini CLI tokens in file storage"),
    owned("agent-credentials", ".gemini/mcp-oauth-tokens.json", Hidden, &["gemini-cli"], "Gemini CLI tokens of MCP servers"),
    owned("agent-credentials", ".local/share/opencode/auth.json", Hidden, &["opencode"], "opencode provider keys and tokens"),
    owned("agent-credentials", ".local/share/opencode/mcp-auth.json", Hidden, &["opencode"], "opencode tokens of MCP servers"),
    owned("agent-credentials", ".config/goose/secrets.yaml", Hidden, &["goose"], "goose API keys"),
    owned("agent-credentials", ".aider.conf.yml", Hidden, &["aider"], "aider API keys; lint-cmd and test-cmd run commands"),
    owned("agent-credentials", ".config/anthropic/credentials", Hidden, &["claude-code"], "Anthropic profile store: API keys and tokens"),
    owned("agent-credentials", ".aider/oauth-keys.env", Hidden, &["aider"], "aider OpenRouter key from its OAuth login"),
    home("agent-credentials", ".config/github-copilot", Hidden, "GitHub Copilot OAuth tokens"),
    home("agent-credentials", ".copilot/config.json", Hidden, "GitHub Copilot CLI login"),
    home("agent-credentials", ".config/cursor/auth.json", Hidden, "Cursor CLI tokens"),
    home("agent-credentials", ".cursor/cli-config.json", Hidden, "Cursor CLI login"),
    home("agent-credentials", ".config/Cursor", Hidden, "Cursor editor sessions and secrets"),
    home("agent-credentials", ".continue/config.yaml", Hidden, "Continue model API keys and MCP commands"),
    home("mail", ".thunderbird", Hidden, "Thunderbird saved passwords and mail"),
    home("mail", ".mozilla-thunderbird", Hidden, "Thunderbird profiles (Debian's old location)"),
    home("mail", ".icedove", Hidden, "Icedove profiles"),
    home("mail", ".config/evolution", Hidden, "Evolution accounts"),
    home("mail", ".local/share/evolution", Hidden, "Evolution mail"),
    home("mail", ".muttrc", Hidden, "mutt passwords; backticks run commands"),
    home("mail", ".mutt", Hidden, "mutt configuration with passwords"),
    home("mail", ".config/mutt", Hidden, "mutt configuration with passwords"),
    home("mail", ".config/neomutt", Hidden, "NeoMutt configuration with passwords"),
    home("mail", ".msmtprc", Hidden, "SMTP password; passwordeval runs a command"),
    home("mail", ".config/msmtp", Hidden, "SMTP password; passwordeval runs a command"),
    home("mail", ".mbsyncrc", Hidden, "IMAP password; PassCmd and Tunnel run commands"),
    home("mail", ".fetchmailrc", Hidden, "mail passwords; mda runs a command"),
    home("messaging", ".config/Slack", Hidden, "Slack session cookie and tokens"),
    home("messaging", ".config/discord", Hidden, "Discord user token"),
    home("messaging", ".config/Signal", Hidden, "Signal database key and messages"),
    home("messaging", ".config/Element", Hidden, "Element (Matrix) session"),
    home("messaging", ".local/share/TelegramDesktop", Hidden, "Telegram session"),
    home("messaging", ".purple", Hidden, "Pidgin passwords in clear text"),
    home("remote-access", ".cert", Hidden, "NetworkManager VPN keys"),
    home("remote-access", ".config/remmina", Hidden, "Remmina remote-desktop passwords"),
    home("remote-access", ".local/share/remmina", Hidden, "Remmina connections"),
    home("remote-access", ".config/filezilla", Hidden, "FileZilla saved passwords"),
    home("remote-access", ".k5login", ReadOnly, "Kerberos principals allowed to log in as the user"),
    home("remote-access", ".rhosts", ReadOnly, "hosts trusted for login without a password"),
    home("remote-access", ".shosts", ReadOnly, "hosts trusted for ssh host-based login"),
    home("browser", ".mozilla", Hidden, "Firefox cookies, saved passwords and sessions"),
    home("browser", ".config/google-chrome", Hidden, "Chrome cookies and saved passwords"),
    home("browser", ".config/google-chrome-beta", Hidden, "Chrome cookies and saved passwords"),
    home("browser", ".config/google-chrome-unstable", Hidden, "Chrome cookies and saved passwords"),
    home("browser", ".config/chromium", Hidden, "Chromium cookies and saved passwords"),
    home("browser", ".config/BraveSoftware", Hidden, "Brave cookies and saved passwords"),
    home("browser", ".config/microsoft-edge", Hidden, "Edge cookies and saved passwords"),
    home("browser", ".config/vivaldi", Hidden, "Vivaldi cookies and saved passwords"),
    home("browser", ".config/opera", Hidden, "Opera cookies and saved passwords"),
    home("browser", ".config/epiphany", Hidden, "GNOME Web cookies and saved passwords"),
    home("browser", ".config/qutebrowser", Hidden, "qutebrowser sessions"),
    home("browser", ".local/share/qutebrowser", Hidden, "qutebrowser cookies"),
    home("browser", ".librewolf", Hidden, "LibreWolf cookies and saved passwords"),
    home("browser", ".local/share/torbrowser", Hidden, "Tor Browser profile"),
    home("browser", "snap/firefox", Hidden, "Firefox (snap) cookies and saved passwords"),
    home("browser", "snap/chromium", Hidden, "Chromium (snap) cookies and saved passwords"),
    home("browser", ".var/app", Hidden, "Flatpak applications' data: browser profiles, messengers"),
    home("history", ".bash_history", Hidden, "shell history: often holds pasted secrets"),
    home("history", ".zsh_history", Hidden, "shell history: often holds pasted secrets"),
    home("history", ".zhistory", Hidden, "shell history: often holds pasted secrets"),
    home("history", ".histfile", Hidden, "shell history: often holds pasted secrets"),
    home("history", ".history", Hidden, "shell history: often holds pasted secrets"),
    home("history", ".local/share/fish/fish_history", Hidden, "shell history: often holds pasted secrets"),
    home("history", ".python_history", Hidden, "Python REPL history"),
    home("history", ".node_repl_history", Hidden, "Node REPL history"),
    home("history", ".psql_history", Hidden, "psql history, with passwords typed there"),
    home("history", ".mysql_history", Hidden, "mysql history, with passwords typed there"),
    home("history", ".sqlite_history", Hidden, "sqlite3 history"),
    home("history", ".rediscli_history", Hidden, "redis-cli history with AUTH passwords"),
    home("history", ".mongodb", Hidden, "mongosh history with connection strings"),
    home("history", ".irb_history", Hidden, "Ruby IRB history"),
    home("history", ".lesshst", Hidden, "less search history"),
    home("history", ".viminfo", Hidden, "Vim registers, command and search history"),
    home("history", ".local/state/nvim/shada", Hidden, "Neovim registers and history"),
    home("shell-config", ".bashrc", ReadOnly, "run by every interactive bash"),
    home("shell-config", ".bash_profile", ReadOnly, "run by login bash, instead of .profile"),
    home("shell-config", ".bash_login", ReadOnly, "run by login bash, instead of .profile"),
    home("shell-config", ".bash_logout", ReadOnly, "run when login bash exits"),
    home("shell-config", ".bash_aliases", ReadOnly, "sourced by Debian's .bashrc"),
    home("shell-config", ".bashrc.d", ReadOnly, "sourced by Fedora's .bashrc"),
    home("shell-config", ".bash_completion", ReadOnly, "sourced by bash-completion in every interactive shell"),
    home("shell-config", ".local/share/bash-completion", ReadOnly, "completions bash-completion loads on demand"),
    home("shell-config", ".profile", ReadOnly, "run by login shells and session scripts"),
    home("shell-config", ".zshrc", ReadOnly, "run by every interactive zsh"),
    home("shell-config", ".zshenv", ReadOnly, "run by every zsh, scripts included"),
    home("shell-config", ".zprofile", ReadOnly, "run by login zsh"),
    home("shell-config", ".zlogin", ReadOnly, "run by login zsh"),
    home("shell-config", ".zlogout", ReadOnly, "run when login zsh exits"),
    home("shell-config", ".config/zsh", ReadOnly, "zsh startup files where ZDOTDIR points"),
    home("shell-config", ".oh-my-zsh", ReadOnly, "zsh framework sourced by .zshrc"),
    home("shell-config", ".config/fish", ReadOnly, "fish startup files and functions"),
    home("shell-config", ".local/share/fish/vendor_conf.d", ReadOnly, "run by fish at start"),
    home("shell-config", ".kshrc", ReadOnly, "run by ksh"),
    home("shell-config", ".mkshrc", ReadOnly, "run by mksh"),
    home("shell-config", ".cshrc", ReadOnly, "run by csh"),
    home("shell-config", ".tcshrc", ReadOnly, "run by tcsh, instead of .cshrc"),
    home("shell-config", ".login", ReadOnly, "run by login csh and tcsh"),
    home("shell-config", ".logout", ReadOnly, "run when login csh and tcsh exit"),
    home("shell-config", ".inputrc", ReadOnly, "readline macros can retype what the user types"),
    home("shell-config", ".config/nushell", ReadOnly, "run by nushell at start"),
    home("shell-config", ".config/powershell", ReadOnly, "run by PowerShell at start"),
    home("shell-config", ".pythonrc", ReadOnly, "run by interactive Python where PYTHONSTARTUP names it"),
    home("persistence", ".config/systemd", ReadOnly, "user services and timers start at login"),
    home("persistence", ".local/share/systemd", ReadOnly, "user services and timers start at login"),
    home("persistence", ".config/environment.d", ReadOnly, "sets the environment of every user service"),
    home("persistence", ".config/user-tmpfiles.d", ReadOnly, "creates or overwrites files at login"),
    home("persistence", ".config/containers/systemd", ReadOnly, "Podman Quadlet units start at login"),
    home("persistence", ".config/autostart", ReadOnly, "desktop programs started at login"),
    home("persistence", ".config/autostart-scripts", ReadOnly, "KDE scripts run at login"),
    home("persistence", ".config/plasma-workspace", ReadOnly, "KDE scripts run at login and logout"),
    home("persistence", ".local/share/dbus-1", ReadOnly, "D-Bus services started on demand, before the system's"),
    home("persistence", ".local/share/applications", ReadOnly, "desktop launchers override the system's"),
    home("persistence", ".config/mimeapps.list", ReadOnly, "which program opens each file type and link"),
    home("persistence", ".config/dconf", ReadOnly, "desktop settings: keybindings and shell extensions"),
    home("persistence", ".local/share/gnome-shell/extensions", ReadOnly, "code run inside the desktop shell"),
    home("persistence", ".xprofile", ReadOnly, "run by the display manager at login"),
    home("persistence", ".xinitrc", ReadOnly, "run by startx"),
    home("persistence", ".xsession", ReadOnly, "run at graphical login"),
    home("persistence", ".xsessionrc", ReadOnly, "run at graphical login"),
    home("persistence", ".pam_environment", ReadOnly, "environment set at login where pam_env reads it"),
    home("persistence", ".config/i3", ReadOnly, "window manager configuration: exec lines run at login"),
    home("persistence", ".config/sway", ReadOnly, "window manager configuration: exec lines run at login"),
    home("persistence", ".config/hypr", ReadOnly, "window manager configuration: exec lines run at login"),
    home("persistence", ".forward", ReadOnly, "mail delivery runs the commands it names"),
    home("persistence", ".procmailrc", ReadOnly, "procmail pipes mail to commands"),
    home("toolchains", "bin", ReadOnly, "added to PATH by .profile: a program here shadows a real command"),
    home("toolchains", ".local/bin", ReadOnly, "on PATH: a program here shadows a real command"),
    home("toolchains", ".local/lib", ReadOnly, "Python user site: .pth files run at every Python start"),
    home("toolchains", ".cargo/bin", ReadOnly, "on PATH: cargo, rustc and installed programs"),
    home("toolchains", ".cargo/env", ReadOnly, "sourced by the shell's startup files"),
    home("toolchains", ".rustup", ReadOnly, "the Rust toolchains the host runs"),
    home("toolchains", ".pyenv", ReadOnly, "the Python versions and shims the host runs"),
    home("toolchains", ".nvm", ReadOnly, "nvm.sh, sourced by .bashrc, and the Node versions the host runs"),
    home("toolchains", ".volta", ReadOnly, "the Node toolchains the host runs"),
    home("toolchains", ".asdf", ReadOnly, "the toolchains and shims the host runs"),
    home("toolchains", ".local/share/mise", ReadOnly, "the toolchains the host runs"),
    home("toolchains", ".npm-global", ReadOnly, "npm global prefix: its bin is on PATH"),
    home("toolchains", ".local/share/uv/tools", ReadOnly, "programs installed with uv tool"),
    home("toolchains", ".local/share/uv/python", ReadOnly, "Python versions installed with uv"),
    home("toolchains", ".local/pipx", ReadOnly, "programs installed with pipx"),
    home("toolchains", ".bun/bin", ReadOnly, "on PATH: programs installed with bun"),
    home("toolchains", ".deno/bin", ReadOnly, "on PATH: programs installed with deno"),
    home("toolchains", "go/bin", ReadOnly, "on PATH: programs installed with go install"),
    home("tool-config", ".gitconfig", ReadOnly, "git aliases, hooksPath, fsmonitor and pager run commands"),
    home("tool-config", ".config/git/config", ReadOnly, "git aliases, hooksPath, fsmonitor and pager run commands"),
    home("tool-config", ".config/git/attributes", ReadOnly, "selects the filter and diff drivers git runs"),
    home("tool-config", ".cargo/config.toml", ReadOnly, "cargo runs its rustc-wrapper, linker and runner"),
    home("tool-config", ".cargo/config", ReadOnly, "cargo runs its rustc-wrapper, linker and runner"),
    home("tool-config", ".condarc", ReadOnly, "where conda gets its packages"),
    home("tool-config", ".gradle/init.d", ReadOnly, "init scripts run before every Gradle build"),
    home("tool-config", ".gradle/init.gradle", ReadOnly, "init script run before every Gradle build"),
    home("tool-config", ".gradle/init.gradle.kts", ReadOnly, "init script run before every Gradle build"),
    home("tool-config", ".mavenrc", ReadOnly, "sourced by every mvn"),
    home("tool-config", ".terraform.d/plugins", ReadOnly, "provider binaries Terraform runs"),
    home("tool-config", ".docker/cli-plugins", ReadOnly, "docker runs these for its subcommands"),
    home("tool-config", ".local/share/helm/plugins", ReadOnly, "helm runs these plugins"),
    home("tool-config", ".config/composer/vendor", ReadOnly, "Composer plugins run on every command"),
    home("tool-config", ".config/go/env", ReadOnly, "go env: GOFLAGS can wrap every compiler call"),
    home("tool-config", ".psqlrc", ReadOnly, "run by psql at start; \\! runs commands"),
    home("tool-config", ".sqliterc", ReadOnly, "run by sqlite3 at start; .shell runs commands"),
    home("tool-config", ".mongoshrc.js", ReadOnly, "JavaScript run by mongosh at start"),
    home("tool-config", ".irbrc", ReadOnly, "Ruby run by irb at start"),
    home("tool-config", ".pryrc", ReadOnly, "Ruby run by pry at start"),
    home("tool-config", ".Rprofile", ReadOnly, "R code run at every R start"),
    home("tool-config", ".ipython/profile_default/startup", ReadOnly, "Python run at every IPython start"),
    home("tool-config", ".ipython/profile_default/ipython_config.py", ReadOnly, "Python run at every IPython start"),
    home("tool-config", ".jupyter", ReadOnly, "Python configuration run by Jupyter servers"),
    home("tool-config", ".gdbinit", ReadOnly, "run by gdb at start"),
    home("tool-config", ".config/gdb", ReadOnly, "run by gdb at start"),
    home("tool-config", ".lldbinit", ReadOnly, "run by lldb at start"),
    home("tool-config", ".vimrc", ReadOnly, "run by vim at start"),
    home("tool-config", ".vim", ReadOnly, "vim plugins"),
    home("tool-config", ".config/nvim", ReadOnly, "run by neovim at start"),
    home("tool-config", ".local/share/nvim", ReadOnly, "neovim plugins"),
    home("tool-config", ".emacs", ReadOnly, "run by emacs at start"),
    home("tool-config", ".emacs.d", ReadOnly, "run by emacs at start"),
    home("tool-config", ".config/emacs", ReadOnly, "run by emacs at start"),
    home("tool-config", ".tmux.conf", ReadOnly, "run by tmux; run-shell runs commands"),
    home("tool-config", ".config/tmux", ReadOnly, "run by tmux; run-shell runs commands"),
    home("tool-config", ".screenrc", ReadOnly, "run by screen"),
    home("tool-config", ".config/Code/User/settings.json", ReadOnly, "VS Code settings: terminal profiles and tool paths it runs"),
    home("tool-config", ".config/Code/User/tasks.json", ReadOnly, "VS Code user tasks: commands it runs"),
    home("tool-config", ".vscode/extensions", ReadOnly, "VS Code extensions: code the editor runs"),
    home("tool-config", ".config/JetBrains", ReadOnly, "JetBrains IDE settings and plugins"),
    home("tool-config", ".curlrc", ReadOnly, "options every curl takes"),
    home("tool-config", ".wgetrc", ReadOnly, "options every wget takes"),
    home("tool-config", ".mailcap", ReadOnly, "the commands that open each file type"),
    home("tool-config", ".config/direnv", ReadOnly, "direnv configuration"),
    home("tool-config", ".local/share/direnv/allow", ReadOnly, "which .envrc files direnv runs without asking"),
    home("agent-config", ".claude/settings.json", ReadOnly, "Claude Code hooks, apiKeyHelper, statusLine and MCP commands"),
    owned("agent-config", ".claude/plugins", ReadOnly, &["claude-code"], "Claude Code plugins: hooks and MCP servers"),
    home("agent-config", ".claude/commands", ReadOnly, "Claude Code commands: their ! lines run in the shell"),
    home("agent-config", ".claude/agents", ReadOnly, "Claude Code subagents: their tools and hooks"),
    home("agent-config", ".claude/skills", ReadOnly, "Claude Code skills: scripts the agent runs"),
    home("agent-config", ".claude/hooks", ReadOnly, "Claude Code hook scripts"),
    home("agent-config", ".mcp.json", ReadOnly, "MCP servers Claude Code starts in every project"),
    home("agent-config", ".codex/config.toml", ReadOnly, "Codex notify and MCP server commands"),
    home("agent-config", ".codex/hooks.json", ReadOnly, "Codex hook commands"),
    home("agent-config", ".codex/rules", ReadOnly, "Codex rules: which commands run without asking"),
    home("agent-config", ".gemini/settings.json", ReadOnly, "Gemini CLI MCP servers and tool commands"),
    home("agent-config", ".gemini/extensions", ReadOnly, "Gemini CLI extensions: MCP servers and commands"),
    home("agent-config", ".gemini/commands", ReadOnly, "Gemini CLI commands: !{...} runs in the shell"),
    home("agent-config", ".gemini/policies", ReadOnly, "Gemini CLI policies: which tools run without asking"),
    home("agent-config", ".config/opencode/opencode.json", ReadOnly, "opencode MCP servers and commands"),
    home("agent-config", ".config/opencode/opencode.jsonc", ReadOnly, "opencode MCP servers and commands"),
    home("agent-config", ".config/opencode/plugin", ReadOnly, "opencode plugins: code run at start"),
    home("agent-config", ".config/opencode/plugins", ReadOnly, "opencode plugins: code run at start"),
    home("agent-config", ".config/opencode/tool", ReadOnly, "opencode tools: code the agent runs"),
    home("agent-config", ".config/opencode/tools", ReadOnly, "opencode tools: code the agent runs"),
    home("agent-config", ".config/opencode/command", ReadOnly, "opencode commands"),
    home("agent-config", ".config/opencode/commands", ReadOnly, "opencode commands"),
    home("agent-config", ".config/opencode/agent", ReadOnly, "opencode agents: their tools and permissions"),
    home("agent-config", ".config/opencode/agents", ReadOnly, "opencode agents: their tools and permissions"),
    home("agent-config", ".config/goose/config.yaml", ReadOnly, "goose extensions and their commands"),
    home("agent-config", ".cursor/mcp.json", ReadOnly, "Cursor MCP server commands"),
    home("agent-config", ".aider.model.settings.yml", ReadOnly, "aider model settings: extra parameters sent with every request"),
    home("agent-config", ".copilot/mcp-config.json", ReadOnly, "Copilot CLI MCP server commands"),
    home("nono", ".config/nono", ReadOnly, "nono's own profiles: a sandbox must never widen its next one"),
    project("agent-config", ".claude/settings.json", "Claude Code project hooks, MCP servers and permissions"),
    project("agent-config", ".claude/settings.local.json", "Claude Code local hooks, MCP servers and permissions"),
    project("agent-config", ".claude/commands", "Claude Code commands: their ! lines run in the shell"),
    project("agent-config", ".claude/agents", "Claude Code subagents: their tools and hooks"),
    project("agent-config", ".claude/skills", "Claude Code skills: scripts the agent runs"),
    project("agent-config", ".claude/hooks", "Claude Code hook scripts"),
    project("agent-config", ".mcp.json", "MCP servers Claude Code starts for the project"),
    project("agent-config", ".codex/config.toml", "Codex project settings: MCP servers and notify commands"),
    project("agent-config", ".codex/hooks", "Codex hook scripts"),
    project("agent-config", ".gemini/settings.json", "Gemini CLI project MCP servers and tool commands"),
    project("agent-config", ".gemini/commands", "Gemini CLI commands: !{...} runs in the shell"),
    project("agent-config", ".gemini/extensions", "Gemini CLI extensions: MCP servers and commands"),
    project("agent-config", "opencode.json", "opencode project MCP servers, formatters and plugins"),
    project("agent-config", "opencode.jsonc", "opencode project MCP servers, formatters and plugins"),
    project("agent-config", ".opencode", "opencode project plugins and tools: code it runs"),
    project("agent-config", ".aider.conf.yml", "aider lint and test commands"),
    project("agent-config", ".cursor/mcp.json", "Cursor MCP server commands"),
    project("editor-config", ".vscode/tasks.json", "VS Code tasks, some run when the folder opens"),
    project("editor-config", ".vscode/settings.json", "VS Code workspace settings: tool paths and terminal profiles it runs"),
    project("editor-config", ".envrc", "run by direnv on entering the directory"),
    project("hook-config", ".pre-commit-config.yaml", "the commands pre-commit runs at every commit"),
    project("hook-config", ".husky", "husky's git hook scripts"),
    project("hook-config", "lefthook.yml", "the commands lefthook runs from git hooks"),
    system("/etc/shadow", "password hashes"),
    system("/etc/shadow-", "password hashes (backup)"),
    system("/etc/gshadow", "group password hashes"),
    system("/etc/gshadow-", "group password hashes (backup)"),
    system("/etc/sudoers", "who may become root"),
    system("/etc/sudoers.d", "who may become root"),
    system("/etc/security/opasswd", "old password hashes"),
    system("/etc/ssh/ssh_host_rsa_key", "the host's SSH identity"),
    system("/etc/ssh/ssh_host_ecdsa_key", "the host's SSH identity"),
    system("/etc/ssh/ssh_host_ed25519_key", "the host's SSH identity"),
    system("/etc/ssh/ssh_host_dsa_key", "the host's SSH identity"),
    system("/etc/ssl/private", "TLS private keys"),
    system("/etc/pki/tls/private", "TLS private keys"),
    system("/etc/letsencrypt/archive", "certificate private keys"),
    system("/etc/letsencrypt/live", "certificate private keys"),
    system("/etc/krb5.keytab", "Kerberos service keys"),
    system("/etc/NetworkManager/system-connections", "Wi-Fi and VPN passwords"),
    system("/etc/wireguard", "WireGuard private keys"),
    system("/etc/openvpn", "OpenVPN keys"),
    system("/etc/ipsec.secrets", "IPsec pre-shared keys and passwords"),
    system("/etc/ipsec.d/private", "IPsec private keys"),
    system("/etc/ppp/chap-secrets", "PPP passwords"),
    system("/etc/ppp/pap-secrets", "PPP passwords"),
    system("/etc/credstore", "systemd credentials"),
    system("/etc/credstore.encrypted", "systemd credentials"),
    system("/etc/davfs2/secrets", "WebDAV passwords"),
    system("/etc/boto.cfg", "boto credentials"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn home_entries_are_relative_and_system_entries_absolute() {
        for entry in TABLE {
            match entry.root {
                Root::Home | Root::Project => {
                    assert!(!entry.path.starts_with('/'), "{}", entry.path)
                }
                Root::System => assert!(entry.path.starts_with('/'), "{}", entry.path),
            }
            assert!(!entry.path.ends_with('/') && !entry.path.contains(".."));
        }
    }

    #[test]
    fn no_entry_is_listed_twice() {
        let mut seen = std::collections::HashSet::new();
        for entry in TABLE {
            let key = (entry.root, entry.path);
            assert!(seen.insert(key), "duplicate {}", entry.path);
        }
    }

    #[test]
    fn no_entry_lies_inside_another() {
        for a in TABLE {
            for b in TABLE.iter().filter(|b| b.root == a.root) {
                let inside = b
                    .path
                    .strip_prefix(a.path)
                    .is_some_and(|r| r.starts_with('/'));
                assert!(!inside, "{} inside {}", b.path, a.path);
            }
        }
    }

    #[test]
    fn owners_are_built_in_profiles_and_every_entry_says_why() {
        for entry in TABLE {
            for owner in entry.owners {
                assert!(
                    crate::profile::built_in(owner).is_some(),
                    "{}: {owner}",
                    entry.path
                );
            }
            assert!(!entry.reason.is_empty() && !entry.reason.contains('|'));
        }
    }
}
