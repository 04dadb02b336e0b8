//! The tests written inside rules files: one record, its children given
//! by grade, the grade and the deciding clause expected.

use super::expr::{At, Env, Grades, Memo, NoTrace};
use super::{blocks_for, decide, Decision, Verdict};

/// Stands for "any referral" in an expected verdict.
static NO_REFERRAL: Referral = Referral {
    reason: String::new(),
    among: Vec::new(),
    otherwise: false,
};
use crate::data::{Dataset, Table};
use crate::program::*;
use crate::syntax::ast::SubjectKind;
use crate::value::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestOutcome {
    pub name: String,
    pub description: Option<String>,
    pub passed: bool,
    pub expected: String,
    pub actual: String,
    /// What the rules decided, for coverage: the clause and the caps.
    pub decision: Decision,
}

/// Runs every test of the program with the given parameter values.
pub fn run_tests(program: &Program, params: &[Value]) -> Vec<TestOutcome> {
    program
        .tests
        .iter()
        .map(|t| run_one(program, params, t))
        .collect()
}

fn describe(program: &Program, verdict: Verdict, clause: Option<usize>) -> String {
    let what = match verdict {
        Verdict::OutOfScope => "out of scope (no grading block applies)".to_string(),
        Verdict::Graded(g) => program.grade_code(g).to_string(),
        Verdict::NotGraded => "not graded".to_string(),
        Verdict::ToDecide(_) => "to decide".to_string(),
    };
    match clause {
        Some(c) => format!("{what} by {}", program.clauses[c].name),
        None => what,
    }
}

fn record_with(
    program: &Program,
    kind: SubjectKind,
    mut values: Vec<Value>,
    id: &str,
    link: Option<u32>,
) -> Vec<Value> {
    let s = program.schema(kind);
    for slot in [s.id, s.name] {
        if values[slot] == Value::None {
            values[slot] = Value::Text(id.into());
        }
    }
    values[s.link] = link.map(Value::Org).unwrap_or(Value::None);
    values
}

fn blank(program: &Program, kind: SubjectKind) -> Vec<Value> {
    program
        .schema(kind)
        .fields
        .iter()
        .map(|f| f.default.clone().unwrap_or(Value::None))
        .collect()
}

fn run_one(program: &Program, params: &[Value], t: &TestInfo) -> TestOutcome {
    let mut own_params;
    let params = if t.params.is_empty() {
        params
    } else {
        own_params = params.to_vec();
        for (i, v) in &t.params {
            own_params[*i] = v.clone();
        }
        &own_params[..]
    };
    let mut orgs = Table::new(&program.organisation, "(test)");
    let mut members = Table::new(&program.member, "(test)");
    let mut member_grades = Vec::new();
    let mut org_grades = Vec::new();
    let subject = match t.kind {
        SubjectKind::Member => {
            orgs.push(
                &record_with(
                    program,
                    SubjectKind::Organisation,
                    blank(program, SubjectKind::Organisation),
                    "test-org",
                    None,
                ),
                0,
            );
            org_grades.push(u8::MAX);
            members.push(
                &record_with(
                    program,
                    SubjectKind::Member,
                    t.record.clone(),
                    "test",
                    Some(0),
                ),
                0,
            );
            member_grades.push(u8::MAX);
            0
        }
        SubjectKind::Organisation => {
            orgs.push(
                &record_with(
                    program,
                    SubjectKind::Organisation,
                    t.record.clone(),
                    "test",
                    None,
                ),
                0,
            );
            org_grades.push(u8::MAX);
            for child in &t.children {
                let kind = if child.suborg {
                    SubjectKind::Organisation
                } else {
                    SubjectKind::Member
                };
                let fields = child.record.clone().unwrap_or_else(|| blank(program, kind));
                for _ in 0..child.count {
                    let grade = child.grade.unwrap_or(u8::MAX);
                    if child.suborg {
                        let id = format!("sub-{}", orgs.len());
                        orgs.push(&record_with(program, kind, fields.clone(), &id, Some(0)), 0);
                        org_grades.push(grade);
                    } else {
                        let id = format!("member-{}", members.len() + 1);
                        members.push(&record_with(program, kind, fields.clone(), &id, Some(0)), 0);
                        member_grades.push(grade);
                    }
                }
            }
            0
        }
    };
    let expected = match t.expect {
        Expected::Grade(g) => describe(program, Verdict::Graded(g), t.by),
        Expected::NotGraded => describe(program, Verdict::NotGraded, t.by),
        Expected::ToDecide => describe(program, Verdict::ToDecide(&NO_REFERRAL), t.by),
        Expected::Rejected => "rejected by a requirement of its schema".to_string(),
    };
    let data = match Dataset::assemble(program, "(test)".into(), members, orgs) {
        Ok(d) => d,
        Err(_) => {
            return TestOutcome {
                name: t.name.clone(),
                description: t.description.clone(),
                passed: false,
                expected,
                actual: "the test's organisations form a cycle".into(),
                decision: Decision::default(),
            }
        }
    };
    let grades = Grades {
        members: member_grades,
        organisations: org_grades,
    };
    let failed = |why: String| TestOutcome {
        name: t.name.clone(),
        description: t.description.clone(),
        passed: false,
        expected: expected.clone(),
        actual: why,
        decision: Decision::default(),
    };
    // A record the schema's requirements refuse is never graded: the test
    // passes only if it expects that.
    let refused = {
        let env = Env::new(program, &data, params, &grades);
        let mut memo: Memo = vec![None; program.memo_slots];
        match super::require::broken_by(&env, t.kind, subject as u32, &mut memo) {
            Ok(r) => r,
            Err(e) => return failed(e.to_string()),
        }
    };
    if let Some(message) = refused {
        return TestOutcome {
            name: t.name.clone(),
            description: t.description.clone(),
            passed: t.expect == Expected::Rejected,
            expected,
            actual: format!("rejected by the requirement \"{message}\""),
            decision: Decision::default(),
        };
    }
    let block = match blocks_for(program, &data, params, &grades, t.kind) {
        Ok(blocks) => blocks[subject],
        Err(e) => return failed(e.to_string()),
    };
    let decision = match block {
        Some(b) => {
            let env = Env::new(program, &data, params, &grades);
            let mut memo: Memo = vec![None; program.memo_slots];
            let at = At {
                kind: t.kind,
                index: subject as u32,
                top: true,
            };
            let d = decide(&env, b, at, &mut memo, &mut NoTrace);
            if let Err(e) = super::checked(&env, t.kind, subject as u32) {
                return failed(e.to_string());
            }
            d
        }
        None => Decision::default(),
    };
    let verdict = decision.verdict(program);
    let actual = describe(program, verdict, decision.clause.map(|c| c as usize));
    let verdict_met = match (verdict, t.expect) {
        (Verdict::Graded(g), Expected::Grade(e)) => g == e,
        (Verdict::NotGraded, Expected::NotGraded) | (Verdict::ToDecide(_), Expected::ToDecide) => {
            true
        }
        _ => false,
    };
    let passed = verdict_met && t.by.is_none_or(|b| decision.clause == Some(b as u16));
    TestOutcome {
        name: t.name.clone(),
        description: t.description.clone(),
        passed,
        expected,
        actual,
        decision,
    }
}
