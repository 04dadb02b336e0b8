//! `cargo bench`: load and grade the Yên Thế example and a province of
//! 229 such districts (≈ 1,000,000 members), each stage timed as the best
//! of several runs and reported as a ratio to a baseline measured in the
//! same run on the same files: reading them with the csv crate alone
//! (every record split, nothing parsed). Machines are shared and noisy; the
//! ratios are what to compare between runs.
//!
//! The province is generated once into target/bench-data (set
//! XEPLOAI_BENCH_DATA to use another folder).

#[path = "../tests/common/convert.rs"]
mod convert;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let out = f();
        best = best.min(start.elapsed());
        last = Some(out);
    }
    (best, last.expect("at least one run"))
}

/// The baseline: split every record of both files, parse nothing.
fn raw_csv(dir: &Path) -> usize {
    let mut n = 0;
    for f in ["organisations.csv", "members.csv"] {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_path(dir.join(f))
            .expect("csv");
        let mut rec = csv::ByteRecord::new();
        while r.read_byte_record(&mut rec).expect("record") {
            n += rec.len();
        }
    }
    n
}

fn province() -> PathBuf {
    if let Ok(dir) = std::env::var("XEPLOAI_BENCH_DATA") {
        return PathBuf::from(dir);
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("target/bench-data/province-229");
    if !dir.join("members.csv").exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args([
                "run",
                "--release",
                "--quiet",
                "--example",
                "gen_yen_the",
                "--",
                "--copies",
                "229",
            ])
            .arg(&dir)
            .current_dir(&root)
            .status()
            .expect("run the generator");
        assert!(status.success(), "generator failed");
    }
    dir
}

fn bench(name: &str, rules: &Path, dir: &Path, runs: usize) {
    let program = xeploai::check::check_file(rules).expect("rules").program;
    let params = program.default_params();
    let (base, fields) = best_of(runs, || raw_csv(dir));
    let (load, data) = best_of(runs, || {
        xeploai::data::load_dir(&program, dir).expect("data")
    });
    let (grade, outcome) = best_of(runs, || {
        xeploai::eval::grade(&program, &data, &params).expect("grade")
    });
    let (report, _) = best_of(runs, || {
        xeploai::report::table(
            &program,
            &data,
            &outcome,
            &params,
            xeploai::report::NumberStyle::Vi,
        )
    });
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let ratio = |d: Duration| d.as_secs_f64() / base.as_secs_f64();
    println!(
        "{name}: {} members, {} organisations, {fields} cells",
        data.members.len(),
        data.organisations.len()
    );
    println!("  baseline (csv split only) {:>9.1} ms   1.00×", ms(base));
    println!(
        "  load + validate           {:>9.1} ms   {:.2}×",
        ms(load),
        ratio(load)
    );
    println!(
        "  grade (members, orgs, quotas) {:>5.1} ms   {:.2}×",
        ms(grade),
        ratio(grade)
    );
    println!(
        "  summary table             {:>9.1} ms   {:.2}×",
        ms(report),
        ratio(report)
    );
    println!(
        "  load + grade              {:>9.1} ms   {:.2}×",
        ms(load + grade),
        ratio(load + grade)
    );

    // The REPL after a change: check the changed rules, regrade, diff.
    let mut session = xeploai::repl::Session::new();
    session.start(Some(rules), Some(dir));
    let _ = session.eval_line(":diff"); // the baseline is graded once
    let (what_if, _) = best_of(runs, || {
        let set = session.eval_line(":set excellent_cap 30%");
        let diff = session.eval_line(":diff");
        let _ = session.eval_line(":undo");
        assert!(diff.out.contains("tối đa"), "{}{}", set.err, diff.err);
    });
    println!(
        "  repl :set + :diff + :undo {:>7.1} ms   {:.2}×",
        ms(what_if),
        ratio(what_if)
    );
}

/// Reading the same dataset from Excel workbooks (real date and percent
/// cells) against reading it from CSV, alternated in one run.
fn bench_workbooks(name: &str, rules: &Path, dir: &Path, runs: usize) {
    let program = xeploai::check::check_file(rules).expect("rules").program;
    // Kept beside the generated province, never in the examples.
    let books = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!(
        "target/bench-data/{}-xlsx",
        dir.file_name().expect("name").to_string_lossy()
    ));
    if !books.join("members.xlsx").exists() {
        std::fs::create_dir_all(&books).expect("folder");
        convert::to_workbooks(dir, &books);
    }
    let (mut csv, mut xlsx) = (Duration::MAX, Duration::MAX);
    for _ in 0..runs {
        let (t, _) = best_of(1, || xeploai::data::load_dir(&program, dir).expect("csv"));
        csv = csv.min(t);
        let (t, _) = best_of(1, || {
            xeploai::data::load_dir(&program, &books).expect("xlsx")
        });
        xlsx = xlsx.min(t);
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("{name}: load + validate from workbooks");
    println!("  from CSV                  {:>9.1} ms   1.00×", ms(csv));
    println!(
        "  from .xlsx                {:>9.1} ms   {:.2}×",
        ms(xlsx),
        xlsx.as_secs_f64() / csv.as_secs_f64()
    );
}

fn main() {
    // `cargo test --benches` runs this with --bench absent; stay quick then.
    let full = std::env::args().any(|a| a == "--bench");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let rules = root.join("rules/2021.rules");
    bench(
        "yen-the-2021",
        &rules,
        &root.join("examples/yen-the-2021"),
        if full { 20 } else { 1 },
    );
    bench_workbooks(
        "yen-the-2021",
        &rules,
        &root.join("examples/yen-the-2021"),
        if full { 10 } else { 1 },
    );
    if full {
        bench("province (229 districts)", &rules, &province(), 3);
        bench_workbooks("province (229 districts)", &rules, &province(), 3);
    }
}
