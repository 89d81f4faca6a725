//! The macOS Seatbelt generator, tested on any OS: golden profiles for typical plans, hostile
//! path names, and a cross-check of every profile against `why` through a small SBPL
//! evaluator (last matching rule wins, as in Seatbelt).
//!
//! Plans are built by hand with fixed fake macOS paths, so the goldens do not depend on the
//! machine. `NONO_BLESS=1 cargo test -p nono --test sbpl` rewrites the golden files.

use nono::plan::{
    GrantFlag, Layers, Mount, Network, Plan, Rule, SensitivePath, SensitiveState, SocketPolicy,
    Source, FORMAT_VERSION,
};
use nono::sensitive::Protection;
use nono::{Access, Op};
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};

const HOME: &str = "/Users/u";
const TMPDIR: &str = "/private/var/folders/zz/T/nono-501/tmp";
const CAP_FILE: &str = "/private/var/folders/zz/T/nono-501/plans/00000000000000aa.json";

// ---------------------------------------------------------------------------------------------
// Plans

fn grant(flag: GrantFlag, path: &str) -> Rule {
    Rule {
        path: PathBuf::from(path),
        access: flag.access(),
        file: flag.is_file(),
        source: Source::Grant {
            flag,
            given: PathBuf::from(path),
        },
        except: Vec::new(),
        mount: Mount::Host,
    }
}

fn baseline(path: &str, access: Access, file: bool, except: &[&str]) -> Rule {
    Rule {
        path: PathBuf::from(path),
        access,
        file,
        source: Source::Baseline {
            what: "system".into(),
        },
        except: except.iter().map(PathBuf::from).collect(),
        mount: Mount::Host,
    }
}

fn sensitive(
    path: &str,
    group: &str,
    protection: Protection,
    state: SensitiveState,
) -> SensitivePath {
    SensitivePath {
        path: PathBuf::from(path),
        group: group.into(),
        protection,
        // Generation ignores it: a sensitive path is denied with `subpath` either way.
        dir: group == "ssh" || group == "cloud",
        state,
        links: Vec::new(),
        owner: None,
    }
}

/// A plan as `resolve` would build it on a Mac: the grants, a slice of the baseline (with a
/// carved-out secret), the sensitive paths, the temporary directory and the capability file.
fn plan(grants: Vec<Rule>, sensitive: Vec<SensitivePath>, net_block: bool) -> Plan {
    let mut rules = grants;
    rules.extend([
        baseline("/usr", Access::READ_EXEC, false, &[]),
        baseline("/System", Access::READ_EXEC, false, &[]),
        baseline("/bin", Access::READ_EXEC, false, &[]),
        baseline(
            "/private/etc",
            Access::READ,
            false,
            &["/private/etc/sudoers"],
        ),
        baseline("/dev/null", Access::READ_WRITE, true, &[]),
        Rule {
            path: TMPDIR.into(),
            access: Access::ALL,
            file: false,
            source: Source::Tmpdir,
            except: Vec::new(),
            mount: Mount::Host,
        },
        Rule {
            path: CAP_FILE.into(),
            access: Access::READ,
            file: true,
            source: Source::CapFile,
            except: Vec::new(),
            mount: Mount::Host,
        },
    ]);
    Plan {
        format: FORMAT_VERSION,
        home: HOME.into(),
        rules,
        sensitive,
        network: Network {
            blocked: net_block,
            sockets: if net_block {
                SocketPolicy::Local
            } else {
                SocketPolicy::Any
            },
            filter: None,
            published: Vec::new(),
        },
        env: Vec::new(),
        tmpdir: TMPDIR.into(),
        keep_fds: Vec::new(),
        cap_file: CAP_FILE.into(),
        create: Vec::new(),
        guards: Vec::new(),
        view: None,
        layers: Layers {
            kernel: "darwin".into(),
            ..Layers::default()
        },
    }
}

/// Sensitive paths, all outside the grants (`--allow ~/proj`).
fn not_granted() -> Vec<SensitivePath> {
    use Protection::{Hidden, ReadOnly};
    use SensitiveState::NotGranted;
    vec![
        sensitive("/Users/u/.ssh", "ssh", Hidden, NotGranted),
        sensitive("/Users/u/.aws", "cloud", Hidden, NotGranted),
        sensitive("/Users/u/.netrc", "tokens", Hidden, NotGranted),
        sensitive("/Users/u/.zshrc", "shell-config", ReadOnly, NotGranted),
        sensitive("/private/etc/sudoers", "system-secrets", Hidden, NotGranted),
    ]
}

fn workspace() -> Plan {
    plan(
        vec![grant(GrantFlag::Allow, "/Users/u/proj")],
        not_granted(),
        false,
    )
}

fn read_grant() -> Plan {
    let grants = vec![
        grant(GrantFlag::Allow, "/Users/u/proj"),
        grant(GrantFlag::Read, "/Users/u/docs"),
        grant(GrantFlag::ReadFile, "/Users/u/notes.txt"),
    ];
    plan(grants, not_granted(), false)
}

/// `--allow ~ --unprotect ~/.aws`: everything under home is granted, so the sensitive paths
/// are masked, except the one the user lifted.
fn allow_home() -> Plan {
    use Protection::{Hidden, ReadOnly};
    use SensitiveState::{Masked, NotGranted, Unprotected};
    let sensitive = vec![
        sensitive("/Users/u/.ssh", "ssh", Hidden, Masked),
        sensitive("/Users/u/.aws", "cloud", Hidden, Unprotected),
        sensitive("/Users/u/.netrc", "tokens", Hidden, Masked),
        sensitive("/Users/u/.zshrc", "shell-config", ReadOnly, Masked),
        sensitive("/private/etc/sudoers", "system-secrets", Hidden, NotGranted),
    ];
    plan(vec![grant(GrantFlag::Allow, HOME)], sensitive, false)
}

fn net_block() -> Plan {
    plan(
        vec![grant(GrantFlag::Allow, "/Users/u/proj")],
        not_granted(),
        true,
    )
}

const HOSTILE_DIR: &str = r#"/Users/u/we"ird\dir (x); y"#;
const HOSTILE_FILE: &str = r#"/Users/u/a\"b (c)";(allow default)"#;

fn hostile() -> Plan {
    let grants = vec![
        grant(GrantFlag::Allow, HOSTILE_DIR),
        grant(GrantFlag::ReadFile, HOSTILE_FILE),
        grant(GrantFlag::Write, "/Users/u/spaced out"),
    ];
    plan(grants, not_granted(), true)
}

/// Secrets the user exposed on purpose (`--unprotect`) inside a baseline rule that carves
/// them out. The carve-out must take the baseline's rights away (`master.passwd` is only
/// writable) without overriding the user's own grant (`sudoers` stays readable).
fn unprotected_exception() -> Plan {
    use Protection::Hidden;
    use SensitiveState::Unprotected;
    let sensitive = vec![
        sensitive(
            "/private/etc/sudoers",
            "system-secrets",
            Hidden,
            Unprotected,
        ),
        sensitive(
            "/private/etc/master.passwd",
            "system-secrets",
            Hidden,
            Unprotected,
        ),
    ];
    let grants = vec![
        grant(GrantFlag::ReadFile, "/private/etc/sudoers"),
        grant(GrantFlag::WriteFile, "/private/etc/master.passwd"),
    ];
    let mut plan = plan(grants, sensitive, false);
    for rule in &mut plan.rules {
        if rule.path == Path::new("/private/etc") {
            rule.except.push("/private/etc/master.passwd".into());
        }
    }
    plan
}

fn all_plans() -> Vec<(&'static str, Plan)> {
    vec![
        ("workspace", workspace()),
        ("read_grant", read_grant()),
        ("allow_home", allow_home()),
        ("net_block", net_block()),
        ("hostile_paths", hostile()),
        ("unprotected_exception", unprotected_exception()),
    ]
}

// ---------------------------------------------------------------------------------------------
// Golden files

fn golden(name: &str, plan: &Plan) {
    let actual = nono::macos::profile(plan).unwrap();
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format!("{name}.sb"));
    if std::env::var_os("NONO_BLESS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&file).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with NONO_BLESS=1 to create it)",
            file.display()
        )
    });
    if actual != expected {
        let first = actual
            .lines()
            .zip(expected.lines())
            .position(|(a, e)| a != e)
            .unwrap_or(actual.lines().count().min(expected.lines().count()));
        panic!(
            "{} differs from the generated profile at line {} (NONO_BLESS=1 rewrites it):\n\
             generated: {:?}\nexpected:  {:?}",
            file.display(),
            first + 1,
            actual.lines().nth(first),
            expected.lines().nth(first)
        );
    }
}

#[test]
fn workspace_only_matches_its_golden_profile() {
    golden("workspace", &workspace());
}

#[test]
fn read_grant_matches_its_golden_profile() {
    golden("read_grant", &read_grant());
}

#[test]
fn allow_home_with_masked_sensitive_paths_matches_its_golden_profile() {
    golden("allow_home", &allow_home());
}

#[test]
fn net_block_matches_its_golden_profile() {
    golden("net_block", &net_block());
}

#[test]
fn hostile_path_names_match_their_golden_profile() {
    golden("hostile_paths", &hostile());
}

// ---------------------------------------------------------------------------------------------
// Hostile input

#[test]
fn hostile_path_names_are_escaped_not_interpreted() {
    let text = nono::macos::profile(&hostile()).unwrap();
    assert!(
        text.contains(r#"(subpath "/Users/u/we\"ird\\dir (x); y")"#),
        "{text}"
    );
    assert!(
        text.contains(r#"(literal "/Users/u/a\\\"b (c)\";(allow default)")"#),
        "{text}"
    );
    assert!(
        text.contains(r#"(subpath "/Users/u/spaced out")"#),
        "{text}"
    );
    // The injected `(allow default)` stays inside a string: the profile still has exactly
    // one top-level default, and it is the deny.
    let forms = parse(&text);
    let defaults: Vec<_> = forms
        .iter()
        .filter(|f| f.ops.iter().any(|o| o == "default"))
        .collect();
    assert_eq!(defaults.len(), 1);
    assert!(!defaults[0].allow);
}

fn refused(path: OsString) -> String {
    let mut plan = workspace();
    plan.rules.push(grant(GrantFlag::Allow, "/Users/u/x"));
    plan.rules.last_mut().unwrap().path = PathBuf::from(path);
    nono::macos::profile(&plan).unwrap_err().message
}

#[test]
fn a_newline_in_a_path_is_refused() {
    let message = refused("/Users/u/x\n(allow default)".into());
    assert!(message.contains("control character"), "{message}");
    assert!(
        message.contains(r"x\n(allow default)"),
        "names the path: {message}"
    );
}

#[test]
fn a_nul_in_a_path_is_refused() {
    let message = refused(OsString::from_vec(b"/Users/u/x\0y".to_vec()));
    assert!(message.contains("control character"), "{message}");
}

#[test]
fn a_non_utf8_path_is_refused_with_its_name() {
    let message = refused(OsString::from_vec(b"/Users/u/caf\xe9".to_vec()));
    assert!(message.contains("not UTF-8"), "{message}");
    assert!(message.contains("caf"), "names the path: {message}");
}

#[test]
fn hostile_sensitive_and_exception_paths_are_refused_too() {
    let mut plan = workspace();
    plan.sensitive[0].path = PathBuf::from("/Users/u/.ssh\n");
    assert!(nono::macos::profile(&plan).is_err());
    let mut plan = workspace();
    let etc = plan
        .rules
        .iter_mut()
        .find(|r| r.path == Path::new("/private/etc"));
    etc.unwrap().except = vec![PathBuf::from("/private/etc/\u{7}")];
    assert!(nono::macos::profile(&plan).is_err());
}

#[test]
fn aliases_of_private_directories_are_canonicalised() {
    let mut plan = workspace();
    for path in ["/tmp/a", "/var/b", "/etc/c", "/tmpfoo"] {
        plan.rules.push(grant(GrantFlag::Read, path));
    }
    let text = nono::macos::profile(&plan).unwrap();
    for expected in [
        "(subpath \"/private/tmp/a\")",
        "(subpath \"/private/var/b\")",
        "(subpath \"/private/etc/c\")",
        "(subpath \"/tmpfoo\")",
    ] {
        assert!(text.contains(expected), "{expected} missing");
    }
}

// ---------------------------------------------------------------------------------------------
// Structure

#[test]
fn every_rule_and_protected_path_appears_and_denies_follow_the_allows_they_override() {
    for (name, plan) in all_plans() {
        let forms = parse(&nono::macos::profile(&plan).unwrap());
        for rule in &plan.rules {
            let path = private(&rule.path);
            let allow = forms
                .iter()
                .find(|f| f.allow && f.filters.iter().any(|f| names(f, &path, rule.file)));
            let Some(allow) = allow else {
                panic!("{name}: no allow for rule {path}");
            };
            for except in &rule.except {
                let carved = Sexp::List(vec![
                    Sexp::Atom("require-not".into()),
                    Sexp::List(vec![
                        Sexp::Atom("subpath".into()),
                        Sexp::Str(private(except)),
                    ]),
                ]);
                let Sexp::List(all) = &allow.filters[0] else {
                    unreachable!()
                };
                assert!(
                    all.contains(&carved),
                    "{name}: {except:?} not carved out of {path}"
                );
            }
        }
        for entry in plan
            .sensitive
            .iter()
            .filter(|s| s.state != SensitiveState::Unprotected)
        {
            let path = private(&entry.path);
            let denies: Vec<usize> = (0..forms.len())
                .filter(|&i| {
                    !forms[i].allow && forms[i].filters.iter().any(|f| names(f, &path, false))
                })
                .collect();
            let writes = denies
                .iter()
                .filter(|&&i| forms[i].ops.iter().any(|o| o == "file-write*"));
            assert_eq!(writes.count(), 1, "{name}: one file deny for {path}");
            // Every allow that could reach the path (or beneath it) comes before every deny.
            for (i, form) in forms.iter().enumerate().filter(|(_, f)| f.allow) {
                if form.filters.is_empty() || form.filters.iter().any(|f| reaches(f, &path)) {
                    assert!(
                        denies.iter().all(|&d| d > i),
                        "{name}: {form:?} follows a deny of {path}"
                    );
                }
            }
        }
    }
}

/// Whether `filter` names `path` as its own (`subpath` or `literal`), also as the first part
/// of a `require-all` (a rule with exceptions) or inside a Unix-socket address.
fn names(filter: &Sexp, path: &str, file: bool) -> bool {
    let kind = if file { "literal" } else { "subpath" };
    let Sexp::List(items) = filter else {
        return false;
    };
    match head(items) {
        Some(k) if k == kind => matches!(items.get(1), Some(Sexp::Str(s)) if s == path),
        Some("require-all") => items.get(1).is_some_and(|f| names(f, path, file)),
        Some("remote" | "local") => items.get(2).is_some_and(|f| names(f, path, file)),
        _ => false,
    }
}

/// Whether a filter could match `path` or a path beneath it.
fn reaches(filter: &Sexp, path: &str) -> bool {
    match filter {
        Sexp::List(items) => match (head(items), items.get(1)) {
            (Some("subpath"), Some(Sexp::Str(s))) => within(path, s) || within(s, path),
            (Some("literal"), Some(Sexp::Str(s))) => within(s, path),
            (Some("require-all" | "require-any" | "remote" | "local"), _) => {
                items[1..].iter().any(|f| reaches(f, path))
            }
            _ => false,
        },
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------------
// The profile says what `why` says

/// Paths and operations asked of every plan; `~` is the fake home.
const QUESTIONS: &[&str] = &[
    "~/proj/src/main.rs",
    "~/proj",
    "~/docs/readme.md",
    "~/notes.txt",
    "~/.ssh/id_ed25519",
    "~/.ssh",
    "~/.sshx",
    "~/.aws/credentials",
    "~/.netrc",
    "~/.zshrc",
    "~/other/file",
    "/Users/v/secret",
    "/usr/bin/git",
    "/private/etc/hosts",
    "/private/etc/sudoers",
    "/private/etc/sudoers.d/x",
    "/private/etc/master.passwd",
    "/dev/null",
    TMPDIR,
    CAP_FILE,
    HOSTILE_DIR,
    HOSTILE_FILE,
    "/Users/u/spaced out/f",
];

#[test]
fn the_profile_allows_exactly_what_why_allows() {
    for (name, plan) in all_plans() {
        let forms = parse(&nono::macos::profile(&plan).unwrap());
        for question in QUESTIONS {
            for op in Op::ALL {
                let verdict = nono::explain(&plan, Path::new(question), op, Path::new("/"));
                let path = verdict.path.to_str().unwrap();
                let ops: &[&str] = match op {
                    Op::Read => &["file-read-data"],
                    Op::Write => &["file-write-data"],
                    Op::Exec => &["process-exec", "file-map-executable"],
                };
                let enforced = ops.iter().all(|o| allowed(&forms, o, path));
                assert_eq!(
                    enforced, verdict.allowed,
                    "{name}: {op} {path}: why says {} ({}), the profile says {enforced}",
                    verdict.allowed, verdict.reason
                );
            }
        }
    }
}

#[test]
fn unix_sockets_are_reachable_only_beneath_write_grants_and_never_in_hidden_paths() {
    for (name, plan) in [
        ("workspace", workspace()),
        ("allow_home", allow_home()),
        ("net_block", net_block()),
    ] {
        let forms = parse(&nono::macos::profile(&plan).unwrap());
        let connect = |path: &str| allowed(&forms, "network-outbound", path);
        assert!(connect("/Users/u/proj/.sock"), "{name}");
        assert!(connect(&format!("{TMPDIR}/s")), "{name}");
        assert!(!connect("/private/var/run/docker.sock"), "{name}");
        assert!(!connect("/Users/u/.ssh/agent.sock"), "{name}");
        assert!(!connect(CAP_FILE), "{name}: read-only rule");
    }
    let forms = parse(&nono::macos::profile(&allow_home()).unwrap());
    assert!(
        allowed(&forms, "network-outbound", "/Users/u/.aws/x.sock"),
        "unprotected"
    );
}

#[test]
fn the_network_section_follows_the_plan() {
    let open = nono::macos::profile(&workspace()).unwrap();
    assert!(open.contains("(allow network*)\n") && !open.contains("(deny network*)"));
    let blocked = nono::macos::profile(&net_block()).unwrap();
    assert!(blocked.contains("(deny network*)\n") && !blocked.contains("(allow network*)"));
    assert!(!blocked.contains("mDNSResponder"), "DNS is a way out");
}

/// The capability file is the plan as JSON. A plan that went through it answers `why`
/// exactly as the original does and yields the same profile, so `why` inside a macOS sandbox
/// answers as it does on Linux: nothing in the verdict depends on the backend.
#[test]
fn explain_is_backend_independent_through_the_capability_file() {
    for (name, plan) in all_plans() {
        let json = serde_json::to_string(&plan).unwrap();
        let back: Plan = serde_json::from_str(&json).unwrap();
        assert_eq!(
            nono::macos::profile(&back).unwrap(),
            nono::macos::profile(&plan).unwrap(),
            "{name}"
        );
        for question in QUESTIONS {
            for op in Op::ALL {
                let verdict = |p: &Plan| {
                    let v = nono::explain(p, Path::new(question), op, Path::new("/"));
                    serde_json::to_value(v).unwrap()
                };
                assert_eq!(verdict(&plan), verdict(&back), "{name}: {op} {question}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A small SBPL reader and evaluator: enough of the language to read what the generator writes.

#[derive(Clone, Debug, PartialEq)]
enum Sexp {
    List(Vec<Sexp>),
    Atom(String),
    Str(String),
    Regex,
}

/// One top-level `(allow ...)` or `(deny ...)`.
#[derive(Debug)]
struct Form {
    allow: bool,
    ops: Vec<String>,
    filters: Vec<Sexp>,
}

fn head(items: &[Sexp]) -> Option<&str> {
    match items.first() {
        Some(Sexp::Atom(a)) => Some(a),
        _ => None,
    }
}

fn parse(text: &str) -> Vec<Form> {
    let mut chars = text.chars().peekable();
    let mut forms = Vec::new();
    while let Some(sexp) = read(&mut chars) {
        let Sexp::List(items) = sexp else {
            panic!("stray atom at top level: {sexp:?}");
        };
        let allow = match head(&items) {
            Some("allow") => true,
            Some("deny") => false,
            Some("version") => continue,
            other => panic!("unexpected form {other:?}"),
        };
        let mut ops = Vec::new();
        let mut filters = Vec::new();
        for item in &items[1..] {
            match item {
                Sexp::Atom(op) if filters.is_empty() => ops.push(op.clone()),
                Sexp::List(_) => filters.push(item.clone()),
                other => panic!("unexpected {other:?} in {items:?}"),
            }
        }
        assert!(!ops.is_empty(), "a rule without operations: {items:?}");
        forms.push(Form {
            allow,
            ops,
            filters,
        });
    }
    forms
}

fn read(chars: &mut std::iter::Peekable<std::str::Chars>) -> Option<Sexp> {
    loop {
        match chars.peek()? {
            c if c.is_whitespace() => {
                chars.next();
            }
            ';' => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            _ => break,
        }
    }
    match chars.next()? {
        '(' => {
            let mut items = Vec::new();
            loop {
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
                if chars.peek() == Some(&')') {
                    chars.next();
                    return Some(Sexp::List(items));
                }
                items.push(read(chars).expect("unbalanced parentheses"));
            }
        }
        ')' => panic!("unbalanced parentheses"),
        '"' => Some(Sexp::Str(string(chars))),
        '#' => {
            assert_eq!(
                chars.next(),
                Some('"'),
                "only #\"regex\" literals are expected"
            );
            string(chars);
            Some(Sexp::Regex)
        }
        first => {
            let mut atom = String::from(first);
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || c == '(' || c == ')' {
                    break;
                }
                atom.push(c);
                chars.next();
            }
            Some(Sexp::Atom(atom))
        }
    }
}

fn string(chars: &mut std::iter::Peekable<std::str::Chars>) -> String {
    let mut out = String::new();
    loop {
        match chars.next().expect("unterminated string") {
            '"' => return out,
            '\\' => out.push(chars.next().expect("dangling escape")),
            c => {
                assert!(!c.is_control(), "control character in a string");
                out.push(c);
            }
        }
    }
}

/// Seatbelt's decision for `op` on `path`: the last matching rule wins, the default denies.
fn allowed(forms: &[Form], op: &str, path: &str) -> bool {
    let mut decision = false;
    for form in forms {
        let op_matches = form.ops.iter().any(|o| {
            o == op || o == "default" || o.strip_suffix('*').is_some_and(|p| op.starts_with(p))
        });
        if op_matches
            && (form.filters.is_empty() || form.filters.iter().any(|f| matches(f, op, path)))
        {
            decision = form.allow;
        }
    }
    decision
}

fn matches(filter: &Sexp, op: &str, path: &str) -> bool {
    let Sexp::List(items) = filter else {
        panic!("a filter must be a list: {filter:?}");
    };
    let text = |i: usize| match items.get(i) {
        Some(Sexp::Str(s)) => s.as_str(),
        other => panic!("expected a string, got {other:?}"),
    };
    let network = op.starts_with("network");
    match head(items) {
        Some("subpath") => !network && within(path, text(1)),
        Some("literal") => !network && path == text(1),
        Some("require-all") => items[1..].iter().all(|f| matches(f, op, path)),
        Some("require-any") => items[1..].iter().any(|f| matches(f, op, path)),
        Some("require-not") => !matches(&items[1], op, path),
        // A Unix-socket address filter: its path filters apply to the socket's path.
        Some("remote" | "local") => {
            network
                && matches!(items.get(1), Some(Sexp::Atom(a)) if a == "unix-socket")
                && (items.len() == 2 || items[2..].iter().any(|f| matches(f, "file", path)))
        }
        // Filters that never match a path: processes, services, sysctls, regexes on devices.
        _ => false,
    }
}

/// Component-wise prefix, as Seatbelt's `subpath` and nono's `is_within`.
fn within(path: &str, dir: &str) -> bool {
    Path::new(path).starts_with(dir)
}

/// A plan path as the profile writes it (`/tmp` -> `/private/tmp`).
fn private(path: &Path) -> String {
    let text = path.to_str().unwrap();
    for alias in ["/tmp", "/var", "/etc"] {
        if Path::new(text).starts_with(alias) {
            return format!("/private{text}");
        }
    }
    text.to_string()
}
