//! pest pairs → AST. Precedence lives in one Pratt table ([`pratt`]).

use miette::{NamedSource, SourceSpan};
use pest::iterators::{Pair, Pairs};

use super::ast::*;
use super::{Rule, SyntaxError};
use crate::source::{FileId, Span, Spanned};

mod examples;
mod text;

pub use text::decimal;
use text::{unescape, written_len};

/// Operators one flat expression may hold.
pub const MAX_OPERATORS: usize = 200;
/// Depth an expression tree may reach (guards the checker's and the
/// evaluator's recursion).
pub const MAX_EXPR_DEPTH: usize = 100;

type Named<'a> = &'a dyn Fn() -> NamedSource<std::sync::Arc<str>>;
pub(super) type Res<T> = Result<T, Box<SyntaxError>>;

pub(super) struct Builder<'a> {
    pub(super) file: FileId,
    pub(super) named: Named<'a>,
}

pub(super) fn file(mut pairs: Pairs<Rule>, file: FileId, named: Named) -> Res<File> {
    let b = Builder { file, named };
    let root = pairs.next().expect("grammar: file");
    let mut decls = Vec::new();
    let mut spans = Vec::new();
    for p in root.into_inner() {
        if p.as_rule() == Rule::EOI {
            break;
        }
        spans.push(b.span(&p));
        decls.push(b.decl(p)?);
    }
    Ok(File { decls, spans })
}

pub(super) fn lone_expr(mut pairs: Pairs<Rule>, file: FileId, named: Named) -> Res<Expr> {
    let b = Builder { file, named };
    let root = pairs.next().expect("grammar: lone_expr");
    let e = root.into_inner().next().expect("grammar: expr");
    b.expr(e)
}

impl Builder<'_> {
    /// The span of a pair, without the blanks and comments pest takes in
    /// after it when it looks for an optional part that is not there (so a
    /// label ends where the text a person wrote ends).
    pub(super) fn span(&self, p: &Pair<Rule>) -> Span {
        let s = p.as_span();
        Span::new(self.file, s.start(), s.start() + written_len(s.as_str()))
    }

    pub(super) fn ident(&self, p: Pair<Rule>) -> Ident {
        Spanned::new(p.as_str().to_string(), self.span(&p))
    }

    pub(super) fn string(&self, p: Pair<Rule>) -> Spanned<String> {
        let span = self.span(&p);
        let body = p.into_inner().next().map(|b| b.as_str()).unwrap_or("");
        Spanned::new(unescape(body), span)
    }

    pub(super) fn bad(&self, span: Span, reason: String, help: &str) -> Box<SyntaxError> {
        Box::new(SyntaxError::BadLiteral {
            reason,
            help: help.to_string(),
            src: (self.named)(),
            span: SourceSpan::from(span),
        })
    }

    pub(super) fn integer(&self, p: Pair<Rule>) -> Res<Spanned<i64>> {
        let span = self.span(&p);
        p.as_str()
            .parse::<i64>()
            .map(|v| Spanned::new(v, span))
            .map_err(|_| {
                self.bad(
                    span,
                    format!("the number {} is too large", p.as_str()),
                    "whole numbers go up to 9223372036854775807",
                )
            })
    }

    pub(super) fn date(&self, p: Pair<Rule>) -> Res<Spanned<String>> {
        let span = self.span(&p);
        let text = p.as_str();
        if crate::value::parse_iso_date(text).is_none() {
            return Err(self.bad(
                span,
                format!("{text} is not a calendar date"),
                "dates are written yyyy-mm-dd, e.g. 2021-12-31",
            ));
        }
        Ok(Spanned::new(text.to_string(), span))
    }

    fn cite(&self, p: Option<Pair<Rule>>) -> Option<Spanned<String>> {
        p.and_then(|c| c.into_inner().nth(1))
            .map(|s| self.string(s))
    }

    fn decl(&self, p: Pair<Rule>) -> Res<Decl> {
        let span = self.span(&p);
        Ok(match p.as_rule() {
            Rule::header => Decl::Header(self.header(p)?),
            Rule::extends => {
                Decl::Extends(self.string(p.into_inner().nth(1).expect("extends path")))
            }
            Rule::grades => {
                let mut defs = Vec::new();
                for g in p.into_inner().skip(1) {
                    let mut it = g.into_inner();
                    let code = self.ident(it.next().expect("grade code"));
                    let label = self.string(it.next().expect("grade label"));
                    defs.push(GradeDef { code, label });
                }
                Decl::Grades(defs, span)
            }
            Rule::enum_decl => {
                let mut it = p.into_inner().skip(1);
                let name = self.ident(it.next().expect("enum name"));
                let variants = it
                    .map(|v| {
                        let mut vi = v.into_inner();
                        let n = self.ident(vi.next().expect("variant"));
                        (n, vi.next().map(|s| self.string(s)))
                    })
                    .collect();
                Decl::Enum(EnumDecl {
                    name,
                    variants,
                    span,
                })
            }
            Rule::schema => self.schema(p, span)?,
            Rule::param => {
                let mut it = p.into_inner().skip(1).peekable();
                let name = self.ident(it.next().expect("param name"));
                let range = match it.next_if(|q| q.as_rule() == Rule::range) {
                    Some(r) => Some(self.range(r)?),
                    None => None,
                };
                let _assign = it.next();
                let value = self.expr(it.next().expect("param value"))?;
                Decl::Param(Param {
                    name,
                    range,
                    value,
                    cite: self.cite(it.next()),
                })
            }
            Rule::grading => Decl::Grading(self.grading(p, span)?),
            Rule::quota => Decl::Quota(Box::new(self.quota(p, span)?)),
            Rule::report => {
                let mut replace = false;
                let mut rows = Vec::new();
                for q in p.into_inner() {
                    match q.as_rule() {
                        Rule::replace => replace = true,
                        Rule::report_row => {
                            let mut it = q.into_inner().skip(1);
                            let label = self.string(it.next().expect("row label"));
                            let subject = self.subject(it.next().expect("row subject"))?;
                            rows.push(ReportRow { label, subject });
                        }
                        _ => {}
                    }
                }
                Decl::Report(Report {
                    replace,
                    rows,
                    span,
                })
            }
            Rule::sample => {
                let mut replace = false;
                let mut name = None;
                let mut record = None;
                for q in p.into_inner() {
                    match q.as_rule() {
                        Rule::replace => replace = true,
                        Rule::ident => name = Some(self.ident(q)),
                        Rule::record => record = Some(self.record(q)?),
                        _ => {}
                    }
                }
                Decl::Sample(Sample {
                    replace,
                    name: name.expect("sample name"),
                    record: record.expect("sample record"),
                })
            }
            Rule::test => Decl::Test(Box::new(self.test(p, span)?)),
            Rule::remove => {
                let mut kind = false;
                let mut name = None;
                for q in p.into_inner() {
                    match q.as_rule() {
                        Rule::remove_kind => kind = true,
                        Rule::ident => name = Some(self.ident(q)),
                        _ => {}
                    }
                }
                let name = name.expect("remove name");
                if kind {
                    Decl::RemoveExample(name)
                } else {
                    Decl::Remove(name)
                }
            }
            r => unreachable!("grammar: unexpected declaration {r:?}"),
        })
    }

    fn header(&self, p: Pair<Rule>) -> Res<Header> {
        let mut it = p.into_inner().skip(1);
        let mut h = Header {
            name: self.string(it.next().expect("ruleset name")),
            ..Header::default()
        };
        for entry in it {
            let inner = entry.into_inner().next().expect("header entry");
            match inner.as_rule() {
                Rule::header_year => {
                    h.year = Some(self.integer(inner.into_inner().nth(1).expect("year"))?)
                }
                Rule::header_date => {
                    h.review_date = Some(self.date(inner.into_inner().nth(1).expect("date"))?)
                }
                Rule::header_source => h
                    .sources
                    .push(self.string(inner.into_inner().nth(1).expect("source"))),
                r => unreachable!("grammar: header entry {r:?}"),
            }
        }
        Ok(h)
    }

    fn subject_kind(p: &Pair<Rule>) -> SubjectKind {
        if p.as_str() == "member" {
            SubjectKind::Member
        } else {
            SubjectKind::Organisation
        }
    }

    /// `in LOW..HIGH`, either bound optional.
    fn range(&self, p: Pair<Rule>) -> Res<RangeDecl> {
        let span = self.span(&p);
        let mut range = RangeDecl {
            low: None,
            high: None,
            span,
        };
        for q in p.into_inner() {
            let is_low = match q.as_rule() {
                Rule::range_low => true,
                Rule::range_high => false,
                _ => continue,
            };
            let bound = self.range_value(q.into_inner().next().expect("grammar: bound"))?;
            if is_low {
                range.low = Some(bound);
            } else {
                range.high = Some(bound);
            }
        }
        Ok(range)
    }

    /// A literal bound, maybe negated, or `review_date`.
    fn range_value(&self, p: Pair<Rule>) -> Res<Expr> {
        let span = self.span(&p);
        let mut negated = false;
        for q in p.into_inner() {
            match q.as_rule() {
                Rule::op_neg => negated = true,
                Rule::kw_review_date => {
                    let name = Spanned::new("review_date".to_string(), span);
                    return Ok(Spanned::new(ExprKind::Path(vec![name]), span));
                }
                _ => {
                    let (value, _) = self.primary(q)?;
                    if !negated {
                        return Ok(value);
                    }
                    let kind = ExprKind::Unary(UnaryOp::Neg, Box::new(value));
                    return Ok(Spanned::new(kind, span));
                }
            }
        }
        unreachable!("grammar: a range bound holds a value")
    }

    fn schema(&self, p: Pair<Rule>, span: Span) -> Res<Decl> {
        let mut it = p.into_inner().skip(1);
        let kind = Self::subject_kind(&it.next().expect("schema kind"));
        let mut items = Vec::new();
        for item in it {
            match item.as_rule() {
                Rule::field_def => {
                    let mut fi = item.into_inner();
                    let name = self.ident(fi.next().expect("field name"));
                    let ty_pair = fi.next().expect("field type");
                    let mut ti = ty_pair.into_inner();
                    let ty = self.ident(ti.next().expect("type name"));
                    let optional = ti.next().is_some();
                    let mut f = FieldDef {
                        name,
                        ty,
                        optional,
                        range: None,
                        default: None,
                        columns: Vec::new(),
                        column_required: false,
                        cite: None,
                    };
                    for rest in fi {
                        match rest.as_rule() {
                            Rule::range => f.range = Some(self.range(rest)?),
                            Rule::assign => {}
                            Rule::expr => f.default = Some(self.expr(rest)?),
                            Rule::columns => {
                                for part in rest.into_inner().skip(1) {
                                    match part.as_rule() {
                                        Rule::column_required => f.column_required = true,
                                        _ => f.columns.push(self.string(part)),
                                    }
                                }
                            }
                            Rule::cite => f.cite = self.cite(Some(rest)),
                            r => unreachable!("grammar: field part {r:?}"),
                        }
                    }
                    items.push(SchemaItem::Field(Box::new(f)));
                }
                Rule::let_def => {
                    let mut li = item.into_inner().skip(1);
                    let name = self.ident(li.next().expect("let name"));
                    let _assign = li.next();
                    let value = self.expr(li.next().expect("let value"))?;
                    items.push(SchemaItem::Let(LetDef {
                        name,
                        value,
                        cite: self.cite(li.next()),
                    }));
                }
                Rule::require_def => {
                    let span = self.span(&item);
                    let mut ri = item.into_inner().skip(1);
                    let condition = self.expr(ri.next().expect("require condition"))?;
                    let message = self.string(ri.next().expect("require message"));
                    items.push(SchemaItem::Require(Requirement {
                        condition,
                        message,
                        cite: self.cite(ri.next()),
                        span,
                    }));
                }
                r => unreachable!("grammar: schema item {r:?}"),
            }
        }
        Ok(Decl::Schema(Schema { kind, items, span }))
    }

    fn subject(&self, p: Pair<Rule>) -> Res<Subject> {
        let span = self.span(&p);
        let mut it = p.into_inner();
        let kind = Self::subject_kind(&it.next().expect("subject kind"));
        let filter = match it.nth(1) {
            Some(e) => Some(self.expr(e)?),
            None => None,
        };
        Ok(Subject { kind, filter, span })
    }

    fn grading(&self, p: Pair<Rule>, span: Span) -> Res<Grading> {
        let mut g = Grading {
            replace: false,
            name: Spanned::new(String::new(), span),
            target: None,
            items: Vec::new(),
            span,
        };
        for q in p.into_inner() {
            match q.as_rule() {
                Rule::replace => g.replace = true,
                Rule::kw_grading => {}
                Rule::ident => g.name = self.ident(q),
                Rule::grading_for => {
                    let for_span = self.span(&q);
                    let mut it = q.into_inner().skip(1);
                    let kind = Self::subject_kind(&it.next().expect("grading kind"));
                    let filter = match it.nth(1) {
                        Some(e) => Some(self.expr(e)?),
                        None => None,
                    };
                    g.target = Some(Subject {
                        kind,
                        filter,
                        span: for_span,
                    });
                }
                Rule::remove => {
                    let name = q
                        .into_inner()
                        .find(|x| x.as_rule() == Rule::ident)
                        .expect("name");
                    g.items.push(GradingItem::Remove(self.ident(name)))
                }
                Rule::clause => g.items.push(GradingItem::Clause(Box::new(self.clause(q)?))),
                r => unreachable!("grammar: grading part {r:?}"),
            }
        }
        Ok(g)
    }

    fn clause(&self, p: Pair<Rule>) -> Res<Clause> {
        let span = self.span(&p);
        let mut replace = false;
        let mut name = None;
        let mut body = None;
        let mut cite = None;
        let mut placement = None;
        for q in p.into_inner() {
            match q.as_rule() {
                Rule::replace => replace = true,
                Rule::ident => name = Some(self.ident(q)),
                Rule::cite => cite = self.cite(Some(q)),
                Rule::placement => {
                    let mut it = q.into_inner();
                    let kw = it.next().expect("placement keyword");
                    let target = self.ident(it.next().expect("placement target"));
                    placement = Some(if kw.as_rule() == Rule::kw_before {
                        Placement::Before(target)
                    } else {
                        Placement::After(target)
                    });
                }
                Rule::not_graded => {
                    let mut it = q.into_inner().skip(2);
                    let reason = self.string(it.next().expect("reason"));
                    let when = self.expr(it.nth(1).expect("condition"))?;
                    body = Some(ClauseBody::NotGraded { reason, when });
                }
                Rule::refer => {
                    let mut it = q.into_inner();
                    let referral = self.referral(it.next().expect("referral"));
                    let when = Some(self.expr(it.nth(1).expect("condition"))?);
                    body = Some(ClauseBody::Refer { referral, when });
                }
                Rule::otherwise
                    if q.clone().into_inner().nth(1).map(|x| x.as_rule())
                        == Some(Rule::referral) =>
                {
                    let referral = self.referral(q.into_inner().nth(1).expect("referral"));
                    body = Some(ClauseBody::Refer {
                        referral,
                        when: None,
                    });
                }
                Rule::cap | Rule::grade_when | Rule::otherwise => {
                    let rule = q.as_rule();
                    let mut grade = None;
                    let mut label = None;
                    let mut when = None;
                    for part in q.into_inner() {
                        match part.as_rule() {
                            Rule::ident => grade = Some(self.ident(part)),
                            Rule::string => label = Some(self.string(part)),
                            Rule::expr => when = Some(self.expr(part)?),
                            _ => {}
                        }
                    }
                    let grade = grade.expect("clause grade");
                    body = Some(match rule {
                        Rule::cap => ClauseBody::Cap {
                            grade,
                            label,
                            when: when.expect("cap condition"),
                        },
                        Rule::grade_when => ClauseBody::Grade {
                            grade,
                            label,
                            when: when.expect("condition"),
                        },
                        _ => ClauseBody::Otherwise { grade, label },
                    });
                }
                r => unreachable!("grammar: clause part {r:?}"),
            }
        }
        Ok(Clause {
            replace,
            name: name.expect("clause name"),
            body: body.expect("clause body"),
            cite,
            placement,
            span,
        })
    }

    /// `refer "reason" [among [G, …]]`.
    fn referral(&self, p: Pair<Rule>) -> Referral {
        let mut reason = None;
        let mut among = Vec::new();
        for part in p.into_inner() {
            match part.as_rule() {
                Rule::string => reason = Some(self.string(part)),
                Rule::among => among.extend(
                    part.into_inner()
                        .filter(|x| x.as_rule() == Rule::ident)
                        .map(|x| self.ident(x)),
                ),
                _ => {}
            }
        }
        Referral {
            reason: reason.expect("referral reason"),
            among,
        }
    }

    fn quota(&self, p: Pair<Rule>, span: Span) -> Res<Quota> {
        let mut replace = false;
        let mut idents = Vec::new();
        let mut exprs = Vec::new();
        let mut subject = None;
        let mut grouping = None;
        let mut mode = QuotaMode::Check;
        let mut cite = None;
        for q in p.into_inner() {
            match q.as_rule() {
                Rule::replace => replace = true,
                Rule::ident => idents.push(self.ident(q)),
                Rule::subject => subject = Some(self.subject(q)?),
                Rule::grouping => {
                    let g = q.into_inner().next().expect("grouping");
                    let gspan = self.span(&g);
                    grouping = Some(match g.as_rule() {
                        Rule::group_all => Grouping::All(gspan),
                        Rule::group_parent => Grouping::Parent(gspan),
                        Rule::group_ancestor => Grouping::Ancestor(
                            self.expr(g.into_inner().nth(2).expect("ancestor filter"))?,
                        ),
                        Rule::group_by => {
                            Grouping::By(self.expr(g.into_inner().nth(1).expect("group key"))?)
                        }
                        r => unreachable!("grammar: grouping {r:?}"),
                    });
                }
                Rule::expr => exprs.push(self.expr(q)?),
                Rule::quota_mode => {
                    let m = q.into_inner().next().expect("mode");
                    if m.as_rule() == Rule::mode_enforce {
                        let mut keys = Vec::new();
                        for k in m.into_inner().filter(|k| k.as_rule() == Rule::rank_key) {
                            let mut ki = k.into_inner();
                            let key = self.expr(ki.next().expect("rank expr"))?;
                            let descending = ki.next().is_some_and(|d| d.as_str() == "desc");
                            keys.push(RankKey { key, descending });
                        }
                        mode = QuotaMode::Enforce(keys);
                    }
                }
                Rule::cite => cite = self.cite(Some(q)),
                _ => {}
            }
        }
        let mut idents = idents.into_iter();
        let mut exprs = exprs.into_iter();
        Ok(Quota {
            replace,
            name: idents.next().expect("quota name"),
            grade: idents.next().expect("quota grade"),
            subject: subject.expect("quota subject"),
            grouping: grouping.expect("quota grouping"),
            ratio: exprs.next().expect("quota ratio"),
            base: exprs.next().expect("quota base"),
            rounding: exprs.next().expect("quota rounding"),
            mode,
            cite,
            span,
        })
    }
}
