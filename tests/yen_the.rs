//! The acceptance case: the Yên Thế district report for 2021, graded
//! under the central 2021 rules and under the district's reading.

mod common;

use common::*;
use xeploai::report::{self, NumberStyle};

/// (label, in scope, graded, HTXSNV, HTTNV, HTNV, KHTNV)
type Row = (&'static str, u64, u64, [u64; 4]);

const SEED: [Row; 3] = [
    ("Chi, đảng bộ cơ sở", 42, 42, [8, 31, 3, 0]),
    (
        "Chi bộ trực thuộc đảng ủy cơ sở",
        336,
        328,
        [68, 246, 14, 0],
    ),
    ("Đảng viên", 4371, 4336, [606, 3375, 320, 35]),
];

fn assert_seed_counts(rules: &str) {
    let p = program(rules);
    let d = yen_the(&p);
    let o = grade(&p, &d);
    let s = report::summary(&p, &o);
    let rows: Vec<Row> = s
        .rows
        .iter()
        .map(|r| {
            (
                SEED.iter()
                    .find(|s| s.0 == r.label)
                    .map(|s| s.0)
                    .unwrap_or("?"),
                r.in_scope,
                r.graded,
                [r.counts[0], r.counts[1], r.counts[2], r.counts[3]],
            )
        })
        .collect();
    assert_eq!(rows, SEED.to_vec(), "{rules}");
}

#[test]
fn the_2021_rules_give_the_seed_report() {
    assert_seed_counts("rules/2021.rules");
}

#[test]
fn the_district_reading_gives_the_same_counts() {
    assert_seed_counts("rules/bac-giang/yen-the-2021.rules");
}

#[test]
fn the_literal_reading_breaches_the_grassroots_cap() {
    let p = program("rules/2021.rules");
    let d = yen_the(&p);
    let o = grade(&p, &d);
    let q = p
        .quotas
        .iter()
        .position(|q| q.name == "excellent_grassroots")
        .expect("quota");
    let f: Vec<_> = o.findings.iter().filter(|f| f.quota == q).collect();
    assert_eq!(f.len(), 1);
    assert_eq!(
        (f[0].count, f[0].base_count, f[0].cap, f[0].breach),
        (8, 31, 6, true)
    );
}

#[test]
fn the_district_reading_breaches_nothing() {
    let p = program("rules/bac-giang/yen-the-2021.rules");
    let d = yen_the(&p);
    let o = grade(&p, &d);
    assert!(!o.findings.is_empty());
    let breaches: Vec<_> = o.findings.iter().filter(|f| f.breach).collect();
    assert!(breaches.is_empty(), "{breaches:?}");
    let q = p
        .quotas
        .iter()
        .position(|q| q.name == "excellent_grassroots")
        .expect("quota");
    let f = o.findings.iter().find(|f| f.quota == q).expect("finding");
    assert_eq!((f.count, f.base_count, f.cap), (8, 39, 8));
}

#[test]
fn the_named_organisations_are_the_excellent_ones() {
    let p = program("rules/2021.rules");
    let d = yen_the(&p);
    let o = grade(&p, &d);
    let json = report::to_json(&p, &d, &o, &p.default_params());
    let mut excellent: Vec<&str> = json
        .entities
        .iter()
        .filter(|e| {
            e.kind == "organisation"
                && e.grade.as_deref() == Some("HTXSNV")
                && e.parent.as_deref() == Some("HU")
        })
        .map(|e| e.name.as_str())
        .collect();
    excellent.sort();
    insta::assert_debug_snapshot!(excellent);
}

#[test]
fn summary_tables() {
    for (name, rules) in [
        ("central", "rules/2021.rules"),
        ("district", "rules/bac-giang/yen-the-2021.rules"),
    ] {
        let p = program(rules);
        let d = yen_the(&p);
        let o = grade(&p, &d);
        let params = p.default_params();
        insta::assert_snapshot!(
            format!("table_{name}"),
            report::table(&p, &d, &o, &params, NumberStyle::Vi)
        );
    }
}

#[test]
fn english_number_style() {
    let p = program("rules/2021.rules");
    let d = yen_the(&p);
    let o = grade(&p, &d);
    let table = report::table(&p, &d, &o, &p.default_params(), NumberStyle::En);
    assert!(table.contains("4,371"), "{table}");
    assert!(table.contains("606 (14.0%)"), "{table}");
    assert!(table.contains("20.5% (8/39)"), "{table}");
}

#[test]
fn explain_trails() {
    let p = program("rules/2021.rules");
    let d = yen_the(&p);
    let o = grade(&p, &d);
    let params = p.default_params();
    // A member capped by sick leave, an excellent cell with its shares, an
    // excellent commune flagged by the quota, a pass chi bộ cơ sở, the
    // district (out of scope), and one of each not-graded and failed member.
    let mut ids = vec!["DV00002", "DB03-C01", "DB03", "CB16", "HU"];
    let json = report::to_json(&p, &d, &o, &params);
    let first = |pred: &dyn Fn(&xeploai::report::JsonEntity) -> bool| {
        json.entities.iter().find(|e| pred(e)).map(|e| e.id.clone())
    };
    let extra: Vec<String> = [
        first(&|e| e.clause.as_deref() == Some("newly_admitted")),
        first(&|e| e.clause.as_deref() == Some("member_disciplined")),
        first(&|e| e.clause.as_deref() == Some("cell_new")),
    ]
    .into_iter()
    .flatten()
    .collect();
    assert_eq!(extra.len(), 3);
    ids.extend(extra.iter().map(String::as_str));
    for id in ids {
        let (kind, i) = d.find(&p, id).expect("id");
        let trail = xeploai::eval::explain(&p, &d, &params, &o, kind, i);
        insta::assert_snapshot!(
            format!("explain_{id}"),
            report::explain_text(&p, &d, &params, &trail)
        );
    }
}

#[test]
fn grading_is_deterministic() {
    let p = program("rules/2021.rules");
    let d = yen_the(&p);
    let a = grade(&p, &d);
    let b = grade(&p, &d);
    assert_eq!(a, b);
    let params = p.default_params();
    let ja = serde_json::to_string(&report::to_json(&p, &d, &a, &params)).expect("json");
    let jb = serde_json::to_string(&report::to_json(&p, &d, &b, &params)).expect("json");
    assert_eq!(ja, jb);
}
