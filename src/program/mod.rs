//! The checked, compiled form of a rules file: what the evaluator runs.
//! Every name is resolved to an index (field slot, parameter, clause), so
//! evaluating a record needs no hashing or string comparison.

mod test_info;

pub use test_info::{Expected, TestChild, TestInfo};

use crate::source::{SourceMap, Span};
use crate::syntax::ast::{BinOp, SubjectKind};
use crate::value::{Rat, Rounding, Value};

/// Static types of the language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ty {
    Bool,
    Int,
    Number,
    Percent,
    Date,
    Text,
    Enum(u16),
    Grade,
    GradeSet,
    Rounding,
    /// A reference to an organisation.
    Org,
    /// The type of `none`: compares with anything.
    Null,
}

impl Ty {
    pub fn is_numeric(self) -> bool {
        matches!(self, Ty::Int | Ty::Number | Ty::Percent)
    }
}

#[derive(Debug, Clone)]
pub struct Header {
    pub name: String,
    pub year: i64,
    pub review_date: i32,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct GradeInfo {
    pub code: String,
    pub label: String,
}

#[derive(Debug, Clone)]
pub struct EnumInfo {
    pub name: String,
    /// (name, label), best first.
    pub variants: Vec<(String, Option<String>)>,
}

/// The values a field or parameter may hold, bounds included. Declared
/// with `in LOW..HIGH`; without it, a type's sensible range: a percentage
/// 0%..100%, a number or whole number not below 0, a date from
/// 1900-01-01 to the review date.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Range {
    pub low: Option<Value>,
    pub high: Option<Value>,
}

impl Range {
    /// The range a value of `ty` has when none is declared.
    pub fn default_for(ty: Ty, review_date: i32) -> Range {
        let num = |r: Rat| Some(Value::Num(r));
        match ty {
            Ty::Percent => Range {
                low: num(Rat::ZERO),
                high: num(Rat::int(1)),
            },
            Ty::Int | Ty::Number => Range {
                low: num(Rat::ZERO),
                high: None,
            },
            Ty::Date => Range {
                low: crate::value::days_from_civil(1900, 1, 1).map(Value::Date),
                high: Some(Value::Date(review_date)),
            },
            _ => Range::default(),
        }
    }

    /// Whether `v` lies in the range (`none` always does: whether a value
    /// may be missing is the field's `?` or default, not its range).
    pub fn contains(&self, v: &Value) -> bool {
        use std::cmp::Ordering::{Greater, Less};
        let cmp = crate::value::compare;
        let above_low = self.low.as_ref().is_none_or(|l| cmp(v, l) != Some(Less));
        let below_high = self
            .high
            .as_ref()
            .is_none_or(|h| cmp(v, h) != Some(Greater));
        *v == Value::None || above_low && below_high
    }

    /// `from 0% to 100%`, `0 or more`, `2021-12-31 or less`.
    pub fn text(&self, ty: Ty) -> String {
        let bound = |b: &Option<Value>| b.as_ref().map(|v| Range::show(v, ty)).unwrap_or_default();
        match (&self.low, &self.high) {
            (Some(_), None) => format!("{} or more", bound(&self.low)),
            (None, Some(_)) => format!("{} or less", bound(&self.high)),
            (Some(_), Some(_)) => format!("from {} to {}", bound(&self.low), bound(&self.high)),
            (None, None) => "any value".into(),
        }
    }

    /// A value a range can hold (a number, a percentage or a date), as the
    /// rules write it.
    pub fn show(v: &Value, ty: Ty) -> String {
        match v {
            Value::Num(r) if ty == Ty::Percent => r
                .checked_mul(Rat::int(100))
                .map(|p| format!("{p}%"))
                .unwrap_or_default(),
            Value::Num(r) => r.to_string(),
            Value::Date(d) => crate::value::format_date(*d),
            _ => String::new(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct FieldInfo {
    pub name: String,
    pub ty: Ty,
    pub optional: bool,
    pub range: Range,
    pub default: Option<Value>,
    /// Column headers accepted for this field, first = canonical.
    pub columns: Vec<String>,
    /// The file must have the column even if the field is optional.
    pub column_required: bool,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct LetInfo {
    pub name: String,
    pub ty: Ty,
    pub expr: CExpr,
    pub span: Span,
}

/// `require CONDITION "message"`: every record must meet the condition
/// (a `none` result counts as met: the condition guards its own `none`s).
#[derive(Debug, Clone)]
pub struct Requirement {
    pub condition: CExpr,
    pub message: String,
    pub cite: Option<String>,
    pub span: Span,
}

/// The fields of one kind of entity, and where the built-in ones are.
#[derive(Debug, Clone, Default)]
pub struct SchemaInfo {
    pub fields: Vec<FieldInfo>,
    pub lets: Vec<LetInfo>,
    pub requirements: Vec<Requirement>,
    pub id: usize,
    pub name: usize,
    /// member: `organisation`; organisation: `parent`.
    pub link: usize,
    /// organisation only: `kind`.
    pub kind: usize,
}

impl SchemaInfo {
    pub fn field(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }
}

#[derive(Debug, Clone)]
pub struct ParamInfo {
    pub name: String,
    pub ty: Ty,
    pub range: Range,
    pub value: Value,
    pub cite: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Block {
    pub name: String,
    pub kind: SubjectKind,
    pub filter: Option<CExpr>,
    /// Deciding clauses (not graded, grade, otherwise) in order.
    pub decisions: Vec<usize>,
    /// Caps, all applied after the decision.
    pub caps: Vec<usize>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ClauseKind {
    NotGraded(String),
    Grade(u8),
    Cap(u8),
    Otherwise(u8),
    /// The case is for the competent level to decide.
    Refer(Referral),
}

impl ClauseKind {
    /// Decides whatever the earlier clauses of its block left.
    pub fn is_otherwise(&self) -> bool {
        matches!(
            self,
            ClauseKind::Otherwise(_)
                | ClauseKind::Refer(Referral {
                    otherwise: true,
                    ..
                })
        )
    }
}

/// A case the text leaves to the competent level: why, and the grades
/// still in question (best first; empty: any grade).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referral {
    pub reason: String,
    pub among: Vec<u8>,
    /// Written as `otherwise refer …`.
    pub otherwise: bool,
}

#[derive(Debug, Clone)]
pub struct ClauseInfo {
    pub name: String,
    pub block: usize,
    pub kind: ClauseKind,
    pub label: Option<String>,
    pub when: Option<CExpr>,
    pub cite: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum GroupingC {
    All,
    Parent,
    /// Nearest strict ancestor organisation matching the filter (for a
    /// member: its own organisation first).
    Ancestor(CExpr),
    /// Subjects sharing the value of the expression (of this type).
    By(CExpr, Ty),
}

#[derive(Debug, Clone)]
pub enum QuotaModeC {
    Check,
    /// Ranking keys, each descending or not; ties broken by id.
    Enforce(Vec<(CExpr, bool)>),
}

#[derive(Debug, Clone)]
pub struct QuotaInfo {
    pub name: String,
    pub grade: u8,
    pub kind: SubjectKind,
    pub filter: Option<CExpr>,
    pub grouping: GroupingC,
    pub ratio: CExpr,
    /// The ratio as written, for reports when it is more than a name.
    pub ratio_text: String,
    pub base: CExpr,
    pub rounding: CExpr,
    pub mode: QuotaModeC,
    pub cite: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct ReportRowInfo {
    pub label: String,
    pub kind: SubjectKind,
    pub filter: Option<CExpr>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collection {
    /// Direct members of the organisation.
    Members,
    /// Direct sub-organisations.
    Suborgs,
    /// Members of the organisation and of every organisation under it.
    AllMembers,
}

impl Collection {
    pub fn element(self) -> SubjectKind {
        match self {
            Collection::Suborgs => SubjectKind::Organisation,
            _ => SubjectKind::Member,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggFunc {
    Count,
    Share,
    All,
    Any,
    Sum,
    Min,
    Max,
}

#[derive(Debug, Clone)]
pub struct Aggregate {
    pub func: AggFunc,
    pub coll: Collection,
    /// Skip children without a grade.
    pub graded_only: bool,
    /// The condition (count, share, all, any) or the value (sum, min, max).
    pub arg: Option<CExpr>,
    /// The aggregate as written, for explanations.
    pub text: String,
    /// Where it is written (a sum that overflows names it).
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    /// Whole months between two dates.
    Months,
    /// Days between two dates.
    Days,
    /// A date moved by a number of months.
    AddMonths,
    /// A date moved by a number of days.
    AddDays,
}

/// A compiled expression. Field reads are slots in the current entity's
/// schema; the checker guarantees the types fit.
#[derive(Debug, Clone)]
pub enum CExpr {
    Const(Value),
    Field(u16),
    /// Read at run time, so `--set` needs no recompilation.
    Param(u16),
    /// The grade of the current entity (inside aggregates and rankings).
    Grade,
    /// A field of the organisation `base` refers to.
    OrgField(Box<CExpr>, u16),
    Not(Box<CExpr>),
    /// `-x`, with where it is written (negation can overflow).
    Neg(Box<CExpr>, Span),
    /// A comparison or `and`/`or`; the type is the operands'.
    Bin(BinOp, Ty, Box<CExpr>, Box<CExpr>),
    /// `+ - * /`, with the result type and where it is written: a zero
    /// divisor or an overflow is an evaluation error naming it.
    Arith(BinOp, Ty, Box<CExpr>, Box<CExpr>, Span),
    InList(Box<CExpr>, Vec<CExpr>),
    InSet(Box<CExpr>, Box<CExpr>),
    /// An aggregate; top-level ones are computed once per organisation.
    Agg(Box<Aggregate>, Option<u16>),
    /// A date function; the span names it when its date leaves the years
    /// 1–9999.
    Call(Func, Vec<CExpr>, Span),
    /// `if c then a else b`
    If(Box<CExpr>, Box<CExpr>, Box<CExpr>),
    /// A derived value (`let`), inlined where it is used; the wrapper only
    /// names it in explanations.
    Let(SubjectKind, u16, Box<CExpr>),
}

/// A checked rules file, with everything it extends merged in.
#[derive(Debug, Clone)]
pub struct Program {
    pub sources: SourceMap,
    pub header: Header,
    pub grades: Vec<GradeInfo>,
    pub enums: Vec<EnumInfo>,
    pub member: SchemaInfo,
    pub organisation: SchemaInfo,
    pub params: Vec<ParamInfo>,
    pub blocks: Vec<Block>,
    pub clauses: Vec<ClauseInfo>,
    pub quotas: Vec<QuotaInfo>,
    pub report: Vec<ReportRowInfo>,
    pub tests: Vec<TestInfo>,
    /// Number of memoised (top-level) aggregates.
    pub memo_slots: usize,
}

impl Program {
    pub fn schema(&self, kind: SubjectKind) -> &SchemaInfo {
        match kind {
            SubjectKind::Member => &self.member,
            SubjectKind::Organisation => &self.organisation,
        }
    }
    pub fn grade_code(&self, g: u8) -> &str {
        self.grades
            .get(g as usize)
            .map(|g| g.code.as_str())
            .unwrap_or("?")
    }
    pub fn grade_index(&self, code: &str) -> Option<u8> {
        self.grades
            .iter()
            .position(|g| g.code == code)
            .map(|i| i as u8)
    }
    pub fn param_index(&self, name: &str) -> Option<usize> {
        self.params.iter().position(|p| p.name == name)
    }
    pub fn clause_index(&self, name: &str) -> Option<usize> {
        self.clauses.iter().position(|c| c.name == name)
    }
    /// What decides how a dataset is read (fields, types, defaults,
    /// columns, enumerations): two programs with the same signature read
    /// the same files into the same dataset.
    pub fn data_signature(&self) -> String {
        let one = |s: &SchemaInfo| {
            s.fields
                .iter()
                .map(|f| {
                    format!(
                        "{}:{:?}:{}:{:?}:{:?}",
                        f.name, f.ty, f.optional, f.default, f.columns
                    )
                })
                .collect::<Vec<_>>()
                .join(";")
        };
        let enums: Vec<String> = self
            .enums
            .iter()
            .map(|e| format!("{}{:?}", e.name, e.variants))
            .collect();
        format!(
            "{}|{}|{}",
            one(&self.member),
            one(&self.organisation),
            enums.join(",")
        )
    }

    /// Which fields the rules read, per kind (`[member, organisation]`,
    /// by slot): in conditions, through `let`, over children in
    /// aggregates, in quotas and report rows. A field no rule reads
    /// cannot change a grade.
    pub fn fields_read(&self) -> [Vec<bool>; 2] {
        let mut out = [
            vec![false; self.member.fields.len()],
            vec![false; self.organisation.fields.len()],
        ];
        let org = SubjectKind::Organisation;
        for b in &self.blocks {
            if let Some(f) = &b.filter {
                mark_reads(f, b.kind, &mut out);
            }
            for &c in b.decisions.iter().chain(&b.caps) {
                if let Some(w) = &self.clauses[c].when {
                    mark_reads(w, b.kind, &mut out);
                }
            }
        }
        for q in &self.quotas {
            let mut on_subject: Vec<&CExpr> = q.filter.iter().collect();
            match &q.grouping {
                GroupingC::Ancestor(e) => mark_reads(e, org, &mut out),
                GroupingC::By(e, _) => on_subject.push(e),
                GroupingC::All | GroupingC::Parent => {}
            }
            if let QuotaModeC::Enforce(keys) = &q.mode {
                on_subject.extend(keys.iter().map(|(k, _)| k));
            }
            for e in on_subject {
                mark_reads(e, q.kind, &mut out);
            }
            for e in [&q.ratio, &q.base, &q.rounding] {
                mark_reads(e, org, &mut out);
            }
        }
        for r in &self.report {
            if let Some(f) = &r.filter {
                mark_reads(f, r.kind, &mut out);
            }
        }
        out
    }

    /// The parameter values as declared (before any `--set`).
    pub fn default_params(&self) -> Vec<Value> {
        self.params.iter().map(|p| p.value.clone()).collect()
    }
    /// A value as the rules would write it.
    pub fn show_value(&self, v: &Value, ty: Ty) -> String {
        match v {
            Value::None => "none".into(),
            Value::Bool(b) => b.to_string(),
            Value::Num(r) if ty == Ty::Percent => {
                let pct = r.checked_mul(crate::value::Rat::int(100)).unwrap_or(*r);
                format!("{pct}%")
            }
            Value::Num(r) => r.to_string(),
            Value::Date(d) => crate::value::format_date(*d),
            Value::Text(t) => format!("{t:?}"),
            Value::Enum(i) => match ty {
                Ty::Enum(e) => self
                    .enums
                    .get(e as usize)
                    .and_then(|e| e.variants.get(*i as usize))
                    .map(|v| v.0.clone())
                    .unwrap_or_else(|| i.to_string()),
                _ => i.to_string(),
            },
            Value::Grade(g) => self.grade_code(*g).to_string(),
            Value::GradeSet(mask) => {
                let codes: Vec<&str> = (0..self.grades.len())
                    .filter(|i| mask & (1 << i) != 0)
                    .map(|i| self.grade_code(i as u8))
                    .collect();
                format!("[{}]", codes.join(", "))
            }
            Value::Rounding(r) => r.name().to_string(),
            Value::Org(i) => format!("#{i}"),
        }
    }
    pub fn rounding_names() -> impl Iterator<Item = (&'static str, Rounding)> {
        Rounding::ALL.into_iter()
    }
}

/// Marks the fields `e` reads when evaluated for an entity of `kind`.
fn mark_reads(e: &CExpr, kind: SubjectKind, out: &mut [Vec<bool>; 2]) {
    let slot_of = |k: SubjectKind| match k {
        SubjectKind::Member => 0,
        SubjectKind::Organisation => 1,
    };
    match e {
        CExpr::Field(slot) => {
            if let Some(r) = out[slot_of(kind)].get_mut(*slot as usize) {
                *r = true;
            }
        }
        CExpr::OrgField(base, slot) => {
            mark_reads(base, kind, out);
            if let Some(r) = out[1].get_mut(*slot as usize) {
                *r = true;
            }
        }
        CExpr::Const(_) | CExpr::Param(_) | CExpr::Grade => {}
        CExpr::Not(x) | CExpr::Neg(x, _) | CExpr::Let(_, _, x) => mark_reads(x, kind, out),
        CExpr::Bin(_, _, a, b) | CExpr::Arith(_, _, a, b, _) | CExpr::InSet(a, b) => {
            mark_reads(a, kind, out);
            mark_reads(b, kind, out);
        }
        CExpr::InList(x, items) => {
            mark_reads(x, kind, out);
            items.iter().for_each(|i| mark_reads(i, kind, out));
        }
        CExpr::If(c, a, b) => {
            for x in [c, a, b] {
                mark_reads(x, kind, out);
            }
        }
        CExpr::Call(_, args, _) => args.iter().for_each(|a| mark_reads(a, kind, out)),
        CExpr::Agg(agg, _) => {
            if let Some(arg) = &agg.arg {
                mark_reads(arg, agg.coll.element(), out);
            }
        }
    }
}
