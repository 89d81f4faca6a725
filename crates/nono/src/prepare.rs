//! Files the plan relies on, created just before the sandbox is applied: nono's private state
//! directory, the run's temporary directory and the capability file.

use crate::error::{Error, Result};
use crate::paths::quote;
use crate::plan::Plan;
use std::fs;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// nono's per-user state directory, the parent of the plan's temporary directory.
pub fn state_dir(plan: &Plan) -> &Path {
    plan.tmpdir.parent().unwrap_or(Path::new("/"))
}

/// Creates the state directories and writes the capability file if it is not there yet.
pub fn prepare(plan: &Plan) -> Result<()> {
    let state = state_dir(plan);
    private_dir(state)?;
    for sub in ["tmp", "plans", "masks"] {
        private_dir(&state.join(sub))?;
    }
    if plan.cap_file.exists() {
        return Ok(()); // named by the plan's digest: same name, same content
    }
    let json = serde_json::to_vec_pretty(plan)
        .map_err(|e| Error::refused(format!("cannot encode the capability file: {e}")))?;
    let partial = plan
        .cap_file
        .with_extension(format!("{}.partial", std::process::id()));
    let written = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o444)
        .open(&partial)
        .and_then(|mut f| std::io::Write::write_all(&mut f, &json))
        .and_then(|_| fs::rename(&partial, &plan.cap_file));
    written.map_err(|e| {
        let _ = fs::remove_file(&partial);
        Error::refused(format!(
            "cannot write the capability file {}: {e}",
            quote(&plan.cap_file)
        ))
    })
}

/// Makes sure `dir` is a real directory owned by us and closed to everyone else: it may sit
/// in a shared `/tmp` where another user could have planted a symlink or an open directory.
fn private_dir(dir: &Path) -> Result<()> {
    match fs::DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => return Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(Error::refused(format!("cannot create {}: {e}", quote(dir)))),
    }
    let meta = fs::symlink_metadata(dir)
        .map_err(|e| Error::refused(format!("cannot inspect {}: {e}", quote(dir))))?;
    // SAFETY: getuid cannot fail.
    let uid = unsafe { libc::getuid() };
    if !meta.is_dir() || meta.uid() != uid || meta.permissions().mode() & 0o077 != 0 {
        return Err(Error::refused(format!(
            "{} is not a private directory owned by uid {uid}; remove it and try again",
            quote(dir)
        )));
    }
    Ok(())
}
