//! Grading blocks in an `extends` chain: a block declared, replaced or
//! changed clause by clause; where a new clause goes; no deciding clause
//! behind the `otherwise`.

use super::{Kind, MergedBlock, Merger};
use crate::check::error::CheckError;
use crate::syntax::ast::*;

impl Merger<'_> {
    pub(super) fn grading(&mut self, g: Grading, overlay: bool) {
        let existing = self
            .out
            .blocks
            .iter()
            .position(|b| b.name.node == g.name.node);
        let index = match (&g.target, existing) {
            (Some(target), None) => {
                if g.replace {
                    self.unknown(&g.name, Kind::Block, "to replace");
                    return;
                }
                if !self.declare(&g.name, Kind::Block) {
                    return;
                }
                self.out.blocks.push(MergedBlock {
                    name: g.name.clone(),
                    target: target.clone(),
                    clauses: Vec::new(),
                    damaged: false,
                });
                self.out.blocks.len() - 1
            }
            (Some(target), Some(i)) => {
                if !g.replace {
                    self.declare(&g.name, Kind::Block);
                    return;
                }
                for c in std::mem::take(&mut self.out.blocks[i].clauses) {
                    self.names.remove(&c.name.node);
                }
                self.out.blocks[i] = MergedBlock {
                    name: g.name.clone(),
                    target: target.clone(),
                    clauses: Vec::new(),
                    damaged: false,
                };
                i
            }
            (None, Some(i)) => i,
            (None, None) => {
                if overlay {
                    self.unknown(&g.name, Kind::Block, "to change");
                } else {
                    self.push(CheckError::Misplaced {
                        what: format!("grading block `{}` says neither `for member` nor `for organisation`", g.name.node),
                        help: "write `grading NAME for member { … }` or `grading NAME for organisation where kind == … { … }`".into(),
                        src: self.sources.named(g.name.span.file),
                        span: g.name.span.into(),
                    });
                }
                return;
            }
        };
        // The `otherwise` this declaration wrote, if any: a deciding clause
        // written after it would never be reached as written.
        let mut otherwise: Option<Ident> = None;
        for item in g.items {
            if let GradingItem::Clause(c) = &item {
                let deciding = !matches!(c.body, ClauseBody::Cap { .. });
                match (&otherwise, deciding, &c.placement) {
                    (Some(o), true, None) => {
                        self.push(CheckError::AfterOtherwise {
                            name: c.name.node.clone(),
                            otherwise: o.node.clone(),
                            src: self.sources.named(c.name.span.file),
                            span: c.name.span.into(),
                        });
                        self.out.blocks[index].damaged = true;
                        continue;
                    }
                    (None, _, _) if c.body.is_otherwise() => {
                        otherwise = Some(c.name.clone());
                    }
                    _ => {}
                }
            }
            match item {
                GradingItem::Remove(name) => {
                    let pos = self.out.blocks[index]
                        .clauses
                        .iter()
                        .position(|c| c.name.node == name.node);
                    match pos {
                        Some(p) => {
                            self.out.blocks[index].clauses.remove(p);
                            self.names.remove(&name.node);
                            self.out.removed.push(name.node.clone());
                        }
                        None => self.unknown(&name, Kind::Clause, "in this block"),
                    }
                }
                GradingItem::Clause(c) => self.clause(index, *c),
            }
        }
    }

    fn clause(&mut self, block: usize, c: Clause) {
        let clauses = &self.out.blocks[block].clauses;
        let existing = clauses.iter().position(|o| o.name.node == c.name.node);
        if c.replace {
            let Some(pos) = existing else {
                self.unknown(&c.name, Kind::Clause, "in this block to replace");
                return;
            };
            self.names
                .insert(c.name.node.clone(), (Kind::Clause, c.name.span));
            if c.placement.is_some() {
                self.out.blocks[block].clauses.remove(pos);
                self.place(block, c);
            } else {
                self.out.blocks[block].clauses[pos] = c;
            }
            return;
        }
        if !self.declare(&c.name, Kind::Clause) {
            self.out.blocks[block].damaged = true;
            return;
        }
        self.place(block, c);
    }

    /// Inserts a new clause: where `before`/`after` says, else a deciding
    /// clause goes before the first `otherwise` and a cap at the end.
    fn place(&mut self, block: usize, c: Clause) {
        let clauses = &self.out.blocks[block].clauses;
        let pos = match &c.placement {
            Some(Placement::Before(t)) | Some(Placement::After(t)) => {
                match clauses.iter().position(|o| o.name.node == t.node) {
                    Some(p) => p + usize::from(matches!(c.placement, Some(Placement::After(_)))),
                    None => {
                        let t = t.clone();
                        self.unknown(&t, Kind::Clause, "in this block");
                        return;
                    }
                }
            }
            None if matches!(c.body, ClauseBody::Cap { .. }) => clauses.len(),
            None => clauses
                .iter()
                .position(|o| o.body.is_otherwise())
                .unwrap_or(clauses.len()),
        };
        // `after NAME` may not put a deciding clause behind the `otherwise`.
        let deciding = !matches!(c.body, ClauseBody::Cap { .. });
        let otherwise = clauses[..pos].iter().find(|o| o.body.is_otherwise());
        if let (true, Some(o)) = (deciding, otherwise) {
            let otherwise = o.name.node.clone();
            self.push(CheckError::AfterOtherwise {
                name: c.name.node.clone(),
                otherwise,
                src: self.sources.named(c.name.span.file),
                span: c.name.span.into(),
            });
            self.out.blocks[block].damaged = true;
            return;
        }
        self.out.blocks[block].clauses.insert(pos, c);
    }
}
