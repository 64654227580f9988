//! Files that appear whole or not at all: written to a temporary file beside the target,
//! synced, then renamed over it. A crash or a full disk leaves the old file (or none), never
//! half of a new one.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::{Error, Result};

/// Prefix of every temporary file riskreg writes; `db check` lists stale ones.
pub const TEMP_PREFIX: &str = ".riskreg-";

/// A temporary file younger than this is never taken for stale: it may be one that another
/// process has just created and not yet locked.
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(2);

/// A file being written atomically to `dest`.
pub struct AtomicFile {
    tmp: NamedTempFile,
    dest: PathBuf,
    force: bool,
}

impl AtomicFile {
    /// Starts writing `dest`. Without `force`, an existing `dest` is refused now (exit 73)
    /// and again at the final rename, so a file that appears meanwhile is never replaced.
    /// The new file is private (0600) until renamed; `purpose` names the temp file.
    pub fn create(dest: &Path, force: bool, purpose: &str) -> Result<AtomicFile> {
        if !force && dest.exists() {
            return Err(Error::OutputExists {
                path: dest.to_path_buf(),
            });
        }
        let dir = match dest.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !dir.is_dir() {
            return Err(Error::CannotCreate {
                path: dest.to_path_buf(),
                message: format!("directory {} does not exist", dir.display()),
            });
        }
        remove_stale_temp_files(&dir);
        let tmp = tempfile::Builder::new()
            .prefix(&format!("{TEMP_PREFIX}{purpose}-"))
            .tempfile_in(&dir)
            .map_err(|e| {
                Error::io(
                    format!("cannot create a temporary file in {}", dir.display()),
                    e,
                )
            })?;
        // Held until the file is renamed or dropped: a temporary file nobody holds is left
        // by a process that died, and the next export into this directory removes it.
        rustix::fs::flock(
            tmp.as_file(),
            rustix::fs::FlockOperation::NonBlockingLockExclusive,
        )
        .map_err(|e| {
            Error::io(
                format!("cannot lock a temporary file in {}", dir.display()),
                e.into(),
            )
        })?;
        Ok(AtomicFile {
            tmp,
            dest: dest.to_path_buf(),
            force,
        })
    }

    /// A buffered writer into the temporary file.
    pub fn writer(&mut self) -> BufWriter<&mut File> {
        BufWriter::with_capacity(256 * 1024, self.tmp.as_file_mut())
    }

    /// Where the temporary file is (for writers that need a path, such as `VACUUM INTO`).
    pub fn temp_path(&self) -> &Path {
        self.tmp.path()
    }

    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// Syncs the data, renames it into place and syncs the directory.
    pub fn commit(self) -> Result<()> {
        self.sync()?;
        self.persist()
    }

    /// Makes the written data durable; a full disk often shows only here.
    pub fn sync(&self) -> Result<()> {
        self.tmp
            .as_file()
            .sync_all()
            .map_err(|e| Error::io(format!("cannot write {}", self.dest.display()), e))
    }

    /// Renames the (synced) file into place and syncs the directory.
    pub fn persist(self) -> Result<()> {
        let dest = self.dest;
        let io = |e: std::io::Error| Error::io(format!("cannot write {}", dest.display()), e);
        let persisted = if self.force {
            self.tmp.persist(&dest)
        } else {
            self.tmp.persist_noclobber(&dest)
        };
        match persisted {
            Ok(_) => {}
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(Error::OutputExists { path: dest });
            }
            Err(e) => return Err(io(e.error)),
        }
        if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
            File::open(dir).and_then(|d| d.sync_all()).map_err(io)?;
        }
        Ok(())
    }
}

/// Temporary files of riskreg's own naming in `dir` that no live process holds: what a
/// killed export, split export or backup left behind.
pub fn stale_temp_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut stale = Vec::new();
    for entry in entries.flatten() {
        if !entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
            continue;
        }
        let path = entry.path();
        let old_enough = entry
            .metadata()
            .ok()
            .filter(std::fs::Metadata::is_file)
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age >= STALE_AFTER);
        if old_enough && !held_by_a_live_process(&path) {
            stale.push(path);
        }
    }
    stale.sort();
    stale
}

/// Whether another process holds the lock an [`AtomicFile`] takes on its temporary file.
fn held_by_a_live_process(path: &Path) -> bool {
    match File::open(path) {
        Ok(file) => {
            rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockShared).is_err()
        }
        Err(_) => true,
    }
}

/// Removes stale temporary files (see [`stale_temp_files`]); best effort, since the export
/// that calls it must not fail over someone else's leftovers.
fn remove_stale_temp_files(dir: &Path) {
    for path in stale_temp_files(dir) {
        let _ = std::fs::remove_file(path);
    }
}
