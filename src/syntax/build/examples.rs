//! Samples and tests: records with field values, children by grade, and
//! the expectation.

use pest::iterators::Pair;

use super::{Builder, Res};
use crate::source::{Span, Spanned};
use crate::syntax::ast::*;
use crate::syntax::Rule;

impl Builder<'_> {
    pub(super) fn record(&self, p: Pair<Rule>) -> Res<Record> {
        let span = self.span(&p);
        let mut it = p.into_inner();
        let kind = Self::subject_kind(&it.next().expect("record kind"));
        let mut like = None;
        let mut fields = Vec::new();
        for q in it {
            match q.as_rule() {
                Rule::ident => like = Some(self.ident(q)),
                Rule::field_value => {
                    let mut fi = q.into_inner();
                    let name = self.ident(fi.next().expect("field"));
                    fields.push((name, self.expr(fi.next().expect("value"))?));
                }
                _ => {}
            }
        }
        Ok(Record {
            kind,
            like,
            fields,
            span,
        })
    }

    pub(super) fn test(&self, p: Pair<Rule>, span: Span) -> Res<Test> {
        let mut replace = false;
        let mut name = None;
        let mut description = None;
        let mut record = None;
        let mut children = Vec::new();
        let mut expect = None;
        let mut params = Vec::new();
        for q in p.into_inner() {
            match q.as_rule() {
                Rule::test_param => {
                    let mut it = q.into_inner().skip(1);
                    let name = self.ident(it.next().expect("parameter name"));
                    let _assign = it.next();
                    params.push((name, self.expr(it.next().expect("parameter value"))?));
                }
                Rule::replace => replace = true,
                Rule::ident => name = Some(self.ident(q)),
                Rule::string => description = Some(self.string(q)),
                Rule::record => record = Some(self.record(q)?),
                Rule::children => {
                    let mut it = q.into_inner();
                    let collection = self.ident(it.next().expect("collection"));
                    let mut counts = Vec::new();
                    for c in it {
                        let mut ci = c.into_inner();
                        let g = ci.next().expect("grade");
                        let grade = (g.as_rule() == Rule::ident).then(|| self.ident(g));
                        let n = self.integer(ci.next().expect("count"))?;
                        let count = u32::try_from(n.node).map_err(|_| {
                            self.bad(n.span, "too many children".into(), "use at most 4294967295")
                        })?;
                        let like = ci.nth(1).map(|s| self.ident(s));
                        counts.push(ChildCount {
                            grade,
                            count: Spanned::new(count, n.span),
                            like,
                        });
                    }
                    children.push(TestChildren { collection, counts });
                }
                Rule::expectation => {
                    let espan = self.span(&q);
                    let mut grade = None;
                    let mut by = None;
                    let mut seen_by = false;
                    let mut to_decide = false;
                    let mut rejected = false;
                    for part in q.into_inner() {
                        match part.as_rule() {
                            Rule::kw_by => seen_by = true,
                            Rule::to_decide_word => to_decide = true,
                            Rule::rejected_word => rejected = true,
                            Rule::ident if seen_by => by = Some(self.ident(part)),
                            Rule::ident => grade = Some(self.ident(part)),
                            _ => {}
                        }
                    }
                    expect = Some(Expectation {
                        grade,
                        to_decide,
                        rejected,
                        by,
                        span: espan,
                    });
                }
                _ => {}
            }
        }
        Ok(Test {
            replace,
            name: name.expect("test name"),
            description,
            params,
            record: record.expect("test record"),
            children,
            expect: expect.expect("test expectation"),
            span,
        })
    }
}
