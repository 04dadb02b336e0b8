//! Splitting delimited text (CSV) into records, counting lines as an
//! editor does.
//!
//! Written for the files Excel and people really make, not only for RFC
//! 4180: a line ends at `\r\n` (Windows), `\n` or a lone `\r` (old Mac),
//! and every record knows the line it starts on, so a problem is reported
//! where the user will look for it. A quoted value may hold line breaks
//! (Alt+Enter in an Excel cell), but a quote that does not close properly
//! costs only its own line: the record is refused with the line where the
//! quote opened, and splitting starts again on the next line, instead of
//! the quote swallowing every row after it.

use std::borrow::Cow;

/// A record may run over at most this many line breaks (inside quoted
/// values); a quote that stays open longer is taken as a stray one. The
/// bound also bounds the work a stray quote costs: splitting starts again
/// on the line after it, and no attempt reads further than this.
pub const MAX_LINES_IN_VALUE: usize = 200;

/// Where a record lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lines {
    /// The line the record starts on (1-based).
    pub first: usize,
    /// The line it ends on (more than `first` when a quoted value holds
    /// line breaks).
    pub last: usize,
}

/// A record that could not be split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitError {
    /// A quote opened on `line` and did not close before the end of the
    /// record it should belong to.
    UnclosedQuote { line: usize },
    /// Text follows a closing quote (`"abc"def`), on `line`.
    TextAfterQuote { line: usize },
}

impl SplitError {
    pub fn line(&self) -> usize {
        match self {
            SplitError::UnclosedQuote { line } | SplitError::TextAfterQuote { line } => *line,
        }
    }
}

/// Splits `bytes` into records of cells.
pub struct Splitter<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: usize,
    separator: u8,
    /// The number of cells a record should have (the header's), once known.
    expected: Option<usize>,
    /// The line the record being split starts on.
    record_line: usize,
}

enum Cell<'a> {
    Done(Cow<'a, [u8]>),
    Failed(SplitError),
}

impl<'a> Splitter<'a> {
    pub fn new(bytes: &'a [u8], separator: u8) -> Splitter<'a> {
        Splitter {
            bytes,
            pos: 0,
            line: 1,
            separator,
            expected: None,
            record_line: 1,
        }
    }

    /// From now on a record spanning lines must have `cells` cells, or
    /// its first quote is taken as a stray one.
    pub fn expect_cells(&mut self, cells: usize) {
        self.expected = Some(cells);
    }

    /// The next record's cells into `cells` (cleared first); `None` at the
    /// end. Lines holding nothing are skipped.
    pub fn next_record(
        &mut self,
        cells: &mut Vec<Cow<'a, [u8]>>,
    ) -> Option<Result<Lines, SplitError>> {
        loop {
            if self.pos >= self.bytes.len() {
                return None;
            }
            if let Some(len) = self.line_break_at(self.pos) {
                self.pos += len;
                self.line += 1;
                continue;
            }
            let (start_pos, start_line) = (self.pos, self.line);
            let result = self.record(cells);
            let result = match result {
                Ok(lines)
                    if lines.last > lines.first
                        && self.expected.is_some_and(|n| n != cells.len()) =>
                {
                    Err(SplitError::UnclosedQuote {
                        line: self.first_quote_line(start_pos, start_line),
                    })
                }
                other => other,
            };
            if result.is_err() {
                // The record costs its own line only: start again on the next.
                self.pos = start_pos;
                self.line = start_line;
                self.skip_line();
                cells.clear();
            }
            return Some(result);
        }
    }

    fn line_break_at(&self, i: usize) -> Option<usize> {
        match self.bytes.get(i) {
            Some(b'\n') => Some(1),
            Some(b'\r') if self.bytes.get(i + 1) == Some(&b'\n') => Some(2),
            Some(b'\r') => Some(1),
            _ => None,
        }
    }

    /// Moves past the end of the current line.
    fn skip_line(&mut self) {
        while self.pos < self.bytes.len() {
            if let Some(len) = self.line_break_at(self.pos) {
                self.pos += len;
                self.line += 1;
                return;
            }
            self.pos += 1;
        }
    }

    /// The line of the first quote at or after `pos` (for the message).
    fn first_quote_line(&self, pos: usize, line: usize) -> usize {
        let mut line = line;
        let mut i = pos;
        while i < self.bytes.len() && self.bytes[i] != b'"' {
            match self.line_break_at(i) {
                Some(len) => {
                    line += 1;
                    i += len;
                }
                None => i += 1,
            }
        }
        line
    }

    fn record(&mut self, cells: &mut Vec<Cow<'a, [u8]>>) -> Result<Lines, SplitError> {
        cells.clear();
        let first = self.line;
        self.record_line = first;
        loop {
            match self.cell() {
                Cell::Failed(e) => return Err(e),
                Cell::Done(c) => cells.push(c),
            }
            match self.bytes.get(self.pos) {
                Some(&b) if b == self.separator => self.pos += 1,
                None => {
                    return Ok(Lines {
                        first,
                        last: self.line,
                    })
                }
                Some(_) => {
                    let last = self.line;
                    if let Some(len) = self.line_break_at(self.pos) {
                        self.pos += len;
                        self.line += 1;
                    }
                    return Ok(Lines { first, last });
                }
            }
        }
    }

    /// One cell, leaving `pos` on the separator or line break after it.
    fn cell(&mut self) -> Cell<'a> {
        let bytes = self.bytes;
        if bytes.get(self.pos) != Some(&b'"') {
            let start = self.pos;
            while self.pos < bytes.len() {
                let b = bytes[self.pos];
                if b == self.separator || b == b'\n' || b == b'\r' {
                    break;
                }
                self.pos += 1;
            }
            return Cell::Done(Cow::Borrowed(&bytes[start..self.pos]));
        }
        let opened = self.line;
        let mut value: Option<Vec<u8>> = None;
        let mut start = self.pos + 1;
        let mut i = start;
        loop {
            let Some(&b) = bytes.get(i) else {
                return Cell::Failed(SplitError::UnclosedQuote { line: opened });
            };
            if b == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    // A doubled quote is one quote in the value.
                    value
                        .get_or_insert_with(Vec::new)
                        .extend_from_slice(&bytes[start..=i]);
                    i += 2;
                    start = i;
                    continue;
                }
                let after = bytes.get(i + 1).copied();
                let ends = match after {
                    None => true,
                    Some(a) => a == self.separator || a == b'\n' || a == b'\r',
                };
                if !ends {
                    // Over several lines, the quote that opened is the culprit.
                    return Cell::Failed(if self.line > opened {
                        SplitError::UnclosedQuote { line: opened }
                    } else {
                        SplitError::TextAfterQuote { line: opened }
                    });
                }
                self.pos = i + 1;
                return Cell::Done(match value {
                    Some(mut v) => {
                        v.extend_from_slice(&bytes[start..i]);
                        Cow::Owned(v)
                    }
                    None => Cow::Borrowed(&bytes[start..i]),
                });
            }
            if let Some(len) = self.line_break_at(i) {
                if self.line - self.record_line >= MAX_LINES_IN_VALUE {
                    return Cell::Failed(SplitError::UnclosedQuote { line: opened });
                }
                self.line += 1;
                i += len;
                continue;
            }
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Split = Result<(usize, usize, Vec<String>), SplitError>;

    /// Every record as (first line, last line, cells) or the error.
    fn split(text: &str) -> Vec<Split> {
        let mut s = Splitter::new(text.as_bytes(), b',');
        let mut cells = Vec::new();
        let mut out = Vec::new();
        let mut header = true;
        while let Some(r) = s.next_record(&mut cells) {
            if header {
                s.expect_cells(cells.len());
                header = false;
            }
            out.push(r.map(|l| {
                let cells = cells
                    .iter()
                    .map(|c| String::from_utf8_lossy(c).into_owned())
                    .collect();
                (l.first, l.last, cells)
            }));
        }
        out
    }

    fn lines(text: &str) -> Vec<Result<usize, usize>> {
        split(text)
            .into_iter()
            .map(|r| r.map(|(l, _, _)| l).map_err(|e| e.line()))
            .collect()
    }

    #[test]
    fn lines_are_counted_for_every_line_end() {
        for nl in ["\n", "\r\n", "\r"] {
            let text = ["id,x", "a,1", "", "b,2", "c,3"].join(nl) + nl;
            assert_eq!(lines(&text), [Ok(1), Ok(2), Ok(4), Ok(5)], "{nl:?}");
        }
    }

    #[test]
    fn quoted_values_may_hold_separators_quotes_and_line_breaks() {
        for nl in ["\n", "\r\n", "\r"] {
            let text = format!("id,x{nl}a,\"1,{nl}2 \"\"q\"\"\"{nl}b,3{nl}");
            let got = split(&text);
            let Ok((1, 1, _)) = got[0] else {
                panic!("{got:?}")
            };
            assert_eq!(
                got[1],
                Ok((2, 3, vec!["a".into(), format!("1,{nl}2 \"q\"")]))
            );
            assert_eq!(got[2], Ok((4, 4, vec!["b".into(), "3".into()])));
        }
    }

    #[test]
    fn a_stray_quote_costs_only_its_own_line() {
        let text = "id,name,x\na,\"Nguyễn Văn A,1\nb,B,2\nc,C,3\nd,\"D, Jr\",4\n";
        assert_eq!(lines(text), [Ok(1), Err(2), Ok(3), Ok(4), Ok(5)]);
        let text = "id,x\na,\"never closed\nb,2\n";
        assert_eq!(lines(text), [Ok(1), Err(2), Ok(3)]);
    }

    #[test]
    fn text_after_a_closing_quote_is_refused() {
        assert_eq!(lines("id,x\na,\"1\"2\nb,3\n"), [Ok(1), Err(2), Ok(3)]);
    }

    #[test]
    fn a_quote_inside_a_value_is_a_quote() {
        let got = split("id,x\na,Nguyễn \"Tí\" Văn\n");
        assert_eq!(
            got[1],
            Ok((2, 2, vec!["a".into(), "Nguyễn \"Tí\" Văn".into()]))
        );
    }

    #[test]
    fn a_quote_open_too_many_lines_is_stray() {
        let text = format!("id,x\na,\"{}\"\n", "line\n".repeat(MAX_LINES_IN_VALUE + 1));
        assert_eq!(split(&text)[1], Err(SplitError::UnclosedQuote { line: 2 }));
    }
}
