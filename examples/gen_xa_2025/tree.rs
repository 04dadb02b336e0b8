//! The commune's party organisations on today's tree (since 1/7/2025): the
//! đảng bộ xã directly under the province, its đảng bộ cơ sở (one with
//! đảng bộ bộ phận), its chi bộ cơ sở and the chi bộ trực thuộc hanging
//! directly under it. Each organisation carries the case its inputs are
//! written for; the rules decide the grade.

use crate::synth::HAMLETS;

/// The case an organisation's inputs are written for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum OrgCase {
    /// The province: not graded by the commune's rules.
    Above,
    Excellent,
    Good,
    Pass,
    /// 80 points with 10% of tasks late: meets no band (QĐ 366 Điều 11).
    NoBand,
    /// Missed its targets because of a flood (khoản 4.1, force majeure).
    ForceMajeure,
    /// A leadership member disciplined for official duty (khoản 4.1).
    LeadershipDisciplined,
    /// The same, but detected and remedied by the collective itself.
    SelfDetected,
    /// A chi bộ thôn founded after the village merger of August 2025.
    New,
}

pub struct Org {
    pub id: String,
    pub name: String,
    pub parent: String,
    pub kind: &'static str,
    pub founded: String,
    pub case: OrgCase,
    /// Marked outstanding by the competent level (the 25% ceiling).
    pub outstanding: bool,
    pub quota_group: &'static str,
    /// Members of a chi bộ (0 for a committee: its members are in its cells).
    pub members: usize,
    /// How many of its first members hold a leadership post (heads of
    /// units, graded on the units they lead).
    pub leaders: usize,
    /// How many of its first members are the commune's key officials, a
    /// quota group of their own.
    pub key_officials: usize,
}

pub const PROVINCE: &str = "TU";
pub const COMMUNE: &str = "DUX";
pub const SCHOOLS: &str = "Khối trường học";
pub const KEY_OFFICIALS: &str = "Cán bộ lãnh đạo chủ chốt xã";

const CHI_BO: &str = "Chi bộ trực thuộc";
const CHI_BO_CO_SO: &str = "Chi bộ cơ sở";
const DANG_BO_CO_SO: &str = "Đảng bộ cơ sở";
const BO_PHAN: &str = "Đảng bộ bộ phận";

struct Builder {
    orgs: Vec<Org>,
    founded: u32,
}

impl Builder {
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        id: String,
        name: &str,
        parent: &str,
        kind: &'static str,
        case: OrgCase,
        members: usize,
    ) -> String {
        // Founding dates spread over decades, fixed by the order of creation.
        self.founded = (self.founded * 7 + 13) % 40;
        let founded = match case {
            OrgCase::New => "15/08/2025".to_string(),
            OrgCase::Above => String::new(),
            _ => format!(
                "{:02}/{:02}/{}",
                1 + self.founded % 28,
                1 + self.founded % 12,
                1965 + self.founded
            ),
        };
        self.orgs.push(Org {
            id: id.clone(),
            name: name.into(),
            parent: parent.into(),
            kind,
            founded,
            case,
            outstanding: false,
            quota_group: "",
            members,
            leaders: 0,
            key_officials: 0,
        });
        id
    }
    fn last(&mut self) -> &mut Org {
        self.orgs.last_mut().expect("an organisation was added")
    }
}

/// The village chi bộ's cases, in the order of the villages: at the 20%
/// cap of the chi bộ directly under the commune (4 of 21 HTTNV).
fn village_case(i: usize) -> OrgCase {
    use OrgCase::*;
    match i {
        2 | 9 | 17 | 25 => Excellent,
        4 | 14 | 22 => Pass,
        6 => NoBand,
        11 => ForceMajeure,
        19 => LeadershipDisciplined,
        27 => SelfDetected,
        30..=32 => New,
        _ => Good,
    }
}

/// Sizes of the village chi bộ: 55 to 95 members, fixed by position.
fn village_size(i: usize) -> usize {
    55 + (i * 37 + 11) % 41
}

pub fn commune() -> Vec<Org> {
    use OrgCase::*;
    let mut b = Builder {
        orgs: Vec::new(),
        founded: 3,
    };
    b.add(
        PROVINCE.into(),
        "Đảng bộ tỉnh (giả định)",
        "",
        "Đảng bộ tỉnh",
        Above,
        0,
    );
    let x = b.add(
        COMMUNE.into(),
        "Đảng bộ xã Tân An",
        PROVINCE,
        "Đảng bộ cấp trên trực tiếp của tổ chức cơ sở đảng",
        Good,
        0,
    );
    // The đảng bộ xã was formed on 1/7/2025 from the merged communes.
    b.last().founded = "01/07/2025".into();

    // Chi bộ trực thuộc directly under the đảng bộ xã.
    let merged = ["Tân Hòa", "Tân Phú", "Tân Thịnh"];
    let villages = HAMLETS.iter().copied().chain(merged);
    for (i, v) in villages.enumerate() {
        let id = format!("{x}-C{:02}", i + 1);
        b.add(
            id,
            &format!("Chi bộ thôn {v}"),
            &x,
            CHI_BO,
            village_case(i),
            village_size(i),
        );
    }
    b.add(format!("{x}-C34"), "Chi bộ Quân sự xã", &x, CHI_BO, Good, 9);
    b.last().leaders = 1;
    b.add(
        format!("{x}-C35"),
        "Chi bộ Trạm Y tế xã",
        &x,
        CHI_BO,
        Good,
        11,
    );
    b.last().leaders = 1;

    // Chi bộ cơ sở: the schools are one group of "đối tượng tương đồng".
    let schools = [
        ("Trường Mầm non Tân An", Good, 16),
        ("Trường Mầm non Tân Hòa", Good, 14),
        ("Trường Tiểu học Tân An", Excellent, 22),
        ("Trường Tiểu học Tân Hòa", Good, 19),
        ("Trường THCS Tân An", Good, 26),
        ("Trường THCS Tân Hòa", Good, 21),
    ];
    let others = [
        ("Hợp tác xã Nông nghiệp Tân An", Good, 12),
        ("Quỹ Tín dụng nhân dân Tân An", Good, 7),
        ("Công ty TNHH Xây dựng Tân Phát", Good, 9),
        ("Bưu điện văn hóa xã", NoBand, 6),
    ];
    for (n, (name, case, size)) in schools.iter().chain(&others).enumerate() {
        let id = format!("{x}-CS{:02}", n + 1);
        b.add(
            id,
            &format!("Chi bộ {name}"),
            &x,
            CHI_BO_CO_SO,
            *case,
            *size,
        );
        b.last().leaders = 1;
        if n < schools.len() {
            b.last().quota_group = SCHOOLS;
        }
    }

    committees(&mut b, &x);
    b.orgs
}

/// The đảng bộ cơ sở under the đảng bộ xã and their cells.
fn committees(b: &mut Builder, x: &str) {
    use OrgCase::*;
    let police = b.add(
        format!("{x}-DB01"),
        "Đảng bộ Công an xã Tân An",
        x,
        DANG_BO_CO_SO,
        Good,
        0,
    );
    // Marked outstanding, but its own 88 points do not support the 25%.
    b.last().outstanding = true;
    for (n, (name, size)) in [
        ("Đội An ninh", 16),
        ("Đội Cảnh sát", 18),
        ("Đội Tổng hợp", 14),
    ]
    .iter()
    .enumerate()
    {
        b.add(
            format!("{police}-C{:02}", n + 1),
            &format!("Chi bộ {name}"),
            &police,
            CHI_BO,
            Good,
            *size,
        );
        b.last().leaders = usize::from(n == 0);
    }

    let agencies = b.add(
        format!("{x}-DB02"),
        "Đảng bộ các cơ quan Đảng - Mặt trận - Đoàn thể xã Tân An",
        x,
        DANG_BO_CO_SO,
        Good,
        0,
    );
    let cells = [
        ("Văn phòng Đảng ủy", Good, 12),
        ("Ủy ban Kiểm tra - Ban Xây dựng Đảng", Good, 10),
        ("Mặt trận Tổ quốc - Đoàn thể", Pass, 14),
    ];
    for (n, (name, case, size)) in cells.iter().enumerate() {
        b.add(
            format!("{agencies}-C{:02}", n + 1),
            &format!("Chi bộ {name}"),
            &agencies,
            CHI_BO,
            *case,
            *size,
        );
        b.last().key_officials = if n == 0 { 6 } else { 0 };
    }
    let government = b.add(
        format!("{x}-DB03"),
        "Đảng bộ Ủy ban nhân dân xã Tân An",
        x,
        DANG_BO_CO_SO,
        Good,
        0,
    );
    let cells = [
        ("Văn phòng HĐND - UBND", 13),
        ("Phòng Kinh tế", 9),
        ("Phòng Văn hóa - Xã hội", 11),
        ("Trung tâm Phục vụ hành chính công", 8),
    ];
    for (n, (name, size)) in cells.iter().enumerate() {
        b.add(
            format!("{government}-C{:02}", n + 1),
            &format!("Chi bộ {name}"),
            &government,
            CHI_BO,
            Good,
            *size,
        );
        b.last().key_officials = if n == 0 { 6 } else { 0 };
    }

    let company = b.add(
        format!("{x}-DB04"),
        "Đảng bộ Công ty cổ phần May Tân An",
        x,
        DANG_BO_CO_SO,
        Excellent,
        0,
    );
    // Outstanding, and 93 points support it: its cells' cap is 25%.
    b.last().outstanding = true;
    let factories = [
        (
            "Nhà máy số 1",
            [
                ("Phân xưởng Cắt", Excellent, 12),
                ("Phân xưởng May 1", Good, 15),
                ("Phân xưởng May 2", Good, 14),
            ]
            .as_slice(),
        ),
        (
            "Nhà máy số 2",
            [("Phân xưởng Hoàn thiện", Good, 10), ("Tổ Kho vận", Good, 9)].as_slice(),
        ),
    ];
    let mut cell_no = 0;
    for (f, (name, cells)) in factories.iter().enumerate() {
        let section = b.add(
            format!("{company}-BP{}", f + 1),
            &format!("Đảng bộ bộ phận {name}"),
            &company,
            BO_PHAN,
            Good,
            0,
        );
        for (cell, case, size) in cells.iter() {
            cell_no += 1;
            b.add(
                format!("{section}-C{cell_no:02}"),
                &format!("Chi bộ {cell}"),
                &section,
                CHI_BO,
                *case,
                *size,
            );
            b.last().leaders = usize::from(cell_no == 1);
        }
    }
}
