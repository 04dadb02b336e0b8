//! Stage 3, data: a dataset folder → [`Dataset`], validated against the
//! schemas the rules declare.
//!
//! A folder holds `organisations.csv` and `members.csv` (or `.json` arrays
//! of objects). Headers are matched to fields through the schema's column
//! names (Vietnamese or English); every bad value is reported with file,
//! row and column, and nothing is graded while any problem remains.

mod column;
mod error;
mod parse;
mod read;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use column::Column;
pub use error::{DataError, DataErrors, Problem};
pub use parse::number as parse_number;

use crate::program::{Program, SchemaInfo, Ty};
use crate::syntax::ast::SubjectKind;
use crate::value::Value;
use read::RawTable;

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

/// Children of each organisation, in compressed rows: the children of `o`
/// are `items[starts[o]..starts[o + 1]]`.
#[derive(Debug, Clone, Default)]
pub struct Children {
    starts: Vec<u32>,
    items: Vec<u32>,
}

impl Children {
    /// Groups `parent_of[i]` (u32::MAX = none) into per-parent lists, in
    /// index order.
    pub fn build(parents: usize, parent_of: impl Iterator<Item = u32> + Clone) -> Children {
        let mut counts = vec![0u32; parents + 1];
        for p in parent_of.clone() {
            if (p as usize) < parents {
                counts[p as usize + 1] += 1;
            }
        }
        for i in 1..counts.len() {
            counts[i] += counts[i - 1];
        }
        let starts = counts.clone();
        let mut fill = counts;
        let mut items = vec![0u32; *starts.last().unwrap_or(&0) as usize];
        for (i, p) in parent_of.enumerate() {
            if (p as usize) < parents {
                items[fill[p as usize] as usize] = i as u32;
                fill[p as usize] += 1;
            }
        }
        Children { starts, items }
    }
    #[inline]
    pub fn of(&self, o: u32) -> &[u32] {
        let o = o as usize;
        match (self.starts.get(o), self.starts.get(o + 1)) {
            (Some(&s), Some(&e)) => &self.items[s as usize..e as usize],
            _ => &[],
        }
    }
}

/// A validated dataset: members and organisations with the tree built.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub dir: PathBuf,
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
    pub fn id<'a>(&'a self, program: &Program, kind: SubjectKind, i: u32) -> &'a str {
        self.table(kind).columns[program.schema(kind).id].text(i as usize)
    }
    pub fn name<'a>(&'a self, program: &Program, kind: SubjectKind, i: u32) -> &'a str {
        self.table(kind).columns[program.schema(kind).name].text(i as usize)
    }

    /// Builds the tree from tables whose link columns already hold indexes.
    /// Fails with the organisations on a cycle.
    pub fn assemble(
        program: &Program,
        dir: PathBuf,
        members: Table,
        organisations: Table,
    ) -> Result<Dataset, Vec<u32>> {
        let n = organisations.len();
        let member_org: Vec<u32> = (0..members.len())
            .map(|i| {
                members.columns[program.member.link]
                    .org(i)
                    .unwrap_or(u32::MAX)
            })
            .collect();
        let org_parent: Vec<u32> = (0..n)
            .map(|i| {
                organisations.columns[program.organisation.link]
                    .org(i)
                    .unwrap_or(u32::MAX)
            })
            .collect();
        let org_members = Children::build(n, member_org.iter().copied());
        let org_children = Children::build(n, org_parent.iter().copied());
        // Post-order without recursion: a child is listed before its parent.
        let mut bottom_up = Vec::with_capacity(n);
        let mut stack: Vec<(u32, usize)> = Vec::new();
        for root in (0..n as u32).filter(|&o| org_parent[o as usize] == u32::MAX) {
            stack.push((root, 0));
            while let Some((o, next)) = stack.pop() {
                let kids = org_children.of(o);
                if next < kids.len() {
                    stack.push((o, next + 1));
                    stack.push((kids[next], 0));
                } else {
                    bottom_up.push(o);
                }
            }
        }
        if bottom_up.len() < n {
            let mut reached = vec![false; n];
            for &o in &bottom_up {
                reached[o as usize] = true;
            }
            return Err((0..n as u32).filter(|&o| !reached[o as usize]).collect());
        }
        Ok(Dataset {
            dir,
            members,
            organisations,
            member_org,
            org_parent,
            org_members,
            org_children,
            bottom_up,
        })
    }
}

/// Loads and validates the dataset in `dir` against the program's schemas.
pub fn load_dir(program: &Program, dir: &Path) -> Result<Dataset, DataErrors> {
    let (raw_orgs, raw_members) = read_dir(dir)?;
    load_rows(program, dir, &raw_orgs, &raw_members, &Skip::default()).map_err(DataErrors)
}

/// As [`load_dir`], but a row with a problem is left out (with whatever
/// then refers to it) instead of stopping the load; returns the dataset and
/// every problem of the rows left out. Problems of a whole file (a missing
/// column, an unreadable file) still stop it.
pub fn load_dir_skipping(
    program: &Program,
    dir: &Path,
) -> Result<(Dataset, Vec<DataError>), DataErrors> {
    let (raw_orgs, raw_members) = read_dir(dir)?;
    let mut skip = Skip::default();
    let mut skipped = Vec::new();
    loop {
        match load_rows(program, dir, &raw_orgs, &raw_members, &skip) {
            Ok(d) => return Ok((d, skipped)),
            Err(errors) => {
                // Each pass leaves out at least one more row, so this ends.
                let mut progress = false;
                for e in &errors {
                    let Some(row) = e.row.filter(|&r| r > 1) else {
                        return Err(DataErrors(errors));
                    };
                    let set = if e.file == raw_orgs.file {
                        &mut skip.organisations
                    } else {
                        &mut skip.members
                    };
                    progress |= set.insert(row);
                }
                if !progress {
                    return Err(DataErrors(errors));
                }
                skipped.extend(errors);
            }
        }
    }
}

/// Lines left out of each file.
#[derive(Default)]
struct Skip {
    organisations: std::collections::HashSet<usize>,
    members: std::collections::HashSet<usize>,
}

fn read_dir(dir: &Path) -> Result<(RawTable, RawTable), DataErrors> {
    let mut errors = Vec::new();
    if !dir.is_dir() {
        let file = dir.display().to_string();
        return Err(DataErrors(vec![DataError {
            file,
            row: None,
            column: None,
            problem: Problem::NoFolder,
        }]));
    }
    let raw_orgs = read::read_table(dir, "organisations", &mut errors);
    let raw_members = read::read_table(dir, "members", &mut errors);
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
    let parsers = parse::Parsers::new(program);
    // Organisations first, so members' references resolve as they are read.
    let (mut orgs, parent_refs) = typed(
        &program.organisation,
        raw_orgs,
        &parsers,
        None,
        &skip.organisations,
        &mut errors,
    );
    let org_ids = index_ids(&orgs, program.organisation.id, &mut errors);
    let org_ids: HashMap<String, u32> = org_ids
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    resolve(
        &mut orgs,
        program.organisation.link,
        parent_refs,
        &org_ids,
        &mut errors,
    );
    let (members, _) = typed(
        &program.member,
        raw_members,
        &parsers,
        Some(&org_ids),
        &skip.members,
        &mut errors,
    );
    index_ids(&members, program.member.id, &mut errors);
    if !errors.is_empty() {
        errors.sort_by(|a, b| {
            (a.file != raw_orgs.file, a.row).cmp(&(b.file != raw_orgs.file, b.row))
        });
        return Err(errors);
    }
    let cycles = cycle_errors(program, &orgs);
    if !cycles.is_empty() {
        return Err(cycles);
    }
    Dataset::assemble(program, dir.to_path_buf(), members, orgs)
        .map_err(|_| cycle_errors(program, &Table::new(&program.organisation, &raw_orgs.file)))
}

/// Organisation references left to resolve: (record, field slot, id).
type Refs = Vec<(usize, usize, String)>;

/// Parses every cell into its field's type. Organisation references are
/// resolved through `orgs` when given, else returned for later.
fn typed(
    schema: &SchemaInfo,
    raw: &RawTable,
    parsers: &parse::Parsers,
    orgs: Option<&HashMap<String, u32>>,
    skip: &std::collections::HashSet<usize>,
    errors: &mut Vec<DataError>,
) -> (Table, Refs) {
    let mut table = Table::new(schema, &raw.file);
    let mut refs = Vec::new();
    // Which header cell gives each field.
    let lower: Vec<String> = raw.header.iter().map(|h| h.to_lowercase()).collect();
    let mut source: Vec<Option<usize>> = Vec::with_capacity(schema.fields.len());
    for f in &schema.fields {
        let mut found: Option<usize> = None;
        for col in &f.columns {
            let want = col.to_lowercase();
            if let Some(pos) = lower.iter().position(|h| *h == want) {
                match found {
                    Some(first) if first != pos => errors.push(DataError {
                        file: raw.file.clone(),
                        row: Some(1),
                        column: Some(raw.header[pos].clone()),
                        problem: Problem::DuplicateColumn {
                            field: f.name.clone(),
                            other: raw.header[first].clone(),
                        },
                    }),
                    _ => found = Some(pos),
                }
            }
        }
        if found.is_none() && f.default.is_none() && !f.optional {
            errors.push(DataError {
                file: raw.file.clone(),
                row: Some(1),
                column: None,
                problem: Problem::MissingColumn {
                    field: f.name.clone(),
                    accepted: f
                        .columns
                        .iter()
                        .map(|c| format!("\"{c}\""))
                        .collect::<Vec<_>>()
                        .join(" or "),
                },
            });
        }
        source.push(found);
    }
    let column_name = |slot: usize| {
        Some(
            source[slot]
                .map(|c| raw.header[c].clone())
                .unwrap_or_else(|| schema.fields[slot].name.clone()),
        )
    };
    let mut values = vec![Value::None; schema.fields.len()];
    let mut row_errors = Vec::new();
    raw.for_each_row(&mut row_errors, |line, cells| {
        if skip.contains(&line) {
            return;
        }
        if cells.len() != raw.header.len() {
            errors.push(DataError {
                file: raw.file.clone(),
                row: Some(line),
                column: None,
                problem: Problem::CellCount {
                    found: cells.len(),
                    expected: raw.header.len(),
                },
            });
            return;
        }
        let mut problem = |slot: usize, problem: Problem| {
            errors.push(DataError {
                file: raw.file.clone(),
                row: Some(line),
                column: column_name(slot),
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
            values[slot] = if cell.is_empty() {
                match (&f.default, f.optional) {
                    (Some(d), _) => d.clone(),
                    (None, true) => Value::None,
                    // A missing column is reported once, not on every row.
                    (None, false) if source[slot].is_none() => Value::None,
                    (None, false) => {
                        problem(
                            slot,
                            Problem::MissingValue {
                                field: f.name.clone(),
                            },
                        );
                        Value::None
                    }
                }
            } else if f.ty == Ty::Org {
                match orgs {
                    Some(ids) => match ids.get(cell) {
                        Some(&o) => Value::Org(o),
                        None => {
                            problem(
                                slot,
                                Problem::UnknownOrganisation {
                                    id: cell.to_string(),
                                },
                            );
                            Value::None
                        }
                    },
                    None => {
                        refs.push((table.len(), slot, cell.to_string()));
                        Value::None
                    }
                }
            } else {
                match parsers.parse(f.ty, cell) {
                    Ok(v) => v,
                    Err(expected) => {
                        problem(
                            slot,
                            Problem::WrongType {
                                value: cell.to_string(),
                                expected,
                            },
                        );
                        Value::None
                    }
                }
            };
        }
        table.push(&values, line as u32);
    });
    errors.extend(row_errors);
    (table, refs)
}

/// Id → index; reports duplicates.
fn index_ids<'t>(
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
            errors.push(DataError {
                file: table.file.clone(),
                row: Some(table.lines[i] as usize),
                column: None,
                problem: Problem::DuplicateId {
                    id: id.to_string(),
                    first_row: table.lines[first as usize] as usize,
                },
            });
        } else {
            ids.insert(id, i as u32);
        }
    }
    ids
}

fn resolve(
    table: &mut Table,
    link: usize,
    refs: Refs,
    org_ids: &HashMap<String, u32>,
    errors: &mut Vec<DataError>,
) {
    for (row, _slot, id) in refs {
        match org_ids.get(&id) {
            Some(&o) => table.columns[link].set_org(row, o),
            None => errors.push(DataError {
                file: table.file.clone(),
                row: Some(table.lines[row] as usize),
                column: None,
                problem: Problem::UnknownOrganisation { id },
            }),
        }
    }
}

/// One error per cycle in the parent links, on the row of its first
/// member, naming the whole circle.
fn cycle_errors(program: &Program, orgs: &Table) -> Vec<DataError> {
    let n = orgs.len();
    let link = &orgs.columns[program.organisation.link];
    let ids = &orgs.columns[program.organisation.id];
    // 0 = unvisited, 1 = on the current walk, 2 = done.
    let mut state = vec![0u8; n];
    let mut errors = Vec::new();
    for start in 0..n {
        let mut walk = Vec::new();
        let mut o = start;
        let mut reached_root = false;
        while state[o] == 0 {
            state[o] = 1;
            walk.push(o);
            match link.org(o) {
                Some(p) => o = p as usize,
                None => {
                    reached_root = true;
                    break;
                }
            }
        }
        if !reached_root && state[o] == 1 {
            if let Some(pos) = walk.iter().position(|&w| w == o) {
                let circle: Vec<&str> = walk[pos..]
                    .iter()
                    .chain(std::iter::once(&o))
                    .map(|&w| ids.text(w))
                    .collect();
                let first = *walk[pos..].iter().min().unwrap_or(&o);
                errors.push(DataError {
                    file: orgs.file.clone(),
                    row: Some(orgs.lines[first] as usize),
                    column: None,
                    problem: Problem::Cycle {
                        path: circle.join(" → "),
                    },
                });
            }
        }
        for w in walk {
            state[w] = 2;
        }
    }
    errors
}
