//! Stage 5, report: an [`Outcome`] as the summary table a district sends
//! up, as JSON or CSV for other tools, and as explanations.

mod document;
mod docx;
mod explain;
mod format;
mod forms;
mod html;
mod json;
mod lists;
mod model;
mod scope;
mod xlsx;

use std::fmt::Write;

pub use document::{blocks, markdown, Block, Cell};
pub use explain::explain_text;
pub use format::{pad_left, pad_right, NumberStyle};
pub use forms::{write, Form};
pub use html::escape as html_escape;
pub use json::{
    entities_csv, entities_csv_excel, to_json, JsonEntity, JsonFinding, JsonReport, JsonSummaryRow,
};
pub use model::{build as build_report, Report};
pub use xlsx::dated as dated_properties;

use crate::data::Dataset;
use crate::eval::{Outcome, QuotaFinding, Verdict};
use crate::program::{ClauseKind, Program, QuotaModeC, Ty};
use crate::syntax::ast::SubjectKind;
use crate::value::Value;

/// One reporting level (a `row` of the rules' `report` block).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryRow {
    pub label: String,
    pub kind: SubjectKind,
    pub in_scope: u64,
    pub graded: u64,
    /// Left to the competent level ("chờ cấp có thẩm quyền xem xét, quyết
    /// định"): neither graded nor excluded.
    pub to_decide: u64,
    /// Count per grade, best first.
    pub counts: Vec<u64>,
}

impl SummaryRow {
    pub fn not_graded(&self) -> u64 {
        self.in_scope - self.graded - self.to_decide
    }
    /// (best grade, best two grades): the excellent share's numerator and
    /// base "of those graded HTTNV or better".
    pub fn excellent_of_good_or_better(&self) -> (u64, u64) {
        let best = self.counts.first().copied().unwrap_or(0);
        (best, best + self.counts.get(1).copied().unwrap_or(0))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub rows: Vec<SummaryRow>,
}

/// Counts per reporting level. An entity is in scope when a grading block
/// covers it; it is graded when it got a grade.
pub fn summary(program: &Program, outcome: &Outcome) -> Summary {
    let rows = program
        .report
        .iter()
        .zip(&outcome.report_rows)
        .map(|(r, members)| {
            let mut row = SummaryRow {
                label: r.label.clone(),
                kind: r.kind,
                in_scope: 0,
                graded: 0,
                to_decide: 0,
                counts: vec![0; program.grades.len()],
            };
            for &i in members {
                row.in_scope += 1;
                match outcome.decisions(r.kind)[i as usize].verdict(program) {
                    Verdict::Graded(g) => {
                        row.graded += 1;
                        row.counts[g as usize] += 1;
                    }
                    Verdict::ToDecide(_) => row.to_decide += 1,
                    Verdict::NotGraded | Verdict::OutOfScope => {}
                }
            }
            row
        })
        .collect();
    Summary { rows }
}

/// How a quota reads: "HTXSNV ≤ 20% × [HTTNV], floor".
pub fn quota_rule_text(program: &Program, params: &[Value], qi: usize) -> String {
    let q = &program.quotas[qi];
    let show = |e: &crate::program::CExpr, ty: Ty| match e {
        crate::program::CExpr::Param(i) => program.show_value(&params[*i as usize], ty),
        crate::program::CExpr::Const(v) => program.show_value(v, ty),
        _ => "…".into(),
    };
    let ratio = match &q.ratio {
        crate::program::CExpr::Param(_) | crate::program::CExpr::Const(_) => {
            show(&q.ratio, Ty::Percent)
        }
        // Read on each group's organisation: say how, as written.
        _ => q.ratio_text.clone(),
    };
    format!(
        "{} ≤ {} × {}, {}",
        program.grade_code(q.grade),
        ratio,
        show(&q.base, Ty::GradeSet),
        show(&q.rounding, Ty::Rounding)
    )
}

/// The summary table and the quota findings, in Vietnamese.
pub fn table(
    program: &Program,
    data: &Dataset,
    outcome: &Outcome,
    params: &[Value],
    style: NumberStyle,
) -> String {
    let s = summary(program, outcome);
    let mut out = String::new();
    let h = &program.header;
    let _ = writeln!(out, "{} — năm {}", h.name, h.year);
    let _ = writeln!(
        out,
        "Ngày đánh giá: {}",
        crate::value::format_date(h.review_date)
    );
    let _ = writeln!(out);
    // Every cell first, then each column as wide as its widest cell.
    let mut head: Vec<String> = vec!["Cấp".into(), "Tổng số".into(), "Đã xếp loại".into()];
    head.extend(program.grades.iter().map(|g| g.code.clone()));
    // Shown when some case waits for the competent level: a regime that
    // could refer but did not keeps the layout of the seed report.
    let refers = s.rows.iter().any(|r| r.to_decide > 0);
    if refers {
        head.push("Chờ cấp có thẩm quyền".into());
    }
    head.push("Không xếp loại".into());
    let body: Vec<Vec<String>> = s
        .rows
        .iter()
        .map(|r| {
            let mut cells = vec![r.label.clone(), style.int(r.in_scope), style.int(r.graded)];
            cells.extend(
                r.counts
                    .iter()
                    .map(|&c| format!("{} ({})", style.int(c), style.percent(c, r.graded))),
            );
            if refers {
                cells.push(style.int(r.to_decide));
            }
            cells.push(style.int(r.not_graded()));
            cells
        })
        .collect();
    let widths: Vec<usize> = (0..head.len())
        .map(|i| {
            std::iter::once(&head[i])
                .chain(body.iter().map(|r| &r[i]))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| {
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i == 0 {
                    pad_right(c, widths[i])
                } else {
                    pad_left(c, widths[i])
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
    };
    let header = line(&head);
    let _ = writeln!(out, "{header}");
    let _ = writeln!(out, "{}", "─".repeat(header.chars().count()));
    for r in &body {
        let _ = writeln!(out, "{}", line(r));
    }
    if program.grades.len() >= 2 {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "Tỷ lệ {} so với số được xếp loại từ {} trở lên:",
            program.grades[0].code, program.grades[1].code
        );
        for r in &s.rows {
            let (best, base) = r.excellent_of_good_or_better();
            let _ = writeln!(
                out,
                "  {}: {} ({}/{})",
                r.label,
                style.percent(best, base),
                style.int(best),
                style.int(base)
            );
        }
    }
    out.push_str(&referrals_text(program, outcome, style));
    out.push_str(&findings_text(
        program,
        data,
        &outcome.findings,
        params,
        style,
    ));
    out
}

/// The cases left to the competent level, counted by clause (each clause
/// states one reason), members before organisations.
pub fn referrals_text(program: &Program, outcome: &Outcome, style: NumberStyle) -> String {
    let mut out = String::new();
    let mut counts = vec![0u64; program.clauses.len()];
    for d in outcome.members.iter().chain(&outcome.organisations) {
        if let (Some(c), Verdict::ToDecide(_)) = (d.clause, d.verdict(program)) {
            counts[c as usize] += 1;
        }
    }
    if counts.iter().all(|&n| n == 0) {
        return out;
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "Chờ cấp có thẩm quyền xem xét, quyết định:");
    for (c, n) in counts.iter().enumerate().filter(|(_, &n)| n > 0) {
        let clause = &program.clauses[c];
        let ClauseKind::Refer(r) = &clause.kind else {
            continue;
        };
        let who = match program.blocks[clause.block].kind {
            SubjectKind::Member => "đảng viên",
            SubjectKind::Organisation => "tổ chức",
        };
        let among = if r.among.is_empty() {
            String::new()
        } else {
            let codes: Vec<&str> = r.among.iter().map(|&g| program.grade_code(g)).collect();
            format!(" (còn xem xét: {})", codes.join(", "))
        };
        let _ = writeln!(
            out,
            "  {} {who} — {} [{}]{among}",
            style.int(*n),
            r.reason,
            clause.name
        );
    }
    out
}

/// Per quota: the rule, how many groups, and every group over its cap.
pub fn findings_text(
    program: &Program,
    data: &Dataset,
    findings: &[QuotaFinding],
    params: &[Value],
    style: NumberStyle,
) -> String {
    let mut out = String::new();
    if program.quotas.is_empty() {
        return out;
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "Giới hạn tỷ lệ (quota):");
    for (qi, q) in program.quotas.iter().enumerate() {
        let mine: Vec<&QuotaFinding> = findings.iter().filter(|f| f.quota == qi).collect();
        let breaches: Vec<&&QuotaFinding> = mine.iter().filter(|f| f.breach).collect();
        let mode = match q.mode {
            QuotaModeC::Check => "kiểm tra",
            QuotaModeC::Enforce(_) => "áp dụng",
        };
        let _ = writeln!(
            out,
            "  {} ({}; {}): {} nhóm, {} vượt",
            q.name,
            quota_rule_text(program, params, qi),
            mode,
            style.int(mine.len() as u64),
            style.int(breaches.len() as u64)
        );
        for f in breaches {
            let (name, id) = f.group.label(program, data);
            let id = id.map(|i| format!(" [{i}]")).unwrap_or_default();
            let action = if f.lowered > 0 {
                format!("; hạ {} bậc một", style.int(f.lowered as u64))
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "    VƯỢT  {name}{id}: {} {} > tối đa {} (cơ sở tính {}){action}",
                style.int(f.count as u64),
                program.grade_code(f.grade),
                style.int(f.cap as u64),
                style.int(f.base_count as u64),
            );
        }
    }
    out
}
