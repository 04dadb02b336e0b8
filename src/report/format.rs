//! Numbers as a Vietnamese report prints them (`4.336`, `19,0%`) or in
//! English style (`4,336`, `19.0%`).

use crate::value::Rat;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Serialize)]
pub enum NumberStyle {
    /// 4.336 and 19,0%
    #[default]
    Vi,
    /// 4,336 and 19.0%
    En,
}

impl NumberStyle {
    pub fn int(self, n: u64) -> String {
        let digits = n.to_string();
        let sep = match self {
            NumberStyle::Vi => '.',
            NumberStyle::En => ',',
        };
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(c);
        }
        out
    }

    /// `part / whole` as a percentage with one decimal; "–" when whole is 0.
    pub fn percent(self, part: u64, whole: u64) -> String {
        if whole == 0 {
            return "–".into();
        }
        let r = Rat {
            num: part as i128 * 100,
            den: whole as i128,
        };
        let text = r.to_decimal_string(1);
        match self {
            NumberStyle::Vi => format!("{}%", text.replace('.', ",")),
            NumberStyle::En => format!("{text}%"),
        }
    }
}

/// Pads to a width counted in characters (Vietnamese letters are one each
/// after NFC).
pub fn pad_right(s: &str, width: usize) -> String {
    let n = s.chars().count();
    format!("{s}{}", " ".repeat(width.saturating_sub(n)))
}

pub fn pad_left(s: &str, width: usize) -> String {
    let n = s.chars().count();
    format!("{}{s}", " ".repeat(width.saturating_sub(n)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_and_english_numbers() {
        assert_eq!(NumberStyle::Vi.int(4336), "4.336");
        assert_eq!(NumberStyle::En.int(4336), "4,336");
        assert_eq!(NumberStyle::Vi.int(336), "336");
        assert_eq!(NumberStyle::Vi.percent(8, 42), "19,0%");
        assert_eq!(NumberStyle::En.percent(8, 39), "20.5%");
        assert_eq!(NumberStyle::Vi.percent(3, 42), "7,1%");
        assert_eq!(NumberStyle::Vi.percent(0, 0), "–");
    }
}
