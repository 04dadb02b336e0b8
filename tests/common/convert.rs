//! The example's CSV rewritten as staff's software would save it: Excel
//! workbooks with real date and percent cells, "CSV" with semicolons in
//! the Windows code page, "Unicode Text". Shared by the tests and the
//! benchmark of reading workbooks (which uses only some of it).
#![allow(dead_code)]

use std::path::Path;

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};

/// The rows of a CSV file, header first.
pub fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .expect("csv");
    reader
        .records()
        .map(|r| r.expect("record").iter().map(str::to_string).collect())
        .collect()
}

/// Writes `rows` into `sheet`: a `dd/mm/yyyy` cell as a date, `95%` as a
/// percent cell (0.95), a number as a number, the rest as text.
pub fn fill_sheet(sheet: &mut Worksheet, rows: &[Vec<String>]) {
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let percent = Format::new().set_num_format("0%");
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            if r == 0 || text.is_empty() {
                if !text.is_empty() {
                    sheet.write_string(r, c, text).expect("cell");
                }
                continue;
            }
            if let Some(d) = as_date(text) {
                sheet
                    .write_datetime_with_format(r, c, &d, &date)
                    .expect("cell");
            } else if let Some(p) = text.strip_suffix('%').and_then(|p| p.parse::<f64>().ok()) {
                sheet
                    .write_number_with_format(r, c, p / 100.0, &percent)
                    .expect("cell");
            } else if let Ok(n) = text.parse::<f64>() {
                sheet.write_number(r, c, n).expect("cell");
            } else {
                sheet.write_string(r, c, text).expect("cell");
            }
        }
    }
}

fn as_date(text: &str) -> Option<ExcelDateTime> {
    let mut parts = text.split('/');
    let d: u8 = parts.next()?.parse().ok()?;
    let m: u8 = parts.next()?.parse().ok()?;
    let y: u16 = parts.next()?.parse().ok()?;
    if parts.next().is_some() {
        return None;
    }
    ExcelDateTime::from_ymd(y, m, d).ok()
}

/// One workbook per table, sheets named in Vietnamese, as `FILE.xlsx`.
pub fn to_workbooks(from: &Path, to: &Path) {
    for (csv, xlsx, sheet) in [
        ("organisations.csv", "organisations.xlsx", "Tổ chức"),
        ("members.csv", "members.xlsx", "Đảng viên"),
    ] {
        let mut book = Workbook::new();
        let ws = book.add_worksheet().set_name(sheet).expect("sheet name");
        fill_sheet(ws, &csv_rows(&from.join(csv)));
        book.save(to.join(xlsx)).expect("save");
    }
}

/// One workbook, `name`, whose two sheets are the tables.
pub fn to_one_workbook(from: &Path, to: &Path, name: &str) {
    let mut book = Workbook::new();
    for (csv, sheet) in [
        ("organisations.csv", "Tổ chức"),
        ("members.csv", "Đảng viên"),
    ] {
        let ws = book.add_worksheet().set_name(sheet).expect("sheet name");
        fill_sheet(ws, &csv_rows(&from.join(csv)));
    }
    book.save(to.join(name)).expect("save");
}

/// Text in Windows-1258 as Excel writes it: the letters the code page
/// has (â, ê, ô, ơ, ư, ă, đ) precomposed, the tone marks combining.
pub fn windows_1258(text: &str) -> Vec<u8> {
    use unicode_normalization::char::compose;
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::new();
    let mut tones = String::new();
    let mut base: Option<char> = None;
    let flush = |out: &mut String, base: &mut Option<char>, tones: &mut String| {
        if let Some(b) = base.take() {
            out.push(b);
        }
        out.push_str(tones);
        tones.clear();
    };
    for c in text.nfd() {
        match c {
            // Circumflex, breve, horn: part of the letter in this code page.
            '\u{302}' | '\u{306}' | '\u{31B}' => {
                base = base.map(|b| compose(b, c).unwrap_or(b));
            }
            '\u{300}' | '\u{301}' | '\u{303}' | '\u{309}' | '\u{323}' => tones.push(c),
            _ => {
                flush(&mut out, &mut base, &mut tones);
                base = Some(c);
            }
        }
    }
    flush(&mut out, &mut base, &mut tones);
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1258.encode(&out);
    assert!(!unmappable, "text Windows-1258 cannot hold");
    bytes.into_owned()
}

/// The rows joined by `sep`, quoted where needed, lines ended by `nl`.
pub fn delimited(rows: &[Vec<String>], sep: char, nl: &str) -> String {
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| {
                if c.contains([sep, '"', '\n', '\r']) {
                    format!("\"{}\"", c.replace('"', "\"\""))
                } else {
                    c.clone()
                }
            })
            .collect();
        out.push_str(&cells.join(&sep.to_string()));
        out.push_str(nl);
    }
    out
}

/// "CSV" as Excel saves it with Vietnamese settings: `;`, Windows-1258,
/// CRLF, decimal commas.
pub fn to_windows_csv(from: &Path, to: &Path) {
    for f in ["organisations.csv", "members.csv"] {
        let rows: Vec<Vec<String>> = csv_rows(&from.join(f))
            .into_iter()
            .map(|r| r.into_iter().map(|c| decimal_comma(&c)).collect())
            .collect();
        std::fs::write(to.join(f), windows_1258(&delimited(&rows, ';', "\r\n"))).expect("write");
    }
}

fn decimal_comma(cell: &str) -> String {
    let number = cell.trim_end_matches('%');
    if number.contains('.') && number.parse::<f64>().is_ok() {
        cell.replacen('.', ",", 1)
    } else {
        cell.to_string()
    }
}

/// "Unicode Text": UTF-16 LE with a byte order mark, tabs, CRLF, as `.txt`.
pub fn to_unicode_text(from: &Path, to: &Path) {
    for (f, txt) in [
        ("organisations.csv", "organisations.txt"),
        ("members.csv", "members.txt"),
    ] {
        let text = delimited(&csv_rows(&from.join(f)), '\t', "\r\n");
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        std::fs::write(to.join(txt), bytes).expect("write");
    }
}
