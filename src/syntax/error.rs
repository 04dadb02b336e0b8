//! Syntax errors, in our own words. pest's messages are never shown raw:
//! every grammar rule has a human name below (an exhaustive match, so a new
//! rule cannot be forgotten).

use std::sync::Arc;

use miette::{Diagnostic, NamedSource, SourceSpan};
use thiserror::Error;

use super::Rule;

#[derive(Debug, Error, Diagnostic)]
pub enum SyntaxError {
    /// The file is not valid UTF-8.
    #[error("the rules file is not valid UTF-8 (byte {offset})")]
    #[diagnostic(
        code(xeploai::syntax::not_utf8),
        help("save the file as UTF-8; Vietnamese text in other encodings (TCVN3, VNI, Windows-1258) must be converted first")
    )]
    NotUtf8 {
        offset: usize,
        #[source_code]
        src: NamedSource<Arc<str>>,
        #[label("not UTF-8 here")]
        span: SourceSpan,
    },

    /// An invisible or terminal-controlling character (NUL, escape,
    /// bidirectional override) anywhere in the text.
    #[error("the rules file holds {what}")]
    #[diagnostic(
        code(xeploai::syntax::invisible_character),
        help("delete it: it cannot be seen in an editor, and in a rule or a comment it can hide what the text really says; it often comes with text copied from another program")
    )]
    Invisible {
        what: String,
        #[source_code]
        src: NamedSource<Arc<str>>,
        #[label("here")]
        span: SourceSpan,
    },

    /// The file is UTF-16 (it starts with a UTF-16 byte order mark).
    #[error("{name} is saved as UTF-16, not UTF-8")]
    #[diagnostic(
        code(xeploai::syntax::utf16),
        help("save the file again as UTF-8 (in Notepad: Save As, Encoding: UTF-8)")
    )]
    Utf16 { name: String },

    /// The file holds nothing but blanks and comments.
    #[error("the rules file is empty")]
    #[diagnostic(
        code(xeploai::syntax::empty),
        help("start with a header such as `ruleset \"2021\" {{ year 2021 review_date 2021-12-31 }}`, or with `extends \"other.rules\"`")
    )]
    Empty {
        #[source_code]
        src: NamedSource<Arc<str>>,
        #[label("nothing here")]
        span: SourceSpan,
    },

    /// Brackets nest deeper than the limit.
    #[error("brackets nest more than {limit} deep")]
    #[diagnostic(
        code(xeploai::syntax::too_deep),
        help("split the condition into named `let` values; no real rule needs this much nesting")
    )]
    TooDeep {
        limit: usize,
        #[source_code]
        src: NamedSource<Arc<str>>,
        #[label("this bracket opens level {}", limit + 1)]
        span: SourceSpan,
    },

    /// An expression with too many operators or prefix operators in a row.
    #[error("this expression is too long ({count} operators; at most {limit})")]
    #[diagnostic(
        code(xeploai::syntax::expression_too_long),
        help("split it into named `let` values or several clauses")
    )]
    ExpressionTooLong {
        count: usize,
        limit: usize,
        #[source_code]
        src: NamedSource<Arc<str>>,
        #[label("this expression")]
        span: SourceSpan,
    },

    /// The text does not fit the grammar at this point.
    #[error("unexpected {found}; expected {expected}")]
    #[diagnostic(code(xeploai::syntax::unexpected), help("{help}"))]
    Unexpected {
        found: String,
        expected: String,
        help: String,
        #[source_code]
        src: NamedSource<Arc<str>>,
        #[label("unexpected {found}")]
        span: SourceSpan,
    },

    /// A literal that fits the grammar but not its meaning (a 30 February,
    /// a number too large).
    #[error("{reason}")]
    #[diagnostic(code(xeploai::syntax::bad_literal), help("{help}"))]
    BadLiteral {
        reason: String,
        help: String,
        #[source_code]
        src: NamedSource<Arc<str>>,
        #[label("here")]
        span: SourceSpan,
    },

    /// The parser gave up on a pathological input.
    #[error("the rules file is too complex to parse")]
    #[diagnostic(
        code(xeploai::syntax::too_complex),
        help("the parser stopped after too many steps; look for a runaway repetition near here")
    )]
    TooComplex {
        #[source_code]
        src: NamedSource<Arc<str>>,
        #[label("parsing stopped here")]
        span: SourceSpan,
    },
}

/// What a grammar rule is called in a message.
pub fn rule_name(rule: Rule) -> &'static str {
    match rule {
        Rule::WHITESPACE => "white space",
        Rule::COMMENT => "a comment",
        Rule::EOI => "end of file",
        Rule::ident_char => "a letter or digit",
        Rule::kw_and => "`and`",
        Rule::kw_or => "`or`",
        Rule::kw_not => "`not`",
        Rule::kw_in => "`in`",
        Rule::kw_true => "`true`",
        Rule::kw_false => "`false`",
        Rule::kw_none => "`none`",
        Rule::kw_when => "`when`",
        Rule::kw_cite => "`cite`",
        Rule::kw_where => "`where`",
        Rule::kw_of => "`of`",
        Rule::kw_graded => "`graded`",
        Rule::kw_before => "`before`",
        Rule::kw_after => "`after`",
        Rule::kw_replace => "`replace`",
        Rule::kw_otherwise => "`otherwise`",
        Rule::kw_within => "`within`",
        Rule::kw_round => "`round`",
        Rule::kw_check => "`check`",
        Rule::kw_enforce => "`enforce`",
        Rule::kw_by => "`by`",
        Rule::kw_like => "`like`",
        Rule::kw_expect => "`expect`",
        Rule::kw_at => "`at`",
        Rule::kw_most => "`most`",
        Rule::kw_refer => "`refer`",
        Rule::kw_require => "`require`",
        Rule::kw_with | Rule::test_param => "`with PARAMETER = VALUE`",
        Rule::kw_required | Rule::column_required => "`required`",
        Rule::require_def => "`require CONDITION \"message\"`",
        Rule::kw_among => "`among`",
        Rule::kw_to => "`to`",
        Rule::kw_decide => "`decide`",
        Rule::kw_rejected | Rule::rejected_word => "`rejected`",
        Rule::refer | Rule::referral => "`refer \"reason\"`",
        Rule::among => "`among [GRADE, …]`",
        Rule::to_decide_word => "`to decide`",
        Rule::kw_if => "`if`",
        Rule::kw_then => "`then`",
        Rule::kw_else => "`else`",
        Rule::if_expr => "`if … then … else …`",
        Rule::kw_ruleset => "`ruleset`",
        Rule::kw_year => "`year`",
        Rule::kw_review_date => "`review_date`",
        Rule::kw_source => "`source`",
        Rule::kw_extends => "`extends`",
        Rule::kw_grades => "`grades`",
        Rule::kw_enum => "`enum`",
        Rule::kw_schema => "`schema`",
        Rule::kw_column => "`column`",
        Rule::kw_let => "`let`",
        Rule::kw_param => "`param`",
        Rule::kw_grading => "`grading`",
        Rule::kw_for => "`for`",
        Rule::kw_remove => "`remove`",
        Rule::kw_quota => "`quota`",
        Rule::kw_all => "`all`",
        Rule::kw_parent => "`parent`",
        Rule::kw_ancestor => "`ancestor`",
        Rule::kw_rank => "`rank`",
        Rule::kw_asc => "`asc`",
        Rule::kw_desc => "`desc`",
        Rule::kw_report => "`report`",
        Rule::kw_row => "`row`",
        Rule::kw_sample => "`sample`",
        Rule::kw_test => "`test`",
        Rule::kw_member => "`member`",
        Rule::kw_organisation => "`organisation`",
        Rule::reserved => "a reserved word",
        Rule::ident => "a name",
        Rule::string | Rule::string_body => "a quoted text",
        Rule::date => "a date (yyyy-mm-dd)",
        Rule::percent => "a percentage",
        Rule::number => "a number",
        Rule::integer => "a whole number",
        Rule::op_or
        | Rule::op_and
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
        | Rule::op_div => "an operator",
        Rule::op_not | Rule::op_neg => "a value",
        Rule::infix => "an operator",
        Rule::prefix => "a value",
        Rule::expr | Rule::operand | Rule::primary => "a value",
        Rule::paren => "`(`",
        Rule::list => "a list `[…]`",
        Rule::call => "a function call",
        Rule::graded_coll => "`graded …`",
        Rule::path => "a name",
        Rule::literal => "a value",
        Rule::bool_true | Rule::bool_false => "`true` or `false`",
        Rule::none_lit => "`none`",
        Rule::file => "a rules file",
        Rule::lone_expr => "an expression",
        Rule::lone_clause => "a clause",
        Rule::decl => "a declaration",
        Rule::cite => "`cite \"…\"`",
        Rule::header => "`ruleset`",
        Rule::header_entry => "`year`, `review_date` or `source`",
        Rule::header_year => "`year`",
        Rule::header_date => "`review_date`",
        Rule::header_source => "`source`",
        Rule::extends => "`extends`",
        Rule::grades => "`grades`",
        Rule::grade_def => "a grade (`CODE \"label\"`)",
        Rule::enum_decl => "`enum`",
        Rule::variant => "an enumeration value",
        Rule::subject_kind => "`member` or `organisation`",
        Rule::schema => "`schema`",
        Rule::field_def => "a field (`name: type`)",
        Rule::type_ref => "a type",
        Rule::optional_mark => "`?`",
        Rule::columns => "`column \"…\"`",
        Rule::let_def => "`let`",
        Rule::param => "`param`",
        Rule::range => "a range (`in 0%..100%`)",
        Rule::range_low | Rule::range_high | Rule::range_value => "a bound of the range",
        Rule::range_dots => "`..`",
        Rule::assign => "`=`",
        Rule::grading => "`grading`",
        Rule::grading_for => "`for`",
        Rule::replace => "`replace`",
        Rule::clause => "a clause (`name: …`)",
        Rule::clause_body => "a grade, `not graded`, `at most` or `otherwise`",
        Rule::not_graded => "`not graded`",
        Rule::cap => "`at most`",
        Rule::otherwise => "`otherwise`",
        Rule::grade_when => "a grade",
        Rule::placement => "`before` or `after`",
        Rule::remove => "`remove`",
        Rule::remove_kind => "`test` or `sample`",
        Rule::quota => "`quota`",
        Rule::subject => "`member` or `organisation`",
        Rule::grouping => "`all`, `parent`, `ancestor where …` or `by …`",
        Rule::group_all => "`all`",
        Rule::group_parent => "`parent`",
        Rule::group_ancestor => "`ancestor`",
        Rule::group_by => "`by`",
        Rule::quota_mode => "`check` or `enforce`",
        Rule::mode_check => "`check`",
        Rule::mode_enforce => "`enforce`",
        Rule::rank_key => "a ranking value",
        Rule::rank_dir => "`asc` or `desc`",
        Rule::report => "`report`",
        Rule::report_row => "`row`",
        Rule::sample => "`sample`",
        Rule::test => "`test`",
        Rule::record => "`member {…}` or `organisation {…}`",
        Rule::field_value => "a field value (`name: value`)",
        Rule::children => "children (`members { … }`)",
        Rule::child_count => "a count (`GRADE: n`)",
        Rule::not_graded_word => "`not graded`",
        Rule::expectation => "`expect`",
    }
}
