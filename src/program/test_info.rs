//! The tests a rules file carries, as checked: the record under test,
//! its children, the readings it sets and what it expects.

use super::Span;
use crate::syntax::ast::SubjectKind;
use crate::value::Value;

#[derive(Debug, Clone)]
pub struct TestInfo {
    pub name: String,
    pub description: Option<String>,
    pub kind: SubjectKind,
    /// One value per schema field (`None` where the test gives none).
    pub record: Vec<Value>,
    /// `with NAME = VALUE`: (parameter index, value) for this test only.
    pub params: Vec<(usize, Value)>,
    pub children: Vec<TestChild>,
    pub expect: Expected,
    pub by: Option<usize>,
    pub span: Span,
}

/// What a test expects of its subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    Grade(u8),
    NotGraded,
    /// `expect to decide`: a case for the competent level.
    ToDecide,
    /// `expect rejected`: the record breaks a requirement of its schema.
    Rejected,
}

/// Children of a test organisation that share a grade and a record.
#[derive(Debug, Clone)]
pub struct TestChild {
    pub suborg: bool,
    /// `None` = not graded.
    pub grade: Option<u8>,
    pub count: u32,
    /// The fields of a named sample, or `None` for the defaults.
    pub record: Option<Vec<Value>>,
}
