//! Golden outcomes: the stored, reviewable text of every entity's grade and
//! deciding clause for a rules file on a dataset. `xeploai test` compares
//! the rules' outcome with it and names every entity that changed;
//! `--accept` records the new outcome after review.
//!
//! The text is one line per entity, sorted by id, so a rule change shows
//! in `git diff` as exactly the lines of the entities it moved:
//!
//! ```text
//! DV00002   HTNV    member_good +sick_leave
//! DV00043   -       newly_admitted
//! DV00009   ?       member_no_band
//! HU        ·       (ngoài phạm vi)
//! ```
//!
//! Golden files live in `golden/` beside the rules file, named
//! `RULES-STEM@DATASET.outcome`; the header line `# data: PATH` says which
//! dataset (relative to the golden file) they were recorded on.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use crate::data::Dataset;
use crate::eval::{Decision, Outcome, Verdict};
use crate::program::Program;
use crate::report::summary;
use crate::syntax::ast::SubjectKind;

/// The golden files recorded for a rules file.
pub fn files_for(rules: &Path) -> Vec<PathBuf> {
    let Some(stem) = rules.file_stem().map(|s| s.to_string_lossy().into_owned()) else {
        return Vec::new();
    };
    let dir = rules.parent().unwrap_or(Path::new(".")).join("golden");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "outcome")
                && p.file_stem()
                    .is_some_and(|s| s.to_string_lossy().starts_with(&format!("{stem}@")))
        })
        .collect();
    out.sort();
    out
}

/// Where the golden file of `rules` on the dataset `data` goes.
pub fn path_for(rules: &Path, data: &Path) -> PathBuf {
    let stem = rules
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = crate::check::normalise(data)
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "data".into());
    rules
        .parent()
        .unwrap_or(Path::new("."))
        .join("golden")
        .join(format!("{stem}@{name}.outcome"))
}

/// The dataset a golden file was recorded on, from its `# data:` line.
pub fn dataset_of(golden: &Path, text: &str) -> Option<PathBuf> {
    let rel = text.lines().find_map(|l| l.strip_prefix("# data: "))?;
    Some(crate::check::normalise(
        &golden.parent().unwrap_or(Path::new(".")).join(rel.trim()),
    ))
}

fn decision_text(program: &Program, d: &Decision) -> (String, String) {
    let grade = match d.verdict(program) {
        Verdict::OutOfScope => "·".to_string(),
        Verdict::Graded(g) => program.grade_code(g).to_string(),
        Verdict::ToDecide(_) => "?".to_string(),
        Verdict::NotGraded => "-".to_string(),
    };
    let mut why = match (d.block, d.clause) {
        (None, _) => "(ngoài phạm vi)".to_string(),
        (_, Some(c)) => program.clauses[c as usize].name.clone(),
        (_, None) => String::new(),
    };
    for &c in &d.caps {
        let _ = write!(why, " +{}", program.clauses[c as usize].name);
    }
    if let Some(q) = d.quota {
        let _ = write!(why, " !{}", program.quotas[q.quota as usize].name);
    }
    (grade, why)
}

/// The outcome as golden text. `data_ref` is the dataset path as the
/// header records it (relative to the golden file).
pub fn render(
    program: &Program,
    data: &Dataset,
    outcome: &Outcome,
    rules_name: &str,
    data_ref: &str,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# xeploai outcome of {rules_name}: {} — one line per entity: id, grade, deciding clause",
        program.header.name
    );
    let _ = writeln!(out, "# data: {data_ref}");
    let _ = writeln!(
        out,
        "# Review a change with git diff; record it with: xeploai test {rules_name} --accept"
    );
    for row in summary(program, outcome).rows {
        let counts: Vec<String> = program
            .grades
            .iter()
            .zip(&row.counts)
            .map(|(g, c)| format!("{} {c}", g.code))
            .collect();
        let to_decide = if row.to_decide > 0 {
            format!(", {} to decide", row.to_decide)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "# {}: {} graded of {}{to_decide} — {}",
            row.label,
            row.graded,
            row.in_scope,
            counts.join(", ")
        );
    }
    for f in &outcome.findings {
        if f.breach || f.lowered > 0 {
            let (name, id) = f.group.label(program, data);
            let _ = writeln!(
                out,
                "# quota {} [{}] {name}: {} {} of cap {} (base {}){}",
                program.quotas[f.quota].name,
                id.unwrap_or_default(),
                f.count,
                program.grade_code(f.grade),
                f.cap,
                f.base_count,
                if f.lowered > 0 {
                    format!(", {} lowered", f.lowered)
                } else {
                    " — breach".into()
                }
            );
        }
    }
    let mut lines: Vec<(String, String, String)> =
        Vec::with_capacity(outcome.members.len() + outcome.organisations.len());
    for kind in [SubjectKind::Organisation, SubjectKind::Member] {
        for (i, d) in outcome.decisions(kind).iter().enumerate() {
            let (grade, why) = decision_text(program, d);
            lines.push((data.id(program, kind, i as u32).to_string(), grade, why));
        }
    }
    lines.sort();
    let w = lines.iter().map(|l| l.0.chars().count()).max().unwrap_or(0);
    for (id, grade, why) in lines {
        let _ = writeln!(out, "{id:<w$}  {grade:<6}  {why}");
    }
    out
}

/// Entity lines by id: (grade, clause…).
fn entities(text: &str) -> BTreeMap<&str, (&str, &str)> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut parts = l.splitn(2, char::is_whitespace);
            let id = parts.next()?;
            let rest = parts.next()?.trim_start();
            let (grade, why) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            Some((id, (grade, why.trim())))
        })
        .collect()
}

/// How a recorded outcome and a new one differ.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Mismatch {
    /// id, before (grade clause), after
    pub changed: Vec<(String, String, String)>,
    /// Header lines (summary, quota breaches) that differ, as `-`/`+` lines.
    pub header: Vec<String>,
}

impl Mismatch {
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.header.is_empty()
    }
}

/// Compares recorded golden text with the new outcome text.
pub fn compare(recorded: &str, now: &str) -> Mismatch {
    let (a, b) = (entities(recorded), entities(now));
    let show = |e: Option<&(&str, &str)>| match e {
        Some((g, "")) => g.to_string(),
        Some((g, w)) => format!("{g} by {w}"),
        None => "(absent)".into(),
    };
    let mut changed = Vec::new();
    let ids: std::collections::BTreeSet<&str> = a.keys().chain(b.keys()).copied().collect();
    for id in ids {
        if a.get(id) != b.get(id) {
            changed.push((id.to_string(), show(a.get(id)), show(b.get(id))));
        }
    }
    let head = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| {
                l.starts_with("# ") && !l.starts_with("# xeploai") && !l.starts_with("# Review")
            })
            .map(String::from)
            .collect()
    };
    let (ha, hb) = (head(recorded), head(now));
    let mut header: Vec<String> = ha
        .iter()
        .filter(|l| !hb.contains(l))
        .map(|l| format!("- {}", &l[2..]))
        .collect();
    header.extend(
        hb.iter()
            .filter(|l| !ha.contains(l))
            .map(|l| format!("+ {}", &l[2..])),
    );
    Mismatch { changed, header }
}
