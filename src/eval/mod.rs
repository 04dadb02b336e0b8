//! Stage 4, eval: a [`Program`] over a [`Dataset`] → [`Outcome`].
//!
//! Members are graded first, then their quotas; then organisations
//! bottom-up by height in the tree (cells before the grassroots committee
//! above them), each height followed by the quotas whose subjects are all
//! graded by then. That is the order the regulation prescribes: lower
//! before higher, the collective's members before the collective.

mod expr;
mod quota;
mod tests;
mod trail;

pub use expr::{compare, equal, At, Env, Grades, Memo, NoTrace, Readings, Tracer, WHOLE};
pub use quota::{GroupRef, QuotaFinding};
pub use tests::{run_tests, TestOutcome};
pub use trail::{explain, Step, Trail};

use crate::data::Dataset;
use crate::program::*;
use crate::syntax::ast::SubjectKind;
use crate::value::Value;

/// How an entity's grade was decided.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Decision {
    /// The final grade; `None` when not graded or out of scope.
    pub grade: Option<u8>,
    /// The grading block that applied; `None` = no block covers the entity.
    pub block: Option<u16>,
    /// The deciding clause (a grade, `otherwise` or `not graded` clause).
    pub clause: Option<u16>,
    /// The grade the clause gave, before caps and quotas.
    pub decided: Option<u8>,
    /// Caps whose condition held, in order.
    pub caps: Vec<u16>,
    /// A quota that lowered the grade.
    pub quota: Option<QuotaAction>,
}

/// A grade lowered by an enforced quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotaAction {
    pub quota: u16,
    pub from: u8,
    pub to: u8,
    /// 1-based position in the ranking of the group.
    pub rank: u32,
    pub cap: u32,
}

/// The result of grading a dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub members: Vec<Decision>,
    pub organisations: Vec<Decision>,
    pub findings: Vec<QuotaFinding>,
}

impl Outcome {
    /// The final grades, as the rules read them.
    pub fn grades(&self) -> Grades {
        let of = |ds: &[Decision]| ds.iter().map(|d| d.grade.unwrap_or(u8::MAX)).collect();
        Grades {
            members: of(&self.members),
            organisations: of(&self.organisations),
        }
    }

    pub fn decisions(&self, kind: SubjectKind) -> &[Decision] {
        match kind {
            SubjectKind::Member => &self.members,
            SubjectKind::Organisation => &self.organisations,
        }
    }
}

/// Grading cannot go on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum EvalError {
    /// A parameter set on the command line has the wrong type.
    #[error("parameter `{name}` holds {expected}; {value:?} is not one")]
    #[diagnostic(
        code(xeploai::eval::bad_parameter),
        help("write the value as the rules file would, e.g. 30%, 6, ceil, [HTXSNV, HTTNV]")
    )]
    BadParameter {
        name: String,
        value: String,
        expected: String,
    },
    /// A parameter that the rules do not declare.
    #[error("no parameter `{name}` in these rules")]
    #[diagnostic(code(xeploai::eval::unknown_parameter), help("{help}"))]
    UnknownParameter { name: String, help: String },
    /// An enforced quota lowered a grade that a higher level had already
    /// read.
    #[error("quota `{quota}` lowered {entity} after {parent} had been graded from it")]
    #[diagnostic(code(xeploai::eval::quota_order), help("group this quota so that it completes before the level above is graded, or use `check`"))]
    QuotaAfterParent {
        quota: String,
        entity: String,
        parent: String,
    },
}

/// Grades every member and organisation of the dataset.
pub fn grade(program: &Program, data: &Dataset, params: &[Value]) -> Result<Outcome, EvalError> {
    let mut grades = Grades {
        members: vec![u8::MAX; data.members.len()],
        organisations: vec![u8::MAX; data.organisations.len()],
    };
    let mut members = vec![Decision::default(); data.members.len()];
    let mut organisations = vec![Decision::default(); data.organisations.len()];
    let mut findings = Vec::new();
    let mut memo: Memo = vec![None; program.memo_slots];

    // Which block grades each entity: the first whose filter holds.
    let member_blocks = blocks_for(program, data, params, &grades, SubjectKind::Member);
    let org_blocks = blocks_for(program, data, params, &grades, SubjectKind::Organisation);

    let mut decide_one = |grades: &Grades, kind: SubjectKind, index: u32, block: u16| {
        let env = Env {
            program,
            data,
            params,
            grades,
        };
        decide(
            &env,
            block,
            At {
                kind,
                index,
                top: true,
            },
            &mut memo,
            &mut NoTrace,
        )
    };
    for (i, block) in member_blocks.iter().enumerate() {
        if let Some(b) = *block {
            let d = decide_one(&grades, SubjectKind::Member, i as u32, b);
            grades.members[i] = d.grade.unwrap_or(u8::MAX);
            members[i] = d;
        }
    }
    for (qi, q) in program
        .quotas
        .iter()
        .enumerate()
        .filter(|(_, q)| q.kind == SubjectKind::Member)
    {
        let subjects = quota::subjects(program, data, params, &grades, q);
        findings.extend(quota::apply(
            program,
            data,
            params,
            &mut grades,
            &mut members,
            qi,
            &subjects,
            None,
        )?);
    }

    // Heights: leaves 0, a parent one above its highest child.
    let mut height = vec![0u32; data.organisations.len()];
    for &o in &data.bottom_up {
        let p = data.org_parent[o as usize];
        if p != u32::MAX {
            height[p as usize] = height[p as usize].max(height[o as usize] + 1);
        }
    }
    let max_height = height.iter().copied().max().unwrap_or(0);
    let mut by_height: Vec<Vec<u32>> = vec![Vec::new(); max_height as usize + 1];
    for o in 0..data.organisations.len() as u32 {
        by_height[height[o as usize] as usize].push(o);
    }
    // Each organisation quota runs once its last subject is graded.
    let mut org_quotas: Vec<(usize, Vec<u32>, u32)> = Vec::new();
    for (qi, q) in program
        .quotas
        .iter()
        .enumerate()
        .filter(|(_, q)| q.kind == SubjectKind::Organisation)
    {
        let subjects = quota::subjects(program, data, params, &grades, q);
        let ready = subjects
            .iter()
            .map(|&s| height[s as usize])
            .max()
            .unwrap_or(0);
        org_quotas.push((qi, subjects, ready));
    }
    for (h, level) in by_height.iter().enumerate() {
        for &o in level {
            if let Some(b) = org_blocks[o as usize] {
                let d = decide_one(&grades, SubjectKind::Organisation, o, b);
                grades.organisations[o as usize] = d.grade.unwrap_or(u8::MAX);
                organisations[o as usize] = d;
            }
        }
        let graded_upto = Some(h as u32);
        for (qi, subjects, ready) in &org_quotas {
            if *ready == h as u32 {
                let guard = quota::ParentGuard {
                    height: &height,
                    graded_upto,
                    org_blocks: &org_blocks,
                };
                findings.extend(quota::apply(
                    program,
                    data,
                    params,
                    &mut grades,
                    &mut organisations,
                    *qi,
                    subjects,
                    Some(guard),
                )?);
            }
        }
    }
    Ok(Outcome {
        members,
        organisations,
        findings,
    })
}

/// The block that grades each entity of a kind, if any.
pub fn blocks_for(
    program: &Program,
    data: &Dataset,
    params: &[Value],
    grades: &Grades,
    kind: SubjectKind,
) -> Vec<Option<u16>> {
    let env = Env {
        program,
        data,
        params,
        grades,
    };
    let candidates: Vec<(usize, &Block)> = program
        .blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| b.kind == kind)
        .collect();
    let mut memo: Memo = vec![None; program.memo_slots];
    (0..data.len(kind) as u32)
        .map(|i| {
            let at = At {
                kind,
                index: i,
                top: true,
            };
            memo.iter_mut().for_each(|m| *m = None);
            candidates
                .iter()
                .find(|(_, b)| {
                    b.filter
                        .as_ref()
                        .is_none_or(|f| env.truthy(f, at, &mut memo, &mut NoTrace))
                })
                .map(|(bi, _)| *bi as u16)
        })
        .collect()
}

/// Runs one block's clauses for one entity: the first deciding clause
/// that holds, then every cap.
pub fn decide<T: Tracer>(env: &Env, block: u16, at: At, memo: &mut Memo, t: &mut T) -> Decision {
    let p = env.program;
    let b = &p.blocks[block as usize];
    memo.iter_mut().for_each(|m| *m = None);
    let mut d = Decision {
        block: Some(block),
        ..Decision::default()
    };
    for &ci in &b.decisions {
        let c = &p.clauses[ci];
        let fires = c.when.as_ref().is_none_or(|w| env.truthy(w, at, memo, t));
        if !fires {
            continue;
        }
        d.clause = Some(ci as u16);
        match c.kind {
            ClauseKind::NotGraded(_) => return d,
            ClauseKind::Grade(g) | ClauseKind::Otherwise(g) => {
                d.decided = Some(g);
                d.grade = Some(g);
            }
            ClauseKind::Cap(_) => {}
        }
        break;
    }
    let Some(mut g) = d.grade else { return d };
    for &ci in &b.caps {
        let c = &p.clauses[ci];
        if c.when.as_ref().is_none_or(|w| env.truthy(w, at, memo, t)) {
            d.caps.push(ci as u16);
            if let ClauseKind::Cap(cap) = c.kind {
                g = g.max(cap);
            }
        }
    }
    d.grade = Some(g);
    d
}

/// Applies `NAME=VALUE` overrides to the declared parameters.
pub fn params_with(
    program: &Program,
    overrides: &[(String, String)],
) -> Result<Vec<Value>, EvalError> {
    let mut values = program.default_params();
    for (name, text) in overrides {
        let Some(i) = program.param_index(name) else {
            let help = crate::check::help_for(
                name,
                program.params.iter().map(|p| p.name.as_str()),
                || {
                    format!(
                        "the parameters are {}",
                        program
                            .params
                            .iter()
                            .map(|p| p.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                },
            );
            return Err(EvalError::UnknownParameter {
                name: name.clone(),
                help,
            });
        };
        let ty = program.params[i].ty;
        values[i] = parse_param(program, ty, text).ok_or_else(|| EvalError::BadParameter {
            name: name.clone(),
            value: text.clone(),
            expected: param_type_words(program, ty),
        })?;
    }
    Ok(values)
}

fn param_type_words(program: &Program, ty: Ty) -> String {
    match ty {
        Ty::Percent => "a percentage".into(),
        Ty::Int => "a whole number".into(),
        Ty::Number => "a number".into(),
        Ty::Bool => "true or false".into(),
        Ty::Date => "a date".into(),
        Ty::Rounding => "floor, ceil or nearest".into(),
        Ty::GradeSet => "a list of grades".into(),
        Ty::Grade => "a grade".into(),
        Ty::Enum(e) => format!("a `{}` value", program.enums[e as usize].name),
        _ => "a value".into(),
    }
}

/// A parameter value written as in a rules file (`30%`, `ceil`,
/// `[HTXSNV, HTTNV]` or `HTXSNV,HTTNV`).
pub fn parse_param(program: &Program, ty: Ty, text: &str) -> Option<Value> {
    let text = crate::source::nfc(text.trim());
    match ty {
        Ty::GradeSet => {
            let inner = text.trim_start_matches('[').trim_end_matches(']');
            let mut mask = 0u32;
            for code in inner.split(',').map(str::trim).filter(|c| !c.is_empty()) {
                mask |= 1 << program.grade_index(code)?;
            }
            Some(Value::GradeSet(mask))
        }
        Ty::Rounding => Program::rounding_names()
            .find(|(n, _)| *n == text)
            .map(|(_, r)| Value::Rounding(r)),
        Ty::Percent if !text.ends_with('%') => None,
        Ty::Bool => match text.as_str() {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        Ty::Date => crate::value::parse_date(&text).map(Value::Date),
        Ty::Enum(e) => program.enums[e as usize]
            .variants
            .iter()
            .position(|(n, _)| *n == text)
            .map(|i| Value::Enum(i as u16)),
        Ty::Grade => program.grade_index(&text).map(Value::Grade),
        Ty::Text => Some(Value::Text(text.into())),
        Ty::Percent | Ty::Int | Ty::Number => {
            let is_pct = text.ends_with('%');
            let n = crate::data::parse_number(text.trim_end_matches('%'))?;
            let v = if is_pct {
                n.checked_div(crate::value::Rat::int(100))?
            } else {
                n
            };
            if ty == Ty::Int && v.reduced().den != 1 {
                return None;
            }
            Some(Value::Num(v))
        }
        Ty::Org | Ty::Null => None,
    }
}
