//! The catalogue of bad inputs: every case in `tests/bad_inputs/cases/`
//! runs the real binary on a hostile or damaged input and records exactly
//! what the user sees (an insta snapshot each). Every case must end
//! without a crash (exit 101 or a signal) or a hang, must leave every
//! file it was given byte for byte as it was, and must exit as it says.
//! `docs/bad-inputs.md` lists the classes; regenerate its table with
//! `XEPLOAI_WRITE_DOCS=1 cargo test --test bad_inputs`.

mod common;
#[path = "bad_inputs/script.rs"]
mod script;

use std::path::PathBuf;
use std::sync::Mutex;

use common::*;

fn cases() -> Vec<script::Case> {
    let dir = root().join("tests/bad_inputs/cases");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/bad_inputs/cases")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "case"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let name = p.file_stem().expect("name").to_string_lossy().into_owned();
            script::parse(&name, &std::fs::read_to_string(p).expect("case"))
        })
        .collect()
}

#[test]
fn every_bad_input_gets_a_clear_answer_and_harms_nothing() {
    let cases = cases();
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_xeploai"));
    let scratch = scratch_dir("bad-inputs");
    let results: Mutex<Vec<(String, script::Ran)>> = Mutex::new(Vec::new());
    let next = Mutex::new(0usize);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = {
                    let mut n = next.lock().expect("lock");
                    *n += 1;
                    *n - 1
                };
                let Some(case) = cases.get(i) else { break };
                let ran = script::run(case, &root(), &bin, &scratch.join(&case.name));
                results.lock().expect("lock").push((case.name.clone(), ran));
            });
        }
    });
    let mut results = results.into_inner().expect("results");
    results.sort_by(|a, b| a.0.cmp(&b.0));
    let mut failed = Vec::new();
    for (name, ran) in &results {
        if !ran.failures.is_empty() {
            failed.push(format!("{name}: {}", ran.failures.join("; ")));
        }
        insta::with_settings!({
            snapshot_path => "bad_inputs/snapshots",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name.as_str(), &ran.transcript);
        });
    }
    assert!(
        failed.is_empty(),
        "cases that failed:\n{}",
        failed.join("\n")
    );
    let _ = std::fs::remove_dir_all(&scratch);
    assert!(
        cases.len() >= 120,
        "the catalogue has {} classes",
        cases.len()
    );
}

/// The table of classes in docs/bad-inputs.md, from the cases' headers.
fn table(cases: &[script::Case]) -> String {
    let mut out = String::from("| case | what is wrong | what the user gets |\n|---|---|---|\n");
    for c in cases {
        out.push_str(&format!("| `{}` | {} | {} |\n", c.name, c.what, c.gets));
    }
    out
}

#[test]
fn the_docs_list_every_class() {
    let path = root().join("docs/bad-inputs.md");
    let doc = std::fs::read_to_string(&path).unwrap_or_default();
    let (start, end) = ("<!-- cases: start -->\n", "<!-- cases: end -->");
    let want = table(&cases());
    let (Some(a), Some(b)) = (doc.find(start), doc.find(end)) else {
        panic!("docs/bad-inputs.md lacks the {start:?} … {end:?} markers");
    };
    let have = &doc[a + start.len()..b];
    if have != want {
        if std::env::var_os("XEPLOAI_WRITE_DOCS").is_some() {
            let new = format!("{}{want}{}", &doc[..a + start.len()], &doc[b..]);
            std::fs::write(&path, new).expect("write docs");
            return;
        }
        panic!("docs/bad-inputs.md is out of date: run XEPLOAI_WRITE_DOCS=1 cargo test --test bad_inputs");
    }
}
