//! The stable machine-readable forms: JSON (one object) and CSV (one row
//! per entity). The JSON shape is documented in README.md.

use std::collections::BTreeMap;

use serde::Serialize;

use super::summary;
use crate::data::Dataset;
use crate::eval::{Decision, Outcome, Verdict};
use crate::program::{ClauseKind, Program};
use crate::syntax::ast::SubjectKind;
use crate::value::Value;

#[derive(Debug, Serialize)]
pub struct JsonReport {
    pub ruleset: JsonRuleset,
    /// Parameter values used, as the rules would write them.
    pub parameters: BTreeMap<String, String>,
    pub summary: Vec<JsonSummaryRow>,
    pub quota_findings: Vec<JsonFinding>,
    pub entities: Vec<JsonEntity>,
}

#[derive(Debug, Serialize)]
pub struct JsonRuleset {
    pub name: String,
    pub year: i64,
    pub review_date: String,
    pub sources: Vec<String>,
    pub files: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct JsonSummaryRow {
    pub label: String,
    pub kind: &'static str,
    pub in_scope: u64,
    pub graded: u64,
    pub not_graded: u64,
    /// Left to the competent level to decide.
    pub to_decide: u64,
    /// Count per grade code, in declaration order.
    pub grades: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Serialize)]
pub struct JsonFinding {
    pub quota: String,
    pub grade: String,
    pub group: String,
    pub group_id: Option<String>,
    pub base_count: u32,
    pub cap: u32,
    pub count: u32,
    pub breach: bool,
    pub lowered: u32,
}

#[derive(Debug, Serialize)]
pub struct JsonEntity {
    pub id: String,
    pub kind: &'static str,
    pub name: String,
    /// The member's organisation or the organisation's parent.
    pub parent: Option<String>,
    /// `graded`, `not_graded`, `to_decide` (for the competent level) or
    /// `out_of_scope`.
    pub outcome: &'static str,
    pub grade: Option<String>,
    pub not_graded_reason: Option<String>,
    /// Why the text leaves the case to the competent level.
    pub to_decide_reason: Option<String>,
    /// The grades still in question for a case to decide (empty: any).
    pub grades_in_question: Vec<String>,
    pub clause: Option<String>,
    pub cite: Option<String>,
    pub caps: Vec<String>,
    pub quota: Option<String>,
}

fn kind_word(kind: SubjectKind) -> &'static str {
    kind.keyword()
}

pub(super) fn entity(
    program: &Program,
    data: &Dataset,
    kind: SubjectKind,
    i: u32,
    d: &Decision,
) -> JsonEntity {
    let up = match kind {
        SubjectKind::Member => data.member_org[i as usize],
        SubjectKind::Organisation => data.org_parent[i as usize],
    };
    let clause = d.clause.map(|c| &program.clauses[c as usize]);
    let verdict = d.verdict(program);
    let not_graded_reason = match (verdict, clause.map(|c| &c.kind)) {
        (Verdict::OutOfScope, _) => {
            Some("ngoài phạm vi: không có khối xếp loại áp dụng".to_string())
        }
        (Verdict::NotGraded, Some(ClauseKind::NotGraded(r))) => Some(r.clone()),
        _ => None,
    };
    let (outcome, referral) = match verdict {
        Verdict::Graded(_) => ("graded", None),
        Verdict::NotGraded => ("not_graded", None),
        Verdict::ToDecide(r) => ("to_decide", Some(r)),
        Verdict::OutOfScope => ("out_of_scope", None),
    };
    JsonEntity {
        id: data.id(program, kind, i).to_string(),
        kind: kind_word(kind),
        name: data.name(program, kind, i).to_string(),
        parent: (up != u32::MAX)
            .then(|| data.id(program, SubjectKind::Organisation, up).to_string()),
        outcome,
        grade: d.grade.map(|g| program.grade_code(g).to_string()),
        not_graded_reason,
        to_decide_reason: referral.map(|r| r.reason.clone()),
        grades_in_question: referral
            .map(|r| {
                r.among
                    .iter()
                    .map(|&g| program.grade_code(g).to_string())
                    .collect()
            })
            .unwrap_or_default(),
        clause: clause.map(|c| c.name.clone()),
        cite: clause.and_then(|c| c.cite.clone()),
        caps: d
            .caps
            .iter()
            .map(|&c| program.clauses[c as usize].name.clone())
            .collect(),
        quota: d
            .quota
            .map(|a| program.quotas[a.quota as usize].name.clone()),
    }
}

/// The whole outcome as one JSON value.
pub fn to_json(
    program: &Program,
    data: &Dataset,
    outcome: &Outcome,
    params: &[Value],
) -> JsonReport {
    let s = summary(program, outcome);
    let summary = s
        .rows
        .iter()
        .map(|r| {
            let mut grades = serde_json::Map::new();
            for (g, c) in program.grades.iter().zip(&r.counts) {
                grades.insert(g.code.clone(), (*c).into());
            }
            JsonSummaryRow {
                label: r.label.clone(),
                kind: kind_word(r.kind),
                in_scope: r.in_scope,
                graded: r.graded,
                not_graded: r.not_graded(),
                to_decide: r.to_decide,
                grades,
            }
        })
        .collect();
    let quota_findings = outcome
        .findings
        .iter()
        .map(|f| {
            let (group, group_id) = f.group.label(program, data);
            JsonFinding {
                quota: program.quotas[f.quota].name.clone(),
                grade: program.grade_code(f.grade).to_string(),
                group,
                group_id,
                base_count: f.base_count,
                cap: f.cap,
                count: f.count,
                breach: f.breach,
                lowered: f.lowered,
            }
        })
        .collect();
    let mut entities = Vec::with_capacity(outcome.organisations.len() + outcome.members.len());
    for (kind, decisions) in [
        (SubjectKind::Organisation, &outcome.organisations),
        (SubjectKind::Member, &outcome.members),
    ] {
        for (i, d) in decisions.iter().enumerate() {
            entities.push(entity(program, data, kind, i as u32, d));
        }
    }
    let h = &program.header;
    JsonReport {
        ruleset: JsonRuleset {
            name: h.name.clone(),
            year: h.year,
            review_date: crate::value::format_date(h.review_date),
            sources: h.sources.clone(),
            files: program
                .sources
                .files()
                .iter()
                .map(|f| f.name.clone())
                .collect(),
        },
        parameters: program
            .params
            .iter()
            .zip(params)
            .map(|(p, v)| (p.name.clone(), program.show_value(v, p.ty)))
            .collect(),
        summary,
        quota_findings,
        entities,
    }
}

/// One CSV row per entity, organisations first.
pub fn entities_csv(
    program: &Program,
    data: &Dataset,
    outcome: &Outcome,
) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "kind",
        "id",
        "name",
        "parent",
        "outcome",
        "grade",
        "not_graded_reason",
        "to_decide_reason",
        "grades_in_question",
        "clause",
        "cite",
        "caps",
        "quota",
    ])?;
    for (kind, decisions) in [
        (SubjectKind::Organisation, &outcome.organisations),
        (SubjectKind::Member, &outcome.members),
    ] {
        for (i, d) in decisions.iter().enumerate() {
            let e = entity(program, data, kind, i as u32, d);
            w.write_record([
                e.kind.to_string(),
                e.id,
                e.name,
                e.parent.unwrap_or_default(),
                e.outcome.to_string(),
                e.grade.unwrap_or_default(),
                e.not_graded_reason.unwrap_or_default(),
                e.to_decide_reason.unwrap_or_default(),
                e.grades_in_question.join(";"),
                e.clause.unwrap_or_default(),
                e.cite.unwrap_or_default(),
                e.caps.join(";"),
                e.quota.unwrap_or_default(),
            ])?;
        }
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// What became of an entity, in a report's words.
pub(super) fn outcome_words(outcome: &str) -> &'static str {
    match outcome {
        "graded" => "Đã xếp loại",
        "not_graded" => "Không xếp loại",
        "to_decide" => "Chờ cấp có thẩm quyền xem xét",
        _ => "Ngoài phạm vi xếp loại",
    }
}

/// A cell Excel would run as a formula (`=`, `+`, `-`, `@` first) is
/// kept as text by a leading apostrophe, as Excel itself writes one.
pub(super) fn inert_for_excel(cell: &mut String) {
    if cell.starts_with(['=', '+', '-', '@']) {
        cell.insert(0, '\'');
    }
}

/// One row per entity for Excel: UTF-8 with a byte-order mark (without
/// it Excel reads the Vietnamese as mojibake), CRLF, Vietnamese headers,
/// grades by their full names, organisations first.
pub fn entities_csv_excel(
    program: &Program,
    data: &Dataset,
    outcome: &Outcome,
) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record([
        "Loại",
        "Mã",
        "Tên",
        "Trực thuộc",
        "Kết quả",
        "Xếp loại",
        "Ký hiệu",
        "Lý do không xếp loại",
        "Lý do chờ cấp có thẩm quyền",
        "Mức còn xem xét",
        "Điều khoản quyết định",
        "Căn cứ",
        "Giới hạn đã áp dụng",
        "Hạ loại theo tỷ lệ",
    ])?;
    let label = |code: &str| {
        program
            .grades
            .iter()
            .find(|g| g.code == code)
            .map_or_else(|| code.to_string(), |g| g.label.clone())
    };
    for (kind, decisions) in [
        (SubjectKind::Organisation, &outcome.organisations),
        (SubjectKind::Member, &outcome.members),
    ] {
        for (i, d) in decisions.iter().enumerate() {
            let e = entity(program, data, kind, i as u32, d);
            let mut row = [
                match kind {
                    SubjectKind::Organisation => "Tổ chức đảng".to_string(),
                    SubjectKind::Member => "Đảng viên".to_string(),
                },
                e.id,
                e.name,
                e.parent.unwrap_or_default(),
                outcome_words(e.outcome).to_string(),
                e.grade.as_deref().map(label).unwrap_or_default(),
                e.grade.unwrap_or_default(),
                e.not_graded_reason.unwrap_or_default(),
                e.to_decide_reason.unwrap_or_default(),
                e.grades_in_question.join("; "),
                e.clause.unwrap_or_default(),
                e.cite.unwrap_or_default(),
                e.caps.join("; "),
                e.quota.unwrap_or_default(),
            ];
            row.iter_mut().for_each(inert_for_excel);
            w.write_record(&row)?;
        }
    }
    w.into_inner().map_err(|e| e.into_error().into())
}
