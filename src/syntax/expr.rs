//! Expressions: one flat `expr` pair folded by the Pratt table, with the
//! limits that keep the checker's and evaluator's recursion shallow.

use std::sync::OnceLock;

use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};

use super::ast::*;
use super::build::{decimal, Builder, Res, MAX_EXPR_DEPTH, MAX_OPERATORS};
use super::{Rule, SyntaxError};
use crate::source::Spanned;

/// Loosest first: `or`, `and`, `not`, comparisons and `in`, `+ -`, `* /`,
/// unary minus.
fn pratt() -> &'static PrattParser<Rule> {
    static P: OnceLock<PrattParser<Rule>> = OnceLock::new();
    P.get_or_init(|| {
        PrattParser::new()
            .op(Op::infix(Rule::op_or, Assoc::Left))
            .op(Op::infix(Rule::op_and, Assoc::Left))
            .op(Op::prefix(Rule::op_not))
            .op(Op::infix(Rule::op_eq, Assoc::Left)
                | Op::infix(Rule::op_ne, Assoc::Left)
                | Op::infix(Rule::op_lt, Assoc::Left)
                | Op::infix(Rule::op_le, Assoc::Left)
                | Op::infix(Rule::op_gt, Assoc::Left)
                | Op::infix(Rule::op_ge, Assoc::Left)
                | Op::infix(Rule::op_in, Assoc::Left))
            .op(Op::infix(Rule::op_add, Assoc::Left) | Op::infix(Rule::op_sub, Assoc::Left))
            .op(Op::infix(Rule::op_mul, Assoc::Left) | Op::infix(Rule::op_div, Assoc::Left))
            .op(Op::prefix(Rule::op_neg))
    })
}

impl Builder<'_> {
    /// Folds one flat `expr` pair with the Pratt table.
    pub(super) fn expr(&self, p: Pair<Rule>) -> Res<Expr> {
        let span = self.span(&p);
        let inner: Vec<Pair<Rule>> = p.into_inner().collect();
        let operators = inner.iter().filter(|q| is_operator(q.as_rule())).count();
        if operators > MAX_OPERATORS {
            return Err(Box::new(SyntaxError::ExpressionTooLong {
                count: operators,
                limit: MAX_OPERATORS,
                src: (self.named)(),
                span: span.into(),
            }));
        }
        let (e, depth) = pratt()
            .map_primary(|q| self.primary(q))
            .map_prefix(|op, rhs| {
                let (rhs, d) = rhs?;
                let uop = if op.as_rule() == Rule::op_not {
                    UnaryOp::Not
                } else {
                    UnaryOp::Neg
                };
                let s = self.span(&op).to(rhs.span);
                Ok((Spanned::new(ExprKind::Unary(uop, Box::new(rhs)), s), d + 1))
            })
            .map_infix(|lhs, op, rhs| {
                let (lhs, dl) = lhs?;
                let (rhs, dr) = rhs?;
                let bop = match op.as_rule() {
                    Rule::op_or => BinOp::Or,
                    Rule::op_and => BinOp::And,
                    Rule::op_eq => BinOp::Eq,
                    Rule::op_ne => BinOp::Ne,
                    Rule::op_lt => BinOp::Lt,
                    Rule::op_le => BinOp::Le,
                    Rule::op_gt => BinOp::Gt,
                    Rule::op_ge => BinOp::Ge,
                    Rule::op_in => BinOp::In,
                    Rule::op_add => BinOp::Add,
                    Rule::op_sub => BinOp::Sub,
                    Rule::op_mul => BinOp::Mul,
                    Rule::op_div => BinOp::Div,
                    r => unreachable!("pratt: infix {r:?}"),
                };
                let s = lhs.span.to(rhs.span);
                Ok((
                    Spanned::new(ExprKind::Binary(bop, Box::new(lhs), Box::new(rhs)), s),
                    dl.max(dr) + 1,
                ))
            })
            .parse(inner.into_iter())?;
        if depth > MAX_EXPR_DEPTH {
            return Err(Box::new(SyntaxError::ExpressionTooLong {
                count: depth,
                limit: MAX_EXPR_DEPTH,
                src: (self.named)(),
                span: span.into(),
            }));
        }
        Ok(e)
    }
    pub(super) fn primary(&self, p: Pair<Rule>) -> Res<(Expr, usize)> {
        let span = self.span(&p);
        let kind = match p.as_rule() {
            Rule::paren => {
                let inner = self.expr(p.into_inner().next().expect("paren expr"))?;
                let d = depth_of(&inner);
                return Ok((Spanned::new(inner.node, span), d));
            }
            Rule::list | Rule::call => {
                let is_call = p.as_rule() == Rule::call;
                let mut it = p.into_inner();
                let name = if is_call {
                    Some(self.ident(it.next().expect("callee")))
                } else {
                    None
                };
                let mut items = Vec::new();
                let mut depth = 0;
                for q in it {
                    let e = self.expr(q)?;
                    depth = depth.max(depth_of(&e));
                    items.push(e);
                }
                let kind = match name {
                    Some(n) => ExprKind::Call(n, items),
                    None => ExprKind::List(items),
                };
                return Ok((Spanned::new(kind, span), depth + 1));
            }
            Rule::if_expr => {
                let mut parts = p.into_inner().filter(|q| q.as_rule() == Rule::expr);
                let mut next = || -> Res<Expr> {
                    let q = parts.next().expect("grammar: if parts");
                    self.expr(q)
                };
                let (c, a, b) = (next()?, next()?, next()?);
                let depth = depth_of(&c).max(depth_of(&a)).max(depth_of(&b)) + 1;
                return Ok((
                    Spanned::new(ExprKind::If(Box::new(c), Box::new(a), Box::new(b)), span),
                    depth,
                ));
            }
            Rule::graded_coll => {
                ExprKind::Graded(self.ident(p.into_inner().nth(1).expect("collection")))
            }
            Rule::path => ExprKind::Path(p.into_inner().map(|i| self.ident(i)).collect()),
            Rule::date => ExprKind::Date(self.date(p)?.node),
            Rule::percent | Rule::number => {
                let percent = p.as_rule() == Rule::percent;
                let text = p.as_str().trim_end_matches('%');
                let (num, den) = decimal(text).ok_or_else(|| {
                    self.bad(
                        span,
                        format!("the number {text} is too large or too precise"),
                        "use at most 18 digits",
                    )
                })?;
                ExprKind::Number {
                    num,
                    den: if percent { den * 100 } else { den },
                    percent,
                }
            }
            Rule::integer => ExprKind::Int(self.integer(p)?.node),
            Rule::string => ExprKind::Text(self.string(p).node),
            Rule::bool_true => ExprKind::Bool(true),
            Rule::bool_false => ExprKind::Bool(false),
            Rule::none_lit => ExprKind::None,
            r => unreachable!("grammar: primary {r:?}"),
        };
        Ok((Spanned::new(kind, span), 1))
    }
}

fn is_operator(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::op_or
            | Rule::op_and
            | Rule::op_not
            | Rule::op_in
            | Rule::op_le
            | Rule::op_ge
            | Rule::op_eq
            | Rule::op_ne
            | Rule::op_lt
            | Rule::op_gt
            | Rule::op_add
            | Rule::op_sub
            | Rule::op_mul
            | Rule::op_div
            | Rule::op_neg
    )
}

/// Depth of an already built (and so already bounded) expression.
fn depth_of(e: &Expr) -> usize {
    match &e.node {
        ExprKind::Unary(_, x) => depth_of(x) + 1,
        ExprKind::Binary(_, a, b) => depth_of(a).max(depth_of(b)) + 1,
        ExprKind::If(c, a, b) => depth_of(c).max(depth_of(a)).max(depth_of(b)) + 1,
        ExprKind::List(items) | ExprKind::Call(_, items) => {
            items.iter().map(depth_of).max().unwrap_or(0) + 1
        }
        _ => 1,
    }
}
