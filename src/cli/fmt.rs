//! `xeploai fmt`: canonical formatting, written in place or checked.

use std::path::PathBuf;

use super::test::rules_files;
use super::{write_atomically, Io};

pub(super) fn cmd_fmt(paths: &[PathBuf], check_only: bool, io: &mut Io) -> i32 {
    let files: Vec<PathBuf> = paths.iter().flat_map(|p| rules_files(p)).collect();
    if files.is_empty() {
        let _ = writeln!(io.err, "no .rules files found");
        return 1;
    }
    let mut failed = false;
    for file in files {
        let name = file.display().to_string();
        let read = crate::files::read_regular(&file, crate::files::MAX_RULES_BYTES, "rules file");
        let bytes = match read {
            Ok(b) => b,
            Err(e) => {
                let _ = writeln!(io.err, "cannot read {name}: {}", e.reason());
                failed = true;
                continue;
            }
        };
        let formatted = match crate::fmt::format_file(&name, &bytes) {
            Ok(f) => f,
            Err(crate::fmt::FmtError::Syntax(e)) => {
                io.report(*e);
                failed = true;
                continue;
            }
            Err(crate::fmt::FmtError::NotFaithful(why)) => {
                let _ = writeln!(io.err, "{name}: not formatted, to be safe: {why}");
                failed = true;
                continue;
            }
        };
        if formatted == bytes {
            continue;
        }
        if check_only {
            let _ = writeln!(io.out, "{name}: not formatted (run xeploai fmt {name})");
            failed = true;
        } else if let Err(e) = write_atomically(&in_place(&file), &formatted, &[]) {
            let _ = writeln!(io.err, "{e}");
            failed = true;
        } else {
            let _ = writeln!(io.out, "formatted {name}");
        }
    }
    i32::from(failed)
}

/// The file a rules path names: a symbolic link is followed, so the link
/// stays a link and the file it points to is formatted.
fn in_place(path: &std::path::Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}
