//! The front ends of a [`Session`]: rustyline on a terminal (history,
//! completion, multi-line input, Ctrl-C, Ctrl-D), or plain lines from a
//! pipe without prompts or colour.

use std::cell::RefCell;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::rc::Rc;

use rustyline::completion::Completer;
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Editor, Helper};

use super::{Session, Status};

/// Completion and multi-line input, asking the session.
struct SessionHelper {
    session: Rc<RefCell<Session>>,
}

impl Completer for SessionHelper {
    type Candidate = String;
    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<String>)> {
        Ok(self.session.borrow().completions(line, pos))
    }
}

impl Hinter for SessionHelper {
    type Hint = String;
}

impl Highlighter for SessionHelper {}

impl Validator for SessionHelper {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        let input = ctx.input();
        if input.trim_start().starts_with(':') || Session::is_complete(input) {
            Ok(ValidationResult::Valid(None))
        } else {
            Ok(ValidationResult::Incomplete)
        }
    }
}

impl Helper for SessionHelper {}

/// Where the history lives: the user's data folder.
fn history_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(base.join("xeploai").join("history"))
}

/// Runs the session on standard input; returns the exit code. On a
/// terminal: prompts, colour, history, completion. From a pipe: plain
/// output, and exit 1 if any line failed.
pub fn run(session: Session) -> i32 {
    if std::io::stdin().is_terminal() {
        interactive(session)
    } else {
        piped(
            session,
            std::io::stdin().lock(),
            &mut std::io::stdout(),
            &mut std::io::stderr(),
        )
    }
}

/// Lines from any reader, no prompts (scripts and tests).
pub fn piped(
    mut session: Session,
    input: impl BufRead,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let mut failed = false;
    for (number, line) in input.split(b'\n').enumerate() {
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                let _ = writeln!(err, "cannot read the input: {e}");
                failed = true;
                break;
            }
        };
        let line = line.strip_suffix(b"\r").unwrap_or(&line);
        let line = match number {
            0 => line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line),
            _ => line,
        };
        let Ok(line) = std::str::from_utf8(line) else {
            let _ = writeln!(
                err,
                "line {} of the input is not UTF-8 text; it was not run",
                number + 1
            );
            failed = true;
            continue;
        };
        let reply = session.eval_line(line);
        let _ = write!(out, "{}", reply.out);
        let _ = write!(err, "{}", reply.err);
        match reply.status {
            Status::Quit => break,
            Status::Failed => failed = true,
            _ => {}
        }
    }
    if session.continuing() {
        let _ = writeln!(err, "input ended inside an unfinished block");
        failed = true;
    }
    let _ = out.flush();
    i32::from(failed)
}

fn interactive(mut session: Session) -> i32 {
    session.color = std::env::var_os("NO_COLOR").is_none();
    let session = Rc::new(RefCell::new(session));
    // Tab completes the common part; a second Tab lists the candidates.
    let config = rustyline::Config::builder()
        .completion_type(rustyline::CompletionType::List)
        .build();
    let mut editor: Editor<SessionHelper, rustyline::history::DefaultHistory> =
        match Editor::with_config(config) {
            Ok(e) => e,
            Err(e) => {
                eprintln!("cannot start the line editor: {e}");
                return 1;
            }
        };
    editor.set_helper(Some(SessionHelper {
        session: session.clone(),
    }));
    let history = history_path();
    if let Some(h) = &history {
        let _ = editor.load_history(h);
    }
    println!(
        "xeploai — thử thay đổi quy tắc trên dữ liệu thật. :help để xem lệnh, Ctrl-D để thoát."
    );
    loop {
        match editor.readline("xeploai> ") {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = editor.add_history_entry(line.as_str());
                }
                let reply = session.borrow_mut().eval_line(&line);
                print!("{}", reply.out);
                eprint!("{}", reply.err);
                if reply.status == Status::Quit {
                    break;
                }
            }
            Err(ReadlineError::Interrupted) => {
                session.borrow_mut().cancel();
                println!("^C");
            }
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                eprintln!("{e}");
                break;
            }
        }
    }
    if let Some(h) = &history {
        if let Some(dir) = h.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = editor.save_history(h);
    }
    0
}
