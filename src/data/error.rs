//! Problems in a dataset, each with its file, row (the line in the file,
//! header = 1) and column.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// The data folder is not there.
    #[error("no such folder; a dataset is a folder with organisations.csv and members.csv")]
    NoFolder,
    /// Neither `NAME.csv` nor `NAME.json` is in the folder.
    #[error("no {stem}.csv or {stem}.json in the data folder")]
    MissingFile { stem: &'static str },
    /// The file exists but cannot be read.
    #[error("cannot read the file: {reason}")]
    Unreadable { reason: String },
    /// A JSON file that is not an array of objects.
    #[error("not a JSON array of objects: {reason}")]
    BadJson { reason: String },
    /// A row with more or fewer cells than the header.
    #[error("the row has {found} cell(s); the header has {expected}")]
    CellCount { found: usize, expected: usize },
    /// Bytes that are not UTF-8.
    #[error("the value is not valid UTF-8 text; save the file as UTF-8")]
    NotUtf8,
    /// A field the rules need has no column.
    #[error("no column for field `{field}`; name a column {accepted}")]
    MissingColumn { field: String, accepted: String },
    /// Two columns map to one field.
    #[error("this column and column \"{other}\" both give field `{field}`")]
    DuplicateColumn { field: String, other: String },
    /// An empty cell for a field with neither a default nor `?`.
    #[error("missing value for `{field}`, which is required")]
    MissingValue { field: String },
    /// A value that does not parse as the field's type.
    #[error("{value:?} is not {expected}")]
    WrongType { value: String, expected: String },
    /// A reference to an organisation not in organisations.csv.
    #[error("unknown organisation {id:?}")]
    UnknownOrganisation { id: String },
    /// An id used twice.
    #[error("duplicate id {id:?} (first on row {first_row})")]
    DuplicateId { id: String, first_row: usize },
    /// Parents that lead back to the same organisation.
    #[error("the organisation tree has a cycle: {path}")]
    Cycle { path: String },
}

/// One problem at its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataError {
    pub file: String,
    /// Line in the file (header = 1), or the line of a JSON record.
    pub row: Option<usize>,
    /// The column header as written in the file.
    pub column: Option<String>,
    pub problem: Problem,
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(row) = self.row {
            write!(f, ":{row}")?;
        }
        write!(f, ": ")?;
        if let Some(col) = &self.column {
            write!(f, "column \"{col}\": ")?;
        }
        write!(f, "{}", self.problem)
    }
}

impl std::error::Error for DataError {}

/// Every problem of a dataset; nothing is graded while there is one.
#[derive(Debug, Clone, Default)]
pub struct DataErrors(pub Vec<DataError>);

impl fmt::Display for DataErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.0 {
            writeln!(f, "{e}")?;
        }
        write!(
            f,
            "{} problem(s) in the data; nothing was graded",
            self.0.len()
        )
    }
}

impl std::error::Error for DataErrors {}
