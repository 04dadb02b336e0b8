//! One cell's text → a typed value, with the reason when it does not fit.

use std::collections::HashMap;

use super::error::Problem;
use crate::program::{FieldInfo, Program, Ty};
use crate::value::{parse_date, Rat, Value};

/// Lookup tables built once per load, so a cell parses without scanning
/// the enumerations.
pub(crate) struct Parsers {
    /// Per enumeration: name or label, as written and in lower case → index.
    enums: Vec<HashMap<String, u16>>,
    enum_help: Vec<String>,
    grades: HashMap<String, u8>,
    grade_help: String,
}

impl Parsers {
    pub fn new(p: &Program) -> Parsers {
        let mut enums = Vec::new();
        let mut enum_help = Vec::new();
        for e in &p.enums {
            let mut m = HashMap::new();
            let mut shown = Vec::new();
            for (i, (name, label)) in e.variants.iter().enumerate() {
                m.insert(name.to_lowercase(), i as u16);
                m.insert(name.clone(), i as u16);
                if let Some(l) = label {
                    m.insert(l.to_lowercase(), i as u16);
                    m.insert(l.clone(), i as u16);
                    shown.push(format!("{name} ({l})"));
                } else {
                    shown.push(name.clone());
                }
            }
            enums.push(m);
            enum_help.push(format!("one of {}", shown.join(", ")));
        }
        let mut grades = HashMap::new();
        for (i, g) in p.grades.iter().enumerate() {
            for key in [
                g.code.clone(),
                g.code.to_lowercase(),
                g.label.clone(),
                g.label.to_lowercase(),
            ] {
                grades.insert(key, i as u8);
            }
        }
        let grade_help = format!(
            "a grade ({})",
            p.grades
                .iter()
                .map(|g| g.code.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        Parsers {
            enums,
            enum_help,
            grades,
            grade_help,
        }
    }

    /// Parses a non-empty cell of field `f`.
    pub fn parse(&self, f: &FieldInfo, text: &str) -> Result<Value, Problem> {
        let wrong = |expected: &str| Problem::WrongType {
            value: text.to_string(),
            expected: expected.to_string(),
        };
        match f.ty {
            Ty::Bool => match text {
                "có" | "true" | "1" | "x" => Ok(Value::Bool(true)),
                "không" | "false" | "0" => Ok(Value::Bool(false)),
                _ => match text.to_lowercase().as_str() {
                    "true" | "1" | "yes" | "x" | "có" | "đúng" | "c" => Ok(Value::Bool(true)),
                    "false" | "0" | "no" | "không" | "sai" | "k" => Ok(Value::Bool(false)),
                    _ => Err(wrong(
                        "yes or no: có, x, 1, đúng, c, true, yes / không, 0, sai, k, false, no",
                    )),
                },
            },
            Ty::Int => text
                .parse::<i64>()
                .map(|n| Value::Num(Rat::int(n)))
                .map_err(|_| wrong("a whole number")),
            Ty::Number => number(text)
                .map(Value::Num)
                .ok_or_else(|| wrong("a number (e.g. 2.5 or 2,5)")),
            Ty::Percent => percent(text),
            Ty::Date => date(text)
                .map(Value::Date)
                .ok_or_else(|| wrong("a date (dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy or yyyy-mm-dd)")),
            Ty::Text => Ok(Value::Text(text.into())),
            Ty::Enum(e) => self.enums[e as usize]
                .get(&text.to_lowercase())
                .map(|v| Value::Enum(*v))
                .ok_or_else(|| wrong(&self.enum_help[e as usize])),
            Ty::Grade => self
                .grades
                .get(&text.to_lowercase())
                .map(|g| Value::Grade(*g))
                .ok_or_else(|| wrong(&self.grade_help)),
            // Organisation references are resolved once every id is known.
            Ty::Org => Ok(Value::Text(text.into())),
            Ty::GradeSet | Ty::Rounding | Ty::Null => Err(wrong("a value this field cannot hold")),
        }
    }
}

/// A date as a cell holds it: `dd/mm/yyyy`, `dd-mm-yyyy`, `dd.mm.yyyy` or
/// `yyyy-mm-dd`, with a midnight time after it (`31/12/2021 00:00:00`,
/// what a spreadsheet's date-time column exports), or an Excel serial
/// number (a date cell that lost its format). A serial below 10000 (May
/// 1927) is refused: `1990` is a year typed alone, not 12/06/1905.
pub fn date(text: &str) -> Option<i32> {
    let day = match text.split_once([' ', 'T']) {
        Some((day, time)) if is_midnight(time.trim()) => day,
        Some(_) => return None,
        None => text,
    };
    if day.bytes().all(|b| b.is_ascii_digit()) {
        return excel_serial(day.parse().ok()?);
    }
    let sep = day.bytes().find(|b| matches!(b, b'/' | b'-' | b'.'))?;
    let parts: Vec<&str> = day.split(sep as char).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    if sep == b'-' && a.len() == 4 {
        return crate::value::parse_iso_date(day);
    }
    parse_date(&format!("{a}/{b}/{c}"))
}

/// `00:00`, `0:00:00`, `00:00:00.000`: the time a date-only cell shows.
fn is_midnight(time: &str) -> bool {
    !time.is_empty()
        && time.split([':', '.']).count() >= 2
        && time
            .split([':', '.'])
            .all(|p| !p.is_empty() && p.bytes().all(|b| b == b'0'))
}

/// The date of an Excel serial number (1900 system): day 1 is 1/1/1900,
/// and Excel counts a 29/02/1900 that never was, so serials from 61 on
/// are one day ahead of the calendar.
pub fn excel_serial(serial: i64) -> Option<i32> {
    if !(10_000..=2_958_465).contains(&serial) {
        return None;
    }
    let epoch = crate::value::parse_iso_date("1899-12-30")?;
    i32::try_from(serial).ok().map(|s| epoch + s)
}

/// A percentage: `80%`, `80 %`, or a bare number above 1 (`80`). A bare
/// number from 0 to 1 is refused: `0.8` is a spreadsheet's fraction for
/// 80 % as often as it is 0.8 %, and guessing wrong changes a grade.
fn percent(text: &str) -> Result<Value, Problem> {
    let wrong = || Problem::WrongType {
        value: text.to_string(),
        expected: "a percentage (e.g. 80%)".into(),
    };
    let (digits, signed) = match text.strip_suffix('%') {
        Some(t) => (t.trim_end(), true),
        None => (text, false),
    };
    let n = number(digits).ok_or_else(wrong)?;
    if !signed && n > Rat::ZERO && n <= Rat::int(1) {
        let as_percent = n
            .checked_mul(Rat::int(100))
            .map(|p| p.to_string())
            .unwrap_or_default();
        return Err(Problem::AmbiguousPercent {
            value: text.to_string(),
            as_percent,
        });
    }
    n.checked_div(Rat::int(100))
        .map(Value::Num)
        .ok_or_else(wrong)
}

/// `12`, `2.5`, `2,5` (Vietnamese decimal comma), `-1`: exact, without
/// allocating (this runs on every numeric cell).
pub fn number(text: &str) -> Option<Rat> {
    let (neg, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let mut num: i128 = 0;
    let mut den: i128 = 1;
    let mut seen_point = false;
    let mut count = 0;
    for b in digits.bytes() {
        match b {
            b'0'..=b'9' => {
                num = num * 10 + (b - b'0') as i128;
                if seen_point {
                    den *= 10;
                }
                count += 1;
            }
            b'.' | b',' if !seen_point && count > 0 => seen_point = true,
            _ => return None,
        }
        if count > 18 {
            return None;
        }
    }
    if count == 0 {
        return None;
    }
    Rat::new(if neg { -num } else { num }, den)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_the_forms_cells_hold() {
        let d = crate::value::parse_iso_date("2021-05-19");
        for text in [
            "19/05/2021",
            "19-05-2021",
            "19.05.2021",
            "2021-05-19",
            "19/5/2021",
            "19/05/2021 00:00:00",
            "2021-05-19T00:00:00",
            "44335",
        ] {
            assert_eq!(date(text), d, "{text}");
        }
        for bad in [
            "1990",
            "19/05/2021 10:30",
            "2021/05/19",
            "19-05",
            "32/13/1990",
            "9999",
        ] {
            assert_eq!(date(bad), None, "{bad}");
        }
        // Excel's day 61 is 1/3/1900 (its 60 is a 29/02/1900 that never was).
        assert_eq!(
            excel_serial(10_000),
            crate::value::parse_iso_date("1927-05-18")
        );
    }

    #[test]
    fn numbers_in_both_decimal_marks() {
        assert_eq!(number("2,5"), Rat::new(5, 2));
        assert_eq!(number("2.5"), Rat::new(5, 2));
        assert_eq!(number("-12"), Some(Rat::int(-12)));
        assert_eq!(number("100"), Some(Rat::int(100)));
        for bad in ["", ".5", "1.2.3", "1,2,3", "abc", "1e5", "-", "12%"] {
            assert_eq!(number(bad), None, "{bad}");
        }
    }
}
