//! `xeploai report`: the report of the Yên Thế example in every form,
//! read back and checked against the seed report's figures. The text
//! form is the reviewed snapshot; the binary forms are opened as a user's
//! program would (the .xlsx with calamine, the .docx as its XML).

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::*;

fn xeploai(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xeploai"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("run xeploai")
}

/// `report rules/2021.rules --data the example --out DIR/name EXTRA…`.
fn report(name: &str, extra: &[&str]) -> PathBuf {
    let out = scratch_dir("report").join(name);
    let mut args = vec![
        "report",
        "rules/2021.rules",
        "--data",
        "examples/yen-the-2021",
        "--out",
        out.to_str().expect("path"),
    ];
    args.extend_from_slice(extra);
    let run = xeploai(&args);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    out
}

/// The seed report's figures, as a Vietnamese report writes them.
const SEED_FIGURES: [&str; 9] = [
    "Có 42/42 chi, đảng bộ cơ sở đã được đánh giá, xếp loại",
    "Có 328/336 chi bộ trực thuộc đảng ủy cơ sở đã được đánh giá, xếp loại",
    "Có 4.336/4.371 đảng viên đã được đánh giá, xếp loại (tỷ lệ 99,2%)",
    "8 chi, đảng bộ cơ sở được xếp loại hoàn thành xuất sắc nhiệm vụ (HTXSNV), đạt tỷ lệ 19,0% so với tổng số được xếp loại, 20,5% so với tổng số được xếp loại từ hoàn thành tốt nhiệm vụ trở lên",
    "31 chi, đảng bộ cơ sở được xếp loại hoàn thành tốt nhiệm vụ (HTTNV)",
    "68 chi bộ trực thuộc đảng ủy cơ sở được xếp loại hoàn thành xuất sắc nhiệm vụ (HTXSNV), đạt tỷ lệ 20,7% so với tổng số được xếp loại, 21,7% so với",
    "246 chi bộ trực thuộc đảng ủy cơ sở được xếp loại hoàn thành tốt nhiệm vụ",
    "606 đảng viên được xếp loại hoàn thành xuất sắc nhiệm vụ (HTXSNV), đạt tỷ lệ 14,0% so với tổng số được xếp loại, 15,2%",
    "Đảng bộ huyện Yên Thế [HU] có 8 chi, đảng bộ cơ sở HTXSNV, vượt tỷ lệ tối đa 6",
];

const MORE_FIGURES: [&str; 5] = [
    "3 chi, đảng bộ cơ sở được xếp loại hoàn thành nhiệm vụ (HTNV)",
    "14 chi bộ trực thuộc đảng ủy cơ sở được xếp loại hoàn thành nhiệm vụ (HTNV)",
    "3.375 đảng viên được xếp loại hoàn thành tốt nhiệm vụ (HTTNV), đạt tỷ lệ 77,8%",
    "320 đảng viên được xếp loại hoàn thành nhiệm vụ (HTNV)",
    "35 đảng viên được xếp loại không hoàn thành nhiệm vụ (KHTNV), chiếm tỷ lệ 0,8%",
];

fn assert_has_the_seed_figures(text: &str) {
    for figure in SEED_FIGURES.iter().chain(&MORE_FIGURES) {
        assert!(text.contains(figure), "missing: {figure}");
    }
}

#[test]
fn the_text_report_says_what_the_seed_report_says() {
    let path = report("r.md", &[]);
    let text = std::fs::read_to_string(&path).expect("read");
    assert_has_the_seed_figures(&text);
    insta::assert_snapshot!("yen_the_2021_md", text);
}

#[test]
fn a_committee_reports_its_own_subtree() {
    let path = report("db03.md", &["--unit", "DB03"]);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(
        text.contains("Đơn vị: Đảng bộ xã Canh Nậu (DB03)."),
        "{text}"
    );
    assert!(text.contains("| Chi, đảng bộ cơ sở | 1 | 1 |"), "{text}");
    assert!(
        !text.contains("Yên Thế [HU]"),
        "the district's quota is not the committee's"
    );
    insta::assert_snapshot!("yen_the_2021_db03_md", text);
}

/// The text of a .docx's body: its `<w:t>` runs, one paragraph a line.
fn docx_text(path: &Path) -> String {
    let file = std::fs::File::open(path).expect("open");
    let mut zip = zip::ZipArchive::new(file).expect("a zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .expect("utf-8");
    let mut text = String::new();
    for piece in xml.split("<w:t").skip(1) {
        let Some(start) = piece.find('>') else {
            continue;
        };
        let body = &piece[start + 1..];
        let end = body.find("</w:t>").unwrap_or(0);
        text.push_str(
            &body[..end]
                .replace("&amp;", "&")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\""),
        );
        if body[end..].starts_with("</w:t></w:r></w:p>") {
            text.push('\n');
        }
    }
    text
}

#[test]
fn the_word_report_holds_the_figures_and_the_breach() {
    let path = report("r.docx", &[]);
    let text = docx_text(&path);
    assert_has_the_seed_figures(&text);
    assert!(text.contains(
        "Báo cáo kết quả kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng, đảng viên năm 2021"
    ));
    assert!(text.contains("Thời điểm đánh giá: 31/12/2021."));
    // The appendix: a row per grassroots organisation.
    assert!(text.contains("DB03"), "{text}");
    let again = report("again.docx", &[]);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        std::fs::read(again).unwrap(),
        "same input, same bytes"
    );
}

#[test]
fn the_excel_report_holds_numbers_a_chart_and_every_member() {
    use calamine::{Data, Reader};
    let path = report("r.xlsx", &[]);
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).expect("xlsx");
    let names = book.sheet_names();
    assert_eq!(
        names,
        [
            "Tổng hợp",
            "Chi, đảng bộ cơ sở",
            "Chi bộ trực thuộc đảng ủy cơ sở",
            "Đảng viên",
            "Giới hạn tỷ lệ",
            "Phụ lục"
        ]
    );
    let summary = book.worksheet_range("Tổng hợp").expect("summary");
    let row_of = |label: &str| {
        summary
            .rows()
            .find(|r| r.first() == Some(&Data::String(label.into())))
            .unwrap_or_else(|| panic!("no row {label}"))
            .to_vec()
    };
    let number = |d: &Data| match d {
        Data::Float(f) => *f,
        other => panic!("not a number: {other:?}"),
    };
    // In scope, graded, rate; then each grade's count and share.
    let orgs = row_of("Chi, đảng bộ cơ sở");
    assert_eq!(
        [1, 2, 4, 6, 8, 10].map(|c| number(&orgs[c])),
        [42.0, 42.0, 8.0, 31.0, 3.0, 0.0]
    );
    let cells = row_of("Chi bộ trực thuộc đảng ủy cơ sở");
    assert_eq!(
        [1, 2, 4, 6, 8].map(|c| number(&cells[c])),
        [336.0, 328.0, 68.0, 246.0, 14.0]
    );
    let members = row_of("Đảng viên");
    assert_eq!(
        [1, 2, 4, 6, 8, 10].map(|c| number(&members[c])),
        [4371.0, 4336.0, 606.0, 3375.0, 320.0, 35.0]
    );
    // The excellent share of "HTTNV or better", a percentage cell.
    assert!((number(&orgs[14]) - 8.0 / 39.0).abs() < 1e-12);
    assert!((number(&cells[14]) - 68.0 / 314.0).abs() < 1e-12);
    // The cap it is held to: the quota's rule, within each group.
    assert_eq!(
        orgs[15],
        Data::String("HTXSNV ≤ 20% × [HTTNV], floor".into())
    );
    let sheet = book.worksheet_range("Đảng viên").expect("members");
    assert_eq!(sheet.height(), 1 + 4371);
    let zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    assert!(
        zip.file_names()
            .any(|n| n.as_ref().is_ok_and(|n| n.starts_with("xl/charts/chart"))),
        "a chart"
    );
    let again = report("again.xlsx", &[]);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        std::fs::read(again).unwrap(),
        "same input, same bytes"
    );
}

#[test]
fn the_web_page_needs_nothing_else() {
    let path = report("r.html", &[]);
    let html = std::fs::read_to_string(&path).expect("read");
    assert_has_the_seed_figures(&html);
    assert!(html.contains("<svg"), "charts");
    assert!(html.contains("class=\"breach\""), "a breach is marked");
    for reference in ["src=", "href=", "url(", "@import", "<script", "<link"] {
        assert!(
            !html.contains(reference),
            "an external reference: {reference}"
        );
    }
    // Every `http` is an SVG namespace, never something fetched.
    let http = html.matches("http").count();
    assert_eq!(
        http,
        html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count()
    );
}

/// The page as a browser reads it: headless Chromium's DOM, where
/// Chromium is installed (`.ci/run` installs it).
#[test]
fn the_web_page_renders_in_a_browser() {
    let chromium = Path::new("/usr/bin/chromium");
    if !chromium.exists() {
        // CI installs it; elsewhere the test says why it did not run.
        assert!(
            std::env::var_os("CI").is_none(),
            "CI has no /usr/bin/chromium"
        );
        eprintln!("skipped: no /usr/bin/chromium (apt-get install chromium)");
        return;
    }
    let path = report("r.html", &[]);
    let profile = scratch_dir("chromium");
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", path.display()))
        .output()
        .expect("run chromium");
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(dom.contains("<h1>Báo cáo kết quả kiểm điểm"), "{dom}");
    assert!(dom.contains("<rect"), "the charts are in the DOM");
    assert_has_the_seed_figures(&dom);
}

#[test]
fn csv_for_excel_and_for_scripts() {
    let out = xeploai(&[
        "grade",
        "rules/2021.rules",
        "--data",
        "examples/yen-the-2021",
        "--format",
        "csv",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stdout
            .starts_with(b"\xEF\xBB\xBFLo\xe1\xba\xa1i,M\xc3\xa3,T\xc3\xaan,"),
        "BOM and Vietnamese headers"
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("\r\n"), "CRLF");
    assert!(
        text.contains(",Hoàn thành xuất sắc nhiệm vụ,HTXSNV,"),
        "full names"
    );
    assert_eq!(text.lines().count(), 1 + 379 + 4371);
    let scripts = xeploai(&[
        "grade",
        "rules/2021.rules",
        "--data",
        "examples/yen-the-2021",
        "--format",
        "csv-data",
    ]);
    assert!(scripts
        .stdout
        .starts_with(b"kind,id,name,parent,outcome,grade,"));
}

#[test]
fn the_form_follows_out_and_out_dash_is_standard_output() {
    let dir = scratch_dir("forms");
    let csv = dir.join("x.csv");
    let run = xeploai(&[
        "grade",
        "rules/2021.rules",
        "--data",
        "examples/yen-the-2021",
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(0));
    assert!(std::fs::read(&csv).unwrap().starts_with(b"\xEF\xBB\xBF"));
    let run = xeploai(&[
        "grade",
        "rules/2021.rules",
        "--data",
        "examples/yen-the-2021",
        "--out",
        "-",
    ]);
    assert_eq!(run.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&run.stdout).contains("Đảng viên"));
    assert!(!root().join("-").exists(), "no file called -");
    let clash = xeploai(&[
        "grade",
        "rules/2021.rules",
        "--data",
        "examples/yen-the-2021",
        "--format",
        "json",
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(clash.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&clash.stderr)
        .contains("names a .csv file but --format json was asked for"));
    let workbook = xeploai(&[
        "grade",
        "rules/2021.rules",
        "--data",
        "examples/yen-the-2021",
        "--out",
        dir.join("r.xlsx").to_str().unwrap(),
    ]);
    assert_eq!(workbook.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&workbook.stderr)
        .contains("xeploai report RULES --data DIR --out report.xlsx"));
    assert!(!dir.join("r.xlsx").exists());
    let unit = xeploai(&[
        "report",
        "rules/2021.rules",
        "--data",
        "examples/yen-the-2021",
        "--unit",
        "NOPE",
        "--out",
        "-",
    ]);
    assert_eq!(unit.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&unit.stderr).contains("--unit NOPE: no organisation with that id")
    );
}

/// `diff rules/2021.rules rules/2025.rules` on the example into `name`.
fn diff_into(name: &str) -> PathBuf {
    let out = scratch_dir("diff").join(name);
    let run = xeploai(&[
        "diff",
        "rules/2021.rules",
        "rules/2025.rules",
        "--data",
        "examples/yen-the-2021",
        "--out",
        out.to_str().expect("path"),
    ]);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    out
}

#[test]
fn a_rule_change_circulates_as_a_workbook_and_a_page() {
    use calamine::{Data, Reader};
    let path = diff_into("d.xlsx");
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).expect("xlsx");
    assert_eq!(
        book.sheet_names(),
        ["Ma trận", "Đối tượng đổi", "Giới hạn tỷ lệ"]
    );
    let matrix = book.worksheet_range("Ma trận").expect("matrix");
    assert_eq!(
        matrix.get_value((1, 0)),
        Some(&Data::String("Số đối tượng đổi xếp loại: 412".into()))
    );
    // Members: HTXSNV → HTXSNV, a number.
    let members = matrix
        .rows()
        .position(
            |r| matches!(r.first(), Some(Data::String(s)) if s.starts_with("Đảng viên: 373/4371")),
        )
        .expect("the members' matrix");
    assert_eq!(
        matrix.get_value((members as u32 + 2, 1)),
        Some(&Data::Float(561.0))
    );
    let changes = book.worksheet_range("Đối tượng đổi").expect("changes");
    assert_eq!(changes.height(), 1 + 412);
    let html = std::fs::read_to_string(diff_into("d.html")).expect("read");
    assert!(html.contains("<p>412 đối tượng đổi xếp loại.</p>"));
    assert!(html.contains("<h2>Đảng viên: 373/4.371 đổi</h2>"));
    assert!(html.contains("rgba(200,30,30,"), "a heat map");
    assert!(!html.contains("<script") && !html.contains("src="));
}

#[test]
fn outputs_that_would_mislead_are_refused() {
    // A text under a name another program owns.
    let dir = scratch_dir("foreign");
    let xls = dir.join("r.xls");
    let run = xeploai(&[
        "report",
        "rules/2021.rules",
        "--data",
        "examples/yen-the-2021",
        "--out",
        xls.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr)
        .contains("--out names a .xls file, a form xeploai does not write"));
    assert!(!xls.exists());
    // A table's name in the data folder: the next run would find two.
    let data = copy_of_example("table-name");
    let json = data.join("members.json");
    let run = xeploai(&[
        "report",
        "rules/2021.rules",
        "--data",
        data.to_str().unwrap(),
        "--out",
        json.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("would be read as one of its tables"));
    assert!(!json.exists());
}

#[test]
fn rows_left_out_are_said_in_the_document() {
    let data = copy_of_example("skip");
    let members = data.join("members.csv");
    let text = std::fs::read_to_string(&members).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[4] = lines[4].replacen(",Tốt,", ",Tốtt,", 1);
    std::fs::write(&members, lines.join("\n") + "\n").unwrap();
    let out = xeploai(&[
        "report",
        "rules/2021.rules",
        "--data",
        data.to_str().unwrap(),
        "--skip-bad-rows",
        "--out",
        "-",
        "--format",
        "md",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(
        md.contains("- **1 lỗi trong dữ liệu: các dòng có lỗi"),
        "{md}"
    );
    assert!(md.contains("| Đảng viên | 4.370 |"), "{md}");
}
