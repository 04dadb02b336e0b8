//! Explanations: the trail of one entity's grade — each clause tried,
//! the one that decided with the values it read and its citation, every
//! cap, and the quota that lowered or flagged it.

use super::expr::{At, Env, Memo, Readings};
use super::quota::{is_subject, GroupKeys, QuotaFinding};
use super::{Decision, Outcome, QuotaAction};
use crate::data::Dataset;
use crate::program::*;
use crate::syntax::ast::SubjectKind;
use crate::value::Value;

#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// A deciding clause whose condition did not hold, with what it read.
    Skipped {
        clause: usize,
        readings: Vec<(String, String)>,
    },
    /// The clause that decided, with the values its condition read.
    Decided {
        clause: usize,
        readings: Vec<(String, String)>,
    },
    /// A cap whose condition held.
    Capped {
        clause: usize,
        lowered: bool,
        readings: Vec<(String, String)>,
    },
    /// An enforced quota lowered the grade.
    Lowered { action: QuotaAction },
    /// A `check` quota found the entity's group over its cap.
    Flagged { finding: QuotaFinding },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Trail {
    pub kind: SubjectKind,
    pub index: u32,
    pub block: Option<usize>,
    pub steps: Vec<Step>,
    pub decision: Decision,
}

/// The trail of entity `index`, replayed against the final grades of
/// `outcome` (what its rules saw when it was graded).
pub fn explain(
    program: &Program,
    data: &Dataset,
    params: &[Value],
    outcome: &Outcome,
    kind: SubjectKind,
    index: u32,
) -> Trail {
    let grades = outcome.grades();
    let env = Env::new(program, data, params, &grades);
    let decision = outcome.decisions(kind)[index as usize].clone();
    let mut trail = Trail {
        kind,
        index,
        block: decision.block.map(|b| b as usize),
        steps: Vec::new(),
        decision: decision.clone(),
    };
    let Some(block) = decision.block else {
        return trail;
    };
    let b = &program.blocks[block as usize];
    let at = At {
        kind,
        index,
        top: true,
    };
    let mut memo: Memo = vec![None; program.memo_slots];
    for &ci in &b.decisions {
        let c = &program.clauses[ci];
        let mut r = Readings::default();
        memo.iter_mut().for_each(|m| *m = None);
        let fires = c
            .when
            .as_ref()
            .is_none_or(|w| env.truthy(w, at, &mut memo, &mut r));
        if fires {
            trail.steps.push(Step::Decided {
                clause: ci,
                readings: r.0,
            });
            break;
        }
        trail.steps.push(Step::Skipped {
            clause: ci,
            readings: r.0,
        });
    }
    if decision.decided.is_some() {
        let mut grade = decision.decided.unwrap_or(0);
        for &ci in &b.caps {
            let c = &program.clauses[ci];
            let mut r = Readings::default();
            memo.iter_mut().for_each(|m| *m = None);
            if c.when
                .as_ref()
                .is_none_or(|w| env.truthy(w, at, &mut memo, &mut r))
            {
                let cap = if let ClauseKind::Cap(g) = c.kind {
                    g
                } else {
                    grade
                };
                trail.steps.push(Step::Capped {
                    clause: ci,
                    lowered: cap > grade,
                    readings: r.0,
                });
                grade = grade.max(cap);
            }
        }
    }
    if let Some(action) = decision.quota {
        trail.steps.push(Step::Lowered { action });
    }
    // Breached `check` quotas over this entity's group and grade.
    for f in outcome
        .findings
        .iter()
        .filter(|f| f.breach && program.quotas[f.quota].kind == kind)
    {
        let q = &program.quotas[f.quota];
        if decision.grade != Some(q.grade)
            && decision.quota.is_none_or(|a| a.quota as usize != f.quota)
        {
            continue;
        }
        // Only a subject the quota counts (its `where` holds) is flagged.
        if !is_subject(&env, &mut memo, q, index).unwrap_or(false) {
            continue;
        }
        let mut keys = GroupKeys::new(program, data, params, &grades, q);
        if keys.key(index).ok().as_ref() == Some(&f.group) && matches!(q.mode, QuotaModeC::Check) {
            trail.steps.push(Step::Flagged { finding: f.clone() });
        }
    }
    trail
}
