//! Expressions: name resolution and types, compiled to [`CExpr`].

use miette::Report;

mod constants;

use super::error::CheckError;
use super::suggest::help_for;
use super::Compiler;
use crate::program::*;
use crate::source::Span;
use crate::syntax::ast::{BinOp, Expr, ExprKind, Ident, SubjectKind, UnaryOp};
use crate::value::{parse_iso_date, Rat, Value};

/// Whether an expression may read `grade` where it stands.
#[derive(Debug, Clone)]
pub(super) enum GradeAccess {
    /// Inside an aggregate over graded children, or in a quota ranking.
    Allowed,
    /// Inside an aggregate over all children: some have no grade.
    NeedsGraded(&'static str),
    /// In the entity's own rules: its grade is what is being decided.
    Own(String),
}

#[derive(Debug, Clone)]
pub(super) struct Scope {
    /// `None` for literals (parameter values, defaults, test records).
    pub kind: Option<SubjectKind>,
    pub grade: GradeAccess,
    /// Inside an aggregate (nested aggregates are not memoised).
    pub nested: bool,
}

impl Scope {
    pub fn own(kind: SubjectKind, reading: &str) -> Scope {
        Scope {
            kind: Some(kind),
            grade: GradeAccess::Own(reading.to_string()),
            nested: false,
        }
    }
    pub fn constant() -> Scope {
        Scope {
            kind: None,
            grade: GradeAccess::Own(String::new()),
            nested: false,
        }
    }
}

pub(super) fn type_name(c: &Compiler, ty: Ty) -> String {
    match ty {
        Ty::Bool => "a yes/no value".into(),
        Ty::Int => "a whole number".into(),
        Ty::Number => "a number".into(),
        Ty::Percent => "a percentage".into(),
        Ty::Date => "a date".into(),
        Ty::Text => "a text".into(),
        Ty::Enum(e) => format!(
            "a `{}` value",
            c.enums
                .get(e as usize)
                .map(|e| e.name.as_str())
                .unwrap_or("?")
        ),
        Ty::Grade => "a grade".into(),
        Ty::GradeSet => "a list of grades".into(),
        Ty::Rounding => "a rounding (floor, ceil, nearest)".into(),
        Ty::Org => "an organisation".into(),
        Ty::Null => "`none`".into(),
    }
}

/// Numbers compare with numbers, and a percentage with a number or a
/// percentage, but never with a whole number: `share(…) >= 80` is a slip
/// for `80%`.
fn comparable(a: Ty, b: Ty) -> bool {
    a == b
        || a == Ty::Null
        || b == Ty::Null
        || matches!(
            (a, b),
            (Ty::Int, Ty::Number)
                | (Ty::Number, Ty::Int)
                | (Ty::Number, Ty::Percent)
                | (Ty::Percent, Ty::Number)
        )
}

pub(super) fn ordered(t: Ty) -> bool {
    matches!(
        t,
        Ty::Int | Ty::Number | Ty::Percent | Ty::Date | Ty::Enum(_) | Ty::Grade | Ty::Text
    )
}

impl Compiler<'_> {
    pub(super) fn push(&mut self, e: CheckError) {
        self.problems.push(Report::new(e));
    }

    pub(super) fn mismatch(&mut self, span: Span, expected: &str, found: Ty, help: &str) {
        let found = type_name(self, found);
        self.push(CheckError::TypeMismatch {
            expected: expected.to_string(),
            found,
            help: help.to_string(),
            src: self.sources.named(span.file),
            span: span.into(),
        });
    }

    /// Compiles `e` and requires type `want`.
    pub(super) fn expect(
        &mut self,
        e: &Expr,
        scope: &Scope,
        want: Ty,
        help: &str,
    ) -> Option<CExpr> {
        let (c, ty) = self.expr(e, scope, Some(want))?;
        let fits = ty == want
            || ty == Ty::Null
            || (want == Ty::Number && ty == Ty::Int)
            || (want == Ty::Percent && ty == Ty::Number);
        if !fits {
            let expected = type_name(self, want);
            self.mismatch(e.span, &expected, ty, help);
            return None;
        }
        Some(c)
    }

    pub(super) fn expr(
        &mut self,
        e: &Expr,
        scope: &Scope,
        hint: Option<Ty>,
    ) -> Option<(CExpr, Ty)> {
        match &e.node {
            ExprKind::Bool(b) => Some((CExpr::Const(Value::Bool(*b)), Ty::Bool)),
            ExprKind::None => Some((CExpr::Const(Value::None), Ty::Null)),
            ExprKind::Int(i) => Some((CExpr::Const(Value::Num(Rat::int(*i))), Ty::Int)),
            ExprKind::Number { num, den, percent } => {
                let r = Rat::new(*num, *den)?;
                Some((
                    CExpr::Const(Value::Num(r)),
                    if *percent { Ty::Percent } else { Ty::Number },
                ))
            }
            ExprKind::Date(d) => Some((CExpr::Const(Value::Date(parse_iso_date(d)?)), Ty::Date)),
            ExprKind::Text(t) => Some((CExpr::Const(Value::Text(t.as_str().into())), Ty::Text)),
            ExprKind::Path(path) => self.path(path, scope, hint, e.span),
            ExprKind::Graded(c) => {
                self.push(CheckError::BadCall {
                    problem: format!("`graded {}` is a collection, not a value", c.node),
                    help: "use it inside an aggregate: `count(graded members)`, `share(graded members, grade >= HTTNV)`".into(),
                    src: self.sources.named(e.span.file),
                    span: e.span.into(),
                });
                None
            }
            ExprKind::List(items) => self.grade_list(items),
            ExprKind::Call(f, args) => self.call(f, args, scope, e.span),
            ExprKind::If(c, a, b) => {
                let cond = self.expect(c, scope, Ty::Bool, "`if` takes a condition");
                let (x, tx) = self.expr(a, scope, hint)?;
                let (y, ty) = self.expr(b, scope, Some(tx))?;
                if !comparable(tx, ty) {
                    let expected = type_name(self, tx);
                    self.mismatch(
                        b.span,
                        &expected,
                        ty,
                        "both branches of `if` give one type of value",
                    );
                    return None;
                }
                let out = if tx == Ty::Null { ty } else { tx };
                Some((CExpr::If(Box::new(cond?), Box::new(x), Box::new(y)), out))
            }
            ExprKind::Unary(UnaryOp::Not, x) => {
                let c = self.expect(x, scope, Ty::Bool, "`not` applies to a condition")?;
                Some((CExpr::Not(Box::new(c)), Ty::Bool))
            }
            ExprKind::Unary(UnaryOp::Neg, x) => {
                let (c, ty) = self.expr(x, scope, hint)?;
                if !ty.is_numeric() {
                    self.mismatch(x.span, "a number", ty, "only numbers can be negated");
                    return None;
                }
                Some((CExpr::Neg(Box::new(c), e.span), ty))
            }
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b, scope, e.span),
        }
    }

    /// `[HTXSNV, HTTNV]` outside `in`: a set of grades.
    fn grade_list(&mut self, items: &[Expr]) -> Option<(CExpr, Ty)> {
        let mut mask = 0u32;
        for item in items {
            let code = match &item.node {
                ExprKind::Path(p) if p.len() == 1 => &p[0],
                _ => {
                    self.push(CheckError::TypeMismatch {
                        expected: "a grade".into(),
                        found: "something else".into(),
                        help:
                            "a list outside `in […]` is a set of grades, such as `[HTXSNV, HTTNV]`"
                                .into(),
                        src: self.sources.named(item.span.file),
                        span: item.span.into(),
                    });
                    return None;
                }
            };
            let g = self.grade(code)?;
            mask |= 1 << g;
        }
        Some((CExpr::Const(Value::GradeSet(mask)), Ty::GradeSet))
    }

    /// Resolves a grade code, reporting it with a suggestion if unknown.
    pub(super) fn grade(&mut self, code: &Ident) -> Option<u8> {
        if let Some(g) = self.grade_index.get(&code.node) {
            return Some(*g);
        }
        let help = help_for(
            &code.node,
            self.grade_index.keys().map(|s| s.as_str()),
            || {
                let mut codes: Vec<&str> = self.grade_index.keys().map(|s| s.as_str()).collect();
                codes.sort_by_key(|c| self.grade_index[*c]);
                format!("the grades are {}", codes.join(", "))
            },
        );
        self.push(CheckError::UnknownGrade {
            name: code.node.clone(),
            help,
            src: self.sources.named(code.span.file),
            span: code.span.into(),
        });
        None
    }

    fn schema_of(&self, kind: SubjectKind) -> &SchemaInfo {
        match kind {
            SubjectKind::Member => &self.member,
            SubjectKind::Organisation => &self.organisation,
        }
    }

    fn path(
        &mut self,
        path: &[Ident],
        scope: &Scope,
        hint: Option<Ty>,
        span: Span,
    ) -> Option<(CExpr, Ty)> {
        let first = &path[0];
        let (mut cur, mut ty) = self.name(first, scope, hint)?;
        for seg in &path[1..] {
            if ty != Ty::Org {
                self.push(CheckError::BadCall {
                    problem: format!("`{}` has no fields", self.sources.slice(Span { end: seg.span.start.saturating_sub(1), ..span })),
                    help: "only an organisation (`organisation.…`, `parent.…`) has fields to read with `.`".into(),
                    src: self.sources.named(seg.span.file),
                    span: seg.span.into(),
                });
                return None;
            }
            if seg.node == "grade" {
                let reading = self
                    .sources
                    .slice(Span {
                        end: seg.span.end,
                        ..span
                    })
                    .to_string();
                self.grade_reads_up
                    .push((self.current.clone(), reading, span));
                return None;
            }
            let Some(slot) = self.organisation.field(&seg.node) else {
                let names: Vec<&str> = self
                    .organisation
                    .fields
                    .iter()
                    .map(|f| f.name.as_str())
                    .collect();
                let help = help_for(&seg.node, names.iter().copied(), || {
                    format!("an organisation has the fields {}", names.join(", "))
                });
                self.push(CheckError::UnknownName {
                    what: "organisation field",
                    name: seg.node.clone(),
                    help,
                    src: self.sources.named(seg.span.file),
                    span: seg.span.into(),
                });
                return None;
            };
            ty = self.organisation.fields[slot].ty;
            cur = CExpr::OrgField(Box::new(cur), slot as u16);
        }
        Some((cur, ty))
    }

    /// A bare name: field, derived value, `grade`, parameter, grade code,
    /// enumeration value, rounding, or `review_date`.
    fn name(&mut self, id: &Ident, scope: &Scope, hint: Option<Ty>) -> Option<(CExpr, Ty)> {
        let n = id.node.as_str();
        if let Some(kind) = scope.kind {
            let schema = self.schema_of(kind);
            if let Some(slot) = schema.field(n) {
                return Some((CExpr::Field(slot as u16), schema.fields[slot].ty));
            }
            if let Some(i) = schema.lets.iter().position(|l| l.name == n) {
                let l = &schema.lets[i];
                return Some((CExpr::Let(kind, i as u16, Box::new(l.expr.clone())), l.ty));
            }
            if n == "grade" {
                return match &scope.grade {
                    GradeAccess::Allowed => Some((CExpr::Grade, Ty::Grade)),
                    GradeAccess::NeedsGraded(coll) => {
                        self.push(CheckError::BadCall {
                            problem: format!("`grade` read over `{coll}`, which includes entities that are not graded"),
                            help: format!("write `graded {coll}`, so the not graded are left out of the count and the share"),
                            src: self.sources.named(id.span.file),
                            span: id.span.into(),
                        });
                        None
                    }
                    GradeAccess::Own(reading) => {
                        self.grade_reads_own.push((reading.clone(), id.span));
                        None
                    }
                };
            }
            if matches!(n, "members" | "suborgs" | "all_members") {
                self.push(CheckError::BadCall {
                    problem: format!("`{n}` is a collection, not a value"),
                    help: format!("use it inside an aggregate: `count({n})`, `share(graded {n}, grade >= HTTNV)`"),
                    src: self.sources.named(id.span.file),
                    span: id.span.into(),
                });
                return None;
            }
        }
        if let Some(i) = self.params.iter().position(|p| p.name == n) {
            if scope.kind.is_none() {
                self.push(CheckError::NotConstant {
                    what: "this value",
                    src: self.sources.named(id.span.file),
                    span: id.span.into(),
                });
                return None;
            }
            return Some((CExpr::Param(i as u16), self.params[i].ty));
        }
        if let Some(g) = self.grade_index.get(n) {
            return Some((CExpr::Const(Value::Grade(*g)), Ty::Grade));
        }
        if let Some(found) = self.variants.get(n) {
            let pick = match hint {
                Some(Ty::Enum(e)) => found.iter().find(|(en, _)| *en == e).or(found.first()),
                _ => found.first(),
            };
            if let Some((e, v)) = pick.copied() {
                return Some((CExpr::Const(Value::Enum(v)), Ty::Enum(e)));
            }
        }
        if let Some((_, r)) = Program::rounding_names().find(|(name, _)| *name == n) {
            return Some((CExpr::Const(Value::Rounding(r)), Ty::Rounding));
        }
        if n == "review_date" {
            return Some((CExpr::Const(Value::Date(self.review_date)), Ty::Date));
        }
        self.unknown_name(id, scope);
        None
    }

    fn unknown_name(&mut self, id: &Ident, scope: &Scope) {
        let mut candidates: Vec<String> = Vec::new();
        if let Some(kind) = scope.kind {
            let s = self.schema_of(kind);
            candidates.extend(s.fields.iter().map(|f| f.name.clone()));
            candidates.extend(s.lets.iter().map(|l| l.name.clone()));
            candidates.extend(self.params.iter().map(|p| p.name.clone()));
        }
        candidates.extend(self.grade_index.keys().cloned());
        candidates.extend(self.variants.keys().cloned());
        candidates.push("review_date".into());
        let help = help_for(&id.node, candidates.iter().map(|s| s.as_str()), || {
            match scope.kind {
                Some(k) => format!(
                    "a {} has the fields {}; declare new ones in `schema {}`",
                    k.keyword(),
                    self.schema_of(k).fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(", "),
                    k.keyword()
                ),
                None => "a literal value is a number, a percentage, a date, a text, a grade, an enumeration value or a rounding".into(),
            }
        });
        self.push(CheckError::UnknownName {
            what: "name",
            name: id.node.clone(),
            help,
            src: self.sources.named(id.span.file),
            span: id.span.into(),
        });
    }

    fn is_plain_value_name(&self, e: &Expr, scope: &Scope) -> bool {
        let ExprKind::Path(p) = &e.node else {
            return true;
        };
        let n = p[0].node.as_str();
        if p.len() > 1 {
            return true;
        }
        let in_schema = scope.kind.is_some_and(|k| {
            let s = self.schema_of(k);
            s.field(n).is_some() || s.lets.iter().any(|l| l.name == n) || n == "grade"
        });
        in_schema || self.params.iter().any(|p| p.name == n) || !self.variants.contains_key(n)
    }

    fn binary(
        &mut self,
        op: BinOp,
        a: &Expr,
        b: &Expr,
        scope: &Scope,
        span: Span,
    ) -> Option<(CExpr, Ty)> {
        match op {
            BinOp::And | BinOp::Or => {
                let x = self.expect(a, scope, Ty::Bool, "`and` and `or` join conditions");
                let y = self.expect(b, scope, Ty::Bool, "`and` and `or` join conditions");
                Some((
                    CExpr::Bin(op, Ty::Bool, Box::new(x?), Box::new(y?)),
                    Ty::Bool,
                ))
            }
            BinOp::In => {
                let (x, tx) = self.expr(a, scope, None)?;
                if let ExprKind::List(items) = &b.node {
                    let mut out = Vec::new();
                    for item in items {
                        let (c, ti) = self.expr(item, scope, Some(tx))?;
                        if !comparable(tx, ti) {
                            let expected = type_name(self, tx);
                            self.mismatch(
                                item.span,
                                &expected,
                                ti,
                                "every value in the list must be of the type of the left side",
                            );
                            return None;
                        }
                        out.push(c);
                    }
                    return Some((CExpr::InList(Box::new(x), out), Ty::Bool));
                }
                let (y, ty) = self.expr(b, scope, None)?;
                if ty == Ty::GradeSet && tx == Ty::Grade {
                    return Some((CExpr::InSet(Box::new(x), Box::new(y)), Ty::Bool));
                }
                self.mismatch(
                    b.span,
                    "a list `[…]` or a set of grades",
                    ty,
                    "write `x in [a, b]`",
                );
                None
            }
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                // Resolve the side that fixes the type first, so a bare
                // enumeration value takes its type from the other side.
                let ((x, tx), (y, ty)) = if self.is_plain_value_name(a, scope) {
                    let l = self.expr(a, scope, None)?;
                    let r = self.expr(b, scope, Some(l.1))?;
                    (l, r)
                } else {
                    let r = self.expr(b, scope, None)?;
                    let l = self.expr(a, scope, Some(r.1))?;
                    (l, r)
                };
                if !comparable(tx, ty) {
                    let help = if (tx == Ty::Percent && ty == Ty::Int)
                        || (tx == Ty::Int && ty == Ty::Percent)
                    {
                        "a share is a percentage: write the threshold with `%`, e.g. `>= 80%`"
                            .to_string()
                    } else {
                        format!(
                            "both sides must be of one type; the left side is {}",
                            type_name(self, tx)
                        )
                    };
                    let expected = type_name(self, tx);
                    self.mismatch(b.span, &expected, ty, &help);
                    return None;
                }
                let is_order = !matches!(op, BinOp::Eq | BinOp::Ne);
                if is_order && (!ordered(tx) || !ordered(ty)) {
                    let t = if ordered(tx) { ty } else { tx };
                    let sp = if ordered(tx) { b.span } else { a.span };
                    self.mismatch(sp, "a value with an order", t, "`<`, `<=`, `>`, `>=` compare numbers, dates, grades and enumeration values (better is greater)");
                    return None;
                }
                let operand_ty = if tx == Ty::Null { ty } else { tx };
                Some((
                    CExpr::Bin(op, operand_ty, Box::new(x), Box::new(y)),
                    Ty::Bool,
                ))
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
                let (x, tx) = self.expr(a, scope, None)?;
                let (y, ty) = self.expr(b, scope, None)?;
                for (t, sp) in [(tx, a.span), (ty, b.span)] {
                    if !t.is_numeric() {
                        self.mismatch(
                            sp,
                            "a number",
                            t,
                            "arithmetic works on numbers and percentages",
                        );
                        return None;
                    }
                }
                let out = match op {
                    BinOp::Div => Ty::Number,
                    BinOp::Mul if tx == Ty::Int && ty == Ty::Int => Ty::Int,
                    BinOp::Mul => Ty::Number,
                    _ if tx == ty => tx,
                    _ if tx == Ty::Percent || ty == Ty::Percent => {
                        self.mismatch(
                            span,
                            "two percentages",
                            if tx == Ty::Percent { ty } else { tx },
                            "add a percentage only to a percentage",
                        );
                        return None;
                    }
                    _ => Ty::Number,
                };
                let zero = matches!(&y, CExpr::Const(Value::Num(r)) if r.num == 0);
                if op == BinOp::Div && zero {
                    self.bad_call(
                        b.span,
                        "division by zero".into(),
                        "a value divided by 0 has no meaning; divide by a value that cannot be 0, or test it first with `if … then … else …`".into(),
                    );
                    return None;
                }
                Some((CExpr::Arith(op, out, Box::new(x), Box::new(y), span), out))
            }
        }
    }

    pub(super) fn bad_call(&mut self, span: Span, problem: String, help: String) {
        self.push(CheckError::BadCall {
            problem,
            help,
            src: self.sources.named(span.file),
            span: span.into(),
        });
    }
}
