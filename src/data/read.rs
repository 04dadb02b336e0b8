//! Rows from CSV or JSON, streamed: the header first, then each row's
//! cells with the line the row starts on. A million-row CSV is never held
//! as strings, only as its bytes.

use std::borrow::Cow;
use std::path::Path;

use super::delimited::{SplitError, Splitter, MAX_LINES_IN_VALUE};
use super::encoding::{Encoding, Undecodable};
use super::error::{DataError, Problem};
use super::sources::{SheetChoice, Source, Stem};
use super::workbook::Workbook;
use crate::source::nfc_cow;

pub(crate) struct RawTable {
    pub file: String,
    /// The file as found on disk (to keep outputs off it).
    pub path: std::path::PathBuf,
    pub header: Vec<String>,
    /// The line of the header (1 unless blank lines come first).
    pub header_line: usize,
    /// What reading the file found doubtful (an encoding or separator
    /// assumed, rows above the header left aside).
    pub warnings: Vec<DataError>,
    body: Body,
}

enum Body {
    /// Delimited text, as UTF-8, split as it is read.
    Csv { bytes: Vec<u8>, separator: u8 },
    /// Rows already split into cells (JSON records), each with the line
    /// the user sees.
    Rows(Vec<(usize, Vec<String>)>),
    /// A sheet's rows, `width` cells each.
    Sheet {
        grid: super::grid::Grid,
        width: usize,
    },
}

/// One cell: trimmed and NFC, or `None` when its bytes are not UTF-8.
pub(crate) type Cell<'a> = Option<Cow<'a, str>>;

/// Reads the table `stem` of the dataset at `data` (a folder, or a
/// workbook), wherever [`sources::locate`] finds it.
pub(crate) fn read_table(
    data: &Path,
    stem: Stem,
    sheets: &SheetChoice,
    errors: &mut Vec<DataError>,
) -> Option<RawTable> {
    let source = match super::sources::locate(data, stem, sheets) {
        Ok(s) => s,
        Err(e) => {
            errors.push(*e);
            return None;
        }
    };
    let file = super::sources::describe(&source);
    let path = match &source {
        Source::Text { path, .. } | Source::Sheet { path, .. } => path.clone(),
    };
    let bytes = match crate::files::read_regular(&path, crate::files::MAX_DATA_BYTES, "data file") {
        Ok(b) => b,
        Err(e) => {
            errors.push(DataError::file(
                &file,
                Problem::Unreadable { reason: e.reason() },
            ));
            return None;
        }
    };
    match source {
        Source::Text { is_json, .. } => raw_table(file, path, bytes, is_json, errors),
        Source::Sheet { sheet, .. } => sheet_table(file, path, bytes, &sheet, errors),
    }
}

/// A table from a sheet of a workbook's bytes.
fn sheet_table(
    file: String,
    path: std::path::PathBuf,
    bytes: Vec<u8>,
    sheet: &str,
    errors: &mut Vec<DataError>,
) -> Option<RawTable> {
    let name = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let rows = Workbook::open(&name, bytes).and_then(|mut w| w.rows(sheet));
    let rows = match rows {
        Ok(r) => r,
        Err(reason) => {
            errors.push(DataError::file(&file, Problem::Unreadable { reason }));
            return None;
        }
    };
    if rows.header.iter().all(String::is_empty) {
        errors.push(DataError::file(&file, Problem::EmptyFile));
        return None;
    }
    let width = rows.header.len();
    Some(RawTable {
        file,
        path,
        header: rows.header,
        header_line: rows.header_row,
        warnings: rows.warnings,
        body: Body::Sheet {
            width,
            grid: rows.rows,
        },
    })
}

/// A table from a file's bytes; `is_json` says which form they are in.
pub(crate) fn raw_table(
    file: String,
    path: std::path::PathBuf,
    bytes: Vec<u8>,
    is_json: bool,
    errors: &mut Vec<DataError>,
) -> Option<RawTable> {
    if is_json {
        return json_table(file, path, bytes, errors);
    }
    let mut warnings = Vec::new();
    let bytes = match super::encoding::decode(bytes) {
        Ok((text, Encoding::Utf8)) => text,
        Ok((text, encoding)) => {
            let encoding = encoding.describe();
            warnings.push(DataError::file(&file, Problem::ReadAsEncoding { encoding }));
            text
        }
        Err(Undecodable::Utf16WithoutMark) => {
            errors.push(DataError::file(&file, Problem::Utf16));
            return None;
        }
        Err(Undecodable::Utf16Damaged) => {
            errors.push(DataError::file(&file, Problem::Utf16Damaged));
            return None;
        }
    };
    if bytes.is_empty() {
        errors.push(DataError::file(&file, Problem::EmptyFile));
        return None;
    }
    let separator = super::encoding::separator(first_line(&bytes));
    let mut splitter = Splitter::new(&bytes, separator);
    let mut cells = Vec::new();
    let (header, header_line): (Vec<String>, usize) = match splitter.next_record(&mut cells) {
        Some(Ok(lines)) => {
            let Some(header) = cells.iter().map(|c| cell(c).map(Cow::into_owned)).collect() else {
                errors.push(DataError::at(&file, lines.first, Problem::NotUtf8File));
                return None;
            };
            (header, lines.first)
        }
        Some(Err(e)) => {
            errors.push(DataError::at(&file, e.line(), split_problem(&e)));
            return None;
        }
        None => (Vec::new(), 1),
    };
    if separator != b',' {
        let name = super::encoding::separator_name(separator);
        warnings.push(DataError::at(
            &file,
            header_line,
            Problem::OtherSeparator { name },
        ));
    }
    Some(RawTable {
        file,
        path,
        header,
        header_line,
        warnings,
        body: Body::Csv { bytes, separator },
    })
}

/// The first line that holds anything (the header's).
fn first_line(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|&b| b != b'\n' && b != b'\r')
        .unwrap_or(bytes.len());
    &bytes[start..]
}

fn json_table(
    file: String,
    path: std::path::PathBuf,
    mut bytes: Vec<u8>,
    errors: &mut Vec<DataError>,
) -> Option<RawTable> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    if bytes.is_empty() {
        errors.push(DataError::file(&file, Problem::EmptyFile));
        return None;
    }
    if looks_utf16(&bytes) {
        errors.push(DataError::file(&file, Problem::Utf16));
        return None;
    }
    let rows = super::json::read_json(&file, &bytes, errors)?;
    Some(RawTable {
        file,
        path,
        header: rows.header,
        header_line: 1,
        warnings: Vec::new(),
        body: Body::Rows(rows.rows),
    })
}

/// A UTF-16 text ("Unicode Text" from Excel): a UTF-16 byte order mark, or
/// many NUL bytes early on.
fn looks_utf16(bytes: &[u8]) -> bool {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return true;
    }
    let head = &bytes[..bytes.len().min(4096)];
    head.iter().filter(|&&b| b == 0).count() * 4 > head.len()
}

fn cell<'a>(bytes: &Cow<'a, [u8]>) -> Cell<'a> {
    match bytes {
        Cow::Borrowed(b) => std::str::from_utf8(b).ok().map(|s| nfc_cow(s.trim())),
        Cow::Owned(b) => std::str::from_utf8(b)
            .ok()
            .map(|s| Cow::Owned(nfc_cow(s.trim()).into_owned())),
    }
}

fn split_problem(e: &SplitError) -> Problem {
    match e {
        SplitError::UnclosedQuote { .. } => Problem::UnclosedQuote {
            max_lines: MAX_LINES_IN_VALUE,
        },
        SplitError::TextAfterQuote { .. } => Problem::TextAfterQuote,
    }
}

impl RawTable {
    /// The letter of header cell `column`, for a sheet.
    pub fn letter(&self, column: Option<usize>) -> Option<String> {
        // Sheets keep their cells from column A, so the index is the letter.
        match self.body {
            Body::Sheet { .. } => Some(super::header::column_letters(column?)),
            _ => None,
        }
    }

    /// Calls `f(line, cells)` for every row after the header. Rows that
    /// cannot be split are reported and skipped, and so are blank rows and
    /// rows of empty cells (Excel leaves `,,,,` where rows were deleted); a
    /// value holding line breaks is allowed, with a warning.
    pub fn for_each_row(
        &self,
        errors: &mut Vec<DataError>,
        warnings: &mut Vec<DataError>,
        mut f: impl FnMut(usize, &[Cell]),
    ) {
        match &self.body {
            Body::Sheet { grid, width } => {
                let mut texts = Vec::new();
                let mut cells: Vec<Cell> = Vec::new();
                for i in 0..grid.len() {
                    let line = grid.row(i, *width, &mut texts);
                    cells.clear();
                    cells.extend(texts.iter().map(|t| Some(Cow::Borrowed(*t))));
                    f(line, &cells);
                }
            }
            Body::Rows(rows) => {
                for (line, cells) in rows {
                    let cells: Vec<Cell> = cells
                        .iter()
                        .map(|c| Some(Cow::Borrowed(c.as_str())))
                        .collect();
                    f(*line, &cells);
                }
            }
            Body::Csv { bytes, separator } => {
                let mut splitter = Splitter::new(bytes, *separator);
                splitter.expect_cells(self.header.len());
                let mut raw = Vec::new();
                let mut cells: Vec<Cell> = Vec::new();
                let mut header = true;
                while let Some(record) = splitter.next_record(&mut raw) {
                    let lines = match record {
                        Ok(lines) => lines,
                        Err(e) => {
                            errors.push(DataError::at(&self.file, e.line(), split_problem(&e)));
                            continue;
                        }
                    };
                    if std::mem::take(&mut header) {
                        continue;
                    }
                    if raw.iter().all(|c| c.iter().all(u8::is_ascii_whitespace)) {
                        continue;
                    }
                    if lines.last > lines.first {
                        warnings.push(DataError::at(
                            &self.file,
                            lines.first,
                            Problem::ValueOverLines {
                                first: lines.first,
                                last: lines.last,
                            },
                        ));
                    }
                    cells.clear();
                    cells.extend(raw.iter().map(cell));
                    f(lines.first, &cells);
                }
            }
        }
    }
}
