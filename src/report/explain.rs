//! A trail as text: what a staff member reads when asking "why this grade?".

use std::fmt::Write;

use crate::data::Dataset;
use crate::eval::{Step, Trail};
use crate::program::{ClauseKind, Program};
use crate::syntax::ast::SubjectKind;
use crate::value::Value;

use super::quota_rule_text;

fn cite(program: &Program, clause: usize) -> String {
    program.clauses[clause]
        .cite
        .as_ref()
        .map(|c| format!("  [{c}]"))
        .unwrap_or_default()
}

fn clause_words(program: &Program, clause: usize) -> String {
    let c = &program.clauses[clause];
    let label = c
        .label
        .as_ref()
        .map(|l| format!(" — {l}"))
        .unwrap_or_default();
    match &c.kind {
        ClauseKind::NotGraded(reason) => format!("{}: không xếp loại — {reason}", c.name),
        ClauseKind::Grade(g) | ClauseKind::Otherwise(g) => {
            format!("{}: {}{label}", c.name, program.grade_code(*g))
        }
        ClauseKind::Cap(g) => format!("{}: tối đa {}{label}", c.name, program.grade_code(*g)),
        ClauseKind::Refer(r) => format!("{}: chờ cấp có thẩm quyền — {}", c.name, r.reason),
    }
}

/// "HTTNV, HTNV": the grades a referral leaves in question.
fn grades_in_question(program: &Program, among: &[u8]) -> String {
    let codes: Vec<&str> = among.iter().map(|&g| program.grade_code(g)).collect();
    codes.join(", ")
}

/// The values a condition read, one per line under its clause.
fn values_read(out: &mut String, readings: &[(String, String)]) {
    for (what, value) in readings {
        let _ = writeln!(out, "       {what} = {value}");
    }
}

/// The trail, line by line, with citations and the values read.
pub fn explain_text(program: &Program, data: &Dataset, params: &[Value], trail: &Trail) -> String {
    let mut out = String::new();
    let (kind_word, link_word) = match trail.kind {
        SubjectKind::Member => ("Đảng viên", "thuộc"),
        SubjectKind::Organisation => ("Tổ chức", "trực thuộc"),
    };
    let id = data.id(program, trail.kind, trail.index);
    let name = data.name(program, trail.kind, trail.index);
    let _ = write!(out, "{kind_word} {id} — {name}");
    let up = match trail.kind {
        SubjectKind::Member => data.member_org[trail.index as usize],
        SubjectKind::Organisation => data.org_parent[trail.index as usize],
    };
    if up != u32::MAX {
        let _ = write!(
            out,
            " ({link_word} {} [{}])",
            data.name(program, SubjectKind::Organisation, up),
            data.id(program, SubjectKind::Organisation, up)
        );
    }
    let _ = writeln!(out);
    let Some(block) = trail.block else {
        let _ = writeln!(
            out,
            "Không có khối xếp loại nào áp dụng: ngoài phạm vi đánh giá."
        );
        return out;
    };
    let _ = writeln!(out, "Khối xếp loại: {}", program.blocks[block].name);
    let by_otherwise = trail
        .decision
        .clause
        .map(|c| &program.clauses[c as usize].kind)
        .is_some_and(|k| k.is_otherwise() || matches!(k, ClauseKind::Refer(_)));
    for step in &trail.steps {
        match step {
            Step::Skipped { clause, readings } => {
                let _ = writeln!(
                    out,
                    "  ·  {} (không áp dụng)",
                    clause_words(program, *clause)
                );
                // When nothing but `otherwise` held, say why each grade missed.
                if by_otherwise && matches!(program.clauses[*clause].kind, ClauseKind::Grade(_)) {
                    values_read(&mut out, readings);
                }
            }
            Step::Decided { clause, readings } => {
                let _ = writeln!(
                    out,
                    "  ✓  {}{}",
                    clause_words(program, *clause),
                    cite(program, *clause)
                );
                values_read(&mut out, readings);
            }
            Step::Capped {
                clause,
                lowered,
                readings,
            } => {
                let effect = if *lowered {
                    "hạ xuống"
                } else {
                    "không thay đổi"
                };
                let _ = writeln!(
                    out,
                    "  ↓  {} ({effect}){}",
                    clause_words(program, *clause),
                    cite(program, *clause)
                );
                values_read(&mut out, readings);
            }
            Step::Lowered { action } => {
                let q = &program.quotas[action.quota as usize];
                let qcite = q
                    .cite
                    .as_ref()
                    .map(|c| format!("  [{c}]"))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "  ↓  quota {} ({}): xếp thứ {} trong nhóm, tối đa {} → hạ từ {} xuống {}{qcite}",
                    q.name,
                    quota_rule_text(program, params, action.quota as usize),
                    action.rank,
                    action.cap,
                    program.grade_code(action.from),
                    program.grade_code(action.to)
                );
            }
            Step::Flagged { finding } => {
                let q = &program.quotas[finding.quota];
                let (group, _) = finding.group.label(program, data);
                let _ = writeln!(
                    out,
                    "  !  quota {} ({}): nhóm {group} có {} {} > tối đa {} — vượt, cần cấp có thẩm quyền xem xét",
                    q.name,
                    quota_rule_text(program, params, finding.quota),
                    finding.count,
                    program.grade_code(finding.grade),
                    finding.cap
                );
            }
        }
    }
    let d = &trail.decision;
    match (d.grade, d.clause) {
        (Some(g), _) => {
            let _ = writeln!(
                out,
                "Kết quả: {} — {}",
                program.grade_code(g),
                program.grades[g as usize].label
            );
        }
        (None, Some(c)) => match &program.clauses[c as usize].kind {
            ClauseKind::NotGraded(reason) => {
                let _ = writeln!(out, "Kết quả: không xếp loại — {reason}");
            }
            ClauseKind::Refer(r) => {
                let _ = writeln!(
                    out,
                    "Kết quả: chưa xếp loại — cấp có thẩm quyền xem xét, quyết định: {}",
                    r.reason
                );
                if !r.among.is_empty() {
                    let _ = writeln!(
                        out,
                        "Các mức còn được xem xét: {}",
                        grades_in_question(program, &r.among)
                    );
                }
            }
            _ => {}
        },
        (None, None) => {
            let _ = writeln!(out, "Kết quả: không xếp loại");
        }
    }
    out
}
