//! `:save PATH`: the session's changes as a rules file that extends the
//! one loaded, never over an input nor over a file `:save` did not write.

use std::path::Path;

use super::changes;
use super::{Reply, Session};

impl Session {
    pub(super) fn save(&mut self, path: &Path) -> Reply {
        let (Some(rules), Some(base)) = (&self.rules, &self.base) else {
            return Reply::fail("chưa nạp quy tắc: dùng :load RULES");
        };
        let in_base = |n: &str| changes::declares(base, n);
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => std::path::PathBuf::from("."),
        };
        let items = changes::collapse(&self.layers, &in_base);
        let extends = crate::source::relative_path(&dir, rules);
        let mut text = format!(
            "// Changes to {} {SAVED_BY}\n\nextends {:?}\n",
            base.header.name,
            extends.display().to_string()
        );
        if !items.is_empty() {
            text.push('\n');
            text.push_str(&changes::render(&items, &in_base));
        }
        let mut inputs = base.sources.paths();
        if let Some(d) = &self.data {
            inputs.extend(d.files.iter().cloned());
        }
        // Every file the data folder could hold a table in, loaded or not
        // (a members.xlsx that failed to load is still the staff's data).
        if let Some(dir) = &self.data_dir {
            inputs.extend(crate::data::table_files(dir));
        }
        if inputs.iter().any(|i| crate::files::same_file(i, path)) {
            let e = crate::files::WriteError::IsInput(path.to_path_buf());
            return Reply::fail(crate::render::escape_controls(&e.to_string()));
        }
        if let Err(why) = saved_by_a_session(path) {
            return Reply::fail(format!(
                "không ghi {}: {why}",
                crate::render::escape_controls(&path.display().to_string())
            ));
        }
        if let Err(e) = crate::files::write_atomically(path, text.as_bytes(), &inputs) {
            return Reply::fail(e.to_string());
        }
        match crate::check::check_file(path) {
            Ok(_) => Reply::ok(format!(
                "đã lưu {} ({} thay đổi); tệp kiểm tra không lỗi\n",
                path.display(),
                items.len()
            )),
            Err(r) => Reply::fail(format!(
                "đã lưu {}, nhưng tệp có lỗi:\n{}",
                path.display(),
                self.render(&r)
            )),
        }
    }
}

/// The end of the first line of every file `:save` writes.
const SAVED_BY: &str = "made in a xeploai session.";

/// `:save` replaces only what `:save` wrote: a file that exists must start
/// with the line it writes.
fn saved_by_a_session(path: &Path) -> Result<(), String> {
    use std::io::{BufRead, Read};
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Ok(());
    };
    if !meta.is_file() {
        return Err("đó không phải một tệp thường".into());
    }
    let mut first = String::new();
    let read = std::fs::File::open(path)
        .and_then(|f| std::io::BufReader::new(f.take(4096)).read_line(&mut first));
    let ours =
        read.is_ok() && first.starts_with("// Changes to ") && first.trim_end().ends_with(SAVED_BY);
    if ours {
        Ok(())
    } else {
        Err("tệp đã có và không phải tệp thay đổi do :save ghi; chọn tên khác, hoặc tự xoá tệp đó trước".into())
    }
}
