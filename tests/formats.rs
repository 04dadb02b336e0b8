//! The same dataset in every form staff save it grades identically: Excel
//! workbooks (one per table, or one with both sheets), "CSV" with
//! semicolons in the Windows code page with CRLF, "Unicode Text"; and
//! what is wrong in a workbook is named by sheet, row and column letter.

mod common;
#[path = "common/convert.rs"]
mod convert;

use std::ffi::OsString;
use std::path::Path;

use common::*;
use xeploai::cli::{run, Io};

/// Runs the command line in-process: exit code, stdout, stderr.
fn run_cli(args: Vec<OsString>) -> (i32, Vec<u8>, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut io = Io {
        out: &mut out,
        err: &mut err,
        color: false,
        width: 100,
    };
    let code = run(args, &mut io);
    (code, out, String::from_utf8(err).expect("utf-8"))
}

/// Exit code, the JSON result's grades and findings, and stderr.
fn grade_json(rules: &str, data: &Path, extra: &[&str]) -> (i32, serde_json::Value, String) {
    let rules = root().join(rules);
    let mut args: Vec<OsString> = vec!["xeploai".into(), "grade".into(), rules.into()];
    args.extend([
        "--data".into(),
        data.into(),
        "--format".into(),
        "json".into(),
    ]);
    args.extend(extra.iter().map(OsString::from));
    let (code, out, err) = run_cli(args);
    let json = match code {
        0 => {
            let v: serde_json::Value = serde_json::from_slice(&out).expect("json");
            serde_json::json!({
                "summary": v["summary"],
                "quota_findings": v["quota_findings"],
                "entities": v["entities"],
            })
        }
        _ => serde_json::Value::Null,
    };
    (code, json, err)
}

fn example() -> std::path::PathBuf {
    root().join("examples/yen-the-2021")
}

fn as_csv(rules: &str) -> serde_json::Value {
    let (code, json, err) = grade_json(rules, &example(), &[]);
    assert_eq!(code, 0, "{err}");
    json
}

/// Grades `dir` as `rules` grade the example's CSV, and says what was
/// said on stderr.
fn grades_as_the_csv(rules: &str, dir: &Path) -> String {
    let (code, json, err) = grade_json(rules, dir, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        json == as_csv(rules),
        "{} grades otherwise than the CSV",
        dir.display()
    );
    err
}

#[test]
fn workbooks_grade_as_the_csv_does() {
    let dir = scratch_dir("xlsx");
    convert::to_workbooks(&example(), &dir);
    let err = grades_as_the_csv("rules/2021.rules", &dir);
    assert!(!err.contains("error"), "{err}");
}

#[test]
fn one_workbook_with_both_sheets_grades_as_the_csv_does() {
    let csv = as_csv("rules/2025.rules");
    let dir = scratch_dir("one-xlsx");
    convert::to_one_workbook(&example(), &dir, "Dữ liệu kiểm điểm.xlsx");
    let (code, json, err) = grade_json("rules/2025.rules", &dir, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(json == csv, "the workbook grades otherwise than the CSV");
    // The workbook itself may be the data path.
    let book = dir.join("Dữ liệu kiểm điểm.xlsx");
    let (code, json, err) = grade_json("rules/2025.rules", &book, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(json == csv);
}

#[test]
fn windows_csv_with_semicolons_grades_as_the_csv_does() {
    let csv = as_csv("rules/2021.rules");
    let dir = scratch_dir("cp1258");
    convert::to_windows_csv(&example(), &dir);
    let bytes = std::fs::read(dir.join("members.csv")).expect("read");
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the file is not UTF-8"
    );
    assert!(bytes.windows(2).any(|w| w == b"\r\n"));
    let (code, json, err) = grade_json("rules/2021.rules", &dir, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        json == csv,
        "the Windows CSV grades otherwise than the UTF-8 one"
    );
    for file in ["organisations.csv", "members.csv"] {
        assert!(err.contains(&format!(
            "warning: {file}: the file is not UTF-8: read as Windows-1258 (the Vietnamese Windows code page)"
        )), "{err}");
        assert!(err.contains(&format!(
            "warning: {file}:1: the columns are separated by semicolons (;), not by commas: read as such"
        )), "{err}");
    }
}

#[test]
fn unicode_text_grades_as_the_csv_does() {
    let dir = scratch_dir("utf16");
    convert::to_unicode_text(&example(), &dir);
    let err = grades_as_the_csv("rules/2021.rules", &dir);
    assert!(
        err.contains(
            "warning: members.txt: the file is not UTF-8: read as UTF-16 LE (\"Unicode Text\")"
        ),
        "{err}"
    );
    assert!(
        err.contains("warning: members.txt:1: the columns are separated by tabs"),
        "{err}"
    );
}

/// A one-sheet workbook of `rows` (header first) as `dir/name`.
fn workbook_of(dir: &Path, name: &str, sheet: &str, rows: &[Vec<String>]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet().set_name(sheet).expect("sheet");
    convert::fill_sheet(ws, rows);
    book.save(dir.join(name)).expect("save");
}

#[test]
fn a_bad_date_is_named_by_sheet_row_and_column_letter() {
    let dir = scratch_dir("xlsx-bad-date");
    convert::to_workbooks(&example(), &dir);
    let mut rows = convert::csv_rows(&example().join("members.csv"));
    // Row 12 as Excel numbers it (the header is row 1); column D.
    rows[11][3] = "31/02/1990".into();
    workbook_of(&dir, "members.xlsx", "Đảng viên", &rows);
    let (code, _, err) = grade_json("rules/2021.rules", &dir, &[]);
    assert_eq!(code, 1, "{err}");
    insta::assert_snapshot!(err);
}

#[test]
fn a_title_above_the_header_is_left_aside_and_said() {
    let dir = scratch_dir("xlsx-title");
    convert::to_workbooks(&example(), &dir);
    let mut rows = convert::csv_rows(&example().join("members.csv"));
    let width = rows[0].len();
    let mut title = vec![String::new(); width];
    title[0] = "DANH SÁCH ĐẢNG VIÊN ĐẢNG BỘ HUYỆN YÊN THẾ".into();
    rows.insert(0, vec![String::new(); width]);
    rows.insert(0, title);
    workbook_of(&dir, "members.xlsx", "Đảng viên", &rows);
    let csv = as_csv("rules/2021.rules");
    let (code, json, err) = grade_json("rules/2021.rules", &dir, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(json == csv);
    assert!(err.contains("warning: members.xlsx › Đảng viên: rows 1–1 above the header (row 3) hold something (a title?) and were left aside"), "{err}");
}

#[test]
fn the_sheet_is_named_when_its_name_does_not_say() {
    let dir = scratch_dir("xlsx-sheets");
    let mut book = rust_xlsxwriter::Workbook::new();
    for (csv, sheet) in [("organisations.csv", "Sheet1"), ("members.csv", "Sheet2")] {
        let ws = book.add_worksheet().set_name(sheet).expect("sheet");
        convert::fill_sheet(ws, &convert::csv_rows(&example().join(csv)));
    }
    book.save(dir.join("data.xlsx")).expect("save");
    let (code, _, err) = grade_json("rules/2021.rules", &dir, &[]);
    assert_eq!(code, 1);
    let err = err.replace(&dir.display().to_string(), "DIR");
    insta::assert_snapshot!("sheets_not_named", err);
    let named = [
        "--organisations-sheet",
        "Sheet1",
        "--members-sheet",
        "sheet2",
    ];
    let (code, json, err) = grade_json("rules/2021.rules", &dir.join("data.xlsx"), &named);
    assert_eq!(code, 0, "{err}");
    assert!(json == as_csv("rules/2021.rules"));
}

#[test]
fn two_candidates_for_a_table_are_refused() {
    let dir = copy_of_example("two-members");
    convert::to_workbooks(&example(), &dir);
    let (code, _, err) = grade_json("rules/2021.rules", &dir, &[]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(err.replace(&dir.display().to_string(), "DIR"));
}

#[test]
fn damaged_workbooks_are_refused_with_the_reason() {
    let dir = scratch_dir("xlsx-damaged");
    convert::to_workbooks(&example(), &dir);
    let whole = std::fs::read(dir.join("members.xlsx")).expect("read");
    let cases: [(&str, Vec<u8>); 3] = [
        ("truncated", whole[..whole.len() / 2].to_vec()),
        (
            "garbage",
            b"PK\x03\x04 this is not a zip at all".repeat(1000),
        ),
        // An encrypted workbook is an OLE compound file, not a zip.
        ("compound", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".repeat(512)),
    ];
    for (what, bytes) in cases {
        std::fs::write(dir.join("members.xlsx"), &bytes).expect("write");
        let (code, _, err) = grade_json("rules/2021.rules", &dir, &[]);
        assert_eq!(code, 1, "{what}: {err}");
        assert!(
            err.starts_with("members.xlsx › Đảng viên: cannot read the file: ")
                || err.starts_with("members.xlsx: cannot read the file: "),
            "{what}: {err}"
        );
        assert_eq!(
            std::fs::read(dir.join("members.xlsx")).expect("read"),
            bytes,
            "{what}"
        );
    }
}

#[test]
fn a_sheet_padded_to_column_xfd_is_refused_not_held() {
    // One stray cell in the last column on each of 4,100 rows: 2^26
    // cells once the gaps are counted, gigabytes soon if they were kept.
    let dir = scratch_dir("xlsx-far-cells");
    convert::to_workbooks(&example(), &dir);
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet().set_name("Đảng viên").expect("sheet");
    convert::fill_sheet(ws, &convert::csv_rows(&example().join("members.csv")));
    for row in 5_000..9_100 {
        ws.write_string(row, 16_383, "x").expect("cell");
    }
    book.save(dir.join("members.xlsx")).expect("save");
    let (code, _, err) = grade_json("rules/2021.rules", &dir, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with(
            "members.xlsx › Đảng viên: cannot read the file: the sheet holds more than 67108864 cells"
        ),
        "{err}"
    );
}

#[test]
fn headers_match_as_a_person_reads_them() {
    let dir = copy_of_example("headers");
    let path = dir.join("members.csv");
    let text = std::fs::read_to_string(&path).expect("read");
    let (header, rest) = text.split_once('\n').expect("lines");
    let header = header
        .replacen("Mã đảng viên", "Ma dang vien", 1)
        .replacen("Họ và tên", "  HỌ VÀ   TÊN ", 1)
        .replacen("Ngày kết nạp", "\"Ngày\nkết nạp\"", 1);
    std::fs::write(&path, format!("{header}\n{rest}")).expect("write");
    let (code, json, err) = grade_json("rules/2021.rules", &dir, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(json == as_csv("rules/2021.rules"));
    assert!(err.contains("warning: members.csv:1: column \"Ma dang vien\": read as \"Mã đảng viên\" (field `id`), the same name without its accents"), "{err}");
    assert!(
        !err.contains("HỌ VÀ"),
        "case and spacing are not worth a warning: {err}"
    );
}

/// The headers of each sheet of a workbook's bytes.
fn sheet_headers(bytes: &[u8]) -> Vec<(String, Vec<String>)> {
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("xlsx");
    let names = book.sheet_names();
    names
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).expect("sheet");
            let header = range
                .rows()
                .next()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .unwrap_or_default();
            (name, header)
        })
        .collect()
}

#[test]
fn the_template_filled_with_the_examples_rows_grades() {
    let p = program("rules/2025.rules");
    let dir = scratch_dir("template");
    let template = dir.join("t.xlsx");
    let args = ["xeploai", "template", "rules/2025.rules", "--out"];
    let mut args: Vec<OsString> = args.iter().map(OsString::from).collect();
    args[2] = root().join("rules/2025.rules").into();
    args.push(template.clone().into());
    let (code, _, err) = run_cli(args);
    assert_eq!(code, 0, "{err}");
    let sheets = sheet_headers(&std::fs::read(&template).expect("template"));
    // Fill each table's sheet, in the template's column order, with the
    // example's cell for the same field (empty where the example has none).
    let data = scratch_dir("template-filled");
    let mut book = rust_xlsxwriter::Workbook::new();
    for (schema, csv, sheet) in [
        (&p.organisation, "organisations.csv", "Tổ chức"),
        (&p.member, "members.csv", "Đảng viên"),
    ] {
        let (_, header) = sheets
            .iter()
            .find(|(n, _)| n == sheet)
            .expect("the table's sheet");
        let rows = convert::csv_rows(&example().join(csv));
        let source: Vec<Option<usize>> = header
            .iter()
            .map(|h| {
                let field = schema.fields.iter().find(|f| f.columns.contains(h))?;
                rows[0].iter().position(|c| field.columns.contains(c))
            })
            .collect();
        let filled: Vec<Vec<String>> = std::iter::once(header.clone())
            .chain(rows[1..].iter().map(|r| {
                source
                    .iter()
                    .map(|s| s.map(|i| r[i].clone()).unwrap_or_default())
                    .collect()
            }))
            .collect();
        let ws = book.add_worksheet().set_name(sheet).expect("sheet");
        convert::fill_sheet(ws, &filled);
    }
    book.save(data.join("du_lieu.xlsx")).expect("save");
    let (code, json, err) = grade_json("rules/2025.rules", &data, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        json == as_csv("rules/2025.rules"),
        "the filled template grades otherwise"
    );
}
