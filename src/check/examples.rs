//! Samples and tests: records written in the rules file, resolved to one
//! value per schema field.

use std::collections::HashMap;

use super::error::CheckError;
use super::expr::type_name;
use super::suggest::help_for;
use super::Compiler;
use crate::program::*;
use crate::syntax::ast::{self, SubjectKind};
use crate::value::Value;

/// Samples by name: their kind and field values.
pub(super) type Samples = HashMap<String, (SubjectKind, Vec<Value>)>;

impl Compiler<'_> {
    /// Resolves a record to one value per field: `like` first, then its own.
    pub(super) fn record(&mut self, r: &ast::Record, samples: &Samples) -> Option<Vec<Value>> {
        let schema = match r.kind {
            SubjectKind::Member => self.member.clone(),
            SubjectKind::Organisation => self.organisation.clone(),
        };
        let mut values: Vec<Value> = schema
            .fields
            .iter()
            .map(|f| f.default.clone().unwrap_or(Value::None))
            .collect();
        if let Some(like) = &r.like {
            values = self.sample(samples, like, r.kind)?;
        }
        let mut ok = true;
        for (name, e) in &r.fields {
            let Some(slot) = schema.field(&name.node) else {
                let names: Vec<&str> = schema.fields.iter().map(|f| f.name.as_str()).collect();
                let help = help_for(&name.node, names.iter().copied(), || {
                    format!("a {} has the fields {}", r.kind.keyword(), names.join(", "))
                });
                self.push(CheckError::UnknownName {
                    what: "field",
                    name: name.node.clone(),
                    help,
                    src: self.sources.named(name.span.file),
                    span: name.span.into(),
                });
                ok = false;
                continue;
            };
            let want = schema.fields[slot].ty;
            if want == Ty::Org {
                self.bad_call(
                    name.span,
                    "a test record cannot name an organisation".into(),
                    "tests grade one record with the children given by grade".into(),
                );
                ok = false;
                continue;
            }
            let help = format!("`{}` is declared as {}", name.node, type_name(self, want));
            let range = schema.fields[slot].range.clone();
            let what = format!("field `{}`", name.node);
            match self.constant_of(e, want, "a test value", &help) {
                Some(v)
                    if self.in_range(&v, want, &range, &what, e.span)
                        && self.storable(&v, e.span) =>
                {
                    values[slot] = v
                }
                _ => ok = false,
            }
        }
        ok.then_some(values)
    }

    /// The values of the sample `name`, which must be of `kind`.
    fn sample(
        &mut self,
        samples: &Samples,
        name: &ast::Ident,
        kind: SubjectKind,
    ) -> Option<Vec<Value>> {
        if let Some((k, v)) = samples.get(&name.node) {
            if *k == kind {
                return Some(v.clone());
            }
        }
        let names: Vec<&str> = samples
            .iter()
            .filter(|(_, (k, _))| *k == kind)
            .map(|(n, _)| n.as_str())
            .collect();
        let help = help_for(&name.node, names.iter().copied(), || {
            format!(
                "declare it first: `sample {}: {} {{ … }}`",
                name.node,
                kind.keyword()
            )
        });
        self.push(CheckError::UnknownName {
            what: "sample",
            name: name.node.clone(),
            help,
            src: self.sources.named(name.span.file),
            span: name.span.into(),
        });
        None
    }

    pub(super) fn samples(&mut self, samples: &[ast::Sample]) -> Samples {
        let mut out = HashMap::new();
        for s in samples {
            if let Some(v) = self.record(&s.record, &out) {
                out.insert(s.name.node.clone(), (s.record.kind, v));
            }
        }
        out
    }

    pub(super) fn test(
        &mut self,
        t: &ast::Test,
        samples: &Samples,
        clauses: &[ClauseInfo],
        last_file: Option<crate::source::FileId>,
        removed: &[String],
    ) -> Option<TestInfo> {
        let record = self.record(&t.record, samples);
        let mut children = Vec::new();
        for c in &t.children {
            let suborgs = match c.collection.node.as_str() {
                "members" => false,
                "suborgs" => true,
                other => {
                    self.push(CheckError::UnknownName {
                        what: "collection",
                        name: other.to_string(),
                        help: "a test gives `members { … }` or `suborgs { … }`".into(),
                        src: self.sources.named(c.collection.span.file),
                        span: c.collection.span.into(),
                    });
                    continue;
                }
            };
            if t.record.kind == SubjectKind::Member {
                self.bad_call(
                    c.collection.span,
                    "a member has no children".into(),
                    "give children only to an organisation".into(),
                );
                continue;
            }
            let kind = if suborgs {
                SubjectKind::Organisation
            } else {
                SubjectKind::Member
            };
            for child in &c.counts {
                let grade = match &child.grade {
                    Some(code) => match self.grade(code) {
                        Some(g) => Some(g),
                        None => continue,
                    },
                    None => None,
                };
                let record = match &child.like {
                    Some(name) => match self.sample(samples, name, kind) {
                        Some(v) => Some(v),
                        None => continue,
                    },
                    None => None,
                };
                children.push(TestChild {
                    suborg: suborgs,
                    grade,
                    count: child.count.node,
                    record,
                });
            }
        }
        let expect = match &t.expect.grade {
            Some(code) => Expected::Grade(self.grade(code)?),
            None if t.expect.to_decide => Expected::ToDecide,
            None if t.expect.rejected => Expected::Rejected,
            None => Expected::NotGraded,
        };
        if let (true, Some(name)) = (t.expect.rejected, &t.expect.by) {
            self.push(CheckError::Misplaced {
                what: "`expect rejected` names no clause: a refused record is decided by none"
                    .into(),
                help: "write `expect rejected` alone".into(),
                src: self.sources.named(name.span.file),
                span: name.span.into(),
            });
            return None;
        }
        let by = match &t.expect.by {
            Some(name) => match clauses.iter().position(|c| c.name == name.node) {
                Some(i) => Some(i),
                None if self.broken.contains(&name.node) => return None,
                // An inherited test of a clause the overlay removed no
                // longer applies: say so, and leave it out.
                None if Some(t.name.span.file) != last_file && removed.contains(&name.node) => {
                    self.push(CheckError::StaleTest {
                        test: t.name.node.clone(),
                        clause: name.node.clone(),
                        src: self.sources.named(name.span.file),
                        span: name.span.into(),
                    });
                    return None;
                }
                None => {
                    let help =
                        help_for(&name.node, clauses.iter().map(|c| c.name.as_str()), || {
                            "`by` names the clause expected to decide".into()
                        });
                    self.push(CheckError::UnknownName {
                        what: "clause",
                        name: name.node.clone(),
                        help,
                        src: self.sources.named(name.span.file),
                        span: name.span.into(),
                    });
                    return None;
                }
            },
            None => None,
        };
        let params = self.test_params(&t.params)?;
        Some(TestInfo {
            name: t.name.node.clone(),
            description: t.description.as_ref().map(|d| d.node.clone()),
            kind: t.record.kind,
            record: record?,
            params,
            children,
            expect,
            by,
            span: t.name.span,
        })
    }

    /// `with NAME = VALUE` of a test: a declared parameter, a value of its
    /// type and within its range.
    fn test_params(&mut self, given: &[(ast::Ident, ast::Expr)]) -> Option<Vec<(usize, Value)>> {
        let mut out = Vec::new();
        let mut ok = true;
        for (name, e) in given {
            let Some(i) = self.params.iter().position(|p| p.name == name.node) else {
                let names: Vec<String> = self.params.iter().map(|p| p.name.clone()).collect();
                let help = crate::check::suggest::help_for(
                    &name.node,
                    names.iter().map(String::as_str),
                    || "`with` sets a parameter the rules declare with `param`".into(),
                );
                self.push(CheckError::UnknownName {
                    what: "parameter",
                    name: name.node.clone(),
                    help,
                    src: self.sources.named(name.span.file),
                    span: name.span.into(),
                });
                ok = false;
                continue;
            };
            let (ty, range) = (self.params[i].ty, self.params[i].range.clone());
            let help = "the value is written as in the parameter's declaration";
            let Some(v) = self.constant_of(e, ty, "a test's parameter value", help) else {
                ok = false;
                continue;
            };
            let what = format!("parameter `{}`", name.node);
            ok &= self.in_range(&v, ty, &range, &what, e.span);
            out.push((i, v));
        }
        ok.then_some(out)
    }
}
