//! Problems the checker finds. All problems of a file are reported
//! together; warnings do not stop grading.

use std::sync::Arc;

use miette::{Diagnostic, NamedSource, SourceSpan};
use thiserror::Error;

type Src = NamedSource<Arc<str>>;

#[derive(Debug, Error, Diagnostic)]
pub enum CheckError {
    /// The file named by `extends` cannot be read.
    #[error("cannot read the extended file {path}: {reason}")]
    #[diagnostic(
        code(xeploai::check::extends_not_found),
        help("the path is relative to the folder of the file that extends it")
    )]
    ExtendsNotFound {
        path: String,
        reason: String,
        #[source_code]
        src: Src,
        #[label("extended here")]
        span: SourceSpan,
    },

    /// Files that extend each other in a circle.
    #[error("files extend each other in a circle: {chain}")]
    #[diagnostic(
        code(xeploai::check::extends_cycle),
        help("an overlay extends the file below it; the base file must not extend the overlay")
    )]
    ExtendsCycle {
        chain: String,
        #[source_code]
        src: Src,
        #[label("closes the circle")]
        span: SourceSpan,
    },

    /// A declaration only a base file may make, or a second `extends`.
    #[error("{what}")]
    #[diagnostic(code(xeploai::check::misplaced), help("{help}"))]
    Misplaced {
        what: String,
        help: String,
        #[source_code]
        src: Src,
        #[label("here")]
        span: SourceSpan,
    },

    /// A file with neither a `ruleset` header nor `extends`.
    #[error("the rules file has no `ruleset` header")]
    #[diagnostic(
        code(xeploai::check::no_header),
        help(
            "add `ruleset \"name\" {{ year 2021 review_date 2021-12-31 source \"…\" }}` at the top"
        )
    )]
    NoHeader {
        #[source_code]
        src: Src,
        #[label("the file starts here")]
        span: SourceSpan,
    },

    /// The header lacks the year or the review date.
    #[error("the `ruleset` header has no {missing}")]
    #[diagnostic(
        code(xeploai::check::incomplete_header),
        help("write `{missing} …` inside the braces; the review date anchors every `months(…)`")
    )]
    IncompleteHeader {
        missing: &'static str,
        #[source_code]
        src: Src,
        #[label("this header")]
        span: SourceSpan,
    },

    /// Two declarations of one name.
    #[error("{what} `{name}` is declared twice")]
    #[diagnostic(code(xeploai::check::duplicate), help("{help}"))]
    Duplicate {
        what: &'static str,
        name: String,
        help: String,
        #[source_code]
        src: Src,
        #[label("second declaration")]
        span: SourceSpan,
    },

    /// A name that refers to nothing in scope.
    #[error("unknown {what} `{name}`")]
    #[diagnostic(code(xeploai::check::unknown_name), help("{help}"))]
    UnknownName {
        what: &'static str,
        name: String,
        help: String,
        #[source_code]
        src: Src,
        #[label("not declared")]
        span: SourceSpan,
    },

    /// A grade that the `grades` block does not declare.
    #[error("unknown grade `{name}`")]
    #[diagnostic(code(xeploai::check::unknown_grade), help("{help}"))]
    UnknownGrade {
        name: String,
        help: String,
        #[source_code]
        src: Src,
        #[label("not in the `grades` block")]
        span: SourceSpan,
    },

    /// A value of the wrong type.
    #[error("expected {expected}, found {found}")]
    #[diagnostic(code(xeploai::check::type_mismatch), help("{help}"))]
    TypeMismatch {
        expected: String,
        found: String,
        help: String,
        #[source_code]
        src: Src,
        #[label("this is {found}")]
        span: SourceSpan,
    },

    /// A grading block in which no clause may match.
    #[error("grading block `{block}` has no `otherwise` clause")]
    #[diagnostic(
        code(xeploai::check::no_otherwise),
        help("add a last clause such as `below_pass: otherwise {lowest}`, or `no_grade: otherwise refer \"…\"` where the text leaves the case to the competent level, so every {subject} gets a grade or a reason")
    )]
    NoOtherwise {
        block: String,
        lowest: String,
        subject: &'static str,
        #[source_code]
        src: Src,
        #[label("some {subject}s would match no clause")]
        span: SourceSpan,
    },

    /// A clause that comes after one that always decides.
    #[error("clause `{name}` can never fire")]
    #[diagnostic(
        code(xeploai::check::unreachable),
        severity(Warning),
        help("`{by}` above it always decides first; move this clause up or remove it")
    )]
    Unreachable {
        name: String,
        by: String,
        #[source_code]
        src: Src,
        #[label("never reached")]
        span: SourceSpan,
    },

    /// A deciding clause written after the block's `otherwise`.
    #[error("clause `{name}` comes after `{otherwise}`, which decides for everyone left")]
    #[diagnostic(
        code(xeploai::check::after_otherwise),
        help("clauses are tried in the order written and `otherwise` always decides: move `{name}` above `{otherwise}` (caps, `at most …`, may follow it)")
    )]
    AfterOtherwise {
        name: String,
        otherwise: String,
        #[source_code]
        src: Src,
        #[label("never reached")]
        span: SourceSpan,
    },

    /// A value outside the range its field or parameter allows.
    #[error("{what} is {value}; it must be {range}")]
    #[diagnostic(
        code(xeploai::check::out_of_range),
        help("write a value within the range, or declare another range with `in LOW..HIGH` where the field or parameter is declared")
    )]
    OutOfRange {
        what: String,
        value: String,
        range: String,
        #[source_code]
        src: Src,
        #[label("out of range")]
        span: SourceSpan,
    },

    /// A clause whose condition can never hold.
    #[error("clause `{name}` can never fire: its condition is always false")]
    #[diagnostic(
        code(xeploai::check::never_fires),
        severity(Warning),
        help("remove the clause, or write the condition it should test")
    )]
    NeverFires {
        name: String,
        #[source_code]
        src: Src,
        #[label("always false")]
        span: SourceSpan,
    },

    /// A rule that reads a grade not decided when it runs.
    #[error("`{reading}` reads a grade that is not decided yet: {cycle}")]
    #[diagnostic(
        code(xeploai::check::grade_cycle),
        help("grading runs bottom-up (members, then cells, then the organisations above them); a rule may read the grades of what is below it, never of itself or what is above it")
    )]
    GradeCycle {
        reading: String,
        cycle: String,
        #[source_code]
        src: Src,
        #[label("read here")]
        span: SourceSpan,
    },

    /// A built-in field the engine needs is missing from a schema.
    #[error("the {kind} schema has no `{field}` field")]
    #[diagnostic(
        code(xeploai::check::missing_field),
        help("declare `{field}: {ty}`; the engine needs it to {why}")
    )]
    MissingField {
        kind: &'static str,
        field: &'static str,
        ty: &'static str,
        why: &'static str,
        #[source_code]
        src: Src,
        #[label("in this schema")]
        span: SourceSpan,
    },

    /// Something that must be a literal is computed.
    #[error("{what} must be a literal value")]
    #[diagnostic(code(xeploai::check::not_constant), help("write a literal: `20%`, `6`, `true`, `2021-12-31`, `floor`, `[HTTNV]` or an enumeration value"))]
    NotConstant {
        what: &'static str,
        #[source_code]
        src: Src,
        #[label("computed")]
        span: SourceSpan,
    },

    /// A function called wrongly, or an aggregate in the wrong place.
    #[error("{problem}")]
    #[diagnostic(code(xeploai::check::bad_call), help("{help}"))]
    BadCall {
        problem: String,
        help: String,
        #[source_code]
        src: Src,
        #[label("here")]
        span: SourceSpan,
    },

    /// An overlay redeclares an item without saying `replace`.
    #[error("{what} `{name}` is already declared in {base}")]
    #[diagnostic(
        code(xeploai::check::needs_replace),
        help("write `replace` before it to change the inherited one, or choose a new name")
    )]
    NeedsReplace {
        what: &'static str,
        name: String,
        base: String,
        #[source_code]
        src: Src,
        #[label("redeclared here")]
        span: SourceSpan,
    },

    /// An inherited test that expects a clause an overlay removed.
    #[error("test `{test}` is left out: clause `{clause}` was removed")]
    #[diagnostic(
        code(xeploai::check::stale_test),
        severity(Warning),
        help("replace the test in the overlay if the case still matters, or remove it")
    )]
    StaleTest {
        test: String,
        clause: String,
        #[source_code]
        src: Src,
        #[label("no longer declared")]
        span: SourceSpan,
    },

    /// An enforced quota on a grade that cannot be lowered.
    #[error("quota `{name}` cannot enforce on {grade}, the lowest grade")]
    #[diagnostic(
        code(xeploai::check::bad_quota),
        help(
            "enforcing lowers the entities over the cap one grade; use `check` or a higher grade"
        )
    )]
    BadQuota {
        name: String,
        grade: String,
        #[source_code]
        src: Src,
        #[label("here")]
        span: SourceSpan,
    },
}

impl CheckError {
    pub fn is_warning(&self) -> bool {
        matches!(
            self,
            CheckError::Unreachable { .. }
                | CheckError::StaleTest { .. }
                | CheckError::NeverFires { .. }
        )
    }
}
