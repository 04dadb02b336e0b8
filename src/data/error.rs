//! Problems in a dataset, each with its file, row (the line in the file,
//! header = 1) and column.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// The data folder is not there.
    #[error("no such folder; a dataset is a folder with organisations.csv and members.csv")]
    NoFolder,
    /// The data path names a file that is neither a folder nor a workbook.
    #[error("this is a file, not a folder or a workbook; give the folder that holds organisations.csv and members.csv (or the workbook whose sheets they are)")]
    NotAFolder,
    /// No file or sheet for one of the tables.
    #[error("no {stem} table in the data folder: name a file {stem}.csv, {stem}.json or {stem}.xlsx (or \"{sheet}.xlsx\"), or a sheet \"{sheet}\" of a workbook{hint}")]
    MissingFile {
        stem: &'static str,
        sheet: &'static str,
        hint: String,
    },
    /// Two files or sheets that could each be one table.
    #[error("{names} could each be the {stem} table; which one is meant cannot be known: remove or rename all but one")]
    TwoFiles { stem: &'static str, names: String },
    /// A workbook whose sheet for a table cannot be told.
    #[error("{wanted_words}; the sheets are {sheets}: name the {stem} sheet \"{sheet}\", or give it with --{stem}-sheet")]
    WhichSheet {
        stem: &'static str,
        wanted_words: String,
        sheets: String,
        sheet: &'static str,
    },
    /// A warning: rows above a sheet's header, left aside.
    #[error("rows {first}–{last} above the header (row {header}) hold something (a title?) and were left aside; check that row {header} is the header")]
    RowsAboveHeader {
        first: usize,
        last: usize,
        header: usize,
    },
    /// A cell that holds a spreadsheet error instead of a value.
    #[error("the cell holds the spreadsheet error {value} instead of a value; correct the formula or type the value")]
    ExcelError { value: String },
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
    /// A text file in UTF-16 without the byte order mark that says in
    /// which byte order.
    #[error("the file looks like UTF-16 text without a byte order mark, so its byte order cannot be known; save it as \"CSV UTF-8\"")]
    Utf16,
    /// UTF-16 text that is not well formed.
    #[error("the file is UTF-16 text (\"Unicode Text\") but damaged: it ends in half a character or holds half of one; save it again, as \"CSV UTF-8\"")]
    Utf16Damaged,
    /// A warning: a delimited file not in UTF-8, read in the encoding
    /// found.
    #[error("the file is not UTF-8: read as {encoding}; check that the Vietnamese letters came out right, or save the file as \"CSV UTF-8\" to be sure")]
    ReadAsEncoding { encoding: &'static str },
    /// A header line that is not UTF-8: another encoding.
    #[error("the file is not UTF-8 text (it may be saved in the Windows code page or TCVN3/VNI); save it as \"CSV UTF-8\"")]
    NotUtf8File,
    /// A warning: the columns are separated by something else than
    /// commas (Excel's "CSV" wherever the decimal mark is a comma).
    #[error("the columns are separated by {name}, not by commas: read as such")]
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
    /// A warning: a header matched a field's column name only once the
    /// accents were set aside.
    #[error("read as \"{name}\" (field `{field}`), the same name without its accents; write the header as \"{name}\" to be sure")]
    MatchedWithoutAccents { field: String, name: String },
    /// A header that, without its accents, names two fields' columns.
    #[error("without its accents this header could be the column of {fields}; write it with its accents")]
    AmbiguousHeader { fields: String },
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
    /// The column's letter, for a sheet (where Excel shows it).
    pub letter: Option<String>,
    pub problem: Problem,
}

impl DataError {
    /// A problem of a whole file.
    pub fn file(file: &str, problem: Problem) -> DataError {
        DataError {
            file: file.to_string(),
            row: None,
            column: None,
            letter: None,
            problem,
        }
    }
    /// A problem of one row.
    pub fn at(file: &str, row: usize, problem: Problem) -> DataError {
        DataError {
            file: file.to_string(),
            row: Some(row),
            column: None,
            letter: None,
            problem,
        }
    }
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::render::escape_controls;
        write!(f, "{}", escape_controls(&self.file))?;
        if self.file.contains(super::workbook::SHEET_MARK) {
            // A sheet: the row and the column letter as Excel shows them.
            let mut sep = super::workbook::SHEET_MARK;
            if let Some(row) = self.row {
                write!(f, "{sep}dòng {row}")?;
                sep = ", ";
            }
            match (&self.letter, &self.column) {
                (Some(l), Some(c)) => write!(f, "{sep}cột {l} ({})", escape_controls(c))?,
                (None, Some(c)) => write!(f, "{sep}cột \"{}\"", escape_controls(c))?,
                _ => {}
            }
            return write!(f, ": {}", escape_controls(&self.problem.to_string()));
        }
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
