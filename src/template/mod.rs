//! An empty workbook for staff to fill in, whose sheets and headers are
//! exactly what the rules' schemas read: one sheet per table ("Tổ chức",
//! "Đảng viên"), one column per field, each header the field's Vietnamese
//! column name, and data validation so that a wrong cell is caught when
//! it is typed rather than when the file is graded.

mod text;

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{
    DataValidation, DataValidationRule, ExcelDateTime, Format, Formula, Note, Workbook, Worksheet,
    XlsxError,
};

use crate::files::{write_atomically, WriteError};
use crate::program::{FieldInfo, Program, Range, SchemaInfo, Ty};
use crate::value::{civil_from_days, Value};

pub use text::{describe, header};

/// The sheet of the organisations, as the data reader recognises it.
pub const ORGANISATIONS_SHEET: &str = "Tổ chức";
/// The sheet of the members.
pub const MEMBERS_SHEET: &str = "Đảng viên";
/// The sheet listing every column (read by people, not by the reader).
pub const GUIDE_SHEET: &str = "Hướng dẫn";
/// A hidden sheet holding the lists too long (or with commas) for Excel's
/// inline list validation; only there when one is needed.
pub const LISTS_SHEET: &str = "Danh mục";
/// Rows under the header that carry the validation (Excel rows 2..=10001).
pub const DATA_ROWS: u32 = 10_000;

/// Why a template was not written.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("refusing to write {0}: a template is an Excel workbook, its name must end in .xlsx")]
    NotXlsx(PathBuf),
    #[error("refusing to write {0}: the file exists, and a template once filled in holds the members' data; give a new name, or move the old file away first")]
    Exists(PathBuf),
    #[error("cannot build the workbook: {0}")]
    Xlsx(#[from] XlsxError),
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// The template of `program`, as the bytes of an .xlsx file.
pub fn workbook(program: &Program) -> Result<Vec<u8>, XlsxError> {
    let mut lists = Lists::default();
    let orgs = table_sheet(
        program,
        &program.organisation,
        ORGANISATIONS_SHEET,
        &mut lists,
    )?;
    let members = table_sheet(program, &program.member, MEMBERS_SHEET, &mut lists)?;
    let mut book = Workbook::new();
    // Dated by the rules' review date, not the clock: same rules, same bytes.
    let (y, m, d) = crate::value::civil_from_days(program.header.review_date);
    let created =
        rust_xlsxwriter::ExcelDateTime::from_ymd(y.clamp(1900, 9999) as u16, m as u8, d as u8)?;
    book.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&created));
    book.push_worksheet(orgs);
    book.push_worksheet(members);
    book.push_worksheet(guide_sheet(program)?);
    if let Some(sheet) = lists.sheet()? {
        book.push_worksheet(sheet);
    }
    book.save_to_buffer()
}

/// Writes the template to `out` atomically, never over an existing file
/// (a filled-in template is the staff's data) nor the rules files it was
/// made from; `out` must end in `.xlsx`.
pub fn write_file(program: &Program, out: &Path) -> Result<(), TemplateError> {
    let is_xlsx = out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if !is_xlsx {
        return Err(TemplateError::NotXlsx(out.to_path_buf()));
    }
    if out.symlink_metadata().is_ok() {
        return Err(TemplateError::Exists(out.to_path_buf()));
    }
    let bytes = workbook(program)?;
    write_atomically(out, &bytes, &program.sources.paths())?;
    Ok(())
}

/// The headers of a table's sheet, in column order.
pub fn headers(schema: &SchemaInfo) -> Vec<&str> {
    schema.fields.iter().map(header).collect()
}

fn bold() -> Format {
    Format::new().set_bold()
}

/// A header row: bold, frozen, filtered, each column as wide as its header.
fn header_row(sheet: &mut Worksheet, headers: &[&str]) -> Result<(), XlsxError> {
    for (col, h) in headers.iter().enumerate() {
        let col = col as u16;
        sheet.write_string_with_format(0, col, *h, &bold())?;
        // Bold letters are wider; the filter's arrow needs room too.
        let width = (h.chars().count() as f64 * 1.15 + 4.0).clamp(10.0, 90.0);
        sheet.set_column_width(col, width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let last = headers.len().saturating_sub(1) as u16;
    sheet.autofilter(0, 0, 0, last)?;
    Ok(())
}

fn table_sheet(
    program: &Program,
    schema: &SchemaInfo,
    name: &str,
    lists: &mut Lists,
) -> Result<Worksheet, XlsxError> {
    let mut sheet = Worksheet::new();
    sheet.set_name(name)?;
    header_row(&mut sheet, &headers(schema))?;
    for (col, field) in schema.fields.iter().enumerate() {
        let col = col as u16;
        if let Some(format) = column_format(field.ty) {
            sheet.set_column_format(col, &format)?;
        }
        let about = describe(program, field);
        let note = Note::new(&about)
            .add_author_prefix(false)
            .set_width(320)
            .set_height(120);
        sheet.insert_note(0, col, &note)?;
        let rule = validation(program, field, lists)?;
        let rule = with_messages(rule, header(field), &about)?;
        sheet.add_data_validation(1, col, DATA_ROWS, col, &rule)?;
    }
    Ok(sheet)
}

/// How a column shows its cells: a date as dd/mm/yyyy, a percentage as
/// one (the reader takes a percent-formatted 0.95 as 95 %), an id as text
/// so that Excel keeps its leading zeros.
fn column_format(ty: Ty) -> Option<Format> {
    let code = match ty {
        Ty::Date => "dd/mm/yyyy",
        Ty::Percent => "0%",
        Ty::Text | Ty::Org => "@",
        _ => return None,
    };
    Some(Format::new().set_num_format(code))
}

/// The input message shown on entering a cell, and the error on a wrong one.
fn with_messages(
    rule: DataValidation,
    header: &str,
    about: &str,
) -> Result<DataValidation, XlsxError> {
    rule.set_input_title(text::fit(header, 32))?
        .set_input_message(text::fit(about, 255))?
        .set_error_title("Giá trị không hợp lệ")?
        .set_error_message(text::fit(about, 255))
}

/// What a cell of the field may hold.
fn validation(
    program: &Program,
    field: &FieldInfo,
    lists: &mut Lists,
) -> Result<DataValidation, XlsxError> {
    if let Some(choices) = text::choices(program, field.ty) {
        return Ok(lists.validation(&choices));
    }
    let any = DataValidation::new().allow_any_value();
    let v = match field.ty {
        Ty::Number | Ty::Percent => rule(&field.range, number)
            .map_or(any, |r| DataValidation::new().allow_decimal_number(r)),
        Ty::Int => {
            rule(&field.range, whole).map_or(any, |r| DataValidation::new().allow_whole_number(r))
        }
        Ty::Date => {
            rule(&field.range, excel_date).map_or(any, |r| DataValidation::new().allow_date(r))
        }
        _ => any,
    };
    Ok(v)
}

/// A range as a validation rule, bound by bound.
fn rule<T: rust_xlsxwriter::IntoDataValidationValue>(
    range: &Range,
    convert: fn(&Value) -> Option<T>,
) -> Option<DataValidationRule<T>> {
    let low = range.low.as_ref().and_then(convert);
    let high = range.high.as_ref().and_then(convert);
    match (low, high) {
        (Some(l), Some(h)) => Some(DataValidationRule::Between(l, h)),
        (Some(l), None) => Some(DataValidationRule::GreaterThanOrEqualTo(l)),
        (None, Some(h)) => Some(DataValidationRule::LessThanOrEqualTo(h)),
        (None, None) => None,
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Num(r) => Some(text::as_f64(*r)),
        _ => None,
    }
}

fn whole(v: &Value) -> Option<i32> {
    match v {
        Value::Num(r) if r.den == 1 => i32::try_from(r.num).ok(),
        _ => None,
    }
}

fn excel_date(v: &Value) -> Option<ExcelDateTime> {
    let Value::Date(d) = v else { return None };
    let (y, m, d) = civil_from_days(*d);
    ExcelDateTime::from_ymd(u16::try_from(y).ok()?, m as u8, d as u8).ok()
}

/// Lists that Excel cannot take inline, each a column of the lists sheet.
#[derive(Default)]
struct Lists {
    columns: Vec<Vec<String>>,
}

impl Lists {
    /// A drop-down of `choices`: inline where Excel allows it (at most 255
    /// characters, no comma, which Excel reads as a separator), else a
    /// range of the lists sheet.
    fn validation(&mut self, choices: &[String]) -> DataValidation {
        if !choices.iter().any(|c| c.contains(',')) {
            if let Ok(v) = DataValidation::new().allow_list_strings(choices) {
                return v;
            }
        }
        let col = match self.columns.iter().position(|c| c == choices) {
            Some(i) => i,
            None => {
                self.columns.push(choices.to_vec());
                self.columns.len() - 1
            }
        };
        let letter = rust_xlsxwriter::column_number_to_name(col as u16);
        let range = format!(
            "'{LISTS_SHEET}'!${letter}$1:${letter}${}",
            choices.len().max(1)
        );
        DataValidation::new().allow_list_formula(Formula::new(range))
    }

    /// The hidden sheet, if any list needed it.
    fn sheet(&self) -> Result<Option<Worksheet>, XlsxError> {
        if self.columns.is_empty() {
            return Ok(None);
        }
        let mut sheet = Worksheet::new();
        sheet.set_name(LISTS_SHEET)?.set_hidden(true);
        for (col, values) in self.columns.iter().enumerate() {
            sheet.write_column(0, col as u16, values)?;
        }
        Ok(Some(sheet))
    }
}

/// One row per column of both tables: where it is, what it holds, and
/// the other headers the reader accepts for it.
fn guide_sheet(program: &Program) -> Result<Worksheet, XlsxError> {
    let mut sheet = Worksheet::new();
    sheet.set_name(GUIDE_SHEET)?;
    let titles = [
        "Trang",
        "Cột",
        "Trường",
        "Kiểu",
        "Bắt buộc / mặc định",
        "Tên cột khác được chấp nhận",
    ];
    header_row(&mut sheet, &titles)?;
    let rows = guide_rows(program);
    for (i, cells) in rows.iter().enumerate() {
        sheet.write_row(i as u32 + 1, 0, cells)?;
    }
    // Here the cells, not the titles, are the long part.
    for col in 0..titles.len() {
        let longest = rows
            .iter()
            .map(|r| r[col].chars().count())
            .max()
            .unwrap_or(0);
        let width = longest.max(titles[col].chars().count()) as f64 + 3.0;
        sheet.set_column_width(col as u16, width.clamp(10.0, 90.0))?;
    }
    Ok(sheet)
}

fn guide_rows(program: &Program) -> Vec<[String; 6]> {
    let tables = [
        (ORGANISATIONS_SHEET, &program.organisation),
        (MEMBERS_SHEET, &program.member),
    ];
    let mut rows = Vec::new();
    for (name, schema) in tables {
        for field in &schema.fields {
            let shown = header(field);
            let others: Vec<&str> = field
                .columns
                .iter()
                .map(String::as_str)
                .filter(|c| *c != shown)
                .collect();
            rows.push([
                name.to_string(),
                shown.to_string(),
                field.name.clone(),
                text::kind(program, field),
                text::need(program, field),
                others.join("; "),
            ]);
        }
    }
    rows
}
