//! Quotas: "at most R of those graded B, within each group". `check`
//! reports each group's numbers; `enforce` keeps the best-ranked within
//! the cap and lowers the rest one grade.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::expr::{compare, At, Env, Grades, Memo, NoTrace};
use super::{checked, Decision, EvalError, QuotaAction};
use crate::data::Dataset;
use crate::program::*;
use crate::syntax::ast::SubjectKind;
use crate::value::{Rat, Rounding, Value};

/// What a quota group is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum GroupRef {
    /// Every subject together (`within all`).
    All,
    /// The subjects under one organisation.
    Organisation(u32),
    /// Subjects with no matching ancestor.
    Outside,
    /// Subjects sharing a value (`within by …`), shown exactly.
    Value(String),
    /// Subjects sharing a text (`within by quota_group`): the text names
    /// the group as the staffer typed it; never confused with `none`.
    Text(String),
}

impl GroupRef {
    /// The group as people name it: the organisation's name and id.
    pub fn label(&self, program: &Program, data: &Dataset) -> (String, Option<String>) {
        match self {
            GroupRef::All => ("toàn bộ".into(), None),
            GroupRef::Outside => ("(không thuộc nhóm nào)".into(), None),
            GroupRef::Value(v) | GroupRef::Text(v) => (v.clone(), None),
            GroupRef::Organisation(o) => (
                data.name(program, SubjectKind::Organisation, *o)
                    .to_string(),
                Some(data.id(program, SubjectKind::Organisation, *o).to_string()),
            ),
        }
    }
}

/// One group's numbers for one quota.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaFinding {
    pub quota: usize,
    pub group: GroupRef,
    pub grade: u8,
    /// How many in the group hold a base grade.
    pub base_count: u32,
    /// The most that may hold the grade.
    pub cap: u32,
    /// How many held it before any enforcement.
    pub count: u32,
    pub breach: bool,
    /// How many an enforced quota lowered.
    pub lowered: u32,
}

/// The entities a quota counts, in index order.
pub(super) fn subjects(
    program: &Program,
    data: &Dataset,
    params: &[Value],
    grades: &Grades,
    q: &QuotaInfo,
) -> Result<Vec<u32>, EvalError> {
    let env = Env::new(program, data, params, grades);
    let mut memo: Memo = vec![None; program.memo_slots];
    let mut out = Vec::new();
    for i in 0..data.len(q.kind) as u32 {
        if is_subject(&env, &mut memo, q, i)? {
            out.push(i);
        }
    }
    Ok(out)
}

/// Whether the quota's `where` (if any) counts entity `index`.
pub(super) fn is_subject(
    env: &Env,
    memo: &mut Memo,
    q: &QuotaInfo,
    index: u32,
) -> Result<bool, EvalError> {
    let Some(f) = &q.filter else {
        return Ok(true);
    };
    memo.iter_mut().for_each(|m| *m = None);
    let at = At {
        kind: q.kind,
        index,
        top: true,
    };
    let holds = env.truthy(f, at, memo, &mut NoTrace);
    checked(env, q.kind, index)?;
    Ok(holds)
}

/// Stops an enforced organisation quota from lowering a grade that the
/// level above has already read.
pub(super) struct ParentGuard<'a> {
    pub height: &'a [u32],
    pub graded_upto: Option<u32>,
    pub org_blocks: &'a [Option<u16>],
}

#[allow(clippy::too_many_arguments)]
pub(super) fn apply(
    program: &Program,
    data: &Dataset,
    params: &[Value],
    grades: &mut Grades,
    decisions: &mut [Decision],
    qi: usize,
    subjects: &[u32],
    guard: Option<ParentGuard>,
) -> Result<Vec<QuotaFinding>, EvalError> {
    let q = &program.quotas[qi];
    let groups = group(program, data, params, grades, q, subjects)?;
    let mut findings = Vec::new();
    let mut memo: Memo = vec![None; program.memo_slots];
    for (key, members) in groups {
        if members.is_empty() {
            continue;
        }
        let (ratio, base, rounding) = {
            let env = Env::new(program, data, params, grades);
            // Aggregates in the cap are the group's own, not the last group's.
            memo.iter_mut().for_each(|m| *m = None);
            // Evaluated on the group's organisation (everything for `all`/`by`).
            let index = match &key {
                GroupRef::Organisation(o) => *o,
                _ => crate::eval::WHOLE,
            };
            let at = At {
                kind: SubjectKind::Organisation,
                index,
                top: true,
            };
            let values = (
                env.eval(&q.ratio, at, &mut memo, &mut NoTrace),
                env.eval(&q.base, at, &mut memo, &mut NoTrace),
                env.eval(&q.rounding, at, &mut memo, &mut NoTrace),
            );
            checked(&env, SubjectKind::Organisation, index)?;
            values
        };
        let (Value::Num(ratio), Value::GradeSet(base), Value::Rounding(rounding)) =
            (ratio, base, rounding)
        else {
            // A cap that cannot be computed must not pass as "no breach".
            let (group, id) = key.label(program, data);
            return Err(EvalError::NoCap {
                quota: q.name.clone(),
                ratio: q.ratio_text.clone(),
                group: match id {
                    Some(id) => format!("{group} [{id}]"),
                    None => group,
                },
            });
        };
        let grade_of = |g: &Grades, i: u32| g.of(q.kind, i);
        let base_count = members
            .iter()
            .filter(|&&i| grade_of(grades, i).is_some_and(|g| base & (1 << g) != 0))
            .count() as u32;
        let holders: Vec<u32> = members
            .iter()
            .copied()
            .filter(|&i| grade_of(grades, i) == Some(q.grade))
            .collect();
        let cap = cap_for(ratio, base_count, rounding);
        let count = holders.len() as u32;
        let breach = count > cap;
        let mut lowered = 0;
        if let (QuotaModeC::Enforce(keys), true) = (&q.mode, breach) {
            let ranked = rank(program, data, params, grades, q, keys, holders)?;
            for (pos, &i) in ranked.iter().enumerate().skip(cap as usize) {
                if let Some(g) = &guard {
                    let p = data.org_parent[i as usize];
                    if p != u32::MAX
                        && g.org_blocks[p as usize].is_some()
                        && g.graded_upto.is_some_and(|h| g.height[p as usize] <= h)
                    {
                        return Err(EvalError::QuotaAfterParent {
                            quota: q.name.clone(),
                            entity: data.id(program, q.kind, i).to_string(),
                            parent: data.id(program, SubjectKind::Organisation, p).to_string(),
                        });
                    }
                }
                let to = q.grade + 1;
                let slot = match q.kind {
                    SubjectKind::Member => &mut grades.members[i as usize],
                    SubjectKind::Organisation => &mut grades.organisations[i as usize],
                };
                *slot = to;
                let d = &mut decisions[i as usize];
                d.grade = Some(to);
                d.quota = Some(QuotaAction {
                    quota: qi as u16,
                    from: q.grade,
                    to,
                    rank: pos as u32 + 1,
                    cap,
                });
                lowered += 1;
            }
        }
        findings.push(QuotaFinding {
            quota: qi,
            group: key,
            grade: q.grade,
            base_count,
            cap,
            count,
            breach,
            lowered,
        });
    }
    Ok(findings)
}

/// `ratio × base`, rounded as declared, never below zero.
pub fn cap_for(ratio: Rat, base_count: u32, rounding: Rounding) -> u32 {
    let exact = ratio
        .checked_mul(Rat::int(base_count as i64))
        .unwrap_or(Rat::ZERO);
    rounding.apply(exact).clamp(0, u32::MAX as i128) as u32
}

fn group(
    program: &Program,
    data: &Dataset,
    params: &[Value],
    grades: &Grades,
    q: &QuotaInfo,
    subjects: &[u32],
) -> Result<BTreeMap<GroupRef, Vec<u32>>, EvalError> {
    let mut keys = GroupKeys::new(program, data, params, grades, q);
    let mut groups: BTreeMap<GroupRef, Vec<u32>> = BTreeMap::new();
    for &i in subjects {
        groups.entry(keys.key(i)?).or_default().push(i);
    }
    Ok(groups)
}

/// Finds the group of each subject of one quota.
pub(crate) struct GroupKeys<'a> {
    env: Env<'a>,
    q: &'a QuotaInfo,
    memo: Memo,
    /// The ancestor test, evaluated once per organisation, not per member.
    matches: Vec<Option<bool>>,
}

impl<'a> GroupKeys<'a> {
    pub fn new(
        program: &'a Program,
        data: &'a Dataset,
        params: &'a [Value],
        grades: &'a Grades,
        q: &'a QuotaInfo,
    ) -> Self {
        GroupKeys {
            env: Env::new(program, data, params, grades),
            q,
            memo: vec![None; program.memo_slots],
            matches: vec![None; data.organisations.len()],
        }
    }

    /// The group of subject `i`.
    pub fn key(&mut self, i: u32) -> Result<GroupRef, EvalError> {
        let key = self.key_of(i);
        match key {
            GroupRef::Organisation(o) => checked(&self.env, SubjectKind::Organisation, o)?,
            _ => checked(&self.env, self.q.kind, i)?,
        }
        Ok(key)
    }

    fn key_of(&mut self, i: u32) -> GroupRef {
        let data = self.env.data;
        let first_up = match self.q.kind {
            SubjectKind::Member => data.member_org[i as usize],
            SubjectKind::Organisation => data.org_parent[i as usize],
        };
        match &self.q.grouping {
            GroupingC::All => GroupRef::All,
            GroupingC::Parent => match first_up {
                u32::MAX => GroupRef::Outside,
                p => GroupRef::Organisation(p),
            },
            GroupingC::Ancestor(filter) => {
                let mut o = first_up;
                loop {
                    if o == u32::MAX {
                        break GroupRef::Outside;
                    }
                    let (env, memo) = (&self.env, &mut self.memo);
                    let hit = *self.matches[o as usize].get_or_insert_with(|| {
                        memo.iter_mut().for_each(|m| *m = None);
                        env.truthy(
                            filter,
                            At {
                                kind: SubjectKind::Organisation,
                                index: o,
                                top: true,
                            },
                            memo,
                            &mut NoTrace,
                        )
                    });
                    if hit {
                        break GroupRef::Organisation(o);
                    }
                    o = data.org_parent[o as usize];
                }
            }
            GroupingC::By(e, ty) => {
                self.memo.iter_mut().for_each(|m| *m = None);
                let at = At {
                    kind: self.q.kind,
                    index: i,
                    top: true,
                };
                let v = self.env.eval(e, at, &mut self.memo, &mut NoTrace);
                match &v {
                    Value::Text(t) => GroupRef::Text(t.to_string()),
                    _ => GroupRef::Value(group_value(self.env.program, data, &v, *ty)),
                }
            }
        }
    }
}

/// The value a `within by` group is known by: exact for numbers (1/3 and
/// 0.3333 are two groups), an organisation by its id, an enumeration
/// value or a grade by its name.
fn group_value(program: &Program, data: &Dataset, v: &Value, ty: Ty) -> String {
    match v {
        Value::Org(o) => data.id(program, SubjectKind::Organisation, *o).to_string(),
        Value::Num(r) if r.is_finite_decimal() => r.to_string(),
        Value::Num(r) => {
            let r = r.reduced();
            format!("{}/{}", r.num, r.den)
        }
        _ => program.show_value(v, ty),
    }
}

/// Best first by the declared keys; ties broken by id, so the outcome
/// never depends on the order of the input rows.
fn rank(
    program: &Program,
    data: &Dataset,
    params: &[Value],
    grades: &Grades,
    q: &QuotaInfo,
    keys: &[(CExpr, bool)],
    holders: Vec<u32>,
) -> Result<Vec<u32>, EvalError> {
    let env = Env::new(program, data, params, grades);
    let mut memo: Memo = vec![None; program.memo_slots];
    let mut rows: Vec<(Vec<Value>, &str, u32)> = Vec::with_capacity(holders.len());
    for i in holders {
        let at = At {
            kind: q.kind,
            index: i,
            top: false,
        };
        let vals = keys
            .iter()
            .map(|(k, _)| env.eval(k, at, &mut memo, &mut NoTrace))
            .collect();
        checked(&env, q.kind, i)?;
        rows.push((vals, data.id(program, q.kind, i), i));
    }
    rows.sort_by(|a, b| {
        for (n, (_, desc)) in keys.iter().enumerate() {
            // none ranks last either way
            let ord = match (&a.0[n], &b.0[n]) {
                (Value::None, Value::None) => Ordering::Equal,
                (Value::None, _) => Ordering::Greater,
                (_, Value::None) => Ordering::Less,
                (x, y) => {
                    let o = compare(x, y).unwrap_or(Ordering::Equal);
                    if *desc {
                        o.reverse()
                    } else {
                        o
                    }
                }
            };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        a.1.cmp(b.1).then(a.2.cmp(&b.2))
    });
    Ok(rows.into_iter().map(|r| r.2).collect())
}
