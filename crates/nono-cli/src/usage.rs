//! Usage errors in nono's words: one line `nono: ...` on stderr and exit status 125, like every
//! other failure of nono's own, with the corrected command where the fix is known. `--help` and
//! `--version` print to stdout and exit 0.

use crate::cli::Cli;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, Parser};
use nono::explain::shell_word;
use nono::one_line;
use std::ffi::OsString;

/// Reports a command line clap refused (or a request for help) and returns the exit status.
pub fn report(error: &clap::Error, args: &[OsString]) -> u8 {
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = error.print();
            0
        }
        // `nono`, `nono run` or `nono profile` alone: the help is the message (on stderr).
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = error.print();
            125
        }
        _ => {
            eprintln!("nono: {}", message(error, args));
            125
        }
    }
}

/// The one line for a usage error, without the `nono: ` in front.
fn message(error: &clap::Error, args: &[OsString]) -> String {
    let arg = string(error, ContextKind::InvalidArg).map(flag_name);
    let value = string(error, ContextKind::InvalidValue).map(|v| one_line(v).into_owned());
    match (error.kind(), arg, value) {
        (ErrorKind::UnknownArgument, Some(_), _) => unknown_argument(error, args),
        (ErrorKind::ValueValidation, Some(arg), Some(value)) => {
            // The value parsers of `cli` say what is wrong in a few words.
            let why = std::error::Error::source(error)
                .map(|e| e.to_string())
                .unwrap_or_else(|| "an invalid value".into());
            match value.is_empty() {
                true => format!("{arg}: {why}"),
                false => format!("{arg} {value}: {why}"),
            }
        }
        (ErrorKind::InvalidValue, Some(arg), Some(value)) => {
            let valid = strings(error, ContextKind::ValidValue).join(", ");
            let suggested = string(error, ContextKind::SuggestedValue)
                .map(|s| format!("; did you mean {s}?"))
                .unwrap_or_default();
            match (value.is_empty(), valid.is_empty()) {
                (true, true) => format!("{arg} needs a value"),
                (true, false) => format!("{arg} needs a value: one of {valid}"),
                (false, _) => format!("{arg} {value}: not one of {valid}{suggested}"),
            }
        }
        (ErrorKind::InvalidSubcommand, _, _) => {
            let name = string(error, ContextKind::InvalidSubcommand).unwrap_or_default();
            let suggested = strings(error, ContextKind::SuggestedSubcommand)
                .first()
                .map(|s| format!(" (did you mean {s}?)"))
                .unwrap_or_default();
            format!(
                "unknown command {}{suggested}; see {} --help",
                one_line(name),
                command_path(args)
            )
        }
        (ErrorKind::MissingRequiredArgument, _, _) => {
            let missing = strings(error, ContextKind::InvalidArg).join(", ");
            let usage = usage(error);
            match is_run(args) && missing.contains("<COMMAND>") {
                true => format!("no command to run: put it after --. {usage}"),
                false => format!("missing {missing}. {usage}"),
            }
        }
        _ => first_line(error),
    }
}

/// An argument clap did not expect. In `nono run`, a word that is not an option is almost
/// always the command, typed without the `--` in front: say so, with the command line that
/// works.
fn unknown_argument(error: &clap::Error, args: &[OsString]) -> String {
    let word = one_line(string(error, ContextKind::InvalidArg).unwrap_or_default()).into_owned();
    let see = format!("see {} --help", command_path(args));
    if word.starts_with('-') {
        let suggested = string(error, ContextKind::SuggestedArg)
            .map(|s| format!(" (did you mean {s}?)"))
            .unwrap_or_default();
        return format!("unknown option {word}{suggested}; {see}");
    }
    if is_run(args) {
        let fixed = with_separator(args, &word)
            .and_then(|fixed| pasteable(&fixed))
            .unwrap_or_else(|| "nono run [OPTIONS] -- COMMAND [ARGS...]".into());
        return format!("put the command after --: {fixed}");
    }
    format!("unexpected argument {word}; {see}")
}

/// `args` with `--` before `word`. `word` may occur more than once (`--allow ls ls`); the one
/// clap stopped at is where `--` gets clap past it. There, clap may still find another mistake
/// (to show once the command is in place); elsewhere, the `--` either takes an option's value
/// (a value error) or leaves the unexpected word unexpected.
fn with_separator(args: &[OsString], word: &str) -> Option<Vec<OsString>> {
    (2..args.len())
        .filter(|&i| args[i] == word)
        .map(|i| {
            let mut fixed = args[..i].to_vec();
            fixed.push("--".into());
            fixed.extend_from_slice(&args[i..]);
            fixed
        })
        .find(|fixed| match Cli::try_parse_from(fixed) {
            Ok(_) => true,
            Err(e) => !matches!(
                e.kind(),
                ErrorKind::UnknownArgument | ErrorKind::InvalidValue
            ),
        })
}

/// The command line as words to paste into a shell, or `None` where pasting could not give
/// the same words back (not UTF-8, or control characters).
fn pasteable(args: &[OsString]) -> Option<String> {
    let words = args
        .iter()
        .skip(1)
        .map(|a| a.to_str().filter(|s| !s.chars().any(char::is_control)))
        .collect::<Option<Vec<&str>>>()?;
    let quoted: Vec<String> = words.into_iter().map(shell_word).collect();
    Some(format!("nono {}", quoted.join(" ")))
}

fn is_run(args: &[OsString]) -> bool {
    args.get(1).is_some_and(|a| a == "run")
}

/// `nono`, `nono run`, `nono profile show`: the subcommands at the front of `args`.
fn command_path(args: &[OsString]) -> String {
    let mut command = Cli::command();
    let mut path = String::from("nono");
    for arg in args.iter().skip(1).filter_map(|a| a.to_str()) {
        match command.find_subcommand(arg) {
            Some(sub) => {
                path = format!("{path} {}", sub.get_name());
                command = sub.clone();
            }
            None => break,
        }
    }
    path
}

/// `--allow <DIR>` is called `--allow`, and the positional `<PATH>` (or the optional
/// `[PATH]`) `PATH`.
fn flag_name(arg: &str) -> String {
    let first = arg.split(' ').next().unwrap_or(arg);
    first
        .trim_matches(|c| matches!(c, '<' | '>' | '[' | ']'))
        .to_string()
}

/// clap's usage line, `Usage: nono run [OPTIONS] -- <COMMAND>...`.
fn usage(error: &clap::Error) -> String {
    match error.get(ContextKind::Usage) {
        Some(ContextValue::StyledStr(usage)) => usage.to_string().trim().to_string(),
        _ => String::new(),
    }
}

/// clap's own message, first line only, for the errors nono has no better words for.
fn first_line(error: &clap::Error) -> String {
    let text = error.render().to_string();
    let line = text.lines().next().unwrap_or_default();
    one_line(line.strip_prefix("error: ").unwrap_or(line)).into_owned()
}

fn string(error: &clap::Error, kind: ContextKind) -> Option<&str> {
    match error.get(kind) {
        Some(ContextValue::String(s)) => Some(s),
        _ => None,
    }
}

fn strings(error: &clap::Error, kind: ContextKind) -> Vec<String> {
    match error.get(kind) {
        Some(ContextValue::Strings(list)) => list.clone(),
        Some(ContextValue::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}
