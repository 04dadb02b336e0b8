//! Running targets: seeds, budgets, one thread per case with a time limit,
//! and the report of failures (each with its seed, to replay it).
//!
//! Environment:
//! - `XEPLOAI_FUZZ_SEED=N` replays one case of a target (decimal or 0x…);
//! - `XEPLOAI_FUZZ_CASES=N` runs N cases per target;
//! - `XEPLOAI_FUZZ_SECONDS=S` runs each target for S seconds;
//! - `XEPLOAI_FUZZ_BASE=N` picks another series of seeds (long runs take a
//!   random one unless it is given);
//! - `XEPLOAI_FUZZ_TIMEOUT_MS=N` a case taking longer fails (default 10 s
//!   in debug builds, 5 s in release).
//!
//! Without CASES or SECONDS a target runs its bounded slice, the same
//! seeds every time, and stops at the first failure. With them it goes on
//! after failures and lists each distinct one (by its first line) with the
//! first seed that showed it.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::knobs::Knobs;
use super::rng::{hash_str, mix};

fn env_u64(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    let v = v.trim();
    if let Some(hex) = v.strip_prefix("0x") {
        u64::from_str_radix(hex, 16).ok()
    } else {
        v.parse().ok()
    }
}

/// A fresh empty folder for one case.
pub fn scratch(tag: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "xeploai-fuzz-{}-{tag}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Removes a scratch folder when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(tag: &str) -> Scratch {
        Scratch(scratch(tag))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

pub enum Verdict {
    Pass,
    Fail(String),
}

fn run_one<F>(case: F, seed: u64, knobs: Knobs, limit: Duration) -> (Verdict, Duration)
where
    F: Fn(u64, Knobs) -> Result<(), String> + Send + Sync + Copy + 'static,
{
    let (tx, rx) = mpsc::channel();
    let start = Instant::now();
    let handle = std::thread::Builder::new()
        .name(format!("case-{seed}"))
        .stack_size(64 << 20)
        .spawn(move || {
            let r = case(seed, knobs);
            let _ = tx.send(r);
        })
        .expect("spawn");
    match rx.recv_timeout(limit) {
        Ok(Ok(())) => {
            let _ = handle.join();
            (Verdict::Pass, start.elapsed())
        }
        Ok(Err(msg)) => {
            let _ = handle.join();
            (Verdict::Fail(msg), start.elapsed())
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            let why = match handle.join() {
                Err(p) => p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "a panic".into()),
                Ok(()) => "the case thread ended without a verdict".into(),
            };
            (Verdict::Fail(format!("PANIC: {why}")), start.elapsed())
        }
        Err(mpsc::RecvTimeoutError::Timeout) => (
            // The thread is left running; the process ends with the test.
            Verdict::Fail(format!("HANG: the case took more than {limit:?}")),
            start.elapsed(),
        ),
    }
}

/// Runs a target: its bounded slice, a long run, or one replayed seed.
pub fn drive<F>(target: &str, bounded_cases: u64, case: F)
where
    F: Fn(u64, Knobs) -> Result<(), String> + Send + Sync + Copy + 'static,
{
    let knobs = Knobs::from_env();
    let limit = Duration::from_millis(env_u64("XEPLOAI_FUZZ_TIMEOUT_MS").unwrap_or(
        if cfg!(debug_assertions) {
            10_000
        } else {
            5_000
        },
    ));
    let replay = |seed: u64| -> String {
        format!(
            "XEPLOAI_FUZZ_SEED={seed}{} cargo test --test fuzz {target} -- --nocapture",
            match (knobs.pending, knobs.known_bugs) {
                (true, true) => "",
                (false, true) => " XEPLOAI_FUZZ_PENDING=0",
                (true, false) => " XEPLOAI_FUZZ_KNOWN_BUGS=0",
                (false, false) => " XEPLOAI_FUZZ_PENDING=0 XEPLOAI_FUZZ_KNOWN_BUGS=0",
            }
        )
    };
    if let Some(seed) = env_u64("XEPLOAI_FUZZ_SEED") {
        let (v, took) = run_one(case, seed, knobs, limit);
        match v {
            Verdict::Pass => println!("{target}: seed {seed} passes ({took:?})"),
            Verdict::Fail(msg) => panic!("{target}: seed {seed} fails ({took:?}):\n{msg}"),
        }
        return;
    }
    let cases = env_u64("XEPLOAI_FUZZ_CASES");
    let seconds = env_u64("XEPLOAI_FUZZ_SECONDS");
    let long = cases.is_some() || seconds.is_some();
    let cases = cases.unwrap_or(if seconds.is_some() {
        u64::MAX
    } else {
        bounded_cases
    });
    let deadline = seconds.map(|s| Instant::now() + Duration::from_secs(s));
    let base = env_u64("XEPLOAI_FUZZ_BASE").unwrap_or(if long {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1)
    } else {
        0
    });
    let start = Instant::now();
    let mut runs = 0u64;
    let mut slowest = Duration::ZERO;
    // first line → (count, first seed, whole message)
    let mut failures: Vec<(String, u64, u64, String)> = Vec::new();
    let mut i = 0u64;
    while i < cases && deadline.is_none_or(|d| Instant::now() < d) {
        let seed = mix(hash_str(target) ^ mix(base) ^ i);
        i += 1;
        let (v, took) = run_one(case, seed, knobs, limit);
        runs += 1;
        slowest = slowest.max(took);
        if let Verdict::Fail(msg) = v {
            let head = msg.lines().next().unwrap_or("").to_string();
            let hang = head.starts_with("HANG");
            if !long {
                panic!(
                    "{target}: case {runs} fails, seed {seed}\nreplay: {}\n{msg}",
                    replay(seed)
                );
            }
            match failures.iter_mut().find(|f| f.0 == head) {
                Some(f) => f.1 += 1,
                None => {
                    eprintln!(
                        "{target}: NEW FAILURE, seed {seed}\nreplay: {}\n{msg}\n",
                        replay(seed)
                    );
                    failures.push((head, 1, seed, msg));
                }
            }
            if hang {
                // A hung thread keeps a core busy; do not pile them up.
                break;
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "fuzz target {target}: {runs} executions in {secs:.1}s ({:.1}/s), slowest case {slowest:?}, {} distinct failure(s), base {base}",
        runs as f64 / secs.max(1e-9),
        failures.len()
    );
    if !failures.is_empty() {
        let mut report = String::new();
        for (head, n, seed, _) in &failures {
            report.push_str(&format!(
                "  {n}× {head}\n     first seed {seed}: {}\n",
                replay(*seed)
            ));
        }
        panic!(
            "{target}: {} distinct failure(s):\n{report}",
            failures.len()
        );
    }
}
