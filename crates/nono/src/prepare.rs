//! The run's own files, made just before the sandbox is applied: the capability file (the
//! plan as JSON) and, for a run without a view, the directory that holds it beside the run's
//! temporary directory.
//!
//! Nothing here is ever read back as a decision: a run with a view keeps both in memory file
//! systems of its own; a run without one makes a directory with a fresh random name, created
//! exclusively, owned by the user and private, so no earlier run (sandboxed programs could
//! write there) can have planted anything in it.

use crate::error::{Error, Result};
use crate::paths::quote;
use crate::plan::Plan;
use std::fs;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::Path;

/// The start of a run directory's name: `nono-UID-PID-RANDOM`.
pub const RUN_DIR_PREFIX: &str = "nono-";

/// Makes the granted paths the plan creates (see [`crate::plan::Create`]); returns a line
/// for each, to tell the user. The directories on the way are made as `mkdir -p` would.
pub fn create(plan: &Plan) -> Result<Vec<String>> {
    let mut made = Vec::new();
    for c in &plan.create {
        let failed =
            |e: std::io::Error| Error::refused(format!("cannot create {}: {e}", quote(&c.path)));
        if let Some(parent) = c.path.parent() {
            fs::create_dir_all(parent).map_err(failed)?;
        }
        let result = if c.dir {
            fs::DirBuilder::new().mode(c.mode).create(&c.path)
        } else {
            fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(c.mode)
                .custom_flags(libc::O_NOFOLLOW)
                .open(&c.path)
                .map(drop)
        };
        result.map_err(failed)?;
        made.push(format!(
            "created {} ({}, mode {:o})",
            crate::paths::display(&c.path, &plan.home),
            if c.dir { "directory" } else { "empty file" },
            c.mode & !current_umask()
        ));
    }
    Ok(made)
}

/// The process's umask (read by setting it and setting it back).
fn current_umask() -> u32 {
    let old = rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o022));
    rustix::process::umask(old);
    old.bits()
}

/// The capability file's content; for a run without a view, also makes the run's directory,
/// its temporary directory and the capability file on disk.
pub fn prepare(plan: &Plan) -> Result<Vec<u8>> {
    let json = serde_json::to_vec_pretty(plan)
        .map_err(|e| Error::refused(format!("cannot encode the capability file: {e}")))?;
    if plan.view.is_some() {
        return Ok(json);
    }
    let Some(run) = plan.tmpdir.parent() else {
        return Err(Error::refused(
            "the plan's temporary directory has no parent",
        ));
    };
    if let Some(base) = run.parent() {
        sweep(base);
    }
    for dir in [run, plan.tmpdir.as_path()] {
        fs::DirBuilder::new()
            .mode(0o700)
            .create(dir)
            .map_err(|e| Error::refused(format!("cannot create {}: {e}", quote(dir))))?;
    }
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o444)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&plan.cap_file)
        .and_then(|mut f| std::io::Write::write_all(&mut f, &json))
        .map_err(|e| {
            Error::refused(format!(
                "cannot write the capability file {}: {e}",
                quote(&plan.cap_file)
            ))
        })?;
    Ok(json)
}

/// Removes the run directories of this user's earlier runs without a view whose process has
/// ended (a run without a view execs the program in place, so none is left to clean up after
/// it). Symlinks are never followed.
fn sweep(base: &Path) {
    let uid = rustix::process::getuid().as_raw();
    let mine = format!("{RUN_DIR_PREFIX}{uid}-");
    let Ok(entries) = fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(&mine)) else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<i32>().ok()) else {
            continue;
        };
        let owned = entry.metadata().is_ok_and(|m| m.is_dir() && m.uid() == uid);
        // SAFETY: signal 0 only asks whether the process exists.
        let ended = unsafe { libc::kill(pid, 0) } != 0
            && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH);
        if owned && ended {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}
