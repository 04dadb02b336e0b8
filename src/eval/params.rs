//! Parameter values given on the command line or in a session
//! (`--set NAME=VALUE`, `:set NAME VALUE`), checked against the rules.

use super::EvalError;
use crate::program::*;
use crate::value::Value;

/// Applies `NAME=VALUE` overrides to the declared parameters.
pub fn params_with(
    program: &Program,
    overrides: &[(String, String)],
) -> Result<Vec<Value>, EvalError> {
    let mut values = program.default_params();
    for (i, (name, _)) in overrides.iter().enumerate() {
        if overrides[..i].iter().any(|(n, _)| n == name) {
            return Err(EvalError::SetTwice { name: name.clone() });
        }
    }
    for (name, text) in overrides {
        let Some(i) = program.param_index(name) else {
            let help = crate::check::help_for(
                name,
                program.params.iter().map(|p| p.name.as_str()),
                || {
                    format!(
                        "the parameters are {}",
                        program
                            .params
                            .iter()
                            .map(|p| p.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                },
            );
            return Err(EvalError::UnknownParameter {
                name: name.clone(),
                help,
            });
        };
        let p = &program.params[i];
        let value = parse_param(program, p.ty, text).ok_or_else(|| EvalError::BadParameter {
            name: name.clone(),
            value: text.clone(),
            expected: param_type_words(program, p.ty),
        })?;
        if !p.range.contains(&value) {
            return Err(EvalError::ParamOutOfRange {
                name: name.clone(),
                value: text.clone(),
                range: p.range.text(p.ty),
            });
        }
        values[i] = value;
    }
    Ok(values)
}

fn param_type_words(program: &Program, ty: Ty) -> String {
    match ty {
        Ty::Percent => "a percentage".into(),
        Ty::Int => "a whole number".into(),
        Ty::Number => "a number".into(),
        Ty::Bool => "true or false".into(),
        Ty::Date => "a date".into(),
        Ty::Rounding => "floor, ceil or nearest".into(),
        Ty::GradeSet => "a list of grades".into(),
        Ty::Grade => "a grade".into(),
        Ty::Enum(e) => format!("a `{}` value", program.enums[e as usize].name),
        _ => "a value".into(),
    }
}

/// A parameter value written as in a rules file (`30%`, `ceil`,
/// `[HTXSNV, HTTNV]` or `HTXSNV,HTTNV`).
pub fn parse_param(program: &Program, ty: Ty, text: &str) -> Option<Value> {
    let text = crate::source::nfc(text.trim());
    match ty {
        Ty::GradeSet => {
            let inner = text.trim_start_matches('[').trim_end_matches(']');
            let mut mask = 0u32;
            for code in inner.split(',').map(str::trim).filter(|c| !c.is_empty()) {
                mask |= 1 << program.grade_index(code)?;
            }
            Some(Value::GradeSet(mask))
        }
        Ty::Rounding => Program::rounding_names()
            .find(|(n, _)| *n == text)
            .map(|(_, r)| Value::Rounding(r)),
        Ty::Percent if !text.ends_with('%') => None,
        Ty::Bool => match text.as_str() {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        Ty::Date => crate::value::parse_date(&text).map(Value::Date),
        Ty::Enum(e) => program.enums[e as usize]
            .variants
            .iter()
            .position(|(n, _)| *n == text)
            .map(|i| Value::Enum(i as u16)),
        Ty::Grade => program.grade_index(&text).map(Value::Grade),
        Ty::Text => Some(Value::Text(text.into())),
        Ty::Percent | Ty::Int | Ty::Number => {
            let is_pct = text.ends_with('%');
            let n = crate::data::parse_number(text.trim_end_matches('%'))?;
            let v = if is_pct {
                n.checked_div(crate::value::Rat::int(100))?
            } else {
                n
            };
            if ty == Ty::Int && v.reduced().den != 1 {
                return None;
            }
            Some(Value::Num(v))
        }
        Ty::Org | Ty::Null => None,
    }
}
