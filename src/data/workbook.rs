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

use calamine::{Data, Range, Reader, Sheets};

use super::cell::cell_text;
use super::error::{DataError, Problem};
use super::grid::{unreadable_reason, Grid};
use super::xlsx::XlsxBook;

/// The file endings read as workbooks.
pub const EXTENSIONS: [&str; 5] = ["xlsx", "xlsm", "xls", "xlsb", "ods"];

/// Between a workbook's file name and its sheet's, in every message.
pub const SHEET_MARK: &str = " › ";

/// A workbook opened from its bytes.
pub struct Workbook {
    book: Book,
    pub file: String,
}

enum Book {
    /// Read by this program (see `xlsx`).
    Xlsx(XlsxBook),
    /// Read by calamine: .xls, .xlsb, .ods, and an .xlsx this program's
    /// reader cannot open but calamine can.
    Calamine(Box<Sheets<Cursor<Vec<u8>>>>),
}

/// The rows of one sheet, cells from column A: the header and its Excel
/// row number, and each later row's cells.
pub struct SheetRows {
    pub header: Vec<String>,
    pub header_row: usize,
    pub rows: Grid,
    pub warnings: Vec<DataError>,
}

/// The header is looked for among this many rows at the top of a sheet.
const HEADER_SEARCH_ROWS: usize = 30;

impl Workbook {
    /// Opens `bytes` as the workbook its file ending says.
    pub fn open(file: &str, bytes: Vec<u8>) -> Result<Workbook, String> {
        let ending = file.rsplit('.').next().unwrap_or("").to_lowercase();
        let calamine = |bytes: Vec<u8>| -> Result<Book, String> {
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
            sheets.map(|s| Book::Calamine(Box::new(s)))
        };
        let book = match ending.as_str() {
            "xls" | "xlsb" | "ods" => calamine(bytes),
            // calamine says why a package is not a workbook (a password,
            // a damaged zip) in more cases than this reader does.
            _ => match XlsxBook::open(bytes) {
                Ok(book) => Ok(Book::Xlsx(book)),
                Err((bytes, _)) => calamine(bytes),
            },
        };
        let book = book.map_err(|e| unreadable_reason(&e))?;
        Ok(Workbook {
            book,
            file: file.to_string(),
        })
    }

    /// The names of its sheets, in the workbook's order.
    pub fn sheet_names(&self) -> Vec<String> {
        match &self.book {
            Book::Xlsx(book) => book.sheet_names(),
            Book::Calamine(sheets) => sheets.sheet_names(),
        }
    }

    /// The rows of sheet `name`.
    pub fn rows(&mut self, name: &str) -> Result<SheetRows, String> {
        let place = format!("{}{SHEET_MARK}{name}", self.file);
        let grid = match &mut self.book {
            // Its reasons are whole: a damaged sheet, or one too large.
            Book::Xlsx(book) => book.grid(name)?,
            // calamine keeps no number formats for these: a percentage
            // cell reads as its fraction (and a fraction in a percentage
            // column is refused as ambiguous).
            Book::Calamine(sheets) => {
                let range = sheets
                    .worksheet_range(name)
                    .map_err(|e| unreadable_reason(&e.to_string()))?;
                range_grid(&range)?
            }
        };
        Ok(sheet_rows(grid, &place))
    }
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

fn sheet_rows(grid: Grid, place: &str) -> SheetRows {
    let width = grid.width();
    let top = grid.len().min(HEADER_SEARCH_ROWS);
    let filled: Vec<usize> = (0..top).map(|i| grid.filled(i)).collect();
    let header_at = header_index(&filled);
    let mut warnings = Vec::new();
    let mut cells = Vec::new();
    let row_number = |i: usize| grid.row_number(i);
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
    rows.drop_first(header_at + 1);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_is_below_a_title() {
        assert_eq!(header_index(&[1, 4, 3]), 1);
        assert_eq!(header_index(&[4, 4]), 0);
        assert_eq!(header_index(&[1]), 0);
    }
}
