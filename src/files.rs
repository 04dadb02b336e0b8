//! Files in and out, safely.
//!
//! Inputs are read only when they are regular files of a sane size: a
//! rules path that names `/dev/zero` or a FIFO is refused instead of read
//! until memory runs out. Outputs are written through a randomly named,
//! exclusively created temporary file in the target's folder and renamed
//! over the target, so a reader never sees half a file; the target must
//! not be one of the inputs (however its path is spelled: the same file
//! is the same device and inode), nor a device, FIFO, folder or symbolic
//! link; a file replaced keeps its permissions; the temporary file is
//! removed when the write fails and when the run is interrupted (Ctrl-C,
//! `kill`).

use std::fs::{File, Metadata, Permissions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};

/// The largest rules file read (the largest real one is about 25 KB).
pub const MAX_RULES_BYTES: u64 = 16 << 20;
/// The largest data file read (the whole country's members are 0.6 GB).
pub const MAX_DATA_BYTES: u64 = 8 << 30;

/// Why an input could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{path}: not a regular file but {kind}")]
    NotRegular { path: PathBuf, kind: &'static str },
    #[error("{path}: the file is larger than {limit} bytes, more than a {what} can be")]
    TooLarge {
        path: PathBuf,
        limit: u64,
        what: &'static str,
    },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl ReadError {
    /// The reason alone, without the path (for messages that name it).
    pub fn reason(&self) -> String {
        match self {
            ReadError::NotRegular { kind, .. } => format!("not a regular file but {kind}"),
            ReadError::TooLarge { limit, what, .. } => {
                format!("larger than {limit} bytes, more than a {what} can be")
            }
            ReadError::Io { source, .. } => source.to_string(),
        }
    }
}

/// What kind of file system object the metadata describes, in words.
fn kind_of(meta: &Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a folder";
    }
    if t.is_symlink() {
        return "a symbolic link";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

/// Reads a regular file of at most `limit` bytes; `what` names it in the
/// message ("rules file", "data file").
pub fn read_regular(path: &Path, limit: u64, what: &'static str) -> Result<Vec<u8>, ReadError> {
    let io = |source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    };
    // Looked at before opening: opening a FIFO would wait for a writer.
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular {
            path: path.to_path_buf(),
            kind: kind_of(&meta),
        });
    }
    let too_large = || ReadError::TooLarge {
        path: path.to_path_buf(),
        limit,
        what,
    };
    if meta.len() > limit {
        return Err(too_large());
    }
    let file = File::open(path).map_err(io)?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // A file that grows while it is read stops at the limit all the same.
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Why an output was not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("refusing to write {0}: it is one of the inputs")]
    IsInput(PathBuf),
    #[error("refusing to write {path}: it is {kind}, not a regular file")]
    NotRegular { path: PathBuf, kind: &'static str },
    #[error("cannot write {path}: there is no folder {dir}")]
    NoFolder { path: PathBuf, dir: PathBuf },
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Whether two paths name the same file (device and inode on Unix, so
/// `./a`, `x/../a` and a hard link are all caught).
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return x.dev() == y.dev() && x.ino() == y.ino();
        }
    }
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Checks a target path; returns the permissions of the file it replaces.
fn check_target(path: &Path, inputs: &[PathBuf]) -> Result<Option<Permissions>, WriteError> {
    if inputs.iter().any(|i| same_file(i, path)) {
        return Err(WriteError::IsInput(path.to_path_buf()));
    }
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_file() => Ok(Some(meta.permissions())),
        Ok(meta) => Err(WriteError::NotRegular {
            path: path.to_path_buf(),
            kind: kind_of(&meta),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(WriteError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// An output being written: a temporary file that becomes `target` on
/// [`AtomicFile::commit`], or disappears if dropped first.
pub struct AtomicFile {
    target: PathBuf,
    /// Taken by `commit`; dropped (and so removed) otherwise.
    temp: Option<tempfile::NamedTempFile>,
    keep_permissions: Option<Permissions>,
}

impl AtomicFile {
    /// Starts writing `target`, refusing inputs and special files.
    pub fn create(target: &Path, inputs: &[PathBuf]) -> Result<AtomicFile, WriteError> {
        let keep_permissions = check_target(target, inputs)?;
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out".into());
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".xeploai-tmp");
        // A new file gets the usual permissions (0666 less the umask), not
        // the temporary file's 0600.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(Permissions::from_mode(0o666));
        }
        if !dir.is_dir() {
            return Err(WriteError::NoFolder {
                path: target.to_path_buf(),
                dir,
            });
        }
        watch_interrupts();
        // The temporary file's random name is nobody's business: the error
        // keeps only its kind ("permission denied").
        let temp = builder.tempfile_in(&dir).map_err(|e| WriteError::Io {
            path: target.to_path_buf(),
            source: std::io::Error::from(e.kind()),
        })?;
        in_flight(|paths| paths.push(temp.path().to_path_buf()));
        Ok(AtomicFile {
            target: target.to_path_buf(),
            temp: Some(temp),
            keep_permissions,
        })
    }

    /// Makes the written bytes the target's, in one rename.
    pub fn commit(mut self) -> Result<(), WriteError> {
        let target = self.target.clone();
        let io = |source| WriteError::Io {
            path: target.clone(),
            source,
        };
        let Some(mut temp) = self.temp.take() else {
            return Ok(());
        };
        let temp_path = temp.path().to_path_buf();
        let result = (|| {
            temp.flush().map_err(io)?;
            temp.as_file().sync_all().map_err(io)?;
            if let Some(p) = self.keep_permissions.take() {
                temp.as_file().set_permissions(p).map_err(io)?;
            }
            // Looked at again: the target may have changed since `create`.
            check_target(&target, &[])?;
            temp.persist(&target).map(|_| ()).map_err(|e| io(e.error))
        })();
        in_flight(|paths| paths.retain(|p| *p != temp_path));
        result
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.temp {
            Some(t) => t.write(buf),
            None => Ok(0),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.temp {
            Some(t) => t.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if let Some(temp) = self.temp.take() {
            let temp_path = temp.path().to_path_buf();
            drop(temp);
            in_flight(|paths| paths.retain(|p| *p != temp_path));
        }
    }
}

/// Writes `bytes` to `path` atomically (see [`AtomicFile`]).
pub fn write_atomically(path: &Path, bytes: &[u8], inputs: &[PathBuf]) -> Result<(), WriteError> {
    let mut file = AtomicFile::create(path, inputs)?;
    file.write_all(bytes).map_err(|source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    file.commit()
}

/// Temporary files being written, for the interrupt handler to remove.
static IN_FLIGHT: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn in_flight(f: impl FnOnce(&mut Vec<PathBuf>)) {
    let mut paths = IN_FLIGHT.lock().unwrap_or_else(|e| e.into_inner());
    f(&mut paths);
}

/// On Ctrl-C, `kill` or a closed terminal, removes the temporary files
/// being written, then exits as the signal would have (128 + its number).
fn watch_interrupts() {
    static WATCH: Once = Once::new();
    WATCH.call_once(|| {
        #[cfg(unix)]
        {
            use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
            let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
            else {
                return;
            };
            let _ = std::thread::Builder::new()
                .name("xeploai-interrupt".into())
                .spawn(move || {
                    if let Some(signal) = signals.forever().next() {
                        in_flight(|paths| {
                            for p in paths.drain(..) {
                                let _ = std::fs::remove_file(p);
                            }
                        });
                        std::process::exit(128 + signal);
                    }
                });
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xeploai-files-{}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch");
        dir
    }

    #[test]
    fn special_files_are_not_read() {
        let e = read_regular(Path::new("/dev/zero"), 100, "rules file");
        assert!(matches!(
            e,
            Err(ReadError::NotRegular {
                kind: "a device",
                ..
            })
        ));
        let dir = scratch("read");
        let e = read_regular(&dir, 100, "rules file");
        assert!(matches!(
            e,
            Err(ReadError::NotRegular {
                kind: "a folder",
                ..
            })
        ));
        std::fs::write(dir.join("big"), [b'x'; 101]).expect("write");
        let e = read_regular(&dir.join("big"), 100, "rules file");
        assert!(matches!(e, Err(ReadError::TooLarge { .. })));
    }

    #[cfg(unix)]
    #[test]
    fn replaced_files_keep_their_permissions_and_no_temporary_is_left() {
        use std::os::unix::fs::PermissionsExt;
        let dir = scratch("perm");
        let out = dir.join("out.json");
        std::fs::write(&out, "old").expect("write");
        std::fs::set_permissions(&out, Permissions::from_mode(0o600)).expect("chmod");
        write_atomically(&out, b"new", &[]).expect("written");
        let meta = std::fs::metadata(&out).expect("meta");
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        assert_eq!(std::fs::read(&out).expect("read"), b"new");
        let left: Vec<_> = std::fs::read_dir(&dir).expect("dir").collect();
        assert_eq!(left.len(), 1, "only the output remains");
    }

    #[cfg(unix)]
    #[test]
    fn links_devices_and_inputs_are_refused() {
        let dir = scratch("refuse");
        let real = dir.join("real.csv");
        std::fs::write(&real, "keep").expect("write");
        std::os::unix::fs::symlink(&real, dir.join("link")).expect("link");
        let e = write_atomically(&dir.join("link"), b"x", &[]);
        assert!(matches!(
            e,
            Err(WriteError::NotRegular {
                kind: "a symbolic link",
                ..
            })
        ));
        let e = write_atomically(Path::new("/dev/null"), b"x", &[]);
        assert!(matches!(
            e,
            Err(WriteError::NotRegular {
                kind: "a device",
                ..
            })
        ));
        let spelled = dir
            .join("..")
            .join(dir.file_name().expect("name"))
            .join("real.csv");
        let e = write_atomically(&spelled, b"x", std::slice::from_ref(&real));
        assert!(matches!(e, Err(WriteError::IsInput(_))));
        assert_eq!(std::fs::read(&real).expect("read"), b"keep");
    }
}
