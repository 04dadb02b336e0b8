//! The syntax tree of a rules file, as written, with spans. Names are not
//! resolved here; that is the checker's job.

use crate::source::{Span, Spanned};

pub type Ident = Spanned<String>;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct File {
    pub decls: Vec<Decl>,
    /// The whole text of each declaration, in step with `decls`.
    pub spans: Vec<Span>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Decl {
    Header(Header),
    Extends(Spanned<String>),
    Grades(Vec<GradeDef>, Span),
    Enum(EnumDecl),
    Schema(Schema),
    Param(Param),
    Grading(Grading),
    Quota(Box<Quota>),
    Report(Report),
    Sample(Sample),
    Test(Box<Test>),
    /// `remove NAME` at the top level of an overlay.
    Remove(Ident),
    /// `remove test NAME` or `remove sample NAME`.
    RemoveExample(Ident),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Header {
    pub name: Spanned<String>,
    pub year: Option<Spanned<i64>>,
    pub review_date: Option<Spanned<String>>,
    pub sources: Vec<Spanned<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GradeDef {
    pub code: Ident,
    pub label: Spanned<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumDecl {
    pub name: Ident,
    pub variants: Vec<(Ident, Option<Spanned<String>>)>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SubjectKind {
    Member,
    Organisation,
}

impl SubjectKind {
    pub fn keyword(self) -> &'static str {
        match self {
            SubjectKind::Member => "member",
            SubjectKind::Organisation => "organisation",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    pub kind: SubjectKind,
    pub items: Vec<SchemaItem>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SchemaItem {
    Field(Box<FieldDef>),
    Let(LetDef),
    Require(Requirement),
}

/// `require CONDITION "message"`: a condition every record must meet.
#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    pub condition: Expr,
    pub message: Spanned<String>,
    pub cite: Option<Spanned<String>>,
    /// From `require` to the message.
    pub span: Span,
}

/// `in LOW..HIGH`: the values a field or parameter may hold; either
/// bound may be left out.
#[derive(Debug, Clone, PartialEq)]
pub struct RangeDecl {
    pub low: Option<Expr>,
    pub high: Option<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FieldDef {
    pub name: Ident,
    pub ty: Ident,
    pub optional: bool,
    pub range: Option<RangeDecl>,
    pub default: Option<Expr>,
    pub columns: Vec<Spanned<String>>,
    /// `column required …`: the file must have one of the columns.
    pub column_required: bool,
    pub cite: Option<Spanned<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LetDef {
    pub name: Ident,
    pub value: Expr,
    pub cite: Option<Spanned<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: Ident,
    pub range: Option<RangeDecl>,
    pub value: Expr,
    pub cite: Option<Spanned<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Grading {
    pub replace: bool,
    pub name: Ident,
    /// `None` in an overlay block that changes an existing block.
    pub target: Option<Subject>,
    pub items: Vec<GradingItem>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum GradingItem {
    Clause(Box<Clause>),
    Remove(Ident),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Subject {
    pub kind: SubjectKind,
    pub filter: Option<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    pub replace: bool,
    pub name: Ident,
    pub body: ClauseBody,
    pub cite: Option<Spanned<String>>,
    pub placement: Option<Placement>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ClauseBody {
    NotGraded {
        reason: Spanned<String>,
        when: Expr,
    },
    Grade {
        grade: Ident,
        label: Option<Spanned<String>>,
        when: Expr,
    },
    Cap {
        grade: Ident,
        label: Option<Spanned<String>>,
        when: Expr,
    },
    Otherwise {
        grade: Ident,
        label: Option<Spanned<String>>,
    },
    /// `refer "reason" [among [G, …]] when …`, or `otherwise refer …`
    /// (`when` is `None`): the text leaves the case to the competent level.
    Refer {
        referral: Referral,
        when: Option<Expr>,
    },
}

impl ClauseBody {
    /// Decides whatever the earlier clauses left: `otherwise …`.
    pub fn is_otherwise(&self) -> bool {
        matches!(
            self,
            ClauseBody::Otherwise { .. } | ClauseBody::Refer { when: None, .. }
        )
    }
}

/// A case the text leaves to the competent level ("cấp có thẩm quyền xem
/// xét, quyết định"): why, and the grades still in question where the text
/// narrows them (empty: any grade).
#[derive(Debug, Clone, PartialEq)]
pub struct Referral {
    pub reason: Spanned<String>,
    pub among: Vec<Ident>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Placement {
    Before(Ident),
    After(Ident),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Quota {
    pub replace: bool,
    pub name: Ident,
    pub grade: Ident,
    pub subject: Subject,
    pub grouping: Grouping,
    pub ratio: Expr,
    pub base: Expr,
    pub rounding: Expr,
    pub mode: QuotaMode,
    pub cite: Option<Spanned<String>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Grouping {
    All(Span),
    Parent(Span),
    Ancestor(Expr),
    By(Expr),
}

#[derive(Debug, Clone, PartialEq)]
pub enum QuotaMode {
    Check,
    Enforce(Vec<RankKey>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct RankKey {
    pub key: Expr,
    pub descending: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub replace: bool,
    pub rows: Vec<ReportRow>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReportRow {
    pub label: Spanned<String>,
    pub subject: Subject,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub replace: bool,
    pub name: Ident,
    pub record: Record,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub kind: SubjectKind,
    pub like: Option<Ident>,
    pub fields: Vec<(Ident, Expr)>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Test {
    pub replace: bool,
    pub name: Ident,
    pub description: Option<Spanned<String>>,
    /// `with NAME = VALUE`: parameters set for this test only.
    pub params: Vec<(Ident, Expr)>,
    pub record: Record,
    pub children: Vec<TestChildren>,
    pub expect: Expectation,
    pub span: Span,
}

/// `members { HTTNV: 8, not graded: 1, KHTNV: 2 like disciplined }`:
/// children given by grade, with fields from a sample if named.
#[derive(Debug, Clone, PartialEq)]
pub struct TestChildren {
    pub collection: Ident,
    pub counts: Vec<ChildCount>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChildCount {
    /// `None` = not graded.
    pub grade: Option<Ident>,
    pub count: Spanned<u32>,
    pub like: Option<Ident>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    /// `None` = expect "not graded", or "to decide" when `to_decide`.
    pub grade: Option<Ident>,
    /// `expect to decide`: a case for the competent level.
    pub to_decide: bool,
    /// `expect rejected`: the record breaks a requirement of its schema.
    pub rejected: bool,
    pub by: Option<Ident>,
    pub span: Span,
}

pub type Expr = Spanned<ExprKind>;

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Bool(bool),
    None,
    Int(i64),
    /// A decimal or percent literal as an exact fraction.
    Number {
        num: i128,
        den: i128,
        percent: bool,
    },
    Date(String),
    Text(String),
    /// `a.b.c`
    Path(Vec<Ident>),
    /// `graded members`
    Graded(Ident),
    List(Vec<Expr>),
    Call(Ident, Vec<Expr>),
    /// `if c then a else b`
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
    Neg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::In => "in",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }
}

/// Prints an expression fully parenthesised, to pin precedence in tests.
pub fn parenthesised(e: &Expr) -> String {
    match &e.node {
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::None => "none".into(),
        ExprKind::Int(i) => i.to_string(),
        ExprKind::Number { num, den, percent } => {
            if *percent {
                format!("{num}/{den}%")
            } else {
                format!("{num}/{den}")
            }
        }
        ExprKind::Date(d) => d.clone(),
        ExprKind::Text(t) => format!("{t:?}"),
        ExprKind::Path(p) => p
            .iter()
            .map(|i| i.node.as_str())
            .collect::<Vec<_>>()
            .join("."),
        ExprKind::Graded(c) => format!("graded {}", c.node),
        ExprKind::List(items) => {
            format!(
                "[{}]",
                items
                    .iter()
                    .map(parenthesised)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
        ExprKind::Call(f, args) => format!(
            "{}({})",
            f.node,
            args.iter()
                .map(parenthesised)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ExprKind::If(c, a, b) => format!(
            "(if {} then {} else {})",
            parenthesised(c),
            parenthesised(a),
            parenthesised(b)
        ),
        ExprKind::Unary(UnaryOp::Not, x) => format!("(not {})", parenthesised(x)),
        ExprKind::Unary(UnaryOp::Neg, x) => format!("(-{})", parenthesised(x)),
        ExprKind::Binary(op, a, b) => {
            format!(
                "({} {} {})",
                parenthesised(a),
                op.symbol(),
                parenthesised(b)
            )
        }
    }
}
