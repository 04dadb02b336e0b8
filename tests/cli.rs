//! The real binary, as a user runs it: exit codes, outputs, files.

mod common;

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

const DATA: &str = "examples/yen-the-2021";

/// `grade RULES --data DATA --format json EXTRA…`, parsed.
fn grade_json(rules: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["grade", rules, "--data", DATA, "--format", "json"];
    args.extend_from_slice(extra);
    let out = xeploai(&args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("json")
}

fn findings(v: &serde_json::Value) -> &Vec<serde_json::Value> {
    v["quota_findings"].as_array().expect("quota_findings")
}

fn no_breach(v: &serde_json::Value) -> bool {
    findings(v).iter().all(|f| f["breach"] == false)
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(xeploai(&[]).status.code(), Some(2));
    assert_eq!(xeploai(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(
        xeploai(&["grade", "rules/2021.rules"]).status.code(),
        Some(2),
        "--data is required"
    );
    assert_eq!(
        xeploai(&[
            "grade",
            "rules/2021.rules",
            "--data",
            DATA,
            "--format",
            "xml"
        ])
        .status
        .code(),
        Some(2)
    );
    let help = xeploai(&["grade", "--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(text(&help.stdout).contains("Example"));
}

#[test]
fn check_reports_and_exits() {
    let ok = xeploai(&[
        "check",
        "rules/2021.rules",
        "rules/bac-giang/yen-the-2021.rules",
    ]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    insta::assert_snapshot!(text(&ok.stdout));
    let bad = xeploai(&["check", "tests/fixtures/check/trailing_garbage.rules"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        text(&bad.stderr).contains("trailing_garbage.rules:5:1"),
        "{}",
        text(&bad.stderr)
    );
    let missing = xeploai(&["check", "no/such.rules"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(text(&missing.stderr).contains("cannot read rules file no/such.rules"));
}

#[test]
fn grade_json_has_the_documented_shape() {
    let v = grade_json("rules/2021.rules", &[]);
    let rows: Vec<(String, u64, u64, Vec<u64>)> = v["summary"]
        .as_array()
        .expect("summary")
        .iter()
        .map(|r| {
            let g = &r["grades"];
            (
                r["label"].as_str().unwrap_or("").to_string(),
                r["in_scope"].as_u64().unwrap_or(0),
                r["graded"].as_u64().unwrap_or(0),
                ["HTXSNV", "HTTNV", "HTNV", "KHTNV"]
                    .iter()
                    .map(|c| g[c].as_u64().unwrap_or(99))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("Chi, đảng bộ cơ sở".into(), 42, 42, vec![8, 31, 3, 0]),
            (
                "Chi bộ trực thuộc đảng ủy cơ sở".into(),
                336,
                328,
                vec![68, 246, 14, 0]
            ),
            ("Đảng viên".into(), 4371, 4336, vec![606, 3375, 320, 35]),
        ]
    );
    let breach: Vec<&serde_json::Value> = v["quota_findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["quota"] == "excellent_grassroots")
        .collect();
    assert_eq!(breach.len(), 1);
    let f = breach[0];
    assert_eq!(
        (
            f["grade"].as_str(),
            f["base_count"].as_u64(),
            f["cap"].as_u64(),
            f["count"].as_u64(),
            f["breach"].as_bool()
        ),
        (Some("HTXSNV"), Some(31), Some(6), Some(8), Some(true))
    );
    let entities = v["entities"].as_array().expect("entities");
    assert_eq!(entities.len(), 379 + 4371);
    let m = entities
        .iter()
        .find(|e| e["id"] == "DV00002")
        .expect("member");
    assert_eq!(
        (
            m["kind"].as_str(),
            m["grade"].as_str(),
            m["clause"].as_str()
        ),
        (Some("member"), Some("HTNV"), Some("member_good"))
    );
    assert_eq!(m["caps"], serde_json::json!(["sick_leave"]));
    let not_graded = entities
        .iter()
        .filter(|e| e["kind"] == "member" && e["grade"].is_null())
        .count();
    assert_eq!(not_graded, 35);
}

#[test]
fn the_district_overlay_breaches_nothing() {
    let v = grade_json("rules/bac-giang/yen-the-2021.rules", &[]);
    assert!(no_breach(&v));
}

#[test]
fn set_overrides_a_parameter() {
    let v = grade_json("rules/2021.rules", &["--set", "excellent_cap=30%"]);
    let f = v["quota_findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["quota"] == "excellent_grassroots")
        .cloned()
        .expect("finding");
    assert_eq!(
        (f["cap"].as_u64(), f["breach"].as_bool()),
        (Some(9), Some(false))
    );
    assert_eq!(v["parameters"]["excellent_cap"], "30%");
    let typo = xeploai(&[
        "grade",
        "rules/2021.rules",
        "--data",
        DATA,
        "--set",
        "excelent_cap=30%",
    ]);
    assert_eq!(typo.status.code(), Some(2));
    assert!(
        text(&typo.stderr).contains("did you mean `excellent_cap`?"),
        "{}",
        text(&typo.stderr)
    );
    let wrong = xeploai(&[
        "grade",
        "rules/2021.rules",
        "--data",
        DATA,
        "--set",
        "excellent_cap=many",
    ]);
    assert_eq!(wrong.status.code(), Some(2));
    let v = grade_json(
        "rules/2021.rules",
        &[
            "--set",
            "quota_base=HTXSNV,HTTNV",
            "--set",
            "quota_rounding=ceil",
        ],
    );
    assert!(no_breach(&v));
}

#[test]
fn csv_has_a_row_per_entity() {
    // The form for scripts; the one for Excel is tested in tests/report.rs.
    let out = xeploai(&[
        "grade",
        "rules/2021.rules",
        "--data",
        DATA,
        "--format",
        "csv-data",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let body = text(&out.stdout);
    let mut lines = body.lines();
    assert_eq!(
        lines.next(),
        Some("kind,id,name,parent,outcome,grade,not_graded_reason,to_decide_reason,grades_in_question,clause,cite,caps,quota")
    );
    assert_eq!(lines.count(), 379 + 4371);
}

#[test]
fn out_writes_atomically_and_never_over_an_input() {
    let dir = copy_of_example("out");
    let dir_s = dir.to_string_lossy().to_string();
    let target = dir.join("result.json");
    let ok = xeploai(&[
        "grade",
        "rules/2021.rules",
        "--data",
        &dir_s,
        "--format",
        "json",
        "--out",
        &target.to_string_lossy(),
    ]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&target).expect("written")).expect("json");
    assert_eq!(written["summary"][2]["graded"], 4336);
    assert!(std::fs::read_dir(&dir).expect("dir").all(|e| !e
        .expect("entry")
        .file_name()
        .to_string_lossy()
        .ends_with(".tmp")));
    // Neither a data file nor the rules file is ever written over.
    for input in [dir.join("members.csv"), root().join("rules/2021.rules")] {
        let before = std::fs::read(&input).expect("input");
        let refused = xeploai(&[
            "grade",
            "rules/2021.rules",
            "--data",
            &dir_s,
            "--out",
            &input.to_string_lossy(),
        ]);
        assert_eq!(refused.status.code(), Some(1));
        assert!(
            text(&refused.stderr).contains("it is one of the inputs"),
            "{}",
            text(&refused.stderr)
        );
        assert_eq!(std::fs::read(&input).expect("input"), before);
    }
}

#[test]
fn bad_rows_are_named_by_file_and_row() {
    let dir = copy_of_example("bad-rows");
    let path = dir.join("members.csv");
    let body = std::fs::read_to_string(&path).expect("members");
    let mut lines: Vec<String> = body.lines().map(String::from).collect();
    let first_id = lines[1].split(',').next().expect("id").to_string();
    // Row N is line N of the file; the header is row 1.
    let mut row3: Vec<String> = lines[2].split(',').map(String::from).collect();
    row3[2] = "KHÔNG-CÓ".into();
    lines[2] = row3.join(",");
    let mut row5: Vec<String> = lines[4].split(',').map(String::from).collect();
    row5[0] = first_id;
    lines[4] = row5.join(",");
    lines[6] = "\u{1}@@ garbage ;; ---".into();
    std::fs::write(&path, lines.join("\n") + "\n").expect("write");
    let out = xeploai(&[
        "grade",
        "rules/2021.rules",
        "--data",
        &dir.to_string_lossy(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "nothing is graded");
    insta::assert_snapshot!(text(&out.stderr));
}

#[test]
fn explain_one_entity() {
    let out = xeploai(&["explain", "rules/2021.rules", "--data", DATA, "DB03"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("committee_excellent"));
    let missing = xeploai(&["explain", "rules/2021.rules", "--data", DATA, "NOBODY"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(text(&missing.stderr).contains("no member or organisation with id \"NOBODY\""));
}

#[test]
fn test_runs_every_rules_file_in_a_folder() {
    let out = xeploai(&["test", "rules/"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("rules/2021.rules:"), "{stdout}");
    assert!(
        stdout.contains("rules/bac-giang/yen-the-2021.rules:"),
        "{stdout}"
    );
    assert!(stdout.trim_end().ends_with("passed, 0 failed"), "{stdout}");
    let broken = xeploai(&["test", "tests/fixtures/check/grade_cycle.rules"]);
    assert_eq!(broken.status.code(), Some(1));
}

#[test]
fn check_survives_hostile_files() {
    let dir = scratch_dir("hostile-cli");
    let garbage = format!(
        "{}\nthis is not a rule }}}}\n",
        std::fs::read_to_string(root().join("rules/2021.rules")).expect("rules")
    );
    let garbage_line = garbage.lines().count();
    let files: [(&str, Vec<u8>, &str); 4] = [
        (
            "garbage.rules",
            garbage.into_bytes(),
            "xeploai::syntax::unexpected",
        ),
        (
            "deep.rules",
            "(".repeat(100_000).into_bytes(),
            "xeploai::syntax::too_deep",
        ),
        (
            "latin1.rules",
            b"ruleset \"Quy \xf0\xe9nh\" { year 2021 }".to_vec(),
            "xeploai::syntax::not_utf8",
        ),
        ("empty.rules", Vec::new(), "xeploai::syntax::empty"),
    ];
    for (name, bytes, code) in files {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write");
        let out = xeploai(&["check", &path.to_string_lossy()]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        let err = text(&out.stderr);
        assert!(err.contains(code), "{name}: {err}");
        if name == "garbage.rules" {
            assert!(
                err.contains(&format!("garbage.rules:{garbage_line}:1")),
                "{err}"
            );
        }
    }
}

/// `xeploai ARGS` with `input` piped to its standard input.
fn piped(args: &[&str], input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_xeploai"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("write");
    child.wait_with_output().expect("wait")
}

#[test]
fn repl_reads_piped_input() {
    let out = piped(
        &["repl", "rules/2021.rules", "--data", DATA],
        b":grade\n:set excellent_cap 30%\n:diff\n:undo\n:diff\n:quit\n",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("606 (14,0%)  3.375 (77,8%)  320 (7,4%)  35 (0,8%)"),
        "{stdout}"
    );
    assert!(stdout.contains("0 đối tượng đổi xếp loại."), "{stdout}");
    assert!(
        stdout.contains("[HU]: 8 HTXSNV / tối đa 6 — VƯỢT → 8 HTXSNV / tối đa 9 — không vượt"),
        "{stdout}"
    );
    assert!(
        stdout.trim_end().ends_with(
            "Không có khác biệt: không đối tượng nào đổi xếp loại, các giới hạn tỷ lệ không đổi."
        ),
        "{stdout}"
    );
    assert!(!stdout.contains("xeploai>"), "no prompt when piped");
    // A failing line makes a script exit 1.
    assert_eq!(
        piped(&["repl", "rules/2021.rules"], b":set nothing 1\n")
            .status
            .code(),
        Some(1)
    );
}
