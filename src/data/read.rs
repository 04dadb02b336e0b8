//! Rows from CSV or JSON, streamed: the header first, then each row's
//! cells with the line the row starts on. A million-row CSV is never held
//! as strings, only as its bytes.

use std::borrow::Cow;
use std::path::Path;

use super::error::{DataError, Problem};
use crate::source::nfc_cow;

pub(crate) struct RawTable {
    pub file: String,
    pub header: Vec<String>,
    body: Body,
}

enum Body {
    Csv(Vec<u8>),
    Json(Vec<(usize, Vec<String>)>),
}

/// One cell: trimmed and NFC, or `None` when its bytes are not UTF-8.
pub(crate) type Cell<'a> = Option<Cow<'a, str>>;

/// Reads `dir/stem.csv`, or `dir/stem.json` when there is no CSV.
pub(crate) fn read_table(
    dir: &Path,
    stem: &'static str,
    errors: &mut Vec<DataError>,
) -> Option<RawTable> {
    let csv_path = dir.join(format!("{stem}.csv"));
    let json_path = dir.join(format!("{stem}.json"));
    let (path, is_json) = if csv_path.exists() {
        (csv_path, false)
    } else if json_path.exists() {
        (json_path, true)
    } else {
        errors.push(DataError {
            file: dir.display().to_string(),
            row: None,
            column: None,
            problem: Problem::MissingFile { stem },
        });
        return None;
    };
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            errors.push(DataError {
                file,
                row: None,
                column: None,
                problem: Problem::Unreadable {
                    reason: e.to_string(),
                },
            });
            return None;
        }
    };
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    if is_json {
        read_json(file, &bytes, errors)
    } else {
        let header = {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(bytes.as_slice());
            let mut record = csv::ByteRecord::new();
            match reader.read_byte_record(&mut record) {
                Ok(true) => record
                    .iter()
                    .map(|c| cell(c).map(Cow::into_owned).unwrap_or_default())
                    .collect(),
                Ok(false) => Vec::new(),
                Err(e) => {
                    errors.push(DataError {
                        file,
                        row: Some(1),
                        column: None,
                        problem: Problem::Unreadable {
                            reason: e.to_string(),
                        },
                    });
                    return None;
                }
            }
        };
        Some(RawTable {
            file,
            header,
            body: Body::Csv(bytes),
        })
    }
}

fn cell(bytes: &[u8]) -> Cell<'_> {
    std::str::from_utf8(bytes).ok().map(|s| nfc_cow(s.trim()))
}

impl RawTable {
    /// Calls `f(line, cells)` for every row after the header. Rows the CSV
    /// reader cannot split are reported and skipped; blank lines are skipped.
    pub fn for_each_row(&self, errors: &mut Vec<DataError>, mut f: impl FnMut(usize, &[Cell])) {
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
                let mut reader = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .from_reader(bytes.as_slice());
                let mut record = csv::ByteRecord::new();
                let mut first = true;
                loop {
                    match reader.read_byte_record(&mut record) {
                        Ok(false) => break,
                        Ok(true) if first => first = false,
                        Ok(true) => {
                            if record.len() == 1 && record.get(0).is_some_and(|c| c.is_empty()) {
                                continue;
                            }
                            let line = record.position().map(|p| p.line() as usize).unwrap_or(0);
                            let cells: Vec<Cell> = record.iter().map(cell).collect();
                            f(line, &cells);
                        }
                        Err(e) => {
                            let line = e.position().map(|p| p.line() as usize);
                            errors.push(DataError {
                                file: self.file.clone(),
                                row: line,
                                column: None,
                                problem: Problem::Unreadable {
                                    reason: e.to_string(),
                                },
                            });
                            if !matches!(
                                e.kind(),
                                csv::ErrorKind::Utf8 { .. } | csv::ErrorKind::UnequalLengths { .. }
                            ) {
                                break;
                            }
                        }
                    }
                }
            }
        }
    }
}

fn read_json(file: String, bytes: &[u8], errors: &mut Vec<DataError>) -> Option<RawTable> {
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
        header,
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
