//! One cell's text → a typed value, with the reason when it does not fit.

use std::collections::HashMap;

use crate::program::{Program, Ty};
use crate::value::{parse_date, Rat, Value};

/// Lookup tables built once per load, so a cell parses without scanning
/// the enumerations.
pub(crate) struct Parsers {
    /// Per enumeration: lower-case name or label → index.
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
                if let Some(l) = label {
                    m.insert(l.to_lowercase(), i as u16);
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
            grades.insert(g.code.to_lowercase(), i as u8);
            grades.insert(g.label.to_lowercase(), i as u8);
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

    /// Parses a non-empty cell. `Err` holds what was expected.
    pub fn parse(&self, ty: Ty, text: &str) -> Result<Value, String> {
        match ty {
            Ty::Bool => match text.to_lowercase().as_str() {
                "true" | "1" | "yes" | "x" | "có" | "đúng" | "c" => Ok(Value::Bool(true)),
                "false" | "0" | "no" | "không" | "sai" | "k" => Ok(Value::Bool(false)),
                _ => Err("yes/no (true/false, 1/0, có/không)".into()),
            },
            Ty::Int => text
                .parse::<i64>()
                .map(|n| Value::Num(Rat::int(n)))
                .map_err(|_| "a whole number".into()),
            Ty::Number => number(text)
                .map(Value::Num)
                .ok_or_else(|| "a number (e.g. 2.5 or 2,5)".into()),
            Ty::Percent => {
                let t = text.strip_suffix('%').unwrap_or(text).trim_end();
                number(t)
                    .and_then(|r| r.checked_div(Rat::int(100)))
                    .map(Value::Num)
                    .ok_or_else(|| "a percentage (e.g. 80% or 80)".into())
            }
            Ty::Date => parse_date(text)
                .map(Value::Date)
                .ok_or_else(|| "a date (dd/mm/yyyy or yyyy-mm-dd)".into()),
            Ty::Text => Ok(Value::Text(text.into())),
            Ty::Enum(e) => self.enums[e as usize]
                .get(&text.to_lowercase())
                .map(|v| Value::Enum(*v))
                .ok_or_else(|| self.enum_help[e as usize].clone()),
            Ty::Grade => self
                .grades
                .get(&text.to_lowercase())
                .map(|g| Value::Grade(*g))
                .ok_or_else(|| self.grade_help.clone()),
            // Organisation references are resolved once every id is known.
            Ty::Org => Ok(Value::Text(text.into())),
            Ty::GradeSet | Ty::Rounding | Ty::Null => Err("a value this field cannot hold".into()),
        }
    }
}

/// `12`, `2.5`, `2,5` (Vietnamese decimal comma), `-1`: exact.
pub fn number(text: &str) -> Option<Rat> {
    let t = text.replace(',', ".");
    let (neg, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.as_str()),
    };
    if digits.is_empty()
        || !digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        || digits.matches('.').count() > 1
    {
        return None;
    }
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.len() + frac.len() > 18 || int.is_empty() {
        return None;
    }
    let (num, den) = crate::syntax::decimal(&format!(
        "{int}.{}",
        if frac.is_empty() { "0" } else { frac }
    ))?;
    Rat::new(if neg { -num } else { num }, den)
}
