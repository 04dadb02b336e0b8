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

/// A fixed pseudo-random sequence, so a failure reproduces.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
}

#[test]
fn mutated_rules_never_panic() {
    let original = std::fs::read_to_string(root().join("rules/2021.rules")).expect("rules");
    let chars: Vec<char> = original.chars().collect();
    let tokens = [
        "(",
        ")",
        "{",
        "}",
        "[",
        "]",
        "\"",
        "%",
        "and",
        "not",
        "when",
        "grade",
        "==",
        ":",
        "-",
        "9999999999999999999999",
        "ế",
    ];
    let mut rng = Lcg(7);
    // XEPLOAI_FUZZ_ROUNDS=20000 for a longer hunt.
    let rounds = std::env::var("XEPLOAI_FUZZ_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(300);
    for round in 0..rounds {
        let mut text = chars.clone();
        for _ in 0..1 + rng.next() % 4 {
            let at = rng.next() % text.len();
            match rng.next() % 3 {
                0 => {
                    text.remove(at);
                }
                1 => text
                    .splice(at..at, tokens[rng.next() % tokens.len()].chars())
                    .for_each(drop),
                _ => {
                    let end = (at + rng.next() % 40).min(text.len());
                    text.drain(at..end);
                }
            }
        }
        let mutated: String = text.into_iter().collect();
        let outcome = std::panic::catch_unwind(|| {
            match xeploai::check::check_text("mutated.rules", &root().join("rules"), &mutated) {
                Ok(c) => {
                    // Whatever checks must also run its tests without panicking.
                    let _ = xeploai::eval::run_tests(&c.program, &c.program.default_params());
                }
                Err(r) => {
                    let _ = render_all(&r.problems);
                }
            }
        });
        assert!(outcome.is_ok(), "round {round} panicked on:\n{mutated}");
    }
}

#[test]
fn mutated_data_never_panics() {
    let p = program("rules/2021.rules");
    let members = std::fs::read(root().join("examples/yen-the-2021/members.csv")).expect("members");
    let head: Vec<u8> = members.iter().copied().take(6000).collect();
    let mut rng = Lcg(11);
    for round in 0..100 {
        let mut bytes = head.clone();
        for _ in 0..1 + rng.next() % 6 {
            let at = rng.next() % bytes.len();
            match rng.next() % 3 {
                0 => bytes[at] = (rng.next() % 256) as u8,
                1 => {
                    bytes.remove(at);
                }
                _ => bytes.insert(at, [b',', b'"', b'\n', 0xff][rng.next() % 4]),
            }
        }
        let dir = copy_of_example("mutated");
        std::fs::write(dir.join("members.csv"), &bytes).expect("write");
        let outcome = std::panic::catch_unwind(|| match xeploai::data::load_dir(&p, &dir) {
            Ok(d) => {
                let _ = xeploai::eval::grade(&p, &d, &p.default_params());
            }
            Err(e) => {
                let _ = e.to_string();
            }
        });
        let _ = std::fs::remove_dir_all(&dir);
        assert!(outcome.is_ok(), "round {round} panicked");
    }
}
