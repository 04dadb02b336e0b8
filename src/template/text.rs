//! The words of the template: each column's header, and what staff are
//! told about it (type, whether it is required, its default), in
//! Vietnamese, since they are the ones filling it in.

use crate::program::{FieldInfo, Program, Range, Ty};
use crate::value::{civil_from_days, Rat, Value};

/// The header a column gets: the Vietnamese label among the accepted
/// ones (the first with a non-ASCII letter or a space), else the first
/// (`ma_dang_vien` alone), else the field's own name.
pub fn header(field: &FieldInfo) -> &str {
    let vietnamese = |c: &&String| c.contains(' ') || !c.is_ascii();
    field
        .columns
        .iter()
        .find(vietnamese)
        .or(field.columns.first())
        .map_or(field.name.as_str(), String::as_str)
}

/// The values a list column offers: an enumeration's labels (its names
/// where it has none), the grade codes, or có/không. Each is a value the
/// data reader accepts.
pub fn choices(program: &Program, ty: Ty) -> Option<Vec<String>> {
    match ty {
        Ty::Bool => Some(vec!["có".into(), "không".into()]),
        Ty::Grade => Some(program.grades.iter().map(|g| g.code.clone()).collect()),
        Ty::Enum(e) => program.enums.get(e as usize).map(|e| {
            e.variants
                .iter()
                .map(|(name, label)| label.clone().unwrap_or_else(|| name.clone()))
                .collect()
        }),
        _ => None,
    }
}

/// What a cell of the field holds: `Tỷ lệ phần trăm, từ 0% đến 100%`.
pub fn kind(program: &Program, field: &FieldInfo) -> String {
    let ranged = |what: &str| match range_text(&field.range, field.ty) {
        r if r.is_empty() => what.to_string(),
        r => format!("{what}, {r}"),
    };
    let list = || choices(program, field.ty).unwrap_or_default().join(", ");
    match field.ty {
        Ty::Bool => "Có/Không".into(),
        Ty::Int => ranged("Số nguyên"),
        Ty::Number => ranged("Số"),
        Ty::Percent => ranged("Tỷ lệ phần trăm"),
        Ty::Date => ranged("Ngày (dd/mm/yyyy)"),
        Ty::Enum(_) => format!("Một trong: {}", list()),
        Ty::Grade => format!("Xếp loại, một trong: {}", list()),
        Ty::Org => {
            let id = &program.organisation.fields[program.organisation.id];
            format!("Mã một tổ chức của trang Tổ chức (cột {})", header(id))
        }
        _ => "Văn bản".into(),
    }
}

/// Whether the cell may be left empty, and what an empty one means.
pub fn need(program: &Program, field: &FieldInfo) -> String {
    match (&field.default, field.optional, field.column_required) {
        (Some(v), ..) => format!(
            "Không bắt buộc; để trống thì lấy mặc định: {}",
            show(program, v, field.ty)
        ),
        (None, false, _) => "Bắt buộc".into(),
        (None, true, true) => "Phải có cột này; ô được để trống".into(),
        (None, true, false) => "Không bắt buộc; có thể để trống".into(),
    }
}

/// Type and need together, as a header's note and a cell's input message.
pub fn describe(program: &Program, field: &FieldInfo) -> String {
    format!("{}.\n{}.", kind(program, field), need(program, field))
}

/// A value as staff would write it in the cell (có/không, an
/// enumeration's label, dd/mm/yyyy), else as the rules write it.
fn show(program: &Program, v: &Value, ty: Ty) -> String {
    match (v, ty) {
        (Value::Bool(b), _) => if *b { "có" } else { "không" }.into(),
        (Value::Enum(i), Ty::Enum(_)) => choices(program, ty)
            .and_then(|c| c.get(*i as usize).cloned())
            .unwrap_or_else(|| program.show_value(v, ty)),
        (Value::Date(d), _) => date(*d),
        _ => program.show_value(v, ty),
    }
}

fn date(days: i32) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{d:02}/{m:02}/{y:04}")
}

/// `từ 0 đến 100`, `từ 0 trở lên`, `đến 31/12/2025`; empty for none.
fn range_text(range: &Range, ty: Ty) -> String {
    let bound = |b: &Option<Value>| match b {
        Some(Value::Date(d)) => Some(date(*d)),
        Some(v) => Some(Range::show(v, ty)),
        None => None,
    };
    match (bound(&range.low), bound(&range.high)) {
        (Some(l), Some(h)) => format!("từ {l} đến {h}"),
        (Some(l), None) => format!("từ {l} trở lên"),
        (None, Some(h)) => format!("đến {h}"),
        (None, None) => String::new(),
    }
}

/// A number as Excel holds it (a percentage as its fraction).
pub fn as_f64(r: Rat) -> f64 {
    r.num as f64 / r.den as f64
}

/// `text` cut to at most `limit` UTF-16 units (Excel's measure), with an
/// ellipsis where it was cut: Excel refuses longer titles and messages.
pub fn fit(text: &str, limit: usize) -> String {
    if text.encode_utf16().count() <= limit {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        if out.encode_utf16().count() + c.len_utf16() + 1 > limit {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_texts_are_cut_to_excels_limit() {
        assert_eq!(fit("Mã tổ chức", 32), "Mã tổ chức");
        let cut = fit(&"ả".repeat(40), 32);
        assert_eq!(cut.encode_utf16().count(), 32);
        assert!(cut.ends_with('…'));
    }
}
