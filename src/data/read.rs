//! Raw rows from CSV or JSON: header cells and each row's cells as bytes,
//! with the line each row starts on.

use std::path::Path;

use super::error::{DataError, Problem};

pub(crate) struct RawTable {
    pub file: String,
    pub header: Vec<String>,
    pub rows: Vec<RawRow>,
}

pub(crate) struct RawRow {
    pub line: usize,
    pub cells: Vec<Result<String, ()>>,
}

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
    let bytes = match std::fs::read(&path) {
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
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    if is_json {
        read_json(file, bytes, errors)
    } else {
        read_csv(file, bytes, errors)
    }
}

fn cell(bytes: &[u8]) -> Result<String, ()> {
    std::str::from_utf8(bytes)
        .map(|s| crate::source::nfc(s.trim()))
        .map_err(|_| ())
}

fn read_csv(file: String, bytes: &[u8], errors: &mut Vec<DataError>) -> Option<RawTable> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut records = reader.byte_records();
    let header = match records.next() {
        Some(Ok(h)) => h.iter().map(|c| cell(c).unwrap_or_default()).collect(),
        Some(Err(e)) => {
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
        None => Vec::new(),
    };
    let mut rows = Vec::new();
    for rec in records {
        match rec {
            Ok(r) => {
                let line = r.position().map(|p| p.line() as usize).unwrap_or(0);
                if r.len() == 1 && r.get(0).is_some_and(|c| c.is_empty()) {
                    continue; // a blank line
                }
                rows.push(RawRow {
                    line,
                    cells: r.iter().map(cell).collect(),
                });
            }
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize);
                errors.push(DataError {
                    file: file.clone(),
                    row: line,
                    column: None,
                    problem: Problem::Unreadable {
                        reason: e.to_string(),
                    },
                });
            }
        }
    }
    Some(RawTable { file, header, rows })
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
                let k = crate::source::nfc(k.trim());
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
        let mut cells = vec![Ok(String::new()); header.len()];
        for (k, v) in obj {
            let k = crate::source::nfc(k.trim());
            let Some(pos) = header.iter().position(|h| *h == k) else {
                continue;
            };
            cells[pos] = Ok(match v {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => crate::source::nfc(s.trim()),
                other => other.to_string(),
            });
        }
        rows.push(RawRow { line, cells });
    }
    Some(RawTable { file, header, rows })
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
