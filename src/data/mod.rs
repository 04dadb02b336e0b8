//! Stage 3, data: a dataset folder → [`Dataset`], validated against the
//! schemas the rules declare.
//!
//! A folder holds `organisations.csv` and `members.csv` (or `.json` arrays
//! of objects). Headers are matched to fields through the schema's column
//! names (Vietnamese or English); every bad value is reported with file,
//! row (the line as an editor numbers it) and column, and nothing is
//! graded while any problem remains. Doubtful but harmless findings
//! (columns left aside, defaults used for a whole column) are warnings
//! the dataset carries. Records are put in order of id, so the order of
//! the rows in a file never changes a result.

mod cell;
mod column;
mod delimited;
mod encoding;
mod error;
mod grid;
mod header;
mod json;
mod parse;
mod read;
mod rows;
mod sources;
mod tree;
mod workbook;
mod xlsx;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

pub use column::Column;
pub use error::{DataError, DataErrors, Problem};
pub use header::column_letters;
pub use parse::number as parse_number;
pub use sources::{names_a_table, table_files, SheetChoice};
pub use tree::Children;

use crate::program::{Program, SchemaInfo};
use crate::syntax::ast::SubjectKind;
use crate::value::Value;
use read::RawTable;
use rows::{index_ids, resolve, Input, OrgIds, Typed};

/// The records of one kind of entity, one column per schema field.
#[derive(Debug, Clone)]
pub struct Table {
    pub columns: Vec<Column>,
    /// The line each record came from (0 for records built in memory).
    pub lines: Vec<u32>,
    pub file: String,
}

impl Table {
    pub fn new(schema: &SchemaInfo, file: &str) -> Table {
        Table {
            columns: schema.fields.iter().map(|f| Column::new(f.ty)).collect(),
            lines: Vec::new(),
            file: file.to_string(),
        }
    }
    pub fn len(&self) -> usize {
        self.lines.len()
    }
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
    pub fn push(&mut self, values: &[Value], line: u32) {
        for (c, v) in self.columns.iter_mut().zip(values) {
            c.push(v);
        }
        self.lines.push(line);
    }
}

/// A validated dataset: members and organisations with the tree built.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub dir: PathBuf,
    /// The files read (so that no output is ever written over one).
    pub files: Vec<PathBuf>,
    /// Findings that do not stop grading but that the user must see.
    pub warnings: Vec<DataError>,
    pub members: Table,
    pub organisations: Table,
    /// Organisation of each member.
    pub member_org: Vec<u32>,
    /// Parent of each organisation (`u32::MAX` for a root).
    pub org_parent: Vec<u32>,
    pub org_members: Children,
    pub org_children: Children,
    /// Organisations, every child before its parent.
    pub bottom_up: Vec<u32>,
}

impl Dataset {
    pub fn table(&self, kind: SubjectKind) -> &Table {
        match kind {
            SubjectKind::Member => &self.members,
            SubjectKind::Organisation => &self.organisations,
        }
    }
    pub fn len(&self, kind: SubjectKind) -> usize {
        self.table(kind).len()
    }
    /// Finds an entity by its id, organisations first.
    pub fn find(&self, program: &Program, id: &str) -> Option<(SubjectKind, u32)> {
        let id = crate::source::nfc(id.trim());
        for kind in [SubjectKind::Organisation, SubjectKind::Member] {
            let col = &self.table(kind).columns[program.schema(kind).id];
            if let Some(i) = (0..self.len(kind)).find(|&i| col.text(i) == id) {
                return Some((kind, i as u32));
            }
        }
        None
    }
    /// The warnings, one a line (at most [`crate::render::MAX_SHOWN`]).
    pub fn warnings_text(&self) -> String {
        let mut out = String::new();
        for w in self.warnings.iter().take(crate::render::MAX_SHOWN) {
            out.push_str(&format!("warning: {w}\n"));
        }
        out.push_str(&crate::render::more_line(self.warnings.len()));
        out
    }
    pub fn id<'a>(&'a self, program: &Program, kind: SubjectKind, i: u32) -> &'a str {
        self.table(kind).columns[program.schema(kind).id].text(i as usize)
    }
    pub fn name<'a>(&'a self, program: &Program, kind: SubjectKind, i: u32) -> &'a str {
        self.table(kind).columns[program.schema(kind).name].text(i as usize)
    }
}

/// Loads and validates the dataset in `dir` against the program's schemas.
pub fn load_dir(program: &Program, dir: &Path) -> Result<Dataset, DataErrors> {
    load_dir_with(program, dir, &SheetChoice::default())
}

/// As [`load_dir`], with the sheets of workbooks named where the names of
/// the sheets do not say which table they hold. `dir` may also be one
/// workbook whose sheets are the tables.
pub fn load_dir_with(
    program: &Program,
    dir: &Path,
    sheets: &SheetChoice,
) -> Result<Dataset, DataErrors> {
    let (raw_orgs, raw_members) = read_dir(dir, sheets)?;
    load_rows(program, dir, &raw_orgs, &raw_members, &Skip::default()).map_err(DataErrors)
}

/// One table given as bytes rather than as a file: its file name (which
/// says CSV or JSON by its ending, and names it in messages) and content.
pub struct TableBytes<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
}

/// Loads and validates a dataset given as bytes (an upload, a test, a
/// fuzzer), exactly as [`load_dir`] would read the same files.
pub fn load_bytes(
    program: &Program,
    organisations: TableBytes,
    members: TableBytes,
) -> Result<Dataset, DataErrors> {
    let mut errors = Vec::new();
    let mut raw = |t: TableBytes| {
        let is_json = t.name.ends_with(".json");
        let path = PathBuf::from(t.name);
        read::raw_table(t.name.into(), path, t.bytes.to_vec(), is_json, &mut errors)
    };
    let (orgs, members) = (raw(organisations), raw(members));
    match (orgs, members) {
        (Some(o), Some(m)) if errors.is_empty() => {
            load_rows(program, Path::new("."), &o, &m, &Skip::default()).map_err(DataErrors)
        }
        _ => Err(DataErrors(errors)),
    }
}

/// As [`load_dir`], but a row with a problem is left out (with whatever
/// then refers to it) instead of stopping the load; returns the dataset and
/// every problem of the rows left out. Problems of a whole file (a missing
/// column, an unreadable file) still stop it.
pub fn load_dir_skipping(
    program: &Program,
    dir: &Path,
    sheets: &SheetChoice,
) -> Result<(Dataset, Vec<DataError>), DataErrors> {
    let (raw_orgs, raw_members) = read_dir(dir, sheets)?;
    let mut skip = Skip::default();
    let mut skipped = Vec::new();
    loop {
        match load_rows(program, dir, &raw_orgs, &raw_members, &skip) {
            Ok(d) => return Ok((d, skipped)),
            Err(errors) => {
                // Each pass leaves out at least one more row, so this ends.
                let mut progress = false;
                for e in &errors {
                    let (set, header_line) = if e.file == raw_orgs.file {
                        (&mut skip.organisations, raw_orgs.header_line)
                    } else {
                        (&mut skip.members, raw_members.header_line)
                    };
                    // A problem of the whole file or of its header stops,
                    // shown after the rows left out on the way (the cause).
                    let Some(row) = e.row.filter(|&r| r > header_line) else {
                        skipped.extend(errors);
                        return Err(DataErrors(skipped));
                    };
                    progress |= set.insert(row);
                }
                if !progress {
                    skipped.extend(errors);
                    return Err(DataErrors(skipped));
                }
                skipped.extend(errors);
            }
        }
    }
}

/// Lines left out of each file.
#[derive(Default)]
struct Skip {
    organisations: HashSet<usize>,
    members: HashSet<usize>,
}

fn read_dir(dir: &Path, sheets: &SheetChoice) -> Result<(RawTable, RawTable), DataErrors> {
    let mut errors = Vec::new();
    let file = dir.display().to_string();
    if !dir.exists() {
        return Err(DataErrors(vec![DataError::file(&file, Problem::NoFolder)]));
    }
    if dir.is_file() && !sources::is_workbook(dir) {
        return Err(DataErrors(vec![DataError::file(
            &file,
            Problem::NotAFolder,
        )]));
    }
    // The two files are read side by side (a workbook's sheet is parsed
    // whole before use); their problems are reported organisations first.
    let read = |stem| {
        let mut errors = Vec::new();
        let raw = read::read_table(dir, stem, sheets, &mut errors);
        (raw, errors)
    };
    let ((raw_orgs, org_errors), (raw_members, member_errors)) = std::thread::scope(|s| {
        let members = s.spawn(|| read(sources::Stem::Members));
        let orgs = read(sources::Stem::Organisations);
        let members = members
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        (orgs, members)
    });
    errors.extend(org_errors);
    errors.extend(member_errors);
    // One damaged workbook holding both tables is said once.
    errors.dedup();
    match (raw_orgs, raw_members) {
        (Some(o), Some(m)) if errors.is_empty() => Ok((o, m)),
        _ => Err(DataErrors(errors)),
    }
}

fn load_rows(
    program: &Program,
    dir: &Path,
    raw_orgs: &RawTable,
    raw_members: &RawTable,
    skip: &Skip,
) -> Result<Dataset, Vec<DataError>> {
    let mut errors = Vec::new();
    let mut warnings: Vec<DataError> = [raw_orgs, raw_members]
        .iter()
        .flat_map(|raw| raw.warnings.iter().cloned())
        .collect();
    let parsers = parse::Parsers::new(program);
    let [member_reads, org_reads] = program.fields_read();
    let mut read = |schema, reads: &[bool], raw, orgs, skip, errors: &mut Vec<DataError>| {
        let input = Input {
            program,
            schema,
            reads,
            raw,
            parsers: &parsers,
        };
        input.typed(orgs, skip, errors, &mut warnings)
    };
    // Organisations first, so members' references resolve as they are read.
    let orgs = read(
        &program.organisation,
        &org_reads,
        raw_orgs,
        None,
        &skip.organisations,
        &mut errors,
    );
    let Typed {
        table: mut org_table,
        refs,
        no_link: parentless,
        left_out,
        link_column: parent_column,
    } = orgs;
    let org_ids = OrgIds {
        by_id: index_ids(&org_table, program.organisation.id, &mut errors)
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        left_out: left_out.into_iter().collect(),
        lowered: std::sync::OnceLock::new(),
    };
    resolve(&mut org_table, refs, &org_ids, &mut errors);
    let members = read(
        &program.member,
        &member_reads,
        raw_members,
        Some(&org_ids),
        &skip.members,
        &mut errors,
    );
    let mut member_table = members.table;
    for (id, m) in index_ids(&member_table, program.member.id, &mut errors) {
        if let Some(o) = org_ids.get(id) {
            errors.push(DataError::at(
                &member_table.file,
                member_table.lines[m as usize] as usize,
                Problem::IdOfOrganisation {
                    id: id.to_string(),
                    org_row: org_table.lines[o as usize] as usize,
                },
            ));
        }
    }
    let files = [
        (&org_table, raw_orgs, &skip.organisations),
        (&member_table, raw_members, &skip.members),
    ];
    for (table, raw, left_out) in files {
        if table.is_empty() && !errors.iter().any(|e| e.file == raw.file) {
            let problem = match left_out.len() {
                0 => Problem::NoRows,
                n => Problem::AllRowsLeftOut { count: n },
            };
            errors.push(DataError::file(&raw.file, problem));
        }
    }
    if errors.is_empty() {
        errors = tree::cycle_errors(program, &org_table);
    }
    if errors.is_empty() {
        errors = tree::second_roots(program, &org_table, &parentless, &parent_column);
    }
    if !errors.is_empty() {
        let orgs_first = |e: &DataError| (e.file != raw_orgs.file, e.row);
        errors.sort_by_key(orgs_first);
        return Err(errors);
    }
    tree::canonical_order(program, &mut org_table, &mut member_table);
    let mut dataset = Dataset::assemble(program, dir.to_path_buf(), member_table, org_table)
        .map_err(|_| {
            tree::cycle_errors(program, &Table::new(&program.organisation, &raw_orgs.file))
        })?;
    warnings.sort_by_key(|e| (e.file != raw_orgs.file, e.row));
    dataset.warnings = warnings;
    dataset.files = vec![raw_orgs.path.clone(), raw_members.path.clone()];
    Ok(dataset)
}
