//! Cases for the competent level (`refer`): neither graded nor excluded,
//! counted in their own column, listed with their reason and the grades
//! still in question, in every output; tests can expect them.

mod common;

use common::*;
use xeploai::data::load_dir;
use xeploai::eval::{self, Verdict};
use xeploai::report::{self, NumberStyle};

const ORGS: &str = "id,name,parent,kind\nD,Huyện,,district\nC1,Chi bộ 1,D,cell\n";

/// m1 High → A; m2 Mid → B; m3 Low with score 9 → referred among C, D;
/// m4 Low with score 1 → meets no clause: referred by `otherwise`.
const MEMBERS: &str = "id,name,organisation,level,score\n\
    m1,An,C1,High,0\nm2,Bình,C1,Mid,0\nm3,Chi,C1,Low,9\nm4,Dũng,C1,Low,1\n";

const OVERLAY: &str = r#"extends "tests/fixtures/check/lib/minimal.rules"

grading members {
  member_self_detected: refer "tự phát hiện, khắc phục: cấp có thẩm quyền xem xét" among [D, C, C] when level == Low and score > 5
    cite "QĐ 366-QĐ/TW, Điều 11, khoản 4"
  replace member_rest: otherwise refer "không đạt đủ điều kiện của mức nào"
    cite "QĐ 366-QĐ/TW, Điều 11"
}

test referred "Tự phát hiện" { member { level: Low, score: 9 } expect to decide by member_self_detected }
test no_band "Không đạt mức nào" { member { level: Low, score: 1 } expect to decide by member_rest }
"#;

fn setup(tag: &str) -> (xeploai::program::Program, xeploai::data::Dataset) {
    let p = program_from_text(OVERLAY);
    let d = load_dir(&p, &dataset_dir(tag, ORGS, MEMBERS)).expect("data");
    (p, d)
}

#[test]
fn a_referred_case_is_neither_graded_nor_excluded() {
    let (p, d) = setup("verdict");
    let o = grade(&p, &d);
    let verdict = |id: &str| {
        let (kind, i) = d.find(&p, id).expect(id);
        match o.decisions(kind)[i as usize].verdict(&p) {
            Verdict::Graded(g) => p.grade_code(g).to_string(),
            Verdict::ToDecide(r) => {
                let among: Vec<&str> = r.among.iter().map(|&g| p.grade_code(g)).collect();
                format!("to decide: {} [{}]", r.reason, among.join(", "))
            }
            Verdict::NotGraded => "not graded".into(),
            Verdict::OutOfScope => "out of scope".into(),
        }
    };
    assert_eq!(verdict("m1"), "A");
    assert_eq!(verdict("m2"), "B");
    assert_eq!(
        verdict("m3"),
        "to decide: tự phát hiện, khắc phục: cấp có thẩm quyền xem xét [C, D]"
    );
    assert_eq!(
        verdict("m4"),
        "to decide: không đạt đủ điều kiện của mức nào []"
    );
    let members = report::summary(&p, &o)
        .rows
        .into_iter()
        .find(|r| r.kind == xeploai::syntax::ast::SubjectKind::Member)
        .expect("a members row");
    assert_eq!(
        (
            members.in_scope,
            members.graded,
            members.to_decide,
            members.not_graded()
        ),
        (4, 2, 2, 0)
    );
    // The cell reads only its graded members: 2 of 2 are B or better.
    assert_eq!(grade_of(&p, &d, &o, "C1"), "A");
}

#[test]
fn the_rules_tests_expect_a_referral() {
    let p = program_from_text(OVERLAY);
    let results = eval::run_tests(&p, &p.default_params());
    let mine: Vec<(String, bool, String)> = results
        .iter()
        .filter(|t| t.name == "referred" || t.name == "no_band")
        .map(|t| (t.name.clone(), t.passed, t.actual.clone()))
        .collect();
    assert_eq!(
        mine,
        vec![
            (
                "referred".into(),
                true,
                "to decide by member_self_detected".into()
            ),
            ("no_band".into(), true, "to decide by member_rest".into()),
        ]
    );
    // A test expecting a grade of a referred case fails, naming both.
    let wrong = OVERLAY.replace("expect to decide by member_rest", "expect D by member_rest");
    let p = program_from_text(&wrong);
    let t = eval::run_tests(&p, &p.default_params())
        .into_iter()
        .find(|t| t.name == "no_band")
        .expect("no_band");
    assert!(!t.passed);
    assert_eq!(
        (t.expected.as_str(), t.actual.as_str()),
        ("D by member_rest", "to decide by member_rest")
    );
}

#[test]
fn every_output_counts_and_lists_the_cases_to_decide() {
    let (p, d) = setup("outputs");
    let o = grade(&p, &d);
    let params = p.default_params();
    let table = report::table(&p, &d, &o, &params, NumberStyle::Vi);
    insta::assert_snapshot!("table", table);
    let json = report::to_json(&p, &d, &o, &params);
    let m3 = json.entities.iter().find(|e| e.id == "m3").expect("m3");
    assert_eq!(
        (
            m3.outcome,
            m3.grade.as_deref(),
            m3.to_decide_reason.as_deref(),
            m3.grades_in_question.clone(),
            m3.clause.as_deref()
        ),
        (
            "to_decide",
            None,
            Some("tự phát hiện, khắc phục: cấp có thẩm quyền xem xét"),
            vec!["C".to_string(), "D".to_string()],
            Some("member_self_detected")
        )
    );
    let csv = report::entities_csv(&p, &d, &o).expect("csv");
    insta::assert_snapshot!("csv", csv);
    let (kind, i) = d.find(&p, "m4").expect("m4");
    let trail = eval::explain(&p, &d, &params, &o, kind, i);
    insta::assert_snapshot!("explain", report::explain_text(&p, &d, &params, &trail));
}

#[test]
fn diff_shows_who_moves_into_and_out_of_the_competent_levels_hands() {
    let (p, d) = setup("diff");
    let base =
        program_from_text("extends \"tests/fixtures/check/lib/minimal.rules\"\nparam cap = 20%\n");
    let (ob, oa) = (grade(&base, &d), grade(&p, &d));
    let (pb, pa) = (base.default_params(), p.default_params());
    let side = |program, params, outcome| xeploai::diff::Side {
        program,
        params,
        outcome,
    };
    let diff = xeploai::diff::compare(&side(&base, &pb, &ob), &side(&p, &pa, &oa)).expect("diff");
    insta::assert_snapshot!(
        "diff",
        xeploai::diff::text(&p, &d, &diff, 10, NumberStyle::Vi)
    );
}

#[test]
fn golden_text_marks_a_case_to_decide() {
    let (p, d) = setup("golden");
    let o = grade(&p, &d);
    let text = xeploai::golden::render(&p, &d, &o, "inline.rules", "data");
    let lines: Vec<&str> = text.lines().filter(|l| l.starts_with('m')).collect();
    insta::assert_snapshot!("golden", lines.join("\n"));
    assert!(
        text.contains("# members: 2 graded of 4, 2 to decide"),
        "{text}"
    );
}

#[test]
fn a_referral_formats_and_checks_like_any_clause() {
    let formatted = xeploai::fmt::format_text("inline.rules", OVERLAY).expect("formats");
    assert!(
        formatted.contains(
            "member_self_detected: refer \"tự phát hiện, khắc phục: cấp có thẩm quyền xem xét\" among [D, C, C]"
        ),
        "{formatted}"
    );
    assert!(formatted
        .contains("replace member_rest: otherwise refer \"không đạt đủ điều kiện của mức nào\""));
    assert_eq!(
        xeploai::fmt::format_text("inline.rules", &formatted).expect("formats"),
        formatted
    );
    let bad = OVERLAY.replace("among [D, C, C]", "among [D, E]");
    let problems = match xeploai::check::check_text("inline.rules", &root(), &bad) {
        Ok(_) => panic!("an unknown grade in `among` must not check"),
        Err(r) => render_all(&r.problems),
    };
    insta::assert_snapshot!("unknown_grade_in_among", problems);
}
