//! A sheet of a workbook (`.xlsx`, `.xlsm`, `.xls`, `.xlsb`, `.ods`) →
//! rows of cell texts, as the CSV reader gives them, numbered as Excel
//! numbers them.
//!
//! A cell is read as what it shows, not as what it stores: a date cell
//! is a date (Excel stores a serial number), a cell formatted as a
//! percentage is one (Excel stores 0.95 for 95 %), a number stored as
//! text is the number it spells. Rows above the header (a title, merged
//! cells, a ministry's heading) are left aside with a warning; blank rows
//! are skipped; hidden rows and sheets are read like any other (hiding
//! a row in Excel does not take it out of the list).

use std::io::Cursor;

use calamine::{Data, DataRef, Range, Reader, Sheets};

use super::error::{DataError, Problem};
use crate::source::nfc_cow;

/// The file endings read as workbooks.
pub const EXTENSIONS: [&str; 5] = ["xlsx", "xlsm", "xls", "xlsb", "ods"];

/// Between a workbook's file name and its sheet's, in every message.
pub const SHEET_MARK: &str = " › ";

/// A workbook opened from its bytes.
pub struct Workbook {
    sheets: Sheets<Cursor<Vec<u8>>>,
    pub file: String,
}

/// The rows of one sheet, cells from column A: the header and its Excel
/// row number, and each later row's cells.
pub struct SheetRows {
    pub header: Vec<String>,
    pub header_row: usize,
    pub rows: Grid,
    pub warnings: Vec<DataError>,
}

/// A sheet's rows that hold anything, compactly: every cell's text in
/// one buffer (a million-row sheet is not 25 million allocations), each
/// row its index (0-based) and its cells from column A.
pub struct Grid {
    text: String,
    /// Where each cell's text ends in `text`.
    ends: Vec<usize>,
    /// Each row: its index, its first cell in `ends`, its number of cells.
    rows: Vec<(usize, usize, usize)>,
    /// The most cells (empty ones between filled ones included) and text
    /// bytes kept: a few kilobytes of zip can unpack to a sheet of
    /// billions of cells, or one cell per row in column XFD pads 16,383.
    limits: (usize, usize),
}

/// Cells one sheet may hold, counting the empty ones before a row's last
/// (512 MB of cell ends): Excel's full row count (1,048,576) at 64
/// columns, where a members list has about 25.
const MAX_SHEET_CELLS: usize = 1 << 26;
/// Text one sheet may hold, as the limit on a CSV file's size.
const MAX_SHEET_TEXT: usize = crate::files::MAX_DATA_BYTES as usize;

impl Default for Grid {
    fn default() -> Grid {
        Grid::with_limits(MAX_SHEET_CELLS, MAX_SHEET_TEXT)
    }
}

impl Grid {
    fn with_limits(cells: usize, text: usize) -> Grid {
        Grid {
            text: String::new(),
            ends: Vec::new(),
            rows: Vec::new(),
            limits: (cells, text),
        }
    }
    pub fn len(&self) -> usize {
        self.rows.len()
    }
    /// The Excel row number of row `i`, and its cells (`width` of them,
    /// empty past the row's last).
    pub fn row<'a>(&'a self, i: usize, width: usize, out: &mut Vec<&'a str>) -> usize {
        let (index, first, count) = self.rows[i];
        out.clear();
        for k in first..first + count {
            let start = if k == 0 { 0 } else { self.ends[k - 1] };
            out.push(&self.text[start..self.ends[k]]);
        }
        out.resize(width.max(count), "");
        index + 1
    }
    fn width(&self) -> usize {
        self.rows.iter().map(|r| r.2).max().unwrap_or(0)
    }
    /// Adds a cell's text (trimmed, NFC) at `row`, `col`; cells come in
    /// reading order.
    fn place(&mut self, row: usize, col: usize, text: &str) -> Result<(), String> {
        if self.rows.last().is_none_or(|r| r.0 < row) {
            self.rows.push((row, self.ends.len(), 0));
        }
        let Some(last) = self.rows.last_mut().filter(|r| r.0 == row) else {
            return Err(unreadable_reason("the rows of the sheet are out of order"));
        };
        if col < last.2 {
            return Err(unreadable_reason("the cells of a row are out of order"));
        }
        let cells = self.ends.len().saturating_add(col - last.2 + 1);
        if cells > self.limits.0 || self.text.len().saturating_add(text.len()) > self.limits.1 {
            return Err(too_large(self.limits));
        }
        while last.2 < col {
            self.ends.push(self.text.len());
            last.2 += 1;
        }
        self.text.push_str(&nfc_cow(text.trim()));
        self.ends.push(self.text.len());
        last.2 += 1;
        Ok(())
    }
    fn filled(&self, i: usize) -> usize {
        let (_, first, count) = self.rows[i];
        (first..first + count)
            .filter(|&k| self.ends[k] > if k == 0 { 0 } else { self.ends[k - 1] })
            .count()
    }
}

/// The header is looked for among this many rows at the top of a sheet.
const HEADER_SEARCH_ROWS: usize = 30;

impl Workbook {
    /// Opens `bytes` as the workbook its file ending says.
    pub fn open(file: &str, bytes: Vec<u8>) -> Result<Workbook, String> {
        let ending = file.rsplit('.').next().unwrap_or("").to_lowercase();
        let data = Cursor::new(bytes);
        let sheets = match ending.as_str() {
            "xls" => calamine::open_workbook_from_rs(data)
                .map(Sheets::Xls)
                .map_err(|e| e.to_string()),
            "xlsb" => calamine::open_workbook_from_rs(data)
                .map(Sheets::Xlsb)
                .map_err(|e| e.to_string()),
            "ods" => calamine::open_workbook_from_rs(data)
                .map(Sheets::Ods)
                .map_err(|e| e.to_string()),
            _ => calamine::open_workbook_from_rs(data)
                .map(Sheets::Xlsx)
                .map_err(|e| e.to_string()),
        };
        let sheets = sheets.map_err(|e| unreadable_reason(&e))?;
        Ok(Workbook {
            sheets,
            file: file.to_string(),
        })
    }

    /// The names of its sheets, in the workbook's order.
    pub fn sheet_names(&self) -> Vec<String> {
        self.sheets.sheet_names()
    }

    /// The rows of sheet `name`.
    pub fn rows(&mut self, name: &str) -> Result<SheetRows, String> {
        let place = format!("{}{SHEET_MARK}{name}", self.file);
        let grid = match &mut self.sheets {
            // Streamed with each cell's style in one pass: the number
            // format says a percentage, and a million rows are never held
            // twice.
            Sheets::Xlsx(x) => xlsx_grid(x, name)?,
            // The other forms keep no number formats calamine gives back:
            // a percentage cell reads as its fraction there (and a
            // fraction in a percentage column is refused as ambiguous).
            other => {
                let range = other
                    .worksheet_range(name)
                    .map_err(|e| unreadable_reason(&e.to_string()))?;
                range_grid(&range)?
            }
        };
        Ok(sheet_rows(grid, &place))
    }
}

fn xlsx_grid(book: &mut calamine::Xlsx<Cursor<Vec<u8>>>, name: &str) -> Result<Grid, String> {
    let mut reader = book
        .worksheet_cells_reader(name)
        .map_err(|e| unreadable_reason(&e.to_string()))?;
    let percent: Vec<bool> = reader.styles().iter().map(is_percent).collect();
    let mut grid = Grid::default();
    let mut text = String::new();
    loop {
        let next = reader
            .next_cell_with_style_id()
            .map_err(|e| unreadable_reason(&e.to_string()))?;
        let Some((cell, style)) = next else { break };
        let (row, col) = cell.get_position();
        text.clear();
        ref_text(
            cell.get_value(),
            percent.get(style).copied().unwrap_or(false),
            &mut text,
        );
        if !text.trim().is_empty() {
            grid.place(row as usize, col as usize, &text)?;
        }
    }
    Ok(grid)
}

fn range_grid(range: &Range<Data>) -> Result<Grid, String> {
    let (top, left) = range.start().unwrap_or((0, 0));
    let mut grid = Grid::default();
    let mut text = String::new();
    for (i, row) in range.rows().enumerate() {
        for (j, d) in row.iter().enumerate() {
            text.clear();
            cell_text(d, false, &mut text);
            if !text.trim().is_empty() {
                // A range's cells come in order: only a limit can fail.
                grid.place(top as usize + i, left as usize + j, &text)?;
            }
        }
    }
    Ok(grid)
}

fn too_large((cells, bytes): (usize, usize)) -> String {
    format!(
        "the sheet holds more than {cells} cells (counting the empty cells left of a row's last) or {} MB of text, more than any members list; delete the columns and rows outside the list (select them, right-click › Delete) and save it again",
        bytes >> 20
    )
}

/// Why a workbook cannot be read, in the user's terms.
fn unreadable_reason(detail: &str) -> String {
    let lower = detail.to_lowercase();
    if lower.contains("password") || lower.contains("encrypt") {
        return "the workbook is protected by a password; open it in Excel, remove the password (File › Info › Protect Workbook) and save it again".into();
    }
    format!("not a workbook this program can read, or a damaged one ({detail}); open it in Excel and save it again as .xlsx")
}

fn sheet_rows(grid: Grid, place: &str) -> SheetRows {
    let width = grid.width();
    let top = grid.len().min(HEADER_SEARCH_ROWS);
    let filled: Vec<usize> = (0..top).map(|i| grid.filled(i)).collect();
    let header_at = header_index(&filled);
    let mut warnings = Vec::new();
    let mut cells = Vec::new();
    let row_number = |i: usize| grid.rows[i].0 + 1;
    if header_at > 0 {
        warnings.push(DataError::file(
            place,
            Problem::RowsAboveHeader {
                first: row_number(0),
                last: row_number(header_at - 1),
                header: row_number(header_at),
            },
        ));
    }
    let (header_row, header) = match grid.len() {
        0 => (1, Vec::new()),
        _ => {
            let n = grid.row(header_at, width, &mut cells);
            (n, cells.iter().map(|c| c.to_string()).collect())
        }
    };
    let mut rows = grid;
    rows.rows.drain(..(header_at + 1).min(rows.rows.len()));
    SheetRows {
        header,
        header_row,
        rows,
        warnings,
    }
}

/// The header among the top rows (given by their filled cells): the
/// first with at least half as many as the fullest of them (a title row
/// above it fills one cell, merged or not), and at least two.
fn header_index(filled: &[usize]) -> usize {
    let most = filled.iter().copied().max().unwrap_or(0);
    filled
        .iter()
        .position(|&n| n >= 2 && n * 2 >= most)
        .unwrap_or(0)
}

fn is_percent(style: &calamine::Style) -> bool {
    let Some(format) = style.number_format.as_ref() else {
        return false;
    };
    // A `%` outside quotes and escapes: "0%" and "0.0%" are percentages,
    // "0\"%\"" only shows the sign.
    let mut quoted = false;
    let mut chars = format.format_code.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            '\\' => {
                chars.next();
            }
            '%' if !quoted => return true,
            _ => {}
        }
    }
    false
}

/// What a streamed cell shows, as text the field parsers read.
fn ref_text(d: &DataRef, percent: bool, out: &mut String) {
    match d {
        DataRef::SharedString(s) => out.push_str(s),
        DataRef::String(s) | DataRef::DurationIso(s) => out.push_str(s),
        DataRef::Empty => {}
        DataRef::Int(n) => cell_text(&Data::Int(*n), percent, out),
        DataRef::Float(f) => cell_text(&Data::Float(*f), percent, out),
        DataRef::Bool(b) => cell_text(&Data::Bool(*b), percent, out),
        DataRef::DateTime(dt) => cell_text(&Data::DateTime(*dt), percent, out),
        DataRef::DateTimeIso(s) => out.push_str(s.get(..10).unwrap_or(s)),
        DataRef::Error(e) => out.push_str(&e.to_string()),
    }
}

/// What a cell shows, as text the field parsers read.
fn cell_text(d: &Data, percent: bool, out: &mut String) {
    use std::fmt::Write;
    match d {
        Data::Empty => {}
        Data::String(s) | Data::DurationIso(s) => out.push_str(s),
        Data::Bool(true) => out.push_str("có"),
        Data::Bool(false) => out.push_str("không"),
        Data::Int(n) if percent => {
            let _ = write!(out, "{}%", n.saturating_mul(100));
        }
        Data::Int(n) => {
            let _ = write!(out, "{n}");
        }
        Data::Float(f) if percent => {
            decimal(f * 100.0, out);
            out.push('%');
        }
        Data::Float(f) => decimal(*f, out),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            let _ = write!(out, "{d:02}/{m:02}/{y:04}");
        }
        Data::DateTime(dt) => decimal(dt.as_f64(), out),
        Data::DateTimeIso(s) => out.push_str(s.get(..10).unwrap_or(s)),
        Data::Error(e) => {
            let _ = write!(out, "{e}");
        }
    }
}

/// A float as its shortest decimal, rounded to 10 places so that
/// 0.57 × 100 reads 57, not 56.99999999999999. Whole numbers (most
/// cells) take the short way.
fn decimal(f: f64, out: &mut String) {
    use std::fmt::Write;
    let rounded = f.round();
    if (f - rounded).abs() < 1e-9 && rounded.abs() < 1e15 {
        let _ = write!(out, "{}", rounded as i64);
        return;
    }
    if !f.is_finite() {
        let _ = write!(out, "{f}");
        return;
    }
    let start = out.len();
    let _ = write!(out, "{f:.10}");
    let keep = out[start..]
        .trim_end_matches('0')
        .trim_end_matches('.')
        .len();
    out.truncate(start + keep);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(d: &Data, percent: bool) -> String {
        let mut out = String::new();
        cell_text(d, percent, &mut out);
        out
    }

    #[test]
    fn floats_read_as_people_wrote_them() {
        assert_eq!(text(&Data::Float(0.57 * 100.0), false), "57");
        assert_eq!(text(&Data::Float(85.0), false), "85");
        assert_eq!(text(&Data::Float(2.5), false), "2.5");
        assert_eq!(text(&Data::Float(-0.0), false), "0");
        assert_eq!(text(&Data::Float(0.955), true), "95.5%");
        assert_eq!(text(&Data::Float(1.0), true), "100%");
        assert_eq!(text(&Data::Float(0.8), false), "0.8");
        assert_eq!(text(&Data::Float(1.0 / 3.0), false), "0.3333333333");
    }

    #[test]
    fn the_header_is_below_a_title() {
        assert_eq!(header_index(&[1, 4, 3]), 1);
        assert_eq!(header_index(&[4, 4]), 0);
        assert_eq!(header_index(&[1]), 0);
    }

    #[test]
    fn a_grid_pads_gaps_and_short_rows() {
        let mut g = Grid::default();
        g.place(0, 0, "a").unwrap();
        g.place(0, 2, " c ").unwrap();
        g.place(3, 1, "x").unwrap();
        let mut cells = Vec::new();
        assert_eq!(g.row(0, 3, &mut cells), 1);
        assert_eq!(cells, ["a", "", "c"]);
        assert_eq!(g.row(1, 3, &mut cells), 4);
        assert_eq!(cells, ["", "x", ""]);
        assert!(g.place(3, 0, "late").is_err());
    }

    #[test]
    fn a_sheet_past_the_limits_is_refused_not_held() {
        let mut g = Grid::with_limits(10, 100);
        g.place(0, 0, "a").unwrap();
        // Column J pads eight empty cells: ten in all, at the limit.
        g.place(0, 9, "b").unwrap();
        let far = g.place(1, 16_383, "c").unwrap_err();
        assert!(far.contains("more than 10 cells"), "{far}");
        let mut g = Grid::with_limits(10, 4);
        g.place(0, 0, "abc").unwrap();
        assert!(g.place(1, 0, "de").is_err());
    }
}
