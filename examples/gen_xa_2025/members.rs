//! The commune's members: who is in review, the case each member's inputs
//! are written for, and the inputs themselves, column by column as
//! `rules/2025.rules` reads them.

use crate::synth::{date, person, Rng};
use crate::tree::{Org, OrgCase, KEY_OFFICIALS};

/// The case a member's inputs are written for; the rules decide the grade.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Case {
    Exempt,
    Suspended,
    /// Admitted in the second half of 2025: not graded for 2025, graded for 2026.
    NewlyAdmitted,
    /// Not yet reviewed (working abroad at review time).
    NotReviewed,
    Excellent,
    Good,
    Pass,
    Fail(Fail),
    Decide(Decide),
}

/// The KHTNV cases of QĐ 366 Điều 11, khoản 4.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Fail {
    LowScore,
    OfficialDiscipline,
    ForbiddenActs,
    HarmfulBreach,
    Degraded,
    TasksFailed,
    /// A leader with more than 50% low-confidence votes.
    LowConfidence,
}

/// Cases the text leaves to the competent level.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Decide {
    /// 72–78 points but 90–96% of tasks done: no band.
    TasksShort,
    /// Over 90 points but under 30% of tasks exceeded: no band.
    NotExceeded,
    /// 75–85 points with some tasks late: no band.
    Late,
    /// Disciplined for official duty, self-detected and remedied.
    SelfDetected,
    /// A leader whose units completed 95% of their tasks.
    UnitShort,
}

pub struct Member {
    pub id: String,
    pub name: String,
    pub org: String,
    pub admitted: String,
    pub case: Case,
    pub leader: bool,
    pub quota_group: &'static str,
    /// The quota pool the member's HTXSNV count against.
    pub pool: String,
    pub sick_months: u32,
    pub maternity: bool,
    /// Disciplined for something outside official duty (graded as usual
    /// under `count_unofficial_discipline = false`).
    pub unofficial_discipline: bool,
    /// The score is given with its 30/70 split.
    pub split: bool,
}

/// The commune's key officials' fixed cases: one HTXSNV within the cap of
/// 9 HTTNV, one HTNV, one self-detected violation for the competent level.
fn key_official_case(n: usize) -> Case {
    match n {
        0 => Case::Excellent,
        4 => Case::Pass,
        7 => Case::Decide(Decide::SelfDetected),
        _ => Case::Good,
    }
}

/// A member's case from one draw in a thousand; villages keep their old
/// members, exempt from activity (about 8%).
fn drawn_case(rng: &mut Rng, village: bool) -> Case {
    let r = rng.below(1000);
    let exempt = if village { 80 } else { 0 };
    match r {
        _ if r < exempt => Case::Exempt,
        _ if r < exempt + 13 => Case::NewlyAdmitted,
        _ if r < exempt + 19 => Case::Fail(
            [
                Fail::LowScore,
                Fail::OfficialDiscipline,
                Fail::ForbiddenActs,
                Fail::HarmfulBreach,
                Fail::Degraded,
                Fail::TasksFailed,
            ][rng.below(6)],
        ),
        _ if r < exempt + 39 => Case::Decide(
            [
                Decide::TasksShort,
                Decide::TasksShort,
                Decide::TasksShort,
                Decide::NotExceeded,
                Decide::Late,
                Decide::SelfDetected,
            ][rng.below(6)],
        ),
        _ if r < exempt + 99 => Case::Pass,
        _ => Case::Good,
    }
}

/// The members of one chi bộ.
pub fn members_of(org: &Org, pool: &str, next_no: &mut usize, rng: &mut Rng) -> Vec<Member> {
    let village = org.name.starts_with("Chi bộ thôn");
    (0..org.members)
        .map(|n| {
            *next_no += 1;
            let key_official = n < org.key_officials;
            let leader = key_official || n < org.leaders;
            let mut case = if key_official {
                key_official_case(n + if org.id.ends_with("DB03-C01") { 6 } else { 0 })
            } else if leader {
                Case::Good
            } else {
                drawn_case(rng, village)
            };
            // A few special members, fixed by number.
            match *next_no {
                137 | 1460 => case = Case::Suspended,
                402 | 811 | 1733 | 2290 => case = Case::NotReviewed,
                _ => {}
            }
            if leader && org.case == OrgCase::Good && org.name.contains("Hợp tác xã") {
                case = Case::Fail(Fail::LowConfidence);
            }
            if leader && org.case == OrgCase::NoBand {
                case = Case::Decide(Decide::UnitShort);
            }
            let admitted = match case {
                Case::Exempt => date(rng, 1958, 1978),
                Case::NewlyAdmitted => {
                    format!("{:02}/{:02}/2025", 1 + rng.below(28), 7 + rng.below(5))
                }
                _ if village => date(rng, 1975, 2024),
                _ => date(rng, 1995, 2024),
            };
            let graded = matches!(case, Case::Good | Case::Pass | Case::Excellent);
            Member {
                id: format!("TA{:05}", *next_no),
                name: person(rng),
                org: org.id.clone(),
                admitted,
                case,
                leader,
                quota_group: if key_official { KEY_OFFICIALS } else { "" },
                pool: if key_official {
                    KEY_OFFICIALS.into()
                } else {
                    pool.into()
                },
                sick_months: if graded && rng.below(100) == 0 {
                    3 + rng.below(5) as u32
                } else {
                    0
                },
                maternity: graded && rng.below(160) == 0,
                unofficial_discipline: matches!(*next_no, 58 | 977 | 2051),
                split: !village,
            }
        })
        .collect()
}

/// Turns HTTNV candidates into HTXSNV up to the cap of each pool: k of a
/// pool's c candidates leaves c − k HTTNV, and 20% of them allows k when
/// 6k ≤ c (25% when 5k ≤ c). One pool is written one over its cap, so the
/// report shows what a breach looks like.
pub fn allocate_excellent(
    members: &mut [Member],
    pool: &str,
    share_of_five: bool,
    over: bool,
    rng: &mut Rng,
) {
    let mut candidates: Vec<usize> = (0..members.len())
        .filter(|&i| {
            members[i].pool == pool
                && members[i].case == Case::Good
                && members[i].quota_group.is_empty()
        })
        .filter(|&i| !members[i].unofficial_discipline)
        .collect();
    let per = if share_of_five { 5 } else { 6 };
    let k = (candidates.len() / per + usize::from(over)).min(candidates.len());
    for n in 0..k {
        let pick = n + rng.below(candidates.len() - n);
        candidates.swap(n, pick);
        members[candidates[n]].case = Case::Excellent;
    }
}
