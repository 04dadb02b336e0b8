//! `xeploai template`: the empty workbook staff fill in for a rules file.

use std::path::Path;

use super::{load_rules, Io};

pub(super) fn cmd_template(rules: &Path, out: &Path, io: &mut Io) -> i32 {
    let Some(checked) = load_rules(rules, io) else {
        return 1;
    };
    if let Err(e) = crate::template::write_file(&checked.program, out) {
        let _ = writeln!(io.err, "{e}");
        return 1;
    }
    let _ = writeln!(io.err, "wrote {}", out.display());
    0
}
