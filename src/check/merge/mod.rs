//! Folds an `extends` chain into one set of declarations: an overlay
//! overrides parameters, adds, replaces (`replace`) and removes (`remove`)
//! items by name. Names of parameters, grading blocks, clauses, quotas,
//! samples and tests share one namespace, so `remove NAME` is unambiguous.

use std::collections::HashMap;

use miette::Report;

mod blocks;

use super::error::CheckError;
use super::load::Chain;
use super::suggest::help_for;
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::ast::*;

#[derive(Debug, Default)]
pub(super) struct Merged {
    pub header: Option<(Header, Span)>,
    pub grades: Option<(Vec<GradeDef>, Span)>,
    pub enums: Vec<EnumDecl>,
    pub member_items: Vec<SchemaItem>,
    pub org_items: Vec<SchemaItem>,
    pub member_span: Option<Span>,
    pub org_span: Option<Span>,
    pub params: Vec<Param>,
    pub blocks: Vec<MergedBlock>,
    pub quotas: Vec<Quota>,
    pub report: Option<Report_>,
    pub samples: Vec<Sample>,
    pub tests: Vec<Test>,
    /// Names an overlay removed.
    pub removed: Vec<String>,
    pub first_file: Option<FileId>,
    /// The file being checked (the last of the chain).
    pub last_file: Option<FileId>,
}

pub(super) type Report_ = crate::syntax::ast::Report;

#[derive(Debug, Clone)]
pub(super) struct MergedBlock {
    pub name: Ident,
    pub target: Subject,
    pub clauses: Vec<Clause>,
    /// A clause of this block was rejected: its completeness is unknown.
    pub damaged: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Param,
    Block,
    Clause,
    Quota,
    Sample,
    Test,
}

impl Kind {
    fn word(self) -> &'static str {
        match self {
            Kind::Param => "parameter",
            Kind::Block => "grading block",
            Kind::Clause => "clause",
            Kind::Quota => "quota",
            Kind::Sample => "sample",
            Kind::Test => "test",
        }
    }
}

struct Merger<'a> {
    sources: &'a SourceMap,
    problems: &'a mut Vec<Report>,
    out: Merged,
    /// Every rule name in scope (parameters, blocks, clauses, quotas): its
    /// kind and where it was declared.
    names: HashMap<String, (Kind, Span)>,
    /// Test and sample names: their own namespace, so a test may be named
    /// after the clause it tests.
    examples: HashMap<String, (Kind, Span)>,
}

pub(super) fn merge(chain: Chain, sources: &SourceMap, problems: &mut Vec<Report>) -> Merged {
    let mut m = Merger {
        sources,
        problems,
        out: Merged::default(),
        names: HashMap::new(),
        examples: HashMap::new(),
    };
    m.out.first_file = chain.first().map(|(id, _)| *id);
    m.out.last_file = chain.last().map(|(id, _)| *id);
    for (index, (file, ast)) in chain.into_iter().enumerate() {
        let overlay = index > 0;
        for decl in ast.decls {
            m.decl(decl, file, overlay);
        }
    }
    m.out
}

impl Merger<'_> {
    fn push(&mut self, e: CheckError) {
        self.problems.push(Report::new(e));
    }

    fn where_(&self, span: Span) -> String {
        let f = self.sources.get(span.file);
        let line = f.text[..(span.start as usize).min(f.text.len())]
            .matches('\n')
            .count()
            + 1;
        format!("{}:{}", f.name, line)
    }

    /// Declares a new name; reports a duplicate (same file) or a missing
    /// `replace` (inherited) and returns false then.
    fn space(&mut self, kind: Kind) -> &mut HashMap<String, (Kind, Span)> {
        match kind {
            Kind::Sample | Kind::Test => &mut self.examples,
            _ => &mut self.names,
        }
    }

    fn declare(&mut self, name: &Ident, kind: Kind) -> bool {
        if let Some((old_kind, old)) = self.space(kind).get(&name.node).copied() {
            if old.file == name.span.file {
                self.push(CheckError::Duplicate {
                    what: kind.word(),
                    name: name.node.clone(),
                    help: format!(
                        "the first is the {} at {}; names must be unique",
                        old_kind.word(),
                        self.where_(old)
                    ),
                    src: self.sources.named(name.span.file),
                    span: name.span.into(),
                });
            } else {
                self.push(CheckError::NeedsReplace {
                    what: old_kind.word(),
                    name: name.node.clone(),
                    base: self.where_(old),
                    src: self.sources.named(name.span.file),
                    span: name.span.into(),
                });
            }
            return false;
        }
        self.space(kind)
            .insert(name.node.clone(), (kind, name.span));
        true
    }

    /// Checks that `replace NAME` names an inherited item of this kind.
    fn replacing(&mut self, name: &Ident, kind: Kind) -> bool {
        match self.space(kind).get(&name.node) {
            Some((k, _)) if *k == kind => {
                self.space(kind)
                    .insert(name.node.clone(), (kind, name.span));
                true
            }
            _ => {
                self.unknown(name, kind, "to replace");
                false
            }
        }
    }

    fn unknown(&mut self, name: &Ident, kind: Kind, purpose: &str) {
        let space = match kind {
            Kind::Sample | Kind::Test => &self.examples,
            _ => &self.names,
        };
        let candidates: Vec<&str> = space
            .iter()
            .filter(|(_, (k, _))| *k == kind)
            .map(|(n, _)| n.as_str())
            .collect();
        let help = help_for(&name.node, candidates.iter().copied(), || {
            format!("no {} of that name is declared {}", kind.word(), purpose)
        });
        let what = match kind {
            Kind::Clause => "clause",
            Kind::Block => "grading block",
            Kind::Quota => "quota",
            Kind::Param => "parameter",
            Kind::Sample => "sample",
            Kind::Test => "test",
        };
        self.push(CheckError::UnknownName {
            what,
            name: name.node.clone(),
            help,
            src: self.sources.named(name.span.file),
            span: name.span.into(),
        });
    }

    fn decl(&mut self, decl: Decl, file: FileId, overlay: bool) {
        match decl {
            Decl::Extends(_) => {}
            Decl::Header(h) => {
                let span = h.name.span;
                match &mut self.out.header {
                    Some((_, old_span)) if old_span.file == file => {
                        self.push(CheckError::Misplaced {
                            what: "a second `ruleset` header".into(),
                            help: "a file has one header".into(),
                            src: self.sources.named(file),
                            span: span.into(),
                        });
                    }
                    Some((old, old_span)) => {
                        // An overlay's header renames; given entries override.
                        old.name = h.name;
                        if h.year.is_some() {
                            old.year = h.year;
                        }
                        if h.review_date.is_some() {
                            old.review_date = h.review_date;
                        }
                        if !h.sources.is_empty() {
                            old.sources = h.sources;
                        }
                        *old_span = span;
                    }
                    None => self.out.header = Some((h, span)),
                }
            }
            Decl::Grades(defs, span) => {
                if self.out.grades.is_some() {
                    self.push(CheckError::Misplaced {
                        what: "grades are already declared".into(),
                        help:
                            "the grades are declared once, in the base file; an overlay keeps them"
                                .into(),
                        src: self.sources.named(file),
                        span: span.into(),
                    });
                } else {
                    self.out.grades = Some((defs, span));
                }
            }
            Decl::Enum(e) => {
                if let Some(old) = self.out.enums.iter().find(|o| o.name.node == e.name.node) {
                    let help = format!("the first is at {}", self.where_(old.name.span));
                    self.push(CheckError::Duplicate {
                        what: "enumeration",
                        name: e.name.node.clone(),
                        help,
                        src: self.sources.named(file),
                        span: e.name.span.into(),
                    });
                } else {
                    self.out.enums.push(e);
                }
            }
            Decl::Schema(s) => {
                let (items, span) = match s.kind {
                    SubjectKind::Member => (&mut self.out.member_items, &mut self.out.member_span),
                    SubjectKind::Organisation => (&mut self.out.org_items, &mut self.out.org_span),
                };
                span.get_or_insert(s.span);
                items.extend(s.items);
            }
            Decl::Param(p) => {
                if let Some(i) = self
                    .out
                    .params
                    .iter()
                    .position(|o| o.name.node == p.name.node)
                {
                    let first = self.out.params[i].name.span;
                    let declared_here = self
                        .names
                        .get(&p.name.node)
                        .is_some_and(|(_, at)| at.file == file);
                    if first.file == file && declared_here {
                        self.declare(&p.name, Kind::Param);
                    } else if first.file == file {
                        // An overlay setting an inherited parameter twice.
                        let help = format!(
                            "{} sets it already; keep one of the two",
                            self.where_(first)
                        );
                        self.push(CheckError::Duplicate {
                            what: "parameter",
                            name: p.name.node.clone(),
                            help,
                            src: self.sources.named(p.name.span.file),
                            span: p.name.span.into(),
                        });
                    } else {
                        // An overlay sets a new value for an inherited
                        // parameter, within its range unless it states one.
                        let old = &self.out.params[i];
                        let cite = p.cite.clone().or_else(|| old.cite.clone());
                        let range = p.range.clone().or_else(|| old.range.clone());
                        self.out.params[i] = Param { cite, range, ..p };
                    }
                } else if self.declare(&p.name, Kind::Param) {
                    self.out.params.push(p);
                }
            }
            Decl::Grading(g) => self.grading(g, overlay),
            Decl::Quota(q) => {
                let ok = if q.replace {
                    self.replacing(&q.name, Kind::Quota)
                } else {
                    self.declare(&q.name, Kind::Quota)
                };
                if ok {
                    match self
                        .out
                        .quotas
                        .iter()
                        .position(|o| o.name.node == q.name.node)
                    {
                        Some(i) => self.out.quotas[i] = *q,
                        None => self.out.quotas.push(*q),
                    }
                }
            }
            Decl::Report(r) => {
                if self.out.report.is_some() && !r.replace {
                    let old = self.out.report.as_ref().map(|o| o.span).unwrap_or_default();
                    self.push(CheckError::NeedsReplace {
                        what: "report",
                        name: "report".into(),
                        base: self.where_(old),
                        src: self.sources.named(file),
                        span: r.span.into(),
                    });
                } else {
                    self.out.report = Some(r);
                }
            }
            Decl::Sample(s) => {
                let ok = if s.replace {
                    self.replacing(&s.name, Kind::Sample)
                } else {
                    self.declare(&s.name, Kind::Sample)
                };
                if ok {
                    match self
                        .out
                        .samples
                        .iter()
                        .position(|o| o.name.node == s.name.node)
                    {
                        Some(i) => self.out.samples[i] = s,
                        None => self.out.samples.push(s),
                    }
                }
            }
            Decl::Test(t) => {
                let ok = if t.replace {
                    self.replacing(&t.name, Kind::Test)
                } else {
                    self.declare(&t.name, Kind::Test)
                };
                if ok {
                    match self
                        .out
                        .tests
                        .iter()
                        .position(|o| o.name.node == t.name.node)
                    {
                        Some(i) => self.out.tests[i] = *t,
                        None => self.out.tests.push(*t),
                    }
                }
            }
            Decl::Remove(name) => self.remove_top(&name),
            Decl::RemoveExample(name) => match self.examples.get(&name.node).copied() {
                Some((kind, _)) => {
                    self.examples.remove(&name.node);
                    let n = &name.node;
                    self.out
                        .tests
                        .retain(|t| &t.name.node != n || kind != Kind::Test);
                    self.out
                        .samples
                        .retain(|s| &s.name.node != n || kind != Kind::Sample);
                }
                None => self.unknown(&name, Kind::Test, "to remove"),
            },
        }
    }

    fn remove_top(&mut self, name: &Ident) {
        if self.names.contains_key(&name.node) && self.examples.contains_key(&name.node) {
            self.push(CheckError::Misplaced {
                what: format!("`remove {}` could mean a rule or a test", name.node),
                help: "rename the test, or replace it instead".into(),
                src: self.sources.named(name.span.file),
                span: name.span.into(),
            });
            return;
        }
        let found = self
            .names
            .get(&name.node)
            .or_else(|| self.examples.get(&name.node))
            .copied();
        let Some((kind, _)) = found else {
            let candidates: Vec<String> = self
                .names
                .keys()
                .chain(self.examples.keys())
                .cloned()
                .collect();
            let help = help_for(&name.node, candidates.iter().map(|s| s.as_str()), || {
                "`remove` takes the name of an inherited parameter, grading block, clause, quota, sample or test".into()
            });
            self.push(CheckError::UnknownName {
                what: "rule",
                name: name.node.clone(),
                help,
                src: self.sources.named(name.span.file),
                span: name.span.into(),
            });
            return;
        };
        self.space(kind).remove(&name.node);
        self.out.removed.push(name.node.clone());
        let n = &name.node;
        match kind {
            Kind::Param => self.out.params.retain(|p| &p.name.node != n),
            Kind::Block => {
                if let Some(b) = self.out.blocks.iter().find(|b| &b.name.node == n) {
                    for c in &b.clauses {
                        self.names.remove(&c.name.node);
                    }
                }
                self.out.blocks.retain(|b| &b.name.node != n);
            }
            Kind::Clause => {
                for b in &mut self.out.blocks {
                    b.clauses.retain(|c| &c.name.node != n);
                }
            }
            Kind::Quota => self.out.quotas.retain(|q| &q.name.node != n),
            Kind::Sample => self.out.samples.retain(|s| &s.name.node != n),
            Kind::Test => self.out.tests.retain(|t| &t.name.node != n),
        }
    }
}
