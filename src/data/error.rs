//! Problems in a dataset, each with its file, row (the line in the file,
//! header = 1) and column.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// The data folder is not there.
    #[error("no such folder; a dataset is a folder with organisations.csv and members.csv")]
    NoFolder,
    /// The data path names a file, not a folder.
    #[error("this is a file, not a folder; give the folder that holds organisations.csv and members.csv")]
    NotAFolder,
    /// Neither `NAME.csv` nor `NAME.json` is in the folder.
    #[error("no {stem}.csv or {stem}.json in the data folder")]
    MissingFile { stem: &'static str },
    /// Both `NAME.csv` and `NAME.json` are in the folder.
    #[error("both {stem}.csv and {stem}.json are in the data folder; which one is meant cannot be known: remove or rename one")]
    TwoFiles { stem: &'static str },
    /// The file exists but cannot be read.
    #[error("cannot read the file: {reason}")]
    Unreadable { reason: String },
    /// A JSON file that is not an array of objects.
    #[error("the JSON is not valid, or not an array of objects: {reason}")]
    BadJson { reason: String },
    /// A quote that opens a value and does not close properly: the row
    /// is left out, the rows after it are read.
    #[error("a quote (\") opens a value on this line and is not closed properly (a row may run over at most {max_lines} lines); write a quote inside a value as two (\"\"), or remove the stray one")]
    UnclosedQuote { max_lines: usize },
    /// Text right after a closing quote (`"abc"def`).
    #[error("text follows a closing quote (\") inside a value; write a quote inside a value as two (\"\"), or quote the whole value")]
    TextAfterQuote,
    /// A warning: a quoted value holds line breaks (Alt+Enter in Excel).
    #[error("a value on this row runs over lines {first}–{last} (a line break inside a cell); check that this is meant")]
    ValueOverLines { first: usize, last: usize },
    /// A file with nothing in it (or only a byte order mark).
    #[error("the file is empty")]
    EmptyFile,
    /// A text file in UTF-16 ("Unicode Text" in Excel).
    #[error("the file is saved as UTF-16 (\"Unicode Text\"); save it as \"CSV UTF-8\"")]
    Utf16,
    /// A header line that is not UTF-8: another encoding.
    #[error("the file is not UTF-8 text (it may be saved in the Windows code page or TCVN3/VNI); save it as \"CSV UTF-8\"")]
    NotUtf8File,
    /// A header that is one cell holding another separator.
    #[error("the columns are separated by {name}, not by commas; save the file as \"CSV UTF-8 (comma delimited)\"")]
    OtherSeparator { name: &'static str },
    /// A value longer than a spreadsheet cell can hold.
    #[error("the value is {chars} characters long; a value has at most {most}")]
    ValueTooLong { chars: usize, most: usize },
    /// Two values for one key in a JSON record.
    #[error("the record gives \"{key}\" twice; which value is meant cannot be known")]
    DuplicateKey { key: String },
    /// A file with a header and no rows.
    #[error("the file has no rows after the header: there is nothing to grade")]
    NoRows,
    /// Every row of a file was left out (`--skip-bad-rows`).
    #[error("all {count} row(s) of the file were left out for the problems above: nothing is left to grade")]
    AllRowsLeftOut { count: usize },
    /// Two header cells with the same name.
    #[error("the header has two columns named \"{name}\" (columns {first} and {second}); which one is meant cannot be known")]
    SameHeaderTwice {
        name: String,
        first: String,
        second: String,
    },
    /// A column no field reads whose name is close to one a field would
    /// read, while that field has no column: almost surely a typo, which
    /// would silently give every row the field's default.
    #[error("no field reads this column; did you mean \"{suggestion}\" (field `{field}`)? Without it every row gets `{field}` = {default}")]
    TypoColumn {
        suggestion: String,
        field: String,
        default: String,
    },
    /// A warning: columns the rules do not read.
    #[error("{count} column(s) that these rules do not read, left aside: {names}")]
    UnreadColumns { count: usize, names: String },
    /// A warning: a field the rules read that has no column, so every row
    /// gets its default.
    #[error("no column for field `{field}`, which the rules read; every row gets the default {default} (name a column {accepted} to give it)")]
    DefaultedField {
        field: String,
        default: String,
        accepted: String,
    },
    /// A value outside the range its field allows.
    #[error("{value:?} is out of range: `{field}` must be {range}")]
    OutOfRange {
        value: String,
        field: String,
        range: String,
    },
    /// A percentage written as a bare fraction or a bare small number:
    /// `0.8` may mean 0.8 % or 80 %.
    #[error("{value:?} could mean {value}% or {as_percent}%; write the percentage with its sign, e.g. {as_percent}%")]
    AmbiguousPercent { value: String, as_percent: String },
    /// A second organisation without a parent.
    #[error("organisation {id:?} has no parent, but {root:?} (row {root_row}) is the top of the tree; give its parent (column \"{column}\")")]
    SecondRoot {
        id: String,
        root: String,
        root_row: usize,
        column: String,
    },
    /// A member id that is also an organisation's.
    #[error("member id {id:?} is also the id of an organisation (organisations.csv row {org_row}); ids must tell them apart")]
    IdOfOrganisation { id: String, org_row: usize },
    /// A row with more or fewer cells than the header.
    #[error("the row has {found} cell(s); the header has {expected}")]
    CellCount { found: usize, expected: usize },
    /// Bytes that are not UTF-8.
    #[error("the value is not valid UTF-8 text; save the file as UTF-8")]
    NotUtf8,
    /// A value holding a character no one types on purpose.
    #[error("the value holds {what}, which cannot be seen; retype the value")]
    Invisible { what: String },
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
    #[error("unknown organisation {id:?}{hint}")]
    UnknownOrganisation { id: String, hint: String },
    /// A reference to an organisation whose row was left out
    /// (`--skip-bad-rows`).
    #[error("organisation {id:?} was left out (organisations.csv row {row}), so this row is left out too")]
    LeftOutOrganisation { id: String, row: usize },
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

impl DataError {
    /// A problem of a whole file.
    pub fn file(file: &str, problem: Problem) -> DataError {
        DataError {
            file: file.to_string(),
            row: None,
            column: None,
            problem,
        }
    }
    /// A problem of one row.
    pub fn at(file: &str, row: usize, problem: Problem) -> DataError {
        DataError {
            file: file.to_string(),
            row: Some(row),
            column: None,
            problem,
        }
    }
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::render::escape_controls;
        write!(f, "{}", escape_controls(&self.file))?;
        if let Some(row) = self.row {
            write!(f, ":{row}")?;
        }
        write!(f, ": ")?;
        if let Some(col) = &self.column {
            write!(f, "column \"{}\": ", escape_controls(col))?;
        }
        write!(f, "{}", escape_controls(&self.problem.to_string()))
    }
}

impl std::error::Error for DataError {}

/// Every problem of a dataset; nothing is graded while there is one.
#[derive(Debug, Clone, Default)]
pub struct DataErrors(pub Vec<DataError>);

impl fmt::Display for DataErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in self.0.iter().take(crate::render::MAX_SHOWN) {
            writeln!(f, "{e}")?;
        }
        write!(f, "{}", crate::render::more_line(self.0.len()))?;
        write!(
            f,
            "{} problem(s) in the data; nothing was graded",
            self.0.len()
        )
    }
}

impl std::error::Error for DataErrors {}
