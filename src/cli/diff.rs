//! `xeploai diff`: who changes grade between two rule sets.

use std::path::Path;

use super::output::{emit, inputs_of, resolve, Target};
use super::{grade_or_report, load_data, prepare_rules, Format, Io, Setting};
use crate::report::NumberStyle;

#[allow(clippy::too_many_arguments)]
pub(super) fn cmd_diff(
    old: &Path,
    new: &Path,
    data: &super::DataArgs,
    format: Option<Format>,
    out: Option<&Path>,
    sets: (&[Setting], &[Setting]),
    limit: usize,
    io: &mut Io,
) -> i32 {
    let target = Target::of(out);
    let allowed = [
        Format::Table,
        Format::Json,
        Format::Csv,
        Format::CsvData,
        Format::Xlsx,
        Format::Html,
    ];
    let format = match resolve(format, &target, &allowed, Format::Table, "diff") {
        Ok(f) => f,
        Err(e) => {
            let _ = writeln!(io.err, "{e}");
            return 2;
        }
    };
    let (old_checked, old_params) = match prepare_rules(old, sets.0, io) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let (new_checked, new_params) = match prepare_rules(new, sets.1, io) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let (op, np) = (&old_checked.program, &new_checked.program);
    let old_data = match load_data(op, data, false, io) {
        Ok(d) => d,
        Err(code) => return code,
    };
    // A later year may read more columns: then the new rules read the data
    // through their own schema (the rows are the same, in the same order);
    // otherwise the dataset is read once.
    let read_again;
    let new_data = if op.data_signature() == np.data_signature() {
        &old_data
    } else {
        read_again = match load_data(np, data, false, io) {
            Ok(d) => d,
            Err(code) => return code,
        };
        &read_again
    };
    let (Some(old_outcome), Some(new_outcome)) = (
        grade_or_report(op, &old_data, &old_params, io),
        grade_or_report(np, new_data, &new_params, io),
    ) else {
        return 1;
    };
    let before = crate::diff::Side {
        program: op,
        params: &old_params,
        outcome: &old_outcome,
    };
    let after = crate::diff::Side {
        program: np,
        params: &new_params,
        outcome: &new_outcome,
    };
    let diff = match crate::diff::compare(&before, &after) {
        Ok(d) => d,
        Err(e) => {
            io.report(e);
            return 1;
        }
    };
    let sides = crate::diff::Sides {
        before: &before,
        after: &after,
        data: new_data,
    };
    let text = match format {
        Format::Xlsx => match crate::diff::workbook(&sides, &diff) {
            Ok(bytes) => {
                return emit(
                    &bytes,
                    &target,
                    &inputs_of(&[op, np], &[&old_data, new_data]),
                    io,
                )
            }
            Err(e) => {
                let _ = writeln!(io.err, "cannot write the workbook: {e}");
                return 1;
            }
        },
        Format::Html => crate::diff::page(&sides, &diff),
        Format::Table => format!(
            "Trước: {} ({})\nSau:   {} ({})\nDữ liệu: {}\n\n{}",
            op.header.name,
            old.display(),
            np.header.name,
            new.display(),
            data.data.display(),
            crate::diff::text(np, new_data, &diff, limit, NumberStyle::Vi)
        ),
        Format::Json => {
            serde_json::to_string_pretty(&crate::diff::to_json(new_data, &before, &after, &diff))
                .unwrap_or_default()
                + "\n"
        }
        // Both CSVs have the same columns; Excel's has its byte-order mark
        // and CRLF.
        _ => match crate::diff::to_csv(np, new_data, &diff, format == Format::Csv) {
            Ok(t) => t,
            Err(e) => {
                let _ = writeln!(io.err, "cannot write CSV: {e}");
                return 1;
            }
        },
    };
    emit(
        &text.into_bytes(),
        &target,
        &inputs_of(&[op, np], &[&old_data, new_data]),
        io,
    )
}
