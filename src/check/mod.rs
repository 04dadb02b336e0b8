//! Stage 2, check: AST → [`Program`].
//!
//! Loads the `extends` chain, merges it, resolves every name to a slot,
//! checks types, the clause order, the evaluation order (no rule may read a
//! grade not decided yet) and the quotas. All problems of the files are
//! reported together as miette diagnostics; warnings do not block.

mod blocks;
mod call;
mod compile;
mod error;
mod examples;
mod expr;
mod load;
mod merge;
mod suggest;

use std::collections::HashMap;
use std::path::Path;

use miette::Report;

pub use crate::source::normalise;
pub use error::CheckError;
pub use suggest::{did_you_mean, distance, help_for};

use crate::program::*;
use crate::source::{SourceMap, Span};
use crate::syntax::ast::SubjectKind;

/// A program that passed the checker, with any warnings.
#[derive(Debug)]
pub struct Checked {
    pub program: Program,
    pub warnings: Vec<Report>,
}

/// A rules file the checker refused: every problem found (errors and
/// warnings), and the sources they point into.
#[derive(Debug)]
pub struct Rejected {
    pub problems: Vec<Report>,
    pub sources: SourceMap,
}

impl Rejected {
    pub fn errors(&self) -> usize {
        self.problems.iter().filter(|p| !is_warning(p)).count()
    }
}

pub fn is_warning(r: &Report) -> bool {
    matches!(
        r.severity(),
        Some(miette::Severity::Warning) | Some(miette::Severity::Advice)
    )
}

/// Loads, merges and checks a rules file and what it extends.
pub fn check_file(path: &Path) -> Result<Checked, Rejected> {
    let mut sources = SourceMap::default();
    let mut problems = Vec::new();
    match load::load_chain(path, None, &mut sources, &mut problems) {
        Some(chain) => finish(chain, sources, problems),
        None => Err(Rejected { problems, sources }),
    }
}

/// Checks `base` with layers of changes on top, each as an overlay of
/// the one before (what the REPL builds). Files found in `loaded` (the
/// texts a session read when it loaded `base`) are not read again.
pub fn check_layers(
    base: &Path,
    loaded: Option<&SourceMap>,
    layers: &[(String, String)],
) -> Result<Checked, Rejected> {
    let mut sources = SourceMap::default();
    let mut problems = Vec::new();
    match load::load_layers(base, loaded, layers, &mut sources, &mut problems) {
        Some(chain) => finish(chain, sources, problems),
        None => Err(Rejected { problems, sources }),
    }
}

/// Checks rules given as text; `extends` paths are relative to `dir`.
pub fn check_text(name: &str, dir: &Path, text: &str) -> Result<Checked, Rejected> {
    let mut sources = SourceMap::default();
    let mut problems = Vec::new();
    match load::load_text(name, dir, text, &mut sources, &mut problems) {
        Some(chain) => finish(chain, sources, problems),
        None => Err(Rejected { problems, sources }),
    }
}

fn finish(
    chain: load::Chain,
    sources: SourceMap,
    mut problems: Vec<Report>,
) -> Result<Checked, Rejected> {
    let merged = merge::merge(chain, &sources, &mut problems);
    let program = {
        let mut c = Compiler::new(&sources, &mut problems);
        c.program(merged)
    };
    let has_errors = problems.iter().any(|p| !is_warning(p));
    match program {
        Some(mut program) if !has_errors => {
            program.sources = sources;
            Ok(Checked {
                program,
                warnings: problems,
            })
        }
        _ => Err(Rejected { problems, sources }),
    }
}

/// Compiler state while one merged program is checked.
pub(crate) struct Compiler<'a> {
    sources: &'a SourceMap,
    problems: &'a mut Vec<Report>,
    grade_index: HashMap<String, u8>,
    enums: Vec<EnumInfo>,
    /// Enumeration value name → (enum, index) for every enum that has it.
    variants: HashMap<String, Vec<(u16, u16)>>,
    member: SchemaInfo,
    organisation: SchemaInfo,
    params: Vec<ParamInfo>,
    review_date: i32,
    memo_slots: usize,
    /// The grading block or rule being compiled, for messages.
    current: String,
    /// (block, kind of children whose grades it reads)
    reads_child_grades: Vec<(String, SubjectKind)>,
    /// (reader, text read, span): `organisation.grade` and the like.
    grade_reads_up: Vec<(String, String, Span)>,
    /// (reader, span): an entity's rules reading its own grade.
    grade_reads_own: Vec<(String, Span)>,
    /// Queries (REPL expressions) may read `grade` over all children: the
    /// not graded simply have none.
    lenient: bool,
    /// Clauses that failed to compile (their problems are reported).
    broken: Vec<String>,
}

/// An expression compiled against a checked program, to evaluate over a
/// dataset (the REPL's queries).
#[derive(Debug, Clone)]
pub struct Query {
    pub expr: CExpr,
    pub ty: Ty,
    /// Memo slots the evaluation needs (the program's and the query's).
    pub memo_slots: usize,
    /// The program's sources and the query's text, which spans point into.
    pub sources: SourceMap,
}

/// Compiles `text` as an expression over an organisation (or, with the
/// evaluator's whole-dataset scope, over everything).
pub fn compile_query(program: &Program, name: &str, text: &str) -> Result<Query, Rejected> {
    let mut sources = program.sources.clone();
    let id = sources.add(Path::new(name), name.to_string(), crate::source::nfc(text));
    let parsed = match crate::syntax::parse_expr(&sources, id) {
        Ok(e) => e,
        Err(e) => {
            return Err(Rejected {
                problems: vec![Report::new(*e)],
                sources,
            })
        }
    };
    let mut problems = Vec::new();
    let compiled = {
        let mut c = Compiler::new(&sources, &mut problems);
        c.adopt(program);
        c.lenient = true;
        let scope = expr::Scope {
            kind: Some(SubjectKind::Organisation),
            grade: expr::GradeAccess::Allowed,
            nested: false,
        };
        c.expr(&parsed, &scope, None)
            .map(|(e, ty)| (e, ty, c.memo_slots))
    };
    match compiled {
        Some((expr, ty, memo_slots)) if problems.is_empty() => Ok(Query {
            expr,
            ty,
            memo_slots,
            sources,
        }),
        _ => Err(Rejected { problems, sources }),
    }
}
