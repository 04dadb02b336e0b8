//! What the user changed in a session: each input becomes a layer of
//! items over the loaded rules, exactly as an `extends` file would state
//! them; `:save` collapses the layers into one such file.

use crate::program::Program;
use crate::source::{SourceMap, Span};
use crate::syntax::ast::{Decl, File, GradingItem};

/// What an item changes, by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    Param(String),
    /// A clause of a grading block.
    Clause(String),
    /// A whole grading block, quota, sample, test or the report.
    Item(String),
    /// `remove NAME`.
    Remove(String),
    /// Schema and enumeration additions, kept in order.
    Other(usize),
}

impl Key {
    pub fn name(&self) -> Option<&str> {
        match self {
            Key::Param(n) | Key::Clause(n) | Key::Item(n) | Key::Remove(n) => Some(n),
            Key::Other(_) => None,
        }
    }
}

/// One change, as source text without a leading `replace`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub key: Key,
    /// For a clause: its grading block.
    pub block: Option<String>,
    pub body: String,
}

/// One input that changed the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    pub name: String,
    pub items: Vec<Item>,
}

/// Whether a name is declared by the rules (a rule, a clause, a test…).
pub fn declares(program: &Program, name: &str) -> bool {
    program.param_index(name).is_some()
        || program.clause_index(name).is_some()
        || program.blocks.iter().any(|b| b.name == name)
        || program.quotas.iter().any(|q| q.name == name)
        || program.tests.iter().any(|t| t.name == name)
}

fn strip_replace(text: &str) -> String {
    let t = text.trim();
    match t.strip_prefix("replace") {
        Some(rest) if rest.starts_with(char::is_whitespace) => rest.trim_start().to_string(),
        _ => t.to_string(),
    }
}

/// The items of a parsed input.
pub fn items_of(file: &File, sources: &SourceMap) -> Vec<Item> {
    let mut out = Vec::new();
    let text = |s: Span| sources.slice(s).to_string();
    for (i, (decl, span)) in file.decls.iter().zip(&file.spans).enumerate() {
        let whole = strip_replace(&text(*span));
        let item = |key| Item {
            key,
            block: None,
            body: whole.clone(),
        };
        match decl {
            Decl::Param(p) => out.push(item(Key::Param(p.name.node.clone()))),
            Decl::Quota(q) => out.push(item(Key::Item(q.name.node.clone()))),
            Decl::Test(t) => out.push(item(Key::Item(t.name.node.clone()))),
            Decl::Sample(s) => out.push(item(Key::Item(s.name.node.clone()))),
            Decl::Report(_) => out.push(item(Key::Item("report".into()))),
            Decl::Remove(n) | Decl::RemoveExample(n) => out.push(item(Key::Remove(n.node.clone()))),
            Decl::Grading(g) if g.target.is_some() => {
                out.push(item(Key::Item(g.name.node.clone())))
            }
            Decl::Grading(g) => {
                for gi in &g.items {
                    match gi {
                        GradingItem::Clause(c) => out.push(Item {
                            key: Key::Clause(c.name.node.clone()),
                            block: Some(g.name.node.clone()),
                            body: strip_replace(&text(c.span)),
                        }),
                        GradingItem::Remove(n) => out.push(Item {
                            key: Key::Remove(n.node.clone()),
                            block: None,
                            body: format!("remove {}", n.node),
                        }),
                    }
                }
            }
            Decl::Schema(_) | Decl::Enum(_) => out.push(item(Key::Other(i))),
            Decl::Header(_) | Decl::Extends(_) | Decl::Grades(_, _) => {}
        }
    }
    out
}

/// The source of items as an overlay states them: `replace` where the
/// name is declared by `known`, clauses inside their grading block.
pub fn render(items: &[Item], known: &dyn Fn(&str) -> bool) -> String {
    let mut out = String::new();
    let mut open_block: Option<&str> = None;
    for it in items {
        let in_block = matches!(it.key, Key::Clause(_))
            .then_some(it.block.as_deref())
            .flatten();
        if open_block.is_some() && open_block != in_block {
            out.push_str("}\n");
            open_block = None;
        }
        let replace =
            matches!(it.key, Key::Clause(_) | Key::Item(_)) && it.key.name().is_some_and(known);
        let body = if replace {
            format!("replace {}", it.body)
        } else {
            it.body.clone()
        };
        match in_block {
            Some(b) => {
                if open_block.is_none() {
                    if !out.is_empty() {
                        out.push('\n');
                    }
                    out.push_str(&format!("grading {b} {{\n"));
                    open_block = Some(b);
                }
                // A clause's first line at two spaces, what follows at six.
                for (i, line) in body.lines().enumerate() {
                    let indent = if i == 0 { "  " } else { "      " };
                    out.push_str(&format!("{indent}{}\n", line.trim()));
                }
            }
            None => {
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(&body);
                out.push('\n');
            }
        }
    }
    if open_block.is_some() {
        out.push_str("}\n");
    }
    out
}

/// All layers as one list of items: a later change of a name replaces an
/// earlier one in place, and removing a name the base never had drops it.
pub fn collapse(layers: &[Layer], in_base: &dyn Fn(&str) -> bool) -> Vec<Item> {
    let mut out: Vec<Item> = Vec::new();
    for item in layers.iter().flat_map(|l| &l.items) {
        match &item.key {
            Key::Remove(name) => {
                out.retain(|o| o.key.name() != Some(name.as_str()));
                if in_base(name) {
                    out.push(item.clone());
                }
            }
            Key::Other(_) => out.push(item.clone()),
            key => {
                let name = key.name().unwrap_or("");
                let removed = out
                    .iter()
                    .position(|o| o.key == Key::Remove(name.to_string()));
                if let Some(r) = removed {
                    out.remove(r);
                }
                match out.iter().position(|o| o.key == *key) {
                    Some(p) => out[p] = item.clone(),
                    None => out.push(item.clone()),
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(key: Key, body: &str) -> Item {
        Item {
            key,
            block: None,
            body: body.into(),
        }
    }

    #[test]
    fn later_changes_win_and_removals_of_new_names_vanish() {
        let layers = vec![
            Layer {
                name: "1".into(),
                items: vec![item(Key::Param("cap".into()), "param cap = 30%")],
            },
            Layer {
                name: "2".into(),
                items: vec![item(Key::Item("q".into()), "quota q: …")],
            },
            Layer {
                name: "3".into(),
                items: vec![item(Key::Param("cap".into()), "param cap = 25%")],
            },
            Layer {
                name: "4".into(),
                items: vec![item(Key::Remove("q".into()), "remove q")],
            },
            Layer {
                name: "5".into(),
                items: vec![item(Key::Remove("old".into()), "remove old")],
            },
        ];
        let out = collapse(&layers, &|n| n == "old" || n == "cap");
        let bodies: Vec<&str> = out.iter().map(|i| i.body.as_str()).collect();
        assert_eq!(bodies, ["param cap = 25%", "remove old"]);
    }

    #[test]
    fn clauses_render_inside_their_block() {
        let items = vec![
            Item {
                key: Key::Clause("a".into()),
                block: Some("members".into()),
                body: "a: HTNV when x".into(),
            },
            Item {
                key: Key::Clause("b".into()),
                block: Some("members".into()),
                body: "b: HTNV when y".into(),
            },
            item(Key::Param("p".into()), "param p = 1"),
        ];
        let text = render(&items, &|n| n == "a");
        assert_eq!(
            text,
            "grading members {\n  replace a: HTNV when x\n  b: HTNV when y\n}\n\nparam p = 1\n"
        );
    }
}
