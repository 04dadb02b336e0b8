//! Helpers shared by the integration tests: most tests are one line.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use xeploai::check::{self, Checked};
use xeploai::data::{self, Dataset};
use xeploai::eval::{self, Outcome};
use xeploai::program::Program;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A path relative to the crate root, as a user would type it, so
/// snapshots do not hold this machine's folders.
pub fn relative(path: &Path) -> PathBuf {
    path.strip_prefix(root())
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// Every problem rendered as the CLI shows it, without colour, 80 wide.
pub fn render_all(problems: &[miette::Report]) -> String {
    problems
        .iter()
        .map(|p| xeploai::cli::render(p, false, 80))
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn program(rules: &str) -> Program {
    match check::check_file(&root().join(rules)) {
        Ok(Checked { program, .. }) => program,
        Err(r) => panic!("{rules} does not check:\n{}", render_all(&r.problems)),
    }
}

pub fn program_from_text(text: &str) -> Program {
    match check::check_text("inline.rules", &root(), text) {
        Ok(Checked { program, .. }) => program,
        Err(r) => panic!("rules do not check:\n{}", render_all(&r.problems)),
    }
}

pub fn yen_the(program: &Program) -> Dataset {
    data::load_dir(program, &root().join("examples/yen-the-2021"))
        .expect("the example dataset loads")
}

pub fn grade(program: &Program, data: &Dataset) -> Outcome {
    eval::grade(program, data, &program.default_params()).expect("grading")
}

/// A fresh empty folder under the system's temporary folder.
pub fn scratch_dir(tag: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "xeploai-test-{}-{tag}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// A dataset folder with these two CSV texts.
pub fn dataset_dir(tag: &str, organisations: &str, members: &str) -> PathBuf {
    let dir = scratch_dir(tag);
    std::fs::write(dir.join("organisations.csv"), organisations).expect("write");
    std::fs::write(dir.join("members.csv"), members).expect("write");
    dir
}

/// Copies the Yên Thế example into a scratch folder.
pub fn copy_of_example(tag: &str) -> PathBuf {
    let dir = scratch_dir(tag);
    for f in ["organisations.csv", "members.csv"] {
        std::fs::copy(root().join("examples/yen-the-2021").join(f), dir.join(f)).expect("copy");
    }
    dir
}

/// Grade code of an entity by id, or "not graded".
pub fn grade_of(program: &Program, data: &Dataset, outcome: &Outcome, id: &str) -> String {
    let (kind, i) = data
        .find(program, id)
        .unwrap_or_else(|| panic!("no entity {id}"));
    match outcome.decisions(kind)[i as usize].grade {
        Some(g) => program.grade_code(g).to_string(),
        None => "not graded".into(),
    }
}
