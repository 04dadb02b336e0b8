//! The district's organisations.

use crate::synth::HAMLETS;
use crate::Grade;
use crate::{N, T, X};

pub struct Grassroots {
    pub name: &'static str,
    pub committee: bool,
    pub agency: bool,
    pub grade: Grade,
    pub cells: Vec<String>,
}

pub const COMMUNE_UNITS: &[&str] = &[
    "Trường Mầm non",
    "Trường Tiểu học",
    "Trường THCS",
    "Trạm Y tế",
    "Công an xã",
    "Quân sự xã",
    "cơ quan Ủy ban nhân dân",
];

pub fn grassroots() -> Vec<Grassroots> {
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
