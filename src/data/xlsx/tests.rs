//! This reader against calamine's on the same workbooks: random sheets
//! of every cell kind and number format rust_xlsxwriter writes, rich
//! texts, sparse rows and columns (inline texts: `sheet`'s tests). calamine's cells go
//! through the same `cell` functions, its formats through the same
//! classification, so any difference is a difference in reading.

use std::io::Cursor;

use calamine::{Data, DataRef, Reader};
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};

use super::super::cell::{cell_text, NumberKind};
use super::super::grid::Grid;
use super::XlsxBook;

/// xorshift: the same workbooks on every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
    fn pick<'a>(&mut self, of: &[&'a str]) -> &'a str {
        of[self.below(of.len() as u64) as usize]
    }
}

const TEXTS: [&str; 12] = [
    "Nguyễn Văn Bình",
    "Chi bộ Thôn Đồng Kỳ",
    "a & b < c > d \"e\" 'f'",
    "  padded  ",
    "line\nbreak",
    "tab\there",
    "_x000D_ literal",
    "HTXSNV",
    "1.000,5",
    "Ngày 05/12/2026",
    "\u{1}control",
    "😀 emoji",
];

const FORMATS: [&str; 10] = [
    "General",
    "0",
    "0.00",
    "dd/mm/yyyy",
    "d-mmm-yy",
    "[$-42A]dd/mm/yyyy h:mm",
    "[h]:mm:ss",
    "0%",
    "0.0%",
    "#,##0 \"đ\"",
];

fn random_book(rng: &mut Rng) -> Vec<u8> {
    let mut book = Workbook::new();
    let formats: Vec<Format> = FORMATS
        .iter()
        .map(|f| Format::new().set_num_format(*f))
        .collect();
    let bold = Format::new().set_bold();
    let ws = book.add_worksheet();
    let mut row = 0;
    for _ in 0..60 {
        row += 1 + rng.below(3) as u32;
        if rng.below(10) == 0 {
            ws.set_row_hidden(row).unwrap();
        }
        let mut col = rng.below(3) as u16;
        for _ in 0..rng.below(12) {
            let format = &formats[rng.below(formats.len() as u64) as usize];
            let number = match rng.below(4) {
                0 => rng.below(100_000) as f64,
                1 => rng.below(1_000_000) as f64 / 1000.0,
                2 => -(rng.below(500) as f64) / 7.0,
                _ => 30_000.0 + rng.below(20_000) as f64 + rng.below(24) as f64 / 24.0,
            };
            match rng.below(9) {
                0 | 1 => ws.write_string(row, col, rng.pick(&TEXTS)).map(|_| ()),
                2 | 3 => ws
                    .write_number_with_format(row, col, number, format)
                    .map(|_| ()),
                4 => ws.write_boolean(row, col, rng.below(2) == 1).map(|_| ()),
                5 => ws
                    .write_formula(
                        row,
                        col,
                        Formula::new("=1+1").set_result(format!("{number}")),
                    )
                    .map(|_| ()),
                6 => ws.write_blank(row, col, format).map(|_| ()),
                7 => ws
                    .write_rich_string(
                        row,
                        col,
                        &[(&bold, "Đảng "), (&Format::new(), rng.pick(&TEXTS))],
                    )
                    .map(|_| ()),
                _ => {
                    let date = ExcelDateTime::from_ymd(
                        1950 + rng.below(70) as u16,
                        1 + rng.below(12) as u8,
                        1 + rng.below(28) as u8,
                    )
                    .unwrap();
                    ws.write_datetime_with_format(row, col, &date, &formats[3])
                        .map(|_| ())
                }
            }
            .unwrap();
            col += 1 + rng.below(4) as u16;
        }
    }
    book.save_to_buffer().unwrap()
}

/// calamine's reading of the first sheet, through the same cell texts.
fn by_calamine(bytes: &[u8]) -> Grid {
    let mut book = calamine::Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let name = book.sheet_names()[0].clone();
    let mut reader = book.worksheet_cells_reader(&name).unwrap();
    let percent: Vec<bool> = reader
        .styles()
        .iter()
        .map(|s| {
            let code = s.number_format.as_ref().map(|f| f.format_code.as_str());
            code.is_some_and(|c| NumberKind::of_code(c) == NumberKind::Percent)
        })
        .collect();
    let mut grid = Grid::default();
    let mut text = String::new();
    while let Some((cell, style)) = reader.next_cell_with_style_id().unwrap() {
        let (row, col) = cell.get_position();
        let data = match cell.get_value() {
            DataRef::SharedString(s) => Data::String(s.to_string()),
            DataRef::String(s) => Data::String(s.clone()),
            DataRef::Empty => Data::Empty,
            DataRef::Float(f) => Data::Float(*f),
            DataRef::Int(n) => Data::Int(*n),
            DataRef::Bool(b) => Data::Bool(*b),
            DataRef::DateTime(d) => Data::DateTime(*d),
            DataRef::DateTimeIso(s) => Data::DateTimeIso(s.clone()),
            DataRef::DurationIso(s) => Data::DurationIso(s.clone()),
            DataRef::Error(e) => Data::Error(e.clone()),
        };
        text.clear();
        cell_text(
            &data,
            percent.get(style).copied().unwrap_or(false),
            &mut text,
        );
        if !text.trim().is_empty() {
            grid.place(row as usize, col as usize, &text).unwrap();
        }
    }
    grid
}

fn rows(grid: &Grid) -> Vec<(usize, Vec<String>)> {
    let mut cells = Vec::new();
    (0..grid.len())
        .map(|i| {
            let n = grid.row(i, 0, &mut cells);
            (n, cells.iter().map(|c| c.to_string()).collect())
        })
        .collect()
}

#[test]
fn this_reader_reads_what_calamine_reads() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut seen = String::new();
    for round in 0..40 {
        let bytes = random_book(&mut rng);
        let ours = XlsxBook::open(bytes.clone()).map_err(|e| e.1).unwrap();
        let name = &ours.sheet_names()[0];
        let ours = rows(&ours.grid(name).unwrap());
        let theirs = rows(&by_calamine(&bytes));
        assert!(!ours.is_empty());
        for (a, b) in ours.iter().zip(&theirs) {
            assert_eq!(a, b, "round {round}");
        }
        assert_eq!(ours.len(), theirs.len(), "round {round}");
        for (_, cells) in ours {
            seen.push_str(&cells.join("|"));
        }
    }
    // Every kind of cell was met: dates, percentages, truth values,
    // rich and escaped texts, fractions, durations.
    for shown in [
        "/19",
        "%",
        "có",
        "không",
        "Đảng Nguyễn",
        "a & b <",
        "line\nbreak",
        "_x000D_ literal",
        ".5",
        "-",
    ] {
        assert!(seen.contains(shown), "{shown} never read");
    }
}

/// A real workbook whose sheet part is `xml`.
fn with_sheet_xml(xml: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut book = Workbook::new();
    book.add_worksheet().write_string(0, 0, "x").unwrap();
    let original = book.save_to_buffer().unwrap();
    let mut from = zip::ZipArchive::new(Cursor::new(&original[..])).unwrap();
    let mut to = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..from.len() {
        let entry = from.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        if name == "xl/worksheets/sheet1.xml" {
            drop(entry);
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            to.start_file(name, options).unwrap();
            to.write_all(xml).unwrap();
        } else {
            to.raw_copy_file(entry).unwrap();
        }
    }
    to.finish().unwrap().into_inner()
}

fn read_sheet(bytes: Vec<u8>) -> Result<Grid, String> {
    let book = XlsxBook::open(bytes).map_err(|e| e.1)?;
    book.grid(&book.sheet_names()[0])
}

#[test]
fn hostile_sheets_are_refused_within_bounded_memory() {
    let unclosed = [
        &b"<worksheet><sheetData><row><c r=\"A1"[..],
        &vec![b'x'; 20 << 20],
    ]
    .concat();
    let err = read_sheet(with_sheet_xml(&unclosed)).err().unwrap();
    assert!(err.contains("has an element longer than 16 MB"), "{err}");

    let cut = b"<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c>";
    let err = read_sheet(with_sheet_xml(cut)).err().unwrap();
    assert!(err.contains("the file is cut short"), "{err}");

    let doctype = b"<!DOCTYPE w [<!ENTITY a \"aaaa\">]><worksheet><sheetData/></worksheet>";
    let err = read_sheet(with_sheet_xml(doctype)).err().unwrap();
    assert!(err.contains("document type"), "{err}");

    // A part that unpacks past its limit stops there, whatever it holds.
    let bytes = with_sheet_xml(&vec![b' '; 1 << 20]);
    let err = super::package::stream(&bytes, "xl/worksheets/sheet1.xml", 1000, |_, _| {
        Ok(super::package::Step::Used(0))
    })
    .unwrap_err();
    assert!(err.contains("unpacks to more than"), "{err}");
}

/// The sheet part of `bytes`, inflated.
fn sheet_xml(bytes: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut xml = Vec::new();
    let mut part = zip.by_name("xl/worksheets/sheet1.xml").unwrap();
    part.read_to_end(&mut xml).unwrap();
    xml
}

fn mutate(rng: &mut Rng, mut bytes: Vec<u8>) -> Vec<u8> {
    const PIECES: [&[u8]; 8] = [
        b"<",
        b">",
        b"\"",
        b"</row>",
        b"<c r=\"XFD1048577\">",
        b"&#x0;",
        b"_xD800_",
        b"<![CDATA[",
    ];
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(bytes.len() as u64 + 1) as usize;
        match rng.below(4) {
            0 => bytes.truncate(at),
            1 if at < bytes.len() => bytes[at] = rng.below(256) as u8,
            2 => {
                let piece = PIECES[rng.below(PIECES.len() as u64) as usize];
                bytes.splice(at..at, piece.iter().copied());
            }
            _ => {
                let end = (at + rng.below(40) as usize).min(bytes.len());
                bytes.drain(at..end);
            }
        }
    }
    bytes
}

/// Damaged sheets and damaged packages: an answer or a reason, never a
/// panic. `XEPLOAI_FUZZ_CASES` runs more.
#[test]
fn damaged_workbooks_never_panic() {
    let cases = std::env::var("XEPLOAI_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(300);
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let book = random_book(&mut rng);
    let xml = sheet_xml(&book);
    for case in 0..cases {
        let bytes = if case % 4 == 0 {
            mutate(&mut rng, book.clone())
        } else {
            with_sheet_xml(&mutate(&mut rng, xml.clone()))
        };
        if let Err(reason) = read_sheet(bytes) {
            assert!(!reason.is_empty(), "case {case}");
        }
    }
}

/// A real workbook (one date cell, 37637 as dd/mm/yyyy) with `parts`
/// replaced or added.
fn with_parts(parts: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    book.add_worksheet()
        .write_number_with_format(0, 0, 37637.0, &date)
        .unwrap();
    let original = book.save_to_buffer().unwrap();
    let mut from = zip::ZipArchive::new(Cursor::new(&original[..])).unwrap();
    let mut to = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for i in 0..from.len() {
        let entry = from.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        if !parts.iter().any(|(n, _)| *n == name) {
            to.raw_copy_file(entry).unwrap();
        }
    }
    for (name, bytes) in parts {
        to.start_file(*name, options).unwrap();
        to.write_all(bytes).unwrap();
    }
    to.finish().unwrap().into_inner()
}

fn first_cells(bytes: Vec<u8>) -> Result<Vec<String>, String> {
    let grid = read_sheet(bytes)?;
    let mut cells = Vec::new();
    grid.row(0, 0, &mut cells);
    Ok(cells.iter().map(|c| c.to_string()).collect())
}

const WORKBOOK_1904: &[u8] = br#"<workbook xmlns:r="r"><workbookPr date1904="1"/><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets><extLst><ext><x15:workbookPr chartTrackingRefBase="1"/></ext></extLst></workbook>"#;

#[test]
fn what_excel_2013_and_later_write_reads_as_excel_shows_it() {
    // Found by a red-team pass against calamine's reader.
    assert_eq!(first_cells(with_parts(&[])).unwrap(), ["16/01/2003"]);
    // A 1904 workbook whose later x15:workbookPr has no date1904.
    let book = with_parts(&[("xl/workbook.xml", WORKBOOK_1904)]);
    assert_eq!(first_cells(book).unwrap(), ["17/01/2007"]);
    // A conditional format's number format reuses the cell's id.
    let styles = br#"<styleSheet><numFmts><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs><dxfs><dxf><numFmt numFmtId="164" formatCode="0.00"/></dxf></dxfs></styleSheet>"#;
    let book = with_parts(&[("xl/styles.xml", styles)]);
    assert_eq!(first_cells(book).unwrap(), ["16/01/2003"]);
    // Inline runs trimmed as shared ones are, CRLF read as LF, an inline
    // text under a cell without its type.
    let sheet = b"<worksheet><sheetData><row r=\"1\"><c t=\"inlineStr\"><is><r><t>Nguy\xe1\xbb\x85n </t></r><r><t xml:space=\"preserve\"> V\xc4\x83n\r\nA</t></r></is></c><c><is><t>no type</t></is></c></row></sheetData></worksheet>";
    let book = with_parts(&[("xl/worksheets/sheet1.xml", sheet)]);
    assert_eq!(first_cells(book).unwrap(), ["Nguyễn Văn\nA", "no type"]);
    // A type no Excel writes is refused, not shown as its index.
    let sheet =
        b"<worksheet><sheetData><row r=\"1\"><c t=\"S\"><v>0</v></c></row></sheetData></worksheet>";
    let err = first_cells(with_parts(&[("xl/worksheets/sheet1.xml", sheet)])).unwrap_err();
    assert!(err.contains("t=\"S\""), "{err}");
}
