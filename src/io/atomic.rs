//! Files that appear whole or not at all: written to a temporary file beside the target,
//! synced, then renamed over it. A crash or a full disk leaves the old file (or none), never
//! half of a new one.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{SyncSender, sync_channel};
use std::thread::JoinHandle;

use tempfile::NamedTempFile;

use crate::error::{Error, Result};

/// Prefix of every temporary file riskreg writes; `db check` lists stale ones.
pub const TEMP_PREFIX: &str = ".riskreg-";

/// A temporary file younger than this is never taken for stale: it may be one that another
/// process has just created and not yet locked.
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(2);

/// Data written since the last early sync after which the next one starts (see
/// [`EarlySync`]).
const SYNC_EVERY: u64 = 8 << 20;

/// A file being written atomically to `dest`.
pub struct AtomicFile {
    tmp: NamedTempFile,
    dest: PathBuf,
    force: bool,
    early: EarlySync,
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
            early: EarlySync::default(),
        })
    }

    /// A buffered writer into the temporary file.
    pub fn writer(&mut self) -> BufWriter<Tail<'_>> {
        BufWriter::with_capacity(
            256 * 1024,
            Tail {
                file: self.tmp.as_file_mut(),
                early: &mut self.early,
            },
        )
    }

    /// Where the temporary file is (for writers that need a path, such as `VACUUM INTO`).
    pub fn temp_path(&self) -> &Path {
        self.tmp.path()
    }

    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// Syncs the data, renames it into place and syncs the directory.
    pub fn commit(mut self) -> Result<()> {
        self.sync()?;
        self.persist()
    }

    /// Makes the written data durable; a full disk often shows only here.
    pub fn sync(&mut self) -> Result<()> {
        self.early
            .finish()
            .and_then(|()| self.tmp.as_file().sync_all())
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

/// The temporary file as its writer sees it: what is written counts towards the next early
/// sync.
pub struct Tail<'a> {
    file: &'a mut File,
    early: &'a mut EarlySync,
}

impl Write for Tail<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.early.wrote(n, self.file);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// Has the disk take a large file's data while more of it is written: after every
/// [`SYNC_EVERY`] bytes a thread of its own syncs what is there, so the final sync waits for
/// the tail alone instead of the whole file (a 58 MB export spent 150 ms in it). An error of
/// such a sync is kept for the final one to report: the kernel reports it only once.
#[derive(Default)]
struct EarlySync {
    unsynced: u64,
    worker: Option<(SyncSender<()>, JoinHandle<std::io::Result<()>>)>,
}

impl EarlySync {
    fn wrote(&mut self, n: usize, file: &File) {
        self.unsynced += n as u64;
        if self.unsynced < SYNC_EVERY {
            return;
        }
        self.unsynced = 0;
        if self.worker.is_none() {
            // Without a second handle or a thread, the final sync does it all, as it always
            // could.
            let Ok(handle) = file.try_clone() else {
                return;
            };
            let (wake, woken) = sync_channel::<()>(1);
            let spawned = std::thread::Builder::new()
                .name("sync".into())
                .spawn(move || {
                    for () in woken {
                        handle.sync_data()?;
                    }
                    Ok(())
                });
            let Ok(worker) = spawned else {
                return;
            };
            self.worker = Some((wake, worker));
        }
        if let Some((wake, _)) = &self.worker {
            // Full: a sync is already due, and it will take this data too.
            let _ = wake.try_send(());
        }
    }

    /// Waits for the syncs under way; the first error one met.
    fn finish(&mut self) -> std::io::Result<()> {
        let Some((wake, worker)) = self.worker.take() else {
            return Ok(());
        };
        drop(wake);
        worker
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the thread syncing the file stopped")))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_larger_than_the_early_sync_steps_arrives_whole() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| Error::io("tempdir", e))?;
        let dest = dir.path().join("big.csv");
        let mut file = AtomicFile::create(&dest, false, "test")?;
        let line = b"0123456789abcdef".repeat(64);
        let lines = usize::try_from(3 * SYNC_EVERY).unwrap_or(usize::MAX) / line.len() + 7;
        {
            let mut out = file.writer();
            for _ in 0..lines {
                out.write_all(&line).map_err(|e| Error::io("write", e))?;
            }
            out.flush().map_err(|e| Error::io("flush", e))?;
        }
        assert!(file.early.worker.is_some(), "a sync started while writing");
        file.commit()?;
        let back = std::fs::read(&dest).map_err(|e| Error::io("read", e))?;
        assert_eq!(back.len(), lines * line.len());
        assert!(back.chunks(line.len()).all(|c| c == line.as_slice()));
        Ok(())
    }
}
