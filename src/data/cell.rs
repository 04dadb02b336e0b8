//! What a cell shows, as the text the field parsers read: a date cell
//! is a date (Excel stores a serial number), a cell formatted as a
//! percentage is one (Excel stores 0.95 for 95 %), a whole number has no
//! decimals. Shared by every workbook form.

use calamine::{Data, ExcelDateTime, ExcelDateTimeType};

/// What a number format makes of the number it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NumberKind {
    Plain,
    Percent,
    /// A date or a clock time.
    Date,
    /// Elapsed time (`[h]:mm`): read as its number, never as a date.
    Duration,
}

impl NumberKind {
    /// The kind of Excel's built-in format `id` (ECMA-376 §18.8.30, with
    /// the East Asian ids that are dates).
    pub(super) fn of_builtin(id: u32) -> NumberKind {
        match id {
            9 | 10 => NumberKind::Percent,
            14..=22 | 27..=36 | 45 | 47 | 50..=58 => NumberKind::Date,
            46 => NumberKind::Duration,
            _ => NumberKind::Plain,
        }
    }

    /// The kind of a custom format code, read from its first section (the
    /// one for positive numbers): quoted text, escaped and padding
    /// characters and `[...]` colours and locales are not format tokens;
    /// `[h]`, `[mm]`, `[ss]` are elapsed time; a `d m y h s` token, or
    /// `AM/PM`, a date; a `%`, a percentage.
    pub(super) fn of_code(code: &str) -> NumberKind {
        let mut kind = NumberKind::Plain;
        let mut chars = code.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                ';' => break,
                '\\' | '_' | '*' => {
                    chars.next();
                }
                '"' => {
                    for q in chars.by_ref() {
                        if q == '"' {
                            break;
                        }
                    }
                }
                '[' => {
                    let mut inner = String::new();
                    for b in chars.by_ref() {
                        if b == ']' {
                            break;
                        }
                        inner.push(b.to_ascii_lowercase());
                    }
                    let elapsed =
                        !inner.is_empty() && inner.chars().all(|x| matches!(x, 'h' | 'm' | 's'));
                    if elapsed {
                        return NumberKind::Duration;
                    }
                }
                'd' | 'D' | 'm' | 'M' | 'y' | 'Y' | 'h' | 'H' | 's' | 'S' => {
                    return NumberKind::Date
                }
                'a' | 'A' if upcoming(&mut chars, "m/pm") || upcoming(&mut chars, "/p") => {
                    return NumberKind::Date
                }
                '%' => kind = NumberKind::Percent,
                _ => {}
            }
        }
        kind
    }
}

/// Whether the characters next in `chars` spell `word` (any case).
fn upcoming(chars: &mut std::iter::Peekable<std::str::Chars>, word: &str) -> bool {
    let ahead: String = chars.clone().take(word.len()).collect();
    ahead.eq_ignore_ascii_case(word)
}

/// What a number cell of `kind` shows.
pub(super) fn number_text(value: f64, kind: NumberKind, is_1904: bool, out: &mut String) {
    let data = match kind {
        NumberKind::Date => Data::DateTime(ExcelDateTime::new(
            value,
            ExcelDateTimeType::DateTime,
            is_1904,
        )),
        NumberKind::Duration => Data::DateTime(ExcelDateTime::new(
            value,
            ExcelDateTimeType::TimeDelta,
            is_1904,
        )),
        NumberKind::Plain | NumberKind::Percent => Data::Float(value),
    };
    cell_text(&data, kind == NumberKind::Percent, out);
}

/// What a cell shows, as text the field parsers read.
pub(super) fn cell_text(d: &Data, percent: bool, out: &mut String) {
    use std::fmt::Write;
    match d {
        Data::Empty => {}
        Data::String(s) | Data::DurationIso(s) => out.push_str(s),
        Data::Bool(true) => out.push_str("có"),
        Data::Bool(false) => out.push_str("không"),
        Data::Int(n) if percent => {
            let _ = write!(out, "{}%", n.saturating_mul(100));
        }
        Data::Int(n) => {
            let _ = write!(out, "{n}");
        }
        Data::Float(f) if percent => {
            decimal(f * 100.0, out);
            out.push('%');
        }
        Data::Float(f) => decimal(*f, out),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            let _ = write!(out, "{d:02}/{m:02}/{y:04}");
        }
        Data::DateTime(dt) => decimal(dt.as_f64(), out),
        Data::DateTimeIso(s) => out.push_str(s.get(..10).unwrap_or(s)),
        Data::Error(e) => {
            let _ = write!(out, "{e}");
        }
    }
}

/// A float as its shortest decimal, rounded to 10 places so that
/// 0.57 × 100 reads 57, not 56.99999999999999. Whole numbers (most
/// cells) take the short way.
fn decimal(f: f64, out: &mut String) {
    use std::fmt::Write;
    let rounded = f.round();
    if (f - rounded).abs() < 1e-9 && rounded.abs() < 1e15 {
        let _ = write!(out, "{}", rounded as i64);
        return;
    }
    if !f.is_finite() {
        let _ = write!(out, "{f}");
        return;
    }
    let start = out.len();
    let _ = write!(out, "{f:.10}");
    let keep = out[start..]
        .trim_end_matches('0')
        .trim_end_matches('.')
        .len();
    out.truncate(start + keep);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(d: &Data, percent: bool) -> String {
        let mut out = String::new();
        cell_text(d, percent, &mut out);
        out
    }

    #[test]
    fn floats_read_as_people_wrote_them() {
        assert_eq!(text(&Data::Float(0.57 * 100.0), false), "57");
        assert_eq!(text(&Data::Float(85.0), false), "85");
        assert_eq!(text(&Data::Float(2.5), false), "2.5");
        assert_eq!(text(&Data::Float(-0.0), false), "0");
        assert_eq!(text(&Data::Float(0.955), true), "95.5%");
        assert_eq!(text(&Data::Float(1.0), true), "100%");
        assert_eq!(text(&Data::Float(0.8), false), "0.8");
        assert_eq!(text(&Data::Float(1.0 / 3.0), false), "0.3333333333");
    }

    #[test]
    fn number_formats_are_told_apart() {
        use NumberKind::*;
        for (code, kind) in [
            ("General", Plain),
            ("0.00", Plain),
            ("#,##0 \"ngày\"", Plain),
            ("0\"%\"", Plain),
            ("0\\%", Plain),
            ("0%", Percent),
            ("0.0%", Percent),
            ("dd/mm/yyyy", Date),
            ("[$-42A]dd/mm/yyyy", Date),
            ("[Red]0.00", Plain),
            ("h:mm AM/PM", Date),
            ("[h]:mm:ss", Duration),
            ("0;\"dd\"", Plain),
            ("@", Plain),
        ] {
            assert_eq!(NumberKind::of_code(code), kind, "{code}");
        }
        assert_eq!(NumberKind::of_builtin(14), Date);
        assert_eq!(NumberKind::of_builtin(9), Percent);
        assert_eq!(NumberKind::of_builtin(46), Duration);
        assert_eq!(NumberKind::of_builtin(49), Plain);
    }

    #[test]
    fn serials_read_as_dates_with_the_1900_quirk() {
        let mut out = String::new();
        number_text(37637.0, NumberKind::Date, false, &mut out);
        assert_eq!(out, "16/01/2003");
        out.clear();
        // Serial 61 is 1 March 1900: Excel counts a 29 February 1900.
        number_text(61.0, NumberKind::Date, false, &mut out);
        assert_eq!(out, "01/03/1900");
        out.clear();
        number_text(0.0, NumberKind::Date, true, &mut out);
        assert_eq!(out, "01/01/1904");
        out.clear();
        number_text(0.95, NumberKind::Percent, false, &mut out);
        assert_eq!(out, "95%");
    }
}
