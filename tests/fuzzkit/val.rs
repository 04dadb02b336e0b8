//! The reference's own values: exact fractions, civil dates, and the
//! rest as plain data. Written independently of `xeploai::value`.

use std::cmp::Ordering;

/// An exact fraction, always reduced, denominator positive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Q {
    pub n: i128,
    pub d: i128,
}

fn gcd(a: i128, b: i128) -> i128 {
    let (mut a, mut b) = (a.unsigned_abs(), b.unsigned_abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1) as i128
}

impl Q {
    pub fn new(n: i128, d: i128) -> Option<Q> {
        if d == 0 {
            return None;
        }
        let (n, d) = if d < 0 {
            (n.checked_neg()?, d.checked_neg()?)
        } else {
            (n, d)
        };
        let g = gcd(n, d);
        Some(Q { n: n / g, d: d / g })
    }
    pub fn int(i: i128) -> Q {
        Q { n: i, d: 1 }
    }
    pub fn add(self, o: Q) -> Option<Q> {
        let n = self
            .n
            .checked_mul(o.d)?
            .checked_add(o.n.checked_mul(self.d)?)?;
        Q::new(n, self.d.checked_mul(o.d)?)
    }
    pub fn neg(self) -> Option<Q> {
        Some(Q {
            n: self.n.checked_neg()?,
            d: self.d,
        })
    }
    pub fn sub(self, o: Q) -> Option<Q> {
        self.add(o.neg()?)
    }
    pub fn mul(self, o: Q) -> Option<Q> {
        Q::new(self.n.checked_mul(o.n)?, self.d.checked_mul(o.d)?)
    }
    pub fn div(self, o: Q) -> Option<Q> {
        if o.n == 0 {
            return None;
        }
        Q::new(self.n.checked_mul(o.d)?, self.d.checked_mul(o.n)?)
    }
    pub fn floor(self) -> i128 {
        self.n.div_euclid(self.d)
    }
    pub fn ceil(self) -> i128 {
        let f = self.floor();
        if f * self.d == self.n {
            f
        } else {
            f + 1
        }
    }
    /// Half away from zero.
    pub fn nearest(self) -> i128 {
        let a = Q {
            n: self.n.abs(),
            d: self.d,
        };
        let whole = a.n / a.d;
        let rest = a.n % a.d;
        let r = if 2 * rest >= a.d { whole + 1 } else { whole };
        if self.n < 0 {
            -r
        } else {
            r
        }
    }
}

impl PartialOrd for Q {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Q {
    fn cmp(&self, o: &Self) -> Ordering {
        // Integer parts first, then the fractional parts by their
        // reciprocals: exact, no overflow.
        let (fa, fb) = (self.floor(), o.floor());
        if fa != fb {
            return fa.cmp(&fb);
        }
        let ra = self.n - fa * self.d;
        let rb = o.n - fb * o.d;
        match (ra == 0, rb == 0) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            // ra/da < rb/db  <=>  db/rb < da/ra
            (false, false) => Q { n: o.d, d: rb }.cmp(&Q { n: self.d, d: ra }),
        }
    }
}

impl Q {
    /// Whether the fraction is a decimal that ends (its denominator has
    /// no prime factor but 2 and 5).
    pub fn is_finite_decimal(&self) -> bool {
        let mut d = self.d;
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
}

impl std::fmt::Display for Q {
    /// As the engine prints a number: exact when the decimal is finite.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.d == 1 {
            return write!(f, "{}", self.n);
        }
        let mut d = self.d;
        let mut places = 0u32;
        let mut twos = 0u32;
        let mut fives = 0u32;
        while d % 2 == 0 {
            d /= 2;
            twos += 1;
        }
        while d % 5 == 0 {
            d /= 5;
            fives += 1;
        }
        if d == 1 {
            places += twos.max(fives);
            let scale = 10i128.pow(places);
            let scaled = self.n * (scale / self.d);
            let sign = if scaled < 0 { "-" } else { "" };
            let a = scaled.abs();
            return write!(
                f,
                "{sign}{}.{:0w$}",
                a / scale,
                a % scale,
                w = places as usize
            );
        }
        // Not a finite decimal: four places, as the engine shows it.
        let scaled = Q {
            n: self.n * 10_000,
            d: self.d,
        }
        .nearest();
        let sign = if scaled < 0 { "-" } else { "" };
        let a = scaled.abs();
        let s = format!("{sign}{}.{:04}", a / 10_000, a % 10_000);
        write!(f, "{}", s.trim_end_matches('0'))
    }
}

/// A civil date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub y: i32,
    pub m: u32,
    pub d: u32,
}

pub fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

pub fn month_len(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

impl Date {
    pub fn new(y: i32, m: u32, d: u32) -> Option<Date> {
        ((1..=9999).contains(&y) && (1..=12).contains(&m) && d >= 1 && d <= month_len(y, m))
            .then_some(Date { y, m, d })
    }
    /// `yyyy-mm-dd`.
    pub fn parse_iso(s: &str) -> Option<Date> {
        let mut it = s.split('-');
        let y = it.next()?.parse().ok()?;
        let m = it.next()?.parse().ok()?;
        let d = it.next()?.parse().ok()?;
        if it.next().is_some() {
            return None;
        }
        Date::new(y, m, d)
    }
    /// Days since 0001-01-01.
    pub fn ordinal(self) -> i64 {
        let y = (self.y - 1) as i64;
        let mut days = y * 365 + y / 4 - y / 100 + y / 400;
        for m in 1..self.m {
            days += month_len(self.y, m) as i64;
        }
        days + self.d as i64 - 1
    }
    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }
}

/// Whole months from `a` to `b`, as the language defines `months()`.
pub fn months(a: Date, b: Date) -> i128 {
    let mut n = (b.y as i128 - a.y as i128) * 12 + (b.m as i128 - a.m as i128);
    if b >= a && b.d < a.d {
        n -= 1;
    } else if b < a && b.d > a.d {
        n += 1;
    }
    n
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Round {
    Floor,
    Ceil,
    Nearest,
}

impl Round {
    pub fn name(self) -> &'static str {
        match self {
            Round::Floor => "floor",
            Round::Ceil => "ceil",
            Round::Nearest => "nearest",
        }
    }
    pub fn apply(self, q: Q) -> i128 {
        match self {
            Round::Floor => q.floor(),
            Round::Ceil => q.ceil(),
            Round::Nearest => q.nearest(),
        }
    }
}

/// A value as the reference evaluator sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    None,
    Bool(bool),
    Num(Q),
    Date(Date),
    Text(String),
    /// The enumeration (in declaration order) and the index of the
    /// variant in it (best first).
    Enum(u16, u16),
    /// Index of the grade (best first).
    Grade(u8),
    GradeSet(u32),
    Round(Round),
    /// An organisation, by id.
    Org(String),
}

/// `==` of the language: `none == none`, numbers by value.
pub fn equal(a: &Val, b: &Val) -> bool {
    a == b
}

/// Order of the language: better is greater for grades and enumerations;
/// `None` when the two cannot be ordered (either is none, or types differ).
pub fn compare(a: &Val, b: &Val) -> Option<Ordering> {
    match (a, b) {
        (Val::Num(x), Val::Num(y)) => Some(x.cmp(y)),
        (Val::Date(x), Val::Date(y)) => Some(x.cmp(y)),
        (Val::Enum(_, x), Val::Enum(_, y)) => Some(y.cmp(x)),
        (Val::Grade(x), Val::Grade(y)) => Some(y.cmp(x)),
        (Val::Text(x), Val::Text(y)) => Some(x.as_str().cmp(y.as_str())),
        (Val::Bool(x), Val::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractions() {
        let q = |n, d| Q::new(n, d).unwrap();
        assert!(q(79, 99) < q(80, 100));
        assert_eq!(q(4, 5), q(80, 100));
        assert_eq!(q(5, 2).nearest(), 3);
        assert_eq!(q(-5, 2).nearest(), -3);
        assert_eq!(q(31 * 20, 100).floor(), 6);
        assert_eq!(q(31 * 20, 100).ceil(), 7);
        assert_eq!(q(1, 8).to_string(), "0.125");
        assert_eq!(q(1, 3).to_string(), "0.3333");
        assert_eq!(q(-3, 2).to_string(), "-1.5");
        assert_eq!(q(7, 1).to_string(), "7");
    }

    #[test]
    fn dates() {
        let d = |s| Date::parse_iso(s).unwrap();
        assert_eq!(months(d("2021-06-30"), d("2021-12-31")), 6);
        assert_eq!(months(d("2021-07-01"), d("2021-12-31")), 5);
        assert_eq!(months(d("2021-12-31"), d("2021-06-30")), -6);
        assert_eq!(d("2021-03-01").ordinal() - d("2021-02-28").ordinal(), 1);
        assert_eq!(d("2020-03-01").ordinal() - d("2020-02-28").ordinal(), 2);
        assert_eq!(d("1970-01-01").ordinal(), 719_162);
    }
}
