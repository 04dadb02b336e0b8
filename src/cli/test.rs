//! `xeploai test`: the tests inside rules files and the golden outcomes
//! recorded beside them.

use std::path::{Path, PathBuf};

use super::{load_rules, write_atomically, Io};

/// `*.rules` files under a folder, sorted, or the path itself.
pub fn rules_files(path: &Path) -> Vec<PathBuf> {
    if !path.is_dir() {
        return vec![path.to_path_buf()];
    }
    let mut out = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rules") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

pub(super) fn cmd_test(
    paths: &[PathBuf],
    accept: bool,
    new_data: Option<&Path>,
    io: &mut Io,
) -> i32 {
    let (mut passed, mut failed) = (0usize, 0usize);
    let files: Vec<PathBuf> = paths.iter().flat_map(|p| rules_files(p)).collect();
    if files.is_empty() {
        let _ = writeln!(io.err, "no .rules files found");
        return 1;
    }
    for file in files {
        let Some(checked) = load_rules(&file, io) else {
            failed += 1;
            continue;
        };
        let program = &checked.program;
        let results = crate::eval::run_tests(program, &program.default_params());
        let _ = writeln!(io.out, "{}: {} test(s)", file.display(), results.len());
        for r in results {
            let desc = r
                .description
                .as_ref()
                .map(|d| format!(" — {d}"))
                .unwrap_or_default();
            if r.passed {
                passed += 1;
                let _ = writeln!(io.out, "  ✓ {}{desc}", r.name);
            } else {
                failed += 1;
                let _ = writeln!(
                    io.out,
                    "  ✗ {}{desc}\n      expected {}\n      got      {}",
                    r.name, r.expected, r.actual
                );
            }
        }
        let mut goldens = crate::golden::files_for(&file);
        if let Some(d) = new_data {
            let path = crate::golden::path_for(&file, d);
            if !goldens.contains(&path) {
                goldens.push(path);
            }
        }
        for golden in goldens {
            match check_golden(program, &file, &golden, new_data, accept, io) {
                Ok(()) => passed += 1,
                Err(()) => failed += 1,
            }
        }
    }
    let _ = writeln!(io.out, "{passed} passed, {failed} failed");
    i32::from(failed > 0)
}

/// Grades `rules` on the golden file's dataset and compares the outcome
/// with the recorded one (or records it, with `accept`).
fn check_golden(
    program: &crate::program::Program,
    rules: &Path,
    golden: &Path,
    new_data: Option<&Path>,
    accept: bool,
    io: &mut Io,
) -> Result<(), ()> {
    let recorded = std::fs::read_to_string(golden).ok();
    let data_dir = match (&recorded, new_data) {
        (Some(text), _) => crate::golden::dataset_of(golden, text),
        (None, d) => d.map(Path::to_path_buf),
    };
    let shown = golden.display();
    let Some(data_dir) = data_dir else {
        let _ = writeln!(
            io.out,
            "  ✗ {shown}: no `# data:` line says which dataset it was recorded on"
        );
        return Err(());
    };
    let dataset = match crate::data::load_dir(program, &data_dir) {
        Ok(d) => d,
        Err(e) => {
            let _ = writeln!(
                io.out,
                "  ✗ outcome on {}: the data does not load\n{e}",
                data_dir.display()
            );
            return Err(());
        }
    };
    let params = program.default_params();
    let outcome = crate::eval::grade(program, &dataset, &params).map_err(|e| {
        let _ = writeln!(io.out, "  ✗ outcome on {}: {e}", data_dir.display());
    })?;
    let golden_dir = golden.parent().unwrap_or(Path::new("."));
    let data_ref = crate::source::relative_path(golden_dir, &data_dir)
        .display()
        .to_string();
    let rules_name = crate::check::normalise(rules).display().to_string();
    let now = crate::golden::render(program, &dataset, &outcome, &rules_name, &data_ref);
    let mismatch = recorded.as_deref().map(|r| crate::golden::compare(r, &now));
    match (mismatch, accept) {
        (Some(m), _) if m.is_empty() => {
            let _ = writeln!(io.out, "  ✓ outcome on {} ({shown})", data_dir.display());
            Ok(())
        }
        (m, true) => {
            let _ = std::fs::create_dir_all(golden_dir);
            if let Err(e) = write_atomically(golden, now.as_bytes(), &program.sources.paths()) {
                let _ = writeln!(io.out, "  ✗ {shown}: {e}");
                return Err(());
            }
            let what = match m {
                None => "recorded".to_string(),
                Some(m) => format!("recorded ({} entities changed)", m.changed.len()),
            };
            let _ = writeln!(
                io.out,
                "  ✓ outcome on {} {what}: {shown}",
                data_dir.display()
            );
            Ok(())
        }
        (None, false) => {
            let _ = writeln!(
                io.out,
                "  ✗ {shown}: not recorded yet; run with --accept after review"
            );
            Err(())
        }
        (Some(m), false) => {
            let _ = writeln!(
                io.out,
                "  ✗ outcome on {} changed: {} entities grade or decide differently ({shown})",
                data_dir.display(),
                m.changed.len()
            );
            for (id, before, after) in m.changed.iter().take(40) {
                let _ = writeln!(io.out, "      {id}: {before} → {after}");
            }
            if m.changed.len() > 40 {
                let _ = writeln!(io.out, "      … and {} more", m.changed.len() - 40);
            }
            for line in &m.header {
                let _ = writeln!(io.out, "      {line}");
            }
            let _ = writeln!(
                io.out,
                "      review, then record with: xeploai test {} --accept",
                rules.display()
            );
            Err(())
        }
    }
}
