//! Rows → typed records: every cell parsed into its field's type and
//! range, organisation references resolved, ids indexed; every problem
//! reported at its row and column.

use std::collections::{HashMap, HashSet};

use super::error::{DataError, Problem};
use super::read::RawTable;
use super::{header, parse, Table};
use crate::program::{Program, SchemaInfo, Ty};
use crate::value::Value;

/// What reading one file gave: its records, and the organisation
/// references still to resolve.
pub(super) struct Typed {
    pub table: Table,
    pub refs: Refs,
    /// Per record: its link cell (parent, organisation) was empty.
    pub no_link: Vec<bool>,
    /// The ids of the rows left out (`--skip-bad-rows`), with their line.
    pub left_out: Vec<(String, usize)>,
    /// The header the link (parent, organisation) was read from, as the
    /// file spells it.
    pub link_column: String,
}

/// Organisation ids, for the references to them.
pub(super) struct OrgIds {
    pub by_id: HashMap<String, u32>,
    /// Organisations whose rows were left out, and their line.
    pub left_out: HashMap<String, usize>,
    /// Lower-cased id → id, built when a reference is first not found.
    pub lowered: std::sync::OnceLock<HashMap<String, String>>,
}

impl OrgIds {
    pub fn get(&self, id: &str) -> Option<u32> {
        self.by_id.get(id).copied()
    }

    /// Why `id` names no organisation, with the id meant if it differs
    /// only in case.
    fn unknown(&self, id: &str) -> Problem {
        if let Some(&row) = self.left_out.get(id) {
            return Problem::LeftOutOrganisation {
                id: id.to_string(),
                row,
            };
        }
        let lowered = self.lowered.get_or_init(|| {
            self.by_id
                .keys()
                .map(|k| (k.to_lowercase(), k.clone()))
                .collect()
        });
        let hint = match lowered.get(&id.to_lowercase()) {
            Some(real) => format!("; did you mean {real:?}?"),
            None => String::new(),
        };
        Problem::UnknownOrganisation {
            id: id.to_string(),
            hint,
        }
    }
}

/// Organisation references left to resolve: (record, field slot, id).
pub(super) type Refs = Vec<(usize, usize, String)>;

/// One file to read through one schema.
pub(super) struct Input<'a> {
    pub program: &'a Program,
    pub schema: &'a SchemaInfo,
    /// The fields the rules read, by slot.
    pub reads: &'a [bool],
    pub raw: &'a RawTable,
    pub parsers: &'a parse::Parsers,
}

impl Input<'_> {
    /// Parses every cell into its field's type. Organisation references
    /// are resolved through `orgs` when given, else returned for later.
    pub fn typed(
        &self,
        orgs: Option<&OrgIds>,
        skip: &HashSet<usize>,
        errors: &mut Vec<DataError>,
        warnings: &mut Vec<DataError>,
    ) -> Typed {
        let (schema, raw) = (self.schema, self.raw);
        let source = header::map_columns(self.program, schema, self.reads, raw, errors, warnings);
        // A field's column as the file spells it, for messages.
        let header_of = |slot: usize| {
            source[slot]
                .map(|c| raw.header[c].clone())
                .unwrap_or_else(|| schema.fields[slot].name.clone())
        };
        let mut typed = Typed {
            table: Table::new(schema, &raw.file),
            refs: Vec::new(),
            no_link: Vec::new(),
            left_out: Vec::new(),
            link_column: header_of(schema.link),
        };
        let mut values = vec![Value::None; schema.fields.len()];
        let mut row_errors = Vec::new();
        let mut row_warnings = Vec::new();
        raw.for_each_row(&mut row_errors, &mut row_warnings, |line, cells| {
            if skip.contains(&line) {
                let id = source[schema.id].and_then(|c| cells.get(c)?.as_deref());
                if let Some(id) = id.filter(|id| !id.is_empty()) {
                    typed.left_out.push((id.to_string(), line));
                }
                return;
            }
            if cells.len() != raw.header.len() {
                errors.push(DataError::at(
                    &raw.file,
                    line,
                    Problem::CellCount {
                        found: cells.len(),
                        expected: raw.header.len(),
                    },
                ));
                return;
            }
            let mut problem = |slot: usize, problem: Problem| {
                let column = header_of(slot);
                errors.push(DataError {
                    file: raw.file.clone(),
                    row: Some(line),
                    column: Some(column),
                    letter: raw.letter(source[slot]),
                    problem,
                })
            };
            for (slot, f) in schema.fields.iter().enumerate() {
                let cell: &str = match source[slot] {
                    Some(c) => match &cells[c] {
                        Some(text) => text,
                        None => {
                            problem(slot, Problem::NotUtf8);
                            values[slot] = Value::None;
                            continue;
                        }
                    },
                    None => "",
                };
                if let Some(value) = spreadsheet_error(cell) {
                    problem(slot, Problem::ExcelError { value });
                    values[slot] = Value::None;
                    continue;
                }
                if let Some(what) = invisible_in(cell) {
                    problem(slot, Problem::Invisible { what });
                    values[slot] = Value::None;
                    continue;
                }
                if cell.len() > MAX_VALUE_CHARS && cell.chars().count() > MAX_VALUE_CHARS {
                    let chars = cell.chars().count();
                    problem(
                        slot,
                        Problem::ValueTooLong {
                            chars,
                            most: MAX_VALUE_CHARS,
                        },
                    );
                    values[slot] = Value::None;
                    continue;
                }
                values[slot] = if cell.is_empty() {
                    match (&f.default, f.optional) {
                        (Some(d), _) => d.clone(),
                        (None, true) => Value::None,
                        // A missing column is reported once, not on every row.
                        (None, false) if source[slot].is_none() => Value::None,
                        (None, false) => {
                            let field = f.name.clone();
                            problem(slot, Problem::MissingValue { field });
                            Value::None
                        }
                    }
                } else if f.ty == Ty::Org {
                    match orgs {
                        Some(ids) => match ids.get(cell) {
                            Some(o) => Value::Org(o),
                            None => {
                                problem(slot, ids.unknown(cell));
                                Value::None
                            }
                        },
                        None => {
                            typed.refs.push((typed.table.len(), slot, cell.to_string()));
                            Value::None
                        }
                    }
                } else {
                    match self.parsers.parse(f, cell) {
                        Ok(v) if !f.range.contains(&v) => {
                            problem(
                                slot,
                                Problem::OutOfRange {
                                    value: cell.to_string(),
                                    field: f.name.clone(),
                                    range: f.range.text(f.ty),
                                },
                            );
                            Value::None
                        }
                        Ok(v) => v,
                        Err(p) => {
                            problem(slot, p);
                            Value::None
                        }
                    }
                };
            }
            let link_empty = source[schema.link]
                .and_then(|c| cells[c].as_deref())
                .is_none_or(str::is_empty);
            typed.no_link.push(link_empty);
            typed.table.push(&values, line as u32);
        });
        let kept = |e: &DataError| e.row.is_none_or(|r| !skip.contains(&r));
        errors.extend(row_errors.into_iter().filter(kept));
        warnings.extend(row_warnings.into_iter().filter(kept));
        typed
    }
}

/// The most characters a value may have: an Excel cell's limit. A longer
/// one is not a name or a figure someone typed.
const MAX_VALUE_CHARS: usize = 32_767;

/// The name of the first character in `text` that no one typed on
/// purpose (a NUL, an escape…); line breaks and tabs are allowed.
/// A cell holding what a spreadsheet shows for a failed formula (a CSV
/// exported from Excel keeps it as text): never a value, whatever the
/// field.
fn spreadsheet_error(text: &str) -> Option<String> {
    const ERRORS: [&str; 8] = [
        "#N/A",
        "#VALUE!",
        "#REF!",
        "#DIV/0!",
        "#NUM!",
        "#NAME?",
        "#NULL!",
        "#GETTING_DATA",
    ];
    ERRORS
        .iter()
        .find(|e| text.eq_ignore_ascii_case(e))
        .map(|e| e.to_string())
}

fn invisible_in(text: &str) -> Option<String> {
    crate::render::first_invisible(text).and_then(crate::render::name_of_invisible)
}

/// Id → index; reports duplicates.
pub(super) fn index_ids<'t>(
    table: &'t Table,
    id_slot: usize,
    errors: &mut Vec<DataError>,
) -> HashMap<&'t str, u32> {
    let mut ids: HashMap<&str, u32> = HashMap::with_capacity(table.len());
    let col = &table.columns[id_slot];
    for i in 0..table.len() {
        let id = col.text(i);
        if id.is_empty() {
            continue;
        }
        if let Some(&first) = ids.get(id) {
            errors.push(DataError::at(
                &table.file,
                table.lines[i] as usize,
                Problem::DuplicateId {
                    id: id.to_string(),
                    first_row: table.lines[first as usize] as usize,
                },
            ));
        } else {
            ids.insert(id, i as u32);
        }
    }
    ids
}

/// Resolves the organisation references of organisations, each into the
/// field it was read from.
pub(super) fn resolve(
    table: &mut Table,
    refs: Refs,
    org_ids: &OrgIds,
    errors: &mut Vec<DataError>,
) {
    for (row, slot, id) in refs {
        match org_ids.get(&id) {
            Some(o) => table.columns[slot].set_org(row, o),
            None => errors.push(DataError::at(
                &table.file,
                table.lines[row] as usize,
                org_ids.unknown(&id),
            )),
        }
    }
}
