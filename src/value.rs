//! Runtime values: exact fractions for numbers and percents, day numbers
//! for dates, indexes for enumerations and grades.

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

/// An exact fraction. `80%` is 80/100, so `share >= 80%` never suffers a
/// float surprise. The denominator is always positive.
#[derive(Debug, Clone, Copy)]
pub struct Rat {
    pub num: i128,
    pub den: i128,
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

impl Rat {
    pub const ZERO: Rat = Rat { num: 0, den: 1 };
    pub fn int(n: i64) -> Rat {
        Rat {
            num: n as i128,
            den: 1,
        }
    }
    /// `None` for a zero denominator.
    pub fn new(num: i128, den: i128) -> Option<Rat> {
        if den == 0 {
            return None;
        }
        let s = if den < 0 { -1 } else { 1 };
        Some(
            Rat {
                num: num * s,
                den: den * s,
            }
            .reduced(),
        )
    }
    pub fn reduced(self) -> Rat {
        let g = gcd(self.num, self.den);
        Rat {
            num: self.num / g,
            den: self.den / g,
        }
    }
    pub fn checked_add(self, o: Rat) -> Option<Rat> {
        let num = self
            .num
            .checked_mul(o.den)?
            .checked_add(o.num.checked_mul(self.den)?)?;
        Some(
            Rat {
                num,
                den: self.den.checked_mul(o.den)?,
            }
            .reduced(),
        )
    }
    pub fn checked_sub(self, o: Rat) -> Option<Rat> {
        self.checked_add(Rat {
            num: o.num.checked_neg()?,
            den: o.den,
        })
    }
    pub fn checked_mul(self, o: Rat) -> Option<Rat> {
        let (a, b) = (self.reduced(), o.reduced());
        Some(
            Rat {
                num: a.num.checked_mul(b.num)?,
                den: a.den.checked_mul(b.den)?,
            }
            .reduced(),
        )
    }
    pub fn checked_div(self, o: Rat) -> Option<Rat> {
        if o.num == 0 {
            return None;
        }
        self.checked_mul(Rat::new(o.den, o.num)?)
    }
    /// Whether the fraction prints exactly as a decimal: its reduced
    /// denominator has no prime factor but 2 and 5, and at most 18 places.
    pub fn is_finite_decimal(self) -> bool {
        let mut d = self.reduced().den;
        if d > 10i128.pow(18) {
            return false;
        }
        while d % 2 == 0 {
            d /= 2;
        }
        while d % 5 == 0 {
            d /= 5;
        }
        d == 1
    }

    /// Whether the fraction, reduced, fits the 64-bit numerator and
    /// denominator a data column stores.
    pub fn fits_i64(self) -> bool {
        let r = self.reduced();
        i64::try_from(r.num).is_ok() && i64::try_from(r.den).is_ok()
    }
    pub fn floor(self) -> i128 {
        self.num.div_euclid(self.den)
    }
    pub fn ceil(self) -> i128 {
        -(-self.num).div_euclid(self.den)
    }
    /// Half away from zero, without overflow for any fraction.
    pub fn nearest(self) -> i128 {
        let (num, den) = (self.num.unsigned_abs(), self.den.unsigned_abs());
        let whole = num / den;
        let rest = num % den;
        let up = whole + u128::from(rest >= den - rest);
        let up = i128::try_from(up).unwrap_or(i128::MAX);
        if self.num < 0 {
            -up
        } else {
            up
        }
    }
    /// Rounded half away from zero to `decimals` places, as text ("20.5").
    pub fn to_decimal_string(self, decimals: u32) -> String {
        let scale = 10i128.pow(decimals);
        let scaled = Rat {
            num: self.num.saturating_mul(scale),
            den: self.den,
        }
        .nearest();
        let sign = if scaled < 0 { "-" } else { "" };
        let a = scaled.abs();
        if decimals == 0 {
            format!("{sign}{a}")
        } else {
            format!(
                "{sign}{}.{:0width$}",
                a / scale,
                a % scale,
                width = decimals as usize
            )
        }
    }
}

impl PartialEq for Rat {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Rat {}
impl PartialOrd for Rat {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Rat {
    fn cmp(&self, o: &Self) -> Ordering {
        match (self.num.checked_mul(o.den), o.num.checked_mul(self.den)) {
            (Some(a), Some(b)) => a.cmp(&b),
            _ => cmp_fractions(self.num, self.den, o.num, o.den),
        }
    }
}

/// `a/b` against `c/d` (positive denominators) exactly, without
/// overflow: the whole parts first; when they are equal, the remainders
/// `ra/b` and `rc/d` compare as `d/rc` against `b/ra` (their reciprocals,
/// swapped), as in Euclid's algorithm, so the numbers shrink every step.
fn cmp_fractions(mut a: i128, mut b: i128, mut c: i128, mut d: i128) -> Ordering {
    loop {
        let (qa, ra) = (a.div_euclid(b), a.rem_euclid(b));
        let (qc, rc) = (c.div_euclid(d), c.rem_euclid(d));
        if qa != qc {
            return qa.cmp(&qc);
        }
        match (ra == 0, rc == 0) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            (false, false) => (a, b, c, d) = (d, rc, b, ra),
        }
    }
}

impl fmt::Display for Rat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self.reduced();
        if r.den == 1 {
            return write!(f, "{}", r.num);
        }
        // Finite decimals print exactly; others to four places.
        let mut d = r.den;
        while d % 2 == 0 {
            d /= 2;
        }
        while d % 5 == 0 {
            d /= 5;
        }
        if d == 1 && r.den <= 10i128.pow(18) {
            let mut places = 0;
            while 10i128.pow(places) % r.den != 0 {
                places += 1;
            }
            let scaled = r.num * (10i128.pow(places) / r.den);
            let sign = if scaled < 0 { "-" } else { "" };
            let a = scaled.abs();
            let p = 10i128.pow(places);
            write!(f, "{sign}{}.{:0w$}", a / p, a % p, w = places as usize)
        } else {
            write!(
                f,
                "{}",
                Rat {
                    num: r.num,
                    den: r.den
                }
                .to_decimal_string(4)
                .trim_end_matches('0')
            )
        }
    }
}

/// How a quota's cap is rounded to a whole number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rounding {
    Floor,
    Ceil,
    Nearest,
}

impl Rounding {
    pub const ALL: [(&'static str, Rounding); 3] = [
        ("floor", Rounding::Floor),
        ("ceil", Rounding::Ceil),
        ("nearest", Rounding::Nearest),
    ];
    pub fn name(self) -> &'static str {
        match self {
            Rounding::Floor => "floor",
            Rounding::Ceil => "ceil",
            Rounding::Nearest => "nearest",
        }
    }
    pub fn apply(self, r: Rat) -> i128 {
        match self {
            Rounding::Floor => r.floor(),
            Rounding::Ceil => r.ceil(),
            Rounding::Nearest => r.nearest(),
        }
    }
}

/// A value during evaluation. Enumerations and grades are indexes in
/// declaration order, best first.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    None,
    Bool(bool),
    Num(Rat),
    Date(i32),
    Text(Arc<str>),
    Enum(u16),
    Grade(u8),
    /// A set of grades as a bit mask (bit i = grade i).
    GradeSet(u32),
    Rounding(Rounding),
    /// An organisation, by index in the dataset.
    Org(u32),
}

/// Equality where a number equals a number of any form (4/5 == 80%).
pub fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Num(x), Value::Num(y)) => x == y,
        _ => a == b,
    }
}

/// Order of two values; enumerations and grades are "better is greater"
/// (declared best first). `None` when either side is none.
pub fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    Some(match (a, b) {
        (Value::Num(x), Value::Num(y)) => x.cmp(y),
        (Value::Date(x), Value::Date(y)) => x.cmp(y),
        (Value::Enum(x), Value::Enum(y)) => y.cmp(x),
        (Value::Grade(x), Value::Grade(y)) => y.cmp(x),
        (Value::Text(x), Value::Text(y)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        _ => return None,
    })
}

// ───────────────────────────── dates ─────────────────────────────

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// algorithm). `None` if the date does not exist.
pub fn days_from_civil(y: i32, m: u32, d: u32) -> Option<i32> {
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) || !(1..=9999).contains(&y) {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i32 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146097 + doe - 719468)
}

pub fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// `yyyy-mm-dd`.
pub fn parse_iso_date(s: &str) -> Option<i32> {
    let mut it = s.split('-');
    let y = it.next()?.parse().ok()?;
    let m = it.next()?.parse().ok()?;
    let d = it.next()?.parse().ok()?;
    if it.next().is_some() {
        return None;
    }
    days_from_civil(y, m, d)
}

/// `dd/mm/yyyy` (Vietnamese order) or `yyyy-mm-dd`.
pub fn parse_date(s: &str) -> Option<i32> {
    let s = s.trim();
    if s.contains('/') {
        let mut it = s.split('/');
        let d = it.next()?.trim().parse().ok()?;
        let m = it.next()?.trim().parse().ok()?;
        let y: i32 = it.next()?.trim().parse().ok()?;
        if it.next().is_some() || y < 1000 {
            return None;
        }
        days_from_civil(y, m, d)
    } else {
        parse_iso_date(s)
    }
}

pub fn format_date(days: i32) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// A date as a Vietnamese document writes it: 31/12/2021.
pub fn format_date_vi(days: i32) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{d:02}/{m:02}/{y:04}")
}

/// `date` moved by `n` months, the day held to the month's last (31/8
/// less 6 months is 28/2 or 29/2). `None` outside years 1–9999.
pub fn add_months(date: i32, n: i64) -> Option<i32> {
    let (y, m, d) = civil_from_days(date);
    let index = ((y as i64) * 12 + (m as i64 - 1)).checked_add(n)?;
    let y = i32::try_from(index.div_euclid(12)).ok()?;
    let m = (index.rem_euclid(12) + 1) as u32;
    if !(1..=9999).contains(&y) {
        return None;
    }
    days_from_civil(y, m, d.min(days_in_month(y, m)))
}

/// `date` moved by `n` days. `None` outside years 1–9999.
pub fn add_days(date: i32, n: i64) -> Option<i32> {
    let moved = i32::try_from((date as i64).checked_add(n)?).ok()?;
    let (y, _, _) = civil_from_days(moved);
    (1..=9999).contains(&y).then_some(moved)
}

/// Whole months from `from` to `to` (negative when `to` is earlier).
pub fn months_between(from: i32, to: i32) -> i64 {
    let (y1, m1, d1) = civil_from_days(from);
    let (y2, m2, d2) = civil_from_days(to);
    let mut months = (y2 as i64 - y1 as i64) * 12 + (m2 as i64 - m1 as i64);
    if to >= from && d2 < d1 {
        months -= 1;
    } else if to < from && d2 > d1 {
        months += 1;
    }
    months
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        for (y, m, d) in [(1970, 1, 1), (2000, 2, 29), (2021, 12, 31), (1945, 9, 2)] {
            let days = days_from_civil(y, m, d).unwrap();
            assert_eq!(civil_from_days(days), (y, m, d));
        }
        assert_eq!(days_from_civil(2021, 2, 29), None);
        assert_eq!(parse_date("31/12/2021"), parse_iso_date("2021-12-31"));
        assert_eq!(parse_date("31/13/2021"), None);
        let day = |s| parse_iso_date(s).unwrap();
        assert_eq!(add_months(day("2021-12-31"), -6), Some(day("2021-06-30")));
        assert_eq!(add_months(day("2024-08-31"), -6), Some(day("2024-02-29")));
        assert_eq!(add_months(day("2021-01-15"), 12), Some(day("2022-01-15")));
        assert_eq!(add_days(day("2021-06-30"), 1), Some(day("2021-07-01")));
        assert_eq!(add_months(day("9999-12-01"), 1), None);
        assert_eq!(add_days(day("0001-01-01"), -1), None);
        assert_eq!(add_months(0, i64::MAX), None);
    }

    #[test]
    fn months_are_whole_months() {
        let d = |s| parse_iso_date(s).unwrap();
        assert_eq!(months_between(d("2021-06-30"), d("2021-12-31")), 6);
        assert_eq!(months_between(d("2021-07-01"), d("2021-12-31")), 5);
        assert_eq!(months_between(d("2021-07-01"), d("2022-01-01")), 6);
        assert_eq!(months_between(d("2021-12-31"), d("2021-06-30")), -6);
    }

    #[test]
    fn percents_are_exact_at_the_thresholds() {
        let eighty = Rat::new(80, 100).unwrap();
        // 4 of 5 is exactly 80 %, 79 of 99 is just below, 0.8 as a decimal is equal.
        assert_eq!(Rat::new(4, 5).unwrap(), eighty);
        assert!(Rat::new(79, 99).unwrap() < eighty);
        assert!(Rat::new(8, 10).unwrap() >= eighty);
        let half = Rat::new(50, 100).unwrap();
        assert_eq!(Rat::new(7, 14).unwrap(), half);
        assert!(Rat::new(6, 13).unwrap() < half);
    }

    #[test]
    fn comparisons_stay_exact_when_cross_products_overflow() {
        let e34 = 10i128.pow(34);
        let (a, b) = (
            Rat::new(e34 - 3, e34).expect("a"),
            Rat::new(e34 - 7, e34 - 1).expect("b"),
        );
        assert!(
            a.num.checked_mul(b.den).is_none(),
            "the fast path overflows"
        );
        assert_eq!((a.cmp(&b), b.cmp(&a)), (Ordering::Greater, Ordering::Less));
        assert_ne!(a, b);
        assert_eq!(a.cmp(&a), Ordering::Equal);
        let third = Rat::new(1, 3).expect("1/3");
        let big = Rat::new(i128::MAX / 3, i128::MAX / 3 * 3 + 1).expect("just under 1/3");
        assert!(big < third);
        let neg = Rat::new(-(i128::MAX / 7), i128::MAX / 5).expect("negative");
        assert!(neg < Rat::ZERO && neg < big);
    }

    #[test]
    fn rounding_of_caps() {
        let cap = |n| Rat::new(20, 100).unwrap().checked_mul(Rat::int(n)).unwrap();
        assert_eq!(Rounding::Floor.apply(cap(31)), 6);
        assert_eq!(Rounding::Ceil.apply(cap(31)), 7);
        assert_eq!(Rounding::Nearest.apply(cap(31)), 6);
        assert_eq!(Rounding::Ceil.apply(cap(39)), 8);
        assert_eq!(Rounding::Nearest.apply(cap(38)), 8); // 7.6
        assert_eq!(Rounding::Nearest.apply(Rat::new(5, 2).unwrap()), 3);
        assert_eq!(Rounding::Floor.apply(cap(30)), 6);
        assert_eq!(Rounding::Ceil.apply(cap(30)), 6);
    }

    #[test]
    fn display_is_exact_for_finite_decimals() {
        assert_eq!(Rat::new(1, 5).unwrap().to_string(), "0.2");
        assert_eq!(Rat::new(1, 3).unwrap().to_string(), "0.3333");
        assert_eq!(Rat::int(6).to_string(), "6");
        assert_eq!(
            Rat::new(8, 39)
                .unwrap()
                .checked_mul(Rat::int(100))
                .unwrap()
                .to_decimal_string(1),
            "20.5"
        );
    }
}
