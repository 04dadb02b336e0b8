//! The what-if session: load last year's rules and data, change a
//! parameter or a clause, see at once who would be graded differently and
//! why, and save the change as a rules file.
//!
//! [`Session`] holds all state and logic and knows nothing of terminals:
//! [`Session::eval_line`] takes one line and returns what to print. The
//! rustyline front end ([`terminal`]) only reads lines, completes names and
//! keeps history; piped input goes through the same call.

mod changes;
mod commands;
mod complete;
mod save;
mod show;
pub mod terminal;

use std::path::{Path, PathBuf};

use crate::check::{self, Rejected};
use crate::data::Dataset;
use crate::eval::Outcome;
use crate::program::Program;

pub use changes::{Item, Key, Layer};

/// How a line ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Done; the session goes on.
    Done,
    /// Done, but it failed (a diagnostic was printed); the state is intact.
    Failed,
    /// The input is unfinished: the next line continues it.
    More,
    /// `:quit`.
    Quit,
}

/// What one line produced: text for standard output and for diagnostics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub out: String,
    pub err: String,
    pub status: Status,
}

impl Reply {
    fn ok(out: impl Into<String>) -> Reply {
        Reply {
            out: out.into(),
            err: String::new(),
            status: Status::Done,
        }
    }
    fn fail(err: impl Into<String>) -> Reply {
        let mut err = err.into();
        if !err.ends_with('\n') {
            err.push('\n');
        }
        Reply {
            out: String::new(),
            err,
            status: Status::Failed,
        }
    }
}

/// The rules as they stood when `:baseline` was last set (or as loaded).
struct Baseline {
    program: Program,
    outcome: Option<Outcome>,
}

/// All the state of one what-if session.
pub struct Session {
    rules: Option<PathBuf>,
    /// The loaded file alone: what `replace` and `:save` compare with.
    base: Option<Program>,
    layers: Vec<Layer>,
    undo: Vec<Vec<Layer>>,
    current: Option<Program>,
    baseline: Option<Baseline>,
    data_dir: Option<PathBuf>,
    data: Option<Dataset>,
    /// The schemas the dataset was validated against.
    data_schema: Option<String>,
    outcome: Option<Outcome>,
    /// The organisation queries run over (`:at ID`); none = everything.
    scope: Option<String>,
    pending: String,
    inputs: usize,
    /// Warnings already shown, so each is shown once, not on every change.
    warned: String,
    /// Diagnostics in colour (a terminal) or plain (pipes, tests).
    pub color: bool,
    pub width: usize,
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

impl Session {
    pub fn new() -> Session {
        Session {
            rules: None,
            base: None,
            layers: Vec::new(),
            undo: Vec::new(),
            current: None,
            baseline: None,
            data_dir: None,
            data: None,
            data_schema: None,
            outcome: None,
            scope: None,
            pending: String::new(),
            inputs: 0,
            warned: String::new(),
            color: false,
            width: 100,
        }
    }

    /// The current rules, with every change applied.
    pub fn program(&self) -> Option<&Program> {
        self.current.as_ref()
    }

    /// The dataset, if one is loaded.
    pub fn data(&self) -> Option<&Dataset> {
        self.data.as_ref()
    }

    /// Whether `text` is a finished input: the grammar says so, not a list
    /// of words (an open block, a trailing `and`, a quota without its mode
    /// all read as unfinished).
    pub fn is_complete(text: &str) -> bool {
        crate::syntax::read_input(text) != crate::syntax::Reading::Unfinished
    }

    /// Takes one line of input.
    pub fn eval_line(&mut self, line: &str) -> Reply {
        // Nothing that could act on a terminal is run, or echoed back.
        if let Some(c) = crate::render::first_invisible(line) {
            let what = crate::render::name_of_invisible(c).unwrap_or_default();
            return Reply::fail(format!("the line holds {what}; it was not run"));
        }
        if self.pending.is_empty() && line.trim().is_empty() {
            return Reply::ok("");
        }
        if !self.pending.is_empty() {
            self.pending.push('\n');
        }
        self.pending.push_str(line);
        if !Session::is_complete(&self.pending) {
            return Reply {
                out: String::new(),
                err: String::new(),
                status: Status::More,
            };
        }
        let input = std::mem::take(&mut self.pending);
        let trimmed = input.trim();
        if trimmed
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with("//"))
        {
            return Reply::ok("");
        }
        if trimmed.starts_with(':') {
            return self.command(trimmed);
        }
        self.input(trimmed)
    }

    /// Drops an unfinished multi-line input (Ctrl-C).
    pub fn cancel(&mut self) {
        self.pending.clear();
    }

    /// Whether an unfinished input is waiting for more lines.
    pub fn continuing(&self) -> bool {
        !self.pending.is_empty()
    }

    fn render(&self, rejected: &Rejected) -> String {
        self.render_all(&rejected.problems)
    }

    /// One diagnostic, rendered for this session.
    fn render_one(&self, d: impl miette::Diagnostic + Send + Sync + 'static) -> String {
        crate::render::render(&miette::Report::new(d), self.color, self.width)
    }

    fn render_all(&self, reports: &[miette::Report]) -> String {
        crate::render::render_all(reports, self.color, self.width)
    }

    /// Starts a session on a rules file and a dataset, as `xeploai repl
    /// RULES --data DIR` does.
    pub fn start(&mut self, rules: Option<&Path>, data: Option<&Path>) -> Reply {
        match (rules, data) {
            (Some(r), d) => {
                self.data_dir = d.map(Path::to_path_buf);
                self.load(r)
            }
            (None, Some(d)) => self.load_data(d),
            (None, None) => Reply::ok(""),
        }
    }

    /// Loads (or reloads) a rules file and starts afresh.
    pub fn load(&mut self, path: &Path) -> Reply {
        let checked = match check::check_file(path) {
            Ok(c) => c,
            Err(r) => return Reply::fail(self.render(&r)),
        };
        let warnings = self.render_all(&checked.warnings);
        let program = checked.program;
        let summary = format!(
            "đã nạp {}: {} — {} khối xếp loại, {} điều khoản, {} tham số\n",
            path.display(),
            program.header.name,
            program.blocks.len(),
            program.clauses.len(),
            program.params.len()
        );
        self.rules = Some(path.to_path_buf());
        self.base = Some(program.clone());
        self.layers.clear();
        self.undo.clear();
        self.current = Some(program);
        self.outcome = None;
        let mut out = summary;
        if let Some(dir) = self.data_dir.clone() {
            let r = self.load_data(&dir);
            if r.status == Status::Failed {
                return Reply {
                    out,
                    err: warnings + &r.err,
                    status: Status::Failed,
                };
            }
            out.push_str(&r.out);
            return self.loaded(out, warnings + &r.err);
        }
        self.loaded(out, warnings)
    }

    fn loaded(&mut self, out: String, err: String) -> Reply {
        self.set_baseline();
        Reply {
            out,
            err,
            status: Status::Done,
        }
    }

    /// Loads (or reloads) a dataset for the current rules.
    pub fn load_data(&mut self, dir: &Path) -> Reply {
        let Some(program) = &self.current else {
            self.data_dir = Some(dir.to_path_buf());
            return Reply::ok(format!(
                "dữ liệu {} sẽ được nạp cùng quy tắc (:load)\n",
                dir.display()
            ));
        };
        match crate::data::load_dir(program, dir) {
            Ok(d) => {
                let out = format!(
                    "đã nạp dữ liệu {}: {} tổ chức, {} đảng viên\n",
                    dir.display(),
                    d.organisations.len(),
                    d.members.len()
                );
                let warnings = d.warnings_text();
                self.data_schema = Some(program.data_signature());
                self.data = Some(d);
                self.data_dir = Some(dir.to_path_buf());
                self.outcome = None;
                if let Some(b) = &mut self.baseline {
                    b.outcome = None;
                }
                Reply {
                    out,
                    err: warnings,
                    status: Status::Done,
                }
            }
            Err(e) => Reply::fail(e.to_string()),
        }
    }

    /// Makes the current rules the baseline `:diff` compares with.
    fn set_baseline(&mut self) {
        if let Some(p) = &self.current {
            let outcome = self.outcome.clone();
            self.baseline = Some(Baseline {
                program: p.clone(),
                outcome,
            });
        }
    }

    /// Checks the rules with `layers` and, if they hold, makes them
    /// current; returns the warnings, rendered.
    fn commit(&mut self, layers: Vec<Layer>) -> Result<String, String> {
        let Some(base) = &self.rules else {
            return Err("chưa nạp quy tắc: dùng :load RULES\n".into());
        };
        let texts: Vec<(String, String)> = layers
            .iter()
            .map(|l| {
                let known = |n: &str| self.knows_before(&layers, l, n);
                (l.name.clone(), changes::render(&l.items, &known))
            })
            .collect();
        let loaded = self.base.as_ref().map(|b| &b.sources);
        let checked = check::check_layers(base, loaded, &texts).map_err(|r| self.render(&r))?;
        let warnings = self.render_all(&checked.warnings);
        let program = checked.program;
        // The dataset is read again only when the schemas changed.
        if self.data.is_some() && self.data_schema.as_deref() != Some(&program.data_signature()) {
            if let Some(dir) = self.data_dir.clone() {
                let d = crate::data::load_dir(&program, &dir).map_err(|e| e.to_string())?;
                self.data = Some(d);
                self.data_schema = Some(program.data_signature());
            }
        }
        let old = std::mem::replace(&mut self.layers, layers);
        self.undo.push(old);
        self.current = Some(program);
        self.outcome = None;
        if warnings == self.warned {
            return Ok(String::new());
        }
        self.warned = warnings.clone();
        Ok(warnings)
    }

    /// Whether `name` is declared before layer `upto` (in the base or an
    /// earlier layer): then the layer must say `replace`.
    fn knows_before(&self, layers: &[Layer], upto: &Layer, name: &str) -> bool {
        if self
            .base
            .as_ref()
            .is_some_and(|b| changes::declares(b, name))
        {
            return true;
        }
        let mut alive = false;
        for l in layers {
            if std::ptr::eq(l, upto) {
                break;
            }
            for it in &l.items {
                match &it.key {
                    Key::Remove(n) if n == name => alive = false,
                    k if k.name() == Some(name) => alive = true,
                    _ => {}
                }
            }
        }
        alive
    }

    /// The current outcome, grading if needed.
    fn outcome(&mut self) -> Result<&Outcome, String> {
        if self.outcome.is_none() {
            let Some(p) = &self.current else {
                return Err("chưa nạp quy tắc: dùng :load RULES\n".into());
            };
            let Some(d) = &self.data else {
                return Err("chưa nạp dữ liệu: dùng :data DIR\n".into());
            };
            let o = crate::eval::grade(p, d, &p.default_params()).map_err(|e| format!("{e}\n"))?;
            self.outcome = Some(o);
        }
        self.outcome
            .as_ref()
            .ok_or_else(|| "no outcome".to_string())
    }

    /// The baseline's outcome, grading it on the session's data if needed.
    fn baseline_outcome(&mut self) -> Result<(), String> {
        let Some(b) = &self.baseline else {
            return Err("chưa có mốc so sánh\n".into());
        };
        if b.outcome.is_some() {
            return Ok(());
        }
        let Some(dir) = &self.data_dir else {
            return Err("chưa nạp dữ liệu: dùng :data DIR\n".into());
        };
        let same_schema = self.data_schema.as_deref() == Some(&b.program.data_signature());
        let outcome = match (&self.data, same_schema) {
            (Some(d), true) => crate::eval::grade(&b.program, d, &b.program.default_params()),
            _ => {
                let d = crate::data::load_dir(&b.program, dir).map_err(|e| e.to_string())?;
                crate::eval::grade(&b.program, &d, &b.program.default_params())
            }
        }
        .map_err(|e| format!("{e}\n"))?;
        if let Some(b) = &mut self.baseline {
            b.outcome = Some(outcome);
        }
        Ok(())
    }
}
