//! `xeploai report`: the report sent to the level above, for the whole
//! dataset or one organisation's subtree, in the form `--out` names.

use std::path::Path;

use super::output::{emit, inputs_of, resolve, Target};
use super::{grade_or_report, load_data_counted, prepare_rules, DataArgs, Format, Io, Setting};
use crate::report::Form;
use crate::syntax::ast::SubjectKind;

pub(super) struct ReportOptions<'a> {
    pub unit: Option<&'a str>,
    pub format: Option<Format>,
    pub out: &'a Path,
    pub set: &'a [Setting],
    pub skip_bad_rows: bool,
}

const FORMS: [(Format, Form); 7] = [
    (Format::Docx, Form::Docx),
    (Format::Xlsx, Form::Xlsx),
    (Format::Html, Form::Html),
    (Format::Md, Form::Markdown),
    (Format::Csv, Form::Csv),
    (Format::CsvData, Form::CsvData),
    (Format::Json, Form::Json),
];

pub(super) fn cmd_report(rules: &Path, data: &DataArgs, o: &ReportOptions, io: &mut Io) -> i32 {
    let target = Target::of(Some(o.out));
    let allowed: Vec<Format> = FORMS.iter().map(|(f, _)| *f).collect();
    let format = match resolve(o.format, &target, &allowed, Format::Md, "report") {
        Ok(f) => f,
        Err(e) => {
            let _ = writeln!(io.err, "{e}");
            return 2;
        }
    };
    let form = FORMS
        .iter()
        .find(|(f, _)| *f == format)
        .map(|(_, form)| *form);
    let Some(form) = form else { return 2 };
    let (checked, params) = match prepare_rules(rules, o.set, io) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let (dataset, skipped) = match load_data_counted(&checked.program, data, o.skip_bad_rows, io) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let program = &checked.program;
    let unit = match o.unit {
        None => None,
        Some(id) => match dataset.find(program, id) {
            Some((SubjectKind::Organisation, i)) => Some(i),
            Some((SubjectKind::Member, _)) => {
                let _ = writeln!(io.err, "--unit {id}: that is a member's id; a report is for an organisation and what is under it");
                return 2;
            }
            None => {
                let _ = writeln!(
                    io.err,
                    "--unit {id}: no organisation with that id in {}",
                    data.data.display()
                );
                return 1;
            }
        },
    };
    let Some(outcome) = grade_or_report(program, &dataset, &params, io) else {
        return 1;
    };
    let mut report = crate::report::build_report(program, &dataset, &outcome, &params, unit);
    if skipped > 0 {
        // The counts leave them out: the document says so, not only the
        // terminal.
        report.notes.push(format!(
            "{skipped} lỗi trong dữ liệu: các dòng có lỗi (và những gì thuộc về chúng) đã được để ra ngoài (--skip-bad-rows), số liệu dưới đây không tính các dòng đó."
        ));
    }
    let bytes = match crate::report::write(&report, form) {
        Ok(b) => b,
        Err(e) => {
            let _ = writeln!(io.err, "cannot write the report: {e}");
            return 1;
        }
    };
    emit(&bytes, &target, &inputs_of(&[program], &[&dataset]), io)
}
