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
        let tmp = tempfile::Builder::new()
            .prefix(&format!("{TEMP_PREFIX}{purpose}-"))
            .tempfile_in(&dir)
            .map_err(|e| {
                Error::io(
                    format!("cannot create a temporary file in {}", dir.display()),
                    e,
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
        let dest = self.dest;
        let io = |e: std::io::Error| Error::io(format!("cannot write {}", dest.display()), e);
        self.tmp.as_file().sync_all().map_err(io)?;
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
