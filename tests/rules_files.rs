//! Every rules file in rules/: it checks without warnings and its own
//! tests pass, so `cargo test` runs the rule authors' tests too.

mod common;

use common::*;

#[test]
fn every_rules_file_checks_and_passes_its_tests() {
    insta::glob!("../rules", "**/*.rules", |path| {
        let shown = relative(path);
        let checked = match xeploai::check::check_file(&shown) {
            Ok(c) => c,
            Err(r) => panic!(
                "{} does not check:\n{}",
                shown.display(),
                render_all(&r.problems)
            ),
        };
        assert!(
            checked.warnings.is_empty(),
            "{}:\n{}",
            shown.display(),
            render_all(&checked.warnings)
        );
        let p = &checked.program;
        let results = xeploai::eval::run_tests(p, &p.default_params());
        let failed: Vec<_> = results.iter().filter(|r| !r.passed).collect();
        assert!(failed.is_empty(), "{}: {failed:#?}", shown.display());
        // Every clause decides, or caps, in at least one test.
        let mut covered = vec![false; p.clauses.len()];
        for r in &results {
            for c in r.decision.clause.iter().chain(&r.decision.caps) {
                covered[*c as usize] = true;
            }
        }
        let untested: Vec<&str> = p
            .clauses
            .iter()
            .zip(&covered)
            .filter(|(_, c)| !**c)
            .map(|(c, _)| c.name.as_str())
            .collect();
        assert!(
            untested.is_empty(),
            "{}: no test reaches {untested:?}",
            shown.display()
        );
        let listing: Vec<String> = results
            .iter()
            .map(|r| format!("{} — {}", r.name, r.expected))
            .collect();
        insta::assert_snapshot!(listing.join("\n"));
    });
}

#[test]
fn a_failing_rules_test_is_reported() {
    let p = program_from_text(
        r#"extends "tests/fixtures/check/lib/minimal.rules"
        test wrong { member { level: High } expect B by member_mid }
        test right { member { level: High } expect A by member_top }
        test wrong_clause { member { level: Low } expect C by member_mid }"#,
    );
    let results = xeploai::eval::run_tests(&p, &p.default_params());
    let summary: Vec<(String, bool, String)> = results
        .iter()
        .map(|r| (r.name.clone(), r.passed, r.actual.clone()))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("wrong".into(), false, "A by member_top".into()),
            ("right".into(), true, "A by member_top".into()),
            ("wrong_clause".into(), false, "C by member_rest".into()),
        ]
    );
}
