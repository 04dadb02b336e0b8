//! Expressions printed with the fewest brackets that keep their meaning,
//! and long conditions broken at `and` / `or`.

use crate::syntax::ast::*;

/// Binding strength, loosest first, as the Pratt table in syntax has it.
fn level(e: &Expr) -> u8 {
    match &e.node {
        ExprKind::Binary(op, _, _) => match op {
            BinOp::Or => 1,
            BinOp::And => 2,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::In => 4,
            BinOp::Add | BinOp::Sub => 5,
            BinOp::Mul | BinOp::Div => 6,
        },
        ExprKind::Unary(UnaryOp::Not, _) => 3,
        ExprKind::Unary(UnaryOp::Neg, _) => 7,
        // `if` runs to the end of what follows `else`: bracket it inside.
        ExprKind::If(..) => 0,
        _ => 8,
    }
}

fn number(num: i128, den: i128, percent: bool) -> String {
    // Literals keep their decimals: den is a power of ten (×100 for %).
    let scale = if percent { den / 100 } else { den }.max(1);
    let places = scale.to_string().len() - 1;
    let sign = if num < 0 { "-" } else { "" };
    let a = num.abs();
    let digits = if places == 0 {
        a.to_string()
    } else {
        format!("{}.{:0places$}", a / scale, a % scale)
    };
    format!("{sign}{digits}{}", if percent { "%" } else { "" })
}

fn child(e: &Expr, min: u8) -> String {
    let t = expr_text(e);
    if level(e) < min {
        format!("({t})")
    } else {
        t
    }
}

/// An expression on one line.
pub fn expr_text(e: &Expr) -> String {
    match &e.node {
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::None => "none".into(),
        ExprKind::Int(i) => i.to_string(),
        ExprKind::Number { num, den, percent } => number(*num, *den, *percent),
        ExprKind::Date(d) => d.clone(),
        ExprKind::Text(t) => super::quoted(t),
        ExprKind::Path(p) => p
            .iter()
            .map(|i| i.node.as_str())
            .collect::<Vec<_>>()
            .join("."),
        ExprKind::Graded(c) => format!("graded {}", c.node),
        ExprKind::List(items) => format!(
            "[{}]",
            items.iter().map(expr_text).collect::<Vec<_>>().join(", ")
        ),
        ExprKind::Call(f, args) => format!(
            "{}({})",
            f.node,
            args.iter().map(expr_text).collect::<Vec<_>>().join(", ")
        ),
        ExprKind::If(c, a, b) => format!(
            "if {} then {} else {}",
            expr_text(c),
            child(a, 1),
            child(b, 1)
        ),
        ExprKind::Unary(UnaryOp::Not, x) => format!("not {}", child(x, 3)),
        ExprKind::Unary(UnaryOp::Neg, x) => format!("-{}", child(x, 7)),
        ExprKind::Binary(op, a, b) => {
            let l = level(e);
            // Left-associative: the right side binds one step tighter.
            format!("{} {} {}", child(a, l), op.symbol(), child(b, l + 1))
        }
    }
}

/// As an operand of a quota's `at most … of`: `if` in brackets.
pub fn operand_text(e: &Expr) -> String {
    child(e, 1)
}

/// Operands of a left-leaning chain of one operator: `a and b and c`.
fn chain<'a>(e: &'a Expr, op: BinOp, out: &mut Vec<&'a Expr>) {
    match &e.node {
        ExprKind::Binary(o, a, b) if *o == op => {
            chain(a, op, out);
            out.push(b);
        }
        _ => out.push(e),
    }
}

/// `lhs` + condition; when longer than `width`, the top-level `and` / `or`
/// chain is broken, one operand per line after `indent`, and a bracketed
/// chain that is still too long is broken inside its brackets.
pub fn broken(indent: &str, lhs: &str, cond: &Expr, width: usize) -> String {
    let flat = format!("{lhs}{}", expr_text(cond));
    let op = match &cond.node {
        ExprKind::Binary(op @ (BinOp::And | BinOp::Or), _, _) if flat.chars().count() > width => {
            *op
        }
        _ => return flat,
    };
    let mut parts = Vec::new();
    chain(cond, op, &mut parts);
    let min = if op == BinOp::Or { 2 } else { 3 };
    let operand = |lead: &str, part: &Expr| -> String {
        let text = child(part, min);
        let bracketed = level(part) < min;
        let nested = matches!(&part.node, ExprKind::Binary(BinOp::And | BinOp::Or, _, _));
        if bracketed && nested && lead.chars().count() + text.chars().count() > width {
            // `(` then the inner chain, its lines aligned under the first operand.
            let inner_indent = " ".repeat(lead.chars().count() + 1);
            format!(
                "({})",
                broken(&inner_indent, "", part, width.saturating_sub(1))
            )
        } else {
            text
        }
    };
    let mut out = format!("{lhs}{}", operand(lhs, parts[0]));
    for part in &parts[1..] {
        let lead = format!("{indent}{} ", op.symbol());
        out.push_str(&format!("\n{lead}{}", operand(&lead, part)));
    }
    out
}
