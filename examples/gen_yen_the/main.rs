//! Generates the synthetic Yên Thế 2021 dataset: 42 grassroots party
//! organisations, 336 cells under the grassroots committees and 4,371
//! members whose inputs make `rules/2021.rules` reproduce the seed report's
//! counts exactly. The people are invented; only the totals are real.
//!
//! ```text
//! cargo run --release --example gen_yen_the -- examples/yen-the-2021
//! cargo run --release --example gen_yen_the -- --copies 229 /tmp/province   # ≈ 1,000,000 members
//! ```
//!
//! Deterministic: the same arguments always write the same bytes.

mod allocate;
mod names;
#[path = "../shared/synth.rs"]
mod synth;

use std::path::{Path, PathBuf};

use allocate::{allocate, excellent_cells, Container};
use names::grassroots;
pub use synth::Rng;
use synth::{date, person};

/// Target grade of an organisation or member.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Grade {
    Excellent,
    Good,
    Pass,
    Fail,
    /// A cell founded less than six months before the review date.
    New,
}

pub const X: Grade = Grade::Excellent;
pub const T: Grade = Grade::Good;
pub const N: Grade = Grade::Pass;

struct Org {
    id: String,
    name: String,
    parent: String,
    kind: &'static str,
    founded: String,
    key_level: &'static str,
    other_level: &'static str,
    targets: u32,
    peers: &'static str,
    disciplined: bool,
    self_detected: bool,
}

impl Org {
    /// A district or province committee: not graded, so no criteria.
    fn above_grassroots(id: &str, name: &str, parent: &str, kind: &'static str) -> Org {
        Org {
            id: id.into(),
            name: name.into(),
            parent: parent.into(),
            kind,
            founded: String::new(),
            key_level: "",
            other_level: "",
            targets: 100,
            peers: "",
            disciplined: false,
            self_detected: false,
        }
    }
}

fn levels(grade: Grade, rng: &mut Rng) -> (&'static str, &'static str) {
    match grade {
        Grade::Excellent => ("Xuất sắc", rng.pick(&["Tốt", "Xuất sắc", "Tốt"])),
        Grade::Good => ("Tốt", rng.pick(&["Tốt", "Trung bình", "Tốt", "Xuất sắc"])),
        _ => ("Trung bình", rng.pick(&["Trung bình", "Tốt"])),
    }
}

/// Writes one district; `prefix` keeps ids unique across copies.
#[allow(clippy::too_many_arguments)]
fn district(
    prefix: &str,
    parent: &str,
    district_name: &str,
    orgs: &mut Vec<Org>,
    members: &mut csv::Writer<std::fs::File>,
    member_no: &mut usize,
    rng: &mut Rng,
) -> std::io::Result<()> {
    let root = format!("{prefix}HU");
    orgs.push(Org::above_grassroots(
        &root,
        district_name,
        parent,
        "Đảng bộ huyện",
    ));
    let list = grassroots();
    let mut containers: Vec<Container> = Vec::new();
    let (mut db, mut cb) = (0, 0);
    // Cell grades: 14 pass (3 in each pass committee, 1 in 8 good ones),
    // 8 new, 68 excellent within each committee's cap, the rest good.
    let mut good_committees_seen = 0;
    for (gi, g) in list.iter().enumerate() {
        let (id, kind) = if g.committee {
            db += 1;
            (format!("{prefix}DB{db:02}"), "Đảng bộ cơ sở")
        } else {
            cb += 1;
            (format!("{prefix}CB{cb:02}"), "Chi bộ cơ sở")
        };
        let (key_level, other_level) = levels(g.grade, rng);
        let peers = match (g.agency, g.grade) {
            (true, _) => "",
            (false, Grade::Excellent) => rng.pick(&["HTXSNV", "HTTNV"]),
            (false, _) => rng.pick(&["HTTNV", "HTNV"]),
        };
        let org_index = orgs.len();
        orgs.push(Org {
            id: id.clone(),
            name: g.name.to_string(),
            parent: root.clone(),
            kind,
            founded: date(rng, 1950, 2005),
            key_level,
            other_level,
            // Most units finish every task (a pass unit finishes them late);
            // the main stream draws either way, so nothing else shifts.
            targets: {
                let short = if g.grade == Grade::Pass {
                    70 + rng.below(20)
                } else {
                    95 + rng.below(6)
                } as u32;
                if draw(orgs.len(), 9, 12) == 0 {
                    short
                } else {
                    100
                }
            },
            peers,
            disciplined: g.grade == Grade::Pass && !g.committee,
            self_detected: g.grade == Grade::Pass && !g.committee,
        });
        if !g.committee {
            containers.push(Container {
                org: org_index,
                grassroots: gi,
                grade: g.grade,
                agency: true,
                size: 0,
                not_graded: 0,
                fail: 0,
                pass: 0,
                excellent: 0,
            });
            continue;
        }
        // Pass and new cells first; excellent cells are placed below, once
        // every committee's room under the cap is known.
        let n = g.cells.len();
        let (pass_cells, new_cells) = match g.grade {
            Grade::Pass => (3, 0),
            Grade::Good => {
                good_committees_seen += 1;
                (
                    usize::from(good_committees_seen <= 8),
                    usize::from((3..=10).contains(&good_committees_seen)),
                )
            }
            _ => (0, 0),
        };
        for (ci, cell_name) in g.cells.iter().enumerate() {
            let grade = if ci >= n - new_cells {
                Grade::New
            } else if ci >= n - new_cells - pass_cells {
                Grade::Pass
            } else {
                Grade::Good
            };
            containers.push(Container {
                org: orgs.len(),
                grassroots: gi,
                grade,
                agency: g.agency,
                size: 0,
                not_graded: 0,
                fail: 0,
                pass: 0,
                excellent: 0,
            });
            orgs.push(Org {
                id: format!("{id}-C{:02}", ci + 1),
                name: cell_name.clone(),
                parent: id.clone(),
                kind: "Chi bộ trực thuộc",
                founded: String::new(),
                key_level: "",
                other_level: "",
                targets: {
                    let short = 90 + rng.below(11) as u32;
                    if draw(orgs.len(), 9, 12) == 0 {
                        short
                    } else {
                        100
                    }
                },
                peers: "",
                disciplined: false,
                self_detected: false,
            });
        }
    }
    excellent_cells(&mut containers, 68);
    for c in containers.iter().filter(|c| !c.org_is_base()) {
        let (key_level, other_level) = levels(c.grade, rng);
        let founded = if c.grade == Grade::New {
            format!("{:02}/{:02}/2021", 1 + rng.below(28), 7 + rng.below(5))
        } else {
            date(rng, 1960, 2015)
        };
        let o = &mut orgs[c.org];
        o.key_level = key_level;
        o.other_level = other_level;
        o.founded = founded;
    }
    allocate(&mut containers, rng);
    for c in &containers {
        write_members(prefix, c, orgs, members, member_no, rng)?;
    }
    Ok(())
}

fn write_members(
    prefix: &str,
    c: &Container,
    orgs: &[Org],
    w: &mut csv::Writer<std::fs::File>,
    member_no: &mut usize,
    rng: &mut Rng,
) -> std::io::Result<()> {
    let good = c.graded() - c.excellent - c.pass - c.fail;
    let mut grades: Vec<Grade> = Vec::new();
    grades.extend(std::iter::repeat_n(X, c.excellent));
    grades.extend(std::iter::repeat_n(T, good));
    grades.extend(std::iter::repeat_n(N, c.pass));
    grades.extend(std::iter::repeat_n(Grade::Fail, c.fail));
    grades.extend(std::iter::repeat_n(Grade::New, c.not_graded));
    // Shuffle so the grades are not in blocks (Fisher–Yates).
    for i in (1..grades.len()).rev() {
        let j = rng.below(i + 1);
        grades.swap(i, j);
    }
    let mut disciplined_here = false;
    for g in grades {
        *member_no += 1;
        let n = *member_no;
        let mut row = MemberRow {
            id: format!("{prefix}DV{n:05}"),
            name: person(rng),
            org: orgs[c.org].id.clone(),
            admitted: date(rng, 1975, 2020),
            ..MemberRow::default()
        };
        let civil = c.agency || rng.below(10) < 3;
        match g {
            Grade::Excellent => {
                row.result = "Xuất sắc";
                row.other = rng.pick(&["Tốt", "Xuất sắc"]);
                row.civil = if civil { "HTXSNV" } else { "" };
            }
            Grade::Good => match rng.below(6) {
                0 => {
                    row.result = "Xuất sắc";
                    row.other = "Trung bình";
                    row.civil = if civil { "HTTNV" } else { "" };
                }
                1 => {
                    row.result = "Tốt";
                    row.other = "Tốt";
                    row.sick = format!("{}", 1 + rng.below(2));
                    row.civil = if civil { "HTTNV" } else { "" };
                }
                _ => {
                    row.result = "Tốt";
                    row.other = rng.pick(&["Tốt", "Trung bình", "Xuất sắc"]);
                    row.civil = if civil {
                        rng.pick(&["HTTNV", "HTXSNV"])
                    } else {
                        ""
                    };
                }
            },
            Grade::Pass => match rng.below(4) {
                0 => {
                    // Would be good, but sick leave of three months or more caps it.
                    row.result = "Tốt";
                    row.other = "Tốt";
                    row.sick = format!("{}", 3 + rng.below(4));
                    row.civil = if civil { "HTTNV" } else { "" };
                }
                1 if civil => {
                    row.result = "Tốt";
                    row.other = "Tốt";
                    row.civil = "HTNV";
                }
                _ => {
                    row.result = "Trung bình";
                    row.other = rng.pick(&["Trung bình", "Tốt"]);
                    row.civil = if civil { "HTNV" } else { "" };
                }
            },
            Grade::Fail => {
                row.result = "Tốt";
                row.other = "Trung bình";
                let reason = if disciplined_here {
                    1 + rng.below(4)
                } else {
                    rng.below(5)
                };
                match reason {
                    0 => {
                        row.disciplined = "có";
                        disciplined_here = true;
                    }
                    1 => row.tasks = format!("{}%", 30 + rng.below(19)),
                    2 => row.other = "Kém",
                    3 if civil => row.civil = "KHTNV",
                    3 => row.degraded = "có",
                    _ => row.led_unit = "KHTNV",
                }
            }
            Grade::New => {
                row.result = "Tốt";
                row.other = "Tốt";
                match rng.below(7) {
                    0..=3 => {
                        row.exempt = "có";
                        row.admitted = date(rng, 1955, 1975);
                    }
                    4 => row.suspended = "có",
                    _ => {
                        row.admitted =
                            format!("{:02}/{:02}/2021", 1 + rng.below(28), 7 + rng.below(5))
                    }
                }
            }
        }
        if row.tasks.is_empty() {
            row.tasks = if matches!(g, Grade::Excellent) {
                "100%".into()
            } else {
                // Most finish every task; one in twenty falls short. (The
                // main stream draws either way, so nothing else shifts.)
                let short = 85 + rng.below(16);
                let full = draw(n, 8, 20) != 0;
                format!("{}%", if full { 100 } else { short })
            };
        }
        let later = later_fields(g, &row, n);
        w.write_record([
            row.id.as_str(),
            &row.name,
            &row.org,
            &row.admitted,
            row.exempt,
            row.suspended,
            row.result,
            row.other,
            &row.tasks,
            row.civil,
            row.led_unit,
            row.degraded,
            row.disciplined,
            &row.sick,
            &later[0],
            &later[1],
            &later[2],
            &later[3],
            &later[4],
            &later[5],
            &later[6],
            &later[7],
            &later[8],
            if row.civil.is_empty() {
                "không"
            } else {
                "có"
            },
            "có",
        ])?;
    }
    Ok(())
}

#[derive(Default)]
struct MemberRow {
    id: String,
    name: String,
    org: String,
    admitted: String,
    exempt: &'static str,
    suspended: &'static str,
    result: &'static str,
    other: &'static str,
    tasks: String,
    civil: &'static str,
    led_unit: &'static str,
    degraded: &'static str,
    disciplined: &'static str,
    sick: String,
}

/// A value drawn from its own stream, so the columns the 2023 and 2025
/// rules read never shift the columns the 2021 rules read.
fn draw(n: usize, salt: u64, below: u64) -> u64 {
    let mut r = Rng((n as u64).wrapping_mul(0x9E37_79B9).wrapping_add(salt));
    r.next_u64() % below
}

/// Columns later regimes read, consistent with the 2021 grade: the share
/// of targets exceeded, self-detection, the leader's unit's targets, the
/// 100-point score, official-duty discipline, late tasks, shortcomings,
/// and for a leader the late and exceeded shares of the units led.
fn later_fields(g: Grade, row: &MemberRow, n: usize) -> [String; 9] {
    let pct = |v: u64| format!("{v}%");
    let exceeded = match g {
        Grade::Excellent => pct(45 + draw(n, 1, 46)),
        Grade::Good => pct(draw(n, 1, 41)),
        _ => pct(draw(n, 1, 11)),
    };
    let disciplined = !row.disciplined.is_empty();
    let self_detected = if disciplined && draw(n, 2, 4) == 0 {
        "có"
    } else {
        ""
    };
    let led_unit_targets = if !row.led_unit.is_empty() {
        pct(30 + draw(n, 3, 20))
    } else if draw(n, 3, 12) == 0 && g != Grade::New {
        // Most units led complete every task; one in six falls a little
        // short (a case QĐ 366 leaves to the competent level).
        if draw(n, 9, 6) == 0 {
            pct(90 + draw(n, 3, 10))
        } else {
            pct(100)
        }
    } else {
        String::new()
    };
    let sick: u64 = row.sick.parse().unwrap_or(0);
    let score = match g {
        Grade::Excellent => 90 + draw(n, 4, 9),
        // Capped at HTNV by sick leave: the work itself was good.
        Grade::Pass if sick >= 3 => 72 + draw(n, 4, 14),
        Grade::Good => 72 + draw(n, 4, 18),
        Grade::Pass => 52 + draw(n, 4, 17),
        Grade::Fail if disciplined => 60 + draw(n, 4, 20),
        Grade::Fail => 30 + draw(n, 4, 19),
        // Not graded in 2021; by 2025 they are, with an ordinary score.
        Grade::New => 72 + draw(n, 4, 18),
    };
    let score = score.to_string();
    let official = if disciplined && draw(n, 5, 2) == 0 {
        "có"
    } else {
        ""
    };
    // The sick-capped worked as the good do: on time.
    let late = if g == Grade::Pass && sick < 3 {
        pct(draw(n, 6, 21))
    } else {
        "0%".into()
    };
    let fixed = if g == Grade::Excellent && draw(n, 7, 25) == 0 {
        "không"
    } else {
        "có"
    };
    let (led_late, led_exceeded) = if led_unit_targets.is_empty() {
        (String::new(), String::new())
    } else if g == Grade::Excellent {
        ("0%".into(), pct(30 + draw(n, 10, 31)))
    } else {
        ("0%".into(), pct(draw(n, 10, 30)))
    };
    [
        exceeded,
        self_detected.into(),
        led_unit_targets,
        score,
        official.into(),
        late,
        fixed.into(),
        led_late,
        led_exceeded,
    ]
}

const MEMBER_HEADER: [&str; 25] = [
    "Mã đảng viên",
    "Họ và tên",
    "Mã chi bộ",
    "Ngày kết nạp",
    "Miễn công tác và sinh hoạt đảng",
    "Đình chỉ sinh hoạt đảng",
    "Kết quả thực hiện nhiệm vụ",
    "Các tiêu chí còn lại",
    "Tỷ lệ hoàn thành chỉ tiêu",
    "Xếp loại CBCCVC",
    "Xếp loại đơn vị phụ trách",
    "Suy thoái",
    "Bị kỷ luật trong năm",
    "Số tháng nghỉ ốm",
    // Read from 2023 (QĐ 124) and 2025 (QĐ 366) on.
    "Tỷ lệ chỉ tiêu vượt mức",
    "Kỷ luật do tự phát hiện, khắc phục",
    "Tỷ lệ chỉ tiêu của đơn vị phụ trách",
    "Điểm đánh giá",
    "Kỷ luật liên quan thực thi công vụ",
    "Tỷ lệ nhiệm vụ chậm tiến độ",
    "Đã khắc phục hạn chế kỳ trước",
    // Read from 2025 (QĐ 366) on: the units a leader directly leads.
    "Tỷ lệ nhiệm vụ chậm tiến độ của đơn vị phụ trách",
    "Tỷ lệ nhiệm vụ vượt mức của đơn vị phụ trách",
    // Read by every regime: a CBCCVC (whose party grade waits for the
    // CBCCVC grade) and "kiểm điểm before grading"; everyone here is
    // reviewed, and a CBCCVC is one with a CBCCVC grade.
    "Là cán bộ, công chức, viên chức",
    "Đã kiểm điểm",
];

const ORG_HEADER: [&str; 16] = [
    "Mã tổ chức",
    "Tên tổ chức",
    "Mã cấp trên",
    "Loại",
    "Ngày thành lập",
    "Kết quả xây dựng Đảng, phát triển KT-XH",
    "Các tiêu chí còn lại",
    "Tỷ lệ hoàn thành chỉ tiêu",
    "Xếp loại chính quyền, MTTQ, đoàn thể",
    "Bị kỷ luật",
    "Tự phát hiện, khắc phục",
    // Read from 2023 (QĐ 124) and 2025 (QĐ 366) on.
    "Tập thể lãnh đạo bị kỷ luật",
    "Điểm đánh giá",
    "Tỷ lệ nhiệm vụ vượt mức",
    "Tỷ lệ nhiệm vụ chậm tiến độ",
    "Thành tích nổi trội",
];

/// Columns later regimes read, consistent with the 2021 grade (told by
/// the key criterion level); from its own stream, as for members.
fn later_org_fields(o: &Org, n: usize) -> [String; 5] {
    let salt = 1000 + n;
    let (score, exceeded, late) = match o.key_level {
        "Xuất sắc" => (90 + draw(salt, 1, 8), 30 + draw(salt, 2, 31), 0),
        "Tốt" => (72 + draw(salt, 1, 17), 5 + draw(salt, 2, 26), 0),
        "Trung bình" => (55 + draw(salt, 1, 14), 0, 5 + draw(salt, 3, 11)),
        _ => {
            return [
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]
        }
    };
    let outstanding = matches!(
        o.name.as_str(),
        "Đảng bộ xã Canh Nậu" | "Đảng bộ Công an huyện"
    );
    [
        String::new(),
        score.to_string(),
        format!("{exceeded}%"),
        format!("{late}%"),
        if outstanding {
            "có".into()
        } else {
            String::new()
        },
    ]
}

fn write_orgs(path: &Path, orgs: &[Org]) -> std::io::Result<()> {
    let mut file = std::fs::File::create(path)?;
    // Spreadsheet exports carry a byte-order mark; keep one to show it is read.
    std::io::Write::write_all(&mut file, b"\xEF\xBB\xBF")?;
    let mut w = csv::Writer::from_writer(file);
    w.write_record(ORG_HEADER)?;
    for (n, o) in orgs.iter().enumerate() {
        let later = later_org_fields(o, n);
        w.write_record([
            o.id.as_str(),
            &o.name,
            &o.parent,
            o.kind,
            &o.founded,
            o.key_level,
            o.other_level,
            &format!("{}%", o.targets),
            o.peers,
            if o.disciplined { "có" } else { "" },
            if o.self_detected { "có" } else { "" },
            &later[0],
            &later[1],
            &later[2],
            &later[3],
            &later[4],
        ])?;
    }
    w.flush()
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut copies = 0usize;
    let mut out: Option<PathBuf> = None;
    while let Some(a) = args.next() {
        if a == "--copies" {
            copies = args.next().and_then(|n| n.parse().ok()).unwrap_or(0);
        } else {
            out = Some(PathBuf::from(a));
        }
    }
    let Some(out) = out else {
        eprintln!("usage: gen_yen_the [--copies N] OUTPUT_DIR");
        std::process::exit(2);
    };
    std::fs::create_dir_all(&out)?;
    // The review date as a number: any fixed seed would do.
    let mut rng = Rng(20_211_231);
    let mut orgs = Vec::new();
    let mut members = csv::Writer::from_path(out.join("members.csv"))?;
    members.write_record(MEMBER_HEADER)?;
    let mut member_no = 0;
    if copies == 0 {
        district(
            "",
            "",
            "Đảng bộ huyện Yên Thế",
            &mut orgs,
            &mut members,
            &mut member_no,
            &mut rng,
        )?;
    } else {
        orgs.push(Org::above_grassroots(
            "TINH",
            "Đảng bộ tỉnh (tổng hợp)",
            "",
            "Đảng bộ tỉnh",
        ));
        for d in 1..=copies {
            let name = format!("Đảng bộ huyện mẫu số {d}");
            district(
                &format!("H{d:03}-"),
                "TINH",
                &name,
                &mut orgs,
                &mut members,
                &mut member_no,
                &mut rng,
            )?;
        }
    }
    members.flush()?;
    write_orgs(&out.join("organisations.csv"), &orgs)?;
    eprintln!(
        "wrote {} organisations and {member_no} members to {}",
        orgs.len(),
        out.display()
    );
    Ok(())
}
