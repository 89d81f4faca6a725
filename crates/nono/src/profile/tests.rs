//! Unit tests of the profile format: built-ins, `extends`, positions, the schema.

use super::*;
use crate::plan::GrantFlag;
use crate::policy::Policy;
use std::path::{Path, PathBuf};

/// A scratch directory with a home, a project and a user profile directory.
struct Scratch {
    root: PathBuf,
    at: Locations,
}

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let root = std::env::temp_dir().join(format!("nono-profile-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let home = root.join("home");
        let cwd = home.join("project");
        std::fs::create_dir_all(&cwd).unwrap();
        let at = Locations::new(home, cwd, None);
        std::fs::create_dir_all(&at.user_dir).unwrap();
        Scratch { root, at }
    }

    fn user(&self, name: &str, text: &str) -> PathBuf {
        let path = self.at.user_dir.join(format!("{name}.toml"));
        std::fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn err(result: crate::Result<Profile>) -> String {
    result.unwrap_err().message
}

#[test]
fn every_built_in_loads_and_round_trips_through_show() {
    let s = Scratch::new("builtins");
    for b in BUILT_IN {
        let profile = load(b.name, &s.at).unwrap();
        assert!(
            profile.description.is_some(),
            "{} has no description",
            b.name
        );
        assert_eq!(profile.chain, vec![Location::BuiltIn(b.name)]);
        let path = s.user("shown", &profile.to_toml());
        let again = load_file(&path, &s.at).unwrap();
        let strip = |p: &Profile| {
            let grants: Vec<_> = p.grants.iter().map(|g| g.value.clone()).collect();
            let env: Vec<_> = p.env_allow.iter().map(|e| e.value.clone()).collect();
            (grants, env, p.net_block.as_ref().map(|b| b.value))
        };
        assert_eq!(strip(&profile), strip(&again), "{}", b.name);
        to_policy(&profile, &Policy::default(), &s.at.home, &s.at.cwd).unwrap();
    }
}

#[test]
fn each_agent_grants_the_project_and_its_own_state_only() {
    let state: &[(&str, &[&str])] = &[
        ("claude-code", &["~/.claude"]),
        ("codex", &["~/.codex"]),
        ("gemini-cli", &["~/.gemini"]),
        (
            "opencode",
            &["~/.config/opencode", "~/.local/share/opencode"],
        ),
        ("aider", &["~/.aider"]),
        ("goose", &["~/.config/goose", "~/.local/share/goose"]),
    ];
    let s = Scratch::new("agents");
    for (agent, own) in state {
        let profile = load(agent, &s.at).unwrap();
        let writable: Vec<&Path> = profile
            .grants
            .iter()
            .filter(|g| matches!(g.value.flag, GrantFlag::Allow | GrantFlag::AllowFile))
            .map(|g| g.value.path.as_path())
            .collect();
        assert!(writable.contains(&Path::new(".")), "{agent}");
        for path in *own {
            assert!(writable.contains(&Path::new(path)), "{agent}: {path}");
        }
        for (other, theirs) in state.iter().filter(|(o, _)| o != agent) {
            for path in *theirs {
                let leaks = profile.grants.iter().any(|g| {
                    Path::new(path).starts_with(&g.value.path) && g.value.path != Path::new(".")
                });
                assert!(!leaks, "{agent} grants {other}'s {path}");
            }
        }
    }
}

#[test]
fn extends_adds_lists_and_the_nearest_scalar_wins() {
    let s = Scratch::new("extends");
    s.user(
        "base",
        "[filesystem]\nread = [\"/usr\"]\n[network]\nblock = true\n[env]\nset = { A = \"1\", B = \"1\" }\n",
    );
    s.user(
        "child",
        "extends = \"base\"\ndescription = \"c\"\n[filesystem]\nread = [\"/usr\", \"/etc\"]\n[network]\nblock = false\n[env]\nset = { B = \"2\" }\n",
    );
    let p = load("child", &s.at).unwrap();
    let reads: Vec<_> = p.grants.iter().map(|g| g.value.path.clone()).collect();
    assert_eq!(reads, vec![PathBuf::from("/usr"), PathBuf::from("/etc")]);
    assert_eq!(p.net_block.as_ref().map(|b| b.value), Some(false));
    let set: Vec<_> = p.env_set.iter().map(|e| e.value.clone()).collect();
    assert_eq!(
        set,
        vec![("A".into(), "1".into()), ("B".into(), "2".into())]
    );
    assert_eq!(p.chain.len(), 2);
    let notice = p.notices.iter().map(|n| n.to_string()).collect::<Vec<_>>();
    assert_eq!(notice.len(), 1, "{notice:?}");
    assert!(
        notice[0].starts_with("profile child: ")
            && notice[0].contains(
                "child.toml:6:9: network.block = false lifts the network block of profile base"
            ),
        "{notice:?}"
    );
}

#[test]
fn flags_add_to_the_profile() {
    let s = Scratch::new("flags");
    let p = load("rust", &s.at).unwrap();
    let flags = Policy {
        grants: vec![crate::Grant::new(GrantFlag::Read, "/etc")],
        net_block: true,
        env_set: vec![("X".into(), "1".into())],
        allow_degraded: true,
        ..Policy::default()
    };
    let policy = to_policy(&p, &flags, &s.at.home, &s.at.cwd).unwrap();
    assert_eq!(
        policy.grants.first().map(|g| g.path.as_path()),
        Some(Path::new("."))
    );
    assert_eq!(
        policy.grants.last().map(|g| g.path.as_path()),
        Some(Path::new("/etc"))
    );
    assert!(policy.net_block && policy.allow_degraded);
    assert_eq!(policy.env_set, vec![("X".to_string(), "1".to_string())]);
}

#[test]
fn errors_point_at_file_line_and_column() {
    let s = Scratch::new("errors");
    let cases: &[(&str, &str)] = &[
        ("descriptin = \"x\"\n", ":1:1: unknown field `descriptin`"),
        (
            "[filesystem]\nallow = \".\"\n",
            ":2:9: invalid type: string \".\", expected a sequence",
        ),
        (
            "[filesystem]\nread = [{ path = \"/x\", optinal = true }]\n",
            ":2:24: unknown field `optinal`",
        ),
        (
            "[network]\nblock = \"yes\"\n",
            ":2:9: invalid type: string \"yes\", expected a boolean",
        ),
        (
            "allow_degraded = true\n",
            ":1:18: allow_degraded is not allowed in a profile",
        ),
        ("[filesystem]\nallow = [\"\"]\n", ":2:10: empty path"),
        (
            "[env]\nset = { NONO_SANDBOX = \"0\" }\n",
            ":2:9: env.set NONO_SANDBOX: nono sets this variable itself",
        ),
        (
            "[env]\nallow = [\"A=B\"]\n",
            ":2:10: \"A=B\" is not a valid environment variable name",
        ),
        (
            "extends = \"no-such\"\n",
            ":1:11: extends no-such: no built-in or user profile has this name",
        ),
        (
            "[filesystem]\nread = [\"/no/such/dir\"]\n",
            ":2:9: filesystem.read /no/such/dir: no such file or directory",
        ),
        (
            "[filesystem]\nallow_file = [\".\"]\n",
            ":2:15: filesystem.allow_file .: is a directory (use allow)",
        ),
        (
            "[filesystem]\nunprotect = [\"~/nothing\"]\n",
            ":2:14: filesystem.unprotect ~/nothing: no such file",
        ),
        ("x = [\n", ":1:6: unclosed array"),
    ];
    for (text, expected) in cases {
        let path = s.user("bad", text);
        let message = match load("bad", &s.at) {
            Err(e) => e.message,
            Ok(p) => {
                to_policy(&p, &Policy::default(), &s.at.home, &s.at.cwd)
                    .unwrap_err()
                    .message
            }
        };
        let want = format!("{}{expected}", path.display());
        assert!(
            message.starts_with(&want),
            "{text:?}:\n got {message}\nwant {want}"
        );
    }
}

#[test]
fn cycles_missing_parents_and_shadowed_built_ins_are_refused() {
    let s = Scratch::new("cycles");
    let a = s.user("a", "extends = \"b\"\n");
    s.user("b", "\n[network]\nblock = true\nextends = \"a\"\n");
    // `extends` after a table belongs to the table: an unknown key there.
    assert!(err(load("a", &s.at)).contains("unknown field `extends`"));
    s.user("b", "extends = \"a\"\n");
    assert_eq!(
        err(load("a", &s.at)),
        format!(
            "{}:1:11: extends a: a cycle (a -> b -> a)",
            s.at.user_dir.join("b.toml").display()
        )
    );
    let _ = a;
    s.user("self", "extends = \"./self.toml\"\n");
    assert!(
        err(load("self", &s.at)).contains("a cycle"),
        "{}",
        err(load("self", &s.at))
    );
    s.user("rust", "");
    let message = err(load("rust", &s.at));
    assert!(
        message.starts_with("--profile rust: the user profile ")
            && message.contains("built-in names are reserved"),
        "{message}"
    );
    assert!(err(load("nope", &s.at)).starts_with("--profile nope: no built-in or user profile"));
    assert!(err(load("./nope.toml", &s.at)).starts_with("--profile ./nope.toml: no such file"));
    assert!(err(load("/dev/null/x.toml", &s.at)).contains("--profile /dev/null/x.toml"));
    assert!(err(load("/dev/zero.toml", &s.at)).contains("no such file"));
}

#[test]
fn relative_extends_paths_resolve_against_the_extending_file() {
    let s = Scratch::new("relative");
    let dir = s.root.join("shared");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("sub/base.toml"), "[network]\nblock = true\n").unwrap();
    std::fs::write(dir.join("top.toml"), "extends = \"sub/base.toml\"\n").unwrap();
    let p = load_file(&dir.join("top.toml"), &s.at).unwrap();
    assert_eq!(p.net_block.map(|b| b.value), Some(true));
    assert_eq!(
        p.chain,
        vec![
            Location::File(dir.join("top.toml")),
            Location::File(dir.join("sub/base.toml"))
        ]
    );
}

#[test]
fn lifted_protections_are_noticed_with_their_place() {
    let s = Scratch::new("notices");
    std::fs::create_dir_all(s.at.home.join(".aws")).unwrap();
    s.user(
        "lift",
        "[filesystem]\nunprotect = [\"~/.aws\"]\n[env]\nallow = [\"GITHUB_TOKEN\", \"PATH\"]\nset = { LD_PRELOAD = \"/x.so\", EDITOR = \"vi\" }\n",
    );
    let p = load("lift", &s.at).unwrap();
    let file = s.at.user_dir.join("lift.toml");
    let lines: Vec<String> = p.notices.iter().map(|n| n.to_string()).collect();
    assert_eq!(
        lines,
        vec![
            format!("profile lift: {}:2:14: filesystem.unprotect ~/.aws: lifts the protection of a sensitive path (shown as UNPROTECTED in the plan)", file.display()),
            format!("profile lift: {}:4:10: env.allow GITHUB_TOKEN: keeps a variable the environment table removes (secret)", file.display()),
            format!("profile lift: {}:5:9: env.set LD_PRELOAD: sets a variable the environment table removes (code-injection)", file.display()),
        ]
    );
    let claude = load("claude-code", &s.at).unwrap();
    assert!(claude.notices[0]
        .to_string()
        .starts_with("profile claude-code: <built-in>/claude-code.toml:"));
}

#[test]
fn the_json_schema_names_exactly_the_keys_the_parser_accepts() {
    let schema = json_schema();
    let props = &schema["properties"];
    let mut doc = String::new();
    for key in ["extends", "description"] {
        assert!(props[key].is_object(), "{key}");
    }
    doc.push_str("description = \"d\"\n");
    for section in ["filesystem", "network", "env"] {
        let keys = props[section]["properties"].as_object().unwrap();
        doc.push_str(&format!("[{section}]\n"));
        for (key, spec) in keys {
            let value = match spec["type"].as_str() {
                Some("boolean") => "true".to_string(),
                Some("object") => "{ A = \"1\" }".to_string(),
                _ if spec["items"]["$ref"].is_string() => {
                    "[\"/\", { path = \"/x\", optional = true }]".into()
                }
                _ if spec["items"]["type"] == "object" => {
                    "[{ path = \"/x/y\", from = \"/z\" }]".into()
                }
                _ if key.ends_with("_cidrs") => "[\"10.0.0.0/8\"]".to_string(),
                _ if key.ends_with("_domains") => "[\"example.org\"]".to_string(),
                _ => "[\"/\"]".to_string(),
            };
            doc.push_str(&format!("{key} = {value}\n"));
        }
    }
    let total: usize = ["filesystem", "network", "env"]
        .iter()
        .map(|s| props[*s]["properties"].as_object().unwrap().len())
        .sum();
    assert_eq!(props.as_object().unwrap().len(), 5);
    assert_eq!(total, 9 + 4 + 2);
    let s = Scratch::new("schema");
    s.user("all", &doc);
    load("all", &s.at).unwrap_or_else(|e| panic!("{doc}\n{}", e.message));
}

#[test]
fn the_user_directory_follows_xdg() {
    let home = Path::new("/h");
    assert_eq!(user_dir(home, None), Path::new("/h/.config/nono/profiles"));
    assert_eq!(
        user_dir(home, Some("/x".as_ref())),
        Path::new("/x/nono/profiles")
    );
    assert_eq!(
        user_dir(home, Some("relative".as_ref())),
        Path::new("/h/.config/nono/profiles")
    );
    assert!(is_path("a/b") && is_path("x.toml") && !is_path("rust"));
    assert!(is_valid_name("my-profile_2.1") && !is_valid_name(".hidden") && !is_valid_name("a b"));
}
