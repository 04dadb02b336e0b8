//! An .xlsx (or .xlsm) workbook read by this program itself rather than
//! through calamine, for speed: the generated province's members sheet
//! (1,000,959 rows) is 511 MB of XML, which calamine's general reader
//! took about 9 s over and this one, inflating on one core while it reads
//! on the other, takes about 4 s. What a cell shows is decided by the
//! same functions as for the other workbook forms (`cell`), and tests
//! compare the two readers on the same workbooks.
//!
//! The pipeline: `package` finds and inflates the parts, `xml` splits
//! them into tokens, `content` reads the shared texts and cell formats,
//! `sheet` reads a worksheet's rows into a `Grid`.

mod content;
mod package;
mod sheet;
mod xml;

use super::grid::{unreadable_reason as damaged, Grid, MAX_SHEET_TEXT};
use content::{number_kinds, SharedTexts};
use package::{relationships, sheets_of, stream, Parts};
use sheet::{Context, SheetReader};

/// The XML one sheet may unpack to: the grid's text limit with room for
/// the markup around each cell.
const MAX_SHEET_XML: u64 = 4 * MAX_SHEET_TEXT as u64;

/// An opened .xlsx: its bytes, and where its sheets and tables are.
pub struct XlsxBook {
    bytes: Vec<u8>,
    /// Each sheet's name and the archive's name for its part.
    sheets: Vec<(String, Option<String>)>,
    is_1904: bool,
    texts: Option<String>,
    styles: Option<String>,
}

impl XlsxBook {
    /// Reads the package's directory, the workbook part and its
    /// relationships (the sheets themselves are read when asked for).
    /// On failure, the bytes come back with the reason.
    pub fn open(bytes: Vec<u8>) -> Result<XlsxBook, (Vec<u8>, String)> {
        match Self::index(&bytes) {
            Ok((sheets, is_1904, texts, styles)) => Ok(XlsxBook {
                bytes,
                sheets,
                is_1904,
                texts,
                styles,
            }),
            Err(e) => Err((bytes, e)),
        }
    }

    #[allow(clippy::type_complexity)]
    fn index(
        bytes: &[u8],
    ) -> Result<
        (
            Vec<(String, Option<String>)>,
            bool,
            Option<String>,
            Option<String>,
        ),
        String,
    > {
        let mut parts = Parts::open(bytes)?;
        let workbook = relationships(&mut parts, "")?
            .into_iter()
            .find(|r| r.kind == "officeDocument")
            .map_or_else(|| "xl/workbook.xml".to_string(), |r| r.target);
        let xml = parts
            .small(&workbook)?
            .ok_or_else(|| format!("it has no workbook part ({workbook})"))?;
        let (named, is_1904) = sheets_of(&xml)?;
        let links = relationships(&mut parts, &workbook)?;
        // Where the relationships say, else where Excel puts them.
        let part_of = |kind: &str, usual: &str| -> Option<String> {
            match links.iter().find(|r| r.kind == kind) {
                Some(link) => parts.find(&link.target),
                None => parts.find(usual),
            }
        };
        let texts = part_of("sharedStrings", "xl/sharedStrings.xml");
        let styles = part_of("styles", "xl/styles.xml");
        let sheets = named
            .into_iter()
            .map(|(name, id)| {
                let part = links.iter().find(|r| r.id == id);
                let part = part.and_then(|r| parts.find(&r.target));
                (name, part)
            })
            .collect();
        Ok((sheets, is_1904, texts, styles))
    }

    pub fn sheet_names(&self) -> Vec<String> {
        self.sheets.iter().map(|(name, _)| name.clone()).collect()
    }

    /// The cells of sheet `name`.
    pub fn grid(&self, name: &str) -> Result<Grid, String> {
        let part = self
            .sheets
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, part)| part.clone())
            .ok_or_else(|| {
                damaged(&format!(
                    "the workbook lists the sheet \"{name}\" but holds no such sheet"
                ))
            })?;
        let texts = match &self.texts {
            Some(part) => SharedTexts::read(&self.bytes, part, MAX_SHEET_TEXT)?,
            None => SharedTexts::default(),
        };
        let kinds = match &self.styles {
            Some(part) => {
                let kinds = Parts::open(&self.bytes)
                    .and_then(|mut parts| parts.small(part))
                    .and_then(|xml| number_kinds(&xml.unwrap_or_default()));
                kinds.map_err(|e| damaged(&e))?
            }
            None => Vec::new(),
        };
        let mut reader = SheetReader::new(Context {
            texts: &texts,
            kinds: &kinds,
            is_1904: self.is_1904,
        });
        stream(&self.bytes, &part, MAX_SHEET_XML, |buf, last| {
            reader.feed(buf, last)
        })?;
        Ok(reader.grid)
    }
}

#[cfg(test)]
mod tests;
