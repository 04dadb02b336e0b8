//! Regressions a rule author would want to see: the outcome of every rules
//! file on every dataset under examples/, the diff between consecutive
//! regimes, and each rules file's canonical formatting. A change to any rule
//! shows up here as a snapshot to review.

mod common;

use std::path::PathBuf;

use common::*;
use xeploai::report::NumberStyle;

fn rules_files() -> Vec<PathBuf> {
    xeploai::cli::rules_files(&root().join("rules"))
}

fn datasets() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .expect("examples")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("members.csv").exists() || p.join("members.json").exists())
        .collect();
    out.sort();
    out
}

/// The year an example describes: the number its folder name ends with.
fn dataset_year(dir: &std::path::Path) -> i64 {
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let digits: String = name
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect();
    digits
        .chars()
        .rev()
        .collect::<String>()
        .parse()
        .unwrap_or(0)
}

fn snapshot_name(path: &std::path::Path) -> String {
    relative(path)
        .display()
        .to_string()
        .replace(['/', '.'], "_")
}

#[test]
fn outcome_of_every_rules_file_on_every_dataset() {
    for rules in rules_files() {
        let p = program(&relative(&rules).display().to_string());
        for data_dir in datasets() {
            // A dataset is graded by the rules of its year or later: the
            // 2019 rules cannot read members admitted in 2021.
            if p.header.year < dataset_year(&data_dir) {
                continue;
            }
            let d = xeploai::data::load_dir(&p, &data_dir)
                .expect("dataset loads under every rules file");
            let o = grade(&p, &d);
            let text = xeploai::golden::render(
                &p,
                &d,
                &o,
                &relative(&rules).display().to_string(),
                &relative(&data_dir).display().to_string(),
            );
            insta::assert_snapshot!(
                format!(
                    "outcome_{}_on_{}",
                    snapshot_name(&rules),
                    snapshot_name(&data_dir)
                ),
                text
            );
        }
    }
}

#[test]
fn diff_between_consecutive_regimes() {
    for (old, new) in [
        ("rules/2021.rules", "rules/2023.rules"),
        ("rules/2023.rules", "rules/2025.rules"),
    ] {
        let (po, pn) = (program(old), program(new));
        let (dold, dnew) = (yen_the(&po), yen_the(&pn));
        let (oo, on) = (grade(&po, &dold), grade(&pn, &dnew));
        let (paro, parn) = (po.default_params(), pn.default_params());
        let before = xeploai::diff::Side {
            program: &po,
            params: &paro,
            outcome: &oo,
        };
        let after = xeploai::diff::Side {
            program: &pn,
            params: &parn,
            outcome: &on,
        };
        let diff = xeploai::diff::compare(&before, &after).expect("the scales match");
        let text = xeploai::diff::text(&pn, &dnew, &diff, usize::MAX, NumberStyle::Vi);
        insta::assert_snapshot!(
            format!(
                "diff_{}_to_{}",
                snapshot_name(std::path::Path::new(old)),
                snapshot_name(std::path::Path::new(new))
            ),
            text
        );
    }
}

#[test]
fn every_rules_file_is_formatted_and_formatting_is_idempotent() {
    for rules in rules_files() {
        let name = relative(&rules).display().to_string();
        let text = std::fs::read_to_string(&rules).expect("rules");
        let formatted =
            xeploai::fmt::format_text(&name, &text).unwrap_or_else(|_| panic!("{name} formats"));
        assert_eq!(
            formatted, text,
            "{name} is not formatted: run xeploai fmt {name}"
        );
        let again = xeploai::fmt::format_text(&name, &formatted)
            .unwrap_or_else(|_| panic!("{name} formats twice"));
        assert_eq!(again, formatted, "{name}: formatting is idempotent");
        insta::assert_snapshot!(format!("fmt_{}", snapshot_name(&rules)), formatted);
    }
}

#[test]
fn formatting_keeps_comments_and_fixes_layout() {
    let messy = "// header comment\nextends   \"tests/fixtures/check/lib/minimal.rules\"\n\n\n\
        param cap=25%   // trailing\n\
        grading members {\n// about the clause\nmember_x : A when level==High and (score>1 or score<-1) cite \"x\"\n}\n\
        quota q: A of member within parent at most cap of [A,B] round floor check\n";
    let out = xeploai::fmt::format_text("messy.rules", messy).expect("formats");
    insta::assert_snapshot!(out);
    assert_eq!(
        xeploai::fmt::format_text("messy.rules", &out).expect("again"),
        out
    );
}
