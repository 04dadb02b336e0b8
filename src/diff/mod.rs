//! Outcome against outcome: who changes grade between two rule sets (or
//! two parameter settings) on one dataset, the from→to matrix per level,
//! the clause that decided before and after, and the quota findings that
//! changed. Used by the REPL's `:diff`.

mod forms;

pub use forms::{page, workbook, Sides};

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::data::Dataset;
use crate::eval::{Decision, GroupRef, Outcome, QuotaFinding, Verdict};
use crate::program::Program;
use crate::report::NumberStyle;
use crate::syntax::ast::SubjectKind;
use crate::value::Value;

/// One side of a comparison: rules, their parameters, and what they gave.
pub struct Side<'a> {
    pub program: &'a Program,
    pub params: &'a [Value],
    pub outcome: &'a Outcome,
}

/// The grades of one reporting level before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelDiff {
    pub label: String,
    pub in_scope: u64,
    pub changed: u64,
    /// `matrix[from][to]`, indexed by [`Diff::slot`]: the grades, then
    /// "to decide" when either side can refer a case, then "not graded".
    pub matrix: Vec<Vec<u64>>,
}

/// What an entity got on one side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// A grade on the new rules' scale.
    Grade(u8),
    /// Left to the competent level.
    ToDecide,
    /// Not graded, or out of scope.
    NotGraded,
}

/// An entity whose grade changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityChange {
    pub kind: SubjectKind,
    pub index: u32,
    pub before: State,
    pub after: State,
    /// The deciding clause (or not-graded clause) on each side.
    pub clause_before: Option<String>,
    pub clause_after: Option<String>,
    /// What decided, in words: the clause, caps that held, a quota.
    pub why_before: String,
    pub why_after: String,
}

/// A quota group whose numbers changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingChange {
    pub quota: String,
    pub group: GroupRef,
    pub before: Option<QuotaFinding>,
    pub after: Option<QuotaFinding>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diff {
    pub levels: Vec<LevelDiff>,
    pub changes: Vec<EntityChange>,
    pub findings: Vec<FindingChange>,
    /// Said when the two scales of grades differ (grades matched by code).
    pub note: Option<String>,
    /// The number of grades of the new rules.
    pub grades: usize,
    /// Either side leaves some case to the competent level (the column
    /// is shown only then, so a regime that could refer but did not keeps
    /// the layout of the report it reproduces).
    pub refers: bool,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.findings.is_empty()
    }

    /// The row and column of a state in the matrices.
    pub fn slot(&self, s: State) -> usize {
        match s {
            State::Grade(g) => g as usize,
            State::ToDecide => self.grades,
            State::NotGraded => self.grades + usize::from(self.refers),
        }
    }

    /// The matrices' labels, in slot order.
    pub fn state_names(&self, program: &Program, to_decide: &str, not_graded: &str) -> Vec<String> {
        let mut names: Vec<String> = program.grades.iter().map(|g| g.code.clone()).collect();
        if self.refers {
            names.push(to_decide.into());
        }
        names.push(not_graded.into());
        names
    }
}

fn state(program: &Program, d: &Decision, to_new: impl Fn(u8) -> Option<u8>) -> State {
    match d.verdict(program) {
        Verdict::Graded(g) => to_new(g).map_or(State::NotGraded, State::Grade),
        Verdict::ToDecide(_) => State::ToDecide,
        Verdict::NotGraded | Verdict::OutOfScope => State::NotGraded,
    }
}

/// The deciding clause, the caps that held and a quota, by name.
pub fn why(program: &Program, d: &Decision) -> String {
    if d.block.is_none() {
        return "ngoài phạm vi".into();
    }
    let mut parts: Vec<String> = d
        .clause
        .iter()
        .map(|&c| program.clauses[c as usize].name.clone())
        .collect();
    parts.extend(
        d.caps
            .iter()
            .map(|&c| format!("tối đa: {}", program.clauses[c as usize].name)),
    );
    if let Some(q) = d.quota {
        parts.push(format!("quota: {}", program.quotas[q.quota as usize].name));
    }
    parts.join(", ")
}

/// Two rule sets whose grades cannot be set side by side.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
#[error("the two rule sets grade on different scales: {missing} of the old rules is not a grade of the new ones")]
#[diagnostic(
    code(xeploai::diff::grade_scales),
    help("the old grades are {old}; the new ones are {new}. A diff compares grades by their code, so every old grade needs a new grade with the same code")
)]
pub struct ScaleMismatch {
    pub missing: String,
    pub old: String,
    pub new: String,
}

/// How the old rules' grades read on the new rules' scale: by code.
struct GradeMap {
    to_new: Vec<u8>,
    /// Said when the scales differ in any way (order, added grades).
    note: Option<String>,
}

fn grade_map(old: &Program, new: &Program) -> Result<GradeMap, ScaleMismatch> {
    let codes = |p: &Program| p.grades.iter().map(|g| g.code.clone()).collect::<Vec<_>>();
    let (old_codes, new_codes) = (codes(old), codes(new));
    let missing: Vec<&str> = old_codes
        .iter()
        .filter(|c| !new_codes.contains(c))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(ScaleMismatch {
            missing: missing.join(", "),
            old: old_codes.join(", "),
            new: new_codes.join(", "),
        });
    }
    let to_new = old_codes
        .iter()
        .map(|c| new.grade_index(c).unwrap_or(u8::MAX))
        .collect();
    let note = (old_codes != new_codes).then(|| {
        format!(
            "Hai bộ quy tắc có thang xếp loại khác nhau (cũ: {}; mới: {}); xếp loại được đối chiếu theo mã.",
            old_codes.join(", "),
            new_codes.join(", ")
        )
    });
    Ok(GradeMap { to_new, note })
}

impl GradeMap {
    fn old(&self, g: Option<u8>) -> Option<u8> {
        g.and_then(|g| self.to_new.get(g as usize).copied())
    }

    fn state(&self, program: &Program, d: &Decision) -> State {
        state(program, d, |g| self.old(Some(g)))
    }
}

/// Compares two outcomes of one dataset, grades matched by code. Levels
/// follow the report rows of the `after` rules.
pub fn compare(before: &Side, after: &Side) -> Result<Diff, ScaleMismatch> {
    let map = grade_map(before.program, after.program)?;
    let mut diff = Diff {
        levels: Vec::new(),
        changes: Vec::new(),
        findings: Vec::new(),
        note: None,
        grades: after.program.grades.len(),
        refers: before.outcome.any_to_decide(before.program)
            || after.outcome.any_to_decide(after.program),
    };
    let now = |d: &Decision| state(after.program, d, Some);
    let mut changes = Vec::new();
    for kind in [SubjectKind::Organisation, SubjectKind::Member] {
        let (b, a) = (
            before.outcome.decisions(kind),
            after.outcome.decisions(kind),
        );
        for (i, (db, da)) in b.iter().zip(a).enumerate() {
            let (old, new) = (map.state(before.program, db), now(da));
            if old != new {
                changes.push(EntityChange {
                    kind,
                    index: i as u32,
                    before: old,
                    after: new,
                    clause_before: db
                        .clause
                        .map(|c| before.program.clauses[c as usize].name.clone()),
                    clause_after: da
                        .clause
                        .map(|c| after.program.clauses[c as usize].name.clone()),
                    why_before: why(before.program, db),
                    why_after: why(after.program, da),
                });
            }
        }
    }
    let levels = after
        .program
        .report
        .iter()
        .zip(&after.outcome.report_rows)
        .map(|(row, members)| {
            let states = diff.slot(State::NotGraded) + 1;
            let mut matrix = vec![vec![0u64; states]; states];
            let mut changed = 0;
            let (b, a) = (
                before.outcome.decisions(row.kind),
                after.outcome.decisions(row.kind),
            );
            for &i in members {
                let (gb, ga) = (
                    map.state(before.program, &b[i as usize]),
                    now(&a[i as usize]),
                );
                matrix[diff.slot(gb)][diff.slot(ga)] += 1;
                changed += u64::from(gb != ga);
            }
            LevelDiff {
                label: row.label.clone(),
                in_scope: members.len() as u64,
                changed,
                matrix,
            }
        })
        .collect();
    diff.levels = levels;
    diff.changes = changes;
    diff.findings = finding_changes(before, after, &map);
    diff.note = map.note;
    Ok(diff)
}

fn finding_changes(before: &Side, after: &Side, grades: &GradeMap) -> Vec<FindingChange> {
    type Key = (String, GroupRef);
    let mut map: BTreeMap<Key, (Option<QuotaFinding>, Option<QuotaFinding>)> = BTreeMap::new();
    for f in &before.outcome.findings {
        let on_new_scale = QuotaFinding {
            grade: grades.old(Some(f.grade)).unwrap_or(f.grade),
            ..f.clone()
        };
        map.entry((before.program.quotas[f.quota].name.clone(), f.group.clone()))
            .or_default()
            .0 = Some(on_new_scale);
    }
    for f in &after.outcome.findings {
        map.entry((after.program.quotas[f.quota].name.clone(), f.group.clone()))
            .or_default()
            .1 = Some(f.clone());
    }
    let numbers = |f: &Option<QuotaFinding>| {
        f.as_ref()
            .map(|f| (f.base_count, f.cap, f.count, f.breach, f.lowered, f.grade))
    };
    map.into_iter()
        .filter(|(_, (b, a))| numbers(b) != numbers(a))
        .map(|((quota, group), (before, after))| FindingChange {
            quota,
            group,
            before,
            after,
        })
        .collect()
}

/// The diff in words, as the REPL and `xeploai diff` print it; at most
/// `limit` changed entities are listed.
pub fn text(
    program: &Program,
    data: &Dataset,
    diff: &Diff,
    limit: usize,
    style: NumberStyle,
) -> String {
    let mut out = String::new();
    if let Some(note) = &diff.note {
        let _ = writeln!(out, "{note}");
    }
    if diff.is_empty() {
        let _ = writeln!(
            out,
            "Không có khác biệt: không đối tượng nào đổi xếp loại, các giới hạn tỷ lệ không đổi."
        );
        return out;
    }
    let _ = writeln!(
        out,
        "{} đối tượng đổi xếp loại.",
        style.int(diff.changes.len() as u64)
    );
    let names = diff.state_names(program, "Chờ QĐ", "KXL");
    for level in &diff.levels {
        let _ = writeln!(
            out,
            "  {}: {}/{} đổi",
            level.label,
            style.int(level.changed),
            style.int(level.in_scope)
        );
        if level.changed == 0 {
            continue;
        }
        let w = names.iter().map(|n| n.len()).max().unwrap_or(4).max(6);
        let mut head = format!("    {:<w$}", "từ \\ sang", w = w + 4);
        for n in &names {
            head.push_str(&format!(" {n:>w$}"));
        }
        let _ = writeln!(out, "{head}");
        for (from, row) in level.matrix.iter().enumerate() {
            if row.iter().sum::<u64>() == 0 {
                continue;
            }
            let mut line = format!("    {:<w$}", names[from], w = w + 4);
            for (to, &n) in row.iter().enumerate() {
                let cell = if n == 0 {
                    ".".to_string()
                } else if from == to {
                    format!("({})", style.int(n))
                } else {
                    style.int(n)
                };
                line.push_str(&format!(" {cell:>w$}"));
            }
            let _ = writeln!(out, "{line}");
        }
    }
    if !diff.changes.is_empty() {
        let _ = writeln!(out, "Đối tượng đổi xếp loại:");
        let grade = |s: State| names[diff.slot(s)].clone();
        for c in diff.changes.iter().take(limit) {
            let _ = writeln!(
                out,
                "  {} {}: {} → {}   ({} → {})",
                data.id(program, c.kind, c.index),
                data.name(program, c.kind, c.index),
                grade(c.before),
                grade(c.after),
                c.why_before,
                c.why_after
            );
        }
        if diff.changes.len() > limit {
            let _ = writeln!(
                out,
                "  … và {} đối tượng khác",
                style.int((diff.changes.len() - limit) as u64)
            );
        }
    }
    if !diff.findings.is_empty() {
        let breaches = |pick: fn(&FindingChange) -> &Option<QuotaFinding>| {
            diff.findings
                .iter()
                .filter(|f| pick(f).as_ref().is_some_and(|q| q.breach))
                .count()
        };
        let _ = writeln!(
            out,
            "Giới hạn tỷ lệ: {} nhóm đổi số liệu; nhóm vượt trong số đó: {} → {}",
            style.int(diff.findings.len() as u64),
            style.int(breaches(|f| &f.before) as u64),
            style.int(breaches(|f| &f.after) as u64)
        );
        // Groups whose verdict or count changed, one by one; groups where
        // only the cap moved, counted per quota.
        let verdict = |f: &Option<QuotaFinding>| f.as_ref().map(|q| (q.breach, q.lowered));
        let mut quiet: BTreeMap<&str, usize> = BTreeMap::new();
        // A quota only one side has: (groups, breached, lowered) per side.
        let mut one_sided: BTreeMap<(&str, bool), (u64, u64, u64)> = BTreeMap::new();
        for f in &diff.findings {
            if let (None, Some(q)) | (Some(q), None) = (&f.before, &f.after) {
                let e = one_sided
                    .entry((f.quota.as_str(), f.before.is_none()))
                    .or_default();
                e.0 += 1;
                e.1 += u64::from(q.breach);
                e.2 += u64::from(q.lowered);
                continue;
            }
            if verdict(&f.before) == verdict(&f.after) {
                *quiet.entry(f.quota.as_str()).or_default() += 1;
                continue;
            }
            let (name, id) = f.group.label(program, data);
            let id = id.map(|i| format!(" [{i}]")).unwrap_or_default();
            let show = |f: &Option<QuotaFinding>| match f {
                Some(f) => format!(
                    "{} {} / tối đa {}{}",
                    f.count,
                    program.grade_code(f.grade),
                    f.cap,
                    if f.breach {
                        " — VƯỢT"
                    } else {
                        " — không vượt"
                    }
                ),
                None => "không có".into(),
            };
            let _ = writeln!(
                out,
                "  {} — {name}{id}: {} → {}",
                f.quota,
                show(&f.before),
                show(&f.after)
            );
        }
        for ((quota, added), (groups, breached, lowered)) in one_sided {
            let what = if added { "mới" } else { "bỏ" };
            let lowered = if lowered > 0 {
                format!(", hạ bậc {}", style.int(lowered))
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "  {quota}: {what} — {} nhóm, {} vượt{lowered}",
                style.int(groups),
                style.int(breached)
            );
        }
        for (quota, n) in quiet {
            let _ = writeln!(
                out,
                "  {quota}: {} nhóm khác đổi số liệu, vẫn như cũ về vượt / không vượt",
                style.int(n as u64)
            );
        }
    }
    out
}

/// The diff as JSON, for other tools: every changed entity and finding.
pub fn to_json(data: &Dataset, before: &Side, after: &Side, diff: &Diff) -> serde_json::Value {
    use serde_json::{json, Map, Value as J};
    let p = after.program;
    let names = diff.state_names(p, "to_decide", "not_graded");
    let grade = |s: State| match s {
        State::Grade(g) => J::String(p.grade_code(g).to_string()),
        State::ToDecide => J::String("to_decide".into()),
        State::NotGraded => J::Null,
    };
    let side = |s: &Side| {
        let params: Map<String, J> = s
            .program
            .params
            .iter()
            .zip(s.params)
            .map(|(q, v)| (q.name.clone(), J::String(s.program.show_value(v, q.ty))))
            .collect();
        json!({
            "name": s.program.header.name,
            "year": s.program.header.year,
            "files": s.program.sources.files().iter().map(|f| f.name.clone()).collect::<Vec<_>>(),
            "parameters": params,
        })
    };
    let finding = |f: &Option<QuotaFinding>| match f {
        Some(f) => {
            json!({"base_count": f.base_count, "cap": f.cap, "count": f.count, "breach": f.breach, "lowered": f.lowered})
        }
        None => J::Null,
    };
    json!({
        "old": side(before),
        "new": side(after),
        "grade_scale_note": diff.note,
        "changed": diff.changes.len(),
        "levels": diff.levels.iter().map(|l| {
            let matrix: Map<String, J> = l.matrix.iter().enumerate().map(|(i, row)| {
                let cells: Map<String, J> = row.iter().enumerate().map(|(j, n)| (names[j].clone(), J::from(*n))).collect();
                (names[i].clone(), J::Object(cells))
            }).collect();
            json!({"label": l.label, "in_scope": l.in_scope, "changed": l.changed, "matrix": matrix})
        }).collect::<Vec<_>>(),
        "changes": diff.changes.iter().map(|c| json!({
            "id": data.id(p, c.kind, c.index),
            "kind": c.kind.keyword(),
            "name": data.name(p, c.kind, c.index),
            "before": grade(c.before),
            "after": grade(c.after),
            "clause_before": c.clause_before,
            "clause_after": c.clause_after,
            "why_before": c.why_before,
            "why_after": c.why_after,
        })).collect::<Vec<_>>(),
        "quota_findings": diff.findings.iter().map(|f| {
            let (group, group_id) = f.group.label(p, data);
            json!({"quota": f.quota, "group": group, "group_id": group_id, "before": finding(&f.before), "after": finding(&f.after)})
        }).collect::<Vec<_>>(),
    })
}

/// One CSV row per changed entity; `for_excel` adds the byte-order mark
/// and CRLF line ends Excel needs to read it right.
pub fn to_csv(
    program: &Program,
    data: &Dataset,
    diff: &Diff,
    for_excel: bool,
) -> Result<String, csv::Error> {
    let (start, end): (&[u8], _) = match for_excel {
        true => (b"\xEF\xBB\xBF", csv::Terminator::CRLF),
        false => (b"", csv::Terminator::Any(b'\n')),
    };
    let mut w = csv::WriterBuilder::new()
        .terminator(end)
        .from_writer(start.to_vec());
    w.write_record([
        "kind",
        "id",
        "name",
        "before",
        "after",
        "clause_before",
        "clause_after",
        "why_before",
        "why_after",
    ])?;
    let grade = |s: State| match s {
        State::Grade(g) => program.grade_code(g).to_string(),
        State::ToDecide => "to_decide".into(),
        State::NotGraded => String::new(),
    };
    for c in &diff.changes {
        w.write_record([
            c.kind.keyword(),
            data.id(program, c.kind, c.index),
            data.name(program, c.kind, c.index),
            &grade(c.before),
            &grade(c.after),
            c.clause_before.as_deref().unwrap_or(""),
            c.clause_after.as_deref().unwrap_or(""),
            &c.why_before,
            &c.why_after,
        ])?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
