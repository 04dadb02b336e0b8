//! The cells of each row: the inputs QĐ 366 and HD 43 ask for, drawn for
//! the case the row is written for, as a staffer types them (yes as `có`,
//! no as empty, percentages with `%`, dates as dd/mm/yyyy).

use crate::members::{Case, Decide, Fail, Member};
use crate::synth::Rng;
use crate::tree::{Org, OrgCase};

pub const MEMBER_HEADER: [&str; 32] = [
    "Mã đảng viên",
    "Họ và tên",
    "Mã chi bộ",
    "Ngày kết nạp",
    "Miễn công tác và sinh hoạt đảng",
    "Đình chỉ sinh hoạt đảng",
    "Đã kiểm điểm",
    "Điểm đánh giá",
    "Điểm nhóm tiêu chí chung",
    "Điểm nhóm tiêu chí kết quả thực hiện nhiệm vụ",
    "Tỷ lệ hoàn thành nhiệm vụ",
    "Tỷ lệ nhiệm vụ chậm tiến độ",
    "Tỷ lệ nhiệm vụ vượt mức",
    "Đã khắc phục hạn chế kỳ trước",
    "Suy thoái",
    "Bị kỷ luật trong năm",
    "Kỷ luật liên quan thực thi công vụ",
    "Vi phạm điều đảng viên không được làm",
    "Vi phạm trách nhiệm nêu gương",
    "Gây ảnh hưởng xấu đến uy tín",
    "Kỷ luật do tự phát hiện, khắc phục",
    "Giữ chức vụ lãnh đạo, quản lý",
    "Tỷ lệ hoàn thành nhiệm vụ của đơn vị phụ trách",
    "Tỷ lệ nhiệm vụ chậm tiến độ của đơn vị phụ trách",
    "Tỷ lệ nhiệm vụ vượt mức của đơn vị phụ trách",
    "Không hoàn thành 5 chỉ tiêu KT-XH cơ bản",
    "Tỷ lệ đơn vị phụ trách không hoàn thành nhiệm vụ",
    "Tỷ lệ phiếu tín nhiệm thấp",
    "Tham nhũng, tiêu cực trong phạm vi quản lý trực tiếp",
    "Số tháng nghỉ ốm",
    "Nghỉ thai sản",
    "Nhóm đối tượng tương đồng",
];

pub const ORG_HEADER: [&str; 22] = [
    "Mã tổ chức",
    "Tên tổ chức",
    "Mã cấp trên",
    "Loại",
    "Ngày thành lập",
    "Điểm đánh giá",
    "Điểm nhóm tiêu chí chung",
    "Điểm nhóm tiêu chí kết quả thực hiện nhiệm vụ",
    "Tỷ lệ hoàn thành nhiệm vụ",
    "Tỷ lệ nhiệm vụ chậm tiến độ",
    "Tỷ lệ nhiệm vụ vượt mức",
    "Đã khắc phục hạn chế kỳ trước",
    "Bị kỷ luật",
    "Không hoàn thành 5 chỉ tiêu KT-XH cơ bản",
    "Lý do bất khả kháng",
    "Sai phạm công tác cán bộ, mất đoàn kết, bè phái, chạy chức, chạy quyền",
    "Thành viên tập thể lãnh đạo bị kỷ luật",
    "Kỷ luật thành viên lãnh đạo liên quan thực thi công vụ",
    "Thành viên tập thể lãnh đạo suy thoái",
    "Tự phát hiện, khắc phục",
    "Thành tích nổi trội",
    "Nhóm đối tượng tương đồng",
];

const YES: &str = "có";

fn pct(v: usize) -> String {
    format!("{v}%")
}

fn yes(b: bool) -> String {
    if b { YES } else { "" }.to_string()
}

/// A score in [lo, hi], in halves one time in eight (89.5 is not 90).
fn score(rng: &mut Rng, lo: usize, hi: usize) -> f64 {
    let whole = (lo + rng.below(hi - lo + 1)) as f64;
    if rng.below(8) == 0 && whole < hi as f64 {
        whole + 0.5
    } else {
        whole
    }
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// The 30/70 split of a score: the general group near its share.
fn split(total: f64) -> (String, String) {
    let general = ((total * 0.3).round()).clamp((total - 70.0).max(0.0), 30.0);
    (number(general), number(total - general))
}

/// What a member's tasks look like: (score, done, late, exceeded).
fn task_profile(case: Case, rng: &mut Rng) -> (f64, usize, usize, usize) {
    match case {
        Case::Excellent => (score(rng, 90, 98), 100, 0, 30 + rng.below(36)),
        Case::Good | Case::NewlyAdmitted => (score(rng, 70, 89), 100, 0, rng.below(46)),
        Case::Pass => (score(rng, 52, 69), 100, rng.below(21), rng.below(11)),
        Case::Fail(Fail::LowScore) => (score(rng, 38, 49), 100, 10, 0),
        Case::Fail(Fail::TasksFailed) => (score(rng, 50, 58), 40 + rng.below(10), 30, 0),
        Case::Fail(_) => (score(rng, 55, 80), 100, 0, rng.below(20)),
        Case::Decide(Decide::TasksShort) => {
            (score(rng, 72, 78), 90 + rng.below(7), 0, rng.below(10))
        }
        Case::Decide(Decide::NotExceeded) => (score(rng, 91, 95), 100, 0, 10 + rng.below(16)),
        Case::Decide(Decide::Late) => (score(rng, 75, 85), 100, 5 + rng.below(11), rng.below(10)),
        Case::Decide(_) => (score(rng, 80, 88), 100, 0, rng.below(20)),
        Case::Exempt | Case::Suspended | Case::NotReviewed => (f64::NAN, 0, 0, 0),
    }
}

pub fn member_record(m: &Member, rng: &mut Rng) -> Vec<String> {
    let (total, done, late, exceeded) = task_profile(m.case, rng);
    let scored = !total.is_nan();
    let (general, results) = if scored && m.split {
        split(total)
    } else {
        (String::new(), String::new())
    };
    let fail = |f: Fail| m.case == Case::Fail(f);
    let official = fail(Fail::OfficialDiscipline) || m.case == Case::Decide(Decide::SelfDetected);
    // A leader's own tasks are done; the conditions read the units led.
    let (own_done, own_late, own_exceeded) = if m.leader {
        (100, 0, rng.below(40))
    } else {
        (done, late, exceeded)
    };
    let unit_done = if m.case == Case::Decide(Decide::UnitShort) {
        95
    } else {
        done
    };
    let opt = |b: bool, s: String| if b { s } else { String::new() };
    vec![
        m.id.clone(),
        m.name.clone(),
        m.org.clone(),
        m.admitted.clone(),
        yes(m.case == Case::Exempt),
        yes(m.case == Case::Suspended),
        if m.case == Case::NotReviewed {
            "không".into()
        } else {
            YES.into()
        },
        opt(scored, number(total)),
        general,
        results,
        opt(scored, pct(own_done)),
        opt(scored, pct(own_late)),
        opt(scored, pct(own_exceeded)),
        YES.into(),
        yes(fail(Fail::Degraded)),
        yes(official || m.unofficial_discipline),
        yes(official),
        yes(fail(Fail::ForbiddenActs)),
        yes(fail(Fail::HarmfulBreach)),
        yes(fail(Fail::HarmfulBreach)),
        yes(m.case == Case::Decide(Decide::SelfDetected)),
        yes(m.leader),
        opt(m.leader && scored, pct(unit_done)),
        opt(m.leader && scored, pct(late)),
        opt(m.leader && scored, pct(exceeded)),
        String::new(),
        opt(m.leader && scored, pct(0)),
        opt(
            m.leader && scored,
            pct(if fail(Fail::LowConfidence) {
                55
            } else {
                rng.below(15)
            }),
        ),
        String::new(),
        if m.sick_months > 0 {
            m.sick_months.to_string()
        } else {
            String::new()
        },
        yes(m.maternity),
        m.quota_group.into(),
    ]
}

/// What an organisation's results look like: (score, done, late, exceeded).
fn org_profile(case: OrgCase, rng: &mut Rng) -> (f64, usize, usize, usize) {
    match case {
        OrgCase::Above => (f64::NAN, 0, 0, 0),
        OrgCase::Excellent => (score(rng, 91, 97), 100, 0, 30 + rng.below(26)),
        OrgCase::Good | OrgCase::New => (score(rng, 72, 88), 100, 0, 5 + rng.below(26)),
        OrgCase::Pass => (score(rng, 55, 68), 100, 5 + rng.below(11), 0),
        OrgCase::NoBand => (82.0, 100, 10, 5),
        OrgCase::ForceMajeure => (58.0, 65, 30, 0),
        OrgCase::LeadershipDisciplined | OrgCase::SelfDetected => (64.0, 100, 10, 0),
    }
}

pub fn org_record(o: &Org, rng: &mut Rng) -> Vec<String> {
    let (mut total, done, late, exceeded) = org_profile(o.case, rng);
    // The outstanding units' own scores: the company's supports the 25%
    // ceiling, the police's does not.
    if o.outstanding {
        total = if o.case == OrgCase::Excellent {
            93.0
        } else {
            88.0
        };
    }
    let scored = !total.is_nan();
    let (general, results) = if scored {
        split(total)
    } else {
        (String::new(), String::new())
    };
    let leadership = matches!(
        o.case,
        OrgCase::LeadershipDisciplined | OrgCase::SelfDetected
    );
    let opt = |s: String| if scored { s } else { String::new() };
    vec![
        o.id.clone(),
        o.name.clone(),
        o.parent.clone(),
        o.kind.into(),
        o.founded.clone(),
        opt(number(total)),
        general,
        results,
        opt(pct(done)),
        opt(pct(late)),
        opt(pct(exceeded)),
        opt(YES.into()),
        String::new(),
        String::new(),
        yes(o.case == OrgCase::ForceMajeure),
        String::new(),
        yes(leadership),
        yes(leadership),
        String::new(),
        yes(o.case == OrgCase::SelfDetected),
        yes(o.outstanding),
        o.quota_group.into(),
    ]
}
