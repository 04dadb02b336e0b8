//! Canonical formatting of rules files (`xeploai fmt`): the layout is
//! printed from the syntax tree, so formatting a formatted file changes
//! nothing; comments and single blank lines are kept where they stood.
//! Before a result is returned it is parsed again and must give the same
//! tree and the same comments, so formatting can never change a rule.

mod decl;
mod expr;

use std::fmt::Write;

use crate::source::{SourceMap, Span};
use crate::syntax::ast::*;
use crate::syntax::SyntaxError;

pub use expr::expr_text;

/// Lines longer than this are broken at `and` / `or`.
pub const WIDTH: usize = 100;

/// Why a file could not be formatted.
#[derive(Debug)]
pub enum FmtError {
    Syntax(Box<SyntaxError>),
    /// The formatted text did not give back the same rules: a bug, and
    /// nothing is written.
    NotFaithful(String),
}

/// A comment in the source: where it starts and ends, and whether it
/// stands alone on its line.
struct Comment {
    start: usize,
    end: usize,
    own_line: bool,
}

/// Every `//` comment outside string literals.
fn comments(text: &str) -> Vec<Comment> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line_start = 0;
    while i < b.len() {
        match b[i] {
            b'\n' => line_start = i + 1,
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let start = i;
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                let own_line = text[line_start..start].trim().is_empty();
                out.push(Comment {
                    start,
                    end: i,
                    own_line,
                });
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

pub(crate) struct Printer<'a> {
    text: &'a str,
    comments: Vec<Comment>,
    next_comment: usize,
    /// Source offset of the last thing printed (for blank lines).
    last: usize,
    out: String,
}

impl Printer<'_> {
    fn slice(&self, s: usize, e: usize) -> &str {
        self.text.get(s.min(e)..e).unwrap_or("")
    }

    /// A blank line if the source had one between `last` and `at`.
    fn blank_before(&mut self, at: usize) {
        let gap = self.slice(self.last, at);
        let blank = gap
            .split('\n')
            .skip(1)
            .take(gap.matches('\n').count().saturating_sub(1))
            .any(|l| l.trim().is_empty());
        if blank
            && !self.out.is_empty()
            && !self.out.ends_with("{\n")
            && !self.out.ends_with("\n\n")
        {
            self.out.push('\n');
        }
    }

    /// Own-line and inner comments that start before `upto`.
    fn comments_before(&mut self, upto: usize, indent: &str) {
        while let Some(c) = self.comments.get(self.next_comment) {
            if c.start >= upto {
                break;
            }
            let (start, end) = (c.start, c.end);
            self.blank_before(start);
            let body = self.slice(start, end).trim_end().to_string();
            let _ = writeln!(self.out, "{indent}{body}");
            self.last = end;
            self.next_comment += 1;
        }
    }

    /// A comment on the same source line right after `end`, appended.
    fn trailing(&mut self, end: usize) {
        let Some(c) = self.comments.get(self.next_comment) else {
            return;
        };
        if c.own_line || self.slice(end, c.start).contains('\n') {
            return;
        }
        let body = self.slice(c.start, c.end).trim_end().to_string();
        if self.out.ends_with('\n') {
            self.out.pop();
        }
        let _ = writeln!(self.out, "  {body}");
        self.last = c.end;
        self.next_comment += 1;
    }

    /// Where an item's text really ends: pest's spans run on over the
    /// blanks and comments it skipped looking for an optional part.
    fn end_of(&self, start: usize, end: usize) -> usize {
        let mut end = end;
        loop {
            let trimmed = start + self.slice(start, end).trim_end().len();
            match self
                .comments
                .iter()
                .find(|c| c.end == trimmed && c.start >= start)
            {
                Some(c) => end = c.start,
                None => return trimmed,
            }
        }
    }

    /// Prints one item: comments before it, a blank line if the source had
    /// one, the item's lines, a trailing comment.
    fn item(&mut self, span: Span, indent: &str, lines: String) {
        let start = span.start as usize;
        let end = self.end_of(start, span.end as usize);
        self.comments_before(start, indent);
        self.blank_before(start);
        // Comments inside the item move above it: nothing is lost.
        self.comments_before(end, indent);
        self.out.push_str(&lines);
        self.last = end;
        self.trailing(end);
    }
}

/// Formats a rules file as it is on disk: the result keeps the file's
/// byte order mark, if it had one, and its line ends (`\r\n` from
/// Windows, a lone `\r`, or `\n`; the most used one when mixed).
pub fn format_file(name: &str, bytes: &[u8]) -> Result<Vec<u8>, FmtError> {
    let text = crate::syntax::decode(name, bytes).map_err(FmtError::Syntax)?;
    let formatted = format_text(name, &text)?;
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF");
    let mut out = Vec::with_capacity(formatted.len() + 64);
    if body.is_some() {
        out.extend_from_slice(b"\xEF\xBB\xBF");
    }
    let newline = line_end_of(body.unwrap_or(bytes));
    for line in formatted.split_inclusive('\n') {
        match line.strip_suffix('\n') {
            Some(l) => {
                out.extend_from_slice(l.as_bytes());
                out.extend_from_slice(newline);
            }
            None => out.extend_from_slice(line.as_bytes()),
        }
    }
    Ok(out)
}

/// The line end a file mostly uses; `\n` when it has none.
fn line_end_of(bytes: &[u8]) -> &'static [u8] {
    let (mut crlf, mut cr, mut lf) = (0usize, 0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                crlf += 1;
                i += 1;
            }
            b'\r' => cr += 1,
            b'\n' => lf += 1,
            _ => {}
        }
        i += 1;
    }
    if crlf > lf && crlf >= cr {
        b"\r\n"
    } else if cr > lf && cr > crlf {
        b"\r"
    } else {
        b"\n"
    }
}

/// Formats rules text; `name` labels diagnostics.
pub fn format_text(name: &str, text: &str) -> Result<String, FmtError> {
    let mut sources = SourceMap::default();
    let id = sources.add(
        std::path::Path::new(name),
        name.to_string(),
        crate::source::nfc(text),
    );
    let file = crate::syntax::parse(&sources, id).map_err(FmtError::Syntax)?;
    let text = &sources.get(id).text;
    let mut p = Printer {
        text,
        comments: comments(text),
        next_comment: 0,
        last: 0,
        out: String::new(),
    };
    for (decl, span) in file.decls.iter().zip(&file.spans) {
        decl::decl_text(&mut p, decl, *span);
    }
    p.comments_before(usize::MAX, "");
    let out = p.out.trim_end().to_string() + "\n";
    faithful(name, text, &file, &out)?;
    Ok(out)
}

/// The formatted text must parse to the same tree with the same comments.
fn faithful(name: &str, text: &str, before: &File, out: &str) -> Result<(), FmtError> {
    let mut sources = SourceMap::default();
    let id = sources.add(
        std::path::Path::new(name),
        name.to_string(),
        out.to_string(),
    );
    let after = crate::syntax::parse(&sources, id)
        .map_err(|e| FmtError::NotFaithful(format!("the result does not parse: {e}")))?;
    let same =
        |a: &Decl, b: &Decl| without_spans(&format!("{a:?}")) == without_spans(&format!("{b:?}"));
    if after.decls.len() != before.decls.len()
        || !before
            .decls
            .iter()
            .zip(&after.decls)
            .all(|(a, b)| same(a, b))
    {
        let at = before
            .decls
            .iter()
            .zip(&after.decls)
            .position(|(a, b)| !same(a, b))
            .unwrap_or(0);
        let shown = after
            .spans
            .get(at)
            .map(|s| sources.slice(*s).to_string())
            .unwrap_or_default();
        return Err(FmtError::NotFaithful(format!(
            "the result parses to different rules at:\n{shown}"
        )));
    }
    let bodies = |t: &str| {
        comments(t)
            .iter()
            .map(|c| t[c.start..c.end].trim_end().to_string())
            .collect::<Vec<_>>()
    };
    if bodies(text) != bodies(out) {
        return Err(FmtError::NotFaithful("comments were not kept".into()));
    }
    Ok(())
}

/// A debug rendering of a tree with every span taken out, so trees from
/// two texts compare by what they say, not where.
fn without_spans(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(i) = rest.find("Span { file: FileId(") {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(" }").map(|e| e + 2).unwrap_or(rest.len());
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

pub(crate) fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rules_file_formats_faithfully_and_idempotently() {
        for f in [
            "rules/2021.rules",
            "rules/2023.rules",
            "rules/2025.rules",
            "rules/bac-giang/yen-the-2021.rules",
        ] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(f);
            let text = std::fs::read_to_string(&path).expect("rules");
            let once = match format_text(f, &text) {
                Ok(t) => t,
                Err(FmtError::Syntax(e)) => panic!("{f}: {e}"),
                Err(FmtError::NotFaithful(why)) => panic!("{f}: {why}"),
            };
            let twice =
                format_text(f, &once).unwrap_or_else(|_| panic!("{f}: formatted text formats"));
            assert_eq!(once, twice, "{f}: formatting is idempotent");
        }
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line_for_every_reader() {
        // A comment ending in a lone `\r` once swallowed the next line for
        // the checker but not for fmt (found by the libFuzzer target).
        let text = "ruleset \"x\" { year 2021 review_date 2021-12-31 }\rgrades { A \"a\" }\renum K { k // c\rremove \"x\" }\r";
        let dir = std::path::Path::new(".");
        let checked = crate::check::check_text("cr.rules", dir, text);
        let formatted = format_text("cr.rules", text).expect("formats");
        let again = crate::check::check_text("cr.rules", dir, &formatted);
        assert_eq!(checked.is_ok(), again.is_ok(), "{formatted}");
        assert!(formatted.contains("  remove \"x\"\n"), "{formatted}");
    }

    #[test]
    fn windows_and_mac_line_ends_and_the_bom_are_kept() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/2021.rules");
        let unix = std::fs::read_to_string(path).expect("rules");
        for (newline, bom) in [("\r\n", false), ("\r\n", true), ("\r", false), ("\n", true)] {
            let mut bytes = if bom {
                b"\xEF\xBB\xBF".to_vec()
            } else {
                Vec::new()
            };
            bytes.extend_from_slice(unix.replace('\n', newline).as_bytes());
            let out = format_file("2021.rules", &bytes).expect("formats");
            assert!(
                out == bytes,
                "{newline:?} (BOM {bom}): formatting changed the file"
            );
        }
    }
}
