//! Showing things in a session: a rule's source, a query's value.

use crate::program::{Program, Ty};
use crate::report::NumberStyle;
use crate::value::{Rat, Value};

/// The text of a named declaration or clause in the files of a program.
pub(super) fn source_of(program: &Program, name: &str) -> Option<String> {
    use crate::syntax::ast::{Decl, GradingItem};
    for (i, f) in program.sources.files().iter().enumerate().rev() {
        let file = crate::syntax::parse(&program.sources, crate::source::FileId(i as u32)).ok()?;
        for (decl, span) in file.decls.iter().zip(&file.spans) {
            let hit = match decl {
                Decl::Param(p) => p.name.node == name,
                Decl::Quota(q) => q.name.node == name,
                Decl::Test(t) => t.name.node == name,
                Decl::Sample(s) => s.name.node == name,
                Decl::Grading(g) => {
                    if let Some(c) = g.items.iter().find_map(|it| match it {
                        GradingItem::Clause(c) if c.name.node == name => Some(c),
                        _ => None,
                    }) {
                        return Some(format!(
                            "// {} (grading {})\n{}\n",
                            f.name,
                            g.name.node,
                            program.sources.slice(c.span).trim_end()
                        ));
                    }
                    g.name.node == name
                }
                _ => false,
            };
            if hit {
                return Some(format!(
                    "// {}\n{}\n",
                    f.name,
                    program.sources.slice(*span).trim_end()
                ));
            }
        }
    }
    None
}

/// A query's value; a share shows its counts too.
pub(super) fn show_query_value(p: &Program, v: &Value, ty: Ty) -> String {
    match (v, ty) {
        (Value::Num(r), Ty::Percent) if r.den > 1 || r.num == 0 => {
            let pct = Rat {
                num: r.num * 100,
                den: r.den.max(1),
            }
            .to_decimal_string(1)
            .replace('.', ",");
            format!("{pct}% ({}/{})", r.num, r.den)
        }
        (Value::Num(r), Ty::Int) => NumberStyle::Vi.int(r.num.max(0) as u64),
        _ => p.show_value(v, ty),
    }
}
