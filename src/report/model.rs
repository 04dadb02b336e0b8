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
use crate::program::{ClauseKind, Program, Ty};
use crate::syntax::ast::SubjectKind;
use crate::value::Value;

use super::json::{entity, JsonEntity};

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
}

#[derive(serde::Serialize)]
pub struct Level {
    pub label: String,
    #[serde(serialize_with = "kind_word")]
    pub kind: SubjectKind,
    pub in_scope: u64,
    pub graded: u64,
    pub to_decide: u64,
    /// Count per grade, best first.
    pub counts: Vec<u64>,
    /// Not graded, by the reason the rules give, most first.
    pub not_graded: Vec<(String, u64)>,
    /// The cap on the best grade for this level, as the rules set it
    /// (`20%`), when a quota holds it.
    pub cap: Option<String>,
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

#[derive(serde::Serialize)]
pub struct Named {
    pub level: String,
    pub grade: String,
    pub names: Vec<String>,
}

/// One row per organisation of the first organisation level, with the
/// counts per grade of every later level inside it.
#[derive(serde::Serialize)]
pub struct Appendix {
    pub level: String,
    /// The later levels' labels.
    pub columns: Vec<String>,
    pub rows: Vec<AppendixRow>,
}

#[derive(serde::Serialize)]
pub struct AppendixRow {
    pub id: String,
    pub name: String,
    pub grade: Option<String>,
    /// Per later level, count per grade.
    pub counts: Vec<Vec<u64>>,
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

/// Which entities the report covers: all, or one organisation's subtree.
pub struct Scope {
    pub organisations: Vec<bool>,
    pub members: Vec<bool>,
}

impl Scope {
    pub fn all(data: &Dataset) -> Scope {
        Scope {
            organisations: vec![true; data.organisations.len()],
            members: vec![true; data.members.len()],
        }
    }

    /// Organisation `unit` and everything under it.
    pub fn subtree(data: &Dataset, unit: u32) -> Scope {
        let mut marked = vec![false; data.organisations.len()];
        marked[unit as usize] = true;
        let organisations: Vec<bool> = nearest_marked(&data.org_parent, &marked)
            .into_iter()
            .map(|a| a == unit)
            .collect();
        let members = data
            .member_org
            .iter()
            .map(|&o| o != u32::MAX && organisations[o as usize])
            .collect();
        Scope {
            organisations,
            members,
        }
    }

    fn holds(&self, kind: SubjectKind, i: u32) -> bool {
        match kind {
            SubjectKind::Member => self.members[i as usize],
            SubjectKind::Organisation => self.organisations[i as usize],
        }
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
                .map(|qi| ratio_text(program, params, qi));
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
        counts: vec![0; program.grades.len()],
        not_graded: Vec::new(),
        cap: None,
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
            Verdict::ToDecide(_) => level.to_decide += 1,
            Verdict::NotGraded | Verdict::OutOfScope => {
                let reason = match d.clause.map(|c| &program.clauses[c as usize].kind) {
                    Some(ClauseKind::NotGraded(r)) => r.clone(),
                    _ => "không có khối xếp loại áp dụng".to_string(),
                };
                match level.not_graded.iter_mut().find(|(r, _)| *r == reason) {
                    Some((_, n)) => *n += 1,
                    None => level.not_graded.push((reason, 1)),
                }
            }
        }
        level.entities.push(entity(program, data, kind, i, d));
    }
    level
        .not_graded
        .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    level
}

/// A quota's ratio as the rules set it (`20%`).
fn ratio_text(program: &Program, params: &[Value], qi: usize) -> String {
    let q = &program.quotas[qi];
    match &q.ratio {
        crate::program::CExpr::Param(i) => program.show_value(&params[*i as usize], Ty::Percent),
        crate::program::CExpr::Const(v) => program.show_value(v, Ty::Percent),
        _ => q.ratio_text.clone(),
    }
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
            let groups = outcome
                .findings
                .iter()
                .filter(|f| f.quota == qi && group_in_scope(f, scope))
                .map(|f| group_finding(program, data, f))
                .collect();
            QuotaReport {
                name: q.name.clone(),
                rule: super::quota_rule_text(program, params, qi),
                cite: q.cite.clone(),
                grade: program.grade_code(q.grade).to_string(),
                noun,
                groups,
            }
        })
        .collect()
}

fn group_in_scope(f: &QuotaFinding, scope: &Scope) -> bool {
    match f.group {
        crate::eval::GroupRef::Organisation(o) => scope.organisations[o as usize],
        // Groups by a value or the whole: only a whole-dataset report.
        _ => scope.organisations.iter().all(|&x| x),
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

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn named(program: &Program, data: &Dataset, outcome: &Outcome, rows: &[Vec<u32>]) -> Vec<Named> {
    let worst = program.grades.len().saturating_sub(1) as u8;
    let mut out = Vec::new();
    let org = SubjectKind::Organisation;
    let first = program.report.iter().position(|r| r.kind == org);
    for (ri, (r, members)) in program.report.iter().zip(rows).enumerate() {
        if r.kind != org {
            continue;
        }
        // Below the first level, many cells share a name ("Chi bộ Trường
        // Mầm non"): the organisation above tells them apart.
        let name = |i: u32| {
            let own = data.name(program, org, i);
            match data.org_parent[i as usize] {
                p if Some(ri) != first && p != u32::MAX => {
                    format!("{own} ({})", data.name(program, org, p))
                }
                _ => own.to_string(),
            }
        };
        for grade in [0, worst] {
            let names = members
                .iter()
                .filter(|&&i| outcome.organisations[i as usize].grade == Some(grade))
                .map(|&i| name(i))
                .collect();
            out.push(Named {
                level: r.label.clone(),
                grade: program.grade_code(grade).to_string(),
                names,
            });
        }
    }
    out
}

fn appendix(program: &Program, data: &Dataset, outcome: &Outcome, rows: &[Vec<u32>]) -> Appendix {
    let first = program
        .report
        .iter()
        .position(|r| r.kind == SubjectKind::Organisation);
    let Some(first) = first else {
        return Appendix {
            level: String::new(),
            columns: Vec::new(),
            rows: Vec::new(),
        };
    };
    let later: Vec<usize> = (first + 1..program.report.len()).collect();
    let grades = program.grades.len();
    // Each organisation's nearest ancestor (or itself) at the first level.
    let mut at_first = vec![false; data.organisations.len()];
    for &o in &rows[first] {
        at_first[o as usize] = true;
    }
    let top = nearest_marked(&data.org_parent, &at_first);
    let mut slot = vec![usize::MAX; data.organisations.len()];
    for (k, &o) in rows[first].iter().enumerate() {
        slot[o as usize] = k;
    }
    let mut counts = vec![vec![vec![0u64; grades]; later.len()]; rows[first].len()];
    for (c, &l) in later.iter().enumerate() {
        let kind = program.report[l].kind;
        for &i in &rows[l] {
            let org = match kind {
                SubjectKind::Member => data.member_org[i as usize],
                SubjectKind::Organisation => i,
            };
            let Some(&t) = top.get(org as usize) else {
                continue;
            };
            let Some(g) = outcome.decisions(kind)[i as usize].grade else {
                continue;
            };
            if t != u32::MAX {
                counts[slot[t as usize]][c][g as usize] += 1;
            }
        }
    }
    let out_rows = rows[first]
        .iter()
        .zip(counts)
        .map(|(&o, counts)| AppendixRow {
            id: data.id(program, SubjectKind::Organisation, o).to_string(),
            name: data.name(program, SubjectKind::Organisation, o).to_string(),
            grade: outcome.organisations[o as usize]
                .grade
                .map(|g| program.grade_code(g).to_string()),
            counts,
        })
        .collect();
    Appendix {
        level: program.report[first].label.clone(),
        columns: later
            .iter()
            .map(|&l| program.report[l].label.clone())
            .collect(),
        rows: out_rows,
    }
}

/// For each organisation, its nearest ancestor-or-self that is `marked`
/// (`u32::MAX` when none is).
fn nearest_marked(parent: &[u32], marked: &[bool]) -> Vec<u32> {
    let mut out: Vec<Option<u32>> = vec![None; parent.len()];
    for o in 0..parent.len() {
        let mut path = Vec::new();
        let mut at = o;
        let answer = loop {
            if let Some(a) = out[at] {
                break a;
            }
            if marked[at] {
                break at as u32;
            }
            path.push(at);
            match parent[at] {
                u32::MAX => break u32::MAX,
                p => at = p as usize,
            }
        };
        for p in path {
            out[p] = Some(answer);
        }
        out[o] = Some(answer);
    }
    out.into_iter().map(|a| a.unwrap_or(u32::MAX)).collect()
}
