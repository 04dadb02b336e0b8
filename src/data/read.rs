//! Rows from CSV or JSON, streamed: the header first, then each row's
//! cells with the line the row starts on. A million-row CSV is never held
//! as strings, only as its bytes.

use std::borrow::Cow;
use std::path::Path;

use super::delimited::{SplitError, Splitter, MAX_LINES_IN_VALUE};
use super::error::{DataError, Problem};
use crate::source::nfc_cow;

pub(crate) struct RawTable {
    pub file: String,
    /// The file as found on disk (to keep outputs off it).
    pub path: std::path::PathBuf,
    pub header: Vec<String>,
    /// The line of the header (1 unless blank lines come first).
    pub header_line: usize,
    body: Body,
}

enum Body {
    Csv(Vec<u8>),
    Json(Vec<(usize, Vec<String>)>),
}

/// One cell: trimmed and NFC, or `None` when its bytes are not UTF-8.
pub(crate) type Cell<'a> = Option<Cow<'a, str>>;

/// Reads `dir/stem.csv` or `dir/stem.json` (having both is a problem: which
/// one the user means cannot be known).
pub(crate) fn read_table(
    dir: &Path,
    stem: &'static str,
    errors: &mut Vec<DataError>,
) -> Option<RawTable> {
    let csv_path = dir.join(format!("{stem}.csv"));
    let json_path = dir.join(format!("{stem}.json"));
    let (path, is_json) = match (csv_path.exists(), json_path.exists()) {
        (true, false) => (csv_path, false),
        (false, true) => (json_path, true),
        (true, true) => {
            errors.push(DataError::file(
                &dir.display().to_string(),
                Problem::TwoFiles { stem },
            ));
            return None;
        }
        (false, false) => {
            errors.push(DataError::file(
                &dir.display().to_string(),
                Problem::MissingFile { stem },
            ));
            return None;
        }
    };
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
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
    raw_table(file, path, bytes, is_json, errors)
}

/// A table from a file's bytes; `is_json` says which form they are in.
pub(crate) fn raw_table(
    file: String,
    path: std::path::PathBuf,
    mut bytes: Vec<u8>,
    is_json: bool,
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
    if is_json {
        let rows = super::json::read_json(&file, &bytes, errors)?;
        return Some(RawTable {
            file,
            path,
            header: rows.header,
            header_line: 1,
            body: Body::Json(rows.rows),
        });
    }
    let mut splitter = Splitter::new(&bytes, b',');
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
    if let [only] = header.as_slice() {
        let other = [(';', "semicolons (;)"), ('\t', "tabs")];
        if let Some((_, name)) = other.iter().find(|(c, _)| only.contains(*c)) {
            errors.push(DataError::at(
                &file,
                header_line,
                Problem::OtherSeparator { name },
            ));
            return None;
        }
    }
    Some(RawTable {
        file,
        path,
        header,
        header_line,
        body: Body::Csv(bytes),
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
            Body::Json(rows) => {
                for (line, cells) in rows {
                    let cells: Vec<Cell> = cells
                        .iter()
                        .map(|c| Some(Cow::Borrowed(c.as_str())))
                        .collect();
                    f(*line, &cells);
                }
            }
            Body::Csv(bytes) => {
                let mut splitter = Splitter::new(bytes, b',');
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
