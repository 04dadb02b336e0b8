//! Stage 4, eval: a [`Program`] over a [`Dataset`] → [`Outcome`].
//!
//! Members are graded first, then their quotas; then organisations
//! bottom-up by height in the tree (cells before the grassroots committee
//! above them), each height followed by the quotas whose subjects are all
//! graded by then. That is the order the regulation prescribes: lower
//! before higher, the collective's members before the collective.

mod expr;
mod params;
mod quota;
mod require;
mod tests;
mod trail;

pub use expr::{
    compare, equal, At, Env, Fault, FaultKind, Grades, Memo, NoTrace, Readings, Tracer, WHOLE,
};
pub use params::{params_with, parse_param};

pub use quota::{GroupRef, QuotaFinding};
pub use require::RequirementError;
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

/// What became of an entity, in the words of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict<'p> {
    Graded(u8),
    /// Excluded by a `not graded` clause (exempt, suspended, new …).
    NotGraded,
    /// The text leaves the case to the competent level.
    ToDecide(&'p Referral),
    /// No grading block covers the entity.
    OutOfScope,
}

impl Decision {
    pub fn verdict<'p>(&self, program: &'p Program) -> Verdict<'p> {
        if self.block.is_none() {
            return Verdict::OutOfScope;
        }
        if let Some(g) = self.grade {
            return Verdict::Graded(g);
        }
        match self.clause.map(|c| &program.clauses[c as usize].kind) {
            Some(ClauseKind::Refer(r)) => Verdict::ToDecide(r),
            _ => Verdict::NotGraded,
        }
    }

    /// Left to the competent level.
    pub fn to_decide(&self, program: &Program) -> bool {
        matches!(self.verdict(program), Verdict::ToDecide(_))
    }
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
    /// The entities of each report row (the rules' `report` block): in
    /// scope of a grading block and matching the row's filter.
    pub report_rows: Vec<Vec<u32>>,
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

    /// Some case is left to the competent level.
    pub fn any_to_decide(&self, program: &Program) -> bool {
        self.members
            .iter()
            .chain(&self.organisations)
            .any(|d| d.to_decide(program))
    }
}

/// Grading cannot go on.
#[derive(Debug, Clone, thiserror::Error, miette::Diagnostic)]
pub enum EvalError {
    /// A division by zero or a number too large, for one entity.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Arithmetic(Box<ArithmeticError>),
    /// Records that break a `require` of the schema.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Requirement(Box<RequirementError>),
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
    /// A parameter value outside the parameter's range.
    #[error("parameter `{name}` must be {range}; {value} is not")]
    #[diagnostic(
        code(xeploai::eval::parameter_out_of_range),
        help("the rules declare the range where the parameter is declared (`param NAME in LOW..HIGH = …`)")
    )]
    ParamOutOfRange {
        name: String,
        value: String,
        range: String,
    },
    /// A parameter given two values in one command.
    #[error("parameter `{name}` is set twice")]
    #[diagnostic(
        code(xeploai::eval::set_twice),
        help("give each parameter one value (with `diff`, `--set` counts for both sides)")
    )]
    SetTwice { name: String },
    /// A parameter that the rules do not declare.
    #[error("no parameter `{name}` in these rules")]
    #[diagnostic(code(xeploai::eval::unknown_parameter), help("{help}"))]
    UnknownParameter { name: String, help: String },
    /// A quota whose cap for a group could not be computed (its ratio,
    /// base or rounding read a value that is empty).
    #[error(
        "quota `{quota}`: the cap for {group} could not be computed: `{ratio}` has no value there"
    )]
    #[diagnostic(
        code(xeploai::eval::no_cap),
        help("give the values the quota's ratio reads for this group, or write the ratio so that it has a value for every group")
    )]
    NoCap {
        quota: String,
        group: String,
        ratio: String,
    },
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

/// A division by zero or a number too large, for one entity: no grade may
/// rest on a value that could not be computed.
#[derive(Debug, Clone, thiserror::Error, miette::Diagnostic)]
#[error("{what} in `{expr}` for {entity}")]
#[diagnostic(code(xeploai::eval::arithmetic), help("{help}"))]
pub struct ArithmeticError {
    pub what: &'static str,
    pub expr: String,
    pub entity: String,
    pub help: String,
    #[source_code]
    pub src: miette::NamedSource<std::sync::Arc<str>>,
    #[label("here")]
    pub span: miette::SourceSpan,
}

/// Grades every member and organisation of the dataset.
/// The entities quota `qi` counts (its subject and filter, read on the
/// final grades), in index order.
pub fn quota_subjects(
    program: &Program,
    data: &Dataset,
    params: &[Value],
    outcome: &Outcome,
    qi: usize,
) -> Result<Vec<u32>, EvalError> {
    quota::subjects(
        program,
        data,
        params,
        &outcome.grades(),
        &program.quotas[qi],
    )
}

pub fn grade(program: &Program, data: &Dataset, params: &[Value]) -> Result<Outcome, EvalError> {
    let mut grades = Grades {
        members: vec![u8::MAX; data.members.len()],
        organisations: vec![u8::MAX; data.organisations.len()],
    };
    let mut members = vec![Decision::default(); data.members.len()];
    let mut organisations = vec![Decision::default(); data.organisations.len()];
    let mut findings = Vec::new();
    let mut memo: Memo = vec![None; program.memo_slots];
    require::check(program, data, params)?;

    // Which block grades each entity: the first whose filter holds.
    let member_blocks = blocks_for(program, data, params, &grades, SubjectKind::Member)?;
    let org_blocks = blocks_for(program, data, params, &grades, SubjectKind::Organisation)?;

    let mut decide_one = |grades: &Grades, kind: SubjectKind, index: u32, block: u16| {
        let env = Env::new(program, data, params, grades);
        let at = At {
            kind,
            index,
            top: true,
        };
        let d = decide(&env, block, at, &mut memo, &mut NoTrace);
        checked(&env, kind, index).map(|()| d)
    };
    for (i, block) in member_blocks.iter().enumerate() {
        if let Some(b) = *block {
            let d = decide_one(&grades, SubjectKind::Member, i as u32, b)?;
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
        let subjects = quota::subjects(program, data, params, &grades, q)?;
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
        let subjects = quota::subjects(program, data, params, &grades, q)?;
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
                let d = decide_one(&grades, SubjectKind::Organisation, o, b)?;
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
    let in_scope = |kind: SubjectKind, i: usize| match kind {
        SubjectKind::Member => members[i].block.is_some(),
        SubjectKind::Organisation => organisations[i].block.is_some(),
    };
    let report_rows = report_rows(program, data, params, &grades, &in_scope)?;
    Ok(Outcome {
        members,
        organisations,
        findings,
        report_rows,
    })
}

/// `Err` naming the entity and the expression if the last evaluations in
/// `env` (grading entity `index` of `kind`) met an arithmetic fault.
pub(crate) fn checked(env: &Env, kind: SubjectKind, index: u32) -> Result<(), EvalError> {
    let Some(fault) = env.take_fault() else {
        return Ok(());
    };
    let graded = describe_entity(env, kind, index);
    let at = describe_entity(env, fault.entity, fault.index);
    let entity = if (fault.entity, fault.index) == (kind, index) {
        at
    } else {
        format!("{at}, while grading {graded}")
    };
    let help = format!("no one was graded; make the rule give a value for every record (test a divisor first with `if … then … else …`), or correct the data of {}", describe_entity(env, fault.entity, fault.index));
    Err(arithmetic(fault, &env.program.sources, entity, help))
}

/// [`checked`] for a query (the REPL's), whose text is in `sources`.
pub fn checked_query(env: &Env, sources: &crate::source::SourceMap) -> Result<(), EvalError> {
    let Some(fault) = env.take_fault() else {
        return Ok(());
    };
    let entity = describe_entity(env, fault.entity, fault.index);
    let help = "the query has no value; test the divisor first with `if … then … else …`".into();
    Err(arithmetic(fault, sources, entity, help))
}

fn arithmetic(
    fault: Fault,
    sources: &crate::source::SourceMap,
    entity: String,
    help: String,
) -> EvalError {
    EvalError::Arithmetic(Box::new(ArithmeticError {
        what: match fault.kind {
            FaultKind::DivisionByZero => "division by zero",
            FaultKind::Overflow => "a number too large to compute exactly",
        },
        expr: sources.slice(fault.span).trim().to_string(),
        entity,
        help,
        src: sources.named(fault.span.file),
        span: fault.span.into(),
    }))
}

/// "member DV00012 (Nguyễn Văn An, members.csv row 13)".
fn describe_entity(env: &Env, kind: SubjectKind, index: u32) -> String {
    let (program, data) = (env.program, env.data);
    if index == WHOLE {
        return "the whole dataset".to_string();
    }
    let word = match kind {
        SubjectKind::Member => "member",
        SubjectKind::Organisation => "organisation",
    };
    let table = data.table(kind);
    let place = match table.lines.get(index as usize) {
        Some(&line) if line > 0 => format!(", {} row {line}", table.file),
        _ => String::new(),
    };
    format!(
        "{word} {} ({}{place})",
        data.id(program, kind, index),
        data.name(program, kind, index)
    )
}

/// The entities of each report row: in scope (`in_scope`) and matching
/// the row's filter, which may read the grades just decided.
fn report_rows(
    program: &Program,
    data: &Dataset,
    params: &[Value],
    grades: &Grades,
    in_scope: &dyn Fn(SubjectKind, usize) -> bool,
) -> Result<Vec<Vec<u32>>, EvalError> {
    let env = Env::new(program, data, params, grades);
    let mut memo: Memo = vec![None; program.memo_slots];
    let mut rows = Vec::with_capacity(program.report.len());
    for r in &program.report {
        let mut entities = Vec::new();
        for i in 0..data.len(r.kind) {
            if !in_scope(r.kind, i) {
                continue;
            }
            if let Some(f) = &r.filter {
                memo.iter_mut().for_each(|m| *m = None);
                let at = At {
                    kind: r.kind,
                    index: i as u32,
                    top: true,
                };
                let holds = env.truthy(f, at, &mut memo, &mut NoTrace);
                checked(&env, r.kind, i as u32)?;
                if !holds {
                    continue;
                }
            }
            entities.push(i as u32);
        }
        rows.push(entities);
    }
    Ok(rows)
}

/// The block that grades each entity of a kind, if any.
pub fn blocks_for(
    program: &Program,
    data: &Dataset,
    params: &[Value],
    grades: &Grades,
    kind: SubjectKind,
) -> Result<Vec<Option<u16>>, EvalError> {
    let env = Env::new(program, data, params, grades);
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
            let block = candidates
                .iter()
                .find(|(_, b)| {
                    b.filter
                        .as_ref()
                        .is_none_or(|f| env.truthy(f, at, &mut memo, &mut NoTrace))
                })
                .map(|(bi, _)| *bi as u16);
            checked(&env, kind, i).map(|()| block)
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
            ClauseKind::NotGraded(_) | ClauseKind::Refer(_) => return d,
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
