//! The engine's outcome in the reference's terms (names, codes, ids), and
//! a readable difference between the two.

use std::collections::BTreeMap;

use xeploai::data::Dataset;
use xeploai::eval::{EvalError, GroupRef, Outcome as EOutcome};
use xeploai::program::Program;
use xeploai::syntax::ast::SubjectKind;

use super::reference::{Dec, Finding, Outcome, Stop};

pub fn outcome(p: &Program, data: &Dataset, out: &EOutcome) -> Outcome {
    let mut entities = BTreeMap::new();
    for kind in [SubjectKind::Member, SubjectKind::Organisation] {
        for (i, d) in out.decisions(kind).iter().enumerate() {
            let id = data.id(p, kind, i as u32).to_string();
            let code = |g: Option<u8>| g.map(|g| p.grade_code(g).to_string());
            let dec = Dec {
                kind: match kind {
                    SubjectKind::Member => "member",
                    SubjectKind::Organisation => "organisation",
                },
                grade: code(d.grade),
                block: d.block.map(|b| p.blocks[b as usize].name.clone()),
                clause: d.clause.map(|c| p.clauses[c as usize].name.clone()),
                decided: code(d.decided),
                caps: d
                    .caps
                    .iter()
                    .map(|&c| p.clauses[c as usize].name.clone())
                    .collect(),
                quota: d.quota.map(|a| {
                    format!(
                        "{}: {}→{} rank {} cap {}",
                        p.quotas[a.quota as usize].name,
                        p.grade_code(a.from),
                        p.grade_code(a.to),
                        a.rank,
                        a.cap
                    )
                }),
                to_decide: match d.verdict(p) {
                    xeploai::eval::Verdict::ToDecide(r) => Some((
                        r.reason.clone(),
                        r.among
                            .iter()
                            .map(|&g| p.grade_code(g).to_string())
                            .collect(),
                    )),
                    _ => None,
                },
            };
            if entities.insert(id.clone(), dec).is_some() {
                panic!("engine: two entities with id {id}");
            }
        }
    }
    let mut findings: Vec<Finding> = out
        .findings
        .iter()
        .map(|f| Finding {
            quota: p.quotas[f.quota].name.clone(),
            group: group_name(p, data, &f.group),
            grade: p.grade_code(f.grade).to_string(),
            base_count: f.base_count,
            cap: f.cap,
            count: f.count,
            breach: f.breach,
            lowered: f.lowered,
        })
        .collect();
    findings.sort();
    Outcome { entities, findings }
}

pub fn group_name(p: &Program, data: &Dataset, g: &GroupRef) -> String {
    match g {
        GroupRef::All => "all".into(),
        GroupRef::Organisation(o) => format!("org {}", data.id(p, SubjectKind::Organisation, *o)),
        GroupRef::Outside => "outside".into(),
        GroupRef::Value(s) => format!("value {s}"),
        GroupRef::Text(s) => format!("value {s:?}"),
    }
}

/// The engine's error in the reference's terms, where it has one.
pub fn stop(e: &EvalError) -> Option<Stop> {
    match e {
        EvalError::QuotaAfterParent { quota, .. } => Some(Stop::QuotaOrder {
            quota: quota.clone(),
        }),
        EvalError::NoCap { quota, .. } => Some(Stop::NoCap {
            quota: quota.clone(),
        }),
        _ => None,
    }
}

/// Every difference between two outcomes, one per line (at most `limit`).
pub fn diff(engine: &Outcome, reference: &Outcome, limit: usize) -> Vec<String> {
    let mut out = Vec::new();
    let ids: std::collections::BTreeSet<&String> = engine
        .entities
        .keys()
        .chain(reference.entities.keys())
        .collect();
    for id in ids {
        match (engine.entities.get(id), reference.entities.get(id)) {
            (Some(e), Some(r)) if e == r => {}
            (e, r) => out.push(format!(
                "entity {id}:\n    engine    {e:?}\n    reference {r:?}"
            )),
        }
    }
    if engine.findings != reference.findings {
        let mut all: Vec<&Finding> = engine.findings.iter().chain(&reference.findings).collect();
        all.sort();
        all.dedup();
        for f in all {
            let (e, r) = (engine.findings.contains(f), reference.findings.contains(f));
            if e != r {
                out.push(format!(
                    "finding only in the {}: {f:?}",
                    if e { "engine" } else { "reference" }
                ));
            }
        }
    }
    let n = out.len();
    if n > limit {
        out.truncate(limit);
        out.push(format!("… and {} more", n - limit));
    }
    out
}

/// A short name for the kind of a disagreement, to tell failures apart in
/// long runs: which fields of an entity or a finding differ.
pub fn signature(engine: &Outcome, reference: &Outcome) -> String {
    for (id, e) in &engine.entities {
        let Some(r) = reference.entities.get(id) else {
            return "an entity only the engine has".into();
        };
        if e != r {
            let mut what = Vec::new();
            if e.grade != r.grade {
                what.push("grade");
            }
            if e.block != r.block {
                what.push("block");
            }
            if e.clause != r.clause {
                what.push("clause");
            }
            if e.caps != r.caps {
                what.push("caps");
            }
            if e.quota != r.quota {
                what.push("quota action");
            }
            return format!("{} {}", e.kind, what.join("+"));
        }
    }
    if reference.entities.len() != engine.entities.len() {
        return "an entity only the reference has".into();
    }
    for f in &engine.findings {
        if reference.findings.contains(f) {
            continue;
        }
        let same_group = reference
            .findings
            .iter()
            .find(|r| r.quota == f.quota && r.group == f.group);
        return match same_group {
            Some(r) => {
                let mut what = Vec::new();
                if r.base_count != f.base_count {
                    what.push("base_count");
                }
                if r.cap != f.cap {
                    what.push("cap");
                }
                if r.count != f.count {
                    what.push("count");
                }
                if r.lowered != f.lowered {
                    what.push("lowered");
                }
                format!(
                    "finding {} ({})",
                    what.join("+"),
                    f.group.split(' ').next().unwrap_or("")
                )
            }
            None => format!(
                "a finding only the engine has ({})",
                f.group.split(' ').next().unwrap_or("")
            ),
        };
    }
    "a finding only the reference has".into()
}
