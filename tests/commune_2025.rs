//! The regime in force on today's organisation tree: the synthetic commune
//! of `examples/xa-tan-an-2025` (a đảng bộ xã directly under the province,
//! chi bộ trực thuộc directly under it) graded under `rules/2025.rules` and
//! `rules/2026.rules`, as a staffer would run it.

mod common;

use std::process::{Command, Output};

use common::*;
use serde_json::Value;

const DATA: &str = "examples/xa-tan-an-2025";

fn xeploai(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xeploai"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("run xeploai")
}

fn graded_json(rules: &str, extra: &[&str]) -> Value {
    let mut args = vec!["grade", rules, "--data", DATA, "--format", "json"];
    args.extend_from_slice(extra);
    let out = xeploai(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Every column is known and every field has its column: no warning.
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    serde_json::from_slice(&out.stdout).expect("json")
}

fn entity<'a>(json: &'a Value, id: &str) -> &'a Value {
    json["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == id)
        .unwrap_or_else(|| panic!("no entity {id}"))
}

fn row<'a>(json: &'a Value, label: &str) -> &'a Value {
    json["summary"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["label"] == label)
        .unwrap_or_else(|| panic!("no summary row {label}"))
}

#[test]
fn the_2026_review_of_the_commune() {
    let json = graded_json("rules/2026.rules", &[]);
    // Every quota finding names its group.
    for f in json["quota_findings"].as_array().unwrap() {
        let group = f["group"].as_str().unwrap_or("");
        assert!(!group.trim().is_empty(), "unnamed group in {f}");
    }
    // A group the data names is shown as typed, without quotes.
    let groups: Vec<&str> = json["quota_findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["group"].as_str())
        .collect();
    assert!(
        groups.contains(&"Cán bộ lãnh đạo chủ chốt xã"),
        "{groups:?}"
    );
    assert!(groups.contains(&"Khối trường học"), "{groups:?}");
    // The chi bộ directly under the đảng bộ xã are graded (or referred).
    let direct: Vec<&Value> = json["entities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["parent"] == "DUX" && e["kind"] == "organisation")
        .collect();
    assert_eq!(
        direct.len(),
        49,
        "35 chi bộ trực thuộc, 10 chi bộ cơ sở, 4 đảng bộ cơ sở"
    );
    for e in &direct {
        assert!(
            matches!(e["outcome"].as_str(), Some("graded" | "to_decide")),
            "{e}"
        );
    }
    let members = row(&json, "Đảng viên");
    assert_eq!(members["graded"], 2554);
    assert_eq!(members["to_decide"], 66);
    assert_eq!(members["grades"]["HTXSNV"], 387);
    assert_eq!(members["grades"]["KHTNV"], 17);
    assert_eq!(row(&json, "Chi bộ trực thuộc")["to_decide"], 3);
    assert_eq!(row(&json, "Chi, đảng bộ cơ sở")["to_decide"], 1);
    assert_eq!(entity(&json, "DUX")["grade"], "HTTNV");
}

#[test]
fn a_committee_formed_on_1_july_2025_is_under_six_months_at_the_2025_review() {
    let json = graded_json("rules/2025.rules", &[]);
    let dux = entity(&json, "DUX");
    assert_eq!(dux["outcome"], "not_graded");
    assert_eq!(dux["clause"], "org_new");
    // The reading is a parameter, not a hard-coded date.
    let json = graded_json("rules/2025.rules", &["--set", "new_org_min_months=0"]);
    assert_eq!(entity(&json, "DUX")["grade"], "HTTNV");
}

#[test]
fn the_cases_left_to_the_competent_level_are_referred_with_their_clause() {
    let json = graded_json("rules/2025.rules", &[]);
    let clause = |id: &str| entity(&json, id)["clause"].as_str().unwrap().to_string();
    assert_eq!(clause("DUX-C07"), "org_no_band");
    assert_eq!(clause("DUX-C12"), "org_force_majeure");
    assert_eq!(clause("DUX-C28"), "org_self_detected");
    assert_eq!(clause("DUX-CS10"), "org_no_band");
    for id in ["DUX-C07", "DUX-C12", "DUX-C28", "DUX-CS10"] {
        assert_eq!(entity(&json, id)["outcome"], "to_decide", "{id}");
    }
    assert_eq!(clause("DUX-C20"), "org_leadership_disciplined");
    assert_eq!(entity(&json, "DUX-C20")["grade"], "KHTNV");
}

#[test]
fn the_25_percent_ceiling_needs_the_units_own_results() {
    let findings = |json: &Value, id: &str| -> Vec<(String, bool)> {
        json["quota_findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["group_id"] == id)
            .map(|f| {
                (
                    f["quota"].as_str().unwrap().to_string(),
                    f["breach"].as_bool().unwrap(),
                )
            })
            .collect()
    };
    let json = graded_json("rules/2025.rules", &[]);
    // The company: outstanding and supported, 25%: within the cap.
    assert!(findings(&json, "DUX-DB04")
        .iter()
        .all(|(_, breach)| !breach));
    // The police: marked, but 88 points: listed, and 20% breached.
    let police = findings(&json, "DUX-DB01");
    assert!(
        police.contains(&("excellent_members".into(), true)),
        "{police:?}"
    );
    let unsupported = row(
        &json,
        "Tổ chức được đánh dấu nổi trội nhưng kết quả chưa đủ để áp dụng tỷ lệ 25%",
    );
    assert_eq!(unsupported["in_scope"], 1);
    // At 20% the company's members and cells would breach.
    let json = graded_json("rules/2025.rules", &["--set", "outstanding_cap=20%"]);
    let company = findings(&json, "DUX-DB04");
    assert!(
        company.contains(&("excellent_members".into(), true)),
        "{company:?}"
    );
    assert!(
        company.contains(&("excellent_cells".into(), true)),
        "{company:?}"
    );
}
