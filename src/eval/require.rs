//! `require` conditions of the schemas, checked on every record before
//! anyone is graded: a record that breaks one is a data error, reported
//! with its file, row and the values read, never a quiet grade.

use super::expr::{At, Env, Grades, Memo, NoTrace, Readings};
use super::{checked, describe_entity, EvalError};
use crate::data::Dataset;
use crate::program::Program;
use crate::render::{more_line, MAX_SHOWN};
use crate::syntax::ast::SubjectKind;
use crate::value::Value;

/// The records that break one requirement.
#[derive(Debug, Clone, thiserror::Error, miette::Diagnostic)]
#[error("{count} record(s) do not meet the requirement \"{message}\"")]
#[diagnostic(
    code(xeploai::eval::requirement),
    help("correct these rows of the data (no one was graded):\n{rows}")
)]
pub struct RequirementError {
    pub message: String,
    pub count: usize,
    /// One line per record (at most [`MAX_SHOWN`]), then a count of the rest.
    pub rows: String,
    #[source_code]
    pub src: miette::NamedSource<std::sync::Arc<str>>,
    #[label("the requirement")]
    pub span: miette::SourceSpan,
}

/// Checks every requirement on every record; the first requirement that
/// some record breaks is reported with all the records that break it.
pub fn check(program: &Program, data: &Dataset, params: &[Value]) -> Result<(), EvalError> {
    let grades = Grades {
        members: Vec::new(),
        organisations: Vec::new(),
    };
    let env = Env::new(program, data, params, &grades);
    let mut memo: Memo = vec![None; program.memo_slots];
    for kind in [SubjectKind::Organisation, SubjectKind::Member] {
        for r in &program.schema(kind).requirements {
            let mut failing = Vec::new();
            for i in 0..data.len(kind) as u32 {
                let at = At {
                    kind,
                    index: i,
                    top: true,
                };
                memo.iter_mut().for_each(|m| *m = None);
                let holds = env.eval(&r.condition, at, &mut memo, &mut NoTrace);
                checked(&env, kind, i)?;
                if holds == Value::Bool(false) {
                    failing.push(i);
                }
            }
            if !failing.is_empty() {
                return Err(broken(&env, r, kind, &failing, &mut memo));
            }
        }
    }
    Ok(())
}

/// The message of the first requirement that one record breaks, if any.
pub(super) fn broken_by(
    env: &Env,
    kind: SubjectKind,
    index: u32,
    memo: &mut Memo,
) -> Result<Option<String>, EvalError> {
    for r in &env.program.schema(kind).requirements {
        let at = At {
            kind,
            index,
            top: true,
        };
        memo.iter_mut().for_each(|m| *m = None);
        let holds = env.eval(&r.condition, at, memo, &mut NoTrace);
        checked(env, kind, index)?;
        if holds == Value::Bool(false) {
            return Ok(Some(r.message.clone()));
        }
    }
    Ok(None)
}

fn broken(
    env: &Env,
    r: &crate::program::Requirement,
    kind: SubjectKind,
    failing: &[u32],
    memo: &mut Memo,
) -> EvalError {
    let text = env.program.sources.slice(r.span).to_string();
    let mut rows = String::new();
    for &i in failing.iter().take(MAX_SHOWN) {
        let mut readings = Readings::default();
        memo.iter_mut().for_each(|m| *m = None);
        let at = At {
            kind,
            index: i,
            top: true,
        };
        env.eval(&r.condition, at, memo, &mut readings);
        let _ = env.take_fault();
        // The values the condition names itself, not those read through
        // a `let` it names (the `let`'s own value is shown).
        let values: Vec<String> = readings
            .0
            .iter()
            .filter(|(name, _)| names_word(&text, name))
            .map(|(name, shown)| format!("{name} = {shown}"))
            .collect();
        rows.push_str(&format!(
            "  {}: {}\n",
            describe_entity(env, kind, i),
            values.join(", ")
        ));
    }
    rows.push_str(&more_line(failing.len()));
    let sources = &env.program.sources;
    EvalError::Requirement(Box::new(RequirementError {
        message: r.message.clone(),
        count: failing.len(),
        rows: rows.trim_end().to_string(),
        src: sources.named(r.span.file),
        span: r.span.into(),
    }))
}

/// Whether `text` has `name` as a whole word.
fn names_word(text: &str, name: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        !before.is_some_and(word) && !after.is_some_and(word)
    })
}
