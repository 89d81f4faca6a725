//! The plan as a Seatbelt profile (SBPL, a small Lisp). Pure text generation: it runs and is
//! tested on every OS, only applying the result needs macOS.
//!
//! Seatbelt applies the *last* rule that matches an operation, so the profile is laid out in
//! the order that makes the plan's meaning come out: deny everything, allow the macOS baseline
//! and the plan's rules, decide Unix sockets and the network, and finally deny the sensitive
//! paths so that those denies win over every allow above them.

use crate::access::{Access, Op};
use crate::error::{Error, Result};
use crate::paths::quote;
use crate::plan::{Plan, Rule, SensitiveState, Source};
use crate::sensitive::Protection;
use std::path::Path;

/// The macOS baseline, non-path part: what a shell, git, node and python need from the kernel
/// and from system daemons. Each entry is a comment and one constant SBPL rule.
#[rustfmt::skip]
const MACOS_RULES: &[(&str, &str)] = &[
    ("fork; exec is granted per path by the rules below", "(allow process-fork)"),
    ("signals and process information only within this sandbox", "(allow signal (target same-sandbox))"),
    ("", "(allow process-info* (target same-sandbox))"),
    ("stat() anywhere, as on Linux where Landlock does not govern metadata; contents need a rule", "(allow file-read-metadata file-test-existence)"),
    ("host information (node's os.cpus()), never the host's special or exception ports", "(allow mach-host*)"),
    ("", "(deny mach-host-special-port-set mach-host-exception-port-set)"),
    ("POSIX semaphores: python multiprocessing locks", "(allow ipc-posix-sem)"),
    ("libnotify's shared page: time zone and other change notifications", "(allow ipc-posix-shm-read* (ipc-posix-name \"apple.shm.notification_center\"))"),
    ("Unix sockets and socketpair(); where they may connect is decided in the network section", "(allow system-socket (socket-domain AF_UNIX))"),
    ("new pseudo-terminals (script, node-pty, python pty), each usable by this sandbox only", "(allow pseudo-tty)"),
    ("", "(allow file-read* file-write-data file-ioctl (literal \"/dev/ptmx\"))"),
    ("", "(allow file-read* file-write-data file-ioctl (require-all (regex #\"^/dev/ttys[0-9]+$\") (extension \"com.apple.sandbox.pty\")))"),
    ("the terminal the program was started on: output and terminal ioctls", "(allow file-write-data file-ioctl (regex #\"^/dev/ttys[0-9]+$\"))"),
    ("", "(allow file-read* file-write-data file-ioctl (literal \"/dev/tty\"))"),
];

/// Sysctls readable by name: OS and kernel identification and limits.
#[rustfmt::skip]
const SYSCTLS: &[&str] = &[
    "kern.argmax", "kern.boottime", "kern.clockrate", "kern.hostname", "kern.maxfiles",
    "kern.maxfilesperproc", "kern.maxproc", "kern.ngroups", "kern.osproductversion",
    "kern.osrelease", "kern.ostype", "kern.osvariant_status", "kern.osversion",
    "kern.secure_kernel", "kern.usrstack64", "kern.version", "sysctl.proc_cputype",
    "sysctl.proc_translated", "vm.loadavg",
];

/// Sysctl prefixes: hardware description, and process tables by pid (as `/proc` on Linux).
/// Never `kern.procargs`, which holds other processes' arguments and environment.
const SYSCTL_PREFIXES: &[&str] = &["hw.", "machdep.cpu.", "kern.proc.pid.", "kern.proc.pgrp."];

/// Mach services every program may reach: user lookups (getpwuid), notifications, logging,
/// per-user directories. Not cfprefsd or securityd: they would serve other apps' preferences
/// and keychain items past the file rules.
const MACH_SERVICES: &[&str] = &[
    "com.apple.bsd.dirhelper",
    "com.apple.logd",
    "com.apple.system.logger",
    "com.apple.system.notification_center",
    "com.apple.system.opendirectoryd.libinfo",
    "com.apple.system.opendirectoryd.membership",
];

/// Mach services for the network: configuration, DNS and TLS trust evaluation.
const NETWORK_MACH_SERVICES: &[&str] = &[
    "com.apple.SystemConfiguration.DNSConfiguration",
    "com.apple.SystemConfiguration.configd",
    "com.apple.dnssd.service",
    "com.apple.networkd",
    "com.apple.ocspd",
    "com.apple.trustd",
    "com.apple.trustd.agent",
];

/// The Unix socket of the system DNS resolver, reachable when the network is allowed.
const DNS_SOCKET: &str = "/private/var/run/mDNSResponder";

/// The macOS aliases of `/private` directories, canonicalised so rules match what the kernel
/// checks (Seatbelt sees `/private/tmp/x` for an access to `/tmp/x`).
const PRIVATE_ALIASES: &[&str] = &["/tmp", "/var", "/etc"];

/// Generates the Seatbelt profile that enforces `plan`: the same plan `why` explains.
///
/// Fails, naming the path, when a path cannot be written safely into the profile: not UTF-8,
/// not absolute, or holding a control character (a newline would end a comment or a string
/// and let a hostile file name add rules of its own).
pub fn profile(plan: &Plan) -> Result<String> {
    let mut out = Sbpl::default();
    out.line(";; nono: Seatbelt profile generated from the plan. Seatbelt applies the LAST");
    out.line(";; matching rule: deny all, allow, then the denies that must win.");
    out.line("(version 1)");
    out.line("(deny default)");
    out.macos_baseline();
    out.section("the plan's rules");
    for rule in &plan.rules {
        out.comment(&crate::explain::describe(rule, Path::new("/")));
        let ops = file_ops(rule.access, rule.file);
        if !ops.is_empty() {
            out.line(&format!("(allow {} {})", ops.join(" "), rule_filter(rule)?));
        }
    }
    out.network(plan)?;
    out.sensitive(plan)?;
    Ok(out.text)
}

#[derive(Default)]
struct Sbpl {
    text: String,
}

impl Sbpl {
    fn line(&mut self, line: &str) {
        self.text.push_str(line);
        self.text.push('\n');
    }

    /// A comment; control characters are replaced so that a comment can never end early.
    fn comment(&mut self, text: &str) {
        if !text.is_empty() {
            let safe: String = text
                .chars()
                .map(|c| if c.is_control() { '?' } else { c })
                .collect();
            self.line(&format!(";; {safe}"));
        }
    }

    fn section(&mut self, title: &str) {
        self.line("");
        self.comment(&format!("--- {title}"));
    }

    fn macos_baseline(&mut self) {
        self.section("macOS baseline: processes, system services");
        for (what, rule) in MACOS_RULES {
            self.comment(what);
            self.line(rule);
        }
        let names = SYSCTLS.iter().map(|n| format!("(sysctl-name \"{n}\")"));
        let prefixes = SYSCTL_PREFIXES
            .iter()
            .map(|p| format!("(sysctl-name-prefix \"{p}\")"));
        self.comment("system information by sysctl");
        self.line(&format!(
            "(allow sysctl-read {})",
            names.chain(prefixes).collect::<Vec<_>>().join(" ")
        ));
        self.comment("system services");
        self.mach_lookup(MACH_SERVICES);
        // The macOS system paths (/System, the dyld cache, the developer tools, devices) are
        // entries of the shared baseline table, so they come with the plan's rules and `why`
        // sees them too.
    }

    fn mach_lookup(&mut self, services: &[&str]) {
        let names: Vec<String> = services
            .iter()
            .map(|s| format!("(global-name \"{s}\")"))
            .collect();
        self.line(&format!("(allow mach-lookup {})", names.join(" ")));
    }

    /// IP networking as the plan says; Unix sockets, which reach local daemons (docker,
    /// ssh-agent, gpg-agent), only beneath write grants and the run's temporary directory, in
    /// either mode; the baseline's writable devices are no place for sockets.
    fn network(&mut self, plan: &Plan) -> Result<()> {
        if plan.network.blocked {
            self.section("network: blocked (--net-block)");
            self.line("(deny network*)");
        } else {
            self.section("network: allowed, except Unix sockets");
            self.line("(allow network*)");
            self.line("(allow system-socket)");
            self.mach_lookup(NETWORK_MACH_SERVICES);
            self.line("(allow file-read* (literal \"/private/var/run/resolv.conf\"))");
            self.comment("Unix sockets reach local daemons: none but DNS and those below");
            self.line("(deny network-outbound (remote unix-socket))");
            self.line("(deny network-bind network-inbound (local unix-socket))");
            self.line(&format!(
                "(allow network-outbound (remote unix-socket (literal \"{DNS_SOCKET}\")))"
            ));
        }
        self.comment("Unix sockets beneath write grants");
        let writable = plan
            .rules
            .iter()
            .filter(|r| r.access.allows(Op::Write) && !matches!(r.source, Source::Baseline { .. }));
        for rule in writable {
            let filter = rule_filter(rule)?;
            self.line(&format!(
                "(allow network-outbound (remote unix-socket {filter}))"
            ));
            self.line(&format!(
                "(allow network-bind network-inbound (local unix-socket {filter}))"
            ));
        }
        Ok(())
    }

    /// Denies for protected sensitive paths, last so that they win. A sensitive path is
    /// matched with `subpath` whatever its type, as `why` matches it by prefix.
    fn sensitive(&mut self, plan: &Plan) -> Result<()> {
        self.section("sensitive paths: last, so these denies win over every allow above");
        for entry in &plan.sensitive {
            let what = match (entry.state, entry.protection) {
                (SensitiveState::Unprotected, _) => "protection lifted by --unprotect",
                (SensitiveState::Owned, _) => "its owner's: the run's profile decides",
                (_, Protection::Hidden) => "hidden",
                (_, Protection::ReadOnly) => "read-only",
            };
            self.comment(&format!("{}: {what}", entry.group));
            if !entry.protects() {
                continue;
            }
            let path = string(&entry.path)?;
            match entry.protection {
                Protection::Hidden => {
                    self.line(&format!(
                        "(deny file-read* file-write* process-exec* file-map-executable (subpath {path}))"
                    ));
                    self.line(&format!(
                        "(deny network-outbound (remote unix-socket (subpath {path})))"
                    ));
                    self.line(&format!(
                        "(deny network-bind (local unix-socket (subpath {path})))"
                    ));
                }
                Protection::ReadOnly => {
                    self.line(&format!("(deny file-write* (subpath {path}))"));
                }
            }
        }
        Ok(())
    }
}

/// Seatbelt operations for `access`. Writing a single file never includes deleting, renaming
/// or re-moding it: as under Landlock, those are rights on the directory, not on the file.
fn file_ops(access: Access, file: bool) -> Vec<&'static str> {
    let mut ops = Vec::new();
    if access.allows(Op::Read) {
        ops.push("file-read*");
    }
    if access.allows(Op::Write) {
        ops.push(if file {
            "file-write-data"
        } else {
            "file-write*"
        });
    }
    if access.allows(Op::Exec) {
        ops.extend(["process-exec*", "file-map-executable"]);
    }
    ops
}

/// The filter matching exactly what `rule` covers (see [`crate::explain::covers`]). Exceptions
/// are `require-not` inside the rule rather than later denies: a deny would also override
/// another rule that legitimately covers the path, and enforcement would disagree with `why`.
fn rule_filter(rule: &Rule) -> Result<String> {
    let kind = if rule.file { "literal" } else { "subpath" };
    let base = format!("({kind} {})", string(&rule.path)?);
    if rule.except.is_empty() {
        return Ok(base);
    }
    let mut parts = vec![base];
    for except in &rule.except {
        parts.push(format!("(require-not (subpath {}))", string(except)?));
    }
    Ok(format!("(require-all {})", parts.join(" ")))
}

/// `path` as an SBPL string literal, quotes included.
fn string(path: &Path) -> Result<String> {
    let Some(text) = path.to_str() else {
        return Err(Error::refused(format!(
            "the path {} is not UTF-8: a Seatbelt profile cannot name it",
            quote(path)
        )));
    };
    if text.chars().any(char::is_control) {
        return Err(Error::refused(format!(
            "the path {} holds a control character: a Seatbelt profile cannot name it safely",
            quote(path)
        )));
    }
    if !path.is_absolute() {
        return Err(Error::refused(format!(
            "the path {} is not absolute: a Seatbelt rule needs an absolute path",
            quote(path)
        )));
    }
    Ok(format!("\"{}\"", escape(&private(text))))
}

/// `/tmp/x` as `/private/tmp/x` (and so for `/var`, `/etc`); any other path unchanged.
fn private(text: &str) -> String {
    for alias in PRIVATE_ALIASES {
        if let Some(rest) = text.strip_prefix(alias) {
            if rest.is_empty() || rest.starts_with('/') {
                return format!("/private{text}");
            }
        }
    }
    text.to_string()
}

/// Escapes the two characters that are special inside an SBPL string.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    #[test]
    fn aliases_become_private_only_as_whole_components() {
        assert_eq!(private("/tmp"), "/private/tmp");
        assert_eq!(private("/tmp/x"), "/private/tmp/x");
        assert_eq!(private("/var/folders/a"), "/private/var/folders/a");
        assert_eq!(private("/etc/hosts"), "/private/etc/hosts");
        assert_eq!(private("/tmpfoo"), "/tmpfoo");
        assert_eq!(private("/private/tmp"), "/private/tmp");
        assert_eq!(private("/Users/u/tmp"), "/Users/u/tmp");
    }

    #[test]
    fn quotes_and_backslashes_are_escaped() {
        let path = Path::new(r#"/a "b" \c (d); e"#);
        assert_eq!(string(path).unwrap(), r#""/a \"b\" \\c (d); e""#);
    }

    #[test]
    fn unsafe_paths_are_refused_with_their_name() {
        for bad in [
            &b"/a\nb"[..],
            b"/a\0b",
            b"/a\rb",
            b"/a\x1bb",
            b"/a\xffb",
            b"rel",
        ] {
            let err = string(Path::new(OsStr::from_bytes(bad))).unwrap_err();
            assert!(err.message.contains("the path "), "{}", err.message);
            assert!(!err.message.contains('\n'), "{}", err.message);
        }
    }

    #[test]
    fn baseline_rules_are_balanced() {
        for (_, rule) in MACOS_RULES {
            let open = rule.matches('(').count();
            assert_eq!(open, rule.matches(')').count(), "{rule}");
        }
    }
}
