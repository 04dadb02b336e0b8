//! The report as an Excel workbook: "Tổng hợp" in the layout of the
//! report's summary (real numbers, percent formats, a chart of the
//! grades per level), one sheet per level listing every entity, the quota
//! findings, and the appendix. Headers are Vietnamese, the header row is
//! frozen and filtered, columns are as wide as what they hold.

use rust_xlsxwriter::{
    Chart, ChartType, DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError,
};

use super::json::JsonEntity;
use super::model::Report;

/// Rows of entities per sheet: Excel holds 1,048,576 rows, a country's
/// members are 5.6 million, so a level runs over several sheets.
const ROWS_PER_SHEET: usize = 1_000_000;

pub fn workbook(report: &Report) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    // Dated by the review, not by the clock: the same report is the same
    // bytes whenever it is written.
    book.set_properties(&dated(report.review_day)?);
    let formats = Formats::new();
    summary_sheet(book.add_worksheet(), report, &formats)?;
    let mut names = vec!["Tổng hợp".to_string()];
    for level in &report.levels {
        let chunks: Vec<&[JsonEntity]> = if level.entities.is_empty() {
            vec![&[]]
        } else {
            level.entities.chunks(ROWS_PER_SHEET).collect()
        };
        for (part, chunk) in chunks.iter().enumerate() {
            let name = sheet_name(&level.label, part, &mut names);
            let ws = book.add_worksheet().set_name(&name)?;
            entity_sheet(ws, report, chunk, &formats)?;
        }
    }
    if !report.quotas.is_empty() {
        let name = sheet_name("Giới hạn tỷ lệ", 0, &mut names);
        quota_sheet(book.add_worksheet().set_name(&name)?, report, &formats)?;
    }
    if !report.appendix.rows.is_empty() {
        let name = sheet_name("Phụ lục", 0, &mut names);
        appendix_sheet(book.add_worksheet().set_name(&name)?, report, &formats)?;
    }
    book.save_to_buffer()
}

/// Document properties created on `day` (days since 1970-01-01).
pub fn dated(day: i32) -> Result<DocProperties, XlsxError> {
    let (y, m, d) = crate::value::civil_from_days(day);
    let date = ExcelDateTime::from_ymd(y.clamp(1900, 9999) as u16, m as u8, d as u8)?;
    Ok(DocProperties::new().set_creation_datetime(&date))
}

struct Formats {
    title: Format,
    head: Format,
    percent: Format,
    breach: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            title: Format::new().set_bold().set_font_size(13),
            head: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_background_color("#E6E6E6"),
            percent: Format::new().set_num_format("0.0%"),
            breach: Format::new().set_bold().set_font_color("#B00000"),
        }
    }
}

/// A sheet name Excel accepts (at most 31 characters, none of `[]:*?/\`)
/// and not taken yet; part `n > 0` of a level is "… (n+1)".
fn sheet_name(label: &str, part: usize, taken: &mut Vec<String>) -> String {
    let clean: String = label
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .collect();
    // Excel refuses a blank name and one that starts or ends with '.
    let clean = clean.trim().trim_matches('\'').trim().to_string();
    let clean = if clean.is_empty() {
        "Cấp".to_string()
    } else {
        clean
    };
    let mut n = part;
    loop {
        let suffix = if n == 0 {
            String::new()
        } else {
            format!(" ({})", n + 1)
        };
        let room = 31 - suffix.chars().count();
        // Cut at a word where it must be cut, never leaving a blank.
        let cut: String = clean.chars().take(room).collect();
        let cut = match (clean.chars().count() > room, cut.rfind(' ')) {
            (true, Some(at)) if at > 10 => cut[..at].to_string(),
            _ => cut,
        };
        let name = cut.trim_end().trim_end_matches('\'').to_string() + &suffix;
        if !taken
            .iter()
            .any(|t| t.to_lowercase() == name.to_lowercase())
        {
            taken.push(name.clone());
            return name;
        }
        n += 1;
    }
}

fn header(ws: &mut Worksheet, row: u32, head: &[&str], f: &Formats) -> Result<(), XlsxError> {
    for (c, h) in head.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, *h, &f.head)?;
    }
    Ok(())
}

/// Widths from the longest text in each column (in characters), within reason.
fn fit(ws: &mut Worksheet, widths: &[usize]) -> Result<(), XlsxError> {
    for (c, &w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (w.clamp(6, 60) + 2) as f64)?;
    }
    Ok(())
}

fn summary_sheet(ws: &mut Worksheet, report: &Report, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name("Tổng hợp")?;
    ws.write_string_with_format(0, 0, report.title(), &f.title)?;
    let mut line = 1;
    if let Some((name, id)) = &report.unit {
        ws.write_string(line, 0, format!("Đơn vị: {name} ({id})"))?;
        line += 1;
    }
    ws.write_string(line, 0, format!("Bộ quy tắc: {}", report.ruleset))?;
    ws.write_string(
        line + 1,
        0,
        format!("Căn cứ: {}", report.sources.join("; ")),
    )?;
    ws.write_string(
        line + 2,
        0,
        format!("Thời điểm đánh giá: {}", report.review_date),
    )?;
    for (i, note) in report.notes.iter().enumerate() {
        ws.write_string_with_format(line + 3 + i as u32, 0, note, &f.breach)?;
    }
    let top = line + 4 + report.notes.len() as u32;
    let mut head = vec![
        "Cấp".to_string(),
        "Tổng số".into(),
        "Đã xếp loại".into(),
        "Tỷ lệ đã xếp loại".into(),
    ];
    for (code, _) in &report.grades {
        head.push(code.clone());
        head.push(format!("Tỷ lệ {code}"));
    }
    head.extend(["Chờ cấp có thẩm quyền".to_string(), "Không xếp loại".into()]);
    head.push(format!(
        "Tỷ lệ {} so với số được xếp loại từ {} trở lên",
        report.grades.first().map_or("", |g| g.0.as_str()),
        report.grades.get(1).map_or("", |g| g.0.as_str())
    ));
    head.push("Giới hạn (trong từng nhóm)".into());
    let head_refs: Vec<&str> = head.iter().map(String::as_str).collect();
    header(ws, top, &head_refs, f)?;
    // A share of nothing is no figure: the cell stays empty (the text
    // forms write "–").
    let share = |part: u64, whole: u64| (whole > 0).then(|| part as f64 / whole as f64);
    let put = |ws: &mut Worksheet, row: u32, col: u16, v: Option<f64>| -> Result<(), XlsxError> {
        if let Some(v) = v {
            ws.write_number_with_format(row, col, v, &f.percent)?;
        }
        Ok(())
    };
    for (i, level) in report.levels.iter().enumerate() {
        let row = top + 1 + i as u32;
        ws.write_string(row, 0, &level.label)?;
        ws.write_number(row, 1, level.in_scope as f64)?;
        ws.write_number(row, 2, level.graded as f64)?;
        put(ws, row, 3, share(level.graded, level.in_scope))?;
        let mut col = 4;
        for &count in &level.counts {
            ws.write_number(row, col, count as f64)?;
            put(ws, row, col + 1, share(count, level.graded))?;
            col += 2;
        }
        ws.write_number(row, col, level.to_decide as f64)?;
        ws.write_number(row, col + 1, level.not_graded_total() as f64)?;
        let (best, base) = level.best_of_good_or_better();
        put(ws, row, col + 2, share(best, base))?;
        if let Some(cap) = &level.cap {
            ws.write_string(row, col + 3, cap)?;
        }
    }
    let last = top + report.levels.len() as u32;
    // The grades of each level, stacked to 100 %: one series per grade.
    let mut chart = Chart::new(ChartType::BarPercentStacked);
    for (g, (code, _)) in report.grades.iter().enumerate() {
        let col = 4 + 2 * g as u16;
        chart
            .add_series()
            .set_name(code.as_str())
            .set_categories(("Tổng hợp", top + 1, 0, last, 0))
            .set_values(("Tổng hợp", top + 1, col, last, col));
    }
    chart.title().set_name("Cơ cấu xếp loại theo cấp");
    ws.insert_chart(last + 2, 0, &chart)?;
    let mut widths = vec![12; head.len()];
    widths[0] = report
        .levels
        .iter()
        .map(|l| l.label.chars().count())
        .max()
        .unwrap_or(10);
    fit(ws, &widths)
}

fn entity_sheet(
    ws: &mut Worksheet,
    report: &Report,
    entities: &[JsonEntity],
    f: &Formats,
) -> Result<(), XlsxError> {
    let head = [
        "Mã",
        "Tên",
        "Trực thuộc",
        "Xếp loại",
        "Ký hiệu",
        "Lý do không xếp loại",
        "Lý do chờ cấp có thẩm quyền",
        "Điều khoản quyết định",
        "Căn cứ",
        "Giới hạn đã áp dụng",
        "Hạ loại theo tỷ lệ",
    ];
    header(ws, 0, &head, f)?;
    let mut widths: Vec<usize> = head.iter().map(|h| h.chars().count()).collect();
    for (i, e) in entities.iter().enumerate() {
        let row = 1 + i as u32;
        let cells = [
            e.id.clone(),
            e.name.clone(),
            e.parent.clone().unwrap_or_default(),
            e.grade
                .as_deref()
                .map(|g| report.grade_name(g))
                .unwrap_or_default(),
            e.grade.clone().unwrap_or_default(),
            e.not_graded_reason.clone().unwrap_or_default(),
            e.to_decide_reason.clone().unwrap_or_default(),
            e.clause.clone().unwrap_or_default(),
            e.cite.clone().unwrap_or_default(),
            e.caps.join("; "),
            e.quota.clone().unwrap_or_default(),
        ];
        for (c, text) in cells.iter().enumerate() {
            if !text.is_empty() {
                ws.write_string(row, c as u16, text)?;
                widths[c] = widths[c].max(text.chars().count());
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, entities.len() as u32, head.len() as u16 - 1)?;
    fit(ws, &widths)
}

fn quota_sheet(ws: &mut Worksheet, report: &Report, f: &Formats) -> Result<(), XlsxError> {
    let head = [
        "Giới hạn",
        "Quy định",
        "Căn cứ",
        "Nhóm",
        "Mã nhóm",
        "Số được xếp loại",
        "Tối đa",
        "Cơ sở tính",
        "Vượt",
        "Đã hạ",
    ];
    header(ws, 0, &head, f)?;
    let mut widths: Vec<usize> = head.iter().map(|h| h.chars().count()).collect();
    let mut row = 1;
    for q in &report.quotas {
        for g in &q.groups {
            let texts = [
                &q.name,
                &q.rule,
                q.cite.as_deref().unwrap_or(""),
                &g.group,
                g.group_id.as_deref().unwrap_or(""),
            ];
            for (c, t) in texts.iter().enumerate() {
                ws.write_string(row, c as u16, *t)?;
                widths[c] = widths[c].max(t.chars().count());
            }
            ws.write_number(row, 5, g.count as f64)?;
            ws.write_number(row, 6, g.cap as f64)?;
            ws.write_number(row, 7, g.base_count as f64)?;
            match g.breach {
                true => ws.write_string_with_format(row, 8, "Có", &f.breach)?,
                false => ws.write_string(row, 8, "Không")?,
            };
            ws.write_number(row, 9, g.lowered as f64)?;
            row += 1;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, row - 1, head.len() as u16 - 1)?;
    fit(ws, &widths)
}

fn appendix_sheet(ws: &mut Worksheet, report: &Report, f: &Formats) -> Result<(), XlsxError> {
    let a = &report.appendix;
    let mut head = vec!["Mã".to_string(), "Tên".into(), "Xếp loại".into()];
    for column in &a.columns {
        for (code, _) in &report.grades {
            head.push(format!("{column}: {code}"));
        }
    }
    let head_refs: Vec<&str> = head.iter().map(String::as_str).collect();
    header(ws, 0, &head_refs, f)?;
    let mut widths: Vec<usize> = vec![10; head.len()];
    for (i, r) in a.rows.iter().enumerate() {
        let row = 1 + i as u32;
        ws.write_string(row, 0, &r.id)?;
        ws.write_string(row, 1, &r.name)?;
        widths[0] = widths[0].max(r.id.chars().count());
        widths[1] = widths[1].max(r.name.chars().count());
        ws.write_string(row, 2, r.grade.as_deref().unwrap_or("không xếp loại"))?;
        for (c, &n) in r.counts.iter().flatten().enumerate() {
            ws.write_number(row, 3 + c as u16, n as f64)?;
        }
    }
    ws.set_freeze_panes(1, 2)?;
    ws.autofilter(0, 0, a.rows.len() as u32, head.len() as u16 - 1)?;
    fit(ws, &widths)
}
