//! The report in each form a committee sends: Word, Excel, HTML,
//! Markdown, CSV (for Excel or for scripts) and JSON, all from one model.

use super::document::{blocks, markdown};
use super::format::NumberStyle;
use super::model::Report;

/// The forms `write` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Docx,
    Xlsx,
    Html,
    Markdown,
    /// Every entity of the report, for Excel.
    Csv,
    /// Every entity of the report, for scripts.
    CsvData,
    Json,
}

/// The report's bytes in `form`.
pub fn write(report: &Report, form: Form) -> Result<Vec<u8>, String> {
    let style = NumberStyle::Vi;
    Ok(match form {
        Form::Markdown => markdown(&blocks(report, style), style).into_bytes(),
        Form::Html => super::html::page(report, &blocks(report, style)).into_bytes(),
        Form::Xlsx => super::xlsx::workbook(report).map_err(|e| e.to_string())?,
        Form::Docx => super::docx::document(&report.review_date_iso, &blocks(report, style))?,
        Form::Json => {
            let mut text = serde_json::to_string_pretty(report).map_err(|e| e.to_string())?;
            text.push('\n');
            text.into_bytes()
        }
        Form::Csv | Form::CsvData => {
            entities_csv(report, form == Form::Csv).map_err(|e| e.to_string())?
        }
    })
}

/// One row per entity of the report's levels (an entity in two levels
/// is listed once, under the first).
fn entities_csv(report: &Report, for_excel: bool) -> Result<Vec<u8>, csv::Error> {
    let (start, end): (&[u8], _) = match for_excel {
        true => (b"\xEF\xBB\xBF", csv::Terminator::CRLF),
        false => (b"", csv::Terminator::Any(b'\n')),
    };
    let mut w = csv::WriterBuilder::new()
        .terminator(end)
        .from_writer(start.to_vec());
    if for_excel {
        w.write_record([
            "Cấp",
            "Mã",
            "Tên",
            "Trực thuộc",
            "Kết quả",
            "Xếp loại",
            "Ký hiệu",
            "Lý do không xếp loại",
            "Lý do chờ cấp có thẩm quyền",
            "Điều khoản quyết định",
            "Căn cứ",
        ])?;
    } else {
        w.write_record([
            "level",
            "id",
            "name",
            "parent",
            "outcome",
            "grade",
            "not_graded_reason",
            "to_decide_reason",
            "clause",
            "cite",
        ])?;
    }
    let mut seen = std::collections::HashSet::new();
    for level in &report.levels {
        for e in &level.entities {
            if !seen.insert((e.kind, e.id.as_str())) {
                continue;
            }
            let mut row = vec![
                level.label.clone(),
                e.id.clone(),
                e.name.clone(),
                e.parent.clone().unwrap_or_default(),
                match for_excel {
                    true => super::json::outcome_words(e.outcome).to_string(),
                    false => e.outcome.to_string(),
                },
            ];
            if for_excel {
                let full = e.grade.as_deref().map(|g| report.grade_name(g));
                row.push(full.unwrap_or_default());
            }
            row.extend([
                e.grade.clone().unwrap_or_default(),
                e.not_graded_reason.clone().unwrap_or_default(),
                e.to_decide_reason.clone().unwrap_or_default(),
                e.clause.clone().unwrap_or_default(),
                e.cite.clone().unwrap_or_default(),
            ]);
            if for_excel {
                row.iter_mut().for_each(super::json::inert_for_excel);
            }
            w.write_record(&row)?;
        }
    }
    w.into_inner().map_err(|e| e.into_error().into())
}
