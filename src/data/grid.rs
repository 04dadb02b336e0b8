//! The cells of one sheet as the loader reads them: every filled cell's
//! text (trimmed, NFC) in reading order, held compactly and within limits
//! whatever the workbook claims.

use crate::source::nfc_cow;

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
pub(super) const MAX_SHEET_TEXT: usize = crate::files::MAX_DATA_BYTES as usize;

impl Default for Grid {
    fn default() -> Grid {
        Grid::with_limits(MAX_SHEET_CELLS, MAX_SHEET_TEXT)
    }
}

impl Grid {
    pub(super) fn with_limits(cells: usize, text: usize) -> Grid {
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
    pub(super) fn width(&self) -> usize {
        self.rows.iter().map(|r| r.2).max().unwrap_or(0)
    }
    /// Adds a cell's text (trimmed, NFC) at `row`, `col`; cells come in
    /// reading order.
    pub(super) fn place(&mut self, row: usize, col: usize, text: &str) -> Result<(), String> {
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
    /// The Excel row number of row `i`.
    pub(super) fn row_number(&self, i: usize) -> usize {
        self.rows[i].0 + 1
    }
    /// Leaves out the first `n` rows (the header and what is above it).
    pub(super) fn drop_first(&mut self, n: usize) {
        self.rows.drain(..n.min(self.rows.len()));
    }
    pub(super) fn filled(&self, i: usize) -> usize {
        let (_, first, count) = self.rows[i];
        (first..first + count)
            .filter(|&k| self.ends[k] > if k == 0 { 0 } else { self.ends[k - 1] })
            .count()
    }
}

pub(super) fn too_large((cells, bytes): (usize, usize)) -> String {
    format!(
        "the sheet holds more than {cells} cells (counting the empty cells left of a row's last) or {} MB of text, more than any members list; delete the columns and rows outside the list (select them, right-click › Delete) and save it again",
        bytes >> 20
    )
}

/// Why a workbook cannot be read, in the user's terms.
pub(super) fn unreadable_reason(detail: &str) -> String {
    let lower = detail.to_lowercase();
    if lower.contains("password") || lower.contains("encrypt") {
        return "the workbook is protected by a password; open it in Excel, remove the password (File › Info › Protect Workbook) and save it again".into();
    }
    format!("not a workbook this program can read, or a damaged one ({detail}); open it in Excel and save it again as .xlsx")
}

#[cfg(test)]
mod tests {
    use super::*;

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
