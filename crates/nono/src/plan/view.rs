//! The view: the file system a sandboxed program sees, described in the plan so that the
//! backend that builds it and `why`, which explains it, read the same facts.

use super::{Plan, Rule};
use crate::access::Op;
use crate::paths;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The sandbox's own file system: a new root that holds each rule's path, bound from the host
/// read-only or read-write as the rules grant (or a file system nono makes for the run, see
/// [`Mount`]), masks over the protected paths, and nothing else. A path no rule reaches does
/// not exist inside, so no system call can reach it, whatever Landlock checks or not.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct View {
    /// Directories where nono mounts an empty, read-only file system holding only what the
    /// plan puts beneath them: the root, and `/dev` (so that a grant of `/` does not bring
    /// the host's devices).
    #[serde(with = "crate::pathser::vec")]
    pub skeletons: Vec<PathBuf>,
    /// Symlinks made in the skeleton so that the paths given (`/bin/sh`, a grant through a
    /// symlinked directory) lead where they lead on the host.
    pub links: Vec<Link>,
    /// The working directory the program starts in; made empty in the skeleton when no rule
    /// holds it, so relative paths fail as they would without a grant.
    #[serde(with = "crate::pathser")]
    pub cwd: PathBuf,
    /// Directories and symlinks on the way to a protected path inside a writable grant, each
    /// bound onto itself: a mount point cannot be renamed, removed or replaced, so the
    /// protected name keeps leading where it did (`mv ~/.config ~/.config.old` fails, and so
    /// does `ln -sf elsewhere ~/.ssh` where `~/.ssh` links to a key store).
    #[serde(
        with = "crate::pathser::vec",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub pins: Vec<PathBuf>,
}

/// A symlink of the view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// Where the symlink is.
    #[serde(with = "crate::pathser")]
    pub path: PathBuf,
    /// What it contains, as on the host (`usr/bin`).
    #[serde(with = "crate::pathser")]
    pub target: PathBuf,
}

/// Where the view takes a rule's path from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Mount {
    /// The same path on the host, bound read-only unless the rules grant write.
    #[default]
    Host,
    /// Another path on the host: the program's terminal, bound at `/dev/console`.
    HostPath {
        /// The host path.
        #[serde(with = "crate::pathser")]
        source: PathBuf,
    },
    /// A new, empty tmpfs private to the run (`/tmp`, `/dev/shm`).
    Tmpfs,
    /// A `/proc` of the sandbox's own PID namespace: only its own processes.
    Proc,
    /// A new devpts instance: the terminals the program opens, none of the host's.
    Devpts,
    /// A file nono writes for the run (the capability file).
    Written,
}

impl Mount {
    /// Whether this is the default, [`Mount::Host`] (left out of the JSON form).
    pub fn is_host(&self) -> bool {
        *self == Mount::Host
    }
}

impl Plan {
    /// Whether `target` (canonical) exists in the sandbox's view: beneath a rule (from the
    /// host, or one of nono's own file systems), or on the way to one in the skeleton. Every
    /// path exists when the plan has no view (Landlock alone decides then). Asked from the
    /// host (`from_host`), a host file beneath one of the run's private file systems (`/tmp`)
    /// is not in the view; asked from inside, whatever is there is the program's own.
    pub fn in_view(&self, target: &Path, from_host: bool) -> bool {
        let Some(view) = &self.view else {
            return true;
        };
        let depth = |p: &Path| p.components().count();
        let holder = self
            .rules
            .iter()
            .filter(|r| r.reaches(target))
            .max_by_key(|r| depth(&r.path));
        // A private file system of the run hides what the host has at that path: the host's
        // files in /tmp, the host's terminals in /dev/pts.
        if let Some(rule) = holder {
            let private = matches!(rule.mount, Mount::Tmpfs | Mount::Devpts);
            if private
                && from_host
                && rule.path != target
                && std::fs::symlink_metadata(target).is_ok()
                && !self.on_the_way(view, target)
            {
                return false;
            }
        }
        let by_rule = holder.map(|r| depth(&r.path));
        let by_skeleton = view
            .skeletons
            .iter()
            .filter(|s| paths::is_within(target, s))
            .map(|s| depth(s))
            .max();
        match (by_rule, by_skeleton) {
            (Some(rule), Some(skeleton)) if rule >= skeleton => true,
            (Some(_), None) => true,
            _ => self.on_the_way(view, target),
        }
    }

    /// The rule whose mount holds `target` in the view, if that mount forbids `op`: a bind
    /// without write is read-only and one without exec is `noexec`, whatever Landlock allows
    /// (beneath the run's own `/tmp`, Landlock's rule for `/tmp` reaches a `--read` grant
    /// too, but its bind stays read-only).
    pub fn view_forbids(&self, target: &Path, op: Op) -> Option<&Rule> {
        self.view.as_ref()?;
        if op == Op::Read {
            return None;
        }
        let holder = self
            .rules
            .iter()
            .filter(|r| r.reaches(target))
            .max_by_key(|r| r.path.components().count())?;
        let rights = match holder.mount {
            Mount::Host | Mount::HostPath { .. } => self
                .rules
                .iter()
                .filter(|r| r.mount.is_host() && r.reaches(&holder.path))
                .fold(holder.access, |acc, r| acc.union(r.access)),
            _ => holder.access,
        };
        (!rights.allows(op)).then_some(holder)
    }

    /// Whether `target` is a directory the skeleton holds on the way to something: a rule's
    /// path, a link, a skeleton, or the working directory.
    fn on_the_way(&self, view: &View, target: &Path) -> bool {
        let leads = |p: &Path| paths::is_within(p, target);
        self.rules.iter().any(|r| leads(&r.path))
            || view.links.iter().any(|l| leads(&l.path))
            || view.skeletons.iter().any(|s| leads(s))
            || leads(&view.cwd)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Access;
    use crate::plan::{Layers, Network, Plan, SocketPolicy, Source, FORMAT_VERSION};

    fn rule(path: &str, mount: Mount) -> Rule {
        Rule {
            path: path.into(),
            access: Access::READ,
            file: false,
            source: Source::Baseline { what: "t".into() },
            except: Vec::new(),
            mount,
        }
    }

    fn plan(rules: Vec<Rule>) -> Plan {
        Plan {
            format: FORMAT_VERSION,
            home: "/home/u".into(),
            rules,
            sensitive: Vec::new(),
            network: Network {
                blocked: false,
                sockets: SocketPolicy::Any,
                filter: None,
                published: Vec::new(),
            },
            env: Vec::new(),
            tmpdir: "/tmp".into(),
            keep_fds: Vec::new(),
            cap_file: "/dev/nono/plan.json".into(),
            create: Vec::new(),
            guards: Vec::new(),
            view: Some(View {
                skeletons: vec!["/".into(), "/dev".into()],
                links: vec![Link {
                    path: "/bin".into(),
                    target: "usr/bin".into(),
                }],
                cwd: "/home/u/elsewhere".into(),
                pins: Vec::new(),
            }),
            layers: Layers::default(),
        }
    }

    impl Plan {
        fn in_view_here(&self, path: &Path) -> bool {
            self.in_view(path, true)
        }
    }

    #[test]
    fn only_the_plan_is_in_the_view() {
        let p = plan(vec![
            rule("/", Mount::Host),
            rule("/usr", Mount::Host),
            rule("/dev/null", Mount::Host),
            rule("/home/u/proj", Mount::Host),
        ]);
        // A grant of / does not bring the host's devices: /dev is a skeleton.
        assert!(p.in_view_here(Path::new("/etc/passwd")));
        assert!(!p.in_view_here(Path::new("/dev/sda")));
        assert!(p.in_view_here(Path::new("/dev/null")));
        assert!(p.in_view_here(Path::new("/dev")));
        let p = plan(vec![
            rule("/usr", Mount::Host),
            rule("/home/u/proj", Mount::Host),
        ]);
        assert!(!p.in_view_here(Path::new("/etc/passwd")));
        assert!(p.in_view_here(Path::new("/home")), "on the way to a rule");
        assert!(
            p.in_view_here(Path::new("/home/u/elsewhere")),
            "the working directory"
        );
        assert!(!p.in_view_here(Path::new("/home/u/other")));
        assert!(p.in_view_here(Path::new("/bin")), "a link");
        assert!(p.in_view_here(Path::new("/home/u/proj/x/y")));
    }
}
