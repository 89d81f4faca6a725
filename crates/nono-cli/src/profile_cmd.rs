//! Profiles on the command line: `--profile` for `run` and `why`, and `nono profile`.

use crate::cli::{non_empty, path};
use clap::{Args, Subcommand};
use nono::profile::{self, Locations, Profile};
use nono::{one_line, Error, Policy, Result};
use std::io::Write;
use std::path::PathBuf;

const PROFILE_EXAMPLES: &str = "\
Examples:
  nono run --profile claude-code -- claude     an agent with its own state and the project
  nono run --profile rust --net-block -- cargo test
  nono profile show claude-code                what a profile grants, after extends
  nono profile init mine --from rust           a user profile to edit
  nono profile validate ./team.toml            check a file: FILE:LINE:COLUMN on error";

#[derive(Debug, Args)]
#[command(after_help = PROFILE_EXAMPLES)]
pub struct ProfileArgs {
    #[command(subcommand)]
    pub command: ProfileCommand,
}

#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// List the built-in profiles and your user profiles, with their descriptions.
    List {
        /// Print only the names that --profile accepts, one a line (for scripts and shell
        /// completion).
        #[arg(long)]
        names: bool,
    },
    /// Print a profile fully resolved (after extends), as TOML.
    Show {
        /// A built-in or user profile name, or the path of a profile file.
        #[arg(value_name = "NAME|PATH", value_parser = non_empty("an empty name"))]
        name: String,
    },
    /// Check a profile file: prints "ok", or the error at FILE:LINE:COLUMN (exit 125).
    Validate {
        /// The profile file.
        #[arg(value_parser = path())]
        file: PathBuf,
    },
    /// Create the user profile NAME (in $XDG_CONFIG_HOME/nono/profiles); never overwrites.
    Init {
        /// The new profile's name.
        #[arg(value_parser = non_empty("an empty name"))]
        name: String,
        /// Start from this profile's resolved content instead of a template.
        #[arg(long, value_name = "NAME|PATH", value_parser = non_empty("an empty name"))]
        from: Option<String>,
    },
    /// Print the JSON Schema of the profile format.
    Schema,
}

/// The policy of `--profile SPEC` plus the command line's own `flags`: the profile is
/// loaded (following `extends`), the flags are added, and a profile the run could rewrite is
/// refused. Returns the policy and the lines that lift a protection, to print at start.
pub fn with_profile(spec: &str, flags: &Policy) -> Result<(Policy, Vec<String>)> {
    let at = locations()?;
    let profile = profile::load(spec, &at)?;
    let mut merged = profile::to_policy(&profile, flags, &at.home, &at.cwd)?;
    merged.config = profile.files();
    merged.config.push(at.user_dir);
    // A kept variable that is not set keeps nothing: no need to say so.
    let notices = profile
        .notices
        .iter()
        .filter(|n| {
            n.variable
                .as_ref()
                .is_none_or(|v| std::env::var_os(v).is_some())
        })
        .map(|n| n.to_string())
        .collect();
    Ok((merged, notices))
}

/// `nono profile ...`.
pub fn profile(args: ProfileArgs) -> Result<u8> {
    let at = locations()?;
    match args.command {
        ProfileCommand::List { names: true } => print(&names(&at)),
        ProfileCommand::List { names: false } => print(&list(&at)),
        ProfileCommand::Show { name } => {
            let profile = profile::load(&name, &at)?;
            print(&format!(
                "# nono profile {}, resolved from: {}\n{}",
                one_line(&profile.name),
                profile.chain_text(),
                profile.to_toml()
            ))
        }
        ProfileCommand::Validate { file } => {
            let profile = profile::load_file(&file, &at)?;
            profile::to_policy(&profile, &Policy::default(), &at.home, &at.cwd)?;
            announce_notices(&profile);
            print("ok\n")
        }
        ProfileCommand::Init { name, from } => init(&at, &name, from.as_deref()),
        ProfileCommand::Schema => print(&format!(
            "{}\n",
            crate::render::to_json(&profile::json_schema())
        )),
    }
}

fn init(at: &Locations, name: &str, from: Option<&str>) -> Result<u8> {
    if !profile::is_valid_name(name) {
        return Err(Error::refused(format!(
            "profile init {}: not a profile name (letters, digits, '.', '_' and '-', starting with a letter or digit)",
            one_line(name)
        )));
    }
    if profile::built_in(name).is_some() {
        return Err(Error::refused(format!(
            "profile init {name}: {name} is a built-in profile, and built-in names are reserved; choose another name (and use --from {name} to start from it)"
        )));
    }
    let text = match from {
        None => profile::template(name),
        Some(from) => {
            let base = profile::load(from, at)?;
            format!(
                "# nono profile {name}, created from {} ({}).\n# The format: docs/profiles.md, or `nono profile schema`.\n{}",
                one_line(from),
                base.chain_text(),
                base.to_toml()
            )
        }
    };
    let path = at.user_dir.join(format!("{name}.toml"));
    let failed = |e: std::io::Error| {
        Error::refused(format!(
            "profile init {name}: cannot write {}: {e}",
            nono::quote_path(&path)
        ))
    };
    std::fs::create_dir_all(&at.user_dir).map_err(failed)?;
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(Error::refused(format!(
                "profile init {name}: {} already exists; nono never overwrites a profile",
                nono::quote_path(&path)
            )));
        }
        Err(e) => return Err(failed(e)),
    };
    file.write_all(text.as_bytes()).map_err(failed)?;
    print(&format!("created {}\n", nono::quote_path(&path)))
}

fn list(at: &Locations) -> String {
    let mut out = String::from("built-in profiles:\n");
    for b in profile::BUILT_IN {
        let description = profile::load(b.name, at)
            .ok()
            .and_then(|p| p.description)
            .unwrap_or_default();
        out.push_str(&format!("  {:<12} {description}\n", b.name));
    }
    out.push_str(&format!(
        "\nuser profiles ({}):\n",
        nono::quote_path(&at.user_dir)
    ));
    let users = profile::user_profiles(at);
    if users.is_empty() {
        out.push_str("  (none: create one with `nono profile init NAME`)\n");
    }
    for (name, _) in users {
        let what = if profile::built_in(&name).is_some() {
            "IGNORED: has the name of a built-in profile (rename it)".to_string()
        } else {
            match profile::load(&name, at) {
                Ok(p) => p.description.clone().unwrap_or_else(|| extends_text(&p)),
                Err(e) => format!("INVALID: {e}"),
            }
        };
        out.push_str(&format!("  {name:<12} {}\n", one_line(&what)));
    }
    out
}

/// The names `--profile` accepts, one a line: the built-ins, then the user profiles that do
/// not reuse a built-in name. Nothing is parsed, so that shell completion stays quick.
fn names(at: &Locations) -> String {
    let built_in = profile::BUILT_IN.iter().map(|b| b.name.to_string());
    let users = profile::user_profiles(at)
        .into_iter()
        .map(|(name, _)| name)
        .filter(|name| profile::built_in(name).is_none());
    built_in.chain(users).map(|name| name + "\n").collect()
}

fn extends_text(profile: &Profile) -> String {
    if profile.chain.len() > 1 {
        format!("(no description; {})", profile.chain_text())
    } else {
        "(no description)".into()
    }
}

fn announce_notices(profile: &Profile) {
    for notice in &profile.notices {
        eprintln!("nono: {notice}");
    }
}

/// Where profiles are read from: the same home and directory the planner uses.
pub fn locations() -> Result<Locations> {
    let cwd = std::env::current_dir()
        .map_err(|e| Error::refused(format!("cannot read the current directory: {e}")))?;
    let home = match std::env::var_os("HOME").map(PathBuf::from) {
        Some(home) if home.is_absolute() => home,
        // Unusual: let the machine facts decide (and explain) as the planner would.
        _ => nono::Machine::detect()?.home,
    };
    Ok(Locations::new(
        home,
        cwd,
        std::env::var_os("XDG_CONFIG_HOME").as_deref(),
    ))
}

fn print(text: &str) -> Result<u8> {
    let mut out = std::io::stdout().lock();
    // A closed pipe (`nono profile list | head`) is not an error worth a message.
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
    Ok(0)
}
