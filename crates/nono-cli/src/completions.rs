//! `nono completions SHELL`: clap's completion script, taught to complete profile names.
//!
//! clap_complete writes the script ahead of time, and its completion at run time is still
//! unstable. A list of names written into the script would miss every user profile created
//! later, so the script asks nono instead: the values that name a profile get a placeholder
//! when the script is written, and the placeholder becomes the shell's way of running
//! `nono profile list --names` when the user presses Tab. Profile files stay completable too.

use crate::cli::Cli;
use clap::builder::PossibleValue;
use clap::{Arg, CommandFactory};
use clap_complete::Shell;
use nono::{Error, Result};
use std::io::Write;

/// What clap writes where a profile name goes; replaced in the finished script.
const PLACEHOLDER: &str = "NONO_PROFILE_NAMES";

/// The command whose output lists the profile names, one a line.
const NAMES: &str = "nono profile list --names 2>/dev/null";

/// The zsh completer for profile names, defined beside clap's functions.
const ZSH_NAMES: &str = r#"
# Profile names (built-in and the user's) from nono itself, and files: --profile takes both.
(( $+functions[_nono_profiles] )) ||
_nono_profiles() {
    local -a names
    names=(${(f)"$(nono profile list --names 2>/dev/null)"})
    _alternative 'profiles:profile:compadd -a names' 'files:profile file:_files'
}
"#;

/// For fish, which clap gives no completion of positional values: `nono profile show NAME`.
const FISH_NAMES: &str = r#"
# Profile names (built-in and the user's) from nono itself.
complete -c nono -n "__fish_seen_subcommand_from profile; and __fish_seen_subcommand_from show" -a "(nono profile list --names 2>/dev/null)"
"#;

/// `nono completions SHELL`.
pub fn completions(shell: Shell) -> Result<u8> {
    let script = script(shell)?;
    let mut out = std::io::stdout().lock();
    // A closed pipe is not an error worth a message.
    let _ = out.write_all(script.as_bytes());
    let _ = out.flush();
    Ok(0)
}

/// The completion script for `shell`.
fn script(shell: Shell) -> Result<String> {
    let mut command = Cli::command();
    let teach = matches!(shell, Shell::Bash | Shell::Zsh | Shell::Fish);
    if teach {
        // The subcommands and argument ids are those of `cli` and `profile_cmd`; mut_arg and
        // mut_subcommand panic on a name that does not exist, which the usage tests would show.
        command = command
            .mut_subcommand("run", |c| c.mut_arg("profile", names_placeholder))
            .mut_subcommand("why", |c| c.mut_arg("profile", names_placeholder))
            .mut_subcommand("profile", |c| {
                c.mut_subcommand("show", |c| c.mut_arg("name", names_placeholder))
                    .mut_subcommand("init", |c| c.mut_arg("from", names_placeholder))
            });
    }
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "nono", &mut out);
    let script = String::from_utf8_lossy(&out).into_owned();
    if !teach {
        return Ok(script);
    }
    let script = match shell {
        // Inside the double quotes of `compgen -W "..."` and of `opts="..."`.
        Shell::Bash => script.replace(PLACEHOLDER, &format!("$({NAMES})")),
        // clap writes the values of an `_arguments` spec as `(a b)`; a function name there
        // is called instead.
        Shell::Zsh => {
            let script = script.replace(&format!("({PLACEHOLDER})"), "_nono_profiles");
            match script.split_once('\n') {
                Some((compdef, rest)) => format!("{compdef}\n{ZSH_NAMES}{rest}"),
                None => script,
            }
        }
        // `-a` is expanded at completion time; without clap's `-f`, files are offered too.
        _ => {
            script.replace(
                &format!(" -f -a \"{PLACEHOLDER}\\t''\""),
                &format!(" -a \"({NAMES})\""),
            ) + FISH_NAMES
        }
    };
    if script.contains(PLACEHOLDER) {
        return Err(Error::refused(format!(
            "completions {shell}: cannot add profile-name completion to this clap_complete's script"
        )));
    }
    Ok(script)
}

fn names_placeholder(arg: Arg) -> Arg {
    arg.value_parser([PossibleValue::new(PLACEHOLDER)])
}
