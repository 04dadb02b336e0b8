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
    let mut bytes =
        match crate::files::read_regular(&path, crate::files::MAX_DATA_BYTES, "data file") {
            Ok(b) => b,
            Err(e) => {
                errors.push(DataError::file(
                    &file,
                    Problem::Unreadable { reason: e.reason() },
                ));
                return None;
            }
        };
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    if is_json {
        return read_json(file, path, &bytes, errors);
    }
    let mut splitter = Splitter::new(&bytes, b',');
    let mut cells = Vec::new();
    let (header, header_line) = match splitter.next_record(&mut cells) {
        Some(Ok(lines)) => (
            cells
                .iter()
                .map(|c| cell(c).map(Cow::into_owned).unwrap_or_default())
                .collect(),
            lines.first,
        ),
        Some(Err(e)) => {
            errors.push(DataError::at(&file, e.line(), split_problem(&e)));
            return None;
        }
        None => (Vec::new(), 1),
    };
    Some(RawTable {
        file,
        path,
        header,
        header_line,
        body: Body::Csv(bytes),
    })
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

fn read_json(
    file: String,
    path: std::path::PathBuf,
    bytes: &[u8],
    errors: &mut Vec<DataError>,
) -> Option<RawTable> {
    let bad = |reason: String| DataError {
        file: file.clone(),
        row: None,
        column: None,
        problem: Problem::BadJson { reason },
    };
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(_) => {
            errors.push(DataError {
                file: file.clone(),
                row: None,
                column: None,
                problem: Problem::NotUtf8,
            });
            return None;
        }
    };
    // Lines as an editor counts them, whatever the line ends (a raw line
    // break cannot stand inside a JSON string, so nothing else changes).
    let normalised = crate::syntax::unix_line_ends(text);
    let text: &str = &normalised;
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            errors.push(DataError {
                row: Some(e.line()),
                ..bad(e.to_string())
            });
            return None;
        }
    };
    let Some(items) = value.as_array() else {
        errors.push(bad("the top level is not an array".into()));
        return None;
    };
    let lines = object_lines(text);
    let mut header: Vec<String> = Vec::new();
    for item in items {
        if let Some(obj) = item.as_object() {
            for k in obj.keys() {
                let k = nfc_cow(k.trim()).into_owned();
                if !header.contains(&k) {
                    header.push(k);
                }
            }
        }
    }
    let mut rows = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let line = lines.get(i).copied().unwrap_or(0);
        let Some(obj) = item.as_object() else {
            errors.push(DataError {
                row: Some(line),
                ..bad(format!("record {} is not an object", i + 1))
            });
            continue;
        };
        let mut cells = vec![String::new(); header.len()];
        for (k, v) in obj {
            let k = nfc_cow(k.trim());
            let Some(pos) = header.iter().position(|h| *h == k) else {
                continue;
            };
            cells[pos] = match v {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => nfc_cow(s.trim()).into_owned(),
                other => other.to_string(),
            };
        }
        rows.push((line, cells));
    }
    Some(RawTable {
        file,
        path,
        header,
        header_line: 1,
        body: Body::Json(rows),
    })
}

/// The line on which each top-level array element starts.
fn object_lines(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut line = 1;
    let mut in_string = false;
    let mut escaped = false;
    let mut at_element_start = false;
    for c in text.chars() {
        if c == '\n' {
            line += 1;
        }
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        if depth == 1 && at_element_start && !c.is_whitespace() {
            out.push(line);
            at_element_start = false;
        }
        match c {
            '"' => in_string = true,
            '[' | '{' => {
                depth += 1;
                if depth == 1 {
                    at_element_start = true;
                }
            }
            ']' | '}' => depth -= 1,
            ',' if depth == 1 => at_element_start = true,
            _ => {}
        }
    }
    out
}
