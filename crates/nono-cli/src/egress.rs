//! Filtered mode in `nono run`: nono's egress proxy on a thread of the supervisor, nono
//! outside the sandbox. The Linux backend makes its listening sockets inside the sandbox's
//! network namespace and hands them over; the proxy accepts there and dials from the host's.
//!
//! A thread rather than a forked child: the supervisor's main thread keeps passing on signals
//! and reporting the exit status exactly as without a proxy, the summary needs no channel
//! back, and there is no second process to reap. The thread inherits the supervisor's
//! blocked signals, so every signal still reaches the supervision loop. A run that does not
//! filter never builds one: no runtime, no thread.

use nono::plan::Filter;
use nono::{Error, Plan, Result};
use nono_proxy::{Config, Resolver, Stop, Summary};
use std::fs::File;
use std::os::fd::OwnedFd;
use std::path::Path;
use std::thread::JoinHandle;

/// The proxy of one run, configured and, once started, running.
pub struct Proxy {
    config: Option<Config>,
    running: Option<(Stop, JoinHandle<Option<Summary>>)>,
}

impl Proxy {
    /// The proxy for `plan`'s filtered network, or `None` when the network is not filtered.
    /// `net_log` is opened now, so that a log nono cannot write stops the run before
    /// anything starts.
    pub fn for_plan(plan: &Plan, net_log: Option<&Path>) -> Result<Option<Proxy>> {
        let Some(filter) = &plan.network.filter else {
            return match net_log {
                Some(_) => Err(not_filtered()),
                None => Ok(None),
            };
        };
        let mut config = Config::new(filter.rules.clone());
        config.resolver = resolver(filter);
        if let Some(path) = net_log {
            config.log = Some(Box::new(open_log(path, &plan.keep_fds)?));
        }
        Ok(Some(Proxy {
            config: Some(config),
            running: None,
        }))
    }
}

/// `--net-log` where nothing is filtered.
pub fn not_filtered() -> Error {
    Error::refused(
        "--net-log: the network is not filtered (nono's proxy logs what --allow-domain, --deny-domain and --allow-cidr decide)",
    )
}

/// The system resolver, or the testing table of the plan.
fn resolver(filter: &Filter) -> Resolver {
    if filter.testing_resolve.is_empty() {
        return Resolver::System;
    }
    Resolver::fixed(
        filter
            .testing_resolve
            .iter()
            .map(|t| (t.name.as_str(), vec![t.address])),
    )
}

/// Opens (or creates, mode 600) the JSON log and empties it. nono writes it from outside the
/// sandbox, so it refuses what an earlier sandboxed run could have planted at the name to
/// turn nono's writing against another file: a symlink, a hard link, anything but a regular
/// file.
fn open_log(path: &Path, keep_fds: &[i32]) -> Result<File> {
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    let fail = |why: String| Error::refused(format!("--net-log {}: {why}", nono::quote_path(path)));
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .mode(0o600)
        // O_NONBLOCK: a FIFO planted at the name cannot hold nono at open.
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            Some(libc::ELOOP) => fail("is a symlink".into()),
            _ => fail(e.to_string()),
        })?;
    let meta = file.metadata().map_err(|e| fail(e.to_string()))?;
    if !meta.is_file() {
        return Err(fail("not a regular file".into()));
    }
    if meta.nlink() > 1 {
        return Err(fail(format!(
            "has {} hard links; nono writes only a file of its own",
            meta.nlink()
        )));
    }
    file.set_len(0).map_err(|e| fail(e.to_string()))?;
    // A descriptor number the program is promised (--keep-fd) must not be the log's.
    let mut fd = std::os::fd::OwnedFd::from(file);
    nono::exec::off_kept_numbers(&mut fd, keep_fds).map_err(|e| fail(e.to_string()))?;
    Ok(File::from(fd))
}

#[cfg(target_os = "linux")]
impl nono::linux::EgressProxy for Proxy {
    fn start(&mut self, listeners: Vec<OwnedFd>) {
        let Some(config) = self.config.take() else {
            return;
        };
        let listeners = listeners
            .into_iter()
            .map(std::net::TcpListener::from)
            .collect();
        let stop = Stop::new();
        let handle = std::thread::Builder::new()
            .name("nono-proxy".into())
            .spawn({
                let stop = stop.clone();
                move || match nono_proxy::Proxy::new(config).serve(listeners, stop) {
                    Ok(summary) => Some(summary),
                    // Its listening sockets are closed: the program's connections are refused.
                    Err(e) => {
                        eprintln!("nono: {e}; the program cannot reach the network");
                        None
                    }
                }
            });
        match handle {
            Ok(handle) => self.running = Some((stop, handle)),
            Err(e) => eprintln!(
                "nono: cannot start the egress proxy: {e}; the program cannot reach the network"
            ),
        }
    }

    fn stop(&mut self) {
        let Some((stop, handle)) = self.running.take() else {
            return;
        };
        stop.stop();
        if let Ok(Some(summary)) = handle.join() {
            report(&summary);
        }
    }
}

/// The line at exit, when the program asked the proxy anything, and a log that failed.
fn report(summary: &Summary) {
    let decisions = summary.allowed + summary.denied + summary.failed + summary.malformed;
    if decisions > 0 {
        eprintln!("nono: {}", summary.line());
    }
    if let Some(e) = &summary.log_error {
        eprintln!("nono: {e}");
    }
}
