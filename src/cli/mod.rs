//! The command line: `check`, `grade`, `explain`, `test`. Everything here
//! calls the library's stages; [`run`] takes its arguments and output
//! streams, so tests drive it exactly as the binary does.

mod diff;
mod fmt;
mod output;
mod report;
mod template;
mod test;

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

pub use crate::files::write_atomically;
pub use crate::render::render;
pub use output::Format;
pub use test::rules_files;

use crate::check::{self, is_warning, Checked};
use crate::report::NumberStyle;

#[derive(Debug, Parser)]
#[command(
    name = "xeploai",
    version,
    about = "Grade party members and organisations by a year's rules (kiểm điểm, xếp loại chất lượng)",
    after_help = "Example:\n  xeploai grade rules/2021.rules --data examples/yen-the-2021"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Where the dataset is, and which sheets hold its tables.
#[derive(Debug, Clone, clap::Args)]
pub struct DataArgs {
    /// The dataset: a folder with the organisations and members tables
    /// (.csv, .json, or workbooks .xlsx/.xls/.xlsb/.ods), or one workbook
    /// whose sheets are the tables.
    #[arg(long)]
    pub data: PathBuf,
    /// The sheet of the members table, where the sheets' names do not say it.
    #[arg(long, value_name = "SHEET")]
    pub members_sheet: Option<String>,
    /// The sheet of the organisations table, where the names do not say it.
    #[arg(long, value_name = "SHEET")]
    pub organisations_sheet: Option<String>,
}

impl DataArgs {
    pub fn sheets(&self) -> crate::data::SheetChoice {
        crate::data::SheetChoice {
            members: self.members_sheet.clone(),
            organisations: self.organisations_sheet.clone(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse and check rules files; print every problem found.
    #[command(
        after_help = "Example:\n  xeploai check rules/2021.rules rules/bac-giang/yen-the-2021.rules"
    )]
    Check {
        /// Rules files to check.
        #[arg(required = true)]
        rules: Vec<PathBuf>,
    },
    /// Grade every member and organisation of a dataset.
    #[command(
        after_help = "Examples:\n  xeploai grade rules/2021.rules --data examples/yen-the-2021\n  xeploai grade rules/2021.rules --data examples/yen-the-2021 --set excellent_cap=30% --format json --out result.json"
    )]
    Grade {
        /// The rules file.
        rules: PathBuf,
        #[command(flatten)]
        data: DataArgs,
        /// Output form: the summary table, JSON, CSV for Excel, or CSV for
        /// scripts (csv-data); by default the ending of --out, else table.
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Write to this file (atomically) instead of standard output; `-`
        /// is standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Override a parameter, e.g. `--set excellent_cap=30%`.
        #[arg(long = "set", value_name = "NAME=VALUE", value_parser = parse_set)]
        set: Vec<(String, String)>,
        /// Number style of the table: vi (4.336; 19,0%) or en (4,336; 19.0%).
        #[arg(long, value_enum, default_value = "vi")]
        numbers: NumberStyle,
        /// Leave out rows with problems (and what refers to them), list
        /// them, and grade the rest, instead of stopping.
        #[arg(long)]
        skip_bad_rows: bool,
    },
    /// Show why one member or organisation got its grade.
    #[command(
        after_help = "Example:\n  xeploai explain rules/2021.rules --data examples/yen-the-2021 DV00001"
    )]
    Explain {
        /// The rules file.
        rules: PathBuf,
        #[command(flatten)]
        data: DataArgs,
        /// The id of a member or an organisation.
        id: String,
        /// Override a parameter, e.g. `--set excellent_cap=30%`.
        #[arg(long = "set", value_name = "NAME=VALUE", value_parser = parse_set)]
        set: Vec<(String, String)>,
    },
    /// Who changes grade between two rule sets (or parameter settings) on one dataset.
    #[command(
        after_help = "Examples:\n  xeploai diff rules/2021.rules rules/2023.rules --data examples/yen-the-2021\n  xeploai diff rules/2021.rules rules/2021.rules --data examples/yen-the-2021 --set-new excellent_cap=30%\n  xeploai diff rules/2021.rules rules/2025.rules --data examples/yen-the-2021 --format json"
    )]
    Diff {
        /// The rules before (last year's).
        old: PathBuf,
        /// The rules after (the new guidance).
        new: PathBuf,
        #[command(flatten)]
        data: DataArgs,
        /// Table, JSON, CSV (one row per changed entity; csv for Excel,
        /// csv-data for scripts), xlsx (matrices and lists) or html (heat
        /// maps); by default the ending of --out, else table.
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Write to this file (atomically) instead of standard output; `-`
        /// is standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Override a parameter on both sides.
        #[arg(long = "set", value_name = "NAME=VALUE", value_parser = parse_set)]
        set: Vec<(String, String)>,
        /// Override a parameter of the old rules only.
        #[arg(long = "set-old", value_name = "NAME=VALUE", value_parser = parse_set)]
        set_old: Vec<(String, String)>,
        /// Override a parameter of the new rules only.
        #[arg(long = "set-new", value_name = "NAME=VALUE", value_parser = parse_set)]
        set_new: Vec<(String, String)>,
        /// How many changed entities the table lists (JSON and CSV list all).
        #[arg(long, default_value = "50")]
        limit: usize,
    },
    /// The report sent to the level above, in Word, Excel, HTML, Markdown, CSV or JSON.
    #[command(
        after_help = "Examples:\n  xeploai report rules/2021.rules --data examples/yen-the-2021 --out bao_cao_2021.docx\n  xeploai report rules/2021.rules --data examples/yen-the-2021 --unit DB03 --out db03.xlsx\n  xeploai report rules/2021.rules --data examples/yen-the-2021 --format md --out -"
    )]
    Report {
        /// The rules file.
        rules: PathBuf,
        #[command(flatten)]
        data: DataArgs,
        /// Report only this organisation and what is under it (its id).
        #[arg(long, value_name = "ID")]
        unit: Option<String>,
        /// The form; by default the ending of --out (.docx, .xlsx, .html,
        /// .md, .csv, .json).
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// The file to write (atomically); `-` is standard output.
        #[arg(long)]
        out: PathBuf,
        /// Override a parameter, e.g. `--set excellent_cap=30%`.
        #[arg(long = "set", value_name = "NAME=VALUE", value_parser = parse_set)]
        set: Vec<(String, String)>,
        /// Leave out rows with problems (and what refers to them), list
        /// them, and report on the rest.
        #[arg(long)]
        skip_bad_rows: bool,
    },
    /// Format rules files canonically (comments kept); --check only reports.
    #[command(
        after_help = "Examples:\n  xeploai fmt rules/\n  xeploai fmt --check rules/2025.rules"
    )]
    Fmt {
        /// Rules files, or folders searched for *.rules.
        #[arg(required = true)]
        rules: Vec<PathBuf>,
        /// Change nothing; exit 1 if a file is not formatted.
        #[arg(long)]
        check: bool,
    },
    /// What-if session: change rules, see who would be graded differently.
    #[command(
        after_help = "Example:\n  xeploai repl rules/2021.rules --data examples/yen-the-2021\n\nType :help inside for the commands. From a pipe, lines are read without prompts."
    )]
    Repl {
        /// The rules file to start from.
        rules: Option<PathBuf>,
        /// The dataset folder.
        #[arg(long)]
        data: Option<PathBuf>,
    },
    /// Run the tests written in rules files (files or folders of them).
    #[command(after_help = "Example:\n  xeploai test rules/")]
    Test {
        /// Rules files, or folders searched for *.rules.
        #[arg(required = true)]
        rules: Vec<PathBuf>,
        /// Record the current outcomes as the golden ones (after review).
        #[arg(long)]
        accept: bool,
        /// With --accept: also record a golden outcome on this dataset.
        #[arg(long, requires = "accept")]
        data: Option<PathBuf>,
    },
    /// Write an empty workbook to fill in: the sheets and headers the rules read.
    #[command(
        after_help = "Example:\n  xeploai template rules/2025.rules --out du_lieu_2025.xlsx\n\nFill in the sheets \"Tổ chức\" and \"Đảng viên\", then: xeploai grade rules/2025.rules --data du_lieu_2025.xlsx"
    )]
    Template {
        /// The rules file whose schemas the workbook follows.
        rules: PathBuf,
        /// The workbook to write (.xlsx).
        #[arg(long)]
        out: PathBuf,
    },
}

/// A `NAME=VALUE` parameter override.
type Setting = (String, String);

fn parse_set(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.trim().to_string())),
        _ => Err(format!("expected NAME=VALUE, got `{s}`")),
    }
}

/// Where a command writes, and how diagnostics look.
pub struct Io<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
    pub color: bool,
    pub width: usize,
}

impl Io<'_> {
    /// Prints a diagnostic as the CLI shows every problem.
    pub fn report(&mut self, d: impl miette::Diagnostic + Send + Sync + 'static) {
        let text = render(&miette::Report::new(d), self.color, self.width);
        let _ = write!(self.err, "{text}");
    }
}

/// Runs one command line; returns the exit code (0 ok, 1 rule, data or
/// test failures, 2 usage).
pub fn run(args: impl IntoIterator<Item = OsString>, io: &mut Io) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let text = e.render().to_string();
            let _ = if e.use_stderr() {
                write!(io.err, "{text}")
            } else {
                write!(io.out, "{text}")
            };
            return e.exit_code();
        }
    };
    match cli.command {
        Command::Check { rules } => cmd_check(&rules, io),
        Command::Grade {
            rules,
            data,
            format,
            out,
            set,
            numbers,
            skip_bad_rows,
        } => {
            let options = GradeOptions {
                format,
                out: out.as_deref(),
                set: &set,
                numbers,
                skip_bad_rows,
            };
            cmd_grade(&rules, &data, &options, io)
        }
        Command::Explain {
            rules,
            data,
            id,
            set,
        } => cmd_explain(&rules, &data, &id, &set, io),
        Command::Test {
            rules,
            accept,
            data,
        } => test::cmd_test(&rules, accept, data.as_deref(), io),
        Command::Repl { rules, data } => cmd_repl(rules.as_deref(), data.as_deref(), io),
        Command::Fmt { rules, check } => fmt::cmd_fmt(&rules, check, io),
        Command::Template { rules, out } => template::cmd_template(&rules, &out, io),
        Command::Report {
            rules,
            data,
            unit,
            format,
            out,
            set,
            skip_bad_rows,
        } => {
            let options = report::ReportOptions {
                unit: unit.as_deref(),
                format,
                out: &out,
                set: &set,
                skip_bad_rows,
            };
            report::cmd_report(&rules, &data, &options, io)
        }
        Command::Diff {
            old,
            new,
            data,
            format,
            out,
            set,
            set_old,
            set_new,
            limit,
        } => {
            let old_set: Vec<_> = set.iter().chain(&set_old).cloned().collect();
            let new_set: Vec<_> = set.iter().chain(&set_new).cloned().collect();
            diff::cmd_diff(
                &old,
                &new,
                &data,
                format,
                out.as_deref(),
                (&old_set, &new_set),
                limit,
                io,
            )
        }
    }
}

fn show_problems(problems: &[miette::Report], io: &mut Io) {
    let text = crate::render::render_all(problems, io.color, io.width);
    let _ = write!(io.err, "{text}");
}

/// Checks a rules file, printing its diagnostics; `None` on errors.
fn load_rules(path: &Path, io: &mut Io) -> Option<Checked> {
    match check::check_file(path) {
        Ok(c) => {
            show_problems(&c.warnings, io);
            Some(c)
        }
        Err(rejected) => {
            show_problems(&rejected.problems, io);
            let warnings = rejected.problems.len() - rejected.errors();
            let _ = writeln!(
                io.err,
                "{}: {} error(s), {} warning(s)",
                path.display(),
                rejected.errors(),
                warnings
            );
            None
        }
    }
}

fn cmd_check(rules: &[PathBuf], io: &mut Io) -> i32 {
    let mut failed = false;
    for path in rules {
        match load_rules(path, io) {
            Some(c) => {
                let p = &c.program;
                let _ = writeln!(
                    io.out,
                    "{}: ok — {} grading blocks, {} clauses, {} quotas, {} parameters, {} tests{}",
                    path.display(),
                    p.blocks.len(),
                    p.clauses.len(),
                    p.quotas.len(),
                    p.params.len(),
                    p.tests.len(),
                    if c.warnings.is_empty() {
                        String::new()
                    } else {
                        format!(", {} warning(s)", c.warnings.len())
                    }
                );
            }
            None => failed = true,
        }
    }
    i32::from(failed)
}

/// Rules and parameters, checked; `Err(code)` after reporting.
fn prepare_rules(
    rules: &Path,
    set: &[Setting],
    io: &mut Io,
) -> Result<(Checked, Vec<crate::value::Value>), i32> {
    let checked = load_rules(rules, io).ok_or(1)?;
    let params = crate::eval::params_with(&checked.program, set).map_err(|e| {
        io.report(e);
        2
    })?;
    Ok((checked, params))
}

/// The dataset read through the program's schemas; `Err(code)` after
/// reporting.
fn load_data(
    program: &crate::program::Program,
    data: &DataArgs,
    skip_bad_rows: bool,
    io: &mut Io,
) -> Result<crate::data::Dataset, i32> {
    load_data_counted(program, data, skip_bad_rows, io).map(|(d, _)| d)
}

/// As [`load_data`], with how many problems `--skip-bad-rows` left out.
fn load_data_counted(
    program: &crate::program::Program,
    data: &DataArgs,
    skip_bad_rows: bool,
    io: &mut Io,
) -> Result<(crate::data::Dataset, usize), i32> {
    let mut skipped = 0;
    let loaded = if skip_bad_rows {
        crate::data::load_dir_skipping(program, &data.data, &data.sheets()).map(|(d, left_out)| {
            for e in &left_out {
                let _ = writeln!(io.err, "left out: {e}");
            }
            if !left_out.is_empty() {
                let _ = writeln!(
                    io.err,
                    "{} problem(s); the rows above were left out and the rest graded",
                    left_out.len()
                );
            }
            skipped = left_out.len();
            d
        })
    } else {
        crate::data::load_dir_with(program, &data.data, &data.sheets())
    };
    let dataset = loaded.map_err(|errors| {
        let _ = writeln!(io.err, "{errors}");
        1
    })?;
    let _ = write!(io.err, "{}", dataset.warnings_text());
    Ok((dataset, skipped))
}

/// Rules, data and parameters, all checked; `Err(code)` after reporting.
fn prepare(
    rules: &Path,
    data: &DataArgs,
    set: &[Setting],
    skip_bad_rows: bool,
    io: &mut Io,
) -> Result<(Checked, crate::data::Dataset, Vec<crate::value::Value>), i32> {
    let (checked, params) = prepare_rules(rules, set, io)?;
    let dataset = load_data(&checked.program, data, skip_bad_rows, io)?;
    Ok((checked, dataset, params))
}

/// How `grade` reports.
struct GradeOptions<'a> {
    format: Option<Format>,
    out: Option<&'a Path>,
    set: &'a [Setting],
    numbers: NumberStyle,
    skip_bad_rows: bool,
}

fn cmd_grade(rules: &Path, data: &DataArgs, o: &GradeOptions, io: &mut Io) -> i32 {
    let target = output::Target::of(o.out);
    let allowed = [Format::Table, Format::Json, Format::Csv, Format::CsvData];
    let format = match output::resolve(o.format, &target, &allowed, Format::Table, "grade") {
        Ok(f) => f,
        Err(e) => {
            let _ = writeln!(io.err, "{e}");
            return 2;
        }
    };
    let numbers = o.numbers;
    let (checked, dataset, params) = match prepare(rules, data, o.set, o.skip_bad_rows, io) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let program = &checked.program;
    let Some(outcome) = grade_or_report(program, &dataset, &params, io) else {
        return 1;
    };
    let bytes = match format {
        Format::Table => {
            crate::report::table(program, &dataset, &outcome, &params, numbers).into_bytes()
        }
        Format::Json => {
            let report = crate::report::to_json(program, &dataset, &outcome, &params);
            (serde_json::to_string_pretty(&report).unwrap_or_default() + "\n").into_bytes()
        }
        Format::Csv => match crate::report::entities_csv_excel(program, &dataset, &outcome) {
            Ok(t) => t,
            Err(e) => {
                let _ = writeln!(io.err, "cannot write CSV: {e}");
                return 1;
            }
        },
        _ => match crate::report::entities_csv(program, &dataset, &outcome) {
            Ok(t) => t.into_bytes(),
            Err(e) => {
                let _ = writeln!(io.err, "cannot write CSV: {e}");
                return 1;
            }
        },
    };
    let inputs = output::inputs_of(&[program], &[&dataset]);
    output::emit(&bytes, &target, &inputs, io)
}

fn cmd_explain(
    rules: &Path,
    data: &DataArgs,
    id: &str,
    set: &[(String, String)],
    io: &mut Io,
) -> i32 {
    let (checked, dataset, params) = match prepare(rules, data, set, false, io) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let program = &checked.program;
    let Some((kind, index)) = dataset.find(program, id) else {
        let _ = writeln!(
            io.err,
            "no member or organisation with id {id:?} in {}",
            data.data.display()
        );
        return 1;
    };
    let Some(outcome) = grade_or_report(program, &dataset, &params, io) else {
        return 1;
    };
    let trail = crate::eval::explain(program, &dataset, &params, &outcome, kind, index);
    let _ = write!(
        io.out,
        "{}",
        crate::report::explain_text(program, &dataset, &params, &trail)
    );
    0
}

/// Grades, or prints why grading stopped.
fn grade_or_report(
    program: &crate::program::Program,
    dataset: &crate::data::Dataset,
    params: &[crate::value::Value],
    io: &mut Io,
) -> Option<crate::eval::Outcome> {
    match crate::eval::grade(program, dataset, params) {
        Ok(o) => Some(o),
        Err(e) => {
            io.report(e);
            None
        }
    }
}

fn cmd_repl(rules: Option<&Path>, data: Option<&Path>, io: &mut Io) -> i32 {
    let mut session = crate::repl::Session::new();
    session.color = io.color;
    session.width = io.width;
    let reply = session.start(rules, data);
    let _ = write!(io.out, "{}", reply.out);
    let _ = write!(io.err, "{}", reply.err);
    if reply.status == crate::repl::Status::Failed {
        return 1;
    }
    let _ = io.out.flush();
    crate::repl::terminal::run(session)
}

/// Whether a diagnostic list holds an error (not only warnings).
pub fn has_errors(problems: &[miette::Report]) -> bool {
    problems.iter().any(|p| !is_warning(p))
}

/// Colour only on a terminal, and never under NO_COLOR.
pub fn stderr_color() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
}
