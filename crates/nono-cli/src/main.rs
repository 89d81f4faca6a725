//! The `nono` command: a thin layer over the `nono` library.

mod cli;
mod policy;
mod profile_cmd;
mod render;
mod run;
mod why;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 125 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        cli::Command::Run(args) => run::run(args),
        cli::Command::Why(args) => why::why(args),
        cli::Command::Profile(args) => profile_cmd::profile(args),
        cli::Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut command = cli::Cli::command();
            clap_complete::generate(shell, &mut command, "nono", &mut std::io::stdout());
            Ok(0)
        }
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("nono: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
