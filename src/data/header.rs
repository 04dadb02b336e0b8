//! A file's header → the column of each schema field. Nothing is matched
//! silently in a way the user did not mean: a name given twice is an
//! error; a column no field reads that looks like a misspelt name of a
//! field without a column is an error (otherwise every row would quietly
//! get the field's default); the other unread columns, and the fields the
//! rules read that fall back to their default, are warnings.

use super::error::{DataError, Problem};
use super::read::RawTable;
use crate::program::{FieldInfo, Program, SchemaInfo};

/// Which header cell gives each field (by slot), after reporting what
/// is wrong or doubtful about the header.
pub(crate) fn map_columns(
    program: &Program,
    schema: &SchemaInfo,
    reads: &[bool],
    raw: &RawTable,
    errors: &mut Vec<DataError>,
    warnings: &mut Vec<DataError>,
) -> Vec<Option<usize>> {
    let at_header = |column: Option<String>, problem: Problem| DataError {
        file: raw.file.clone(),
        row: Some(raw.header_line),
        column,
        letter: None,
        problem,
    };
    let lower: Vec<String> = raw.header.iter().map(|h| spaced(h)).collect();
    let mut used = vec![false; lower.len()];
    let mut source: Vec<Option<usize>> = Vec::with_capacity(schema.fields.len());
    for f in &schema.fields {
        let mut found: Option<usize> = None;
        // A field's names are matched once each: `a: … column "A"` names
        // one column twice (its field name and its label), not two.
        let mut wants: Vec<String> = Vec::new();
        for c in f.columns.iter().map(|c| spaced(c)) {
            if !wants.contains(&c) {
                wants.push(c);
            }
        }
        for want in wants {
            for (pos, _) in lower.iter().enumerate().filter(|(_, h)| **h == want) {
                used[pos] = true;
                match found {
                    None => found = Some(pos),
                    Some(first) if lower[first] == lower[pos] => errors.push(at_header(
                        Some(raw.header[pos].clone()),
                        Problem::SameHeaderTwice {
                            name: raw.header[pos].clone(),
                            first: column_letters(first),
                            second: column_letters(pos),
                        },
                    )),
                    Some(first) => errors.push(at_header(
                        Some(raw.header[pos].clone()),
                        Problem::DuplicateColumn {
                            field: f.name.clone(),
                            other: raw.header[first].clone(),
                        },
                    )),
                }
            }
        }
        source.push(found);
    }
    match_without_diacritics(schema, raw, &mut source, &mut used, errors, warnings);
    // Columns no field reads: one that is almost surely a misspelling of
    // a column a field lacks is an error; the rest are listed once, with a
    // guess where one is close.
    let mut typo_for = vec![false; schema.fields.len()];
    let mut unread = Vec::new();
    for (pos, name) in raw.header.iter().enumerate() {
        if used[pos] || name.is_empty() {
            continue;
        }
        let candidates: Vec<(usize, &str)> = schema
            .fields
            .iter()
            .enumerate()
            .filter(|(slot, _)| source[*slot].is_none())
            .flat_map(|(slot, f)| f.columns.iter().map(move |c| (slot, c.as_str())))
            .collect();
        match closest(name, &candidates) {
            Some((slot, column, true)) => {
                typo_for[slot] = true;
                let f = &schema.fields[slot];
                errors.push(at_header(
                    Some(name.clone()),
                    Problem::TypoColumn {
                        suggestion: column.to_string(),
                        field: f.name.clone(),
                        default: default_words(program, f),
                    },
                ));
            }
            Some((slot, column, false)) => unread.push(format!(
                "\"{name}\" (not \"{column}\", field `{}`?)",
                schema.fields[slot].name
            )),
            None => unread.push(format!("\"{name}\"")),
        }
    }
    if !unread.is_empty() {
        warnings.push(DataError::at(
            &raw.file,
            raw.header_line,
            Problem::UnreadColumns {
                count: unread.len(),
                names: listed(&unread, 10),
            },
        ));
    }
    for (slot, f) in schema.fields.iter().enumerate() {
        if source[slot].is_some() || typo_for[slot] {
            continue;
        }
        let accepted = f
            .columns
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(" or ");
        if (f.default.is_none() && !f.optional) || f.column_required {
            errors.push(at_header(
                None,
                Problem::MissingColumn {
                    field: f.name.clone(),
                    accepted,
                },
            ));
        } else if reads.get(slot).copied().unwrap_or(false) {
            warnings.push(at_header(
                None,
                Problem::DefaultedField {
                    field: f.name.clone(),
                    default: default_words(program, f),
                    accepted,
                },
            ));
        }
    }
    source
}

/// A header as matched: lower case, blanks and line breaks (Alt+Enter in
/// a header cell) as one space.
fn spaced(text: &str) -> String {
    text.to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Fields still without a column take the one whose header is their name
/// but for the accents ("Ma dang vien" for "Mã đảng viên"), with a warning
/// that says so. A header that could be either of two fields, or two
/// headers that could be one field, are errors naming both.
fn match_without_diacritics(
    schema: &SchemaInfo,
    raw: &RawTable,
    source: &mut [Option<usize>],
    used: &mut [bool],
    errors: &mut Vec<DataError>,
    warnings: &mut Vec<DataError>,
) {
    let folded: Vec<String> = raw.header.iter().map(|h| fold(h)).collect();
    // For each free header, the fields (and the name) it folds to.
    let mut claims: Vec<Vec<(usize, &str)>> = vec![Vec::new(); folded.len()];
    for (slot, f) in schema.fields.iter().enumerate() {
        if source[slot].is_some() {
            continue;
        }
        for (pos, h) in folded.iter().enumerate() {
            if used[pos] || h.is_empty() {
                continue;
            }
            if let Some(c) = f.columns.iter().find(|c| fold(c) == *h) {
                claims[pos].push((slot, c.as_str()));
            }
        }
    }
    let at = |pos: usize, problem: Problem| DataError {
        file: raw.file.clone(),
        row: Some(raw.header_line),
        column: Some(raw.header[pos].clone()),
        letter: None,
        problem,
    };
    for (slot, f) in schema.fields.iter().enumerate() {
        let positions: Vec<usize> = (0..claims.len())
            .filter(|&p| claims[p].iter().any(|(s, _)| *s == slot))
            .collect();
        match positions.as_slice() {
            [] => {}
            [pos] if claims[*pos].len() > 1 => {
                let fields: Vec<String> = claims[*pos]
                    .iter()
                    .map(|(s, _)| format!("`{}`", schema.fields[*s].name))
                    .collect();
                if claims[*pos][0].0 == slot {
                    errors.push(at(
                        *pos,
                        Problem::AmbiguousHeader {
                            fields: fields.join(" or "),
                        },
                    ));
                }
                used[*pos] = true;
            }
            [pos] => {
                let (_, name) = claims[*pos][0];
                warnings.push(at(
                    *pos,
                    Problem::MatchedWithoutAccents {
                        field: f.name.clone(),
                        name: name.to_string(),
                    },
                ));
                source[slot] = Some(*pos);
                used[*pos] = true;
            }
            [first, second, ..] => {
                errors.push(at(
                    *second,
                    Problem::DuplicateColumn {
                        field: f.name.clone(),
                        other: raw.header[*first].clone(),
                    },
                ));
                for p in positions {
                    used[p] = true;
                }
            }
        }
    }
}

/// The column a header most likely meant, and whether it is a sure
/// misspelling: the same words but for case, accents and spacing, or two
/// slips in a long name. A looser likeness is only a guess.
fn closest<'a>(name: &str, candidates: &[(usize, &'a str)]) -> Option<(usize, &'a str, bool)> {
    let folded = fold(name);
    let len = folded.chars().count();
    let mut best: Option<(usize, usize, &str)> = None;
    for &(slot, column) in candidates {
        let other = fold(column);
        let longest = len.max(other.chars().count());
        if longest > 100 || len.abs_diff(other.chars().count()) > 2 {
            continue;
        }
        let d = crate::check::distance(&folded, &other);
        if best.is_none_or(|(b, _, _)| d < b) {
            best = Some((d, slot, column));
        }
    }
    let (d, slot, column) = best?;
    // Figures are not slips: "Ghi chú 10" is not "Ghi chú 9".
    let digits = |t: &str| t.chars().filter(char::is_ascii_digit).collect::<String>();
    let same_figures = digits(name) == digits(column);
    let sure = d == 0 || (d <= 2 && len >= 8 && same_figures);
    let guess = d <= (len / 4).max(1);
    (sure || guess).then_some((slot, column, sure))
}

/// A header as a person reads it: lower case, without accents (đ as d),
/// blanks and line breaks as one space.
pub fn fold(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let plain: String = text
        .nfd()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            c => c,
        })
        .collect();
    plain
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The first `most` names, then how many more.
fn listed(names: &[String], most: usize) -> String {
    let mut out = names[..names.len().min(most)].join(", ");
    if names.len() > most {
        out.push_str(&format!(" and {} more", names.len() - most));
    }
    out
}

/// A field's default as the rules write it ("none" when it has none).
fn default_words(program: &Program, f: &FieldInfo) -> String {
    match &f.default {
        Some(v) => program.show_value(v, f.ty),
        None => "none (empty)".into(),
    }
}

/// The column as a spreadsheet names it: A, B, …, Z, AA, AB, ….
pub fn column_letters(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::column_letters;

    #[test]
    fn headers_fold_as_a_person_reads_them() {
        assert_eq!(super::fold("  Số tháng\nnghỉ  ốm "), "so thang nghi om");
        assert_eq!(super::fold("ĐẢNG VIÊN"), "dang vien");
    }

    #[test]
    fn only_a_near_certain_misspelling_is_sure() {
        let columns = [(0, "Số tháng nghỉ ốm"), (1, "Cột cham 9 10")];
        assert_eq!(
            super::closest("Số tháng nghỉ ôm", &columns),
            Some((0, "Số tháng nghỉ ốm", true))
        );
        assert_eq!(
            super::closest("so thang nghi om", &columns),
            Some((0, "Số tháng nghỉ ốm", true))
        );
        assert!(super::closest("Cột thêm 91", &columns).is_none_or(|c| !c.2));
        assert_eq!(super::closest("Ghi chú", &columns), None);
    }

    #[test]
    fn spreadsheet_column_names() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }
}
