//! The command line: clap definitions only.

use clap::builder::{OsStringValueParser, StringValueParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::ffi::OsString;
use std::path::PathBuf;

const NONO_EXAMPLES: &str = "\
Examples:
  nono run --allow . -- claude   claude works on this project, and nothing else
  nono why ~/.ssh/id_ed25519     could a sandboxed program read it, and why
  nono man | man -l -            the manual: every command and flag";

const RUN_EXAMPLES: &str = "\
Examples:
  nono run --allow . -- claude              work on this project, nothing else
  nono run --allow . --net-block -- make    the same, without network
  nono run --allow . --allow-domain api.anthropic.com -- claude
                                            only that host, through nono's proxy
  nono run --allow . --allow-domain '*.example.org:443' --net-log net.jsonl -- sh
                                            names below example.org on 443; log each decision
  nono run --allow . --net-block --publish 8000 -- npm run dev
                                            no network, but the dev server on port 8000
                                            is reachable on the host's 127.0.0.1:8000
  nono run --read ~/docs --allow . -- sh    read-only access to ~/docs
  nono run --allow . --dry-run -- npm test  show the plan, run nothing
  nono run --profile claude-code -- claude  a built-in profile: see nono profile list

Exit status: the command's own; 125 if nono failed or refused, 126 if the command
cannot be executed, 127 if it was not found.";

const WHY_EXAMPLES: &str = "\
Examples:
  nono why ~/.ssh/id_ed25519                  is it readable under the default plan?
  nono why --op write --allow . ./src/main.rs with the grants of a run
  nono why --self /etc/hosts                  inside a sandbox: ask its own plan
  nono why --host example.org:443 --profile claude-code
                                              may the program reach that host?
  nono why --self --host example.org          inside a filtered sandbox: ask its own plan

Exit status: 0 if allowed, 1 if denied, 125 on error.";

const COMPLETIONS_EXAMPLES: &str = "\
Install (the directories may not exist yet), then start a new shell:
  bash  mkdir -p ~/.local/share/bash-completion/completions
        nono completions bash > ~/.local/share/bash-completion/completions/nono
        (without the bash-completion package: source <(nono completions bash) in ~/.bashrc)
  zsh   mkdir -p ~/.zfunc && nono completions zsh > ~/.zfunc/_nono
        and in ~/.zshrc, before compinit: fpath=(~/.zfunc $fpath)
  fish  mkdir -p ~/.config/fish/completions
        nono completions fish > ~/.config/fish/completions/nono.fish

--profile completes profile names (built-in and yours), asking `nono profile list --names`.";

const MAN_EXAMPLES: &str = "\
Install it where man looks for the pages of programs in ~/.cargo/bin, then: man nono
  mkdir -p ~/.cargo/share/man/man1
  nono man > ~/.cargo/share/man/man1/nono.1
Read it without installing it:
  nono man | man -l -";

/// Run any program in a kernel-enforced sandbox.
#[derive(Debug, Parser)]
#[command(name = "nono", bin_name = "nono", version, long_about = None, after_help = NONO_EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// `nono run ...`, parsed by a command that knows only `run`: building every subcommand
    /// of the full command costs more than the parse itself, at the start of every run.
    /// `None` for anything else and for anything this parse rejects (help included): the
    /// full parse then decides and reports, as it would have.
    pub fn parse_run<I, T>(args: I) -> Option<Cli>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        use clap::{Args, FromArgMatches};
        let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
        if args.get(1).is_none_or(|a| a != "run") {
            return None;
        }
        let matches = clap::Command::new("nono")
            .subcommand(RunArgs::augment_args(clap::Command::new("run")))
            .try_get_matches_from(args)
            .ok()?;
        let (_, run) = matches.subcommand()?;
        Some(Cli {
            command: Command::Run(RunArgs::from_arg_matches(run).ok()?),
        })
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a command in a sandbox that allows only what is granted.
    #[command(after_help = RUN_EXAMPLES)]
    Run(RunArgs),
    /// Explain whether the sandbox allows an operation on a path, or reaching a host, and why.
    #[command(after_help = WHY_EXAMPLES)]
    Why(WhyArgs),
    /// List, show, check and create sandbox profiles (used with --profile).
    Profile(crate::profile_cmd::ProfileArgs),
    /// Print a shell completion script (profile names included for bash, zsh and fish).
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): every command and flag, as in --help.
    #[command(after_help = MAN_EXAMPLES)]
    Man,
}

/// Everything that shapes a sandbox; shared by `run` and `why`.
#[derive(Debug, Args, Default, PartialEq)]
pub struct SandboxArgs {
    /// Start from profile NAME (built-in or user) or the profile file PATH; flags add to it.
    #[arg(long, value_name = "NAME|PATH", value_parser = non_empty("an empty name"))]
    pub profile: Option<String>,
    /// Allow read, write, create, delete and execute beneath DIR.
    #[arg(short = 'a', long = "allow", value_name = "DIR", value_parser = path())]
    pub allow: Vec<PathBuf>,
    /// Allow read, list and execute beneath DIR.
    #[arg(short = 'r', long = "read", value_name = "DIR", value_parser = path())]
    pub read: Vec<PathBuf>,
    /// Allow write, create and delete beneath DIR, without read.
    #[arg(short = 'w', long = "write", value_name = "DIR", value_parser = path())]
    pub write: Vec<PathBuf>,
    /// Allow read, write and execute of one FILE.
    #[arg(long = "allow-file", value_name = "FILE", value_parser = path())]
    pub allow_file: Vec<PathBuf>,
    /// Allow read and execute of one FILE.
    #[arg(long = "read-file", value_name = "FILE", value_parser = path())]
    pub read_file: Vec<PathBuf>,
    /// Allow writing one FILE, without read.
    #[arg(long = "write-file", value_name = "FILE", value_parser = path())]
    pub write_file: Vec<PathBuf>,
    /// Allow connecting to the Unix socket at PATH (others outside write grants are masked).
    #[arg(long, value_name = "PATH", value_parser = path())]
    pub allow_unix_socket: Vec<PathBuf>,
    /// Lift the protection of a sensitive path (e.g. ~/.aws) that a grant covers.
    #[arg(long, value_name = "PATH", value_parser = path())]
    pub unprotect: Vec<PathBuf>,
    /// Block all network access (a private network namespace with its own loopback).
    #[arg(long)]
    pub net_block: bool,
    /// Filter the network: allow NAME (exact, or *.NAME for the names below it), on any port
    /// or only on PORT, through nono's proxy; everything not allowed is refused.
    #[arg(long, value_name = "NAME[:PORT]", value_parser = non_empty("an empty name"))]
    pub allow_domain: Vec<String>,
    /// Filter the network: allow the addresses in RANGE (10.1.0.0/16, fd00::/8, 192.0.2.7),
    /// also when an allowed name resolves into it.
    #[arg(long, value_name = "RANGE", value_parser = non_empty("an empty range"))]
    pub allow_cidr: Vec<String>,
    /// Filter the network: refuse NAME (or *.NAME) even when --allow-domain covers it.
    #[arg(long, value_name = "NAME[:PORT]", value_parser = non_empty("an empty name"))]
    pub deny_domain: Vec<String>,
    /// With --net-block or a filtered network: make the program's server on 127.0.0.1:PORT of
    /// its own loopback reachable on the host's 127.0.0.1:PORT, relayed by nono.
    #[arg(long, value_name = "PORT", value_parser = parse_port)]
    pub publish: Vec<u16>,
    /// Keep environment variable NAME although it looks secret or injects code.
    #[arg(long, value_name = "NAME", value_parser = non_empty("an empty name"))]
    pub env_allow: Vec<String>,
    /// Set environment variable NAME to VALUE in the sandbox.
    #[arg(long = "env", value_name = "NAME=VALUE", value_parser = parse_env)]
    pub env_set: Vec<(String, String)>,
    /// Pass open descriptor N (3 or above) to the command; all others above 2 are closed.
    #[arg(long, value_name = "N", value_parser = parse_keep_fd)]
    pub keep_fd: Vec<i32>,
    /// Run even if this kernel cannot give every protection; each one dropped is printed.
    #[arg(long)]
    pub allow_degraded: bool,
    /// Testing: plan as if the kernel offered at most this Landlock ABI.
    #[arg(long, value_name = "N", hide = true)]
    pub simulate_abi: Option<u8>,
    /// Testing: plan as if user namespaces were unavailable.
    #[arg(long, hide = true)]
    pub simulate_no_userns: bool,
    /// Testing: plan as if the kernel had no seccomp filters.
    #[arg(long, hide = true)]
    pub simulate_no_seccomp: bool,
    /// Testing: leave one layer off, to prove that the others hold alone.
    #[arg(long, value_enum, value_name = "LAYER", hide = true)]
    pub testing_without: Vec<LayerArg>,
    /// Testing: the proxy resolves NAME to ADDRESS instead of asking DNS (ADDRESS must lie in
    /// an --allow-cidr range, so nothing the rules refuse becomes reachable).
    #[arg(long, value_name = "NAME=ADDRESS", hide = true, value_parser = parse_resolve)]
    pub testing_resolve: Vec<(String, std::net::IpAddr)>,
}

/// A layer the hidden testing flag can leave off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LayerArg {
    Landlock,
}

impl LayerArg {
    pub fn name(self) -> &'static str {
        match self {
            LayerArg::Landlock => "landlock",
        }
    }
}

#[derive(Debug, Args)]
#[command(arg_required_else_help = true)]
pub struct RunArgs {
    #[command(flatten)]
    pub sandbox: SandboxArgs,
    /// Print the resolved plan and exit without running anything.
    #[arg(long)]
    pub dry_run: bool,
    /// With --dry-run: print the plan as JSON.
    #[arg(long, requires = "dry_run")]
    pub json: bool,
    /// With a filtered network: write each decision of nono's proxy to FILE, one JSON object
    /// a line.
    #[arg(long, value_name = "FILE", value_parser = path())]
    pub net_log: Option<PathBuf>,
    /// The command to run, and its arguments (after --).
    #[arg(required = true, last = true, value_name = "COMMAND")]
    pub command: Vec<OsString>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OpArg {
    Read,
    Write,
    Exec,
}

#[derive(Debug, Args)]
pub struct WhyArgs {
    /// The path to explain.
    #[arg(value_parser = path(), required_unless_present = "host", conflicts_with = "host")]
    pub path: Option<PathBuf>,
    /// Instead of a path, explain whether the program may reach HOST (on PORT, default 443).
    #[arg(long, value_name = "HOST[:PORT]", value_parser = non_empty("an empty host"))]
    pub host: Option<String>,
    /// The operation to explain.
    #[arg(long, value_enum, default_value = "read")]
    pub op: OpArg,
    /// Answer from the plan of the sandbox this command runs in (NONO_CAP_FILE).
    #[arg(long = "self")]
    pub from_self: bool,
    /// Print the verdict as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub sandbox: SandboxArgs,
}

// The value parsers say what is wrong with a value in a few words; `usage` puts the flag and
// the value in front ("nono: --allow: an empty path").

/// A path, never empty: an empty grant names nothing, so it is refused by name. Any bytes,
/// not only UTF-8.
pub fn path() -> impl TypedValueParser<Value = PathBuf> {
    OsStringValueParser::new().try_map(|value| {
        if value.is_empty() {
            Err("an empty path")
        } else {
            Ok(PathBuf::from(value))
        }
    })
}

/// A name or other text that cannot be empty; `empty` says what was missing.
pub fn non_empty(empty: &'static str) -> impl TypedValueParser<Value = String> {
    StringValueParser::new().try_map(move |value| {
        if value.is_empty() {
            Err(empty)
        } else {
            Ok(value)
        }
    })
}

fn parse_keep_fd(text: &str) -> Result<i32, String> {
    match text.parse::<i32>() {
        Ok(0..=2) => Err(
            "descriptors 0, 1 and 2 (standard input, output and error) are always passed; --keep-fd is for 3 and above"
                .into(),
        ),
        Ok(fd) if fd > 2 => Ok(fd),
        _ if text.is_empty() => Err("an empty descriptor number".into()),
        _ => Err("not a descriptor number (3 or above)".into()),
    }
}

fn parse_port(text: &str) -> Result<u16, String> {
    match text.parse::<u32>() {
        Ok(port @ 1..=65535) => Ok(port as u16),
        Ok(_) => Err("not a port (1 to 65535)".into()),
        _ if text.is_empty() => Err("an empty port".into()),
        _ => Err("not a port number (1 to 65535)".into()),
    }
}

fn parse_resolve(text: &str) -> Result<(String, std::net::IpAddr), String> {
    match text.split_once('=') {
        Some((name, address)) if !name.is_empty() => address
            .parse()
            .map(|a| (name.to_string(), a))
            .map_err(|_| "expected NAME=ADDRESS, with an IP address".into()),
        _ => Err("expected NAME=ADDRESS".into()),
    }
}

fn parse_env(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_string(), value.to_string())),
        _ if text.is_empty() => Err("an empty setting (expected NAME=VALUE)".into()),
        _ => Err("expected NAME=VALUE".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parse of `run` alone gives what the full parse gives, and leaves to it whatever it
    /// would reject or answer with help.
    #[test]
    fn the_parse_of_run_alone_agrees_with_the_full_parse() {
        let agree: &[&[&str]] = &[
            &["nono", "run", "--", "true"],
            &[
                "nono", "run", "--allow", ".", "--", "sh", "-c", "echo hi", "--allow",
            ],
            &[
                "nono",
                "run",
                "--allow",
                "a",
                "--read",
                "b",
                "--write",
                "c",
                "--allow-file",
                "f",
                "--read-file",
                "g",
                "--write-file",
                "h",
                "--unprotect",
                "u",
                "--net-block",
                "--allow-domain",
                "x.test:443",
                "--allow-cidr",
                "10.0.0.0/8",
                "--publish",
                "8080",
                "--profile",
                "claude-code",
                "--env",
                "A=1",
                "--keep-fd",
                "3",
                "--allow-unix-socket",
                "/s",
                "--allow-degraded",
                "--dry-run",
                "--json",
                "--",
                "prog",
                "--dry-run",
            ],
            &["nono", "run", "--dry-run", "--", "x"],
        ];
        for argv in agree {
            let fast = Cli::parse_run(*argv);
            let full = Cli::try_parse_from(*argv).ok();
            assert!(fast.is_some(), "{argv:?}");
            assert_eq!(format!("{fast:?}"), format!("{full:?}"), "{argv:?}");
        }
        let left_to_the_full_parse: &[&[&str]] = &[
            &["nono", "run"],
            &["nono", "run", "--help"],
            &["nono", "run", "--bogus", "--", "x"],
            &["nono", "run", "--json", "--", "x"],
            &["nono", "why", "/etc"],
            &["nono", "--version"],
            &["nono"],
        ];
        for argv in left_to_the_full_parse {
            assert!(Cli::parse_run(*argv).is_none(), "{argv:?}");
        }
    }
}
