//! Grading blocks, quotas and the report layout: the rules themselves.

use super::error::CheckError;
use super::expr::{type_name, GradeAccess, Scope};
use super::merge::{Merged, MergedBlock};
use super::Compiler;
use crate::program::*;
use crate::syntax::ast::{self, ClauseBody, Grouping, QuotaMode, SubjectKind};
use crate::value::Value;

impl Compiler<'_> {
    pub(super) fn subject_filter(
        &mut self,
        s: &ast::Subject,
        reading: &str,
        before_grading: bool,
    ) -> Option<Option<CExpr>> {
        let Some(f) = &s.filter else {
            return Some(None);
        };
        let c = self.expect(
            f,
            &Scope::own(s.kind, reading),
            Ty::Bool,
            "`where` takes a condition",
        )?;
        // Who is graded by a block, or counted by a quota, is settled before
        // any grade exists: such a filter cannot depend on grades.
        if before_grading {
            return self.without_grades(c, f.span, "a `where` filter").map(Some);
        }
        Some(Some(c))
    }

    /// `c`, unless it reads grades, which are not all decided where it runs.
    fn without_grades(&mut self, c: CExpr, span: crate::source::Span, what: &str) -> Option<CExpr> {
        if !reads_grades(&c) {
            return Some(c);
        }
        self.bad_call(
            span,
            format!("{what} cannot read grades"),
            "it is settled before the grades it would read are decided; use fields and parameters instead".into(),
        );
        None
    }

    pub(super) fn blocks(&mut self, blocks: &[MergedBlock]) -> (Vec<Block>, Vec<ClauseInfo>) {
        let mut out = Vec::new();
        let mut clauses = Vec::new();
        for b in blocks {
            self.current = b.name.node.clone();
            let index = out.len();
            let filter = self
                .subject_filter(&b.target, &b.name.node, true)
                .unwrap_or(None);
            let scope = Scope::own(b.target.kind, &b.name.node);
            let mut block = Block {
                name: b.name.node.clone(),
                kind: b.target.kind,
                filter,
                decisions: Vec::new(),
                caps: Vec::new(),
                span: b.name.span,
            };
            let mut decided_by: Option<String> = None;
            for c in &b.clauses {
                let (kind, label, when) = match &c.body {
                    ClauseBody::NotGraded { reason, when } => (
                        Some(ClauseKind::NotGraded(reason.node.clone())),
                        None,
                        Some(when),
                    ),
                    ClauseBody::Grade { grade, label, when } => (
                        self.grade(grade).map(ClauseKind::Grade),
                        label.as_ref(),
                        Some(when),
                    ),
                    ClauseBody::Cap { grade, label, when } => (
                        self.grade(grade).map(ClauseKind::Cap),
                        label.as_ref(),
                        Some(when),
                    ),
                    ClauseBody::Otherwise { grade, label } => (
                        self.grade(grade).map(ClauseKind::Otherwise),
                        label.as_ref(),
                        None,
                    ),
                    ClauseBody::Refer { referral, when } => (
                        self.referral(referral, when.is_none())
                            .map(ClauseKind::Refer),
                        None,
                        when.as_ref(),
                    ),
                };
                let when_c = when.and_then(|w| {
                    self.expect(
                        w,
                        &scope,
                        Ty::Bool,
                        "a clause fires when its condition holds",
                    )
                });
                let Some(kind) = kind.filter(|_| when.is_none() || when_c.is_some()) else {
                    // Already reported; tests that name it need not say so again.
                    self.broken.push(c.name.node.clone());
                    continue;
                };
                let is_cap = matches!(kind, ClauseKind::Cap(_));
                if let (Some(false), Some(w)) = (when_c.as_ref().and_then(constant_truth), when) {
                    self.push(CheckError::NeverFires {
                        name: c.name.node.clone(),
                        src: self.sources.named(w.span.file),
                        span: w.span.into(),
                    });
                }
                if !is_cap {
                    if let Some(by) = &decided_by {
                        self.push(CheckError::Unreachable {
                            name: c.name.node.clone(),
                            by: by.clone(),
                            src: self.sources.named(c.name.span.file),
                            span: c.name.span.into(),
                        });
                    }
                    let always = kind.is_otherwise()
                        || when_c.as_ref().and_then(constant_truth) == Some(true);
                    if always && decided_by.is_none() {
                        decided_by = Some(c.name.node.clone());
                    }
                }
                let id = clauses.len();
                clauses.push(ClauseInfo {
                    name: c.name.node.clone(),
                    block: index,
                    kind,
                    label: label.map(|l| l.node.clone()),
                    when: when_c,
                    cite: c.cite.as_ref().map(|c| c.node.clone()),
                    span: c.name.span,
                });
                if is_cap {
                    block.caps.push(id);
                } else {
                    block.decisions.push(id);
                }
            }
            let has_otherwise = block
                .decisions
                .iter()
                .any(|&d| clauses[d].kind.is_otherwise());
            if !has_otherwise && decided_by.is_none() && !b.damaged {
                let lowest = self
                    .grade_index
                    .iter()
                    .max_by_key(|(_, i)| **i)
                    .map(|(c, _)| c.clone())
                    .unwrap_or_default();
                self.push(CheckError::NoOtherwise {
                    block: b.name.node.clone(),
                    lowest,
                    subject: b.target.kind.keyword(),
                    src: self.sources.named(b.name.span.file),
                    span: b.name.span.into(),
                });
            }
            out.push(block);
        }
        (out, clauses)
    }

    /// The grades still in question, best first, each once.
    fn referral(&mut self, r: &ast::Referral, otherwise: bool) -> Option<Referral> {
        let mut among = Vec::new();
        for code in &r.among {
            among.push(self.grade(code)?);
        }
        among.sort_unstable();
        among.dedup();
        Some(Referral {
            reason: r.reason.node.clone(),
            among,
            otherwise,
        })
    }

    pub(super) fn quota(&mut self, q: &ast::Quota) -> Option<QuotaInfo> {
        self.current = q.name.node.clone();
        let grade = self.grade(&q.grade);
        let filter = self.subject_filter(&q.subject, &q.name.node, true);
        let grouping = match &q.grouping {
            Grouping::All(_) => Some(GroupingC::All),
            Grouping::Parent(_) => Some(GroupingC::Parent),
            Grouping::Ancestor(e) => self
                .expect(
                    e,
                    &Scope::own(SubjectKind::Organisation, &q.name.node),
                    Ty::Bool,
                    "`ancestor where` takes a condition on the organisation",
                )
                .and_then(|c| self.without_grades(c, e.span, "a quota's group"))
                .map(GroupingC::Ancestor),
            Grouping::By(e) => self
                .expr(e, &Scope::own(q.subject.kind, &q.name.node), None)
                .map(|(c, ty)| GroupingC::By(c, ty)),
        };
        // The cap is a property of the group: its ratio, base and rounding
        // read the group's organisation (`if outstanding then 25% else 20%`).
        let scope = Scope::own(SubjectKind::Organisation, &q.name.node);
        let ratio = self.expect(
            &q.ratio,
            &scope,
            Ty::Percent,
            "the cap is a share of the base, e.g. `20%` or `excellent_cap`",
        );
        let base = match self.expr(&q.base, &scope, Some(Ty::GradeSet)) {
            Some((c, Ty::GradeSet)) => Some(c),
            Some((CExpr::Const(Value::Grade(g)), Ty::Grade)) => {
                Some(CExpr::Const(Value::GradeSet(1 << g)))
            }
            Some((_, t)) => {
                let found = type_name(self, t);
                self.push(CheckError::TypeMismatch {
                    expected: "a set of grades".into(),
                    found,
                    help: "the base is the grades counted under the cap, e.g. `[HTTNV]` or `[HTXSNV, HTTNV]`".into(),
                    src: self.sources.named(q.base.span.file),
                    span: q.base.span.into(),
                });
                None
            }
            None => None,
        };
        let ratio = ratio.and_then(|c| self.without_grades(c, q.ratio.span, "a quota's ratio"));
        let rounding = self.expect(
            &q.rounding,
            &scope,
            Ty::Rounding,
            "write `floor`, `ceil` or `nearest`, or a parameter holding one",
        );
        let mode = match &q.mode {
            QuotaMode::Check => Some(QuotaModeC::Check),
            QuotaMode::Enforce(keys) => {
                let rank_scope = Scope {
                    kind: Some(q.subject.kind),
                    grade: GradeAccess::Allowed,
                    nested: true,
                };
                let mut out = Vec::new();
                for k in keys {
                    let (c, t) = self.expr(&k.key, &rank_scope, None)?;
                    if !matches!(
                        t,
                        Ty::Int
                            | Ty::Number
                            | Ty::Percent
                            | Ty::Date
                            | Ty::Enum(_)
                            | Ty::Grade
                            | Ty::Text
                            | Ty::Bool
                    ) {
                        let found = type_name(self, t);
                        self.push(CheckError::TypeMismatch {
                            expected: "a value with an order".into(),
                            found,
                            help: "rank by numbers, dates, grades or enumeration values".into(),
                            src: self.sources.named(k.key.span.file),
                            span: k.key.span.into(),
                        });
                        return None;
                    }
                    out.push((c, k.descending));
                }
                Some(QuotaModeC::Enforce(out))
            }
        };
        let grade = grade?;
        if matches!(mode, Some(QuotaModeC::Enforce(_)))
            && grade as usize + 1 >= self.grade_index.len()
        {
            self.push(CheckError::BadQuota {
                name: q.name.node.clone(),
                grade: q.grade.node.clone(),
                src: self.sources.named(q.grade.span.file),
                span: q.grade.span.into(),
            });
            return None;
        }
        Some(QuotaInfo {
            name: q.name.node.clone(),
            grade,
            kind: q.subject.kind,
            filter: filter?,
            grouping: grouping?,
            ratio: ratio?,
            ratio_text: self.sources.slice(q.ratio.span).to_string(),
            base: base?,
            rounding: rounding?,
            mode: mode?,
            cite: q.cite.as_ref().map(|c| c.node.clone()),
            span: q.name.span,
        })
    }

    pub(super) fn report(&mut self, m: &Merged, blocks: &[Block]) -> Vec<ReportRowInfo> {
        let Some(r) = &m.report else {
            return blocks
                .iter()
                .map(|b| ReportRowInfo {
                    label: b.name.clone(),
                    kind: b.kind,
                    filter: b.filter.clone(),
                })
                .collect();
        };
        r.rows
            .iter()
            .filter_map(|row| {
                self.current = row.label.node.clone();
                let filter = self.subject_filter(&row.subject, "report", false)?;
                Some(ReportRowInfo {
                    label: row.label.node.clone(),
                    kind: row.subject.kind,
                    filter,
                })
            })
            .collect()
    }
}

/// Whether evaluating `e` reads any grade (its own or its children's).
pub(super) fn reads_grades(e: &CExpr) -> bool {
    match e {
        CExpr::Grade => true,
        CExpr::Const(_) | CExpr::Field(_) | CExpr::Param(_) => false,
        CExpr::OrgField(b, _) | CExpr::Not(b) | CExpr::Neg(b, _) | CExpr::Let(_, _, b) => {
            reads_grades(b)
        }
        CExpr::Bin(_, _, a, b) | CExpr::Arith(_, _, a, b, _) | CExpr::InSet(a, b) => {
            reads_grades(a) || reads_grades(b)
        }
        CExpr::InList(a, items) => reads_grades(a) || items.iter().any(reads_grades),
        CExpr::If(c, a, b) => reads_grades(c) || reads_grades(a) || reads_grades(b),
        CExpr::Call(_, args, _) => args.iter().any(reads_grades),
        // `graded members` reads grades even when its condition does not.
        CExpr::Agg(agg, _) => agg.graded_only || agg.arg.as_ref().is_some_and(reads_grades),
    }
}

/// The value of a condition made of literals only (`true`, `not false`,
/// `true and false`…); `None` when it depends on anything else.
fn constant_truth(e: &CExpr) -> Option<bool> {
    match e {
        CExpr::Const(Value::Bool(b)) => Some(*b),
        CExpr::Not(x) => constant_truth(x).map(|b| !b),
        CExpr::Bin(ast::BinOp::And, _, a, b) => match (constant_truth(a), constant_truth(b)) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        },
        CExpr::Bin(ast::BinOp::Or, _, a, b) => match (constant_truth(a), constant_truth(b)) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        },
        _ => None,
    }
}
