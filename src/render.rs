//! Showing diagnostics to a person: miette's graphical report, made safe
//! for any source text.
//!
//! Before miette sees a diagnostic, its source is cut down to the lines
//! its labels touch (the others are left blank, so line numbers stay
//! true), a line too long for a screen is shown as a window around the
//! label, and control characters are shown as visible symbols: a rules
//! file or a REPL line can no longer clear or retitle the terminal, a NUL
//! byte is seen, and a two-megabyte line neither panics miette nor floods
//! the screen. The location printed is the line and the *character*
//! column, as an editor counts them.

use std::borrow::Cow;
use std::fmt;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, Report, Severity, SourceCode, SourceSpan, SpanContents,
};

/// At most this many diagnostics are printed at once; the rest are counted.
pub const MAX_SHOWN: usize = 200;

/// Lines up to this many characters are shown whole.
const LONG_LINE: usize = 240;
/// Characters shown on each side of a label in a long line.
const WINDOW_MARGIN: usize = 60;
/// The widest window of a long line.
const WINDOW_MAX: usize = 300;

/// Renders one diagnostic as miette's graphical report.
pub fn render(report: &Report, color: bool, width: usize) -> String {
    render_diagnostic(report.as_ref(), color, width)
}

/// Renders any diagnostic (a `Report`'s or one not yet boxed).
pub fn render_diagnostic(diagnostic: &dyn Diagnostic, color: bool, width: usize) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(width);
    let shown = Shown::of(diagnostic);
    let mut out = String::new();
    if handler.render_report(&mut out, &shown).is_err() {
        out = format!("{}\n", shown.message);
    }
    out
}

/// Renders diagnostics in order, at most [`MAX_SHOWN`] of them, then a
/// line counting the rest.
pub fn render_all(reports: &[Report], color: bool, width: usize) -> String {
    let mut out: String = reports
        .iter()
        .take(MAX_SHOWN)
        .map(|r| render(r, color, width))
        .collect();
    out.push_str(&more_line(reports.len()));
    out
}

/// "… and N more" when `total` is over [`MAX_SHOWN`], else nothing.
pub fn more_line(total: usize) -> String {
    if total <= MAX_SHOWN {
        return String::new();
    }
    format!(
        "… and {} more problem(s) not shown (the first {} are above)\n",
        total - MAX_SHOWN,
        MAX_SHOWN
    )
}

/// `text` with every character that could act on a terminal (C0 and C1
/// controls, DEL, bidirectional overrides) replaced by a visible symbol.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| visible(c).is_some()) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match visible(c) {
            Some(v) => out.push_str(&v),
            None => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// The visible stand-in for a character that must not reach a terminal
/// raw; `None` for an ordinary character (tab and line feed included).
fn visible(c: char) -> Option<String> {
    if !is_invisible(c) {
        return None;
    }
    Some(match c {
        // The Unicode "control pictures": ␀ ␁ … ␟, one column wide.
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32)?.to_string(),
        '\u{7f}' => "␡".into(),
        _ => format!("⟨U+{:04X}⟩", c as u32),
    })
}

/// Whether a character would be invisible or act on a terminal (C0 and
/// C1 controls but tab and line feed, DEL, bidirectional controls).
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The first invisible character of `text` (see [`is_invisible`]), but a
/// carriage return; fast on the plain text almost every cell holds.
pub fn first_invisible(text: &str) -> Option<char> {
    let bytes = text.as_bytes();
    // Only these lead bytes start a non-ASCII invisible character.
    let suspect = |b: u8| {
        b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r') || matches!(b, 0x7f | 0xc2 | 0xd8 | 0xe2)
    };
    if !bytes.iter().any(|&b| suspect(b)) {
        return None;
    }
    text.chars().find(|&c| c != '\r' && is_invisible(c))
}

/// The longest message or help shown whole; a longer one (it quotes a
/// 100,000-character name, say) is cut in the middle.
const LONGEST_MESSAGE: usize = 300;

fn clipped(text: &str) -> String {
    let n = text.chars().count();
    if n <= LONGEST_MESSAGE {
        return text.to_string();
    }
    let head: String = text.chars().take(LONGEST_MESSAGE / 2).collect();
    let tail: String = text.chars().skip(n - LONGEST_MESSAGE / 4).collect();
    let left_out = n - LONGEST_MESSAGE / 2 - LONGEST_MESSAGE / 4;
    format!("{head} … ({left_out} characters left out) … {tail}")
}

/// A help of several lines (a list of rows, say) is cut line by line.
fn clipped_lines(text: &str) -> String {
    let lines: Vec<String> = text
        .split('\n')
        .map(|l| clipped(&escape_controls(l)))
        .collect();
    lines.join("\n")
}

/// What a character is called in a message ("a NUL byte (U+0000)"), when
/// it is one a person cannot see.
pub fn name_of_invisible(c: char) -> Option<String> {
    match c {
        '\u{0}' => Some("a NUL byte (U+0000)".into()),
        '\u{feff}' => Some("a byte order mark (U+FEFF)".into()),
        c if is_invisible(c) => Some(format!("control character U+{:04X}", c as u32)),
        _ => None,
    }
}

/// A diagnostic as it will be shown: message and help escaped, source cut
/// to an [`Excerpt`], labels moved into it.
struct Shown<'a> {
    inner: &'a dyn Diagnostic,
    message: String,
    code: Option<String>,
    help: Option<String>,
    source: Option<Excerpt>,
    labels: Vec<LabeledSpan>,
    related: Vec<Shown<'a>>,
    cause: Option<Box<Shown<'a>>>,
}

impl<'a> Shown<'a> {
    fn of(d: &'a dyn Diagnostic) -> Shown<'a> {
        Shown::with_source(d, d.source_code())
    }

    /// `parent_source` serves related diagnostics that have none of their own.
    fn with_source(d: &'a dyn Diagnostic, parent_source: Option<&dyn SourceCode>) -> Shown<'a> {
        let source_code = d.source_code().or(parent_source);
        let spans: Vec<LabeledSpan> = d.labels().map(|l| l.collect()).unwrap_or_default();
        let (source, labels) = match source_code {
            Some(src) if !spans.is_empty() => match Excerpt::new(src, &spans) {
                Some(ex) => {
                    let labels = spans
                        .iter()
                        .map(|l| {
                            let mut moved = ex.move_label(l);
                            moved.set_label(l.label().map(|t| clipped(&escape_controls(t))));
                            moved
                        })
                        .collect();
                    (Some(ex), labels)
                }
                None => (None, Vec::new()),
            },
            _ => (None, Vec::new()),
        };
        Shown {
            inner: d,
            message: clipped(&escape_controls(&d.to_string())),
            code: d.code().map(|c| c.to_string()),
            help: d.help().map(|h| clipped_lines(&h.to_string())),
            source,
            labels,
            related: d
                .related()
                .map(|r| r.map(|x| Shown::with_source(x, source_code)).collect())
                .unwrap_or_default(),
            cause: d
                .diagnostic_source()
                .map(|c| Box::new(Shown::with_source(c, source_code))),
        }
    }
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Shown<'_> {}

impl Diagnostic for Shown<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<Severity> {
        self.inner.severity()
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.inner.url()
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().cloned()))
    }
    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
    }
    fn diagnostic_source(&self) -> Option<&dyn Diagnostic> {
        self.cause.as_deref().map(|c| c as &dyn Diagnostic)
    }
}

/// The lines of a source that a diagnostic shows, safe to print. Every
/// line of the original has a line here (blank unless shown), so miette
/// numbers lines as the file does.
struct Excerpt {
    name: Option<String>,
    text: String,
    /// Each original line: where it starts in the original and here.
    lines: Vec<ExcerptLine>,
}

struct ExcerptLine {
    orig_start: usize,
    /// End of the line's text in the original (before its line break).
    orig_end: usize,
    start: usize,
    end: usize,
    /// For a line shown changed (windowed or escaped): each shown
    /// character's offset in the original, here, and its character column
    /// in the original. Empty when the line is shown as it is (or not at
    /// all).
    anchors: Vec<Anchor>,
}

#[derive(Clone, Copy)]
struct Anchor {
    orig: usize,
    here: usize,
    column: usize,
}

impl Excerpt {
    fn new(src: &dyn SourceCode, labels: &[LabeledSpan]) -> Option<Excerpt> {
        let whole = src
            .read_span(&SourceSpan::new(0.into(), 0), 0, usize::MAX)
            .ok()?;
        let name = whole.name().map(|n| escape_controls(n).into_owned());
        let original = String::from_utf8_lossy(whole.data());
        let bounds = line_bounds(&original);
        let line_of = |offset: usize| bounds.partition_point(|&(s, _)| s <= offset).max(1) - 1;
        // Lines to show: each label's lines and one on either side.
        let mut keep = vec![false; bounds.len()];
        let mut marks: Vec<Vec<(usize, usize)>> = vec![Vec::new(); bounds.len()];
        for l in labels {
            let start = l.offset().min(original.len());
            let end = (l.offset() + l.len()).min(original.len()).max(start);
            let (first, last) = (line_of(start), line_of(end));
            let shown_to = (last + 1).min(bounds.len() - 1);
            keep[first.saturating_sub(1)..=shown_to].fill(true);
            for (i, m) in marks.iter_mut().enumerate().take(last + 1).skip(first) {
                let (s, e) = bounds[i];
                m.push((start.clamp(s, e), end.clamp(s, e)));
            }
        }
        let mut text = String::new();
        let mut lines = Vec::with_capacity(bounds.len());
        for (i, &(s, e)) in bounds.iter().enumerate() {
            let start = text.len();
            let mut anchors = Vec::new();
            if keep[i] {
                let line = &original[s..e];
                if line.chars().count() <= LONG_LINE && !line.chars().any(|c| visible(c).is_some())
                {
                    text.push_str(line);
                } else {
                    anchors = shown_line(&original, (s, e), &marks[i], &mut text);
                }
            }
            let end = text.len();
            if i + 1 < bounds.len() {
                text.push('\n');
            }
            lines.push(ExcerptLine {
                orig_start: s,
                orig_end: e,
                start,
                end,
                anchors,
            });
        }
        Some(Excerpt { name, text, lines })
    }

    /// Where an original offset is shown here.
    fn here(&self, orig: usize) -> usize {
        let i = self.lines.partition_point(|l| l.orig_start <= orig).max(1) - 1;
        let Some(line) = self.lines.get(i) else {
            return self.text.len();
        };
        if orig >= line.orig_end {
            return line.end;
        }
        if line.anchors.is_empty() {
            return (line.start + (orig - line.orig_start)).min(line.end);
        }
        let a = line.anchors.partition_point(|a| a.orig <= orig);
        match a {
            0 => line.anchors[0].here,
            n => line.anchors[n - 1].here,
        }
    }

    fn move_label(&self, l: &LabeledSpan) -> LabeledSpan {
        let start = self.here(l.offset());
        let end = if l.is_empty() {
            start
        } else {
            self.here(l.offset() + l.len()).max(start)
        };
        let span = SourceSpan::new(start.into(), end - start);
        if l.primary() {
            LabeledSpan::new_primary_with_span(l.label().map(str::to_string), span)
        } else {
            LabeledSpan::new_with_span(l.label().map(str::to_string), span)
        }
    }

    /// The original character column (0-based) of an offset here.
    fn column(&self, here: usize) -> usize {
        let i = self.lines.partition_point(|l| l.start <= here).max(1) - 1;
        let Some(line) = self.lines.get(i) else {
            return 0;
        };
        if line.anchors.is_empty() {
            let upto = here.clamp(line.start, line.end);
            return self.text[line.start..upto].chars().count();
        }
        let a = line.anchors.partition_point(|a| a.here <= here);
        line.anchors[a.max(1) - 1].column
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.as_str().read_span(span, before, after)?;
        let column = if before == 0 {
            self.column(span.offset())
        } else {
            inner.column()
        };
        let contents = match &self.name {
            Some(name) => MietteSpanContents::new_named(
                name.clone(),
                inner.data(),
                *inner.span(),
                inner.line(),
                column,
                inner.line_count(),
            ),
            None => MietteSpanContents::new(
                inner.data(),
                *inner.span(),
                inner.line(),
                column,
                inner.line_count(),
            ),
        };
        Ok(Box::new(contents))
    }
}

/// (start, end) of every line's text; `\n`, `\r\n` and a lone `\r` each
/// end a line, as miette counts them.
fn line_bounds(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\n' => {
                out.push((start, i));
                start = i + 1;
            }
            b'\r' => {
                out.push((start, i));
                if b.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push((start, b.len()));
    out
}

/// Writes a long or unprintable line as a window around its marks (the
/// parts of labels on it), escaped; returns the anchors.
fn shown_line(
    original: &str,
    (s, e): (usize, usize),
    marks: &[(usize, usize)],
    out: &mut String,
) -> Vec<Anchor> {
    let line = &original[s..e];
    let chars: Vec<(usize, char)> = line.char_indices().map(|(i, c)| (s + i, c)).collect();
    let index_of = |offset: usize| chars.partition_point(|&(o, _)| o < offset);
    let (lo, hi) = match (
        marks.iter().map(|m| m.0).min(),
        marks.iter().map(|m| m.1).max(),
    ) {
        (Some(lo), Some(hi)) => (index_of(lo), index_of(hi)),
        _ => (0, 0),
    };
    let mut first = lo.saturating_sub(WINDOW_MARGIN);
    let mut last = (hi + WINDOW_MARGIN).min(chars.len());
    if last - first > WINDOW_MAX {
        // The marks are far apart: show the start of the first one.
        first = lo.saturating_sub(WINDOW_MARGIN);
        last = (first + WINDOW_MAX).min(chars.len());
    }
    if chars.len() <= LONG_LINE {
        (first, last) = (0, chars.len());
    }
    let mut anchors = Vec::with_capacity(last - first + 1);
    if first > 0 {
        out.push('…');
    }
    for (col, &(orig, c)) in chars.iter().enumerate().take(last).skip(first) {
        anchors.push(Anchor {
            orig,
            here: out.len(),
            column: col,
        });
        match visible(c) {
            Some(v) => out.push_str(&v),
            None => out.push(c),
        }
    }
    let end_orig = chars.get(last).map(|&(o, _)| o).unwrap_or(e);
    anchors.push(Anchor {
        orig: end_orig,
        here: out.len(),
        column: last,
    });
    if last < chars.len() {
        out.push('…');
    }
    anchors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error, miette::Diagnostic)]
    #[error("problem here")]
    #[diagnostic(code(test::problem), help("a help line"))]
    struct Problem {
        #[source_code]
        src: miette::NamedSource<String>,
        #[label("this")]
        span: SourceSpan,
    }

    fn show(text: &str, at: usize, len: usize) -> String {
        let d = Problem {
            src: miette::NamedSource::new("f.rules", text.to_string()),
            span: SourceSpan::new(at.into(), len),
        };
        render_diagnostic(&d, false, 80)
    }

    #[test]
    fn a_label_far_along_a_long_line_renders_in_a_window() {
        let text = format!("{}garbage", " ".repeat(70_000));
        let out = show(&text, 70_000, 7);
        assert!(out.contains("f.rules:1:70001"), "{out}");
        assert!(out.contains("…") && out.contains("garbage"), "{out}");
        assert!(out.len() < 2_000, "{} bytes", out.len());
    }

    #[test]
    fn control_characters_are_shown_not_sent() {
        let text = "param x = 1\nparam \u{1b}[2J = 2\nparam \0 = 3\n";
        let out = show(text, 18, 4);
        assert!(!out.contains('\u{1b}') && !out.contains('\0'), "{out:?}");
        assert!(out.contains("␛[2J"), "{out}");
        assert!(out.contains("f.rules:2:7"), "{out}");
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "// Đảng bộ xã Canh Nậu\nparam ngưỡng_điểm = x\n";
        let at = text.rfind('x').unwrap_or(0);
        assert!(show(text, at, 1).contains("f.rules:2:21"));
    }

    #[test]
    fn lines_far_from_the_label_are_not_copied() {
        let text = format!("{}param bad\n", "// filler line\n".repeat(1_000));
        let out = show(&text, text.len() - 4, 3);
        assert!(out.contains("f.rules:1001:7"), "{out}");
        assert_eq!(out.matches("filler").count(), 1, "{out}");
    }

    #[test]
    fn invisible_characters_have_names() {
        assert_eq!(
            name_of_invisible('\0').as_deref(),
            Some("a NUL byte (U+0000)")
        );
        assert_eq!(
            name_of_invisible('\u{1b}').as_deref(),
            Some("control character U+001B")
        );
        assert_eq!(name_of_invisible('a'), None);
        assert_eq!(escape_controls("a\u{202e}b"), "a⟨U+202E⟩b");
    }
}
