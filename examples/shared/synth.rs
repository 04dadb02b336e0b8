//! What both example generators draw from: a fixed random stream, the
//! stock of Vietnamese names and dates as the spreadsheets write them.
//! Shared by `#[path]` so each generator stays one example target.

/// SplitMix64: small, fixed, and the same on every platform.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

pub const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Giáp", "Ngô", "Đỗ", "Vũ", "Hà", "Lương", "Thân",
    "Dương", "Bùi", "Đặng", "Hoàng", "Nguyễn", "Nguyễn", "Trần", "Lê",
];
pub const MIDDLE_M: &[&str] = &[
    "Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Thành", "Công", "Ngọc", "Đình",
];
pub const MIDDLE_F: &[&str] = &["Thị", "Thu", "Thanh", "Ngọc", "Hồng", "Minh", "Thị", "Kim"];
pub const GIVEN_M: &[&str] = &[
    "An", "Bình", "Cường", "Dũng", "Dương", "Giang", "Hải", "Hùng", "Huy", "Khánh", "Long", "Mạnh",
    "Nam", "Phong", "Quân", "Sơn", "Thắng", "Thành", "Toàn", "Trung", "Tuấn", "Việt", "Vinh",
    "Hưng", "Lâm", "Đạt",
];
pub const GIVEN_F: &[&str] = &[
    "Anh", "Chi", "Dung", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Huyền", "Lan", "Liên", "Linh",
    "Loan", "Mai", "Nga", "Ngọc", "Nhung", "Phương", "Thảo", "Thủy", "Trang", "Yến", "Vân", "Oanh",
];
pub const HAMLETS: &[&str] = &[
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
pub fn date(rng: &mut Rng, from_year: u32, to_year: u32) -> String {
    let y = from_year + rng.below((to_year - from_year + 1) as usize) as u32;
    format!("{:02}/{:02}/{y}", 1 + rng.below(28), 1 + rng.below(12))
}

pub fn person(rng: &mut Rng) -> String {
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
