//! Datasets as JSON: an array of objects, one per record. Keys are the
//! columns; a record's line is where its object starts, as an editor
//! counts lines. A key given twice in one record is refused (a JSON
//! library would keep the last value without a word), and so is a value
//! that is itself an array or an object.

use std::fmt;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::error::{DataError, Problem};
use crate::source::nfc_cow;

/// The records of a JSON file as rows of cells under one header.
pub(super) struct JsonRows {
    pub header: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
}

/// One element of the top-level array: an object's entries in order,
/// duplicates kept, or `None` for anything that is not an object.
struct Element(Option<Vec<(String, Value)>>);

/// The top level: the array's elements, or `None` when it is no array.
struct Top(Option<Vec<Element>>);

/// Accepts any JSON value as "not what was wanted" (`None`), except what
/// `map` and `seq` handle.
macro_rules! anything_else {
    ($out:expr) => {
        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok($out)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            Ok($out)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            Ok($out)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok($out)
        }
        fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
            Ok($out)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok($out)
        }
    };
}

impl<'de> Deserialize<'de> for Element {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Element;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Element, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, Value>()? {
                    entries.push(entry);
                }
                Ok(Element(Some(entries)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Element, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Element(None))
            }
            anything_else!(Element(None));
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Top {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Top;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of objects")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Top, A::Error> {
                let mut items = Vec::new();
                while let Some(e) = seq.next_element::<Element>()? {
                    items.push(e);
                }
                Ok(Top(Some(items)))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Top(None))
            }
            anything_else!(Top(None));
        }
        d.deserialize_any(V)
    }
}

/// Reads `bytes` (a BOM already dropped) as records.
pub(super) fn read_json(file: &str, bytes: &[u8], errors: &mut Vec<DataError>) -> Option<JsonRows> {
    let bad = |row: Option<usize>, reason: String| DataError {
        file: file.to_string(),
        row,
        column: None,
        letter: None,
        problem: Problem::BadJson { reason },
    };
    let Ok(text) = std::str::from_utf8(bytes) else {
        errors.push(DataError::file(file, Problem::NotUtf8File));
        return None;
    };
    // Lines as an editor counts them, whatever the line ends (a raw line
    // break cannot stand inside a JSON string, so nothing else changes).
    let normalised = crate::source::unix_line_ends(text);
    let text: &str = &normalised;
    let items = match serde_json::from_str::<Top>(text) {
        Ok(Top(Some(items))) => items,
        Ok(Top(None)) => {
            errors.push(bad(None, "the top level is not an array".into()));
            return None;
        }
        Err(e) => {
            errors.push(bad(Some(e.line()), e.to_string()));
            return None;
        }
    };
    if items.is_empty() {
        errors.push(DataError::file(file, Problem::NoRows));
        return None;
    }
    let lines = object_lines(text);
    let key = |k: &str| nfc_cow(k.trim()).into_owned();
    let mut header: Vec<String> = Vec::new();
    for entries in items.iter().filter_map(|e| e.0.as_ref()) {
        for (k, _) in entries {
            let k = key(k);
            if !header.contains(&k) {
                header.push(k);
            }
        }
    }
    let mut rows = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let line = lines.get(i).copied().unwrap_or(0);
        let Some(entries) = &item.0 else {
            errors.push(bad(
                Some(line),
                format!("record {} is not an object", i + 1),
            ));
            continue;
        };
        let mut cells: Vec<Option<String>> = vec![None; header.len()];
        let mut ok = true;
        for (k, v) in entries {
            let k = key(k);
            let Some(pos) = header.iter().position(|h| *h == k) else {
                continue;
            };
            let at = |problem| DataError {
                file: file.to_string(),
                row: Some(line),
                column: Some(k.clone()),
                letter: None,
                problem,
            };
            if cells[pos].is_some() {
                errors.push(at(Problem::DuplicateKey { key: k.clone() }));
                ok = false;
                continue;
            }
            cells[pos] = Some(match v {
                Value::Null => String::new(),
                Value::String(s) => nfc_cow(s.trim()).into_owned(),
                Value::Bool(_) | Value::Number(_) => v.to_string(),
                Value::Array(_) | Value::Object(_) => {
                    let reason =
                        "a value is text, a number, true/false or null, not a list or an object";
                    errors.push(at(Problem::BadJson {
                        reason: reason.into(),
                    }));
                    ok = false;
                    continue;
                }
            });
        }
        if ok {
            rows.push((
                line,
                cells.into_iter().map(Option::unwrap_or_default).collect(),
            ));
        }
    }
    Some(JsonRows { header, rows })
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
