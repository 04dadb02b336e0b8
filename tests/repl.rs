//! Transcripts: each file in tests/repl/ is a session's input (its first
//! line `#! RULES --data DIR` says how it starts); the snapshot is what
//! the session printed, input lines marked `>`.

mod common;

use std::path::Path;

use common::*;
use xeploai::repl::{Session, Status};

fn transcript(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("transcript");
    let mut lines = text.lines();
    let head = lines.next().unwrap_or("").trim_start_matches("#!").trim();
    let mut args = head.split_whitespace();
    let rules = args.next().map(|r| root().join(r));
    let data = match (args.next(), args.next()) {
        (Some("--data"), Some(d)) => Some(root().join(d)),
        _ => None,
    };
    let mut session = Session::new();
    session.width = 80;
    let mut out = String::new();
    let start = session.start(rules.as_deref(), data.as_deref());
    out.push_str(&start.out);
    out.push_str(&start.err);
    for line in lines {
        out.push_str(&format!("> {line}\n"));
        let reply = session.eval_line(line);
        out.push_str(&reply.out);
        out.push_str(&reply.err);
        if reply.status == Status::Quit {
            out.push_str("[quit]\n");
            break;
        }
    }
    // Absolute paths of this machine never reach a snapshot.
    out.replace(&format!("{}/", root().display()), "")
}

#[test]
fn transcripts() {
    insta::glob!("repl/*.txt", |path| {
        insta::assert_snapshot!(transcript(path));
    });
}

#[test]
fn the_must_show_script() {
    let out = transcript(&root().join("tests/repl/must_show.txt"));
    assert!(
        out.contains("606 (14,0%)  3.375 (77,8%)  320 (7,4%)  35 (0,8%)"),
        "{out}"
    );
    let after_set = out.split("> :diff").nth(1).expect("first diff");
    assert!(
        after_set.contains("0 đối tượng đổi xếp loại."),
        "{after_set}"
    );
    assert!(after_set.contains("excellent_grassroots — Đảng bộ huyện Yên Thế [HU]: 8 HTXSNV / tối đa 6 — VƯỢT → 8 HTXSNV / tối đa 9 — không vượt"), "{after_set}");
    let after_undo = out.split("> :diff").nth(2).expect("second diff");
    assert!(after_undo.contains("Không có khác biệt"), "{after_undo}");
}

#[test]
fn save_writes_an_overlay_that_checks_and_refuses_the_loaded_file() {
    let dir = scratch_dir("repl-save");
    let mut s = Session::new();
    s.start(
        Some(&root().join("rules/2021.rules")),
        Some(&root().join("examples/yen-the-2021")),
    );
    for line in [
        ":set excellent_cap 25%",
        "grading members {",
        "member_good: HTTNV when result_level >= Tot and other_level >= Tot",
        "}",
        ":drop leader_unit_failed",
    ] {
        let r = s.eval_line(line);
        assert_ne!(r.status, Status::Failed, "{line}: {}", r.err);
    }
    let target = dir.join("yen-the-what-if.rules");
    let r = s.eval_line(&format!(":save {}", target.display()));
    assert_eq!(r.status, Status::Done, "{}", r.err);
    let saved = std::fs::read_to_string(&target).expect("saved");
    let extends = xeploai::source::relative_path(&dir, &root().join("rules/2021.rules"));
    insta::assert_snapshot!(saved.replace(&extends.display().to_string(), "<loaded rules>"));
    // The saved file grades exactly as the session does.
    let p = xeploai::check::check_file(&target)
        .expect("saved file checks")
        .program;
    let d = yen_the(&p);
    let from_file = grade(&p, &d);
    let session_p = s.program().expect("program");
    let from_session = xeploai::eval::grade(
        session_p,
        s.data().expect("data"),
        &session_p.default_params(),
    )
    .expect("grade");
    assert_eq!(from_file, from_session);
    let before = std::fs::read(root().join("rules/2021.rules")).expect("rules");
    let r = s.eval_line(&format!(
        ":save {}",
        root().join("rules/2021.rules").display()
    ));
    assert_eq!(r.status, Status::Failed);
    assert_eq!(
        std::fs::read(root().join("rules/2021.rules")).expect("rules"),
        before
    );
}

#[test]
fn multi_line_input_waits_for_the_end_of_a_block() {
    assert!(!Session::is_complete("grading members {"));
    assert!(!Session::is_complete("member_x: HTTNV when a and"));
    assert!(!Session::is_complete("quota q: HTXSNV of member"));
    assert!(Session::is_complete(
        "grading members { x: HTTNV when true }"
    ));
    assert!(Session::is_complete("count(members)"));
    assert!(!Session::is_complete("share(graded members, grade >="));
    assert!(!Session::is_complete("param excellent_cap ="));
    // Wrong before its end: shown at once, not waited on.
    assert!(Session::is_complete("count(members) members"));
    assert!(Session::is_complete("member_x: A level == High"));
    assert!(Session::is_complete("param x = \"{ not a bracket\""));
    let mut s = Session::new();
    assert_eq!(s.eval_line("count(").status, Status::More);
    s.cancel();
    assert!(!s.continuing());
}

#[test]
fn completion_offers_names_in_context() {
    let mut s = Session::new();
    s.start(
        Some(&root().join("rules/2021.rules")),
        Some(&root().join("examples/yen-the-2021")),
    );
    assert_eq!(s.completions(":gr", 3), (0, vec![":grade".to_string()]));
    assert_eq!(
        s.completions(":set excel", 10).1,
        vec!["excellent_cap", "excellent_share"]
    );
    assert_eq!(s.completions(":why DB03-C0", 12).1.len(), 9);
    assert!(s
        .completions("share(graded mem", 16)
        .1
        .contains(&"members".to_string()));
    assert!(s
        .completions("member_go", 9)
        .1
        .contains(&"member_good".to_string()));
}

#[test]
fn a_session_keeps_the_rules_it_loaded_whatever_happens_on_disk() {
    let dir = scratch_dir("repl-disk");
    let rules = dir.join("2021.rules");
    std::fs::copy(root().join("rules/2021.rules"), &rules).expect("copy");
    let mut s = Session::new();
    assert_eq!(
        s.start(Some(&rules), Some(&root().join("examples/yen-the-2021")))
            .status,
        Status::Done
    );
    std::fs::write(&rules, "this is not a rules file any more").expect("overwrite");
    let r = s.eval_line(":set excellent_cap 30%");
    assert_eq!(r.status, Status::Done, "{}", r.err);
    assert!(s.eval_line(":diff").out.contains("tối đa 9 — không vượt"));
}
