//! The evaluator's order and quotas: rounding, enforcement with ranking
//! and deterministic tie-breaks, members before their cells, quotas before
//! the level above reads them.

mod common;

use common::*;
use xeploai::data::load_dir;
use xeploai::eval::{self, params_with};

const ORGS: &str =
    "id,name,parent,kind\nD,Huyện,,district\nC1,Chi bộ 1,D,cell\nC2,Chi bộ 2,D,cell\n";

/// Ten members of C1: four High (scores 9, 7, 7, 5) and six Mid; the two
/// 7s are m07 and m03, so the id decides between them.
const MEMBERS: &str = "id,name,organisation,level,score\n\
    m01,A,C1,High,9\nm07,B,C1,High,7\nm03,C,C1,High,7\nm04,D,C1,High,5\n\
    m05,E,C1,Mid,0\nm06,F,C1,Mid,0\nm02,G,C1,Mid,0\nm08,H,C1,Mid,0\nm09,I,C1,Mid,0\nm10,K,C1,Mid,0\n\
    n1,L,C2,High,1\n";

fn rules(quota: &str) -> String {
    format!("extends \"tests/fixtures/check/lib/minimal.rules\"\n{quota}\n")
}

#[test]
fn check_mode_rounds_as_declared() {
    let p = program_from_text(&rules(
        "quota top: A of member within parent at most cap of [A, B] round floor check",
    ));
    let d = load_dir(&p, &dataset_dir("round", ORGS, MEMBERS)).expect("data");
    let (_, c1) = d.find(&p, "C1").expect("C1");
    // C1: 4 A of 10 in the base; 25% × 10 = 2.5, 24% × 10 = 2.4.
    let cap_with = |pct: &str, rounding: &str| {
        let text = rules(&format!(
            "quota top: A of member within parent at most {pct} of [A, B] round {rounding} check"
        ));
        let p = program_from_text(&text);
        let o = eval::grade(&p, &d, &p.default_params()).expect("grade");
        let f = o
            .findings
            .iter()
            .find(|f| f.group == xeploai::eval::GroupRef::Organisation(c1))
            .expect("C1")
            .clone();
        (f.cap, f.count, f.breach)
    };
    assert_eq!(cap_with("25%", "floor"), (2, 4, true));
    assert_eq!(cap_with("25%", "ceil"), (3, 4, true));
    assert_eq!(cap_with("25%", "nearest"), (3, 4, true));
    assert_eq!(cap_with("24%", "nearest"), (2, 4, true));
    assert_eq!(cap_with("40%", "floor"), (4, 4, false));
    // check mode changes no grade
    let o = grade(&p, &d);
    assert_eq!(grade_of(&p, &d, &o, "m04"), "A");
}

#[test]
fn enforce_keeps_the_best_ranked_and_breaks_ties_by_id() {
    let p = program_from_text(&rules("quota top: A of member within parent at most cap of [A, B] round floor enforce rank by score desc"));
    let d = load_dir(&p, &dataset_dir("enforce", ORGS, MEMBERS)).expect("data");
    let o = grade(&p, &d);
    let grades: Vec<String> = ["m01", "m03", "m07", "m04", "n1"]
        .iter()
        .map(|id| grade_of(&p, &d, &o, id))
        .collect();
    // C1, cap 2 of 10: m01 (9) and m03 (7, before m07 by id) stay. C2 has
    // a base of one, and 20% of one rounds down to none.
    assert_eq!(grades, ["A", "A", "B", "B", "B"]);
    let (kind, i) = d.find(&p, "m07").expect("m07");
    let action = o.decisions(kind)[i as usize].quota.expect("lowered");
    assert_eq!((action.rank, action.cap), (3, 2));
    let trail = eval::explain(&p, &d, &p.default_params(), &o, kind, i);
    insta::assert_snapshot!(xeploai::report::explain_text(
        &p,
        &d,
        &p.default_params(),
        &trail
    ));
    // The same rows in another order give the same grades.
    let mut lines: Vec<&str> = MEMBERS.lines().collect();
    lines[1..].reverse();
    let d2 = load_dir(
        &p,
        &dataset_dir("enforce-reversed", ORGS, &(lines.join("\n") + "\n")),
    )
    .expect("data");
    let o2 = grade(&p, &d2);
    assert_eq!(
        ["m01", "m03", "m07", "m04"].map(|id| grade_of(&p, &d2, &o2, id)),
        ["A", "A", "B", "B"]
    );
}

#[test]
fn members_quotas_run_before_their_cells_are_graded() {
    // The cell is A when at least three members are A. Before the quota
    // four are; after enforcement two, so the cell is C.
    let text = rules(
        "quota top: A of member within parent at most cap of [A, B] round floor enforce rank by score desc\n\
         grading cells { replace cell_top: A when count(graded members, grade == A) >= 3 }",
    );
    let p = program_from_text(&text);
    let d = load_dir(&p, &dataset_dir("order", ORGS, MEMBERS)).expect("data");
    let o = grade(&p, &d);
    assert_eq!(grade_of(&p, &d, &o, "C1"), "C");
    let loose = params_with(&p, &[("cap".into(), "40%".into())]).expect("params");
    let o = eval::grade(&p, &d, &loose).expect("grade");
    assert_eq!(grade_of(&p, &d, &o, "C1"), "A");
}

#[test]
fn a_quota_that_would_change_what_a_parent_read_is_refused() {
    let orgs = "id,name,parent,kind\nD,Huyện,,district\nC1,Chi bộ 1,D,cell\nC2,Chi bộ 2,C1,cell\nC3,Chi bộ 3,C1,cell\n";
    let members = "id,name,organisation,level\na,A,C2,High\nb,B,C3,High\nc,C,C1,High\n";
    // Cells C2 and C3 sit under C1, which is graded from them; a quota
    // over all cells together can only be settled after C1 is graded.
    let p = program_from_text(&rules("quota cells_top: A of organisation where kind == cell within all at most 0% of [A] round floor enforce rank by id"));
    let d = load_dir(&p, &dataset_dir("late", orgs, members)).expect("data");
    let e = eval::grade(&p, &d, &p.default_params()).expect_err("refused");
    assert!(
        matches!(e, eval::EvalError::QuotaAfterParent { .. }),
        "{e:?}"
    );
}

#[test]
fn parameters_set_from_text() {
    let p = program("rules/2021.rules");
    let set = |name: &str, value: &str| params_with(&p, &[(name.into(), value.into())]);
    assert!(set("excellent_cap", "25%").is_ok());
    assert!(set("excellent_cap", "25").is_err(), "a percentage needs %");
    assert!(set("quota_rounding", "ceil").is_ok());
    assert!(set("quota_rounding", "up").is_err());
    assert!(set("quota_base", "[HTXSNV, HTTNV]").is_ok());
    assert!(set("quota_base", "HTXSNV,HTTNV").is_ok());
    assert!(set("quota_base", "HTXS").is_err());
    assert!(set("min_months", "6").is_ok());
    assert!(set("min_months", "6.5").is_err());
    assert!(set("good_result_min", "XuatSac").is_ok());
    assert!(matches!(
        set("nope", "1"),
        Err(eval::EvalError::UnknownParameter { .. })
    ));
}
