//! Where an output goes and in which form: `--format`, or the ending of
//! `--out` (`r.xlsx` is a workbook), the two never contradicting each
//! other; `--out -` is standard output; a file is written atomically and
//! never over an input.

use std::path::{Path, PathBuf};

use clap::ValueEnum;

use super::{write_atomically, Io};

/// Every output form. Each command accepts some of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The summary table, for a terminal.
    Table,
    Json,
    /// One row per entity, for Excel: UTF-8 with a byte-order mark, CRLF,
    /// Vietnamese headers and full grade names.
    Csv,
    /// One row per entity, for scripts: English column names and grade codes.
    CsvData,
    /// The report as Markdown (also `.txt`).
    Md,
    /// The report as one self-contained web page.
    Html,
    /// The report as an Excel workbook.
    Xlsx,
    /// The report as a Word document.
    Docx,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::CsvData => "csv-data",
            Format::Md => "md",
            Format::Html => "html",
            Format::Xlsx => "xlsx",
            Format::Docx => "docx",
        }
    }

    /// The form a file name's ending says, if it says one.
    fn of_path(path: &Path) -> Option<Format> {
        let ending = ending(path)?;
        Some(match ending.as_str() {
            "json" => Format::Json,
            "csv" => Format::Csv,
            "md" | "txt" => Format::Md,
            "html" | "htm" => Format::Html,
            "xlsx" => Format::Xlsx,
            "docx" => Format::Docx,
            _ => return None,
        })
    }

    /// Whether `path`'s ending fits this form (`.txt` holds a table too,
    /// `.csv` either CSV).
    fn fits(self, path: &Path) -> bool {
        match Format::of_path(path) {
            None => true,
            Some(Format::Md) => matches!(self, Format::Md | Format::Table),
            Some(Format::Csv) => matches!(self, Format::Csv | Format::CsvData),
            Some(f) => f == self,
        }
    }
}

fn ending(path: &Path) -> Option<String> {
    Some(path.extension()?.to_string_lossy().to_lowercase())
}

/// Endings of forms no command writes: a text written under one of these
/// names would open as garbage (or not at all) in the program it names.
const FOREIGN: [&str; 10] = [
    "xls", "xlsm", "xlsb", "ods", "doc", "odt", "rtf", "pdf", "zip", "pptx",
];

/// Where to write: a file, or standard output.
pub enum Target {
    Stdout,
    File(PathBuf),
}

impl Target {
    pub fn of(out: Option<&Path>) -> Target {
        match out {
            Some(p) if p != Path::new("-") => Target::File(p.to_path_buf()),
            _ => Target::Stdout,
        }
    }
}

/// The form to write: the one asked for, or the one the file's name
/// says, or `default`; a form the command does not write, or a name
/// that says another form, is refused with what to do instead.
pub fn resolve(
    asked: Option<Format>,
    target: &Target,
    allowed: &[Format],
    default: Format,
    command: &str,
) -> Result<Format, String> {
    let path = match target {
        Target::File(p) => Some(p.as_path()),
        Target::Stdout => None,
    };
    if let Some(foreign) = path
        .and_then(ending)
        .filter(|e| FOREIGN.contains(&e.as_str()))
    {
        return Err(format!(
            "--out names a .{foreign} file, a form xeploai does not write; use .docx for Word, .xlsx for Excel, .html, .md, .csv or .json"
        ));
    }
    let from_name = path.and_then(Format::of_path);
    let chosen = match (asked, path) {
        (Some(f), Some(p)) if !f.fits(p) => {
            return Err(format!(
                "--out {} names a .{} file but --format {} was asked for; give the file the ending of the form, or leave out --format",
                p.display(),
                p.extension().unwrap_or_default().to_string_lossy(),
                f.name()
            ))
        }
        (Some(f), _) => f,
        (None, _) => match from_name {
            // A table written to a .txt file.
            Some(Format::Md) if !allowed.contains(&Format::Md) => Format::Table,
            Some(f) => f,
            None => default,
        },
    };
    if allowed.contains(&chosen) {
        return Ok(chosen);
    }
    let names: Vec<&str> = allowed.iter().map(|f| f.name()).collect();
    let mut why = format!(
        "`xeploai {command}` writes {}, not {}",
        names.join(", "),
        chosen.name()
    );
    if command == "grade" {
        why.push_str(&format!(
            "; the report in Word, Excel or HTML is `xeploai report RULES --data DIR --out report.{}`",
            chosen.name()
        ));
    }
    Err(why)
}

/// Writes `bytes` to the target: a file atomically, never over one of
/// `inputs`; `-` or no `--out` to standard output.
pub fn emit(bytes: &[u8], target: &Target, inputs: &[PathBuf], io: &mut Io) -> i32 {
    let path = match target {
        Target::Stdout => {
            let _ = io.out.write_all(bytes);
            return 0;
        }
        Target::File(p) => p,
    };
    // A table's name in a data folder would be read as a second table
    // on the next run (members.csv beside members.json is an error).
    let folder = |p: &Path| std::fs::canonicalize(p).ok();
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let into_data = inputs
        .iter()
        .filter_map(|i| i.parent())
        .any(|d| folder(d).is_some() && folder(d) == folder(parent));
    // (An existing one is an input, refused as such below.)
    if into_data && !path.exists() && crate::data::names_a_table(path) {
        let _ = writeln!(
            io.err,
            "--out {}: a file of that name in the data folder would be read as one of its tables; write it elsewhere or under another name",
            path.display()
        );
        return 1;
    }
    if let Err(e) = write_atomically(path, bytes, inputs) {
        let _ = writeln!(io.err, "{e}");
        return 1;
    }
    let _ = writeln!(io.err, "wrote {}", path.display());
    0
}

/// The files a run read, and those its data folders could hold: an
/// output is never written over one of them.
pub fn inputs_of(
    programs: &[&crate::program::Program],
    datasets: &[&crate::data::Dataset],
) -> Vec<PathBuf> {
    let mut inputs: Vec<PathBuf> = programs
        .iter()
        .flat_map(|p| p.sources.files().iter().map(|f| f.path.clone()))
        .collect();
    for d in datasets {
        inputs.extend(d.files.iter().cloned());
        // The files a dataset folder could hold, read this time or not.
        for stem in ["members", "organisations"] {
            for ext in ["csv", "json"] {
                inputs.push(d.dir.join(format!("{stem}.{ext}")));
            }
        }
    }
    inputs
}

#[cfg(test)]
mod tests {
    use super::*;

    const GRADE: [Format; 4] = [Format::Table, Format::Json, Format::Csv, Format::CsvData];

    fn file(name: &str) -> Target {
        Target::File(PathBuf::from(name))
    }

    #[test]
    fn the_form_follows_the_name_unless_asked() {
        let r = |asked, target: &Target| resolve(asked, target, &GRADE, Format::Table, "grade");
        assert_eq!(r(None, &file("x.csv")), Ok(Format::Csv));
        assert_eq!(r(None, &file("x.JSON")), Ok(Format::Json));
        assert_eq!(r(None, &file("x.txt")), Ok(Format::Table));
        assert_eq!(r(None, &file("x.out")), Ok(Format::Table));
        assert_eq!(r(None, &Target::Stdout), Ok(Format::Table));
        assert_eq!(
            r(Some(Format::CsvData), &file("x.csv")),
            Ok(Format::CsvData)
        );
        assert_eq!(
            r(Some(Format::Json), &Target::of(Some(Path::new("-")))),
            Ok(Format::Json)
        );
        let clash = r(Some(Format::Json), &file("x.csv")).unwrap_err();
        assert!(
            clash.starts_with("--out x.csv names a .csv file but --format json"),
            "{clash}"
        );
        let report = r(None, &file("r.xlsx")).unwrap_err();
        assert!(
            report.contains("`xeploai report RULES --data DIR --out report.xlsx`"),
            "{report}"
        );
        let foreign = r(None, &file("r.xls")).unwrap_err();
        assert!(foreign.starts_with("--out names a .xls file"), "{foreign}");
    }
}
