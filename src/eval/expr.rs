//! The interpreter: a compiled expression over one entity.

use std::cell::Cell;
use std::cmp::Ordering;

use crate::data::Dataset;
use crate::program::*;
use crate::source::Span;
use crate::syntax::ast::{BinOp, SubjectKind};
use crate::value::{add_days, add_months, months_between, Rat, Value};
pub use crate::value::{compare, equal};

/// Grades decided so far (`u8::MAX` = none yet, or not graded).
#[derive(Debug, Clone)]
pub struct Grades {
    pub members: Vec<u8>,
    pub organisations: Vec<u8>,
}

impl Grades {
    pub fn of(&self, kind: SubjectKind, i: u32) -> Option<u8> {
        let g = match kind {
            SubjectKind::Member => self.members[i as usize],
            SubjectKind::Organisation => self.organisations[i as usize],
        };
        (g != u8::MAX).then_some(g)
    }
}

/// Receives the values an evaluation reads, for explanations. Bulk
/// grading uses [`NoTrace`], which compiles to nothing.
pub trait Tracer {
    const ON: bool;
    fn read(&mut self, what: String, shown: String);
}

pub struct NoTrace;
impl Tracer for NoTrace {
    const ON: bool = false;
    fn read(&mut self, _: String, _: String) {}
}

/// Collects (name, value) pairs in reading order, without repeats.
#[derive(Default)]
pub struct Readings(pub Vec<(String, String)>);
impl Tracer for Readings {
    const ON: bool = true;
    fn read(&mut self, what: String, shown: String) {
        if !self.0.iter().any(|(w, _)| *w == what) {
            self.0.push((what, shown));
        }
    }
}

/// Why an evaluation had no value to give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    DivisionByZero,
    /// A result beyond what exact arithmetic holds (about 10^38).
    Overflow,
}

/// An arithmetic fault: where in the rules, and for which entity (a
/// member inside a cell's aggregate, say) it happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fault {
    pub kind: FaultKind,
    pub span: Span,
    pub entity: SubjectKind,
    pub index: u32,
}

/// Everything an evaluation reads. An arithmetic fault is kept (the first
/// one) for the caller, who knows the entity, to turn into an error: a
/// value that cannot be computed must never quietly become `none`.
pub struct Env<'a> {
    pub program: &'a Program,
    pub data: &'a Dataset,
    pub params: &'a [Value],
    pub grades: &'a Grades,
    fault: Cell<Option<Fault>>,
}

/// The index that stands for the whole dataset: a query over `members`
/// there counts every member, over `suborgs` every organisation.
pub const WHOLE: u32 = u32::MAX;

/// The entity an expression is evaluated for.
#[derive(Clone, Copy)]
pub struct At {
    pub kind: SubjectKind,
    pub index: u32,
    /// The entity being graded itself (not a child inside an aggregate):
    /// only here are aggregates memoised and reads traced.
    pub top: bool,
}

pub type Memo = Vec<Option<Value>>;

impl<'a> Env<'a> {
    pub fn new(
        program: &'a Program,
        data: &'a Dataset,
        params: &'a [Value],
        grades: &'a Grades,
    ) -> Env<'a> {
        Env {
            program,
            data,
            params,
            grades,
            fault: Cell::new(None),
        }
    }

    /// The first arithmetic fault since the last call, if any.
    pub fn take_fault(&self) -> Option<Fault> {
        self.fault.take()
    }

    fn fail(&self, kind: FaultKind, span: Span, at: At) -> Value {
        if self.fault.get().is_none() {
            self.fault.set(Some(Fault {
                kind,
                span,
                entity: at.kind,
                index: at.index,
            }));
        }
        Value::None
    }

    pub fn truthy<T: Tracer>(&self, e: &CExpr, at: At, memo: &mut Memo, t: &mut T) -> bool {
        matches!(self.eval(e, at, memo, t), Value::Bool(true))
    }

    pub fn eval<T: Tracer>(&self, e: &CExpr, at: At, memo: &mut Memo, t: &mut T) -> Value {
        match e {
            CExpr::Const(v) => v.clone(),
            CExpr::Field(_) if at.index == WHOLE => Value::None,
            CExpr::Field(slot) => {
                let v = self.data.table(at.kind).columns[*slot as usize].get(at.index as usize);
                if T::ON && at.top {
                    let f = &self.program.schema(at.kind).fields[*slot as usize];
                    t.read(f.name.clone(), self.show(&v, f.ty));
                }
                v
            }
            CExpr::Param(i) => {
                let v = self.params[*i as usize].clone();
                if T::ON && at.top {
                    let p = &self.program.params[*i as usize];
                    t.read(p.name.clone(), self.program.show_value(&v, p.ty));
                }
                v
            }
            CExpr::Grade if at.index == WHOLE => Value::None,
            CExpr::Grade => match self.grades.of(at.kind, at.index) {
                Some(g) => Value::Grade(g),
                None => Value::None,
            },
            CExpr::OrgField(base, slot) => {
                let Value::Org(o) = self.eval(base, At { top: false, ..at }, memo, t) else {
                    return Value::None;
                };
                let v = self.data.organisations.columns[*slot as usize].get(o as usize);
                if T::ON && at.top {
                    let f = &self.program.organisation.fields[*slot as usize];
                    let link = if at.kind == SubjectKind::Member {
                        "organisation"
                    } else {
                        "parent"
                    };
                    t.read(format!("{link}.{}", f.name), self.show(&v, f.ty));
                }
                v
            }
            CExpr::Not(x) => match self.eval(x, at, memo, t) {
                Value::Bool(b) => Value::Bool(!b),
                _ => Value::None,
            },
            CExpr::Neg(x, span) => match self.eval(x, at, memo, t) {
                Value::Num(r) => match r.num.checked_neg() {
                    Some(num) => Value::Num(Rat { num, den: r.den }),
                    None => self.fail(FaultKind::Overflow, *span, at),
                },
                _ => Value::None,
            },
            CExpr::Bin(op, _, a, b) => self.binary(*op, a, b, at, memo, t),
            CExpr::Arith(op, _, a, b, span) => {
                let (Value::Num(x), Value::Num(y)) =
                    (self.eval(a, at, memo, t), self.eval(b, at, memo, t))
                else {
                    // An operand that is none makes the result none.
                    return Value::None;
                };
                let r = match op {
                    BinOp::Add => x.checked_add(y),
                    BinOp::Sub => x.checked_sub(y),
                    BinOp::Mul => x.checked_mul(y),
                    _ if y.num == 0 => return self.fail(FaultKind::DivisionByZero, *span, at),
                    _ => x.checked_div(y),
                };
                match r {
                    Some(v) => Value::Num(v),
                    None => self.fail(FaultKind::Overflow, *span, at),
                }
            }
            CExpr::InList(x, items) => {
                let v = self.eval(x, at, memo, t);
                if v == Value::None {
                    return Value::Bool(false);
                }
                Value::Bool(items.iter().any(|i| equal(&v, &self.eval(i, at, memo, t))))
            }
            CExpr::InSet(x, set) => {
                match (self.eval(x, at, memo, t), self.eval(set, at, memo, t)) {
                    (Value::Grade(g), Value::GradeSet(mask)) => Value::Bool(mask & (1 << g) != 0),
                    _ => Value::Bool(false),
                }
            }
            CExpr::Agg(agg, slot) => {
                let memo_slot = slot.filter(|_| at.top).map(|s| s as usize);
                if let Some(s) = memo_slot {
                    if let Some(v) = &memo[s] {
                        return v.clone();
                    }
                }
                let v = self.aggregate(agg, at, memo, t);
                if let Some(s) = memo_slot {
                    memo[s] = Some(v.clone());
                    if T::ON {
                        let shown = match (&v, agg.func) {
                            // The share unreduced: hits over those counted.
                            (Value::Num(r), AggFunc::Share) if r.den > 0 => {
                                let pct = Rat {
                                    num: r.num * 100,
                                    den: r.den,
                                }
                                .to_decimal_string(1);
                                format!("{pct}% ({}/{})", r.num, r.den)
                            }
                            (Value::Bool(b), _) => b.to_string(),
                            _ => self.program.show_value(&v, Ty::Number),
                        };
                        t.read(agg.text.clone(), shown);
                    }
                }
                v
            }
            CExpr::If(c, a, b) => {
                if self.truthy(c, at, memo, t) {
                    self.eval(a, at, memo, t)
                } else {
                    self.eval(b, at, memo, t)
                }
            }
            CExpr::Let(kind, i, inner) => {
                let v = self.eval(inner, at, memo, t);
                if T::ON && at.top {
                    let l = &self.program.schema(*kind).lets[*i as usize];
                    t.read(l.name.clone(), self.program.show_value(&v, l.ty));
                }
                v
            }
            CExpr::Call(f, args, span) => {
                let (Value::Date(a), b) = (
                    self.eval(&args[0], at, memo, t),
                    self.eval(&args[1], at, memo, t),
                ) else {
                    return Value::None;
                };
                match (f, b) {
                    (Func::Months, Value::Date(b)) => Value::Num(Rat::int(months_between(a, b))),
                    (Func::Days, Value::Date(b)) => Value::Num(Rat::int(b as i64 - a as i64)),
                    (Func::AddMonths | Func::AddDays, Value::Num(n)) => {
                        let moved = i64::try_from(n.num).ok().and_then(|n| match f {
                            Func::AddMonths => add_months(a, n),
                            _ => add_days(a, n),
                        });
                        match moved {
                            Some(d) => Value::Date(d),
                            None => self.fail(FaultKind::Overflow, *span, at),
                        }
                    }
                    _ => Value::None,
                }
            }
        }
    }

    fn show(&self, v: &Value, ty: Ty) -> String {
        if let (Value::Org(o), Ty::Org) = (v, ty) {
            return self
                .data
                .id(self.program, SubjectKind::Organisation, *o)
                .to_string();
        }
        self.program.show_value(v, ty)
    }

    fn binary<T: Tracer>(
        &self,
        op: BinOp,
        a: &CExpr,
        b: &CExpr,
        at: At,
        memo: &mut Memo,
        t: &mut T,
    ) -> Value {
        match op {
            BinOp::And => {
                if !self.truthy(a, at, memo, t) {
                    return Value::Bool(false);
                }
                Value::Bool(self.truthy(b, at, memo, t))
            }
            BinOp::Or => {
                if self.truthy(a, at, memo, t) {
                    return Value::Bool(true);
                }
                Value::Bool(self.truthy(b, at, memo, t))
            }
            BinOp::Eq => Value::Bool(equal(
                &self.eval(a, at, memo, t),
                &self.eval(b, at, memo, t),
            )),
            BinOp::Ne => Value::Bool(!equal(
                &self.eval(a, at, memo, t),
                &self.eval(b, at, memo, t),
            )),
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let (x, y) = (self.eval(a, at, memo, t), self.eval(b, at, memo, t));
                let Some(ord) = compare(&x, &y) else {
                    return Value::Bool(false);
                };
                Value::Bool(match op {
                    BinOp::Lt => ord == Ordering::Less,
                    BinOp::Le => ord != Ordering::Greater,
                    BinOp::Gt => ord == Ordering::Greater,
                    _ => ord != Ordering::Less,
                })
            }
            // Arithmetic is `CExpr::Arith`; `in` is `InList`/`InSet`.
            BinOp::In | BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => Value::None,
        }
    }

    fn aggregate<T: Tracer>(&self, agg: &Aggregate, at: At, memo: &mut Memo, t: &mut T) -> Value {
        let d = self.data;
        let kind = agg.coll.element();
        let mut considered = 0i64;
        let mut hits = 0i64;
        let mut sum = Some(Rat::ZERO);
        let mut best: Option<Value> = None;
        let mut visit = |i: u32| {
            if agg.graded_only && self.grades.of(kind, i).is_none() {
                return true;
            }
            let child = At {
                kind,
                index: i,
                top: false,
            };
            considered += 1;
            match agg.func {
                AggFunc::Count | AggFunc::Share | AggFunc::All | AggFunc::Any => {
                    let ok = agg
                        .arg
                        .as_ref()
                        .is_none_or(|c| self.truthy(c, child, memo, t));
                    hits += ok as i64;
                    // all() can stop at the first miss, any() at the first hit.
                    !(agg.func == AggFunc::All && !ok || agg.func == AggFunc::Any && ok)
                }
                AggFunc::Sum => {
                    if let Some(Value::Num(r)) =
                        agg.arg.as_ref().map(|c| self.eval(c, child, memo, t))
                    {
                        sum = sum.and_then(|s| s.checked_add(r));
                    }
                    sum.is_some()
                }
                AggFunc::Min | AggFunc::Max => {
                    let v = agg
                        .arg
                        .as_ref()
                        .map(|c| self.eval(c, child, memo, t))
                        .unwrap_or(Value::None);
                    if v != Value::None {
                        let better = match &best {
                            None => true,
                            Some(b) => {
                                let ord = compare(&v, b);
                                if agg.func == AggFunc::Min {
                                    ord == Some(Ordering::Less)
                                } else {
                                    ord == Some(Ordering::Greater)
                                }
                            }
                        };
                        if better {
                            best = Some(v);
                        }
                    }
                    true
                }
            }
        };
        match agg.coll {
            // The whole dataset: every member, every organisation.
            Collection::Members | Collection::AllMembers if at.index == WHOLE => {
                for m in 0..d.members.len() as u32 {
                    if !visit(m) {
                        break;
                    }
                }
            }
            Collection::Suborgs if at.index == WHOLE => {
                for o in 0..d.organisations.len() as u32 {
                    if !visit(o) {
                        break;
                    }
                }
            }
            Collection::Members => {
                for &m in d.org_members.of(at.index) {
                    if !visit(m) {
                        break;
                    }
                }
            }
            Collection::Suborgs => {
                for &o in d.org_children.of(at.index) {
                    if !visit(o) {
                        break;
                    }
                }
            }
            Collection::AllMembers => {
                let mut stack = vec![at.index];
                'outer: while let Some(o) = stack.pop() {
                    for &m in d.org_members.of(o) {
                        if !visit(m) {
                            break 'outer;
                        }
                    }
                    stack.extend(d.org_children.of(o).iter().rev());
                }
            }
        }
        match agg.func {
            AggFunc::Count => Value::Num(Rat::int(hits)),
            // Kept unreduced (hits / considered) so explanations can show both.
            AggFunc::Share => Value::Num(if considered == 0 {
                Rat::ZERO
            } else {
                Rat {
                    num: hits as i128,
                    den: considered as i128,
                }
            }),
            AggFunc::All => Value::Bool(hits == considered),
            AggFunc::Any => Value::Bool(hits > 0),
            AggFunc::Sum => match sum {
                Some(s) => Value::Num(s),
                None => self.fail(FaultKind::Overflow, agg.span, at),
            },
            AggFunc::Min | AggFunc::Max => best.unwrap_or(Value::None),
        }
    }
}
