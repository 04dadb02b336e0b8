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

use std::path::{Path, PathBuf};

/// SplitMix64: small, fixed, and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

/// Target grade of an organisation or member.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Grade {
    Excellent,
    Good,
    Pass,
    Fail,
    /// A cell founded less than six months before the review date.
    New,
}

const X: Grade = Grade::Excellent;
const T: Grade = Grade::Good;
const N: Grade = Grade::Pass;

struct Grassroots {
    name: &'static str,
    committee: bool,
    agency: bool,
    grade: Grade,
    cells: Vec<String>,
}

const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Giáp", "Ngô", "Đỗ", "Vũ", "Hà", "Lương", "Thân",
    "Dương", "Bùi", "Đặng", "Hoàng", "Nguyễn", "Nguyễn", "Trần", "Lê",
];
const MIDDLE_M: &[&str] = &[
    "Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Thành", "Công", "Ngọc", "Đình",
];
const MIDDLE_F: &[&str] = &["Thị", "Thu", "Thanh", "Ngọc", "Hồng", "Minh", "Thị", "Kim"];
const GIVEN_M: &[&str] = &[
    "An", "Bình", "Cường", "Dũng", "Dương", "Giang", "Hải", "Hùng", "Huy", "Khánh", "Long", "Mạnh",
    "Nam", "Phong", "Quân", "Sơn", "Thắng", "Thành", "Toàn", "Trung", "Tuấn", "Việt", "Vinh",
    "Hưng", "Lâm", "Đạt",
];
const GIVEN_F: &[&str] = &[
    "Anh", "Chi", "Dung", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Huyền", "Lan", "Liên", "Linh",
    "Loan", "Mai", "Nga", "Ngọc", "Nhung", "Phương", "Thảo", "Thủy", "Trang", "Yến", "Vân", "Oanh",
];
const HAMLETS: &[&str] = &[
    "Đồng Mới",
    "Đồng Cả",
    "Tân Sơn",
    "Hòa Bình",
    "Trại Nấm",
    "Làng Chũng",
    "Khe Cạn",
    "Bãi Lát",
    "Đồng Gia",
    "Cầu Đá",
    "Ao Đình",
    "Đồng Bản",
    "Thống Nhất",
    "Quyết Tiến",
    "Đồng Sim",
    "Làng Trù",
    "Đá Ninh",
    "Tân Lập",
    "Hố Chuối",
    "Đồng Vương",
    "Khuôn Cấm",
    "Trại Hạ",
    "Đồng Chùa",
    "Đồng Vàng",
    "Đồng Dinh",
    "Lèo",
    "Gốc Mít",
    "Đồng Kim",
    "Bản Ven",
    "Na Lương",
];
const COMMUNE_UNITS: &[&str] = &[
    "Trường Mầm non",
    "Trường Tiểu học",
    "Trường THCS",
    "Trạm Y tế",
    "Công an xã",
    "Quân sự xã",
    "cơ quan Ủy ban nhân dân",
];

fn grassroots() -> Vec<Grassroots> {
    let committee = |name: &'static str, agency: bool, grade: Grade, cells: &[&str]| Grassroots {
        name,
        committee: true,
        agency,
        grade,
        cells: cells.iter().map(|c| format!("Chi bộ {c}")).collect(),
    };
    let mut out = vec![
        committee(
            "Đảng bộ cơ quan Đảng - Đoàn thể",
            true,
            X,
            &[
                "Văn phòng Huyện ủy",
                "Ban Tổ chức Huyện ủy",
                "Ban Tuyên giáo Huyện ủy",
                "Ủy ban Kiểm tra Huyện ủy",
                "Ban Dân vận Huyện ủy",
                "Trung tâm Chính trị huyện",
                "Ủy ban Mặt trận Tổ quốc huyện",
                "Hội Nông dân huyện",
                "Hội Liên hiệp Phụ nữ huyện",
            ],
        ),
        committee(
            "Đảng bộ Công an huyện",
            true,
            X,
            &[
                "Đội Cảnh sát giao thông",
                "Đội Cảnh sát hình sự",
                "Đội An ninh",
                "Đội Cảnh sát kinh tế",
                "Đội Tham mưu",
                "Đội Cảnh sát quản lý hành chính",
                "Đội Cảnh sát điều tra",
                "Đội Cảnh sát phòng cháy",
                "Nhà tạm giữ",
                "Đội Cảnh sát môi trường",
                "Công an thị trấn Cầu Gồ",
                "Công an thị trấn Bố Hạ",
            ],
        ),
    ];
    let communes: [(&str, Grade); 21] = [
        ("Đảng bộ xã Canh Nậu", X),
        ("Đảng bộ xã An Thượng", X),
        ("Đảng bộ thị trấn Phồn Xương", X),
        ("Đảng bộ thị trấn Bố Hạ", T),
        ("Đảng bộ xã Đồng Tâm", T),
        ("Đảng bộ xã Đồng Hưu", T),
        ("Đảng bộ xã Đồng Kỳ", T),
        ("Đảng bộ xã Đồng Lạc", T),
        ("Đảng bộ xã Đồng Sơn", T),
        ("Đảng bộ xã Đồng Tiến", T),
        ("Đảng bộ xã Đồng Vương", N),
        ("Đảng bộ xã Hồng Kỳ", T),
        ("Đảng bộ xã Hương Vĩ", T),
        ("Đảng bộ xã Tam Hiệp", T),
        ("Đảng bộ xã Tam Tiến", T),
        ("Đảng bộ xã Tân Hiệp", T),
        ("Đảng bộ xã Tân Sỏi", T),
        ("Đảng bộ xã Tiến Thắng", T),
        ("Đảng bộ xã Xuân Lương", N),
        ("Đảng bộ xã Bố Hạ", T),
        ("Đảng bộ xã Đông Sơn", T),
    ];
    // 294 cells over 21 communes and towns, 12 to 16 each.
    let sizes = [
        15, 14, 16, 16, 13, 14, 12, 15, 14, 13, 14, 15, 12, 14, 13, 16, 13, 14, 15, 12, 14,
    ];
    for (i, (name, grade)) in communes.iter().enumerate() {
        let mut cells: Vec<String> = Vec::new();
        let units = COMMUNE_UNITS.len().min(sizes[i] / 3);
        for u in &COMMUNE_UNITS[..units] {
            cells.push(format!("Chi bộ {u}"));
        }
        let mut h = (i * 7) % HAMLETS.len();
        while cells.len() < sizes[i] {
            cells.push(format!("Chi bộ thôn {}", HAMLETS[h]));
            h = (h + 1) % HAMLETS.len();
        }
        out.push(Grassroots {
            name,
            committee: true,
            agency: false,
            grade: *grade,
            cells,
        });
    }
    out.push(committee(
        "Đảng bộ Quân sự huyện",
        true,
        T,
        &[
            "Ban Tham mưu",
            "Ban Chính trị",
            "Ban Hậu cần - Kỹ thuật",
            "Trung đội Dân quân cơ động",
            "Kho vũ khí",
            "Trung đội Thông tin",
        ],
    ));
    out.push(committee(
        "Đảng bộ cơ quan Chính quyền huyện",
        true,
        T,
        &[
            "Văn phòng HĐND và UBND huyện",
            "Phòng Nội vụ",
            "Phòng Tài chính - Kế hoạch",
            "Phòng Giáo dục và Đào tạo",
            "Phòng Nông nghiệp và PTNT",
            "Phòng Tài nguyên và Môi trường",
            "Phòng Kinh tế và Hạ tầng",
            "Phòng Lao động - Thương binh và Xã hội",
            "Phòng Văn hóa và Thông tin",
            "Phòng Tư pháp",
            "Thanh tra huyện",
            "Phòng Y tế",
            "Phòng Dân tộc",
            "Trung tâm Văn hóa - Thể thao",
            "Ban Quản lý dự án đầu tư xây dựng",
        ],
    ));
    let cells_of_base: &[(&'static str, Grade)] = &[
        ("Chi bộ Trường THPT Bố Hạ", X),
        ("Chi bộ Chi nhánh Ngân hàng Nông nghiệp và PTNT Yên Thế", X),
        ("Chi bộ Chi nhánh Ngân hàng Nông nghiệp và PTNT Bố Hạ", X),
        ("Chi bộ Trường THPT Yên Thế", T),
        ("Chi bộ Trường THPT Mỏ Trạng", T),
        ("Chi bộ Trung tâm Y tế huyện", T),
        ("Chi bộ Kho bạc Nhà nước Yên Thế", T),
        ("Chi bộ Chi cục Thuế khu vực", T),
        ("Chi bộ Viện Kiểm sát nhân dân huyện", T),
        ("Chi bộ Tòa án nhân dân huyện", T),
        ("Chi bộ Chi cục Thi hành án dân sự", T),
        ("Chi bộ Bảo hiểm xã hội huyện", T),
        ("Chi bộ Điện lực Yên Thế", T),
        ("Chi bộ Trung tâm GDNN - GDTX huyện", T),
        ("Chi bộ Ngân hàng Chính sách xã hội huyện", T),
        ("Chi bộ Hạt Kiểm lâm", N),
        ("Chi bộ Trung tâm Dịch vụ nông nghiệp", T),
    ];
    for (name, grade) in cells_of_base {
        out.push(Grassroots {
            name,
            committee: false,
            agency: true,
            grade: *grade,
            cells: Vec::new(),
        });
    }
    out
}

/// A group of members graded together: a cell, or a chi bộ cơ sở.
struct Container {
    org: usize,
    grassroots: usize,
    grade: Grade,
    agency: bool,
    size: usize,
    not_graded: usize,
    fail: usize,
    pass: usize,
    excellent: usize,
}

impl Container {
    fn graded(&self) -> usize {
        self.size - self.not_graded
    }
    /// Most pass-or-worse members the container's target grade allows:
    /// HD 21 1.3 wants 80% (excellent) or 50% (good) at HTTNV or better.
    fn weak_limit(&self) -> usize {
        match self.grade {
            Grade::Excellent => self.graded() / 5,
            Grade::Good => self.graded() / 2,
            _ => self.graded().saturating_sub(2),
        }
    }
}

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

fn levels(grade: Grade, rng: &mut Rng) -> (&'static str, &'static str) {
    match grade {
        Grade::Excellent => ("Xuất sắc", rng.pick(&["Tốt", "Xuất sắc", "Tốt"])),
        Grade::Good => ("Tốt", rng.pick(&["Tốt", "Trung bình", "Tốt", "Xuất sắc"])),
        _ => ("Trung bình", rng.pick(&["Trung bình", "Tốt"])),
    }
}

fn date(rng: &mut Rng, from_year: u32, to_year: u32) -> String {
    let y = from_year + rng.below((to_year - from_year + 1) as usize) as u32;
    format!("{:02}/{:02}/{y}", 1 + rng.below(28), 1 + rng.below(12))
}

fn person(rng: &mut Rng) -> String {
    let female = rng.below(5) < 2;
    let (middle, given) = if female {
        (MIDDLE_F, GIVEN_F)
    } else {
        (MIDDLE_M, GIVEN_M)
    };
    format!(
        "{} {} {}",
        rng.pick(FAMILY),
        rng.pick(middle),
        rng.pick(given)
    )
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
    orgs.push(Org {
        id: root.clone(),
        name: district_name.to_string(),
        parent: parent.to_string(),
        kind: "Đảng bộ huyện",
        founded: String::new(),
        key_level: "",
        other_level: "",
        targets: 100,
        peers: "",
        disciplined: false,
        self_detected: false,
    });
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
            targets: if g.grade == Grade::Pass {
                70 + rng.below(20) as u32
            } else {
                95 + rng.below(6) as u32
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
                targets: 90 + rng.below(11) as u32,
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

/// Turns `total` good cells into excellent ones, round the committees,
/// never more than ceil(20% × (excellent + good)) in one committee: the
/// district's reading of the cap.
fn excellent_cells(containers: &mut [Container], total: usize) {
    let mut remaining = total;
    let committees: Vec<usize> = {
        let mut g: Vec<usize> = containers
            .iter()
            .filter(|c| !c.org_is_base())
            .map(|c| c.grassroots)
            .collect();
        g.dedup();
        g
    };
    while remaining > 0 {
        let before = remaining;
        for &gi in &committees {
            let cells: Vec<usize> = (0..containers.len())
                .filter(|&i| containers[i].grassroots == gi && !containers[i].org_is_base())
                .collect();
            let best_or_good = cells
                .iter()
                .filter(|&&i| matches!(containers[i].grade, Grade::Excellent | Grade::Good))
                .count();
            let excellent = cells
                .iter()
                .filter(|&&i| containers[i].grade == Grade::Excellent)
                .count();
            if remaining > 0 && excellent < (best_or_good * 20).div_ceil(100) {
                if let Some(&i) = cells.iter().find(|&&i| containers[i].grade == Grade::Good) {
                    containers[i].grade = Grade::Excellent;
                    remaining -= 1;
                }
            }
        }
        assert!(remaining < before, "no room for more excellent cells");
    }
}

/// Member counts per container that give the seed's totals:
/// 4,371 members; 35 not graded; 606 / 3,375 / 320 / 35.
fn allocate(containers: &mut [Container], rng: &mut Rng) {
    const MEMBERS: usize = 4371;
    let base_sizes = [
        28, 31, 19, 22, 25, 17, 14, 21, 13, 12, 15, 18, 24, 16, 20, 11, 23,
    ];
    for (in_base, c) in containers
        .iter_mut()
        .filter(|c| c.org_is_base())
        .enumerate()
    {
        c.size = base_sizes[in_base % base_sizes.len()];
    }
    let cells: Vec<usize> = (0..containers.len())
        .filter(|&i| !containers[i].org_is_base())
        .collect();
    let rest = MEMBERS - containers.iter().map(|c| c.size).sum::<usize>();
    for (k, &i) in cells.iter().enumerate() {
        containers[i].size = rest / cells.len() + usize::from(k < rest % cells.len());
    }
    // Vary the cell sizes while keeping the total: move members between pairs.
    for _ in 0..cells.len() * 3 {
        let (a, b) = (cells[rng.below(cells.len())], cells[rng.below(cells.len())]);
        if a != b && containers[b].size > 7 && containers[a].size < 22 {
            containers[a].size += 1;
            containers[b].size -= 1;
        }
    }
    let len = containers.len();
    // Not graded: one in every tenth container, 35 in all.
    let mut placed = 0;
    let mut i = 3;
    while placed < 35 {
        containers[i % len].not_graded += 1;
        placed += 1;
        i += 10;
    }
    // Fail only where the container may hold it: pass cells and new cells.
    let weak: Vec<usize> = (0..len)
        .filter(|&i| matches!(containers[i].grade, Grade::Pass | Grade::New))
        .collect();
    for k in 0..35 {
        containers[weak[k % weak.len()]].fail += 1;
    }
    spread(
        containers,
        320,
        |c| (c.graded() * 12 / 100 + 1).min(c.weak_limit().saturating_sub(c.fail)),
        |c| c.weak_limit().saturating_sub(c.fail),
        |c| &mut c.pass,
    );
    // Excellent members: about 15%, more in excellent containers, never
    // over the district's reading of the cap in a grassroots organisation.
    let mut capacity = vec![0usize; 64];
    for c in containers.iter() {
        capacity[c.grassroots] += c.graded() - c.pass - c.fail;
    }
    let mut used = vec![0usize; 64];
    let order: Vec<usize> = (0..len).map(|k| (k * 37) % len).collect();
    let mut remaining = 606;
    for soft in [true, false] {
        let mut progress = true;
        while remaining > 0 && progress {
            progress = false;
            for &i in &order {
                if remaining == 0 {
                    break;
                }
                let c = &containers[i];
                let share = match c.grade {
                    Grade::Excellent => 24,
                    Grade::Good => 15,
                    _ => 6,
                };
                let room = c.graded() - c.pass - c.fail - c.excellent;
                let soft_ok = !soft || c.excellent < c.graded() * share / 100 + 1;
                // ceil(20% × (excellent + good)) for the whole grassroots organisation.
                let cap = (capacity[c.grassroots] * 20).div_ceil(100);
                if room > 1 && soft_ok && used[c.grassroots] < cap {
                    let g = c.grassroots;
                    containers[i].excellent += 1;
                    used[g] += 1;
                    remaining -= 1;
                    progress = true;
                }
            }
        }
    }
    assert_eq!(remaining, 0, "could not place every excellent member");
}

/// Adds `total` one at a time, round the containers, first up to a soft
/// limit, then up to the hard one.
fn spread(
    containers: &mut [Container],
    total: usize,
    soft: impl Fn(&Container) -> usize,
    hard: impl Fn(&Container) -> usize,
    field: impl Fn(&mut Container) -> &mut usize,
) {
    let len = containers.len();
    let mut remaining = total;
    for limit in [&soft as &dyn Fn(&Container) -> usize, &hard] {
        let mut progress = true;
        while remaining > 0 && progress {
            progress = false;
            for k in 0..len {
                let i = (k * 13) % len;
                if remaining > 0 && {
                    let c = &mut containers[i];
                    let lim = limit(c);
                    let cur = *field(c);
                    cur < lim
                } {
                    *field(&mut containers[i]) += 1;
                    remaining -= 1;
                    progress = true;
                }
            }
        }
    }
    assert_eq!(remaining, 0, "could not place every member");
}

impl Container {
    fn org_is_base(&self) -> bool {
        self.agency && self.grade != Grade::New && self.grassroots >= 25
    }
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
                format!("{}%", 85 + rng.below(16))
            };
        }
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

const MEMBER_HEADER: [&str; 14] = [
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
];

const ORG_HEADER: [&str; 11] = [
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
];

fn write_orgs(path: &Path, orgs: &[Org]) -> std::io::Result<()> {
    let mut file = std::fs::File::create(path)?;
    // Spreadsheet exports carry a byte-order mark; keep one to show it is read.
    std::io::Write::write_all(&mut file, b"\xEF\xBB\xBF")?;
    let mut w = csv::Writer::from_writer(file);
    w.write_record(ORG_HEADER)?;
    for o in orgs {
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
        orgs.push(Org {
            id: "TINH".into(),
            name: "Đảng bộ tỉnh (tổng hợp)".into(),
            parent: String::new(),
            kind: "Đảng bộ tỉnh",
            founded: String::new(),
            key_level: "",
            other_level: "",
            targets: 100,
            peers: "",
            disciplined: false,
            self_detected: false,
        });
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
