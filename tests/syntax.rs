//! Operator precedence, pinned by printing expressions fully parenthesised.

use xeploai::source::SourceMap;
use xeploai::syntax::{ast::parenthesised, parse_expr};

fn p(text: &str) -> String {
    let mut sources = SourceMap::default();
    let id = sources.add(std::path::Path::new("expr"), "expr".into(), text.into());
    match parse_expr(&sources, id) {
        Ok(e) => parenthesised(&e),
        Err(e) => format!("error: {e}"),
    }
}

#[test]
fn precedence() {
    assert_eq!(p("a or b and c"), "(a or (b and c))");
    assert_eq!(p("a and b or c"), "((a and b) or c)");
    assert_eq!(p("not a == b"), "(not (a == b))");
    assert_eq!(p("not a and b"), "((not a) and b)");
    assert_eq!(
        p("a + b * c >= d - e / f"),
        "((a + (b * c)) >= (d - (e / f)))"
    );
    assert_eq!(p("-a * b"), "((-a) * b)");
    assert_eq!(p("kind in [x, y] and z"), "((kind in [x, y]) and z)");
}

#[test]
fn left_associative() {
    assert_eq!(p("a - b - c"), "((a - b) - c)");
    assert_eq!(p("a / b / c"), "((a / b) / c)");
    assert_eq!(p("a or b or c"), "((a or b) or c)");
}

#[test]
fn literals() {
    assert_eq!(p("80%"), "80/100%");
    assert_eq!(p("12.5%"), "125/1000%");
    assert_eq!(p("2.5"), "25/10");
    assert_eq!(p("2021-12-31"), "2021-12-31");
    assert_eq!(p("2021 - 12 - 31"), "((2021 - 12) - 31)");
    assert_eq!(
        p("share(graded members, grade >= HTTNV)"),
        "share(graded members, (grade >= HTTNV))"
    );
    assert_eq!(p("organisation.kind"), "organisation.kind");
    assert_eq!(p("\"Tốt\""), "\"Tốt\"");
}

#[test]
fn keywords_end_at_word_boundaries() {
    assert_eq!(p("order or notable"), "(order or notable)");
    assert_eq!(p("android and inside"), "(android and inside)");
    assert!(p("a or").starts_with("error"));
}
