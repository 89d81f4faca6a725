//! The table of environment variables a sandboxed program does not get by default: secrets,
//! handles to agents and daemons outside the sandbox, and variables that inject code into
//! interpreters. This is the only place the list lives; `--env-allow NAME` keeps one.

/// How a table entry matches a variable name (compared in upper case).
#[derive(Clone, Copy, Debug)]
pub enum Pattern {
    /// The whole name.
    Exact(&'static str),
    /// The name ends with this.
    Suffix(&'static str),
    /// The name contains this.
    Contains(&'static str),
}

/// One row of the table.
#[derive(Clone, Copy, Debug)]
pub struct EnvRule {
    /// The named group shown to users.
    pub group: &'static str,
    /// What it matches.
    pub pattern: Pattern,
}

const fn rule(group: &'static str, pattern: Pattern) -> EnvRule {
    EnvRule { group, pattern }
}

use Pattern::{Contains, Exact, Suffix};

const SECRET: &str = "secret";
/// The group of variables that point at an agent's or daemon's socket.
pub const AGENT: &str = "agent-socket";
const INJECTION: &str = "code-injection";

/// Every pattern nono strips by default.
pub const TABLE: &[EnvRule] = &[
    rule(SECRET, Suffix("_TOKEN")),
    rule(SECRET, Contains("_TOKEN_")),
    rule(SECRET, Exact("TOKEN")),
    rule(SECRET, Contains("SECRET")),
    rule(SECRET, Contains("PASSWORD")),
    rule(SECRET, Contains("PASSWD")),
    rule(SECRET, Suffix("_PASS")),
    rule(SECRET, Contains("API_KEY")),
    rule(SECRET, Contains("APIKEY")),
    rule(SECRET, Contains("ACCESS_KEY")),
    rule(SECRET, Contains("PRIVATE_KEY")),
    rule(SECRET, Suffix("_CREDENTIALS")),
    rule(SECRET, Suffix("_AUTH")),
    rule(SECRET, Exact("DATABASE_URL")),
    rule(SECRET, Exact("DOCKER_AUTH_CONFIG")),
    rule(SECRET, Exact("KRB5CCNAME")),
    rule(AGENT, Exact("SSH_AUTH_SOCK")),
    rule(AGENT, Exact("SSH_AGENT_PID")),
    rule(AGENT, Exact("GPG_AGENT_INFO")),
    rule(AGENT, Exact("DBUS_SESSION_BUS_ADDRESS")),
    rule(AGENT, Exact("DBUS_SYSTEM_BUS_ADDRESS")),
    rule(AGENT, Exact("DOCKER_HOST")),
    rule(AGENT, Exact("CONTAINER_HOST")),
    rule(AGENT, Exact("SWAYSOCK")),
    rule(AGENT, Exact("I3SOCK")),
    rule(INJECTION, Exact("LD_PRELOAD")),
    rule(INJECTION, Exact("LD_AUDIT")),
    rule(INJECTION, Exact("BASH_ENV")),
    rule(INJECTION, Exact("ENV")),
    rule(INJECTION, Exact("PROMPT_COMMAND")),
    rule(INJECTION, Exact("PYTHONSTARTUP")),
    rule(INJECTION, Exact("NODE_OPTIONS")),
    rule(INJECTION, Exact("PERL5OPT")),
    rule(INJECTION, Exact("PERL5DB")),
    rule(INJECTION, Exact("RUBYOPT")),
    rule(INJECTION, Exact("JAVA_TOOL_OPTIONS")),
    rule(INJECTION, Exact("_JAVA_OPTIONS")),
    rule(INJECTION, Exact("JDK_JAVA_OPTIONS")),
    rule(INJECTION, Exact("GCONV_PATH")),
];

/// The table entry that strips `name`, if any.
pub fn stripped_by(name: &str) -> Option<&'static EnvRule> {
    let upper = name.to_ascii_uppercase();
    TABLE.iter().find(|r| match r.pattern {
        Exact(p) => upper == p,
        Suffix(p) => upper.ends_with(p),
        Contains(p) => upper.contains(p),
    })
}

/// The socket path an agent variable points at: a plain path (`SSH_AUTH_SOCK`), a D-Bus
/// address (`unix:path=/run/user/1000/bus,guid=...`) or a URL (`unix:///var/run/docker.sock`).
pub fn socket_of(value: &str) -> Option<std::path::PathBuf> {
    let path = if let Some(rest) = value.strip_prefix("unix:path=") {
        rest.split(',').next().unwrap_or(rest)
    } else if let Some(rest) = value.strip_prefix("unix://") {
        rest
    } else {
        value
    };
    path.starts_with('/').then(|| path.into())
}

/// Variables nono sets for the program; the user cannot override them.
pub const RESERVED: &[&str] = &["NONO_SANDBOX", "NONO_CAP_FILE", "NONO_HELP"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_addresses_in_every_common_form() {
        assert_eq!(
            socket_of("/tmp/ssh-x/agent.1"),
            Some("/tmp/ssh-x/agent.1".into())
        );
        assert_eq!(
            socket_of("unix:path=/run/user/1/bus,guid=ab"),
            Some("/run/user/1/bus".into())
        );
        assert_eq!(
            socket_of("unix:///var/run/docker.sock"),
            Some("/var/run/docker.sock".into())
        );
        assert_eq!(socket_of("tcp://127.0.0.1:2375"), None);
    }

    #[test]
    fn secrets_and_injection_match_but_ordinary_variables_do_not() {
        for name in [
            "GITHUB_TOKEN",
            "ANTHROPIC_API_KEY",
            "OPENAI_API_KEY",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_ACCESS_KEY_ID",
            "AWS_SESSION_TOKEN",
            "my_db_password",
            "SSH_AUTH_SOCK",
            "LD_PRELOAD",
            "NODE_OPTIONS",
            "VAULT_TOKEN",
            "NPM_TOKEN_X",
        ] {
            assert!(stripped_by(name).is_some(), "{name} should be stripped");
        }
        for name in [
            "PATH",
            "HOME",
            "TERM",
            "LANG",
            "TOKENIZERS_PARALLELISM",
            "AWS_REGION",
            "EDITOR",
            "USER",
        ] {
            assert!(stripped_by(name).is_none(), "{name} should be kept");
        }
    }
}
