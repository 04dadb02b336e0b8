//! Calls: aggregates over an organisation's children (`count`, `share`,
//! `all`, `any`, `sum`, `min`, `max`) and date functions (`months`, `days`,
//! `add_months`, `add_days`).

use super::error::CheckError;
use super::expr::{ordered, GradeAccess, Scope};
use super::suggest::help_for;
use super::Compiler;
use crate::program::*;
use crate::source::Span;
use crate::syntax::ast::{Expr, ExprKind, Ident, SubjectKind};
use crate::value::{Rat, Value};

/// A whole number known when the rules are read (`-6` is a negation of
/// the constant 6).
fn constant_int(e: &CExpr) -> Option<i64> {
    let r = match e {
        CExpr::Const(Value::Num(r)) => *r,
        CExpr::Neg(inner, _) => match &**inner {
            CExpr::Const(Value::Num(r)) => Rat {
                num: -r.num,
                den: r.den,
            },
            _ => return None,
        },
        _ => return None,
    };
    (r.den == 1).then(|| i64::try_from(r.num).ok()).flatten()
}

impl Compiler<'_> {
    /// `months(from, to)`, `days(from, to)`: whole months or days between
    /// two dates.
    fn date_span_call(
        &mut self,
        f: &Ident,
        args: &[Expr],
        scope: &Scope,
        span: Span,
    ) -> Option<(CExpr, Ty)> {
        let func = if f.node == "months" {
            Func::Months
        } else {
            Func::Days
        };
        if args.len() != 2 {
            self.bad_call(
                span,
                format!("`{}` takes two dates", f.node),
                format!(
                    "`{}(from, to)`, e.g. `{}(admitted, review_date)`",
                    f.node, f.node
                ),
            );
            return None;
        }
        let a = self.expect(
            &args[0],
            scope,
            Ty::Date,
            "the first argument is the earlier date",
        );
        let b = self.expect(
            &args[1],
            scope,
            Ty::Date,
            "the second argument is the later date",
        );
        Some((CExpr::Call(func, vec![a?, b?], span), Ty::Int))
    }

    /// `add_months(date, n)`, `add_days(date, n)`: a date moved by whole
    /// months or days (negative: earlier). On constants it is worked out
    /// here, so a test can write `admitted: add_months(review_date, -6)`
    /// and hold for every review year.
    fn date_shift_call(
        &mut self,
        f: &Ident,
        args: &[Expr],
        scope: &Scope,
        span: Span,
    ) -> Option<(CExpr, Ty)> {
        let months = f.node == "add_months";
        if args.len() != 2 {
            self.bad_call(
                span,
                format!("`{}` takes a date and a whole number", f.node),
                format!("e.g. `{}(review_date, -6)`", f.node),
            );
            return None;
        }
        let date = self.expect(&args[0], scope, Ty::Date, "the first argument is a date");
        let n = self.expect(
            &args[1],
            scope,
            Ty::Int,
            "the second argument is a whole number of months or days (negative: earlier)",
        );
        let (date, n) = (date?, n?);
        if let (CExpr::Const(Value::Date(d)), Some(n)) = (&date, constant_int(&n)) {
            let moved = if months {
                crate::value::add_months(*d, n)
            } else {
                crate::value::add_days(*d, n)
            };
            let Some(moved) = moved else {
                self.bad_call(
                    span,
                    "this date falls outside the years 1–9999".into(),
                    "move the date by fewer months or days".into(),
                );
                return None;
            };
            return Some((CExpr::Const(Value::Date(moved)), Ty::Date));
        }
        let func = if months {
            Func::AddMonths
        } else {
            Func::AddDays
        };
        Some((CExpr::Call(func, vec![date, n], span), Ty::Date))
    }

    pub(super) fn call(
        &mut self,
        f: &Ident,
        args: &[Expr],
        scope: &Scope,
        span: Span,
    ) -> Option<(CExpr, Ty)> {
        let func = match f.node.as_str() {
            "count" => AggFunc::Count,
            "share" => AggFunc::Share,
            "all" => AggFunc::All,
            "any" => AggFunc::Any,
            "sum" => AggFunc::Sum,
            "min" => AggFunc::Min,
            "max" => AggFunc::Max,
            "months" | "days" => return self.date_span_call(f, args, scope, span),
            "add_months" | "add_days" => return self.date_shift_call(f, args, scope, span),
            other => {
                let names = [
                    "count",
                    "share",
                    "all",
                    "any",
                    "sum",
                    "min",
                    "max",
                    "months",
                    "days",
                    "add_months",
                    "add_days",
                ];
                let help = help_for(other, names, || {
                    format!("the functions are {}", names.join(", "))
                });
                self.push(CheckError::UnknownName {
                    what: "function",
                    name: other.to_string(),
                    help,
                    src: self.sources.named(f.span.file),
                    span: f.span.into(),
                });
                return None;
            }
        };
        if scope.kind != Some(SubjectKind::Organisation) {
            self.bad_call(span, format!("`{}` needs an organisation's members or sub-organisations", f.node), "aggregates are written in organisation rules, e.g. `share(graded members, grade >= HTTNV) >= 80%`".into());
            return None;
        }
        let Some(first) = args.first() else {
            self.bad_call(
                span,
                format!("`{}` needs a collection", f.node),
                "e.g. `count(graded members)`".into(),
            );
            return None;
        };
        let (coll_name, graded_only) = match &first.node {
            ExprKind::Path(p) if p.len() == 1 => (&p[0], false),
            ExprKind::Graded(c) => (c, true),
            _ => {
                self.bad_call(
                    first.span,
                    "the first argument must be a collection".into(),
                    "`members`, `suborgs`, `all_members`, optionally with `graded` in front".into(),
                );
                return None;
            }
        };
        let coll = match coll_name.node.as_str() {
            "members" => Collection::Members,
            "suborgs" => Collection::Suborgs,
            "all_members" => Collection::AllMembers,
            other => {
                let help = help_for(other, ["members", "suborgs", "all_members"], || {
                    "the collections are `members`, `suborgs` and `all_members`".into()
                });
                self.push(CheckError::UnknownName {
                    what: "collection",
                    name: other.to_string(),
                    help,
                    src: self.sources.named(coll_name.span.file),
                    span: coll_name.span.into(),
                });
                return None;
            }
        };
        let needs_arg = !matches!(func, AggFunc::Count);
        if args.len() > 2 || (needs_arg && args.len() != 2) {
            let form = match func {
                AggFunc::Count => "count(collection) or count(collection, condition)",
                AggFunc::Share => "share(collection, condition)",
                AggFunc::All | AggFunc::Any => "all(collection, condition)",
                _ => "sum(collection, value)",
            };
            self.bad_call(
                span,
                format!(
                    "`{}` takes {} argument(s) here",
                    f.node,
                    if needs_arg { 2 } else { 1 }
                ),
                format!("write `{form}`"),
            );
            return None;
        }
        let static_name: &'static str = match coll {
            Collection::Members => "members",
            Collection::Suborgs => "suborgs",
            Collection::AllMembers => "all_members",
        };
        let child = Scope {
            kind: Some(coll.element()),
            grade: if graded_only {
                GradeAccess::Allowed
            } else {
                if self.lenient {
                    GradeAccess::Allowed
                } else {
                    GradeAccess::NeedsGraded(static_name)
                }
            },
            nested: true,
        };
        if graded_only && !scope.nested {
            self.reads_child_grades
                .push((self.current.clone(), coll.element()));
        }
        let (arg, ty) = match args.get(1) {
            None => (None, Ty::Int),
            Some(a) => match func {
                AggFunc::Count | AggFunc::Share | AggFunc::All | AggFunc::Any => {
                    let c = self.expect(
                        a,
                        &child,
                        Ty::Bool,
                        "the second argument is a condition on each element",
                    )?;
                    (Some(c), Ty::Bool)
                }
                _ => {
                    let (c, t) = self.expr(a, &child, None)?;
                    let ok = if func == AggFunc::Sum {
                        t.is_numeric()
                    } else {
                        ordered(t)
                    };
                    if !ok {
                        self.mismatch(
                            a.span,
                            if func == AggFunc::Sum {
                                "a number"
                            } else {
                                "a value with an order"
                            },
                            t,
                            "sum adds numbers; min and max compare values",
                        );
                        return None;
                    }
                    (Some(c), t)
                }
            },
        };
        let out = match func {
            AggFunc::Count => Ty::Int,
            AggFunc::Share => Ty::Percent,
            AggFunc::All | AggFunc::Any => Ty::Bool,
            _ => ty,
        };
        let memo = if scope.nested {
            None
        } else {
            self.memo_slots += 1;
            Some((self.memo_slots - 1) as u16)
        };
        let text = self.sources.slice(span).to_string();
        Some((
            CExpr::Agg(
                Box::new(Aggregate {
                    func,
                    coll,
                    graded_only,
                    arg,
                    text,
                    span,
                }),
                memo,
            ),
            out,
        ))
    }
}
