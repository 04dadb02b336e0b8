//! Inputs built to break a parser: each gets a diagnostic, never a panic
//! or a stack overflow. Run on a thread with a small stack to be sure.

mod common;

use common::*;

fn diagnose(text: String) -> String {
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(
            move || match xeploai::check::check_text("hostile.rules", &root(), &text) {
                Ok(_) => "accepted".to_string(),
                Err(r) => r
                    .problems
                    .iter()
                    .filter_map(|p| p.code().map(|c| c.to_string()))
                    .collect::<Vec<_>>()
                    .join(","),
            },
        )
        .expect("thread")
        .join()
        .expect("no panic")
}

const HEAD: &str = "extends \"tests/fixtures/check/lib/minimal.rules\"\n";

#[test]
fn a_hundred_thousand_brackets() {
    assert_eq!(diagnose("(".repeat(100_000)), "xeploai::syntax::too_deep");
    assert_eq!(
        diagnose(format!(
            "{HEAD}param cap = {}1{}",
            "(".repeat(100_000),
            ")".repeat(100_000)
        )),
        "xeploai::syntax::too_deep"
    );
}

#[test]
fn a_hundred_thousand_prefix_operators() {
    let text = format!(
        "{HEAD}grading members {{ deep: A when {} true before member_top }}",
        "not ".repeat(100_000)
    );
    assert_eq!(diagnose(text), "xeploai::syntax::expression_too_long");
}

#[test]
fn a_very_long_chain_of_operators() {
    let text = format!(
        "{HEAD}grading members {{ long: A when score > 1{} before member_top }}",
        " + 1".repeat(50_000)
    );
    assert_eq!(diagnose(text), "xeploai::syntax::expression_too_long");
}

#[test]
fn nesting_within_the_limits_is_fine() {
    let nested = format!("{}score{}", "(".repeat(40), ")".repeat(40));
    let text = format!("{HEAD}grading members {{ nested: A when {nested} > 1 before member_top }}");
    assert_eq!(diagnose(text), "accepted");
}

#[test]
fn binary_noise_and_odd_text() {
    let noise: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let lossy = String::from_utf8_lossy(&noise).into_owned();
    assert!(diagnose(lossy).starts_with("xeploai::syntax::"));
    assert_eq!(diagnose("\"".repeat(10_000)), "xeploai::syntax::unexpected");
    assert_eq!(
        diagnose(format!("{HEAD}param x = {}", "9".repeat(60))),
        "xeploai::syntax::bad_literal"
    );
    assert_eq!(diagnose("ruleset".into()), "xeploai::syntax::unexpected");
    assert_eq!(diagnose("\u{FEFF}".into()), "xeploai::syntax::empty");
}

#[test]
fn non_utf8_bytes_in_a_file() {
    let dir = scratch_dir("nonutf8");
    let path = dir.join("bad.rules");
    std::fs::write(&path, b"ruleset \"\xff\xfe\" { year 2021 }").expect("write");
    let r = xeploai::check::check_file(&path).expect_err("rejected");
    assert_eq!(
        r.problems[0].code().map(|c| c.to_string()).as_deref(),
        Some("xeploai::syntax::not_utf8")
    );
}
