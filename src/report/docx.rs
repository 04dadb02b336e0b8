//! The report as a Word document (written with docx-rs): the blocks of
//! `document` as a title, headings, paragraphs, lists and tables, in
//! Times New Roman as administrative documents are set. Charts are left
//! to the HTML and Excel forms; the tables carry the same figures.

use docx_rs::{
    AlignmentType, Docx, PageOrientationType, Paragraph, Run, RunFonts, Style, StyleType, Table,
    TableCell, TableRow,
};

use super::document::{Block, Cell};
use super::format::NumberStyle;

const FONT: &str = "Times New Roman";
/// A4 in twentieths of a point, and the text width between the default
/// margins (1 inch each side) of the landscape page.
const A4_LONG: u32 = 16838;
const A4_SHORT: u32 = 11906;
const TEXT_WIDTH: usize = 16838 - 2 * 1440;

/// `dated` (yyyy-mm-dd) is written as the document's creation date, so
/// the same report is the same bytes whenever it is written.
pub fn document(dated: &str, blocks: &[Block]) -> Result<Vec<u8>, String> {
    let style = NumberStyle::Vi;
    let fonts = RunFonts::new()
        .ascii(FONT)
        .hi_ansi(FONT)
        .cs(FONT)
        .east_asia(FONT);
    // A4 landscape: the summary and the appendix are a dozen columns
    // and more, too many for a portrait page's width.
    let mut doc = Docx::new()
        .page_size(A4_LONG, A4_SHORT)
        .page_orient(PageOrientationType::Landscape)
        .default_fonts(fonts)
        .default_size(26)
        .add_style(heading_style("Heading1", "heading 1", 30))
        .add_style(heading_style("Heading2", "heading 2", 27));
    let stamp = format!("{dated}T00:00:00Z");
    doc = doc.created_at(&stamp).updated_at(&stamp);
    for block in blocks {
        doc = match block {
            Block::Title(t) => doc.add_paragraph(
                Paragraph::new()
                    .style("Heading1")
                    .align(AlignmentType::Center)
                    .add_run(Run::new().add_text(t)),
            ),
            Block::Heading(t) => doc.add_paragraph(
                Paragraph::new()
                    .style("Heading2")
                    .add_run(Run::new().add_text(t)),
            ),
            Block::Paragraph(t) => {
                doc.add_paragraph(Paragraph::new().add_run(Run::new().add_text(t)))
            }
            Block::Bullets(lines) => lines.iter().fold(doc, |doc, l| {
                doc.add_paragraph(Paragraph::new().add_run(Run::new().add_text(format!("– {l}"))))
            }),
            Block::Alert(t) => doc.add_paragraph(
                Paragraph::new()
                    .add_run(Run::new().add_text(format!("– {t}")).bold().color("B00000")),
            ),
            Block::Table { head, rows } => doc.add_table(table(head, rows, style)),
            Block::GradeChart | Block::QuotaChart(_) => doc,
        };
    }
    let mut bytes = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut bytes).map_err(|e| e.to_string())?;
    Ok(bytes.into_inner())
}

fn heading_style(id: &str, name: &str, size: usize) -> Style {
    Style::new(id, StyleType::Paragraph)
        .name(name)
        .size(size)
        .bold()
}

fn table(head: &[String], rows: &[Vec<Cell>], style: NumberStyle) -> Table {
    // Many columns (the appendix), smaller type.
    let size = if head.len() > 14 { 16 } else { 20 };
    let cell = |text: &str, bold: bool, right: bool| {
        let run = Run::new().add_text(text).size(size);
        let run = if bold { run.bold() } else { run };
        let paragraph = Paragraph::new().add_run(run);
        let paragraph = if right {
            paragraph.align(AlignmentType::Right)
        } else {
            paragraph
        };
        TableCell::new().add_paragraph(paragraph)
    };
    let mut out = vec![TableRow::new(
        head.iter().map(|h| cell(h, true, false)).collect(),
    )];
    for row in rows {
        out.push(TableRow::new(
            row.iter()
                .map(|c| cell(&c.show(style), false, !matches!(c, Cell::Text(_))))
                .collect(),
        ));
    }
    // Text columns (the first, a name) twice as wide as a number's.
    let weights: Vec<usize> = (0..head.len())
        .map(|c| match rows.first().map(|r| &r[c]) {
            Some(Cell::Text(_)) | None => 2,
            _ => 1,
        })
        .collect();
    let unit = TEXT_WIDTH / weights.iter().sum::<usize>().max(1);
    Table::new(out).set_grid(weights.iter().map(|w| w * unit).collect())
}
