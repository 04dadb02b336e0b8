//! A diff in the forms a proposed rule change is circulated in for
//! approval: an Excel workbook (the from→to matrix of each level, every
//! changed entity, every quota group whose figures changed) and one web
//! page (the matrices as heat maps, the same lists).

use std::fmt::Write;

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::{Diff, FindingChange, Side};
use crate::data::Dataset;
use crate::eval::QuotaFinding;
use crate::report::html_escape as escape;
use crate::report::NumberStyle;

/// What the two sides are, for headings: each side's rules title.
pub struct Sides<'a> {
    pub before: &'a Side<'a>,
    pub after: &'a Side<'a>,
    pub data: &'a Dataset,
}

fn title(sides: &Sides) -> String {
    format!(
        "So sánh kết quả xếp loại: {} → {}",
        sides.before.program.header.name, sides.after.program.header.name
    )
}

fn names(sides: &Sides, diff: &Diff) -> Vec<String> {
    diff.state_names(
        sides.after.program,
        "Chờ cấp có thẩm quyền",
        "Không xếp loại",
    )
}

fn finding_text(f: &Option<QuotaFinding>) -> (String, String, String) {
    match f {
        Some(q) => (
            q.count.to_string(),
            q.cap.to_string(),
            if q.breach {
                "Có".into()
            } else {
                "Không".into()
            },
        ),
        None => (String::new(), String::new(), "(không có)".into()),
    }
}

/// The changed entities' rows: id, name, before, after, clauses, why.
fn change_rows(sides: &Sides, diff: &Diff) -> Vec<[String; 8]> {
    let p = sides.after.program;
    let names = names(sides, diff);
    diff.changes
        .iter()
        .map(|c| {
            let kind = match c.kind {
                crate::syntax::ast::SubjectKind::Member => "Đảng viên",
                crate::syntax::ast::SubjectKind::Organisation => "Tổ chức đảng",
            };
            [
                kind.to_string(),
                sides.data.id(p, c.kind, c.index).to_string(),
                sides.data.name(p, c.kind, c.index).to_string(),
                names[diff.slot(c.before)].clone(),
                names[diff.slot(c.after)].clone(),
                c.clause_before.clone().unwrap_or_default(),
                c.clause_after.clone().unwrap_or_default(),
                format!("{} → {}", c.why_before, c.why_after),
            ]
        })
        .collect()
}

const CHANGE_HEAD: [&str; 8] = [
    "Loại",
    "Mã",
    "Tên",
    "Trước",
    "Sau",
    "Điều khoản trước",
    "Điều khoản sau",
    "Vì sao",
];

const FINDING_HEAD: [&str; 8] = [
    "Giới hạn",
    "Nhóm",
    "Số trước",
    "Tối đa trước",
    "Vượt trước",
    "Số sau",
    "Tối đa sau",
    "Vượt sau",
];

fn finding_rows(sides: &Sides, diff: &Diff) -> Vec<[String; 8]> {
    diff.findings
        .iter()
        .map(|f: &FindingChange| {
            let (group, id) = f.group.label(sides.after.program, sides.data);
            let group = id.map_or(group.clone(), |i| format!("{group} [{i}]"));
            let (c0, k0, b0) = finding_text(&f.before);
            let (c1, k1, b1) = finding_text(&f.after);
            [f.quota.clone(), group, c0, k0, b0, c1, k1, b1]
        })
        .collect()
}

/// The diff as an Excel workbook.
pub fn workbook(sides: &Sides, diff: &Diff) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    book.set_properties(&crate::report::dated_properties(
        sides.after.program.header.review_date,
    )?);
    let bold = Format::new().set_bold();
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color("#E6E6E6");
    let ws = book.add_worksheet().set_name("Ma trận")?;
    ws.write_string_with_format(0, 0, title(sides), &bold)?;
    ws.write_string(
        1,
        0,
        format!("Số đối tượng đổi xếp loại: {}", diff.changes.len()),
    )?;
    let names = names(sides, diff);
    let mut row = 3;
    for level in &diff.levels {
        ws.write_string_with_format(
            row,
            0,
            format!("{}: {}/{} đổi", level.label, level.changed, level.in_scope),
            &bold,
        )?;
        ws.write_string_with_format(row + 1, 0, "Trước \\ Sau", &head)?;
        for (j, n) in names.iter().enumerate() {
            ws.write_string_with_format(row + 1, 1 + j as u16, n, &head)?;
        }
        for (i, cells) in level.matrix.iter().enumerate() {
            let r = row + 2 + i as u32;
            ws.write_string_with_format(r, 0, &names[i], &head)?;
            for (j, &n) in cells.iter().enumerate() {
                ws.write_number(r, 1 + j as u16, n as f64)?;
            }
        }
        row += 3 + level.matrix.len() as u32;
    }
    ws.set_column_width(0, 34)?;
    let ws = book.add_worksheet().set_name("Đối tượng đổi")?;
    list_sheet(ws, &CHANGE_HEAD, &change_rows(sides, diff), &head)?;
    let ws = book.add_worksheet().set_name("Giới hạn tỷ lệ")?;
    list_sheet(ws, &FINDING_HEAD, &finding_rows(sides, diff), &head)?;
    book.save_to_buffer()
}

fn list_sheet(
    ws: &mut Worksheet,
    head: &[&str; 8],
    rows: &[[String; 8]],
    f: &Format,
) -> Result<(), XlsxError> {
    let mut widths: Vec<usize> = head.iter().map(|h| h.chars().count()).collect();
    for (c, h) in head.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, f)?;
    }
    for (i, cells) in rows.iter().enumerate() {
        for (c, text) in cells.iter().enumerate() {
            match text.parse::<f64>() {
                Ok(n) if !text.is_empty() => ws.write_number(1 + i as u32, c as u16, n)?,
                _ => ws.write_string(1 + i as u32, c as u16, text)?,
            };
            widths[c] = widths[c].max(text.chars().count());
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, rows.len() as u32, head.len() as u16 - 1)?;
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w).clamp(6, 60) as f64 + 2.0)?;
    }
    Ok(())
}

const PAGE_STYLE: &str = "body{font-family:'Times New Roman',serif;max-width:60em;margin:2em auto;padding:0 1em}table{border-collapse:collapse;margin:.6em 0;font-size:.92em}th,td{border:1px solid #888;padding:.25em .5em}td.n{text-align:right}th{background:#eee}td.same{color:#666;background:#f4f4f4}";

/// Changed entities listed on the page (all are in the workbook).
const PAGE_CHANGES: usize = 1000;

/// The diff as one self-contained web page.
pub fn page(sides: &Sides, diff: &Diff) -> String {
    let style = NumberStyle::Vi;
    let mut out = String::new();
    let t = escape(&title(sides));
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n<title>{t}</title>\n<style>{PAGE_STYLE}</style>\n</head>\n<body>\n<h1>{t}</h1>\n"
    );
    let _ = writeln!(
        out,
        "<p>{} đối tượng đổi xếp loại.</p>",
        style.int(diff.changes.len() as u64)
    );
    let names = names(sides, diff);
    for level in &diff.levels {
        let _ = writeln!(
            out,
            "<h2>{}: {}/{} đổi</h2>",
            escape(&level.label),
            style.int(level.changed),
            style.int(level.in_scope)
        );
        if level.changed > 0 {
            heat_map(&mut out, &names, &level.matrix, style);
        }
    }
    if !diff.changes.is_empty() {
        out.push_str("<h2>Đối tượng đổi xếp loại</h2>\n");
        let rows = change_rows(sides, diff);
        table(
            &mut out,
            &CHANGE_HEAD,
            &rows[..rows.len().min(PAGE_CHANGES)],
        );
        if rows.len() > PAGE_CHANGES {
            let _ = writeln!(
                out,
                "<p>… và {} đối tượng khác (đủ cả trong bản Excel).</p>",
                style.int((rows.len() - PAGE_CHANGES) as u64)
            );
        }
    }
    if !diff.findings.is_empty() {
        out.push_str("<h2>Giới hạn tỷ lệ: nhóm đổi số liệu</h2>\n");
        table(&mut out, &FINDING_HEAD, &finding_rows(sides, diff));
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// The matrix with each changed cell shaded by its share of the largest
/// change; the unchanged diagonal in grey.
fn heat_map(out: &mut String, names: &[String], matrix: &[Vec<u64>], style: NumberStyle) {
    let most = matrix
        .iter()
        .enumerate()
        .flat_map(|(i, r)| {
            r.iter()
                .enumerate()
                .filter(move |(j, _)| *j != i)
                .map(|(_, &n)| n)
        })
        .max()
        .unwrap_or(0)
        .max(1);
    out.push_str("<table>\n<tr><th>Trước \\ Sau</th>");
    for n in names {
        let _ = write!(out, "<th>{}</th>", escape(n));
    }
    out.push_str("</tr>\n");
    for (i, row) in matrix.iter().enumerate() {
        let _ = write!(out, "<tr><th>{}</th>", escape(&names[i]));
        for (j, &n) in row.iter().enumerate() {
            if i == j {
                let _ = write!(out, "<td class=\"n same\">{}</td>", style.int(n));
                continue;
            }
            let alpha = if n == 0 {
                0.0
            } else {
                0.15 + 0.85 * n as f64 / most as f64
            };
            let ink = if alpha > 0.6 { "#fff" } else { "#000" };
            let _ = write!(
                out,
                "<td class=\"n\" style=\"background:rgba(200,30,30,{alpha:.2});color:{ink}\">{}</td>",
                style.int(n)
            );
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
}

fn table(out: &mut String, head: &[&str; 8], rows: &[[String; 8]]) {
    out.push_str("<table>\n<tr>");
    for h in head {
        let _ = write!(out, "<th>{}</th>", escape(h));
    }
    out.push_str("</tr>\n");
    for r in rows {
        out.push_str("<tr>");
        for c in r {
            let _ = write!(out, "<td>{}</td>", escape(c));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
}
