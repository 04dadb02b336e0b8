//! The report in words: the model laid out as headings, paragraphs, lists
//! and tables in the order and wording of a committee's report (the seed
//! report of Yên Thế, 2021). Markdown, HTML and Word draw these same
//! blocks, so the three say the same thing.

use super::format::NumberStyle;
use super::model::{lower_first, Level, QuotaReport, Report};

/// A table cell: text, or a number the form may write as a number.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(u64),
    /// `part / whole`, shown as a percentage with one decimal.
    Share(u64, u64),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Title(String),
    Heading(String),
    Paragraph(String),
    Bullets(Vec<String>),
    /// A finding that needs the reader's attention (a cap exceeded).
    Alert(String),
    Table {
        head: Vec<String>,
        rows: Vec<Vec<Cell>>,
    },
    /// Where a form that draws shows the grade distribution per level
    /// (the summary table says it in numbers).
    GradeChart,
    /// Where a form that draws shows quota `n`'s groups against their
    /// caps (the line before says it in words).
    QuotaChart(usize),
}

impl Cell {
    pub fn show(&self, style: NumberStyle) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Int(n) => style.int(*n),
            Cell::Share(p, w) => style.percent(*p, *w),
        }
    }
}

/// The report's blocks.
pub fn blocks(report: &Report, style: NumberStyle) -> Vec<Block> {
    let mut out = vec![Block::Title(report.title())];
    let mut heading = Vec::new();
    if let Some((name, id)) = &report.unit {
        heading.push(format!("Đơn vị: {name} ({id})."));
    }
    heading.push(format!("Bộ quy tắc: {}.", report.ruleset));
    if !report.sources.is_empty() {
        heading.push(format!("Căn cứ: {}.", report.sources.join("; ")));
    }
    heading.push(format!("Thời điểm đánh giá: {}.", report.review_date));
    out.push(Block::Bullets(heading));
    for note in &report.notes {
        out.push(Block::Alert(note.clone()));
    }

    out.push(Block::Heading("1. Kết quả chung".into()));
    out.push(summary_table(report));
    out.push(Block::GradeChart);
    // A part of a level ("Trong đó: …") is a row of the table, not a
    // section of its own.
    let mut n = 2;
    for level in report
        .levels
        .iter()
        .filter(|l| !l.part && !l.label.trim().is_empty())
    {
        out.push(Block::Heading(format!("{n}. {}", level.label)));
        out.extend(level_blocks(report, level, style));
        n += 1;
    }
    if !report.quotas.is_empty() {
        out.push(Block::Heading(format!("{n}. Giới hạn tỷ lệ xếp loại")));
        n += 1;
    }
    for (qi, q) in report.quotas.iter().enumerate() {
        let line = quota_line(q, style);
        match quota_breached(q) {
            true => out.push(Block::Alert(line)),
            false => out.push(Block::Bullets(vec![line])),
        }
        if !q.groups.is_empty() {
            out.push(Block::QuotaChart(qi));
        }
    }
    out.push(Block::Heading(format!(
        "{n}. Tổ chức đảng được xếp loại {} và {}",
        grade_name(report, 0),
        grade_name(report, report.grades.len().saturating_sub(1))
    )));
    out.push(Block::Bullets(
        report
            .named
            .iter()
            .map(|list| {
                let names = if list.names.is_empty() {
                    "không có".to_string()
                } else {
                    list.names.join("; ")
                };
                format!(
                    "{} {} ({}): {names}.",
                    list.level,
                    list.grade,
                    style.int(list.names.len() as u64)
                )
            })
            .collect(),
    ));
    if !report.appendix.rows.is_empty() {
        out.push(Block::Heading(format!(
            "Phụ lục: kết quả xếp loại theo từng {}",
            lower_first(&report.appendix.level)
        )));
        out.push(appendix_table(report));
    }
    out
}

fn reasons_text(reasons: &[(String, u64)], style: NumberStyle) -> String {
    let parts: Vec<String> = reasons
        .iter()
        .map(|(reason, n)| format!("{}: {}", reason, style.int(*n)))
        .collect();
    parts.join("; ")
}

fn grade_name(report: &Report, g: usize) -> String {
    report
        .grades
        .get(g)
        .map(|(code, name)| format!("\"{}\" ({code})", lower_first(name)))
        .unwrap_or_default()
}

fn summary_table(report: &Report) -> Block {
    let mut head = vec![
        "Cấp".to_string(),
        "Tổng số".into(),
        "Đã xếp loại".into(),
        "Tỷ lệ".into(),
    ];
    for (code, _) in &report.grades {
        head.push(code.clone());
        head.push(format!("% {code}"));
    }
    let refers = report.levels.iter().any(|l| l.to_decide > 0);
    if refers {
        head.push("Chờ cấp có thẩm quyền".into());
    }
    head.push("Không xếp loại".into());
    let rows = report
        .levels
        .iter()
        .map(|l| {
            let mut row = vec![
                Cell::Text(l.label.clone()),
                Cell::Int(l.in_scope),
                Cell::Int(l.graded),
                Cell::Share(l.graded, l.in_scope),
            ];
            for &c in &l.counts {
                row.push(Cell::Int(c));
                row.push(Cell::Share(c, l.graded));
            }
            if refers {
                row.push(Cell::Int(l.to_decide));
            }
            row.push(Cell::Int(l.not_graded_total()));
            row
        })
        .collect();
    Block::Table { head, rows }
}

fn level_blocks(report: &Report, level: &Level, style: NumberStyle) -> Vec<Block> {
    let noun = lower_first(&level.label);
    let mut out = vec![Block::Paragraph(format!(
        "Có {}/{} {noun} đã được đánh giá, xếp loại (tỷ lệ {}).",
        style.int(level.graded),
        style.int(level.in_scope),
        style.percent(level.graded, level.in_scope)
    ))];
    let mut lines = Vec::new();
    for (g, &count) in level.counts.iter().enumerate() {
        let (code, name) = &report.grades[g];
        if count == 0 {
            lines.push(format!(
                "Không có {noun} được xếp loại {} ({code}).",
                lower_first(name)
            ));
            continue;
        }
        let mut line = format!(
            "{} {noun} được xếp loại {} ({code}), {} {} so với tổng số được xếp loại",
            style.int(count),
            lower_first(name),
            if g + 1 == report.grades.len() {
                "chiếm tỷ lệ"
            } else {
                "đạt tỷ lệ"
            },
            style.percent(count, level.graded)
        );
        if g == 0 && report.grades.len() >= 2 {
            let (best, base) = level.best_of_good_or_better();
            line.push_str(&format!(
                ", {} so với tổng số được xếp loại từ {} trở lên",
                style.percent(best, base),
                lower_first(&report.grades[1].1)
            ));
            // The cap holds within each group of its quota, on the
            // quota's own base: the rule, not a figure to set beside this.
            if let Some(cap) = &level.cap {
                line.push_str(&format!(
                    " (giới hạn trong từng nhóm: {cap}; xem mục giới hạn tỷ lệ)"
                ));
            }
        }
        line.push('.');
        lines.push(line);
    }
    if level.to_decide > 0 {
        lines.push(format!(
            "{} {noun} chờ cấp có thẩm quyền xem xét, quyết định ({}).",
            style.int(level.to_decide),
            reasons_text(&level.to_decide_reasons, style)
        ));
    }
    let not_graded = level.not_graded_total();
    if not_graded > 0 {
        lines.push(format!(
            "{} {noun} không xếp loại ({}).",
            style.int(not_graded),
            reasons_text(&level.not_graded, style)
        ));
    }
    out.push(Block::Bullets(lines));
    out
}

/// A quota in words: every group over its cap (or lowered to it, for an
/// enforced quota), or that none is.
pub fn quota_line(q: &QuotaReport, style: NumberStyle) -> String {
    let cite = q
        .cite
        .as_ref()
        .map(|c| format!("; {c}"))
        .unwrap_or_default();
    let mut line = format!("{} ({}{cite}): ", q.name, q.rule);
    let over: Vec<String> = q
        .groups
        .iter()
        .filter(|g| g.breach || g.lowered > 0)
        .map(|g| {
            let id = g.group_id.as_ref().map(|i| format!(" [{i}]")).unwrap_or_default();
            let (count, cap) = (style.int(g.count), style.int(g.cap));
            match g.lowered {
                0 => format!(
                    "{}{id} có {count} {} {}, vượt tỷ lệ tối đa {cap} (cơ sở tính {})",
                    g.group,
                    q.noun,
                    q.grade,
                    style.int(g.base_count)
                ),
                n => format!(
                    "{}{id} có {count} {} đủ điều kiện {}, tối đa {cap} (cơ sở tính {}): đã hạ {} xuống một bậc, còn {}",
                    g.group,
                    q.noun,
                    q.grade,
                    style.int(g.base_count),
                    style.int(n),
                    style.int(g.count.saturating_sub(n))
                ),
            }
        })
        .collect();
    let unsplit = match q.unsplit {
        0 => String::new(),
        n => format!(
            " {} nhóm không theo tổ chức không tách được cho đơn vị: xem báo cáo toàn bộ.",
            style.int(n as u64)
        ),
    };
    if q.groups.is_empty() {
        line.push_str("không có nhóm nào thuộc đơn vị.");
    } else if over.is_empty() {
        line.push_str(&format!(
            "{} nhóm, không nhóm nào vượt tỷ lệ tối đa.",
            style.int(q.groups.len() as u64)
        ));
    } else {
        line.push_str(&over.join("; "));
        let what = match q.groups.iter().all(|g| g.lowered > 0 || !g.breach) {
            true => "phải hạ loại",
            false => "vượt",
        };
        line.push_str(&format!(
            " ({} trong {} nhóm {what}).",
            style.int(over.len() as u64),
            style.int(q.groups.len() as u64)
        ));
    }
    line.push_str(&unsplit);
    line
}

/// Whether a quota needs the reader's attention: a group over its cap
/// that nothing lowered.
pub fn quota_breached(q: &QuotaReport) -> bool {
    q.groups.iter().any(|g| g.breach && g.lowered == 0)
}

fn appendix_table(report: &Report) -> Block {
    let a = &report.appendix;
    let mut head = vec!["Mã".to_string(), "Tên".into(), "Xếp loại".into()];
    for column in &a.columns {
        for (code, _) in &report.grades {
            head.push(format!("{column}: {code}"));
        }
    }
    let rows = a
        .rows
        .iter()
        .map(|r| {
            let mut row = vec![
                Cell::Text(r.id.clone()),
                Cell::Text(r.name.clone()),
                Cell::Text(r.grade.clone().unwrap_or_else(|| "không xếp loại".into())),
            ];
            row.extend(r.counts.iter().flatten().map(|&c| Cell::Int(c)));
            row
        })
        .collect();
    Block::Table { head, rows }
}

/// The blocks as Markdown, for pasting and for review.
pub fn markdown(blocks: &[Block], style: NumberStyle) -> String {
    let mut out = String::new();
    for block in blocks {
        match block {
            Block::Title(t) => out.push_str(&format!("# {t}\n\n")),
            Block::Heading(t) => out.push_str(&format!("## {t}\n\n")),
            Block::Paragraph(t) => out.push_str(&format!("{t}\n\n")),
            Block::Bullets(lines) => {
                for l in lines {
                    out.push_str(&format!("- {l}\n"));
                }
                out.push('\n');
            }
            Block::Table { head, rows } => {
                let cell = |s: &str| s.replace('|', "\\|").replace(['\r', '\n'], " ");
                out.push_str(&format!(
                    "| {} |\n",
                    head.iter().map(|h| cell(h)).collect::<Vec<_>>().join(" | ")
                ));
                out.push_str(&format!("|{}\n", "---|".repeat(head.len())));
                for row in rows {
                    let cells: Vec<String> = row.iter().map(|c| cell(&c.show(style))).collect();
                    out.push_str(&format!("| {} |\n", cells.join(" | ")));
                }
                out.push('\n');
            }
            Block::Alert(t) => out.push_str(&format!("- **{t}**\n\n")),
            Block::GradeChart | Block::QuotaChart(_) => {}
        }
    }
    out
}
