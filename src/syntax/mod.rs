//! Stage 1, syntax: rules text → [`ast::File`] with spans.
//!
//! The text is decoded (UTF-8, NFC), pre-scanned for runaway nesting, parsed
//! by the pest grammar in `grammar/rules.pest`, and folded into the AST
//! (operator precedence by a Pratt parser). Every failure is a
//! [`SyntaxError`] with a span and a help line.

pub mod ast;
mod build;
mod depth;
mod error;
mod expr;

use std::num::NonZeroUsize;
use std::sync::Once;

use miette::SourceSpan;
use pest::Parser;

pub use build::{MAX_EXPR_DEPTH, MAX_OPERATORS};
pub use depth::MAX_NESTING;
pub use error::{rule_name, SyntaxError};

use crate::source::{nfc, FileId, SourceMap};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/rules.pest"]
pub struct RulesParser;

/// Decodes a rules file: UTF-8 (an optional BOM is dropped), line ends
/// made `\n` (a file saved on Windows ends lines with `\r\n`, an old Mac
/// one with `\r`; all read alike), NFC-normalised.
pub fn decode(name: &str, bytes: &[u8]) -> Result<String, Box<SyntaxError>> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(Box::new(SyntaxError::Utf16 {
            name: name.to_string(),
        }));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(nfc(&crate::source::unix_line_ends(text))),
        Err(e) => {
            let offset = e.valid_up_to();
            // The lossy text keeps the valid prefix byte for byte, so the
            // offset points at the replacement character.
            let lossy = String::from_utf8_lossy(bytes).into_owned();
            Err(Box::new(SyntaxError::NotUtf8 {
                offset,
                src: miette::NamedSource::new(name, lossy.into()),
                span: SourceSpan::new(offset.into(), 1),
            }))
        }
    }
}

/// Parses one file of the map into its syntax tree.
pub fn parse(sources: &SourceMap, file: FileId) -> Result<ast::File, Box<SyntaxError>> {
    limit_calls();

    let text = sources.get(file).text.clone();
    let named = || sources.named(file);
    if text.trim().is_empty() || only_comments(&text) {
        return Err(Box::new(SyntaxError::Empty {
            src: named(),
            span: SourceSpan::new(0.into(), 0),
        }));
    }
    if let Some(at) = depth::too_deep_at(&text) {
        return Err(Box::new(SyntaxError::TooDeep {
            limit: MAX_NESTING,
            src: named(),
            span: SourceSpan::new(at.into(), 1),
        }));
    }
    invisible_check(&text, named)?;
    let pairs = RulesParser::parse(Rule::file, &text)
        .map_err(|e| Box::new(translate(e, &text, named())))?;
    build::file(pairs, file, &named)
}

/// Refuses the first character that would be invisible or act on a
/// terminal (a NUL, an escape, a bidirectional override), wherever it
/// stands: in a comment it could hide what the rule really says.
fn invisible_check(
    text: &str,
    named: impl Fn() -> miette::NamedSource<std::sync::Arc<str>>,
) -> Result<(), Box<SyntaxError>> {
    // A byte order mark is harmless (the grammar reads it as a blank).
    let found = crate::render::first_invisible(text)
        .and_then(|c| text.char_indices().find(|&(_, d)| d == c));
    match found {
        Some((at, c)) => Err(Box::new(SyntaxError::Invisible {
            what: crate::render::name_of_invisible(c).unwrap_or_default(),
            src: named(),
            span: SourceSpan::new(at.into(), c.len_utf8()),
        })),
        None => Ok(()),
    }
}

fn only_comments(text: &str) -> bool {
    text.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with("//")
    })
}

/// Bounds pest's work on pathological input (set once per process).
fn limit_calls() {
    static CALL_LIMIT: Once = Once::new();
    CALL_LIMIT.call_once(|| pest::set_call_limit(NonZeroUsize::new(20_000_000)));
}

/// What a piece of typed input can be read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputForm {
    /// Declarations, as in a rules file.
    Rules,
    /// One clause (`name: GRADE when …`), to go into its grading block.
    Clause,
    /// An expression (a query).
    Expr,
}

/// How typed input reads, by the grammar itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// The whole text reads as this form.
    Complete(InputForm),
    /// Some reading stops only at the end of the text: more lines may
    /// finish it (an open block, a trailing `and`, a quota without its mode).
    Unfinished,
    /// No reading gets through; this one got furthest, so its error is
    /// the one to show.
    Invalid(InputForm),
}

/// Reads typed input as rules, a clause or an expression.
pub fn read_input(text: &str) -> Reading {
    limit_calls();
    if depth::too_deep_at(text).is_some() {
        return Reading::Invalid(InputForm::Rules);
    }
    let end = text.trim_end().len();
    let mut furthest = (0, InputForm::Rules);
    let mut unfinished = false;
    for (form, rule) in [
        (InputForm::Rules, Rule::file),
        (InputForm::Clause, Rule::lone_clause),
        (InputForm::Expr, Rule::lone_expr),
    ] {
        match RulesParser::parse(rule, text) {
            Ok(_) => return Reading::Complete(form),
            Err(e) => {
                let at = match e.location {
                    pest::error::InputLocation::Pos(p) => p,
                    pest::error::InputLocation::Span((s, _)) => s,
                };
                unfinished |= at >= end;
                if at > furthest.0 {
                    furthest = (at, form);
                }
            }
        }
    }
    if unfinished {
        Reading::Unfinished
    } else {
        Reading::Invalid(furthest.1)
    }
}

/// Parses a lone expression (a `--set` value, a REPL line).
pub fn parse_expr(sources: &SourceMap, file: FileId) -> Result<ast::Expr, Box<SyntaxError>> {
    let text = sources.get(file).text.clone();
    let named = || sources.named(file);
    if let Some(at) = depth::too_deep_at(&text) {
        return Err(Box::new(SyntaxError::TooDeep {
            limit: MAX_NESTING,
            src: named(),
            span: SourceSpan::new(at.into(), 1),
        }));
    }
    invisible_check(&text, named)?;
    let pairs = RulesParser::parse(Rule::lone_expr, &text)
        .map_err(|e| Box::new(translate(e, &text, named())))?;
    build::lone_expr(pairs, file, &named)
}

/// Turns a pest error into our words: what was found, what could come.
fn translate(
    err: pest::error::Error<Rule>,
    text: &str,
    src: miette::NamedSource<std::sync::Arc<str>>,
) -> SyntaxError {
    use pest::error::{ErrorVariant, InputLocation};
    let pos = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let (positives, message) = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => (positives.clone(), None),
        ErrorVariant::CustomError { message } => (Vec::new(), Some(message.clone())),
    };
    if message.is_some_and(|m| m.contains("call limit")) {
        return SyntaxError::TooComplex {
            src,
            span: SourceSpan::new(pos.into(), 0),
        };
    }
    let found_text = token_at(text, pos);
    let invisible = found_text
        .chars()
        .next()
        .and_then(crate::render::name_of_invisible);
    let found = match (&invisible, found_text.is_empty()) {
        (Some(name), _) => name.clone(),
        (None, true) => "end of file".to_string(),
        (None, false) => format!("`{found_text}`"),
    };
    let mut names: Vec<&str> = positives.iter().map(|r| rule_name(*r)).collect();
    names.sort();
    names.dedup();
    let expected = match names.len() {
        0 => "something else".to_string(),
        1 => names[0].to_string(),
        _ => {
            let (last, rest) = names.split_last().unwrap_or((&"", &[]));
            format!("{} or {}", rest.join(", "), last)
        }
    };
    let help = match invisible {
        Some(_) => {
            "delete this invisible character; it often comes with text copied from another program"
                .into()
        }
        None => help_for(&positives, &found_text),
    };
    let len = found_text.len().max(if pos < text.len() { 1 } else { 0 });
    SyntaxError::Unexpected {
        found,
        expected,
        help,
        src,
        span: SourceSpan::new(pos.into(), len),
    }
}

fn help_for(positives: &[Rule], found: &str) -> String {
    if matches!(found, "=" | "&&" | "||" | "!") {
        return "compare with `==`, and combine conditions with `and`, `or`, `not`".into();
    }
    if positives.contains(&Rule::kw_when) {
        return "a clause reads `name: GRADE when condition`; the condition follows `when`".into();
    }
    if positives.contains(&Rule::range_value) || positives.contains(&Rule::range_low) {
        return "a range's bounds are numbers, percentages or dates (`in 0%..100%`, `in 0..`, `in ..review_date`); an enumeration or a grade already lists its values".into();
    }
    let top_level = positives.contains(&Rule::kw_ruleset) || positives.contains(&Rule::header);
    if top_level {
        return "a top-level item starts with `ruleset`, `extends`, `grades`, `enum`, `schema`, `param`, \
                `grading`, `quota`, `report`, `sample`, `test` or `remove`"
            .into();
    }
    if positives.contains(&Rule::clause)
        || positives.contains(&Rule::kw_replace) && positives.contains(&Rule::ident)
    {
        return "a clause reads `name: GRADE when condition`, `name: not graded \"reason\" when condition`, \
                `name: at most GRADE when condition` or `name: otherwise GRADE`"
            .into();
    }
    if positives
        .iter()
        .any(|r| matches!(r, Rule::expr | Rule::operand | Rule::primary))
    {
        return "a value is a name, a number (`6`, `2.5`, `80%`), a date (`2021-12-31`), a quoted text, \
                a list `[…]`, a call such as `share(graded members, grade >= HTTNV)`, or `(…)`"
            .into();
    }
    "check the spelling and the brackets just before this point".into()
}

/// The word or symbol starting at `pos`, for "unexpected `…`".
fn token_at(text: &str, pos: usize) -> String {
    let rest = text.get(pos..).unwrap_or("");
    let mut chars = rest.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    if first.is_alphanumeric() || first == '_' {
        rest.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .take(40)
            .collect()
    } else {
        first.to_string()
    }
}
