//! The lists of a report: the organisations graded best and worst, by
//! name, and the appendix of one row per grassroots organisation.

use crate::data::Dataset;
use crate::eval::Outcome;
use crate::program::Program;
use crate::syntax::ast::SubjectKind;

use super::scope::nearest_marked;

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

pub(super) fn named(
    program: &Program,
    data: &Dataset,
    outcome: &Outcome,
    rows: &[Vec<u32>],
) -> Vec<Named> {
    let worst = program.grades.len().saturating_sub(1) as u8;
    let mut out = Vec::new();
    let org = SubjectKind::Organisation;
    let first = program.report.iter().position(|r| r.kind == org);
    for (ri, (r, members)) in program.report.iter().zip(rows).enumerate() {
        if r.kind != org || super::model::is_part(&r.label) {
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

pub(super) fn appendix(
    program: &Program,
    data: &Dataset,
    outcome: &Outcome,
    rows: &[Vec<u32>],
) -> Appendix {
    // The grassroots level: the first level of organisations with more
    // than one in the report (above it, a district or a commune's own
    // committee is one row); else the first with any.
    let orgs = |least: usize| {
        program.report.iter().zip(rows).position(|(r, members)| {
            r.kind == SubjectKind::Organisation
                && !super::model::is_part(&r.label)
                && members.len() >= least
        })
    };
    let Some(first) = orgs(2).or_else(|| orgs(1)) else {
        return Appendix {
            level: String::new(),
            columns: Vec::new(),
            rows: Vec::new(),
        };
    };
    let later: Vec<usize> = (first + 1..program.report.len())
        .filter(|&l| !super::model::is_part(&program.report[l].label))
        .collect();
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
