//! The regime in force (QĐ 366 + HD 43): what `rules/2025.rules` and
//! `rules/2026.rules` do with the data a user really has — missing or
//! impossible scores, the cases the text leaves to the competent level,
//! the readings a province may adopt — and the older regimes' fixes.

mod common;

use std::path::Path;
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

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The text as one line: the renderer wraps long messages, and a test reads
/// what they say, not where they break.
fn unwrapped(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The line of rules/2025.rules that starts with `text` (after indentation).
fn line_of(text: &str) -> usize {
    let rules = std::fs::read_to_string(root().join("rules/2025.rules")).unwrap();
    1 + rules
        .lines()
        .position(|l| l.trim_start().starts_with(text))
        .unwrap_or_else(|| panic!("no line starting {text:?}"))
}

/// Rewrites one CSV file of a copy of the example, cell by cell.
fn edit_csv(dir: &Path, file: &str, edit: impl Fn(&[String], &mut Vec<String>)) {
    let path = dir.join(file);
    let bytes = std::fs::read(&path).expect("read");
    let mut r = csv::Reader::from_reader(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes));
    let header: Vec<String> = r
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    let mut w = csv::Writer::from_path(&path).expect("write");
    let mut rows: Vec<Vec<String>> = vec![header.clone()];
    for rec in r.records() {
        rows.push(rec.expect("row").iter().map(String::from).collect());
    }
    let (head, body) = rows.split_at_mut(1);
    for row in body {
        edit(&head[0], row);
    }
    for row in &rows {
        w.write_record(row).expect("write row");
    }
    w.flush().expect("flush");
}

fn column(header: &[String], name: &str) -> usize {
    header.iter().position(|h| h == name).expect(name)
}

#[test]
fn a_dataset_without_the_score_column_is_refused() {
    let dir = copy_of_example("no-score");
    let path = dir.join("members.csv");
    let mut r = csv::Reader::from_path(&path).expect("read");
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let at = column(&header, "Điểm đánh giá");
    let mut rows = vec![header];
    for rec in r.records() {
        rows.push(rec.unwrap().iter().map(String::from).collect());
    }
    let mut w = csv::Writer::from_path(&path).expect("write");
    for mut row in rows {
        row.remove(at);
        w.write_record(&row).unwrap();
    }
    w.flush().unwrap();
    let out = xeploai(&["grade", "rules/2025.rules", "--data", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let err = text(&out.stderr);
    assert!(
        err.contains("members.csv:1: no column for field `score`"),
        "{err}"
    );
    assert!(err.contains("\"Điểm đánh giá\""), "{err}");
}

#[test]
fn a_score_of_150_is_refused_with_its_row() {
    let dir = copy_of_example("score-150");
    edit_csv(&dir, "members.csv", |h, row| {
        if row[0] == "DV00012" {
            row[column(h, "Điểm đánh giá")] = "150".into();
        }
    });
    let out = xeploai(&["grade", "rules/2025.rules", "--data", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("members.csv:13: column \"Điểm đánh giá\": \"150\" is out of range"),
        "{err}"
    );
}

#[test]
fn parts_of_the_score_must_add_up() {
    let dir = copy_of_example("score-parts");
    edit_csv(&dir, "members.csv", |h, row| {
        if row[0] == "DV00012" {
            let score = &row[column(h, "Điểm đánh giá")];
            assert_eq!(score, "84", "the example's score of DV00012");
        }
    });
    let path = dir.join("members.csv");
    let t = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = t.lines().map(String::from).collect();
    lines[0].push_str(",Điểm nhóm tiêu chí chung,Điểm nhóm tiêu chí kết quả thực hiện nhiệm vụ");
    for l in lines.iter_mut().skip(1) {
        l.push_str(if l.starts_with("DV00012,") {
            ",25,60"
        } else {
            ",,"
        });
    }
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let out = xeploai(&["grade", "rules/2025.rules", "--data", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = unwrapped(&text(&out.stderr));
    assert!(
        err.contains("1 record(s) do not meet the requirement \"điểm nhóm tiêu chí chung")
            && err.contains(&format!(
                "rules/2025.rules:{}:11",
                line_of("require score_general")
            )),
        "{err}"
    );
    assert!(
        err.contains(
            "member DV00012 (Hà Đức Trung, members.csv row 13): \
             score_general = 25, score_results = 60, score = 84"
        ),
        "{err}"
    );
}

#[test]
fn seventy_two_points_and_94_percent_is_for_the_competent_level() {
    let out = xeploai(&[
        "explain",
        "rules/2025.rules",
        "--data",
        "examples/yen-the-2021",
        "DV00009",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(
        shown.contains("score = 72") && shown.contains("tasks_done = 94%"),
        "{shown}"
    );
    let last = shown.lines().last().unwrap();
    assert_eq!(
        last,
        "Kết quả: chưa xếp loại — cấp có thẩm quyền xem xét, quyết định: không đạt đủ điều kiện của mức xếp loại nào (QĐ 366 không quy định mức cho trường hợp này)"
    );
    // Another reading, stated by a parameter, and named by its clause.
    let out = xeploai(&[
        "explain",
        "rules/2025.rules",
        "--data",
        "examples/yen-the-2021",
        "DV00009",
        "--set",
        "no_band_falls_to_pass=true",
    ]);
    let shown = text(&out.stdout);
    assert!(shown.contains("✓  member_no_band_as_pass: HTNV"), "{shown}");
}

#[test]
fn the_2025_example_counts_by_regime_are_pinned() {
    let out = xeploai(&[
        "grade",
        "rules/2025.rules",
        "--data",
        "examples/yen-the-2021",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let members = v["summary"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["label"] == "Đảng viên")
        .expect("members row")
        .clone();
    insta::assert_snapshot!(serde_json::to_string_pretty(&members).unwrap());
}

#[test]
fn a_disciplined_excellent_cell_is_at_most_htnv_in_2021() {
    let dir = copy_of_example("cell-disciplined");
    edit_csv(&dir, "organisations.csv", |h, row| {
        if row[0] == "CB01" {
            row[column(h, "Bị kỷ luật")] = "có".into();
        }
    });
    let p = program("rules/2021.rules");
    let before = grade(&p, &yen_the(&p));
    assert_eq!(grade_of(&p, &yen_the(&p), &before, "CB01"), "HTXSNV");
    let data = xeploai::data::load_dir(&p, &dir).expect("data");
    let after = grade(&p, &data);
    assert_eq!(grade_of(&p, &data, &after, "CB01"), "KHTNV");
}

#[test]
fn every_year_of_a_regime_runs_its_tests() {
    for rules in [
        "rules/2019.rules",
        "rules/2020.rules",
        "rules/2022.rules",
        "rules/2024.rules",
        "rules/2026.rules",
    ] {
        let out = xeploai(&["test", rules]);
        assert_eq!(out.status.code(), Some(0), "{rules}: {}", text(&out.stdout));
    }
}

#[test]
fn a_field_named_like_its_column_is_one_column() {
    let rules = r#"extends "tests/fixtures/check/lib/minimal.rules"
schema member { a: number? column "A" }
"#;
    let p = program_from_text(rules);
    let dir = dataset_dir(
        "field-like-column",
        "id,name,parent,kind\nD,Huyện,,district\nC1,Chi bộ 1,D,cell\n",
        "id,name,organisation,level,score,A\nm1,An,C1,High,0,5\n",
    );
    let data = xeploai::data::load_dir(&p, &dir).expect("one column, not two");
    assert!(data.warnings.is_empty(), "{:?}", data.warnings);
}

#[test]
fn explain_flags_only_the_quotas_that_count_the_entity() {
    let explain = |id: &str| {
        let out = xeploai(&[
            "explain",
            "rules/2026.rules",
            "--data",
            "examples/yen-the-2021",
            id,
        ]);
        assert_eq!(out.status.code(), Some(0));
        text(&out.stdout)
    };
    // The grassroots quota is breached in the district, and DB03 is one of
    // its HTXSNV; its cell DB03-C01 is HTXSNV too, in the same subtree,
    // but the quota's `where` does not count a chi bộ trực thuộc.
    assert!(explain("DB03").contains("quota excellent_grassroots"));
    let cell = explain("DB03-C01");
    assert!(cell.contains("Kết quả: HTXSNV"), "{cell}");
    assert!(!cell.contains("excellent_grassroots"), "{cell}");
}

#[test]
fn a_test_record_is_held_to_the_schemas_requirements() {
    let rules = r#"extends "rules/2025.rules"
test refused_as_expected "Tổng điểm lệch" {
  member like member_80 { score: 84, score_general: 25, score_results: 60 }
  expect rejected
}
test graded_but_refused "Tổng điểm lệch, chờ HTTNV" {
  member like member_80 { score: 84, score_general: 25, score_results: 60 }
  expect HTTNV by member_good
}
test expected_refusal_not_met "Hợp lệ nhưng chờ bị từ chối" {
  member like member_80 { }
  expect rejected
}
"#;
    let p = program_from_text(rules);
    let results = xeploai::eval::run_tests(&p, &p.default_params());
    let by_name = |n: &str| results.iter().find(|r| r.name == n).unwrap();
    assert!(by_name("refused_as_expected").passed);
    let refused = by_name("graded_but_refused");
    assert!(!refused.passed);
    assert_eq!(
        refused.actual,
        "rejected by the requirement \"điểm nhóm tiêu chí chung cộng điểm nhóm kết quả thực hiện nhiệm vụ phải bằng tổng điểm\""
    );
    let unmet = by_name("expected_refusal_not_met");
    assert!(!unmet.passed);
    assert_eq!(unmet.expected, "rejected by a requirement of its schema");
    assert_eq!(unmet.actual, "HTTNV by member_good");
}

#[test]
fn expect_rejected_takes_no_clause() {
    let rules = "extends \"rules/2025.rules\"\n\
        test t { member like member_80 { } expect rejected by member_good }\n";
    let Err(err) = xeploai::check::check_text("inline.rules", &root(), rules) else {
        panic!("`expect rejected by …` must not check");
    };
    let text = render_all(&err.problems);
    assert!(
        text.contains("`expect rejected` names no clause") && text.contains("inline.rules:2:55"),
        "{text}"
    );
}
