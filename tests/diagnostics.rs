//! Every broken fixture under tests/fixtures/check: the diagnostics it
//! gets, rendered as the CLI renders them (snapshots), and the codes its
//! header comment promises (`// expect: code, code`).

mod common;

use common::*;

#[test]
fn broken_fixtures() {
    insta::glob!("fixtures/check/*.rules", |path| {
        let shown = relative(path);
        let result = xeploai::check::check_file(&shown);
        let text = std::fs::read(path).expect("fixture");
        let header = String::from_utf8_lossy(&text);
        let expected: Vec<&str> = header
            .lines()
            .find_map(|l| l.strip_prefix("// expect: "))
            .map(|l| l.split(',').map(str::trim).collect())
            .unwrap_or_default();
        assert!(
            !expected.is_empty(),
            "{} has no `// expect:` line",
            shown.display()
        );
        let (problems, outcome) = match &result {
            Ok(c) => (&c.warnings, "checks, with warnings"),
            Err(r) => (&r.problems, "rejected"),
        };
        let codes: Vec<String> = problems
            .iter()
            .filter_map(|p| p.code().map(|c| c.to_string()))
            .collect();
        for code in &expected {
            assert!(
                codes.iter().any(|c| c == code),
                "{}: expected {code}, got {codes:?}",
                shown.display()
            );
        }
        const WARNINGS: [&str; 3] = [
            "xeploai::check::unreachable",
            "xeploai::check::never_fires",
            "xeploai::check::stale_test",
        ];
        let warnings_only = expected.iter().all(|c| WARNINGS.contains(c));
        assert_eq!(
            result.is_ok(),
            warnings_only,
            "{}: {outcome}",
            shown.display()
        );
        insta::assert_snapshot!(format!("{outcome}\n\n{}", render_all(problems)));
    });
}
