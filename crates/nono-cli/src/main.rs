//! The `nono` command: a thin layer over the `nono` library.

mod cli;
mod completions;
mod egress;
mod man;
mod policy;
mod profile_cmd;
mod publish;
mod render;
mod run;
mod usage;
mod why;

use clap::Parser;
use std::ffi::OsString;
use std::process::ExitCode;

fn main() -> ExitCode {
    let parsed = cli::Cli::parse_run(std::env::args_os()).map_or_else(cli::Cli::try_parse, Ok);
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            // Read again only here, to keep the start of every run as short as it was.
            let args: Vec<OsString> = std::env::args_os().collect();
            return ExitCode::from(usage::report(&e, &args));
        }
    };
    let result = match cli.command {
        cli::Command::Run(args) => run::run(args),
        cli::Command::Why(args) => why::why(args),
        cli::Command::Profile(args) => profile_cmd::profile(args),
        cli::Command::Completions { shell } => completions::completions(shell),
        cli::Command::Man => man::man(),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("nono: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
