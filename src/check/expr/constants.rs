//! Values written as literals: parameters, defaults, test records, range
//! bounds; their types, ranges, and whether a data column can hold them.

use super::type_name;
use crate::check::error::CheckError;
use crate::check::Compiler;
use crate::program::*;
use crate::source::Span;
use crate::syntax::ast::{self, Expr};
use crate::value::{Rat, Value};

use super::Scope;

impl Compiler<'_> {
    /// A literal's value, which must fit type `want` (a whole number fits
    /// a number, a number a percentage, `none` anything).
    pub(in crate::check) fn constant_of(
        &mut self,
        e: &Expr,
        want: Ty,
        what: &'static str,
        help: &str,
    ) -> Option<Value> {
        let (v, t) = self.constant(e, Some(want), what)?;
        let fits = t == want
            || t == Ty::Null
            || (want == Ty::Number && t == Ty::Int)
            || (want == Ty::Percent && t == Ty::Number);
        if !fits {
            let expected = type_name(self, want);
            self.mismatch(e.span, &expected, t, help);
            return None;
        }
        Some(v)
    }

    /// Whether a field's value (a default, a test record's) can be stored
    /// in a data column; reports it if not (it would become `none`).
    pub(in crate::check) fn storable(&mut self, v: &Value, span: Span) -> bool {
        match v {
            Value::Num(r) if !r.fits_i64() => {
                self.bad_call(
                    span,
                    "this number is too precise or too large for a field".into(),
                    "a field holds numbers with up to 18 digits; round it".into(),
                );
                false
            }
            _ => true,
        }
    }

    /// The declared range, or the type's sensible one.
    pub(in crate::check) fn range(&mut self, decl: &Option<ast::RangeDecl>, ty: Ty) -> Range {
        let Some(d) = decl else {
            return Range::default_for(ty, self.review_date);
        };
        if !(ty.is_numeric() || ty == Ty::Date) {
            self.bad_call(
                d.span,
                "only numbers, percentages and dates have a range".into(),
                "remove `in …`; an enumeration or a grade already lists its values".into(),
            );
            return Range::default();
        }
        let help = "a bound is a value of the field's or parameter's type";
        let mut bound = |b: &Option<Expr>| {
            b.as_ref()
                .and_then(|e| self.constant_of(e, ty, "a bound of a range", help))
        };
        let range = Range {
            low: bound(&d.low),
            high: bound(&d.high),
        };
        if let (Some(l), Some(h)) = (&range.low, &range.high) {
            if crate::value::compare(l, h) == Some(std::cmp::Ordering::Greater) {
                self.bad_call(
                    d.span,
                    "the range is empty: its low bound is above its high bound".into(),
                    "write the lower bound first, e.g. `in 0%..100%`".into(),
                );
                // Reported once: values are not measured against it.
                return Range::default();
            }
        }
        range
    }

    /// Whether `v` lies in `range`; reports it if not.
    pub(in crate::check) fn in_range(
        &mut self,
        v: &Value,
        ty: Ty,
        range: &Range,
        what: &str,
        span: Span,
    ) -> bool {
        if range.contains(v) {
            return true;
        }
        self.push(CheckError::OutOfRange {
            what: what.to_string(),
            value: Range::show(v, ty),
            range: range.text(ty),
            src: self.sources.named(span.file),
            span: span.into(),
        });
        false
    }

    /// A literal's value (parameters, defaults, test records).
    pub(in crate::check) fn constant(
        &mut self,
        e: &Expr,
        hint: Option<Ty>,
        what: &'static str,
    ) -> Option<(Value, Ty)> {
        let (c, ty) = self.expr(e, &Scope::constant(), hint)?;
        let value = match c {
            CExpr::Const(v) => Some(v),
            CExpr::Neg(inner, _) => match *inner {
                CExpr::Const(Value::Num(r)) => Some(Value::Num(Rat {
                    num: -r.num,
                    den: r.den,
                })),
                _ => None,
            },
            _ => None,
        };
        if value.is_none() {
            self.push(CheckError::NotConstant {
                what,
                src: self.sources.named(e.span.file),
                span: e.span.into(),
            });
        }
        Some((value?, ty))
    }
}
