//! A worksheet part's cells → a grid, read as the part is inflated.
//!
//! Only `<sheetData>` matters: each `<row>` and its `<c>` cells, a cell's
//! value in `<v>` or, for an inline text, in the `<t>` runs of `<is>`. A
//! cell's `t` says what the value is (an index into the shared texts, a
//! text, a truth value, an error, an ISO date, or by default a number)
//! and its `s` the format a number is shown in. Formulas are passed over:
//! the cached value is what Excel shows. The reader keeps its place
//! between chunks, so a chunk may end anywhere.

use super::super::cell::{number_text, NumberKind};
use super::super::grid::{unreadable_reason as damaged, Grid};
use super::content::{SharedTexts, XML_SPACE};
use super::package::Step;
use super::xml::{each_attr, local, next_token, push_text, unescape_units, Token};

/// What a sheet's cells are read against.
pub struct Context<'a> {
    pub texts: &'a SharedTexts,
    pub kinds: &'a [NumberKind],
    pub is_1904: bool,
}

#[derive(PartialEq, Eq)]
enum Phase {
    /// Before `<sheetData>`: the sheet's views, widths, …
    Before,
    Rows,
}

/// What a cell's `t` says its value is.
#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum Kind {
    #[default]
    Number,
    Shared,
    Inline,
    Formula,
    Bool,
    Error,
    IsoDate,
    Unknown,
}

impl Kind {
    fn of(t: &[u8]) -> Kind {
        match t {
            b"n" => Kind::Number,
            b"s" => Kind::Shared,
            b"inlineStr" => Kind::Inline,
            b"str" => Kind::Formula,
            b"b" => Kind::Bool,
            b"e" => Kind::Error,
            b"d" => Kind::IsoDate,
            _ => Kind::Unknown,
        }
    }
}

/// The cell being read; one, reused, so that a million rows are not
/// millions of allocations.
#[derive(Default)]
struct Cell {
    open: bool,
    row: usize,
    col: usize,
    style: usize,
    kind: Kind,
    kind_text: Vec<u8>,
    value: String,
    inline: String,
    /// A `<t>` of an inline text being read, and whether it keeps its
    /// outer blanks (`xml:space="preserve"`).
    run: Option<(String, bool)>,
}

pub struct SheetReader<'a> {
    context: Context<'a>,
    phase: Phase,
    /// The row being read (0-based), and the row after the last one.
    row: usize,
    next_row: usize,
    /// The column the next cell without a reference is in.
    next_col: usize,
    cell: Cell,
    in_value: bool,
    in_inline: bool,
    /// Depth inside elements passed over whole (`<f>`, `<rPh>`, …).
    skipping: usize,
    text: String,
    pub grid: Grid,
}

impl<'a> SheetReader<'a> {
    pub fn new(context: Context<'a>) -> SheetReader<'a> {
        SheetReader {
            context,
            phase: Phase::Before,
            row: 0,
            next_row: 0,
            next_col: 0,
            cell: Cell::default(),
            in_value: false,
            in_inline: false,
            skipping: 0,
            text: String::new(),
            grid: Grid::default(),
        }
    }

    /// Reads the tokens of `buf`; `last` when the part ends with it.
    pub fn feed(&mut self, buf: &[u8], last: bool) -> Result<Step, String> {
        let mut pos = 0;
        while let Some(token) = next_token(buf, &mut pos).map_err(|e| damaged(&e))? {
            if self.take(token)? {
                return Ok(Step::Done);
            }
        }
        if last {
            return Err(damaged(match self.phase {
                Phase::Before => "it is not a sheet of rows and cells (a chart sheet?)",
                Phase::Rows => "the sheet ends before its last row: the file is cut short",
            }));
        }
        Ok(Step::Used(pos))
    }

    /// Takes one token; true once the sheet's rows are over.
    fn take(&mut self, token: Token) -> Result<bool, String> {
        if self.skipping > 0 {
            match token {
                Token::Start { empty: false, .. } => self.skipping += 1,
                Token::End { .. } => self.skipping -= 1,
                _ => {}
            }
            return Ok(false);
        }
        if self.phase == Phase::Before {
            return Ok(match token {
                Token::Start { name, empty, .. } if local(name) == b"sheetData" => {
                    self.phase = Phase::Rows;
                    empty
                }
                _ => false,
            });
        }
        match token {
            Token::Start { name, attrs, empty } => self
                .start(local(name), attrs, empty)
                .map_err(|e| damaged(&e))?,
            Token::End { name } => return self.end(local(name)),
            Token::Text(raw) => self.text_of(raw, push_text).map_err(|e| damaged(&e))?,
            Token::CData(raw) => self
                .text_of(raw, |raw, out| {
                    out.push_str(std::str::from_utf8(raw).map_err(|_| "not UTF-8".to_string())?);
                    Ok(())
                })
                .map_err(|e| damaged(&e))?,
        }
        Ok(false)
    }

    fn start(&mut self, name: &[u8], attrs: &[u8], empty: bool) -> Result<(), String> {
        match (name, self.cell.open) {
            (b"row", false) => {
                let mut r = None;
                each_attr(attrs, |k, v| {
                    if k == b"r" {
                        r = Some(v);
                    }
                })?;
                self.row = match r {
                    Some(r) => row_number(r).ok_or_else(|| bad_reference(r))?,
                    None => self.next_row,
                };
                self.next_row = self.row + 1;
                self.next_col = 0;
            }
            (b"c", false) => {
                self.cell_start(attrs)?;
                self.next_col = self.cell.col + 1;
                self.cell.open = !empty;
            }
            (b"v", true) => self.in_value = !empty,
            (b"is", true) => self.in_inline = !empty,
            (b"r", true) if self.in_inline => {}
            (b"t", true) if self.in_inline && !empty => {
                let keep = super::xml::attr(attrs, b"xml:space")? == Some(b"preserve");
                self.cell.run = Some((String::new(), keep));
            }
            _ if !empty => self.skipping = 1,
            _ => {}
        }
        Ok(())
    }

    fn cell_start(&mut self, attrs: &[u8]) -> Result<(), String> {
        let cell = &mut self.cell;
        (cell.row, cell.col, cell.style, cell.kind) = (self.row, self.next_col, 0, Kind::Number);
        cell.value.clear();
        cell.inline.clear();
        cell.run = None;
        let mut reference = None;
        each_attr(attrs, |k, v| match k {
            b"r" => reference = Some(v),
            b"s" => {
                cell.style = std::str::from_utf8(v)
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0)
            }
            b"t" => {
                cell.kind = Kind::of(v);
                if cell.kind == Kind::Unknown {
                    cell.kind_text = v.to_vec();
                }
            }
            _ => {}
        })?;
        if let Some(r) = reference {
            (cell.row, cell.col) = cell_reference(r).ok_or_else(|| bad_reference(r))?;
        }
        Ok(())
    }

    fn end(&mut self, name: &[u8]) -> Result<bool, String> {
        match name {
            b"v" => self.in_value = false,
            b"is" => self.in_inline = false,
            b"t" => {
                if let Some((run, keep)) = self.cell.run.take() {
                    // As in the shared texts: a run's outer blanks are
                    // markup unless the run says to keep them.
                    let run = if keep {
                        &run[..]
                    } else {
                        run.trim_matches(XML_SPACE)
                    };
                    self.cell.inline.push_str(&unescape_units(run));
                }
            }
            b"c" if self.cell.open => {
                self.cell.open = false;
                self.place()?;
            }
            b"sheetData" => return Ok(true),
            _ => {}
        }
        Ok(false)
    }

    fn text_of(
        &mut self,
        raw: &[u8],
        push: impl Fn(&[u8], &mut String) -> Result<(), String>,
    ) -> Result<(), String> {
        let cell = &mut self.cell;
        if !cell.open {
            return Ok(());
        }
        match &mut cell.run {
            Some((run, _)) => push(raw, run),
            None if self.in_value => push(raw, &mut cell.value),
            None => Ok(()),
        }
    }

    /// The cell's text as Excel shows it, into the grid.
    fn place(&mut self) -> Result<(), String> {
        let mut scratch = std::mem::take(&mut self.text);
        scratch.clear();
        let cell = &self.cell;
        let placed = match shows(&self.context, cell, &mut scratch) {
            Ok(text) if text.trim().is_empty() => Ok(()),
            Ok(text) => self.grid.place(cell.row, cell.col, text),
            Err(e) => Err(damaged(&e)),
        };
        self.text = scratch;
        placed
    }
}

/// What `cell` shows, from its value, its kind and its format; `scratch`
/// holds what has to be written out.
fn shows<'s>(
    context: &'s Context,
    cell: &'s Cell,
    scratch: &'s mut String,
) -> Result<&'s str, String> {
    let v = cell.value.trim();
    Ok(match cell.kind {
        Kind::Shared if v.is_empty() => "",
        Kind::Shared => v
            .parse::<usize>()
            .ok()
            .and_then(|i| context.texts.get(i))
            .ok_or_else(|| {
                format!("a cell refers to shared text number {v}, which the workbook does not hold")
            })?,
        Kind::Inline => &cell.inline,
        // An inline text under a cell that forgot to say so.
        Kind::Number if v.is_empty() && !cell.inline.is_empty() => &cell.inline,
        Kind::Formula => {
            scratch.push_str(&unescape_units(&cell.value));
            scratch
        }
        Kind::Bool => match v {
            "1" | "true" => "có",
            "0" | "false" => "không",
            other => other,
        },
        Kind::IsoDate => v.get(..10).unwrap_or(v),
        Kind::Number => match v.parse::<f64>() {
            Ok(number) if !v.is_empty() => {
                let kind = context.kinds.get(cell.style).copied();
                number_text(
                    number,
                    kind.unwrap_or(NumberKind::Plain),
                    context.is_1904,
                    scratch,
                );
                scratch
            }
            _ => v,
        },
        Kind::Error => v,
        Kind::Unknown => {
            return Err(format!(
                "a cell (row {}) has the type t=\"{}\", which no version of Excel writes",
                cell.row + 1,
                String::from_utf8_lossy(&cell.kind_text)
            ))
        }
    })
}

fn bad_reference(r: &[u8]) -> String {
    format!(
        "a cell or row has the reference \"{}\", which is not a place on a sheet",
        String::from_utf8_lossy(r)
    )
}

/// The most rows and columns a sheet has (Excel's 1,048,576 × XFD).
const ROWS: usize = 1 << 20;
const COLUMNS: usize = 1 << 14;

/// A row's `r` (1-based) as its index.
fn row_number(r: &[u8]) -> Option<usize> {
    let n: usize = std::str::from_utf8(r).ok()?.trim().parse().ok()?;
    (1..=ROWS).contains(&n).then(|| n - 1)
}

/// A cell's `r` (`H12`) as its row and column indexes.
fn cell_reference(r: &[u8]) -> Option<(usize, usize)> {
    let letters = r.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let col = r[..letters].iter().fold(0, |n, b| {
        n * 26 + (b.to_ascii_uppercase() - b'A') as usize + 1
    });
    (col <= COLUMNS).then_some(())?;
    Some((row_number(&r[letters..])?, col - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(xml: &str, cut: usize) -> Result<Vec<(usize, Vec<String>)>, String> {
        let texts = SharedTexts::default();
        let kinds = [NumberKind::Plain, NumberKind::Date, NumberKind::Percent];
        let mut reader = SheetReader::new(Context {
            texts: &texts,
            kinds: &kinds,
            is_1904: false,
        });
        let bytes = xml.as_bytes();
        let cut = cut.min(bytes.len());
        if let Step::Used(n) = reader.feed(&bytes[..cut], false)? {
            reader.feed(&[&bytes[n..cut], &bytes[cut..]].concat(), true)?;
        }
        let grid = &reader.grid;
        let mut out = Vec::new();
        let mut cells = Vec::new();
        for i in 0..grid.len() {
            let n = grid.row(i, 0, &mut cells);
            out.push((n, cells.iter().map(|c| c.to_string()).collect()));
        }
        Ok(out)
    }

    const SHEET: &str = r#"<?xml version="1.0"?><x:worksheet xmlns:x="s"><x:dimension ref="A1:D3"/><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>Mã</x:t></x:is></x:c><x:c r="C1" t="str"><x:f>A1</x:f><x:v>a&amp;b_x000D_</x:v></x:c></x:row><x:row><x:c s="1"><x:v>37637</x:v></x:c><x:c s="2"><x:v>0.955</x:v></x:c><x:c t="b"><x:v>1</x:v></x:c><x:c t="e"><x:v>#N/A</x:v></x:c></x:row><x:row r="5" hidden="1"><x:c r="B5" t="d"><x:v>2003-01-15T00:00:00</x:v></x:c><x:c r="C5"/></x:row></x:sheetData><x:mergeCells/></x:worksheet>"#;

    #[test]
    fn cells_read_as_excel_shows_them_wherever_the_chunk_ends() {
        let want = vec![
            (1, vec!["Mã".to_string(), String::new(), "a&b".into()]),
            (
                2,
                vec![
                    "16/01/2003".into(),
                    "95.5%".into(),
                    "có".into(),
                    "#N/A".into(),
                ],
            ),
            (5, vec![String::new(), "2003-01-15".into()]),
        ];
        for cut in 0..SHEET.len() {
            if SHEET.is_char_boundary(cut) {
                assert_eq!(read(SHEET, cut).unwrap(), want, "cut at {cut}");
            }
        }
    }

    #[test]
    fn broken_sheets_are_refused() {
        let cut_short = &SHEET[..SHEET.find("<x:row r=\"5\"").unwrap()];
        let err = read(cut_short, usize::MAX).unwrap_err();
        assert!(err.contains("cut short"), "{err}");
        let err = read(&SHEET.replace("B5", "ZZZZ5"), 10).unwrap_err();
        assert!(err.contains("\"ZZZZ5\""), "{err}");
        let err = read(
            &SHEET.replace(
                "t=\"inlineStr\"><x:is><x:t>Mã</x:t></x:is>",
                "t=\"s\"><x:v>7</x:v>",
            ),
            10,
        )
        .unwrap_err();
        assert!(err.contains("shared text number 7"), "{err}");
        let err = read("<chartsheet><drawing/></chartsheet>", 10).unwrap_err();
        assert!(err.contains("not a sheet of rows"), "{err}");
    }
}
