//! Declarations in their canonical layout: one function per kind, each
//! handing its lines to the printer, which places comments around them.

use std::fmt::Write;

use super::expr::{self, expr_text};
use super::{quoted, Printer, WIDTH};
use crate::source::{Span, Spanned};
use crate::syntax::ast::*;

fn cite(c: &Option<Spanned<String>>) -> String {
    c.as_ref()
        .map(|c| format!(" cite {}", quoted(&c.node)))
        .unwrap_or_default()
}

fn subject(s: &Subject) -> String {
    match &s.filter {
        Some(f) => format!("{} where {}", s.kind.keyword(), expr_text(f)),
        None => s.kind.keyword().to_string(),
    }
}

fn replace(r: bool) -> &'static str {
    if r {
        "replace "
    } else {
        ""
    }
}

/// `lhs` followed by a condition, broken at `and`/`or` if too long.
fn with_condition(indent: &str, lhs: &str, cond: &Expr) -> String {
    expr::broken(indent, lhs, cond, WIDTH)
}

pub(super) fn decl_text(p: &mut Printer, decl: &Decl, span: Span) {
    let whole = |p: &mut Printer, text: String| p.item(span, "", text);
    match decl {
        Decl::Header(h) => {
            let mut t = format!("ruleset {} {{\n", quoted(&h.name.node));
            if let Some(y) = &h.year {
                let _ = writeln!(t, "  year {}", y.node);
            }
            if let Some(d) = &h.review_date {
                let _ = writeln!(t, "  review_date {}", d.node);
            }
            for s in &h.sources {
                let _ = writeln!(t, "  source {}", quoted(&s.node));
            }
            t.push_str("}\n");
            whole(p, t);
        }
        Decl::Extends(path) => whole(p, format!("extends {}\n", quoted(&path.node))),
        Decl::Grades(defs, _) => {
            let w = defs
                .iter()
                .map(|d| d.code.node.chars().count())
                .max()
                .unwrap_or(0);
            let mut t = String::from("grades {\n");
            for d in defs {
                let _ = writeln!(t, "  {:<w$} {}", d.code.node, quoted(&d.label.node));
            }
            t.push_str("}\n");
            whole(p, t);
        }
        Decl::Enum(e) => {
            let w = e
                .variants
                .iter()
                .map(|v| v.0.node.chars().count())
                .max()
                .unwrap_or(0);
            let mut t = format!("enum {} {{\n", e.name.node);
            for (v, label) in &e.variants {
                match label {
                    Some(l) => {
                        let _ = writeln!(t, "  {:<w$} {}", v.node, quoted(&l.node));
                    }
                    None => {
                        let _ = writeln!(t, "  {}", v.node);
                    }
                }
            }
            t.push_str("}\n");
            whole(p, t);
        }
        Decl::Schema(s) => schema(p, s, span),
        Decl::Param(param) => whole(
            p,
            format!(
                "param {}{} = {}{}\n",
                param.name.node,
                range_text(&param.range),
                expr_text(&param.value),
                cite(&param.cite)
            ),
        ),
        Decl::Grading(g) => grading(p, g, span),
        Decl::Quota(q) => {
            let mut t = format!(
                "{}quota {}: {} of {}\n",
                replace(q.replace),
                q.name.node,
                q.grade.node,
                subject(&q.subject)
            );
            let grouping = match &q.grouping {
                Grouping::All(_) => "all".to_string(),
                Grouping::Parent(_) => "parent".to_string(),
                Grouping::Ancestor(e) => format!("ancestor where {}", expr_text(e)),
                Grouping::By(e) => format!("by {}", expr_text(e)),
            };
            let _ = writeln!(t, "  within {grouping}");
            let mode = match &q.mode {
                QuotaMode::Check => "check".to_string(),
                QuotaMode::Enforce(keys) => {
                    let keys: Vec<String> = keys
                        .iter()
                        .map(|k| {
                            format!(
                                "{}{}",
                                expr_text(&k.key),
                                if k.descending { " desc" } else { "" }
                            )
                        })
                        .collect();
                    format!("enforce rank by {}", keys.join(", "))
                }
            };
            let _ = writeln!(
                t,
                "  at most {} of {} round {} {mode}",
                expr::operand_text(&q.ratio),
                expr_text(&q.base),
                expr_text(&q.rounding)
            );
            if let Some(c) = &q.cite {
                let _ = writeln!(t, "  cite {}", quoted(&c.node));
            }
            whole(p, t);
        }
        Decl::Report(r) => {
            let mut t = format!("{}report {{\n", replace(r.replace));
            for row in &r.rows {
                let _ = writeln!(
                    t,
                    "  row {} {}",
                    quoted(&row.label.node),
                    subject(&row.subject)
                );
            }
            t.push_str("}\n");
            whole(p, t);
        }
        Decl::Sample(s) => whole(
            p,
            format!(
                "{}sample {}: {}\n",
                replace(s.replace),
                s.name.node,
                record(&s.record)
            ),
        ),
        Decl::Test(t) => {
            let desc = t
                .description
                .as_ref()
                .map(|d| format!(" {}", quoted(&d.node)))
                .unwrap_or_default();
            let mut out = format!("{}test {}{desc} {{\n", replace(t.replace), t.name.node);
            for (name, value) in &t.params {
                let _ = writeln!(out, "  with {} = {}", name.node, expr_text(value));
            }
            let _ = writeln!(out, "  {}", record(&t.record));
            for c in &t.children {
                let counts: Vec<String> = c
                    .counts
                    .iter()
                    .map(|n| {
                        let g = n
                            .grade
                            .as_ref()
                            .map(|g| g.node.clone())
                            .unwrap_or_else(|| "not graded".into());
                        let like = n
                            .like
                            .as_ref()
                            .map(|l| format!(" like {}", l.node))
                            .unwrap_or_default();
                        format!("{g}: {}{like}", n.count.node)
                    })
                    .collect();
                let _ = writeln!(out, "  {} {{ {} }}", c.collection.node, counts.join(", "));
            }
            let g = match (&t.expect.grade, t.expect.to_decide, t.expect.rejected) {
                (Some(g), _, _) => g.node.clone(),
                (None, true, _) => "to decide".into(),
                (None, false, true) => "rejected".into(),
                (None, false, false) => "not graded".into(),
            };
            let by = t
                .expect
                .by
                .as_ref()
                .map(|b| format!(" by {}", b.node))
                .unwrap_or_default();
            let _ = writeln!(out, "  expect {g}{by}");
            out.push_str("}\n");
            whole(p, out);
        }
        Decl::Remove(n) => whole(p, format!("remove {}\n", n.node)),
        Decl::RemoveExample(n) => {
            let kind = if p
                .slice(span.start as usize, span.end as usize)
                .contains("sample")
            {
                "sample"
            } else {
                "test"
            };
            whole(p, format!("remove {kind} {}\n", n.node))
        }
    }
}

fn record(r: &Record) -> String {
    let like = r
        .like
        .as_ref()
        .map(|l| format!(" like {}", l.node))
        .unwrap_or_default();
    let fields: Vec<String> = r
        .fields
        .iter()
        .map(|(n, e)| format!("{}: {}", n.node, expr_text(e)))
        .collect();
    if fields.is_empty() {
        format!("{}{like} {{ }}", r.kind.keyword())
    } else {
        format!("{}{like} {{ {} }}", r.kind.keyword(), fields.join(", "))
    }
}

/// ` in LOW..HIGH`, or nothing.
fn range_text(r: &Option<RangeDecl>) -> String {
    let Some(r) = r else {
        return String::new();
    };
    let bound = |b: &Option<Expr>| b.as_ref().map(expr_text).unwrap_or_default();
    format!(" in {}..{}", bound(&r.low), bound(&r.high))
}

/// The end of a schema item: the furthest of its parts.
fn item_end(item: &SchemaItem) -> (Span, usize) {
    match item {
        SchemaItem::Field(f) => {
            let mut end = f.ty.span.end.max(f.name.span.end);
            if let Some(r) = &f.range {
                end = end.max(r.span.end);
            }
            if let Some(d) = &f.default {
                end = end.max(d.span.end);
            }
            if let Some(c) = f.columns.last() {
                end = end.max(c.span.end);
            }
            if let Some(c) = &f.cite {
                end = end.max(c.span.end);
            }
            (f.name.span, end as usize)
        }
        SchemaItem::Let(l) => {
            let end = l
                .cite
                .as_ref()
                .map(|c| c.span.end)
                .unwrap_or(l.value.span.end)
                .max(l.value.span.end);
            (l.name.span, end as usize)
        }
        SchemaItem::Require(r) => {
            let end = r.cite.as_ref().map_or(r.message.span.end, |c| c.span.end);
            (r.span, end as usize)
        }
    }
}

fn schema(p: &mut Printer, s: &Schema, span: Span) {
    p.comments_before(span.start as usize, "");
    p.blank_before(span.start as usize);
    let _ = writeln!(p.out, "schema {} {{", s.kind.keyword());
    p.last = span.start as usize;
    let w = s
        .items
        .iter()
        .filter_map(|i| {
            if let SchemaItem::Field(f) = i {
                Some(f.name.node.chars().count() + 1)
            } else {
                None
            }
        })
        .max()
        .unwrap_or(0);
    let tw = s
        .items
        .iter()
        .filter_map(|i| match i {
            SchemaItem::Field(f) => Some(f.ty.node.chars().count() + usize::from(f.optional)),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    for item in &s.items {
        let (name_span, end) = item_end(item);
        let line = match item {
            SchemaItem::Field(f) => {
                let ty = format!("{}{}", f.ty.node, if f.optional { "?" } else { "" });
                let name = format!("{}:", f.name.node);
                let mut rest = range_text(&f.range);
                if let Some(d) = &f.default {
                    let _ = write!(rest, " = {}", expr_text(d));
                }
                if !f.columns.is_empty() {
                    let cols: Vec<String> = f.columns.iter().map(|c| quoted(&c.node)).collect();
                    let required = if f.column_required { "required " } else { "" };
                    let _ = write!(rest, " column {required}{}", cols.join(", "));
                }
                rest.push_str(&cite(&f.cite));
                let line = if rest.is_empty() {
                    format!("  {name:<w$} {ty}")
                } else {
                    format!("  {name:<w$} {ty:<tw$}{rest}")
                };
                line.trim_end().to_string() + "\n"
            }
            SchemaItem::Let(l) => format!(
                "  let {} = {}{}\n",
                l.name.node,
                expr_text(&l.value),
                cite(&l.cite)
            ),
            SchemaItem::Require(r) => format!(
                "  require {} {}{}\n",
                expr_text(&r.condition),
                quoted(&r.message.node),
                cite(&r.cite)
            ),
        };
        p.item(
            Span {
                end: end as u32,
                ..name_span
            },
            "  ",
            line,
        );
    }
    let end = p.end_of(span.start as usize, span.end as usize);
    p.comments_before(end, "  ");
    p.out.push_str("}\n");
    p.last = end;
    p.trailing(end);
}

fn grading(p: &mut Printer, g: &Grading, span: Span) {
    p.comments_before(span.start as usize, "");
    p.blank_before(span.start as usize);
    let head = match &g.target {
        Some(t) => format!(
            "{}grading {} for {} {{",
            replace(g.replace),
            g.name.node,
            subject(t)
        ),
        None => format!("grading {} {{", g.name.node),
    };
    let _ = writeln!(p.out, "{head}");
    p.last = span.start as usize;
    for item in &g.items {
        match item {
            GradingItem::Remove(n) => p.item(n.span, "  ", format!("  remove {}\n", n.node)),
            GradingItem::Clause(c) => {
                let lhs = format!("  {}{}: ", replace(c.replace), c.name.node);
                let label = |l: &Option<Spanned<String>>| {
                    l.as_ref()
                        .map(|l| format!(" {}", quoted(&l.node)))
                        .unwrap_or_default()
                };
                let mut t = match &c.body {
                    ClauseBody::NotGraded { reason, when } => with_condition(
                        "      ",
                        &format!("{lhs}not graded {} when ", quoted(&reason.node)),
                        when,
                    ),
                    ClauseBody::Grade {
                        grade,
                        label: l,
                        when,
                    } => with_condition(
                        "      ",
                        &format!("{lhs}{}{} when ", grade.node, label(l)),
                        when,
                    ),
                    ClauseBody::Cap {
                        grade,
                        label: l,
                        when,
                    } => with_condition(
                        "      ",
                        &format!("{lhs}at most {}{} when ", grade.node, label(l)),
                        when,
                    ),
                    ClauseBody::Otherwise { grade, label: l } => {
                        format!("{lhs}otherwise {}{}", grade.node, label(l))
                    }
                    ClauseBody::Refer {
                        referral,
                        when: Some(when),
                    } => with_condition(
                        "      ",
                        &format!("{lhs}{} when ", referral_text(referral)),
                        when,
                    ),
                    ClauseBody::Refer {
                        referral,
                        when: None,
                    } => format!("{lhs}otherwise {}", referral_text(referral)),
                };
                t.push('\n');
                if let Some(c) = &c.cite {
                    let _ = writeln!(t, "    cite {}", quoted(&c.node));
                }
                match &c.placement {
                    Some(Placement::Before(n)) => {
                        let _ = writeln!(t, "    before {}", n.node);
                    }
                    Some(Placement::After(n)) => {
                        let _ = writeln!(t, "    after {}", n.node);
                    }
                    None => {}
                }
                p.item(c.span, "  ", t);
            }
        }
    }
    let end = p.end_of(span.start as usize, span.end as usize);
    p.comments_before(end, "  ");
    p.out.push_str("}\n");
    p.last = end;
    p.trailing(end);
}

/// `refer "reason" among [G, …]`.
fn referral_text(r: &Referral) -> String {
    let mut t = format!("refer {}", quoted(&r.reason.node));
    if !r.among.is_empty() {
        let codes: Vec<&str> = r.among.iter().map(|g| g.node.as_str()).collect();
        let _ = write!(t, " among [{}]", codes.join(", "));
    }
    t
}
