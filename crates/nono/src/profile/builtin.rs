//! The built-in profiles: TOML files in `crates/nono/profiles/`, compiled into nono. Their
//! names are reserved: a user profile may not shadow one.

/// One built-in profile.
#[derive(Clone, Copy, Debug)]
pub struct BuiltIn {
    /// The name given to `--profile`.
    pub name: &'static str,
    /// The profile's TOML text.
    pub text: &'static str,
}

macro_rules! builtin {
    ($name:literal) => {
        BuiltIn {
            name: $name,
            text: include_str!(concat!("../../profiles/", $name, ".toml")),
        }
    };
}

/// Every built-in profile, in the order `nono profile list` shows them.
pub const BUILT_IN: &[BuiltIn] = &[
    builtin!("default"),
    builtin!("claude-code"),
    builtin!("codex"),
    builtin!("gemini-cli"),
    builtin!("opencode"),
    builtin!("aider"),
    builtin!("goose"),
    builtin!("rust"),
    builtin!("node"),
    builtin!("python"),
    builtin!("go"),
];

/// The agents' commands and the built-in profile made for each.
pub const AGENT_COMMANDS: &[(&str, &str)] = &[
    ("claude", "claude-code"),
    ("codex", "codex"),
    ("gemini", "gemini-cli"),
    ("opencode", "opencode"),
    ("aider", "aider"),
    ("goose", "goose"),
];

/// The built-in profile made for the agent `command` runs, if it runs one.
pub fn profile_for_command(command: &std::ffi::OsStr) -> Option<&'static str> {
    let name = std::path::Path::new(command).file_name()?;
    AGENT_COMMANDS
        .iter()
        .find(|(c, _)| name == *c)
        .map(|(_, profile)| *profile)
}

/// The built-in profile called `name`.
pub fn built_in(name: &str) -> Option<&'static BuiltIn> {
    BUILT_IN.iter().find(|b| b.name == name)
}

/// How a built-in profile's file is named in messages.
pub fn display_name(name: &str) -> String {
    format!("<built-in>/{name}.toml")
}
