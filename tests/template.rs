//! `xeploai template`: the empty workbook staff fill in has the sheets and
//! the headers the rules' schemas read, and is written like every output.

mod common;

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use common::*;
use xeploai::program::{FieldInfo, Program, SchemaInfo};

fn open(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    Xlsx::new(Cursor::new(bytes)).expect("the template is a workbook")
}

/// The cells of a sheet's first row.
fn first_row(book: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str) -> Vec<String> {
    let range = book.worksheet_range(sheet).expect("sheet");
    assert_eq!(range.height(), 1, "{sheet}: only the header is filled");
    range
        .rows()
        .next()
        .expect("header")
        .iter()
        .map(Data::to_string)
        .collect()
}

/// The header a field should get, worked out here rather than asked of
/// the library: its first Vietnamese (non-ASCII or spaced) column name.
fn expected_header(f: &FieldInfo) -> String {
    f.columns
        .iter()
        .find(|c| !c.is_ascii() || c.contains(' '))
        .or(f.columns.first())
        .cloned()
        .unwrap_or_else(|| f.name.clone())
}

fn expected(schema: &SchemaInfo) -> Vec<String> {
    schema.fields.iter().map(expected_header).collect()
}

/// Sheet names and headers, checked; the headers one per line.
fn headers_of(program: &Program) -> String {
    let bytes = xeploai::template::workbook(program).expect("template");
    let mut book = open(bytes);
    assert_eq!(book.sheet_names(), ["Tổ chức", "Đảng viên", "Hướng dẫn"]);
    let orgs = first_row(&mut book, "Tổ chức");
    let members = first_row(&mut book, "Đảng viên");
    assert_eq!(orgs, expected(&program.organisation));
    assert_eq!(members, expected(&program.member));
    let guide = book.worksheet_range("Hướng dẫn").expect("guide");
    let fields = program.organisation.fields.len() + program.member.fields.len();
    assert_eq!(guide.height(), 1 + fields, "one guide row per column");
    format!(
        "## Tổ chức\n{}\n\n## Đảng viên\n{}\n",
        orgs.join("\n"),
        members.join("\n")
    )
}

/// The template of `rules` has a header line for each of `wanted`;
/// the whole guide is snapshotted as `snapshot`.
fn assert_headers(rules: &str, wanted: &[&str], snapshot: &str) {
    let text = headers_of(&program(rules));
    for h in wanted {
        assert!(text.lines().any(|l| l == *h), "{rules}: {h}");
    }
    insta::assert_snapshot!(snapshot, text);
}

#[test]
fn the_2025_template_has_the_schemas_headers() {
    let wanted = [
        "Mã tổ chức",
        "Mã cấp trên",
        "Mã đảng viên",
        "Mã chi bộ",
        "Ngày kết nạp",
        "Tỷ lệ hoàn thành nhiệm vụ",
    ];
    assert_headers("rules/2025.rules", &wanted, "template_headers_2025");
}

#[test]
fn the_2021_template_has_the_schemas_headers() {
    let wanted = [
        "Mã tổ chức",
        "Mã đảng viên",
        "Ngày kết nạp",
        "Xếp loại CBCCVC",
    ];
    assert_headers("rules/2021.rules", &wanted, "template_headers_2021");
}

#[test]
fn the_empty_template_reads_back_with_no_column_missing() {
    let program = program("rules/2025.rules");
    let path = scratch_dir("template-load").join("du_lieu.xlsx");
    xeploai::template::write_file(&program, &path).expect("written");
    let Err(errors) = xeploai::data::load_dir(&program, &path) else {
        panic!("an empty template has nothing to grade");
    };
    // Both tables are found by their sheet's name and every header is
    // recognised: the only complaint is that no rows are filled in.
    assert_eq!(errors.0.len(), 2, "{errors}");
    for e in &errors.0 {
        assert!(matches!(e.problem, xeploai::data::Problem::NoRows), "{e}");
    }
}

#[test]
fn a_list_excel_cannot_take_inline_goes_to_a_hidden_sheet() {
    // A comma inside a label would split it in Excel's inline list.
    let text = std::fs::read_to_string(root().join("rules/2021.rules")).expect("rules");
    let text = text.replace("\"Chi bộ trực thuộc\"", "\"Chi bộ trực thuộc, cơ sở\"");
    let program = program_from_text(&text);
    let mut book = open(xeploai::template::workbook(&program).expect("template"));
    assert_eq!(
        book.sheet_names(),
        ["Tổ chức", "Đảng viên", "Hướng dẫn", "Danh mục"]
    );
    let lists = book.worksheet_range("Danh mục").expect("lists");
    let labels: Vec<String> = lists.rows().map(|r| r[0].to_string()).collect();
    assert_eq!(
        labels.last().map(String::as_str),
        Some("Chi bộ trực thuộc, cơ sở")
    );
    assert_eq!(labels.len(), 6);
}

/// Runs the command line in-process: (exit code, stderr).
fn run(args: &[&str]) -> (i32, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut io = xeploai::cli::Io {
        out: &mut out,
        err: &mut err,
        color: false,
        width: 80,
    };
    let argv = std::iter::once("xeploai").chain(args.iter().copied());
    let code = xeploai::cli::run(argv.map(std::ffi::OsString::from), &mut io);
    (code, String::from_utf8_lossy(&err).into_owned())
}

fn s(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

#[test]
fn the_command_writes_xlsx_only_and_never_over_an_input() {
    let dir = scratch_dir("template-cli");
    let rules = s(&root().join("rules/2025.rules"));
    let ok = dir.join("mau.xlsx");
    let (code, err) = run(&["template", &rules, "--out", &s(&ok)]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("wrote"), "{err}");
    open(std::fs::read(&ok).expect("written"));
    // Never over an existing file: a filled-in template is the staff's data.
    std::fs::write(&ok, b"filled in").expect("fill");
    let (code, err) = run(&["template", &rules, "--out", &s(&ok)]);
    assert_eq!(code, 1);
    assert!(err.contains("the file exists"), "{err}");
    assert_eq!(std::fs::read(&ok).expect("kept"), b"filled in");

    let txt = dir.join("t.txt");
    let (code, err) = run(&["template", &rules, "--out", &s(&txt)]);
    assert_eq!(code, 1);
    assert!(err.contains("must end in .xlsx"), "{err}");
    assert!(!txt.exists());

    // A rules file that happens to end in .xlsx is still an input.
    let input = dir.join("rules.xlsx");
    std::fs::copy(root().join("rules/2021.rules"), &input).expect("copy");
    let before = std::fs::read(&input).expect("input");
    let (code, err) = run(&["template", &s(&input), "--out", &s(&input)]);
    assert_eq!(code, 1);
    assert!(err.contains("the file exists"), "{err}");
    assert_eq!(std::fs::read(&input).expect("input"), before);

    let folder = dir.join("folder.xlsx");
    std::fs::create_dir(&folder).expect("mkdir");
    let (code, err) = run(&["template", &rules, "--out", &s(&folder)]);
    assert_eq!(code, 1);
    assert!(err.contains("the file exists"), "{err}");
}
