//! # xeploai
//!
//! A rules engine for the annual review and grading (*kiểm điểm, đánh giá,
//! xếp loại chất lượng*) of party organisations and party members.
//!
//! ```text
//! rules text ──syntax──▶ AST ──check──▶ Program ──eval(Dataset)──▶ Outcome ──▶ report / explain
//! data folder ──data──▶ Dataset (validated against the Program's schemas) ─┘
//! ```
//!
//! Each stage is a public function:
//!
//! ```
//! use std::path::Path;
//! let checked = xeploai::check::check_file(Path::new("rules/2021.rules")).expect("rules check");
//! let program = checked.program;
//! let data = xeploai::data::load_dir(&program, Path::new("examples/yen-the-2021")).expect("data is valid");
//! let params = program.default_params();
//! let outcome = xeploai::eval::grade(&program, &data, &params).expect("grading");
//! let summary = xeploai::report::summary(&program, &outcome);
//! let members = &summary.rows[2];
//! assert_eq!((members.in_scope, members.graded), (4371, 4336));
//! assert_eq!(members.counts, [606, 3375, 320, 35]);
//! ```
#![forbid(unsafe_code)]

pub mod check;
pub mod cli;
pub mod data;
pub mod diff;
pub mod eval;
pub mod files;
pub mod fmt;
pub mod golden;

pub mod program;
pub mod render;
pub mod repl;
pub mod report;

pub mod source;
pub mod syntax;
pub mod template;
pub mod value;
