//! The report as one web page that needs nothing else: styles inline,
//! charts as inline SVG, no script, no font or image fetched, so it opens
//! the same on a machine without network and prints on A4.

use std::fmt::Write;

use super::document::{Block, Cell};
use super::format::NumberStyle;
use super::model::{QuotaReport, Report};

const STYLE: &str = "body{font-family:'Times New Roman',serif;max-width:60em;margin:2em auto;padding:0 1em;color:#111}\
h1{font-size:1.4em;text-align:center}h2{font-size:1.15em;margin-top:1.6em}\
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}\
th,td{border:1px solid #888;padding:.25em .5em}td.n{text-align:right}th{background:#eee}\
.breach{color:#b00;font-weight:bold}svg{display:block;margin:.6em 0}\
@media print{body{margin:0;max-width:none}h2{break-after:avoid}table,svg{break-inside:avoid}}";

/// Colours of the grades, best first (more than four reuse the last).
const COLOURS: [&str; 5] = ["#1b7837", "#7fbf7b", "#f1b6da", "#c51b7d", "#777777"];

pub fn page(report: &Report, blocks: &[Block]) -> String {
    let style = NumberStyle::Vi;
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(&report.title())
    );
    for block in blocks {
        match block {
            Block::Title(t) => {
                let _ = writeln!(out, "<h1>{}</h1>", escape(t));
            }
            Block::Heading(t) => {
                let _ = writeln!(out, "<h2>{}</h2>", escape(t));
            }
            Block::Paragraph(t) => {
                let _ = writeln!(out, "<p>{}</p>", escape(t));
            }
            Block::Bullets(lines) => {
                out.push_str("<ul>\n");
                for l in lines {
                    let _ = writeln!(out, "<li>{}</li>", escape(l));
                }
                out.push_str("</ul>\n");
            }
            Block::Alert(t) => {
                let _ = writeln!(out, "<ul><li class=\"breach\">{}</li></ul>", escape(t));
            }
            Block::Table { head, rows } => table(&mut out, head, rows, style),
            Block::GradeChart => grade_chart(&mut out, report, style),
            Block::QuotaChart(qi) => quota_chart(&mut out, &report.quotas[*qi], style),
        }
    }
    out.push_str("</body>\n</html>\n");
    out
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

fn table(out: &mut String, head: &[String], rows: &[Vec<Cell>], style: NumberStyle) {
    out.push_str("<table>\n<thead><tr>");
    for h in head {
        let _ = write!(out, "<th>{}</th>", escape(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            let class = if matches!(cell, Cell::Text(_)) {
                ""
            } else {
                " class=\"n\""
            };
            let _ = write!(out, "<td{class}>{}</td>", escape(&cell.show(style)));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// One bar per level, its grades side by side in proportion.
fn grade_chart(out: &mut String, report: &Report, style: NumberStyle) {
    let (label_w, bar_w, row_h) = (230.0, 480.0, 34.0);
    let height = row_h * report.levels.len() as f64 + 40.0;
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{height}\" role=\"img\" aria-label=\"Cơ cấu xếp loại theo cấp\">",
        label_w + bar_w + 10.0
    );
    for (i, level) in report.levels.iter().enumerate() {
        let y = 10.0 + row_h * i as f64;
        let _ = writeln!(
            out,
            "<text x=\"0\" y=\"{}\" font-size=\"13\">{}</text>",
            y + 17.0,
            escape(&level.label)
        );
        let mut x = label_w;
        for (g, &count) in level.counts.iter().enumerate() {
            if level.graded == 0 || count == 0 {
                continue;
            }
            let w = bar_w * count as f64 / level.graded as f64;
            let (code, name) = &report.grades[g];
            let _ = writeln!(
                out,
                "<rect x=\"{x:.1}\" y=\"{y}\" width=\"{w:.1}\" height=\"24\" fill=\"{}\"><title>{}: {} ({})</title></rect>",
                COLOURS[g.min(COLOURS.len() - 1)],
                escape(name),
                style.int(count),
                style.percent(count, level.graded)
            );
            if w > 90.0 {
                let _ = writeln!(
                    out,
                    "<text x=\"{:.1}\" y=\"{}\" font-size=\"11\" fill=\"#fff\">{code} {}</text>",
                    x + 3.0,
                    y + 16.0,
                    style.percent(count, level.graded)
                );
            }
            x += w;
        }
    }
    let y = height - 12.0;
    let mut x = label_w;
    for (g, (code, _)) in report.grades.iter().enumerate() {
        let _ = writeln!(
            out,
            "<rect x=\"{x}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"{y}\" font-size=\"12\">{code}</text>",
            y - 10.0,
            COLOURS[g.min(COLOURS.len() - 1)],
            x + 16.0
        );
        x += 90.0;
    }
    out.push_str("</svg>\n");
}

/// Groups shown in a quota's chart: every breach, then the fullest others.
const QUOTA_GROUPS_SHOWN: usize = 20;

/// Each group's count of the grade against its cap; breaches in red.
fn quota_chart(out: &mut String, quota: &QuotaReport, style: NumberStyle) {
    let mut groups: Vec<_> = quota.groups.iter().collect();
    groups.sort_by(|a, b| {
        b.breach
            .cmp(&a.breach)
            .then(b.count.cmp(&a.count))
            .then_with(|| a.group.cmp(&b.group))
    });
    let breaches = groups.iter().filter(|g| g.breach).count();
    let shown = &groups[..groups.len().min(QUOTA_GROUPS_SHOWN.max(breaches))];
    let hidden = groups.len() - shown.len();
    let most = shown
        .iter()
        .map(|g| g.count.max(g.cap))
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let (label_w, bar_w, row_h) = (260.0, 380.0, 20.0);
    let height = row_h * shown.len() as f64 + 10.0;
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{height}\" role=\"img\" aria-label=\"{} so với tỷ lệ tối đa\">",
        label_w + bar_w + 90.0,
        escape(&quota.name)
    );
    for (i, g) in shown.iter().enumerate() {
        let y = 4.0 + row_h * i as f64;
        let w = bar_w * g.count as f64 / most;
        let cap_x = label_w + bar_w * g.cap as f64 / most;
        let fill = if g.breach { "#b00" } else { "#4575b4" };
        let _ = writeln!(
            out,
            "<text x=\"0\" y=\"{}\" font-size=\"11\">{}</text>\
<rect x=\"{label_w}\" y=\"{y}\" width=\"{w:.1}\" height=\"14\" fill=\"{fill}\"/>\
<line x1=\"{cap_x:.1}\" x2=\"{cap_x:.1}\" y1=\"{}\" y2=\"{}\" stroke=\"#000\" stroke-width=\"2\"/>\
<text x=\"{}\" y=\"{}\" font-size=\"11\">{} / tối đa {}</text>",
            y + 11.0,
            escape(&shorten(&g.group, 40)),
            y - 2.0,
            y + 16.0,
            label_w + bar_w + 6.0,
            y + 11.0,
            style.int(g.count),
            style.int(g.cap)
        );
    }
    out.push_str("</svg>\n");
    if hidden > 0 {
        let _ = writeln!(
            out,
            "<p>(và {} nhóm khác, không vượt, không vẽ)</p>",
            style.int(hidden as u64)
        );
    }
}

fn shorten(s: &str, most: usize) -> String {
    if s.chars().count() <= most {
        return s.to_string();
    }
    let mut t: String = s.chars().take(most - 1).collect();
    t.push('…');
    t
}
