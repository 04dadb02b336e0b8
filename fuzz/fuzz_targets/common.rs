//! What the data targets share: the 2021 rules and a small tree of
//! organisations, set up once per process.

use std::sync::OnceLock;

use xeploai::program::Program;

pub const ORGANISATIONS: &str = include_str!("common_orgs.csv");

pub fn program() -> &'static Program {
    static PROGRAM: OnceLock<Program> = OnceLock::new();
    PROGRAM.get_or_init(|| {
        let rules = concat!(env!("CARGO_MANIFEST_DIR"), "/../rules/2021.rules");
        xeploai::check::check_file(std::path::Path::new(rules))
            .expect("rules/2021.rules checks")
            .program
    })
}

/// Loads `members` (named `name`) under the fixed organisations; grades
/// what loads, and checks that every problem names its file.
pub fn load_and_grade(name: &str, members: &[u8]) {
    use xeploai::data::{load_bytes, TableBytes};
    let p = program();
    let orgs = TableBytes {
        name: "organisations.csv",
        bytes: ORGANISATIONS.as_bytes(),
    };
    match load_bytes(p, orgs, TableBytes { name, bytes: members }) {
        Ok(d) => {
            let _ = d.warnings_text();
            if let Ok(o) = xeploai::eval::grade(p, &d, &p.default_params()) {
                let _ = xeploai::report::to_json(p, &d, &o, &p.default_params());
            }
        }
        Err(errors) => {
            for e in &errors.0 {
                assert!(!e.file.is_empty(), "a problem without its file: {e}");
            }
            let _ = errors.to_string();
        }
    }
}
