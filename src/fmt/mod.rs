//! Canonical formatting of rules files (`xeploai fmt`): the layout is
//! printed from the syntax tree, so formatting a formatted file changes
//! nothing; comments and single blank lines are kept where they stood.
//! Before a result is returned it is parsed again and must give the same
//! tree and the same comments, so formatting can never change a rule.

mod expr;

use std::fmt::Write;

use crate::source::{SourceMap, Span, Spanned};
use crate::syntax::ast::*;
use crate::syntax::SyntaxError;

pub use expr::expr_text;

/// Lines longer than this are broken at `and` / `or`.
pub const WIDTH: usize = 100;

/// Why a file could not be formatted.
#[derive(Debug)]
pub enum FmtError {
    Syntax(Box<SyntaxError>),
    /// The formatted text did not give back the same rules: a bug, and
    /// nothing is written.
    NotFaithful(String),
}

/// A comment in the source: where it starts and ends, and whether it
/// stands alone on its line.
struct Comment {
    start: usize,
    end: usize,
    own_line: bool,
}

/// Every `//` comment outside string literals.
fn comments(text: &str) -> Vec<Comment> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line_start = 0;
    while i < b.len() {
        match b[i] {
            b'\n' => line_start = i + 1,
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let start = i;
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                let own_line = text[line_start..start].trim().is_empty();
                out.push(Comment {
                    start,
                    end: i,
                    own_line,
                });
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

struct Printer<'a> {
    text: &'a str,
    comments: Vec<Comment>,
    next_comment: usize,
    /// Source offset of the last thing printed (for blank lines).
    last: usize,
    out: String,
}

impl Printer<'_> {
    fn slice(&self, s: usize, e: usize) -> &str {
        self.text.get(s.min(e)..e).unwrap_or("")
    }

    /// A blank line if the source had one between `last` and `at`.
    fn blank_before(&mut self, at: usize) {
        let gap = self.slice(self.last, at);
        let blank = gap
            .split('\n')
            .skip(1)
            .take(gap.matches('\n').count().saturating_sub(1))
            .any(|l| l.trim().is_empty());
        if blank
            && !self.out.is_empty()
            && !self.out.ends_with("{\n")
            && !self.out.ends_with("\n\n")
        {
            self.out.push('\n');
        }
    }

    /// Own-line and inner comments that start before `upto`.
    fn comments_before(&mut self, upto: usize, indent: &str) {
        while let Some(c) = self.comments.get(self.next_comment) {
            if c.start >= upto {
                break;
            }
            let (start, end) = (c.start, c.end);
            self.blank_before(start);
            let body = self.slice(start, end).trim_end().to_string();
            let _ = writeln!(self.out, "{indent}{body}");
            self.last = end;
            self.next_comment += 1;
        }
    }

    /// A comment on the same source line right after `end`, appended.
    fn trailing(&mut self, end: usize) {
        let Some(c) = self.comments.get(self.next_comment) else {
            return;
        };
        if c.own_line || self.slice(end, c.start).contains('\n') {
            return;
        }
        let body = self.slice(c.start, c.end).trim_end().to_string();
        if self.out.ends_with('\n') {
            self.out.pop();
        }
        let _ = writeln!(self.out, "  {body}");
        self.last = c.end;
        self.next_comment += 1;
    }

    /// Where an item's text really ends: pest's spans run on over the
    /// blanks and comments it skipped looking for an optional part.
    fn end_of(&self, start: usize, end: usize) -> usize {
        let mut end = end;
        loop {
            let trimmed = start + self.slice(start, end).trim_end().len();
            match self
                .comments
                .iter()
                .find(|c| c.end == trimmed && c.start >= start)
            {
                Some(c) => end = c.start,
                None => return trimmed,
            }
        }
    }

    /// Prints one item: comments before it, a blank line if the source had
    /// one, the item's lines, a trailing comment.
    fn item(&mut self, span: Span, indent: &str, lines: String) {
        let start = span.start as usize;
        let end = self.end_of(start, span.end as usize);
        self.comments_before(start, indent);
        self.blank_before(start);
        // Comments inside the item move above it: nothing is lost.
        self.comments_before(end, indent);
        self.out.push_str(&lines);
        self.last = end;
        self.trailing(end);
    }
}

/// Formats rules text; `name` labels diagnostics.
pub fn format_text(name: &str, text: &str) -> Result<String, FmtError> {
    let mut sources = SourceMap::default();
    let id = sources.add(
        std::path::Path::new(name),
        name.to_string(),
        crate::source::nfc(text),
    );
    let file = crate::syntax::parse(&sources, id).map_err(FmtError::Syntax)?;
    let text = &sources.get(id).text;
    let mut p = Printer {
        text,
        comments: comments(text),
        next_comment: 0,
        last: 0,
        out: String::new(),
    };
    for (decl, span) in file.decls.iter().zip(&file.spans) {
        decl_text(&mut p, decl, *span);
    }
    p.comments_before(usize::MAX, "");
    let out = p.out.trim_end().to_string() + "\n";
    faithful(name, text, &file, &out)?;
    Ok(out)
}

/// The formatted text must parse to the same tree with the same comments.
fn faithful(name: &str, text: &str, before: &File, out: &str) -> Result<(), FmtError> {
    let mut sources = SourceMap::default();
    let id = sources.add(
        std::path::Path::new(name),
        name.to_string(),
        out.to_string(),
    );
    let after = crate::syntax::parse(&sources, id)
        .map_err(|e| FmtError::NotFaithful(format!("the result does not parse: {e}")))?;
    let same =
        |a: &Decl, b: &Decl| without_spans(&format!("{a:?}")) == without_spans(&format!("{b:?}"));
    if after.decls.len() != before.decls.len()
        || !before
            .decls
            .iter()
            .zip(&after.decls)
            .all(|(a, b)| same(a, b))
    {
        let at = before
            .decls
            .iter()
            .zip(&after.decls)
            .position(|(a, b)| !same(a, b))
            .unwrap_or(0);
        let shown = after
            .spans
            .get(at)
            .map(|s| sources.slice(*s).to_string())
            .unwrap_or_default();
        return Err(FmtError::NotFaithful(format!(
            "the result parses to different rules at:\n{shown}"
        )));
    }
    let bodies = |t: &str| {
        comments(t)
            .iter()
            .map(|c| t[c.start..c.end].trim_end().to_string())
            .collect::<Vec<_>>()
    };
    if bodies(text) != bodies(out) {
        return Err(FmtError::NotFaithful("comments were not kept".into()));
    }
    Ok(())
}

/// A debug rendering of a tree with every span taken out, so trees from
/// two texts compare by what they say, not where.
fn without_spans(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(i) = rest.find("Span { file: FileId(") {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(" }").map(|e| e + 2).unwrap_or(rest.len());
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

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

fn decl_text(p: &mut Printer, decl: &Decl, span: Span) {
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
                "param {} = {}{}\n",
                param.name.node,
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
            let g = t
                .expect
                .grade
                .as_ref()
                .map(|g| g.node.clone())
                .unwrap_or_else(|| "not graded".into());
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

/// The end of a schema item: the furthest of its parts.
fn item_end(item: &SchemaItem) -> (Span, usize) {
    match item {
        SchemaItem::Field(f) => {
            let mut end = f.ty.span.end.max(f.name.span.end);
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
                let mut rest = String::new();
                if let Some(d) = &f.default {
                    let _ = write!(rest, " = {}", expr_text(d));
                }
                if !f.columns.is_empty() {
                    let cols: Vec<String> = f.columns.iter().map(|c| quoted(&c.node)).collect();
                    let _ = write!(rest, " column {}", cols.join(", "));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rules_file_formats_faithfully_and_idempotently() {
        for f in [
            "rules/2021.rules",
            "rules/2023.rules",
            "rules/2025.rules",
            "rules/bac-giang/yen-the-2021.rules",
        ] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(f);
            let text = std::fs::read_to_string(&path).expect("rules");
            let once = match format_text(f, &text) {
                Ok(t) => t,
                Err(FmtError::Syntax(e)) => panic!("{f}: {e}"),
                Err(FmtError::NotFaithful(why)) => panic!("{f}: {why}"),
            };
            let twice =
                format_text(f, &once).unwrap_or_else(|_| panic!("{f}: formatted text formats"));
            assert_eq!(once, twice, "{f}: formatting is idempotent");
        }
    }
}
