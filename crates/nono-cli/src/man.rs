//! `nono man`: one manual page, nono(1), rendered from the clap definitions that also give
//! `--help`, so the two cannot disagree.
//!
//! clap_mangen renders one page per command, each with its own NAME, SYNOPSIS and OPTIONS.
//! nono has a handful of commands and one that matters most, so the page holds them all:
//! clap_mangen renders each command's synopsis, description and options, and this module
//! places them under one heading per command, with the examples of `--help` kept as written.

use crate::cli::Cli;
use clap::{Command, CommandFactory};
use clap_mangen::roff::{bold, roman, Inline, Roff};
use clap_mangen::Man;
use std::io::Write;

/// `nono man`: prints the page (roff) to stdout.
pub fn man() -> nono::Result<u8> {
    let mut out = std::io::stdout().lock();
    // A closed pipe (`nono man | head`) is not an error worth a message.
    let _ = out.write_all(page().as_bytes());
    let _ = out.flush();
    Ok(0)
}

/// The page, in roff.
fn page() -> String {
    let mut root = without_help(Cli::command());
    // Gives every subcommand its full name ("nono run") for its synopsis.
    root.build();
    let commands = all_commands(&root);

    let man = Man::new(root.clone()).title("NONO");
    // The title keeps the preamble that every rendering starts with, once.
    let mut page = raw(|w| man.render_title(w));

    let mut head = Roff::new();
    head.control("SH", ["NAME"])
        .text([roman(format!("nono - {}", lowercase_first(&about(&root))))]);
    head.control("SH", ["SYNOPSIS"]);
    for (i, command) in commands.iter().filter(|c| !c.has_subcommands()).enumerate() {
        if i > 0 {
            head.control("br", []);
        }
        head.text(synopsis(command));
    }
    page += &body(&head);

    let mut description = Roff::new();
    description.control("SH", ["DESCRIPTION"]).text([roman(
        "nono runs a command in a sandbox that the kernel enforces: the command can use what it \
         was granted and nothing else. Each command is described below; nono COMMAND --help \
         prints the same text.",
    )]);
    description.control("SH", ["COMMANDS"]);
    page += &body(&description);

    for command in &commands {
        page += &command_section(command);
    }

    page += &rendered(|w| man.render_version_section(w));
    page
}

/// One command's part of the page: its full name as a subheading, then what clap_mangen
/// renders for it, then its examples.
fn command_section(command: &Command) -> String {
    let name = command.get_bin_name().unwrap_or(command.get_name());
    let man = Man::new(command.clone());
    let mut out = body(
        Roff::new()
            .control("SS", [name])
            .text(synopsis(command))
            .control("PP", []),
    );
    out += &section_body(|w| man.render_description_section(w));
    if command.get_arguments().any(|a| !a.is_hide_set()) {
        out += &section_body(|w| man.render_options_section(w));
    }
    if let Some(text) = command.get_after_help() {
        out += &body(&after_help(&text.to_string()));
    }
    out
}

/// The usage line of `--help`, `nono run [OPTIONS] -- <COMMAND>...`, with the command in bold.
fn synopsis(command: &Command) -> Vec<Inline> {
    let usage = command.clone().render_usage().to_string();
    let usage = usage.trim().trim_start_matches("Usage:").trim_start();
    let name = command.get_bin_name().unwrap_or(command.get_name());
    match usage.strip_prefix(name) {
        Some(rest) => vec![bold(name), roman(rest)],
        None => vec![roman(usage)],
    }
}

/// `--help`'s closing text: prose is filled, indented lines (examples) stay as written.
fn after_help(text: &str) -> Roff {
    let mut roff = Roff::new();
    roff.control("PP", []);
    let mut verbatim = false;
    for line in text.lines() {
        let indented = line.starts_with(' ');
        if indented != verbatim {
            match indented {
                true => roff.control("RS", []).control("nf", []),
                false => roff.control("fi", []).control("RE", []),
            };
            verbatim = indented;
        }
        match line.trim().is_empty() {
            true => roff.control("PP", []),
            false => roff.text([roman(line.strip_prefix("  ").unwrap_or(line))]),
        };
    }
    if verbatim {
        roff.control("fi", []).control("RE", []);
    }
    roff
}

/// The commands in the order `--help` lists them, each parent before its subcommands.
fn all_commands(root: &Command) -> Vec<Command> {
    let mut out = Vec::new();
    for sub in root.get_subcommands().filter(|s| !s.is_hide_set()) {
        out.push(sub.clone());
        out.extend(all_commands(sub));
    }
    out
}

/// `command` without `-h`, `-V` and the `help` subcommand, at every level: the page says once
/// that every command has `--help`.
fn without_help(command: Command) -> Command {
    let names: Vec<String> = command
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    let mut command = command
        .disable_help_flag(true)
        .disable_version_flag(true)
        .disable_help_subcommand(true);
    for name in names {
        command = command.mut_subcommand(name, without_help);
    }
    command
}

fn about(command: &Command) -> String {
    command
        .get_about()
        .map(|a| a.to_string())
        .unwrap_or_default()
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// What a clap_mangen section renderer writes, without its `.SH` heading.
fn section_body(render: impl Fn(&mut dyn Write) -> std::io::Result<()>) -> String {
    lines_without(&raw(render), |line| {
        line.starts_with(".SH ") || is_preamble(line)
    })
}

/// What a clap_mangen renderer writes, without the preamble.
fn rendered(render: impl Fn(&mut dyn Write) -> std::io::Result<()>) -> String {
    lines_without(&raw(render), is_preamble)
}

/// Roff written here, without the preamble.
fn body(roff: &Roff) -> String {
    lines_without(&roff.render(), is_preamble)
}

/// The roff crate starts every rendering by defining the apostrophe string (`\*(Aq`).
fn is_preamble(line: &str) -> bool {
    line.starts_with(".ie \\n(.g .ds Aq") || line.starts_with(".el .ds Aq")
}

fn lines_without(text: &str, drop: impl Fn(&str) -> bool) -> String {
    text.lines()
        .filter(|line| !drop(line))
        .map(|line| format!("{line}\n"))
        .collect()
}

fn raw(render: impl Fn(&mut dyn Write) -> std::io::Result<()>) -> String {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = render(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}
