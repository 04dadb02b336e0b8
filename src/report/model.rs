//! The report a committee sends upward, as one model every form is drawn
//! from (text, Word, Excel, HTML): the heading, for each reporting level
//! the counts the seed report gives (in scope, graded, each grade, not
//! graded by reason), the excellent share against "HTTNV trở lên" and
//! its cap, the quota findings in words, the organisations at the top and
//! bottom grade by name, an appendix row per grassroots organisation, and
//! every entity of each level. Numbers stay numbers here; each form
//! writes them its own way.

use crate::data::Dataset;
use crate::eval::{Outcome, QuotaFinding, Verdict};
use crate::program::{ClauseKind, Program};
use crate::syntax::ast::SubjectKind;
use crate::value::Value;

use super::json::{entity, JsonEntity};
use super::lists::{appendix, named, Appendix, Named};
use super::scope::Scope;

#[derive(serde::Serialize)]
pub struct Report {
    pub ruleset: String,
    pub year: i64,
    /// dd/mm/yyyy
    pub review_date: String,
    /// yyyy-mm-dd
    pub review_date_iso: String,
    /// Days since 1970-01-01.
    #[serde(skip)]
    pub review_day: i32,
    pub sources: Vec<String>,
    /// The organisation the report is for, when not the whole dataset:
    /// its name and id.
    pub unit: Option<(String, String)>,
    /// Each grade's code and full name, best first.
    pub grades: Vec<(String, String)>,
    pub levels: Vec<Level>,
    pub quotas: Vec<QuotaReport>,
    /// Per level of organisations: the names graded at the best and at
    /// the worst grade.
    pub named: Vec<Named>,
    pub appendix: Appendix,
    /// What the reader must know about how the figures were made (rows
    /// left out of the data), said under the heading.
    pub notes: Vec<String>,
}

#[derive(serde::Serialize)]
pub struct Level {
    pub label: String,
    #[serde(serialize_with = "kind_word")]
    pub kind: SubjectKind,
    pub in_scope: u64,
    pub graded: u64,
    pub to_decide: u64,
    /// Left to the competent level, by the reason the rules give.
    pub to_decide_reasons: Vec<(String, u64)>,
    /// Count per grade, best first.
    pub counts: Vec<u64>,
    /// Not graded, by the reason the rules give, most first.
    pub not_graded: Vec<(String, u64)>,
    /// The quota on the best grade that counts this level's entities, as
    /// its rule reads ("HTXSNV ≤ 20% × [HTTNV], floor"): held within each
    /// of its groups, not over the level.
    pub cap: Option<String>,
    /// A part of a level ("Trong đó: …"), shown in the table only.
    pub part: bool,
    /// Every entity of the level, in id order.
    pub entities: Vec<JsonEntity>,
}

impl Level {
    pub fn not_graded_total(&self) -> u64 {
        self.not_graded.iter().map(|(_, n)| n).sum()
    }
    /// (best grade, best two grades): the excellent share "so với số được
    /// xếp loại từ HTTNV trở lên".
    pub fn best_of_good_or_better(&self) -> (u64, u64) {
        let best = self.counts.first().copied().unwrap_or(0);
        (best, best + self.counts.get(1).copied().unwrap_or(0))
    }
}

#[derive(serde::Serialize)]
pub struct QuotaReport {
    pub name: String,
    /// "HTXSNV ≤ 20% × [HTTNV], floor"
    pub rule: String,
    pub cite: Option<String>,
    pub grade: String,
    /// What it counts, in words ("chi, đảng bộ cơ sở").
    pub noun: String,
    pub groups: Vec<GroupFinding>,
    /// Groups not by organisation, left out of a report for one
    /// organisation (the whole dataset's report has them).
    pub unsplit: usize,
}

#[derive(serde::Serialize)]
pub struct GroupFinding {
    pub group: String,
    pub group_id: Option<String>,
    pub count: u64,
    pub cap: u64,
    pub base_count: u64,
    pub breach: bool,
    pub lowered: u64,
}

fn kind_word<S: serde::Serializer>(kind: &SubjectKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(kind.keyword())
}

impl Report {
    /// The document's title.
    pub fn title(&self) -> String {
        format!(
            "Báo cáo kết quả kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng, đảng viên năm {}",
            self.year
        )
    }
    /// A grade's full name by its code.
    pub fn grade_name(&self, code: &str) -> String {
        self.grades
            .iter()
            .find(|(c, _)| c == code)
            .map_or_else(|| code.to_string(), |(_, name)| name.clone())
    }
}

/// The report of `outcome` over `scope`.
pub fn build(
    program: &Program,
    data: &Dataset,
    outcome: &Outcome,
    params: &[Value],
    unit: Option<u32>,
) -> Report {
    let scope = match unit {
        Some(u) => Scope::subtree(data, u),
        None => Scope::all(data),
    };
    let rows: Vec<Vec<u32>> = outcome
        .report_rows
        .iter()
        .zip(&program.report)
        .map(|(members, r)| {
            let mut mine: Vec<u32> = members
                .iter()
                .copied()
                .filter(|&i| scope.holds(r.kind, i))
                .collect();
            mine.sort_by(|&a, &b| data.id(program, r.kind, a).cmp(data.id(program, r.kind, b)));
            mine
        })
        .collect();
    let quota_rows = quota_rows(program, data, outcome, params);
    let levels: Vec<Level> = program
        .report
        .iter()
        .zip(&rows)
        .enumerate()
        .map(|(ri, (r, members))| {
            let mut level = level(program, data, outcome, &r.label, r.kind, members);
            level.cap = (0..program.quotas.len())
                .find(|&qi| program.quotas[qi].grade == 0 && quota_rows[qi] == Some(ri))
                .map(|qi| super::quota_rule_text(program, params, qi));
            level
        })
        .collect();
    let h = &program.header;
    Report {
        ruleset: h.name.clone(),
        year: h.year,
        review_date: crate::value::format_date_vi(h.review_date),
        review_date_iso: crate::value::format_date(h.review_date),
        review_day: h.review_date,
        sources: h.sources.clone(),
        unit: unit.map(|u| {
            (
                data.name(program, SubjectKind::Organisation, u).to_string(),
                data.id(program, SubjectKind::Organisation, u).to_string(),
            )
        }),
        grades: program
            .grades
            .iter()
            .map(|g| (g.code.clone(), g.label.clone()))
            .collect(),
        quotas: quotas(program, data, outcome, params, &scope, &quota_rows),
        named: named(program, data, outcome, &rows),
        appendix: appendix(program, data, outcome, &rows),
        notes: Vec::new(),
        levels,
    }
}

fn level(
    program: &Program,
    data: &Dataset,
    outcome: &Outcome,
    label: &str,
    kind: SubjectKind,
    members: &[u32],
) -> Level {
    let mut level = Level {
        label: label.to_string(),
        kind,
        in_scope: 0,
        graded: 0,
        to_decide: 0,
        to_decide_reasons: Vec::new(),
        counts: vec![0; program.grades.len()],
        not_graded: Vec::new(),
        cap: None,
        part: is_part(label),
        entities: Vec::with_capacity(members.len()),
    };
    let decisions = outcome.decisions(kind);
    for &i in members {
        let d = &decisions[i as usize];
        level.in_scope += 1;
        match d.verdict(program) {
            Verdict::Graded(g) => {
                level.graded += 1;
                level.counts[g as usize] += 1;
            }
            Verdict::ToDecide(r) => {
                level.to_decide += 1;
                count_reason(&mut level.to_decide_reasons, &r.reason);
            }
            Verdict::NotGraded | Verdict::OutOfScope => {
                let reason = match d.clause.map(|c| &program.clauses[c as usize].kind) {
                    Some(ClauseKind::NotGraded(r)) => r.clone(),
                    _ => "không có khối xếp loại áp dụng".to_string(),
                };
                count_reason(&mut level.not_graded, &reason);
            }
        }
        level.entities.push(entity(program, data, kind, i, d));
    }
    for reasons in [&mut level.not_graded, &mut level.to_decide_reasons] {
        reasons.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    }
    level
}

fn count_reason(reasons: &mut Vec<(String, u64)>, reason: &str) {
    match reasons.iter_mut().find(|(r, _)| r == reason) {
        Some((_, n)) => *n += 1,
        None => reasons.push((reason.to_string(), 1)),
    }
}

/// A level that is a part of the one above ("Trong đó: đảng viên …").
pub(super) fn is_part(label: &str) -> bool {
    label.trim_start().to_lowercase().starts_with("trong đó")
}

/// For each quota, the report row that holds every entity it counts
/// (the first such, over the whole dataset): where its cap is shown and
/// what its findings call those entities.
fn quota_rows(
    program: &Program,
    data: &Dataset,
    outcome: &Outcome,
    params: &[Value],
) -> Vec<Option<usize>> {
    (0..program.quotas.len())
        .map(|qi| {
            let subjects = crate::eval::quota_subjects(program, data, params, outcome, qi).ok()?;
            if subjects.is_empty() {
                return None;
            }
            program
                .report
                .iter()
                .zip(&outcome.report_rows)
                .position(|(r, members)| {
                    let mut sorted = members.clone();
                    sorted.sort_unstable();
                    r.kind == program.quotas[qi].kind
                        && subjects.iter().all(|s| sorted.binary_search(s).is_ok())
                })
        })
        .collect()
}

fn quotas(
    program: &Program,
    data: &Dataset,
    outcome: &Outcome,
    params: &[Value],
    scope: &Scope,
    quota_rows: &[Option<usize>],
) -> Vec<QuotaReport> {
    program
        .quotas
        .iter()
        .enumerate()
        .map(|(qi, q)| {
            let noun = quota_rows[qi]
                .map(|r| lower_first(&program.report[r].label))
                .unwrap_or_else(|| match q.kind {
                    SubjectKind::Member => "đảng viên".into(),
                    SubjectKind::Organisation => "tổ chức đảng".into(),
                });
            let mine = || outcome.findings.iter().filter(|f| f.quota == qi);
            let groups = mine()
                .filter(|f| group_in_scope(f, scope) == Some(true))
                .map(|f| group_finding(program, data, f))
                .collect();
            let unsplit = mine()
                .filter(|f| group_in_scope(f, scope).is_none())
                .count();
            QuotaReport {
                name: q.name.clone(),
                rule: super::quota_rule_text(program, params, qi),
                cite: q.cite.clone(),
                grade: program.grade_code(q.grade).to_string(),
                noun,
                groups,
                unsplit,
            }
        })
        .collect()
}

/// Whether a quota group is inside the report's scope; `None` when that
/// cannot be told (a group by a value or the whole dataset, in a report
/// for one organisation: its members may lie inside and outside).
fn group_in_scope(f: &QuotaFinding, scope: &Scope) -> Option<bool> {
    match f.group {
        crate::eval::GroupRef::Organisation(o) => Some(scope.organisations[o as usize]),
        _ if scope.organisations.iter().all(|&x| x) => Some(true),
        _ => None,
    }
}

fn group_finding(program: &Program, data: &Dataset, f: &QuotaFinding) -> GroupFinding {
    let (group, group_id) = f.group.label(program, data);
    GroupFinding {
        group,
        group_id,
        count: f.count.into(),
        cap: f.cap.into(),
        base_count: f.base_count.into(),
        breach: f.breach,
        lowered: f.lowered.into(),
    }
}

pub(super) fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
