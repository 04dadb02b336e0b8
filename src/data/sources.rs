//! Where each table of a dataset is: which file of the folder, and which
//! sheet of a workbook.
//!
//! A table is a file named for it (`members.csv`, `Đảng viên.xlsx`,
//! `to_chuc.json`, …, names compared as a person reads them) or, when no
//! file is, a sheet named for it in the folder's workbooks (one
//! `du_lieu.xlsx` with sheets "Tổ chức" and "Đảng viên"). The data path
//! may also be that workbook itself. Two candidates for one table are an
//! error, never a silent choice; `--members-sheet` and
//! `--organisations-sheet` name the sheet where the names do not say it.

use std::path::{Path, PathBuf};

use super::error::{DataError, Problem};
use super::header::fold;
use super::workbook::{Workbook, EXTENSIONS as WORKBOOK_ENDINGS, SHEET_MARK};

/// The two tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stem {
    Organisations,
    Members,
}

impl Stem {
    pub fn english(self) -> &'static str {
        match self {
            Stem::Organisations => "organisations",
            Stem::Members => "members",
        }
    }
    /// The sheet name staff would give the table.
    pub fn vietnamese(self) -> &'static str {
        match self {
            Stem::Organisations => "Tổ chức",
            Stem::Members => "Đảng viên",
        }
    }
    /// The names (folded) a file or sheet of this table may have.
    fn names(self) -> &'static [&'static str] {
        match self {
            Stem::Organisations => &[
                "organisations",
                "organizations",
                "to chuc",
                "to chuc dang",
                "danh sach to chuc",
            ],
            Stem::Members => &["members", "dang vien", "danh sach dang vien"],
        }
    }
    fn is_named(self, name: &str) -> bool {
        let folded = fold(&name.replace(['_', '-'], " "));
        self.names().contains(&folded.as_str())
    }
}

/// The sheets the user named, where the guess is not enough.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SheetChoice {
    pub members: Option<String>,
    pub organisations: Option<String>,
}

impl SheetChoice {
    fn of(&self, stem: Stem) -> Option<&str> {
        match stem {
            Stem::Organisations => self.organisations.as_deref(),
            Stem::Members => self.members.as_deref(),
        }
    }
}

/// Where a table is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A delimited or JSON file.
    Text { path: PathBuf, is_json: bool },
    /// A sheet of a workbook.
    Sheet { path: PathBuf, sheet: String },
}

const TEXT_ENDINGS: [&str; 4] = ["csv", "txt", "tsv", "json"];

fn ending(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

/// Whether a file at `path` would be read as one of a dataset's tables
/// (`members.json`, `Đảng viên.xlsx`, …) were it in the data folder.
pub fn names_a_table(path: &Path) -> bool {
    let readable = is_workbook(path) || TEXT_ENDINGS.contains(&ending(path).as_str());
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    readable
        && [Stem::Organisations, Stem::Members]
            .iter()
            .any(|t| t.is_named(&stem))
}

pub fn is_workbook(path: &Path) -> bool {
    WORKBOOK_ENDINGS.contains(&ending(path).as_str())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The files of the folder that may hold data: regular, readable names,
/// not Excel's lock files (`~$members.xlsx`) nor hidden ones.
fn candidates(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        // Not only regular files: a `members.csv` that is a folder, a
        // FIFO or a link to a device is found here and refused when read,
        // with what it is, rather than said to be missing.
        .filter(|p| {
            let name = file_name(p);
            !name.starts_with("~$") && !name.starts_with('.')
        })
        .filter(|p| is_workbook(p) || TEXT_ENDINGS.contains(&ending(p).as_str()))
        .collect();
    out.sort();
    out
}

/// Every file under `data` that could hold a table (the workbook itself
/// when `data` is one): what an output must never be written over.
pub fn table_files(data: &Path) -> Vec<PathBuf> {
    if data.is_file() {
        return vec![data.to_path_buf()];
    }
    candidates(data)
}

/// Where `stem`'s table is under `data` (a folder, or a workbook).
pub fn locate(data: &Path, stem: Stem, sheets: &SheetChoice) -> Result<Source, Box<DataError>> {
    let place = data.display().to_string();
    if data.is_file() {
        if !is_workbook(data) {
            return Err(Box::new(DataError::file(&place, Problem::NotAFolder)));
        }
        return sheet_of(data, stem, sheets);
    }
    let files = candidates(data);
    let own: Vec<&PathBuf> = files
        .iter()
        .filter(|p| {
            p.file_stem()
                .is_some_and(|s| stem.is_named(&s.to_string_lossy()))
        })
        .collect();
    match own.as_slice() {
        [one] if is_workbook(one) => sheet_of(one, stem, sheets),
        [one] => Ok(Source::Text {
            path: one.to_path_buf(),
            is_json: ending(one) == "json",
        }),
        [_, _, ..] => Err(Box::new(DataError::file(
            &place,
            Problem::TwoFiles {
                stem: stem.english(),
                names: quoted(own.iter().map(|p| file_name(p))),
            },
        ))),
        [] => in_some_workbook(&place, &files, stem, sheets),
    }
}

/// The table's sheet in a workbook file named for it (or the one given).
fn sheet_of(path: &Path, stem: Stem, sheets: &SheetChoice) -> Result<Source, Box<DataError>> {
    let names = sheet_names(path)?;
    let chosen = match sheets.of(stem) {
        Some(want) => find_sheet(&names, want),
        None => match names.as_slice() {
            [only] => Some(only.clone()),
            _ => names.iter().find(|n| stem.is_named(n)).cloned(),
        },
    };
    chosen
        .map(|sheet| Source::Sheet {
            path: path.to_path_buf(),
            sheet,
        })
        .ok_or_else(|| {
            Box::new(DataError::file(
                &file_name(path),
                Problem::WhichSheet {
                    stem: stem.english(),
                    wanted_words: match sheets.of(stem) {
                        Some(want) => format!("the workbook has no sheet \"{want}\""),
                        None => format!(
                            "none of the workbook's sheets is named for the {} table",
                            stem.english()
                        ),
                    },
                    sheets: quoted(names.iter().cloned()),
                    sheet: stem.vietnamese(),
                },
            ))
        })
}

/// A sheet by its name as a person reads it.
fn find_sheet(names: &[String], want: &str) -> Option<String> {
    names
        .iter()
        .find(|n| *n == want)
        .or_else(|| names.iter().find(|n| fold(n) == fold(want)))
        .cloned()
}

fn sheet_names(path: &Path) -> Result<Vec<String>, Box<DataError>> {
    let name = file_name(path);
    let bytes = crate::files::read_regular(path, crate::files::MAX_DATA_BYTES, "data file")
        .map_err(|e| {
            Box::new(DataError::file(
                &name,
                Problem::Unreadable { reason: e.reason() },
            ))
        })?;
    Workbook::open(&name, bytes)
        .map(|w| w.sheet_names())
        .map_err(|reason| Box::new(DataError::file(&name, Problem::Unreadable { reason })))
}

/// No file is named for the table: a sheet named for it in one of the
/// folder's workbooks.
fn in_some_workbook(
    place: &str,
    files: &[PathBuf],
    stem: Stem,
    sheets: &SheetChoice,
) -> Result<Source, Box<DataError>> {
    let mut found = Vec::new();
    let mut workbooks = Vec::new();
    for path in files.iter().filter(|p| is_workbook(p)) {
        workbooks.push(file_name(path));
        let names = sheet_names(path)?;
        let sheet = match sheets.of(stem) {
            Some(want) => find_sheet(&names, want),
            None => names.iter().find(|n| stem.is_named(n)).cloned(),
        };
        if let Some(sheet) = sheet {
            found.push(Source::Sheet {
                path: path.clone(),
                sheet,
            });
        }
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(Box::new(DataError::file(
            place,
            Problem::MissingFile {
                stem: stem.english(),
                sheet: stem.vietnamese(),
                hint: match workbooks.is_empty() {
                    true => String::new(),
                    false => format!(
                        "; the workbooks here ({}) have no sheet of that name: give it with --{}-sheet",
                        quoted(workbooks.into_iter()),
                        stem.english()
                    ),
                },
            },
        ))),
        _ => Err(Box::new(DataError::file(
            place,
            Problem::TwoFiles {
                stem: stem.english(),
                names: quoted(found.iter().map(describe)),
            },
        ))),
    }
}

/// A source as messages name it: `members.csv`, `du_lieu.xlsx › Đảng viên`.
pub fn describe(source: &Source) -> String {
    match source {
        Source::Text { path, .. } => file_name(path),
        Source::Sheet { path, sheet } => format!("{}{SHEET_MARK}{sheet}", file_name(path)),
    }
}

fn quoted(names: impl Iterator<Item = String>) -> String {
    names
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::Stem;

    #[test]
    fn tables_are_known_by_their_vietnamese_names_too() {
        for name in [
            "members",
            "Members",
            "Đảng viên",
            "dang_vien",
            "DANH SÁCH ĐẢNG VIÊN",
        ] {
            assert!(Stem::Members.is_named(name), "{name}");
        }
        for name in ["organisations", "Tổ chức", "to-chuc", "organizations"] {
            assert!(Stem::Organisations.is_named(name), "{name}");
        }
        assert!(!Stem::Members.is_named("members2"));
    }
}
